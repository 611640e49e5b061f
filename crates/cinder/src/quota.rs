//! Quotas for volumes (`cinder/quota.py`: `DbQuotaDriver`, `VolumeTypeQuotaEngine` and
//! `GroupQuotaEngine`, with the `quota_reserve` / `reservation_commit` algorithm of
//! `cinder/db/sqlalchemy/api.py`).
//!
//! The resources are the global ones (`volumes`, `per_volume_gigabytes`, `snapshots`,
//! `gigabytes`, `backups`, `backup_gigabytes`, `groups`) and, for every live volume type, its
//! `volumes_<type>`, `gigabytes_<type>` and `snapshots_<type>` — read from the database on every
//! use, as upstream does. A limit resolves as upstream's: the project's `quotas` row, else the
//! `default` quota class (when `use_default_quota_class`), else the option (`quota_volumes`,
//! …; -1 for per-type resources).
//!
//! Upstream reserves (usage `reserved += delta` plus a `reservations` row) in one transaction
//! and commits in another, after the volume row is written. Here the caller does both in ONE
//! transaction ([`Quotas::consume`], [`Quotas::release`]): the usage row goes straight to
//! `in_use`, and a failed create rolls back with its quota, so nothing can leak and no
//! expired reservation is left for a periodic task to clean. For a Python cinder sharing the
//! database the tables look as upstream leaves them after a commit: the same `quota_usages`
//! counters and one soft-deleted `reservations` row per resource.

use std::collections::BTreeMap;

use openstack_config::{options, ConfigError, ConfigOpts, Opt};
use openstack_db::{utcnow, Transaction};

use crate::db::api::quotas as db;
use crate::exception::CinderError;
use crate::quota_utils::{py_list, OverQuota, Usage};

options! {
    /// The quota options (`cinder/quota.py` `quota_opts`).
    #[derive(Debug, Clone, PartialEq)]
    pub struct QuotaOpts in "DEFAULT" {
        quota_volumes: i64 = Opt::int().default("10")
            .help("Number of volumes allowed per project"),
        quota_snapshots: i64 = Opt::int().default("10")
            .help("Number of volume snapshots allowed per project"),
        quota_groups: i64 = Opt::int().default("10")
            .help("Number of groups allowed per project"),
        quota_gigabytes: i64 = Opt::int().default("1000")
            .help("Total amount of storage, in gigabytes, allowed for volumes and snapshots per project"),
        quota_backups: i64 = Opt::int().default("10")
            .help("Number of volume backups allowed per project"),
        quota_backup_gigabytes: i64 = Opt::int().default("1000")
            .help("Total amount of storage, in gigabytes, allowed for backups per project"),
        reservation_expire: i64 = Opt::int().default("86400")
            .help("Number of seconds until a reservation expires"),
        reservation_clean_interval: i64 = Opt::int().default("$reservation_expire")
            .help("Interval between periodic task runs to clean expired reservations in seconds."),
        until_refresh: i64 = Opt::int().default("0")
            .help("Count of reservations until usage is refreshed"),
        max_age: i64 = Opt::int().default("0")
            .help("Number of seconds between subsequent usage refreshes"),
        quota_driver: String = Opt::str().default(DB_QUOTA_DRIVER)
            .help("Default driver to use for quota checks"),
        use_default_quota_class: bool = Opt::bool().default("true")
            .help("Enables or disables use of default quota class with default quota."),
        per_volume_size_limit: i64 = Opt::int().default("-1")
            .help("Max size allowed per volume, in gigabytes"),
    }
}

/// The one quota driver upstream ships.
pub const DB_QUOTA_DRIVER: &str = "cinder.quota.DbQuotaDriver";

/// The largest value the INTEGER usage columns hold.
const MAX_INT: i64 = 2_147_483_647;

/// Registers [`QuotaOpts`] on `conf`.
pub fn register_opts(conf: &mut ConfigOpts) -> Result<(), ConfigError> {
    conf.register::<QuotaOpts>()
}

/// What keeps a resource's `in_use` in step with the live rows (`_sync_*`); `None` for
/// `per_volume_gigabytes`, a plain limit that is never reserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sync {
    Volumes,
    Snapshots,
    Gigabytes,
    Backups,
    BackupGigabytes,
    Groups,
}

