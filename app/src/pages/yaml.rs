//! YAML, both ways: create Services from pasted or uploaded YAML, and edit a
//! Service as YAML with review, conflict view and re-apply.

use crate::api::{AppError, create_services_yaml, get_service, update_service_yaml};
use crate::components::{Breadcrumb, CodeEditor, ErrorNotice, use_param, use_texts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wharf_spec::diff::{DiffLine, diff_lines, has_changes};
use wharf_spec::view::{DocumentOutcome, ServiceDetail};
use wharf_spec::{ApiError, Problem};

/// Largest file the upload reads; the server refuses more than this too.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub const MAX_UPLOAD_BYTES: f64 = 1_048_576.0;

/// A YAML problem reported at the `yaml` field, in words.
fn yaml_problem(e: &ApiError) -> Option<Problem> {
    e.field_errors().get("yaml").cloned()
}

/// A failed save: a YAML problem under the editor (`error_id`), anything
/// else as a notice.
pub(crate) fn failure_view(e: ApiError, error_id: &'static str) -> AnyView {
    let t = use_texts();
    match yaml_problem(&e) {
        Some(p) => view! { <p class="field-error" id=error_id>{t.problem(&p)}</p> }.into_any(),
        None => view! { <ErrorNotice error=e /> }.into_any(),
    }
}

/// Someone changed the object since it was read: their version next to
/// mine (what "re-apply" would write), a diff between them, and re-apply.
#[component]
pub fn ConflictView(
    theirs: String,
    mine: String,
    pending: RwSignal<bool>,
    on_reapply: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let lines = diff_lines(&theirs, &mine);
    view! {
        <div class="conflict" id="conflict">
            <p class="notice notice-warn">{t.conflict_title}</p>
            <div class="side-by-side">
                <div>
                    <h3>{t.conflict_theirs}</h3>
                    <pre class="yaml" id="conflict-theirs" tabindex="0">{theirs}</pre>
                </div>
                <div>
                    <h3>{t.conflict_mine}</h3>
                    <pre class="yaml" id="conflict-mine" tabindex="0">{mine}</pre>
                </div>
            </div>
            <DiffView id="conflict-diff" lines />
            <button type="button" class="btn btn-primary" id="reapply" disabled=move || pending.get()
                on:click=move |_| on_reapply()>
                {t.reapply}
            </button>
        </div>
    }
}

#[component]
pub fn DiffView(#[prop(into)] id: String, lines: Vec<DiffLine>) -> impl IntoView {
    view! {
        <pre class="diff" id=id>
            {lines
                .into_iter()
                .map(|l| match l {
                    DiffLine::Same(s) => view! { <div class="d-same">"  "{s}</div> }.into_any(),
                    DiffLine::Added(s) => view! { <div class="d-add">"+ "{s}</div> }.into_any(),
                    DiffLine::Removed(s) => view! { <div class="d-del">"- "{s}</div> }.into_any(),
                })
                .collect_view()}
        </pre>
    }
}

/// Edit a Service as YAML. The text carries the resourceVersion it was read
/// at; a concurrent change comes back as a conflict, shown as a diff.
#[component]
pub fn EditServiceYaml(
    space: String,
    detail: ServiceDetail,
    editing: RwSignal<bool>,
    on_saved: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let original = detail.yaml.clone();
    let name = detail.row.name.clone();
    let text = RwSignal::new(original.clone());
    let reviewing = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);
    let conflict = RwSignal::new(None::<ServiceDetail>);

    let save = move |on_top_of: Option<String>| {
        let (space, name, on_saved) = (space.clone(), name.clone(), on_saved.clone());
        pending.set(true);
        failure.set(None);
        spawn_local(async move {
            let result =
                update_service_yaml(space.clone(), name.clone(), text.get_untracked(), on_top_of)
                    .await;
            match result {
                Ok(_) => {
                    pending.set(false);
                    conflict.set(None);
                    on_saved();
                    // Last: closing the editor disposes it, these signals
                    // with it (at once, when it came as a lazy part).
                    editing.set(false);
                    return;
                }
                Err(AppError(ApiError::Conflict { .. })) => match get_service(space, name).await {
                    Ok(current) => conflict.set(Some(current)),
                    Err(AppError(e)) => failure.set(Some(e)),
                },
                Err(AppError(e)) => failure.set(Some(e)),
            }
            pending.set(false);
        });
    };
    let save_plain = save.clone();
    let save_on_top = save.clone();
    let review_diff = {
        let original = original.clone();
        move || diff_lines(&original, &text.get())
    };
    let changed = {
        let review_diff = review_diff.clone();
        move || has_changes(&review_diff())
    };

    view! {
        <div class="yaml-editor">
            <CodeEditor id="yaml-edit" text on_edit=Callback::new(move |_| reviewing.set(false)) />
            {move || failure.get().map(|e| failure_view(e, "yaml-edit-error"))}
            <Show when=move || reviewing.get()>
                {
                    let review_diff = review_diff.clone();
                    let changed = changed.clone();
                    move || if changed() {
                        view! { <DiffView id="review-diff" lines=review_diff() /> }.into_any()
                    } else {
                        view! { <p class="muted" id="review-diff">{t.no_changes}</p> }.into_any()
                    }
                }
            </Show>
            {move || conflict.get().map(|current| {
                let version = current.resource_version.clone();
                let save_on_top = save_on_top.clone();
                view! {
                    <ConflictView theirs=current.yaml.clone() mine=text.get_untracked() pending
                        on_reapply=move || save_on_top(version.clone()) />
                }
            })}
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| editing.set(false)>{t.cancel}</button>
                <button type="button" class="btn" id="review-changes" on:click=move |_| reviewing.set(true)>{t.review_changes}</button>
                <button type="button" class="btn btn-primary" id="apply-yaml" disabled=move || pending.get()
                    on:click=move |_| save_plain(None)>
                    {t.apply}
                </button>
            </div>
        </div>
    }
}

