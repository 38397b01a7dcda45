//! 集群列表: every cluster Wharf serves, each row read on its own (a slow or
//! unreachable cluster delays only its row), and the header's switcher.

use crate::api::{AppError, list_clusters};
use crate::components::{ErrorNotice, Loading, cluster_choices, use_texts};
use crate::paths::{current_cluster, other_cluster};
use leptos::prelude::*;
use wharf_spec::cluster::{ClusterChoice, ClusterSummary};

/// `/clusters`.
#[component]
pub fn ClusterList() -> impl IntoView {
    let t = use_texts();
    let clusters = crate::api::resource(|| (), |_| list_clusters());
    view! {
        <main class="page">
            <h1>{t.clusters_title}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match clusters.await {
                        Ok(list) => {
                            let sign_in = list.iter().any(|c| c.sign_in);
                            view! {
                                <ClusterTable list />
                                {sign_in.then(|| view! {
                                    <form method="post" action="/auth/sign-out" class="row-actions">
                                        <input type="hidden" name="all" value="1" />
                                        <button id="sign-out-all" class="btn" type="submit">{t.sign_out_all}</button>
                                    </form>
                                })}
                            }
                            .into_any()
                        }
                        Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn ClusterTable(list: Vec<ClusterChoice>) -> impl IntoView {
    let t = use_texts();
    let count = list.len();
    let rows = list
        .into_iter()
        .map(|choice| view! { <ClusterRow choice /> })
        .collect_view();
    view! {
        <p class="muted" id="clusters-count">{(t.clusters_count)(count)}</p>
        <table class="table" id="clusters">
            <thead>
                <tr>
                    <th scope="col">{t.col_name}</th>
                    <th scope="col">{t.col_api_address}</th>
                    <th scope="col">{t.col_version}</th>
                    <th scope="col">{t.col_nodes_ready}</th>
                    <th scope="col">{t.col_your_access}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// One cluster: what is known at once (name, address, signed in), then
/// what the cluster says, when it says it. Not blocking: the page and the
/// other rows do not wait for it.
#[component]
fn ClusterRow(choice: ClusterChoice) -> impl IntoView {
    let t = use_texts();
    let name = choice.name.clone();
    // Asked by the browser, after the page is shown: neither the page nor
    // the other rows wait for a slow cluster (a resource would hold the
    // server's render until the slowest row had answered).
    let summary = RwSignal::new(None::<Result<ClusterSummary, AppError>>);
    #[cfg(feature = "hydrate")]
    {
        let name = name.clone();
        Effect::new(move |_| {
            let name = name.clone();
            leptos::task::spawn_local(async move {
                let answer = crate::api::get_cluster_summary(name).await;
                let _ = summary.try_set(Some(answer));
            });
        });
    }
    let href = other_cluster(&choice.name);
    let sign_in = format!("/sign-in?cluster={}&next={href}", choice.name);
    let signed_in = choice.signed_in;
    let cells = move || match summary.get() {
        None => view! { <td colspan="3" class="muted" aria-busy="true">{t.cluster_asking}</td> }
            .into_any(),
        Some(Ok(s)) => summary_cells(t, signed_in, s).into_any(),
        Some(Err(AppError(e))) => view! { <td colspan="3"><ErrorNotice error=e /></td> }.into_any(),
    };
    view! {
        <tr data-cluster=name.clone()>
            <td>
                {if signed_in {
                    // Another cluster: a full load (see `paths`).
                    view! { <a href=href.clone() rel="external" class="mono">{name.clone()}</a> }.into_any()
                } else {
                    view! { <span class="mono">{name.clone()}</span> }.into_any()
                }}
                {choice.default.then(|| view! { " " <span class="kind">{t.cluster_default}</span> })}
                {(choice.context != choice.name).then(|| view! { <div class="muted small mono">{choice.context.clone()}</div> })}
            </td>
            <td class="mono small">{choice.server.clone()}</td>
            {cells}
        </tr>
        {(!signed_in).then(|| view! {
            <tr class="subrow" data-cluster-sign-in=name.clone()>
                <td colspan="5">
                    <span class="muted">{t.cluster_not_signed_in}" · "</span>
                    <a href=sign_in rel="external">{t.sign_in}</a>
                </td>
            </tr>
        })}
    }
}

fn summary_cells(
    t: &'static crate::i18n::Texts,
    signed_in: bool,
    s: ClusterSummary,
) -> impl IntoView {
    if let Some(why) = &s.unreachable {
        return view! {
            <td colspan="3" class="cluster-unreachable" data-unreachable="true">
                <span class="badge badge-error">{t.unreachable(why)}</span>
            </td>
        }
        .into_any();
    }
    let (nodes, nodes_class) = match s.nodes {
        Some(n) => (format!("{} / {}", n.ready, n.total), "num"),
        None if signed_in => (t.cluster_nodes_hidden.to_string(), "muted"),
        None => ("—".to_string(), "muted"),
    };
    let access = match s.may_list_spaces {
        Some(true) => t.cluster_may_list_spaces,
        Some(false) => t.cluster_may_not_list_spaces,
        None if signed_in => t.cluster_signed_in,
        None => t.cluster_not_signed_in,
    };
    view! {
        <td class="mono" data-version=s.version.clone().unwrap_or_default()>{s.version.clone().unwrap_or_else(|| "—".into())}</td>
        <td class=nodes_class data-nodes=nodes.clone()>{nodes.clone()}</td>
        <td>{access}</td>
    }
    .into_any()
}

/// Esc closes the switcher's menu (and gives the focus back to it).
fn close_on_escape(ev: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    if ev.key() == "Escape" {
        use wasm_bindgen::JsCast;
        if let Some(details) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        {
            details.set_open(false);
            if let Some(summary) = details
                .query_selector("summary")
                .ok()
                .flatten()
                .and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = summary.focus();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// The header's cluster switcher (when Wharf serves more than one): the
/// page's cluster, and a menu of the others and the list. A plain `<details>`
/// menu: it opens without the wasm, and Esc closes it.
#[component]
pub fn ClusterSwitcher() -> impl IntoView {
    let t = use_texts();
    let list = cluster_choices();
    let current = current_cluster();
    (list.len() > 1).then(|| {
        let label = current.clone().unwrap_or_else(|| t.all_clusters.to_string());
        let items = list
            .into_iter()
            .map(|c| {
                let is_current = current.as_deref() == Some(c.name.as_str());
                view! {
                    <li>
                        <a href=other_cluster(&c.name) rel="external" data-cluster=c.name.clone()
                            aria-current=is_current.then_some("page")>
                            {c.name.clone()}
                            {(!c.signed_in).then(|| view! { " " <span class="muted small">{t.cluster_not_signed_in}</span> })}
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <details class="cluster-switcher" id="cluster-switcher" on:keydown=close_on_escape>
                <summary class="btn btn-ghost" aria-label=t.switch_cluster>
                    <span class="muted small">{t.cluster_label}": "</span>
                    <span class="mono" id="current-cluster">{label}</span>
                </summary>
                <ul class="menu" role="list">
                    {items}
                    <li class="menu-sep"><a href="/clusters" rel="external" id="all-clusters">{t.clusters_title}</a></li>
                </ul>
            </details>
        }
    })
}
