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
use wharf_spec::access::Access;
use wharf_spec::app::{AppForm, UpgradeForm};
use wharf_spec::cluster::{ClusterChoice, ClusterSummary, NodeDetail, NodeRow, NodeUse};
use wharf_spec::live::{Source, View, Window};
use wharf_spec::service::{ServiceDraft, ServiceForm};
use wharf_spec::space::NewSpace;
use wharf_spec::view::{
    AppDetail, AppRef, DocumentOutcome, PodBrief, PodDetail, ServiceDetail, ServiceRow,
    SpaceContents, SpaceSummary, UpgradeDraft, Usage, WorkloadId, WorkloadLabels, WorkloadRef,
};

/// The response header by which a page hands the nonce of its inline
/// scripts (leptos' hydration script) to the server's security-headers
/// layer, which builds the `Content-Security-Policy` with it and removes
/// this header: it never reaches the browser.
pub const SCRIPT_NONCE_HEADER: &str = "x-wharf-script-nonce";

/// Hands this render's script nonce to the server (see
/// [`SCRIPT_NONCE_HEADER`]).
pub fn announce_script_nonce() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&nonce.to_string()) {
        response.insert_header(http::HeaderName::from_static(SCRIPT_NONCE_HEADER), value);
    }
}

/// The file of the wasm parts a lazily loaded page needs (`lazy`: its
/// route's part name, `pages::lazy::lazy_route_of`): the build's
/// `bundle_<manifest key>.bin`, found in the split's manifest read once.
/// The shell names it as `<link rel=preload>`, so that the browser fetches
/// it beside the main wasm, not after it.
/// (Leptos has its own preloads for this, but it looks for the manifest
/// under `site_pkg_dir`, our versioned URL folder, which is not on disk;
/// given the manifest by context, its preloads were missing in about half
/// of the renders of Leptos 0.8.23.)
pub fn lazy_bundle(options: &leptos::prelude::LeptosOptions, lazy: &str) -> Option<String> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static MANIFEST: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let manifest = MANIFEST.get_or_init(|| {
        let path = std::path::Path::new(options.site_root.as_ref())
            .join("pkg")
            .join("__wasm_split_manifest.json");
        std::fs::read_to_string(path)
            .ok()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    });
    // Keys are `__<name>_view_<hash of the #[lazy] call site>`.
    let prefix = format!("__{lazy}_view_");
    // The loader takes the parts from it.
    manifest
        .keys()
        .find(|key| key.starts_with(&prefix))
        .map(|key| format!("bundle_{key}.bin"))
}

/// The origins allowed to embed Wharf (`--embed-origin`): the page reports
/// its state to these with `postMessage` (and to no one else).
#[derive(Clone, Debug, Default)]
pub struct EmbedOrigins(pub Vec<String>);

