//! The router's own guards, driven with `oneshot` as in axum's `testing`
//! example, in front of fake sessions whose cluster answers nothing: what
//! is tested here is Wharf's HTTP (Host, Origin, CSRF, CSP, the cluster a
//! request names, sign-in first, old paths), never a feature that talks to
//! Kubernetes (the real-cluster tests are the proof of those). Fast: no
//! cluster, no socket.

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;
use wharf_app::backend::{Cluster, Sessions};
use wharf_server::clusters::{ClusterSet, ServedCluster};
use wharf_server::k8s::{ApiserverProbe, KubeCluster, client_at};
use wharf_server::router::{Settings, app_router};
use wharf_server::sessions::StreamSessions;
use wharf_spec::ApiError;

/// Sessions of a cluster that is never reached: signed in or not, as told.
struct FakeSessions {
    signed_in: bool,
}

impl Sessions for FakeSessions {
    fn cluster_for(&self, _: &http::request::Parts) -> Result<Arc<dyn Cluster>, ApiError> {
        Err(self.refusal())
    }
}

impl StreamSessions for FakeSessions {
    fn streams_for(&self, _: &http::request::Parts) -> Result<Arc<KubeCluster>, ApiError> {
        Err(self.refusal())
    }

    fn is_signed_in(&self, _: &http::request::Parts) -> bool {
        self.signed_in
    }
}

impl FakeSessions {
    fn refusal(&self) -> ApiError {
        if self.signed_in {
            ApiError::Unavailable {
                message: "the fake cluster answers nothing".into(),
            }
        } else {
            ApiError::Unauthenticated
        }
    }
}

const LISTEN: &str = "127.0.0.1:3000";
const OWN: &str = "http://127.0.0.1:3000";

/// Wharf's router in front of clusters `a` (signed in) and `b` (not).
fn router(names: &[&str]) -> axum::Router {
    let clusters = names
        .iter()
        .map(|name| ServedCluster {
            name: name.to_string(),
            context: name.to_string(),
            server: "https://127.0.0.1:1".into(),
            sessions: Arc::new(FakeSessions {
                signed_in: *name != "b",
            }),
            multi_user: None,
            probe: ApiserverProbe::Client(client_at("https://127.0.0.1:1").unwrap()),
        })
        .collect();
    let options = leptos::config::get_configuration(None)
        .expect("leptos options")
        .leptos_options;
    let mut settings = Settings::listening_on(LISTEN.parse::<SocketAddr>().unwrap());
    settings.embed_origins = vec!["https://portal.example.com".into()];
    app_router(options, Arc::new(ClusterSet::new(clusters)), settings)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn send(router: axum::Router, request: Request<Body>) -> Answer {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), 1 << 22).await.unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn get(path: &str) -> axum::http::request::Builder {
    Request::get(path).header(header::HOST, LISTEN)
}

fn call(name: &str) -> axum::http::request::Builder {
    Request::post(format!("/api/{name}"))
        .header(header::HOST, LISTEN)
        .header(header::ORIGIN, OWN)
        .header("x-wharf-csrf", "1")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

fn upgrade(path: &str, origin: &str) -> Request<Body> {
    get(path)
        .header(header::ORIGIN, origin)
        .header(header::UPGRADE, "websocket")
        .header(header::CONNECTION, "Upgrade")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .body(Body::empty())
        .unwrap()
}

fn location(answer: &Answer) -> &str {
    answer
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_foreign_host_is_refused_before_anything_else_but_the_probes() {
    for path in [
        "/clusters/a/spaces/dev/apps",
        "/api/list_spaces",
        "/clusters/a/ws/watch",
        "/sign-in",
    ] {
        let request = Request::get(path)
            .header(header::HOST, "evil.example:3000")
            .body(Body::empty())
            .unwrap();
        let answer = send(router(&["a"]), request).await;
        assert_eq!(answer.status, StatusCode::MISDIRECTED_REQUEST, "{path}");
        assert!(
            answer.body.contains("\"evil.example:3000\""),
            "{}",
            answer.body
        );
    }
    let probe = Request::get("/healthz")
        .header(header::HOST, "10.1.2.3:3000")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(router(&["a"]), probe).await.status, StatusCode::OK);
}

#[tokio::test]
async fn writes_need_wharfs_origin_and_server_functions_its_header() {
    // Without an Origin (a script, not a browser) the header still decides.
    let no_origin = Request::post("/api/list_spaces")
        .header(header::HOST, LISTEN)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(router(&["a"]), no_origin).await.status,
        StatusCode::FORBIDDEN
    );
    let foreign = Request::post("/api/list_spaces")
        .header(header::HOST, LISTEN)
        .header(header::ORIGIN, "http://evil.example")
        .header("x-wharf-csrf", "1")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(router(&["a"]), foreign).await.status,
        StatusCode::FORBIDDEN
    );
    // Two Origins (Wharf's and another): refused, whichever comes first.
    let two = call("list_spaces")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(router(&["a"]), two).await.status,
        StatusCode::FORBIDDEN
    );
    let no_header = Request::post("/api/list_spaces")
        .header(header::HOST, LISTEN)
        .header(header::ORIGIN, OWN)
        .body(Body::empty())
        .unwrap();
    let answer = send(router(&["a"]), no_header).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.body.contains("x-wharf-csrf"), "{}", answer.body);
    // Past the guards, the call is the (fake) cluster's: 503, as JSON.
    let answer = send(
        router(&["a"]),
        call("list_spaces").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    let error: ApiError = serde_json::from_str(&answer.body).expect("an ApiError");
    assert!(matches!(error, ApiError::Unavailable { .. }));
}

