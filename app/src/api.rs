//! Server functions: the browser's calls into Wharf's server.
//!
//! Each validates its input with the shared crate (the same rules the form
//! ran), then reaches the cluster only through [`crate::backend::Cluster`],
//! which the server's `k8s` module implements for the signed-in session.

use leptos::prelude::*;
use leptos::server_fn;
use leptos::server_fn::codec::{Json, JsonEncoding};
use serde::{Deserialize, Serialize};
use std::fmt;
use wharf_spec::access::Access;
use wharf_spec::app::{AppForm, UpgradeForm};
use wharf_spec::cluster::{ClusterChoice, ClusterSummary, NodeDetail, NodeRow, NodeUse};
use wharf_spec::live::{Source, View, Window};
use wharf_spec::service::{ServiceDraft, ServiceForm};
use wharf_spec::view::{
    AppDetail, AppRef, DocumentOutcome, PodBrief, PodDetail, ServiceDetail, ServiceRow,
    SpaceContents, SpaceSummary, UpgradeDraft, Usage, WorkloadId, WorkloadLabels, WorkloadRef,
};
use wharf_spec::{ApiError, FieldErrors};

#[cfg(feature = "ssr")]
use crate::backend::cluster;
#[cfg(feature = "ssr")]
use wharf_spec::space::{NewSpace, check_delete_confirmation};

/// [`ApiError`] as a server-function error (the orphan rule keeps the trait
/// impl off the shared crate's type).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppError(pub ApiError);

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError(ApiError::Transport {
            message: value.to_string(),
        })
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for AppError {}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        AppError(e)
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError(e.into())
    }
}

/// How a resource's value goes from the server's HTML to the browser: JSON,
/// as with Leptos' default codec, but decoded from bytes, as server
/// functions' answers are. serde_json's reader is a type parameter of every
/// decoder it instantiates: with one reader each type has one decoder in
/// the wasm, not one for the page's first value and one for later calls.
pub struct BytesJson;

impl<T: Serialize> leptos::server::codee::Encoder<T> for BytesJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server::codee::Decoder<T> for BytesJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A resource that carries its value with [`BytesJson`]; Wharf's pages make
/// theirs with [`resource`] (a blocking one with
/// `Loaded::new_with_options(…, true)`), not `Resource::new`.
pub type Loaded<T> = Resource<T, BytesJson>;

/// [`Resource::new`], with [`BytesJson`].
#[track_caller]
pub fn resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Loaded<T>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    T: Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// Where server functions are served (leptos' default prefix).
pub const SERVER_FN_PREFIX: &str = "/api/";

/// The header every server-function call from Wharf's pages carries, and
/// the server requires (with the value `1`). A cross-site page cannot send
/// a custom header without a CORS preflight, which Wharf never grants, and
/// a plain form cannot send one at all: a CSRF defence on top of the
/// `Origin` check and the `SameSite` cookie.
pub const CSRF_HEADER: &str = "x-wharf-csrf";

/// The browser's client for server functions: leptos' own `fetch` client,
/// plus [`CSRF_HEADER`].
pub struct WharfClient;

impl<E, I, O> server_fn::client::Client<E, I, O> for WharfClient
where
    E: FromServerFnError,
    I: FromServerFnError,
    O: FromServerFnError,
{
    type Request = server_fn::request::browser::BrowserRequest;
    type Response = server_fn::response::browser::BrowserResponse;

    fn send(
        request: Self::Request,
    ) -> impl std::future::Future<Output = Result<Self::Response, E>> + Send {
        request.headers().set(CSRF_HEADER, "1");
        // The page's cluster (see `paths`); none on the cluster list.
        if let Some(cluster) = crate::paths::current_cluster() {
            request
                .headers()
                .set(wharf_spec::cluster::CLUSTER_HEADER, &cluster);
        }
        <server_fn::client::browser::BrowserClient as server_fn::client::Client<E, I, O>>::send(
            request,
        )
    }

    #[allow(clippy::type_complexity)]
    fn open_websocket(
        path: &str,
    ) -> impl std::future::Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<server_fn::Bytes, server_fn::Bytes>> + Send + 'static,
                impl futures::Sink<server_fn::Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <server_fn::client::browser::BrowserClient as server_fn::client::Client<E, I, O>>::open_websocket(path)
    }

    fn spawn(future: impl std::future::Future<Output = ()> + Send + 'static) {
        <server_fn::client::browser::BrowserClient as server_fn::client::Client<E, I, O>>::spawn(
            future,
        )
    }
}

