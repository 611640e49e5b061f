//! Deprecation notices. oslo.config logs, once per option, when a value is found under a
//! deprecated name or group, or when an option deprecated for removal is set. This crate
//! has no logging dependency, so `deprecation_warnings` computes the same texts from the
//! parsed state and the service logs them.

use crate::conf::ConfigOpts;

impl ConfigOpts {
    /// The upstream warning texts that apply to the current configuration, one per
    /// option: `Option "<old>" from group "<oldgroup>" is deprecated. Use option "<new>"
    /// from group "<group>".` and `Option "<name>" from group "<group>" is deprecated for
    /// removal(<reason>).  Its value may be silently ignored in the future.`
    pub fn deprecation_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (group, opt) in self.all_opts() {
            let ns = self.namespace_for(opt, None);
            let names = opt.lookup_names(group);
            if let Some((dgroup, dname)) = ns.found_under(&names) {
                if (dgroup.as_str(), dname.as_str()) != (group, opt.name.as_str()) {
                    out.push(format!(
                        "Option \"{dname}\" from group \"{}\" is deprecated. Use option \"{}\" from group \"{group}\".",
                        crate::namespace::normalize_group(&dgroup),
                        opt.name
                    ));
                }
            }
            if opt.deprecated_for_removal {
                let key = (group.to_string(), opt.name.clone());
                let set = ns.cli.contains_key(&key) || ns.found_under(&names).is_some();
                if set {
                    let reason = opt
                        .deprecated_reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default();
                    out.push(format!(
                        "Option \"{}\" from group \"{group}\" is deprecated for removal{reason}.  Its value may be silently ignored in the future.",
                        opt.name
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::opt::Opt;
    use crate::test_support::{argv, conf, p, Files};

    #[test]
    fn lists_deprecated_names_and_removals_in_upstream_words() {
        let files = Files::new();
        let f = files.write(
            "c.conf",
            "[DEFAULT]\nlogfile = /x\ngone = 1\n[OLDGRP]\nval = 2\n",
        );
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![
                Opt::str().named("log_file").deprecated_name("logfile"),
                Opt::str()
                    .named("gone")
                    .deprecated_for_removal()
                    .deprecated_reason("no longer used"),
                Opt::str().named("unset").deprecated_for_removal(),
            ],
        )
        .expect("register");
        c.register_opts(
            "grp",
            vec![Opt::str().named("val").deprecated_group("oldgrp")],
        )
        .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        assert_eq!(
            c.deprecation_warnings(),
            vec![
                "Option \"logfile\" from group \"DEFAULT\" is deprecated. Use option \"log_file\" from group \"DEFAULT\".".to_string(),
                "Option \"gone\" from group \"DEFAULT\" is deprecated for removal (no longer used).  Its value may be silently ignored in the future.".to_string(),
                "Option \"val\" from group \"oldgrp\" is deprecated. Use option \"val\" from group \"grp\".".to_string(),
            ]
        );
    }

    #[test]
    fn nothing_to_say_when_current_names_are_used() {
        let files = Files::new();
        let f = files.write("c.conf", "[DEFAULT]\nlog_file = /x\n");
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![Opt::str().named("log_file").deprecated_name("logfile")],
        )
        .expect("register");
        c.parse_args(&argv(&["--config-file", &p(&f)]))
            .expect("parse");
        assert!(c.deprecation_warnings().is_empty());
    }
}
