//! 创建服务: the app wizard. One `AppForm` signal holds every step; the
//! shared crate checks it on each change, "Next" stays on a step while a
//! field of that step is wrong, and the server checks everything again.
//! Steps: basics (选择镜像's name part), containers (容器配置), service and
//! access (容器规格: replicas; ports; external access), scheduling and
//! metadata, summary (both objects as YAML, checked by the apiserver).

use crate::api::{AppError, create_app, create_app_yaml, preview_app};
use crate::components::form::{
    FormState, cell_input, field_id, key_value_rows, radio, select_input, text_field,
};
use crate::components::{CodeEditor, ErrorNotice, use_param, use_texts};
use crate::i18n::Texts;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wharf_spec::app::{
    Access, AccessMode, AppForm, AppKind, ContainerForm, ContainerPortForm, EnvForm, EnvSource,
    MountForm, ProbeForm, ProbeKind, PullPolicy, TaintEffect, TolerationForm, TolerationOperator,
    VolumeForm, VolumeSource,
};
use wharf_spec::service::{LoadBalancerKind, PortForm, Protocol, TrafficPolicy};
use wharf_spec::{ApiError, FieldErrors};

/// The steps, and which fields each one owns (by prefix).
const STEPS: [&[&str]; 6] = [
    &["name", "alias", "description", "version", "kind"],
    &["containers"],
    &["volumes"],
    &["replicas", "service", "access"],
    &["node_selector", "tolerations", "labels", "annotations"],
    &[],
];
const SUMMARY: usize = STEPS.len() - 1;

fn step_of(field: &str) -> usize {
    // Mounts are chosen on the storage step, next to the volumes.
    if field.starts_with("containers.") && field.contains(".mounts") {
        return 2;
    }
    STEPS
        .iter()
        .position(|prefixes| {
            prefixes
                .iter()
                .any(|p| field == *p || field.starts_with(&format!("{p}.")))
        })
        .unwrap_or(0)
}

fn protocols() -> Vec<(Protocol, &'static str)> {
    vec![
        (Protocol::Tcp, "TCP"),
        (Protocol::Udp, "UDP"),
        (Protocol::Sctp, "SCTP"),
    ]
}

/// Which text of a container a field is.
fn container_text<'a>(c: &'a mut ContainerForm, part: &str) -> Option<&'a mut String> {
    Some(match part {
        "name" => &mut c.name,
        "image" => &mut c.image,
        "tag" => &mut c.tag,
        "command" => &mut c.command,
        "args" => &mut c.args,
        "cpu_request" => &mut c.cpu_request,
        "cpu_limit" => &mut c.cpu_limit,
        "memory_request" => &mut c.memory_request,
        "memory_limit" => &mut c.memory_limit,
        _ => return None,
    })
}

/// Where a form keeps its containers (fields `containers.{i}.…` in both
/// the wizard's and the upgrade's form).
pub(crate) struct Containers<F> {
    pub read: fn(&F) -> &Vec<ContainerForm>,
    pub write: fn(&mut F) -> &mut Vec<ContainerForm>,
}

impl<F> Clone for Containers<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for Containers<F> {}

impl<F> Containers<F> {
    /// Reads a part of container `i` (the default when it is gone).
    fn peek<T: Default>(self, f: &F, i: usize, read: impl FnOnce(&ContainerForm) -> T) -> T {
        (self.read)(f).get(i).map(read).unwrap_or_default()
    }

    fn get_mut(self, f: &mut F, i: usize) -> Option<&mut ContainerForm> {
        (self.write)(f).get_mut(i)
    }
}

fn container_text_ref(c: &ContainerForm, part: &str) -> String {
    match part {
        "name" => &c.name,
        "image" => &c.image,
        "tag" => &c.tag,
        "command" => &c.command,
        "args" => &c.args,
        "cpu_request" => &c.cpu_request,
        "cpu_limit" => &c.cpu_limit,
        "memory_request" => &c.memory_request,
        "memory_limit" => &c.memory_limit,
        _ => return String::new(),
    }
    .clone()
}

/// The containers step, shared by the wizard and 升级服务: each container's
/// image and tag, pull policy, command, ports, env and resources.
/// `mounts_here`: each card also edits its container's mounts (the upgrade
/// page; the wizard has them on its storage step).
pub(crate) fn containers_editor<F: Send + Sync + 'static>(
    s: FormState<F>,
    list: Containers<F>,
    mounts_here: bool,
) -> impl IntoView {
    let t = use_texts();
    let count = Memo::new(move |_| s.form.with(|f| (list.read)(f).len()));
    view! {
        <div id="containers">
            {move || (0..count.get()).map(|i| container_card(s, list, i, count, mounts_here)).collect_view()}
            <button type="button" class="btn btn-small" id="add-container"
                on:click=move |_| s.edit("containers", |f| {
                    let containers = (list.write)(f);
                    let name = format!("c{}", containers.len());
                    containers.push(ContainerForm { name, ..Default::default() });
                })>
                {t.add_container}
            </button>
            <p class="field-error" id="f-containers-error">{s.message("containers".into())}</p>
        </div>
    }
}

