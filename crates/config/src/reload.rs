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
        format!("Ignoring change to immutable option {}.{}", self.group, self.name)
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
