//! cinder's defaults for the personas of the policy matrix, overrides, and the sample file.

use std::collections::HashSet;

use openstack_service::policy::{Enforcer, PolicyOpts, Target};
use openstack_service::RequestContext;

use super::*;

fn no_files() -> PolicyOpts {
    PolicyOpts {
        policy_file: "/nonexistent/policy.yaml".into(),
        policy_dirs: vec![],
        ..PolicyOpts::default()
    }
}

fn cinder_enforcer(opts: PolicyOpts) -> Enforcer {
    let mut e = Enforcer::new(opts);
    register_defaults(&mut e);
    e.load_rules().expect("cinder's defaults load");
    e
}

/// A keystone context; `is_admin` decided by `context_is_admin`, as cinder does.
fn persona(e: &Enforcer, project: &str, roles: &[&str]) -> RequestContext {
    let mut ctx = RequestContext::new("req-test");
    ctx.user_id = Some(format!("user-of-{project}"));
    ctx.project_id = Some(project.to_string());
    ctx.roles = roles.iter().map(|r| r.to_string()).collect();
    ctx.is_admin = e.check_is_admin(&ctx);
    ctx
}

/// A resource owned by project p1.
fn p1_resource() -> Target {
    Target::new()
        .with("project_id", "p1")
        .with("user_id", "user-of-p1")
}

#[test]
fn every_default_registers_and_parses() {
    let rules = list_rules();
    let names: HashSet<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names.len(), rules.len(), "no duplicates");
    let e = cinder_enforcer(no_files());
    assert_eq!(e.registered_rules().count(), rules.len());
    for r in &rules {
        assert!(
            e.effective_rule(&r.name).expect("rules").is_some(),
            "{} in force",
            r.name
        );
    }
}

#[test]
fn base_rules_keep_upstream_check_strings() {
    let by_name = |n: &str| {
        list_rules()
            .into_iter()
            .find(|r| r.name == n)
            .unwrap_or_else(|| panic!("{n} registered"))
            .check_str
    };
    assert_eq!(by_name("context_is_admin"), "role:admin");
    assert_eq!(
        by_name("admin_api"),
        "is_admin:True or (role:admin and is_admin_project:True)"
    );
    assert_eq!(
        by_name("admin_or_owner"),
        "is_admin:True or (role:admin and is_admin_project:True) or project_id:%(project_id)s"
    );
    assert_eq!(
        by_name("system_or_domain_or_project_admin"),
        "(role:admin and system_scope:all) or (role:admin and domain_id:%(domain_id)s) or \
         (role:admin and project_id:%(project_id)s)"
    );
    assert_eq!(
        by_name("xena_system_admin_or_project_reader"),
        "(role:admin) or (role:reader and project_id:%(project_id)s)"
    );
    assert_eq!(
        by_name("xena_system_admin_or_project_member"),
        "(role:admin) or (role:member and project_id:%(project_id)s)"
    );
    assert_eq!(
        by_name("volume:create"),
        "rule:xena_system_admin_or_project_member"
    );
    assert_eq!(
        by_name("volume:get"),
        "rule:xena_system_admin_or_project_reader"
    );
    assert_eq!(
        by_name("volume_extension:volume_admin_actions:reset_status"),
        "rule:admin_api"
    );
}

#[test]
fn personas_on_representative_rules() {
    let e = cinder_enforcer(no_files());
    let admin = persona(&e, "p1", &["admin", "member", "reader"]);
    let other_admin = persona(&e, "p2", &["admin", "member", "reader"]);
    let member = persona(&e, "p1", &["member", "reader"]);
    let reader = persona(&e, "p1", &["reader"]);
    let other_member = persona(&e, "p2", &["member", "reader"]);
    assert!(admin.is_admin && other_admin.is_admin);
    assert!(!member.is_admin && !reader.is_admin && !other_member.is_admin);

    let t = p1_resource();
    let ok = |rule: &str, ctx: &RequestContext| e.authorize(rule, &t, ctx).is_ok();
    //                                                  admin other-admin member reader other-member
    let table: &[(&str, [bool; 5])] = &[
        (volumes::CREATE_POLICY, [true, true, true, false, false]),
        (volumes::GET_POLICY, [true, true, true, true, false]),
        (volumes::GET_ALL_POLICY, [true, true, true, true, false]),
        (volumes::DELETE_POLICY, [true, true, true, false, false]),
        (
            volume_actions::RESET_STATUS,
            [true, true, false, false, false],
        ),
        (quotas::SHOW_POLICY, [true, true, true, true, false]),
        (quotas::UPDATE_POLICY, [true, true, false, false, false]),
        (services::GET_ALL_POLICY, [true, true, false, false, false]),
        (
            volume_type::CREATE_POLICY,
            [true, true, false, false, false],
        ),
        (volume_type::GET_ALL_POLICY, [true, true, true, true, false]),
        (snapshots::CREATE_POLICY, [true, true, true, false, false]),
        (messages::DELETE_POLICY, [true, true, true, false, false]),
    ];
    for (rule, expected) in table {
        let got = [
            ok(rule, &admin),
            ok(rule, &other_admin),
            ok(rule, &member),
            ok(rule, &reader),
            ok(rule, &other_member),
        ];
        assert_eq!(&got, expected, "{rule}");
    }
    let err = e
        .authorize(volume_actions::RESET_STATUS, &t, &member)
        .expect_err("member cannot reset status");
    assert_eq!(
        err.to_string(),
        "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed."
    );
}

