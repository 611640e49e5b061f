//! Retrying database work, as oslo.db's `wrap_db_retry` does.
//!
//! Two kinds of failure are retried, with different clocks:
//! - lock conflicts ([`DbError::Deadlock`], [`DbError::Locked`]) — always, up to
//!   `db_max_retries` times, after a short jittered pause (10 ms doubling to 500 ms): the
//!   conflicting transaction is usually gone within milliseconds, and a one-second first
//!   pause (oslo's `db_retry_interval`) would only add latency;
//! - lost connections ([`DbError::Disconnected`]) — only when `use_db_reconnect` is set, as in
//!   oslo.db, after `db_retry_interval` seconds, doubling up to `db_max_retry_interval` when
//!   `db_inc_retry_interval` is set. Off by default so a dead database answers 503 at once
//!   instead of holding every request for minutes.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::DbError;
use crate::options::DatabaseOpts;

/// When and how often to retry.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// `db_max_retries`; `None` retries forever (`-1`).
    pub max_retries: Option<u32>,
    /// `db_retry_interval`.
    pub interval: Duration,
    /// `db_inc_retry_interval`.
    pub inc_interval: bool,
    /// `db_max_retry_interval`.
    pub max_interval: Duration,
    /// `use_db_reconnect`: also retry [`DbError::Disconnected`].
    pub retry_on_disconnect: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: Some(20),
            interval: Duration::from_secs(1),
            inc_interval: true,
            max_interval: Duration::from_secs(10),
            retry_on_disconnect: false,
        }
    }
}

impl RetryPolicy {
    pub fn from_opts(o: &DatabaseOpts) -> RetryPolicy {
        RetryPolicy {
            max_retries: u32::try_from(o.db_max_retries).ok(),
            interval: Duration::from_secs(o.db_retry_interval.max(0) as u64),
            inc_interval: o.db_inc_retry_interval,
            max_interval: Duration::from_secs(o.db_max_retry_interval.max(0) as u64),
            retry_on_disconnect: o.use_db_reconnect,
        }
    }

    /// The pause before retry number `attempt` (0-based) after `err`, or `None` to give up.
    pub fn delay(&self, attempt: u32, err: &DbError) -> Option<Duration> {
        if self.max_retries.is_some_and(|max| attempt >= max) {
            return None;
        }
        if err.is_retryable() {
            let base = 10u64.saturating_mul(1 << attempt.min(16)).min(500);
            return Some(jitter(Duration::from_millis(base)));
        }
        if err.is_disconnect() && self.retry_on_disconnect {
            let d = if self.inc_interval {
                self.interval
                    .saturating_mul(1 << attempt.min(16))
                    .min(self.max_interval)
            } else {
                self.interval
            };
            return Some(d);
        }
        None
    }

    /// Runs `op` until it succeeds, fails with an error this policy does not retry, or the
    /// retries run out (oslo's `wrap_db_retry(retry_on_deadlock=True,
    /// retry_on_disconnect=use_db_reconnect)`). `op` must be safe to run again.
    pub async fn run<T, F, Fut>(&self, mut op: F) -> Result<T, DbError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, DbError>>,
    {
        let mut attempt = 0;
        loop {
            match op().await {
                Ok(v) => return Ok(v),
                Err(e) => match self.delay(attempt, &e) {
                    Some(d) => {
                        tracing::debug!("retrying database operation after {d:?}: {e}");
                        tokio::time::sleep(d).await;
                        attempt += 1;
                    }
                    None => return Err(e),
                },
            }
        }
    }
}

/// Spreads `d` over [d/2, 3d/2) so that writers that collided do not collide again.
fn jitter(d: Duration) -> Duration {
    static SEED: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|t| t.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut x = SEED.fetch_add(nanos | 1, Ordering::Relaxed) ^ nanos;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    let frac = (x % 1000) as f64 / 1000.0;
    d.mul_f64(0.5 + frac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[test]
    fn lock_conflicts_back_off_quickly_and_give_up() {
        let p = RetryPolicy {
            max_retries: Some(3),
            ..RetryPolicy::default()
        };
        let locked = DbError::Locked("database is locked".into());
        let d0 = p.delay(0, &locked).expect("first");
        assert!(
            d0 >= Duration::from_millis(5) && d0 < Duration::from_millis(15),
            "{d0:?}"
        );
        let d2 = p.delay(2, &locked).expect("third");
        assert!(
            d2 >= Duration::from_millis(20) && d2 < Duration::from_millis(60),
            "{d2:?}"
        );
        assert_eq!(p.delay(3, &locked), None);
        let big = RetryPolicy::default().delay(15, &locked).expect("capped");
        assert!(big < Duration::from_millis(750), "{big:?}");
    }

    #[test]
    fn disconnects_only_with_use_db_reconnect() {
        let down = DbError::Disconnected("refused".into());
        assert_eq!(RetryPolicy::default().delay(0, &down), None);
        let p = RetryPolicy {
            retry_on_disconnect: true,
            ..RetryPolicy::default()
        };
        assert_eq!(p.delay(0, &down), Some(Duration::from_secs(1)));
        assert_eq!(p.delay(1, &down), Some(Duration::from_secs(2)));
        assert_eq!(p.delay(5, &down), Some(Duration::from_secs(10)));
        let flat = RetryPolicy {
            inc_interval: false,
            ..p.clone()
        };
        assert_eq!(flat.delay(5, &down), Some(Duration::from_secs(1)));
        let forever = RetryPolicy {
            max_retries: None,
            ..p
        };
        assert!(forever.delay(1000, &down).is_some());
        // Errors that retrying cannot fix are never retried.
        assert_eq!(
            forever.delay(
                0,
                &DbError::Duplicate {
                    constraint: "x".into(),
                    columns: vec![]
                }
            ),
            None
        );
    }

    #[tokio::test]
    async fn run_retries_then_succeeds() {
        let calls = AtomicU32::new(0);
        let r = RetryPolicy::default()
            .run(|| async {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(DbError::Deadlock("deadlock".into()))
                } else {
                    Ok(7)
                }
            })
            .await;
        assert_eq!(r, Ok(7));
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        let calls = AtomicU32::new(0);
        let r: Result<(), DbError> = RetryPolicy::default()
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(DbError::Other("syntax".into()))
            })
            .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
