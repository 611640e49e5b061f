//! The API framework pieces of `cinder/api/openstack/`: microversions, the route table and
//! the `Resource` that runs a controller method with upstream's error handling.

pub mod api_version_request;
pub mod router;
pub mod wsgi;
