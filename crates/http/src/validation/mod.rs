//! Request-body validation as the OpenStack APIs do it (`cinder.api.validation`,
//! `nova.api.validation`): a JSON Schema Draft 4 validator with the semantics and the
//! messages of Python `jsonschema` as cinder's `_SchemaValidator` runs it — the first error
//! in jsonschema's order, `minimum`/`maximum` applied to numeric strings, pluggable
//! `format` checkers — and the detail cinder puts in its 400 fault, so a refused body reads
//! exactly as upstream words it. Schemas are plain `serde_json::Value`s, written with
//! `json!` in the order of the upstream dicts (the workspace keeps object order), because
//! that order decides which error comes first.

mod error;
mod formats;
mod iso8601;
mod keywords;
pub mod python;

use std::sync::OnceLock;

use serde_json::Value;

pub use error::{ErrorKind, ValidationError};
pub use formats::{is_uuid_like, valid_if, Cause, Checker, FormatCheck, Formats, Raised};
pub use python::PatternError;

use keywords::Walk;

/// Validates `instance` against `schema` with [`Formats::standard`].
pub fn validate(schema: &Value, instance: &Value) -> Result<(), ValidationError> {
    static STANDARD: OnceLock<Formats> = OnceLock::new();
    validate_with(schema, instance, STANDARD.get_or_init(Formats::standard))
}

/// Validates `instance` against `schema` with these format checkers.
pub fn validate_with(
    schema: &Value,
    instance: &Value,
    formats: &Formats,
) -> Result<(), ValidationError> {
    Walk::first(formats)
        .descend(schema, instance, None)
        .map_err(ValidationError::from)
}

/// A schema with its format checkers, its patterns compiled up front (so a pattern the
/// validator cannot run is found when the schema is built, not on a request).
#[derive(Debug, Clone)]
pub struct Validator {
    schema: Value,
    formats: Formats,
}

impl Validator {
    pub fn new(schema: Value, formats: Formats) -> Result<Validator, PatternError> {
        compile_patterns(&schema)?;
        Ok(Validator { schema, formats })
    }

    /// The schema this validator checks.
    pub fn schema(&self) -> &Value {
        &self.schema
    }

    pub fn validate(&self, instance: &Value) -> Result<(), ValidationError> {
        validate_with(&self.schema, instance, &self.formats)
    }
}

/// Compiles every `pattern` and `patternProperties` key (alone and joined, as
/// `additionalProperties` uses them) found anywhere in `schema`.
fn compile_patterns(schema: &Value) -> Result<(), PatternError> {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(pattern)) = map.get("pattern") {
                python::search(pattern, "")?;
            }
            if let Some(Value::Object(patterns)) = map.get("patternProperties") {
                for pattern in patterns.keys() {
                    python::search(pattern, "")?;
                }
                let joined: Vec<&str> = patterns.keys().map(String::as_str).collect();
                python::search(&joined.join("|"), "")?;
            }
            map.values().try_for_each(compile_patterns)
        }
        Value::Array(items) => items.iter().try_for_each(compile_patterns),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
