//! The browser's end of `/ws/watch`: one socket per tab, shared by every
//! live list the tab shows (browsers allow only a few sockets per host).
//!
//! The socket opens with the first subscription. When it drops, every
//! subscription is told `Reconnecting`, and the socket is opened again with
//! a growing delay; the subscriptions are then sent again, and the server
//! answers each with a complete window (the page replaces its rows, so
//! nothing is duplicated or missing). A window is acknowledged once it is
//! handed to the page, which lets the server send the next.

use super::{Keepalive, open_socket};
use futures::StreamExt;
use futures::channel::mpsc::UnboundedSender;
use gloo_net::websocket::Message;
use leptos::prelude::set_timeout;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;
use wharf_spec::live::{LiveMessage, LiveRequest, LiveState, Source, View, WATCH_PATH};
use wharf_spec::stream::Frame;

/// What a page does with its subscription's messages.
pub type Handler = Rc<dyn Fn(LiveMessage)>;

struct Subscription {
    source: Source,
    view: View,
    handler: Handler,
}

#[derive(Default)]
struct Hub {
    subscriptions: BTreeMap<u32, Subscription>,
    next_id: u32,
    outbox: Option<UnboundedSender<Message>>,
    keepalive: Option<Keepalive>,
    /// Bumped on every (re)connection, so a closed socket's reader does not
    /// act on its successor.
    connection: u32,
    failures: u32,
    retry_pending: bool,
}

thread_local! {
    static HUB: RefCell<Hub> = RefCell::new(Hub::default());
}

fn send(hub: &Hub, request: &LiveRequest) {
    if let Some(outbox) = &hub.outbox {
        let _ = outbox.unbounded_send(Message::Text(request.encode()));
    }
}

/// Starts a subscription; `handler` receives its messages. Returns its id.
pub fn subscribe(source: Source, view: View, handler: Handler) -> u32 {
    let (id, connected) = HUB.with_borrow_mut(|hub| {
        hub.next_id += 1;
        let id = hub.next_id;
        send(
            hub,
            &LiveRequest::Subscribe {
                id,
                source: source.clone(),
                view: view.clone(),
            },
        );
        hub.subscriptions.insert(
            id,
            Subscription {
                source,
                view,
                handler,
            },
        );
        (id, hub.outbox.is_some() || hub.retry_pending)
    });
    if !connected {
        connect();
    }
    id
}

/// The page scrolled, sorted or filtered.
pub fn change_view(id: u32, view: View) {
    HUB.with_borrow_mut(|hub| {
        let Some(subscription) = hub.subscriptions.get_mut(&id) else {
            return;
        };
        if subscription.view == view {
            return;
        }
        subscription.view = view.clone();
        send(hub, &LiveRequest::View { id, view });
    });
}

pub fn unsubscribe(id: u32) {
    HUB.with_borrow_mut(|hub| {
        if hub.subscriptions.remove(&id).is_some() {
            send(hub, &LiveRequest::Unsubscribe { id });
        }
    });
}

fn connect() {
    let ping = Frame::Text(LiveRequest::Ping.encode());
    let Some(socket) = open_socket(WATCH_PATH, "", ping) else {
        lost(None);
        return;
    };
    let connection = HUB.with_borrow_mut(|hub| {
        hub.connection += 1;
        hub.retry_pending = false;
        hub.outbox = Some(socket.outbox.clone());
        hub.keepalive = Some(socket.keepalive);
        let requests: Vec<LiveRequest> = hub
            .subscriptions
            .iter()
            .map(|(id, s)| LiveRequest::Subscribe {
                id: *id,
                source: s.source.clone(),
                view: s.view.clone(),
            })
            .collect();
        for request in &requests {
            send(hub, request);
        }
        hub.connection
    });
    let mut read = socket.read;
    spawn_local(async move {
        while let Some(Ok(message)) = read.next().await {
            let Message::Text(text) = message else {
                continue;
            };
            let Ok(message) = LiveMessage::decode(&text) else {
                continue;
            };
            deliver(message);
        }
        lost(Some(connection));
    });
}

/// Hands a message to its subscription's page (outside the hub's borrow:
/// the page may subscribe or change its view in response), then
/// acknowledges a window.
fn deliver(message: LiveMessage) {
    let id = match &message {
        LiveMessage::Rows { id, .. }
        | LiveMessage::State { id, .. }
        | LiveMessage::Failed { id, .. } => *id,
        LiveMessage::Pong => return,
    };
    let handler = HUB.with_borrow_mut(|hub| {
        hub.failures = 0;
        hub.subscriptions.get(&id).map(|s| s.handler.clone())
    });
    let ack = match &message {
        LiveMessage::Rows { id, window } => Some(LiveRequest::Ack {
            id: *id,
            seq: window.seq,
        }),
        _ => None,
    };
    if let Some(handler) = handler {
        handler(message);
    }
    if let Some(ack) = ack {
        HUB.with_borrow(|hub| send(hub, &ack));
    }
}

/// The socket closed (or never opened): tell every page, and try again.
fn lost(connection: Option<u32>) {
    let handlers = HUB.with_borrow_mut(|hub| {
        if connection.is_some_and(|c| c != hub.connection) {
            return None;
        }
        hub.outbox = None;
        hub.keepalive = None;
        if hub.subscriptions.is_empty() || hub.retry_pending {
            return None;
        }
        hub.retry_pending = true;
        hub.failures = hub.failures.saturating_add(1);
        let delay = Duration::from_millis(250 << hub.failures.min(5)).min(Duration::from_secs(8));
        set_timeout(
            || {
                let wanted = HUB.with_borrow(|hub| !hub.subscriptions.is_empty());
                if wanted {
                    connect();
                } else {
                    HUB.with_borrow_mut(|hub| hub.retry_pending = false);
                }
            },
            delay,
        );
        Some(
            hub.subscriptions
                .iter()
                .map(|(id, s)| (*id, s.handler.clone()))
                .collect::<Vec<_>>(),
        )
    });
    for (id, handler) in handlers.into_iter().flatten() {
        handler(LiveMessage::State {
            id,
            state: LiveState::Reconnecting,
        });
    }
}
