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

    fn forks_within(rate: &mut ForkRate, start: Instant, span: Duration, step: Duration) -> usize {
        let mut forks = 0;
        let mut t = start;
        while t < start + span {
            if rate.check(t) == ForkDecision::Fork {
                forks += 1;
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
    fn a_crash_loop_forks_about_once_per_second() {
        let mut rate = ForkRate::new(2);
        let start = Instant::now();
        // A child that dies immediately, polled every 10 ms for 10 s.
        let forks = forks_within(
            &mut rate,
            start,
            Duration::from_secs(10),
            Duration::from_millis(10),
        );
        assert!((3 + 8..=3 + 11).contains(&forks), "{forks} forks in 10 s");
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
