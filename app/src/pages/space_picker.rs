//! The space picker (全部容器空间): every space of the cluster, filtered as
//! you type, for a cluster with more spaces than the tab bar holds; and the
//! tabs the browser remembers (recently opened, pinned) for each cluster.

use crate::components::use_texts;
use leptos::prelude::*;
use wharf_spec::space::{SpaceTabs, matching_spaces};
use wharf_spec::view::SpaceSummary;

/// Matches listed at most; typing narrows the rest.
const LISTED: usize = 100;

/// The remembered tabs of the page's cluster, with the current space
/// recorded as opened. Empty on the server and until the page is hydrated
/// (the browser's storage is read after), so both render the same first.
pub fn use_space_tabs(current: Memo<Option<String>>) -> RwSignal<SpaceTabs> {
    let tabs = RwSignal::new(SpaceTabs::default());
    #[cfg(feature = "hydrate")]
    Effect::new(move |loaded: Option<()>| {
        let space = current.get();
        if loaded.is_none() {
            tabs.set(storage::load());
        }
        if let Some(space) = space {
            tabs.update(|t| t.visit(&space));
            storage::save(&tabs.get_untracked());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = current;
    tabs
}

/// The browser's localStorage, one key per list and cluster.
#[cfg(feature = "hydrate")]
mod storage {
    use wharf_spec::space::SpaceTabs;

    fn key(list: &str) -> String {
        let cluster = crate::paths::current_cluster().unwrap_or_default();
        format!("wharf.spaces.{list}.{cluster}")
    }

    fn store() -> Option<web_sys::Storage> {
        leptos::prelude::window().local_storage().ok().flatten()
    }

    pub fn load() -> SpaceTabs {
        let read = |list| {
            store()
                .and_then(|s| s.get_item(&key(list)).ok().flatten())
                .map(|v| SpaceTabs::decode(&v))
                .unwrap_or_default()
        };
        SpaceTabs {
            recent: read("recent"),
            pinned: read("pinned"),
        }
    }

    /// Best effort: a browser that refuses storage just forgets.
    pub fn save(tabs: &SpaceTabs) {
        if let Some(s) = store() {
            let _ = s.set_item(&key("recent"), &SpaceTabs::encode(&tabs.recent));
            let _ = s.set_item(&key("pinned"), &SpaceTabs::encode(&tabs.pinned));
        }
    }
}

/// Moves the focus among the picker's links: `by` places on (0: the first).
#[cfg(feature = "hydrate")]
fn focus_link(by: Option<i32>) {
    use leptos::wasm_bindgen::JsCast;
    let document = document();
    let Ok(links) = document.query_selector_all("#space-picker-list a") else {
        return;
    };
    let count = links.length() as i32;
    if count == 0 {
        return;
    }
    let active = document.active_element();
    let at = (0..count).find(|&i| {
        links
            .item(i as u32)
            .zip(active.as_ref())
            .is_some_and(|(link, active)| link.is_same_node(Some(active)))
    });
    let next = match (by, at) {
        (None, _) | (Some(_), None) => 0,
        (Some(by), Some(at)) => (at + by).clamp(0, count - 1),
    };
    if let Some(link) = links
        .item(next as u32)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = link.focus();
    }
}

/// The button "全部容器空间 N" and its panel: a filter, the matching spaces
/// as links to the same section of each, and a pin to keep one as a tab.
#[component]
pub fn SpacePicker(
    /// Every space, in tab order.
    spaces: Signal<Vec<SpaceSummary>>,
    tabs: RwSignal<SpaceTabs>,
    /// The section the links open (`services`, `apps`, …).
    section: Memo<&'static str>,
) -> impl IntoView {
    let t = use_texts();
    let open = RwSignal::new(false);
    let filter = RwSignal::new(String::new());
    let button = NodeRef::<leptos::html::Button>::new();
    let input = NodeRef::<leptos::html::Input>::new();
    let matches = Memo::new(move |_| {
        spaces.with(|all| {
            filter.with(|f| {
                matching_spaces(all, f)
                    .into_iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
            })
        })
    });
    let href = move |name: &str| {
        format!(
            "{}/spaces/{name}/{}",
            crate::paths::cluster_root(),
            section.get()
        )
    };
    let close = move |refocus: bool| {
        open.set(false);
        filter.set(String::new());
        if refocus && let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    // The filter takes the focus as the panel opens.
    Effect::new(move |_| {
        if let Some(i) = input.get() {
            let _ = i.focus();
        }
    });
    let navigate = leptos_router::hooks::use_navigate();
    let on_filter_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            if let Some(name) = matches.with_untracked(|m| m.first().cloned()) {
                close(false);
                navigate(&href(&name), Default::default());
            }
        }
        "ArrowDown" => {
            ev.prevent_default();
            #[cfg(feature = "hydrate")]
            focus_link(None);
        }
        _ => {}
    };
    let on_panel_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close(true);
        }
        "ArrowDown" | "ArrowUp" if ev.target() != input.get_untracked().map(Into::into) => {
            ev.prevent_default();
            #[cfg(feature = "hydrate")]
            focus_link(Some(if ev.key() == "ArrowDown" { 1 } else { -1 }));
        }
        _ => {}
    };
    let rows = move || {
        matches.with(|m| {
            m.iter()
                .take(LISTED)
                .map(|name| {
                    let pinned = {
                        let name = name.clone();
                        Memo::new(move |_| tabs.with(|t| t.is_pinned(&name)))
                    };
                    let toggle = {
                        let name = name.clone();
                        move |_| {
                            tabs.update(|t| t.toggle_pin(&name));
                            #[cfg(feature = "hydrate")]
                            storage::save(&tabs.get_untracked());
                        }
                    };
                    view! {
                        <li data-space=name.clone()>
                            <a href=href(name) on:click=move |_| close(false)>{name.clone()}</a>
                            <button type="button" class="pin" data-pin=name.clone()
                                aria-pressed=move || pinned.get().to_string()
                                aria-label=move || if pinned.get() { t.unpin_space } else { t.pin_space }
                                title=move || if pinned.get() { t.unpin_space } else { t.pin_space }
                                on:click=toggle>
                                {move || if pinned.get() { "★" } else { "☆" }}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="space-picker">
            <button id="space-picker" type="button" class="btn" node_ref=button
                aria-haspopup="dialog" aria-expanded=move || open.get().to_string()
                on:click=move |_| if open.get_untracked() { close(false) } else { open.set(true) }>
                {t.all_spaces}
                <span class="count" id="space-count">{move || spaces.with(Vec::len)}</span>
            </button>
            <Show when=move || open.get()>
                <div class="picker-backdrop" on:click=move |_| close(false)></div>
                <div id="space-picker-panel" class="picker-panel" role="dialog" aria-label=t.all_spaces
                    on:keydown=on_panel_key>
                    <input id="space-picker-filter" type="search" autocomplete="off" node_ref=input
                        placeholder=t.find_space aria-label=t.find_space aria-describedby="space-picker-count"
                        prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev))
                        on:keydown=on_filter_key.clone() />
                    <div id="space-picker-count" class="small muted" aria-live="polite">
                        {move || (t.spaces_matching)(matches.with(Vec::len), spaces.with(Vec::len))}
                    </div>
                    <ul id="space-picker-list">{rows}</ul>
                    {move || {
                        let more = matches.with(Vec::len).saturating_sub(LISTED);
                        (more > 0).then(|| view! { <div class="small muted">{(t.more_spaces)(more)}</div> })
                    }}
                </div>
            </Show>
        </div>
    }
}
