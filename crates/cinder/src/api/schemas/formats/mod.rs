//! cinder's `format` checkers (`cinder/api/validation/validators.py`), registered on top
//! of the standard ones. Each answers as upstream's does, including which exceptions it
//! declares: a declared one makes jsonschema's `'<value>' is not a '<format>'` (or, for
//! `InvalidName`, the name message itself), an undeclared one escapes validation with its
//! own fault — `Invalid input received: ...` (`InvalidInput`), the bare message
//! (`InvalidParameterValue`, WebOb's `HTTPBadRequest`), or a 500 where Python crashes on a
//! value of the wrong type.

use std::sync::Arc;

use openstack_http::validation::python::{self, is_space, repr_str};
use openstack_http::validation::{Cause, FormatCheck, Formats, Raised};
use serde_json::Value;

use super::parameter_types::DB_MAX_INT;

/// `cinder.objects.fields.VolumeStatus.ALL`.
pub const VOLUME_STATUSES: &[&str] = &[
    "creating",
    "available",
    "deleting",
    "error",
    "error_deleting",
    "error_managing",
    "managing",
    "attaching",
    "in-use",
    "detaching",
    "maintenance",
    "restoring-backup",
    "error_restoring",
    "reserved",
    "awaiting-transfer",
    "backing-up",
    "error_backing-up",
    "error_extending",
    "downloading",
    "uploading",
    "retyping",
    "extending",
];
/// The attach statuses `os-reset_status` accepts.
pub const VOLUME_RESET_ATTACH_STATUSES: &[&str] = &["attached", "detached"];
/// `VolumeMigrationStatus.ALL`.
pub const VOLUME_MIGRATION_STATUSES: &[&str] = &[
    "migrating",
    "error",
    "success",
    "completing",
    "none",
    "starting",
];
/// `SnapshotStatus.ALL`.
pub const SNAPSHOT_STATUSES: &[&str] = &[
    "error",
    "available",
    "creating",
    "deleting",
    "deleted",
    "updating",
    "error_deleting",
    "unmanaging",
    "backing-up",
    "restoring",
];
/// The backup statuses `os-reset_status` accepts.
pub const BACKUP_RESET_STATUSES: &[&str] = &["available", "error"];
/// `GroupSnapshotStatus.ALL`.
pub const GROUP_SNAPSHOT_STATUSES: &[&str] = &[
    "error",
    "available",
    "creating",
    "deleting",
    "deleted",
    "updating",
    "error_deleting",
];
/// `GroupStatus.ALL`.
pub const GROUP_STATUSES: &[&str] = &[
    "error",
    "available",
    "creating",
    "deleting",
    "deleted",
    "updating",
    "in-use",
    "error_deleting",
];
/// `cinder.utils.LOG_LEVELS`.
pub const LOG_LEVELS: &[&str] = &["INFO", "WARNING", "ERROR", "DEBUG"];
/// `cinder.quota.NON_QUOTA_KEYS`.
pub const NON_QUOTA_KEYS: &[&str] = &["tenant_id", "id"];

/// The names `QUOTAS` and `GROUP_QUOTAS` hold: the global resources, one
/// `volumes_<type>`, `gigabytes_<type>`, `snapshots_<type>` per volume type (upstream reads
/// the types from the database on every check), and `groups`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaResources {
    pub quotas: Vec<String>,
    pub group_quotas: Vec<String>,
}

impl QuotaResources {
    /// The resources with these volume types.
    pub fn with_volume_types<'a>(types: impl IntoIterator<Item = &'a str>) -> QuotaResources {
        let mut quotas: Vec<String> = [
            "volumes",
            "per_volume_gigabytes",
            "snapshots",
            "gigabytes",
            "backups",
            "backup_gigabytes",
        ]
        .map(String::from)
        .to_vec();
        for name in types {
            for part in ["volumes", "gigabytes", "snapshots"] {
                quotas.push(format!("{part}_{name}"));
            }
        }
        QuotaResources {
            quotas,
            group_quotas: vec!["groups".to_owned()],
        }
    }

    fn contains(&self, key: &str) -> bool {
        self.quotas
            .iter()
            .chain(&self.group_quotas)
            .any(|q| q == key)
    }
}