fn container_card<F: Send + Sync + 'static>(
    s: FormState<F>,
    list: Containers<F>,
    i: usize,
    count: Memo<usize>,
    mounts_here: bool,
) -> impl IntoView {
    let t = use_texts();
    let field = move |part: &'static str, label: &'static str, hint: Option<&'static str>| {
        text_field(
            s,
            format!("containers.{i}.{part}"),
            label,
            hint,
            move |f| list.peek(f, i, |c| container_text_ref(c, part)),
            move |f, v| {
                if let Some(text) = list.get_mut(f, i).and_then(|c| container_text(c, part)) {
                    *text = v;
                }
            },
        )
    };
    let ports = Memo::new(move |_| s.form.with(|f| list.peek(f, i, |c| c.ports.len())));
    let envs = Memo::new(move |_| s.form.with(|f| list.peek(f, i, |c| c.env.len())));
    let port_row = move |j: usize| {
        let cell = move |part: &'static str, placeholder: &'static str| {
            cell_input(
                s,
                format!("containers.{i}.ports.{j}.{part}"),
                placeholder,
                move |f| {
                    list.peek(f, i, |c| {
                        c.ports
                            .get(j)
                            .map(|p| {
                                if part == "name" {
                                    p.name.clone()
                                } else {
                                    p.port.clone()
                                }
                            })
                            .unwrap_or_default()
                    })
                },
                move |f, v| {
                    if let Some(p) = list.get_mut(f, i).and_then(|c| c.ports.get_mut(j)) {
                        if part == "name" {
                            p.name = v
                        } else {
                            p.port = v
                        }
                    }
                },
            )
        };
        view! {
            <div class="row" data-row=j>
                {select_input(s, format!("containers.{i}.ports.{j}.protocol"), t.protocol, protocols(),
                    move |f| list.peek(f, i, |c| c.ports.get(j).map(|p| p.protocol)),
                    move |f, v| if let Some(p) = list.get_mut(f, i).and_then(|c| c.ports.get_mut(j)) { p.protocol = v })}
                {cell("port", t.container_port)}
                {cell("name", t.port_name)}
                <button type="button" class="btn btn-icon" title=t.remove
                    on:click=move |_| s.edit("containers", |f| { if let Some(c) = list.get_mut(f, i) { c.ports.remove(j); } })>"×"</button>
            </div>
        }
    };
    let env_row = move |j: usize| {
        let cell = move |part: &'static str, placeholder: &'static str| {
            cell_input(
                s,
                format!("containers.{i}.env.{j}.{part}"),
                placeholder,
                move |f| {
                    list.peek(f, i, |c| {
                        c.env
                            .get(j)
                            .map(|e| match part {
                                "name" => e.name.clone(),
                                "value" => e.value.clone(),
                                "ref_name" => e.ref_name.clone(),
                                _ => e.ref_key.clone(),
                            })
                            .unwrap_or_default()
                    })
                },
                move |f, v| {
                    if let Some(e) = list.get_mut(f, i).and_then(|c| c.env.get_mut(j)) {
                        match part {
                            "name" => e.name = v,
                            "value" => e.value = v,
                            "ref_name" => e.ref_name = v,
                            _ => e.ref_key = v,
                        }
                    }
                },
            )
        };
        let source = Memo::new(move |_| {
            s.form
                .with(|f| list.peek(f, i, |c| c.env.get(j).map(|e| e.source)))
                .unwrap_or_default()
        });
        view! {
            <div class="row" data-row=j>
                {cell("name", t.env_name)}
                <span class="eq">"="</span>
                {select_input(s, format!("containers.{i}.env.{j}.source"), t.env_source,
                    vec![(EnvSource::Value, t.env_value), (EnvSource::ConfigMapKey, t.env_config_map), (EnvSource::SecretKey, t.env_secret)],
                    move |f| list.peek(f, i, |c| c.env.get(j).map(|e| e.source)),
                    move |f, v| if let Some(e) = list.get_mut(f, i).and_then(|c| c.env.get_mut(j)) { e.source = v })}
                {move || if source.get() == EnvSource::Value {
                    cell("value", t.value).into_any()
                } else {
                    view! { {cell("ref_name", t.env_ref_name)}{cell("ref_key", t.env_ref_key)} }.into_any()
                }}
                <button type="button" class="btn btn-icon" title=t.remove
                    on:click=move |_| s.edit("containers", |f| { if let Some(c) = list.get_mut(f, i) { c.env.remove(j); } })>"×"</button>
            </div>
        }
    };
    view! {
        <section class="card container-card" data-container=i>
            <div class="card-head">
                <h2>{move || (t.container_title)(i + 1)}</h2>
                <Show when=move || { count.get() > 1 }>
                    <button type="button" class="btn btn-small btn-danger-ghost" data-remove-container=i
                        on:click=move |_| s.edit("containers", |f| { (list.write)(f).remove(i); })>{t.remove_container}</button>
                </Show>
            </div>
            <div class="grid-3">
                {field("image", t.image, Some(t.image_hint))}
                {field("tag", t.image_tag, Some(t.tag_hint))}
                {field("name", t.container_name, None)}
            </div>
            <div class="field">
                <label>{t.pull_policy}</label>
                {select_input(s, format!("containers.{i}.pull_policy"), t.pull_policy,
                    vec![(PullPolicy::IfNotPresent, "IfNotPresent"), (PullPolicy::Always, "Always"), (PullPolicy::Never, "Never")],
                    move |f| list.peek(f, i, |c| Some(c.pull_policy)),
                    move |f, v| if let Some(c) = list.get_mut(f, i) { c.pull_policy = v })}
            </div>
            <div class="grid-2">
                {field("command", t.command, Some(t.command_hint))}
                {field("args", t.args, None)}
            </div>
            <h3>{t.container_ports}</h3>
            <div class="rows">
                {move || (0..ports.get()).map(port_row).collect_view()}
                <button type="button" class="btn btn-small" data-add-port=i
                    on:click=move |_| s.edit("containers", |f| if let Some(c) = list.get_mut(f, i) { c.ports.push(ContainerPortForm::default()) })>
                    {t.add_row}
                </button>
            </div>
            <h3>{t.env}</h3>
            <div class="rows">
                {move || (0..envs.get()).map(env_row).collect_view()}
                <button type="button" class="btn btn-small" data-add-env=i
                    on:click=move |_| s.edit("containers", |f| if let Some(c) = list.get_mut(f, i) { c.env.push(EnvForm::default()) })>
                    {t.add_row}
                </button>
            </div>
            <h3>{t.resources}</h3>
            <div class="grid-4">
                {field("cpu_request", t.cpu_request, Some("100m"))}
                {field("cpu_limit", t.cpu_limit, Some("1"))}
                {field("memory_request", t.memory_request, Some("64Mi"))}
                {field("memory_limit", t.memory_limit, Some("256Mi"))}
            </div>
            {mounts_here.then(|| view! { <h3>{t.mounts}</h3>{mount_rows(s, list, i)} })}
            <h3>{t.health_checks}</h3>
            {probe_editor(s, list, i, Probe::Readiness)}
            {probe_editor(s, list, i, Probe::Liveness)}
        </section>
    }
}