/// One quota resource.
#[derive(Clone, Debug, PartialEq)]
struct Resource {
    name: String,
    sync: Option<Sync>,
    /// The option value (or -1) used when no row gives a limit.
    default: i64,
    /// For `<part>_<type>` resources: the type's id.
    volume_type_id: Option<String>,
}

/// A resource's limit and, when asked for, what the project holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaValue {
    pub limit: i64,
    pub in_use: i64,
    pub reserved: i64,
}

/// The quota engine of one service process.
#[derive(Debug, Clone)]
pub struct Quotas {
    pub opts: QuotaOpts,
    /// `[DEFAULT] no_snapshot_gb_quota` (`cinder/common/config.py`): snapshots do not count
    /// against the gigabytes quotas.
    pub no_snapshot_gb_quota: bool,
}

impl Quotas {
    /// Reads the options (registering [`QuotaOpts`] on a copy of `conf` when the program did
    /// not); an unknown `quota_driver` is refused with the valid one named.
    pub fn new(conf: &ConfigOpts) -> Result<Quotas, String> {
        let opts: QuotaOpts = if conf.is_registered("DEFAULT", "quota_volumes") {
            conf.load()
        } else {
            let mut conf = conf.clone();
            register_opts(&mut conf).and_then(|()| conf.load())
        }
        .map_err(|e| e.to_string())?;
        Quotas::with_opts(opts, no_snapshot_gb_quota(conf)?)
    }

    /// An engine with these options.
    pub fn with_opts(opts: QuotaOpts, no_snapshot_gb_quota: bool) -> Result<Quotas, String> {
        match opts.quota_driver.as_str() {
            DB_QUOTA_DRIVER => Ok(Quotas {
                opts,
                no_snapshot_gb_quota,
            }),
            other => Err(format!(
                "quota_driver {other:?} is not available; the valid driver is {DB_QUOTA_DRIVER}"
            )),
        }
    }

    /// The global resources, each with the option its default comes from.
    fn global_resources(&self) -> Vec<Resource> {
        let o = &self.opts;
        [
            ("volumes", Some(Sync::Volumes), o.quota_volumes),
            ("per_volume_gigabytes", None, o.per_volume_size_limit),
            ("snapshots", Some(Sync::Snapshots), o.quota_snapshots),
            ("gigabytes", Some(Sync::Gigabytes), o.quota_gigabytes),
            ("backups", Some(Sync::Backups), o.quota_backups),
            (
                "backup_gigabytes",
                Some(Sync::BackupGigabytes),
                o.quota_backup_gigabytes,
            ),
        ]
        .into_iter()
        .map(|(name, sync, default)| Resource {
            name: name.to_string(),
            sync,
            default,
            volume_type_id: None,
        })
        .collect()
    }

    /// `QUOTAS.resources` then `GROUP_QUOTAS.resources`, in upstream's order.
    async fn resources(&self, tx: &mut Transaction<'_>) -> Result<Vec<Resource>, CinderError> {
        let mut out = self.global_resources();
        for (id, name) in db::live_volume_types(tx).await? {
            for (part, sync) in [
                ("volumes", Sync::Volumes),
                ("gigabytes", Sync::Gigabytes),
                ("snapshots", Sync::Snapshots),
            ] {
                out.push(Resource {
                    name: format!("{part}_{name}"),
                    sync: Some(sync),
                    default: -1,
                    volume_type_id: Some(id.clone()),
                });
            }
        }
        out.push(Resource {
            name: "groups".to_string(),
            sync: Some(Sync::Groups),
            default: self.opts.quota_groups,
            volume_type_id: None,
        });
        Ok(out)
    }

    /// The names of every quota resource now (for validating quota-set bodies).
    pub async fn resource_names(
        &self,
        tx: &mut Transaction<'_>,
    ) -> Result<Vec<String>, CinderError> {
        Ok(self
            .resources(tx)
            .await?
            .into_iter()
            .map(|r| r.name)
            .collect())
    }

    /// The live volume type names, in the order their resources are listed.
    pub async fn volume_type_names(
        &self,
        tx: &mut Transaction<'_>,
    ) -> Result<Vec<String>, CinderError> {
        Ok(db::live_volume_types(tx)
            .await?
            .into_iter()
            .map(|(_, name)| name)
            .collect())
    }

