//! The frame of every dialog: a backdrop that closes it when clicked, Esc
//! that closes it, the focus moved into it when it opens, kept inside it
//! (Tab and Shift+Tab cycle through its controls) and given back to where it
//! was when it closes.

use leptos::html::Div;
use leptos::prelude::*;

/// What can take the focus inside a dialog.
#[cfg(feature = "hydrate")]
const FOCUSABLE: &str = "input:not([disabled]):not([type=hidden]), select:not([disabled]), \
     textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

#[cfg(feature = "hydrate")]
fn focusable(backdrop: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let Ok(list) = backdrop.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// The dialog's backdrop; its child is the dialog itself (`role="dialog"`,
/// `aria-modal`, `aria-labelledby`), whose clicks must not reach it.
/// While `busy` (its request is under way) it does not close: what the
/// answer does (navigate, refresh, report failures) happens in the dialog.
#[component]
pub fn Modal(
    open: RwSignal<bool>,
    #[prop(optional, into)] busy: Option<Signal<bool>>,
    children: Children,
) -> impl IntoView {
    let close = move || {
        if !busy.is_some_and(|b| b.get_untracked()) {
            open.set(false);
        }
    };
    let backdrop = NodeRef::<Div>::new();
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        // Where the focus was (the button that opened the dialog).
        let opener = document()
            .active_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        let opener = send_wrapper::SendWrapper::new(opener);
        // On the next frame: a dialog whose code came late (`LazyDialog`)
        // is built before its `Suspense` puts it in the page, and an
        // element not in the page takes no focus.
        Effect::new(move |_| {
            if backdrop.get().is_some() {
                request_animation_frame(move || {
                    let Some(element) = backdrop.get_untracked() else {
                        return;
                    };
                    let autofocus = element
                        .query_selector("[autofocus]")
                        .ok()
                        .flatten()
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                    if let Some(first) =
                        autofocus.or_else(|| focusable(&element).into_iter().next())
                    {
                        let _ = first.focus();
                    }
                });
            }
        });
        on_cleanup(move || {
            if let Some(opener) = opener.take() {
                let _ = opener.focus();
            }
        });
    }
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
        #[cfg(feature = "hydrate")]
        if ev.key() == "Tab"
            && let Some(element) = backdrop.get_untracked()
        {
            let controls = focusable(&element);
            let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
                return;
            };
            let active = document().active_element();
            let at = |e: &web_sys::HtmlElement| {
                active
                    .as_ref()
                    .is_some_and(|a| a == AsRef::<web_sys::Element>::as_ref(e))
            };
            if ev.shift_key() && at(first) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && at(last) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
    };
    view! {
        <div class="modal-backdrop" node_ref=backdrop on:click=move |_| close() on:keydown=on_key>
            {children()}
        </div>
    }
}

/// Where a dialog whose code comes when it is first opened (a `#[lazy]`
/// function, in a [`Suspend`]) goes: until its part is here (once, about
/// 0.2 s on a slow link), a backdrop that says it is loading.
#[component]
pub fn LazyDialog(children: Children) -> impl IntoView {
    let t = super::use_texts();
    view! {
        <Suspense fallback=move || view! {
            <div class="modal-backdrop">
                <div class="modal loading" role="status" aria-busy="true">{t.loading}</div>
            </div>
        }>{children()}</Suspense>
    }
}