/// The local errors of one step, listed at its foot once the user tried to
/// leave it (some, like the Service's ports taken from the containers, have
/// no input of their own).
fn step_errors(t: &'static Texts, errors: &FieldErrors, step: usize) -> Vec<(String, String)> {
    errors
        .0
        .iter()
        .filter(|e| step_of(&e.field) == step)
        .map(|e| (e.field.clone(), t.problem(&e.problem)))
        .collect()
}

const APP_CONTAINERS: Containers<AppForm> = Containers {
    read: |f| &f.containers,
    write: |f| &mut f.containers,
};

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
    let form = s.form;
    let step = RwSignal::new(0usize);
    let tried = RwSignal::new([false; STEPS.len()]);
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);
    let check_passed = RwSignal::new(false);
    // The summary's YAML: rendered from the form, or (once the user edits
    // it) created as written.
    let yaml = RwSignal::new(None::<String>);
    let yaml_text = RwSignal::new(String::new());
    let yaml_edited = RwSignal::new(false);
    let yaml_failure = RwSignal::new(None::<ApiError>);
    let render_yaml = move || {
        yaml.set(None);
        yaml_edited.set(false);
        yaml_failure.set(None);
        spawn_local(async move {
            match preview_app(space.get_untracked(), form.get_untracked()).await {
                Ok(text) => {
                    yaml_text.set(text.clone());
                    yaml.set(Some(text));
                }
                Err(AppError(e)) => failure.set(Some(e)),
            }
        });
    };
    let kind = Memo::new(move |_| form.with(|f| f.kind));
    let access = Memo::new(move |_| form.with(|f| f.access));

    // The step's messages show next to their fields, and in a summary.
    let show_step_errors = move |i: usize| {
        tried.update(|t| t[i] = true);
        let fields: Vec<String> = s.local.with_untracked(|e| {
            e.0.iter()
                .filter(|e| step_of(&e.field) == i)
                .map(|e| e.field.clone())
                .collect()
        });
        s.touched.update(|t| t.extend(fields));
    };
    let step_ok = move |i: usize| {
        s.local
            .with(|e| !e.0.iter().any(|e| step_of(&e.field) == i))
    };
    let go = move |to: usize| {
        // Forward only past steps without errors; back always.
        let from = step.get_untracked();
        if to > from {
            for i in from..to {
                if !step_ok(i) {
                    show_step_errors(i);
                    step.set(i);
                    return;
                }
            }
        }
        step.set(to);
        if to == SUMMARY && !yaml_edited.get_untracked() {
            render_yaml();
        }
    };
    let submit = move |check_only: bool| {
        let navigate = navigate.clone();
        move |_| {
            let navigate = navigate.clone();
            check_passed.set(false);
            failure.set(None);
            yaml_failure.set(None);
            if yaml_edited.get_untracked() {
                // The edited YAML is the app now; the apiserver judges it.
                let navigate = navigate.clone();
                pending.set(true);
                spawn_local(async move {
                    let space = space.get_untracked();
                    match create_app_yaml(space.clone(), yaml_text.get_untracked(), check_only)
                        .await
                    {
                        Ok(_) if check_only => check_passed.set(true),
                        Ok(name) => navigate(
                            &format!(
                                "{}/spaces/{space}/apps/{name}",
                                crate::paths::cluster_root()
                            ),
                            Default::default(),
                        ),
                        Err(AppError(e)) => yaml_failure.set(Some(e)),
                    }
                    pending.set(false);
                });
                return;
            }
            s.attempted.set(true);
            if let Some(bad) = (0..SUMMARY).find(|i| !step_ok(*i)) {
                show_step_errors(bad);
                step.set(bad);
                return;
            }
            pending.set(true);
            spawn_local(async move {
                let space = space.get_untracked();
                let f = form.get_untracked();
                match create_app(space.clone(), f.clone(), check_only).await {
                    Ok(()) if check_only => check_passed.set(true),
                    Ok(()) => navigate(
                        &format!(
                            "{}/spaces/{space}/apps/{}",
                            crate::paths::cluster_root(),
                            f.name.trim()
                        ),
                        Default::default(),
                    ),
                    Err(AppError(e)) => {
                        let located = e.field_errors();
                        // Back to the step of the first field the server named.
                        if let Some(first) = located.0.first() {
                            step.set(step_of(&first.field));
                        }
                        if located.is_empty() {
                            failure.set(Some(e));
                        } else {
                            s.server.set(located);
                        }
                    }
                }
                pending.set(false);
            });
        }
    };

    let step_names = [
        t.step_basics,
        t.step_containers,
        t.step_storage,
        t.step_service,
        t.step_scheduling,
        t.step_summary,
    ];
    let stepper = move || {
        step_names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                view! {
                    <li class="step" class:current=move || step.get() == i class:done=move || i < step.get()
                        class:invalid=move || tried.get()[i] && !step_ok(i)>
                        <button type="button" id=format!("step-{}", i + 1) on:click=move |_| go(i)
                            aria-current=move || (step.get() == i).then_some("step")>
                            <span class="step-number">{i + 1}</span>" "{*name}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let errors_of = move |i: usize| {
        move || {
            (tried.get()[i] || s.attempted.get()).then(|| {
                let list = s.local.with(|e| step_errors(t, e, i));
                (!list.is_empty()).then(|| view! {
                    <ul class="notice notice-error step-errors" id=format!("step-{}-errors", i + 1)>
                        {list.into_iter().map(|(field, words)| {
                            let href = format!("#{}", field_id(&field));
                            view! { <li><a href=href>{field}</a>": "{words}</li> }
                        }).collect_view()}
                    </ul>
                })
            })
        }
    };

    let kind_option = move |k: AppKind, title: &'static str, hint: &'static str| {
        view! {
            <label class="kind-option" class:selected=move || kind.get() == k>
                <input type="radio" name="app-kind" data-kind=format!("{k:?}")
                    prop:checked=move || kind.get() == k
                    on:change=move |_| s.edit("kind", |f| f.kind = k) />
                <span class="kind-title">{title}</span>
                <span class="kind-hint">{hint}</span>
            </label>
        }
    };

    let basics = view! {
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
                {text_field(s, "name".into(), t.app_name, Some(t.app_name_hint), |f: &AppForm| f.name.clone(), |f, v| f.name = v)}
                {text_field(s, "alias".into(), t.alias, None, |f: &AppForm| f.alias.clone(), |f, v| f.alias = v)}
                {text_field(s, "version".into(), t.version, Some(t.version_hint), |f: &AppForm| f.version.clone(), |f, v| f.version = v)}
            </div>
            {text_field(s, "description".into(), t.description, None, |f: &AppForm| f.description.clone(), |f, v| f.description = v)}
        </section>
    }
    .into_any();

    let service_port_rows = move || {
        let count = Memo::new(move |_| form.with(|f| f.service_ports.len()));
        let row = move |i: usize| {
            let cell = move |part: &'static str, placeholder: &'static str| {
                cell_input(
                    s,
                    format!("service.ports.{i}.{part}"),
                    placeholder,
                    move |f: &AppForm| {
                        f.service_ports
                            .get(i)
                            .map(|p| match part {
                                "name" => p.name.clone(),
                                "port" => p.port.clone(),
                                "target_port" => p.target_port.clone(),
                                _ => p.node_port.clone(),
                            })
                            .unwrap_or_default()
                    },
                    move |f, v| {
                        if let Some(p) = f.service_ports.get_mut(i) {
                            match part {
                                "name" => p.name = v,
                                "port" => p.port = v,
                                "target_port" => p.target_port = v,
                                _ => p.node_port = v,
                            }
                        }
                    },
                )
            };
            view! {
                <div class="row" data-row=i>
                    {select_input(s, format!("service.ports.{i}.protocol"), t.protocol, protocols(),
                        move |f: &AppForm| f.service_ports.get(i).map(|p| p.protocol),
                        move |f, v| if let Some(p) = f.service_ports.get_mut(i) { p.protocol = v })}
                    {cell("name", t.port_name)}
                    {cell("port", t.service_port)}
                    {cell("target_port", t.target_port)}
                    <Show when=move || access.get() != Access::None>{cell("node_port", t.node_port)}</Show>
                    <button type="button" class="btn btn-icon" title=t.remove
                        on:click=move |_| s.edit("service.ports", |f| { f.service_ports.remove(i); })>"×"</button>
                </div>
            }
        };
        view! {
            <div class="rows" id="service-ports">
                {move || (0..count.get()).map(row).collect_view()}
                <button type="button" class="btn btn-small" id="add-service-port"
                    on:click=move |_| s.edit("service.ports", |f| f.service_ports.push(PortForm::default()))>{t.add_row}</button>
            </div>
        }
    };

    let service = view! {
        <section class="card">
            <h2>{t.replicas}</h2>
            {text_field(s, "replicas".into(), t.replicas, Some(t.replicas_hint), |f: &AppForm| f.replicas.clone(), |f, v| f.replicas = v)}
        </section>
        <section class="card">
            <h2>{t.external_access}</h2>
            <Show when=move || kind.get() == AppKind::Stateless
                fallback=move || view! { <p class="muted" id="stateful-headless">{t.stateful_service_hint}</p> }>
                {radio(s, "access", "access-none", Access::None, t.access_none, |f: &AppForm| f.access, |f, v| f.access = v)}
                {radio(s, "access", "access-node-port", Access::NodePort, t.access_node_port, |f: &AppForm| f.access, |f, v| f.access = v)}
                {radio(s, "access", "access-load-balancer", Access::LoadBalancer, t.access_load_balancer, |f: &AppForm| f.access, |f, v| f.access = v)}
            </Show>
            <h3>{t.ports_title}</h3>
            <p class="field-hint">{t.service_ports_default_hint}</p>
            {service_port_rows}
            <Show when=move || kind.get() == AppKind::Stateless && access.get() != Access::None>
                <h3>{t.traffic_policy}</h3>
                {radio(s, "traffic", "traffic-cluster", TrafficPolicy::Cluster, t.traffic_cluster, |f: &AppForm| f.traffic_policy, |f, v| f.traffic_policy = v)}
                {radio(s, "traffic", "traffic-local", TrafficPolicy::Local, t.traffic_local, |f: &AppForm| f.traffic_policy, |f, v| f.traffic_policy = v)}
            </Show>
            <Show when=move || kind.get() == AppKind::Stateless && access.get() == Access::LoadBalancer>
                <h3>{t.lb_kind}</h3>
                {radio(s, "lb-kind", "lb-metallb", LoadBalancerKind::MetalLb, "MetalLB", |f: &AppForm| f.lb_kind, |f, v| f.lb_kind = v)}
                {radio(s, "lb-kind", "lb-other", LoadBalancerKind::Other, t.lb_other, |f: &AppForm| f.lb_kind, |f, v| f.lb_kind = v)}
                <div class="grid-2">
                    {text_field(s, "service.lb_pool".into(), t.lb_pool, None, |f: &AppForm| f.lb_pool.clone(), |f, v| f.lb_pool = v)}
                    {text_field(s, "service.lb_address".into(), t.lb_address, Some(t.lb_address_hint), |f: &AppForm| f.lb_address.clone(), |f, v| f.lb_address = v)}
                </div>
            </Show>
            <h3>{t.session_affinity}</h3>
            <label class="check">
                <input type="checkbox" id="session-affinity"
                    prop:checked=move || form.with(|f| f.session_affinity)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        s.edit("service.session_affinity", |f| f.session_affinity = on);
                    } />
                {move || (t.affinity_client_ip)(None)}
            </label>
            <Show when=move || form.with(|f| f.session_affinity)>
                {text_field(s, "service.affinity_timeout".into(), t.affinity_timeout, Some(t.affinity_timeout_hint), |f: &AppForm| f.affinity_timeout.clone(), |f, v| f.affinity_timeout = v)}
            </Show>
        </section>
    }
    .into_any();

    let container_names = Memo::new(move |_| {
        form.with(|f| {
            f.containers
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let storage = view! {
        <section class="card">
            <h2>{t.volumes}</h2>
            <p class="field-hint">{t.volumes_hint}</p>
            {volume_rows(s)}
        </section>
        <section class="card">
            <h2>{t.mounts}</h2>
            {move || container_names.get().into_iter().enumerate().map(|(i, name)| view! {
                <h3>{(t.mounts_of)(&name)}</h3>
                {mount_rows(s, APP_CONTAINERS, i)}
            }).collect_view()}
        </section>
    }
    .into_any();

    let scheduling = view! {
        <section class="card">
            <h2>{t.node_selector}</h2>
            <p class="field-hint">{t.node_selector_hint}</p>
            {key_value_rows(s, "node_selector", |f: &mut AppForm| &mut f.node_selector, |f: &AppForm| &f.node_selector)}
            <h2>{t.tolerations}</h2>
            <p class="field-hint">{t.tolerations_hint}</p>
            {toleration_rows(s)}
            <h2>{t.labels}</h2>
            {key_value_rows(s, "labels", |f: &mut AppForm| &mut f.labels, |f: &AppForm| &f.labels)}
            <h2>{t.annotations}</h2>
            {key_value_rows(s, "annotations", |f: &mut AppForm| &mut f.annotations, |f: &AppForm| &f.annotations)}
        </section>
    }
    .into_any();

    let summary = move || {
        view! {
            <section class="card">
                <h2>{t.step_summary}</h2>
                <p class="muted">{t.summary_hint}</p>
                <Show when=move || yaml_edited.get()>
                    <p class="notice notice-info" id="yaml-edited">
                        {t.summary_edited}" "
                        <button type="button" class="btn btn-small" id="discard-yaml" on:click=move |_| render_yaml()>
                            {t.discard_edits}
                        </button>
                    </p>
                </Show>
                {move || match yaml.get() {
                    Some(_) => view! {
                        <CodeEditor id="app-yaml" text=yaml_text rows=30
                            on_edit=Callback::new(move |_| yaml_edited.set(true)) />
                    }.into_any(),
                    None => view! { <p class="loading">{t.loading}</p> }.into_any(),
                }}
                {move || yaml_failure.get().map(|e| crate::pages::yaml::failure_view(e, "app-yaml-error"))}
            </section>
        }
    };

    view! {
        <nav class="breadcrumb">
            <a href=move || format!("{}/spaces/{}/apps", crate::paths::cluster_root(), space.get())>{t.apps}</a>" / "<span>{t.new_app}</span>
        </nav>
        <div class="toolbar"><h1>{t.new_app}</h1></div>
        <ol class="steps" id="wizard-steps">{stepper}</ol>
        <form class="service-form" id="app-form" novalidate on:submit=|ev| ev.prevent_default()>
            <div class:hidden=move || step.get() != 0>{basics}{errors_of(0)}</div>
            <div class:hidden=move || step.get() != 1>
                {containers_editor(s, APP_CONTAINERS, false)}
                {errors_of(1)}
            </div>
            <div class:hidden=move || step.get() != 2>{storage}{errors_of(2)}</div>
            <div class:hidden=move || step.get() != 3>{service}{errors_of(3)}</div>
            <div class:hidden=move || step.get() != 4>{scheduling}{errors_of(4)}</div>
            <Show when=move || step.get() == SUMMARY>{summary}</Show>
            <div id="form-failure">{move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}</div>
            <Show when=move || check_passed.get()>
                <p class="notice notice-ok" id="check-ok">{t.check_ok}</p>
            </Show>
            <div class="form-actions">
                <a class="btn" href=move || format!("{}/spaces/{}/apps", crate::paths::cluster_root(), space.get())>{t.cancel}</a>
                <button type="button" class="btn" id="wizard-prev" disabled=move || step.get() == 0
                    on:click=move |_| go(step.get_untracked().saturating_sub(1))>{t.previous}</button>
                <Show when=move || step.get() < SUMMARY>
                    <button type="button" class="btn btn-primary" id="wizard-next"
                        on:click=move |_| go(step.get_untracked() + 1)>{t.next}</button>
                </Show>
                <Show when=move || step.get() == SUMMARY>
                    <button type="button" class="btn" id="check-app" disabled=move || pending.get()
                        on:click=submit(true)>{t.check}</button>
                    <button type="button" class="btn btn-primary" id="create-app" disabled=move || pending.get()
                        on:click=submit(false)>{t.create}</button>
                </Show>
            </div>
        </form>
    }
}

/// The mounts of container `i`: volume, path, read-only.
pub(crate) fn mount_rows<F: Send + Sync + 'static>(
    s: FormState<F>,
    list: Containers<F>,
    i: usize,
) -> impl IntoView {
    let t = use_texts();
    let mounts = Memo::new(move |_| s.form.with(|f| list.peek(f, i, |c| c.mounts.len())));
    let mount_row = move |j: usize| {
        let cell = move |part: &'static str, placeholder: &'static str| {
            cell_input(
                s,
                format!("containers.{i}.mounts.{j}.{part}"),
                placeholder,
                move |f| {
                    list.peek(f, i, |c| {
                        c.mounts
                            .get(j)
                            .map(|m| {
                                if part == "volume" {
                                    m.volume.clone()
                                } else {
                                    m.path.clone()
                                }
                            })
                            .unwrap_or_default()
                    })
                },
                move |f, v| {
                    if let Some(m) = list.get_mut(f, i).and_then(|c| c.mounts.get_mut(j)) {
                        if part == "volume" {
                            m.volume = v
                        } else {
                            m.path = v
                        }
                    }
                },
            )
        };
        view! {
            <div class="row" data-row=j>
                {cell("volume", t.volume_name)}
                {cell("path", t.mount_path)}
                <label class="check">
                    <input type="checkbox" id=format!("f-containers-{i}-mounts-{j}-read_only")
                        prop:checked=move || s.form.with(|f| list.peek(f, i, |c| c.mounts.get(j).is_some_and(|m| m.read_only)))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            s.edit("containers", |f| if let Some(m) = list.get_mut(f, i).and_then(|c| c.mounts.get_mut(j)) { m.read_only = on });
                        } />
                    {t.read_only}
                </label>
                <button type="button" class="btn btn-icon" title=t.remove
                    on:click=move |_| s.edit("containers", |f| { if let Some(c) = list.get_mut(f, i) { c.mounts.remove(j); } })>"×"</button>
            </div>
        }
    };
    view! {
        <div class="rows" data-mounts=i>
            {move || (0..mounts.get()).map(mount_row).collect_view()}
            <button type="button" class="btn btn-small" data-add-mount=i
                on:click=move |_| s.edit("containers", |f| if let Some(c) = list.get_mut(f, i) { c.mounts.push(MountForm::default()) })>
                {t.add_row}
            </button>
        </div>
    }
}

/// Which health check of a container.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Probe {
    Readiness,
    Liveness,
}

impl Probe {
    fn field(self) -> &'static str {
        match self {
            Probe::Readiness => "readiness",
            Probe::Liveness => "liveness",
        }
    }

    fn of(self, c: &ContainerForm) -> &ProbeForm {
        match self {
            Probe::Readiness => &c.readiness,
            Probe::Liveness => &c.liveness,
        }
    }

    fn of_mut(self, c: &mut ContainerForm) -> &mut ProbeForm {
        match self {
            Probe::Readiness => &mut c.readiness,
            Probe::Liveness => &mut c.liveness,
        }
    }
}

