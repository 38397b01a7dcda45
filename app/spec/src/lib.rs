//! Wharf's shared crate: the rules and types that the browser and the server
//! must agree on.
//!
//! Everything here is pure (no I/O, no async) and compiles for
//! `wasm32-unknown-unknown`, so a field is checked by the same function while
//! the user types and again on the server before any call to Kubernetes.
//! It depends on neither leptos, tokio nor kube (an invariant checked in CI).

pub mod access;
pub mod ansi;
pub mod app;
pub mod cluster;
pub mod diff;
pub mod error;
pub mod field;
pub mod labels;
pub mod live;
pub mod names;
pub mod service;
pub mod space;
pub mod stream;
pub mod view;

#[cfg(feature = "k8s")]
pub mod convert;

pub use error::{ApiError, FieldError, FieldErrors, Problem};

/// Annotation keys Wharf writes. One domain, so they are easy to find and filter.
pub mod annotations {
    /// Free text shown under a space's or a service's name.
    pub const DESCRIPTION: &str = "wharf.io/description";
    /// A human-friendly display name (别名).
    pub const ALIAS: &str = "wharf.io/alias";
    /// On a stopped app's workload: the replica count "start" restores.
    pub const REPLICAS_BEFORE_STOP: &str = "wharf.io/replicas-before-stop";
    /// The pod-template annotation a rolling restart sets (as kubectl does).
    pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";
    /// On an upgraded, not yet confirmed app's workload: what "roll back"
    /// returns to ([`crate::app::UpgradeMark`] as JSON).
    pub const UPGRADED_FROM: &str = "wharf.io/upgraded-from";
    /// The revision number the Deployment controller writes on a Deployment
    /// and on each of its ReplicaSets.
    pub const DEPLOYMENT_REVISION: &str = "deployment.kubernetes.io/revision";
}

/// The recommended labels (`app.kubernetes.io/*`) Wharf puts on what it makes.
pub mod labels_wharf {
    pub const NAME: &str = "app.kubernetes.io/name";
    pub const VERSION: &str = "app.kubernetes.io/version";
    pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
    /// The value of [`MANAGED_BY`] on Wharf's objects.
    pub const WHARF: &str = "wharf";
}
