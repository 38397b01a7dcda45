//! 节点: a cluster's nodes (for users who may list them) and the node page.

use crate::api::{AppError, get_node, list_nodes, nodes_use};
use crate::components::live::follow;
use crate::components::{ErrorNotice, Loading, use_param, use_texts};
use crate::i18n::Texts;
use crate::pages::{pod_status_text, usage_cells};
use crate::paths::at;
use leptos::prelude::*;
use wharf_spec::cluster::{NodeCondition, NodeDetail, NodeReadiness, NodeRow, NodeUse};
use wharf_spec::live::{LiveRows, MAX_WINDOW, Source, View};
use wharf_spec::view::{Usage, format_age};

fn readiness_badge(t: &'static Texts, row: &NodeRow) -> impl IntoView + use<> {
    let class = match row.readiness {
        NodeReadiness::Ready => "badge badge-ok",
        NodeReadiness::NotReady => "badge badge-error",
        NodeReadiness::Unknown => "badge badge-warn",
    };
    view! {
        <span class=class data-readiness=format!("{:?}", row.readiness)>{t.node_readiness(row.readiness)}</span>
        {row.unschedulable.then(|| view! { " " <span class="badge badge-warn">{t.node_unschedulable}</span> })}
    }
}

fn in_use_of(used: Option<Usage>, allocatable: Usage) -> (String, String) {
    let cpu_total = allocatable.cpu_text();
    let memory_total = allocatable.memory_text();
    match used {
        Some(u) => (
            format!("{} / {cpu_total}", u.cpu_text()),
            format!("{} / {memory_total}", u.memory_text()),
        ),
        None => (format!("— / {cpu_total}"), format!("— / {memory_total}")),
    }
}

fn condition_text(t: &'static Texts, c: &NodeCondition) -> String {
    let mut text = (t.node_condition)(&c.kind, &c.status);
    if let Some(message) = &c.message {
        text.push_str(" — ");
        text.push_str(message);
    }
    text
}

