//! User message rows (`message_get`, `message_get_all`, `message_create`, `message_destroy`,
//! `cleanup_expired_messages` of `cinder/db/sqlalchemy/api.py`).
//!
//! Reads see live rows that have not expired: upstream leaves expired rows in place until the
//! scheduler's reaper deletes them, so which ones a user sees depends on when the reaper last
//! ran; here an expired message is gone the moment it expires, as if the reaper had just run.

use openstack_db::{sql, utcnow, DbError, PrimitiveDateTime, Query, Row, Transaction, Value};

use super::col;
use super::pagination::{paginate, SortKey};

const COLUMNS: &str = "id, project_id, request_id, resource_type, resource_uuid, event_id, \
    message_level, created_at, updated_at, deleted_at, deleted, expires_at, detail_id, action_id";

/// The columns a filter or sort key may name (`is_valid_model_filters(models.Message)`).
pub const MESSAGE_COLUMNS: [&str; 14] = [
    "id",
    "project_id",
    "request_id",
    "resource_type",
    "resource_uuid",
    "event_id",
    "message_level",
    "created_at",
    "updated_at",
    "deleted_at",
    "deleted",
    "expires_at",
    "detail_id",
    "action_id",
];

/// One row of `messages`.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageRow {
    pub id: String,
    pub project_id: String,
    pub request_id: Option<String>,
    pub resource_type: Option<String>,
    pub resource_uuid: Option<String>,
    pub event_id: String,
    pub message_level: String,
    pub created_at: Option<PrimitiveDateTime>,
    pub updated_at: Option<PrimitiveDateTime>,
    pub expires_at: Option<PrimitiveDateTime>,
    pub detail_id: Option<String>,
    pub action_id: Option<String>,
}

impl MessageRow {
    fn from_row(r: &Row) -> Result<MessageRow, DbError> {
        Ok(MessageRow {
            id: col(r, "id")?,
            project_id: col(r, "project_id")?,
            request_id: col(r, "request_id")?,
            resource_type: col(r, "resource_type")?,
            resource_uuid: col(r, "resource_uuid")?,
            event_id: col(r, "event_id")?,
            message_level: col(r, "message_level")?,
            created_at: col(r, "created_at")?,
            updated_at: col(r, "updated_at")?,
            expires_at: col(r, "expires_at")?,
            detail_id: col(r, "detail_id")?,
            action_id: col(r, "action_id")?,
        })
    }

    /// The value of a sort column, for the marker condition.
    fn sort_value(&self, column: &str) -> Value {
        match column {
            "id" => Value::from(self.id.as_str()),
            "project_id" => Value::from(self.project_id.as_str()),
            "request_id" => Value::from(self.request_id.clone()),
            "resource_type" => Value::from(self.resource_type.clone()),
            "resource_uuid" => Value::from(self.resource_uuid.clone()),
            "event_id" => Value::from(self.event_id.as_str()),
            "message_level" => Value::from(self.message_level.as_str()),
            "created_at" => Value::from(self.created_at),
            "updated_at" => Value::from(self.updated_at),
            "expires_at" => Value::from(self.expires_at),
            "detail_id" => Value::from(self.detail_id.clone()),
            "action_id" => Value::from(self.action_id.clone()),
            _ => Value::from(None::<String>),
        }
    }
}

/// What `message_create` writes.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub id: String,
    pub project_id: String,
    pub request_id: Option<String>,
    pub resource_type: String,
    pub resource_uuid: Option<String>,
    pub action_id: String,
    pub detail_id: String,
    pub event_id: String,
    pub message_level: String,
    pub expires_at: PrimitiveDateTime,
}

