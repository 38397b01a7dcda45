//! The axum router, built from its parts so tests can drive it without a
//! socket (as in axum's `testing` example).

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted (YAML uploads are capped at 1 MiB of text;
/// JSON escaping can add to that). Larger bodies get 413 before any handler.
pub const MAX_BODY_BYTES: usize = 2 << 20;
use crate::k8s::StreamSessions;
use wharf_app::backend::{EmbedOrigins, Sessions, SessionsContext};
use wharf_app::{App, shell};

/// What the router needs besides the sessions.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Origins (`https://portal.example.com`) that may show Wharf in a frame
    /// and receive its `postMessage` reports. Wharf itself always may.
    pub embed_origins: Vec<String>,
}

/// `Content-Security-Policy: frame-ancestors …` for these settings.
pub fn frame_ancestors(settings: &Settings) -> String {
    let mut policy = String::from("frame-ancestors 'self'");
    for origin in &settings.embed_origins {
        policy.push(' ');
        policy.push_str(origin);
    }
    policy
}

pub fn app_router(
    options: LeptosOptions,
    sessions: Arc<dyn StreamSessions>,
    settings: Settings,
) -> Router {
    let routes = generate_route_list(App);
    let context = SessionsContext(sessions.clone() as Arc<dyn Sessions>);
    let embed = EmbedOrigins(settings.embed_origins.clone());
    let csp = HeaderValue::from_str(&frame_ancestors(&settings))
        .unwrap_or_else(|_| HeaderValue::from_static("frame-ancestors 'self'"));
    Router::new()
        .leptos_routes_with_context(
            &options,
            routes,
            move || {
                provide_context(context.clone());
                provide_context(embed.clone());
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
        .merge(crate::sockets::routes(sessions.clone()))
        .merge(
            Router::new()
                .route("/auth/sign-in", post(crate::auth::sign_in))
                .route("/auth/sign-out", post(crate::auth::sign_out))
                .with_state(sessions.clone()),
        )
        .layer(middleware::from_fn_with_state(sessions, sign_in_first))
        .layer(middleware::from_fn(same_origin_writes))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Framing by Wharf itself and the configured embedding origins only.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
}

/// In multi-user mode, a page asked for without a live session goes to the
/// sign-in page (and comes back after). Server functions and sockets answer
/// 401 themselves; static files and the sign-in page need no session.
async fn sign_in_first(
    State(sessions): State<Arc<dyn StreamSessions>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let open = [
        "/pkg/",
        "/api/",
        "/ws/",
        "/auth/",
        "/sign-in",
        "/download/",
        "/favicon",
    ]
    .iter()
    .any(|p| path.starts_with(p));
    if matches!(*request.method(), Method::GET | Method::HEAD)
        && !open
        && !sessions.is_signed_in(request.headers())
    {
        let back = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let to = format!("/sign-in?next={}", wharf_spec::stream::percent_encode(back));
        return axum::response::Redirect::to(&to).into_response();
    }
    next.run(request).await
}

/// Refuses a state-changing request whose `Origin` is not this server
/// (a cross-site form post), before it reaches any server function.
async fn same_origin_writes(request: Request<Body>, next: Next) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes && !origin_is_own(request.headers(), false) {
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    next.run(request).await
}

/// Whether `Origin` is this server's own. Without an `Origin` the answer is
/// `!required`: browsers send it on every cross-origin POST and on every
/// websocket handshake, so a POST without it is same-origin or not from a
/// browser, while a websocket without it is not from a page at all.
pub fn origin_is_own(headers: &http::HeaderMap, required: bool) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return !required;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
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
        origin_is_own(headers, false)
    }

    #[test]
    fn websockets_need_an_origin() {
        assert!(!origin_is_own(&request(None, "127.0.0.1:3000"), true));
        assert!(origin_is_own(
            &request(Some("http://127.0.0.1:3000"), "127.0.0.1:3000"),
            true
        ));
    }

    #[test]
    fn framing_is_limited_to_configured_origins() {
        assert_eq!(
            frame_ancestors(&Settings::default()),
            "frame-ancestors 'self'"
        );
        let settings = Settings {
            embed_origins: vec!["https://portal.example.com".into()],
        };
        assert_eq!(
            frame_ancestors(&settings),
            "frame-ancestors 'self' https://portal.example.com"
        );
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
    }
}
