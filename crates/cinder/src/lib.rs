//! OpenStack Block Storage (cinder), rebuilt on the openstack-rs runtime.
//!
//! Modules mirror upstream's Python paths so an OpenStack developer finds things:
//! `cinder/api/versions.py` → [`api::versions`], `cinder/api/v3/router.py` →
//! [`api::v3::router`], `cinder/cmd/api.py` → [`cmd::api`], `cinder/common/config.py` →
//! [`common::config`].

pub mod api;
pub mod cmd;
pub mod common;
pub mod db;
pub mod exception;
pub mod message;
pub mod policies;
pub mod quota;
pub mod quota_utils;
pub mod service;
pub mod volume;

/// The version every binary reports (`--version`, the Guru Meditation Report).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