/// Ends a server function: an error answers with its own HTTP status
/// (422, 403, 404, …), not a blanket 500, so proxies, logs and scripted
/// clients see what happened. The body is the [`ApiError`] either way.
/// During server-side rendering the same functions run inside the page's
/// request: the page keeps its own status there (one forbidden part of a page
/// does not make the page forbidden).
#[cfg(feature = "ssr")]
fn respond<T>(result: Result<T, ApiError>) -> Result<T, AppError> {
    let is_server_fn_call = use_context::<http::request::Parts>()
        .is_some_and(|p| p.uri.path().starts_with(SERVER_FN_PREFIX));
    if let Err(e) = &result
        && is_server_fn_call
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        let status = http::StatusCode::from_u16(e.http_status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
    }
    result.map_err(AppError)
}

#[server(client = WharfClient, endpoint = "list_spaces")]
pub async fn list_spaces() -> Result<Vec<SpaceSummary>, AppError> {
    respond(async { cluster()?.list_spaces().await }.await)
}

#[server(client = WharfClient, endpoint = "create_space")]
pub async fn create_space(name: String, description: String) -> Result<SpaceSummary, AppError> {
    let space = NewSpace { name, description };
    respond(
        async {
            space.validate()?;
            cluster()?.create_space(&space).await
        }
        .await,
    )
}

#[server(client = WharfClient, endpoint = "space_contents")]
pub async fn get_space_contents(space: String) -> Result<SpaceContents, AppError> {
    respond(async { cluster()?.space_contents(&space).await }.await)
}

#[server(client = WharfClient, endpoint = "delete_space")]
pub async fn delete_space(space: String, confirm: String) -> Result<(), AppError> {
    respond(
        async {
            check_delete_confirmation(&space, &confirm)?;
            cluster()?.delete_space(&space).await
        }
        .await,
    )
}

#[server(client = WharfClient, endpoint = "list_services")]
pub async fn list_services(space: String) -> Result<Vec<ServiceRow>, AppError> {
    respond(async { cluster()?.list_services(&space).await }.await)
}

/// The first rows of a live list (the page's server render; the socket
/// `/ws/watch` carries everything after).
#[server(client = WharfClient, endpoint = "live_rows", input = Json)]
pub async fn live_rows(source: Source, view: View) -> Result<Window, AppError> {
    respond(async { cluster()?.first_rows(&source, &view).await }.await)
}

#[server(client = WharfClient, endpoint = "get_service")]
pub async fn get_service(space: String, name: String) -> Result<ServiceDetail, AppError> {
    respond(async { cluster()?.get_service(&space, &name).await }.await)
}

/// Creates a Service from the form (applied onto `base`, the YAML tab's
/// object, if the user wrote one), or with `check_only` has the apiserver
/// check it completely (`dryRun=All`) without storing anything.
#[server(client = WharfClient, endpoint = "create_service", input = Json)]
pub async fn create_service(
    space: String,
    form: ServiceForm,
    base: Option<String>,
    check_only: bool,
) -> Result<ServiceRow, AppError> {
    respond(
        async {
            form.validate(crate::components::node_port_range())?;
            cluster()?
                .create_service(&space, &form, base.as_deref(), check_only)
                .await
        }
        .await,
    )
}

/// A stored Service read into the form, to edit it.
#[server(client = WharfClient, endpoint = "service_draft")]
pub async fn get_service_draft(space: String, name: String) -> Result<ServiceDraft, AppError> {
    respond(async { cluster()?.service_draft(&space, &name).await }.await)
}

/// The YAML tab's text read back into the form (`name` when editing).
#[server(client = WharfClient, endpoint = "draft_from_yaml", input = Json)]
pub async fn draft_from_yaml(
    space: String,
    yaml: String,
    name: Option<String>,
) -> Result<ServiceDraft, AppError> {
    respond(
        async {
            cluster()?
                .draft_from_yaml(&space, &yaml, name.as_deref())
                .await
        }
        .await,
    )
}

/// What the form would create or apply, as YAML (the YAML tab; also the
/// right-hand side of "review changes").
#[server(client = WharfClient, endpoint = "preview_service", input = Json)]
pub async fn preview_service(
    space: String,
    form: ServiceForm,
    base: Option<String>,
) -> Result<String, AppError> {
    respond(
        async {
            cluster()?
                .preview_service(&space, &form, base.as_deref())
                .await
        }
        .await,
    )
}

/// Saves a Service edited with the form. `base` is the YAML the edit started
/// from and carries its resourceVersion: a concurrent change answers
/// Conflict; the browser then shows both and re-applies on the new base.
#[server(client = WharfClient, endpoint = "update_service", input = Json)]
pub async fn update_service(
    space: String,
    name: String,
    form: ServiceForm,
    base: String,
) -> Result<ServiceDetail, AppError> {
    respond(
        async {
            if form.name != name {
                return Err(FieldErrors::single(
                    wharf_spec::service::ServiceField::Name,
                    wharf_spec::Problem::NameCannotChange,
                )
                .into());
            }
            form.validate(crate::components::node_port_range())?;
            cluster()?.update_service(&space, &name, &form, &base).await
        }
        .await,
    )
}

