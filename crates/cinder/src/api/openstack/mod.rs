//! The API framework pieces of `cinder/api/openstack/`: microversions and responses.

pub mod api_version_request;
pub mod wsgi;