    /// The `default` class's limits, when `use_default_quota_class` says they count.
    async fn default_class(
        &self,
        tx: &mut Transaction<'_>,
    ) -> Result<BTreeMap<String, Option<i64>>, CinderError> {
        if !self.opts.use_default_quota_class {
            return Ok(BTreeMap::new());
        }
        Ok(db::quota_class_get_all_by_name(tx, db::DEFAULT_QUOTA_CLASS).await?)
    }

    /// `get_defaults`: every resource's default limit.
    pub async fn get_defaults(
        &self,
        tx: &mut Transaction<'_>,
    ) -> Result<Vec<(String, i64)>, CinderError> {
        let class = self.default_class(tx).await?;
        let resources = self.resources(tx).await?;
        Ok(resources
            .into_iter()
            .map(|r| {
                let limit = pick(&class, &r.name).unwrap_or(r.default);
                (r.name, limit)
            })
            .collect())
    }

    /// `get_class_quotas(defaults=True)`: the class's limits, else the `default` class's
    /// (whatever `use_default_quota_class` says, as upstream), else the options.
    pub async fn get_class_quotas(
        &self,
        tx: &mut Transaction<'_>,
        class_name: &str,
    ) -> Result<Vec<(String, i64)>, CinderError> {
        let class = db::quota_class_get_all_by_name(tx, class_name).await?;
        let defaults = db::quota_class_get_all_by_name(tx, db::DEFAULT_QUOTA_CLASS).await?;
        let resources = self.resources(tx).await?;
        Ok(resources
            .into_iter()
            .map(|r| {
                let limit = pick(&class, &r.name)
                    .or_else(|| pick(&defaults, &r.name))
                    .unwrap_or(r.default);
                (r.name, limit)
            })
            .collect())
    }

    /// `get_project_quotas(usages=True)`: each resource's limit and usage for `project_id`.
    /// With `defaults = false` only the resources the project has its own limit for.
    pub async fn get_project_quotas(
        &self,
        tx: &mut Transaction<'_>,
        project_id: &str,
        defaults: bool,
    ) -> Result<Vec<(String, QuotaValue)>, CinderError> {
        let project = db::quota_get_all_by_project(tx, project_id).await?;
        let usages = db::quota_usage_get_all_by_project(tx, project_id).await?;
        let class = self.default_class(tx).await?;
        let resources = self.resources(tx).await?;
        Ok(resources
            .into_iter()
            .filter(|r| defaults || project.contains_key(&r.name))
            .map(|r| {
                let limit = pick(&project, &r.name)
                    .or_else(|| pick(&class, &r.name))
                    .unwrap_or(r.default);
                let usage = usages.get(&r.name);
                let value = QuotaValue {
                    limit,
                    in_use: usage.map_or(0, |u| u.in_use),
                    reserved: usage.map_or(0, |u| u.reserved),
                };
                (r.name, value)
            })
            .collect())
    }

    /// The limit of each of `names` for `project_id` (`_get_quotas`); unknown names, or
    /// names whose kind (`reservable`) does not fit, are `QuotaResourceUnknown`.
    async fn limits_of(
        &self,
        tx: &mut Transaction<'_>,
        project_id: &str,
        names: &[&str],
        reservable: bool,
    ) -> Result<BTreeMap<String, (i64, Resource)>, CinderError> {
        let resources = self.resources(tx).await?;
        let mut unknown: Vec<String> = names
            .iter()
            .filter(|n| {
                !resources
                    .iter()
                    .any(|r| r.name == **n && r.sync.is_some() == reservable)
            })
            .map(|n| n.to_string())
            .collect();
        if !unknown.is_empty() {
            unknown.sort();
            unknown.dedup();
            return Err(CinderError::QuotaResourceUnknown(py_list(&unknown)));
        }
        let project = db::quota_get_all_by_project(tx, project_id).await?;
        let class = self.default_class(tx).await?;
        Ok(resources
            .into_iter()
            .filter(|r| names.contains(&r.name.as_str()))
            .map(|r| {
                let limit = pick(&project, &r.name)
                    .or_else(|| pick(&class, &r.name))
                    .unwrap_or(r.default);
                (r.name.clone(), (limit, r))
            })
            .collect())
    }