/// The workloads Wharf made together with these Services (offered for
/// deletion with them).
#[server(client = WharfClient, endpoint = "service_companions", input = Json)]
pub async fn service_companions(
    space: String,
    names: Vec<String>,
) -> Result<Vec<WorkloadRef>, AppError> {
    respond(async { cluster()?.service_companions(&space, &names).await }.await)
}

/// Deletes the named Services and the chosen companion workloads; the answer
/// lists what could not be deleted and why (the rest is gone).
#[server(client = WharfClient, endpoint = "delete_services", input = Json)]
pub async fn delete_services(
    space: String,
    names: Vec<String>,
    workloads: Vec<WorkloadRef>,
) -> Result<Vec<(String, ApiError)>, AppError> {
    respond(async { cluster()?.delete_services(&space, &names, &workloads).await }.await)
}

#[server(client = WharfClient, endpoint = "workload_labels")]
pub async fn list_workload_labels(space: String) -> Result<Vec<WorkloadLabels>, AppError> {
    respond(async { cluster()?.workload_labels(&space).await }.await)
}

/// The pods a selector matches now (the form's live preview).
#[server(client = WharfClient, endpoint = "matching_pods", input = Json)]
pub async fn matching_pods(
    space: String,
    selector: Vec<(String, String)>,
) -> Result<Vec<PodBrief>, AppError> {
    respond(async { cluster()?.matching_pods(&space, &selector).await }.await)
}

/// Creates every Service in a pasted or uploaded YAML (one or more documents).
#[server(client = WharfClient, endpoint = "create_services_yaml", input = Json)]
pub async fn create_services_yaml(
    space: String,
    yaml: String,
) -> Result<Vec<DocumentOutcome>, AppError> {
    respond(async { cluster()?.create_services_from_yaml(&space, &yaml).await }.await)
}

/// Saves an edited Service YAML. It carries the resourceVersion it was read
/// at, so a concurrent change answers Conflict instead of being overwritten;
/// `on_top_of` re-applies the edit on a newer version the user has seen.
#[server(client = WharfClient, endpoint = "update_service_yaml", input = Json)]
pub async fn update_service_yaml(
    space: String,
    name: String,
    yaml: String,
    on_top_of: Option<String>,
) -> Result<ServiceDetail, AppError> {
    respond(
        async {
            cluster()?
                .update_service_yaml(&space, &name, &yaml, on_top_of)
                .await
        }
        .await,
    )
}

/// Creates an app (workload + Service) from the wizard, atomically; with
/// `check_only` the apiserver checks both objects (`dryRun=All`).
#[server(client = WharfClient, endpoint = "create_app", input = Json)]
pub async fn create_app(space: String, form: AppForm, check_only: bool) -> Result<(), AppError> {
    respond(
        async {
            form.validate(crate::components::node_port_range())?;
            cluster()?.create_app(&space, &form, check_only).await
        }
        .await,
    )
}

/// The wizard's summary YAML, edited by the user, created as written (or
/// only checked, with `check_only`); answers the app's name.
#[server(client = WharfClient, endpoint = "create_app_yaml", input = Json)]
pub async fn create_app_yaml(
    space: String,
    yaml: String,
    check_only: bool,
) -> Result<String, AppError> {
    respond(
        async {
            cluster()?
                .create_app_from_yaml(&space, &yaml, check_only)
                .await
        }
        .await,
    )
}

/// The wizard's summary: both objects as YAML.
#[server(client = WharfClient, endpoint = "preview_app", input = Json)]
pub async fn preview_app(space: String, form: AppForm) -> Result<String, AppError> {
    respond(
        async {
            form.validate(crate::components::node_port_range())?;
            cluster()?.preview_app(&space, &form).await
        }
        .await,
    )
}

/// What the user may do in `space` (see [`wharf_spec::access`]).
#[server(client = WharfClient, endpoint = "access")]
pub async fn get_access(space: String) -> Result<Access, AppError> {
    respond(async { cluster()?.access(&space).await }.await)
}

/// Who is signed in (None in local mode: the operator's kubeconfig).
#[server(client = WharfClient, endpoint = "current_user")]
pub async fn current_user() -> Result<Option<String>, AppError> {
    Ok(crate::backend::current_user())
}

#[server(client = WharfClient, endpoint = "pod_detail")]
pub async fn get_pod(space: String, pod: String) -> Result<PodDetail, AppError> {
    respond(async { cluster()?.pod_detail(&space, &pod).await }.await)
}

