//! Pods: the pod page (containers, events, YAML), a container's terminal and
//! its logs, and the logs of all of an app's pods. The terminal and the log
//! view are rendered empty on the server and come alive in the browser
//! (`crate::streams`), which opens their websockets.

use crate::api::{AppError, get_pod};
use crate::components::live::{LiveBadge, use_live_changes};
use crate::components::stream_state::{LogState, LogView, TerminalState};
use crate::components::{ErrorNotice, GuardedLink, Loading, use_param, use_texts};
use crate::i18n::Texts;
use crate::pages::ObjectEvents;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wharf_spec::access::Action;
use wharf_spec::live::{LiveKind, Source};
use wharf_spec::stream::{ExecQuery, LogQuery, Since, Tail};
use wharf_spec::view::{ContainerState, PodDetail, PodRow, format_age};

/// Pages under `/embed/…` show one thing, without Wharf's header and tabs.
pub fn is_embedded() -> bool {
    use_location()
        .pathname
        .get_untracked()
        .starts_with("/embed/")
}

/// A pod's status in words (`ErrImagePull` → "The image cannot be pulled …").
pub fn pod_status_text(t: &Texts, row: &PodRow) -> String {
    t.pod_reason(&row.status)
}

pub fn usage_cells(t: &'static Texts, row: &PodRow) -> impl IntoView + use<> {
    let (cpu, memory) = match row.usage {
        Some(u) => (u.cpu_text(), u.memory_text()),
        None => (t.not_available.to_owned(), t.not_available.to_owned()),
    };
    view! {
        <td class="num" data-usage="cpu">{cpu}</td>
        <td class="num" data-usage="memory">{memory}</td>
    }
}

fn state_text(t: &Texts, state: &ContainerState) -> String {
    match state {
        ContainerState::Running {
            started_seconds_ago,
        } => match started_seconds_ago {
            Some(s) => format!("{} ({})", t.state_running, format_age(*s)),
            None => t.state_running.to_owned(),
        },
        ContainerState::Waiting { reason, message } => {
            let mut text = reason
                .as_deref()
                .map(|r| t.pod_reason(r))
                .unwrap_or_else(|| t.state_waiting.to_owned());
            if let Some(m) = message {
                text.push_str(": ");
                text.push_str(m);
            }
            text
        }
        ContainerState::Terminated {
            exit_code,
            reason,
            message,
        } => {
            let mut text = (t.exit_code)(*exit_code);
            if let Some(r) = reason {
                text = format!("{} — {text}", t.pod_reason(r));
            }
            if let Some(m) = message {
                text.push_str(": ");
                text.push_str(m);
            }
            text
        }
        ContainerState::Unknown => t.state_unknown.to_owned(),
    }
}

/// `/spaces/:space/pods/:pod`.
#[component]
pub fn PodPage() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let pod = use_param("pod");
    let detail = crate::api::resource(move || (space.get(), pod.get()), |(s, p)| get_pod(s, p));
    // The pod's own watch: every change (and its deletion) reads the page
    // again. Its events follow on their own watch below.
    let followed = Memo::new(move |_| Some(Source::named(LiveKind::Pods, space.get(), &pod.get())));
    let live = use_live_changes(followed, move || detail.refetch());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <PodView detail=d live /> }.into_any(),
                    Err(AppError(e)) => view! {
                        <nav class="breadcrumb"><a href=format!("{}/spaces/{}/pods", crate::paths::cluster_root(), space.get_untracked())>{t.pods_tab}</a></nav>
                        <ErrorNotice error=e />
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>{t.events}</h2>
            <ObjectEvents space kind=Some("Pod") name=pod />
        </section>
    }
}