    /// What a new volume of `size` GB consumes (`volumes`, `gigabytes` and, with a type,
    /// `volumes_<type>`, `gigabytes_<type>`), as the create flow reserves it.
    pub fn volume_deltas(&self, size: i64, type_name: Option<&str>) -> Vec<(String, i64)> {
        let mut d = vec![("volumes".to_string(), 1), ("gigabytes".to_string(), size)];
        add_volume_type_opts(&mut d, type_name);
        d
    }

    /// What a new snapshot of a `size` GB volume consumes (`snapshots`, `gigabytes` unless
    /// `no_snapshot_gb_quota`, and the per-type ones).
    pub fn snapshot_deltas(&self, size: i64, type_name: Option<&str>) -> Vec<(String, i64)> {
        let mut d = vec![("snapshots".to_string(), 1)];
        if !self.no_snapshot_gb_quota {
            d.push(("gigabytes".to_string(), size));
        }
        add_volume_type_opts(&mut d, type_name);
        d
    }

    /// `QUOTAS.limit_check(per_volume_gigabytes=size)` as the create and extend flows map it:
    /// `VolumeSizeExceedsLimit` when `size` is over the project's `per_volume_gigabytes`.
    pub async fn check_per_volume_size(
        &self,
        tx: &mut Transaction<'_>,
        project_id: &str,
        size: i64,
    ) -> Result<(), CinderError> {
        const NAME: &str = "per_volume_gigabytes";
        if size < 0 {
            return Err(CinderError::InvalidQuotaValue(py_list(&[NAME.to_string()])));
        }
        let limits = self.limits_of(tx, project_id, &[NAME], false).await?;
        let limit = limits.get(NAME).map_or(-1, |(l, _)| *l);
        if limit >= 0 && limit < size {
            return Err(CinderError::VolumeSizeExceedsLimit { size, limit });
        }
        Ok(())
    }

    /// Reserve and commit at once, in the caller's transaction: checks every delta against
    /// its limit (`limit >= 0 && delta >= 0 && limit < in_use + reserved + delta` is over)
    /// and adds the deltas to `in_use`. Over quota is the error upstream's
    /// `process_reserve_over_quota` raises: `VolumeLimitExceeded`, `SnapshotLimitExceeded` or
    /// `VolumeSizeExceedsAvailableQuota` (413) — for deltas with neither `volumes` nor
    /// `snapshots` (an extend), the extend flow's `VolumeSizeExceedsAvailableQuota`.
    ///
    /// Call it BEFORE writing the row the quota is for: a usage row that does not exist yet
    /// is created from the live rows, which must not include the new one yet.
    pub async fn consume(
        &self,
        tx: &mut Transaction<'_>,
        project_id: &str,
        deltas: &[(String, i64)],
    ) -> Result<(), CinderError> {
        match self.try_consume(tx, project_id, deltas).await? {
            Ok(()) => Ok(()),
            Err(over) => Err(over.into_error(deltas)),
        }
    }

    /// [`Quotas::consume`] leaving the mapping of an over-quota refusal to the caller (e.g.
    /// `over.for_resource("snapshots", volume_size)`); nothing is written when refused.
    pub async fn try_consume(
        &self,
        tx: &mut Transaction<'_>,
        project_id: &str,
        deltas: &[(String, i64)],
    ) -> Result<Result<(), OverQuota>, CinderError> {
        self.apply(tx, project_id, deltas).await
    }

    /// Gives back what a deleted resource held (`deltas` as [`Quotas::volume_deltas`] gives
    /// them, positive): `in_use -= delta`, never below 0 (upstream's negative reservation
    /// and commit). Call it before soft-deleting the row, as [`Quotas::consume`].
    ///
    /// A resource that no longer exists (the `<part>_<type>` of a type deleted since) is
    /// skipped with a warning: a release never blocks a delete. (Upstream's delete logs the
    /// `QuotaResourceUnknown` and skips the whole release.)
    pub async fn release(
        &self,
        tx: &mut Transaction<'_>,
        project_id: &str,
        deltas: &[(String, i64)],
    ) -> Result<(), CinderError> {
        let known = self.resources(tx).await?;
        let mut negative: Vec<(String, i64)> = Vec::with_capacity(deltas.len());
        for (name, delta) in deltas {
            if known.iter().any(|r| r.name == *name && r.sync.is_some()) {
                negative.push((name.clone(), -delta));
            } else {
                tracing::warn!(
                    target: "cinder.quota",
                    "Not releasing {delta} of unknown quota resource {name} for project {project_id}"
                );
            }
        }
        match self.apply(tx, project_id, &negative).await? {
            Ok(()) => Ok(()),
            // Negative deltas are never over quota.
            Err(over) => Err(over.into_error(&negative)),
        }
    }

