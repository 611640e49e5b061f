//! Command line parsing with oslo.config's argparse conventions: `--config-file` and
//! `--config-dir` (repeatable, kept in argv order), `--name value` / `--name=value`,
//! grouped `--group-name`, boolean `--name` / `--noname`, short flags (`-d`), deprecated
//! names (`--logfile`), unique-prefix abbreviations, `-h/--help`, `--version`, and
//! argparse's usage errors (exit status 2). Names are accepted with dashes or underscores.

use crate::error::ConfigError;
use crate::opt::{Opt, OptType};

/// A CLI option as registered: its group and definition.
pub(crate) struct CliSpec<'a> {
    pub group: &'a str,
    pub opt: &'a Opt,
}

/// What the command line asked for, in argv order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CliEvent {
    ConfigFile(String),
    ConfigDir(String),
    Set {
        group: String,
        dest: String,
        value: String,
        /// The flag as registered (`--log-file`), for error messages.
        arg: String,
    },
}

#[derive(Debug, Clone)]
enum Action {
    ConfigFile,
    ConfigDir,
    Help,
    Version,
    Store {
        group: String,
        dest: String,
    },
    Const {
        group: String,
        dest: String,
        value: &'static str,
    },
}

#[derive(Debug, Clone)]
struct Flag {
    text: String,
    action: Action,
}

impl Flag {
    fn takes_value(&self) -> bool {
        matches!(
            self.action,
            Action::ConfigFile | Action::ConfigDir | Action::Store { .. }
        )
    }
}

/// The argparse parser of one `parse_args` call.
pub(crate) struct ArgParser {
    prog: String,
    version: String,
    flags: Vec<Flag>,
    /// (usage fragment, help column, help text) in display order.
    help_rows: Vec<(String, String, String)>,
}

fn spellings(name: &str) -> Vec<String> {
    let mut v = vec![name.replace('_', "-")];
    let underscored = name.replace('-', "_");
    if !v.contains(&underscored) {
        v.push(underscored);
    }
    v
}

fn group_prefixes(group: &str) -> Vec<String> {
    if group == "DEFAULT" {
        vec![String::new()]
    } else {
        spellings(group)
            .into_iter()
            .map(|g| format!("{g}-"))
            .collect()
    }
}

