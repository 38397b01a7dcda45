//! The axum router, built from its parts so tests can drive it without a
//! socket (as in axum's `testing` example).

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (YAML uploads are capped at 1 MiB of text;
/// JSON escaping can add to that). Larger bodies get 413 before any handler.
pub const MAX_BODY_BYTES: usize = 2 << 20;
use crate::assets::Assets;
use crate::clusters::ClusterSet;
use crate::origins::{ClientAddress, PublicOrigins, TrustedProxies, request_hosts};
use crate::sessions::StreamSessions;
use std::net::{IpAddr, SocketAddr};
use wharf_app::api::{CSRF_HEADER, SERVER_FN_PREFIX};
use wharf_app::backend::{
    ClusterDirectory, DirectoryContext, EmbedOrigins, SCRIPT_NONCE_HEADER, Sessions,
    SessionsContext,
};
use wharf_app::{App, shell};
use wharf_spec::cluster::{cluster_in_path, cluster_path, path_with_cluster};

/// What the router needs besides the sessions.
#[derive(Clone, Default)]
pub struct Settings {
    /// Origins (`https://portal.example.com`) that may show Wharf in a frame
    /// and receive its `postMessage` reports. Wharf itself always may.
    /// They are not Wharf's own origins: a framed Wharf's requests carry
    /// Wharf's `Origin`, so the portal's scripts need (and get) no writes.
    pub embed_origins: Vec<String>,
    /// The hosts Wharf answers to and its own origins (writes, sockets).
    pub origins: PublicOrigins,
    /// Whose forwarding header names the client.
    pub proxies: TrustedProxies,
    /// What `/readyz` checks besides the process not stopping.
    pub readiness: Option<Arc<Readiness>>,
    /// The clusters' NodePort range, which the forms check node ports against.
    pub node_ports: wharf_spec::service::NodePortRange,
}

/// `/readyz`'s checks: the site's files are there, and the apiserver
/// answers.
pub struct Readiness {
    pub site_root: std::path::PathBuf,
    /// Their default cluster's apiserver must answer (another cluster's
    /// trouble is its own pages', not a reason to take Wharf out of service).
    pub clusters: Arc<ClusterSet>,
}

/// `GET /readyz`: 200 when this replica should get traffic; 503 with the
/// reason while it stops, without its site files, or while the apiserver
/// does not answer.
async fn readyz(State(settings): State<Arc<Settings>>) -> Response {
    if crate::shutdown::is_stopping() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping\n").into_response();
    }
    if let Some(readiness) = &settings.readiness {
        let wasm = readiness.site_root.join("pkg").join("wharf.wasm");
        if !tokio::fs::try_exists(&wasm).await.unwrap_or(false) {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the site files are missing\n",
            )
                .into_response();
        }
        if !readiness.clusters.default_cluster().probe.answers().await {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the Kubernetes apiserver does not answer\n",
            )
                .into_response();
        }
    }
    "ok".into_response()
}

