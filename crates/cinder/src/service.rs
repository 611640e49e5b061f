//! What cinder's services share about their `services` rows (`cinder/service.py`,
//! `cinder/objects/service.py`): the heartbeat options and the "is this service up" test
//! that `os-services`, the scheduler and the volume API all apply.
//!
//! A service writes `updated_at` every `report_interval` seconds; it counts as up while its
//! last heartbeat (or, before the first one, its creation) is at most `service_down_time`
//! seconds away from now.

use openstack_config::{options, ConfigError, ConfigOpts, Opt};
use time::{Duration, PrimitiveDateTime};

options! {
    /// The heartbeat options (`report_interval` of `cinder/service.py`, `service_down_time`
    /// of `cinder/common/config.py`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct ServiceOpts in "DEFAULT" {
        report_interval: i64 = Opt::int().default("10")
            .help("Interval, in seconds, between nodes reporting state to datastore"),
        service_down_time: i64 = Opt::int().default("60")
            .help("Maximum time since last check-in for a service to be considered up"),
    }
}

/// Registers [`ServiceOpts`] on `conf`.
pub fn register_opts(conf: &mut ConfigOpts) -> Result<(), ConfigError> {
    conf.register::<ServiceOpts>()
}

impl ServiceOpts {
    /// The options of `conf`, registering them on a copy when the caller did not.
    pub fn from_conf(conf: &ConfigOpts) -> Result<ServiceOpts, ConfigError> {
        if conf.is_registered("DEFAULT", "service_down_time") {
            conf.load()
        } else {
            let mut conf = conf.clone();
            register_opts(&mut conf).and_then(|()| conf.load())
        }
    }

    /// `utils.service_expired_time`: heartbeats older than this mean "down".
    pub fn expired_time(&self, now: PrimitiveDateTime) -> PrimitiveDateTime {
        now - Duration::seconds(self.service_down_time)
    }

    /// The `state` of `os-services`: the last heartbeat (or the creation, before the first
    /// heartbeat) within `service_down_time` of `now`, either way round (a clock ahead of
    /// ours still counts as up).
    pub fn is_alive(
        &self,
        updated_at: Option<PrimitiveDateTime>,
        created_at: Option<PrimitiveDateTime>,
        now: PrimitiveDateTime,
    ) -> bool {
        match updated_at.or(created_at) {
            Some(last) => (now - last).abs() <= Duration::seconds(self.service_down_time),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn opts() -> ServiceOpts {
        ServiceOpts {
            report_interval: 10,
            service_down_time: 60,
        }
    }

    #[test]
    fn up_within_service_down_time_of_the_last_heartbeat() {
        let now = datetime!(2026-01-01 12:00:00);
        let o = opts();
        assert!(o.is_alive(Some(datetime!(2026-01-01 11:59:00)), None, now));
        assert!(!o.is_alive(Some(datetime!(2026-01-01 11:58:59)), None, now));
        // A clock ahead of ours.
        assert!(o.is_alive(Some(datetime!(2026-01-01 12:00:30)), None, now));
        // Never beat: the creation time counts.
        assert!(o.is_alive(None, Some(datetime!(2026-01-01 11:59:30)), now));
        assert!(!o.is_alive(None, None, now));
        assert_eq!(o.expired_time(now), datetime!(2026-01-01 11:59:00));
    }
}