fn probe_text<'a>(p: &'a mut ProbeForm, part: &str) -> Option<&'a mut String> {
    Some(match part {
        "path" => &mut p.path,
        "port" => &mut p.port,
        "command" => &mut p.command,
        "initial_delay" => &mut p.initial_delay,
        "period" => &mut p.period,
        _ => return None,
    })
}

/// A readiness or liveness check: its kind, then the fields that kind needs.
fn probe_editor<F: Send + Sync + 'static>(
    s: FormState<F>,
    list: Containers<F>,
    i: usize,
    which: Probe,
) -> impl IntoView {
    let t = use_texts();
    let prefix = format!("containers.{i}.{}", which.field());
    let kind = Memo::new(move |_| s.form.with(|f| list.peek(f, i, |c| which.of(c).kind)));
    let cell = {
        let prefix = prefix.clone();
        move |part: &'static str, placeholder: &'static str| {
            cell_input(
                s,
                format!("{prefix}.{part}"),
                placeholder,
                move |f| {
                    list.peek(f, i, |c| {
                        let mut p = which.of(c).clone();
                        probe_text(&mut p, part).cloned().unwrap_or_default()
                    })
                },
                move |f, v| {
                    if let Some(text) = list
                        .get_mut(f, i)
                        .and_then(|c| probe_text(which.of_mut(c), part))
                    {
                        *text = v;
                    }
                },
            )
        }
    };
    let label = match which {
        Probe::Readiness => t.readiness,
        Probe::Liveness => t.liveness,
    };
    view! {
        <div class="row probe" data-probe=which.field()>
            <span class="probe-label">{label}</span>
            {select_input(s, format!("{prefix}.kind"), label,
                vec![(ProbeKind::None, t.probe_none), (ProbeKind::Http, "HTTP GET"), (ProbeKind::Tcp, "TCP"), (ProbeKind::Command, t.probe_command)],
                move |f| list.peek(f, i, |c| Some(which.of(c).kind)),
                move |f, k| if let Some(c) = list.get_mut(f, i) { which.of_mut(c).kind = k })}
            {move || {
                let cell = cell.clone();
                match kind.get() {
                    ProbeKind::None => ().into_any(),
                    ProbeKind::Http => view! { {cell("path", "/healthz")}{cell("port", t.probe_port)}{cell("initial_delay", t.initial_delay)}{cell("period", t.period)} }.into_any(),
                    ProbeKind::Tcp => view! { {cell("port", t.probe_port)}{cell("initial_delay", t.initial_delay)}{cell("period", t.period)} }.into_any(),
                    ProbeKind::Command => view! { {cell("command", t.command)}{cell("initial_delay", t.initial_delay)}{cell("period", t.period)} }.into_any(),
                }
            }}
        </div>
    }
}

