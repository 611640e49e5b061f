//! The factory registry: the one place where a Python factory path from an upstream
//! `api-paste.ini` (`use = egg:Paste#urlmap`, `use = call:cinder.api:root_app_factory`,
//! `paste.filter_factory = oslo_middleware.cors:filter_factory`, ...) becomes a built-in.
//! Replaces Python's import of dotted paths (`paste.deploy.util.lookup_object`) with one
//! explicit `match` (paste.md §7); service crates add their apps through `AppFactories`.

use super::{AppFactories, AppFactory, FilterFactory};

/// What a spec in a section names, before lookup: `module.path:object.attr` (from `call:` or a
/// `paste.*_factory` key) or an egg entry point (`egg:Paste#urlmap`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    Import(String),
    Egg { dist: String, entry: String },
}

impl Spec {
    /// The canonical spelling used by the registry and in messages.
    pub fn canonical(&self) -> String {
        match self {
            Spec::Import(path) => path.clone(),
            Spec::Egg { dist, entry } => format!("egg:{dist}#{entry}"),
        }
    }
}

/// The composite factories of the standard registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Composite {
    /// `paste.urlmap:urlmap_factory` (paste.md §4).
    Urlmap,
    /// `cinder.api:root_app_factory`: urlmap without the `/v1`, `/v2` keys (§4.1).
    CinderRoot,
    /// `nova.api.openstack.urlmap:urlmap_factory`: urlmap with `/+` wildcards (§4.2).
    NovaUrlmap,
    /// `cinder.api.middleware.auth:pipeline_factory` (§5).
    CinderPipeline,
    /// `neutron.auth:pipeline_factory` (§5).
    NeutronPipeline,
    /// `nova.api.auth:pipeline_factory_v21` (§5).
    NovaPipelineV21,
}

/// The standard filters, built by `crate::filters::build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StandardFilter {
    /// `cinder.api.middleware.request_id:RequestId.factory`: request id + placeholder context.
    CinderRequestId,
    /// `oslo_middleware:RequestId.factory`: request id.
    RequestId,
    /// `nova.api.compute_req_id:ComputeReqIdMiddleware.factory`: also `x-compute-request-id`.
    ComputeRequestId,
    /// `oslo_middleware.cors:filter_factory`.
    Cors,
    /// `oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory`.
    HttpProxyToWsgi,
    /// `cinder.api.middleware.fault:FaultWrapper.factory`.
    CinderFaultWrap,
    /// `nova.api.openstack:FaultWrapper.factory`.
    NovaFaultWrap,
    /// `oslo_middleware:CatchErrors.factory`.
    CatchErrors,
    /// `oslo_middleware.sizelimit:RequestBodySizeLimiter.factory`.
    SizeLimit,
    /// `osprofiler.web:WsgiMiddleware.factory`.
    OsProfiler,
    /// `keystonemiddleware.auth_token:filter_factory`.
    AuthToken,
    /// `cinder.api.middleware.auth:CinderKeystoneContext.factory`.
    CinderKeystoneContext,
    /// `nova.api.auth:NovaKeystoneContext.factory`.
    NovaKeystoneContext,
    /// `neutron.auth:NeutronKeystoneContext.factory`.
    NeutronKeystoneContext,
    /// `cinder.api.middleware.auth:NoAuthMiddleware.factory`.
    CinderNoAuth,
    /// `cinder.api.middleware.auth:NoAuthMiddlewareIncludeProjectID.factory`.
    CinderNoAuthIncludeProjectId,
    /// `neutron.auth:NoauthFakeProjectId.factory`.
    NeutronNoAuthFakeProjectId,
}

/// The standard (non-composite) applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StandardApp {
    /// `oslo_middleware:Healthcheck.app_factory`.
    Healthcheck,
}

/// What a factory produces, which decides where a section may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Produces {
    App,
    Filter,
}

/// A resolved factory.
#[derive(Clone, Copy)]
pub enum Factory {
    Composite(Composite),
    App(StandardApp),
    Filter(StandardFilter),
    /// An app from the service crate.
    Service(AppFactory),
    /// A filter from the service crate.
    ServiceFilter(FilterFactory),
    /// Known upstream factory that this build does not implement.
    Unsupported(Produces),
}

impl Factory {
    pub fn produces(&self) -> Produces {
        match self {
            Factory::Composite(_) | Factory::App(_) | Factory::Service(_) => Produces::App,
            Factory::Filter(_) | Factory::ServiceFilter(_) => Produces::Filter,
            Factory::Unsupported(p) => *p,
        }
    }
}

