//! The standard filters named in upstream `api-paste.ini` files (oslo.middleware,
//! keystonemiddleware, cinder's, nova's and neutron's own), as tower services: one file per
//! filter, each with its options declared under the upstream group and names. [`build`] is
//! the paste loader's entry point for a `[filter:...]` section, [`healthcheck_app`] for
//! `oslo_middleware:Healthcheck.app_factory`, and [`register_opts`] registers every
//! filter's options on the service's `ConfigOpts` before it parses its files.
//!
//! Like oslo.middleware's `ConfigurableMiddleware`, a key of the paste section (or of the
//! paste file's `[DEFAULT]`) overrides the config-file option of the same name — e.g.
//! `max_request_body_size` under `[filter:sizelimit]`.

pub mod authtoken;
pub mod cors;
pub mod faultwrap;
pub mod healthcheck;
pub mod keystonecontext;
pub mod noauth;
pub mod osprofiler;
pub mod proxy;
pub mod request_id;
pub mod sizelimit;

use std::sync::Arc;

use openstack_config::{ConfigError, ConfigOpts, OptGroup};

use crate::fault::ErrorStyle;
use crate::paste::{FactoryArgs, PasteError, StandardFilter};
use crate::{Filter, HttpService};

use self::authtoken::{AuthTokenFilter, AuthTokenOpts, AuthTokenSettings, PasswordAuthOpts};
use self::cors::CorsOpts;
use self::healthcheck::HealthcheckOpts;
use self::keystonecontext::{ContextFlavor, ForwardedForOpts};
use self::noauth::NoAuthFlavor;
use self::osprofiler::ProfilerOpts;
use self::proxy::ProxyOpts;
use self::request_id::RequestIdFlavor;
use self::sizelimit::SizeLimitOpts;

/// Registers the options of every standard filter (`[oslo_middleware]`, `[cors]`,
/// `[healthcheck]`, `[profiler]`, `[keystone_authtoken]`, `[DEFAULT] use_forwarded_for`).
pub fn register_opts(conf: &mut ConfigOpts) -> Result<(), ConfigError> {
    conf.register::<SizeLimitOpts>()?;
    conf.register::<ProxyOpts>()?;
    conf.register::<CorsOpts>()?;
    conf.register::<HealthcheckOpts>()?;
    conf.register::<ProfilerOpts>()?;
    conf.register::<AuthTokenOpts>()?;
    conf.register::<PasswordAuthOpts>()?;
    conf.register::<ForwardedForOpts>()?;
    Ok(())
}

/// Builds the standard filter `kind` for the paste section described by `args`.
pub fn build(kind: StandardFilter, args: &FactoryArgs) -> Result<Filter, PasteError> {
    use StandardFilter as S;
    let filter: Filter = match kind {
        S::RequestId => wrap(|inner| request_id::request_id(inner, RequestIdFlavor::Oslo)),
        S::CinderRequestId => wrap(|inner| request_id::request_id(inner, RequestIdFlavor::Cinder)),
        S::ComputeRequestId => {
            wrap(|inner| request_id::request_id(inner, RequestIdFlavor::Compute))
        }
        S::Cors => {
            let merged = args.merged();
            if !merged.contains_key("allowed_origin") && !merged.contains_key("oslo_config_project")
            {
                return Err(args.error("allowed_origin or oslo_config_project is required"));
            }
            // Upstream reads `[cors]` from a private config object parsed from the
            // project's default config files; here it is the service's own configuration.
            let settings: cors::CorsSettings = load_opts::<CorsOpts>(args)?.into();
            wrap(move |inner| cors::cors(inner, settings.clone()))
        }
        S::HttpProxyToWsgi => {
            let enabled = load_opts::<ProxyOpts>(args)?.enable_proxy_headers_parsing;
            wrap(move |inner| proxy::http_proxy_to_wsgi(inner, enabled))
        }
        S::CinderFaultWrap => wrap(|inner| faultwrap::fault_wrap(inner, ErrorStyle::CinderFault)),
        S::NovaFaultWrap => wrap(|inner| faultwrap::fault_wrap(inner, ErrorStyle::NovaFault)),
        S::CatchErrors => wrap(|inner| faultwrap::fault_wrap(inner, ErrorStyle::Webob)),
        S::SizeLimit => {
            let max = load_opts::<SizeLimitOpts>(args)?.max_request_body_size;
            let max = u64::try_from(max).unwrap_or(0);
            wrap(move |inner| sizelimit::size_limit(inner, max))
        }
        S::OsProfiler => {
            let enabled = load_opts::<ProfilerOpts>(args)?.enabled;
            wrap(move |inner| osprofiler::osprofiler(inner, enabled))
        }
        S::AuthToken => {
            let built = AuthTokenFilter::new(&authtoken_settings(args)?)
                .map_err(|e| args.error(e.to_string()))?;
            wrap(move |inner| built.wrap(inner))
        }
        S::CinderKeystoneContext => context_filter(args, ContextFlavor::Cinder)?,
        S::NovaKeystoneContext => context_filter(args, ContextFlavor::Nova)?,
        S::NeutronKeystoneContext => context_filter(args, ContextFlavor::Neutron)?,
        S::CinderNoAuth => noauth_filter(args, NoAuthFlavor::Cinder)?,
        S::CinderNoAuthIncludeProjectId => {
            noauth_filter(args, NoAuthFlavor::CinderIncludeProjectId)?
        }
        S::NeutronNoAuthFakeProjectId => noauth_filter(args, NoAuthFlavor::NeutronFakeProjectId)?,
    };
    Ok(filter)
}

