//! The enforcer end to end: every check kind against credentials and targets, defaults and
//! operator overrides found through `[oslo_policy]`, deprecated rules, scopes, reloading.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use super::*;
use crate::RequestContext;

/// An enforcer with `rules` registered as plain defaults and no policy file.
fn enforcer(rules: &[(&str, &str)]) -> Enforcer {
    let mut e = Enforcer::new(no_files());
    e.register_defaults(rules.iter().map(|(n, c)| RuleDefault::new(n, c)));
    e.load_rules().expect("load");
    e
}

fn no_files() -> PolicyOpts {
    PolicyOpts {
        policy_file: "/nonexistent/policy.yaml".into(),
        policy_dirs: vec![],
        ..PolicyOpts::default()
    }
}

fn creds(v: Value) -> Credentials {
    match v {
        Value::Object(m) => Credentials::from_map(m),
        _ => panic!("credentials must be an object"),
    }
}

fn target(v: Value) -> Target {
    match v {
        Value::Object(m) => Target::from(m),
        _ => panic!("target must be an object"),
    }
}

fn allows(e: &Enforcer, rule: &str, t: Value, c: Value) -> bool {
    e.enforce(rule, &target(t), &creds(c)).expect("enforce")
}

#[test]
fn role_checks_ignore_case_and_may_substitute() {
    let e = enforcer(&[("r", "role:admin"), ("s", "role:%(wanted)s")]);
    assert!(allows(&e, "r", json!({}), json!({"roles": ["Admin"]})));
    assert!(!allows(&e, "r", json!({}), json!({"roles": ["member"]})));
    assert!(!allows(&e, "r", json!({}), json!({})));
    assert!(allows(
        &e,
        "s",
        json!({"wanted": "MEMBER"}),
        json!({"roles": ["member"]})
    ));
    assert!(!allows(&e, "s", json!({}), json!({"roles": ["member"]})));
}

#[test]
fn generic_checks_compare_credentials_with_the_target() {
    let e = enforcer(&[
        ("own", "project_id:%(project_id)s"),
        ("user", "user_id:%(user_id)s"),
        ("admin", "is_admin:True"),
        ("const", "project_id:p1"),
        ("nested", "project_id:%(target.project.id)s"),
        ("deep", "token.roles.name:role1"),
    ]);
    let c = json!({"project_id": "p1", "user_id": "u1", "is_admin": false,
                   "token": {"roles": [{"name": "role0"}, {"name": "role1"}]}});
    assert!(allows(&e, "own", json!({"project_id": "p1"}), c.clone()));
    assert!(!allows(&e, "own", json!({"project_id": "p2"}), c.clone()));
    assert!(
        !allows(&e, "own", json!({}), c.clone()),
        "missing key fails"
    );
    assert!(allows(&e, "user", json!({"user_id": "u1"}), c.clone()));
    assert!(!allows(&e, "admin", json!({}), c.clone()));
    assert!(allows(&e, "admin", json!({}), json!({"is_admin": true})));
    assert!(allows(&e, "const", json!({}), c.clone()));
    assert!(allows(
        &e,
        "nested",
        json!({"target.project.id": "p1"}),
        c.clone()
    ));
    assert!(allows(
        &e,
        "nested",
        json!({"target": {"project": {"id": "p1"}}}),
        c.clone()
    ));
    assert!(allows(&e, "deep", json!({}), c.clone()));
    // As upstream: str(None) == str(None).
    assert!(allows(
        &e,
        "own",
        json!({"project_id": null}),
        json!({"project_id": null})
    ));
}

#[test]
fn literal_checks_compare_the_literal_with_the_target() {
    let e = enforcer(&[
        ("name", "'Member':%(role_name)s"),
        ("enabled", "True:%(user.enabled)s"),
        ("count", "20:%(n)s"),
    ]);
    assert!(allows(
        &e,
        "name",
        json!({"role_name": "Member"}),
        json!({})
    ));
    assert!(!allows(
        &e,
        "name",
        json!({"role_name": "member"}),
        json!({})
    ));
    assert!(allows(
        &e,
        "enabled",
        json!({"user": {"enabled": true}}),
        json!({})
    ));
    assert!(!allows(
        &e,
        "enabled",
        json!({"user.enabled": false}),
        json!({})
    ));
    assert!(allows(&e, "count", json!({"n": 20}), json!({})));
}

