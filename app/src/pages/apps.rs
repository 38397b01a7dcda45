//! 容器服务: the app list of a space, an app's detail page (lifecycle
//! actions, upgrade state, revisions, pods) and 升级服务.

use crate::api::{
    AppAction, AppError, delete_apps, get_app, get_upgrade_draft, restart_workload, run_app_action,
    upgrade_app,
};
use crate::components::form::{FormState, text_field};
use crate::components::live::{
    ListFilters, LiveBadge, LiveStatus, Rereads, SortHeader, VirtualTable, empty_rows,
    use_list_query, use_live_changes, use_live_list,
};
use crate::components::workload::ContainersEditor;
use crate::components::{
    ErrorNotice, GuardedLink, LazyDialog, Loading, Modal, first_read, use_denied, use_param,
    use_texts,
};
use crate::i18n::Texts;
use crate::pages::{ObjectEvents, SelectedPods};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use std::collections::BTreeSet;
use std::sync::Arc;
use wharf_spec::access::Action;
use wharf_spec::app::{AppKind, UpgradeField, UpgradeForm};
use wharf_spec::live::{LiveKind, LiveRows, SortColumn, Source};
use wharf_spec::view::{
    AppDetail, AppRef, AppRow, AppStatus, Reach, UpgradeDraft, WorkloadId, WorkloadKind,
    WorkloadRow, format_age,
};
use wharf_spec::{ApiError, FieldErrors};

fn kind_text(t: &Texts, kind: AppKind) -> &'static str {
    match kind {
        AppKind::Stateless => t.stateless,
        AppKind::Stateful => t.stateful,
    }
}

fn reach_view(t: &'static Texts, row: &AppRow) -> AnyView {
    match row.reach() {
        Reach::Internal => view! { <span class="muted">{t.internal_only}</span> }.into_any(),
        Reach::Pending => view! { <span class="pending">{t.pending}</span> }.into_any(),
        Reach::At(points) => view! {
            <span class="mono" data-reach="">{points.join(", ")}</span>
        }
        .into_any(),
    }
}

/// The status word, the rollout's progress bar while updating, and a
/// failure's reason in words.
#[component]
fn AppStatusView(
    status: AppStatus,
    desired: i32,
    ready: i32,
    updated: i32,
    reason: Option<String>,
    /// One line (a list row): the badge and the reason, no progress bar.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let t = use_texts();
    let class = match status {
        AppStatus::Running | AppStatus::Completed => "badge badge-ok",
        AppStatus::Updating => "badge badge-info",
        AppStatus::Stopped | AppStatus::Deleting => "badge",
        AppStatus::Degraded => "badge badge-warn",
        AppStatus::Failed => "badge badge-error",
        AppStatus::Upgraded => "badge badge-upgraded",
    };
    let progress = (!compact && status == AppStatus::Updating && desired > 0).then(|| {
        let pct = |n: i32| (n.clamp(0, desired) * 100 / desired).to_string();
        view! {
            <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax=desired
                aria-valuenow=updated title=(t.rollout_progress)(updated, ready, desired)>
                <div class="progress-updated" style:width=format!("{}%", pct(updated))></div>
                <div class="progress-ready" style:width=format!("{}%", pct(ready))></div>
            </div>
            <div class="small muted" data-progress="">{(t.rollout_progress)(updated, ready, desired)}</div>
        }
    });
    let reason = reason.map(|r| {
        let words = t.pod_reason(&r);
        if compact {
            view! { <span class="small reason" data-reason=r.clone()>" "{words}</span> }.into_any()
        } else {
            view! { <div class="small reason" data-reason=r.clone()>{words}</div> }.into_any()
        }
    });
    view! {
        <span class=class data-status=status.as_str()>{t.app_status(status)}</span>
        {progress}
        {reason}
    }
}

fn app_ref(row: &AppRow) -> AppRef {
    AppRef {
        kind: row.kind,
        name: row.name.clone(),
    }
}

