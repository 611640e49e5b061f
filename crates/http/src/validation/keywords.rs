//! The Draft 4 keywords of Python `jsonschema` (4.26), with cinder's `_SchemaValidator`
//! changes (`minimum`/`maximum` compare what `int()`/`float()` make of the value). The walk
//! follows jsonschema's order — the schema's keywords in their written order, `properties`
//! in the schema's order, `patternProperties` pattern by pattern — and stops at the first
//! error, which is the one `Validator.validate` raises. `anyOf`/`oneOf` evaluate each
//! branch completely (jsonschema lists every error of a branch), so a checker that raises
//! inside a branch raises here too. `$ref` is not supported.

use serde_json::{Map, Value};

use super::error::{SchemaError, Stop};
use super::formats::{FormatCheck, Formats, Raised};
use super::python::{self, number_from_value, repr, repr_str, PyNumber};

type Flow<'i> = Result<(), Stop<'i>>;

/// One walk over an instance: stops at the first error, or (inside `anyOf`/`oneOf`)
/// collects them all.
pub(crate) struct Walk<'f, 'i> {
    formats: &'f Formats,
    exhaustive: bool,
    errors: Vec<SchemaError<'i>>,
}

fn internal<'i>(message: impl Into<String>) -> Stop<'i> {
    Stop::Raise(Raised::Internal(message.into()))
}

/// `schema.items()` of a keyword value that must be an object.
fn as_map<'i>(value: &Value) -> Result<&Map<String, Value>, Stop<'i>> {
    value.as_object().ok_or_else(|| {
        internal(format!(
            "'{}' object has no attribute 'items'",
            python::type_name(value)
        ))
    })
}

/// A keyword value that must be a list.
fn list<'i>(value: &Value) -> Result<&[Value], Stop<'i>> {
    value.as_array().map(Vec::as_slice).ok_or_else(|| {
        Stop::Raise(Raised::TypeError(format!(
            "'{}' object is not iterable",
            python::type_name(value)
        )))
    })
}

fn number<'i>(value: &Value) -> Result<f64, Stop<'i>> {
    value
        .as_f64()
        .ok_or_else(|| internal(format!("{} is not a number", repr(value))))
}

fn search<'i>(pattern: &str, text: &str) -> Result<bool, Stop<'i>> {
    python::search(pattern, text).map_err(|e| internal(e.to_string()))
}

/// jsonschema's `extras_msg`: the reprs joined, and "was" or "were".
fn extras_msg<'a>(extras: impl ExactSizeIterator<Item = String>) -> (String, &'a str) {
    let verb = if extras.len() == 1 { "was" } else { "were" };
    (extras.collect::<Vec<_>>().join(", "), verb)
}

/// The Draft 4 type checker.
fn is_type<'i>(instance: &Value, name: &str) -> Result<bool, Stop<'i>> {
    Ok(match name {
        "array" => instance.is_array(),
        "boolean" => instance.is_boolean(),
        "integer" => instance.is_i64() || instance.is_u64(),
        "null" => instance.is_null(),
        "number" => instance.is_number(),
        "object" => instance.is_object(),
        "string" => instance.is_string(),
        other => {
            return Err(internal(format!(
                "Type {} is unknown to this type checker",
                repr_str(other)
            )))
        }
    })
}

impl<'f, 'i> Walk<'f, 'i> {
    /// A walk that stops at the first error.
    pub(crate) fn first(formats: &'f Formats) -> Self {
        Walk {
            formats,
            exhaustive: false,
            errors: Vec::new(),
        }
    }

