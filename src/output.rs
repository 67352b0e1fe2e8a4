//! What the harness prints on stdout and stderr, without ever panicking. `println!` and
//! `eprintln!` panic when the reader of a pipe has gone (`ses-conformance report ... | head -1`),
//! and a panic in the middle of a run would end it before it removed what it made. Here a write
//! that fails is dropped; a stdout whose reader has gone is remembered, nothing more is written
//! to it, and a run stops as it does on Ctrl-C (see `run::signals`).
//!
//! Use [`outln!`](crate::outln), [`out!`](crate::out) and [`errln!`](crate::errln) as
//! `println!`, `print!` and `eprintln!`.

use std::fmt;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Whether stdout's reader has gone (a write failed with a broken pipe, or the watch saw it).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether stdout carries data (`--json -`), so that what people read goes to stderr.
static HUMAN_ON_STDERR: AtomicBool = AtomicBool::new(false);

/// From now on, what [`outln!`](crate::outln) prints goes to stderr: stdout carries the JSON
/// lines of `--json -` alone, so a pipe reads records and nothing else.
pub fn human_output_on_stderr() {
    HUMAN_ON_STDERR.store(true, Ordering::SeqCst);
}

/// Whether a `--json` path names stdout.
pub fn is_stdout(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

/// Where the readers' reports (the console, a baseline's diff) write: stdout, or stderr once
/// stdout carries the JSON lines of `--json -`.
pub struct HumanOut;

impl std::io::Write for HumanOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if HUMAN_ON_STDERR.load(Ordering::SeqCst) {
            std::io::stderr().write(buf)
        } else {
            std::io::stdout().write(buf)
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if HUMAN_ON_STDERR.load(Ordering::SeqCst) {
            std::io::stderr().flush()
        } else {
            std::io::stdout().flush()
        }
    }
}

/// Data written to stdout (`--json -`), with the same care as [`write_out`]: a reader that has
/// gone is remembered and nothing more is written, never a panic.
pub struct DataStdout;

impl std::io::Write for DataStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if stdout_closed() {
            return Ok(buf.len());
        }
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(buf).and_then(|()| stdout.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                STDOUT_CLOSED.store(true, Ordering::SeqCst);
                Ok(buf.len())
            }
            Err(e) => Err(e),
            Ok(()) => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How often a run looks whether its stdout's reader is still there.
const WATCH_EVERY: Duration = Duration::from_millis(100);

/// `println!` that never panics: see the module's documentation.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::output::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that never panics: see the module's documentation.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_out(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics: see the module's documentation.
#[macro_export]
macro_rules! errln {
    () => {
        $crate::output::write_err(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Write to stdout and flush (so that a reader that has gone is noticed now); nothing once its
/// reader has gone.
pub fn write_out(text: fmt::Arguments<'_>) {
    if HUMAN_ON_STDERR.load(Ordering::SeqCst) {
        return write_err(text);
    }
    if stdout_closed() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::SeqCst);
        }
    }
}

/// Write to stderr; a write that fails is dropped (there is nowhere left to say so).
pub fn write_err(text: fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(text);
}

/// Whether stdout's reader has gone, as far as the process has seen.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::SeqCst)
}

/// Whether stdout's reader has gone, looking now: a pipe with no reader left says so before
/// anything is written to it (on Unix; elsewhere only a failed write tells).
pub fn stdout_reader_gone() -> bool {
    if !stdout_closed() && no_reader() {
        STDOUT_CLOSED.store(true, Ordering::SeqCst);
    }
    stdout_closed()
}

/// Wait until stdout's reader has gone (never, if it stays).
pub async fn stdout_closing() {
    while !stdout_reader_gone() {
        tokio::time::sleep(WATCH_EVERY).await;
    }
}

/// Whether stdout is a pipe (or socket) whose other end is closed: `poll` reports an error or a
/// hang-up on it without waiting (a terminal, a file or an open pipe reports neither).
#[cfg(unix)]
fn no_reader() -> bool {
    let mut stdout = libc::pollfd {
        fd: libc::STDOUT_FILENO,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid `pollfd` for the one descriptor passed, and a zero timeout; `poll` only
    // writes `revents` of that struct.
    let ready = unsafe { libc::poll(&mut stdout, 1, 0) };
    ready > 0 && stdout.revents & (libc::POLLERR | libc::POLLHUP) != 0
}

#[cfg(not(unix))]
fn no_reader() -> bool {
    false
}

/// Cut long text in the middle of nothing important: keep the start, say how much was left out.
pub fn abbreviate(text: &str, max_chars: usize) -> String {
    let n = text.chars().count();
    if n <= max_chars {
        return text.to_string();
    }
    let head: String = text.chars().take(max_chars).collect();
    format!("{head}... [{} more characters]", n - max_chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macros_take_what_println_takes() {
        // Compiled, not called: a test's stdout is not libtest's to capture here.
        let n = 3;
        let _print = || {
            outln!();
            outln!("{n} cases");
            out!("{}", n);
            errln!("error: {n:?}");
            errln!();
        };
    }

    #[test]
    fn an_open_stdout_is_not_closed() {
        // The test binary's stdout is open while it runs (cargo reads it).
        assert!(!stdout_closed());
    }
}