    /// `quota_reserve` followed by `reservation_commit`, in one transaction.
    async fn apply(
        &self,
        tx: &mut Transaction<'_>,
        project_id: &str,
        deltas: &[(String, i64)],
    ) -> Result<Result<(), OverQuota>, CinderError> {
        // A dict upstream: the last value of a repeated key wins.
        let deltas: BTreeMap<&str, i64> = deltas.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let names: Vec<&str> = deltas.keys().copied().collect();
        if names.is_empty() {
            return Ok(Ok(()));
        }
        let limits = self.limits_of(tx, project_id, &names, true).await?;
        let until_refresh = (self.opts.until_refresh != 0).then_some(self.opts.until_refresh);

        let mut usages = db::quota_usages_for_update(tx, project_id, &names).await?;
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !usages.contains_key(*n))
            .collect();
        if !missing.is_empty() {
            // Created from the live rows rather than from zero: admins delete usage rows to
            // force a refresh.
            for name in &missing {
                let in_use = self.sync(tx, project_id, &limits[*name].1).await?;
                db::quota_usage_create(tx, project_id, name, in_use, until_refresh).await?;
            }
            usages = db::quota_usages_for_update(tx, project_id, &names).await?;
            if let Some(name) = names.iter().find(|n| !usages.contains_key(**n)) {
                return Err(CinderError::Internal(format!(
                    "quota usage row of {name} for project {project_id} vanished"
                )));
            }
        }

        let now = utcnow();
        for name in &names {
            let usage = usages.get_mut(*name).ok_or(CinderError::NotFound)?;
            let mut refresh = false;
            if usage.in_use < 0 {
                // A negative count is a desync: heal it.
                refresh = true;
            } else if let Some(left) = usage.until_refresh {
                usage.until_refresh = Some(left - 1);
                refresh = left - 1 <= 0;
            } else if self.opts.max_age > 0 {
                if let Some(updated) = usage.updated_at {
                    refresh = (now - updated).whole_seconds() >= self.opts.max_age;
                }
            }
            if refresh {
                usage.in_use = self.sync(tx, project_id, &limits[*name].1).await?;
                usage.until_refresh = until_refresh;
            } else {
                let left = usage.until_refresh;
                if (left.is_none() && until_refresh.is_some())
                    || left.unwrap_or(0) > until_refresh.unwrap_or(0)
                {
                    usage.until_refresh = until_refresh;
                }
            }
        }

        let unders: Vec<&str> = deltas
            .iter()
            .filter(|(n, d)| **d < 0 && **d + usages[**n].in_use < 0)
            .map(|(n, _)| *n)
            .collect();
        if !unders.is_empty() {
            tracing::warn!(
                target: "cinder.quota",
                "Reservation would make usage less than 0 for the following resources, so on \
                 commit they will be limited to prevent going below 0: {unders:?}"
            );
        }

        let mut overflows: Vec<String> = deltas
            .iter()
            .filter(|(n, d)| {
                let u = &usages[**n];
                **d > 0 && (u.in_use + u.reserved + **d > MAX_INT || u.reserved + **d > MAX_INT)
            })
            .map(|(n, _)| n.to_string())
            .collect();
        if !overflows.is_empty() {
            overflows.sort();
            return Err(CinderError::QuotaUsageOverflow {
                overs: py_list(&overflows),
                max_int: MAX_INT,
            });
        }

