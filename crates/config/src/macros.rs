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

#[cfg(test)]
mod tests {
    use crate::test_support::{argv, conf, p, Files};
    use crate::{ConfigError, Opt, OptGroup};

    crate::options! {
        /// A backend section of cinder.conf.
        #[derive(Debug, Clone, PartialEq)]
        pub struct BackendOpts in "backend_defaults" {
            /// Name reported to the scheduler.
            volume_backend_name: Option<String> = Opt::str().help("Backend name."),
            volume_driver: String = Opt::str().default("cinder.volume.drivers.lvm.LVMVolumeDriver"),
            reserved_percentage: i64 = Opt::int().default("0").min(0).max(100),
            iscsi_port: u16 = Opt::port().default("3260"),
        }
    }

    #[test]
    fn opts_are_named_after_fields() {
        let names: Vec<String> = BackendOpts::opts()
            .iter()
            .map(|o| o.name().to_string())
            .collect();
        assert_eq!(
            names,
            vec![
                "volume_backend_name",
                "volume_driver",
                "reserved_percentage",
                "iscsi_port"
            ]
        );
        assert_eq!(BackendOpts::GROUP, "backend_defaults");
    }

    #[test]
    fn load_and_load_in_dynamic_groups() {
        let files = Files::new();
        let f = files.write(
            "cinder.conf",
            "[lvm1]\nvolume_backend_name = LVM\nreserved_percentage = 5\n[lvm2]\nreserved_percentage = 500\n",
        );
        let mut c = conf();
        c.register::<BackendOpts>().expect("register");
        c.register_in::<BackendOpts>("lvm1").expect("register lvm1");
        c.register_in::<BackendOpts>("lvm2").expect("register lvm2");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        let defaults: BackendOpts = c.load().expect("defaults");
        assert_eq!(
            defaults,
            BackendOpts {
                volume_backend_name: None,
                volume_driver: "cinder.volume.drivers.lvm.LVMVolumeDriver".into(),
                reserved_percentage: 0,
                iscsi_port: 3260,
            }
        );
        let lvm1: BackendOpts = c.load_in("lvm1").expect("lvm1");
        assert_eq!(lvm1.volume_backend_name.as_deref(), Some("LVM"));
        assert_eq!(lvm1.reserved_percentage, 5);
        let e: ConfigError = c.load_in::<BackendOpts>("lvm2").expect_err("out of range");
        assert!(
            e.to_string()
                .contains("Should be less than or equal to 100 (value '500')"),
            "{e}"
        );
    }
}
