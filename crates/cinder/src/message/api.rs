//! The user message API (`cinder/message/api.py`): code that fails on a user's behalf after
//! the HTTP answer was sent leaves a message with [`create`]; the messages controller reads
//! and deletes them. A message lives `message_ttl` seconds (`expires_at`); the reaper runs
//! every `message_reap_interval` seconds in the scheduler.

use openstack_config::{options, ConfigError, ConfigOpts, Opt};
use openstack_db::{utcnow, DbError, Transaction};
use openstack_service::RequestContext;
use time::Duration;

use super::message_field::{translate_detail_id, Action, Detail, Resource};
use crate::db::api::messages::{self as db, NewMessage};

options! {
    /// The options of `cinder/message/api.py`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct MessageOpts in "DEFAULT" {
        message_ttl: i64 = Opt::int().default("2592000")
            .help("message minimum life in seconds."),
        message_reap_interval: i64 = Opt::int().default("86400")
            .help("interval between periodic task runs to clean expired messages in seconds."),
    }
}

/// Registers [`MessageOpts`] on `conf`.
pub fn register_opts(conf: &mut ConfigOpts) -> Result<(), ConfigError> {
    conf.register::<MessageOpts>()
}

impl MessageOpts {
    /// The options of `conf`, registering them on a copy when the caller did not.
    pub fn from_conf(conf: &ConfigOpts) -> Result<MessageOpts, ConfigError> {
        if conf.is_registered("DEFAULT", "message_ttl") {
            conf.load()
        } else {
            let mut conf = conf.clone();
            register_opts(&mut conf).and_then(|()| conf.load())
        }
    }
}

/// The severity of a message (`message_level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warning => "WARNING",
            Level::Info => "INFO",
        }
    }
}

/// Everything a message says, with upstream's defaults: a volume, an error, and the
/// detail of the exception when it has one.
#[derive(Clone, Debug)]
pub struct UserMessage {
    pub action: Action,
    pub resource_type: Resource,
    pub resource_uuid: Option<String>,
    /// The upstream class name of the exception that caused it (`NoValidBackend`, ...),
    /// mapped to a detail by `EXCEPTION_DETAIL_MAPPINGS`; its text is never shown.
    pub exception: Option<String>,
    pub detail: Option<Detail>,
    pub level: Level,
}

impl UserMessage {
    pub fn new(action: Action) -> UserMessage {
        UserMessage {
            action,
            resource_type: Resource::Volume,
            resource_uuid: None,
            exception: None,
            detail: None,
            level: Level::Error,
        }
    }
}

/// `API.create` with upstream's defaults (a volume, level `ERROR`): records that `action`
/// on `resource_uuid` failed with `detail`, in the caller's transaction. Upstream only logs
/// a failure to write the message; callers that must not fail can do the same with the
/// returned error.
pub async fn create(
    tx: &mut Transaction<'_>,
    ctx: &RequestContext,
    opts: &MessageOpts,
    action: Action,
    resource_uuid: Option<&str>,
    detail: Option<Detail>,
) -> Result<String, DbError> {
    let mut message = UserMessage::new(action);
    message.resource_uuid = resource_uuid.map(str::to_string);
    message.detail = detail;
    create_message(tx, ctx, opts, &message).await
}

/// `API.create` with every field given; returns the new message's id.
pub async fn create_message(
    tx: &mut Transaction<'_>,
    ctx: &RequestContext,
    opts: &MessageOpts,
    message: &UserMessage,
) -> Result<String, DbError> {
    tracing::info!(
        target: "cinder.message.api",
        "Creating message record for request_id = {}",
        ctx.request_id
    );
    let detail_id = translate_detail_id(message.exception.as_deref(), message.detail);
    let resource_type = message.resource_type.as_str();
    let id = uuid::Uuid::new_v4().to_string();
    let row = NewMessage {
        id: id.clone(),
        project_id: ctx.project_id.clone().unwrap_or_default(),
        request_id: Some(ctx.request_id.clone()),
        resource_type: resource_type.to_string(),
        resource_uuid: message.resource_uuid.clone(),
        action_id: message.action.0.to_string(),
        detail_id: detail_id.to_string(),
        event_id: format!("VOLUME_{resource_type}_{}_{detail_id}", message.action.0),
        message_level: message.level.as_str().to_string(),
        expires_at: utcnow() + Duration::seconds(opts.message_ttl),
    };
    db::message_create(tx, &row).await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use openstack_db::testing::{fresh, Leg};

    use super::*;

    #[tokio::test]
    async fn create_writes_what_the_messages_api_shows() {
        let t = fresh(&Leg::Sqlite).await;
        crate::db::db_sync(&t.db).await.expect("db sync");
        let mut ctx = RequestContext::new("req-abc");
        ctx.project_id = Some("p1".into());
        let opts = MessageOpts {
            message_ttl: 60,
            message_reap_interval: 86400,
        };
        let mut tx = t.db.begin().await.expect("begin");
        let id = create(
            &mut tx,
            &ctx,
            &opts,
            Action::EXTEND_VOLUME,
            Some("vol-1"),
            Some(Detail::DRIVER_FAILED_EXTEND),
        )
        .await
        .expect("create");
        let mut snap = UserMessage::new(Action::SNAPSHOT_CREATE);
        snap.resource_type = Resource::VolumeSnapshot;
        snap.exception = Some("SnapshotLimitExceeded".into());
        snap.level = Level::Warning;
        let snap_id = create_message(&mut tx, &ctx, &opts, &snap)
            .await
            .expect("create");
        let row = db::message_get(&mut tx, &id, Some("p1"))
            .await
            .expect("get")
            .expect("found");
        assert_eq!(row.event_id, "VOLUME_VOLUME_007_010");
        assert_eq!(row.request_id.as_deref(), Some("req-abc"));
        assert_eq!(row.resource_uuid.as_deref(), Some("vol-1"));
        assert_eq!(row.message_level, "ERROR");
        let ttl = row.expires_at.zip(row.created_at).map(|(e, c)| e - c);
        assert!(ttl.is_some_and(|d| (d - Duration::seconds(60)).abs() < Duration::seconds(2)));
        let row = db::message_get(&mut tx, &snap_id, None)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(row.event_id, "VOLUME_VOLUME_SNAPSHOT_009_006");
        assert_eq!(row.message_level, "WARNING");
        assert!(db::message_get(&mut tx, &id, Some("p2"))
            .await
            .expect("get")
            .is_none());
        tx.commit().await.expect("commit");
    }
}
