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
    // part of the wasm is here, loaded first (`LazyPage::load` says why).
    // (hydrate_from_async starts Leptos' executor itself.)
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        let path = leptos::prelude::window().location().pathname();
        if let Some(page) = path.ok().as_deref().and_then(pages::lazy::lazy_route_of) {
            page.load().await;
        }
        leptos::mount::hydrate_from_async(body.clone(), App)
            .await
            .forget();
        // A marker for tests and embedders: event handlers are live from here on.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

#[cfg(feature = "hydrate")]
mod broken {
    /// Asks the page's loader (`hydration.js`) to put its notice over the
    /// page, once: it is plain script, so it works whatever broke here, and
    /// its words are the ones the server rendered in the page's language.
    pub fn show() {
        if let Ok(event) = web_sys::Event::new("wharf:broken") {
            let _ = leptos::prelude::document().dispatch_event(&event);
        }
    }
}