#[test]
fn special_checks_and_operators() {
    let e = enforcer(&[
        ("always", "@"),
        ("empty", ""),
        ("never", "!"),
        ("combo", "role:a and not role:b or role:c"),
        ("paren", "role:a and (role:b or role:c)"),
    ]);
    assert!(allows(&e, "always", json!({}), json!({})));
    assert!(allows(&e, "empty", json!({}), json!({})));
    assert!(!allows(&e, "never", json!({}), json!({"is_admin": true})));
    assert!(allows(&e, "combo", json!({}), json!({"roles": ["a"]})));
    assert!(!allows(
        &e,
        "combo",
        json!({}),
        json!({"roles": ["a", "b"]})
    ));
    assert!(allows(
        &e,
        "combo",
        json!({}),
        json!({"roles": ["a", "b", "c"]})
    ));
    assert!(!allows(&e, "paren", json!({}), json!({"roles": ["c"]})));
    assert!(allows(&e, "paren", json!({}), json!({"roles": ["a", "c"]})));
}

#[test]
fn rule_checks_follow_names_and_fall_back_to_the_default_rule() {
    let e = enforcer(&[
        ("admin_api", "role:admin"),
        ("x", "rule:admin_api"),
        ("y", "rule:nope"),
    ]);
    assert!(allows(&e, "x", json!({}), json!({"roles": ["admin"]})));
    assert!(!allows(&e, "x", json!({}), json!({"roles": ["member"]})));
    assert!(!allows(&e, "y", json!({}), json!({"roles": ["admin"]})));

    let e = enforcer(&[("default", "role:admin"), ("y", "rule:nope")]);
    assert!(allows(&e, "y", json!({}), json!({"roles": ["admin"]})));
    assert!(allows(
        &e,
        "unregistered",
        json!({}),
        json!({"roles": ["admin"]})
    ));
}

#[test]
fn cyclic_rules_are_denied_not_overflowed() {
    let e = enforcer(&[("a", "rule:b"), ("b", "rule:a or role:x and rule:a")]);
    assert!(!allows(&e, "a", json!({}), json!({"roles": ["y"]})));
}

#[test]
fn authorize_uses_the_context_and_reports_why() {
    let e = enforcer(&[("volume:get", "role:reader and project_id:%(project_id)s")]);
    let mut ctx = RequestContext::new("req-1");
    ctx.project_id = Some("p1".into());
    ctx.roles = vec!["Reader".into()];
    let own = Target::new().with("project_id", "p1");
    assert!(e.authorize("volume:get", &own, &ctx).is_ok());
    let other = Target::new().with("project_id", "p2");
    let err = e
        .authorize("volume:get", &other, &ctx)
        .expect_err("other project");
    assert!(err.is_not_authorized());
    assert_eq!(
        err.to_string(),
        "Policy doesn't allow volume:get to be performed."
    );
    let err = e.authorize("volume:nope", &own, &ctx).expect_err("unknown");
    assert!(matches!(err, PolicyError::NotRegistered(ref n) if n == "volume:nope"));
    assert_eq!(
        err.to_string(),
        "Policy volume:nope has not been registered"
    );
}

#[test]
fn check_is_admin_uses_context_is_admin() {
    let e = enforcer(&[("context_is_admin", "role:admin")]);
    let mut ctx = RequestContext::new("req-1");
    assert!(!e.check_is_admin(&ctx));
    ctx.roles = vec!["ADMIN".into()];
    assert!(e.check_is_admin(&ctx));
    // Unregistered: never admin.
    assert!(!enforcer(&[]).check_is_admin(&ctx));
}

#[test]
fn registration_mistakes_surface_at_load() {
    let mut e = Enforcer::new(no_files());
    e.register_default(RuleDefault::new("a", "role:x"));
    e.register_default(RuleDefault::new("a", "role:y"));
    assert_eq!(
        e.load_rules().expect_err("duplicate").to_string(),
        "Policy a is already registered"
    );
    let mut e = Enforcer::new(no_files());
    e.register_default(RuleDefault::new("b", "role:x and"));
    assert_eq!(
        e.load_rules().expect_err("invalid").to_string(),
        "Invalid policy rule default \"b\": could not parse check string \"role:x and\": an \
         operator is missing its right-hand check"
    );
}

#[test]
fn scope_types_are_enforced_unless_switched_off() {
    let rule = RuleDefault::new("proj", "@").scope_types(&["project"]);
    let system = json!({"system_scope": "all"});
    let mut e = Enforcer::new(no_files());
    e.register_default(rule.clone());
    assert!(!allows(&e, "proj", json!({}), system.clone()));
    assert!(allows(&e, "proj", json!({}), json!({"project_id": "p"})));
    assert!(!allows(&e, "proj", json!({}), json!({"domain_id": "d"})));
    let mut e = Enforcer::new(PolicyOpts {
        enforce_scope: false,
        ..no_files()
    });
    e.register_default(rule);
    assert!(allows(&e, "proj", json!({}), system));
}

