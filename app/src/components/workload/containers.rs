//! The containers step: each container's image and tag, pull policy,
//! command, ports, env, resources and health checks.

use super::probes::{Probe, ProbeEditor};
use super::protocols;
use super::storage::MountRows;
use crate::components::form::{FormState, cell_input, select_input, text_field};
use crate::components::use_texts;
use leptos::prelude::*;
use wharf_spec::app::{
    ContainerField, ContainerForm, ContainerPaths, ContainerPortField, ContainerPortForm, EnvField,
    EnvForm, EnvSource, PullPolicy,
};
use wharf_spec::field::Row;

/// Reads a part of container `i` (the default once it is gone).
pub(super) fn peek<F: ContainerPaths, T: Default>(
    f: &F,
    i: usize,
    read: impl FnOnce(&ContainerForm) -> T,
) -> T {
    F::containers(f).get(i).map(read).unwrap_or_default()
}

pub(super) fn container_mut<F: ContainerPaths>(f: &mut F, i: usize) -> Option<&mut ContainerForm> {
    F::containers_mut(f).get_mut(i)
}

/// Every container of the form, a card each, and "add a container".
/// `mounts_here`: each card also edits its container's mounts (升级服务;
/// the wizard has them on its storage step).
#[component]
pub fn ContainersEditor<F: ContainerPaths + Send + Sync + 'static>(
    s: FormState<F>,
    mounts_here: bool,
) -> impl IntoView {
    let t = use_texts();
    let count = Memo::new(move |_| s.form.with(|f| F::containers(f).len()));
    view! {
        <div id="containers">
            {move || (0..count.get()).map(|i| view! { <ContainerCard s i count mounts_here /> }).collect_view()}
            <button type="button" class="btn btn-small" id="add-container"
                on:click=move |_| s.edit(F::all_containers(), |f| {
                    let containers = F::containers_mut(f);
                    let name = format!("c{}", containers.len());
                    containers.push(ContainerForm { name, ..Default::default() });
                })>
                {t.add_container}
            </button>
            <p class="field-error" id="f-containers-error">{s.message(F::all_containers())}</p>
        </div>
    }
}

#[component]
fn ContainerCard<F: ContainerPaths + Send + Sync + 'static>(
    s: FormState<F>,
    i: usize,
    count: Memo<usize>,
    mounts_here: bool,
) -> impl IntoView {
    let t = use_texts();
    let at = move |field: ContainerField| F::container(i, field);
    let field = move |field, label, hint| text_field(s, at(field), label, hint);
    let ports = Memo::new(move |_| s.form.with(|f| peek(f, i, |c| c.ports.len())));
    let envs = Memo::new(move |_| s.form.with(|f| peek(f, i, |c| c.env.len())));
    view! {
        <section class="card container-card" data-container=i>
            <div class="card-head">
                <h2>{move || (t.container_title)(i + 1)}</h2>
                <Show when=move || { count.get() > 1 }>
                    <button type="button" class="btn btn-small btn-danger-ghost" data-remove-container=i
                        on:click=move |_| s.edit(F::all_containers(), |f| { F::containers_mut(f).remove(i); })>{t.remove_container}</button>
                </Show>
            </div>
            <div class="grid-3">
                {field(ContainerField::Image, t.image, Some(t.image_hint))}
                {field(ContainerField::Tag, t.image_tag, Some(t.tag_hint))}
                {field(ContainerField::Name, t.container_name, None)}
            </div>
            <div class="field">
                <label for=crate::components::form::field_id(&at(ContainerField::PullPolicy))>{t.pull_policy}</label>
                {select_input(s, at(ContainerField::PullPolicy), t.pull_policy,
                    vec![(PullPolicy::IfNotPresent, "IfNotPresent"), (PullPolicy::Always, "Always"), (PullPolicy::Never, "Never")],
                    move |f| peek(f, i, |c| Some(c.pull_policy)),
                    move |f, v| if let Some(c) = container_mut(f, i) { c.pull_policy = v })}
            </div>
            <div class="grid-2">
                {field(ContainerField::Command, t.command, Some(t.command_hint))}
                {field(ContainerField::Args, t.args, None)}
            </div>
            <h3>{t.container_ports}</h3>
            <div class="rows">
                {move || (0..ports.get()).map(|j| container_port_row(s, i, j)).collect_view()}
                <button type="button" class="btn btn-small" data-add-port=i
                    on:click=move |_| s.edit(at(ContainerField::Ports(Row::All)), |f| if let Some(c) = container_mut(f, i) { c.ports.push(ContainerPortForm::default()) })>
                    {t.add_row}
                </button>
            </div>
            <h3>{t.env}</h3>
            <div class="rows">
                {move || (0..envs.get()).map(|j| env_row(s, i, j)).collect_view()}
                <button type="button" class="btn btn-small" data-add-env=i
                    on:click=move |_| s.edit(at(ContainerField::Env(Row::All)), |f| if let Some(c) = container_mut(f, i) { c.env.push(EnvForm::default()) })>
                    {t.add_row}
                </button>
            </div>
            <h3>{t.resources}</h3>
            <div class="grid-4">
                {field(ContainerField::CpuRequest, t.cpu_request, Some("100m"))}
                {field(ContainerField::CpuLimit, t.cpu_limit, Some("1"))}
                {field(ContainerField::MemoryRequest, t.memory_request, Some("64Mi"))}
                {field(ContainerField::MemoryLimit, t.memory_limit, Some("256Mi"))}
            </div>
            {mounts_here.then(|| view! { <h3>{t.mounts}</h3><MountRows s i /> })}
            <h3>{t.health_checks}</h3>
            <ProbeEditor s i which=Probe::Readiness />
            <ProbeEditor s i which=Probe::Liveness />
        </section>
    }
}

