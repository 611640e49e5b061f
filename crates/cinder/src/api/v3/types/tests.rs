//! The query handling of `GET /types`: pagination, sorting and filter parsing as upstream
//! reads them.

use super::*;

fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn repeated_keys_keep_their_first_place_and_last_value() {
    assert_eq!(
        multidict(&q(&[("a", "1"), ("b", "2"), ("a", "3")])),
        q(&[("a", "3"), ("b", "2")])
    );
}

#[test]
fn integers_parse_like_python() {
    assert_eq!(python_int(" 12 "), Some(12));
    assert_eq!(python_int("+3"), Some(3));
    assert_eq!(python_int("1_000"), Some(1000));
    assert_eq!(python_int("-1"), Some(-1));
    assert_eq!(python_int("1__0"), None);
    assert_eq!(python_int("_1"), None);
    assert_eq!(python_int("1.5"), None);
    assert_eq!(python_int(""), None);
}

#[test]
fn sort_keys_get_the_defaults_in_the_first_direction() {
    let keys = sort_keys(&["name".into()], &["asc".into()]).expect("valid");
    let got: Vec<(String, bool)> = keys.into_iter().map(|k| (k.column, k.descending)).collect();
    assert_eq!(
        got,
        vec![
            ("name".into(), false),
            ("created_at".into(), false),
            ("id".into(), false)
        ]
    );
    let e = sort_keys(&["name".into()], &["up".into()]).expect_err("bad dir");
    assert_eq!(
        e.to_string(),
        "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'."
    );
    let e = sort_keys(&["extra_specs".into()], &["asc".into()]).expect_err("bad key");
    assert_eq!(e.to_string(), "Invalid input received: Invalid sort key");
}

#[test]
fn is_public_filter_values() {
    assert_eq!(parse_is_public(None).ok(), Some(Some(true)));
    assert_eq!(parse_is_public(Some("None")).ok(), Some(None));
    assert_eq!(parse_is_public(Some("NONE")).ok(), Some(None));
    assert_eq!(parse_is_public(Some("False")).ok(), Some(Some(false)));
    assert_eq!(parse_is_public(Some("yes")).ok(), Some(Some(true)));
    let e = parse_is_public(Some("maybe")).expect_err("refused");
    assert_eq!(e.to_string(), "Invalid is_public filter [maybe]");
}

#[test]
fn extra_specs_filter_is_a_python_dict_literal() {
    assert_eq!(
        python_dict_literal(r#"{'RESKEY:availability_zones': 'az1', "n": 1, 'b': True}"#),
        Some(vec![
            ("RESKEY:availability_zones".to_string(), "az1".to_string()),
            ("n".to_string(), "1".to_string()),
            ("b".to_string(), "True".to_string()),
        ])
    );
    assert_eq!(python_dict_literal("{}"), Some(vec![]));
    assert_eq!(
        python_dict_literal("{'a': 'it\\'s'}"),
        Some(vec![("a".into(), "it's".into())])
    );
    assert_eq!(
        python_dict_literal("{'a': 'b',}"),
        Some(vec![("a".into(), "b".into())])
    );
    assert_eq!(python_dict_literal("a=b"), None);
    assert_eq!(python_dict_literal("['a']"), None);
    assert_eq!(python_dict_literal("{'a': 'b'} x"), None);
}
