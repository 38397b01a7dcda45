//! Wharf's server: configuration, the axum router (SSR + server functions +
//! static files), and [`k8s`], the one module that calls the Kubernetes API.
// The lazy pages' views (wharf-app's `pages/lazy.rs`) are laid out here,
// where the server renders them: the wizard's view type is deeper than
// rustc's default query depth in a non-incremental build (CI's).
#![recursion_limit = "256"]

pub mod assets;
pub mod auth;
pub mod clusters;
pub mod config;
pub mod k8s;
pub mod live_socket;
pub mod metrics;
pub mod origins;
pub mod router;
pub mod seal;
pub mod sessions;
pub mod shutdown;
pub mod sockets;