#[tokio::test]
async fn a_socket_needs_wharfs_origin() {
    let answer = send(
        router(&["a"]),
        upgrade("/clusters/a/ws/watch", "http://evil.example"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = send(router(&["a"]), upgrade("/ws/watch", "http://evil.example")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_carry_the_policy_with_their_nonce_and_the_embedding_origins() {
    let answer = send(router(&["a"]), get("/sign-in").body(Body::empty()).unwrap()).await;
    assert_eq!(answer.status, StatusCode::OK);
    let policy = answer.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        policy.contains("frame-ancestors 'self' https://portal.example.com"),
        "{policy}"
    );
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next());
    let nonce = nonce.expect("a script nonce");
    assert!(
        answer.body.contains(&format!("nonce=\"{nonce}\"")),
        "the page's script carries it"
    );
    assert!(
        !answer.headers.contains_key("x-wharf-script-nonce"),
        "the hand-over header stays inside"
    );
    assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(answer.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn old_paths_and_the_root_go_to_the_clusters() {
    let answer = send(
        router(&["a", "b"]),
        get("/spaces/dev/apps?q=x").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(location(&answer), "/clusters/a/spaces/dev/apps?q=x");
    let answer = send(
        router(&["a", "b"]),
        get("/embed/spaces/dev/services")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(location(&answer), "/embed/clusters/a/spaces/dev/services");
    let answer = send(router(&["a", "b"]), get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(
        location(&answer),
        "/clusters",
        "several clusters: their list"
    );
    let answer = send(router(&["a"]), get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(
        location(&answer),
        "/clusters/a",
        "one cluster: its first page"
    );
}

#[tokio::test]
async fn a_cluster_not_signed_in_to_is_refused_before_any_handler() {
    // A page of it: its own sign-in page, and back after.
    let answer = send(
        router(&["a", "b"]),
        get("/clusters/b/spaces/dev/apps")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&answer),
        "/sign-in?cluster=b&next=%2Fclusters%2Fb%2Fspaces%2Fdev%2Fapps"
    );
    // Its calls (whatever their arguments) and sockets: 401, the calls' as JSON.
    let answer = send(
        router(&["a", "b"]),
        call("delete_space")
            .header("x-wharf-cluster", "b")
            .body(Body::from("garbage"))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        serde_json::from_str::<ApiError>(&answer.body).unwrap(),
        ApiError::Unauthenticated
    );
    let answer = send(
        router(&["a", "b"]),
        upgrade("/clusters/b/ws/terminal?space=x&pod=y&container=z", OWN),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    // The directory's calls are anyone's (the sign-in page needs them).
    let answer = send(
        router(&["a", "b"]),
        call("list_clusters")
            .header("x-wharf-cluster", "b")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    // A cluster Wharf does not serve: 404 (no guess at another).
    let answer = send(
        router(&["a", "b"]),
        call("list_spaces")
            .header("x-wharf-cluster", "zz")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_before_any_handler() {
    let big = vec![b'a'; wharf_server::router::MAX_BODY_BYTES + 1];
    let request = call("list_spaces")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .unwrap();
    let answer = send(router(&["a"]), request).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
}