/// CPU and memory of the pods a live list shows (name, node).
#[server(client = WharfClient, endpoint = "pods_usage", input = Json)]
pub async fn pods_usage(
    space: String,
    pods: Vec<(String, String)>,
) -> Result<Vec<(String, Usage)>, AppError> {
    respond(async { cluster()?.pods_usage(&space, &pods).await }.await)
}

#[server(client = WharfClient, endpoint = "app_detail")]
pub async fn get_app(space: String, name: String) -> Result<AppDetail, AppError> {
    respond(async { cluster()?.app_detail(&space, &name).await }.await)
}

#[server(client = WharfClient, endpoint = "upgrade_draft")]
pub async fn get_upgrade_draft(space: String, name: String) -> Result<UpgradeDraft, AppError> {
    respond(async { cluster()?.upgrade_draft(&space, &name).await }.await)
}

/// 升级服务 with the form filled from the workload's spec `generation`.
#[server(client = WharfClient, endpoint = "upgrade_app", input = Json)]
pub async fn upgrade_app(
    space: String,
    app: AppRef,
    form: UpgradeForm,
    generation: i64,
) -> Result<(), AppError> {
    respond(
        async {
            form.validate()?;
            cluster()?
                .upgrade_app(&space, &app, &form, generation)
                .await
        }
        .await,
    )
}

/// What the lifecycle buttons do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppAction {
    Scale(i32),
    Stop,
    Start,
    Restart,
    /// To a revision, or (None) to what ran before the upgrade.
    Rollback(Option<i64>),
    ConfirmUpgrade,
}

#[server(client = WharfClient, endpoint = "app_action", input = Json)]
pub async fn run_app_action(space: String, app: AppRef, action: AppAction) -> Result<(), AppError> {
    respond(
        async {
            let cluster = cluster()?;
            match action {
                AppAction::Scale(n) => cluster.scale_app(&space, &app, n).await,
                AppAction::Stop => cluster.stop_app(&space, &app).await,
                AppAction::Start => cluster.start_app(&space, &app).await,
                AppAction::Restart => cluster.restart_workload(&space, &app.into()).await,
                AppAction::Rollback(revision) => cluster.rollback_app(&space, &app, revision).await,
                AppAction::ConfirmUpgrade => cluster.confirm_upgrade(&space, &app).await,
            }
        }
        .await,
    )
}

/// A rolling restart of any restartable workload (the list's DaemonSets;
/// apps restart through [`run_app_action`] too).
#[server(client = WharfClient, endpoint = "restart_workload", input = Json)]
pub async fn restart_workload(space: String, workload: WorkloadId) -> Result<(), AppError> {
    respond(async { cluster()?.restart_workload(&space, &workload).await }.await)
}

/// Deletes workloads (and the Service of each of Wharf's apps; a
/// StatefulSet's volume claims when `with_volumes`); the answer lists what
/// could not be deleted and why.
#[server(client = WharfClient, endpoint = "delete_apps", input = Json)]
pub async fn delete_apps(
    space: String,
    workloads: Vec<WorkloadId>,
    with_volumes: bool,
) -> Result<Vec<(String, ApiError)>, AppError> {
    respond(
        async {
            cluster()?
                .delete_apps(&space, &workloads, with_volumes)
                .await
        }
        .await,
    )
}

// ------------------------------------------------------------- clusters

/// Every cluster Wharf serves, with whether this browser is signed in to
/// each (the cluster list, the switcher, the sign-in page). Their addresses
/// only for a browser signed in to one of them.
#[server(client = WharfClient, endpoint = "list_clusters")]
pub async fn list_clusters() -> Result<Vec<ClusterChoice>, AppError> {
    respond(
        async {
            let (directory, request) = crate::backend::directory()?;
            Ok(directory.clusters(&request))
        }
        .await,
    )
}

/// One row of the cluster list, read from that cluster.
#[server(client = WharfClient, endpoint = "cluster_summary")]
pub async fn get_cluster_summary(name: String) -> Result<ClusterSummary, AppError> {
    respond(
        async {
            let (directory, request) = crate::backend::directory()?;
            directory.summary(&request, &name).await
        }
        .await,
    )
}

#[server(client = WharfClient, endpoint = "list_nodes")]
pub async fn list_nodes() -> Result<Vec<NodeRow>, AppError> {
    respond(async { cluster()?.list_nodes().await }.await)
}

#[server(client = WharfClient, endpoint = "nodes_use")]
pub async fn nodes_use() -> Result<Vec<NodeUse>, AppError> {
    respond(async { cluster()?.nodes_use().await }.await)
}

#[server(client = WharfClient, endpoint = "node_detail")]
pub async fn get_node(name: String) -> Result<NodeDetail, AppError> {
    respond(async { cluster()?.node_detail(&name).await }.await)
}
