//! The log page's client. Lines arrive in binary frames of complete lines;
//! they are drawn in batches every [`FLUSH`] (so a burst of thousands of
//! lines a second costs a few DOM updates, not thousands), then
//! acknowledged, which lets the server send more (flow control: see
//! `wharf_spec::stream`). Lines are drawn as text nodes (ANSI colours as
//! classes), never as HTML.

use super::{Socket, open_socket, to_frame, to_message};
use crate::components::stream_state::{LogState, LogView};
use futures::StreamExt;
use futures::channel::mpsc;
use gloo_net::websocket::Message;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wharf_spec::ansi::{self, Style};
use wharf_spec::stream::{LogControl, LogEvent, LogOutput, LogQuery};

/// How often new lines are drawn.
const FLUSH: Duration = Duration::from_millis(100);
/// Lines kept on the page; older ones leave it (the download has them all).
const MAX_LINES: usize = 100_000;

struct Line {
    source: u32,
    text: String,
}

#[derive(Default)]
struct Logs {
    lines: VecDeque<Line>,
    pending: Vec<Line>,
    pending_bytes: u64,
    names: HashMap<u32, String>,
    styles: HashMap<u32, Style>,
    multi: bool,
    received: usize,
    matches: usize,
    search: String,
    outbox: Option<mpsc::UnboundedSender<Message>>,
    generation: u32,
}

impl Logs {
    fn reset(&mut self, multi: bool) {
        let generation = self.generation + 1;
        let search = std::mem::take(&mut self.search);
        *self = Logs {
            multi,
            generation,
            search,
            ..Logs::default()
        };
    }
}

fn send(logs: &Rc<RefCell<Logs>>, control: LogControl) {
    if let Some(outbox) = &logs.borrow().outbox {
        let _ = outbox.unbounded_send(to_message(control.encode()));
    }
}

pub fn attach(node: NodeRef<leptos::html::Div>, query: Memo<LogQuery>, view: LogView) {
    let t = crate::components::use_texts();
    let logs = Rc::new(RefCell::new(Logs::default()));
    // (Re)connect when the options change or the user asks.
    {
        let logs = logs.clone();
        Effect::new(move |_| {
            view.session.track();
            let query = query.get();
            let Some(element) = node.get() else { return };
            element.set_inner_html("");
            logs.borrow_mut().reset(query.is_multi_pod());
            view.count.set(0);
            view.sources.set(Vec::new());
            spawn_local(connect(logs.clone(), query, view, t));
        });
    }
    // Search: redraw every line with the matches marked.
    {
        let logs = logs.clone();
        Effect::new(move |_| {
            let search = view.search.get();
            let Some(element) = node.get() else { return };
            let mut l = logs.borrow_mut();
            l.search = search;
            l.matches = 0;
            element.set_inner_html("");
            let fragment = document().create_document_fragment();
            let mut matches = 0;
            let mut styles = HashMap::new();
            for line in &l.lines {
                let style = styles.entry(line.source).or_insert_with(Style::default);
                matches += draw_line(&fragment, &l, line, style);
            }
            l.matches = matches;
            let _ = element.append_child(&fragment);
            view.matches.set(matches);
        });
    }
    // Draw what arrived, in batches.
    let flush = {
        let logs = logs.clone();
        set_interval_with_handle(
            move || {
                if let Some(element) = node.get_untracked() {
                    flush_pending(&logs, &element, view);
                }
            },
            FLUSH,
        )
        .ok()
    };
    let stored = StoredValue::new_local(logs);
    on_cleanup(move || {
        if let Some(flush) = flush {
            flush.clear();
        }
        stored.with_value(|logs| {
            let mut l = logs.borrow_mut();
            l.outbox.take();
            l.generation += 1;
        });
    });
}

fn flush_pending(logs: &Rc<RefCell<Logs>>, element: &web_sys::HtmlDivElement, view: LogView) {
    let (bytes, count, matches) = {
        let mut l = logs.borrow_mut();
        if l.pending.is_empty() {
            return;
        }
        let at_bottom =
            element.scroll_top() + element.client_height() >= element.scroll_height() - 40;
        let pending = std::mem::take(&mut l.pending);
        let fragment = document().create_document_fragment();
        let mut matches = 0;
        for line in &pending {
            let mut style = l.styles.get(&line.source).copied().unwrap_or_default();
            matches += draw_line(&fragment, &l, line, &mut style);
            l.styles.insert(line.source, style);
        }
        let _ = element.append_child(&fragment);
        l.received += pending.len();
        l.lines.extend(pending);
        // Keep the page (and memory) bounded: the oldest lines leave.
        while l.lines.len() > MAX_LINES {
            l.lines.pop_front();
            if let Some(first) = element.first_child() {
                let _ = element.remove_child(&first);
            }
        }
        if at_bottom {
            element.set_scroll_top(element.scroll_height());
        }
        l.matches += matches;
        let bytes = std::mem::take(&mut l.pending_bytes);
        (bytes, l.received, l.matches)
    };
    send(logs, LogControl::Ack { bytes });
    view.count.set(count);
    view.matches.set(matches);
}