    fn report(&mut self, instance: &'i Value, message: String) -> Flow<'i> {
        self.report_error(SchemaError {
            message,
            last_path: None,
            instance,
            cause: None,
        })
    }

    fn report_error(&mut self, error: SchemaError<'i>) -> Flow<'i> {
        if self.exhaustive {
            self.errors.push(error);
            Ok(())
        } else {
            Err(Stop::Error(error))
        }
    }

    /// How many errors `schema` finds in `instance` (jsonschema's `list(descend(...))`).
    fn count_errors(&self, schema: &Value, instance: &'i Value) -> Result<usize, Stop<'i>> {
        let mut walk = Walk {
            formats: self.formats,
            exhaustive: true,
            errors: Vec::new(),
        };
        match walk.descend(schema, instance, None) {
            Ok(()) => Ok(walk.errors.len()),
            Err(Stop::Error(_)) => Ok(walk.errors.len() + 1),
            Err(raise) => Err(raise),
        }
    }

    /// jsonschema's `is_valid`: lazy, so only the first error is looked for.
    fn is_valid(&self, schema: &Value, instance: &'i Value) -> Result<bool, Stop<'i>> {
        match Walk::first(self.formats).descend(schema, instance, None) {
            Ok(()) => Ok(true),
            Err(Stop::Error(_)) => Ok(false),
            Err(raise) => Err(raise),
        }
    }

    /// Validates `instance` (found at `path` in its parent) against `schema`.
    pub(crate) fn descend(
        &mut self,
        schema: &Value,
        instance: &'i Value,
        path: Option<&str>,
    ) -> Flow<'i> {
        let mark = self.errors.len();
        let result = self.apply(schema, instance);
        // jsonschema puts the path on the errors of the schema's keywords only: the error
        // of a `false` schema leaves `descend` without it.
        let Some(path) = path.filter(|_| schema.is_object()) else {
            return result;
        };
        for error in &mut self.errors[mark..] {
            error.last_path.get_or_insert_with(|| path.to_owned());
        }
        match result {
            Err(Stop::Error(mut error)) => {
                error.last_path.get_or_insert_with(|| path.to_owned());
                Err(Stop::Error(error))
            }
            other => other,
        }
    }

    fn apply(&mut self, schema: &Value, instance: &'i Value) -> Flow<'i> {
        match schema {
            Value::Bool(true) => Ok(()),
            Value::Bool(false) => self.report(
                instance,
                format!("False schema does not allow {}", repr(instance)),
            ),
            Value::Object(map) => {
                if map.contains_key("$ref") {
                    return Err(internal("$ref is not supported"));
                }
                for (keyword, value) in map {
                    self.keyword(keyword, value, map, instance)?;
                }
                Ok(())
            }
            other => Err(internal(format!(
                "'{}' object has no attribute 'get'",
                python::type_name(other)
            ))),
        }
    }

    fn keyword(
        &mut self,
        keyword: &str,
        value: &Value,
        schema: &Map<String, Value>,
        instance: &'i Value,
    ) -> Flow<'i> {
        match keyword {
            "type" => self.type_(value, instance),
            "properties"
            | "patternProperties"
            | "additionalProperties"
            | "required"
            | "minProperties"
            | "maxProperties"
            | "dependencies" => match instance {
                Value::Object(object) => {
                    self.object_keyword(keyword, value, schema, object, instance)
                }
                _ => Ok(()),
            },
            "items" | "additionalItems" | "minItems" | "maxItems" | "uniqueItems" => match instance
            {
                Value::Array(items) => self.array_keyword(keyword, value, schema, items, instance),
                _ => Ok(()),
            },
            "minLength" | "maxLength" | "pattern" => match instance {
                Value::String(s) => self.string_keyword(keyword, value, s, instance),
                _ => Ok(()),
            },
            "minimum" | "maximum" => self.bound(keyword, value, schema, instance),
            "multipleOf" => self.multiple_of(value, instance),
            "enum" => {
                let options = list(value)?;
                if options.iter().any(|each| python::equal(each, instance)) {
                    return Ok(());
                }
                self.report(
                    instance,
                    format!("{} is not one of {}", repr(instance), repr(value)),
                )
            }
            "allOf" => {
                for sub in list(value)? {
                    self.descend(sub, instance, None)?;
                }
                Ok(())
            }
            "anyOf" => {
                for sub in list(value)? {
                    if self.count_errors(sub, instance)? == 0 {
                        return Ok(());
                    }
                }
                self.report(instance, not_valid_under_any(instance))
            }
            "oneOf" => self.one_of(list(value)?, instance),
            "not" => {
                if !self.is_valid(value, instance)? {
                    return Ok(());
                }
                let message = format!(
                    "{} should not be valid under {}",
                    repr(instance),
                    repr(value)
                );
                self.report(instance, message)
            }
            "format" => self.format(value, instance),
            _ => Ok(()),
        }
    }

    fn type_(&mut self, value: &Value, instance: &'i Value) -> Flow<'i> {
        let types = match value {
            Value::String(_) => std::slice::from_ref(value),
            other => list(other)?,
        };
        for t in types {
            let Some(name) = t.as_str() else {
                return Err(internal(format!(
                    "Type {} is unknown to this type checker",
                    repr(t)
                )));
            };
            if is_type(instance, name)? {
                return Ok(());
            }
        }
        let names: Vec<String> = types.iter().map(repr).collect();
        let message = format!("{} is not of type {}", repr(instance), names.join(", "));
        self.report(instance, message)
    }

    fn object_keyword(
        &mut self,
        keyword: &str,
        value: &Value,
        schema: &Map<String, Value>,
        object: &'i Map<String, Value>,
        instance: &'i Value,
    ) -> Flow<'i> {
        match keyword {
            "properties" => {
                for (name, sub) in as_map(value)? {
                    if let Some(child) = object.get(name) {
                        self.descend(sub, child, Some(name))?;
                    }
                }
                Ok(())
            }
            "patternProperties" => {
                for (pattern, sub) in as_map(value)? {
                    for (key, child) in object {
                        if search(pattern, key)? {
                            self.descend(sub, child, Some(key))?;
                        }
                    }
                }
                Ok(())
            }
            "additionalProperties" => self.additional_properties(value, schema, object, instance),
            "required" => {
                for name in list(value)? {
                    if !name.as_str().is_some_and(|n| object.contains_key(n)) {
                        self.report(instance, format!("{} is a required property", repr(name)))?;
                    }
                }
                Ok(())
            }
            "minProperties" if (object.len() as f64) < number(value)? => {
                let message = if number(value)? == 1.0 {
                    "should be non-empty"
                } else {
                    "does not have enough properties"
                };
                self.report(instance, format!("{} {message}", repr(instance)))
            }
            "maxProperties" if (object.len() as f64) > number(value)? => {
                let message = if number(value)? == 0.0 {
                    "is expected to be empty"
                } else {
                    "has too many properties"
                };
                self.report(instance, format!("{} {message}", repr(instance)))
            }
            "dependencies" => {
                for (name, dependency) in as_map(value)? {
                    if !object.contains_key(name) {
                        continue;
                    }
                    let Value::Array(needed) = dependency else {
                        self.descend(dependency, instance, None)?;
                        continue;
                    };
                    for each in needed {
                        if !each.as_str().is_some_and(|n| object.contains_key(n)) {
                            let message =
                                format!("{} is a dependency of {}", repr(each), repr_str(name));
                            self.report(instance, message)?;
                        }
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn additional_properties(
        &mut self,
        value: &Value,
        schema: &Map<String, Value>,
        object: &'i Map<String, Value>,
        instance: &'i Value,
    ) -> Flow<'i> {
        let properties = schema.get("properties").and_then(Value::as_object);
        let patterns: Vec<&str> = schema
            .get("patternProperties")
            .and_then(Value::as_object)
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let joined = patterns.join("|");
        let mut extras: Vec<&'i String> = Vec::new();
        for key in object.keys() {
            if properties.is_some_and(|p| p.contains_key(key)) {
                continue;
            }
            if !joined.is_empty() && search(&joined, key)? {
                continue;
            }
            extras.push(key);
        }
        if value.is_object() {
            // jsonschema walks a set here (in no defined order); the body's order is kept.
            for key in extras {
                self.descend(value, &object[key.as_str()], Some(key))?;
            }
            return Ok(());
        }
        if python::truthy(value) || extras.is_empty() {
            return Ok(());
        }
        extras.sort();
        let reprs = extras.iter().map(|k| repr_str(k));
        let message = if schema.contains_key("patternProperties") {
            let verb = if extras.len() == 1 { "does" } else { "do" };
            let mut sorted = patterns.clone();
            sorted.sort_unstable();
            let patterns: Vec<String> = sorted.iter().map(|p| repr_str(p)).collect();
            format!(
                "{} {verb} not match any of the regexes: {}",
                reprs.collect::<Vec<_>>().join(", "),
                patterns.join(", ")
            )
        } else {
            let (joined, verb) = extras_msg(reprs);
            format!("Additional properties are not allowed ({joined} {verb} unexpected)")
        };
        self.report(instance, message)
    }

    fn array_keyword(
        &mut self,
        keyword: &str,
        value: &Value,
        schema: &Map<String, Value>,
        items: &'i [Value],
        instance: &'i Value,
    ) -> Flow<'i> {
        match keyword {
            "items" => {
                if value.is_object() {
                    for (index, item) in items.iter().enumerate() {
                        self.descend(value, item, Some(&index.to_string()))?;
                    }
                } else {
                    for (index, (item, sub)) in items.iter().zip(list(value)?).enumerate() {
                        self.descend(sub, item, Some(&index.to_string()))?;
                    }
                }
                Ok(())
            }
            "additionalItems" => {
                let positional = match schema.get("items") {
                    Some(Value::Object(_)) => return Ok(()),
                    Some(Value::Array(subs)) => subs.len(),
                    _ => 0,
                };
                if value.is_object() {
                    for (index, item) in items.iter().enumerate().skip(positional) {
                        self.descend(value, item, Some(&index.to_string()))?;
                    }
                    return Ok(());
                }
                if python::truthy(value) || items.len() <= positional {
                    return Ok(());
                }
                let (joined, verb) = extras_msg(items[positional..].iter().map(repr));
                self.report(
                    instance,
                    format!("Additional items are not allowed ({joined} {verb} unexpected)"),
                )
            }
            "minItems" if (items.len() as f64) < number(value)? => {
                let message = if number(value)? == 1.0 {
                    "should be non-empty"
                } else {
                    "is too short"
                };
                self.report(instance, format!("{} {message}", repr(instance)))
            }
            "maxItems" if (items.len() as f64) > number(value)? => {
                let message = if number(value)? == 0.0 {
                    "is expected to be empty"
                } else {
                    "is too long"
                };
                self.report(instance, format!("{} {message}", repr(instance)))
            }
            "uniqueItems" if python::truthy(value) => {
                if !has_duplicates(items) {
                    return Ok(());
                }
                self.report(
                    instance,
                    format!("{} has non-unique elements", repr(instance)),
                )
            }
            _ => Ok(()),
        }
    }

    fn string_keyword(
        &mut self,
        keyword: &str,
        value: &Value,
        text: &str,
        instance: &'i Value,
    ) -> Flow<'i> {
        let length = || text.chars().count() as f64;
        match keyword {
            "minLength" if length() < number(value)? => {
                let message = if number(value)? == 1.0 {
                    "should be non-empty"
                } else {
                    "is too short"
                };
                self.report(instance, format!("{} {message}", repr(instance)))
            }
            "maxLength" if length() > number(value)? => {
                let message = if number(value)? == 0.0 {
                    "is expected to be empty"
                } else {
                    "is too long"
                };
                self.report(instance, format!("{} {message}", repr(instance)))
            }
            "pattern" => {
                let Some(pattern) = value.as_str() else {
                    return Err(internal(format!(
                        "first argument must be string or compiled pattern, not {}",
                        repr(value)
                    )));
                };
                if search(pattern, text)? {
                    return Ok(());
                }
                let message = format!("{} does not match {}", repr(instance), repr_str(pattern));
                self.report(instance, message)
            }
            _ => Ok(()),
        }
    }

    /// cinder's `_validate_minimum`/`_validate_maximum` around Draft 4's keywords (with
    /// the boolean `exclusiveMinimum`/`exclusiveMaximum` beside them).
    fn bound(
        &mut self,
        keyword: &str,
        value: &Value,
        schema: &Map<String, Value>,
        instance: &'i Value,
    ) -> Flow<'i> {
        let Some(number) = number_from_value(instance) else {
            return Ok(());
        };
        let Some(limit) = value.as_number().and_then(PyNumber::from_json) else {
            return Err(Stop::Raise(Raised::TypeError(format!(
                "'<' not supported between instances of 'int' and '{}'",
                python::type_name(value)
            ))));
        };
        let (exclusive_key, side, below) = if keyword == "minimum" {
            ("exclusiveMinimum", "minimum", true)
        } else {
            ("exclusiveMaximum", "maximum", false)
        };
        let exclusive = schema.get(exclusive_key).is_some_and(python::truthy);
        let Some(order) = number.py_cmp(&limit) else {
            return Ok(());
        };
        let failed =
            if below { order.is_lt() } else { order.is_gt() } || (exclusive && order.is_eq());
        if !failed {
            return Ok(());
        }
        let comparison = match (below, exclusive) {
            (true, false) => "less than",
            (true, true) => "less than or equal to",
            (false, false) => "greater than",
            (false, true) => "greater than or equal to",
        };
        let message = format!(
            "{} is {comparison} the {side} of {}",
            number.repr(),
            repr(value)
        );
        self.report(instance, message)
    }

    fn multiple_of(&mut self, value: &Value, instance: &'i Value) -> Flow<'i> {
        let (Value::Number(n), Some(divisor)) = (instance, value.as_number()) else {
            return Ok(());
        };
        let failed = match (n.as_i64(), divisor.as_i64()) {
            (Some(_), Some(0)) => return Err(internal("integer modulo by zero")),
            (Some(a), Some(b)) => a.wrapping_rem(b) != 0,
            _ => {
                let (a, b) = (
                    n.as_f64().unwrap_or(f64::NAN),
                    divisor.as_f64().unwrap_or(f64::NAN),
                );
                if divisor.is_f64() {
                    let quotient = a / b;
                    !quotient.is_finite() || quotient.trunc() != quotient
                } else {
                    a % b != 0.0
                }
            }
        };
        if !failed {
            return Ok(());
        }
        self.report(
            instance,
            format!("{} is not a multiple of {}", repr(instance), repr(value)),
        )
    }

    fn one_of(&mut self, subs: &[Value], instance: &'i Value) -> Flow<'i> {
        let mut first_valid = None;
        for (index, sub) in subs.iter().enumerate() {
            if self.count_errors(sub, instance)? == 0 {
                first_valid = Some(index);
                break;
            }
        }
        let Some(first) = first_valid else {
            return self.report(instance, not_valid_under_any(instance));
        };
        let mut more_valid = Vec::new();
        for sub in &subs[first + 1..] {
            if self.is_valid(sub, instance)? {
                more_valid.push(repr(sub));
            }
        }
        if more_valid.is_empty() {
            return Ok(());
        }
        more_valid.push(repr(&subs[first]));
        let message = format!(
            "{} is valid under each of {}",
            repr(instance),
            more_valid.join(", ")
        );
        self.report(instance, message)
    }

    fn format(&mut self, value: &Value, instance: &'i Value) -> Flow<'i> {
        let Some(checker) = value.as_str().and_then(|name| self.formats.get(name)) else {
            return Ok(());
        };
        let cause = match checker(instance) {
            FormatCheck::Valid => return Ok(()),
            FormatCheck::Invalid(cause) => cause,
            FormatCheck::Raise(raised) => return Err(Stop::Raise(raised)),
        };
        let message = format!("{} is not a {}", repr(instance), repr(value));
        self.report_error(SchemaError {
            message,
            last_path: None,
            instance,
            cause,
        })
    }
}

/// jsonschema's `uniq` negated: whether two items are equal (booleans apart from
/// numbers). Scalars are hashed; containers are compared pairwise, as upstream does once
/// sorting fails.
fn has_duplicates(items: &[Value]) -> bool {
    #[derive(PartialEq, Eq, Hash)]
    enum Key<'a> {
        Null,
        Bool(bool),
        Int(i128),
        Float(u64),
        Str(&'a str),
    }
    fn key(v: &Value) -> Option<Key<'_>> {
        Some(match v {
            Value::Null => Key::Null,
            Value::Bool(b) => Key::Bool(*b),
            Value::String(s) => Key::Str(s),
            Value::Number(n) => match PyNumber::from_json(n)? {
                // JSON integers are within i64/u64.
                PyNumber::Int(i) => Key::Int(i.clamped()),
                // 1.0 == 1, and -0.0 == 0.0.
                PyNumber::Float(f) if f.fract() == 0.0 && f.abs() < 1e38 => Key::Int(f as i128),
                PyNumber::Float(f) => Key::Float(f.to_bits()),
            },
            Value::Array(_) | Value::Object(_) => return None,
        })
    }
    let keys: Option<Vec<Key>> = items.iter().map(key).collect();
    match keys {
        Some(keys) => {
            let mut seen = std::collections::HashSet::with_capacity(keys.len());
            !keys.into_iter().all(|k| seen.insert(k))
        }
        None => items
            .iter()
            .enumerate()
            .any(|(i, a)| items[i + 1..].iter().any(|b| python::equal(a, b))),
    }
}

fn not_valid_under_any(instance: &Value) -> String {
    format!(
        "{} is not valid under any of the given schemas",
        repr(instance)
    )
}