fn volume_rows(s: FormState<AppForm>) -> impl IntoView {
    let t = use_texts();
    let count = Memo::new(move |_| s.form.with(|f| f.volumes.len()));
    let row = move |i: usize| {
        let source = Memo::new(move |_| {
            s.form
                .with(|f| f.volumes.get(i).map(|v| v.source))
                .unwrap_or_default()
        });
        let cell = move |part: &'static str, placeholder: &'static str| {
            cell_input(
                s,
                format!("volumes.{i}.{part}"),
                placeholder,
                move |f: &AppForm| {
                    f.volumes
                        .get(i)
                        .map(|v| match part {
                            "name" => v.name.clone(),
                            "reference" => v.reference.clone(),
                            "size" => v.size.clone(),
                            _ => v.storage_class.clone(),
                        })
                        .unwrap_or_default()
                },
                move |f, value| {
                    if let Some(v) = f.volumes.get_mut(i) {
                        match part {
                            "name" => v.name = value,
                            "reference" => v.reference = value,
                            "size" => v.size = value,
                            _ => v.storage_class = value,
                        }
                    }
                },
            )
        };
        let sources = vec![
            (VolumeSource::EmptyDir, t.volume_empty_dir),
            (VolumeSource::HostPath, t.volume_host_path),
            (VolumeSource::ConfigMap, t.env_config_map_name),
            (VolumeSource::Secret, t.env_secret_name),
            (VolumeSource::Claim, t.volume_claim),
            (VolumeSource::ClaimTemplate, t.volume_claim_template),
        ];
        view! {
            <div class="row" data-row=i>
                {cell("name", t.volume_name)}
                <div class="cell">
                    {select_input(s, format!("volumes.{i}.source"), t.volume_source, sources,
                        move |f: &AppForm| f.volumes.get(i).map(|v| v.source),
                        move |f, v| if let Some(vol) = f.volumes.get_mut(i) { vol.source = v })}
                    <p class="field-error" id=format!("f-volumes-{i}-source-error")>{s.message(format!("volumes.{i}.source"))}</p>
                </div>
                {move || match source.get() {
                    VolumeSource::EmptyDir => ().into_any(),
                    VolumeSource::HostPath => cell("reference", t.node_path).into_any(),
                    VolumeSource::ClaimTemplate => view! {
                        {cell("size", t.volume_size)}
                        {cell("storage_class", t.storage_class)}
                        {select_input(s, format!("volumes.{i}.access_mode"), t.access_mode,
                            vec![(AccessMode::ReadWriteOnce, "ReadWriteOnce"), (AccessMode::ReadOnlyMany, "ReadOnlyMany"), (AccessMode::ReadWriteMany, "ReadWriteMany")],
                            move |f: &AppForm| f.volumes.get(i).map(|v| v.access_mode),
                            move |f, m| if let Some(v) = f.volumes.get_mut(i) { v.access_mode = m })}
                    }.into_any(),
                    _ => cell("reference", t.object_name).into_any(),
                }}
                <button type="button" class="btn btn-icon" title=t.remove
                    on:click=move |_| s.edit("volumes", |f| { f.volumes.remove(i); })>"×"</button>
            </div>
        }
    };
    view! {
        <div class="rows" id="volumes">
            {move || (0..count.get()).map(row).collect_view()}
            <button type="button" class="btn btn-small" id="add-volume"
                on:click=move |_| s.edit("volumes", |f| f.volumes.push(VolumeForm::default()))>{t.add_row}</button>
        </div>
    }
}

