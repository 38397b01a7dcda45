//! Wharf's UI crate. With feature `ssr` it is the library the server renders
//! and answers server functions with; with feature `hydrate` it is the
//! browser's wasm (entry point [`hydrate`]). See ARCHITECTURE.md.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod paths;
pub mod preferences;
mod root;
#[cfg(feature = "hydrate")]
mod streams;
pub mod theme;

pub use root::{App, shell};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // A panic leaves the wasm unusable: besides the console, say so on the
    // page with a way out (a lazy page's part that fails to load panics in
    // Leptos 0.8; after an update, an open tab's old parts are gone).
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        broken::show();
    }));
    // Asynchronous: a lazily loaded page (pages/lazy.rs) hydrates once its
    // part of the wasm is here.
    // (hydrate_from_async starts Leptos' executor itself.)
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), App)
            .await
            .forget();
        // A marker for tests and embedders: event handlers are live from here on.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

#[cfg(feature = "hydrate")]
mod broken {
    use crate::i18n::Lang;
    use leptos::prelude::document;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    /// Puts a notice over the page, once, without Leptos (its runtime may be
    /// what broke): in the page's language, with a reload button that takes
    /// the focus.
    pub fn show() {
        let document = document();
        if document.get_element_by_id("page-broken").is_some() {
            return;
        }
        let texts = document
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or(Lang::En)
            .texts();
        let (Ok(notice), Ok(words), Ok(button), Some(body)) = (
            document.create_element("div"),
            document.create_element("p"),
            document.create_element("button"),
            document.body(),
        ) else {
            return;
        };
        notice.set_id("page-broken");
        let _ = notice.set_attribute("class", "notice notice-error page-broken");
        let _ = notice.set_attribute("role", "alert");
        words.set_text_content(Some(texts.page_broken));
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("class", "btn btn-primary");
        button.set_text_content(Some(texts.reload_page));
        let reload = Closure::<dyn Fn()>::new(|| {
            let _ = leptos::prelude::window().location().reload();
        });
        let _ = button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
        reload.forget();
        let _ = notice.append_child(&words);
        let _ = notice.append_child(&button);
        let _ = body.prepend_with_node_1(&notice);
        if let Some(button) = button.dyn_ref::<web_sys::HtmlElement>() {
            let _ = button.focus();
        }
    }
}
