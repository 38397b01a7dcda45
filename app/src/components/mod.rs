//! Small building blocks shared by the pages.

use crate::i18n::{Lang, Texts};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::time::Duration;
use wharf_spec::{ApiError, FieldErrors};

/// The current language's strings.
pub fn use_texts() -> &'static Texts {
    expect_context::<Lang>().texts()
}

/// A failed call, in words.
#[component]
pub fn ErrorNotice(error: ApiError) -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="notice notice-error" role="alert">
            {t.error(&error)}
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let t = use_texts();
    view! { <div class="loading" aria-busy="true">{t.loading}</div> }
}

/// The words under a form field: the server's answer for the field if it
/// gave one, else the shared crate's local check once `show_local` holds
/// (local errors are only read, and subscribed to, then).
pub fn field_message(
    field: String,
    local: Signal<FieldErrors>,
    server: Signal<FieldErrors>,
    show_local: Signal<bool>,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    let t = use_texts();
    move || {
        server
            .with(|s| s.get(&field).map(|p| t.problem(p)))
            .or_else(|| {
                show_local
                    .get()
                    .then(|| local.with(|l| l.get(&field).map(|p| t.problem(p))))
                    .flatten()
            })
    }
}

/// [`field_message`] in its usual place, `<p id="{field}-error">`.
#[component]
pub fn FieldMessage(
    #[prop(into)] field: String,
    local: Signal<FieldErrors>,
    server: Signal<FieldErrors>,
    show_local: Signal<bool>,
) -> impl IntoView {
    let id = format!("{field}-error");
    view! {
        <p class="field-error" id=id role="status">
            {field_message(field, local, server, show_local)}
        </p>
    }
}

/// A route parameter (`space`, `name`) as a memo.
pub fn use_param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get(name).unwrap_or_default()))
}

/// `Services / {current}`: back to the space's service list.
#[component]
pub fn Breadcrumb(space: Memo<String>, #[prop(into)] current: Signal<String>) -> impl IntoView {
    let t = use_texts();
    view! {
        <nav class="breadcrumb">
            <a href=move || format!("/spaces/{}/services", space.get())>{t.all_services}</a>
            " / "
            <span>{move || current.get()}</span>
        </nav>
    }
}

/// Calls `refetch` `every` after each time `track` changes, while the
/// calling component lives (browser only: effects do not run on the server).
pub fn poll(
    track: impl Fn() + Send + Sync + 'static,
    refetch: impl Fn() + Clone + Send + Sync + 'static,
    every: Duration,
) {
    Effect::new(move |_| {
        track();
        let refetch = refetch.clone();
        if let Ok(handle) = set_timeout_with_handle(refetch, every) {
            on_cleanup(move || handle.clear());
        }
    });
}