impl std::fmt::Debug for Factory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Factory::Composite(c) => write!(f, "Composite({c:?})"),
            Factory::App(a) => write!(f, "App({a:?})"),
            Factory::Filter(x) => write!(f, "Filter({x:?})"),
            Factory::Service(_) => write!(f, "Service"),
            Factory::ServiceFilter(_) => write!(f, "ServiceFilter"),
            Factory::Unsupported(p) => write!(f, "Unsupported({p:?})"),
        }
    }
}

/// Every spec `builtin` knows, in the canonical spelling (for the "known factories" list).
pub const BUILTIN_SPECS: &[&str] = &[
    "egg:Paste#urlmap",
    "paste.urlmap:urlmap_factory",
    "cinder.api:root_app_factory",
    "nova.api.openstack.urlmap:urlmap_factory",
    "cinder.api.middleware.auth:pipeline_factory",
    "neutron.auth:pipeline_factory",
    "nova.api.auth:pipeline_factory_v21",
    "cinder.api.middleware.request_id:RequestId.factory",
    "oslo_middleware:RequestId.factory",
    "oslo_middleware.request_id:RequestId.factory",
    "nova.api.compute_req_id:ComputeReqIdMiddleware.factory",
    "oslo_middleware.cors:filter_factory",
    "oslo_middleware:CORS.factory",
    "oslo_middleware.cors:CORS.factory",
    "oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory",
    "oslo_middleware:HTTPProxyToWSGI.factory",
    "cinder.api.middleware.fault:FaultWrapper.factory",
    "nova.api.openstack:FaultWrapper.factory",
    "oslo_middleware:CatchErrors.factory",
    "oslo_middleware.catch_errors:CatchErrors.factory",
    "oslo_middleware.sizelimit:RequestBodySizeLimiter.factory",
    "oslo_middleware:RequestBodySizeLimiter.factory",
    "osprofiler.web:WsgiMiddleware.factory",
    "nova.profiler:WsgiMiddleware.factory",
    "keystonemiddleware.auth_token:filter_factory",
    "cinder.api.middleware.auth:CinderKeystoneContext.factory",
    "nova.api.auth:NovaKeystoneContext.factory",
    "neutron.auth:NeutronKeystoneContext.factory",
    "cinder.api.middleware.auth:NoAuthMiddleware.factory",
    "cinder.api.middleware.auth:NoAuthMiddlewareIncludeProjectID.factory",
    "neutron.auth:NoauthFakeProjectId.factory",
    "oslo_middleware:Healthcheck.app_factory",
    "oslo_middleware.healthcheck:Healthcheck.app_factory",
    "nova.api.openstack.requestlog:RequestLog.factory",
    "nova.api.openstack:LegacyV2CompatibleWrapper.factory",
    "nova.api.openstack.auth:NoAuthMiddleware.factory",
    "neutron.api.extensions:plugin_aware_extension_middleware_factory",
    "neutron.api.extensions:ProjectIdMiddleware.factory",
];

