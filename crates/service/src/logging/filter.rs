//! Which events are written: INFO, or DEBUG with `debug = true`, lowered per logger by
//! `default_log_levels` (`amqp=WARN`, …) as oslo.log's `_setup_logging_from_conf` does.
//!
//! A logger name is dotted (`cinder.api`); it applies to the tracing targets `cinder::api` and
//! `openstack_cinder::api` (our crates), and a third-party name like `hyper=WARN` to `hyper`.

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;

use super::LogError;

/// oslo.log's `DEFAULT_LOG_LEVELS`.
pub const DEFAULT_LOG_LEVELS: &[&str] = &[
    "amqp=WARN",
    "amqplib=WARN",
    "boto=WARN",
    "qpid=WARN",
    "sqlalchemy=WARN",
    "suds=INFO",
    "oslo.messaging=INFO",
    "oslo_messaging=INFO",
    "iso8601=WARN",
    "requests.packages.urllib3.connectionpool=WARN",
    "urllib3.connectionpool=WARN",
    "websocket=WARN",
    "requests.packages.urllib3.util.retry=WARN",
    "urllib3.util.retry=WARN",
    "keystonemiddleware=WARN",
    "routes.middleware=WARN",
    "stevedore=WARN",
    "taskflow=WARN",
    "keystoneauth=WARN",
    "oslo.cache=INFO",
    "oslo_policy=INFO",
    "dogpile.core.dogpile=INFO",
];

/// One `logger=LEVEL` pair.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LevelRule {
    pub(crate) logger: String,
    pub(crate) level: LevelFilter,
}

/// A Python level name (`WARN`, `WARNING`, `CRITICAL`, …) as a tracing level.
fn parse_level(name: &str) -> Option<LevelFilter> {
    match name.trim().to_ascii_uppercase().as_str() {
        "TRACE" => Some(LevelFilter::TRACE),
        "DEBUG" => Some(LevelFilter::DEBUG),
        "INFO" => Some(LevelFilter::INFO),
        "WARN" | "WARNING" => Some(LevelFilter::WARN),
        "ERROR" | "CRITICAL" | "FATAL" => Some(LevelFilter::ERROR),
        "NOTSET" => Some(LevelFilter::TRACE),
        _ => None,
    }
}

/// Parses `default_log_levels`; an unknown level stops start-up, as `setLevel` does upstream.
pub(crate) fn parse_rules(pairs: &[String]) -> Result<Vec<LevelRule>, LogError> {
    pairs
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|pair| {
            let (logger, level) = pair.split_once('=').unwrap_or((pair.as_str(), ""));
            let level = parse_level(level).ok_or_else(|| LogError::InvalidLevel(pair.clone()))?;
            Ok(LevelRule {
                logger: logger.trim().to_string(),
                level,
            })
        })
        .collect()
}

/// The filter for `debug` and the rules.
pub(crate) fn targets(debug: bool, rules: &[LevelRule]) -> Targets {
    let default = if debug {
        LevelFilter::DEBUG
    } else {
        LevelFilter::INFO
    };
    let mut targets = Targets::new().with_default(default);
    for rule in rules {
        let path = rule.logger.replace('.', "::");
        targets = targets
            .with_target(format!("openstack_{path}"), rule.level)
            .with_target(path, rule.level);
    }
    targets
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    fn defaults() -> Vec<String> {
        DEFAULT_LOG_LEVELS.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_upstream_defaults_parse() {
        let rules = parse_rules(&defaults()).expect("parse");
        assert_eq!(rules.len(), DEFAULT_LOG_LEVELS.len());
        assert_eq!(rules[0].logger, "amqp");
        assert_eq!(rules[0].level, LevelFilter::WARN);
    }

    #[test]
    fn an_unknown_level_is_an_error() {
        let err = parse_rules(&["amqp=LOUD".to_string()]).expect_err("bad level");
        assert!(err.to_string().contains("amqp=LOUD"), "{err}");
    }

    #[test]
    fn debug_switches_the_default_and_rules_lower_loggers() {
        let rules =
            parse_rules(&["hyper=WARN".to_string(), "cinder.db=ERROR".to_string()]).expect("parse");
        let info = targets(false, &rules);
        assert!(info.would_enable("openstack_cinder::api", &Level::INFO));
        assert!(!info.would_enable("openstack_cinder::api", &Level::DEBUG));
        assert!(!info.would_enable("hyper::proto", &Level::INFO));
        assert!(!info.would_enable("openstack_cinder::db::api", &Level::WARN));
        let debug = targets(true, &rules);
        assert!(debug.would_enable("openstack_cinder::api", &Level::DEBUG));
        assert!(!debug.would_enable("hyper::proto", &Level::DEBUG));
        assert!(debug.would_enable("hyper::proto", &Level::WARN));
    }
}
