//! 创建服务 / 编辑服务: the Service form, for a new Service and for editing one.
//! One `ServiceForm` signal holds what the user typed; the shared crate
//! validates it on every change (errors next to the fields, Save disabled
//! while any stands) and the server validates again.
//!
//! The form is applied onto a *base* object (`ServiceDraft::base`): the
//! stored Service when editing, or what the user wrote in the YAML tab. What
//! the form does not show stays as the base has it, and the page says which
//! fields those are.

use crate::api::{
    AppError, create_service, draft_from_yaml, get_service_draft, list_workload_labels,
    matching_pods, preview_service, update_service,
};
use crate::components::form::{FormState, editable_text_field, key_value_rows, radio, text_field};
use crate::components::ports::{PortList, port_rows};
use crate::components::{Breadcrumb, CodeEditor, ErrorNotice, Loading, use_param, use_texts};
use crate::pages::yaml::{ConflictView, DiffView};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wharf_spec::diff::{diff_lines, has_changes};
use wharf_spec::field::Row;
use wharf_spec::service::{
    KeyValue, LoadBalancerKind, ServiceDraft, ServiceField, ServiceForm, TrafficPolicy,
};
use wharf_spec::view::ServiceKind;
use wharf_spec::{ApiError, FieldErrors};

/// Which face of the form is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Form,
    Yaml,
}

/// `/spaces/:space/new/service`.
#[component]
pub fn ServiceCreatePage() -> impl IntoView {
    view! { <ServiceEditor draft=ServiceDraft::default() editing=None /> }
}

