//! The Block Storage API (`cinder/api/`): the paste apps cinder adds to the standard
//! registry of `openstack-http`, the versions document and the v3 router.

pub mod common;
pub mod contrib;
pub mod extensions;
pub mod openstack;
pub mod schemas;
pub mod v3;
pub mod versions;

use openstack_http::paste::{AppFactories, AppFactory};

/// The apps cinder's `api-paste.ini` names, by their upstream Python factory paths.
pub struct CinderApps;

impl AppFactories for CinderApps {
    fn app(&self, spec: &str) -> Option<AppFactory> {
        match spec {
            "cinder.api.versions:Versions.factory" => Some(versions::app_factory),
            "cinder.api.v3.router:APIRouter.factory" => Some(v3::router::app_factory),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec![
            "cinder.api.versions:Versions.factory",
            "cinder.api.v3.router:APIRouter.factory",
        ]
    }
}
