//! 创建容器服务: the app wizard. One `AppForm` signal holds every step; the
//! shared crate checks it on each change, "Next" stays on a step while a
//! field of that step is wrong (each field knows its step:
//! `AppField::step`), and the server checks everything again.
//! Steps: basics (选择镜像's name part), containers (容器配置), storage,
//! service and access (容器规格: replicas; ports; external access),
//! scheduling and metadata, summary (both objects as YAML, checked by the
//! apiserver). This file is the page: the steps' state and layout; the
//! editors are `components::workload` and `components::ports`.

use crate::api::{AppError, create_app, create_app_yaml, preview_app};
use crate::components::form::{FormState, field_id, key_value_rows, radio, text_field};
use crate::components::ports::{PortList, port_rows};
use crate::components::workload::{ContainersEditor, MountRows, TolerationRows, VolumeRows};
use crate::components::{CodeEditor, ErrorNotice, use_param, use_texts};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wharf_spec::ApiError;
use wharf_spec::app::{Access, AppField, AppForm, AppKind, WizardStep};
use wharf_spec::service::{LoadBalancerKind, ServiceField, TrafficPolicy};

const STEPS: usize = WizardStep::ALL.len();

/// What the create (or check) button sends: the form, or the summary's
/// YAML once the user edited it.
#[derive(Clone)]
enum Submission {
    Form(Box<AppForm>),
    Yaml(String),
}

