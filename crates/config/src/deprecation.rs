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