#[component]
fn PodView(detail: PodDetail, live: RwSignal<wharf_spec::live::LiveState>) -> impl IntoView {
    let t = use_texts();
    let space = use_param("space").get_untracked();
    let row = detail.row.clone();
    let base = format!(
        "{}/spaces/{space}/pods/{}",
        crate::paths::cluster_root(),
        row.name
    );
    let crumb_app = detail.app.clone().map(|app| {
        view! { <a href=format!("{}/spaces/{space}/apps/{app}", crate::paths::cluster_root())>{app.clone()}</a>" / " }
    });
    let containers = detail
        .containers
        .iter()
        .map(|c| {
            let terminal = format!("{base}/terminal/{}", c.name);
            let logs = format!("{base}/logs/{}", c.name);
            let list = |items: &[String]| {
                if items.is_empty() {
                    "—".to_owned()
                } else {
                    items.join(", ")
                }
            };
            view! {
                <tr data-container=c.name.clone()>
                    <td class="mono">
                        {c.name.clone()}
                        {c.init.then(|| view! { <span class="kind">{t.init_container}</span> })}
                    </td>
                    <td class="mono small">{c.image.clone()}</td>
                    <td data-ready=c.ready.to_string()>{state_text(t, &c.state)}</td>
                    <td class="small">{c.last_state.as_ref().map(|s| state_text(t, s)).unwrap_or_else(|| "—".into())}</td>
                    <td class="num">{c.restarts}</td>
                    <td class="mono small">{list(&c.ports)}</td>
                    <td class="mono small">{list(&c.mounts)}</td>
                    <td class="mono small">{list(&c.env_names)}</td>
                    <td class="actions">
                        <GuardedLink action=Action::Terminal class="btn btn-small" href=Signal::stored(terminal)
                            attr:data-open-terminal=c.name.clone()>{t.terminal}</GuardedLink>
                        <GuardedLink action=Action::ReadLogs class="btn btn-small" href=Signal::stored(logs)
                            attr:data-open-logs=c.name.clone()>{t.logs}</GuardedLink>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <nav class="breadcrumb">
            <a href=format!("{}/spaces/{space}/apps", crate::paths::cluster_root())>{t.apps}</a>" / "{crumb_app}<span>{row.name.clone()}</span>
        </nav>
        <div class="detail-head">
            <h1 id="pod-name">{row.name.clone()}</h1>
            <span class="kind" id="pod-status" data-status=row.status.clone()>{pod_status_text(t, &row)}</span>
            <LiveBadge state=live />
        </div>
        <section class="card">
            <h2>{t.overview}</h2>
            <dl class="props">
                <dt>{t.col_node}</dt><dd class="mono">{row.node.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t.col_pod_ip}</dt><dd class="mono">{row.ip.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t.col_ready}</dt><dd>{format!("{}/{}", row.ready, row.containers)}</dd>
                <dt>{t.col_restarts}</dt><dd>{row.restarts}</dd>
                <dt>{t.col_cpu}</dt><dd id="pod-cpu">{row.usage.map(|u| u.cpu_text()).unwrap_or_else(|| t.not_available.into())}</dd>
                <dt>{t.col_memory}</dt><dd id="pod-memory">{row.usage.map(|u| u.memory_text()).unwrap_or_else(|| t.not_available.into())}</dd>
                <dt>{t.col_age}</dt><dd>{row.age_seconds.map(format_age).unwrap_or_default()}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>{t.containers_title}</h2>
            <table class="table" id="containers-table">
                <thead><tr>
                    <th>{t.col_name}</th><th>{t.col_image}</th><th>{t.col_state}</th><th>{t.col_last_state}</th>
                    <th class="num">{t.col_restarts}</th><th>{t.col_ports}</th><th>{t.col_mounts}</th><th>{t.col_env}</th><th><span class="sr-only">{t.col_actions}</span></th>
                </tr></thead>
                <tbody>{containers}</tbody>
            </table>
        </section>
        <section class="card">
            <h2>{t.yaml}</h2>
            <pre class="code" id="pod-yaml" tabindex="0">{detail.yaml.clone()}</pre>
        </section>
    }
}

/// `/spaces/:space/pods/:pod/terminal/:container` (and under `/embed`).
#[component]
pub fn TerminalPage() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let pod = use_param("pod");
    let container = use_param("container");
    let embedded = is_embedded();
    let command = RwSignal::new(String::new());
    // Bumped to (re)connect with the command as it is then.
    let session = RwSignal::new(0u32);
    let state = RwSignal::new(TerminalState::Connecting);
    let node = NodeRef::<leptos::html::Div>::new();
    let query = move || ExecQuery {
        space: space.get_untracked(),
        pod: pod.get_untracked(),
        container: container.get_untracked(),
        command: command.get_untracked(),
    };
    #[cfg(feature = "hydrate")]
    crate::streams::terminal::attach(node, session, state, query);
    #[cfg(not(feature = "hydrate"))]
    let _ = (query, node);
    let status = move || match state.get() {
        TerminalState::Connecting => t.terminal_connecting.to_owned(),
        TerminalState::Connected => t.terminal_connected.to_owned(),
        TerminalState::Exited(code) => (t.terminal_exited)(code),
        TerminalState::Dropped => t.terminal_dropped.to_owned(),
        TerminalState::Restarting => t.terminal_restarting.to_owned(),
        TerminalState::Refused(ref message) => format!("{}: {message}", t.terminal_refused),
    };
    let state_name = move || state.with(TerminalState::name);
    let exit_code = move || match state.get() {
        TerminalState::Exited(Some(code)) => Some(code.to_string()),
        _ => None,
    };
    let toolbar = (!embedded).then(|| {
        view! {
            <nav class="breadcrumb">
                <a href=move || format!("{}/spaces/{}/apps", crate::paths::cluster_root(), space.get())>{t.apps}</a>" / "
                <a href=move || format!("{}/spaces/{}/pods/{}", crate::paths::cluster_root(), space.get(), pod.get())>{move || pod.get()}</a>" / "
                <span>{t.terminal}": "{move || container.get()}</span>
            </nav>
            <form class="toolbar terminal-bar" on:submit=move |ev| {
                ev.prevent_default();
                session.update(|s| *s += 1);
            }>
                <label class="inline">
                    {t.command}
                    <input id="terminal-command" class="input mono" type="text" placeholder="bash / sh"
                        title=t.terminal_command_hint
                        prop:value=move || command.get()
                        on:input=move |ev| command.set(event_target_value(&ev)) />
                </label>
                <button id="terminal-connect" class="btn" type="submit">{t.connect}</button>
                <a class="btn" href=move || format!("{}/spaces/{}/pods/{}/logs/{}", crate::paths::cluster_root(), space.get(), pod.get(), container.get())>{t.logs}</a>
            </form>
        }
    });
    view! {
        <div class="terminal-page" class:embedded=embedded>
            // The page's heading, for screen readers (the breadcrumb shows it).
            <h1 class="sr-only">{t.terminal}": "{move || pod.get()}" / "{move || container.get()}</h1>
            {toolbar}
            <div id="terminal-status" class="terminal-status" data-state=state_name data-exit-code=exit_code role="status">
                {status}
            </div>
            <div id="terminal" class="terminal" node_ref=node></div>
        </div>
    }
}

/// `/spaces/:space/pods/:pod/logs/:container` and
/// `/spaces/:space/apps/:name/logs` (all pods), also under `/embed`.
#[component]
pub fn LogsPage() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let pod = use_param("pod");
    let container = use_param("container");
    // `/apps/:name/logs` or `/services/:name/logs`: every pod of it.
    let name = use_param("name");
    let of_service = use_location()
        .pathname
        .get_untracked()
        .contains("/services/");
    let app = Memo::new(move |_| {
        if of_service {
            String::new()
        } else {
            name.get()
        }
    });
    let service = Memo::new(move |_| {
        if of_service {
            name.get()
        } else {
            String::new()
        }
    });
    let embedded = is_embedded();
    let follow = RwSignal::new(true);
    let tail = RwSignal::new(Tail::Last100);
    let since = RwSignal::new(Since::Any);
    let timestamps = RwSignal::new(false);
    let previous = RwSignal::new(false);
    let wrap = RwSignal::new(true);
    let view_state = LogView {
        state: RwSignal::new(LogState::Connecting),
        count: RwSignal::new(0),
        matches: RwSignal::new(0),
        search: RwSignal::new(String::new()),
        sources: RwSignal::new(Vec::new()),
        session: RwSignal::new(0),
    };
    let query = Memo::new(move |_| LogQuery {
        space: space.get(),
        pod: pod.get(),
        container: container.get(),
        app: app.get(),
        service: service.get(),
        follow: follow.get(),
        tail: tail.get(),
        since: since.get(),
        timestamps: timestamps.get(),
        previous: previous.get(),
    });
    let node = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    crate::streams::logs::attach(node, query, view_state);
    let download = move || {
        let mut q = query.get();
        q.follow = false;
        format!(
            "{}/download/logs?{}",
            crate::paths::cluster_root(),
            q.to_query()
        )
    };
    let tail_label = move |v: Tail| match v {
        Tail::Last100 => t.tail_100,
        Tail::Last1000 => t.tail_1000,
        Tail::Last10000 => t.tail_10000,
        Tail::All => t.tail_all,
    };
    let since_label = move |v: Since| match v {
        Since::Any => t.since_any,
        Since::Minutes5 => t.since_5m,
        Since::Hour1 => t.since_1h,
        Since::Day1 => t.since_1d,
    };
    let status = move || match view_state.state.get() {
        LogState::Connecting => t.terminal_connecting.to_owned(),
        LogState::Live => t.log_streaming.to_owned(),
        LogState::Ended => t.log_ended.to_owned(),
        LogState::Dropped => t.log_dropped.to_owned(),
        LogState::Failed(message) => message,
    };
    let subject = move || {
        if pod.get().is_empty() {
            format!("{} — {}", name.get(), t.all_pods_logs)
        } else {
            format!("{} / {}", pod.get(), container.get())
        }
    };
    let crumbs = (!embedded).then(|| {
        view! {
            <nav class="breadcrumb">
                <a href=move || format!("{}/spaces/{}/apps", crate::paths::cluster_root(), space.get())>{t.apps}</a>" / "
                {move || if !pod.get().is_empty() {
                    view! { <a href=format!("{}/spaces/{}/pods/{}", crate::paths::cluster_root(), space.get(), pod.get())>{pod.get()}</a> }.into_any()
                } else {
                    let kind = if of_service { "services" } else { "apps" };
                    view! { <a href=format!("{}/spaces/{}/{kind}/{}", crate::paths::cluster_root(), space.get(), name.get())>{name.get()}</a> }.into_any()
                }}
                " / "<span>{t.logs}</span>
            </nav>
        }
    });
    let sources = move || {
        view_state
            .sources
            .get()
            .into_iter()
            .map(|(id, name, live)| {
                let label = name.clone();
                view! {
                    <li class=format!("log-source src-{}", id % 8) class:left=!live data-source=name data-live=live.to_string()>
                        {label}
                    </li>
                }
            })
            .collect_view()
    };
    let tails = Tail::ALL
        .map(|v| view! { <option value=v.as_str() selected=move || tail.get() == v>{tail_label(v)}</option> })
        .collect_view();
    let sinces = Since::ALL
        .map(|v| view! { <option value=v.as_str() selected=move || since.get() == v>{since_label(v)}</option> })
        .collect_view();
    view! {
        <div class="logs-page" class:embedded=embedded>
            {crumbs}
            <div class="toolbar log-bar">
                <h1 class="log-title">{subject}</h1>
                <label class="check"><input id="log-follow" type="checkbox" prop:checked=move || follow.get()
                    on:change=move |ev| follow.set(event_target_checked(&ev)) />{t.follow}</label>
                <label class="inline">{t.tail_lines}
                    <select id="log-tail" class="input" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(x) = Tail::ALL.into_iter().find(|x| x.as_str() == v) { tail.set(x) }
                    }>{tails}</select>
                </label>
                <label class="inline">{t.since}
                    <select id="log-since" class="input" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(x) = Since::ALL.into_iter().find(|x| x.as_str() == v) { since.set(x) }
                    }>{sinces}</select>
                </label>
                <label class="check"><input id="log-timestamps" type="checkbox" prop:checked=move || timestamps.get()
                    on:change=move |ev| timestamps.set(event_target_checked(&ev)) />{t.timestamps}</label>
                {move || (!pod.get().is_empty()).then(|| view! {
                    <label class="check"><input id="log-previous" type="checkbox" prop:checked=move || previous.get()
                        on:change=move |ev| previous.set(event_target_checked(&ev)) />{t.previous_container}</label>
                })}
                <label class="check"><input id="log-wrap" type="checkbox" prop:checked=move || wrap.get()
                    on:change=move |ev| wrap.set(event_target_checked(&ev)) />{t.wrap_lines}</label>
                <input id="log-search" class="input" type="search" placeholder=t.search
                    prop:value=move || view_state.search.get()
                    on:input=move |ev| view_state.search.set(event_target_value(&ev)) />
                <span id="log-matches" class="muted" data-count=move || view_state.matches.get().to_string()>
                    {move || (!view_state.search.get().is_empty()).then(|| (t.matches)(view_state.matches.get()))}
                </span>
                <a id="log-download" class="btn" href=download download="">{t.download}</a>
            </div>
            <div class="log-meta">
                <span id="log-status" data-state=move || view_state.state.with(LogState::name) role="status">{status}</span>
                <span id="log-count" data-count=move || view_state.count.get().to_string()>{move || (t.lines_count)(view_state.count.get())}</span>
                {move || matches!(view_state.state.get(), LogState::Dropped | LogState::Failed(_)).then(|| view! {
                    <button id="log-reconnect" class="btn btn-small" on:click=move |_| view_state.session.update(|s| *s += 1)>{t.reconnect}</button>
                })}
                <ul id="log-sources" class="log-sources">{sources}</ul>
            </div>
            <div id="log-lines" class="log-lines" class:wrap=move || wrap.get() node_ref=node></div>
        </div>
    }
}