/// The standard checkers plus cinder's, with these quota resources.
pub fn cinder(resources: QuotaResources) -> Formats {
    let resources = Arc::new(resources);
    let for_set = resources.clone();
    Formats::standard()
        .with("name", name)
        .with(
            "name_skip_leading_trailing_spaces",
            name_skip_leading_trailing_spaces,
        )
        .with("group_snapshot_status", group_snapshot_status)
        .with("progress", progress)
        .with("disabled_reason", |v| {
            declared(string_length(v, "disabled_reason", false, 1, 255))
        })
        .with("name_non_mandatory_remove_white_spaces", |v| {
            escaping(string_length(v, "name", false, 0, 255))
        })
        .with("description_non_mandatory_remove_white_spaces", |v| {
            escaping(string_length(v, "description", false, 0, 255))
        })
        .with("quota_set", move |v| quota_set(v, &for_set))
        .with("quota_class_set", move |v| quota_class_set(v, &resources))
        .with("group_status", group_status)
        .with("availability_zone", |v| match v {
            Value::Null => FormatCheck::Valid,
            v => escaping(string_length(v, "availability_zone", true, 1, 255)),
        })
        .with("group_type", |v| {
            declared(string_length(v, "group_type", true, 1, 255))
        })
        .with("level", level)
        .with("validate_volume_reset_body", validate_volume_reset_body)
        .with("volume_status", |v| {
            status_in(
                v,
                false,
                VOLUME_STATUSES,
                "Volume status",
                &tuple(VOLUME_STATUSES),
            )
        })
        .with("volume_attach_status", |v| {
            let valid = list(VOLUME_RESET_ATTACH_STATUSES);
            status_in(
                v,
                false,
                VOLUME_RESET_ATTACH_STATUSES,
                "Volume attach status",
                &valid,
            )
        })
        .with("volume_migration_status", |v| {
            let valid = tuple(VOLUME_MIGRATION_STATUSES);
            status_in(
                v,
                false,
                VOLUME_MIGRATION_STATUSES,
                "Volume migration status",
                &valid,
            )
        })
        .with("snapshot_status", |v| {
            status_in(
                v,
                true,
                SNAPSHOT_STATUSES,
                "Snapshot status",
                &tuple(SNAPSHOT_STATUSES),
            )
        })
        .with("backup_status", |v| {
            let valid = list(BACKUP_RESET_STATUSES);
            status_in(v, true, BACKUP_RESET_STATUSES, "Backup status", &valid)
        })
        .with("key_size", key_size)
        .with("mysql_text", |v| match v {
            Value::String(s) => python_bool(s.len() <= 65535),
            other => no_attribute(other, "encode"),
        })
}

fn python_bool(ok: bool) -> FormatCheck {
    openstack_http::validation::valid_if(ok)
}

/// Python's `repr()` of a tuple of strings.
fn tuple(items: &[&str]) -> String {
    let reprs: Vec<String> = items.iter().map(|s| repr_str(s)).collect();
    format!("({})", reprs.join(", "))
}

/// Python's `repr()` of a list of strings.
fn list(items: &[&str]) -> String {
    let reprs: Vec<String> = items.iter().map(|s| repr_str(s)).collect();
    format!("[{}]", reprs.join(", "))
}

/// The `AttributeError` of calling a string method on another type.
fn no_attribute(value: &Value, method: &str) -> FormatCheck {
    FormatCheck::Raise(Raised::Internal(format!(
        "'{}' object has no attribute '{method}'",
        python::type_name(value)
    )))
}

/// `InvalidInput(reason=...)` escaping: a 400 `Invalid input received: <reason>`.
fn invalid_input(reason: impl std::fmt::Display) -> Raised {
    Raised::bad_request(format!("Invalid input received: {reason}"))
}

fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// `_validate_string_length` (with `remove_whitespaces=True`): what it raises, if anything.
fn string_length(
    value: &Value,
    name: &str,
    mandatory: bool,
    min: usize,
    max: usize,
) -> Result<(), Raised> {
    if !python::truthy(value) {
        if mandatory {
            return Err(Raised::bad_request(format!(
                "The '{name}' can not be None."
            )));
        }
        return Ok(());
    }
    let Value::String(s) = value else {
        let message = format!(
            "'{}' object has no attribute 'strip'",
            python::type_name(value)
        );
        return Err(Raised::Internal(message));
    };
    let length = strip(s).chars().count();
    if length < min {
        return Err(invalid_input(format!(
            "{name} has {length} characters, less than {min}."
        )));
    }
    if length > max {
        return Err(invalid_input(format!(
            "{name} has {length} characters, more than {max}."
        )));
    }
    Ok(())
}

/// A checker that declared the 400s it raises: they make the value invalid.
fn declared(result: Result<(), Raised>) -> FormatCheck {
    match result {
        Ok(()) => FormatCheck::Valid,
        Err(Raised::Fault { message, .. }) => FormatCheck::Invalid(Some(Cause::Other(message))),
        Err(other) => FormatCheck::Raise(other),
    }
}

