//! What a failed validation answers. cinder's `_SchemaValidator.validate` takes the first
//! error jsonschema raises and makes it `exception.ValidationError(detail=...)`, whose
//! message is the detail itself (`"%(detail)s"`; a 400 `badRequest` fault): the message
//! of an `InvalidName` cause, or `Invalid input for field/attribute <last path element>.
//! Value: <str(value)>. <jsonschema message>` when the error sits inside the body, or the
//! bare jsonschema message at its top. A `TypeError` from a checker becomes the detail too;
//! any other exception a checker raises escapes with its own fault.

use http::StatusCode;
use serde_json::Value;

use super::formats::{Cause, Raised};
use super::python;

/// A request body upstream would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct ValidationError {
    /// The fault's message (for [`ErrorKind::Internal`], a text for the log only).
    pub detail: String,
    pub kind: ErrorKind,
}

/// Which exception upstream raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `exception.ValidationError`: 400 with the detail as message.
    Invalid,
    /// Another exception a format checker raised (`InvalidInput`, `HTTPBadRequest`,
    /// `InvalidParameterValue`, ...): its status, with the detail as message.
    Raised(StatusCode),
    /// Upstream crashes (an `AttributeError` on a malformed schema, a `UnicodeDecodeError`
    /// in a checker, ...): the API's generic 500.
    Internal,
}

impl ValidationError {
    /// The status of the fault upstream answers with.
    pub fn status(&self) -> StatusCode {
        match self.kind {
            ErrorKind::Invalid => StatusCode::BAD_REQUEST,
            ErrorKind::Raised(status) => status,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message of the fault upstream answers with (the generic 500 text is the API's
    /// business for [`ErrorKind::Internal`]).
    pub fn message(&self) -> &str {
        &self.detail
    }
}

/// One error as jsonschema reports it.
#[derive(Debug)]
pub(crate) struct SchemaError<'i> {
    pub(crate) message: String,
    /// The innermost element of `error.path` (the key or index of the failing value).
    pub(crate) last_path: Option<String>,
    /// `error.instance`: the value the failing keyword looked at.
    pub(crate) instance: &'i Value,
    pub(crate) cause: Option<Cause>,
}

/// Why a walk stopped.
#[derive(Debug)]
pub(crate) enum Stop<'i> {
    Error(SchemaError<'i>),
    Raise(Raised),
}

impl From<Stop<'_>> for ValidationError {
    fn from(stop: Stop<'_>) -> ValidationError {
        let invalid = |detail| ValidationError {
            detail,
            kind: ErrorKind::Invalid,
        };
        match stop {
            Stop::Error(SchemaError {
                cause: Some(Cause::InvalidName(message)),
                ..
            }) => invalid(message),
            Stop::Error(SchemaError {
                message,
                last_path: Some(path),
                instance,
                ..
            }) => invalid(format!(
                "Invalid input for field/attribute {path}. Value: {}. {message}",
                python::str(instance)
            )),
            Stop::Error(error) => invalid(error.message),
            Stop::Raise(Raised::TypeError(message)) => invalid(message),
            Stop::Raise(Raised::Fault { status, message }) => ValidationError {
                detail: message,
                kind: ErrorKind::Raised(status),
            },
            Stop::Raise(Raised::Internal(message)) => ValidationError {
                detail: message,
                kind: ErrorKind::Internal,
            },
        }
    }
}
