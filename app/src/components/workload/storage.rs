//! Storage (存储): the pod's volumes, and each container's mounts of them.

use super::containers::{container_mut, peek};
use crate::components::form::{FormState, cell_input, field_id, select_input};
use crate::components::use_texts;
use leptos::prelude::*;
use wharf_spec::app::{
    AccessMode, AppField, AppForm, ContainerField, ContainerPaths, MountField, MountForm,
    VolumeField, VolumeForm, VolumeSource,
};
use wharf_spec::field::Row;

/// The mounts of container `i`: volume, path, read-only.
#[component]
pub fn MountRows<F: ContainerPaths + Send + Sync + 'static>(
    s: FormState<F>,
    i: usize,
) -> impl IntoView {
    let t = use_texts();
    let all = move || F::container(i, ContainerField::Mounts(Row::All));
    let mounts = Memo::new(move |_| s.form.with(|f| peek(f, i, |c| c.mounts.len())));
    let row = move |j: usize| {
        let at = move |cell| F::container(i, ContainerField::Mounts(Row::At(j, cell)));
        view! {
            <div class="row" data-row=j>
                {cell_input(s, at(MountField::Volume), t.volume_name)}
                {cell_input(s, at(MountField::Path), t.mount_path)}
                <label class="check">
                    <input type="checkbox" id=field_id(&at(MountField::ReadOnly))
                        prop:checked=move || s.form.with(|f| peek(f, i, |c| c.mounts.get(j).is_some_and(|m| m.read_only)))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            s.edit(at(MountField::ReadOnly), |f| if let Some(m) = container_mut(f, i).and_then(|c| c.mounts.get_mut(j)) { m.read_only = on });
                        } />
                    {t.read_only}
                </label>
                <button type="button" class="btn btn-icon" title=t.remove
                    on:click=move |_| s.edit(all(), |f| { if let Some(c) = container_mut(f, i) { c.mounts.remove(j); } })>"×"</button>
            </div>
        }
    };
    view! {
        <div class="rows" data-mounts=i>
            {move || (0..mounts.get()).map(row).collect_view()}
            <button type="button" class="btn btn-small" data-add-mount=i
                on:click=move |_| s.edit(all(), |f| if let Some(c) = container_mut(f, i) { c.mounts.push(MountForm::default()) })>
                {t.add_row}
            </button>
        </div>
    }
}

/// The pod's volumes: name, source, and what the source needs.
#[component]
pub fn VolumeRows(s: FormState<AppForm>) -> impl IntoView {
    let t = use_texts();
    let count = Memo::new(move |_| s.form.with(|f| f.volumes.len()));
    let row = move |i: usize| {
        let at = move |cell| AppField::Volumes(Row::At(i, cell));
        let source = Memo::new(move |_| {
            s.form
                .with(|f| f.volumes.get(i).map(|v| v.source))
                .unwrap_or_default()
        });
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
                {cell_input(s, at(VolumeField::Name), t.volume_name)}
                <div class="cell">
                    {select_input(s, at(VolumeField::Source), t.volume_source, sources,
                        move |f: &AppForm| f.volumes.get(i).map(|v| v.source),
                        move |f, v| if let Some(vol) = f.volumes.get_mut(i) { vol.source = v })}
                    <p class="field-error" id=format!("{}-error", field_id(&at(VolumeField::Source)))>{s.message(at(VolumeField::Source))}</p>
                </div>
                {move || match source.get() {
                    VolumeSource::EmptyDir => ().into_any(),
                    VolumeSource::HostPath => cell_input(s, at(VolumeField::Reference), t.node_path).into_any(),
                    VolumeSource::ClaimTemplate => view! {
                        {cell_input(s, at(VolumeField::Size), t.volume_size)}
                        {cell_input(s, at(VolumeField::StorageClass), t.storage_class)}
                        {select_input(s, at(VolumeField::AccessMode), t.access_mode,
                            vec![(AccessMode::ReadWriteOnce, "ReadWriteOnce"), (AccessMode::ReadOnlyMany, "ReadOnlyMany"), (AccessMode::ReadWriteMany, "ReadWriteMany")],
                            move |f: &AppForm| f.volumes.get(i).map(|v| v.access_mode),
                            move |f, m| if let Some(v) = f.volumes.get_mut(i) { v.access_mode = m })}
                    }.into_any(),
                    _ => cell_input(s, at(VolumeField::Reference), t.object_name).into_any(),
                }}
                <button type="button" class="btn btn-icon" title=t.remove
                    on:click=move |_| s.edit(AppField::Volumes(Row::All), |f| { f.volumes.remove(i); })>"×"</button>
            </div>
        }
    };
    view! {
        <div class="rows" id="volumes">
            {move || (0..count.get()).map(row).collect_view()}
            <button type="button" class="btn btn-small" id="add-volume"
                on:click=move |_| s.edit(AppField::Volumes(Row::All), |f| f.volumes.push(VolumeForm::default()))>{t.add_row}</button>
        </div>
    }
}
