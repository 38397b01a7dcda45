//! The axum router, built from its parts so tests can drive it without a
//! socket (as in axum's `testing` example).

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted (YAML uploads are capped at 1 MiB of text;
/// JSON escaping can add to that). Larger bodies get 413 before any handler.
pub const MAX_BODY_BYTES: usize = 2 << 20;
use wharf_app::backend::{Sessions, SessionsContext};
use wharf_app::{App, shell};

pub fn app_router(options: LeptosOptions, sessions: Arc<dyn Sessions>) -> Router {
    let routes = generate_route_list(App);
    let context = SessionsContext(sessions);
    Router::new()
        .leptos_routes_with_context(
            &options,
            routes,
            move || provide_context(context.clone()),
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
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
        // Framing only by Wharf itself until embedding origins are configurable.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'self'"),
        ))
}

/// Refuses a state-changing request whose `Origin` is not this server
/// (a cross-site form post), before it reaches any server function.
async fn same_origin_writes(request: Request<Body>, next: Next) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes && !origin_matches_host(&request) {
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    next.run(request).await
}

fn origin_matches_host(request: &Request<Body>) -> bool {
    let headers = request.headers();
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Browsers send Origin on every cross-origin POST; a request without
        // it is same-origin or not from a browser.
        return true;
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

    fn request(origin: Option<&str>, host: &str) -> Request<Body> {
        let mut b = Request::post("/api/create_space").header(header::HOST, host);
        if let Some(o) = origin {
            b = b.header(header::ORIGIN, o);
        }
        b.body(Body::empty()).unwrap()
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
