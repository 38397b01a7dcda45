//! The pages whose code the browser loads when first opened, not with the
//! first page: each is a route of its own wasm part (Leptos' `#[lazy_route]`,
//! split out by `app/wasm-split` in the build). The server renders them like
//! any page; the browser fetches a page's part (preloaded by the shell)
//! before it hydrates it.
//!
//! The Service list, the first page of a space, stays in the first
//! download, and with it the live table the other lists share. Each lazy
//! page needs its own part and parts it shares with other lazy pages
//! (85 for an app page, most under 2 KB): the build also writes them as
//! one file per page (`bundle_*.bin`, end2end/lib.sh), which the shell
//! preloads and the loader takes them from.
//!
//! A page's code leaves the first download only if no eagerly loaded page
//! reaches it: every route that shows one of these pages uses its lazy
//! route here (the embed routes too).

use super::{
    AppDetailPage, AppList, AppUpgradePage, AppWizardPage, ClusterList, CreateFromYamlPage,
    LogsPage, NodeList, NodePage, PodPage, ServiceCreatePage, ServiceDetailPage, ServiceEditPage,
    SignInPage, SpaceEvents, SpacePods, TerminalPage,
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
    /// The clusters one may sign in to.
    ClusterListRoute => ClusterList
);
lazy_page!(
    /// Sign in.
    SignInRoute => SignInPage
);
lazy_page!(
    /// A space's apps.
    AppListRoute => AppList
);
lazy_page!(
    /// A space's pods.
    SpacePodsRoute => SpacePods
);
lazy_page!(
    /// A space's events.
    SpaceEventsRoute => SpaceEvents
);
lazy_page!(
    /// A cluster's nodes.
    NodeListRoute => NodeList
);
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
/// Must follow `root.rs`' routes (the unit tests below name every lazy
/// path; assets.test.mjs checks lazy pages' HTML for their preloads).
pub fn lazy_route_of(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let in_cluster = match segments.as_slice() {
        ["sign-in"] => return Some("sign_in_route"),
        ["clusters"] => return Some("cluster_list_route"),
        ["clusters", _, rest @ ..] | ["embed", "clusters", _, rest @ ..] => rest,
        _ => return None,
    };
    Some(match in_cluster {
        ["nodes"] => "node_list_route",
        ["nodes", _] => "node_route",
        ["spaces", _, "apps"] => "app_list_route",
        ["spaces", _, "pods"] => "space_pods_route",
        ["spaces", _, "events"] => "space_events_route",
        ["spaces", _, "new", "app"] => "app_wizard_route",
        ["spaces", _, "new", "service"] => "service_create_route",
        ["spaces", _, "new", "yaml"] => "create_from_yaml_route",
        ["spaces", _, "apps", _, "upgrade"] => "app_upgrade_route",
        ["spaces", _, "services", _, "edit"] => "service_edit_route",
        ["spaces", _, "apps", _] => "app_detail_route",
        ["spaces", _, "services", _] => "service_detail_route",
        ["spaces", _, "pods", _] => "pod_route",
        ["spaces", _, "pods", _, "terminal", _] => "terminal_route",
        ["spaces", _, "pods", _, "logs", _] | ["spaces", _, "apps" | "services", _, "logs"] => {
            "logs_route"
        }
        _ => return None,
    })
}

/// Loads the part of the lazy page that `path` shows, for the first
/// hydration. The nested router hydrates the routes it matched
/// synchronously: every component is an erased view (`--cfg
/// erase_components`), and the patched tachys keeps no asynchronous
/// hydration for erased views (app/vendor/README.md). So a lazy page's code
/// must be here before the page hydrates; the shell has already preloaded
/// its file, so this waits for little more than compiling it. A part that
/// fails to load leaves the router to try again, and fail in words
/// (`hydrate`'s panic hook).
#[cfg(feature = "hydrate")]
pub async fn load_part_of(path: &str) {
    let Some(route) = lazy_route_of(path) else {
        return;
    };
    match route {
        "sign_in_route" => SignInRoute::preload().await,
        "cluster_list_route" => ClusterListRoute::preload().await,
        "node_list_route" => NodeListRoute::preload().await,
        "node_route" => NodeRoute::preload().await,
        "app_list_route" => AppListRoute::preload().await,
        "space_pods_route" => SpacePodsRoute::preload().await,
        "space_events_route" => SpaceEventsRoute::preload().await,
        "app_wizard_route" => AppWizardRoute::preload().await,
        "service_create_route" => ServiceCreateRoute::preload().await,
        "create_from_yaml_route" => CreateFromYamlRoute::preload().await,
        "app_upgrade_route" => AppUpgradeRoute::preload().await,
        "service_edit_route" => ServiceEditRoute::preload().await,
        "app_detail_route" => AppDetailRoute::preload().await,
        "service_detail_route" => ServiceDetailRoute::preload().await,
        "pod_route" => PodRoute::preload().await,
        "terminal_route" => TerminalRoute::preload().await,
        "logs_route" => LogsRoute::preload().await,
        other => unreachable!("lazy_route_of names a route load_part_of does not know: {other}"),
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
            ("/apps", Some("app_list_route")),
            ("/pods", Some("space_pods_route")),
            ("/events", Some("space_events_route")),
            ("/unknown", None),
            ("/services/web/unknown", None),
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
    fn pages_outside_a_space_name_their_lazy_route() {
        assert_eq!(lazy_route_of("/clusters/a/nodes/n1"), Some("node_route"));
        assert_eq!(lazy_route_of("/clusters/a/nodes"), Some("node_list_route"));
        assert_eq!(lazy_route_of("/clusters"), Some("cluster_list_route"));
        assert_eq!(lazy_route_of("/sign-in"), Some("sign_in_route"));
        // A cluster's first page only redirects; a space or cluster named
        // like a page is just a name.
        assert_eq!(lazy_route_of("/clusters/nodes"), None);
        assert_eq!(
            lazy_route_of("/clusters/a/spaces/new/apps/web"),
            Some("app_detail_route")
        );
        assert_eq!(lazy_route_of("/"), None);
    }
}
