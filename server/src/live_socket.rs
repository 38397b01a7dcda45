//! `/ws/watch`: the one socket of a browser tab that carries all its live
//! lists (the wire is `wharf_spec::live`; the watches are `k8s::live`).
//!
//! - The upgrade passed the router's `Host` and `Origin` guards; the session
//!   is checked here before anything else. Every subscription's watch runs
//!   with that session's credentials.
//! - Subscriptions are isolated: one that fails (forbidden, a bad selector)
//!   gets `Failed` and ends; the socket and the others go on.
//! - Memory is bounded per subscription whatever the browser's speed: at
//!   most one window is unacknowledged; changes meanwhile only mark the
//!   subscription changed, and the next window is computed from the latest
//!   rows (a burst of changes to an object sends its last state only). The
//!   outgoing queue is bounded too.
//! - Subscriptions end with the socket (their tasks are aborted; a feed
//!   lingers briefly in case the page comes back, then its watch stops).

use crate::k8s::KubeCluster;
use crate::k8s::live::{Feed, keep_warm};
use crate::sessions::StreamSessions;
use crate::sockets::KEEPALIVE;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use wharf_spec::ApiError;
use wharf_spec::live::{
    LiveMessage, LiveRequest, LiveState, MAX_SUBSCRIPTIONS, Source, View, WATCH_PATH,
};

/// After a change, wait this long for more before computing the window:
/// a burst (a rollout, a scale to 1,000) costs one window, not one per pod.
const COALESCE: Duration = Duration::from_millis(50);
/// Messages waiting for the browser, per socket.
const OUTBOX: usize = 64;

pub fn routes(sessions: Arc<dyn StreamSessions>) -> Router {
    Router::new()
        .route(WATCH_PATH, get(upgrade_watch))
        .route(
            &format!("/clusters/{{cluster}}{WATCH_PATH}"),
            get(upgrade_watch),
        )
        .with_state(sessions)
}

async fn upgrade_watch(
    State(sessions): State<Arc<dyn StreamSessions>>,
    parts: http::request::Parts,
    upgrade: WebSocketUpgrade,
) -> Response {
    if let Err(stopping) = crate::sockets::refuse_while_stopping() {
        return stopping.into_response();
    }
    match sessions.streams_for(&parts) {
        Ok(cluster) => {
            upgrade.on_upgrade(move |socket| crate::shutdown::track(serve(socket, cluster)))
        }
        Err(error) => {
            let status =
                StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, error.to_string()).into_response()
        }
    }
}

/// One subscription: its task, and the channels that tell it what the
/// page wants and what it has drawn.
struct Subscription {
    view: watch::Sender<View>,
    acked: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
    feed: Arc<Feed>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.task.abort();
        keep_warm(self.feed.clone());
    }
}