impl ArgParser {
    pub fn new(prog: &str, version: &str, specs: &[CliSpec<'_>]) -> ArgParser {
        let mut p = ArgParser {
            prog: prog.to_string(),
            version: version.to_string(),
            flags: Vec::new(),
            help_rows: Vec::new(),
        };
        p.add(vec!["-h".into(), "--help".into()], Action::Help);
        p.help_rows.push((
            "-h".into(),
            "-h, --help".into(),
            "show this help message and exit".into(),
        ));
        p.add(vec!["--config-dir".into()], Action::ConfigDir);
        p.help_rows.push((
            "--config-dir DIR".into(),
            "--config-dir DIR, --config_dir DIR".into(),
            "Path to a config directory to pull `*.conf` files from. This file set is \
             sorted, so as to provide a predictable parse order if individual options are \
             over-ridden. The set is parsed after the file(s) specified via previous \
             --config-file, arguments hence over-ridden options in the directory take \
             precedence. This option must be set from the command-line."
                .into(),
        ));
        p.add(vec!["--config_dir".into()], Action::ConfigDir);
        p.add(
            vec!["--config-file".into(), "--config_file".into()],
            Action::ConfigFile,
        );
        p.help_rows.push((
            "--config-file PATH".into(),
            "--config-file PATH, --config_file PATH".into(),
            "Path to a config file to use. Multiple config files can be specified, with \
             values in later files taking precedence. Defaults to the files found on the \
             default search path. This option must be set from the command-line."
                .into(),
        ));
        let mut sorted: Vec<&CliSpec<'_>> = specs.iter().collect();
        sorted.sort_by(|a, b| {
            (a.group != "DEFAULT", a.group, &a.opt.name).cmp(&(
                b.group != "DEFAULT",
                b.group,
                &b.opt.name,
            ))
        });
        for spec in sorted {
            p.add_opt(spec);
        }
        if !version.is_empty() {
            p.add(vec!["--version".into()], Action::Version);
            p.help_rows.push((
                "--version".into(),
                "--version".into(),
                "show program's version number and exit".into(),
            ));
        }
        p
    }

    fn add(&mut self, texts: Vec<String>, action: Action) {
        for text in texts {
            if !self.flags.iter().any(|f| f.text == text) {
                self.flags.push(Flag {
                    text,
                    action: action.clone(),
                });
            }
        }
    }

    fn add_opt(&mut self, spec: &CliSpec<'_>) {
        let opt = spec.opt;
        let group = spec.group.to_string();
        let dest = opt.name.clone();
        let is_bool = matches!(opt.kind, OptType::Bool);
        let mut names = Vec::new();
        let mut neg_names = Vec::new();
        for prefix in group_prefixes(spec.group) {
            for n in spellings(&opt.name) {
                names.push(format!("--{prefix}{n}"));
                neg_names.push(format!("--{prefix}no{n}"));
            }
        }
        // oslo's `_get_deprecated_cli_name`: dgroup-dname, dname alone, or dgroup-name.
        for d in opt.deprecated() {
            let dgroup = d.group.filter(|g| g != "DEFAULT");
            let dname = match (&d.name, &dgroup) {
                (None, None) => continue,
                (Some(n), _) => n.clone(),
                (None, Some(_)) => opt.name.clone(),
            };
            let prefixes = dgroup
                .as_deref()
                .map_or_else(|| vec![String::new()], group_prefixes);
            for prefix in prefixes {
                for n in spellings(&dname) {
                    names.push(format!("--{prefix}{n}"));
                    neg_names.push(format!("--{prefix}no{n}"));
                }
            }
        }
        let primary = names.first().cloned().unwrap_or_default();
        let metavar = opt.name.to_uppercase();
        if is_bool {
            let set = Action::Const {
                group: group.clone(),
                dest: dest.clone(),
                value: "true",
            };
            let mut texts = names.clone();
            if let Some(c) = opt.short {
                texts.push(format!("-{c}"));
            }
            self.add(texts, set);
            self.add(
                neg_names.clone(),
                Action::Const {
                    group,
                    dest,
                    value: "false",
                },
            );
            let short = opt.short.map(|c| format!("-{c}, ")).unwrap_or_default();
            self.help_rows.push((
                opt.short
                    .map_or_else(|| primary.clone(), |c| format!("-{c}")),
                format!("{short}{primary}"),
                opt.help.clone(),
            ));
            let neg = neg_names.first().cloned().unwrap_or_default();
            self.help_rows
                .push((neg.clone(), neg, format!("The inverse of --{}", opt.name)));
        } else {
            let mut texts = names.clone();
            if let Some(c) = opt.short {
                texts.push(format!("-{c}"));
            }
            self.add(texts, Action::Store { group, dest });
            let short = opt
                .short
                .map(|c| format!("-{c} {metavar}, "))
                .unwrap_or_default();
            self.help_rows.push((
                opt.short.map_or_else(
                    || format!("{primary} {metavar}"),
                    |c| format!("-{c} {metavar}"),
                ),
                format!("{short}{primary} {metavar}"),
                opt.help.clone(),
            ));
        }
    }

    /// argparse's usage line.
    pub fn usage(&self) -> String {
        let parts: Vec<String> = self
            .help_rows
            .iter()
            .map(|(u, _, _)| format!("[{u}]"))
            .collect();
        format!("usage: {} {}", self.prog, parts.join(" "))
    }

    /// The `--help` text: usage, then one row per option.
    pub fn help(&self) -> String {
        let mut out = format!("{}\n\noptions:\n", self.usage());
        for (_, col, help) in &self.help_rows {
            let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
            if col.len() <= 20 {
                out.push_str(&format!("  {col:<22}{help}\n"));
            } else {
                out.push_str(&format!("  {col}\n                        {help}\n"));
            }
        }
        out
    }

    fn usage_error(&self, message: &str) -> ConfigError {
        ConfigError::Exit {
            code: 2,
            message: format!("{}\n{}: error: {message}", self.usage(), self.prog),
        }
    }

    fn lookup_long(&self, name: &str) -> Result<Option<&Flag>, ConfigError> {
        if let Some(f) = self.flags.iter().find(|f| f.text == name) {
            return Ok(Some(f));
        }
        let candidates: Vec<&Flag> = self
            .flags
            .iter()
            .filter(|f| f.text.starts_with("--") && f.text.starts_with(name))
            .collect();
        match candidates.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            many => {
                // Spellings of one option (dash/underscore) are not an ambiguity.
                let first = &many[0].action;
                if many.iter().all(|f| same_target(&f.action, first)) {
                    return Ok(Some(many[0]));
                }
                let list: Vec<&str> = many.iter().map(|f| f.text.as_str()).collect();
                Err(self.usage_error(&format!(
                    "ambiguous option: {name} could match {}",
                    list.join(", ")
                )))
            }
        }
    }

