//! The service list of a space and a service's detail page.

use crate::api::{AppError, delete_services, get_service, service_companions};
use crate::components::live::{
    ListFilters, LiveBadge, LiveStatus, Rereads, SortHeader, VirtualTable, empty_rows,
    use_list_query, use_live_changes, use_live_list,
};
use crate::components::{
    Breadcrumb, ErrorNotice, GuardedLink, LazyDialog, Loading, Modal, first_read, use_denied,
    use_param, use_texts,
};
use crate::i18n::Texts;
use crate::pages::yaml::EditServiceYaml;
use crate::pages::{ObjectEvents, SelectedPods};
use leptos::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use wharf_spec::ApiError;
use wharf_spec::access::Action;
use wharf_spec::live::{LiveKind, LiveRows, SortColumn, Source};
use wharf_spec::stream::percent_encode;
use wharf_spec::view::{
    ExternalAddress, ServiceDetail, ServiceKind, ServiceRow, WorkloadRef, format_age,
};

fn external_text(t: &Texts, e: &ExternalAddress) -> String {
    match e {
        ExternalAddress::None => "—".into(),
        ExternalAddress::Pending => t.pending.into(),
        ExternalAddress::Addresses(a) => a.join(", "),
        ExternalAddress::ExternalName(n) => n.clone(),
    }
}

fn selector_text(selector: &[(String, String)]) -> String {
    if selector.is_empty() {
        return "—".into();
    }
    selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A selector in the label-selector syntax the apiserver reads.
fn selector_labels(selector: &[(String, String)]) -> String {
    selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn ports_text(row: &ServiceRow) -> String {
    if row.ports.is_empty() {
        return "—".into();
    }
    row.ports
        .iter()
        .map(|p| p.short())
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_words(t: &'static Texts, kind: &str) -> String {
    let kind = match kind {
        "ClusterIP" => ServiceKind::ClusterIp,
        "Headless" => ServiceKind::Headless,
        "NodePort" => ServiceKind::NodePort,
        "LoadBalancer" => ServiceKind::LoadBalancer,
        "ExternalName" => ServiceKind::ExternalName,
        other => return other.to_owned(),
    };
    t.service_kind(kind).to_owned()
}

#[component]
pub fn ServiceList() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let query = use_list_query();
    let source = Memo::new(move |_| {
        Source::selected(
            LiveKind::Services,
            space.get(),
            query.with(|q| q.labels.clone()),
        )
    });
    let filter = Memo::new(move |_| query.with(|q| q.view.clone()));
    let list = use_live_list(source, filter);
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let confirming = RwSignal::new(false);
    let may_not_delete = use_denied(Action::DeleteService);
    // A new space starts with nothing selected.
    Effect::new(move |_| {
        space.track();
        selected.set(BTreeSet::new());
    });

    let header = move || {
        view! {
            <tr>
                <th class="select"><span class="sr-only">{t.col_select}</span></th>
                <SortHeader column=SortColumn::Name label=t.col_name query />
                <SortHeader column=SortColumn::Type label=t.col_type query />
                <SortHeader column=SortColumn::Ip label=t.col_cluster_ip query />
                <th>{t.col_external}</th>
                <th>{t.col_ports}</th>
                <th>{t.col_selector}</th>
                <SortHeader column=SortColumn::Age label=t.col_age query class="num" />
            </tr>
        }
    };
    let rows = move |rows: &LiveRows, offset: u32| {
        let space = space.get_untracked();
        let LiveRows::Services(services) = rows else {
            return ().into_any();
        };
        services
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let href = format!("{}/spaces/{space}/services/{}", crate::paths::cluster_root(), row.name);
                let name = row.name.clone();
                let checked = {
                    let name = name.clone();
                    move || selected.with(|s| s.contains(&name))
                };
                view! {
                    <tr data-service=row.name.clone() aria-rowindex=offset + i as u32 + 2>
                        <td class="select">
                            <input
                                type="checkbox"
                                aria-label=row.name.clone()
                                data-select=row.name.clone()
                                prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let name = name.clone();
                                    selected.update(|s| {
                                        if on { s.insert(name); } else { s.remove(&name); }
                                    });
                                }
                            />
                        </td>
                        <td>
                            <a class="cell-link" href=href>{row.name.clone()}</a>
                            {row.alias.clone().map(|a| view! { <span class="muted small alias">{a}</span> })}
                        </td>
                        <td><span class="kind">{t.service_kind(row.kind)}</span></td>
                        <td class="mono">{row.cluster_ip.clone().unwrap_or_else(|| "—".into())}</td>
                        <td class="mono" class:pending=matches!(row.external, ExternalAddress::Pending)>
                            {external_text(t, &row.external)}
                        </td>
                        <td class="mono">{ports_text(row)}</td>
                        <td class="mono small">{selector_text(&row.selector)}</td>
                        <td class="num">{row.age_seconds.map(format_age).unwrap_or_default()}</td>
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
                        {move || empty_rows(&list.current(&for_empty), "services-empty", t.no_services_title, t.no_services_hint)}
                        <VirtualTable list first id="services-table" label=t.services columns=8 header row=rows />
                    }
                    .into_any()
                }
                Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
            }
        })
    };

    view! {
        <div class="toolbar">
            <h1>{t.services}</h1>
            <span class="spacer"></span>
            <button
                id="delete-selected"
                class="btn btn-danger-ghost"
                disabled=move || selected.with(BTreeSet::is_empty) || may_not_delete.get().is_some()
                title=move || may_not_delete.get()
                on:click=move |_| confirming.set(true)
            >
                {t.delete_selected}
                {move || selected.with(|s| (!s.is_empty()).then(|| format!(" ({})", s.len())))}
            </button>
            <GuardedLink action=Action::CreateService id="create-from-yaml" class="btn"
                href=Signal::derive(move || format!("{}/spaces/{}/new/yaml", crate::paths::cluster_root(), space.get()))>
                {t.create_from_yaml}
            </GuardedLink>
            <GuardedLink action=Action::CreateService id="create-service" class="btn btn-primary"
                href=Signal::derive(move || format!("{}/spaces/{}/new/service", crate::paths::cluster_root(), space.get()))>
                {t.new_service}
            </GuardedLink>
        </div>
        <ListFilters query list status_label=t.filter_type status_text=kind_words />
        <Transition fallback=Loading>{body}</Transition>
        <Show when=move || confirming.get()>
            <LazyDialog>
                {move || Suspend::new(delete_services_dialog(
                    space.get_untracked(),
                    selected.get_untracked().into_iter().collect(),
                    confirming,
                    Arc::new(move |_| selected.set(BTreeSet::new())),
                ))}
            </LazyDialog>
        </Show>
    }
}

