//! The `[database]` options of oslo.db (`oslo_db/options.py`, oslo.db 18.1.1), with upstream's
//! names, types, defaults and help texts, so `cinder.conf` files keep working and
//! `cinder-manage config sample` shows the same section.
//!
//! Used: `connection`, `connection_parameters`, `sqlite_synchronous`, `mysql_sql_mode`,
//! `mysql_wsrep_sync_wait`, `connection_recycle_time`, `max_pool_size`, `max_overflow`,
//! `pool_timeout`, `max_retries`, `retry_interval`, `connection_debug`, `use_db_reconnect`,
//! `db_retry_interval`, `db_inc_retry_interval`, `db_max_retry_interval`, `db_max_retries`.
//! Accepted and ignored (SQLAlchemy or Python specifics): `backend`, `slave_connection`,
//! `asyncio_connection`, `asyncio_slave_connection`, `synchronous_reader`, `connection_trace`.

use std::collections::BTreeMap;

use openstack_config::{options, ConfigError, ConfigOpts, Opt};

options! {
    /// `[database]`: where the service's database is and how to talk to it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct DatabaseOpts in "database" {
        sqlite_synchronous: bool = Opt::bool().default("true")
            .help("If True, SQLite uses synchronous mode."),
        backend: String = Opt::str().default("sqlalchemy")
            .help("The back end to use for the database."),
        connection: Option<String> = Opt::str().secret()
            .help("The SQLAlchemy connection string to use to connect to the database."),
        slave_connection: Option<String> = Opt::str().secret()
            .help("The SQLAlchemy connection string to use to connect to the slave database."),
        asyncio_connection: Option<String> = Opt::str().secret()
            .help("The SQLAlchemy asyncio connection string to use to connect to the database."),
        asyncio_slave_connection: Option<String> = Opt::str().secret()
            .help("The SQLAlchemy asyncio connection string to use to connect to the slave database."),
        synchronous_reader: bool = Opt::bool().default("true")
            .help("Whether or not to assume a reader context needs to guarantee it can read data committed by a writer assuming replication lag is present; defaults to True. When False, a reader context works the same as async_reader and will select the slave database if present. When using a galera cluster, this can be set to False only if you set mysql_wsrep_sync_wait to 1 (this will guarantee that the reader will wait until writesets are committed).Note that this may incur a performance degradation within the galera cluster. Note also that this parameter has no effect if you do not set any slave_connection."),
        mysql_sql_mode: Option<String> = Opt::str().default("TRADITIONAL")
            .help("The SQL mode to be used for MySQL sessions. This option, including the default, overrides any server-set SQL mode. To use whatever SQL mode is set by the server configuration, set this to no value. Example: mysql_sql_mode="),
        mysql_wsrep_sync_wait: Option<i64> = Opt::int()
            .help("For Galera only, configure wsrep_sync_wait causality checks on new connections.  Default is None, meaning don't configure any setting."),
        connection_recycle_time: i64 = Opt::int().default("3600")
            .help("Connections which have been present in the connection pool longer than this number of seconds will be replaced with a new one the next time they are checked out from the pool."),
        max_pool_size: i64 = Opt::int().default("5")
            .help("Maximum number of SQL connections to keep open in a pool. Setting a value of 0 indicates no limit."),
        max_retries: i64 = Opt::int().default("10")
            .help("Maximum number of database connection retries during startup. Set to -1 to specify an infinite retry count."),
        retry_interval: i64 = Opt::int().default("10")
            .help("Interval between retries of opening a SQL connection."),
        max_overflow: i64 = Opt::int().default("50")
            .help("If set, use this value for max_overflow with SQLAlchemy."),
        connection_debug: i64 = Opt::int().default("0").min(0).max(100)
            .help("Verbosity of SQL debugging information: 0=None, 100=Everything."),
        connection_trace: bool = Opt::bool().default("false")
            .help("Add Python stack traces to SQL as comment strings."),
        pool_timeout: Option<i64> = Opt::int()
            .help("If set, use this value for pool_timeout with SQLAlchemy."),
        use_db_reconnect: bool = Opt::bool().default("false")
            .help("Enable the experimental use of database reconnect on connection lost."),
        db_retry_interval: i64 = Opt::int().default("1")
            .help("Seconds between retries of a database transaction."),
        db_inc_retry_interval: bool = Opt::bool().default("true")
            .help("If True, increases the interval between retries of a database operation up to db_max_retry_interval."),
        db_max_retry_interval: i64 = Opt::int().default("10")
            .help("If db_inc_retry_interval is set, the maximum seconds between retries of a database operation."),
        db_max_retries: i64 = Opt::int().default("20")
            .help("Maximum retries in case of connection error or deadlock error before error is raised. Set to -1 to specify an infinite retry count."),
        connection_parameters: String = Opt::str().default("")
            .help("Optional URL parameters to append onto the connection URL at connect time; specify as param1=value1&param2=value2&..."),
    }
}