/// A checker that declared nothing: whatever it raises escapes.
fn escaping(result: Result<(), Raised>) -> FormatCheck {
    match result {
        Ok(()) => FormatCheck::Valid,
        Err(raised) => FormatCheck::Raise(raised),
    }
}

fn invalid_name(reason: &str) -> FormatCheck {
    FormatCheck::Invalid(Some(Cause::InvalidName(format!(
        "An invalid 'name' value was provided. {reason}"
    ))))
}

fn name(value: &Value) -> FormatCheck {
    if !python::truthy(value) {
        return invalid_name("The 'name' can not be None.");
    }
    match value {
        Value::String(s) if strip(s).is_empty() => invalid_name("The 'name' can not be empty."),
        Value::String(_) => FormatCheck::Valid,
        other => no_attribute(other, "strip"),
    }
}

fn name_skip_leading_trailing_spaces(value: &Value) -> FormatCheck {
    if !python::truthy(value) {
        return invalid_name("The 'name' can not be None.");
    }
    let Value::String(s) = value else {
        return no_attribute(value, "strip");
    };
    match strip(s).chars().count() {
        0 => invalid_name("The 'name' can not be empty."),
        n if n > 255 => invalid_name("The 'name' can not be greater than 255 characters."),
        _ => FormatCheck::Valid,
    }
}

fn group_snapshot_status(value: &Value) -> FormatCheck {
    let Value::String(s) = value else {
        return no_attribute(value, "strip");
    };
    let reason = if strip(s).is_empty() {
        "The 'status' can not be empty.".to_owned()
    } else if !GROUP_SNAPSHOT_STATUSES.contains(&s.to_lowercase().as_str()) {
        format!(
            "Group snapshot status: {s} is invalid, valid statuses are: {}.",
            tuple(GROUP_SNAPSHOT_STATUSES)
        )
    } else {
        return FormatCheck::Valid;
    };
    FormatCheck::Raise(Raised::bad_request(format!(
        "Invalid GroupSnapshot Status: {reason}"
    )))
}

fn group_status(value: &Value) -> FormatCheck {
    let s = match value {
        // `HTTPBadRequest` is declared by this checker.
        Value::Null => {
            return FormatCheck::Invalid(Some(Cause::Other("The 'status' can not be None.".into())))
        }
        Value::String(s) => s,
        other => return no_attribute(other, "strip"),
    };
    let reason = if strip(s).is_empty() {
        "The 'status' can not be empty.".to_owned()
    } else if !GROUP_SNAPSHOT_STATUSES.contains(&s.to_lowercase().as_str()) {
        // Upstream checks against the group snapshot statuses but lists the group ones.
        format!(
            "Group status: {s} is invalid, valid status are: {}.",
            tuple(GROUP_STATUSES)
        )
    } else {
        return FormatCheck::Valid;
    };
    FormatCheck::Raise(Raised::bad_request(format!(
        "Invalid Group Status: {reason}"
    )))
}

/// `progress`: falsy, or an integer percentage such as `50%`. Other types make Python
/// fail with a `TypeError`, which cinder reports as the detail.
fn progress(value: &Value) -> FormatCheck {
    if !python::truthy(value) {
        return FormatCheck::Valid;
    }
    let s =
        match value {
            Value::String(s) => s,
            Value::Object(_) => return type_error("unhashable type: 'slice'"),
            // `int(progress[:-1])` of a list.
            Value::Array(_) => return type_error(
                "int() argument must be a string, a bytes-like object or a real number, not 'list'",
            ),
            other => {
                return type_error(&format!(
                    "'{}' object is not subscriptable",
                    python::type_name(other)
                ))
            }
        };
    let mut chars = s.chars();
    let last = chars.next_back();
    let Some(number) = python::int_from_str(chars.as_str()).map(|i| i.clamped()) else {
        return FormatCheck::Raise(invalid_input("progress must be an integer percentage"));
    };
    if !(0..=100).contains(&number) || last != Some('%') {
        return FormatCheck::Raise(invalid_input(
            "progress must be an integer percentage between 0 and 100",
        ));
    }
    FormatCheck::Valid
}

fn type_error(message: &str) -> FormatCheck {
    FormatCheck::Raise(Raised::TypeError(message.to_owned()))
}

