//! `9c74c1c6971f_quota_add_backup_defaults_in_quota_class.py`: `default` quota-class rows for
//! `backups` and `backup_gigabytes` (from `quota_backups`, `quota_backup_gigabytes`), unless
//! a live row exists. The head of cinder 29.0.0.

use openstack_db::{sql, utcnow, DbError, Transaction};

use crate::db::migration::SeedQuotas;

pub const REVISION: &str = "9c74c1c6971f";

pub async fn upgrade(tx: &mut Transaction<'_>, seed: &SeedQuotas) -> Result<(), DbError> {
    for (resource, limit) in [
        ("backups", seed.quota_backups),
        ("backup_gigabytes", seed.quota_backup_gigabytes),
    ] {
        let exists = tx
            .fetch_optional(
                sql("SELECT id FROM quota_classes WHERE deleted = ? AND class_name = ? AND resource = ?")
                    .bind(false)
                    .bind("default")
                    .bind(resource),
            )
            .await?
            .is_some();
        if exists {
            continue;
        }
        tx.execute(
            sql("INSERT INTO quota_classes (created_at, class_name, resource, hard_limit, deleted) VALUES (?, ?, ?, ?, ?)")
                .bind(utcnow())
                .bind("default")
                .bind(resource)
                .bind(limit)
                .bind(false),
        )
        .await?;
    }
    Ok(())
}
