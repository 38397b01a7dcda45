//! Stopping gracefully (SIGTERM on every rollout): stop accepting, tell
//! every open socket that Wharf is restarting (a page reconnects, through
//! another replica), hang up every shell, finish the requests in flight,
//! and exit within the pod's grace period.

use std::sync::OnceLock;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How long the sockets get to say goodbye and hang up their shells.
pub const SOCKETS_GRACE: Duration = Duration::from_secs(10);

struct Stop {
    stopping: CancellationToken,
    sockets: TaskTracker,
}

fn stop() -> &'static Stop {
    static STOP: OnceLock<Stop> = OnceLock::new();
    STOP.get_or_init(|| Stop {
        stopping: CancellationToken::new(),
        sockets: TaskTracker::new(),
    })
}

/// Cancelled once the process is stopping.
pub fn stopping() -> &'static CancellationToken {
    &stop().stopping
}

pub fn is_stopping() -> bool {
    stopping().is_cancelled()
}

/// Runs a socket's relay as a task the stop waits for.
pub fn track<F>(relay: F) -> impl Future<Output = ()> + Send + 'static
where
    F: Future<Output = ()> + Send + 'static,
{
    stop().sockets.track_future(relay)
}

/// SIGTERM (Kubernetes) or Ctrl-C (a terminal).
pub async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM: stopping"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("interrupted: stopping"),
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
    stopping().cancel();
}

/// Waits (at most [`SOCKETS_GRACE`]) for every socket to have said
/// goodbye and hung up its shell.
pub async fn sockets_closed() {
    let sockets = &stop().sockets;
    sockets.close();
    let open = sockets.len();
    if open > 0 {
        tracing::info!(open, "closing the open sockets");
    }
    if tokio::time::timeout(SOCKETS_GRACE, sockets.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            open = sockets.len(),
            "sockets still open after the grace period"
        );
    }
}