    /// Parses argv (without the program name) into events in argv order.
    pub fn parse(&self, args: &[String]) -> Result<Vec<CliEvent>, ConfigError> {
        let mut events = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            i += 1;
            if arg == "--" {
                unknown.extend(args[i..].iter().cloned());
                break;
            }
            if let Some(long) = arg.strip_prefix("--").filter(|s| !s.is_empty()) {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                    None => (format!("--{long}"), None),
                };
                let Some(flag) = self.lookup_long(&name)? else {
                    unknown.push(arg.clone());
                    continue;
                };
                let flag = flag.clone();
                self.apply(&flag, inline, args, &mut i, &mut events)?;
            } else if arg.len() > 1 && arg.starts_with('-') && !looks_negative(arg) {
                let chars: Vec<char> = arg.chars().skip(1).collect();
                let mut j = 0;
                while j < chars.len() {
                    let text = format!("-{}", chars[j]);
                    let Some(flag) = self.flags.iter().find(|f| f.text == text).cloned() else {
                        unknown.push(if j == 0 { arg.clone() } else { text });
                        break;
                    };
                    j += 1;
                    if flag.takes_value() {
                        let rest: String = chars[j..].iter().collect();
                        let rest = rest.strip_prefix('=').map(str::to_string).unwrap_or(rest);
                        let inline = if rest.is_empty() { None } else { Some(rest) };
                        self.apply(&flag, inline, args, &mut i, &mut events)?;
                        break;
                    }
                    self.apply(&flag, None, args, &mut i, &mut events)?;
                }
            } else {
                unknown.push(arg.clone());
            }
        }
        if !unknown.is_empty() {
            return Err(self.usage_error(&format!("unrecognized arguments: {}", unknown.join(" "))));
        }
        Ok(events)
    }

    fn apply(
        &self,
        flag: &Flag,
        inline: Option<String>,
        args: &[String],
        i: &mut usize,
        events: &mut Vec<CliEvent>,
    ) -> Result<(), ConfigError> {
        let display = self.display_name(flag);
        let value = if flag.takes_value() {
            match inline {
                Some(v) => Some(v),
                None => match args.get(*i) {
                    Some(next) if !next.starts_with('-') || next == "-" || looks_negative(next) => {
                        *i += 1;
                        Some(next.clone())
                    }
                    _ => {
                        return Err(
                            self.usage_error(&format!("argument {display}: expected one argument"))
                        )
                    }
                },
            }
        } else {
            if let Some(v) = inline {
                return Err(self.usage_error(&format!(
                    "argument {display}: ignored explicit argument {}",
                    crate::pyfmt::repr_str(&v)
                )));
            }
            None
        };
        match &flag.action {
            Action::Help => {
                return Err(ConfigError::Exit {
                    code: 0,
                    message: self.help(),
                })
            }
            Action::Version => {
                return Err(ConfigError::Exit {
                    code: 0,
                    message: self.version.clone(),
                })
            }
            Action::ConfigFile => events.push(CliEvent::ConfigFile(value.unwrap_or_default())),
            Action::ConfigDir => events.push(CliEvent::ConfigDir(value.unwrap_or_default())),
            Action::Store { group, dest } => events.push(CliEvent::Set {
                group: group.clone(),
                dest: dest.clone(),
                value: value.unwrap_or_default(),
                arg: display,
            }),
            Action::Const { group, dest, value } => events.push(CliEvent::Set {
                group: group.clone(),
                dest: dest.clone(),
                value: (*value).to_string(),
                arg: display,
            }),
        }
        Ok(())
    }

    /// argparse names an argument by all its option strings joined with `/`; we use the
    /// first long spelling, which is what operators type.
    fn display_name(&self, flag: &Flag) -> String {
        self.flags
            .iter()
            .find(|f| same_target(&f.action, &flag.action) && f.text.starts_with("--"))
            .map_or_else(|| flag.text.clone(), |f| f.text.clone())
    }
}

