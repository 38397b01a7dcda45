//! The browser's ends of the terminal and log websockets (feature
//! `hydrate`), and what an embedded page reports to its parent. The wire
//! format is `wharf_spec::stream`, the same types the server encodes with.

pub mod embed;
pub mod logs;
pub mod terminal;

use gloo_net::websocket::Message;
use wharf_spec::stream::Frame;

/// `ws://host/path?query` (or `wss://` under https) on Wharf's own origin.
fn socket_url(path: &str, query: &str) -> String {
    let location = leptos::prelude::window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}{path}?{query}")
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
