//! `/spaces/:space/pods`: every pod of the space (容器组), live, filtered
//! and sorted by the URL, virtualised for spaces of tens of thousands.

use crate::api::AppError;
use crate::components::live::{
    ListFilters, ListQuery, LiveList, LiveStatus, SortHeader, VirtualTable, empty_rows,
    use_list_query, use_live_list,
};
use crate::components::{ErrorNotice, Loading, use_param, use_texts};
use crate::i18n::Texts;
use crate::pages::usage_cells;
use leptos::prelude::*;
use std::collections::HashMap;
use wharf_spec::live::{LiveKind, LiveRows, SortColumn, Source};
use wharf_spec::view::{PodRow, Usage, format_age};

fn status_words(t: &'static Texts, status: &str) -> String {
    t.pod_reason(status)
}

#[component]
pub fn SpacePods() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let query = use_list_query();
    let source = Memo::new(move |_| {
        Source::selected(
            LiveKind::Pods,
            space.get(),
            query.with(|q| q.labels.clone()),
        )
    });
    let view = Memo::new(move |_| query.with(|q| q.view.clone()));
    let list = use_live_list(source, view);
    view! {
        <div class="toolbar">
            <h1>{t.pods_title}</h1>
        </div>
        <ListFilters query list status_label=t.filter_status status_text=status_words />
        <LivePodsTable list space query id="space-pods-table" empty=true />
    }
}

/// The pods a label selector picks (a Service's, an app's), live; sorted
/// by the page's URL like every live table.
#[component]
pub fn SelectedPods(space: Memo<String>, labels: String, id: &'static str) -> impl IntoView {
    let query = use_list_query();
    let source = Memo::new(move |_| Source::selected(LiveKind::Pods, space.get(), labels.clone()));
    let view = Memo::new(move |_| query.with(|q| q.view.clone()));
    let list = use_live_list(source, view);
    view! { <LivePodsTable list space query id empty=false /> }
}

/// A live list of pods: its state line and its virtualised table, from the
/// server-rendered first window on.
#[component]
fn LivePodsTable(
    list: LiveList,
    space: Memo<String>,
    query: Memo<ListQuery>,
    id: &'static str,
    /// Say so when the space has no pods at all (the space's own list).
    empty: bool,
) -> impl IntoView {
    let t = use_texts();
    let usage = RwSignal::new(HashMap::<String, Usage>::new());
    #[cfg(feature = "hydrate")]
    refresh_usage(list, space, usage);
    let header = move || {
        view! {
            <tr>
                <SortHeader column=SortColumn::Name label=t.col_name query />
                <SortHeader column=SortColumn::Status label=t.col_status query />
                <SortHeader column=SortColumn::Ready label=t.col_ready query class="num" />
                <SortHeader column=SortColumn::Restarts label=t.col_restarts query class="num" />
                <SortHeader column=SortColumn::Node label=t.col_node query />
                <SortHeader column=SortColumn::Ip label=t.col_pod_ip query />
                <th class="num">{t.col_cpu}</th>
                <th class="num">{t.col_memory}</th>
                <SortHeader column=SortColumn::Age label=t.col_age query class="num" />
            </tr>
        }
    };
    let rows = move |rows: &LiveRows, offset: u32| {
        let space = space.get_untracked();
        let LiveRows::Pods(pods) = rows else {
            return ().into_any();
        };
        let usage = usage.get();
        pods.iter()
            .enumerate()
            .map(|(i, p)| {
                let p = PodRow {
                    usage: usage.get(&p.name).copied(),
                    ..p.clone()
                };
                view! {
                    <tr data-pod=p.name.clone() aria-rowindex=offset + i as u32 + 2>
                        <td class="mono"><a href=format!("{}/spaces/{space}/pods/{}", crate::paths::cluster_root(), p.name)>{p.name.clone()}</a></td>
                        <td><span class="kind" data-pod-status=p.status.clone()>{t.pod_reason(&p.status)}</span></td>
                        <td class="num">{format!("{}/{}", p.ready, p.containers)}</td>
                        <td class="num">{p.restarts}</td>
                        <td class="mono small">{p.node.clone().unwrap_or_default()}</td>
                        <td class="mono small">{p.ip.clone().unwrap_or_default()}</td>
                        {usage_cells(t, &p)}
                        <td class="num">{p.age_seconds.map(format_age).unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    let body = move || {
        Suspend::new(async move {
            match list.first.await {
                Ok(first) => {
                    let for_empty = first.clone();
                    view! {
                        <LiveStatus list first=first.clone() />
                        {move || empty.then(|| empty_rows(&list.current(&for_empty), "pods-empty", t.no_pods_title, t.no_pods_hint)).flatten()}
                        <VirtualTable list first id label=t.pods_title columns=9 header row=rows />
                    }
                    .into_any()
                }
                Err(AppError(error)) => view! { <ErrorNotice error /> }.into_any(),
            }
        })
    };
    view! { <Transition fallback=Loading>{body}</Transition> }
}

/// How often the CPU and memory of the rows in view are read again (only
/// while the page is visible): they come from the kubelets, not a watch.
#[cfg(feature = "hydrate")]
const USAGE_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

#[cfg(feature = "hydrate")]
fn refresh_usage(list: LiveList, space: Memo<String>, usage: RwSignal<HashMap<String, Usage>>) {
    use crate::api::pods_usage;
    use leptos::task::spawn_local;
    let read = move || {
        if document().hidden() {
            return;
        }
        let pods: Vec<(String, String)> =
            list.window
                .with_untracked(|w| match w.as_ref().map(|w| &w.rows) {
                    Some(LiveRows::Pods(rows)) => rows
                        .iter()
                        .filter_map(|r| Some((r.name.clone(), r.node.clone()?)))
                        .collect(),
                    _ => Vec::new(),
                });
        if pods.is_empty() {
            return;
        }
        spawn_local(async move {
            if let Ok(read) = pods_usage(space.get_untracked(), pods).await {
                usage.set(read.into_iter().collect());
            }
        });
    };
    // Once when the first window arrives, then on the timer.
    Effect::new(move |done: Option<bool>| {
        let arrived = list.window.with(Option::is_some);
        if arrived && done != Some(true) {
            read();
        }
        arrived || done == Some(true)
    });
    if let Ok(handle) = set_interval_with_handle(read, USAGE_EVERY) {
        on_cleanup(move || handle.clear());
    }
}
