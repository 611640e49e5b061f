//! SIGHUP support: oslo.config's `mutate_config_files` (only options declared `mutable`
//! take the new file values; changes to the others are reported and ignored) and
//! `reload_config_files` (all file values replaced). Both re-run discovery and parsing
//! with the same argv; on any error the previous state is kept.

use std::fmt;

use crate::conf::ConfigOpts;
use crate::error::ConfigError;
use crate::namespace::Namespace;
use crate::pyfmt::repr_list;

/// One option whose file/CLI value differs after a re-read. `old`/`new` are the raw
/// strings (`None` when unset; a multi-valued option shows as `['a', 'b']`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptChange {
    pub group: String,
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl fmt::Display for OptChange {
    /// oslo's log line: `Option DEFAULT.debug changed from [False] to [True]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Option {}.{} changed from [{}] to [{}]",
            self.group,
            self.name,
            self.old.as_deref().unwrap_or("None"),
            self.new.as_deref().unwrap_or("None")
        )
    }
}

impl OptChange {
    /// oslo's warning for a changed option that is not mutable.
    pub fn ignored_message(&self) -> String {
        format!(
            "Ignoring change to immutable option {}.{}",
            self.group, self.name
        )
    }
}

impl ConfigOpts {
    /// Re-reads the same files (same argv); options declared `mutable` now read the new
    /// values. Returns the changed mutable options (sorted, DEFAULT first). Changed
    /// immutable options keep their old values and are listed by
    /// `ignored_immutable_changes` (log each with `OptChange::ignored_message`). On error
    /// the previous state is kept and the error returned.
    pub fn mutate_config_files(&mut self) -> Result<Vec<OptChange>, ConfigError> {
        let fresh = self.build_namespace()?;
        let old_mutable = self.mutable_ns.as_ref().unwrap_or(&self.namespace);
        let mut changes = Vec::new();
        let mut ignored = Vec::new();
        for (group, opt) in self.all_opts() {
            let (old_ns, list) = if opt.mutable {
                (old_mutable, &mut changes)
            } else {
                (&self.namespace, &mut ignored)
            };
            let old = self.namespace_raw(group, opt, old_ns);
            let new = self.namespace_raw(group, opt, &fresh);
            if old != new {
                let render = |v: Option<Vec<String>>| {
                    v.map(|v| {
                        if opt.kind.is_multi() {
                            repr_list(&v)
                        } else {
                            v.last().cloned().unwrap_or_default()
                        }
                    })
                };
                list.push(OptChange {
                    group: group.to_string(),
                    name: opt.name.clone(),
                    old: render(old),
                    new: render(new),
                });
            }
        }
        let order = |c: &OptChange| (c.group != "DEFAULT", c.group.clone(), c.name.clone());
        changes.sort_by_key(order);
        ignored.sort_by_key(order);
        self.mutable_ns = Some(fresh);
        self.ignored_changes = ignored;
        Ok(changes)
    }

    /// Immutable options whose file value changed at the last `mutate_config_files`;
    /// they keep their start-up values.
    pub fn ignored_immutable_changes(&self) -> &[OptChange] {
        &self.ignored_changes
    }

    /// Re-reads the same files (same argv) and replaces every file value. On error
    /// (oslo logs it and returns `False`) the previous state is kept and the error
    /// returned.
    pub fn reload_config_files(&mut self) -> Result<(), ConfigError> {
        let fresh: Namespace = self.build_namespace()?;
        self.namespace = fresh;
        self.mutable_ns = None;
        self.ignored_changes.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::OptChange;
    use crate::conf::ConfigOpts;
    use crate::error::ConfigError;
    use crate::opt::Opt;
    use crate::test_support::{argv, conf, p, Files};
    use crate::value::Value;

    fn setup(files: &Files, content: &str) -> (ConfigOpts, std::path::PathBuf) {
        let f = files.write("c.conf", content);
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![
                Opt::int().named("mut").mutable(),
                Opt::int().named("imm"),
                Opt::bool().named("debug").short('d').mutable(),
            ],
        )
        .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        (c, f)
    }

