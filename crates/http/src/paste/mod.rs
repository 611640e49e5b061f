//! The paste.deploy-compatible loader: reads an unmodified upstream `api-paste.ini` and
//! builds the tower stack it describes, replacing `paste.deploy.loadapp` and
//! `oslo_service.wsgi.Loader`. Section lookup, `use`, pipelines, `filter-app`,
//! `filter-with`, `set`/`get` and the `[DEFAULT]` rules follow paste.deploy
//! (shared/reference/paste.md §2-§3); Python factory paths map to built-ins through one
//! registry (`registry.rs`); the urlmap and "pipeline_factory" composites are built in
//! (`urlmap.rs`, `pipeline_factory.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openstack_config::ConfigOpts;

use crate::{Filter, HttpService};

mod build;
mod error;
mod parse;
mod pipeline_factory;
mod registry;
#[cfg(test)]
mod tests;
mod urlmap;

pub use build::Loader;
pub use error::PasteError;
pub use parse::{Entry, PasteFile, Section};
pub use registry::{Composite, Factory, Produces, Spec, StandardApp, StandardFilter};

/// What a factory receives: `global_conf` (`[DEFAULT]` of the paste file plus `here` and
/// `__file__`, plus `set` additions), the section's `local_conf` (all strings, the factory
/// parses them), where the section came from, and the service's configuration.
#[derive(Clone, Copy)]
pub struct FactoryArgs<'a> {
    pub conf: &'a ConfigOpts,
    pub global_conf: &'a BTreeMap<String, String>,
    pub local_conf: &'a BTreeMap<String, String>,
    pub file: &'a Path,
    pub section: &'a str,
}

impl FactoryArgs<'_> {
    /// A local key, else the global one: how oslo.middleware's `ConfigurableMiddleware`
    /// sees its options (`global_conf` updated with `local_conf`).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.local_conf
            .get(key)
            .or_else(|| self.global_conf.get(key))
            .map(String::as_str)
    }

    /// `global_conf` updated with `local_conf`.
    pub fn merged(&self) -> BTreeMap<String, String> {
        let mut all = self.global_conf.clone();
        all.extend(self.local_conf.iter().map(|(k, v)| (k.clone(), v.clone())));
        all
    }

    /// A factory error naming this section and file.
    pub fn error(&self, message: impl Into<String>) -> PasteError {
        PasteError::Factory {
            file: self.file.to_path_buf(),
            section: self.section.to_string(),
            message: message.into(),
        }
    }
}

/// An app factory of a service crate (`cinder.api.v3.router:APIRouter.factory`).
pub type AppFactory = fn(&FactoryArgs) -> Result<HttpService, PasteError>;
/// A filter factory of a service crate (a project-specific filter the standard registry
/// lacks, e.g. nova's `request_log` once nova exists).
pub type FilterFactory = fn(&FactoryArgs) -> Result<Filter, PasteError>;

/// The apps a service adds to the standard registry, by their upstream Python paths
/// (`module.path:object.attr`, as written after `paste.app_factory =` or `call:`).
pub trait AppFactories: Send + Sync {
    fn app(&self, spec: &str) -> Option<AppFactory>;
    /// Every spec `app` (and `filter`) accepts, for the unknown-factory error.
    fn names(&self) -> Vec<&'static str>;
    /// Project-specific filters. A standard spec always wins, except one the registry only
    /// knows as "not supported yet", which a service may implement here.
    fn filter(&self, _spec: &str) -> Option<FilterFactory> {
        None
    }
}

/// No service apps: only the standard registry.
pub struct NoApps;

impl AppFactories for NoApps {
    fn app(&self, _spec: &str) -> Option<AppFactory> {
        None
    }
    fn names(&self) -> Vec<&'static str> {
        Vec::new()
    }
}

/// `loadapp("config:<paste_file>", name=name)`: builds the application `name` of the file.
pub fn load_app(
    conf: &ConfigOpts,
    paste_file: &Path,
    name: &str,
    apps: &dyn AppFactories,
) -> Result<HttpService, PasteError> {
    Loader::new(conf, paste_file, apps)?.get_app(name)
}

/// oslo.service's `Loader` path resolution: `configured` (the `api_paste_config` value)
/// relative → `conf.find_file`, absolute → used if it exists; else `ConfigNotFound`.
pub fn find_paste_config(conf: &ConfigOpts, configured: &str) -> Result<PathBuf, PasteError> {
    let path = Path::new(configured);
    let found = if path.is_absolute() {
        path.exists().then(|| path.to_path_buf())
    } else {
        conf.find_file(configured)
    };
    found
        .map(|p| std::path::absolute(&p).unwrap_or(p))
        .ok_or_else(|| PasteError::ConfigNotFound {
            path: configured.to_string(),
        })
}

/// oslo.service's `Loader.load_app`: like `load_app`, with a lookup failure wrapped as
/// `PasteAppNotFound` (`Could not load paste app '<name>' from <file>: <why>`).
pub fn load_paste_app(
    conf: &ConfigOpts,
    paste_file: &Path,
    name: &str,
    apps: &dyn AppFactories,
) -> Result<HttpService, PasteError> {
    load_app(conf, paste_file, name, apps).map_err(|e| match e {
        PasteError::Lookup { .. } => PasteError::AppNotFound {
            name: name.to_string(),
            file: std::path::absolute(paste_file).unwrap_or_else(|_| paste_file.to_path_buf()),
            source: Box::new(e),
        },
        other => other,
    })
}
