//! The message views (`cinder/api/v3/views/messages.py` and the controller's
//! `_build_user_message`): a message with its `user_message` text — `"<action>:<detail>"`
//! from `message_field`, or for old rows without an action the text of their event id —
//! `guaranteed_until` for `expires_at`, its links, and `resource_type` / `resource_uuid`
//! only when set.

use serde_json::{json, Map, Value};

use super::volumes::{isotime, links, ViewContext};
use crate::api::common::next_query;
use crate::api::openstack::wsgi::ApiRequest;
use crate::db::api::messages::MessageRow;
use crate::message::message_field::{event_message_text, translate_action, translate_detail};

/// `_build_user_message`.
pub fn user_message(m: &MessageRow) -> Value {
    if m.action_id.is_none() {
        // Upstream looks the event id up and fails (500) on one it does not know.
        return event_message_text(&m.event_id).map_or(Value::Null, |t| json!(t));
    }
    json!(format!(
        "{}:{}",
        translate_action(m.action_id.as_deref()),
        translate_detail(m.detail_id.as_deref())
    ))
}

/// The body of one message (the value of `{"message": ...}`).
pub fn detail(ctx: &ViewContext<'_>, m: &MessageRow) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), json!(m.id));
    out.insert("event_id".into(), json!(m.event_id));
    out.insert("user_message".into(), user_message(m));
    out.insert("message_level".into(), json!(m.message_level));
    out.insert("created_at".into(), isotime(m.created_at));
    out.insert("guaranteed_until".into(), isotime(m.expires_at));
    out.insert("request_id".into(), json!(m.request_id));
    out.insert("links".into(), links(ctx, "messages", &m.id));
    if let Some(t) = m.resource_type.as_deref().filter(|t| !t.is_empty()) {
        out.insert("resource_type".into(), json!(t));
    }
    if let Some(u) = m.resource_uuid.as_deref().filter(|u| !u.is_empty()) {
        out.insert("resource_uuid".into(), json!(u));
    }
    Value::Object(out)
}

/// `{"messages": [...]}` with `messages_links` when the page is as long as the limit
/// (`limit`, else `osapi_max_limit`) allows.
pub fn index(
    ctx: &ViewContext<'_>,
    req: &ApiRequest,
    messages: &[MessageRow],
    max_limit: i64,
) -> Value {
    let mut body = Map::new();
    body.insert(
        "messages".into(),
        Value::Array(messages.iter().map(|m| detail(ctx, m)).collect()),
    );
    let limit = req
        .query
        .iter()
        .rev()
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
        .map_or(max_limit, |l| l.min(max_limit));
    if let Some(last) = messages.last() {
        if limit <= messages.len() as i64 {
            body.insert(
                "messages_links".into(),
                json!([{"rel": "next", "href": next_link(ctx, req, &last.id)}]),
            );
        }
    }
    Value::Object(body)
}

/// `_get_next_link`: `<v3 url>[/<project>]/messages?<query with marker=last>`.
fn next_link(ctx: &ViewContext<'_>, req: &ApiRequest, last: &str) -> String {
    let base = ctx.base_url.trim_end_matches('/');
    let project = ctx.project_id.map(|p| format!("/{p}")).unwrap_or_default();
    let params = next_query(&req.query, last);
    format!("{base}{project}/messages?{}", params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(action: Option<&str>, detail: Option<&str>, event: &str) -> MessageRow {
        MessageRow {
            id: "m1".into(),
            project_id: "p".into(),
            request_id: Some("req-1".into()),
            resource_type: Some("VOLUME".into()),
            resource_uuid: None,
            event_id: event.into(),
            message_level: "ERROR".into(),
            created_at: None,
            updated_at: None,
            expires_at: None,
            detail_id: detail.map(str::to_string),
            action_id: action.map(str::to_string),
        }
    }

    #[test]
    fn user_message_joins_action_and_detail() {
        assert_eq!(
            user_message(&row(Some("001"), Some("003"), "VOLUME_VOLUME_001_003")),
            "schedule allocate volume:Could not find any available weighted backend."
        );
        assert_eq!(
            user_message(&row(None, None, "VOLUME_000002")),
            "No storage could be allocated for this volume request. You may be able to try another size or volume type."
        );
    }
}
