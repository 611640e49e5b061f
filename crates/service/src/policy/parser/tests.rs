use super::*;

fn tree(s: &str) -> String {
    parse_rule(s)
        .unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
        .to_string()
}

fn reason(s: &str) -> String {
    match parse_rule(s) {
        Ok(c) => panic!("{s:?} should not parse, got {c}"),
        Err(e) => e.reason,
    }
}

#[test]
fn empty_rule_and_the_special_checks() {
    assert_eq!(parse_rule(""), Ok(Check::True));
    assert_eq!(parse_rule("@"), Ok(Check::True));
    assert_eq!(parse_rule("!"), Ok(Check::False));
    assert_eq!(tree("not @"), "not @");
}

#[test]
fn and_binds_tighter_than_or() {
    assert_eq!(tree("a:1 or b:2 and c:3"), "(a:1 or (b:2 and c:3))");
    assert_eq!(tree("a:1 and b:2 or c:3"), "((a:1 and b:2) or c:3)");
    assert_eq!(
        tree("a:1 or b:2 and c:3 and d:4"),
        "(a:1 or (b:2 and c:3 and d:4))"
    );
    assert_eq!(
        tree("a:1 and b:2 or c:3 and d:4"),
        "((a:1 and b:2) or (c:3 and d:4))"
    );
    assert_eq!(tree("a:1 or b:2 or c:3"), "(a:1 or b:2 or c:3)");
    assert_eq!(tree("a:1 and b:2 and c:3"), "(a:1 and b:2 and c:3)");
}

#[test]
fn not_binds_tightest() {
    assert_eq!(tree("not a:1 and b:2"), "(not a:1 and b:2)");
    assert_eq!(tree("a:1 and not b:2"), "(a:1 and not b:2)");
    assert_eq!(tree("a:1 or not b:2 and c:3"), "(a:1 or (not b:2 and c:3))");
    assert_eq!(tree("not not a:1"), "not not a:1");
    assert_eq!(tree("not (a:1 or b:2)"), "not (a:1 or b:2)");
}

#[test]
fn parentheses_group() {
    assert_eq!(tree("(a:1 or b:2) and c:3"), "((a:1 or b:2) and c:3)");
    assert_eq!(tree("((a:1))"), "a:1");
    assert_eq!(tree("( a:1 or b:2 )"), "(a:1 or b:2)");
    assert_eq!(
        tree("role:admin or (role:member and project_id:%(project_id)s)"),
        "(role:admin or (role:member and project_id:%(project_id)s))"
    );
    // A substitution's own parentheses are not grouping.
    assert_eq!(
        tree("(project_id:%(project_id)s)"),
        "project_id:%(project_id)s"
    );
}

#[test]
fn operators_are_case_insensitive() {
    assert_eq!(tree("a:1 AND b:2 Or NOT c:3"), "((a:1 and b:2) or not c:3)");
}

#[test]
fn check_kinds() {
    assert_eq!(
        parse_rule("rule:admin_api"),
        Ok(Check::Rule("admin_api".into()))
    );
    assert!(matches!(parse_rule("role:admin"), Ok(Check::Role(t)) if t.as_str() == "admin"));
    let Ok(Check::Field(f)) = parse_rule("project_id:%(project_id)s") else {
        panic!("field check");
    };
    assert_eq!(
        (f.kind.as_str(), f.literal.as_deref()),
        ("project_id", None)
    );
    assert_eq!(f.matcher.as_str(), "%(project_id)s");
    // Only the first colon splits.
    let Ok(Check::Field(f)) = parse_rule("role:compute:admin".replace("role", "x").as_str()) else {
        panic!("field check");
    };
    assert_eq!(
        (f.kind.as_str(), f.matcher.as_str()),
        ("x", "compute:admin")
    );
}

#[test]
fn python_literals_on_the_left() {
    let lit = |s: &str| match parse_rule(s) {
        Ok(Check::Field(f)) => f.literal,
        other => panic!("{other:?}"),
    };
    assert_eq!(lit("'Member':%(role.name)s"), Some("Member".into()));
    assert_eq!(lit("\"Member\":%(role.name)s"), Some("Member".into()));
    assert_eq!(lit("True:%(user.enabled)s"), Some("True".into()));
    assert_eq!(lit("False:%(x)s"), Some("False".into()));
    assert_eq!(lit("None:%(x)s"), Some("None".into()));
    assert_eq!(lit("20:%(x)s"), Some("20".into()));
    assert_eq!(lit("-3:%(x)s"), Some("-3".into()));
    assert_eq!(lit("1.50:%(x)s"), Some("1.5".into()));
    assert_eq!(lit("is_admin:True"), None);
    assert_eq!(lit("target.project.id:x"), None);
}

#[test]
fn malformed_rules_are_errors() {
    assert_eq!(
        reason("a:1 and"),
        "an operator is missing its right-hand check"
    );
    assert_eq!(
        reason("a:1 or"),
        "an operator is missing its right-hand check"
    );
    assert_eq!(reason("not"), "an operator is missing its right-hand check");
    assert_eq!(reason("(a:1"), "unbalanced parentheses");
    assert_eq!(reason("a:1)"), "unbalanced parentheses");
    assert_eq!(reason("and a:1"), "operators and checks do not alternate");
    assert_eq!(reason("a:1 b:2"), "operators and checks do not alternate");
    assert_eq!(
        reason("a:1 not b:2"),
        "operators and checks do not alternate"
    );
    assert_eq!(reason("'quoted'"), "a quoted string is not a check");
    assert_eq!(reason("   "), "no check in it");
    assert_eq!(reason("()"), "empty parentheses");
    assert!(reason("admin").contains("is not a check"));
    assert!(reason("role:admin or admin").contains("\"admin\" is not a check"));
    assert!(reason("http://example.com/%(name)s").contains("not supported"));
    assert!(reason("https:x").contains("not supported"));
    assert!(reason("x:%(a)d").contains("%(name)s"));
    assert!(reason("x:50%").contains("%%"));
    assert!(reason("'abc:x").contains("unterminated"));
    let deep = format!("{}a:1{}", "(".repeat(40), ")".repeat(40));
    assert_eq!(reason(&deep), "parentheses nest too deep");
    let nots = format!("{}a:1", "not ".repeat(40));
    assert_eq!(reason(&nots), "too many 'not's in a row");
}

#[test]
fn error_display_names_the_check_string() {
    let e = parse_rule("role:admin and").expect_err("bad");
    assert_eq!(
        e.to_string(),
        "could not parse check string \"role:admin and\": an operator is missing its right-hand check"
    );
}

#[test]
fn the_legacy_list_form() {
    let l = |v: &[&[&str]]| {
        parse_list_rule(
            &v.iter()
                .map(|i| i.iter().map(|s| s.to_string()).collect())
                .collect::<Vec<_>>(),
        )
        .map(|c| c.to_string())
    };
    assert_eq!(l(&[]), Ok("@".into()));
    assert_eq!(l(&[&[]]), Ok("!".into()));
    assert_eq!(l(&[&["role:a"]]), Ok("role:a".into()));
    assert_eq!(
        l(&[&["role:a"], &["role:b", "x:y"]]),
        Ok("(role:a or (role:b and x:y))".into())
    );
    assert!(l(&[&["nocolon"]]).is_err());
}
