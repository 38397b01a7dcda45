//! Live lists on the page: the subscription (`use_live_list`), the view
//! kept in the URL, and the virtualised table that asks for the rows in
//! view.
//!
//! The server renders the first window (from the `live_rows` server
//! function); in the browser the list subscribes over the tab's one socket
//! (`crate::streams::live`) and every window replaces the rows shown. The
//! DOM holds the rows in view plus a margin, between two spacer rows that
//! give the scrollbar the length of the whole list.

use crate::api::{AppError, live_rows};
use crate::components::{ErrorNotice, use_texts};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use wharf_spec::ApiError;
use wharf_spec::live::{LiveRows, LiveState, MAX_WINDOW, SortColumn, Source, View, Window};

/// The height of one table row in pixels; `style/main.css` fixes rows of
/// `.vtable` to it.
pub const ROW_PX: f64 = 34.0;
/// Rows kept above and below the ones in view.
const MARGIN: u32 = 60;

/// One live list on a page.
#[derive(Clone, Copy)]
pub struct LiveList {
    /// The latest window from the socket (None until the first arrives).
    pub window: RwSignal<Option<Window>>,
    pub state: RwSignal<LiveState>,
    /// The subscription was refused (forbidden, bad selector).
    pub error: RwSignal<Option<ApiError>>,
    /// The view asked for: the URL's filter and sort, and the rows in view.
    pub view: RwSignal<View>,
    /// The server-rendered first window.
    pub first: crate::api::Loaded<Result<Window, AppError>>,
}

impl LiveList {
    /// What to show: the socket's latest window, else the first one.
    pub fn current(&self, first: &Window) -> Window {
        self.window.get().unwrap_or_else(|| first.clone())
    }
}

/// The URL's view of a list: `?q=name&labels=app%3Dweb&status=Running&sort=age&desc=1`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub labels: String,
    pub view: View,
    /// The order when the URL names none (by name; events newest first).
    pub default_sort: SortColumn,
}

impl ListQuery {
    /// No filter, the default order.
    pub fn cleared(&self) -> ListQuery {
        ListQuery {
            view: View {
                sort: self.default_sort,
                ..View::default()
            },
            default_sort: self.default_sort,
            ..ListQuery::default()
        }
    }
}

pub fn use_list_query() -> Memo<ListQuery> {
    use_list_query_sorted(SortColumn::Name)
}

/// The URL's view of a list whose order, when the URL names none, is
/// `default_sort`.
pub fn use_list_query_sorted(default_sort: SortColumn) -> Memo<ListQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            let text = |key: &str| q.get(key).unwrap_or_default();
            ListQuery {
                labels: text("labels"),
                view: View {
                    name: text("q"),
                    status: text("status"),
                    sort: SortColumn::parse(&text("sort")).unwrap_or(default_sort),
                    descending: text("desc") == "1",
                    ..View::default()
                },
                default_sort,
            }
        })
    })
}

/// Puts `query` in the URL (replacing the history entry: filtering is not
/// navigation).
pub fn set_list_query(query: &ListQuery) {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let v = &query.view;
    if !v.name.is_empty() {
        pairs.push(("q", v.name.clone()));
    }
    if !query.labels.is_empty() {
        pairs.push(("labels", query.labels.clone()));
    }
    if !v.status.is_empty() {
        pairs.push(("status", v.status.clone()));
    }
    if v.sort != query.default_sort {
        pairs.push(("sort", v.sort.as_str().to_owned()));
    }
    if v.descending {
        pairs.push(("desc", "1".to_owned()));
    }
    let search = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", wharf_spec::stream::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let path = use_location().pathname.get_untracked();
    let url = if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    };
    use_navigate()(
        &url,
        NavigateOptions {
            replace: true,
            scroll: false,
            ..NavigateOptions::default()
        },
    );
}

/// Subscribes to `source` with the filter and sort of `query` for as long
/// as the calling component lives.
pub fn use_live_list(source: Memo<Source>, query: Memo<View>) -> LiveList {
    // The first window depends on the source only: a new filter or sort in
    // the browser goes over the socket, not through a server function.
    let first = crate::api::resource(
        move || source.get(),
        move |source| live_rows(source, query.get_untracked()),
    );
    let list = LiveList {
        window: RwSignal::new(None),
        state: RwSignal::new(LiveState::Syncing),
        error: RwSignal::new(None),
        view: RwSignal::new(query.get_untracked()),
        first,
    };
    // A new filter or sort starts again at the top.
    Effect::new(move |previous: Option<View>| {
        let wanted = query.get();
        if previous.is_some_and(|p| p != wanted) {
            list.view.set(View {
                limit: list.view.with_untracked(|v| v.limit),
                ..wanted.clone()
            });
        }
        wanted
    });
    #[cfg(feature = "hydrate")]
    subscribe(source, list);
    list
}

