//! `b7b88f50aab5_remove_quota_consistencygroups.py`: soft-deletes the quota rows of the
//! removed `consistencygroups` resource (each model's `delete_values()`, with the ORM's
//! `updated_at` bump; quota usages also clear `race_preventer`).

use openstack_db::{sql, utcnow, DbError, Transaction};

pub const REVISION: &str = "b7b88f50aab5";

pub async fn upgrade(tx: &mut Transaction<'_>) -> Result<(), DbError> {
    let now = utcnow();
    for table in ["quota_classes", "quotas", "quota_usages", "reservations"] {
        let extra = if table == "quota_usages" {
            ", race_preventer = NULL"
        } else {
            ""
        };
        tx.execute(
            sql(format!(
                "UPDATE {table} SET deleted = ?, deleted_at = ?, updated_at = ?{extra} \
                 WHERE deleted = ? AND resource = ?"
            ))
            .bind(true)
            .bind(now)
            .bind(now)
            .bind(false)
            .bind("consistencygroups"),
        )
        .await?;
    }
    Ok(())
}
