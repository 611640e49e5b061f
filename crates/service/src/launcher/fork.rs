//! The one `unsafe` of the project: `fork()`.

use nix::unistd::ForkResult;

/// Forks the process.
///
/// Callers must guarantee the process is single-threaded (the parent of a `ProcessLauncher`
/// never starts a thread or a Tokio runtime; `ProcessLauncher::launch_service` checks
/// `/proc/self/task` before the first fork) and must block the handled signals around the call.
#[allow(unsafe_code)]
pub(crate) fn fork() -> nix::Result<ForkResult> {
    // SAFETY: fork() is only unsafe in a multi-threaded process, where the child could inherit
    // a lock held by a thread that does not exist in it. The launcher forks only while the
    // process has exactly one thread (checked before the first fork, and the parent never
    // creates threads afterwards), so every lock (allocator, logger mutex, signal-hook
    // registry) is either free or held by this very thread, which continues in both processes.
    unsafe { nix::unistd::fork() }
}

/// The number of threads of this process, where the OS tells it.
pub(crate) fn thread_count() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}