fn workload_kind_text(t: &Texts, kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Deployment => t.stateless,
        WorkloadKind::StatefulSet => t.stateful,
        WorkloadKind::DaemonSet => t.kind_daemonset,
        WorkloadKind::Job => t.kind_job,
    }
}

fn status_words(t: &'static Texts, status: &str) -> String {
    AppStatus::parse(status)
        .map(|s| t.app_status(s).to_owned())
        .unwrap_or_else(|| status.to_owned())
}

/// What one of the list's batch buttons does to each chosen workload.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Batch {
    Start,
    Stop,
    Restart,
}

impl Batch {
    /// Whether it applies to `kind` (start and stop are an app's: a
    /// Deployment's or StatefulSet's replica count).
    fn applies_to(self, kind: WorkloadKind) -> bool {
        match self {
            Batch::Start | Batch::Stop => kind.app_kind().is_some(),
            Batch::Restart => kind.restartable(),
        }
    }
}

async fn run_batch(space: String, workload: WorkloadId, batch: Batch) -> Result<(), AppError> {
    match (batch, workload.app()) {
        (Batch::Start, Some(app)) => run_app_action(space, app, AppAction::Start).await,
        (Batch::Stop, Some(app)) => run_app_action(space, app, AppAction::Stop).await,
        // The buttons offer start and stop for apps only.
        (Batch::Start | Batch::Stop, None) => Ok(()),
        (Batch::Restart, _) => restart_workload(space, workload).await,
    }
}

