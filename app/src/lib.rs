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
    // A panic is a trap, which the page's loader (`hydration.js`) turns into
    // a notice with a way out. The release wasm aborts at once (its own std,
    // end2end/lib.sh), so this hook only runs in a dev build: the message, in
    // the console.
    console_error_panic_hook::set_once();
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
