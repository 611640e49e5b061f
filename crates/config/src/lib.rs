//! `openstack-config`: an oslo.config-compatible configuration library.
//!
//! Replaces Python's `oslo_config.cfg.CONF`: options are registered by code (name, type,
//! default, help, flags), then `ConfigOpts::parse_args` reads the command line and the
//! configuration files exactly as oslo.config does (its own INI grammar, `--config-file` /
//! `--config-dir` in argv order, the default search path, `OS_<GROUP>__<NAME>` environment
//! variables, deprecated names) so an operator's unchanged `cinder.conf` and command line
//! behave the same. Values are kept raw and converted at read time with oslo's type rules
//! and error texts; `$name` references are substituted. SIGHUP support comes from
//! `mutate_config_files` / `reload_config_files`.

mod cli;
mod conf;
mod deprecation;
mod discovery;
mod error;
mod group;
mod ini;
mod interpolate;
mod macros;
mod namespace;
mod opt;
mod pyfmt;
mod reload;
mod report;
mod resolve;
mod sample;
mod sources;
#[cfg(test)]
mod test_support;
mod types;
mod value;

pub use conf::ConfigOpts;
pub use discovery::{find_config_dirs, find_config_files, search_dirs};
pub use error::{ConfigError, Location};
pub use group::OptGroup;
pub use ini::{parse_ini, IniEntry, IniError};
pub use opt::{DeprecatedOpt, Opt, OptType};
pub use pyfmt::repr_str;
pub use reload::OptChange;
pub use types::{convert_value, type_name, type_repr};
pub use value::{FromValue, Value};
