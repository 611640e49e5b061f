//! Pieces shared by every cinder binary (`cinder/common/`).

pub mod config;