    #[test]
    fn mutate_changes_only_mutable_options() {
        let files = Files::new();
        let (mut c, f) = setup(&files, "[DEFAULT]\nmut = 5\nimm = 5\n");
        std::fs::write(&f, "[DEFAULT]\nmut = 7\nimm = 7\n").expect("rewrite");
        let changes = c.mutate_config_files().expect("mutate");
        assert_eq!(
            changes,
            vec![OptChange {
                group: "DEFAULT".into(),
                name: "mut".into(),
                old: Some("5".into()),
                new: Some("7".into()),
            }]
        );
        assert_eq!(
            changes[0].to_string(),
            "Option DEFAULT.mut changed from [5] to [7]"
        );
        assert_eq!(c.get("DEFAULT", "mut"), Ok(Value::Int(7)));
        assert_eq!(c.get("DEFAULT", "imm"), Ok(Value::Int(5)));
        let ignored = c.ignored_immutable_changes();
        assert_eq!(ignored.len(), 1);
        assert_eq!(
            ignored[0].ignored_message(),
            "Ignoring change to immutable option DEFAULT.imm"
        );
        // A second mutate compares against the mutated state.
        std::fs::write(&f, "[DEFAULT]\nmut = 7\nimm = 8\ndebug = true\n").expect("rewrite");
        let changes = c.mutate_config_files().expect("mutate");
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].name, "debug");
        assert_eq!(changes[0].old, None);
        assert_eq!(
            changes[0].to_string(),
            "Option DEFAULT.debug changed from [None] to [true]"
        );
        assert_eq!(c.get("DEFAULT", "debug"), Ok(Value::Bool(true)));
        assert_eq!(c.get("DEFAULT", "imm"), Ok(Value::Int(5)));
    }

    #[test]
    fn mutate_keeps_old_state_on_parse_error() {
        let files = Files::new();
        let (mut c, f) = setup(&files, "[DEFAULT]\nmut = 5\n");
        std::fs::write(&f, "[DEFAULT]\nmut = 6\nbroken line\n").expect("rewrite");
        let e = c.mutate_config_files().expect_err("parse error");
        assert!(matches!(e, ConfigError::Parse { line: 3, .. }), "{e}");
        assert_eq!(c.get("DEFAULT", "mut"), Ok(Value::Int(5)));
    }

    #[test]
    fn reload_replaces_all_file_values_and_keeps_cli() {
        let files = Files::new();
        let f = files.write("c.conf", "[DEFAULT]\nimm = 1\ndebug = false\n");
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![Opt::int().named("imm"), Opt::bool().named("debug").cli()],
        )
        .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f), "--debug"]))
            .expect("parse");
        std::fs::write(&f, "[DEFAULT]\nimm = 2\ndebug = false\n").expect("rewrite");
        c.reload_config_files().expect("reload");
        assert_eq!(c.get("DEFAULT", "imm"), Ok(Value::Int(2)));
        assert_eq!(c.get("DEFAULT", "debug"), Ok(Value::Bool(true)));
        std::fs::remove_file(&f).expect("remove");
        let e = c.reload_config_files().expect_err("missing");
        assert!(matches!(e, ConfigError::FilesNotFound { .. }));
        assert_eq!(c.get("DEFAULT", "imm"), Ok(Value::Int(2)));
    }

    #[test]
    fn clones_are_independent() {
        let files = Files::new();
        let (mut c, f) = setup(&files, "[DEFAULT]\nmut = 5\n");
        let copy = c.clone();
        std::fs::write(&f, "[DEFAULT]\nmut = 9\n").expect("rewrite");
        c.mutate_config_files().expect("mutate");
        assert_eq!(c.get("DEFAULT", "mut"), Ok(Value::Int(9)));
        assert_eq!(copy.get("DEFAULT", "mut"), Ok(Value::Int(5)));
    }
}
