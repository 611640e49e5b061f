//! The enforcer — oslo.policy's `Enforcer`: registered defaults, overridden by the policy
//! file and the policy directories, deprecated rules folded in, rules reloaded when the
//! files change, and `authorize` / `enforce` against a request's credentials.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use openstack_config::ConfigOpts;

use super::check::{Check, Eval, RuleLookup};
use super::defaults::RuleDefault;
use super::error::{ParseError, PolicyError};
use super::file::{policy_dir_files, read_policy_file, FileRule, Stamp};
use super::parser::parse_rule;
use super::values::{Credentials, Target};
use super::PolicyOpts;
use crate::RequestContext;

type Locator = Arc<dyn Fn(&str) -> Option<PathBuf> + Send + Sync>;

/// Loads and enforces rules. Build it, register defaults, call [`Enforcer::load_rules`] at
/// start-up, then share it (`Arc<Enforcer>`): checks take `&self`.
pub struct Enforcer {
    opts: PolicyOpts,
    locate: Locator,
    registered: Vec<Registered>,
    index: HashMap<String, usize>,
    problems: Vec<Problem>,
    loaded: RwLock<Option<Arc<Loaded>>>,
    clock: Mutex<Clock>,
}

struct Registered {
    default: RuleDefault,
    check: Check,
    deprecated_check: Option<Check>,
}

/// A registration mistake, reported by `load_rules` (registration itself cannot fail, so
/// a service's `register_defaults` stays a plain list).
enum Problem {
    Duplicate(String),
    Invalid(String, ParseError),
}

/// The rules in force, and what the files looked like when they were read.
#[derive(Clone)]
struct Loaded {
    rules: HashMap<String, Check>,
    default_rule: String,
    stamps: Vec<Stamp>,
}

struct Clock {
    interval: Duration,
    last: Option<Instant>,
}

impl std::fmt::Debug for Enforcer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enforcer")
            .field("opts", &self.opts)
            .field("registered", &self.registered.len())
            .finish_non_exhaustive()
    }
}

impl RuleLookup for Loaded {
    /// oslo.policy's `Rules.__missing__`: an unknown name falls back to the default rule.
    fn rule(&self, name: &str) -> Option<&Check> {
        self.rules
            .get(name)
            .or_else(|| self.rules.get(&self.default_rule))
    }
}

impl Enforcer {
    /// An enforcer that looks for relative policy paths in the current directory.
    pub fn new(opts: PolicyOpts) -> Enforcer {
        Enforcer::with_locator(
            opts,
            Arc::new(|name: &str| {
                let p = Path::new(name);
                p.exists().then(|| p.to_path_buf())
            }),
        )
    }

    /// An enforcer configured by `[oslo_policy]` of `conf` (register it with
    /// [`register_opts`](super::register_opts) first). Relative policy paths are found with
    /// `ConfigOpts::find_file`, i.e. next to the configuration files, as upstream does.
    pub fn from_conf(conf: &ConfigOpts) -> Result<Enforcer, PolicyError> {
        let opts: PolicyOpts = conf.load()?;
        let conf = conf.clone();
        Ok(Enforcer::with_locator(
            opts,
            Arc::new(move |name: &str| {
                let p = Path::new(name);
                if p.is_absolute() {
                    p.exists().then(|| p.to_path_buf())
                } else {
                    conf.find_file(name)
                }
            }),
        ))
    }

    fn with_locator(opts: PolicyOpts, locate: Locator) -> Enforcer {
        Enforcer {
            opts,
            locate,
            registered: Vec::new(),
            index: HashMap::new(),
            problems: Vec::new(),
            loaded: RwLock::new(None),
            clock: Mutex::new(Clock {
                interval: Duration::from_secs(1),
                last: None,
            }),
        }
    }

    pub fn opts(&self) -> &PolicyOpts {
        &self.opts
    }

    /// How often the policy files are looked at for changes (zero: on every check).
    pub fn set_reload_interval(&self, interval: Duration) {
        self.clock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .interval = interval;
    }

