//! The pages whose code the browser loads when first opened, not with the
//! first page: each is a route of its own wasm part (Leptos' `#[lazy_route]`,
//! split out by `app/wasm-split` in the build). The server renders them like
//! any page; the browser fetches a page's part before it hydrates it.
//!
//! A page's code leaves the first download only if no eagerly loaded page
//! reaches it: every route that shows one of these pages uses its lazy
//! route here (the embed routes too).

use super::{
    AppDetailPage, AppUpgradePage, AppWizardPage, CreateFromYamlPage, LogsPage, NodePage, PodPage,
    ServiceCreatePage, ServiceDetailPage, ServiceEditPage, TerminalPage,
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
lazy_page!(
    /// An app's page (any Deployment or StatefulSet).
    AppDetailRoute => AppDetailPage
);
lazy_page!(
    /// A Service's page.
    ServiceDetailRoute => ServiceDetailPage
);
lazy_page!(
    /// A pod's page.
    PodRoute => PodPage
);
lazy_page!(
    /// A node's page.
    NodeRoute => NodePage
);

/// The lazy route a path shows, by the name `#[lazy_route]` gives its part
/// (the route type in snake case); the shell preloads that part's files.
/// Must follow `root.rs`' routes (the unit test below names every lazy
/// path; assets.test.mjs checks four lazy pages' HTML for their preloads).
pub fn lazy_route_of(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match segments.as_slice() {
        [.., "new", "app"] => Some("app_wizard_route"),
        [.., "apps", _, "upgrade"] => Some("app_upgrade_route"),
        [.., "new", "service"] => Some("service_create_route"),
        [.., "services", _, "edit"] => Some("service_edit_route"),
        [.., "new", "yaml"] => Some("create_from_yaml_route"),
        [.., "pods", _, "terminal", _] => Some("terminal_route"),
        [.., "pods", _, "logs", _] | [.., "apps" | "services", _, "logs"] => Some("logs_route"),
        [.., "spaces", _, "apps", _] => Some("app_detail_route"),
        [.., "spaces", _, "services", _] => Some("service_detail_route"),
        [.., "spaces", _, "pods", _] => Some("pod_route"),
        [.., "nodes", _] => Some("node_route"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::lazy_route_of;

    #[test]
    fn paths_name_their_lazy_route() {
        let root = "/clusters/kube-a/spaces/dev";
        for (path, route) in [
            ("/new/app", Some("app_wizard_route")),
            ("/apps/web/upgrade", Some("app_upgrade_route")),
            ("/new/service", Some("service_create_route")),
            ("/services/web/edit", Some("service_edit_route")),
            ("/new/yaml", Some("create_from_yaml_route")),
            ("/pods/web-1/terminal/main", Some("terminal_route")),
            ("/pods/web-1/logs/main", Some("logs_route")),
            ("/apps/web/logs", Some("logs_route")),
            ("/services/web/logs", Some("logs_route")),
            ("/services/web", Some("service_detail_route")),
            ("/apps/web", Some("app_detail_route")),
            ("/pods/web-1", Some("pod_route")),
            ("/services", None),
            ("/apps", None),
            ("/pods", None),
            ("/events", None),
        ] {
            assert_eq!(lazy_route_of(&format!("{root}{path}")), route, "{path}");
            assert_eq!(
                lazy_route_of(&format!("/embed{root}{path}")),
                route,
                "/embed {path}"
            );
        }
    }

    #[test]
    fn a_node_page_names_its_route_and_the_list_none() {
        assert_eq!(lazy_route_of("/clusters/a/nodes/n1"), Some("node_route"));
        assert_eq!(lazy_route_of("/clusters/a/nodes"), None);
    }
}