/// `/spaces/:space/apps`: every workload of the space, live — Wharf's apps
/// and the ones made with kubectl, Helm or anything else (marked so) —
/// with batch start, stop, restart and delete.
#[component]
pub fn AppList() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let query = use_list_query();
    let source = Memo::new(move |_| {
        Source::selected(
            LiveKind::Workloads,
            space.get(),
            query.with(|q| q.labels.clone()),
        )
    });
    let view = Memo::new(move |_| query.with(|q| q.view.clone()));
    let list = use_live_list(source, view);
    let selected = RwSignal::new(BTreeSet::<WorkloadId>::new());
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, Vec<(String, ApiError)>>>);
    Effect::new(move |_| {
        space.track();
        selected.set(BTreeSet::new());
    });

    let batch = move |action: Batch, done: &'static str| {
        move |_| {
            let chosen: Vec<WorkloadId> = selected.get_untracked().into_iter().collect();
            busy.set(true);
            spawn_local(async move {
                let mut failed = Vec::new();
                for workload in &chosen {
                    if let Err(AppError(e)) =
                        run_batch(space.get_untracked(), workload.clone(), action).await
                    {
                        failed.push((workload.name.clone(), e));
                    }
                }
                outcome.set(Some(if failed.is_empty() {
                    Ok(format!("{done} ({})", chosen.len()))
                } else {
                    Err(failed)
                }));
                busy.set(false);
            });
        }
    };

    let header = move || {
        view! {
            <tr>
                <th class="select"><span class="sr-only">{t.col_select}</span></th>
                <SortHeader column=SortColumn::Name label=t.col_name query />
                <SortHeader column=SortColumn::Type label=t.col_kind query />
                <th>{t.col_made_by}</th>
                <th>{t.col_image}</th>
                <SortHeader column=SortColumn::Ready label=t.col_replicas query class="num" />
                <SortHeader column=SortColumn::Status label=t.col_status query />
                <SortHeader column=SortColumn::Age label=t.col_age query class="num" />
            </tr>
        }
    };
    let rows = move |rows: &LiveRows, offset: u32| {
        let space = space.get_untracked();
        let LiveRows::Workloads(rows) = rows else {
            return ().into_any();
        };
        rows.iter()
            .enumerate()
            .map(|(i, row)| workload_row(t, &space, row, offset + i as u32 + 2, selected))
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
                        {move || empty_rows(&list.current(&for_empty), "apps-empty", t.no_apps_title, t.no_apps_hint)}
                        <VirtualTable list first id="apps-table" label=t.apps columns=8 header row=rows />
                    }
                    .into_any()
                }
                Err(AppError(error)) => view! { <ErrorNotice error /> }.into_any(),
            }
        })
    };

    let none_selected = move || selected.with(BTreeSet::is_empty) || busy.get();
    // Batch actions are offered as for Deployments (most workloads); the
    // cluster answers for each one, in words, where RBAC refuses it.
    let may_not_change = use_denied(Action::ChangeApp(AppKind::Stateless));
    let may_not_delete = use_denied(Action::DeleteApp(AppKind::Stateless));
    let why_not = move |action: Batch| {
        may_not_change.get().or_else(|| {
            selected
                .with(|s| s.iter().any(|w| !action.applies_to(w.kind)))
                .then(|| t.not_for_kind.to_owned())
        })
    };
    let batch_button =
        move |id: &'static str, label: &'static str, action: Batch, done: &'static str| {
            view! {
                <button id=id class="btn" title=move || why_not(action)
                    disabled=move || none_selected() || why_not(action).is_some()
                    on:click=batch(action, done)>{label}</button>
            }
        };
    view! {
        <div class="toolbar">
            <h1>{t.apps}</h1>
            <span class="spacer"></span>
            {batch_button("start-selected", t.start, Batch::Start, t.started)}
            {batch_button("stop-selected", t.stop, Batch::Stop, t.stopped)}
            {batch_button("restart-selected", t.restart, Batch::Restart, t.restarted)}
            <button id="delete-selected" class="btn btn-danger-ghost" title=move || may_not_delete.get()
                disabled=move || none_selected() || may_not_delete.get().is_some() on:click=move |_| confirming.set(true)>
                {t.delete_selected}
                {move || selected.with(|s| (!s.is_empty()).then(|| format!(" ({})", s.len())))}
            </button>
            <GuardedLink action=Action::CreateApp id="create-app" class="btn btn-primary"
                href=Signal::derive(move || format!("{}/spaces/{}/new/app", crate::paths::cluster_root(), space.get()))>{t.new_app}</GuardedLink>
        </div>
        <ListFilters query list status_label=t.filter_status status_text=status_words />
        {move || outcome.get().map(|o| match o {
            Ok(text) => view! { <p class="notice notice-ok" id="action-result">{text}</p> }.into_any(),
            Err(failed) => view! {
                <ul class="notice notice-error" id="action-result">
                    {failed.into_iter().map(|(name, e)| view! { <li>{name}": "{t.error(&e)}</li> }).collect_view()}
                </ul>
            }.into_any(),
        })}
        <Transition fallback=Loading>{body}</Transition>
        <Show when=move || confirming.get()>
            <LazyDialog>
                {move || Suspend::new(delete_apps_dialog(
                    space.get_untracked(),
                    selected.get_untracked().into_iter().collect(),
                    confirming,
                    Arc::new(move || selected.set(BTreeSet::new())),
                ))}
            </LazyDialog>
        </Show>
    }
}