        let overs: Vec<String> = deltas
            .iter()
            .filter(|(n, d)| {
                let limit = limits[**n].0;
                let u = &usages[**n];
                limit >= 0 && **d >= 0 && limit < u.in_use + u.reserved + **d
            })
            .map(|(n, _)| n.to_string())
            .collect();
        if !overs.is_empty() {
            return Ok(Err(OverQuota {
                overs,
                quotas: limits.iter().map(|(k, (l, _))| (k.clone(), *l)).collect(),
                usages: usages
                    .iter()
                    .map(|(k, u)| {
                        let usage = Usage {
                            in_use: u.in_use,
                            reserved: u.reserved,
                        };
                        (k.clone(), usage)
                    })
                    .collect(),
            }));
        }

        let expire = now + time::Duration::seconds(self.opts.reservation_expire);
        for (name, delta) in &deltas {
            let usage = usages.get_mut(*name).ok_or(CinderError::NotFound)?;
            db::reservation_create_committed(
                tx,
                &db::CommittedReservation {
                    usage_id: usage.id,
                    project_id,
                    resource: name,
                    delta: *delta,
                    expire,
                },
            )
            .await?;
            // reservation_commit: a negative delta never takes in_use below 0.
            usage.in_use = if *delta < 0 {
                (usage.in_use + delta).max(0)
            } else {
                usage.in_use + delta
            };
            db::quota_usage_update(tx, usage).await?;
        }
        Ok(Ok(()))
    }

    /// `_sync_*`: what the project holds of `resource`, counted from the live rows.
    async fn sync(
        &self,
        tx: &mut Transaction<'_>,
        project_id: &str,
        resource: &Resource,
    ) -> Result<i64, CinderError> {
        let type_id = resource.volume_type_id.as_deref();
        let Some(sync) = resource.sync else {
            return Ok(0);
        };
        Ok(match sync {
            Sync::Volumes => {
                db::volume_data_get_for_project(tx, project_id, type_id)
                    .await?
                    .count
            }
            Sync::Snapshots => {
                db::snapshot_data_get_for_project(tx, project_id, type_id)
                    .await?
                    .count
            }
            Sync::Gigabytes => {
                let volumes = db::volume_data_get_for_project(tx, project_id, type_id)
                    .await?
                    .gigabytes;
                if self.no_snapshot_gb_quota {
                    volumes
                } else {
                    volumes
                        + db::snapshot_data_get_for_project(tx, project_id, type_id)
                            .await?
                            .gigabytes
                }
            }
            Sync::Backups => db::backup_data_get_for_project(tx, project_id).await?.count,
            Sync::BackupGigabytes => {
                db::backup_data_get_for_project(tx, project_id)
                    .await?
                    .gigabytes
            }
            Sync::Groups => db::group_count_for_project(tx, project_id).await?,
        })
    }
}

/// A limit a row gives (a NULL `hard_limit` gives none).
fn pick(rows: &BTreeMap<String, Option<i64>>, name: &str) -> Option<i64> {
    rows.get(name).copied().flatten()
}

/// `add_volume_type_opts`: each of `volumes`, `gigabytes`, `snapshots` present is copied to
/// its `<part>_<type>` resource.
fn add_volume_type_opts(deltas: &mut Vec<(String, i64)>, type_name: Option<&str>) {
    let Some(name) = type_name else { return };
    for part in ["volumes", "gigabytes", "snapshots"] {
        if let Some(v) = deltas.iter().find(|(k, _)| k == part).map(|(_, v)| *v) {
            deltas.push((format!("{part}_{name}"), v));
        }
    }
}

/// `[DEFAULT] no_snapshot_gb_quota`, registered by `cinder/common/config.py` upstream: read
/// from the registered option, else from the files' raw value, else false.
fn no_snapshot_gb_quota(conf: &ConfigOpts) -> Result<bool, String> {
    const NAME: &str = "no_snapshot_gb_quota";
    if conf.is_registered("DEFAULT", NAME) {
        return conf
            .get_as::<bool>("DEFAULT", NAME)
            .map_err(|e| e.to_string());
    }
    match conf.raw_value("DEFAULT", NAME) {
        None => Ok(false),
        Some(raw) => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            _ => Err(format!(
                "Value for option {NAME} in group [DEFAULT] is not valid: Unexpected boolean value '{raw}'"
            )),
        },
    }
}

#[cfg(test)]
mod tests;
