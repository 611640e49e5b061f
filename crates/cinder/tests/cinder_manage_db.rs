//! The real `cinder-manage` binary: `db sync` and `db version` as an operator runs them
//! (options before or after the command), one line on stdout and exit 0, or one line on
//! stderr and exit 1.

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn cinder_manage(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cinder-manage"))
        .args(args)
        .env_remove("OS_DATABASE__CONNECTION")
        .output()
        .expect("run cinder-manage");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write_conf(dir: &Path, body: &str) -> String {
    let path = dir.join("cinder.conf");
    std::fs::write(&path, body).expect("write cinder.conf");
    path.display().to_string()
}

/// The last line on stderr: the error (connection-retry warnings may come before it).
fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or("")
}

#[test]
fn db_sync_creates_the_default_sqlite_database_under_state_path() {
    let dir = tempfile::tempdir().expect("tmp");
    let conf = write_conf(
        dir.path(),
        &format!(
            "[DEFAULT]\nstate_path = {}\n[database]\nmax_retries = 0\n",
            dir.path().display()
        ),
    );

    let r = cinder_manage(&["--config-file", &conf, "db", "version"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "None\n"), "{}", r.stderr);

    let r = cinder_manage(&["--config-file", &conf, "db", "sync"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Database created at revision 9c74c1c6971f (8 migrations applied).\n"
    );
    assert!(dir.path().join("cinder.sqlite").exists());

    // Options after the command work as well; the second sync does nothing.
    let r = cinder_manage(&["db", "sync", "--config-file", &conf]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Database is already at revision 9c74c1c6971f; nothing to do.\n"
    );

    let r = cinder_manage(&["db", "version", "--config-file", &conf]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "9c74c1c6971f\n"),
        "{}",
        r.stderr
    );

    // A revision this release does not know is refused and left alone.
    let db = dir.path().join("cinder.sqlite");
    let status = Command::new("sqlite3")
        .arg(&db)
        .arg("UPDATE alembic_version SET version_num = '385d1313da9a'")
        .status();
    if status.map(|s| s.success()).unwrap_or(false) {
        let r = cinder_manage(&["--config-file", &conf, "db", "sync"]);
        assert_eq!(r.code, 1);
        assert!(r.stdout.is_empty());
        assert!(
            last_line(&r.stderr).starts_with(
                "The database schema is at revision 385d1313da9a, which this release does not know"
            ),
            "{}",
            r.stderr
        );
        let r = cinder_manage(&["--config-file", &conf, "db", "version"]);
        assert_eq!(r.stdout, "385d1313da9a\n");
    }
}

#[test]
fn db_errors_are_one_clear_line() {
    let dir = tempfile::tempdir().expect("tmp");
    // Nothing listens on port 1.
    let conf = write_conf(
        dir.path(),
        "[database]\nconnection = postgresql://cinder:hunter2@127.0.0.1:1/cinder\nmax_retries = 0\n",
    );
    let r = cinder_manage(&["--config-file", &conf, "db", "sync"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(
        last_line(&r.stderr).starts_with(
            "Database unavailable: cannot connect to postgresql://cinder:***@127.0.0.1:1/cinder:"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);

    let conf = write_conf(dir.path(), "[database]\nconnection = oracle://u:p@h/db\n");
    let r = cinder_manage(&["--config-file", &conf, "db", "version"]);
    assert_eq!(r.code, 1);
    assert!(
        last_line(&r.stderr).starts_with("unsupported database connection URL scheme 'oracle://'"),
        "{}",
        r.stderr
    );

    let conf = write_conf(
        dir.path(),
        "[database]\nconnection = sqlite:////nonexistent/dir/cinder.sqlite\n",
    );
    let r = cinder_manage(&["--config-file", &conf, "db", "sync"]);
    assert_eq!(r.code, 1);
    assert!(
        last_line(&r.stderr).contains("cannot connect to sqlite:////nonexistent/dir/cinder.sqlite"),
        "{}",
        r.stderr
    );

    let r = cinder_manage(&["--config-file", &conf, "db", "sync", "921e1a36b076"]);
    assert_eq!(r.code, 1);
    assert!(
        last_line(&r.stderr).contains("Syncing to revision 921e1a36b076 is not supported"),
        "{}",
        r.stderr
    );

    let r = cinder_manage(&["db"]);
    assert_eq!(r.code, 2);
}

#[test]
fn config_commands_still_work_and_show_the_database_section() {
    let dir = tempfile::tempdir().expect("tmp");
    let conf = write_conf(
        dir.path(),
        "[database]\nconnection = mysql+pymysql://u:secret@h/cinder\n",
    );
    let r = cinder_manage(&["--config-file", &conf, "config", "show"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("database.connection"), "{}", r.stdout);
    assert!(!r.stdout.contains("secret"), "{}", r.stdout);
    let r = cinder_manage(&["config", "sample"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("[database]"), "{}", r.stdout);
    assert!(r.stdout.contains("max_pool_size"), "{}", r.stdout);
}
