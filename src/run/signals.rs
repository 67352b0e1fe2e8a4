//! Stop signals: Ctrl-C (SIGINT), SIGTERM (what CI runners, systemd and container stops send) and
//! SIGHUP (a closed terminal) all stop a run the same way: no new case starts, cases in flight
//! stop at their next wait (a paced turn, a backoff) and clean up, and the run's resources are
//! removed: removals still wait their turn, so the account's rates hold while the run stops. So
//! does stdout's reader going away (`ses-conformance run ... | head -1`): the run's report has
//! nowhere to go.

/// Stop signals being listened for. The handlers are installed when this is made, not when it is
/// first awaited: a signal that comes before the waiting task is first polled still counts
/// (otherwise it would kill the process the default way, leaving the run's resources behind).
pub struct StopSignals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
    /// Whether stdout's reader going away stops too (a run's; not `serve`'s, whose stdout only
    /// says where it listens).
    stdout: bool,
}

/// Start listening for stop signals, and for stdout's reader going away. Must be called inside a
/// tokio runtime.
pub fn listen() -> StopSignals {
    StopSignals {
        stdout: true,
        ..signals_only()
    }
}

/// Start listening for stop signals alone.
#[cfg(unix)]
fn signals_only() -> StopSignals {
    use tokio::signal::unix::{signal, SignalKind};
    let kinds = [
        SignalKind::interrupt(),
        SignalKind::terminate(),
        SignalKind::hangup(),
    ];
    StopSignals {
        streams: kinds.into_iter().filter_map(|k| signal(k).ok()).collect(),
        stdout: false,
    }
}

/// Start listening for Ctrl-C alone.
#[cfg(not(unix))]
fn signals_only() -> StopSignals {
    StopSignals { stdout: false }
}

impl StopSignals {
    /// Wait for the first stop signal (or, when listened for, stdout's reader going away).
    pub async fn recv(&mut self) {
        let stdout = self.stdout;
        tokio::select! {
            () = self.signal() => {}
            () = crate::output::stdout_closing(), if stdout => {}
        }
    }

    /// Wait for the first stop signal. Never returns if none can be listened for.
    #[cfg(unix)]
    async fn signal(&mut self) {
        if self.streams.is_empty() {
            return std::future::pending::<()>().await;
        }
        let waits = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
        futures_select_first(waits).await;
    }

    /// Wait for Ctrl-C. Never returns if it cannot be listened for.
    #[cfg(not(unix))]
    async fn signal(&mut self) {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Wait until the first of several futures completes.
#[cfg(unix)]
async fn futures_select_first<F: std::future::Future + Unpin>(futures: impl Iterator<Item = F>) {
    let mut futures: Vec<F> = futures.collect();
    std::future::poll_fn(|cx| {
        for future in &mut futures {
            if std::pin::Pin::new(future).poll(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// Wait for the first stop signal. Never returns if none can be listened for.
pub async fn stop_signal() {
    signals_only().recv().await;
}
