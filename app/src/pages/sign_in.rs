//! `/sign-in` (multi-user mode): a plain form posted to `/auth/sign-in`, so
//! it works before (and without) the wasm. The credential goes to the server
//! once; the browser keeps only the session cookie, which it cannot read.

use crate::components::use_texts;
use crate::i18n::Texts;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Largest kubeconfig file the page reads (the server takes 64 KiB).
const MAX_KUBECONFIG_FILE: usize = 64 * 1024;

/// What `/sign-in?error=…` means, in words.
fn refusal_text(t: &Texts, code: &str) -> &'static str {
    match code {
        "empty" => t.sign_in_empty,
        "unreadable" => t.sign_in_unreadable,
        "programs" => t.sign_in_programs,
        "files" => t.sign_in_files,
        "unsupported" => t.sign_in_unsupported,
        "rejected" => t.sign_in_rejected,
        "too-many" => t.sign_in_too_many,
        _ => t.sign_in_unavailable,
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let error = move || query.with(|q| q.get("error"));
    let next = move || query.with(|q| q.get("next")).unwrap_or_else(|| "/".into());
    let asked = move || query.with(|q| q.get("cluster")).unwrap_or_default();
    // Blocking: the form must name its cluster without the wasm.
    let clusters =
        crate::api::Loaded::new_with_options(|| (), |_| crate::api::list_clusters(), true);
    let cluster_field = move || {
        Suspend::new(async move {
            let list = clusters.await.unwrap_or_default();
            let asked = asked();
            if list.len() <= 1 {
                return view! { <input type="hidden" name="cluster" value=asked /> }.into_any();
            }
            let options = list
                .into_iter()
                .map(|c| {
                    let selected = c.name == asked || (asked.is_empty() && c.default);
                    let signed_in = c.signed_in.then_some(t.cluster_signed_in);
                    view! {
                        <option value=c.name.clone() selected=selected>
                            {c.name.clone()}{signed_in.map(|s| format!(" ({s})"))}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <label class="field">
                    <span>{t.cluster_label}</span>
                    <select id="sign-in-cluster" name="cluster" class="input">{options}</select>
                </label>
            }
            .into_any()
        })
    };
    // The textarea is not bound to a signal: what was typed or pasted
    // before the wasm arrived must survive hydration. A chosen file is
    // written into it directly.
    let kubeconfig: NodeRef<leptos::html::Textarea> = NodeRef::new();
    // A file over the limit is not read, and the page says so.
    let too_big = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            too_big.set(file.size() > MAX_KUBECONFIG_FILE as f64);
            if too_big.get_untracked() {
                input.set_value("");
                return;
            }
            leptos::task::spawn_local(async move {
                if let Ok(value) = wasm_bindgen_futures::JsFuture::from(file.text()).await
                    && let Some(s) = value.as_string()
                    && let Some(textarea) = kubeconfig.get_untracked()
                {
                    textarea.set_value(&s);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <main>
            <section class="sign-in card">
                <h1>{t.sign_in_title}</h1>
                <p class="muted">{t.sign_in_hint}</p>
                {move || error().map(|code| view! {
                    <div class="notice notice-error" role="alert" id="sign-in-error" data-code=code.clone()>
                        {refusal_text(t, &code)}
                    </div>
                })}
                <form method="post" action="/auth/sign-in" id="sign-in-form">
                    <input type="hidden" name="next" value=next />
                    <Suspense>{cluster_field}</Suspense>
                    <label class="field">
                        <span>{t.bearer_token}</span>
                        <textarea id="sign-in-token" name="token" class="input mono" rows="3" autocomplete="off" spellcheck="false"></textarea>
                    </label>
                    <label class="field">
                        <span>{t.kubeconfig}</span>
                        <textarea id="sign-in-kubeconfig" name="kubeconfig" class="input mono" rows="6" spellcheck="false"
                            node_ref=kubeconfig></textarea>
                    </label>
                    <label class="field">
                        <span>{t.kubeconfig_file}</span>
                        <input id="sign-in-file" type="file" accept=".yaml,.yml,.conf,.config,text/*" on:change=on_file
                            aria-describedby="sign-in-file-error" aria-invalid=move || too_big.get().then_some("true") />
                    </label>
                    <p class="field-error" id="sign-in-file-error" role="alert">
                        {move || too_big.get().then(|| (t.sign_in_file_too_big)(MAX_KUBECONFIG_FILE / 1024))}
                    </p>
                    <button id="sign-in" class="btn btn-primary" type="submit">{t.sign_in}</button>
                </form>
            </section>
        </main>
    }
}
