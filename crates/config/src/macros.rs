//! The `options!` macro: declares a typed option struct once, with upstream option names
//! as field names, and generates its `OptGroup` implementation. It stands in for
//! oslo.config's module-level opt lists plus `CONF.<group>.<name>` reads.

/// Declares a struct of options and implements `OptGroup` for it.
///
/// ```
/// use openstack_config::{options, ConfigOpts, Opt};
///
/// options! {
///     /// Options of the WSGI server.
///     #[derive(Debug, Clone)]
///     pub struct WsgiOpts in "DEFAULT" {
///         /// Paste file.
///         api_paste_config: String = Opt::str().default("api-paste.ini").help("..."),
///         osapi_volume_workers: Option<i64> = Opt::int().min(1).help("..."),
///     }
/// }
///
/// let mut conf = ConfigOpts::new("cinder", "cinder-api", "1.0");
/// conf.register::<WsgiOpts>().unwrap();
/// conf.parse_args(&["--config-file".to_string(), "/dev/null".to_string()]).unwrap();
/// let wsgi: WsgiOpts = conf.load().unwrap();
/// assert_eq!(wsgi.api_paste_config, "api-paste.ini");
/// assert_eq!(wsgi.osapi_volume_workers, None);
/// ```
///
/// Each field's option is `$opt.named("<field>")`; `from_conf` reads each field with
/// `get_as::<FieldType>(group, "<field>")`. Fields are `pub`. `Opt` must be in scope
/// where the macro is used. Derives are up to the caller (add `#[derive(...)]`).
#[macro_export]
macro_rules! options {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident in $group:literal {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $opt:expr
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $ty,
            )*
        }

        impl $crate::OptGroup for $name {
            const GROUP: &'static str = $group;

            fn opts() -> ::std::vec::Vec<$crate::Opt> {
                ::std::vec![$(($opt).named(::core::stringify!($field))),*]
            }

            fn from_conf(
                conf: &$crate::ConfigOpts,
                group: &str,
            ) -> ::core::result::Result<Self, $crate::ConfigError> {
                ::core::result::Result::Ok($name {
                    $(
                        $field: conf.get_as::<$ty>(group, ::core::stringify!($field))?,
                    )*
                })
            }
        }
    };
}
