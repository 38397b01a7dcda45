//! Wharf's server: configuration, the axum router (SSR + server functions +
//! static files), and [`k8s`], the one module that calls the Kubernetes API.

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
pub mod shutdown;
pub mod sockets;