    /// Registers a default (`Enforcer.register_default`). A duplicate name or a check string
    /// that does not parse is reported by the next [`Enforcer::load_rules`].
    pub fn register_default(&mut self, default: RuleDefault) {
        if self.index.contains_key(&default.name) {
            self.problems.push(Problem::Duplicate(default.name));
            return;
        }
        let check = match parse_rule(&default.check_str) {
            Ok(c) => c,
            Err(e) => {
                self.problems.push(Problem::Invalid(default.name, e));
                return;
            }
        };
        let deprecated_check = match &default.deprecated_rule {
            Some(d) => match parse_rule(&d.check_str) {
                Ok(c) => Some(c),
                Err(e) => {
                    self.problems.push(Problem::Invalid(d.name.clone(), e));
                    return;
                }
            },
            None => None,
        };
        self.index
            .insert(default.name.clone(), self.registered.len());
        self.registered.push(Registered {
            default,
            check,
            deprecated_check,
        });
        *self
            .loaded
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub fn register_defaults(&mut self, defaults: impl IntoIterator<Item = RuleDefault>) {
        for d in defaults {
            self.register_default(d);
        }
    }

    /// The registered defaults, in registration order.
    pub fn registered_rules(&self) -> impl Iterator<Item = &RuleDefault> {
        self.registered.iter().map(|r| &r.default)
    }

    /// Reads the policy files and builds the rules in force. Call at start-up: the error
    /// is the one line to print (a bad default, or a bad file naming the file and rule).
    pub fn load_rules(&self) -> Result<(), PolicyError> {
        let loaded = Arc::new(self.build()?);
        *self.loaded.write().unwrap_or_else(PoisonError::into_inner) = Some(loaded);
        Ok(())
    }

    /// oslo.policy's `authorize`: `rule` must be registered; the credentials are the
    /// context's. `Err(NotAuthorized)` when the rule (or its scope) says no.
    pub fn authorize(
        &self,
        rule: &str,
        target: &Target,
        ctx: &RequestContext,
    ) -> Result<(), PolicyError> {
        self.authorize_creds(rule, target, &Credentials::from_context(ctx))
    }

    /// [`Enforcer::authorize`] with credentials built by the caller.
    pub fn authorize_creds(
        &self,
        rule: &str,
        target: &Target,
        creds: &Credentials,
    ) -> Result<(), PolicyError> {
        if !self.index.contains_key(rule) {
            tracing::error!(rule, "Policy not registered");
            return Err(PolicyError::NotRegistered(rule.to_string()));
        }
        if self.enforce(rule, target, creds)? {
            Ok(())
        } else {
            Err(PolicyError::NotAuthorized {
                rule: rule.to_string(),
            })
        }
    }

    /// oslo.policy's `enforce`: any rule name (an unknown one falls back to the default
    /// rule, else is denied). `Err` only when the rules cannot be loaded at all.
    pub fn enforce(
        &self,
        rule: &str,
        target: &Target,
        creds: &Credentials,
    ) -> Result<bool, PolicyError> {
        let loaded = self.current()?;
        if let Some(reg) = self.index.get(rule).map(|&i| &self.registered[i]) {
            if !self.scope_allows(&reg.default, creds) {
                return Ok(false);
            }
        }
        let Some(check) = loaded.rule(rule) else {
            tracing::debug!(rule, "Rule does not exist");
            return Ok(false);
        };
        let allowed = check.evaluate(&Eval {
            rules: loaded.as_ref(),
            target,
            creds,
        });
        tracing::debug!(rule, allowed, "policy check");
        Ok(allowed)
    }

    /// Evaluates a check tree that is not a named rule (`enforce` with a `BaseCheck`).
    pub fn enforce_check(
        &self,
        check: &Check,
        target: &Target,
        creds: &Credentials,
    ) -> Result<bool, PolicyError> {
        let loaded = self.current()?;
        Ok(check.evaluate(&Eval {
            rules: loaded.as_ref(),
            target,
            creds,
        }))
    }

    /// cinder's `policy.check_is_admin`: the `context_is_admin` rule, with the caller's own
    /// credentials as the target. What a context's `is_admin` is when nothing set it.
    pub fn check_is_admin(&self, ctx: &RequestContext) -> bool {
        let creds = Credentials::from_context(ctx);
        let target = Target::from(creds.as_map().clone());
        match self.authorize_creds("context_is_admin", &target, &creds) {
            Ok(()) => true,
            Err(PolicyError::NotAuthorized { .. }) => false,
            Err(e) => {
                tracing::error!("cannot decide is_admin: {e}");
                false
            }
        }
    }

    /// The check in force for `name`, as oslo.policy prints it (`None`: no such rule).
    pub fn effective_rule(&self, name: &str) -> Result<Option<String>, PolicyError> {
        Ok(self.current()?.rules.get(name).map(|c| c.to_string()))
    }

    fn scope_allows(&self, default: &RuleDefault, creds: &Credentials) -> bool {
        let Some(scopes) = default.scope_types.as_ref().filter(|s| !s.is_empty()) else {
            return true;
        };
        let token_scope = creds.token_scope();
        if scopes.iter().any(|s| s == token_scope) {
            return true;
        }
        if self.opts.enforce_scope {
            tracing::debug!(
                "{} requires a scope of {scopes:?}, request was made with {token_scope} scope.",
                default.name
            );
            false
        } else {
            tracing::warn!(
                "Policy {} failed scope check. The token used to make the request was \
                 {token_scope} scoped but the policy requires {scopes:?} scope.",
                default.name
            );
            true
        }
    }

    /// The rules in force, loading them the first time and re-reading the files when they
    /// changed. A file that turned bad is logged once and the last good rules are kept.
    fn current(&self) -> Result<Arc<Loaded>, PolicyError> {
        let existing = self
            .loaded
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(loaded) = existing else {
            let loaded = Arc::new(self.build()?);
            *self.loaded.write().unwrap_or_else(PoisonError::into_inner) = Some(loaded.clone());
            return Ok(loaded);
        };
        if !self.due_for_check() {
            return Ok(loaded);
        }
        let stamps = match self.discover() {
            Ok((_, files)) => files.iter().map(|f| Stamp::of(f)).collect::<Vec<_>>(),
            Err(_) => Vec::new(),
        };
        if stamps == loaded.stamps {
            return Ok(loaded);
        }
        let next = match self.build() {
            Ok(fresh) => {
                tracing::info!("Reloaded policy rules");
                Arc::new(fresh)
            }
            Err(e) => {
                tracing::error!("{e}; keeping the previous policy rules");
                let mut kept = (*loaded).clone();
                kept.stamps = stamps;
                Arc::new(kept)
            }
        };
        *self.loaded.write().unwrap_or_else(PoisonError::into_inner) = Some(next.clone());
        Ok(next)
    }

    fn due_for_check(&self) -> bool {
        let mut clock = self.clock.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        match clock.last {
            Some(last) if now.duration_since(last) < clock.interval => false,
            _ => {
                clock.last = Some(now);
                true
            }
        }
    }

    /// The policy file (if found) and the files of every policy directory found, in the
    /// order they apply.
    fn discover(&self) -> Result<(Option<PathBuf>, Vec<PathBuf>), PolicyError> {
        let main = (self.locate)(&self.opts.policy_file);
        let mut files: Vec<PathBuf> = main.iter().cloned().collect();
        for dir in &self.opts.policy_dirs {
            if let Some(dir) = (self.locate)(dir) {
                files.extend(policy_dir_files(&dir)?);
            }
        }
        Ok((main, files))
    }

    fn build(&self) -> Result<Loaded, PolicyError> {
        if let Some(problem) = self.problems.first() {
            return Err(match problem {
                Problem::Duplicate(name) => PolicyError::Duplicate(name.clone()),
                Problem::Invalid(name, e) => PolicyError::InvalidDefault {
                    rule: name.clone(),
                    source: e.clone(),
                },
            });
        }
        let (main, files) = self.discover()?;
        if main.is_none() {
            tracing::debug!(
                "The policy file {} could not be found.",
                self.opts.policy_file
            );
        }
        let stamps = files.iter().map(|f| Stamp::of(f)).collect();
        let mut file_rules: HashMap<String, FileRule> = HashMap::new();
        for f in &files {
            for (name, rule) in read_policy_file(f)? {
                file_rules.insert(name, rule);
            }
            tracing::debug!("Loaded policy file: {}", f.display());
        }
        let mut rules: HashMap<String, Check> = file_rules
            .iter()
            .map(|(k, v)| (k.clone(), v.check.clone()))
            .collect();
        let mut or_ed = Vec::new();
        for reg in &self.registered {
            let d = &reg.default;
            if d.deprecated_for_removal && file_rules.contains_key(&d.name) {
                tracing::warn!(
                    "Policy \"{}\":\"{}\" was deprecated for removal in {}. Reason: {}. Its \
                     value may be silently ignored in the future.",
                    d.name,
                    d.check_str,
                    d.deprecated_since.as_deref().unwrap_or("?"),
                    d.deprecated_reason.as_deref().unwrap_or("?"),
                );
            }
            if rules.contains_key(&d.name) {
                continue;
            }
            let check = self.fold_deprecated(reg, &file_rules, &mut or_ed);
            rules.insert(d.name.clone(), check);
        }
        if !or_ed.is_empty() {
            tracing::warn!(
                "enforce_new_defaults is false: the deprecated check strings of {or_ed:?} are \
                 still accepted next to the new defaults."
            );
        }
        self.warn_about(&rules, &file_rules);
        Ok(Loaded {
            rules,
            default_rule: self.opts.policy_default_rule.clone(),
            stamps,
        })
    }

    /// oslo.policy's `_handle_deprecated_rule`.
    fn fold_deprecated(
        &self,
        reg: &Registered,
        file_rules: &HashMap<String, FileRule>,
        or_ed: &mut Vec<String>,
    ) -> Check {
        let d = &reg.default;
        let (Some(dep), Some(dep_check)) = (&d.deprecated_rule, &reg.deprecated_check) else {
            return reg.check.clone();
        };
        if dep.name != d.name {
            if let Some(old) = file_rules.get(&dep.name) {
                tracing::warn!(
                    "Policy \"{}\":\"{}\" was deprecated in {} in favor of \"{}\":\"{}\". \
                     Reason: {}. The override of \"{}\" in {} still applies; move it to the \
                     new name.",
                    dep.name,
                    dep.check_str,
                    dep.deprecated_since
                        .as_deref()
                        .or(d.deprecated_since.as_deref())
                        .unwrap_or("?"),
                    d.name,
                    d.check_str,
                    dep.deprecated_reason
                        .as_deref()
                        .or(d.deprecated_reason.as_deref())
                        .unwrap_or("?"),
                    dep.name,
                    old.path.display(),
                );
                let aliased_to_new = old.check.to_string() == format!("rule:{}", d.name);
                if old.check != *dep_check && !aliased_to_new && !file_rules.contains_key(&d.name) {
                    return old.check.clone();
                }
            }
        }
        if !self.opts.enforce_new_defaults
            && dep.check_str != d.check_str
            && !file_rules.contains_key(&d.name)
        {
            or_ed.push(d.name.clone());
            return Check::Or(vec![reg.check.clone(), dep_check.clone()]);
        }
        reg.check.clone()
    }

    /// oslo.policy's `check_rules` and redundant-override warnings: logged, never fatal.
    fn warn_about(&self, rules: &HashMap<String, Check>, file_rules: &HashMap<String, FileRule>) {
        let mut undefined: Vec<&str> = Vec::new();
        let mut cyclic: Vec<&str> = Vec::new();
        for (name, check) in rules {
            let mut refs = Vec::new();
            check.referenced_rules(&mut refs);
            if refs.iter().any(|r| !rules.contains_key(*r)) {
                undefined.push(name);
            }
            if reaches_cycle(rules, check) {
                cyclic.push(name);
            }
        }
        undefined.sort_unstable();
        cyclic.sort_unstable();
        if !undefined.is_empty() {
            tracing::warn!("Policies {undefined:?} reference a rule that is not defined.");
        }
        if !cyclic.is_empty() {
            tracing::warn!("Policies {cyclic:?} are part of a cyclical reference.");
        }
        let mut redundant: Vec<&str> = file_rules
            .iter()
            .filter(|(name, f)| {
                self.index
                    .get(*name)
                    .is_some_and(|&i| self.registered[i].check.to_string() == f.check.to_string())
            })
            .map(|(name, _)| name.as_str())
            .collect();
        redundant.sort_unstable();
        if !redundant.is_empty() {
            tracing::warn!(
                "Policy Rules {redundant:?} specified in policy files are the same as the \
                 defaults provided by the service. You can remove these rules from policy files."
            );
        }
    }
}

/// Whether following `rule:` references from `check` ever comes back to a rule already on
/// the path (upstream's `_cycle_check`).
fn reaches_cycle(rules: &HashMap<String, Check>, check: &Check) -> bool {
    fn walk<'a>(
        rules: &'a HashMap<String, Check>,
        check: &'a Check,
        path: &mut Vec<&'a str>,
        clean: &mut HashSet<&'a str>,
    ) -> bool {
        let mut refs = Vec::new();
        check.referenced_rules(&mut refs);
        for name in refs {
            if path.contains(&name) {
                return true;
            }
            if clean.contains(name) {
                continue;
            }
            if let Some(next) = rules.get(name) {
                path.push(name);
                let found = walk(rules, next, path, clean);
                path.pop();
                if found {
                    return true;
                }
            }
            clean.insert(name);
        }
        false
    }
    walk(rules, check, &mut Vec::new(), &mut HashSet::new())
}