/// Renews a session's cookie on the way out, about once a minute of use
/// (its idle time is inside the sealed value).
async fn renew_session(
    State(clusters): State<Arc<ClusterSet>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let renewal = clusters
        .of_request(request.uri().path(), request.headers())
        .ok()
        .and_then(|cluster| cluster.multi_user.as_deref())
        .map(|store| store.renewal(request.headers()))
        .unwrap_or_default();
    let mut response = next.run(request).await;
    // Sign-in and sign-out set the cookies themselves.
    if !renewal.is_empty() && !response.headers().contains_key(header::SET_COOKIE) {
        for cookie in renewal {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

impl Settings {
    /// Wharf on `listen` with nothing else configured (tests).
    pub fn listening_on(listen: SocketAddr) -> Self {
        Self {
            origins: PublicOrigins::new(listen, &[]).expect("no public URL to refuse"),
            ..Self::default()
        }
    }
}

/// Paths that answer whatever the `Host`: kubelets probe a pod, and
/// Prometheus scrapes it, by its IP. None of them says anything of a user.
pub const ANY_HOST_PATHS: &[&str] = &["/healthz", "/readyz", "/metrics"];

/// The `Content-Security-Policy` of every response. Scripts: Wharf's own
/// files, the wasm, and the one inline script of a page (leptos' hydration
/// script) by its per-response `nonce`; no other inline script, no
/// `eval`. Styles may be inline (the editor and the terminal set them).
/// Framing: Wharf itself and the configured embedding origins only.
pub fn content_security_policy(settings: &Settings, script_nonce: Option<&str>) -> String {
    let nonce = script_nonce
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let mut policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{nonce}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    );
    for origin in &settings.embed_origins {
        policy.push(' ');
        policy.push_str(origin);
    }
    policy
}

/// Sets the `Content-Security-Policy`, with the nonce the page announced
/// (see [`SCRIPT_NONCE_HEADER`]), which is taken off the response.
async fn security_policy(
    State(settings): State<Arc<Settings>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let nonce = response
        .headers_mut()
        .remove(SCRIPT_NONCE_HEADER)
        .and_then(|v| v.to_str().ok().map(str::to_owned))
        // A nonce is base64: anything else would break out of the header.
        .filter(|n| {
            n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b))
        });
    let policy = content_security_policy(&settings, nonce.as_deref());
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

pub fn app_router(
    mut options: LeptosOptions,
    clusters: Arc<ClusterSet>,
    settings: Settings,
) -> Router {
    let assets = Assets::read(std::path::Path::new(&*options.site_root)).unwrap_or_else(|error| {
        tracing::warn!(%error, "could not read the site's files; serving them unversioned");
        Assets::unversioned(std::path::Path::new(&*options.site_root))
    });
    // Pages name the built files under their version (HydrationScripts and
    // the shell's stylesheet read `site_pkg_dir`).
    options.site_pkg_dir = assets.pkg_path().into();
    let assets = Arc::new(assets);
    let routes = generate_route_list(App);
    let context = SessionsContext(clusters.clone() as Arc<dyn Sessions>);
    let directory = DirectoryContext(clusters.clone() as Arc<dyn ClusterDirectory>);
    let sessions = clusters.clone() as Arc<dyn StreamSessions>;
    let embed = EmbedOrigins(settings.embed_origins.clone());
    let node_ports = wharf_app::components::NodePorts(settings.node_ports);
    let app = Router::new()
        .leptos_routes_with_context(
            &options,
            routes,
            move || {
                provide_context(context.clone());
                provide_context(directory.clone());
                provide_context(embed.clone());
                provide_context(node_ports);
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
        .merge(
            Router::new()
                .route("/pkg/{file}", get(crate::assets::serve_pkg_file))
                .route("/pkg/{first}/{*rest}", get(crate::assets::serve_pkg))
                .with_state(assets),
        )
        .merge(crate::sockets::routes(sessions.clone()))
        .merge(crate::live_socket::routes(sessions.clone()))
        // The process serves (a kubelet's liveness probe, by pod IP).
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(crate::metrics::serve))
        .merge(
            Router::new()
                .route("/readyz", get(readyz))
                .with_state(Arc::new(settings.clone())),
        )
        .merge(
            Router::new()
                .route("/auth/sign-in", post(crate::auth::sign_in))
                .route("/auth/sign-out", post(crate::auth::sign_out))
                .with_state(clusters.clone()),
        )
        .layer(middleware::from_fn_with_state(
            clusters.clone(),
            sign_in_first,
        ))
        .layer(middleware::from_fn_with_state(
            clusters.clone(),
            renew_session,
        ))
        .layer(middleware::from_fn_with_state(
            clusters.clone(),
            cluster_paths,
        ))
        .layer(middleware::from_fn(crate::metrics::observe_http))
        .layer(middleware::from_fn_with_state(clusters, proxy_sign_in))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Pages, calls and unversioned files are asked for again each time:
        // a page names the build it goes with. Only versioned files (which
        // set their own) are kept.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(crate::assets::REVALIDATE),
        ));
    let settings = Arc::new(settings);
    guarded(app, settings.clone())
        .layer(middleware::from_fn_with_state(settings, security_policy))
        .layer(PropagateRequestIdLayer::x_request_id())
        // Every log line of a request carries its id (`--log-format json`
        // writes it as a field), and the path: never the query or a header.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// The guards every route of Wharf sits behind, outermost first: the `Host`
/// must be one of Wharf's own (before any other work); writes and websocket
/// upgrades need Wharf's own `Origin`, server functions also `x-wharf-csrf`;
/// the client's address is set. Public for the socket tests, which serve
/// [`crate::sockets::routes`] behind these same guards.
pub fn guarded(router: Router, settings: Arc<Settings>) -> Router {
    router
        .layer(middleware::from_fn(client_address))
        .layer(middleware::from_fn(same_origin_writes))
        .layer(axum::Extension(settings.clone()))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(middleware::from_fn_with_state(settings, known_hosts_only))
}

/// Refuses a request whose `Host` is not one of Wharf's own, before any
/// other work: a DNS-rebinding page's requests name the attacker's host.
/// The answer says which host and how to allow it, not which hosts are
/// allowed (the rebinding page could read that).
async fn known_hosts_only(
    State(settings): State<Arc<Settings>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let hosts = request_hosts(request.uri(), request.headers());
    let refused = if hosts.is_empty() {
        Some("")
    } else {
        hosts
            .into_iter()
            .find(|h| !settings.origins.accepts_host(h))
    };
    let Some(host) = refused.filter(|_| !ANY_HOST_PATHS.contains(&request.uri().path())) else {
        return next.run(request).await;
    };
    // Printable ASCII only, and short: it is echoed back and logged.
    let shown: String = host
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(100)
        .collect();
    tracing::info!(host = %shown, "request for a host that is not Wharf's refused");
    let body = format!(
        "421 Misdirected Request: Wharf does not answer to the host \"{shown}\".\n\
         If users reach Wharf by this name, start it with --public-url http://{shown} \
         (or https://…; also WHARF_PUBLIC_URLS).\n"
    );
    let mut response = (StatusCode::MISDIRECTED_REQUEST, body).into_response();
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Sets [`ClientAddress`]: the peer, or the client a trusted proxy names.
async fn client_address(mut request: Request<Body>, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let client = match request.extensions().get::<Arc<Settings>>() {
        Some(settings) => settings.proxies.client_address(peer, request.headers()),
        None => peer,
    };
    request.extensions_mut().insert(ClientAddress(client));
    next.run(request).await
}

/// With `--trust-proxy-auth`, a request carrying `Authorization: Bearer`
/// signs in by it (checked with the cluster, then reused for a while); a
/// token the cluster refuses gets 401 here.
async fn proxy_sign_in(
    State(clusters): State<Arc<ClusterSet>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let from = request.extensions().get::<ClientAddress>().map(|c| c.0);
    let store = clusters
        .of_request(request.uri().path(), request.headers())
        .ok()
        .and_then(|cluster| cluster.multi_user.as_deref());
    if let Some(store) = store
        && let Err(refusal) = store.admit_proxied(request.headers(), from).await
    {
        tracing::info!(reason = refusal.code(), "proxy bearer token refused");
        return (
            StatusCode::UNAUTHORIZED,
            "the bearer token was not accepted",
        )
            .into_response();
    }
    next.run(request).await
}

/// In multi-user mode, a page asked for without a live session of its
/// cluster goes to the sign-in page for that cluster (and comes back
/// after); the cluster list needs a session of any cluster. Server
/// functions and sockets answer 401 themselves; static files and the
/// sign-in page need no session.
async fn sign_in_first(
    State(clusters): State<Arc<ClusterSet>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let open = [
        "/pkg/",
        "/api/",
        "/ws/",
        "/auth/",
        "/sign-in",
        "/download/",
        "/favicon",
        "/healthz",
        "/readyz",
        "/metrics",
    ]
    .iter()
    .any(|p| path.starts_with(p))
        || (path.starts_with("/clusters/")
            && (path.contains("/ws/") || path.contains("/download/")));
    let (parts, body) = request.into_parts();
    if open {
        // Calls and sockets of a cluster this browser is not signed in to
        // are refused here, whatever they are (their handlers would refuse
        // them one by one); the cluster directory's calls are for anyone.
        let directory = [
            "/api/list_clusters",
            "/api/cluster_summary",
            "/api/current_user",
        ];
        let of_a_cluster = path.starts_with("/api/")
            || path.starts_with("/ws/")
            || path.starts_with("/download/")
            || path.starts_with("/clusters/");
        if of_a_cluster && !directory.contains(&parts.uri.path()) {
            match clusters.of_request(parts.uri.path(), &parts.headers) {
                Err(error) => return error_answer(&path, &error),
                Ok(cluster) if !cluster.sessions.is_signed_in(&parts) => {
                    return error_answer(&path, &wharf_spec::ApiError::Unauthenticated);
                }
                Ok(_) => {}
            }
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    if !matches!(parts.method, Method::GET | Method::HEAD) {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let signed_in = match cluster_in_path(parts.uri.path()) {
        Some(_) => clusters.is_signed_in(&parts),
        // `/clusters`, and anything else not of one cluster.
        None => clusters.iter().any(|c| c.sessions.is_signed_in(&parts)),
    };
    if !signed_in {
        let back = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let cluster = match clusters.of_request(parts.uri.path(), &parts.headers) {
            Ok(cluster) => cluster.name.as_str(),
            Err(_) => clusters.default_cluster().name.as_str(),
        };
        let to = format!(
            "/sign-in?cluster={cluster}&next={}",
            wharf_spec::stream::percent_encode(back)
        );
        return axum::response::Redirect::to(&to).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// An error as the answer of its status: JSON for a server function (as
/// its own errors are, so the page reads it: `Unauthenticated` sends it to
/// sign in), words for anything else.
fn error_answer(path: &str, error: &wharf_spec::ApiError) -> Response {
    let status =
        StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if path.starts_with(SERVER_FN_PREFIX) {
        let body = serde_json::to_string(error).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    } else {
        (status, error.to_string()).into_response()
    }
}

/// Paths of before clusters were in URLs (`/spaces/…`, `/embed/spaces/…`)
/// go to the same page of the default cluster, so old links and embeds keep
/// working; `/` goes to the cluster list when there are several clusters,
/// else to the one cluster's first page.
async fn cluster_paths(
    State(clusters): State<Arc<ClusterSet>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let path = request.uri().path();
    let default = clusters.default_cluster().name.as_str();
    let moved = if path == "/" {
        Some(if clusters.len() > 1 {
            "/clusters".to_string()
        } else {
            cluster_path(default, "")
        })
    } else {
        path_with_cluster(path, default)
    };
    let Some(mut to) = moved else {
        return next.run(request).await;
    };
    if let Some(query) = request.uri().query() {
        to.push('?');
        to.push_str(query);
    }
    axum::response::Redirect::temporary(&to).into_response()
}

/// Refuses, before it reaches any handler, a state-changing request whose
/// `Origin` is not Wharf's own (a cross-site form post), a server function
/// call without Wharf's own header (see [`CSRF_HEADER`]), and a websocket
/// upgrade without Wharf's own `Origin`.
async fn same_origin_writes(request: Request<Body>, next: Next) -> Response {
    let Some(settings) = request.extensions().get::<Arc<Settings>>().cloned() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no settings").into_response();
    };
    if let Err(refusal) = check_write(
        &settings.origins,
        request.method(),
        request.uri().path(),
        request.headers(),
    ) {
        return (StatusCode::FORBIDDEN, refusal).into_response();
    }
    next.run(request).await
}

fn check_write(
    origins: &PublicOrigins,
    method: &Method,
    path: &str,
    headers: &http::HeaderMap,
) -> Result<(), &'static str> {
    if is_websocket_upgrade(headers) {
        return if origin_is_own(origins, headers, true) {
            Ok(())
        } else {
            Err("cross-origin websocket refused")
        };
    }
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if !origin_is_own(origins, headers, false) {
        return Err("cross-origin request refused");
    }
    if path.starts_with(SERVER_FN_PREFIX)
        && headers
            .get(CSRF_HEADER)
            .is_none_or(|v| v.as_bytes() != b"1")
    {
        return Err("a call from Wharf's pages carries x-wharf-csrf: 1");
    }
    Ok(())
}

fn is_websocket_upgrade(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Whether `Origin` is one of Wharf's own (configured, never the request's
/// `Host`). Without an `Origin` the answer is `!required`: browsers send it
/// on every cross-origin POST and on every websocket handshake, so a POST
/// without it is same-origin or not from a browser, while a websocket
/// without it is not from a page at all.
fn origin_is_own(origins: &PublicOrigins, headers: &http::HeaderMap, required: bool) -> bool {
    let mut all = headers.get_all(header::ORIGIN).iter();
    match (all.next(), all.next()) {
        (None, _) => !required,
        (Some(origin), None) => origin.to_str().is_ok_and(|o| origins.is_own_origin(o)),
        // No browser sends two; which one a proxy would pass on is anyone's guess.
        (Some(_), Some(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(origin: Option<&str>, host: &str) -> http::HeaderMap {
        let mut b = Request::post("/api/create_space").header(header::HOST, host);
        if let Some(o) = origin {
            b = b.header(header::ORIGIN, o);
        }
        b.body(Body::empty()).unwrap().headers().clone()
    }

    fn origin_matches_host(headers: &http::HeaderMap) -> bool {
        origin_is_own(&PublicOrigins::default(), headers, false)
    }

    fn check_write(
        method: &Method,
        path: &str,
        headers: &http::HeaderMap,
    ) -> Result<(), &'static str> {
        super::check_write(&PublicOrigins::default(), method, path, headers)
    }

    #[test]
    fn server_function_calls_need_the_csrf_header() {
        let own = request(Some("http://127.0.0.1:3000"), "127.0.0.1:3000");
        let mut with_header = own.clone();
        with_header.insert(CSRF_HEADER, HeaderValue::from_static("1"));
        let post = Method::POST;
        assert!(check_write(&post, "/api/delete_space", &own).is_err());
        assert!(check_write(&post, "/api/delete_space", &with_header).is_ok());
        // Sign-in is a plain form: Origin is its defence.
        assert!(check_write(&post, "/auth/sign-in", &own).is_ok());
        let cross = request(Some("http://evil.example"), "127.0.0.1:3000");
        let mut cross_with_header = cross.clone();
        cross_with_header.insert(CSRF_HEADER, HeaderValue::from_static("1"));
        assert!(check_write(&post, "/api/delete_space", &cross_with_header).is_err());
        assert!(check_write(&Method::GET, "/spaces/dev/apps", &cross).is_ok());
    }

    #[test]
    fn websockets_need_an_origin() {
        let own = PublicOrigins::default();
        assert!(!origin_is_own(&own, &request(None, "127.0.0.1:3000"), true));
        assert!(origin_is_own(
            &own,
            &request(Some("http://127.0.0.1:3000"), "127.0.0.1:3000"),
            true
        ));
        let upgrade = |origin: Option<&str>, host: &str| {
            let mut h = request(origin, host);
            h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
            h
        };
        // An upgrade is a GET, and still needs Wharf's own Origin.
        assert!(
            check_write(
                &Method::GET,
                "/ws/terminal",
                &upgrade(None, "127.0.0.1:3000")
            )
            .is_err()
        );
        assert!(
            check_write(
                &Method::GET,
                "/ws/terminal",
                &upgrade(Some("http://evil.example:3000"), "evil.example:3000")
            )
            .is_err()
        );
        assert!(
            check_write(
                &Method::GET,
                "/ws/terminal",
                &upgrade(Some("http://localhost:3000"), "localhost:3000")
            )
            .is_ok()
        );
    }

    #[test]
    fn framing_is_limited_to_configured_origins() {
        assert!(
            content_security_policy(&Settings::default(), None)
                .ends_with("; frame-ancestors 'self'")
        );
        let settings = Settings {
            embed_origins: vec!["https://portal.example.com".into()],
            ..Settings::default()
        };
        assert!(
            content_security_policy(&settings, None)
                .ends_with("; frame-ancestors 'self' https://portal.example.com")
        );
    }

    #[test]
    fn inline_scripts_run_only_with_the_pages_nonce() {
        let policy = content_security_policy(&Settings::default(), Some("abc-123"));
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc-123';"));
        let script_src = policy
            .split("; ")
            .find(|d| d.starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline") && !script_src.contains("'unsafe-eval'"));
        let without = content_security_policy(&Settings::default(), None);
        assert!(without.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(without.contains("object-src 'none'") && without.contains("base-uri 'none'"));
    }

    #[test]
    fn origin_check() {
        assert!(origin_matches_host(&request(None, "127.0.0.1:3000")));
        assert!(origin_matches_host(&request(
            Some("http://127.0.0.1:3000"),
            "127.0.0.1:3000"
        )));
        assert!(!origin_matches_host(&request(
            Some("http://evil.example"),
            "127.0.0.1:3000"
        )));
        assert!(!origin_matches_host(&request(
            Some("http://127.0.0.1:3001"),
            "127.0.0.1:3000"
        )));
        assert!(!origin_matches_host(&request(
            Some("null"),
            "127.0.0.1:3000"
        )));
        // Origin equal to a foreign Host: the DNS-rebinding case.
        assert!(!origin_matches_host(&request(
            Some("http://evil.example:3000"),
            "evil.example:3000"
        )));
    }
}
