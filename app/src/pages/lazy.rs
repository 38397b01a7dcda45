//! The pages whose code the browser loads when first opened, not with the
//! first page: each is a route of its own wasm part (Leptos' `#[lazy_route]`,
//! split out by `app/wasm-split` in the build). The server renders them like
//! any page; the browser fetches a page's part before it hydrates it.
//!
//! A page's code leaves the first download only if no eagerly loaded page
//! reaches it: every route that shows one of these pages uses its lazy
//! route here (the embed routes too).

use super::{
    AppUpgradePage, AppWizardPage, CreateFromYamlPage, LogsPage, ServiceCreatePage,
    ServiceEditPage, TerminalPage,
};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(
    /// The app wizard's six steps.
    AppWizardRoute => AppWizardPage
);
lazy_page!(
    /// Upgrade an app (shares the wizard's container editor).
    AppUpgradeRoute => AppUpgradePage
);
lazy_page!(
    /// The Service form, to create one.
    ServiceCreateRoute => ServiceCreatePage
);
lazy_page!(
    /// The Service form, to edit one.
    ServiceEditRoute => ServiceEditPage
);
lazy_page!(
    /// Create from YAML (its editor is a script of its own besides).
    CreateFromYamlRoute => CreateFromYamlPage
);
lazy_page!(
    /// A container's terminal.
    TerminalRoute => TerminalPage
);
lazy_page!(
    /// Live logs of a pod, an app or a Service.
    LogsRoute => LogsPage
);