/// `/clusters/:cluster/nodes`. The rows come first; each node's CPU and
/// memory in use and its pod count follow when read (they need a kubelet
/// summary per node and the pods of every space).
#[component]
pub fn NodeList() -> impl IntoView {
    let t = use_texts();
    let nodes = crate::api::resource(|| (), |_| list_nodes());
    let usage = LocalResource::new(nodes_use);
    // The rows follow the cluster (a node joining, leaving, turning not
    // ready) on the tab's live socket; the rendered list until the first
    // window.
    let live_rows = RwSignal::new(None::<Vec<NodeRow>>);
    follow(
        Source::nodes(),
        View {
            limit: MAX_WINDOW,
            ..View::default()
        },
        move |window| {
            if let LiveRows::Nodes(rows) = window.rows {
                live_rows.set(Some(rows));
            }
        },
    );
    let usage_of = move |name: &str| -> Option<NodeUse> {
        usage
            .get()
            .and_then(|u| u.ok())
            .and_then(|list| list.into_iter().find(|u| u.name == name))
    };
    view! {
        <h1>{t.nodes_title}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match nodes.await {
                    Ok(rendered) => (move || {
                        let rows = live_rows.get().unwrap_or_else(|| rendered.clone());
                        if rows.is_empty() {
                            return view! { <div class="empty-state"><p id="no-nodes">{t.no_nodes}</p></div> }.into_any();
                        }
                        let body = rows
                            .into_iter()
                            .map(|row| {
                                let name = row.name.clone();
                                let href = at(&format!("/nodes/{name}"));
                                let allocatable = row.allocatable;
                                let max_pods = row.max_pods;
                                let figures = {
                                    let name = name.clone();
                                    move || {
                                        let found = usage_of(&name);
                                        let (cpu, memory) = in_use_of(found.as_ref().and_then(|u| u.usage), allocatable);
                                        let pods = match (found.and_then(|u| u.pods), max_pods) {
                                            (Some(n), Some(max)) => format!("{n} / {max}"),
                                            (Some(n), None) => n.to_string(),
                                            (None, _) => "—".into(),
                                        };
                                        view! {
                                            <td class="num" data-usage="cpu">{cpu}</td>
                                            <td class="num" data-usage="memory">{memory}</td>
                                            <td class="num" data-pods=pods.clone()>{pods.clone()}</td>
                                        }
                                    }
                                };
                                let problems = row
                                    .problems
                                    .iter()
                                    .filter(|c| c.kind != "Ready")
                                    .map(|c| view! { <div class="small warn-text">{condition_text(t, c)}</div> })
                                    .collect_view();
                                view! {
                                    <tr data-node=name.clone()>
                                        <td class="mono"><a href=href>{name.clone()}</a></td>
                                        <td>{readiness_badge(t, &row)}{problems}</td>
                                        <td>{if row.roles.is_empty() { "—".to_string() } else { row.roles.join(", ") }}</td>
                                        <td class="mono small">{row.kubelet_version.clone()}</td>
                                        <td class="mono small">{row.internal_ip.clone().unwrap_or_else(|| "—".into())}</td>
                                        {figures}
                                        <td>{row.age_seconds.map(format_age).unwrap_or_default()}</td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <table class="table" id="nodes">
                                <thead>
                                    <tr>
                                        <th scope="col">{t.col_name}</th>
                                        <th scope="col">{t.col_status}</th>
                                        <th scope="col">{t.col_roles}</th>
                                        <th scope="col">{t.col_kubelet}</th>
                                        <th scope="col">{t.col_internal_ip}</th>
                                        <th scope="col">{t.col_cpu_use}</th>
                                        <th scope="col">{t.col_memory_use}</th>
                                        <th scope="col">{t.col_pods_count}</th>
                                        <th scope="col">{t.col_age}</th>
                                    </tr>
                                </thead>
                                <tbody>{body}</tbody>
                            </table>
                        }
                        .into_any()
                    })
                    .into_any(),
                    Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/clusters/:cluster/nodes/:node`.
#[component]
pub fn NodePage() -> impl IntoView {
    let t = use_texts();
    let name = use_param("node");
    let detail = crate::api::resource(move || name.get(), get_node);
    view! {
        <nav class="breadcrumb"><a href=at("/nodes")>{t.nodes_title}</a>" / "<span>{move || name.get()}</span></nav>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <NodeView detail=d /> }.into_any(),
                    Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NodeView(detail: NodeDetail) -> impl IntoView {
    let t = use_texts();
    let row = detail.row.clone();
    let (cpu, memory) = in_use_of(detail.usage, row.allocatable);
    let conditions = detail
        .conditions
        .iter()
        .map(|c| {
            view! {
                <tr data-condition=c.kind.clone() class:row-problem=c.problem>
                    <td class="mono">{c.kind.clone()}</td>
                    <td>{c.status.clone()}</td>
                    <td>{condition_text(t, c)}</td>
                    <td class="small">{c.reason.clone().unwrap_or_default()}</td>
                    <td class="small">{c.since_seconds.map(|s| (t.condition_since)(&format_age(s))).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let taints = if detail.taints.is_empty() {
        view! { <p class="muted" id="node-taints">{t.node_no_taints}</p> }.into_any()
    } else {
        let items = detail
            .taints
            .iter()
            .map(|taint| view! { <li class="mono">{taint.text()}</li> })
            .collect_view();
        view! { <ul id="node-taints">{items}</ul> }.into_any()
    };
    let labels = detail
        .labels
        .iter()
        .map(|(k, v)| view! { <li><span class="label-chip mono">{format!("{k}={v}")}</span></li> })
        .collect_view();
    let addresses = detail
        .addresses
        .iter()
        .map(|(kind, address)| format!("{kind}: {address}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let pods = match &detail.pods {
        None => view! { <p class="muted" id="node-pods-forbidden">{t.node_pods_forbidden}</p> }
            .into_any(),
        Some(pods) => {
            let rows = pods
                .iter()
                .map(|p| {
                    let href = at(&format!("/spaces/{}/pods/{}", p.space, p.row.name));
                    view! {
                        <tr data-pod=p.row.name.clone() data-space=p.space.clone()>
                            <td class="mono">{p.space.clone()}</td>
                            <td class="mono"><a href=href>{p.row.name.clone()}</a></td>
                            <td>{pod_status_text(t, &p.row)}</td>
                            <td class="num">{format!("{}/{}", p.row.ready, p.row.containers)}</td>
                            <td class="num">{p.row.restarts}</td>
                            {usage_cells(t, &p.row)}
                            <td>{p.row.age_seconds.map(format_age).unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="table" id="node-pods">
                    <thead>
                        <tr>
                            <th scope="col">{t.col_space}</th>
                            <th scope="col">{t.col_name}</th>
                            <th scope="col">{t.col_status}</th>
                            <th scope="col">{t.col_ready}</th>
                            <th scope="col">{t.col_restarts}</th>
                            <th scope="col">{t.col_cpu}</th>
                            <th scope="col">{t.col_memory}</th>
                            <th scope="col">{t.col_age}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
    };
    view! {
        <h1 id="node-name">{row.name.clone()}" " {readiness_badge(t, &row)}</h1>
        <section class="card">
            <dl class="props">
                <dt>{t.col_roles}</dt><dd>{if row.roles.is_empty() { "—".to_string() } else { row.roles.join(", ") }}</dd>
                <dt>{t.col_kubelet}</dt><dd class="mono" id="node-kubelet">{row.kubelet_version.clone()}</dd>
                <dt>{t.node_addresses}</dt><dd class="mono small">{addresses}</dd>
                <dt>{t.node_system}</dt><dd class="small">{format!("{} · {} · {} · {}", detail.os_image, detail.kernel_version, detail.architecture, detail.container_runtime)}</dd>
                <dt>{t.col_cpu_use}</dt><dd class="mono" data-usage="cpu">{cpu}</dd>
                <dt>{t.col_memory_use}</dt><dd class="mono" data-usage="memory">{memory}</dd>
                <dt>{t.node_capacity}</dt><dd class="mono small">{format!("{} · {}", detail.capacity.cpu_text(), detail.capacity.memory_text())}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>{t.node_conditions}</h2>
            <table class="table" id="node-conditions"><tbody>{conditions}</tbody></table>
        </section>
        <section class="card">
            <h2>{t.node_taints}</h2>
            {taints}
        </section>
        <section class="card">
            <h2>{t.node_labels}</h2>
            <ul class="chips" id="node-labels">{labels}</ul>
        </section>
        <section class="card">
            <h2>{t.node_pods}</h2>
            {pods}
        </section>
    }
}