/// `/spaces/:space/services/:name/edit`: the stored Service in the form.
#[component]
pub fn ServiceEditPage() -> impl IntoView {
    let space = use_param("space");
    let name = use_param("name");
    let draft = crate::api::resource(
        move || (space.get(), name.get()),
        |(s, n)| get_service_draft(s, n),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match draft.await {
                    Ok(d) => view! { <ServiceEditor draft=d editing=Some(name.get_untracked()) /> }.into_any(),
                    Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The form for a new Service (`editing` = None) or for editing one.
#[component]
fn ServiceEditor(draft: ServiceDraft, editing: Option<String>) -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let navigate = use_navigate();
    let is_edit = editing.is_some();
    let edit_name = StoredValue::new(editing.clone());
    // The form as read from the stored version: what a re-apply after a
    // conflict compares against to tell the user's changes from theirs.
    let original = RwSignal::new(draft.form.clone());
    let s = FormState::new(draft.form, |f: &ServiceForm| {
        f.validate(crate::components::node_port_range())
            .err()
            .unwrap_or_default()
    });
    let (form, local) = (s.form, s.local);
    let base = RwSignal::new(draft.base);
    let kept = RwSignal::new(draft.kept);
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);
    let check_passed = RwSignal::new(false);
    let tab = RwSignal::new(Tab::Form);
    // The YAML tab's text, and whether the user changed it since it was
    // rendered from the form.
    let yaml_text = RwSignal::new(String::new());
    let yaml_edited = RwSignal::new(false);
    let yaml_failure = RwSignal::new(None::<ApiError>);
    // Editing: "review changes" (base → result) and a conflict's current version.
    let review = RwSignal::new(None::<(String, String)>);
    let conflict = RwSignal::new(None::<(ServiceDraft, ServiceForm, String)>);

    // Form → YAML: render what the form makes, on the base.
    let show_yaml = move || {
        yaml_failure.set(None);
        spawn_local(async move {
            match preview_service(
                space.get_untracked(),
                form.get_untracked(),
                base.get_untracked(),
            )
            .await
            {
                Ok(text) => {
                    yaml_text.set(text);
                    yaml_edited.set(false);
                    tab.set(Tab::Yaml);
                }
                Err(AppError(e)) => failure.set(Some(e)),
            }
        });
    };
    // YAML → form: the edited text becomes the base, read back into the form.
    // False (and the error under the editor) if it cannot be read.
    let take_yaml = move || async move {
        if tab.get_untracked() != Tab::Yaml || !yaml_edited.get_untracked() {
            return true;
        }
        let result = draft_from_yaml(
            space.get_untracked(),
            yaml_text.get_untracked(),
            edit_name.get_value(),
        )
        .await;
        match result {
            Ok(d) => {
                form.set(d.form);
                base.set(d.base);
                kept.set(d.kept);
                yaml_edited.set(false);
                yaml_failure.set(None);
                true
            }
            Err(AppError(e)) => {
                yaml_failure.set(Some(e));
                false
            }
        }
    };
    let show_form = move || {
        spawn_local(async move {
            if take_yaml().await {
                tab.set(Tab::Form);
            }
        });
    };

    let submit = move |check_only: bool| {
        let navigate = navigate.clone();
        move || {
            let navigate = navigate.clone();
            spawn_local(async move {
                if !take_yaml().await {
                    return;
                }
                s.attempted.set(true);
                check_passed.set(false);
                failure.set(None);
                if !local.with_untracked(FieldErrors::is_empty) {
                    tab.set(Tab::Form);
                    return;
                }
                pending.set(true);
                let space = space.get_untracked();
                let form_now = form.get_untracked();
                match edit_name.get_value() {
                    None => {
                        let result = create_service(
                            space.clone(),
                            form_now,
                            base.get_untracked(),
                            check_only,
                        )
                        .await;
                        match result {
                            Ok(_) if check_only => check_passed.set(true),
                            Ok(row) => navigate(
                                &format!(
                                    "{}/spaces/{space}/services/{}",
                                    crate::paths::cluster_root(),
                                    row.name
                                ),
                                Default::default(),
                            ),
                            Err(AppError(e)) => s.refused(e, failure),
                        }
                    }
                    Some(name) => {
                        let base_now = base.get_untracked().unwrap_or_default();
                        let result = update_service(
                            space.clone(),
                            name.clone(),
                            form_now.clone(),
                            base_now.clone(),
                        )
                        .await;
                        match result {
                            Ok(_) => navigate(
                                &format!(
                                    "{}/spaces/{space}/services/{name}",
                                    crate::paths::cluster_root()
                                ),
                                Default::default(),
                            ),
                            Err(AppError(ApiError::Conflict { .. })) => {
                                // Theirs next to mine, where mine is my changes
                                // re-applied on theirs: what "re-apply" saves.
                                match get_service_draft(space.clone(), name).await {
                                    Ok(theirs) => {
                                        let rebased = ServiceDraft::rebase(
                                            &original.get_untracked(),
                                            &form_now,
                                            &theirs.form,
                                        );
                                        match preview_service(
                                            space,
                                            rebased.clone(),
                                            theirs.base.clone(),
                                        )
                                        .await
                                        {
                                            Ok(mine) => conflict.set(Some((theirs, rebased, mine))),
                                            Err(AppError(e)) => failure.set(Some(e)),
                                        }
                                    }
                                    Err(AppError(e)) => failure.set(Some(e)),
                                }
                            }
                            Err(AppError(e)) => s.refused(e, failure),
                        }
                    }
                }
                pending.set(false);
            });
        }
    };
    let save = submit(false);
    let on_submit = {
        let save = save.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            save();
        }
    };
    let check = submit(true);
    let reapply = {
        let save = save.clone();
        move |_: ()| {
            if let Some((theirs, rebased, _)) = conflict.get_untracked() {
                original.set(theirs.form);
                form.set(rebased);
                base.set(theirs.base);
                kept.set(theirs.kept);
                conflict.set(None);
                save();
            }
        }
    };
    let review_changes = move |_| {
        spawn_local(async move {
            if !take_yaml().await {
                return;
            }
            let before = base.get_untracked().unwrap_or_default();
            match preview_service(
                space.get_untracked(),
                form.get_untracked(),
                Some(before.clone()),
            )
            .await
            {
                Ok(after) => review.set(Some((before, after))),
                Err(AppError(e)) => failure.set(Some(e)),
            }
        });
    };
    // Any change makes an earlier review stale.
    Effect::new(move |_| {
        form.track();
        review.set(None);
    });

    let title = match &editing {
        Some(name) => (t.edit_service_title)(name),
        None => t.new_service.to_owned(),
    };

    let yaml_tab = move || {
        view! {
            <section class="card">
                <p class="muted">{t.yaml_tab_hint}</p>
                <CodeEditor id="service-yaml-tab" text=yaml_text on_edit=Callback::new(move |_| yaml_edited.set(true)) />
                {move || yaml_failure.get().map(|e| crate::pages::yaml::failure_view(e, "service-yaml-tab-error"))}
            </section>
        }
    };

    let conflict_view = move || {
        conflict.get().map(|(theirs, _, mine)| {
            let reapply = reapply.clone();
            view! {
                <ConflictView theirs=theirs.base.unwrap_or_default() mine pending
                    on_reapply=move || reapply(()) />
            }
        })
    };

    view! {
        <Breadcrumb space current=title.clone() />
        <form class="service-form" id="service-form" on:submit=on_submit novalidate>
            <div class="toolbar">
                <h1>{title}</h1>
                <span class="spacer"></span>
                <div class="tabs-inline" role="tablist">
                    <button type="button" role="tab" id="tab-form" class="tab-button"
                        aria-selected=move || (tab.get() == Tab::Form).to_string()
                        on:click=move |_| show_form()>{t.tab_form}</button>
                    <button type="button" role="tab" id="tab-yaml" class="tab-button"
                        aria-selected=move || (tab.get() == Tab::Yaml).to_string()
                        on:click=move |_| if tab.get_untracked() != Tab::Yaml { show_yaml() }>"YAML"</button>
                </div>
            </div>
            {move || (!kept.with(Vec::is_empty)).then(|| view! {
                <p class="notice notice-info" id="kept-fields">
                    {t.kept_fields}" "<span class="mono">{kept.get().join(", ")}</span>
                </p>
            })}
            <div class:hidden=move || tab.get() != Tab::Form><ServiceFields s is_edit /></div>
            <Show when=move || tab.get() == Tab::Yaml>{yaml_tab}</Show>
            <div id="form-failure">{move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}</div>
            {view! {
                <Show when=move || check_passed.get()>
                    <p class="notice notice-ok" id="check-ok">{t.check_ok}</p>
                </Show>
                <Show when=move || s.attempted.get() && !local.with(FieldErrors::is_empty)>
                    <p class="notice notice-error" id="fix-errors">{t.fix_errors}</p>
                </Show>
                {move || review.get().map(|(before, after)| {
                    let lines = diff_lines(&before, &after);
                    if has_changes(&lines) {
                        view! { <DiffView id="review-diff" lines /> }.into_any()
                    } else {
                        view! { <p class="muted" id="review-diff">{t.no_changes}</p> }.into_any()
                    }
                })}
            }.into_any()}
            {conflict_view}
            <div class="form-actions">
                <a class="btn" href=move || match edit_name.get_value() {
                    Some(name) => format!("{}/spaces/{}/services/{name}", crate::paths::cluster_root(), space.get()),
                    None => format!("{}/spaces/{}/services", crate::paths::cluster_root(), space.get()),
                }>{t.cancel}</a>
                {if is_edit {
                    view! {
                        <button type="button" class="btn" id="review-changes" on:click=review_changes>{t.review_changes}</button>
                    }.into_any()
                } else {
                    let check = check.clone();
                    view! {
                        <button type="button" class="btn" id="check-service" disabled=move || pending.get() on:click=move |_| check()>{t.check}</button>
                    }.into_any()
                }}
                <button type="submit" class="btn btn-primary" id="save-service"
                    disabled=move || pending.get() || (s.attempted.get() && !local.with(FieldErrors::is_empty))>
                    {if is_edit { t.apply } else { t.create }}
                </button>
            </div>
        </form>
    }
}

