//! The process side of the service runtime (oslo.service, oslo.log, oslo.context,
//! oslo.reports): launchers that run a service in one process or in N forked workers and
//! handle SIGTERM / SIGINT / SIGHUP / SIGUSR2, logging in oslo.log's format with the request
//! id in every line, the request context, systemd readiness and the Guru Meditation Report.
//!
//! Seams with the other crates: doc/adr/0001-runtime-interfaces.md.