#[cfg(feature = "hydrate")]
fn subscribe(source: Memo<Source>, list: LiveList) {
    use crate::streams::live;
    use std::rc::Rc;
    use wharf_spec::live::LiveMessage;
    let id = StoredValue::new(None::<u32>);
    Effect::new(move |_| {
        let source = source.get();
        if let Some(old) = id.get_value() {
            live::unsubscribe(old);
        }
        list.window.set(None);
        list.error.set(None);
        let handler: live::Handler = Rc::new(move |message| match message {
            LiveMessage::Rows { window, .. } => {
                list.state.set(window.state);
                list.window.set(Some(window));
            }
            LiveMessage::State { state, .. } => list.state.set(state),
            LiveMessage::Failed { error, .. } => list.error.set(Some(error)),
            LiveMessage::Pong => {}
        });
        id.set_value(Some(live::subscribe(
            source,
            list.view.get_untracked(),
            handler,
        )));
    });
    Effect::new(move |_| {
        let view = list.view.get();
        if let Some(id) = id.get_value() {
            live::change_view(id, view);
        }
    });
    on_cleanup(move || {
        if let Some(id) = id.get_value() {
            live::unsubscribe(id);
        }
    });
}

/// How current the list is, and how many rows it has, in words.
#[component]
pub fn LiveStatus(list: LiveList, first: Window) -> impl IntoView {
    let t = use_texts();
    let first = StoredValue::new(first);
    let state = move || match list.state.get() {
        // A lost socket is said at once, even over server-rendered rows
        // (the list's own first window may not have come yet while other
        // lists of the tab had theirs).
        LiveState::Reconnecting => LiveState::Reconnecting,
        // Server-rendered rows: current as of the render.
        _ if list.window.with(Option::is_none) => first.with_value(|f| f.state),
        state => state,
    };
    view! {
        <div class="live-status" role="status" aria-live="polite" data-live-state=move || format!("{:?}", state()).to_lowercase()>
            {move || {
                let w = first.with_value(|f| list.current(f));
                match state() {
                    LiveState::Live => view! {
                        <span class="live-dot" aria-hidden="true"></span>
                        <span>{t.live_now}</span>
                        <span class="muted">" · "{(t.rows_count)(w.matched, w.total)}</span>
                    }.into_any(),
                    LiveState::Syncing => view! {
                        <span class="spinner" aria-hidden="true"></span>
                        <span>{(t.live_syncing)(w.total)}</span>
                    }.into_any(),
                    LiveState::Reconnecting => view! {
                        <span class="notice-warn-inline">{t.live_reconnecting}</span>
                    }.into_any(),
                }
            }}
        </div>
        {move || list.error.get().map(|error| view! { <ErrorNotice error /> })}
    }
}

/// A column header that sorts the list by `column` (again: the other way).
#[component]
pub fn SortHeader(
    column: SortColumn,
    label: &'static str,
    query: Memo<ListQuery>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let sorted = move || query.with(|q| (q.view.sort == column).then_some(q.view.descending));
    view! {
        <th class=class aria-sort=move || match sorted() {
            Some(false) => "ascending",
            Some(true) => "descending",
            None => "none",
        }>
            <button type="button" class="sort" data-sort=column.as_str() on:click=move |_| {
                let mut q = query.get_untracked();
                q.view.descending = q.view.sort == column && !q.view.descending;
                q.view.sort = column;
                set_list_query(&q);
            }>
                {label}
                <span class="sort-mark" aria-hidden="true">{move || match sorted() {
                    Some(false) => "▲",
                    Some(true) => "▼",
                    None => "",
                }}</span>
            </button>
        </th>
    }
}