/// `/spaces/:space/new/yaml`: paste or upload, one result per document.
#[component]
pub fn CreateFromYamlPage() -> impl IntoView {
    let t = use_texts();
    let space = use_param("space");
    let text = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let outcomes = RwSignal::new(None::<Vec<DocumentOutcome>>);
    let failure = RwSignal::new(None::<ApiError>);
    let file_error = RwSignal::new(None::<String>);

    let on_file = move |ev: leptos::ev::Event| {
        file_error.set(None);
        #[cfg(feature = "hydrate")]
        {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            if file.size() > MAX_UPLOAD_BYTES {
                file_error.set(Some((t.file_too_large)(
                    (MAX_UPLOAD_BYTES / 1024.0) as usize,
                )));
                return;
            }
            spawn_local(async move {
                if let Ok(value) = wasm_bindgen_futures::JsFuture::from(file.text()).await
                    && let Some(s) = value.as_string()
                {
                    text.set(s);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };

    let submit = move |_| {
        pending.set(true);
        failure.set(None);
        outcomes.set(None);
        spawn_local(async move {
            match create_services_yaml(space.get_untracked(), text.get_untracked()).await {
                Ok(list) => outcomes.set(Some(list)),
                Err(AppError(e)) => failure.set(Some(e)),
            }
            pending.set(false);
        });
    };

    view! {
        <Breadcrumb space current=t.create_from_yaml.to_owned() />
        <h1>{t.create_from_yaml}</h1>
        <p class="muted">{t.yaml_paste_hint}</p>
        <div class="card">
            <label class="btn btn-small upload">
                {t.upload_file}
                <input type="file" id="yaml-file" accept=".yaml,.yml,.json,text/yaml" on:change=on_file />
            </label>
            <p class="field-error" id="yaml-file-error">{move || file_error.get()}</p>
            <CodeEditor id="yaml-input" text rows=20 />
            {move || failure.get().map(|e| failure_view(e, "yaml-input-error"))}
            {move || outcomes.get().map(|list| view! {
                <ul class="outcomes" id="yaml-outcomes">
                    {list.into_iter().map(|o| {
                        let label = format!("{} {}", (t.document)(o.index), o.name.clone().unwrap_or_default());
                        match o.error {
                            None => view! { <li class="ok" data-name=o.name.clone()>{label}": "{t.created_ok}</li> }.into_any(),
                            Some(e) => {
                                let words = yaml_problem(&e).map(|p| t.problem(&p)).unwrap_or_else(|| t.error(&e));
                                view! { <li class="failed" data-name=o.name.clone()>{label}": "{words}</li> }.into_any()
                            }
                        }
                    }).collect_view()}
                </ul>
            })}
            <div class="form-actions">
                <a class="btn" href=move || format!("{}/spaces/{}/services", crate::paths::cluster_root(), space.get())>{t.cancel}</a>
                <button type="button" class="btn btn-primary" id="create-yaml-submit"
                    disabled=move || pending.get() || text.with(|s| s.trim().is_empty())
                    on:click=submit>
                    {t.create}
                </button>
            </div>
        </div>
    }
}
