//! `log_opt_values`: the configuration dump oslo.config logs at service start-up
//! (`[DEFAULT] log_options = true`): a banner, the command line and files, then every
//! option as `%-30s = %s` (DEFAULT sorted by name, then `group.name` per group), with
//! secret options shown as `****`. Returned as lines so the caller logs them.

use crate::conf::ConfigOpts;
use crate::pyfmt::{repr_list, repr_str};

impl ConfigOpts {
    /// The lines oslo's `log_opt_values` would log, in order.
    pub fn log_opt_values(&self) -> Vec<String> {
        let mut lines = vec![
            "*".repeat(80),
            "Configuration options gathered from:".to_string(),
            format!("command line args: {}", repr_list(&self.args)),
            format!("config files: {}", repr_list(&paths(self.config_files()))),
            "=".repeat(80),
        ];
        // oslo's `config_dir`: the last `--config-dir`, else the default directories.
        let config_dir = self.namespace.cli_config_dirs.last().map_or_else(
            || repr_list(&paths(self.config_dirs())),
            |d| d.display().to_string(),
        );
        let mut default_rows: Vec<(String, String)> = vec![
            ("config_dir".to_string(), config_dir),
            (
                "config_file".to_string(),
                repr_list(&paths(self.config_files())),
            ),
            ("config_source".to_string(), "[]".to_string()),
        ];
        for group in &self.groups {
            let mut rows: Vec<(String, String)> = group
                .opts
                .iter()
                .map(|opt| {
                    let shown = if opt.secret {
                        "****".to_string()
                    } else {
                        match self.get(&group.name, &opt.name) {
                            Ok(v) => v.python_str(),
                            Err(e) => format!("<invalid: {}>", repr_str(&e.to_string())),
                        }
                    };
                    let label = if group.name == "DEFAULT" {
                        opt.name.clone()
                    } else {
                        format!("{}.{}", group.name, opt.name)
                    };
                    (label, shown)
                })
                .collect();
            if group.name == "DEFAULT" {
                default_rows.append(&mut rows);
                continue;
            }
            rows.sort();
            lines.extend(rows.into_iter().map(|(k, v)| format!("{k:<30} = {v}")));
        }
        default_rows.sort();
        let at = 5;
        let defaults: Vec<String> = default_rows
            .into_iter()
            .map(|(k, v)| format!("{k:<30} = {v}"))
            .collect();
        lines.splice(at..at, defaults);
        lines.push("*".repeat(80));
        lines
    }
}

fn paths(p: &[std::path::PathBuf]) -> Vec<String> {
    p.iter().map(|p| p.display().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use crate::opt::Opt;
    use crate::test_support::{argv, conf, p, Files};

    #[test]
    fn dump_matches_oslo_layout_and_hides_secrets() {
        let files = Files::new();
        let f = files.write(
            "c.conf",
            "[DEFAULT]\nhost = node1\n[database]\nconnection = mysql://u:pw@db/cinder\n",
        );
        let mut c = conf();
        c.register_opts(
            "DEFAULT",
            vec![
                Opt::str().named("host"),
                Opt::bool().named("debug").default("false"),
                Opt::list().named("enabled_backends"),
            ],
        )
        .expect("register");
        c.register_opts(
            "database",
            vec![
                Opt::str().named("connection").secret(),
                Opt::int().named("max_retries").default("10"),
            ],
        )
        .expect("register");
        let args = argv(&["--config-file", &p(&f)]);
        c.parse_args(&args).expect("parse");
        let lines = c.log_opt_values();
        let star = "*".repeat(80);
        let fname = f.display().to_string();
        let expected = vec![
            star.clone(),
            "Configuration options gathered from:".to_string(),
            format!("command line args: ['--config-file', '{fname}']"),
            format!("config files: ['{fname}']"),
            "=".repeat(80),
            format!("{:<30} = []", "config_dir"),
            format!("{:<30} = ['{fname}']", "config_file"),
            format!("{:<30} = []", "config_source"),
            format!("{:<30} = False", "debug"),
            format!("{:<30} = None", "enabled_backends"),
            format!("{:<30} = node1", "host"),
            format!("{:<30} = ****", "database.connection"),
            format!("{:<30} = 10", "database.max_retries"),
            star,
        ];
        assert_eq!(lines, expected);
    }
}