/// `quota_set`: unknown keys are collected and refused at the end; a known key's value
/// must be an integer in [-1, DB_MAX_INT] (`api_utils.validate_integer`, refused at once).
fn quota_set(value: &Value, resources: &QuotaResources) -> FormatCheck {
    let Value::Object(set) = value else {
        return no_attribute(value, "items");
    };
    let mut bad_keys = Vec::new();
    for (key, item) in set {
        if !resources.contains(key) && !NON_QUOTA_KEYS.contains(&key.as_str()) {
            bad_keys.push(key.as_str());
            continue;
        }
        if NON_QUOTA_KEYS.contains(&key.as_str()) {
            continue;
        }
        if let Err(message) = validate_integer(item, key, -1, DB_MAX_INT) {
            return FormatCheck::Raise(Raised::bad_request(message));
        }
    }
    if bad_keys.is_empty() {
        return FormatCheck::Valid;
    }
    FormatCheck::Raise(invalid_input(format!(
        "Bad key(s) in quota set: {}",
        bad_keys.join(", ")
    )))
}

/// `oslo_utils.strutils.validate_integer`: `int(str(value))` within bounds.
fn validate_integer(value: &Value, name: &str, min: i64, max: i64) -> Result<(), String> {
    let parsed = match value {
        Value::Number(n) if !n.is_f64() => python::int_from_str(&n.to_string()),
        Value::String(s) => python::int_from_str(s),
        _ => None,
    }
    .map(|i| i.clamped());
    let Some(number) = parsed else {
        return Err(format!("{name} must be an integer"));
    };
    if number < i128::from(min) {
        return Err(format!("{name} must be >= {min}"));
    }
    if number > i128::from(max) {
        return Err(format!("{name} must be <= {max}"));
    }
    Ok(())
}

fn quota_class_set(value: &Value, resources: &QuotaResources) -> FormatCheck {
    let bad_keys: Vec<&str> = match value {
        Value::Object(set) => set
            .keys()
            .map(String::as_str)
            .filter(|k| !resources.contains(k))
            .collect(),
        other => return no_attribute(other, "keys"),
    };
    if bad_keys.is_empty() {
        return FormatCheck::Valid;
    }
    FormatCheck::Raise(invalid_input(format!(
        "Bad key(s) in quota class set: {}",
        bad_keys.join(", ")
    )))
}

/// `level`: `utils.get_log_method`, which refuses anything but the four levels.
fn level(value: &Value) -> FormatCheck {
    let text = match value {
        v if !python::truthy(v) => String::new(),
        Value::String(s) => s.clone(),
        other => return no_attribute(other, "upper"),
    };
    if LOG_LEVELS.contains(&text.to_uppercase().as_str()) {
        return FormatCheck::Valid;
    }
    FormatCheck::Raise(invalid_input(format!("{text} is not a valid log level.")))
}

fn validate_volume_reset_body(value: &Value) -> FormatCheck {
    let Value::Object(body) = value else {
        return no_attribute(value, "get");
    };
    let given = ["status", "attach_status", "migration_status"]
        .iter()
        .any(|key| body.get(*key).is_some_and(python::truthy));
    if given {
        return FormatCheck::Valid;
    }
    FormatCheck::Raise(Raised::bad_request(
        "Must specify 'status', 'attach_status' or 'migration_status' for update.",
    ))
}

/// The status checkers: `InvalidParameterValue` (a bare 400) unless the value, lowered,
/// is one of `valid`. `required` ones also refuse an empty value.
fn status_in(
    value: &Value,
    required: bool,
    valid: &[&str],
    label: &str,
    shown: &str,
) -> FormatCheck {
    if !python::truthy(value) && !required {
        return FormatCheck::Valid;
    }
    let text = match value {
        Value::String(s) => {
            if !s.is_empty() && valid.contains(&s.to_lowercase().as_str()) {
                return FormatCheck::Valid;
            }
            s.clone()
        }
        v if !python::truthy(v) => python::str(v),
        other => return no_attribute(other, "lower"),
    };
    FormatCheck::Raise(Raised::bad_request(format!(
        "{label}: {text} is invalid, valid statuses are: {shown}."
    )))
}

/// `key_size`: null, or something `strutils.is_int_like` accepts.
fn key_size(value: &Value) -> FormatCheck {
    let int_like = match value {
        Value::Null => true,
        Value::Number(n) => !n.is_f64(),
        // str(int(v)) == str(v): digits only, no sign but '-', no leading zeros.
        Value::String(s) => python::int_from_str(s).is_some_and(|i| i.repr() == *s),
        // int(True) is 1 but str(True) is 'True'.
        _ => false,
    };
    if int_like {
        return FormatCheck::Valid;
    }
    FormatCheck::Raise(invalid_input("key_size must be an integer."))
}

#[cfg(test)]
mod tests;