/// The cluster as one signed-in user sees it.
#[async_trait]
pub trait Cluster: Apps + Pods + Nodes + Send + Sync {
    /// What the user may do in `space`, for the pages to disable what is
    /// not allowed (the cluster still decides every call).
    async fn access(&self, space: &str) -> Result<Access, ApiError>;
    async fn list_spaces(&self) -> Result<Vec<SpaceSummary>, ApiError>;
    /// Creates the namespace with its description. `space` is validated.
    async fn create_space(&self, space: &NewSpace) -> Result<SpaceSummary, ApiError>;
    async fn space_contents(&self, space: &str) -> Result<SpaceContents, ApiError>;
    /// Starts the namespace's deletion (it then shows as terminating).
    async fn delete_space(&self, space: &str) -> Result<(), ApiError>;
    async fn list_services(&self, space: &str) -> Result<Vec<ServiceRow>, ApiError>;
    /// The first window of a live list, for the page rendered on the server
    /// (the browser's socket carries the rest). Starts the list's watch.
    async fn first_rows(&self, source: &Source, view: &View) -> Result<Window, ApiError>;
    async fn get_service(&self, space: &str, name: &str) -> Result<ServiceDetail, ApiError>;
    /// Creates the Service the (validated) form describes, applied onto
    /// `base` (YAML from the form's YAML tab) if given; with `dry_run` the
    /// apiserver checks it completely and stores nothing.
    async fn create_service(
        &self,
        space: &str,
        form: &ServiceForm,
        base: Option<&str>,
        dry_run: bool,
    ) -> Result<ServiceRow, ApiError>;
    /// A stored Service as a draft for the form (base = its YAML, with the
    /// resourceVersion the edit starts from).
    async fn service_draft(&self, space: &str, name: &str) -> Result<ServiceDraft, ApiError>;
    /// A YAML written in the form's YAML tab, read back into the form. With
    /// `name` (editing) the YAML must keep that name.
    async fn draft_from_yaml(
        &self,
        space: &str,
        yaml: &str,
        name: Option<&str>,
    ) -> Result<ServiceDraft, ApiError>;
    /// The YAML of what the form would create or apply (its YAML tab).
    async fn preview_service(
        &self,
        space: &str,
        form: &ServiceForm,
        base: Option<&str>,
    ) -> Result<String, ApiError>;
    /// Replaces Service `name` with the form applied onto `base` (the YAML it
    /// was read as, carrying its resourceVersion): a concurrent change
    /// answers Conflict, never overwritten.
    async fn update_service(
        &self,
        space: &str,
        name: &str,
        form: &ServiceForm,
        base: &str,
    ) -> Result<ServiceDetail, ApiError>;
    /// The workloads Wharf made together with these Services.
    async fn service_companions(
        &self,
        space: &str,
        names: &[String],
    ) -> Result<Vec<WorkloadRef>, ApiError>;
    /// Deletes Services and the chosen companion workloads; returns what it
    /// could not delete (`kind/name` for workloads), with why.
    async fn delete_services(
        &self,
        space: &str,
        names: &[String],
        workloads: &[WorkloadRef],
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

/// Pods (the terminal and log streams are websockets, outside server functions).
#[async_trait]
pub trait Pods: Send + Sync {
    /// The pod page: its row (with CPU/memory where readable), containers,
    /// events newest first, and its YAML.
    async fn pod_detail(&self, space: &str, pod: &str) -> Result<PodDetail, ApiError>;
    /// CPU and memory of these pods (name, node), where the kubelets say
    /// (a live list's rows in view: the list itself carries no usage).
    async fn pods_usage(
        &self,
        space: &str,
        pods: &[(String, String)],
    ) -> Result<Vec<(String, Usage)>, ApiError>;
}

/// Apps: a workload (Deployment/StatefulSet) and its Service, as one.
/// The cluster's nodes (cluster-wide: no space).
#[async_trait]
pub trait Nodes: Send + Sync {
    /// Every node, as the nodes list shows it.
    async fn list_nodes(&self) -> Result<Vec<NodeRow>, ApiError>;
    /// Each node's CPU and memory in use (its kubelet's summary) and its
    /// pods (of every space): slower than the rows, so read after them.
    async fn nodes_use(&self) -> Result<Vec<NodeUse>, ApiError>;
    /// The node page.
    async fn node_detail(&self, name: &str) -> Result<NodeDetail, ApiError>;
}

#[async_trait]
pub trait Apps: Send + Sync {
    /// Creates the workload, then the Service; if the Service fails the
    /// workload is deleted again, so nothing is half-created (the error
    /// says so if even that failed). With `dry_run` nothing is stored.
    async fn create_app(&self, space: &str, form: &AppForm, dry_run: bool) -> Result<(), ApiError>;
    /// The wizard's summary as the user edited it: one Deployment or
    /// StatefulSet and its Service (same name), created like `create_app`
    /// (atomically); returns the app's name.
    async fn create_app_from_yaml(
        &self,
        space: &str,
        yaml: &str,
        dry_run: bool,
    ) -> Result<String, ApiError>;
    /// The workload and the Service the (validated) form makes, as YAML
    /// (the wizard's summary step).
    async fn preview_app(&self, space: &str, form: &AppForm) -> Result<String, ApiError>;
    async fn scale_app(&self, space: &str, app: &AppRef, replicas: i32) -> Result<(), ApiError>;
    /// One app with its revisions and the selector of its pods.
    async fn app_detail(&self, space: &str, name: &str) -> Result<AppDetail, ApiError>;
    /// The upgrade form filled from the app's workload.
    async fn upgrade_draft(&self, space: &str, name: &str) -> Result<UpgradeDraft, ApiError>;
    /// 升级服务: applies the (validated) form onto the workload whose spec
    /// was at `generation` when the form was filled (Conflict if the spec
    /// changed since) and marks the app upgraded, remembering what ran before.
    async fn upgrade_app(
        &self,
        space: &str,
        app: &AppRef,
        form: &UpgradeForm,
        generation: i64,
    ) -> Result<(), ApiError>;
    /// 回滚服务: back to `revision`, or (None) to what ran before the upgrade,
    /// replica count included; clears the upgraded state.
    async fn rollback_app(
        &self,
        space: &str,
        app: &AppRef,
        revision: Option<i64>,
    ) -> Result<(), ApiError>;
    /// 确认升级完成: clears the upgraded state (the revisions stay).
    async fn confirm_upgrade(&self, space: &str, app: &AppRef) -> Result<(), ApiError>;
    /// Scales to 0, remembering the count in an annotation.
    async fn stop_app(&self, space: &str, app: &AppRef) -> Result<(), ApiError>;
    /// Restores the count "stop" remembered.
    async fn start_app(&self, space: &str, app: &AppRef) -> Result<(), ApiError>;
    /// A rolling restart (new pods, one template annotation changed) of a
    /// Deployment, StatefulSet or DaemonSet.
    async fn restart_workload(&self, space: &str, workload: &WorkloadId) -> Result<(), ApiError>;
    /// Deletes each workload, the Service of each of Wharf's apps (and a
    /// StatefulSet's volume claims if asked); returns what could not be
    /// deleted, with why.
    async fn delete_apps(
        &self,
        space: &str,
        workloads: &[WorkloadId],
        with_volumes: bool,
    ) -> Result<Vec<(String, ApiError)>, ApiError>;
}

/// Finds the session of a request and its cluster client.
pub trait Sessions: Send + Sync {
    fn cluster_for(&self, request: &http::request::Parts) -> Result<Arc<dyn Cluster>, ApiError>;

    /// Who is signed in (multi-user mode); None in local mode.
    fn user(&self, _request: &http::request::Parts) -> Option<String> {
        None
    }
}

/// The clusters Wharf serves, for the cluster list and the switcher.
#[async_trait]
pub trait ClusterDirectory: Send + Sync {
    /// Every cluster, with whether this request is signed in to it.
    fn clusters(&self, request: &http::request::Parts) -> Vec<ClusterChoice>;

    /// One cluster's row of the list, read from it with this request's
    /// session of that cluster (its version only without one).
    async fn summary(
        &self,
        request: &http::request::Parts,
        name: &str,
    ) -> Result<ClusterSummary, ApiError>;
}

/// The context value that gives server functions the cluster directory.
#[derive(Clone)]
pub struct DirectoryContext(pub Arc<dyn ClusterDirectory>);

/// The cluster directory and the current request.
pub fn directory() -> Result<(Arc<dyn ClusterDirectory>, http::request::Parts), ApiError> {
    let missing = |what: &str| ApiError::Internal {
        message: format!("{what} not provided to the request"),
    };
    let parts = use_context::<http::request::Parts>().ok_or_else(|| missing("request"))?;
    let directory = use_context::<DirectoryContext>().ok_or_else(|| missing("clusters"))?;
    Ok((directory.0, parts))
}

/// The signed-in user of the current request, if any.
pub fn current_user() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let sessions = use_context::<SessionsContext>()?;
    sessions.0.user(&parts)
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
