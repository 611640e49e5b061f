//! The Guru Meditation Report (oslo.reports' `TextGuruMeditation`): on SIGUSR2 every process
//! of a service (the parent and each worker) writes a snapshot of itself — package and
//! version, the process and its workers, the configuration with secrets masked, and any
//! section a component registered (the HTTP server adds its open connections) — to the log at
//! WARNING, and to `<[oslo_reports] log_dir>/<prog>_gurumeditation_<YYYYmmddHHMMSS>` when that
//! option is set.
//!
//! Not reproduced: the Python thread and green-thread stack dumps, and
//! `[oslo_reports] file_event_handler` (registered so configurations stay valid, unused).

use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use openstack_config::{options, ConfigError, ConfigOpts, Opt};

options! {
    /// `[oslo_reports]` options (oslo_reports/opts.py).
    #[derive(Debug, Clone)]
    pub struct ReportOpts in "oslo_reports" {
        log_dir: Option<String> = Opt::str().help(
            "Path to a log directory where to create a file"),
        file_event_handler: Option<String> = Opt::str().help(
            "The path to a file to watch for changes to trigger the reports, instead of \
             signals. Not supported by this implementation: reports are triggered by SIGUSR2."),
        file_event_handler_interval: i64 = Opt::int().default("1").help(
            "How many seconds to wait between polls when file_event_handler is set"),
    }
}

/// Registers [`ReportOpts`] in `[oslo_reports]`.
pub fn register_opts(conf: &mut ConfigOpts) -> Result<(), ConfigError> {
    conf.register::<ReportOpts>()
}

type SectionFn = Arc<dyn Fn() -> String + Send + Sync>;

static SECTIONS: Mutex<Vec<(String, SectionFn)>> = Mutex::new(Vec::new());

/// Adds a section to every report this process writes from now on (a section registered
/// twice under one name is replaced). `f` runs on the thread that writes the report.
pub fn register_section(name: &str, f: impl Fn() -> String + Send + Sync + 'static) {
    let mut sections = SECTIONS.lock().unwrap_or_else(|p| p.into_inner());
    sections.retain(|(n, _)| n != name);
    sections.push((name.to_string(), Arc::new(f)));
}

/// Which process of a service writes the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The only process (`ServiceLauncher`).
    Single,
    /// The parent of forked workers (`ProcessLauncher`).
    Parent,
    /// A forked worker.
    Worker,
}

/// What the launcher knows about the process.
#[derive(Debug, Clone)]
pub struct ProcessInfo {
    pub role: Role,
    /// When the process started (for a worker: when it was forked).
    pub started: Instant,
    /// The parent's live workers.
    pub children: Vec<i32>,
}

const WIDTH: usize = 72;

fn header(out: &mut String, title: &str) {
    let bar = "=".repeat(WIDTH);
    let inner = WIDTH - 8;
    let _ = writeln!(out, "{bar}\n===={title:^inner$}====\n{bar}");
}

/// The text of the report.
pub fn generate(conf: &ConfigOpts, process: &ProcessInfo) -> String {
    let mut out = String::new();
    header(&mut out, "Guru Meditation");
    let _ = writeln!(out, "{}\n", "|".repeat(WIDTH));

    header(&mut out, "Package");
    let _ = writeln!(out, "product = {}", conf.project());
    let _ = writeln!(out, "vendor = OpenStack Foundation");
    let _ = writeln!(out, "version = {}", conf.version());

    header(&mut out, "Process");
    let pid = std::process::id();
    let ppid = nix::unistd::getppid();
    let role = match process.role {
        Role::Single => "single process",
        Role::Parent => "parent of workers",
        Role::Worker => "worker",
    };
    let _ = writeln!(
        out,
        "Process {pid} (under {ppid}) [ {role}, program: {} ]",
        conf.prog()
    );
    let _ = writeln!(out, "uptime = {} s", process.started.elapsed().as_secs());
    if let Some(threads) = crate::launcher::thread_count() {
        let _ = writeln!(out, "threads = {threads}");
    }
    for child in &process.children {
        let _ = writeln!(out, "    Worker {child} (under {pid})");
    }

    header(&mut out, "Configuration");
    for line in conf.log_opt_values() {
        let _ = writeln!(out, "{line}");
    }

    let sections: Vec<(String, SectionFn)> =
        SECTIONS.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for (name, f) in sections {
        header(&mut out, &name);
        let _ = writeln!(out, "{}", f().trim_end());
    }
    out
}

/// Writes the report to the log at WARNING and, with `[oslo_reports] log_dir`, to a file.
pub fn log_report(conf: &ConfigOpts, process: &ProcessInfo) {
    let text = generate(conf, process);
    tracing::warn!(
        "Guru Meditation Report of process {}:\n{text}",
        std::process::id()
    );
    let dir = conf
        .load::<ReportOpts>()
        .ok()
        .and_then(|o| o.log_dir)
        .filter(|d| !d.is_empty());
    if let Some(dir) = dir {
        let stamp = crate::logging::strftime(time::OffsetDateTime::now_utc(), "%Y%m%d%H%M%S");
        let name = format!("{}_gurumeditation_{stamp}", conf.prog());
        let path = Path::new(&dir).join(name);
        if let Err(e) = std::fs::write(&path, &text) {
            tracing::error!(
                "Unable to write the Guru Meditation Report to {}: {e}",
                path.display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf() -> ConfigOpts {
        let mut conf = ConfigOpts::new("cinder", "cinder-api", "27.0.0");
        register_opts(&mut conf).expect("register");
        conf.register_opts(
            "DEFAULT",
            vec![Opt::str().named("db_password").secret().default("hunter2")],
        )
        .expect("register secret");
        conf.parse_args(&[]).expect("parse");
        conf
    }

    #[test]
    fn report_has_package_process_configuration_and_sections() {
        register_section("Test Connections", || "open connections = 3\n".to_string());
        let text = generate(
            &conf(),
            &ProcessInfo {
                role: Role::Parent,
                started: Instant::now(),
                children: vec![101, 102],
            },
        );
        assert!(
            text.contains(
                "====                        Guru Meditation                         ===="
            ),
            "{text}"
        );
        assert!(text.contains("product = cinder"));
        assert!(text.contains("version = 27.0.0"));
        assert!(text.contains(&format!("Process {} (under", std::process::id())));
        assert!(text.contains("Worker 101"));
        assert!(text.contains("Worker 102"));
        assert!(text.contains("open connections = 3"));
        assert!(text.contains("db_password"), "{text}");
        assert!(!text.contains("hunter2"), "secret leaked: {text}");
    }

    #[test]
    fn headers_are_72_columns() {
        let mut out = String::new();
        header(&mut out, "Package");
        for line in out.lines() {
            assert_eq!(line.len(), WIDTH, "{line:?}");
        }
    }
}
