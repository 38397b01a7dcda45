//! Where the page's cluster is: in its path (`/clusters/<name>/…`), which
//! every link, server function call and socket of the page carries on.
//!
//! The cluster is read from the document's location (in the browser) or the
//! request (on the server), not from a route parameter, so that event
//! handlers and sockets outside any route can use it too. That holds
//! because a page never changes cluster without a full load: links to
//! another cluster are `rel="external"` (see [`other_cluster`]).

use wharf_spec::cluster::{cluster_in_path, cluster_path};

/// The path of the current document or request.
fn current_path() -> String {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .location()
            .pathname()
            .unwrap_or_default()
    }
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .map(|p| p.uri.path().to_string())
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        String::new()
    }
}

/// The page's cluster; None on pages of no one cluster (the cluster list,
/// sign-in).
pub fn current_cluster() -> Option<String> {
    cluster_in_path(&current_path()).map(str::to_string)
}

/// `/clusters/<name>` of the page's cluster, or "" (the default cluster's
/// old paths, which the server sends to it).
pub fn cluster_root() -> String {
    current_cluster()
        .map(|c| cluster_path(&c, ""))
        .unwrap_or_default()
}

/// A path of the page's cluster: `at("/spaces/dev/pods")` is
/// `/clusters/<name>/spaces/dev/pods`.
pub fn at(path: &str) -> String {
    format!("{}{path}", cluster_root())
}

/// The first page of another cluster (a full load: see the module's note).
pub fn other_cluster(name: &str) -> String {
    cluster_path(name, "")
}
