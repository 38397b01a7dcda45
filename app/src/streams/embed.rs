//! An embedded page tells its parent what happens (`postMessage`), to the
//! embedding origins Wharf was configured with and to no one else: the
//! browser delivers a message only if the parent's origin is the one named.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The origins from `<meta name="wharf-embed-origins">` (space-separated).
fn origins() -> Vec<String> {
    document()
        .query_selector("meta[name=wharf-embed-origins]")
        .ok()
        .flatten()
        .and_then(|m| m.dyn_into::<web_sys::HtmlMetaElement>().ok())
        .map(|m| m.content().split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

/// Posts `{source: "wharf", event, ...detail}` to the parent window.
pub fn report(event: &str, detail: serde_json::Value) {
    let window = window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if parent == window {
        return; // not in a frame
    }
    let mut message = serde_json::json!({ "source": "wharf", "event": event });
    if let (Some(m), serde_json::Value::Object(d)) = (message.as_object_mut(), detail) {
        m.extend(d);
    }
    let Ok(value) = js_sys::JSON::parse(&message.to_string()) else {
        return;
    };
    for origin in origins() {
        let _ = parent.post_message(&value, &origin);
    }
}

/// Reports `ready` once and `navigation` on every route change, with the
/// page's title, path and cluster.
pub fn report_navigation() {
    let location = leptos_router::hooks::use_location();
    let t = crate::components::use_texts();
    Effect::new(move |previous: Option<()>| {
        let path = location.pathname.get();
        // From the path, not the document: the route's title may not be
        // in the document yet when this runs.
        let title = crate::components::title::page_title(t, &path);
        let event = if previous.is_none() {
            "ready"
        } else {
            "navigation"
        };
        let cluster = crate::paths::current_cluster();
        report(
            event,
            serde_json::json!({ "title": title, "path": path, "cluster": cluster }),
        );
    });
}
