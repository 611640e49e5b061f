//! The validator against upstream: every expected text below is what cinder's
//! `_SchemaValidator` (cinder 29.0.0, jsonschema 4.26.0) answered for the same schema and
//! body, captured from the real Python.

use serde_json::{json, Value};

use super::*;

enum Expect {
    Ok,
    Err(u16, &'static str),
}
use Expect::{Err, Ok};

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// (schema, body, what upstream answers); for 500s only the status is compared.
const KEYWORD_CASES: &[(&str, &str, Expect)] = &[
    (
        r#"{"type": "integer"}"#,
        r#""abc""#,
        Err(400, r#"'abc' is not of type 'integer'"#),
    ),
    (
        r#"{"type": "integer"}"#,
        r#"1.0"#,
        Err(400, r#"1.0 is not of type 'integer'"#),
    ),
    (
        r#"{"type": "integer"}"#,
        r#"true"#,
        Err(400, r#"True is not of type 'integer'"#),
    ),
    (r#"{"type": "integer"}"#, r#"1"#, Ok),
    (
        r#"{"type": "number"}"#,
        r#"true"#,
        Err(400, r#"True is not of type 'number'"#),
    ),
    (r#"{"type": "number"}"#, r#"1.5"#, Ok),
    (
        r#"{"type": ["integer", "string"]}"#,
        r#"1.5"#,
        Err(400, r#"1.5 is not of type 'integer', 'string'"#),
    ),
    (
        r#"{"type": ["null", "boolean"]}"#,
        r#"0"#,
        Err(400, r#"0 is not of type 'null', 'boolean'"#),
    ),
    (
        r#"{"type": "array"}"#,
        r#"{}"#,
        Err(400, r#"{} is not of type 'array'"#),
    ),
    (
        r#"{"type": "object"}"#,
        r#"[]"#,
        Err(400, r#"[] is not of type 'object'"#),
    ),
    (
        r#"{"type": "string"}"#,
        r#"null"#,
        Err(400, r#"None is not of type 'string'"#),
    ),
    (
        r#"{"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "integer"}}}}}"#,
        r#"{"a": {"b": "x"}}"#,
        Err(
            400,
            r#"Invalid input for field/attribute b. Value: x. 'x' is not of type 'integer'"#,
        ),
    ),
    (
        r#"{"required": ["a", "b"]}"#,
        r#"{}"#,
        Err(400, r#"'a' is a required property"#),
    ),
    (r#"{"required": ["a"]}"#, r#"[]"#, Ok),
    (
        r#"{"properties": {"v": {"required": ["x"]}}}"#,
        r#"{"v": {}}"#,
        Err(
            400,
            r#"Invalid input for field/attribute v. Value: {}. 'x' is a required property"#,
        ),
    ),
    (
        r#"{"properties": {"a": {}}, "additionalProperties": false}"#,
        r#"{"a": 1, "x": 2}"#,
        Err(
            400,
            r#"Additional properties are not allowed ('x' was unexpected)"#,
        ),
    ),
    (
        r#"{"properties": {"a": {}}, "additionalProperties": false}"#,
        r#"{"z": 1, "a": 1, "b": 2}"#,
        Err(
            400,
            r#"Additional properties are not allowed ('b', 'z' were unexpected)"#,
        ),
    ),
    (
        r#"{"patternProperties": {"^b": {}, "^a": {}}, "additionalProperties": false}"#,
        r#"{"c!": 1}"#,
        Err(400, r#"'c!' does not match any of the regexes: '^a', '^b'"#),
    ),
    (
        r#"{"patternProperties": {"^a": {}}, "additionalProperties": false}"#,
        r#"{"d": 1, "c": 2}"#,
        Err(400, r#"'c', 'd' do not match any of the regexes: '^a'"#),
    ),
    (
        r#"{"additionalProperties": {"type": "string"}}"#,
        r#"{"a": 1}"#,
        Err(
            400,
            r#"Invalid input for field/attribute a. Value: 1. 1 is not of type 'string'"#,
        ),
    ),
    (r#"{"additionalProperties": true}"#, r#"{"a": 1}"#, Ok),
    (
        r#"{"patternProperties": {"^a": {"type": "string"}}}"#,
        r#"{"ab": 1, "b": 2}"#,
        Err(
            400,
            r#"Invalid input for field/attribute ab. Value: 1. 1 is not of type 'string'"#,
        ),
    ),
    (
        r#"{"minProperties": 1}"#,
        r#"{}"#,
        Err(400, r#"{} should be non-empty"#),
    ),
    (
        r#"{"minProperties": 2}"#,
        r#"{"a": 1}"#,
        Err(400, r#"{'a': 1} does not have enough properties"#),
    ),
    (
        r#"{"maxProperties": 0}"#,
        r#"{"a": 1}"#,
        Err(400, r#"{'a': 1} is expected to be empty"#),
    ),
    (
        r#"{"maxProperties": 1}"#,
        r#"{"a": 1, "b": 2}"#,
        Err(400, r#"{'a': 1, 'b': 2} has too many properties"#),
    ),
    (
        r#"{"enum": ["a", "b"]}"#,
        r#""c""#,
        Err(400, r#"'c' is not one of ['a', 'b']"#),
    ),
    (r#"{"enum": [1, true]}"#, r#"1.0"#, Ok),
    (
        r#"{"enum": [1, true]}"#,
        r#"false"#,
        Err(400, r#"False is not one of [1, True]"#),
    ),
    (
        r#"{"enum": [[1], {"a": null}]}"#,
        r#"[true]"#,
        Err(400, r#"[True] is not one of [[1], {'a': None}]"#),
    ),
    (
        r#"{"minLength": 1}"#,
        r#""""#,
        Err(400, r#"'' should be non-empty"#),
    ),
    (
        r#"{"minLength": 2}"#,
        r#""a""#,
        Err(400, r#"'a' is too short"#),
    ),
    (
        r#"{"maxLength": 0}"#,
        r#""a""#,
        Err(400, r#"'a' is expected to be empty"#),
    ),
    (
        r#"{"maxLength": 3}"#,
        r#""abcd""#,
        Err(400, r#"'abcd' is too long"#),
    ),
    (r#"{"maxLength": 3}"#, r#""\u00e9\u00e9\u00e9""#, Ok),
    (r#"{"pattern": "^[0-9]+$"}"#, r#""12\n""#, Ok),
    (
        r#"{"pattern": "^[0-9]+$"}"#,
        r#""1a""#,
        Err(400, r#"'1a' does not match '^[0-9]+$'"#),
    ),
    (r#"{"pattern": "^[0-9]+$"}"#, r#"5"#, Ok),
    (
        r#"{"minimum": 1}"#,
        r#"0"#,
        Err(400, r#"0 is less than the minimum of 1"#),
    ),
    (
        r#"{"minimum": 1}"#,
        r#""0""#,
        Err(400, r#"0 is less than the minimum of 1"#),
    ),
    (r#"{"minimum": 1}"#, r#""abc""#, Ok),
    (
        r#"{"minimum": 1}"#,
        r#"false"#,
        Err(400, r#"0 is less than the minimum of 1"#),
    ),
    (
        r#"{"minimum": 1}"#,
        r#"0.5"#,
        Err(400, r#"0 is less than the minimum of 1"#),
    ),
    (
        r#"{"minimum": 1}"#,
        r#""0.5""#,
        Err(400, r#"0.5 is less than the minimum of 1"#),
    ),
    (
        r#"{"minimum": 1}"#,
        r#"" -3 ""#,
        Err(400, r#"-3 is less than the minimum of 1"#),
    ),
    (r#"{"minimum": 1}"#, r#"null"#, Ok),
    (
        r#"{"minimum": 1, "exclusiveMinimum": true}"#,
        r#"1"#,
        Err(400, r#"1 is less than or equal to the minimum of 1"#),
    ),
    (
        r#"{"maximum": 10}"#,
        r#""11""#,
        Err(400, r#"11 is greater than the maximum of 10"#),
    ),
    (
        r#"{"maximum": 10}"#,
        r#""1e3""#,
        Err(400, r#"1000.0 is greater than the maximum of 10"#),
    ),
    (
        r#"{"maximum": 10}"#,
        r#""1111111111111111111111111111111111111111""#,
        Err(
            400,
            r#"1111111111111111111111111111111111111111 is greater than the maximum of 10"#,
        ),
    ),
    (
        r#"{"maximum": 10, "exclusiveMaximum": true}"#,
        r#"10"#,
        Err(400, r#"10 is greater than or equal to the maximum of 10"#),
    ),
    (
        r#"{"minimum": 1.5}"#,
        r#"1"#,
        Err(400, r#"1 is less than the minimum of 1.5"#),
    ),
    (
        r#"{"multipleOf": 2}"#,
        r#"3"#,
        Err(400, r#"3 is not a multiple of 2"#),
    ),
    (
        r#"{"multipleOf": 0.5}"#,
        r#"1.25"#,
        Err(400, r#"1.25 is not a multiple of 0.5"#),
    ),
    (
        r#"{"items": {"type": "string"}}"#,
        r#"["a", 1]"#,
        Err(
            400,
            r#"Invalid input for field/attribute 1. Value: 1. 1 is not of type 'string'"#,
        ),
    ),
    (
        r#"{"items": [{"type": "string"}], "additionalItems": false}"#,
        r#"["a", 1, 2]"#,
        Err(
            400,
            r#"Additional items are not allowed (1, 2 were unexpected)"#,
        ),
    ),
    (
        r#"{"items": [{"type": "string"}], "additionalItems": false}"#,
        r#"["a", 1]"#,
        Err(
            400,
            r#"Additional items are not allowed (1 was unexpected)"#,
        ),
    ),
    (
        r#"{"items": [{"type": "string"}], "additionalItems": {"type": "string"}}"#,
        r#"["a", "b", 3]"#,
        Err(
            400,
            r#"Invalid input for field/attribute 2. Value: 3. 3 is not of type 'string'"#,
        ),
    ),
    (
        r#"{"minItems": 1}"#,
        r#"[]"#,
        Err(400, r#"[] should be non-empty"#),
    ),
    (
        r#"{"minItems": 2}"#,
        r#"[1]"#,
        Err(400, r#"[1] is too short"#),
    ),
    (
        r#"{"maxItems": 0}"#,
        r#"[1]"#,
        Err(400, r#"[1] is expected to be empty"#),
    ),
    (
        r#"{"maxItems": 1}"#,
        r#"[1, 2]"#,
        Err(400, r#"[1, 2] is too long"#),
    ),
    (
        r#"{"uniqueItems": true}"#,
        r#"[1, 1.0]"#,
        Err(400, r#"[1, 1.0] has non-unique elements"#),
    ),
    (r#"{"uniqueItems": true}"#, r#"[1, true]"#, Ok),
    (
        r#"{"uniqueItems": true}"#,
        r#"[{"a": 1}, {"a": 1.0}]"#,
        Err(400, r#"[{'a': 1}, {'a': 1.0}] has non-unique elements"#),
    ),
    (
        r#"{"allOf": [{"type": "string"}, {"minLength": 2}]}"#,
        r#""a""#,
        Err(400, r#"'a' is too short"#),
    ),
    (
        r#"{"anyOf": [{"type": "string"}, {"type": "integer"}]}"#,
        r#"1.5"#,
        Err(400, r#"1.5 is not valid under any of the given schemas"#),
    ),
    (
        r#"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#,
        r#"1"#,
        Err(
            400,
            r#"1 is valid under each of {'minimum': 0}, {'type': 'integer'}"#,
        ),
    ),
    (
        r#"{"oneOf": [{"type": "integer"}, {"type": "string"}]}"#,
        r#"null"#,
        Err(400, r#"None is not valid under any of the given schemas"#),
    ),
    (
        r#"{"not": {"type": "string"}}"#,
        r#""a""#,
        Err(400, r#"'a' should not be valid under {'type': 'string'}"#),
    ),
    (
        r#"{"dependencies": {"a": ["b", "c"]}}"#,
        r#"{"a": 1, "c": 1}"#,
        Err(400, r#"'b' is a dependency of 'a'"#),
    ),
    (
        r#"{"dependencies": {"a": {"required": ["z"]}}}"#,
        r#"{"a": 1}"#,
        Err(400, r#"'z' is a required property"#),
    ),
    (
        r#"{"type": "string", "format": "uuid"}"#,
        r#""abc""#,
        Err(400, r#"'abc' is not a 'uuid'"#),
    ),
    (
        r#"{"properties": {"id": {"type": "string", "format": "uuid"}}}"#,
        r#"{"id": "0a1b2c3d-4e5f-6789-abcd-ef012345678"}"#,
        Err(
            400,
            r#"Invalid input for field/attribute id. Value: 0a1b2c3d-4e5f-6789-abcd-ef012345678. '0a1b2c3d-4e5f-6789-abcd-ef012345678' is not a 'uuid'"#,
        ),
    ),
    (
        r#"{"properties": {"id": {"format": "uuid"}}}"#,
        r#"{"id": 5}"#,
        Err(
            400,
            r#"Invalid input for field/attribute id. Value: 5. 5 is not a 'uuid'"#,
        ),
    ),
    (
        r#"{"format": "date-time"}"#,
        r#""yesterday""#,
        Err(400, r#"'yesterday' is not a 'date-time'"#),
    ),
    (
        r#"{"format": "date-time"}"#,
        r#""2012-02-14T20:53:07Z""#,
        Ok,
    ),
    (
        r#"{"format": "base64"}"#,
        r#""Y""#,
        Err(400, r#"'Y' is not a 'base64'"#),
    ),
    (r#"{"format": "no-such-format"}"#, r#""x""#, Ok),
    (
        r#"{"properties": {"a": false}}"#,
        r#"{"a": 1}"#,
        Err(400, r#"False schema does not allow 1"#),
    ),
    (
        r#"{"properties": {"type": "object"}}"#,
        r#"{"type": 1}"#,
        Err(500, r#"'str' object has no attribute 'get'"#),
    ),
    (
        r#"{"type": "object", "required": ["a"], "additionalProperties": false}"#,
        r#"{"b": 1}"#,
        Err(400, r#"'a' is a required property"#),
    ),
    (
        r#"{"type": "object", "additionalProperties": false, "required": ["a"]}"#,
        r#"{"b": 1}"#,
        Err(
            400,
            r#"Additional properties are not allowed ('b' was unexpected)"#,
        ),
    ),
    (
        r#"{"properties": {"a": {"type": "integer"}}}"#,
        r#"{"a": {"x": [1, "y", null, true, 1.5]}}"#,
        Err(
            400,
            r#"Invalid input for field/attribute a. Value: {'x': [1, 'y', None, True, 1.5]}. {'x': [1, 'y', None, True, 1.5]} is not of type 'integer'"#,
        ),
    ),
    (
        r#"{"properties": {"a": {"type": "integer"}}}"#,
        r#"{"a": "it's"}"#,
        Err(
            400,
            r#"Invalid input for field/attribute a. Value: it's. "it's" is not of type 'integer'"#,
        ),
    ),
    (
        r#"{"type": "integer"}"#,
        r#""\u00e9\u00a0\u0001""#,
        Err(400, r#"'é\xa0\x01' is not of type 'integer'"#),
    ),
    (
        r#"{"items": {"properties": {"n": {"type": "integer"}}}}"#,
        r#"[{"n": "x"}]"#,
        Err(
            400,
            r#"Invalid input for field/attribute n. Value: x. 'x' is not of type 'integer'"#,
        ),
    ),
    (
        r#"{"items": {"required": ["n"]}}"#,
        r#"[{}]"#,
        Err(
            400,
            r#"Invalid input for field/attribute 0. Value: {}. 'n' is a required property"#,
        ),
    ),
    (
        r#"{"properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}"#,
        r#"{"b": "x", "a": "y"}"#,
        Err(
            400,
            r#"Invalid input for field/attribute a. Value: y. 'y' is not of type 'integer'"#,
        ),
    ),
    (
        r#"{"oneOf": [{"type": "string", "format": "uuid"}, {"type": "array", "items": {"type": "string", "format": "uuid"}, "uniqueItems": true}]}"#,
        r#"["0a1b2c3d-4e5f-6789-abcd-ef0123456789", "0a1b2c3d-4e5f-6789-abcd-ef0123456789"]"#,
        Err(
            400,
            r#"['0a1b2c3d-4e5f-6789-abcd-ef0123456789', '0a1b2c3d-4e5f-6789-abcd-ef0123456789'] is not valid under any of the given schemas"#,
        ),
    ),
    (
        r#"{"type": "fancy"}"#,
        r#"1"#,
        Err(
            500,
            r#"Unknown type 'fancy' for validator with schema:
    {'type': 'fancy'}

While checking instance:
    1"#,
        ),
    ),
];

#[test]
fn keywords_answer_like_upstream() {
    let formats = Formats::standard();
    for (schema, body, expect) in KEYWORD_CASES {
        let got = validate_with(&parse(schema), &parse(body), &formats);
        match (expect, got) {
            (Ok, result) => assert_eq!(result, std::result::Result::Ok(()), "{schema} | {body}"),
            (Err(status, message), std::result::Result::Err(error)) => {
                assert_eq!(
                    error.status().as_u16(),
                    *status,
                    "{schema} | {body}: {error:?}"
                );
                if *status == 400 {
                    assert_eq!(error.message(), *message, "{schema} | {body}");
                    assert_eq!(error.kind, ErrorKind::Invalid, "{schema} | {body}");
                }
            }
            (Err(_, message), std::result::Result::Ok(())) => {
                panic!("{schema} | {body}: accepted, upstream says {message}")
            }
        }
    }
}

#[test]
fn display_is_the_detail() {
    let error = validate(&json!({"type": "integer"}), &json!("x")).err();
    assert_eq!(
        error.map(|e| e.to_string()).as_deref(),
        Some("'x' is not of type 'integer'")
    );
}

#[test]
fn format_causes_and_escapes() {
    let formats = Formats::new()
        .with("name", |v| match v.as_str() {
            Some(s) if s.trim().is_empty() => FormatCheck::Invalid(Some(Cause::InvalidName(
                "An invalid 'name' value was provided. The 'name' can not be empty.".into(),
            ))),
            _ => FormatCheck::Valid,
        })
        .with("reason", |_| {
            FormatCheck::Invalid(Some(Cause::Other("no".into())))
        })
        .with("typed", |_| {
            FormatCheck::Raise(Raised::TypeError(
                "'int' object is not subscriptable".into(),
            ))
        })
        .with("input", |_| {
            FormatCheck::Raise(Raised::bad_request("Invalid input received: no"))
        })
        .with("crash", |_| {
            FormatCheck::Raise(Raised::Internal("KeyError".into()))
        });
    let check = |format: &str, value: Value| {
        let schema = json!({"properties": {"f": {"format": format}}});
        validate_with(&schema, &json!({ "f": value }), &formats).err()
    };
    let name = check("name", json!("  "));
    assert_eq!(
        name.map(|e| e.detail).as_deref(),
        Some("An invalid 'name' value was provided. The 'name' can not be empty.")
    );
    let reason = check("reason", json!(" x"));
    assert_eq!(
        reason.map(|e| e.detail).as_deref(),
        Some("Invalid input for field/attribute f. Value:  x. ' x' is not a 'reason'")
    );
    let typed = check("typed", json!(5));
    assert_eq!(
        typed.as_ref().map(|e| (e.kind, e.detail.as_str())),
        Some((ErrorKind::Invalid, "'int' object is not subscriptable"))
    );
    let input = check("input", json!(5));
    assert_eq!(
        input.as_ref().map(|e| (e.status().as_u16(), e.message())),
        Some((400, "Invalid input received: no"))
    );
    assert_eq!(
        input.map(|e| e.kind),
        Some(ErrorKind::Raised(http::StatusCode::BAD_REQUEST))
    );
    assert_eq!(
        check("crash", json!(5)).map(|e| e.status().as_u16()),
        Some(500)
    );
    assert_eq!(check("unknown", json!(5)), None);
}

#[test]
fn the_first_error_is_the_one_reported_and_later_checks_never_run() {
    // A raising checker after the first error is never reached, as in the lazy Python.
    let formats = Formats::new().with("crash", |_| {
        FormatCheck::Raise(Raised::Internal("boom".into()))
    });
    let schema = json!({"type": "string", "format": "crash"});
    let error = validate_with(&schema, &json!(1), &formats).err();
    assert_eq!(
        error.map(|e| e.detail).as_deref(),
        Some("1 is not of type 'string'")
    );
    // Inside anyOf every branch is evaluated completely, so the checker does run.
    let schema = json!({"anyOf": [{"type": "string", "format": "crash"}, {"type": "integer"}]});
    let error = validate_with(&schema, &json!(true), &formats).err();
    assert_eq!(error.map(|e| e.kind), Some(ErrorKind::Internal));
}

#[test]
fn validator_compiles_patterns_up_front() {
    let good =
        json!({"properties": {"a": {"pattern": "^[a-z]+$"}}, "patternProperties": {"^x": {}}});
    let validator = Validator::new(good, Formats::standard());
    assert!(validator.is_ok());
    if let std::result::Result::Ok(v) = validator {
        assert!(v.validate(&json!({"a": "abc"})).is_ok());
        assert_eq!(
            v.validate(&json!({"a": "ABC"}))
                .err()
                .map(|e| e.detail)
                .as_deref(),
            Some(
                "Invalid input for field/attribute a. Value: ABC. 'ABC' does not match '^[a-z]+$'"
            )
        );
    }
    let bad = json!({"properties": {"a": {"pattern": "(?=x)"}}});
    assert!(Validator::new(bad, Formats::standard()).is_err());
}

#[test]
fn a_false_schema_carries_its_parents_path_only() {
    let schema = json!({"properties": {"x": {"properties": {"a": false}}}});
    let error = validate(&schema, &json!({"x": {"a": 1}})).err();
    assert_eq!(
        error.map(|e| e.detail).as_deref(),
        Some("Invalid input for field/attribute x. Value: 1. False schema does not allow 1")
    );
}

#[test]
fn unique_items_like_upstream() {
    let schema = json!({"uniqueItems": true});
    for (body, expect) in [
        (
            json!(["a", "a"]),
            Some("['a', 'a'] has non-unique elements"),
        ),
        (json!([0, false]), None),
        (json!([-0.0, 0]), Some("[-0.0, 0] has non-unique elements")),
        (
            json!([null, null]),
            Some("[None, None] has non-unique elements"),
        ),
        (
            json!([[1], [1.0]]),
            Some("[[1], [1.0]] has non-unique elements"),
        ),
        (json!([[1], [true]]), None),
        (json!([1, 2, 3]), None),
    ] {
        let got = validate(&schema, &body).err().map(|e| e.detail);
        assert_eq!(got.as_deref(), expect, "{body}");
    }
}