/// One workload of the list: Deployments and StatefulSets link to their
/// app page, DaemonSets and Jobs to their pods.
fn workload_row(
    t: &'static Texts,
    space: &str,
    row: &WorkloadRow,
    index: u32,
    selected: RwSignal<BTreeSet<WorkloadId>>,
) -> AnyView {
    let id = row.workload();
    let href = match row.kind.app_kind() {
        Some(_) => format!(
            "{}/spaces/{space}/apps/{}",
            crate::paths::cluster_root(),
            row.name
        ),
        None => format!(
            "{}/spaces/{space}/pods?labels={}",
            crate::paths::cluster_root(),
            wharf_spec::stream::percent_encode(&row.selector)
        ),
    };
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let replicas = if row.status == AppStatus::Stopped {
        t.status_stopped.to_owned()
    } else {
        format!("{}/{}", row.ready, row.desired)
    };
    let made_by = if row.by_wharf() {
        view! { <span class="badge badge-info" data-made-by="wharf">{t.made_by_wharf}</span> }
            .into_any()
    } else {
        view! {
            <span class="muted small" data-made-by=row.managed_by.clone().unwrap_or_default()>
                {t.made_elsewhere}
                {row.managed_by.clone().map(|m| format!(" · {m}"))}
            </span>
        }
        .into_any()
    };
    let label = format!("{} {}", row.kind.api_name(), row.name);
    view! {
        <tr data-app=row.name.clone() data-kind=row.kind.api_name() aria-rowindex=index>
            <td class="select">
                <input type="checkbox" aria-label=label data-select=row.name.clone()
                    prop:checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let id = id.clone();
                        selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                    } />
            </td>
            <td>
                <a class="cell-link" href=href>{row.name.clone()}</a>
                {row.alias.clone().map(|a| view! { <span class="muted small">" "{a}</span> })}
            </td>
            <td><span class="kind">{workload_kind_text(t, row.kind)}</span></td>
            <td>{made_by}</td>
            <td class="mono small">{row.images.join(", ")}</td>
            <td class="num" data-replicas="">{replicas}</td>
            <td><AppStatusView status=row.status desired=row.desired ready=row.ready updated=row.updated reason=row.reason.clone() compact=true /></td>
            <td class="num">{row.age_seconds.map(format_age).unwrap_or_default()}</td>
        </tr>
    }
    .into_any()
}

/// [`DeleteAppsDialog`], in a wasm part of its own (`#[lazy]`): its code
/// comes when a delete is first asked for.
#[leptos::lazy]
fn delete_apps_dialog(
    space: String,
    workloads: Vec<WorkloadId>,
    open: RwSignal<bool>,
    on_done: Arc<dyn Fn() + Send + Sync>,
) -> AnyView {
    view! { <DeleteAppsDialog space workloads open on_done=move || on_done() /> }.into_any()
}

/// Deletes one or many apps (workload + Service), a stateful app's volume
/// claims only if asked (default off: data outlives a mistaken delete).
#[component]
fn DeleteAppsDialog(
    space: String,
    workloads: Vec<WorkloadId>,
    open: RwSignal<bool>,
    on_done: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let with_volumes = RwSignal::new(false);
    let failures = RwSignal::new(Vec::<(String, ApiError)>::new());
    let any_stateful = workloads
        .iter()
        .any(|w| w.kind == WorkloadKind::StatefulSet);
    let names: Vec<String> = workloads.iter().map(|w| w.name.clone()).collect();
    let delete = leptos::prelude::Action::new(move |with_volumes: &bool| {
        let (space, workloads) = (space.clone(), workloads.clone());
        delete_apps(space, workloads, *with_volumes)
    });
    let pending = delete.pending();
    // The answer, in the browser (effects do not run on the server).
    Effect::new(move |_| match delete.value().get() {
        None => {}
        Some(Ok(failed)) if failed.is_empty() => {
            open.set(false);
            on_done();
        }
        Some(Ok(failed)) => {
            failures.set(failed);
            on_done();
        }
        Some(Err(AppError(e))) => failures.set(vec![(String::new(), e)]),
    });
    let confirm = move |_| {
        delete.dispatch(with_volumes.get_untracked());
    };
    view! {
        <Modal open busy=pending>
            <div class="modal modal-danger" role="dialog" aria-modal="true" id="delete-apps-dialog"
                aria-labelledby="delete-apps-title" on:click=|ev| ev.stop_propagation()>
                <h2 id="delete-apps-title">{(t.delete_apps_title)(names.len())}</h2>
                <p>{t.delete_apps_warning}</p>
                <ul class="contents-list" id="delete-apps-list">
                    {names.into_iter().map(|n| view! { <li class="mono">{n}</li> }).collect_view()}
                </ul>
                {any_stateful.then(|| view! {
                    <label class="check">
                        <input type="checkbox" id="delete-volumes" prop:checked=move || with_volumes.get()
                            on:change=move |ev| with_volumes.set(event_target_checked(&ev)) />
                        {t.delete_volumes}
                    </label>
                })}
                {move || (!failures.with(Vec::is_empty)).then(|| view! {
                    <ul class="notice notice-error" id="delete-failures">
                        {failures.get().into_iter().map(|(n, e)| view! { <li>{n}" "{t.error(&e)}</li> }).collect_view()}
                    </ul>
                })}
                <div class="modal-actions">
                    <button type="button" class="btn" disabled=move || pending.get() on:click=move |_| open.set(false)>{t.cancel}</button>
                    <button type="button" class="btn btn-danger" id="confirm-delete-apps" disabled=move || pending.get() on:click=confirm>
                        {move || if pending.get() { t.deleting } else { t.delete }}
                    </button>
                </div>
            </div>
        </Modal>
    }
}