/// The standard registry: one `match` from a canonical spec to a built-in.
pub fn builtin(spec: &str) -> Option<Factory> {
    use Factory::{App, Composite as C, Filter as F, Unsupported};
    use StandardFilter as S;
    let factory = match spec {
        "egg:Paste#urlmap" | "paste.urlmap:urlmap_factory" => C(Composite::Urlmap),
        "cinder.api:root_app_factory" => C(Composite::CinderRoot),
        "nova.api.openstack.urlmap:urlmap_factory" => C(Composite::NovaUrlmap),
        "cinder.api.middleware.auth:pipeline_factory" => C(Composite::CinderPipeline),
        "neutron.auth:pipeline_factory" => C(Composite::NeutronPipeline),
        "nova.api.auth:pipeline_factory_v21" => C(Composite::NovaPipelineV21),
        "cinder.api.middleware.request_id:RequestId.factory" => F(S::CinderRequestId),
        "oslo_middleware:RequestId.factory" | "oslo_middleware.request_id:RequestId.factory" => {
            F(S::RequestId)
        }
        "nova.api.compute_req_id:ComputeReqIdMiddleware.factory" => F(S::ComputeRequestId),
        "oslo_middleware.cors:filter_factory"
        | "oslo_middleware:CORS.factory"
        | "oslo_middleware.cors:CORS.factory" => F(S::Cors),
        "oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory"
        | "oslo_middleware:HTTPProxyToWSGI.factory" => F(S::HttpProxyToWsgi),
        "cinder.api.middleware.fault:FaultWrapper.factory" => F(S::CinderFaultWrap),
        "nova.api.openstack:FaultWrapper.factory" => F(S::NovaFaultWrap),
        "oslo_middleware:CatchErrors.factory"
        | "oslo_middleware.catch_errors:CatchErrors.factory" => F(S::CatchErrors),
        "oslo_middleware.sizelimit:RequestBodySizeLimiter.factory"
        | "oslo_middleware:RequestBodySizeLimiter.factory" => F(S::SizeLimit),
        "osprofiler.web:WsgiMiddleware.factory" | "nova.profiler:WsgiMiddleware.factory" => {
            F(S::OsProfiler)
        }
        "keystonemiddleware.auth_token:filter_factory" => F(S::AuthToken),
        "cinder.api.middleware.auth:CinderKeystoneContext.factory" => F(S::CinderKeystoneContext),
        "nova.api.auth:NovaKeystoneContext.factory" => F(S::NovaKeystoneContext),
        "neutron.auth:NeutronKeystoneContext.factory" => F(S::NeutronKeystoneContext),
        "cinder.api.middleware.auth:NoAuthMiddleware.factory" => F(S::CinderNoAuth),
        "cinder.api.middleware.auth:NoAuthMiddlewareIncludeProjectID.factory" => {
            F(S::CinderNoAuthIncludeProjectId)
        }
        "neutron.auth:NoauthFakeProjectId.factory" => F(S::NeutronNoAuthFakeProjectId),
        "oslo_middleware:Healthcheck.app_factory"
        | "oslo_middleware.healthcheck:Healthcheck.app_factory" => App(StandardApp::Healthcheck),
        // Meaningful only for services not built yet: a clear load error, never a pass-through.
        "nova.api.openstack.requestlog:RequestLog.factory"
        | "nova.api.openstack:LegacyV2CompatibleWrapper.factory"
        | "nova.api.openstack.auth:NoAuthMiddleware.factory"
        | "neutron.api.extensions:plugin_aware_extension_middleware_factory"
        | "neutron.api.extensions:ProjectIdMiddleware.factory" => Unsupported(Produces::Filter),
        _ => return None,
    };
    Some(factory)
}

/// Looks a spec up: the standard registry first, then the service's apps and filters (which
/// may implement a spec the registry only knows as unsupported).
pub fn lookup(spec: &Spec, apps: &dyn AppFactories) -> Option<Factory> {
    let standard = builtin(&spec.canonical());
    if let Some(factory) = standard {
        if !matches!(factory, Factory::Unsupported(_)) {
            return Some(factory);
        }
    }
    let service = match spec {
        Spec::Import(path) => apps
            .app(path)
            .map(Factory::Service)
            .or_else(|| apps.filter(path).map(Factory::ServiceFilter)),
        Spec::Egg { .. } => None,
    };
    service.or(standard)
}

/// All specs `lookup` accepts, for the unknown-factory error.
pub fn known_specs(apps: &dyn AppFactories) -> Vec<String> {
    BUILTIN_SPECS
        .iter()
        .copied()
        .chain(apps.names())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_spec_is_in_the_match() {
        for spec in BUILTIN_SPECS {
            assert!(builtin(spec).is_some(), "{spec} listed but not matched");
        }
    }

    #[test]
    fn aliases_map_to_the_same_builtin() {
        let same = |a: &str, b: &str| {
            assert_eq!(
                format!("{:?}", builtin(a)),
                format!("{:?}", builtin(b)),
                "{a} vs {b}"
            )
        };
        same("egg:Paste#urlmap", "paste.urlmap:urlmap_factory");
        same(
            "oslo_middleware:RequestId.factory",
            "oslo_middleware.request_id:RequestId.factory",
        );
        same(
            "oslo_middleware:RequestBodySizeLimiter.factory",
            "oslo_middleware.sizelimit:RequestBodySizeLimiter.factory",
        );
        same(
            "nova.profiler:WsgiMiddleware.factory",
            "osprofiler.web:WsgiMiddleware.factory",
        );
        assert!(builtin("cinder.api.v3.router:APIRouter.factory").is_none());
    }

    #[test]
    fn filters_and_apps_produce_what_they_are() {
        let produces = |s: &str| builtin(s).map(|f| f.produces());
        assert_eq!(
            produces("keystonemiddleware.auth_token:filter_factory"),
            Some(Produces::Filter)
        );
        assert_eq!(produces("cinder.api:root_app_factory"), Some(Produces::App));
        assert_eq!(
            produces("oslo_middleware:Healthcheck.app_factory"),
            Some(Produces::App)
        );
        assert_eq!(
            produces("nova.api.openstack.requestlog:RequestLog.factory"),
            Some(Produces::Filter)
        );
    }
}