fn same_target(a: &Action, b: &Action) -> bool {
    match (a, b) {
        (Action::ConfigFile, Action::ConfigFile)
        | (Action::ConfigDir, Action::ConfigDir)
        | (Action::Help, Action::Help)
        | (Action::Version, Action::Version) => true,
        (
            Action::Store {
                group: g1,
                dest: d1,
            },
            Action::Store {
                group: g2,
                dest: d2,
            },
        ) => g1 == g2 && d1 == d2,
        (
            Action::Const {
                group: g1,
                dest: d1,
                value: v1,
            },
            Action::Const {
                group: g2,
                dest: d2,
                value: v2,
            },
        ) => g1 == g2 && d1 == d2 && v1 == v2,
        _ => false,
    }
}

/// argparse treats `-5` / `-1.5` as values, not flags.
fn looks_negative(arg: &str) -> bool {
    arg.strip_prefix('-')
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn opts() -> Vec<(String, Opt)> {
        vec![
            ("DEFAULT".into(), Opt::bool().named("debug").short('d')),
            (
                "DEFAULT".into(),
                Opt::str()
                    .named("log_file")
                    .deprecated_name("logfile")
                    .cli(),
            ),
            ("DEFAULT".into(), Opt::int().named("workers").cli()),
            ("DEFAULT".into(), Opt::multi_str().named("ext").cli()),
            ("backend".into(), Opt::str().named("backend_host").cli()),
            ("backend".into(), Opt::bool().named("use_x").cli()),
        ]
    }

    fn parse(v: &[&str]) -> Result<Vec<CliEvent>, ConfigError> {
        let o = opts();
        let specs: Vec<CliSpec<'_>> = o.iter().map(|(g, opt)| CliSpec { group: g, opt }).collect();
        ArgParser::new("cinder-api", "1.0", &specs).parse(&args(v))
    }

    fn set(group: &str, dest: &str, value: &str, arg: &str) -> CliEvent {
        CliEvent::Set {
            group: group.into(),
            dest: dest.into(),
            value: value.into(),
            arg: arg.into(),
        }
    }

    #[test]
    fn config_files_and_dirs_keep_argv_order() {
        assert_eq!(
            parse(&["--config-dir", "d", "--config-file=f", "--config_file", "g"]).expect("ok"),
            vec![
                CliEvent::ConfigDir("d".into()),
                CliEvent::ConfigFile("f".into()),
                CliEvent::ConfigFile("g".into()),
            ]
        );
    }

    #[test]
    fn values_bools_short_and_deprecated_names() {
        assert_eq!(
            parse(&[
                "--workers",
                "4",
                "--log_file=/x",
                "--logfile",
                "/y",
                "-d",
                "--nodebug"
            ])
            .expect("ok"),
            vec![
                set("DEFAULT", "workers", "4", "--workers"),
                set("DEFAULT", "log_file", "/x", "--log-file"),
                set("DEFAULT", "log_file", "/y", "--log-file"),
                set("DEFAULT", "debug", "true", "--debug"),
                set("DEFAULT", "debug", "false", "--nodebug"),
            ]
        );
    }

    #[test]
    fn grouped_options_and_negative_numbers() {
        assert_eq!(
            parse(&[
                "--backend-backend-host",
                "h",
                "--backend-nouse-x",
                "--workers",
                "-3"
            ])
            .expect("ok"),
            vec![
                set("backend", "backend_host", "h", "--backend-backend-host"),
                set("backend", "use_x", "false", "--backend-nouse-x"),
                set("DEFAULT", "workers", "-3", "--workers"),
            ]
        );
    }

    #[test]
    fn abbreviations_resolve_when_unique() {
        assert_eq!(
            parse(&["--work", "2"]).expect("ok"),
            vec![set("DEFAULT", "workers", "2", "--workers")]
        );
        let e = parse(&["--conf", "x"]).expect_err("ambiguous");
        assert!(
            e.to_string()
                .contains("ambiguous option: --conf could match"),
            "{e}"
        );
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn unknown_arguments_exit_2_with_usage() {
        let e = parse(&["--bogus", "--workers", "1", "extra"]).expect_err("unknown");
        let ConfigError::Exit { code, message } = e else {
            panic!("expected Exit");
        };
        assert_eq!(code, 2);
        assert!(message.starts_with("usage: cinder-api "), "{message}");
        assert!(
            message.ends_with("\ncinder-api: error: unrecognized arguments: --bogus extra"),
            "{message}"
        );
    }

    #[test]
    fn help_and_version_exit_0() {
        let e = parse(&["--help"]).expect_err("help");
        let ConfigError::Exit { code, message } = e else {
            panic!("expected Exit");
        };
        assert_eq!(code, 0);
        assert!(message.contains("--config-file PATH"), "{message}");
        assert!(message.contains("-d, --debug"), "{message}");
        assert!(message.contains("--log-file LOG_FILE"), "{message}");
        assert_eq!(
            parse(&["--version"]).expect_err("version"),
            ConfigError::Exit {
                code: 0,
                message: "1.0".into()
            }
        );
        assert_eq!(parse(&["-h"]).expect_err("help").exit_code(), 0);
    }

    #[test]
    fn usage_errors() {
        let e = parse(&["--workers"]).expect_err("missing value");
        assert!(
            e.to_string()
                .ends_with("error: argument --workers: expected one argument"),
            "{e}"
        );
        let e = parse(&["--debug=yes"]).expect_err("explicit");
        assert!(
            e.to_string()
                .ends_with("argument --debug: ignored explicit argument 'yes'"),
            "{e}"
        );
        let e = parse(&["--workers", "--debug"]).expect_err("flag as value");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn odd_arguments_never_panic() {
        for a in [
            &["-"][..],
            &["---x"],
            &["--="],
            &["--=x"],
            &["-é"],
            &["-dé"],
            &["--workers=", "--ext"],
            &["-"],
            &["--", "--debug"],
            &["-d="],
        ] {
            let _ = parse(a);
        }
    }

    #[test]
    fn multi_values_repeat() {
        assert_eq!(
            parse(&["--ext", "a", "--ext=b"]).expect("ok"),
            vec![
                set("DEFAULT", "ext", "a", "--ext"),
                set("DEFAULT", "ext", "b", "--ext"),
            ]
        );
    }
}
