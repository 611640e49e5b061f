//! The fork-rate limit of oslo.service's `_start_child` (service.md §4.2): when more than
//! `workers` forks are recorded and the oldest is younger than `workers` seconds, wait one
//! second before forking again (`Forking too fast, sleeping`). Net effect: after the first
//! `workers + 1` forks, about one fork per second while children keep dying.
//!
//! Upstream sleeps in the parent; here the wait is a deadline the supervisor loop polls
//! towards, so signals are still handled while it waits.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// What the supervisor should do about one missing child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForkDecision {
    /// Fork now (the fork time is already recorded).
    Fork,
    /// Too fast: do not fork before this instant. `first` is true when the wait just started
    /// (log `Forking too fast, sleeping` once).
    Wait { until: Instant, first: bool },
}

/// The fork history of one launched service.
#[derive(Debug, Clone)]
pub struct ForkRate {
    workers: usize,
    times: VecDeque<Instant>,
    not_before: Option<Instant>,
}

impl ForkRate {
    pub fn new(workers: usize) -> ForkRate {
        ForkRate {
            workers,
            times: VecDeque::new(),
            not_before: None,
        }
    }

    /// Decides whether one more child may be forked at `now`.
    pub fn check(&mut self, now: Instant) -> ForkDecision {
        if let Some(until) = self.not_before {
            if now < until {
                return ForkDecision::Wait {
                    until,
                    first: false,
                };
            }
            // The "sleep" is over: finish upstream's step (drop the oldest, record now).
            self.not_before = None;
            self.times.pop_front();
            self.times.push_back(now);
            return ForkDecision::Fork;
        }
        if self.times.len() > self.workers {
            let window = Duration::from_secs(self.workers as u64);
            let too_fast = self
                .times
                .front()
                .is_some_and(|oldest| now.duration_since(*oldest) < window);
            if too_fast {
                let until = now + Duration::from_secs(1);
                self.not_before = Some(until);
                return ForkDecision::Wait { until, first: true };
            }
            self.times.pop_front();
        }
        self.times.push_back(now);
        ForkDecision::Fork
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instants at which a child that dies at once is re-forked, polled every `step`.
    fn crash_loop(
        rate: &mut ForkRate,
        start: Instant,
        span: Duration,
        step: Duration,
    ) -> Vec<Instant> {
        let mut forks = Vec::new();
        let mut t = start;
        while t < start + span {
            if rate.check(t) == ForkDecision::Fork {
                forks.push(t);
            }
            t += step;
        }
        forks
    }

    #[test]
    fn the_first_workers_plus_one_forks_are_free() {
        let mut rate = ForkRate::new(3);
        let now = Instant::now();
        for _ in 0..4 {
            assert_eq!(rate.check(now), ForkDecision::Fork);
        }
        match rate.check(now) {
            ForkDecision::Wait { until, first } => {
                assert!(first);
                assert_eq!(until, now + Duration::from_secs(1));
            }
            ForkDecision::Fork => panic!("fifth fork at once must wait"),
        }
        assert_eq!(
            rate.check(now + Duration::from_millis(500)),
            ForkDecision::Wait {
                until: now + Duration::from_secs(1),
                first: false
            }
        );
        assert_eq!(rate.check(now + Duration::from_secs(1)), ForkDecision::Fork);
    }

    #[test]
    fn a_crash_loop_is_held_to_workers_plus_one_forks_per_workers_seconds() {
        let workers = 2;
        let mut rate = ForkRate::new(workers);
        let start = Instant::now();
        let span = Duration::from_secs(10);
        let forks = crash_loop(&mut rate, start, span, Duration::from_millis(10));
        // Upstream's invariant: the oldest of the last workers+1 forks is at least `workers`
        // seconds old whenever the next one happens (after the free initial burst).
        for w in forks[workers + 1..].windows(workers + 2) {
            assert!(
                w[workers + 1].duration_since(w[0]) >= Duration::from_secs(workers as u64),
                "too fast: {:?}",
                w.iter()
                    .map(|t| t.duration_since(start))
                    .collect::<Vec<_>>()
            );
        }
        // And it still makes progress: at least one fork per second.
        assert!(
            forks.len() >= workers + 1 + 10 - 1,
            "{} forks in 10 s",
            forks.len()
        );
        assert!(
            forks.len() <= workers + 1 + 16,
            "{} forks in 10 s",
            forks.len()
        );
    }

    #[test]
    fn slow_deaths_are_never_delayed() {
        let mut rate = ForkRate::new(1);
        let start = Instant::now();
        for i in 0..10 {
            assert_eq!(
                rate.check(start + Duration::from_secs(2 * i)),
                ForkDecision::Fork
            );
        }
    }
}