fn deprecated_defaults() -> Vec<RuleDefault> {
    vec![
        RuleDefault::documented("volume:get", "role:reader", "Show.", &[("GET", "/v")])
            .deprecated_rule(DeprecatedRule::new("volume:get", "role:legacy").since("X")),
        RuleDefault::documented("type:create", "role:admin", "Create.", &[("POST", "/t")])
            .deprecated_rule(DeprecatedRule::new("type:manage", "role:admin").since("X")),
    ]
}

#[test]
fn deprecated_check_strings_are_or_ed_only_without_enforce_new_defaults() {
    let mut e = Enforcer::new(no_files());
    e.register_defaults(deprecated_defaults());
    assert_eq!(
        e.effective_rule("volume:get").expect("rules").as_deref(),
        Some("role:reader")
    );
    assert!(!allows(
        &e,
        "volume:get",
        json!({}),
        json!({"roles": ["legacy"]})
    ));

    let mut e = Enforcer::new(PolicyOpts {
        enforce_new_defaults: false,
        ..no_files()
    });
    e.register_defaults(deprecated_defaults());
    assert_eq!(
        e.effective_rule("volume:get").expect("rules").as_deref(),
        Some("(role:reader or role:legacy)")
    );
    assert!(allows(
        &e,
        "volume:get",
        json!({}),
        json!({"roles": ["legacy"]})
    ));
    // Same check string: nothing to OR.
    assert_eq!(
        e.effective_rule("type:create").expect("rules").as_deref(),
        Some("role:admin")
    );
}

/// A temporary `cinder.conf` (with `extra` lines) and the files beside it.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new(conf: &str) -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        site.write("cinder.conf", conf);
        site
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, text).expect("write");
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn enforcer(&self, defaults: Vec<RuleDefault>) -> Result<Enforcer, PolicyError> {
        let mut conf = openstack_config::ConfigOpts::new("cinder", "cinder-api", "1.0");
        register_opts(&mut conf)?;
        let conf_file = self.path("cinder.conf");
        conf.parse_args(&["--config-file".to_string(), path_str(&conf_file)])?;
        let mut e = Enforcer::from_conf(&conf)?;
        e.register_defaults(defaults);
        e.load_rules()?;
        Ok(e)
    }
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn two_rules() -> Vec<RuleDefault> {
    vec![
        RuleDefault::new("admin_api", "role:admin"),
        RuleDefault::new("volume:create", "role:member"),
        RuleDefault::new("volume:delete", "role:member"),
    ]
}

#[test]
fn policy_yaml_next_to_the_config_file_overrides_defaults() {
    let site = Site::new("[DEFAULT]\n");
    site.write(
        "policy.yaml",
        "\"volume:create\": \"rule:admin_api\"\n\"extra\": \"role:x\"\n",
    );
    let e = site.enforcer(two_rules()).expect("enforcer");
    let member = json!({"roles": ["member"]});
    assert!(!allows(&e, "volume:create", json!({}), member.clone()));
    assert!(allows(
        &e,
        "volume:create",
        json!({}),
        json!({"roles": ["admin"]})
    ));
    assert!(
        allows(&e, "volume:delete", json!({}), member),
        "not overridden"
    );
    assert_eq!(
        e.effective_rule("extra").expect("rules").as_deref(),
        Some("role:x")
    );
}

#[test]
fn policy_file_option_json_and_policy_dirs_in_name_order() {
    let site = Site::new(
        "[oslo_policy]\npolicy_file = custom.json\npolicy_dirs = extra.d\npolicy_dirs = missing.d\n",
    );
    site.write(
        "custom.json",
        r#"{"volume:create": "role:a", "volume:delete": "role:a"}"#,
    );
    site.write("extra.d/20-last.yaml", "\"volume:create\": \"role:c\"\n");
    site.write(
        "extra.d/10-first.yaml",
        "\"volume:create\": \"role:b\"\n\"admin_api\": \"!\"\n",
    );
    site.write(
        "extra.d/.hidden.yaml",
        "\"volume:delete\": \"role:hidden\"\n",
    );
    let e = site.enforcer(two_rules()).expect("enforcer");
    let rule = |n: &str| e.effective_rule(n).expect("rules");
    assert_eq!(rule("volume:create").as_deref(), Some("role:c"));
    assert_eq!(rule("volume:delete").as_deref(), Some("role:a"));
    assert_eq!(rule("admin_api").as_deref(), Some("!"));
}

