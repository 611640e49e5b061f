//! cinder's own options (`cinder/common/config.py`, `cinder/service.py`), declared once as
//! typed structs with upstream's names, groups and defaults.

use openstack_config::{options, Opt};

options! {
    /// Options every cinder service reads (`cinder/common/config.py`).
    pub struct CinderOpts in "DEFAULT" {
        /// Name of this node, used in service records and RPC topics.
        host: String = Opt::host_address().default("localhost")
            .help("Name of this node. This can be an opaque identifier. It is not necessarily a hostname, FQDN, or IP address."),
        /// Top-level directory for maintaining cinder's state.
        state_path: String = Opt::str().default("/var/lib/cinder")
            .help("Top-level directory for maintaining cinder's state"),
        /// The strategy to use for auth.
        auth_strategy: String = Opt::str().default("keystone")
            .choices(&["noauth", "noauth_include_project_id", "keystone"])
            .help("The strategy to use for auth. Supports noauth, noauth_include_project_id or keystone."),
        /// Enables or disables rate limit of the API.
        api_rate_limit: bool = Opt::bool().default("true")
            .help("Enables or disables rate limit of the API."),
        /// Public URL to use for versions endpoint.
        public_endpoint: Option<String> = Opt::str().deprecated_name("osapi_volume_base_URL")
            .help("Public url to use for versions endpoint. The default is None, which will use the request's host_url attribute to populate the URL base. If Cinder is operating behind a proxy, you will want to change this to represent the proxy's URL."),
        /// Availability zone of this node (and the default for new volumes).
        storage_availability_zone: String = Opt::str().default("nova")
            .help("Availability zone of this node. Can be overridden per volume backend with the option \"backend_availability_zone\"."),
        /// Default availability zone for new volumes.
        default_availability_zone: Option<String> = Opt::str()
            .help("Default availability zone for new volumes. If not set, the storage_availability_zone option value is used as the default for new volumes."),
        /// Fall back to the default zone when the requested one does not exist.
        allow_availability_zone_fallback: bool = Opt::bool().default("false")
            .help("If the requested Cinder availability zone is unavailable, fall back to the value of default_availability_zone, then storage_availability_zone, instead of failing."),
        /// Snapshots do not count against the gigabytes quota.
        no_snapshot_gb_quota: bool = Opt::bool().default("false")
            .help("Whether snapshots count against gigabyte quota"),
        /// The most items a collection returns in one response.
        osapi_max_limit: i64 = Opt::int().default("1000")
            .help("The maximum number of items that a collection resource returns in a single response"),
        /// The regular expression project ids in URLs must match.
        project_id_regex: String = Opt::str().default(r"[0-9a-f\-]+")
            .help("The validation regular expression used for project_id in URLs."),
    }
}

options! {
    /// The osapi_volume WSGI service (`cinder/service.py`).
    pub struct OsapiVolumeOpts in "DEFAULT" {
        /// IP address on which the OpenStack Volume API listens.
        osapi_volume_listen: String = Opt::host_address().default("0.0.0.0")
            .help("IP address on which OpenStack Volume API listens"),
        /// Port on which the OpenStack Volume API listens.
        osapi_volume_listen_port: u16 = Opt::port().default("8776").min(1)
            .help("Port on which OpenStack Volume API listens"),
        /// Number of workers for the OpenStack Volume API service.
        osapi_volume_workers: Option<i64> = Opt::int()
            .help("Number of workers for OpenStack Volume API service. The default is equal to the number of CPUs available."),
        /// Wraps the socket in a SSL context if True is set.
        osapi_volume_use_ssl: bool = Opt::bool().default("false")
            .help("Wraps the socket in a SSL context if True is set. A certificate file and key file must be specified."),
    }
}
