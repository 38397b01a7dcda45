//! `/metrics`: what this replica is doing, in Prometheus' text format
//! (`prometheus-client`). Labels are route templates, verbs, resource
//! kinds, status codes and fixed words: never a user, a token, a space or
//! an object's name.

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;
use http::{Method, Uri, header};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
    pub method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KubeLabels {
    pub verb: &'static str,
    pub resource: String,
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KubeCallLabels {
    pub verb: &'static str,
    pub resource: String,
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum SocketKind {
    Terminal,
    Logs,
    Watch,
}

impl SocketKind {
    fn label(self) -> &'static str {
        match self {
            SocketKind::Terminal => "terminal",
            SocketKind::Logs => "logs",
            SocketKind::Watch => "watch",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SocketLabels {
    pub kind: &'static str,
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum SignInOutcome {
    Accepted,
    Refused,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SignInLabels {
    pub outcome: &'static str,
}

type Latencies<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency() -> Histogram {
    // 5 ms … 20 s.
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<HttpLabels, Counter>,
    pub http_seconds: Latencies<RouteLabels>,
    pub kube_requests: Family<KubeLabels, Counter>,
    pub kube_seconds: Latencies<KubeCallLabels>,
    pub open_sockets: Family<SocketLabels, Gauge>,
    pub sessions: Gauge,
    pub sign_ins: Family<SignInLabels, Counter>,
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("wharf");
        let metrics = Self {
            registry: Registry::default(),
            http_requests: Family::default(),
            http_seconds: Family::new_with_constructor(latency),
            kube_requests: Family::default(),
            kube_seconds: Family::new_with_constructor(latency),
            open_sockets: Family::default(),
            sessions: Gauge::default(),
            sign_ins: Family::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            metrics.http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (to the response head)",
            metrics.http_seconds.clone(),
        );
        registry.register(
            "kube_requests",
            "Calls to the Kubernetes API, by verb, resource and status",
            metrics.kube_requests.clone(),
        );
        registry.register(
            "kube_request_duration_seconds",
            "Time to the Kubernetes API's response head",
            metrics.kube_seconds.clone(),
        );
        registry.register(
            "open_sockets",
            "Websockets open now: terminals, log streams, live lists",
            metrics.open_sockets.clone(),
        );
        registry.register(
            "sessions",
            "Signed-in sessions this replica has served and holds a client for",
            metrics.sessions.clone(),
        );
        registry.register(
            "sign_ins",
            "Sign-ins, accepted or refused",
            metrics.sign_ins.clone(),
        );
        Self {
            registry,
            ..metrics
        }
    }

    pub fn sign_in(&self, outcome: SignInOutcome) {
        let outcome = match outcome {
            SignInOutcome::Accepted => "accepted",
            SignInOutcome::Refused => "refused",
        };
        self.sign_ins.get_or_create(&SignInLabels { outcome }).inc();
    }
}

/// This process's metrics.
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

/// `GET /metrics`.
pub async fn serve() -> Response {
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &metrics().registry).is_err() {
        return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// Counts a socket as open while it lives.
pub struct OpenSocket(SocketKind);

impl OpenSocket {
    pub fn new(kind: SocketKind) -> Self {
        metrics()
            .open_sockets
            .get_or_create(&SocketLabels { kind: kind.label() })
            .inc();
        Self(kind)
    }
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        metrics()
            .open_sockets
            .get_or_create(&SocketLabels {
                kind: self.0.label(),
            })
            .dec();
    }
}

/// The route label of a request: its route template (`/api/{fn}` as the
/// router matched it), else the static files' prefix, else "other" (a
/// path of the request itself could hold anything).
fn route_of(request: &Request<Body>) -> String {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return matched.as_str().to_owned();
    }
    let path = request.uri().path();
    if path.starts_with("/pkg/") {
        "/pkg/*".into()
    } else {
        "other".into()
    }
}

/// The HTTP middleware: counts and times every request.
pub async fn observe_http(request: Request<Body>, next: Next) -> Response {
    let route = route_of(&request);
    let method = request.method().as_str().to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    let m = metrics();
    m.http_requests
        .get_or_create(&HttpLabels {
            route: route.clone(),
            method: method.clone(),
            status: response.status().as_u16(),
        })
        .inc();
    m.http_seconds
        .get_or_create(&RouteLabels { route, method })
        .observe(start.elapsed().as_secs_f64());
    response
}

/// The resources Wharf calls, as labels; any other is "other".
const RESOURCES: &[&str] = &[
    "namespaces",
    "pods",
    "services",
    "endpoints",
    "events",
    "deployments",
    "statefulsets",
    "daemonsets",
    "jobs",
    "replicasets",
    "controllerrevisions",
    "configmaps",
    "secrets",
    "persistentvolumeclaims",
    "nodes",
    "selfsubjectaccessreviews",
    "selfsubjectrulesreviews",
    "selfsubjectreviews",
];
const SUBRESOURCES: &[&str] = &["exec", "log", "status", "scale", "proxy", "attach"];

/// A Kubernetes API call's verb and resource (`pods/exec`), from its
/// method and path alone.
pub fn kube_call(method: &Method, uri: &Uri) -> (&'static str, String) {
    let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let rest = match segments.first() {
        Some(&"api") => segments.get(2..),
        Some(&"apis") => segments.get(3..),
        Some(&"version") => return ("get", "version".into()),
        _ => return (simple_verb(method), "other".into()),
    }
    .unwrap_or_default();
    let rest = match rest {
        ["namespaces", _, tail @ ..] if !tail.is_empty() => tail,
        all => all,
    };
    let known = |word: &str, list: &[&str]| {
        list.iter()
            .find(|k| **k == word)
            .map(|k| (*k).to_owned())
            .unwrap_or_else(|| "other".into())
    };
    let resource = match rest {
        [] => "other".to_owned(),
        [kind] | [kind, _] => known(kind, RESOURCES),
        [kind, _, sub, ..] => format!("{}/{}", known(kind, RESOURCES), known(sub, SUBRESOURCES)),
    };
    let named = rest.len() >= 2;
    let watching = uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"));
    let verb = match *method {
        Method::GET if watching => "watch",
        Method::GET if named => "get",
        Method::GET => "list",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if named => "delete",
        Method::DELETE => "deletecollection",
        _ => "other",
    };
    (verb, resource)
}

fn simple_verb(method: &Method) -> &'static str {
    match *method {
        Method::GET => "get",
        Method::POST => "create",
        _ => "other",
    }
}

/// The layer every kube client gets (`k8s::connect::client_from`): counts
/// and times its calls.
#[derive(Clone, Copy, Default)]
pub struct KubeCallsLayer;

impl<S> tower::Layer<S> for KubeCallsLayer {
    type Service = KubeCalls<S>;
    fn layer(&self, inner: S) -> Self::Service {
        KubeCalls(inner)
    }
}

#[derive(Clone)]
pub struct KubeCalls<S>(S);

impl<S, B, R> tower::Service<http::Request<B>> for KubeCalls<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let (verb, resource) = kube_call(request.method(), request.uri());
        let start = Instant::now();
        let future = self.0.call(request);
        Box::pin(async move {
            let result = future.await;
            let status = match &result {
                Ok(response) => response.status().as_u16().to_string(),
                Err(_) => "error".to_owned(),
            };
            let m = metrics();
            m.kube_seconds
                .get_or_create(&KubeCallLabels {
                    verb,
                    resource: resource.clone(),
                })
                .observe(start.elapsed().as_secs_f64());
            m.kube_requests
                .get_or_create(&KubeLabels {
                    verb,
                    resource,
                    status,
                })
                .inc();
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(method: Method, uri: &str) -> (&'static str, String) {
        kube_call(&method, &uri.parse().unwrap())
    }

    #[test]
    fn kube_calls_are_labelled_by_verb_and_resource_only() {
        assert_eq!(
            call(Method::GET, "/api/v1/namespaces/dev/pods?limit=500"),
            ("list", "pods".into())
        );
        assert_eq!(
            call(
                Method::GET,
                "/api/v1/namespaces/dev/pods?watch=true&resourceVersion=5"
            ),
            ("watch", "pods".into())
        );
        assert_eq!(
            call(
                Method::GET,
                "/api/v1/namespaces/dev/pods/web-1/exec?command=sh"
            ),
            ("get", "pods/exec".into())
        );
        assert_eq!(
            call(Method::PUT, "/apis/apps/v1/namespaces/dev/deployments/web"),
            ("update", "deployments".into())
        );
        assert_eq!(
            call(Method::GET, "/api/v1/namespaces/dev"),
            ("get", "namespaces".into())
        );
        assert_eq!(
            call(Method::GET, "/api/v1/namespaces"),
            ("list", "namespaces".into())
        );
        assert_eq!(
            call(
                Method::DELETE,
                "/api/v1/namespaces/dev/services/my-secret-name"
            ),
            ("delete", "services".into())
        );
        assert_eq!(
            call(
                Method::POST,
                "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"
            ),
            ("create", "selfsubjectrulesreviews".into())
        );
        assert_eq!(call(Method::GET, "/version"), ("get", "version".into()));
        // Nothing of the path but known words reaches a label.
        assert_eq!(
            call(
                Method::GET,
                "/apis/x.example/v1/namespaces/dev/whatevers/secret-name/sub"
            ),
            ("get", "other/other".into())
        );
        assert_eq!(call(Method::GET, "/some/thing"), ("get", "other".into()));
    }

    #[test]
    fn the_text_format_has_the_families() {
        metrics().sign_in(SignInOutcome::Refused);
        let _open = OpenSocket::new(SocketKind::Terminal);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &metrics().registry).unwrap();
        assert!(
            text.contains("wharf_sign_ins_total{outcome=\"refused\"}"),
            "{text}"
        );
        assert!(
            text.contains("wharf_open_sockets{kind=\"terminal\"} 1"),
            "{text}"
        );
    }
}
