//! Private volume type access actions (`cinder/api/schemas/volume_type_access.py`):
//! `addProjectAccess` and `removeProjectAccess` on `POST /types/{id}/action`.

use serde_json::{json, Value};

fn project_access(action: &str) -> Value {
    json!({
        "type": "object",
        "properties": {
            "type": "object",
            action: {
                "type": "object",
                "properties": {
                    "project": {"type": "string",
                                "minLength": 1, "maxLength": 255},
                },
                "required": ["project"],
                "additionalProperties": false,
            },
        },
        "required": [action],
        "additionalProperties": false,
    })
}

pub fn add_project_access() -> Value {
    project_access("addProjectAccess")
}

pub fn remove_project_access() -> Value {
    project_access("removeProjectAccess")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::schemas::test_support::{check, Expect};

    /// Bodies and what upstream answers to them.
    #[test]
    fn answers_like_upstream() {
        check(&[
            (
                add_project_access,
                r#"{"addProjectAccess": {"project": "p"}}"#,
                Expect::Ok,
            ),
            (
                add_project_access,
                r#"{"addProjectAccess": {"project": ""}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute project. Value: . '' should be non-empty"#,
                ),
            ),
            (
                add_project_access,
                r#"{"addProjectAccess": {}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute addProjectAccess. Value: {}. 'project' is a required property"#,
                ),
            ),
            (
                remove_project_access,
                r#"{"removeProjectAccess": {"project": "p", "x": 1}}"#,
                Expect::Err(
                    400,
                    r#"Invalid input for field/attribute removeProjectAccess. Value: {'project': 'p', 'x': 1}. Additional properties are not allowed ('x' was unexpected)"#,
                ),
            ),
            (
                remove_project_access,
                r#"{"addProjectAccess": {"project": "p"}}"#,
                Expect::Err(400, r#"'removeProjectAccess' is a required property"#),
            ),
        ]);
    }
}
