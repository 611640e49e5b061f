//! The "pipeline_factory" composites (shared/reference/paste.md §5): a section whose keys
//! are auth strategies and whose values are pipelines; the key chosen by configuration is
//! built exactly like a `[pipeline:]` (first filter outermost). Replaces
//! `cinder.api.middleware.auth:pipeline_factory` (`auth_strategy`, `<strategy>_nolimit` when
//! `api_rate_limit` is false), `neutron.auth:pipeline_factory` (`auth_strategy`) and
//! `nova.api.auth:pipeline_factory_v21` (always `keystone`).

use openstack_config::{ConfigOpts, FromValue};

use super::registry::Composite;
use super::{FactoryArgs, Loader, PasteError};
use crate::HttpService;

pub(super) fn build(
    kind: Composite,
    loader: &Loader,
    args: &FactoryArgs,
) -> Result<HttpService, PasteError> {
    let key = pipeline_key(kind, args)?;
    let Some(pipeline) = args.local_conf.get(&key) else {
        let keys: Vec<&str> = args.local_conf.keys().map(String::as_str).collect();
        return Err(args.error(format!(
            "no pipeline for auth_strategy '{key}': the section has no key '{key}' \
             (it has: {})",
            keys.join(", ")
        )));
    };
    let names: Vec<&str> = pipeline.split_whitespace().collect();
    let Some((app_name, filter_names)) = names.split_last() else {
        return Err(args.error(format!("the pipeline '{key}' is empty")));
    };
    // Upstream builds the filters first, then the app.
    let filters = filter_names
        .iter()
        .map(|name| loader.get_filter(name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut app = loader.get_app(app_name)?;
    for filter in filters.iter().rev() {
        app = filter(app);
    }
    Ok(app)
}

/// The local key the configuration selects.
fn pipeline_key(kind: Composite, args: &FactoryArgs) -> Result<String, PasteError> {
    match kind {
        Composite::CinderPipeline => {
            let strategy: String = option(args, "auth_strategy", "keystone".to_string())?;
            if !args.local_conf.contains_key(&strategy) {
                return Ok(strategy);
            }
            let rate_limit: bool = option(args, "api_rate_limit", true)?;
            let nolimit = format!("{strategy}_nolimit");
            if !rate_limit && args.local_conf.contains_key(&nolimit) {
                Ok(nolimit)
            } else {
                Ok(strategy)
            }
        }
        Composite::NeutronPipeline => option(args, "auth_strategy", "keystone".to_string()),
        Composite::NovaPipelineV21 => Ok("keystone".to_string()),
        Composite::Urlmap | Composite::CinderRoot | Composite::NovaUrlmap => {
            Err(args.error(format!("{kind:?} is not a pipeline_factory")))
        }
    }
}

/// A `[DEFAULT]` option the service registers (cinder/common/config.py, neutron/conf);
/// when this binary did not register it, the raw file value, else upstream's default.
fn option<T: FromValue + FromRaw>(
    args: &FactoryArgs,
    name: &str,
    default: T,
) -> Result<T, PasteError> {
    let conf: &ConfigOpts = args.conf;
    if conf.is_registered("DEFAULT", name) {
        return conf
            .get_as::<T>("DEFAULT", name)
            .map_err(|e| args.error(e.to_string()));
    }
    match conf.raw_value("DEFAULT", name) {
        Some(raw) => T::from_raw(&raw).ok_or_else(|| {
            args.error(format!(
                "invalid value '{raw}' for option {name} in [DEFAULT]"
            ))
        }),
        None => Ok(default),
    }
}

/// Reading an unregistered option's raw text with oslo's rules.
trait FromRaw: Sized {
    fn from_raw(raw: &str) -> Option<Self>;
}

impl FromRaw for String {
    fn from_raw(raw: &str) -> Option<String> {
        Some(raw.trim().to_string())
    }
}

impl FromRaw for bool {
    fn from_raw(raw: &str) -> Option<bool> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "on" | "yes" => Some(true),
            "false" | "0" | "off" | "no" => Some(false),
            _ => None,
        }
    }
}
