//! `cinder/db/migration.py`: `db_sync` brings a database to the schema of cinder 29.0.0
//! (alembic head `9c74c1c6971f`), `db_version` reads where it is. A database synced by Python
//! cinder is current for us and the other way round; one upgraded by a newer release is
//! refused, never touched.

use openstack_config::{ConfigOpts, Value};
use openstack_db::{Database, DbError, SyncOutcome};

use super::migrations;

/// The newest revision this release knows (cinder 29.0.0).
pub const HEAD: &str = "9c74c1c6971f";

/// The quota limits the data migrations write into the `default` quota class — upstream reads
/// them from `cinder.conf` at sync time (`quota_volumes`, … in `[DEFAULT]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedQuotas {
    pub quota_volumes: i64,
    pub quota_snapshots: i64,
    pub quota_gigabytes: i64,
    pub quota_groups: i64,
    pub quota_backups: i64,
    pub quota_backup_gigabytes: i64,
}

impl Default for SeedQuotas {
    /// Upstream's option defaults (`cinder/quota.py`).
    fn default() -> Self {
        SeedQuotas {
            quota_volumes: 10,
            quota_snapshots: 10,
            quota_gigabytes: 1000,
            quota_groups: 10,
            quota_backups: 10,
            quota_backup_gigabytes: 1000,
        }
    }
}

impl SeedQuotas {
    /// The values `conf` gives (registered options, else the raw `[DEFAULT]` entries of the
    /// files), upstream's defaults for the rest.
    pub fn from_conf(conf: &ConfigOpts) -> Result<SeedQuotas, DbError> {
        let d = SeedQuotas::default();
        let read = |name: &str, default: i64| -> Result<i64, DbError> {
            if conf.is_registered("DEFAULT", name) {
                return match conf.get("DEFAULT", name) {
                    Ok(Value::Int(i)) => Ok(i),
                    Ok(Value::None) => Ok(default),
                    Ok(other) => Err(DbError::Config(format!(
                        "{name}: expected an integer, got {other:?}"
                    ))),
                    Err(e) => Err(DbError::Config(e.to_string())),
                };
            }
            match conf.raw_value("DEFAULT", name) {
                None => Ok(default),
                Some(raw) => raw.trim().parse().map_err(|_| {
                    DbError::Config(format!(
                        "Value for option {name} in group [DEFAULT] is not valid: invalid literal for int() with base 10: '{raw}'"
                    ))
                }),
            }
        };
        Ok(SeedQuotas {
            quota_volumes: read("quota_volumes", d.quota_volumes)?,
            quota_snapshots: read("quota_snapshots", d.quota_snapshots)?,
            quota_gigabytes: read("quota_gigabytes", d.quota_gigabytes)?,
            quota_groups: read("quota_groups", d.quota_groups)?,
            quota_backups: read("quota_backups", d.quota_backups)?,
            quota_backup_gigabytes: read("quota_backup_gigabytes", d.quota_backup_gigabytes)?,
        })
    }
}

/// `cinder-manage db sync` with upstream's default quotas.
pub async fn db_sync(db: &Database) -> Result<SyncOutcome, DbError> {
    db_sync_with(db, SeedQuotas::default()).await
}

/// `cinder-manage db sync`: creates or upgrades the schema; a no-op at head.
pub async fn db_sync_with(db: &Database, seed: SeedQuotas) -> Result<SyncOutcome, DbError> {
    let m = migrations::all(seed);
    if m.current(db).await?.is_none() && db.table_exists("services").await? {
        return Err(DbError::Schema(
            "The database has cinder tables but no alembic_version table: it was created by a \
             release older than alembic migrations (sqlalchemy-migrate). Upgrade it with that \
             release's cinder-manage first."
                .into(),
        ));
    }
    m.sync(db).await
}

/// `cinder-manage db version`: the revision in `alembic_version`, `None` when never synced.
pub async fn db_version(db: &Database) -> Result<Option<String>, DbError> {
    migrations::all(SeedQuotas::default()).current(db).await
}

/// For services at start-up: `Ok` only when the database is at [`HEAD`].
pub async fn check_schema(db: &Database) -> Result<(), DbError> {
    migrations::all(SeedQuotas::default()).check(db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_ends_at_head() {
        let m = migrations::all(SeedQuotas::default());
        assert_eq!(m.head(), HEAD);
        assert_eq!(
            m.revisions(),
            [
                "921e1a36b076",
                "c92a3e68beed",
                "daa98075b90d",
                "89aa6f9639f9",
                "b8660621f1b9",
                "9ab1b092a404",
                "b7b88f50aab5",
                "9c74c1c6971f"
            ]
        );
    }
}