async fn serve(socket: WebSocket, cluster: Arc<KubeCluster>) {
    let _open = crate::metrics::OpenSocket::new(crate::metrics::SocketKind::Watch);
    let (mut to_browser, mut from_browser) = socket.split();
    let (outbox, mut outgoing) = mpsc::channel::<LiveMessage>(OUTBOX);
    let mut subscriptions: HashMap<u32, Subscription> = HashMap::new();
    let mut keepalive = tokio::time::interval(KEEPALIVE);
    keepalive.tick().await;
    loop {
        tokio::select! {
            message = from_browser.next() => {
                let text = match message {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                let request = match LiveRequest::decode(&text) {
                    Ok(request) => request,
                    Err(bad) => {
                        tracing::debug!(%bad, "live socket: unreadable request");
                        break;
                    }
                };
                match request {
                    LiveRequest::Subscribe { id, source, view } => {
                        subscriptions.remove(&id);
                        if subscriptions.len() >= MAX_SUBSCRIPTIONS {
                            let error = ApiError::Invalid {
                                message: format!("at most {MAX_SUBSCRIPTIONS} lists per page"),
                                causes: Vec::new(),
                            };
                            let _ = outbox.send(LiveMessage::Failed { id, error }).await;
                            continue;
                        }
                        if let Err(error) = source.check() {
                            let _ = outbox.send(LiveMessage::Failed { id, error }).await;
                            continue;
                        }
                        let subscription = subscribe(&cluster, id, &source, view, outbox.clone());
                        subscriptions.insert(id, subscription);
                    }
                    LiveRequest::View { id, view } => {
                        if let Some(s) = subscriptions.get(&id) {
                            s.view.send_replace(view);
                        }
                    }
                    LiveRequest::Ack { id, seq } => {
                        if let Some(s) = subscriptions.get(&id) {
                            s.acked.send_if_modified(|acked| {
                                let newer = seq > *acked;
                                *acked = (*acked).max(seq);
                                newer
                            });
                        }
                    }
                    LiveRequest::Unsubscribe { id } => {
                        subscriptions.remove(&id);
                    }
                    LiveRequest::Ping => {
                        if outbox.send(LiveMessage::Pong).await.is_err() {
                            break;
                        }
                    }
                }
            }
            Some(message) = outgoing.recv() => {
                if to_browser.send(Message::Text(message.encode().into())).await.is_err() {
                    break;
                }
            }
            _ = keepalive.tick() => {
                if to_browser.send(Message::Ping(Bytes::new())).await.is_err() {
                    break;
                }
            }
            // The page reconnects (through another replica) and
            // resubscribes, as after any dropped socket.
            _ = crate::shutdown::stopping().cancelled() => {
                crate::sockets::close_restarting(&mut to_browser, &mut from_browser).await;
                break;
            }
        }
    }
    // Dropping the subscriptions aborts their tasks.
    drop(subscriptions);
}

fn subscribe(
    cluster: &KubeCluster,
    id: u32,
    source: &Source,
    view: View,
    outbox: mpsc::Sender<LiveMessage>,
) -> Subscription {
    let feed = cluster.feed(source);
    let (view_tx, view_rx) = watch::channel(view);
    let (acked_tx, acked_rx) = watch::channel(0);
    let task = tokio::spawn(send_windows(id, feed.clone(), view_rx, acked_rx, outbox));
    Subscription {
        view: view_tx,
        acked: acked_tx,
        task,
        feed,
    }
}

/// Sends subscription `id`'s window whenever its rows or its view changed
/// and the previous window was acknowledged; sends state changes at once.
async fn send_windows(
    id: u32,
    feed: Arc<Feed>,
    mut view: watch::Receiver<View>,
    mut acked: watch::Receiver<u64>,
    outbox: mpsc::Sender<LiveMessage>,
) {
    let mut status = feed.status();
    let mut seq = 0u64;
    let mut sent_version: Option<u64> = None;
    let mut sent_view: Option<View> = None;
    let mut sent_state: Option<LiveState> = None;
    loop {
        let now = status.borrow_and_update().clone();
        if let Some(error) = now.failed {
            let _ = outbox.send(LiveMessage::Failed { id, error }).await;
            return;
        }
        let wanted = view.borrow_and_update().clone();
        let drawn = *acked.borrow_and_update() >= seq;
        let rows_changed = sent_version != Some(now.version) || sent_view.as_ref() != Some(&wanted);
        // Nothing listed yet: an empty window would blank the page's
        // server-rendered rows, so only the state goes out.
        let message = if now.version > 0 && rows_changed && drawn {
            seq += 1;
            let window = feed.window(&wanted, seq);
            sent_version = Some(now.version);
            sent_view = Some(wanted);
            sent_state = Some(window.state);
            Some(LiveMessage::Rows { id, window })
        } else if sent_state != Some(now.state) {
            sent_state = Some(now.state);
            Some(LiveMessage::State {
                id,
                state: now.state,
            })
        } else {
            None
        };
        if let Some(message) = message {
            if outbox.send(message).await.is_err() {
                return;
            }
            continue;
        }
        tokio::select! {
            changed = status.changed() => {
                if changed.is_err() {
                    return;
                }
                tokio::time::sleep(COALESCE).await;
            }
            changed = view.changed() => if changed.is_err() { return },
            changed = acked.changed() => if changed.is_err() { return },
        }
    }
}