/// Appends one line to `parent`; returns how many search matches it has.
fn draw_line(
    parent: &web_sys::DocumentFragment,
    logs: &Logs,
    line: &Line,
    style: &mut Style,
) -> usize {
    let doc = document();
    let Ok(div) = doc.create_element("div") else {
        return 0;
    };
    div.set_class_name("log-line");
    if logs.multi
        && let Ok(prefix) = doc.create_element("span")
    {
        prefix.set_class_name(&format!("log-src src-{}", line.source % 8));
        prefix.set_text_content(logs.names.get(&line.source).map(String::as_str));
        let _ = div.append_child(&prefix);
    }
    let (runs, end) = ansi::parse(&line.text, *style);
    *style = end;
    // Matches are found in the line's text as shown (escapes removed), so a
    // match may span colour runs.
    let plain: String = runs.iter().map(|r| r.text.as_str()).collect();
    let found = ansi::find_all(&plain, &logs.search);
    let mut offset = 0;
    for run in runs {
        let classes = run.style.classes();
        let target: web_sys::Node = if classes.is_empty() {
            div.clone().unchecked_into()
        } else {
            match doc.create_element("span") {
                Ok(span) => {
                    span.set_class_name(&classes);
                    let _ = div.append_child(&span);
                    span.unchecked_into()
                }
                Err(_) => continue,
            }
        };
        append_marked(&target, &run.text, offset, &found);
        offset += run.text.len();
    }
    let _ = parent.append_child(&div);
    found.len()
}

/// Appends `text` (which starts at `offset` in its line) to `parent` as text
/// nodes, the parts inside `ranges` in `<mark>`s.
fn append_marked(parent: &web_sys::Node, text: &str, offset: usize, ranges: &[(usize, usize)]) {
    let doc = document();
    let end = offset + text.len();
    let mut at = offset;
    for &(start, stop) in ranges.iter().filter(|(s, e)| *e > offset && *s < end) {
        let (start, stop) = (start.max(offset), stop.min(end));
        if start > at {
            let _ = parent.append_child(&doc.create_text_node(&text[at - offset..start - offset]));
        }
        if let Ok(mark) = doc.create_element("mark") {
            mark.set_text_content(Some(&text[start - offset..stop - offset]));
            let _ = parent.append_child(&mark);
        }
        at = stop;
    }
    if at < end {
        let _ = parent.append_child(&doc.create_text_node(&text[at - offset..]));
    }
}

async fn connect(
    logs: Rc<RefCell<Logs>>,
    query: LogQuery,
    view: LogView,
    t: &'static crate::i18n::Texts,
) {
    let generation = logs.borrow().generation;
    let _ = view.state.try_set(LogState::Connecting);
    let Some(Socket {
        outbox,
        mut read,
        keepalive,
    }) = open_socket("/ws/logs", &query.to_query(), LogControl::Ping.encode())
    else {
        let _ = view.state.try_set(LogState::Dropped);
        return;
    };
    logs.borrow_mut().outbox = Some(outbox);
    let mut end = None;
    while let Some(message) = read.next().await {
        let Ok(message) = message else { break };
        if logs.borrow().generation != generation {
            break; // the page reconnected with other options
        }
        match LogOutput::decode(to_frame(message)) {
            Ok(LogOutput::Lines { source, bytes }) => {
                let mut l = logs.borrow_mut();
                l.pending_bytes += bytes.len() as u64;
                let text = String::from_utf8_lossy(&bytes);
                for line in text.split_terminator('\n') {
                    l.pending.push(Line {
                        source,
                        text: line.to_owned(),
                    });
                }
                drop(l);
                let _ = view.state.try_set(LogState::Live);
            }
            Ok(LogOutput::Event(LogEvent::Joined {
                source,
                pod,
                container,
            })) => {
                // The pod's name; a second container of the same pod adds its own.
                let same_pod = logs
                    .borrow()
                    .names
                    .values()
                    .any(|n| n.split('/').next() == Some(pod.as_str()));
                let name = if same_pod {
                    format!("{pod}/{container}")
                } else {
                    pod
                };
                logs.borrow_mut().names.insert(source, name.clone());
                let _ = view.state.try_set(LogState::Live);
                let _ = view.sources.try_update(|s| s.push((source, name, true)));
            }
            Ok(LogOutput::Event(LogEvent::Left { source })) => {
                let _ = view.sources.try_update(|s| {
                    for entry in s.iter_mut().filter(|e| e.0 == source) {
                        entry.2 = false;
                    }
                });
            }
            Ok(LogOutput::Event(LogEvent::End)) => {
                end = Some(LogState::Ended);
                break;
            }
            Ok(LogOutput::Event(LogEvent::Failed { error })) => {
                end = Some(LogState::Failed(t.error(&error)));
                if !query.is_multi_pod() {
                    break;
                }
            }
            Ok(LogOutput::Event(LogEvent::Pong)) | Err(_) => {}
        }
    }
    drop(keepalive);
    if logs.borrow().generation != generation {
        return;
    }
    logs.borrow_mut().outbox.take();
    let _ = view.state.try_set(end.unwrap_or(LogState::Dropped));
}