/// `/spaces/:space/new/app`.
#[component]
pub fn AppWizardPage() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let navigate = use_navigate();
    let s = FormState::new(AppForm::default(), |f: &AppForm| {
        f.validate(crate::components::node_port_range())
            .err()
            .unwrap_or_default()
    });
    let step = RwSignal::new(WizardStep::Basics);
    let tried = RwSignal::new([false; STEPS]);
    let summary = Summary::new();
    let check_passed = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);

    let step_ok = move |at: WizardStep| {
        s.local
            .with(|e| !e.0.iter().any(|e| AppField::step_of(&e.field) == at))
    };
    // The step's messages show next to their fields, and in a summary.
    let show_step_errors = move |at: WizardStep| {
        tried.update(|t| t[at.index()] = true);
        let fields: Vec<String> = s.local.with_untracked(|e| {
            e.0.iter()
                .filter(|e| AppField::step_of(&e.field) == at)
                .map(|e| e.field.clone())
                .collect()
        });
        s.touched.update(|t| t.extend(fields));
    };
    let go = move |to: WizardStep| {
        // Forward only past steps without errors; back always.
        let from = step.get_untracked();
        for between in &WizardStep::ALL[from.index()..to.index().max(from.index())] {
            if !step_ok(*between) {
                show_step_errors(*between);
                step.set(*between);
                return;
            }
        }
        step.set(to);
        if to == WizardStep::Summary && !summary.edited.get_untracked() {
            summary.render(space.get_untracked(), s.form.get_untracked(), failure);
        }
    };

    // Create (or only check): the apiserver's answer lands on the form's
    // fields, and the wizard goes back to the step of the first one.
    let send = Action::new(move |(submission, check_only): &(Submission, bool)| {
        let (submission, check_only) = (submission.clone(), *check_only);
        let space = space.get_untracked();
        async move {
            let from_yaml = matches!(submission, Submission::Yaml(_));
            let result = match submission {
                Submission::Form(form) => {
                    let name = form.name.trim().to_owned();
                    create_app(space, *form, check_only).await.map(|()| name)
                }
                Submission::Yaml(yaml) => create_app_yaml(space, yaml, check_only).await,
            };
            (result, from_yaml, check_only)
        }
    });
    // The answer, in the browser (effects do not run on the server).
    Effect::new(move |_| {
        let Some((result, from_yaml, check_only)) = send.value().get() else {
            return;
        };
        match result {
            Ok(_) if check_only => check_passed.set(true),
            Ok(name) => navigate(
                &format!(
                    "{}/spaces/{}/apps/{name}",
                    crate::paths::cluster_root(),
                    space.get_untracked()
                ),
                Default::default(),
            ),
            Err(AppError(e)) if from_yaml => summary.failure.set(Some(e)),
            Err(AppError(e)) => {
                // Back to the step of the first field the server named.
                if let Some(first) = e.field_errors().0.first() {
                    step.set(AppField::step_of(&first.field));
                }
                s.refused(e, failure);
            }
        }
    });
    let submit = move |check_only: bool| {
        move |_| {
            check_passed.set(false);
            failure.set(None);
            summary.failure.set(None);
            let submission = if summary.edited.get_untracked() {
                // The edited YAML is the app now; the apiserver judges it.
                Submission::Yaml(summary.text.get_untracked())
            } else {
                s.attempted.set(true);
                if let Some(bad) = WizardStep::ALL[..STEPS - 1]
                    .iter()
                    .copied()
                    .find(|at| !step_ok(*at))
                {
                    show_step_errors(bad);
                    step.set(bad);
                    return;
                }
                Submission::Form(Box::new(s.form.get_untracked()))
            };
            send.dispatch((submission, check_only));
        }
    };
    let pending = send.pending();

    let step_names = [
        t.step_basics,
        t.step_containers,
        t.step_storage,
        t.step_service,
        t.step_scheduling,
        t.step_summary,
    ];
    let stepper = move || {
        WizardStep::ALL
            .iter()
            .zip(step_names)
            .map(|(&at, name)| {
                let i = at.index();
                view! {
                    <li class="step" class:current=move || step.get() == at class:done=move || i < step.get().index()
                        class:invalid=move || tried.get()[i] && !step_ok(at)>
                        <button type="button" id=format!("step-{}", i + 1) on:click=move |_| go(at)
                            aria-current=move || (step.get() == at).then_some("step")>
                            <span class="step-number">{i + 1}</span>" "{name}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let step_view = move |at: WizardStep, body: AnyView| {
        view! {
            <div class:hidden=move || step.get() != at>
                {body}
                <StepErrors s at shown=Signal::derive(move || tried.get()[at.index()] || s.attempted.get()) />
            </div>
        }
    };
    let apps_href = move || {
        format!(
            "{}/spaces/{}/apps",
            crate::paths::cluster_root(),
            space.get()
        )
    };

    view! {
        <nav class="breadcrumb">
            <a href=apps_href>{t.apps}</a>" / "<span>{t.new_app}</span>
        </nav>
        <div class="toolbar"><h1>{t.new_app}</h1></div>
        <ol class="steps" id="wizard-steps">{stepper}</ol>
        <form class="service-form" id="app-form" novalidate on:submit=|ev| ev.prevent_default()>
            {step_view(WizardStep::Basics, view! { <BasicsStep s /> }.into_any())}
            {step_view(WizardStep::Containers, view! { <ContainersEditor s mounts_here=false /> }.into_any())}
            {step_view(WizardStep::Storage, view! { <StorageStep s /> }.into_any())}
            {step_view(WizardStep::Service, view! { <ServiceStep s /> }.into_any())}
            {step_view(WizardStep::Scheduling, view! { <SchedulingStep s /> }.into_any())}
            <Show when=move || step.get() == WizardStep::Summary>
                <SummaryStep summary on_discard=Callback::new(move |_| summary.render(space.get_untracked(), s.form.get_untracked(), failure)) />
            </Show>
            <div id="form-failure">{move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}</div>
            <Show when=move || check_passed.get()>
                <p class="notice notice-ok" id="check-ok">{t.check_ok}</p>
            </Show>
            <div class="form-actions">
                <a class="btn" href=apps_href>{t.cancel}</a>
                <button type="button" class="btn" id="wizard-prev" disabled=move || step.get() == WizardStep::Basics
                    on:click=move |_| go(WizardStep::ALL[step.get_untracked().index().saturating_sub(1)])>{t.previous}</button>
                <Show when=move || step.get() != WizardStep::Summary>
                    <button type="button" class="btn btn-primary" id="wizard-next"
                        on:click=move |_| go(WizardStep::ALL[step.get_untracked().index() + 1])>{t.next}</button>
                </Show>
                <Show when=move || step.get() == WizardStep::Summary>
                    <button type="button" class="btn" id="check-app" disabled=move || pending.get()
                        on:click=submit(true)>{t.check}</button>
                    <button type="button" class="btn btn-primary" id="create-app" disabled=move || pending.get()
                        on:click=submit(false)>{t.create}</button>
                </Show>
            </div>
        </form>
    }
}

/// The local errors of one step, listed at its foot once the user tried to
/// leave it (some, like the Service's ports taken from the containers, have
/// no input of their own), each named in words and linked to its input.
#[component]
fn StepErrors(s: FormState<AppForm>, at: WizardStep, shown: Signal<bool>) -> impl IntoView {
    let t = use_texts();
    move || {
        shown.get().then(|| {
            let list: Vec<(String, String, String)> = s.local.with(|errors| {
                errors
                    .0
                    .iter()
                    .filter(|e| AppField::step_of(&e.field) == at)
                    .map(|e| {
                        let name = e
                            .path::<AppField>()
                            .map_or_else(|| e.field.clone(), |f| t.app_field(&f));
                        (field_id(&e.field), name, t.problem(&e.problem))
                    })
                    .collect()
            });
            (!list.is_empty()).then(|| {
                view! {
                    <ul class="notice notice-error step-errors" id=format!("step-{}-errors", at.index() + 1)>
                        {list.into_iter().map(|(id, name, words)| view! {
                            <li><a href=format!("#{id}")>{name}</a>": "{words}</li>
                        }).collect_view()}
                    </ul>
                }
            })
        })
    }
}

/// Step 1: stateless or stateful, name, alias, version, description.
#[component]
fn BasicsStep(s: FormState<AppForm>) -> impl IntoView {
    let t = use_texts();
    let kind = Memo::new(move |_| s.form.with(|f| f.kind));
    let kind_option = move |k: AppKind, title: &'static str, hint: &'static str| {
        view! {
            <label class="kind-option" class:selected=move || kind.get() == k>
                <input type="radio" name="app-kind" data-kind=format!("{k:?}")
                    prop:checked=move || kind.get() == k
                    on:change=move |_| s.edit(AppField::Kind, |f| f.kind = k) />
                <span class="kind-title">{title}</span>
                <span class="kind-hint">{hint}</span>
            </label>
        }
    };
    view! {
        <section class="card">
            <h2>{t.app_kind}</h2>
            <div class="kind-options">
                {kind_option(AppKind::Stateless, t.stateless, t.stateless_hint)}
                {kind_option(AppKind::Stateful, t.stateful, t.stateful_hint)}
            </div>
        </section>
        <section class="card">
            <h2>{t.basics}</h2>
            <div class="grid-2">
                {text_field(s, AppField::Name, t.app_name, Some(t.app_name_hint))}
                {text_field(s, AppField::Alias, t.alias, None)}
                {text_field(s, AppField::Version, t.version, Some(t.version_hint))}
            </div>
            {text_field(s, AppField::Description, t.description, None)}
        </section>
    }
}

/// Step 3: the pod's volumes, then each container's mounts of them.
#[component]
fn StorageStep(s: FormState<AppForm>) -> impl IntoView {
    let t = use_texts();
    let container_names = Memo::new(move |_| {
        s.form.with(|f| {
            f.containers
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card">
            <h2>{t.volumes}</h2>
            <p class="field-hint">{t.volumes_hint}</p>
            <VolumeRows s />
        </section>
        <section class="card">
            <h2>{t.mounts}</h2>
            {move || container_names.get().into_iter().enumerate().map(|(i, name)| view! {
                <h3>{(t.mounts_of)(&name)}</h3>
                <MountRows s i />
            }).collect_view()}
        </section>
    }
}

/// Step 4: replicas, external access, the Service's ports and options.
#[component]
fn ServiceStep(s: FormState<AppForm>) -> impl IntoView {
    let t = use_texts();
    let kind = Memo::new(move |_| s.form.with(|f| f.kind));
    let access = Memo::new(move |_| s.form.with(|f| f.access));
    let exposed =
        Memo::new(move |_| kind.get() == AppKind::Stateless && access.get() != Access::None);
    let ports = PortList {
        at: |row| AppField::Service(ServiceField::Ports(row)),
        read: |f: &AppForm| &f.service.ports,
        write: |f: &mut AppForm| &mut f.service.ports,
    };
    let service = |field| AppField::Service(field);
    view! {
        <section class="card">
            <h2>{t.replicas}</h2>
            {text_field(s, AppField::Replicas, t.replicas, Some(t.replicas_hint))}
        </section>
        <section class="card">
            <h2>{t.external_access}</h2>
            <Show when=move || kind.get() == AppKind::Stateless
                fallback=move || view! { <p class="muted" id="stateful-headless">{t.stateful_service_hint}</p> }>
                {radio(s, AppField::Access, "access", "access-none", Access::None, t.access_none, |f: &AppForm| f.access, |f, v| f.access = v)}
                {radio(s, AppField::Access, "access", "access-node-port", Access::NodePort, t.access_node_port, |f: &AppForm| f.access, |f, v| f.access = v)}
                {radio(s, AppField::Access, "access", "access-load-balancer", Access::LoadBalancer, t.access_load_balancer, |f: &AppForm| f.access, |f, v| f.access = v)}
            </Show>
            <h3>{t.ports_title}</h3>
            <p class="field-hint">{t.service_ports_default_hint}</p>
            <div id="service-ports">{port_rows(s, ports, exposed.into(), "add-service-port")}</div>
            <Show when=move || exposed.get()>
                <h3>{t.traffic_policy}</h3>
                {radio(s, service(ServiceField::TrafficPolicy), "traffic", "traffic-cluster", TrafficPolicy::Cluster, t.traffic_cluster, |f: &AppForm| f.service.traffic_policy, |f, v| f.service.traffic_policy = v)}
                {radio(s, service(ServiceField::TrafficPolicy), "traffic", "traffic-local", TrafficPolicy::Local, t.traffic_local, |f: &AppForm| f.service.traffic_policy, |f, v| f.service.traffic_policy = v)}
            </Show>
            <Show when=move || exposed.get() && access.get() == Access::LoadBalancer>
                <h3>{t.lb_kind}</h3>
                {radio(s, service(ServiceField::LbKind), "lb-kind", "lb-metallb", LoadBalancerKind::MetalLb, "MetalLB", |f: &AppForm| f.service.lb_kind, |f, v| f.service.lb_kind = v)}
                {radio(s, service(ServiceField::LbKind), "lb-kind", "lb-other", LoadBalancerKind::Other, t.lb_other, |f: &AppForm| f.service.lb_kind, |f, v| f.service.lb_kind = v)}
                <div class="grid-2">
                    {text_field(s, service(ServiceField::LbPool), t.lb_pool, None)}
                    {text_field(s, service(ServiceField::LbAddress), t.lb_address, Some(t.lb_address_hint))}
                </div>
            </Show>
            <h3>{t.session_affinity}</h3>
            <label class="check">
                <input type="checkbox" id="session-affinity"
                    prop:checked=move || s.form.with(|f| f.service.session_affinity)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        s.edit(service(ServiceField::SessionAffinity), |f| f.service.session_affinity = on);
                    } />
                {move || (t.affinity_client_ip)(None)}
            </label>
            <Show when=move || s.form.with(|f| f.service.session_affinity)>
                {text_field(s, service(ServiceField::AffinityTimeout), t.affinity_timeout, Some(t.affinity_timeout_hint))}
            </Show>
        </section>
    }
}

/// Step 5: node selector, tolerations, labels, annotations.
#[component]
fn SchedulingStep(s: FormState<AppForm>) -> impl IntoView {
    let t = use_texts();
    view! {
        <section class="card">
            <h2>{t.node_selector}</h2>
            <p class="field-hint">{t.node_selector_hint}</p>
            {key_value_rows(s, AppField::NodeSelector, |f: &mut AppForm| &mut f.node_selector, |f: &AppForm| &f.node_selector)}
            <h2>{t.tolerations}</h2>
            <p class="field-hint">{t.tolerations_hint}</p>
            <TolerationRows s />
            <h2>{t.labels}</h2>
            {key_value_rows(s, AppField::Labels, |f: &mut AppForm| &mut f.labels, |f: &AppForm| &f.labels)}
            <h2>{t.annotations}</h2>
            {key_value_rows(s, AppField::Annotations, |f: &mut AppForm| &mut f.annotations, |f: &AppForm| &f.annotations)}
        </section>
    }
}

/// The summary's YAML: rendered from the form by the server, or (once the
/// user edits it) what will be created as written.
#[derive(Clone, Copy)]
struct Summary {
    /// Whether `text` is rendered (false while it renders).
    rendered: RwSignal<bool>,
    /// The editor's text.
    text: RwSignal<String>,
    edited: RwSignal<bool>,
    /// Why rendering or creating from the YAML failed.
    failure: RwSignal<Option<ApiError>>,
}

impl Summary {
    fn new() -> Self {
        Summary {
            rendered: RwSignal::new(false),
            text: RwSignal::new(String::new()),
            edited: RwSignal::new(false),
            failure: RwSignal::new(None),
        }
    }

    /// Renders the form's objects as YAML (dropping the user's edits);
    /// a failure goes to `failure`, the form's.
    fn render(self, space: String, form: AppForm, failure: RwSignal<Option<ApiError>>) {
        self.rendered.set(false);
        self.edited.set(false);
        self.failure.set(None);
        leptos::task::spawn_local(async move {
            match preview_app(space, form).await {
                Ok(text) => {
                    self.text.set(text);
                    self.rendered.set(true);
                }
                Err(AppError(e)) => failure.set(Some(e)),
            }
        });
    }
}

/// Step 6: both objects as YAML, editable.
#[component]
fn SummaryStep(summary: Summary, on_discard: Callback<()>) -> impl IntoView {
    let t = use_texts();
    view! {
        <section class="card">
            <h2>{t.step_summary}</h2>
            <p class="muted">{t.summary_hint}</p>
            <Show when=move || summary.edited.get()>
                <p class="notice notice-info" id="yaml-edited">
                    {t.summary_edited}" "
                    <button type="button" class="btn btn-small" id="discard-yaml" on:click=move |_| on_discard.run(())>
                        {t.discard_edits}
                    </button>
                </p>
            </Show>
            {move || if summary.rendered.get() {
                view! {
                    <CodeEditor id="app-yaml" text=summary.text rows=30
                        on_edit=Callback::new(move |_| summary.edited.set(true)) />
                }.into_any()
            } else {
                view! { <p class="loading">{t.loading}</p> }.into_any()
            }}
            {move || summary.failure.get().map(|e| crate::pages::yaml::failure_view(e, "app-yaml-error"))}
        </section>
    }
}