fn container_port_row<F: ContainerPaths + Send + Sync + 'static>(
    s: FormState<F>,
    i: usize,
    j: usize,
) -> impl IntoView {
    let t = use_texts();
    let at = move |cell| F::container(i, ContainerField::Ports(Row::At(j, cell)));
    view! {
        <div class="row" data-row=j>
            {select_input(s, at(ContainerPortField::Protocol), t.protocol, protocols(),
                move |f| peek(f, i, |c| c.ports.get(j).map(|p| p.protocol)),
                move |f, v| if let Some(p) = container_mut(f, i).and_then(|c| c.ports.get_mut(j)) { p.protocol = v })}
            {cell_input(s, at(ContainerPortField::Port), t.container_port)}
            {cell_input(s, at(ContainerPortField::Name), t.port_name)}
            <button type="button" class="btn btn-icon" title=t.remove
                on:click=move |_| s.edit(F::container(i, ContainerField::Ports(Row::All)), |f| { if let Some(c) = container_mut(f, i) { c.ports.remove(j); } })>"×"</button>
        </div>
    }
}

fn env_row<F: ContainerPaths + Send + Sync + 'static>(
    s: FormState<F>,
    i: usize,
    j: usize,
) -> impl IntoView {
    let t = use_texts();
    let at = move |cell| F::container(i, ContainerField::Env(Row::At(j, cell)));
    let source = Memo::new(move |_| {
        s.form
            .with(|f| peek(f, i, |c| c.env.get(j).map(|e| e.source)))
            .unwrap_or_default()
    });
    view! {
        <div class="row" data-row=j>
            {cell_input(s, at(EnvField::Name), t.env_name)}
            <span class="eq">"="</span>
            {select_input(s, at(EnvField::Source), t.env_source,
                vec![(EnvSource::Value, t.env_value), (EnvSource::ConfigMapKey, t.env_config_map), (EnvSource::SecretKey, t.env_secret)],
                move |f| peek(f, i, |c| c.env.get(j).map(|e| e.source)),
                move |f, v| if let Some(e) = container_mut(f, i).and_then(|c| c.env.get_mut(j)) { e.source = v })}
            {move || if source.get() == EnvSource::Value {
                cell_input(s, at(EnvField::Value), t.value).into_any()
            } else {
                view! { {cell_input(s, at(EnvField::RefName), t.env_ref_name)}{cell_input(s, at(EnvField::RefKey), t.env_ref_key)} }.into_any()
            }}
            <button type="button" class="btn btn-icon" title=t.remove
                on:click=move |_| s.edit(F::container(i, ContainerField::Env(Row::All)), |f| { if let Some(c) = container_mut(f, i) { c.env.remove(j); } })>"×"</button>
        </div>
    }
}