/// The form tab: every card of the Service form.
#[component]
fn ServiceFields(s: FormState<ServiceForm>, is_edit: bool) -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let form = s.form;
    let kind = Memo::new(move |_| form.with(|f| f.kind));
    let node_ports = Memo::new(move |_| {
        matches!(
            kind.get(),
            ServiceKind::NodePort | ServiceKind::LoadBalancer
        )
    });
    // Live preview of what the selector matches (valid pairs only).
    let selector = Memo::new(move |_| {
        form.with(|f| {
            f.selector
                .iter()
                .filter(|r| {
                    !r.is_blank() && wharf_spec::labels::check_qualified_name(r.key.trim()).is_ok()
                })
                .map(|r| (r.key.trim().to_owned(), r.value.trim().to_owned()))
                .collect::<Vec<_>>()
        })
    });
    let preview = LocalResource::new(move || {
        let (space, selector) = (space.get(), selector.get());
        async move { matching_pods(space, selector).await }
    });
    let workloads = LocalResource::new(move || list_workload_labels(space.get()));

    let kind_option = move |k: ServiceKind, hint: &'static str| {
        view! {
            <label class="kind-option" class:selected=move || kind.get() == k>
                <input
                    type="radio"
                    name="kind"
                    value=k.api_type()
                    data-kind=format!("{k:?}")
                    prop:checked=move || kind.get() == k
                    on:change=move |_| s.edit(ServiceField::Kind, |f| f.kind = k)
                />
                <span class="kind-title">{t.service_kind(k)}</span>
                <span class="kind-hint">{hint}</span>
            </label>
        }
    };
    view! {
        {view! {
            <section class="card">
                <h2>{t.access_type}</h2>
                <div class="kind-options">
                    {kind_option(ServiceKind::ClusterIp, t.hint_cluster_ip)}
                    {kind_option(ServiceKind::NodePort, t.hint_node_port)}
                    {kind_option(ServiceKind::LoadBalancer, t.hint_load_balancer)}
                    {kind_option(ServiceKind::Headless, t.hint_headless)}
                    {kind_option(ServiceKind::ExternalName, t.hint_external_name)}
                </div>
            </section>
        }.into_any()}
        {view! {
            <section class="card">
                <h2>{t.basics}</h2>
                <div class="grid-2">
                    {editable_text_field(s, ServiceField::Name, t.service_name,
                        Some(if is_edit { t.name_cannot_change } else { t.service_name_hint }), Signal::stored(is_edit))}
                    {text_field(s, ServiceField::Alias, t.alias, None)}
                </div>
                {text_field(s, ServiceField::Description, t.description, None)}
            </section>
        }.into_any()}
        {view! {
            <Show when=move || kind.get() == ServiceKind::ExternalName>
                <section class="card">
                    {text_field(s, ServiceField::ExternalName, t.external_name, None)}
                </section>
            </Show>
        }.into_any()}
        {view! {
            <Show when=move || kind.get() != ServiceKind::ExternalName>
                <section class="card">
                    <div class="card-head">
                        <h2>{t.selector_title}</h2>
                        <select id="use-workload" aria-label=t.use_workload_labels on:change=move |ev| {
                            let choice = event_target_value(&ev);
                            if let Some(Ok(list)) = workloads.get()
                                && let Some(w) = list.iter().find(|w| format!("{}/{}", w.kind, w.name) == choice)
                            {
                                let rows = w.labels.iter().map(|(k, v)| KeyValue::new(k, v)).collect();
                                s.edit(ServiceField::Selector(Row::All), |f| f.selector = rows);
                            }
                        }>
                            <option value="">{t.use_workload_labels}</option>
                            // Browser only: a local resource read in the server's
                            // render makes the edit page's Suspense give up and
                            // send "Loading…" (the list comes after hydration).
                            {move || cfg!(feature = "hydrate").then(|| workloads.get()).flatten().and_then(Result::ok).unwrap_or_default().into_iter().map(|w| {
                                let value = format!("{}/{}", w.kind, w.name);
                                view! { <option value=value.clone()>{value.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    {key_value_rows(s, ServiceField::Selector, |f| &mut f.selector, |f| &f.selector)}
                    <div class="preview" id="selector-preview">
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                match preview.await {
                                    Ok(pods) if pods.is_empty() => view! { <p class="muted">{t.no_matching_pods}</p> }.into_any(),
                                    Ok(pods) => view! {
                                        <p class="muted">{(t.matching_pods)(pods.len())}</p>
                                        <ul class="pod-list">
                                            {pods.into_iter().map(|p| view! {
                                                <li><span class="mono">{p.name}</span>" "<span class="kind">{p.phase}</span>" "<span class="mono muted">{p.ip.unwrap_or_default()}</span></li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any(),
                                    Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </div>
                </section>
                <section class="card">
                    <h2>{t.ports_title}</h2>
                    {port_rows(s, PortList {
                        at: ServiceField::Ports,
                        read: |f: &ServiceForm| &f.ports,
                        write: |f: &mut ServiceForm| &mut f.ports,
                    }, node_ports.into(), "add-port")}
                </section>
                <section class="card">
                    <h2>{t.session_affinity}</h2>
                    <label class="check">
                        <input
                            type="checkbox"
                            id="session-affinity"
                            prop:checked=move || form.with(|f| f.session_affinity)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                s.edit(ServiceField::SessionAffinity, |f| f.session_affinity = on);
                            }
                        />
                        {move || (t.affinity_client_ip)(None)}
                    </label>
                    <Show when=move || form.with(|f| f.session_affinity)>
                        {text_field(s, ServiceField::AffinityTimeout, t.affinity_timeout, Some(t.affinity_timeout_hint))}
                    </Show>
                </section>
            </Show>
        }.into_any()}
        {view! {
            <Show when=move || node_ports.get()>
                <section class="card">
                    <h2>{t.traffic_policy}</h2>
                    {radio(s, ServiceField::TrafficPolicy, "traffic", "traffic-cluster", TrafficPolicy::Cluster, t.traffic_cluster, |f| f.traffic_policy, |f, v| f.traffic_policy = v)}
                    {radio(s, ServiceField::TrafficPolicy, "traffic", "traffic-local", TrafficPolicy::Local, t.traffic_local, |f| f.traffic_policy, |f, v| f.traffic_policy = v)}
                </section>
            </Show>
        }.into_any()}
        {view! {
            <Show when=move || kind.get() == ServiceKind::LoadBalancer>
                <section class="card">
                    <h2>{t.lb_kind}</h2>
                    {radio(s, ServiceField::LbKind, "lb-kind", "lb-metallb", LoadBalancerKind::MetalLb, "MetalLB", |f| f.lb_kind, |f, v| f.lb_kind = v)}
                    {radio(s, ServiceField::LbKind, "lb-kind", "lb-other", LoadBalancerKind::Other, t.lb_other, |f| f.lb_kind, |f, v| f.lb_kind = v)}
                    <div class="grid-2">
                        <Show when=move || form.with(|f| f.lb_kind == LoadBalancerKind::MetalLb)>
                            {text_field(s, ServiceField::LbPool, t.lb_pool, None)}
                        </Show>
                        {text_field(s, ServiceField::LbAddress, t.lb_address, Some(t.lb_address_hint))}
                    </div>
                </section>
            </Show>
        }.into_any()}
        {view! {
            <section class="card">
                <h2>{t.labels}</h2>
                {key_value_rows(s, ServiceField::Labels, |f| &mut f.labels, |f| &f.labels)}
                <h2>{t.annotations}</h2>
                {key_value_rows(s, ServiceField::Annotations, |f| &mut f.annotations, |f| &f.annotations)}
            </section>
        }.into_any()}
    }
}
