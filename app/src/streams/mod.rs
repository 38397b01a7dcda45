//! The browser's ends of the terminal and log websockets (feature
//! `hydrate`), and what an embedded page reports to its parent. The wire
//! format is `wharf_spec::stream`, the same types the server encodes with.

pub mod embed;
pub mod live;
pub mod logs;
pub mod terminal;

use futures::channel::mpsc;
use futures::stream::SplitStream;
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use leptos::prelude::{IntervalHandle, set_interval_with_handle};
use leptos::task::spawn_local;
use std::time::Duration;
use wharf_spec::stream::Frame;

/// Browser → Wharf keepalive: proxies that drop idle sockets see traffic.
const KEEPALIVE: Duration = Duration::from_secs(30);

/// One open socket to Wharf, as both pages use it.
pub(crate) struct Socket {
    /// Frames to send. A writer task drains it in order and closes the
    /// socket once every sender is gone.
    pub outbox: mpsc::UnboundedSender<Message>,
    /// What Wharf sends.
    pub read: SplitStream<WebSocket>,
    /// Sends the page's ping every [`KEEPALIVE`]; stopped when dropped.
    pub keepalive: Keepalive,
}

/// Stops the keepalive pings when dropped.
pub(crate) struct Keepalive(Option<IntervalHandle>);

impl Drop for Keepalive {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            handle.clear();
        }
    }
}

/// Opens `path?query` on Wharf's own origin; `None` when the browser
/// refuses to open it at all (a refusal by Wharf arrives as a close).
pub(crate) fn open_socket(path: &str, query: &str, ping: Frame) -> Option<Socket> {
    let socket = WebSocket::open(&socket_url(path, query)).ok()?;
    let (mut write, read) = socket.split();
    let (outbox, mut outgoing) = mpsc::unbounded::<Message>();
    spawn_local(async move {
        while let Some(message) = outgoing.next().await {
            if write.send(message).await.is_err() {
                break;
            }
        }
        let _ = write.close().await;
    });
    let pinger = outbox.clone();
    let keepalive = set_interval_with_handle(
        move || {
            let _ = pinger.unbounded_send(to_message(ping.clone()));
        },
        KEEPALIVE,
    )
    .ok();
    Some(Socket {
        outbox,
        read,
        keepalive: Keepalive(keepalive),
    })
}

/// `ws://host/path?query` (or `wss://` under https) on Wharf's own origin.
fn socket_url(path: &str, query: &str) -> String {
    let location = leptos::prelude::window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    // The page's cluster's socket: `/clusters/<name>/ws/…`.
    let root = crate::paths::cluster_root();
    format!("{scheme}://{host}{root}{path}?{query}")
}

fn to_message(frame: Frame) -> Message {
    match frame {
        Frame::Text(text) => Message::Text(text),
        Frame::Binary(bytes) => Message::Bytes(bytes),
    }
}

fn to_frame(message: Message) -> Frame {
    match message {
        Message::Text(text) => Frame::Text(text),
        Message::Bytes(bytes) => Frame::Binary(bytes),
    }
}
