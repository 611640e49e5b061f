//! paste's `get_context`: finds the section for a name (`find_config_section` and its
//! LookupError texts) and turns it into a context: the `[DEFAULT]` skipping rule, `set`/`get`,
//! `use` (a section, `config:`, `egg:`, `call:`), `[pipeline:]`, `[filter-app:]`,
//! `filter-with` and protocol keys, with each factory spec looked up in the registry.

use std::path::Path;
use std::rc::Rc;

use super::{Conf, Loader};
use crate::paste::error::PasteError;
use crate::paste::parse::{py_repr, PasteFile};
use crate::paste::registry::{self, Factory, Produces, Spec};

/// Section prefixes tried for an application, grouped as paste does (within a group only the
/// first spelling with a hit counts).
const APP_PREFIXES: &[&[&str]] = &[
    &["app", "application"],
    &["composite", "composit"],
    &["pipeline"],
    &["filter-app"],
];
const FILTER_PREFIXES: &[&[&str]] = &[&["filter"]];
const APP_PROTOCOLS: &[&[&str]] = &[
    &["paste.app_factory"],
    &["paste.composite_factory", "paste.composit_factory"],
];
const FILTER_PROTOCOLS: &[&[&str]] = &[&["paste.filter_factory"], &["paste.filter_app_factory"]];

/// What the caller wants a name to become.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Wanted {
    App,
    Filter,
}

impl Wanted {
    fn prefixes(self) -> &'static [&'static [&'static str]] {
        match self {
            Wanted::App => APP_PREFIXES,
            Wanted::Filter => FILTER_PREFIXES,
        }
    }

    fn produces(self) -> Produces {
        match self {
            Wanted::App => Produces::App,
            Wanted::Filter => Produces::Filter,
        }
    }
}

/// A resolved section, ready to build.
pub(super) struct Context {
    pub(super) file: Rc<PasteFile>,
    /// The file whose loader a composite factory receives (the using file after `use`).
    pub(super) loader_file: Rc<PasteFile>,
    pub(super) section: String,
    pub(super) global_conf: Conf,
    pub(super) local_conf: Conf,
    pub(super) kind: Kind,
}

pub(super) enum Kind {
    Factory {
        spec: String,
        factory: Factory,
    },
    Pipeline {
        filters: Vec<Context>,
        app: Box<Context>,
    },
    FilterApp {
        filter: Box<Context>,
        next: Box<Context>,
    },
    FilterWith {
        filter: Box<Context>,
        next: Box<Context>,
    },
}

impl<'a> Loader<'a> {
    // ---- resolution (paste's get_context) -------------------------------------------

    /// A name is either a URI (`config:`, `egg:`, `call:`) or a section of this file.
    pub(super) fn context(
        &self,
        wanted: Wanted,
        name: &str,
        global_conf: Option<&Conf>,
    ) -> Result<Context, PasteError> {
        if has_scheme(name) {
            return self.uri_context(wanted, name, global_conf, None);
        }
        let section = self.find_section(wanted, name)?;
        self.enter(&section, |this| {
            this.section_context(wanted, &section, global_conf)
        })
    }

    /// `find_config_section`, with paste's two LookupError texts.
    fn find_section(&self, wanted: Wanted, name: &str) -> Result<String, PasteError> {
        let sections: Vec<&str> = self.file.sections().collect();
        let mut possible = Vec::new();
        for group in wanted.prefixes() {
            for prefix in *group {
                let found = find_sections(&sections, prefix, name);
                if !found.is_empty() {
                    possible.extend(found);
                    break;
                }
            }
        }
        let prefixes = wanted
            .prefixes()
            .iter()
            .flat_map(|g| g.iter())
            .map(|p| py_repr(p))
            .collect::<Vec<_>>()
            .join(" or ");
        let shown = if name.is_empty() {
            "None".to_string()
        } else {
            py_repr(name)
        };
        match possible.as_slice() {
            [one] => Ok(one.to_string()),
            [] => Err(self.lookup_error(
                None,
                format!(
                    "No section {shown} (prefixed by {prefixes}) found in config {}",
                    self.file.path().display()
                ),
            )),
            many => Err(self.lookup_error(
                None,
                format!(
                    "Ambiguous section names [{}] for section {shown} (prefixed by {prefixes}) \
                     found in config {}",
                    many.iter()
                        .map(|s| py_repr(s))
                        .collect::<Vec<_>>()
                        .join(", "),
                    self.file.path().display()
                ),
            )),
        }
    }

