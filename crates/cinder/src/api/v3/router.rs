//! The v3 API router (`cinder/api/v3/router.py`). Today it serves the v3 versions document at
//! `/` (200) and redirects an empty path to `/`; every other path is a 404, as upstream's
//! router answers a path it has no route for. The resources of the v3 API come next.

use std::convert::Infallible;

use http::header::{ACCEPT, LOCATION};
use http::{HeaderValue, StatusCode};
use openstack_http::fault::webob_default;
use openstack_http::filters::proxy::application_url;
use openstack_http::paste::{FactoryArgs, PasteError};
use openstack_http::{path_info, Body, HttpService, Request, Response};

use crate::api::openstack::api_version_request::negotiate;
use crate::api::openstack::wsgi::{json_response, process, version_fault};
use crate::api::versions::{base_url, public_endpoint, versions_document};

/// `cinder.api.v3.router:APIRouter.factory`.
pub fn app_factory(args: &FactoryArgs) -> Result<HttpService, PasteError> {
    let public_endpoint = public_endpoint(args)?;
    Ok(HttpService::new(tower::service_fn(move |req: Request| {
        let public_endpoint = public_endpoint.clone();
        async move { Ok::<_, Infallible>(route(&req, public_endpoint.as_deref())) }
    })))
}

fn route(req: &Request, public_endpoint: Option<&str>) -> Response {
    match path_info(req) {
        // mapper.redirect("", "/")
        "" => redirect(&format!("{}/", application_url(req))),
        "/" => process(req, "index", || {
            let version = match negotiate(req.headers()) {
                Ok(v) => v,
                Err(e) => return version_fault(&e),
            };
            let doc = versions_document(&base_url(req, public_endpoint));
            json_response(StatusCode::OK, &doc, version)
        }),
        _ => webob_default(StatusCode::NOT_FOUND, req.headers().get(ACCEPT)),
    }
}

fn redirect(location: &str) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::FOUND;
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(LOCATION, v);
    }
    resp
}