/// `/spaces/:space/apps/:name`.
#[component]
pub fn AppDetailPage() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let name = use_param("name");
    view! {
        <nav class="breadcrumb">
            <a href=move || format!("{}/spaces/{}/apps", crate::paths::cluster_root(), space.get())>{t.apps}</a>" / "<span>{move || name.get()}</span>
        </nav>
        {first_read(space, name, get_app, |first| view! { <AppDetailView first /> }.into_any())}
        <section class="card">
            <h2>{t.events}</h2>
            <ObjectEvents space kind=None name />
        </section>
    }
}

/// An app's page, built once from its first read and kept current in
/// place: every change of its workload (any of the four kinds, by name)
/// or of its pods (a stopped app is one whose last pod has gone, which the
/// workload does not report again) reads it again into `rereads`.
#[component]
fn AppDetailView(first: AppDetail) -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let navigate = use_navigate();
    let app = app_ref(&first.row);
    let rereads = Rereads::new();
    let reread = {
        let name = app.name.clone();
        move || rereads.read(get_app(space.get_untracked(), name.clone()))
    };
    let followed = {
        let name = app.name.clone();
        Memo::new(move |_| Some(Source::named(LiveKind::Workloads, space.get(), &name)))
    };
    let live = use_live_changes(followed, reread.clone());
    let pod_selector = first.pod_selector.clone();
    let pods = {
        let selector = pod_selector.clone();
        Memo::new(move |_| {
            (!selector.is_empty())
                .then(|| Source::selected(LiveKind::Pods, space.get(), selector.clone()))
        })
    };
    use_live_changes(pods, reread.clone());
    let scale_to = RwSignal::new(first.row.desired.to_string());
    let detail = rereads.current(first);
    let failure = rereads.failure();
    let row = Memo::new(move |_| detail.with(|d| d.row.clone()));

    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<&'static str, ApiError>>);
    let deleting = RwSignal::new(false);
    let act = {
        let (app, reread) = (app.clone(), reread.clone());
        move |action: AppAction, done: &'static str| {
            let (app, reread) = (app.clone(), reread.clone());
            busy.set(true);
            spawn_local(async move {
                let result = run_app_action(space.get_untracked(), app, action).await;
                outcome.set(Some(result.map(|_| done).map_err(|AppError(e)| e)));
                busy.set(false);
                reread();
            });
        }
    };
    let may_not_change = use_denied(Action::ChangeApp(app.kind));
    let may_not_delete = use_denied(Action::DeleteApp(app.kind));
    // Busy with an action, or not allowed to change the app at all.
    let locked = Signal::derive(move || busy.get() || may_not_change.get().is_some());
    let stopped = Memo::new(move |_| row.with(|r| r.status == AppStatus::Stopped));
    let desired = Memo::new(move |_| row.with(|r| r.desired));
    // The input shows the count the workload has now (a kubectl scale, or
    // this page's own), until it is typed over.
    Effect::watch(
        move || desired.get(),
        move |now, _, _| scale_to.set(now.to_string()),
        false,
    );
    let button = {
        let act = act.clone();
        move |id: &'static str,
              label: &'static str,
              action: AppAction,
              done: &'static str,
              why_not: Signal<Option<&'static str>>| {
            let act = act.clone();
            view! {
                <button type="button" class="btn" id=id
                    title=move || may_not_change.get().unwrap_or_else(|| why_not.get().unwrap_or_default().to_owned())
                    disabled=move || locked.get() || why_not.get().is_some()
                    on:click=move |_| act(action, done)>{label}</button>
            }
        }
    };
    let scale = {
        let act = act.clone();
        move |n: i32| act(AppAction::Scale(n), t.scaled)
    };
    let (scale_minus, scale_plus, scale_apply) = (scale.clone(), scale.clone(), scale);
    let upgrade_href = format!(
        "{}/spaces/{}/apps/{}/upgrade",
        crate::paths::cluster_root(),
        space.get_untracked(),
        app.name
    );

    // Confirm only once the new pods are all up; roll back any time (the
    // way out of a stuck rollout). The section is rebuilt only when the
    // upgrade mark itself changes.
    let mark = Memo::new(move |_| row.with(|r| r.upgrade.clone()));
    let rolled_out = Memo::new(move |_| row.with(|r| r.status == AppStatus::Upgraded));
    let upgraded_view = {
        let act = act.clone();
        move || {
            mark.get().map(|mark| {
                let (act_back, act_confirm) = (act.clone(), act.clone());
                view! {
                    <section class="card upgraded" id="upgraded">
                        <h2>{t.status_upgraded}</h2>
                        <p class="muted">{move || if rolled_out.get() { t.upgraded_hint } else { t.upgrade_rolling_hint }}</p>
                        <div class="side-by-side">
                            <div><h3>{t.before_upgrade}</h3>
                                <p class="mono" id="images-before">{mark.images.join(", ")}</p>
                                <p class="small muted">{(t.replicas_n)(mark.replicas)}</p></div>
                            <div><h3>{t.after_upgrade}</h3>
                                <p class="mono" id="images-after">{move || row.with(|r| r.images.join(", "))}</p>
                                <p class="small muted">{move || (t.replicas_n)(desired.get())}</p></div>
                        </div>
                        <div class="form-actions">
                            <button type="button" class="btn" id="rollback" disabled=move || locked.get()
                                on:click=move |_| act_back(AppAction::Rollback(None), t.rolled_back)>{t.rollback}</button>
                            <button type="button" class="btn btn-primary" id="confirm-upgrade"
                                title=move || (!rolled_out.get()).then_some(t.wait_for_rollout)
                                disabled=move || locked.get() || !rolled_out.get()
                                on:click=move |_| act_confirm(AppAction::ConfirmUpgrade, t.confirmed)>{t.confirm_upgrade}</button>
                        </div>
                    </section>
                }
            })
        }
    };

    // A revision's row is redrawn only when what it shows changes (its
    // age moves in whole minutes, hours, days).
    let revisions = Memo::new(move |_| {
        detail.with(|d| {
            d.revisions
                .iter()
                .map(|r| (r.clone(), r.age_seconds.map(format_age).unwrap_or_default()))
                .collect::<Vec<_>>()
        })
    });
    let revision_row = {
        let act = act.clone();
        move |(r, age): (wharf_spec::view::RevisionRow, String)| {
            let act = act.clone();
            let number = r.number;
            view! {
                <tr data-revision=r.number>
                    <td class="num">{r.number}</td>
                    <td class="mono small">{r.images.join(", ")}</td>
                    <td class="num">{age}</td>
                    <td>{if r.current {
                        view! { <span class="badge badge-ok">{t.current_revision}</span> }.into_any()
                    } else {
                        view! {
                            <button type="button" class="btn btn-small" data-rollback-to=r.number disabled=move || locked.get()
                                on:click=move |_| act(AppAction::Rollback(Some(number)), t.rolled_back)>{t.rollback_to}</button>
                        }.into_any()
                    }}</td>
                </tr>
            }
        }
    };

    let on_deleted = {
        let navigate = navigate.clone();
        move || {
            navigate(
                &format!(
                    "{}/spaces/{}/apps",
                    crate::paths::cluster_root(),
                    space.get_untracked()
                ),
                Default::default(),
            )
        }
    };
    let stopped_why = |why: &'static str, when_stopped: bool| {
        Signal::derive(move || (stopped.get() == when_stopped).then_some(why))
    };

    let delete_dialog = {
        let app = app.clone();
        move || {
            let on_deleted = on_deleted.clone();
            Suspend::new(delete_apps_dialog(
                space.get_untracked(),
                vec![app.clone().into()],
                deleting,
                Arc::new(on_deleted),
            ))
        }
    };

    // Built in parts: one view of it all is a type too deep for rustc.
    let toolbar = view! {
        <div class="toolbar">
            <h1 id="app-name">{app.name.clone()}</h1>
            {move || row.with(|r| r.alias.clone()).map(|a| view! { <span class="muted">{a}</span> })}
            <span class="kind">{kind_text(t, app.kind)}</span>
            <span id="app-status">{move || {
                let r = row.get();
                view! { <AppStatusView status=r.status desired=r.desired ready=r.ready
                    updated=r.updated reason=r.reason /> }
            }}</span>
            <LiveBadge state=live />
            <span class="spacer"></span>
            {button("start", t.start, AppAction::Start, t.started, stopped_why(t.why_not_start, false))}
            {button("stop", t.stop, AppAction::Stop, t.stopped, stopped_why(t.why_not_stop, true))}
            {button("restart", t.restart, AppAction::Restart, t.restarted, stopped_why(t.why_not_restart, true))}
            <GuardedLink action=Action::ChangeApp(app.kind) id="upgrade" class="btn" href=Signal::stored(upgrade_href)>{t.upgrade}</GuardedLink>
            <button type="button" class="btn btn-danger-ghost" id="delete-app" on:click=move |_| deleting.set(true)
                disabled=move || may_not_delete.get().is_some() title=move || may_not_delete.get()>{t.delete}</button>
        </div>
    }
    .into_any();
    let overview = view! {
        <section class="card">
            <h2 class="sr-only">{t.overview}</h2>
            <div class="grid-3">
                <div><h3>{t.col_image}</h3><p class="mono" id="app-images">{move || row.with(|r| r.images.join(", "))}</p></div>
                <div><h3>{t.col_external}</h3><p>{move || row.with(|r| reach_view(t, r))}</p></div>
                <div>
                    <h3>{t.replicas}</h3>
                    <div class="scale" title=move || may_not_change.get()>
                        <button type="button" class="btn btn-icon" id="scale-minus" title=t.scale_down
                            disabled=move || locked.get() || desired.get() == 0
                            on:click=move |_| scale_minus(desired.get_untracked() - 1)>"−"</button>
                        <input id="scale-input" class="num" inputmode="numeric" aria-label=t.replicas
                            prop:value=move || scale_to.get() on:input=move |ev| scale_to.set(event_target_value(&ev)) />
                        <button type="button" class="btn btn-icon" id="scale-plus" title=t.scale_up
                            disabled=move || locked.get()
                            on:click=move |_| scale_plus(desired.get_untracked() + 1)>"+"</button>
                        <button type="button" class="btn btn-small" id="scale-apply" disabled=move || locked.get()
                            on:click=move |_| match scale_to.get_untracked().trim().parse() {
                                Ok(n) => scale_apply(n),
                                Err(_) => outcome.set(Some(Err(FieldErrors::single(wharf_spec::app::AppField::Replicas, wharf_spec::Problem::NotANumber).into()))),
                            }>{t.scale}</button>
                    </div>
                    <p class="small muted">{move || row.with(|r| (t.rollout_progress)(r.updated, r.ready, r.desired))}</p>
                </div>
            </div>
        </section>
    }
    .into_any();
    let lists = view! {
        <section class="card">
            <div class="toolbar">
                <h2>{t.pods}</h2>
                <span class="spacer"></span>
                <GuardedLink action=Action::ReadLogs id="app-logs" class="btn btn-small"
                    href=Signal::stored(format!("{}/spaces/{}/apps/{}/logs", crate::paths::cluster_root(), space.get_untracked(), app.name))>{t.all_pods_logs}</GuardedLink>
            </div>
            <SelectedPods space labels=pod_selector id="pods-table" />
        </section>
        <section class="card">
            <h2>{t.revisions}</h2>
            <table class="table" id="revisions-table">
                <thead><tr><th class="num">"#"</th><th>{t.col_image}</th><th class="num">{t.col_age}</th><th><span class="sr-only">{t.col_actions}</span></th></tr></thead>
                <tbody>
                    <For each=move || revisions.get() key=|entry| entry.clone() children=revision_row />
                </tbody>
            </table>
        </section>
    }
    .into_any();
    view! {
        {move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}
        {toolbar}
        {move || outcome.get().map(|o| match o {
            Ok(text) => view! { <p class="notice notice-ok" id="action-result">{text}</p> }.into_any(),
            Err(e) => view! { <div id="action-result"><ErrorNotice error=e /></div> }.into_any(),
        })}
        {upgraded_view}
        {overview}
        {lists}
        <Show when=move || deleting.get()>
            {
                let dialog = delete_dialog.clone();
                view! { <LazyDialog>{dialog}</LazyDialog> }
            }
        </Show>
    }
}