/// [`DeleteServicesDialog`], in a wasm part of its own (`#[lazy]`): its
/// code comes when a delete is first asked for.
#[leptos::lazy]
fn delete_services_dialog(
    space: String,
    names: Vec<String>,
    open: RwSignal<bool>,
    on_done: Arc<dyn Fn(bool) + Send + Sync>,
) -> AnyView {
    view! { <DeleteServicesDialog space names open on_done=move |all| on_done(all) /> }.into_any()
}

/// [`EditServiceYaml`], in a wasm part of its own (`#[lazy]`): its code
/// comes when the YAML is first edited. The callbacks of these lazy
/// functions are `Arc`s, not `Callback`s: a `Callback` belongs to the
/// reactive scope that made it, and closing the dialog (or the editor)
/// disposes that scope before the callback runs.
#[leptos::lazy]
fn edit_service_yaml(
    space: String,
    detail: ServiceDetail,
    editing: RwSignal<bool>,
    on_saved: Arc<dyn Fn() + Send + Sync>,
) -> AnyView {
    view! { <EditServiceYaml space detail editing on_saved=move || on_saved() /> }.into_any()
}

/// One confirmation for one or many Services; reports any that failed.
#[component]
fn DeleteServicesDialog(
    space: String,
    names: Vec<String>,
    open: RwSignal<bool>,
    /// Called once the deletes were sent: with whether every one was done.
    on_done: impl Fn(bool) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let failures = RwSignal::new(Vec::<(String, ApiError)>::new());
    let failure = RwSignal::new(None::<ApiError>);
    let count = names.len();
    let list = names.clone();
    // What Wharf made together with these Services, each offered with a
    // checkbox (ticked: the user came to delete the app, not half of it).
    let companions = LocalResource::new({
        let (space, names) = (space.clone(), names.clone());
        move || service_companions(space.clone(), names.clone())
    });
    let chosen = RwSignal::new(BTreeSet::<(String, String)>::new());
    Effect::new(move |_| {
        if let Some(Ok(list)) = companions.get() {
            chosen.set(
                list.iter()
                    .map(|w| (w.kind.clone(), w.name.clone()))
                    .collect(),
            );
        }
    });
    let send = leptos::prelude::Action::new(move |workloads: &Vec<WorkloadRef>| {
        delete_services(space.clone(), names.clone(), workloads.clone())
    });
    let pending = send.pending();
    // The answer, in the browser (effects do not run on the server).
    Effect::new(move |_| match send.value().get() {
        None => {}
        Some(Ok(failed)) if failed.is_empty() => {
            open.set(false);
            on_done(true);
        }
        Some(Ok(failed)) => {
            failures.set(failed);
            on_done(false);
        }
        Some(Err(AppError(e))) => failure.set(Some(e)),
    });
    let delete = move |_| {
        let workloads: Vec<WorkloadRef> = companions
            .get_untracked()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|w| chosen.with_untracked(|c| c.contains(&(w.kind.clone(), w.name.clone()))))
            .collect();
        send.dispatch(workloads);
    };
    view! {
        <Modal open busy=pending>
            <div class="modal modal-danger" role="dialog" aria-modal="true" aria-labelledby="delete-services-title" on:click=|ev| ev.stop_propagation()>
                <h2 id="delete-services-title">{(t.delete_services_title)(count)}</h2>
                <ul class="contents-list" id="delete-services-list">
                    {list.into_iter().map(|n| view! { <li class="mono">{n}</li> }).collect_view()}
                </ul>
                {move || companions.get().and_then(Result::ok).filter(|l| !l.is_empty()).map(|list| view! {
                    <p>{t.delete_with_service}</p>
                    <ul class="contents-list" id="delete-companions">
                        {list.into_iter().map(|w| {
                            let key = (w.kind.clone(), w.name.clone());
                            let checked = { let key = key.clone(); move || chosen.with(|c| c.contains(&key)) };
                            view! {
                                <li>
                                    <label class="check">
                                        <input type="checkbox" data-workload=format!("{}/{}", w.kind, w.name)
                                            prop:checked=checked
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let key = key.clone();
                                                chosen.update(|c| { if on { c.insert(key); } else { c.remove(&key); } });
                                            } />
                                        <span class="kind">{w.kind.clone()}</span>" "<span class="mono">{w.name.clone()}</span>
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
                {move || failures.get().into_iter().map(|(name, e)| view! {
                    <div class="notice notice-error" role="alert"><strong>{name}</strong>": "{t.error(&e)}</div>
                }).collect_view()}
                {move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}
                <div class="modal-actions">
                    <button type="button" class="btn" disabled=move || pending.get() on:click=move |_| open.set(false)>{t.cancel}</button>
                    <button type="button" class="btn btn-danger" id="delete-services-submit" disabled=move || pending.get() on:click=delete>
                        {move || if pending.get() { t.deleting } else { t.delete }}
                    </button>
                </div>
            </div>
        </Modal>
    }
}

#[component]
pub fn ServiceDetailPage() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let name = use_param("name");
    view! {
        <Breadcrumb space current=name />
        {first_read(space, name, get_service, |first| view! { <ServiceDetailView first /> }.into_any())}
        <section class="card">
            <h2>{t.events}</h2>
            <ObjectEvents space kind=None name />
        </section>
    }
}

/// A Service's page, built once from its first read and kept current in
/// place (as the app page is): every change of the Service or of the pods
/// it selects (their readiness is its endpoints) reads it again. The pods'
/// live list is made once per selector, so a change never blanks it.
#[component]
fn ServiceDetailView(first: ServiceDetail) -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let name = first.row.name.clone();
    let editing = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let may_not_edit = use_denied(Action::EditService);
    let may_not_delete = use_denied(Action::DeleteService);
    let navigate = leptos_router::hooks::use_navigate();
    // Deleted: back to the space's Services (this one's page would only
    // say it is not found).
    // Deleted from here: its watch's news of that is no reason to read it
    // again (the read would only be refused, 404, before the page leaves).
    let removed = StoredValue::new(false);
    let on_deleted = move |all: bool| {
        if all {
            removed.set_value(true);
            navigate(
                &format!(
                    "{}/spaces/{}/services",
                    crate::paths::cluster_root(),
                    space.get_untracked()
                ),
                Default::default(),
            );
        }
    };
    let delete_dialog = {
        let name = name.clone();
        move || {
            Suspend::new(delete_services_dialog(
                space.get_untracked(),
                vec![name.clone()],
                deleting,
                Arc::new(on_deleted.clone()),
            ))
        }
    };
    let rereads = Rereads::new();
    let read_again = {
        let name = name.clone();
        move || rereads.read(get_service(space.get_untracked(), name.clone()))
    };
    // Not while its YAML is being edited: the edit carries the version it
    // started from, and a conflict is shown when it is applied. Not while
    // it is being deleted from this page, nor after.
    let reread = {
        let read_again = read_again.clone();
        move || {
            let busy = editing.try_get_untracked().unwrap_or(true)
                || deleting.try_get_untracked().unwrap_or(true)
                || removed.try_get_value().unwrap_or(true);
            if !busy {
                read_again();
            }
        }
    };
    let followed = {
        let name = name.clone();
        Memo::new(move |_| Some(Source::named(LiveKind::Services, space.get(), &name)))
    };
    let live = use_live_changes(followed, reread.clone());
    let detail = rereads.current(first);
    let failure = rereads.failure();
    let labels = Memo::new(move |_| detail.with(|d| selector_labels(&d.row.selector)));
    let selected = Memo::new(move |_| {
        labels.with(|l| {
            (!l.is_empty()).then(|| Source::selected(LiveKind::Pods, space.get(), l.clone()))
        })
    });
    use_live_changes(selected, reread);

    let pairs = |items: Vec<(String, String)>| {
        if items.is_empty() {
            return view! { <span class="muted">"—"</span> }.into_any();
        }
        items
            .into_iter()
            .map(|(k, v)| view! { <span class="chip"><span class="chip-key">{k}</span>"="{v}</span> })
            .collect_view()
            .into_any()
    };
    let overview = move || {
        let d = detail.get();
        let row = &d.row;
        let affinity = if d.session_affinity {
            (t.affinity_client_ip)(d.session_affinity_timeout)
        } else {
            t.affinity_none.to_owned()
        };
        view! {
            {d.row.description.clone().map(|d| view! { <p class="muted">{d}</p> })}
            <section class="card">
                <h2>{t.overview}</h2>
                <dl class="props">
                    <dt>{t.col_type}</dt><dd>{row.kind.api_type()}</dd>
                    <dt>{t.col_cluster_ip}</dt><dd class="mono">{row.cluster_ip.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{t.col_external}</dt><dd class="mono">{external_text(t, &row.external)}</dd>
                    <dt>{t.col_ports}</dt><dd class="mono" id="service-ports">{ports_text(row)}</dd>
                    <dt>{t.col_selector}</dt><dd>{pairs(row.selector.clone())}</dd>
                    <dt>{t.session_affinity}</dt><dd>{affinity}</dd>
                    <dt>{t.traffic_policy}</dt><dd>{d.external_traffic_policy.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{t.col_age}</dt><dd>{row.age_seconds.map(format_age).unwrap_or_default()}</dd>
                    <dt>{t.labels}</dt><dd>{pairs(d.labels.clone())}</dd>
                    <dt>{t.annotations}</dt><dd>{pairs(d.annotations.clone())}</dd>
                </dl>
            </section>
            <section class="card">
                <h2>{t.endpoints}</h2>
                {if d.endpoints.is_empty() {
                    view! { <p class="muted" id="endpoints-empty">{t.no_endpoints}</p> }.into_any()
                } else {
                    view! {
                        <table class="table" id="endpoints-table">
                            <thead><tr><th>"IP"</th><th>{t.pod}</th><th>{t.col_ports}</th><th>{t.ready}</th></tr></thead>
                            <tbody>
                                {d.endpoints.iter().map(|e| view! {
                                    <tr>
                                        <td class="mono">{e.ip.clone()}</td>
                                        <td>{e.pod.clone().unwrap_or_else(|| "—".into())}</td>
                                        <td class="mono">{e.ports.join(", ")}</td>
                                        <td>{if e.ready { t.ready } else { t.not_ready }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        }
    };
    // Made again only when the selector changes (a Memo): a reread of the
    // Service keeps the list, its subscription and its scroll position.
    let pods = {
        let name = name.clone();
        move || {
            let labels = labels.get();
            (!labels.is_empty()).then(|| view! {
                <section class="card">
                    <div class="card-head">
                        <h2>{t.pods}</h2>
                        <span class="spacer"></span>
                        <GuardedLink action=Action::ReadLogs id="service-logs" class="btn btn-small"
                            href=Signal::stored(format!("{}/spaces/{}/services/{}/logs", crate::paths::cluster_root(), space.get_untracked(), name))>
                            {t.all_pods_logs}
                        </GuardedLink>
                    </div>
                    <SelectedPods space labels id="pods-table" />
                </section>
            })
        }
    };
    let yaml = {
        let name = name.clone();
        move || {
            let d = detail.get();
            view! {
                <section class="card">
                    <div class="card-head">
                        <h2>{t.yaml}</h2>
                        <span class="spacer"></span>
                        <a
                            class="btn btn-small"
                            id="download-yaml"
                            download=format!("{name}.yaml")
                            href=format!("data:application/yaml;charset=utf-8,{}", percent_encode(&d.yaml))
                        >
                            {t.download_yaml}
                        </a>
                        <GuardedLink action=Action::EditService id="edit-form" class="btn btn-small"
                            href=Signal::stored(format!("{}/spaces/{}/services/{}/edit", crate::paths::cluster_root(), space.get_untracked(), name))>
                            {t.edit}
                        </GuardedLink>
                        <button type="button" class="btn btn-small" id="edit-yaml" on:click=move |_| editing.set(true)
                            disabled=move || may_not_edit.get().is_some() title=move || may_not_edit.get()>
                            {t.edit_yaml}
                        </button>
                    </div>
                    {
                        let read_again = read_again.clone();
                        move || if editing.get() {
                            let read_again = read_again.clone();
                            let editor = Suspend::new(edit_service_yaml(
                                space.get_untracked(),
                                d.clone(),
                                editing,
                                Arc::new(read_again),
                            ));
                            view! { <Suspense fallback=Loading>{editor}</Suspense> }.into_any()
                        } else {
                            view! { <pre class="yaml" id="service-yaml" tabindex="0"><code>{d.yaml.clone()}</code></pre> }.into_any()
                        }
                    }
                </section>
            }
        }
    };

    view! {
        <div class="detail-head">
            <h1 id="service-name">{name.clone()}</h1>
            <span class="kind">{move || t.service_kind(detail.with(|d| d.row.kind))}</span>
            {move || detail.with(|d| d.row.alias.clone()).map(|a| view! { <span class="muted">{a}</span> })}
            <LiveBadge state=live />
            <span class="spacer"></span>
            <button type="button" class="btn btn-danger-ghost" id="delete-service"
                on:click=move |_| deleting.set(true)
                disabled=move || may_not_delete.get().is_some() title=move || may_not_delete.get()>
                {t.delete}
            </button>
        </div>
        {move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}
        {overview}
        {pods}
        {yaml}
        <Show when=move || deleting.get()>
            {
                let dialog = delete_dialog.clone();
                view! { <LazyDialog>{dialog}</LazyDialog> }
            }
        </Show>
    }
}
