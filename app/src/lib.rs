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
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // A marker for tests and embedders: event handlers are live from here on.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
