//! Stop signals: Ctrl-C (SIGINT), SIGTERM (what CI runners, systemd and container stops send) and
//! SIGHUP (a closed terminal) all stop a run the same way: no new case starts, cases in flight
//! finish and clean up, and the run's resources are removed.

/// Wait for the first stop signal. Never returns if none can be listened for.
#[cfg(unix)]
pub async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    async fn wait_for(kind: SignalKind) {
        match signal(kind) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    }
    tokio::select! {
        _ = wait_for(SignalKind::interrupt()) => {}
        _ = wait_for(SignalKind::terminate()) => {}
        _ = wait_for(SignalKind::hangup()) => {}
    }
}

/// Wait for Ctrl-C. Never returns if it cannot be listened for.
#[cfg(not(unix))]
pub async fn stop_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