#[test]
fn absolute_policy_file_and_missing_file_means_defaults() {
    let site = Site::new("[DEFAULT]\n");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let abs = elsewhere.path().join("p.yaml");
    std::fs::write(&abs, "\"volume:create\": \"role:z\"\n").expect("write");
    site.write(
        "cinder.conf",
        &format!("[oslo_policy]\npolicy_file = {}\n", abs.display()),
    );
    let e = site.enforcer(two_rules()).expect("enforcer");
    assert_eq!(
        e.effective_rule("volume:create").expect("rules").as_deref(),
        Some("role:z")
    );
    let bare = Site::new("[DEFAULT]\n");
    let e = bare.enforcer(two_rules()).expect("enforcer");
    assert_eq!(
        e.effective_rule("volume:create").expect("rules").as_deref(),
        Some("role:member")
    );
}

#[test]
fn a_bad_policy_file_is_one_line_naming_file_and_rule() {
    let site = Site::new("[DEFAULT]\n");
    let path = site.write(
        "policy.yaml",
        "\"volume:create\": \"role:admin\"\n\"volume:delete\": \"role:admin or or role:x\"\n",
    );
    let err = site.enforcer(two_rules()).expect_err("bad file");
    let line = err.to_string();
    assert_eq!(
        line,
        format!(
            "Invalid policy file {}: rule \"volume:delete\": could not parse check string \
             \"role:admin or or role:x\": operators and checks do not alternate",
            path.display()
        )
    );
    assert!(!line.contains('\n'));
}

#[test]
fn a_policy_dir_that_is_a_file_is_an_error() {
    let site = Site::new("[oslo_policy]\npolicy_dirs = notadir\n");
    site.write("notadir", "x");
    let err = site.enforcer(two_rules()).expect_err("not a dir");
    assert!(
        err.to_string().ends_with("notadir: is not a directory"),
        "{err}"
    );
}

#[test]
fn a_renamed_rule_keeps_the_override_of_its_old_name() {
    let site = Site::new("[DEFAULT]\n");
    site.write("policy.yaml", "\"type:manage\": \"role:typeadmin\"\n");
    let e = site.enforcer(deprecated_defaults()).expect("enforcer");
    assert_eq!(
        e.effective_rule("type:create").expect("rules").as_deref(),
        Some("role:typeadmin")
    );
    // An override that just aliases the old name to the new rule changes nothing.
    site.write("policy.yaml", "\"type:manage\": \"rule:type:create\"\n");
    let e = site.enforcer(deprecated_defaults()).expect("enforcer");
    assert_eq!(
        e.effective_rule("type:create").expect("rules").as_deref(),
        Some("role:admin")
    );
}

#[test]
fn rules_reload_when_the_file_changes_and_bad_edits_keep_the_last_good_rules() {
    let site = Site::new("[DEFAULT]\n");
    site.write("policy.yaml", "\"volume:create\": \"role:a\"\n");
    let e = site.enforcer(two_rules()).expect("enforcer");
    e.set_reload_interval(Duration::ZERO);
    let rule = || e.effective_rule("volume:create").expect("rules");
    assert_eq!(rule().as_deref(), Some("role:a"));

    site.write("policy.yaml", "\"volume:create\": \"role:bb\"\n");
    assert_eq!(rule().as_deref(), Some("role:bb"));

    site.write("policy.yaml", "\"volume:create\": \"role:bb and\"\n");
    assert_eq!(rule().as_deref(), Some("role:bb"), "bad edit ignored");

    std::fs::remove_file(site.path("policy.yaml")).expect("rm");
    assert_eq!(
        rule().as_deref(),
        Some("role:member"),
        "back to the default"
    );

    site.write("policy.d/x.yaml", "\"volume:create\": \"role:d\"\n");
    assert_eq!(rule().as_deref(), Some("role:d"), "a new policy.d file");
}

#[test]
fn reload_checks_wait_for_the_interval() {
    let site = Site::new("[DEFAULT]\n");
    site.write("policy.yaml", "\"volume:create\": \"role:a\"\n");
    let e = site.enforcer(two_rules()).expect("enforcer");
    e.set_reload_interval(Duration::from_secs(3600));
    let _ = e.effective_rule("volume:create");
    site.write("policy.yaml", "\"volume:create\": \"role:bb\"\n");
    assert_eq!(
        e.effective_rule("volume:create").expect("rules").as_deref(),
        Some("role:a")
    );
}

#[test]
fn options_have_upstream_names_and_defaults() {
    let mut conf = openstack_config::ConfigOpts::new("cinder", "cinder-api", "1.0");
    register_opts(&mut conf).expect("register");
    conf.parse_args(&[]).expect("parse");
    let opts: PolicyOpts = conf.load().expect("load");
    assert_eq!(opts, PolicyOpts::default());
}
