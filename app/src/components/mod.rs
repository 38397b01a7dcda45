//! Small building blocks shared by the pages.

pub mod form;
pub mod live;
mod modal;
pub mod ports;
pub mod stream_state;
pub mod title;
pub mod workload;
pub use modal::{LazyDialog, Modal};

use crate::i18n::{Lang, Texts};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wharf_spec::access::{Access, Action};
use wharf_spec::{ApiError, FieldErrors};

/// The current language's strings.
pub fn use_texts() -> &'static Texts {
    expect_context::<Lang>().texts()
}

/// What the user may do in the space of the page (see
/// [`wharf_spec::access`]); provided by the space layout, asked for in the
/// browser only (a server render shows everything enabled, the cluster
/// refusing in words if need be).
#[derive(Clone, Copy)]
pub struct AccessContext(pub LocalResource<Option<Access>>);

/// Why `action` is not allowed here, in words; `None` when it is, or when
/// it is not known (yet): the cluster has the last word anyway.
pub fn use_denied(action: Action) -> Signal<Option<String>> {
    let t = use_texts();
    let access = use_context::<AccessContext>();
    Signal::derive(move || {
        let access = access?.0.get().flatten()?;
        access
            .check(action)
            .err()
            .map(|need| (t.not_allowed)(need.verb, need.resource))
    })
}

/// A link to a page that does `action`; when the user may not, it shows
/// as disabled, says why on hover, and goes nowhere. (Other attributes go
/// on with `attr:`, e.g. `attr:data-open-logs=name`.)
#[component]
pub fn GuardedLink(
    action: Action,
    href: Signal<String>,
    #[prop(optional)] id: Option<&'static str>,
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let denied = use_denied(action);
    view! {
        <a
            id=id
            class=class
            class:disabled=move || denied.get().is_some()
            href=href
            aria-disabled=move || denied.get().map(|_| "true")
            title=move || denied.get()
            on:click=move |ev| {
                if denied.get_untracked().is_some() {
                    ev.prevent_default();
                }
            }
        >
            {children()}
        </a>
    }
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

/// A detail page's first read of the object the URL names (the page's
/// `:space` and `:name`), then the page `view` builds from it, or the error
/// in words.
/// Later changes are the built page's business (`Rereads`): a reread that
/// went through this `Transition` would build the page again.
pub fn first_read<T, Fut>(
    space: Memo<String>,
    name: Memo<String>,
    read: impl Fn(String, String) -> Fut + Copy + Send + Sync + 'static,
    view: impl Fn(T) -> AnyView + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, crate::api::AppError>> + Send + 'static,
{
    let first = crate::api::resource(move || (space.get(), name.get()), move |(s, n)| read(s, n));
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match first.await {
                    Ok(first) => view(first),
                    Err(crate::api::AppError(error)) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
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
            <a href=move || format!("{}/spaces/{}/services", crate::paths::cluster_root(), space.get())>{t.all_services}</a>
            " / "
            <span>{move || current.get()}</span>
        </nav>
    }
}

/// A YAML editor. The server renders a plain `<textarea>` (it works without
/// JavaScript); in the browser it is upgraded to CodeMirror 6 (syntax
/// colours, line numbers, syntax errors marked at their line), loaded from
/// `/pkg/editor.js` only by pages that have an editor. The textarea stays
/// the source of truth: the editor writes every change back to it as an
/// `input` event, so this component reads the textarea either way.
#[component]
pub fn CodeEditor(
    #[prop(into)] id: String,
    text: RwSignal<String>,
    /// Called when the user (not the page) changes the text.
    #[prop(optional)]
    on_edit: Option<Callback<()>>,
    #[prop(default = 24)] rows: u32,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Textarea>::new();
    #[cfg(feature = "hydrate")]
    editor::upgrade(node, text);
    view! {
        <textarea
            id=id
            node_ref=node
            class="code"
            spellcheck="false"
            rows=rows
            prop:value=move || text.get()
            on:input=move |ev| {
                text.set(event_target_value(&ev));
                if let Some(edited) = on_edit {
                    edited.run(());
                }
            }
        ></textarea>
    }
}

#[cfg(feature = "hydrate")]
mod editor {
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = "
        let loading;
        export async function mount_editor(textarea) {
            // Beside the wasm's own files, in the same (versioned) folder:
            // this snippet is pkg/<version>/snippets/<crate>/inline<n>.js.
            loading ??= import(new URL('../../editor.js', import.meta.url));
            return (await loading).mount(textarea);
        }
        export function set_editor_value(handle, text) { handle.setValue(text); }
        export function destroy_editor(handle) { handle.destroy(); }
    ")]
    extern "C" {
        #[wasm_bindgen(catch)]
        async fn mount_editor(textarea: &web_sys::HtmlTextAreaElement) -> Result<JsValue, JsValue>;
        fn set_editor_value(handle: &JsValue, text: &str);
        fn destroy_editor(handle: &JsValue);
    }

    pub fn upgrade(node: NodeRef<leptos::html::Textarea>, text: RwSignal<String>) {
        let handle = StoredValue::new_local(None::<JsValue>);
        let mounting = StoredValue::new(false);
        Effect::new(move |_| {
            let Some(textarea) = node.get() else { return };
            if mounting.get_value() {
                return;
            }
            mounting.set_value(true);
            spawn_local(async move {
                // Without the editor the textarea simply stays.
                if let Ok(h) = mount_editor(&textarea).await {
                    handle.set_value(Some(h));
                }
            });
        });
        // Text set by the page (a rendered preview, a loaded file) goes into
        // the editor; the editor skips it when it is already its content.
        Effect::new(move |_| {
            let value = text.get();
            handle.with_value(|h| {
                if let Some(h) = h {
                    set_editor_value(h, &value);
                }
            });
        });
        on_cleanup(move || {
            handle.with_value(|h| {
                if let Some(h) = h {
                    destroy_editor(h);
                }
            });
        });
    }
}

/// Wharf's NodePort range (`--node-port-range`), which the server provides
/// to every request.
#[derive(Clone, Copy, Debug)]
pub struct NodePorts(pub wharf_spec::service::NodePortRange);

/// The NodePort range the forms check against: the server's setting, from
/// the request's context on the server and from the page's
/// `<meta name="wharf-node-ports">` in the browser; Kubernetes' default
/// without either.
pub fn node_port_range() -> wharf_spec::service::NodePortRange {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        document()
            .query_selector("meta[name=wharf-node-ports]")
            .ok()
            .flatten()
            .and_then(|m| m.dyn_into::<web_sys::HtmlMetaElement>().ok())
            .and_then(|m| wharf_spec::service::NodePortRange::parse(&m.content()))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use_context::<NodePorts>().map(|n| n.0).unwrap_or_default()
    }
}

/// The clusters Wharf serves, as this request sees them (the header's
/// switcher): on the server from the cluster directory, in the browser from
/// the page's `<meta name="wharf-clusters">`, so the header needs no
/// resource (and no request) of its own.
pub fn cluster_choices() -> Vec<wharf_spec::cluster::ClusterChoice> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        document()
            .query_selector("meta[name=wharf-clusters]")
            .ok()
            .flatten()
            .and_then(|m| m.dyn_into::<web_sys::HtmlMetaElement>().ok())
            .and_then(|m| serde_json::from_slice(m.content().as_bytes()).ok())
            .unwrap_or_default()
    }
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    {
        crate::backend::directory()
            .map(|(directory, request)| directory.clusters(&request))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Vec::new()
    }
}
