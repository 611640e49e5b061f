//! The tracing layer that writes oslo.log lines: it keeps the ids of every request span in
//! that span's extensions, and for each event finds the innermost request span, formats the
//! line (text or JSON) and writes it synchronously.

use std::fmt::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record as SpanRecord};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use super::format::{json_line, logger_name, text_line, Record, RequestFields};
use super::span::{REQUEST_SPAN, REQUEST_TARGET};
use super::writer::Writer;

/// Formats and writes every enabled event.
pub(crate) struct OsloLayer {
    pub(crate) writer: Writer,
    pub(crate) date_format: String,
    pub(crate) json: bool,
    pub(crate) hostname: String,
}

impl Visit for RequestFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "request_id" => self.request_id = value.to_string(),
            "global_request_id" => self.global_request_id = Some(value.to_string()),
            "user_identity" => self.user_identity = Some(value.to_string()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

/// The message and the other fields of one event.
#[derive(Default)]
struct EventFields {
    message: String,
    fields: Vec<(String, String)>,
}

impl Visit for EventFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.fields
                .push((field.name().to_string(), value.to_string()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            self.fields
                .push((field.name().to_string(), format!("{value:?}")));
        }
    }
}

impl<S> Layer<S> for OsloLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let meta = attrs.metadata();
        if meta.name() != REQUEST_SPAN || meta.target() != REQUEST_TARGET {
            return;
        }
        if let Some(span) = ctx.span(id) {
            let mut fields = RequestFields::default();
            attrs.record(&mut fields);
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &SpanRecord<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<RequestFields>() {
                values.record(fields);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let request = ctx.event_scope(event).and_then(|scope| {
            scope
                .into_iter()
                .find_map(|span| span.extensions().get::<RequestFields>().cloned())
        });
        let mut fields = EventFields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        let name = logger_name(meta.target());
        let record = Record {
            time: time::OffsetDateTime::now_utc(),
            pid: std::process::id(),
            level: *meta.level(),
            name: &name,
            request: request.as_ref(),
            message: &fields.message,
            fields: &fields.fields,
            module: meta.module_path().unwrap_or(meta.target()),
            file: meta.file().unwrap_or("?"),
            line: meta.line().unwrap_or(0),
        };
        let line = if self.json {
            json_line(&record, &self.date_format, &self.hostname)
        } else {
            text_line(&record, &self.date_format)
        };
        self.writer.write_line(&line);
    }
}
