//! The websocket relays (browser ⇄ Wharf ⇄ apiserver) for terminals and
//! logs, and log downloads. The wire towards the browser is
//! `wharf_spec::stream`; the apiserver side is `k8s::streams`.
//!
//! - Every upgrade checks `Origin` before any Kubernetes call (a page of
//!   another site must not open a terminal with the user's cookie).
//! - Both legs are kept alive: Wharf pings the browser every
//!   [`KEEPALIVE`]; kube pings the apiserver.
//! - A terminal whose browser leaves is hung up in the container (see
//!   `k8s::terminal`), so nothing is left running.
//! - Logs are flow-controlled (`LOG_WINDOW_BYTES` unacknowledged at most):
//!   a slow browser slows the read from the apiserver; nothing is dropped and
//!   memory per stream stays bounded.
//!
//! `terminal.rs` is the terminal relay,
//! `logs.rs` the log relay and the download; this file their routes, the
//! checks before an upgrade and the closing of a socket.

use crate::k8s::KubeCluster;
use crate::k8s::streams::PodChange;
use crate::metrics::{OpenSocket, SocketKind};
use crate::sessions::StreamSessions;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{AsyncBufReadExt, FutureExt, SinkExt, StreamExt};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use wharf_spec::ApiError;
use wharf_spec::stream::{
    ExecQuery, Frame, LOG_WINDOW_BYTES, LineSplitter, LogControl, LogEvent, LogOutput, LogQuery,
    TerminalControl, TerminalEvent, TerminalInput, TerminalOutput,
};

/// How often Wharf pings the browser: well under the usual 60 s idle
/// timeout of proxies in between.
pub const KEEPALIVE: Duration = Duration::from_secs(25);
/// Longest log line kept whole; longer ones are cut (bounded memory).
const MAX_LINE: usize = 64 * 1024;
/// Largest log frame Wharf sends at once.
const MAX_FRAME: usize = 256 * 1024;

pub fn routes(sessions: Arc<dyn StreamSessions>) -> Router {
    Router::new()
        .route("/ws/terminal", get(terminal))
        .route("/ws/logs", get(logs))
        .route("/download/logs", get(download_logs))
        // The same, of a cluster named in the path (`/ws/…`: the default).
        .route("/clusters/{cluster}/ws/terminal", get(terminal))
        .route("/clusters/{cluster}/ws/logs", get(logs))
        .route("/clusters/{cluster}/download/logs", get(download_logs))
        .with_state(sessions)
}

type Sessions = State<Arc<dyn StreamSessions>>;

/// An error as the answer to a request that never became a socket.
fn refusal(error: &ApiError) -> (StatusCode, String) {
    let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_GATEWAY);
    (status, error.to_string())
}

fn refuse(error: &ApiError) -> Response {
    refusal(error).into_response()
}

/// The cluster of this request's session. The upgrade's `Host` and
/// `Origin` were checked before (`router::guarded`).
fn socket_cluster(
    sessions: &Arc<dyn StreamSessions>,
    parts: &http::request::Parts,
) -> Result<Arc<KubeCluster>, (StatusCode, String)> {
    refuse_while_stopping()?;
    sessions.streams_for(parts).map_err(|e| refusal(&e))
}

/// A socket opened while this replica stops would be told to go at once:
/// 503, and the page retries (through another replica).
pub(crate) fn refuse_while_stopping() -> Result<(), (StatusCode, String)> {
    if crate::shutdown::is_stopping() {
        return Err((
            StatusCode::SERVICE_UNAVAILABLE,
            "Wharf is restarting".to_owned(),
        ));
    }
    Ok(())
}

async fn terminal(
    State(sessions): Sessions,
    Query(query): Query<ExecQuery>,
    parts: http::request::Parts,
    upgrade: WebSocketUpgrade,
) -> Response {
    match socket_cluster(&sessions, &parts) {
        Ok(cluster) => upgrade.on_upgrade(move |socket| {
            crate::shutdown::track(relay_terminal(socket, cluster, query))
        }),
        Err(refused) => refused.into_response(),
    }
}

async fn logs(
    State(sessions): Sessions,
    Query(query): Query<LogQuery>,
    parts: http::request::Parts,
    upgrade: WebSocketUpgrade,
) -> Response {
    match socket_cluster(&sessions, &parts) {
        Ok(cluster) => upgrade
            .on_upgrade(move |socket| crate::shutdown::track(relay_logs(socket, cluster, query))),
        Err(refused) => refused.into_response(),
    }
}

fn to_message(frame: Frame) -> Message {
    match frame {
        Frame::Text(text) => Message::Text(text.into()),
        Frame::Binary(bytes) => Message::Binary(bytes.into()),
    }
}

fn from_message(message: Message) -> Option<Frame> {
    match message {
        Message::Text(text) => Some(Frame::Text(text.to_string())),
        Message::Binary(bytes) => Some(Frame::Binary(bytes.to_vec())),
        _ => None,
    }
}

mod logs;
mod terminal;

use logs::{download_logs, relay_logs};
use terminal::relay_terminal;

/// Closes with code 1012 (service restart), the stop's goodbye.
pub(crate) async fn close_restarting(
    to_browser: &mut futures::stream::SplitSink<WebSocket, Message>,
    from_browser: &mut futures::stream::SplitStream<WebSocket>,
) {
    let frame = axum::extract::ws::CloseFrame {
        code: 1012,
        reason: "Wharf is restarting".into(),
    };
    if to_browser.send(Message::Close(Some(frame))).await.is_ok() {
        drain(from_browser).await;
    }
}

/// Closes with the websocket closing handshake: sends Close, then reads
/// until the browser's Close (or a short deadline). Dropping the connection
/// at once could reset it while the last frames are still unread on the
/// other side (a reset discards them), and "End"/"Exited" would be lost.
async fn close_gracefully(
    to_browser: &mut futures::stream::SplitSink<WebSocket, Message>,
    from_browser: &mut futures::stream::SplitStream<WebSocket>,
) {
    if to_browser.close().await.is_ok() {
        drain(from_browser).await;
    }
}

/// Reads what the browser still sends until its Close, for at most 2 s.
async fn drain(from_browser: &mut futures::stream::SplitStream<WebSocket>) {
    let drained = async { while let Some(Ok(_)) = from_browser.next().await {} };
    let _ = tokio::time::timeout(Duration::from_secs(2), drained).await;
}
