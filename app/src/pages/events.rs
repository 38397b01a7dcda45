//! Events (事件), live and newest first: the space's events page
//! (`/spaces/:space/events`), and the events of one object on its own page
//! (a pod's; an app's or a Service's, which share their name).

use crate::api::AppError;
use crate::components::live::{
    ListFilters, ListQuery, LiveList, LiveStatus, SortHeader, VirtualTable, empty_rows,
    use_list_query_sorted, use_live_list,
};
use crate::components::{ErrorNotice, Loading, use_param, use_texts};
use crate::i18n::Texts;
use leptos::prelude::*;
use wharf_spec::live::{LiveKind, LiveRows, SortColumn, Source, View};
use wharf_spec::view::{EventRow, format_age};

fn type_words(t: &'static Texts, status: &str) -> String {
    match status {
        "Warning" => t.event_warning.to_owned(),
        _ => t.event_normal.to_owned(),
    }
}

/// The page of the object an event is about, where Wharf has one.
fn object_href(space: &str, object: &str) -> Option<String> {
    let (kind, name) = object.split_once('/')?;
    let section = match kind {
        "Pod" => "pods",
        "Deployment" | "StatefulSet" => "apps",
        "Service" => "services",
        _ => return None,
    };
    Some(format!(
        "{}/spaces/{space}/{section}/{name}",
        crate::paths::cluster_root()
    ))
}

/// `/spaces/:space/events`: every event of the space, newest first,
/// filtered by type, name and labels in the URL.
#[component]
pub fn SpaceEvents() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let query = use_list_query_sorted(SortColumn::Age);
    let source = Memo::new(move |_| {
        Source::selected(
            LiveKind::Events,
            space.get(),
            query.with(|q| q.labels.clone()),
        )
    });
    let view = Memo::new(move |_| query.with(|q| q.view.clone()));
    let list = use_live_list(source, view);
    view! {
        <div class="toolbar">
            <h1>{t.events}</h1>
        </div>
        <ListFilters query list status_label=t.col_event_type status_text=type_words />
        <LiveEventsTable list space query=Some(query) id="space-events-table" whole_space=true />
    }
}

/// The events about objects named `name` (of `kind`, if given), live.
#[component]
pub fn ObjectEvents(
    space: Memo<String>,
    kind: Option<&'static str>,
    name: Memo<String>,
) -> impl IntoView {
    let source = Memo::new(move |_| Source::events_of(space.get(), kind, &name.get()));
    let view = Memo::new(|_| View {
        sort: SortColumn::Age,
        ..View::default()
    });
    let list = use_live_list(source, view);
    view! { <LiveEventsTable list space query=None id="events-table" whole_space=false /> }
}

#[component]
fn LiveEventsTable(
    list: LiveList,
    space: Memo<String>,
    /// The URL's view, for sortable headers (the space's page); an object's
    /// events are always newest first.
    query: Option<Memo<ListQuery>>,
    id: &'static str,
    /// The space's page: a column for the object, and an empty state.
    whole_space: bool,
) -> impl IntoView {
    let t = use_texts();
    let header = move || {
        let sortable = |column: SortColumn, label: &'static str, class: &'static str| match query {
            Some(query) => view! { <SortHeader column label query class /> }.into_any(),
            None => view! { <th class=class>{label}</th> }.into_any(),
        };
        view! {
            <tr>
                {sortable(SortColumn::Status, t.col_event_type, "")}
                {sortable(SortColumn::Type, t.col_reason, "")}
                {whole_space.then(|| sortable(SortColumn::Name, t.col_object, ""))}
                <th>{t.col_message}</th>
                {sortable(SortColumn::Restarts, t.col_count, "num")}
                {sortable(SortColumn::Age, t.col_last_seen, "num")}
                <th>{t.col_source}</th>
            </tr>
        }
    };
    let rows = move |rows: &LiveRows, offset: u32| {
        let LiveRows::Events(events) = rows else {
            return ().into_any();
        };
        let space = space.get_untracked();
        events
            .iter()
            .enumerate()
            .map(|(i, e)| event_row(t, &space, e, offset + i as u32 + 2, whole_space))
            .collect_view()
            .into_any()
    };
    let columns = if whole_space { 7 } else { 6 };
    let body = move || {
        Suspend::new(async move {
            match list.first.await {
                Ok(first) => {
                    let for_empty = first.clone();
                    let empty = move || {
                        let w = list.current(&for_empty);
                        if whole_space {
                            empty_rows(&w, "events-empty", t.no_events_title, t.no_events)
                        } else {
                            (w.total == 0).then(|| {
                                view! { <p class="muted" id="events-empty">{t.no_events}</p> }
                                    .into_any()
                            })
                        }
                    };
                    view! {
                        <LiveStatus list first=first.clone() />
                        {empty}
                        <VirtualTable list first id label=t.events columns header row=rows />
                    }
                    .into_any()
                }
                Err(AppError(error)) => view! { <ErrorNotice error /> }.into_any(),
            }
        })
    };
    view! { <Transition fallback=Loading>{body}</Transition> }
}

fn event_row(
    t: &'static Texts,
    space: &str,
    e: &EventRow,
    index: u32,
    whole_space: bool,
) -> impl IntoView + use<> {
    let kind = if e.warning { "Warning" } else { "Normal" };
    let object = whole_space.then(|| {
        let text = e.object.clone();
        match object_href(space, &e.object) {
            Some(href) => view! { <td class="mono small"><a href=href>{text}</a></td> }.into_any(),
            None => view! { <td class="mono small">{text}</td> }.into_any(),
        }
    });
    view! {
        <tr data-event=e.name.clone() data-event-reason=e.reason.clone() aria-rowindex=index class:warning=e.warning>
            <td><span class="kind" data-event-type=kind>{type_words(t, kind)}</span></td>
            <td>{e.reason.clone()}</td>
            {object}
            <td class="event-message" title=e.message.clone()>{e.message.clone()}</td>
            <td class="num">{e.count}</td>
            <td class="num">{e.age_seconds.map(format_age).unwrap_or_default()}</td>
            <td class="small">{e.source.clone()}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::object_href;

    #[test]
    fn events_link_to_the_pages_wharf_has() {
        assert_eq!(
            object_href("demo", "Pod/web-1").as_deref(),
            Some("/spaces/demo/pods/web-1")
        );
        assert_eq!(
            object_href("demo", "StatefulSet/db").as_deref(),
            Some("/spaces/demo/apps/db")
        );
        assert_eq!(object_href("demo", "ReplicaSet/web-5d9"), None);
        assert_eq!(object_href("demo", "web"), None);
    }
}