/// `/spaces/:space/apps/:name/upgrade`: 升级服务.
#[component]
pub fn AppUpgradePage() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let name = use_param("name");
    let draft = crate::api::resource(
        move || (space.get(), name.get()),
        |(s, n)| get_upgrade_draft(s, n),
    );
    view! {
        <nav class="breadcrumb">
            <a href=move || format!("{}/spaces/{}/apps", crate::paths::cluster_root(), space.get())>{t.apps}</a>" / "
            <a href=move || format!("{}/spaces/{}/apps/{}", crate::paths::cluster_root(), space.get(), name.get())>{move || name.get()}</a>" / "
            <span>{t.upgrade}</span>
        </nav>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match draft.await {
                    Ok(draft) => view! { <UpgradeEditor draft /> }.into_any(),
                    Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UpgradeEditor(draft: UpgradeDraft) -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let navigate = use_navigate();
    let UpgradeDraft {
        app,
        form,
        generation,
    } = draft;
    let title = (t.upgrade_title)(&app.name);
    let s = FormState::new(form, |f: &UpgradeForm| {
        f.validate().err().unwrap_or_default()
    });
    let failure = RwSignal::new(None::<ApiError>);
    let detail_href = format!(
        "{}/spaces/{}/apps/{}",
        crate::paths::cluster_root(),
        space.get_untracked(),
        app.name
    );
    let upgrade = leptos::prelude::Action::new(move |form: &UpgradeForm| {
        let (app, form) = (app.clone(), form.clone());
        async move { upgrade_app(space.get_untracked(), app, form, generation).await }
    });
    let pending = upgrade.pending();
    // The answer, in the browser (effects do not run on the server).
    Effect::new({
        let href = detail_href.clone();
        move |_| match upgrade.value().get() {
            None => {}
            Some(Ok(())) => navigate(&href, Default::default()),
            Some(Err(AppError(e))) => s.refused(e, failure),
        }
    });
    let submit = move |_| {
        s.attempted.set(true);
        failure.set(None);
        if s.is_valid() {
            upgrade.dispatch(s.form.get_untracked());
        }
    };
    view! {
        <div class="toolbar"><h1>{title}</h1></div>
        <p class="muted">{t.upgrade_hint}</p>
        <form class="service-form" id="upgrade-form" novalidate on:submit=|ev| ev.prevent_default()>
            <ContainersEditor s mounts_here=true />
            <section class="card">
                {text_field(s, UpgradeField::Replicas, t.replicas, Some(t.replicas_hint))}
            </section>
            <div id="form-failure">{move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}</div>
            <Show when=move || s.attempted.get() && !s.is_valid()>
                <p class="notice notice-error" id="fix-errors">{t.fix_errors}</p>
            </Show>
            <div class="form-actions">
                <a class="btn" href=detail_href.clone()>{t.cancel}</a>
                <button type="button" class="btn btn-primary" id="start-upgrade" disabled=move || pending.get()
                    on:click=submit>{t.upgrade}</button>
            </div>
        </form>
    }
}
