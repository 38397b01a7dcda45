//! The server side's seam (feature `ssr` only): what server functions need
//! from the cluster, declared here and implemented by the server's `k8s`
//! module, the one place that calls the Kubernetes API.
//!
//! The server provides a [`SessionsContext`] to every request; a server
//! function asks it for the [`Cluster`] of the request's session, so every
//! call runs with that session's own credentials.

use async_trait::async_trait;
use leptos::prelude::use_context;
use std::sync::Arc;
use wharf_spec::ApiError;
use wharf_spec::service::ServiceForm;
use wharf_spec::space::NewSpace;
use wharf_spec::view::{
    DocumentOutcome, PodBrief, ServiceDetail, ServiceRow, SpaceContents, SpaceSummary,
    WorkloadLabels,
};

/// The cluster as one signed-in user sees it.
#[async_trait]
pub trait Cluster: Send + Sync {
    async fn list_spaces(&self) -> Result<Vec<SpaceSummary>, ApiError>;
    /// Creates the namespace with its description. `space` is validated.
    async fn create_space(&self, space: &NewSpace) -> Result<SpaceSummary, ApiError>;
    async fn space_contents(&self, space: &str) -> Result<SpaceContents, ApiError>;
    /// Starts the namespace's deletion (it then shows as terminating).
    async fn delete_space(&self, space: &str) -> Result<(), ApiError>;
    async fn list_services(&self, space: &str) -> Result<Vec<ServiceRow>, ApiError>;
    async fn get_service(&self, space: &str, name: &str) -> Result<ServiceDetail, ApiError>;
    /// Creates the Service the (validated) form describes; with `dry_run`
    /// the apiserver checks it completely and stores nothing.
    async fn create_service(
        &self,
        space: &str,
        form: &ServiceForm,
        dry_run: bool,
    ) -> Result<ServiceRow, ApiError>;
    /// Deletes Services; returns the names it could not delete, with why.
    async fn delete_services(
        &self,
        space: &str,
        names: &[String],
    ) -> Result<Vec<(String, ApiError)>, ApiError>;
    /// The pod-template labels of the space's Deployments and StatefulSets.
    async fn workload_labels(&self, space: &str) -> Result<Vec<WorkloadLabels>, ApiError>;
    /// The pods a label selector matches now.
    async fn matching_pods(
        &self,
        space: &str,
        selector: &[(String, String)],
    ) -> Result<Vec<PodBrief>, ApiError>;
    /// Creates every Service document of `yaml`; one outcome per document.
    async fn create_services_from_yaml(
        &self,
        space: &str,
        yaml: &str,
    ) -> Result<Vec<DocumentOutcome>, ApiError>;
    /// Replaces a Service with the edited YAML, which carries the
    /// resourceVersion it was read at (or `on_top_of`, to re-apply an edit on
    /// top of a newer version after a conflict).
    async fn update_service_yaml(
        &self,
        space: &str,
        name: &str,
        yaml: &str,
        on_top_of: Option<String>,
    ) -> Result<ServiceDetail, ApiError>;
}

/// Finds the session of a request and its cluster client.
pub trait Sessions: Send + Sync {
    fn cluster_for(&self, request: &http::request::Parts) -> Result<Arc<dyn Cluster>, ApiError>;
}

/// The context value the server provides to every request.
#[derive(Clone)]
pub struct SessionsContext(pub Arc<dyn Sessions>);

/// The cluster of the current request's session.
pub fn cluster() -> Result<Arc<dyn Cluster>, ApiError> {
    let missing = |what: &str| ApiError::Internal {
        message: format!("{what} not provided to the request"),
    };
    let parts = use_context::<http::request::Parts>().ok_or_else(|| missing("request"))?;
    let sessions = use_context::<SessionsContext>().ok_or_else(|| missing("sessions"))?;
    sessions.0.cluster_for(&parts)
}
