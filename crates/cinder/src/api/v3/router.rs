//! The v3 API router (`cinder/api/v3/router.py`): every resource of the Block Storage v3 API
//! connected to its controller, under `/{project_id}` and project-less.

use std::sync::Arc;

use http::Method;
use openstack_http::paste::{FactoryArgs, PasteError};
use openstack_http::HttpService;

use super::state::ApiState;
use crate::api::openstack::router::Mapper;
use crate::api::openstack::wsgi::{ApiRequest, ApiResult, Handler, Resource};
use crate::api::versions;

/// `cinder.api.v3.router:APIRouter.factory`.
pub fn app_factory(args: &FactoryArgs) -> Result<HttpService, PasteError> {
    let state = Arc::new(ApiState::new(args.conf).map_err(|e| args.error(e))?);
    let regex = state.opts.project_id_regex.clone();
    let mapper = routes(&regex).map_err(|e| {
        args.error(format!(
            "project_id_regex {regex:?} is not a valid regular expression: {e}"
        ))
    })?;
    Ok(Resource::new(state, mapper).into_service())
}

/// The route table of the v3 API.
pub fn routes(project_id_regex: &str) -> Result<Mapper<Handler<ApiState>>, regex::Error> {
    let mut m: Mapper<Handler<ApiState>> = Mapper::new(project_id_regex)?;
    m.connect(Method::GET, "/", "index", crate::handler!(versions_index))
        .without_project();
    crate::api::contrib::quotas::connect(&mut m);
    crate::api::contrib::quota_classes::connect(&mut m);
    super::limits::connect(&mut m);
    super::types::connect(&mut m);
    crate::api::contrib::types_manage::connect(&mut m);
    crate::api::contrib::types_extra_specs::connect(&mut m);
    crate::api::contrib::volume_type_access::connect(&mut m);
    crate::api::contrib::volume_type_encryption::connect(&mut m);
    super::default_types::connect(&mut m);
    super::volumes::connect(&mut m);
    super::volumes_summary::connect(&mut m);
    super::volume_metadata::connect(&mut m);
    crate::api::contrib::volume_actions::connect(&mut m);
    super::snapshots::connect(&mut m);
    super::snapshot_metadata::connect(&mut m);
    crate::api::contrib::snapshot_actions::connect(&mut m);
    crate::api::contrib::services::connect(&mut m);
    crate::api::contrib::availability_zones::connect(&mut m);
    crate::api::extensions::connect(&mut m);
    super::messages::connect(&mut m);
    Ok(m)
}

async fn versions_index(state: Arc<ApiState>, req: ApiRequest) -> ApiResult {
    versions::index(state.opts.public_endpoint.as_deref(), req).await
}