/// `oslo_middleware:Healthcheck.app_factory`.
pub fn healthcheck_app(args: &FactoryArgs) -> Result<HttpService, PasteError> {
    let settings: healthcheck::HealthcheckSettings = load_opts::<HealthcheckOpts>(args)?.into();
    healthcheck::healthcheck(&settings).map_err(|e| args.error(e.to_string()))
}

fn wrap(f: impl Fn(HttpService) -> HttpService + Send + Sync + 'static) -> Filter {
    Arc::new(f)
}

fn context_filter(args: &FactoryArgs, flavor: ContextFlavor) -> Result<Filter, PasteError> {
    let use_forwarded_for = use_forwarded_for(args, flavor)?;
    Ok(wrap(move |inner| {
        keystonecontext::keystone_context(inner, flavor, use_forwarded_for)
    }))
}

fn noauth_filter(args: &FactoryArgs, flavor: NoAuthFlavor) -> Result<Filter, PasteError> {
    let use_forwarded_for = use_forwarded_for(args, ContextFlavor::Cinder)?;
    Ok(wrap(move |inner| {
        noauth::no_auth(inner, flavor, use_forwarded_for)
    }))
}

/// cinder's `[DEFAULT] use_forwarded_for`; nova reads `[api] use_forwarded_for`.
fn use_forwarded_for(args: &FactoryArgs, flavor: ContextFlavor) -> Result<bool, PasteError> {
    match flavor {
        ContextFlavor::Nova => Ok(args
            .conf
            .get_as::<bool>("api", "use_forwarded_for")
            .ok()
            .or_else(|| {
                args.conf
                    .raw_value("api", "use_forwarded_for")
                    .map(|v| v.trim().eq_ignore_ascii_case("true"))
            })
            .unwrap_or(false)),
        _ => Ok(load_opts::<ForwardedForOpts>(args)?.use_forwarded_for),
    }
}

/// `[keystone_authtoken]` (plugin options from `auth_section` when set), paste keys first.
fn authtoken_settings(args: &FactoryArgs) -> Result<AuthTokenSettings, PasteError> {
    let opts = load_opts::<AuthTokenOpts>(args)?;
    let password = match opts.auth_section.as_deref().filter(|s| !s.is_empty()) {
        Some(section) => load_opts_in::<PasswordAuthOpts>(args, section)?,
        None => load_opts::<PasswordAuthOpts>(args)?,
    };
    Ok(AuthTokenSettings::from_opts(opts, password))
}

fn load_opts<G: OptGroup>(args: &FactoryArgs) -> Result<G, PasteError> {
    load_opts_in::<G>(args, G::GROUP)
}

/// Reads the option group `G` from `group` of the service's configuration with the paste
/// section's same-named keys as overrides (oslo.middleware's `_conf_get`). Works whether or
/// not the service registered `G`: a private copy of the configuration is used.
fn load_opts_in<G: OptGroup>(args: &FactoryArgs, group: &str) -> Result<G, PasteError> {
    let mut conf = args.conf.clone();
    if let Err(e) = conf.register_in::<G>(group) {
        // The service registered its own, different definition of one of these options:
        // read through that one.
        tracing::debug!("[{group}] options already registered differently: {e}");
    }
    let merged = args.merged();
    for opt in G::opts() {
        if let Some(raw) = merged.get(opt.name()) {
            conf.set_override(group, opt.name(), raw)
                .map_err(|e| args.error(e.to_string()))?;
        }
    }
    conf.load_in::<G>(group)
        .map_err(|e| args.error(e.to_string()))
}

#[cfg(test)]
mod tests;