/// oslo.db's `options.set_defaults(conf, connection=...)`: registers `[database]` and, when
/// given, sets the service's default connection (cinder: `sqlite:///$state_path/cinder.sqlite`).
pub fn set_defaults(conf: &mut ConfigOpts, connection: Option<&str>) -> Result<(), ConfigError> {
    if !conf.is_registered("database", "connection") {
        conf.register::<DatabaseOpts>()?;
    }
    if let Some(c) = connection {
        conf.set_default("database", "connection", c)?;
    }
    Ok(())
}

impl DatabaseOpts {
    /// Every option at its upstream default, without reading any file or the environment.
    pub fn defaults() -> DatabaseOpts {
        let mut conf = ConfigOpts::new("openstack-db", "openstack-db", env!("CARGO_PKG_VERSION"));
        conf.set_default_config_files(Vec::new());
        conf.set_default_config_dirs(Vec::new());
        conf.set_environment(BTreeMap::new());
        conf.register::<DatabaseOpts>()
            .and_then(|()| conf.parse_args(&[]))
            .and_then(|()| conf.load::<DatabaseOpts>())
            .expect("the [database] defaults are valid")
    }

    /// The defaults with `connection` set: what tests and tools use.
    pub fn for_url(connection: &str) -> DatabaseOpts {
        DatabaseOpts {
            connection: Some(connection.to_string()),
            ..DatabaseOpts::defaults()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_defaults() {
        let d = DatabaseOpts::defaults();
        assert_eq!(d.connection, None);
        assert_eq!(d.max_pool_size, 5);
        assert_eq!(d.max_overflow, 50);
        assert_eq!(d.pool_timeout, None);
        assert_eq!(d.connection_recycle_time, 3600);
        assert_eq!(d.max_retries, 10);
        assert_eq!(d.retry_interval, 10);
        assert_eq!(d.db_max_retries, 20);
        assert_eq!(d.db_retry_interval, 1);
        assert_eq!(d.db_max_retry_interval, 10);
        assert!(d.db_inc_retry_interval);
        assert!(!d.use_db_reconnect);
        assert_eq!(d.mysql_sql_mode.as_deref(), Some("TRADITIONAL"));
        assert!(d.sqlite_synchronous);
        assert_eq!(d.connection_debug, 0);
        assert_eq!(d.connection_parameters, "");
    }

    #[test]
    fn cinder_default_connection_interpolates_state_path() {
        let mut conf = ConfigOpts::new("cinder", "cinder-manage", "0");
        conf.register_opts(
            "DEFAULT",
            vec![Opt::str().named("state_path").default("/var/lib/cinder")],
        )
        .expect("state_path");
        set_defaults(&mut conf, Some("sqlite:///$state_path/cinder.sqlite")).expect("defaults");
        conf.set_default_config_files(Vec::new());
        conf.set_default_config_dirs(Vec::new());
        conf.set_environment(BTreeMap::new());
        conf.parse_args(&[]).expect("parse");
        let db: DatabaseOpts = conf.load().expect("load");
        assert_eq!(
            db.connection.as_deref(),
            Some("sqlite:////var/lib/cinder/cinder.sqlite")
        );
        // The connection is a secret: masked in `config show`.
        let shown = conf.log_opt_values().join("\n");
        assert!(shown.contains("database.connection"), "{shown}");
        assert!(!shown.contains("cinder.sqlite"), "{shown}");
    }
}
