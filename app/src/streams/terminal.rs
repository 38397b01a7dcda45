//! The terminal page's client: xterm.js (loaded from `/pkg/terminal.js`)
//! draws; this module owns the socket. Keystrokes go out as binary frames as
//! xterm produced them; output bytes go straight into xterm, which decodes
//! UTF-8 across frame boundaries itself.

use super::{Socket, open_socket, to_frame, to_message};
use crate::components::stream_state::TerminalState;
use crate::components::use_texts;
use futures::StreamExt;
use futures::channel::mpsc;
use gloo_net::websocket::Message;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wharf_spec::stream::{
    ExecQuery, TerminalControl, TerminalEvent, TerminalInput, TerminalOutput,
};

#[wasm_bindgen(inline_js = "
    let loading;
    export async function mount_terminal(element, onData, onResize) {
        // Beside the wasm's own files, in the same (versioned) folder:
        // this snippet is pkg/<version>/snippets/<crate>/inline<n>.js.
        loading ??= import(new URL('../../terminal.js', import.meta.url));
        const handle = (await loading).mount(element, onData, onResize);
        window.wharfTerminal = handle; // for tests and the embedding page's scripts
        return handle;
    }
    export function term_write(h, bytes) { h.write(bytes); }
    export function term_writeln(h, text) { h.writeln(text); }
    export function term_size(h) { return h.size(); }
    export function term_focus(h) { h.focus(); }
    export function term_dispose(h) { h.dispose(); }
")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn mount_terminal(
        element: &web_sys::HtmlElement,
        on_data: &JsValue,
        on_resize: &JsValue,
    ) -> Result<JsValue, JsValue>;
    fn term_write(handle: &JsValue, bytes: &js_sys::Uint8Array);
    fn term_writeln(handle: &JsValue, text: &str);
    fn term_size(handle: &JsValue) -> Vec<u16>;
    fn term_focus(handle: &JsValue);
    fn term_dispose(handle: &JsValue);
}

#[derive(Default)]
struct Shared {
    terminal: Option<JsValue>,
    /// Frames to send on the current socket.
    outbox: Option<mpsc::UnboundedSender<Message>>,
    /// The process runs: keystrokes go to it.
    live: bool,
    /// Counts connections, so a stale socket's end does not touch the state.
    generation: u32,
}

fn send(shared: &Rc<RefCell<Shared>>, input: TerminalInput) {
    if let Some(outbox) = &shared.borrow().outbox {
        let _ = outbox.unbounded_send(to_message(input.encode()));
    }
}

fn resize_to_terminal(shared: &Rc<RefCell<Shared>>) {
    let size = shared.borrow().terminal.as_ref().map(term_size);
    if let Some([cols, rows]) = size.as_deref() {
        send(
            shared,
            TerminalInput::Control(TerminalControl::Resize {
                cols: *cols,
                rows: *rows,
            }),
        );
    }
}

/// Mounts the terminal into `node` once it exists and connects; connects
/// again each time `session` changes (the Connect button, or Enter after the
/// process ended or the connection dropped).
pub fn attach(
    node: NodeRef<leptos::html::Div>,
    session: RwSignal<u32>,
    state: RwSignal<TerminalState>,
    query: impl Fn() -> ExecQuery + Clone + 'static,
) {
    let t = use_texts();
    let shared = Rc::new(RefCell::new(Shared::default()));
    {
        let shared = shared.clone();
        Effect::new(move |_| {
            session.track();
            let Some(element) = node.get() else { return };
            let shared = shared.clone();
            let query = query();
            spawn_local(async move {
                if shared.borrow().terminal.is_none() {
                    let Some(terminal) = mount(&element, &shared, session, state).await else {
                        let _ = state.try_set(TerminalState::Refused("terminal.js".into()));
                        return;
                    };
                    shared.borrow_mut().terminal = Some(terminal);
                }
                connect(shared, query, state, t).await;
            });
        });
    }
    let stored = StoredValue::new_local(shared);
    on_cleanup(move || {
        stored.with_value(|shared| {
            let mut s = shared.borrow_mut();
            // Closing the outbox closes the socket: the server hangs up the shell.
            s.outbox.take();
            s.live = false;
            s.generation += 1;
            if let Some(terminal) = s.terminal.take() {
                term_dispose(&terminal);
            }
        });
    });
}

