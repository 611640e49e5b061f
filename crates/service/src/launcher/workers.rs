//! Worker counts (oslo.concurrency's `get_worker_count` and the per-service checks of
//! cinder/nova, service.md §8): an unset or zero `<name>_workers` option means one worker per
//! CPU; a negative one is a start-up error with upstream's message.

use super::LaunchError;

/// The number of CPUs this process may use, or 1 when it cannot be told.
///
/// Unlike Python's `multiprocessing.cpu_count()` this honours CPU affinity and cgroup quotas,
/// which is what a container operator expects.
pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The worker count for the option `name` whose value is `value`: `None` or 0 → [`cpu_count`];
/// negative → `<name> value of <n> is invalid, must be greater than 0.`
pub fn workers_from_option(name: &str, value: Option<i64>) -> Result<usize, LaunchError> {
    match value {
        None | Some(0) => Ok(cpu_count()),
        Some(n) if n < 0 => Err(LaunchError::InvalidWorkers {
            name: name.to_string(),
            value: n,
        }),
        Some(n) => usize::try_from(n).map_err(|_| LaunchError::InvalidWorkers {
            name: name.to_string(),
            value: n,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_and_zero_mean_one_worker_per_cpu() {
        assert!(cpu_count() >= 1);
        assert_eq!(
            workers_from_option("osapi_volume_workers", None).ok(),
            Some(cpu_count())
        );
        assert_eq!(
            workers_from_option("osapi_volume_workers", Some(0)).ok(),
            Some(cpu_count())
        );
    }

    #[test]
    fn positive_values_are_taken_as_they_are() {
        assert_eq!(
            workers_from_option("osapi_volume_workers", Some(3)).ok(),
            Some(3)
        );
    }

    #[test]
    fn negative_values_are_rejected_with_upstreams_message() {
        let err = workers_from_option("osapi_volume_workers", Some(-2)).expect_err("negative");
        assert_eq!(
            err.to_string(),
            "osapi_volume_workers value of -2 is invalid, must be greater than 0."
        );
    }
}