/// Which messages a list sees.
#[derive(Clone, Debug, Default)]
pub struct MessageFilters {
    /// `None` = every project (an admin context: `project_only` does not apply).
    pub project_id: Option<String>,
    /// Exact matches, `column = value` (columns checked against [`MESSAGE_COLUMNS`]).
    pub exact: Vec<(&'static str, String)>,
    /// Inexact matches (`key~=value`, 3.34): `column LIKE %value%`.
    pub like: Vec<(&'static str, String)>,
}

/// Live, unexpired rows.
fn visible(now: PrimitiveDateTime) -> Query {
    sql(format!(
        "SELECT {COLUMNS} FROM messages WHERE deleted = false AND (expires_at IS NULL OR expires_at >= ?)"
    ))
    .bind(now)
}

/// `message_get`: a visible message, in `project_id` unless `None` (admin).
pub async fn message_get(
    tx: &mut Transaction<'_>,
    id: &str,
    project_id: Option<&str>,
) -> Result<Option<MessageRow>, DbError> {
    let mut q = visible(utcnow()).push(" AND id = ?").bind(id);
    if let Some(p) = project_id {
        q = q.push(" AND project_id = ?").bind(p);
    }
    tx.fetch_optional(q)
        .await?
        .map(|r| MessageRow::from_row(&r))
        .transpose()
}

/// `message_get_all`: one page of the visible messages matching `filters`.
pub async fn message_get_all(
    tx: &mut Transaction<'_>,
    filters: &MessageFilters,
    sort: &[SortKey],
    marker: Option<&MessageRow>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Vec<MessageRow>, DbError> {
    let mut q = visible(utcnow());
    if let Some(p) = &filters.project_id {
        q = q.push(" AND project_id = ?").bind(p.as_str());
    }
    for (column, value) in &filters.exact {
        q = q.push(&format!(" AND {column} = ?")).bind(value.as_str());
    }
    for (column, value) in &filters.like {
        q = q
            .push(&format!(" AND {column} LIKE ?"))
            .bind(format!("%{value}%"));
    }
    let marker_values: Option<Vec<Value>> =
        marker.map(|m| sort.iter().map(|k| m.sort_value(&k.column)).collect());
    q = paginate(q, sort, marker_values.as_deref());
    match (limit, offset) {
        (Some(l), Some(o)) => q = q.push(" LIMIT ? OFFSET ?").bind(l).bind(o),
        (Some(l), None) => q = q.push(" LIMIT ?").bind(l),
        (None, Some(o)) => q = q.push(" LIMIT ? OFFSET ?").bind(i64::MAX).bind(o),
        (None, None) => {}
    }
    tx.fetch_all(q)
        .await?
        .iter()
        .map(MessageRow::from_row)
        .collect()
}

/// `message_create`.
pub async fn message_create(tx: &mut Transaction<'_>, m: &NewMessage) -> Result<(), DbError> {
    tx.execute(
        sql(
            "INSERT INTO messages (id, project_id, request_id, resource_type, resource_uuid, \
             event_id, message_level, created_at, deleted, expires_at, detail_id, action_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, false, ?, ?, ?)",
        )
        .bind(m.id.as_str())
        .bind(m.project_id.as_str())
        .bind(m.request_id.clone())
        .bind(m.resource_type.as_str())
        .bind(m.resource_uuid.clone())
        .bind(m.event_id.as_str())
        .bind(m.message_level.as_str())
        .bind(utcnow())
        .bind(m.expires_at)
        .bind(m.detail_id.as_str())
        .bind(m.action_id.as_str()),
    )
    .await?;
    Ok(())
}

/// `message_destroy`: soft-deletes the message, keeping `updated_at`; returns whether it
/// was there.
pub async fn message_destroy(tx: &mut Transaction<'_>, id: &str) -> Result<bool, DbError> {
    let q =
        sql("UPDATE messages SET deleted = true, deleted_at = ? WHERE id = ? AND deleted = false")
            .bind(utcnow())
            .bind(id);
    Ok(tx.execute(q).await? > 0)
}

/// `cleanup_expired_messages`: hard-deletes the rows whose `expires_at` has passed (the
/// scheduler's reaper); returns how many.
pub async fn cleanup_expired_messages(tx: &mut Transaction<'_>) -> Result<u64, DbError> {
    tx.execute(sql("DELETE FROM messages WHERE expires_at < ?").bind(utcnow()))
        .await
}