fn toleration_rows(s: FormState<AppForm>) -> impl IntoView {
    let t = use_texts();
    let count = Memo::new(move |_| s.form.with(|f| f.tolerations.len()));
    let row = move |i: usize| {
        let cell = move |part: &'static str, placeholder: &'static str| {
            cell_input(
                s,
                format!("tolerations.{i}.{part}"),
                placeholder,
                move |f: &AppForm| {
                    f.tolerations
                        .get(i)
                        .map(|x| {
                            if part == "key" {
                                x.key.clone()
                            } else {
                                x.value.clone()
                            }
                        })
                        .unwrap_or_default()
                },
                move |f, v| {
                    if let Some(x) = f.tolerations.get_mut(i) {
                        if part == "key" {
                            x.key = v
                        } else {
                            x.value = v
                        }
                    }
                },
            )
        };
        view! {
            <div class="row" data-row=i>
                {cell("key", t.key)}
                {select_input(s, format!("tolerations.{i}.operator"), t.toleration_operator,
                    vec![(TolerationOperator::Equal, "="), (TolerationOperator::Exists, "exists")],
                    move |f: &AppForm| f.tolerations.get(i).map(|x| x.operator),
                    move |f, v| if let Some(x) = f.tolerations.get_mut(i) { x.operator = v })}
                {cell("value", t.value)}
                {select_input(s, format!("tolerations.{i}.effect"), t.toleration_effect,
                    vec![(TaintEffect::Any, t.any_effect), (TaintEffect::NoSchedule, "NoSchedule"),
                         (TaintEffect::PreferNoSchedule, "PreferNoSchedule"), (TaintEffect::NoExecute, "NoExecute")],
                    move |f: &AppForm| f.tolerations.get(i).map(|x| x.effect),
                    move |f, v| if let Some(x) = f.tolerations.get_mut(i) { x.effect = v })}
                <button type="button" class="btn btn-icon" title=t.remove
                    on:click=move |_| s.edit("tolerations", |f| { f.tolerations.remove(i); })>"×"</button>
            </div>
        }
    };
    view! {
        <div class="rows" id="tolerations">
            {move || (0..count.get()).map(row).collect_view()}
            <button type="button" class="btn btn-small" id="add-toleration"
                on:click=move |_| s.edit("tolerations", |f| f.tolerations.push(TolerationForm::default()))>{t.add_row}</button>
        </div>
    }
}