    /// `ConfigLoader.get_context` for a found section.
    fn section_context(
        &self,
        wanted: Wanted,
        section: &str,
        caller_global: Option<&Conf>,
    ) -> Result<Context, PasteError> {
        let file = &self.file;
        let mut global_conf = file.defaults()?;
        if let Some(extra) = caller_global {
            global_conf.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let mut local_conf = Conf::new();
        let mut additions = Conf::new();
        let mut gets = Vec::new();
        for key in file.options(section) {
            if let Some(var) = key.strip_prefix("set ") {
                let value = file.get(section, key)?;
                additions.insert(var.trim().to_string(), value.clone());
                global_conf.insert(var.trim().to_string(), value);
            } else if let Some(var) = key.strip_prefix("get ") {
                gets.push((var.trim().to_string(), file.get(section, key)?));
            } else if file.is_default_key(key) {
                // A [DEFAULT] key cannot be overridden locally; the factory sees it only
                // through global_conf.
                continue;
            } else {
                local_conf.insert(key.to_string(), file.get(section, key)?);
            }
        }
        for (local, global) in gets {
            let Some(value) = global_conf.get(&global) else {
                return Err(self.lookup_error(
                    Some(section),
                    format!(
                        "The [{section}] section in {} gets {} from the global configuration, \
                         which does not define it",
                        file.path().display(),
                        py_repr(&global)
                    ),
                ));
            };
            local_conf.insert(local, value.clone());
        }
        let filter_with = local_conf.remove("filter-with");
        if let Some(require) = local_conf.remove("require") {
            tracing::debug!(
                section,
                require,
                "ignoring paste 'require' (no Python distributions)"
            );
        }
        let ctx = if section.starts_with("filter-app:") {
            self.filter_app_context(section, global_conf.clone(), local_conf, &additions)?
        } else if section.starts_with("pipeline:") {
            self.pipeline_context(section, global_conf.clone(), local_conf)?
        } else if local_conf.contains_key("use") {
            self.use_context(wanted, section, global_conf.clone(), local_conf, &additions)?
        } else {
            self.explicit_context(wanted, section, global_conf.clone(), local_conf)?
        };
        let Some(filter_with) = filter_with else {
            return Ok(ctx);
        };
        let filter = self.context(Wanted::Filter, &filter_with, Some(&global_conf))?;
        Ok(Context {
            file: Rc::clone(&self.file),
            loader_file: Rc::clone(&self.file),
            section: section.to_string(),
            global_conf,
            local_conf: Conf::new(),
            kind: Kind::FilterWith {
                filter: Box::new(filter),
                next: Box::new(ctx),
            },
        })
    }

    fn pipeline_context(
        &self,
        section: &str,
        global_conf: Conf,
        mut local_conf: Conf,
    ) -> Result<Context, PasteError> {
        let path = self.file.path().display();
        let Some(pipeline) = local_conf.remove("pipeline") else {
            return Err(self.lookup_error(
                Some(section),
                format!("The [{section}] section in {path} is missing a 'pipeline' setting"),
            ));
        };
        if !local_conf.is_empty() {
            let keys: Vec<&str> = local_conf.keys().map(String::as_str).collect();
            return Err(self.lookup_error(
                Some(section),
                format!(
                    "The [{section}] pipeline section in {path} has extra (disallowed) \
                     settings: {}",
                    keys.join(", ")
                ),
            ));
        }
        let names: Vec<&str> = pipeline.split_whitespace().collect();
        let Some((app_name, filter_names)) = names.split_last() else {
            return Err(self.lookup_error(
                Some(section),
                format!("The [{section}] section in {path} has an empty 'pipeline' setting"),
            ));
        };
        let app = self.context(Wanted::App, app_name, Some(&global_conf))?;
        let filters = filter_names
            .iter()
            .map(|name| self.context(Wanted::Filter, name, Some(&global_conf)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.composed(
            section,
            global_conf,
            Kind::Pipeline {
                filters,
                app: Box::new(app),
            },
        ))
    }

    fn filter_app_context(
        &self,
        section: &str,
        global_conf: Conf,
        mut local_conf: Conf,
        additions: &Conf,
    ) -> Result<Context, PasteError> {
        let Some(next) = local_conf.remove("next") else {
            return Err(self.lookup_error(
                Some(section),
                format!(
                    "The [{section}] section in {} is missing a 'next' setting",
                    self.file.path().display()
                ),
            ));
        };
        let next = self.context(Wanted::App, &next, Some(&global_conf))?;
        let filter = if local_conf.contains_key("use") {
            self.use_context(
                Wanted::Filter,
                section,
                global_conf.clone(),
                local_conf,
                additions,
            )?
        } else {
            self.explicit_context(Wanted::Filter, section, global_conf.clone(), local_conf)?
        };
        Ok(self.composed(
            section,
            global_conf,
            Kind::FilterApp {
                filter: Box::new(filter),
                next: Box::new(next),
            },
        ))
    }

    fn composed(&self, section: &str, global_conf: Conf, kind: Kind) -> Context {
        Context {
            file: Rc::clone(&self.file),
            loader_file: Rc::clone(&self.file),
            section: section.to_string(),
            global_conf,
            local_conf: Conf::new(),
            kind,
        }
    }

    /// `use = <name|config:|egg:|call:>`: the used context, with this section's remaining
    /// keys laid over its local_conf and the `set` additions over its global_conf.
    fn use_context(
        &self,
        wanted: Wanted,
        section: &str,
        global_conf: Conf,
        mut local_conf: Conf,
        additions: &Conf,
    ) -> Result<Context, PasteError> {
        let use_name = local_conf.remove("use").unwrap_or_default();
        let mut ctx = if has_scheme(&use_name) {
            self.uri_context(wanted, &use_name, Some(&global_conf), Some(section))?
        } else {
            self.context(wanted, &use_name, Some(&global_conf))?
        };
        let target = ctx.innermost_mut();
        target
            .global_conf
            .extend(additions.iter().map(|(k, v)| (k.clone(), v.clone())));
        target.local_conf.extend(local_conf);
        if let Some(file) = global_conf.get("__file__") {
            target.global_conf.insert("__file__".into(), file.clone());
        }
        // Errors of the factory name the section the operator wrote, and a composite gets
        // this file's loader (paste sets `context.loader = self`).
        ctx.file = Rc::clone(&self.file);
        ctx.loader_file = Rc::clone(&self.file);
        ctx.section = section.to_string();
        Ok(ctx)
    }

    /// A section naming its factory with a protocol key (`paste.app_factory = mod:obj`).
    fn explicit_context(
        &self,
        wanted: Wanted,
        section: &str,
        global_conf: Conf,
        mut local_conf: Conf,
    ) -> Result<Context, PasteError> {
        let groups = match wanted {
            Wanted::App => APP_PROTOCOLS,
            Wanted::Filter => FILTER_PROTOCOLS,
        };
        let mut possible: Vec<(&str, String)> = Vec::new();
        for group in groups {
            if let Some((protocol, value)) = group
                .iter()
                .find_map(|p| local_conf.get(*p).map(|v| (*p, v.clone())))
            {
                possible.push((protocol, value));
            }
        }
        let (protocol, expr) = match possible.len() {
            1 => possible.remove(0),
            0 => {
                return Err(self.lookup_error(
                    Some(section),
                    format!("No loader given in section {}", py_repr(section)),
                ))
            }
            _ => {
                let listed: Vec<String> = possible
                    .iter()
                    .map(|(p, v)| format!("({}, {})", py_repr(p), py_repr(v)))
                    .collect();
                return Err(self.lookup_error(
                    Some(section),
                    format!(
                        "Multiple protocols given in section {}: [{}]",
                        py_repr(section),
                        listed.join(", ")
                    ),
                ));
            }
        };
        local_conf.remove(protocol);
        let spec = Spec::Import(expr.trim().to_string());
        self.factory_context(wanted, section, &expr, spec, global_conf, local_conf)
    }

    /// `loadcontext(uri)`: `config:<path>[#name]`, `egg:<dist>[#entry]`, `call:<mod>:<obj>`.
    /// `section` is the section whose `use` names the URI (for messages).
    fn uri_context(
        &self,
        wanted: Wanted,
        uri: &str,
        global_conf: Option<&Conf>,
        section: Option<&str>,
    ) -> Result<Context, PasteError> {
        let (target, name) = match uri.split_once('#') {
            Some((t, n)) => (t, Some(n)),
            None => (uri, None),
        };
        let Some((scheme, path)) = target.split_once(':') else {
            return Err(
                self.lookup_error(section, format!("URI has no scheme: {}", py_repr(target)))
            );
        };
        let section_name = section.unwrap_or("");
        let global_conf = global_conf.cloned().unwrap_or_default();
        match scheme.to_ascii_lowercase().as_str() {
            "config" => {
                let here = self.file.path().parent().unwrap_or(Path::new("/"));
                let other = self.shared.file(&here.join(path))?;
                let loader = self.with_file(other);
                loader.context(wanted, name.unwrap_or(""), Some(&global_conf))
            }
            "egg" => {
                let dist = if path.eq_ignore_ascii_case("paste") {
                    "Paste".to_string()
                } else {
                    path.to_string()
                };
                let entry = name.unwrap_or("main").to_string();
                let spec = Spec::Egg { dist, entry };
                self.factory_context(wanted, section_name, uri, spec, global_conf, Conf::new())
            }
            "call" => {
                let spec = Spec::Import(path.trim().to_string());
                self.factory_context(wanted, section_name, uri, spec, global_conf, Conf::new())
            }
            other => Err(self.lookup_error(
                section,
                format!(
                    "URI scheme not known: {} (from config, egg, call)",
                    py_repr(other)
                ),
            )),
        }
    }

    /// Looks `spec` up in the registry and checks it produces what is wanted.
    fn factory_context(
        &self,
        wanted: Wanted,
        section: &str,
        written: &str,
        spec: Spec,
        global_conf: Conf,
        local_conf: Conf,
    ) -> Result<Context, PasteError> {
        let Some(factory) = registry::lookup(&spec, self.shared.apps) else {
            return Err(PasteError::UnknownFactory {
                file: self.file.path().to_path_buf(),
                section: section.to_string(),
                spec: written.to_string(),
                known: registry::known_specs(self.shared.apps),
            });
        };
        if factory.produces() != wanted.produces() {
            let (is, needed) = match wanted {
                Wanted::App => ("a filter", "an application"),
                Wanted::Filter => ("an application", "a filter"),
            };
            return Err(self.lookup_error(
                Some(section),
                format!(
                    "Factory {} in section [{section}] of {} builds {is}, but {needed} is \
                     needed here",
                    py_repr(written),
                    self.file.path().display()
                ),
            ));
        }
        Ok(Context {
            file: Rc::clone(&self.file),
            loader_file: Rc::clone(&self.file),
            section: section.to_string(),
            global_conf,
            local_conf,
            kind: Kind::Factory {
                spec: written.to_string(),
                factory,
            },
        })
    }
}

impl Context {
    /// The context whose factory receives the conf (through `filter-with` wrappers).
    fn innermost_mut(&mut self) -> &mut Context {
        match self.kind {
            Kind::FilterWith { ref mut next, .. } => next.innermost_mut(),
            _ => self,
        }
    }

    pub(super) fn describe(&self, depth: usize, out: &mut String) {
        let indent = "  ".repeat(depth);
        match &self.kind {
            Kind::Factory { spec, factory } => {
                out.push_str(&format!("{indent}[{}] {spec} {factory:?}", self.section));
                if !self.local_conf.is_empty() {
                    let keys: Vec<String> = self
                        .local_conf
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    out.push_str(&format!(" {{{}}}", keys.join(", ")));
                }
                out.push('\n');
            }
            Kind::Pipeline { filters, app } => {
                out.push_str(&format!("{indent}[{}]\n", self.section));
                for f in filters {
                    f.describe(depth + 1, out);
                }
                app.describe(depth + 1, out);
            }
            Kind::FilterApp { filter, next } | Kind::FilterWith { filter, next } => {
                out.push_str(&format!("{indent}[{}]\n", self.section));
                filter.describe(depth + 1, out);
                next.describe(depth + 1, out);
            }
        }
    }
}

/// `_find_sections`: `<prefix>:<name>` (spaces after the colon ignored); a bare `[<prefix>]`
/// only when no name was given, which means `main`.
fn find_sections<'s>(sections: &[&'s str], prefix: &str, name: &str) -> Vec<&'s str> {
    let mut found = Vec::new();
    let name = if name.is_empty() {
        if sections.contains(&prefix) {
            found.extend(sections.iter().find(|s| **s == prefix));
        }
        "main"
    } else {
        name
    };
    for section in sections {
        if let Some(rest) = section
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix(':'))
        {
            if rest.trim() == name {
                found.push(*section);
            }
        }
    }
    found
}

/// paste's `absloader_re`: `^[a-zA-Z]+:`.
fn has_scheme(name: &str) -> bool {
    match name.split_once(':') {
        Some((scheme, _)) => !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphabetic()),
        None => false,
    }
}