/// The scrolling part of a live table: `header` is the `<tr>` of column
/// headers, `row` draws the window's rows (`<tr>`s, the first being row
/// `offset` of the list). Scrolling asks for the rows that come into view.
#[component]
pub fn VirtualTable<H, R, V>(
    list: LiveList,
    first: Window,
    id: &'static str,
    label: &'static str,
    columns: u32,
    header: H,
    row: R,
) -> impl IntoView
where
    H: Fn() -> V + Send + Sync + 'static,
    V: IntoView + 'static,
    R: Fn(&LiveRows, u32) -> AnyView + Send + Sync + 'static,
{
    let scroller = NodeRef::<leptos::html::Div>::new();
    let first = StoredValue::new(first);
    let current = move || first.with_value(|f| list.current(f));
    let on_scroll = move |_| {
        let Some(element) = scroller.get_untracked() else {
            return;
        };
        let top = (element.scroll_top() as f64 / ROW_PX).floor() as u32;
        let shown = (element.client_height() as f64 / ROW_PX).ceil() as u32 + 1;
        let (offset, len, matched) = first.with_value(|f| {
            list.window.with_untracked(|w| {
                let w = w.as_ref().unwrap_or(f);
                (w.offset, w.rows.len() as u32, w.matched)
            })
        });
        let covered = top >= offset && (top + shown <= offset + len || offset + len >= matched);
        let near_edge = (top < offset + MARGIN / 3 && offset > 0)
            || (top + shown + MARGIN / 3 > offset + len && offset + len < matched);
        if !covered || near_edge {
            let start = top.saturating_sub(MARGIN);
            list.view.update(|v| {
                v.offset = start;
                v.limit = (shown + 2 * MARGIN).min(MAX_WINDOW);
            });
        }
    };
    // A new filter: back to the top.
    Effect::new(
        move |previous: Option<(String, String, SortColumn, bool)>| {
            let key = list
                .view
                .with(|v| (v.name.clone(), v.status.clone(), v.sort, v.descending));
            if previous.is_some_and(|p| p != key)
                && let Some(element) = scroller.get_untracked()
            {
                element.set_scroll_top(0);
            }
            key
        },
    );
    view! {
        <div class="vscroll" node_ref=scroller on:scroll=on_scroll tabindex="0" role="region" aria-label=label>
            <table class="table vtable" id=id aria-rowcount=move || current().matched + 1>
                <thead>{header().into_any()}</thead>
                <tbody>
                    {move || {
                        let w = current();
                        let before = w.offset as f64 * ROW_PX;
                        let after = (w.matched.saturating_sub(w.offset + w.rows.len() as u32)) as f64 * ROW_PX;
                        view! {
                            <tr class="spacer" aria-hidden="true" style=format!("height:{before}px")><td colspan=columns></td></tr>
                            {row(&w.rows, w.offset)}
                            <tr class="spacer" aria-hidden="true" style=format!("height:{after}px")><td colspan=columns></td></tr>
                        }
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// The filter bar of a live list: name, label selector (a new watch, so
/// applied on Enter or when the field is left), and status with counts.
#[component]
pub fn ListFilters(
    query: Memo<ListQuery>,
    list: LiveList,
    /// The status filter's label ("Status", or "Type" for Services).
    status_label: &'static str,
    /// A status in words.
    status_text: fn(&'static crate::i18n::Texts, &str) -> String,
) -> impl IntoView {
    let t = use_texts();
    // From the socket's windows only: the server render has none (the
    // first window is read inside the page's <Transition>, not here).
    let statuses = move || {
        list.window
            .with(|w| w.as_ref().map(|w| w.statuses.clone()))
            .unwrap_or_default()
    };
    let update = move |change: &dyn Fn(&mut ListQuery)| {
        let mut q = query.get_untracked();
        change(&mut q);
        set_list_query(&q);
    };
    // `/` anywhere but in a field goes to the name filter (as on GitHub).
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, |ev| {
            use wasm_bindgen::JsCast;
            if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|e| {
                    matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || e.closest("[contenteditable], .cm-editor, .xterm")
                            .ok()
                            .flatten()
                            .is_some()
                });
            if typing {
                return;
            }
            if let Some(filter) = document()
                .get_element_by_id("filter-name")
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                ev.prevent_default();
                let _ = filter.focus();
            }
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <div class="filters" role="search">
            <input type="search" id="filter-name" class="input" aria-label=t.filter_name placeholder=t.filter_name
                aria-keyshortcuts="/"
                prop:value=move || query.with(|q| q.view.name.clone())
                on:input=move |ev| { let v = event_target_value(&ev); update(&|q| q.view.name = v.clone()) } />
            <input type="text" id="filter-labels" class="input mono" aria-label=t.filter_labels
                placeholder=format!("{} (app=web,tier!=db)", t.filter_labels)
                prop:value=move || query.with(|q| q.labels.clone())
                on:change=move |ev| { let v = event_target_value(&ev).trim().to_owned(); update(&|q| q.labels = v.clone()) } />
            <label class="inline-field">
                <span>{status_label}</span>
                <select id="filter-status" class="input"
                    prop:value=move || query.with(|q| q.view.status.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); update(&|q| q.view.status = v.clone()) }>
                    <option value="">{t.all_statuses}</option>
                    {move || {
                        let mut options = statuses();
                        // The status in the URL stays choosable even when no row has it now.
                        let chosen = query.with(|q| q.view.status.clone());
                        if !chosen.is_empty() && !options.iter().any(|(s, _)| *s == chosen) {
                            options.push((chosen, 0));
                        }
                        options.into_iter().map(|(status, count)| {
                            let selected = query.with_untracked(|q| q.view.status == status);
                            view! {
                                <option value=status.clone() selected=selected>
                                    {format!("{} ({count})", status_text(t, &status))}
                                </option>
                            }
                        }).collect_view()
                    }}
                </select>
            </label>
            <Show when=move || query.with(|q| *q != q.cleared())>
                <button type="button" id="clear-filters" class="btn" on:click=move |_| set_list_query(&query.get_untracked().cleared())>
                    {t.clear_filters}
                </button>
            </Show>
        </div>
    }
}

/// What a list with no rows says: nothing here, or nothing matching.
pub fn empty_rows(
    w: &Window,
    id: &'static str,
    title: &'static str,
    hint: &'static str,
) -> Option<AnyView> {
    let t = use_texts();
    if w.matched > 0 {
        return None;
    }
    Some(if w.total == 0 {
        view! {
            <div class="empty-state" id=id>
                <h2>{title}</h2>
                <p class="muted">{hint}</p>
            </div>
        }
        .into_any()
    } else {
        view! { <p class="empty-state muted" id="no-matching-rows">{t.no_matching_rows}</p> }
            .into_any()
    })
}

/// Follows `source` over the tab's socket for as long as the calling
/// component lives (browser only), for lists that are not tables: the
/// space tabs. `on_window` gets every window; refusals are ignored (the
/// page keeps what it rendered).
pub fn follow(source: Source, view: View, on_window: impl Fn(Window) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use crate::streams::live;
        use std::rc::Rc;
        use wharf_spec::live::LiveMessage;
        let handler: live::Handler = Rc::new(move |message| {
            if let LiveMessage::Rows { window, .. } = message {
                on_window(window);
            }
        });
        let id = live::subscribe(source, view, handler);
        on_cleanup(move || live::unsubscribe(id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (source, view, on_window);
}

/// How long a page waits after a change before reading its object again:
/// a burst of changes (a rollout, a Service's pods coming up) costs one
/// read.
#[cfg(feature = "hydrate")]
const REREAD_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

/// Follows the object(s) of `source` (a detail page's own object, by a
/// field selector) over the tab's socket while the calling component
/// lives, and calls `reread` once after each burst of changes, starting
/// with the first window (it may be newer than the server's render).
/// Returns how current the following is, for [`LiveBadge`]. `None`: not
/// yet known (the page's object has not loaded).
pub fn use_live_changes(
    source: Memo<Option<Source>>,
    reread: impl Fn() + Clone + 'static,
) -> RwSignal<LiveState> {
    let state = RwSignal::new(LiveState::Syncing);
    #[cfg(feature = "hydrate")]
    {
        use crate::streams::live;
        use std::cell::Cell;
        use std::rc::Rc;
        use wharf_spec::live::LiveMessage;
        let id = StoredValue::new(None::<u32>);
        let pending = Rc::new(Cell::new(false));
        Effect::new(move |_| {
            let source = source.get();
            if let Some(old) = id.get_value() {
                live::unsubscribe(old);
                id.set_value(None);
            }
            let Some(source) = source else { return };
            let (pending, reread) = (pending.clone(), reread.clone());
            let handler: live::Handler = Rc::new(move |message| match message {
                LiveMessage::Rows { window, .. } => {
                    let _ = state.try_set(window.state);
                    if !pending.replace(true) {
                        let (pending, reread) = (pending.clone(), reread.clone());
                        set_timeout(
                            move || {
                                pending.set(false);
                                // A reread due after the page has gone must
                                // not touch its disposed signals (which go
                                // together with this one).
                                if state.try_get_untracked().is_some() {
                                    reread();
                                }
                            },
                            REREAD_AFTER,
                        );
                    }
                }
                LiveMessage::State { state: now, .. } => {
                    let _ = state.try_set(now);
                }
                LiveMessage::Failed { .. } | LiveMessage::Pong => {}
            });
            // One row is all a page's own object needs.
            let view = View {
                limit: 1,
                ..View::default()
            };
            id.set_value(Some(live::subscribe(source, view, handler)));
        });
        on_cleanup(move || {
            if let Some(id) = id.try_get_value().flatten() {
                live::unsubscribe(id);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (source, reread);
    state
}

/// A detail page's newer reads of its object, after live changes or its
/// own actions. They land here instead of refetching the page's
/// `Resource`: a refetch re-runs the page's `Transition`, which rebuilds
/// the whole page (a click between mouse-down and mouse-up is lost, and so
/// are focus, an action's notice and the subscriptions of the lists on
/// the page). Replies apply in the order they were asked for; an older one
/// never replaces a newer one.
pub struct Rereads<T: Send + Sync + 'static> {
    /// The newest successful reply, `None` until the first.
    newest: RwSignal<Option<T>>,
    /// The newest reply's failure (the object was deleted, or may no longer
    /// be read, or the server was not reached); cleared by a success.
    failure: RwSignal<Option<ApiError>>,
    // Read in the browser only.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    asked: StoredValue<u64>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    applied: StoredValue<u64>,
}

impl<T: Send + Sync + 'static> Clone for Rereads<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Rereads<T> {}

impl<T: Send + Sync + 'static> Default for Rereads<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + Sync + 'static> Rereads<T> {
    pub fn new() -> Self {
        Self {
            newest: RwSignal::new(None),
            failure: RwSignal::new(None),
            asked: StoredValue::new(0),
            applied: StoredValue::new(0),
        }
    }

    /// Reads again (browser only; the server renders the first read).
    pub fn read(self, read: impl std::future::Future<Output = Result<T, AppError>> + 'static) {
        #[cfg(feature = "hydrate")]
        {
            let Some(number) = self.asked.try_update_value(|n| {
                *n += 1;
                *n
            }) else {
                return;
            };
            leptos::task::spawn_local(async move {
                let reply = read.await;
                // The page may have gone while the read was out.
                if self.applied.try_get_value().is_some_and(|a| a < number) {
                    self.applied.set_value(number);
                    match reply {
                        Ok(newer) => {
                            let _ = self.newest.try_set(Some(newer));
                            let _ = self.failure.try_set(None);
                        }
                        Err(AppError(e)) => {
                            let _ = self.failure.try_set(Some(e));
                        }
                    }
                }
            });
        }
        // The server renders the first read only.
        #[cfg(not(feature = "hydrate"))]
        drop(read);
    }

    /// The object to show: the newest successful read, else `first`.
    pub fn current(self, first: T) -> Memo<T>
    where
        T: Clone + PartialEq,
    {
        Memo::new(move |_| self.newest.get().unwrap_or_else(|| first.clone()))
    }

    /// The newest read's failure, shown above what was read before.
    pub fn failure(self) -> ReadSignal<Option<ApiError>> {
        self.failure.read_only()
    }
}

/// A detail page's word on how current it is: live, or reconnecting (then
/// what it shows may be old).
#[component]
pub fn LiveBadge(state: RwSignal<LiveState>) -> impl IntoView {
    let t = use_texts();
    view! {
        <span class="live-status live-badge" role="status" aria-live="polite"
            data-live-state=move || format!("{:?}", state.get()).to_lowercase()>
            {move || match state.get() {
                LiveState::Live => view! { <span class="live-dot" aria-hidden="true"></span><span>{t.live_now}</span> }.into_any(),
                LiveState::Syncing => ().into_any(),
                LiveState::Reconnecting => view! { <span class="notice-warn-inline">{t.live_reconnecting}</span> }.into_any(),
            }}
        </span>
    }
}
