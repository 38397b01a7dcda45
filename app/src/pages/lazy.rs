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

/// Each lazy page, stated once: its route type (what `root.rs` routes to),
/// its component, a [`LazyPage`] variant and the name `#[lazy_route]`
/// gives its part (the route type in snake case; the build's manifest and
/// the shell's preload go by it).
macro_rules! lazy_pages {
    ($($(#[$doc:meta])* $variant:ident: $route:ident => $page:ident as $part:literal,)*) => {
        $(
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
        )*

        /// A page whose code is a part of its own (one per route type above).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum LazyPage {
            $($variant,)*
        }

        impl LazyPage {
            /// The name of the page's part.
            pub fn part_name(self) -> &'static str {
                match self {
                    $(LazyPage::$variant => $part,)*
                }
            }

            /// Loads the page's part, for the first hydration. The nested
            /// router hydrates the routes it matched synchronously: every
            /// component is an erased view (`--cfg erase_components`), and
            /// the patched tachys keeps no asynchronous hydration for erased
            /// views (app/vendor/README.md). So a lazy page's code must be
            /// here before the page hydrates; the shell has already
            /// preloaded its file, so this waits for little more than
            /// compiling it. A part that fails to load leaves the router to
            /// try again, and fail in words (a panic: `hydration.js`'s notice).
            #[cfg(feature = "hydrate")]
            pub async fn load(self) {
                match self {
                    $(LazyPage::$variant => <$route as LazyRoute>::preload().await,)*
                }
            }
        }
    };
}

lazy_pages! {
    /// The clusters one may sign in to.
    ClusterList: ClusterListRoute => ClusterList as "cluster_list_route",
    /// Sign in.
    SignIn: SignInRoute => SignInPage as "sign_in_route",
    /// A space's apps.
    AppList: AppListRoute => AppList as "app_list_route",
    /// A space's pods.
    SpacePods: SpacePodsRoute => SpacePods as "space_pods_route",
    /// A space's events.
    SpaceEvents: SpaceEventsRoute => SpaceEvents as "space_events_route",
    /// A cluster's nodes.
    NodeList: NodeListRoute => NodeList as "node_list_route",
    /// The app wizard's six steps.
    AppWizard: AppWizardRoute => AppWizardPage as "app_wizard_route",
    /// Upgrade an app (shares the wizard's container editor).
    AppUpgrade: AppUpgradeRoute => AppUpgradePage as "app_upgrade_route",
    /// The Service form, to create one.
    ServiceCreate: ServiceCreateRoute => ServiceCreatePage as "service_create_route",
    /// The Service form, to edit one.
    ServiceEdit: ServiceEditRoute => ServiceEditPage as "service_edit_route",
    /// Create from YAML (its editor is a script of its own besides).
    CreateFromYaml: CreateFromYamlRoute => CreateFromYamlPage as "create_from_yaml_route",
    /// A container's terminal.
    Terminal: TerminalRoute => TerminalPage as "terminal_route",
    /// Live logs of a pod, an app or a Service.
    Logs: LogsRoute => LogsPage as "logs_route",
    /// An app's page (any Deployment or StatefulSet).
    AppDetail: AppDetailRoute => AppDetailPage as "app_detail_route",
    /// A Service's page.
    ServiceDetail: ServiceDetailRoute => ServiceDetailPage as "service_detail_route",
    /// A pod's page.
    Pod: PodRoute => PodPage as "pod_route",
    /// A node's page.
    Node: NodeRoute => NodePage as "node_route",
}

/// The lazy page a path shows; the shell preloads its part's files, and
/// the browser loads that part before the first hydration.
/// Must follow `root.rs`' routes (the unit tests below name every lazy
/// path; assets.test.mjs checks lazy pages' HTML for their preloads).
pub fn lazy_route_of(path: &str) -> Option<LazyPage> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let in_cluster = match segments.as_slice() {
        ["sign-in"] => return Some(LazyPage::SignIn),
        ["clusters"] => return Some(LazyPage::ClusterList),
        ["clusters", _, rest @ ..] | ["embed", "clusters", _, rest @ ..] => rest,
        _ => return None,
    };
    Some(match in_cluster {
        ["nodes"] => LazyPage::NodeList,
        ["nodes", _] => LazyPage::Node,
        ["spaces", _, "apps"] => LazyPage::AppList,
        ["spaces", _, "pods"] => LazyPage::SpacePods,
        ["spaces", _, "events"] => LazyPage::SpaceEvents,
        ["spaces", _, "new", "app"] => LazyPage::AppWizard,
        ["spaces", _, "new", "service"] => LazyPage::ServiceCreate,
        ["spaces", _, "new", "yaml"] => LazyPage::CreateFromYaml,
        ["spaces", _, "apps", _, "upgrade"] => LazyPage::AppUpgrade,
        ["spaces", _, "services", _, "edit"] => LazyPage::ServiceEdit,
        ["spaces", _, "apps", _] => LazyPage::AppDetail,
        ["spaces", _, "services", _] => LazyPage::ServiceDetail,
        ["spaces", _, "pods", _] => LazyPage::Pod,
        ["spaces", _, "pods", _, "terminal", _] => LazyPage::Terminal,
        ["spaces", _, "pods", _, "logs", _] | ["spaces", _, "apps" | "services", _, "logs"] => {
            LazyPage::Logs
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{LazyPage, lazy_route_of};

    fn part_of(path: &str) -> Option<&'static str> {
        lazy_route_of(path).map(LazyPage::part_name)
    }

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
            assert_eq!(part_of(&format!("{root}{path}")), route, "{path}");
            assert_eq!(
                part_of(&format!("/embed{root}{path}")),
                route,
                "/embed {path}"
            );
        }
    }

    #[test]
    fn pages_outside_a_space_name_their_lazy_route() {
        assert_eq!(part_of("/clusters/a/nodes/n1"), Some("node_route"));
        assert_eq!(part_of("/clusters/a/nodes"), Some("node_list_route"));
        assert_eq!(part_of("/clusters"), Some("cluster_list_route"));
        assert_eq!(part_of("/sign-in"), Some("sign_in_route"));
        // A cluster's first page only redirects; a space or cluster named
        // like a page is just a name.
        assert_eq!(part_of("/clusters/nodes"), None);
        assert_eq!(
            part_of("/clusters/a/spaces/new/apps/web"),
            Some("app_detail_route")
        );
        assert_eq!(part_of("/"), None);
    }
}