#[test]
fn an_admin_context_without_roles_passes_admin_api() {
    // noauth and cinder's elevated contexts: is_admin set, whatever the roles.
    let e = cinder_enforcer(no_files());
    let mut ctx = RequestContext::new("req-test");
    ctx.project_id = Some("p2".into());
    ctx.is_admin = true;
    assert!(e
        .authorize(services::GET_ALL_POLICY, &p1_resource(), &ctx)
        .is_ok());
    ctx.is_admin_project = false;
    ctx.roles = vec!["admin".into()];
    ctx.is_admin = false;
    assert!(
        e.authorize(services::GET_ALL_POLICY, &p1_resource(), &ctx)
            .is_err(),
        "role:admin outside the admin project is not admin_api"
    );
}

#[test]
fn old_defaults_come_back_without_enforce_new_defaults() {
    let e = cinder_enforcer(PolicyOpts {
        enforce_new_defaults: false,
        ..no_files()
    });
    // volume:create used to be open to anyone ("").
    let outsider = persona(&e, "p2", &[]);
    assert!(e
        .authorize(volumes::CREATE_POLICY, &p1_resource(), &outsider)
        .is_ok());
    // volume:get used to be admin_or_owner: any role in the owning project.
    let roleless_owner = persona(&e, "p1", &["custom"]);
    assert!(e
        .authorize(volumes::GET_POLICY, &p1_resource(), &roleless_owner)
        .is_ok());
    let new = cinder_enforcer(no_files());
    assert!(new
        .authorize(volumes::GET_POLICY, &p1_resource(), &roleless_owner)
        .is_err());
}

#[test]
fn policy_yaml_overrides_cinder_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf_file = dir.path().join("cinder.conf");
    std::fs::write(&conf_file, "[DEFAULT]\n").expect("write conf");
    std::fs::write(
        dir.path().join("policy.yaml"),
        "\"volume:get\": \"rule:admin_api\"\n\"volume_extension:quotas:update\": \"rule:xena_system_admin_or_project_member\"\n",
    )
    .expect("write policy");
    let mut conf = openstack_config::ConfigOpts::new("cinder", "cinder-api", "1.0");
    openstack_service::policy::register_opts(&mut conf).expect("register");
    conf.parse_args(&[
        "--config-file".to_string(),
        conf_file.to_string_lossy().into_owned(),
    ])
    .expect("parse");
    let e = enforcer(&conf).expect("enforcer");
    let reader = persona(&e, "p1", &["reader"]);
    let member = persona(&e, "p1", &["member"]);
    assert!(e
        .authorize(volumes::GET_POLICY, &p1_resource(), &reader)
        .is_err());
    assert!(e
        .authorize(quotas::UPDATE_POLICY, &p1_resource(), &member)
        .is_ok());
    assert!(e
        .authorize(volumes::CREATE_POLICY, &p1_resource(), &member)
        .is_ok());

    std::fs::write(dir.path().join("policy.yaml"), "\"volume:get\": \"rule:\n").expect("write");
    let err = enforcer(&conf).expect_err("bad file");
    assert!(
        err.to_string().starts_with(&format!(
            "Invalid policy file {}",
            dir.path().join("policy.yaml").display()
        )),
        "{err}"
    );
}

#[test]
fn the_sample_lists_every_default_commented_and_round_trips() {
    let text = sample_policy();
    for r in list_rules() {
        let line = format!("#\"{}\": \"{}\"\n", r.name, r.check_str);
        assert!(text.contains(&line), "{line}");
    }
    assert!(text.contains("# POST  /volumes\n"));
    assert!(text.contains("# DEPRECATED\n"));
    assert!(text
        .contains("# \"volume_extension:types_manage\": \"rule:volume_extension:type_create\"\n"));

    // Uncommenting every rule line gives a policy file equal to the defaults.
    let uncommented: String = text
        .lines()
        .filter_map(|l| l.strip_prefix("#\""))
        .map(|l| format!("\"{l}\n"))
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("policy.yaml");
    std::fs::write(&file, uncommented).expect("write");
    let from_file = cinder_enforcer(PolicyOpts {
        policy_file: file.to_string_lossy().into_owned(),
        policy_dirs: vec![],
        ..PolicyOpts::default()
    });
    let defaults = cinder_enforcer(no_files());
    for r in list_rules() {
        assert_eq!(
            from_file.effective_rule(&r.name).expect("rules"),
            defaults.effective_rule(&r.name).expect("rules"),
            "{}",
            r.name
        );
    }
}
