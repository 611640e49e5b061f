//! `cinder-manage` (`cinder/cmd/manage.py`): the operator's tool. Today: `config sample`
//! prints every option cinder-api reads, `config show` the values it would use, `db sync`
//! creates or upgrades the database schema and `db version` prints its revision.
//!
//! As upstream, options may come before or after `<category> <action>`:
//! `cinder-manage --config-file /etc/cinder/cinder.conf db sync`.

use openstack_db::{Database, DatabaseOpts, DbError};

use crate::db::{db_sync_with, db_version, SeedQuotas, HEAD};

/// Runs cinder-manage with `args` (argv without the program name); returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let Some(Command {
        category,
        action,
        positional,
        options,
    }) = split_command(args)
    else {
        return usage();
    };
    let rest = options.as_slice();
    match (category.as_str(), action.as_str()) {
        ("db", "sync" | "version") => db(&action, &positional, rest),
        ("config", "sample") => match super::api::config("cinder-manage") {
            Ok(conf) => {
                print!("{}", conf.generate_sample());
                0
            }
            Err(e) => {
                eprintln!("{e}");
                1
            }
        },
        ("config", "show") => {
            let mut conf = match super::api::config("cinder-manage") {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{e}");
                    return 1;
                }
            };
            if let Err(e) = conf.parse_args(rest).and_then(|()| conf.validate()) {
                let (code, message) = super::exit_for(&e);
                eprintln!("{message}");
                return code;
            }
            for line in conf.log_opt_values() {
                println!("{line}");
            }
            0
        }
        _ => usage(),
    }
}

fn usage() -> i32 {
    eprintln!(
        "usage: cinder-manage [--config-file F ...] <category> <action> [options]\n\n\
         categories and actions:\n  \
         config sample   print every option with its help text and default\n  \
         config show [--config-file F ...]   print the values the services would use (secrets masked)\n  \
         db sync         create or upgrade the database schema to the newest revision\n  \
         db version      print the revision of the database schema"
    );
    2
}

/// `<category> <action>` found among the arguments, the positional arguments after them,
/// and everything else (the options, for the configuration), in order.
struct Command {
    category: String,
    action: String,
    positional: Vec<String>,
    options: Vec<String>,
}

/// Options of oslo.config and oslo.log that take a value as the next argument.
const VALUE_OPTIONS: &[&str] = &[
    "--config-file",
    "--config-dir",
    "--log-config-append",
    "--log-config",
    "--log-date-format",
    "--log-file",
    "--logfile",
    "--log-dir",
    "--logdir",
    "--syslog-log-facility",
];

fn split_command(args: &[String]) -> Option<Command> {
    let mut words = Vec::new();
    let mut options = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a.starts_with('-') && a.len() > 1 {
            options.push(a.clone());
            let takes_value =
                !a.contains('=') && VALUE_OPTIONS.contains(&a.replace('_', "-").as_str());
            if takes_value {
                if let Some(v) = it.next() {
                    options.push(v.clone());
                }
            }
        } else {
            words.push(a.clone());
        }
    }
    let mut words = words.into_iter();
    Some(Command {
        category: words.next()?,
        action: words.next()?,
        positional: words.collect(),
        options,
    })
}

/// `db sync [version]` and `db version`: one line on stdout and exit 0, or one line on
/// stderr and exit 1 (database down, bad URL, a schema newer than this release).
fn db(action: &str, positional: &[String], options: &[String]) -> i32 {
    let mut conf = match super::api::config("cinder-manage") {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string()),
    };
    if let Err(e) = conf.parse_args(options).and_then(|()| conf.validate()) {
        let (code, message) = super::exit_for(&e);
        eprintln!("{message}");
        return code;
    }
    match positional {
        [] => {}
        [v] if action == "sync" && v == HEAD => {}
        [v] if action == "sync" => {
            return fail(&format!(
                "Syncing to revision {v} is not supported: `db sync` goes to {HEAD}, the newest revision this release knows"
            ))
        }
        _ => return usage(),
    }
    // Progress and connection retries are logged to stderr, as alembic's are; stdout gets
    // the one-line result.
    let _ = conf.set_override("DEFAULT", "use_stderr", "true");
    let _log = match openstack_service::logging::setup(&conf, "cinder-manage") {
        Ok(h) => h,
        Err(e) => return fail(&e.to_string()),
    };
    let (db_opts, seed) = match (conf.load::<DatabaseOpts>(), SeedQuotas::from_conf(&conf)) {
        (Ok(d), Ok(s)) => (d, s),
        (Err(e), _) => return fail(&e.to_string()),
        (_, Err(e)) => return fail(&e.to_string()),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&e.to_string()),
    };
    let result: Result<String, DbError> = rt.block_on(async {
        let db = Database::connect(&db_opts).await?;
        let line = match action {
            "sync" => db_sync_with(&db, seed).await.map(|out| out.to_string()),
            _ => db_version(&db)
                .await
                .map(|v| v.unwrap_or_else(|| "None".to_string())),
        };
        db.close().await;
        line
    });
    match result {
        Ok(line) => {
            println!("{line}");
            0
        }
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(message: &str) -> i32 {
    eprintln!("{message}");
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(args: &[&str]) -> Option<(String, String, Vec<String>, Vec<String>)> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        split_command(&args).map(|c| (c.category, c.action, c.positional, c.options))
    }

    #[test]
    fn options_may_come_before_or_after_the_command() {
        let want = Some((
            "db".to_string(),
            "sync".to_string(),
            vec![],
            vec![
                "--config-file".to_string(),
                "/etc/cinder/cinder.conf".to_string(),
            ],
        ));
        assert_eq!(
            split(&["--config-file", "/etc/cinder/cinder.conf", "db", "sync"]),
            want
        );
        assert_eq!(
            split(&["db", "sync", "--config-file", "/etc/cinder/cinder.conf"]),
            want
        );
        // The value of an option is never taken for the command.
        let (c, a, _, o) = split(&["db", "--config_file", "sync", "version"]).expect("split");
        assert_eq!((c.as_str(), a.as_str()), ("db", "version"));
        assert_eq!(o, ["--config_file", "sync"]);
        let (c, a, p, o) =
            split(&["-d", "--config-file=x.conf", "db", "sync", "9c74c1c6971f"]).expect("split");
        assert_eq!((c.as_str(), a.as_str()), ("db", "sync"));
        assert_eq!(p, ["9c74c1c6971f"]);
        assert_eq!(o, ["-d", "--config-file=x.conf"]);
        assert_eq!(split(&["--config-file", "f", "db"]), None);
    }
}