async fn mount(
    element: &web_sys::HtmlDivElement,
    shared: &Rc<RefCell<Shared>>,
    session: RwSignal<u32>,
    state: RwSignal<TerminalState>,
) -> Option<JsValue> {
    let on_data = {
        let shared = shared.clone();
        Closure::<dyn FnMut(String)>::new(move |data: String| {
            let live = shared.borrow().live;
            if live {
                send(&shared, TerminalInput::Stdin(data.into_bytes()));
            } else if data.contains('\r')
                && matches!(
                    state.get_untracked(),
                    TerminalState::Exited(_) | TerminalState::Dropped | TerminalState::Restarting
                )
            {
                session.update(|s| *s += 1);
            }
        })
    };
    let on_resize = {
        let shared = shared.clone();
        Closure::<dyn FnMut(u16, u16)>::new(move |cols: u16, rows: u16| {
            if shared.borrow().live {
                send(
                    &shared,
                    TerminalInput::Control(TerminalControl::Resize { cols, rows }),
                );
            }
        })
    };
    let terminal = mount_terminal(
        element,
        &on_data.into_js_value(),
        &on_resize.into_js_value(),
    )
    .await
    .ok()?;
    Some(terminal)
}

async fn connect(
    shared: Rc<RefCell<Shared>>,
    query: ExecQuery,
    state: RwSignal<TerminalState>,
    t: &'static crate::i18n::Texts,
) {
    let generation = {
        let mut s = shared.borrow_mut();
        s.outbox.take();
        s.live = false;
        s.generation += 1;
        s.generation
    };
    let _ = state.try_set(TerminalState::Connecting);
    let ping = TerminalInput::Control(TerminalControl::Ping).encode();
    let Some(Socket {
        outbox,
        mut read,
        keepalive,
    }) = open_socket("/ws/terminal", &query.to_query(), ping)
    else {
        let _ = state.try_set(TerminalState::Dropped);
        return;
    };
    shared.borrow_mut().outbox = Some(outbox);

    let terminal = shared.borrow().terminal.clone();
    let mut end = None;
    while let Some(message) = read.next().await {
        let Ok(message) = message else { break };
        match TerminalOutput::decode(to_frame(message)) {
            Ok(TerminalOutput::Output(bytes)) => {
                if let Some(terminal) = &terminal {
                    term_write(terminal, &js_sys::Uint8Array::from(&bytes[..]));
                }
            }
            Ok(TerminalOutput::Event(TerminalEvent::Started { .. })) => {
                shared.borrow_mut().live = true;
                resize_to_terminal(&shared);
                if let Some(terminal) = &terminal {
                    term_focus(terminal);
                }
                let _ = state.try_set(TerminalState::Connected);
            }
            Ok(TerminalOutput::Event(TerminalEvent::Exited { code })) => {
                end = Some(TerminalState::Exited(code));
                break;
            }
            Ok(TerminalOutput::Event(TerminalEvent::Failed { error })) => {
                end = Some(TerminalState::Refused(t.error(&error)));
                break;
            }
            Ok(TerminalOutput::Event(TerminalEvent::Restarting)) => {
                end = Some(TerminalState::Restarting);
                break;
            }
            Ok(TerminalOutput::Event(TerminalEvent::Pong)) | Err(_) => {}
        }
    }
    drop(keepalive);
    if shared.borrow().generation != generation {
        return; // a newer connection owns the page now
    }
    {
        let mut s = shared.borrow_mut();
        s.live = false;
        s.outbox.take();
    }
    let end = end.unwrap_or(TerminalState::Dropped);
    let line = match &end {
        TerminalState::Exited(code) => (t.terminal_exited)(*code),
        TerminalState::Refused(message) => format!("{}: {message}", t.terminal_refused),
        TerminalState::Restarting => t.terminal_restarting.to_owned(),
        _ => t.terminal_dropped.to_owned(),
    };
    if let Some(terminal) = &terminal {
        term_writeln(terminal, &format!("\r\n\x1b[33m{line}\x1b[0m"));
    }
    if let TerminalState::Exited(code) = &end {
        super::embed::report("terminal-exited", serde_json::json!({ "code": code }));
    }
    let _ = state.try_set(end);
}
