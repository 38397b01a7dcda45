//! The router's `Host`, `Origin` and client-address guards (DNS rebinding,
//! forged forwarding headers), over real HTTP against the real local
//! cluster, in both modes: Wharf's whole router is served on a loopback port
//! and driven with hand-written requests, so `Host`, `Origin` and
//! `X-Forwarded-For` can be anything. Run by end2end/test.sh with
//! `--include-ignored`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wharf_server::auth::MultiUserSessions;
use wharf_server::clusters::ClusterSet;
use wharf_server::k8s::credentials::ClusterAddress;
use wharf_server::k8s::{ApiserverProbe, ConnectionSource, KubeCluster, connect, load_config};
use wharf_server::origins::{ForwardedHeader, PublicOrigins, TrustedProxies};
use wharf_server::router::{Settings, app_router};
use wharf_server::sessions::LocalSessions;

const NEEDS_CLUSTER: &str = "needs the local cluster: bash end2end/test.sh";

fn source(env: &str) -> ConnectionSource {
    let path = std::env::var(env).unwrap_or_else(|_| panic!("{env} is not set ({NEEDS_CLUSTER})"));
    ConnectionSource::Kubeconfig {
        path: Some(PathBuf::from(path)),
        context: None,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Local,
    MultiUser,
}

/// Serves Wharf's whole router on a loopback port.
async fn serve(mode: Mode, public_urls: &[String], trusted: &[String]) -> SocketAddr {
    let admin = source("KUBE_LOCAL_ADMIN_KUBECONFIG");
    let probe = ApiserverProbe::Address(Box::new(ClusterAddress::from_config(
        load_config(&admin).await.expect("kubeconfig"),
    )));
    let clusters = match mode {
        Mode::Local => ClusterSet::one(
            Arc::new(LocalSessions::new(KubeCluster::new(
                connect(&admin).await.expect("client"),
            ))),
            probe,
        ),
        Mode::MultiUser => ClusterSet::one_multi_user(
            Arc::new(MultiUserSessions::new(
                ClusterAddress::from_config(load_config(&admin).await.expect("kubeconfig")),
                wharf_server::seal::SessionKeys::random(),
                Duration::from_secs(600),
                Duration::from_secs(600),
                false,
            )),
            probe,
        ),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut options = leptos::config::get_configuration(None)
        .expect("leptos options")
        .leptos_options;
    options.site_addr = addr;
    options.site_root = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").into();
    let settings = Settings {
        origins: PublicOrigins::new(addr, public_urls).unwrap(),
        proxies: TrustedProxies::new(trusted, ForwardedHeader::XForwardedFor).unwrap(),
        ..Settings::default()
    };
    let router = app_router(options, Arc::new(clusters), settings);
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    addr
}

struct Answer {
    status: u16,
    head: String,
    body: String,
}

/// One HTTP/1.1 request with exactly these headers (`Host` included).
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    // Until the server closes; a websocket that was let in stays open, so
    // for a 101 the head is enough.
    let read = async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&chunk[..n]),
            }
            if raw.starts_with(b"HTTP/1.1 101") && raw.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read)
        .await
        .unwrap_or_else(|_| panic!("no complete answer to {method} {path}"));
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer to {method} {path}: {text:?}"));
    Answer {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// One class of route, as a request to send.
struct Route {
    what: &'static str,
    method: &'static str,
    path: String,
    body: String,
    headers: Vec<(&'static str, &'static str)>,
}

/// Every class of route Wharf has.
fn route_classes(space: &str) -> Vec<Route> {
    let upgrade = vec![
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    let route = |what, method, path: String, body: String, headers| Route {
        what,
        method,
        path,
        body,
        headers,
    };
    let pod = format!("space={space}&pod=x&container=x");
    vec![
        route(
            "page",
            "GET",
            format!("/spaces/{space}/services"),
            String::new(),
            vec![],
        ),
        route(
            "server function",
            "POST",
            "/api/create_space".into(),
            format!("name={space}&description=x"),
            vec![("x-wharf-csrf", "1")],
        ),
        route(
            "terminal socket",
            "GET",
            format!("/ws/terminal?{pod}"),
            String::new(),
            upgrade.clone(),
        ),
        route(
            "log socket",
            "GET",
            format!("/ws/logs?{pod}"),
            String::new(),
            upgrade,
        ),
        route(
            "download",
            "GET",
            format!("/download/logs?{pod}"),
            String::new(),
            vec![],
        ),
        route(
            "static file",
            "GET",
            "/pkg/wharf.css".into(),
            String::new(),
            vec![],
        ),
        route(
            "sign-in",
            "POST",
            "/auth/sign-in".into(),
            "token=x".into(),
            vec![],
        ),
    ]
}

fn namespace_exists(name: &str) -> bool {
    let out = std::process::Command::new("kubectl")
        .args(["get", "namespace", name, "--ignore-not-found", "-o", "name"])
        .env(
            "KUBECONFIG",
            std::env::var("KUBE_LOCAL_ADMIN_KUBECONFIG").unwrap(),
        )
        .output()
        .expect("kubectl runs");
    !String::from_utf8_lossy(&out.stdout).trim().is_empty()
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{nanos:x}")
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn a_foreign_host_is_refused_on_every_route_in_both_modes() {
    for mode in [Mode::Local, Mode::MultiUser] {
        let addr = serve(mode, &[], &[]).await;
        let port = addr.port();
        let evil = format!("evil.example:{port}");
        let evil_origin = format!("http://{evil}");
        let own = addr.to_string();
        let own_origin = format!("http://{own}");
        let space = unique("rebound-by-evil");
        for Route {
            what,
            method,
            path,
            body,
            headers: extra,
        } in route_classes(&space)
        {
            // The rebinding page: Host and Origin agree, and are not Wharf's.
            let mut headers = vec![("Host", evil.as_str()), ("Origin", evil_origin.as_str())];
            headers.extend(extra.iter().copied());
            let refused = send(addr, method, &path, &headers, &body).await;
            assert_eq!(
                refused.status, 421,
                "{what} with Host {evil}: {}",
                refused.body
            );
            assert!(
                refused.body.contains(&format!("\"{evil}\""))
                    && refused.body.contains("--public-url"),
                "{what}: the refusal says which host and how to allow it: {}",
                refused.body
            );
            // Wharf's own host with the foreign Origin: a write or a socket
            // is refused by the Origin check.
            let mut headers = vec![("Host", own.as_str()), ("Origin", evil_origin.as_str())];
            headers.extend(extra.iter().copied());
            let answer = send(addr, method, &path, &headers, &body).await;
            assert_ne!(answer.status, 421, "{what} with Wharf's own Host");
            if method == "POST" || path.starts_with("/ws/") {
                assert_eq!(answer.status, 403, "{what} with Origin {evil_origin}");
            }
            // Wharf's own host and origin: past the guards (the answer is the
            // route's own: a page, a redirect to sign-in, a socket, 401, ...).
            let mut headers = vec![("Host", own.as_str()), ("Origin", own_origin.as_str())];
            headers.extend(extra.iter().copied());
            let body = if what == "server function" {
                String::new()
            } else {
                body
            };
            let answer = send(addr, method, &path, &headers, &body).await;
            assert!(
                answer.status != 421 && answer.status != 403,
                "{what} from Wharf's own origin: {} {}",
                answer.status,
                answer.body
            );
        }
        assert!(!namespace_exists(&space), "nothing was created");
        // Probes answer any host (kubelets use the pod's IP).
        let probe = send(addr, "GET", "/healthz", &[("Host", "10.1.2.3:3000")], "").await;
        assert_eq!((probe.status, probe.body.as_str()), (200, "ok"));
        // No Host at all (HTTP/1.0 style) is refused too.
        let bare = send(addr, "GET", "/spaces/default/services", &[], "").await;
        assert!(matches!(bare.status, 400 | 421), "{}", bare.status);
        // A second Host, or an absolute target, cannot smuggle a name past.
        let two = send(
            addr,
            "GET",
            "/spaces/default/services",
            &[("Host", own.as_str()), ("Host", evil.as_str())],
            "",
        )
        .await;
        assert!(matches!(two.status, 400 | 421), "two Hosts: {}", two.status);
        let absolute = format!("http://{evil}/spaces/default/services");
        let smuggled = send(addr, "GET", &absolute, &[("Host", own.as_str())], "").await;
        assert!(
            matches!(smuggled.status, 400 | 421),
            "absolute target: {}",
            smuggled.status
        );
    }
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn a_configured_public_url_is_accepted() {
    let addr = serve(Mode::Local, &["http://wharf.example.test".into()], &[]).await;
    let page = send(
        addr,
        "GET",
        "/clusters/default/spaces/default/services",
        &[("Host", "wharf.example.test")],
        "",
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("kubernetes"), "the Service list");
    // Its origin may write; the listen address's still may too.
    let space = unique("it-public-url");
    let created = send(
        addr,
        "POST",
        "/api/create_space",
        &[
            ("Host", "wharf.example.test"),
            ("Origin", "http://wharf.example.test"),
            ("x-wharf-csrf", "1"),
        ],
        &format!("name={space}&description=x"),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(namespace_exists(&space));
    let deleted = send(
        addr,
        "POST",
        "/api/delete_space",
        &[
            ("Host", &addr.to_string()),
            ("Origin", &format!("http://{addr}")),
            ("x-wharf-csrf", "1"),
        ],
        &format!("space={space}&confirm={space}"),
    )
    .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    // A name that only resembles it is not.
    let other = send(
        addr,
        "GET",
        "/",
        &[("Host", "wharf.example.test.evil.example")],
        "",
    )
    .await;
    assert_eq!(other.status, 421);
}

/// A sign-in through the proxy as `client`; the `error=` code it was
/// sent back with, or "" when it signed in.
async fn sign_in_via(addr: SocketAddr, forwarded_for: &str, token: &str) -> String {
    let host = addr.to_string();
    let origin = format!("http://{addr}");
    let answer = send(
        addr,
        "POST",
        "/auth/sign-in",
        &[
            ("Host", &host),
            ("Origin", &origin),
            ("X-Forwarded-For", forwarded_for),
        ],
        &format!("token={token}&next=/"),
    )
    .await;
    assert_eq!(answer.status, 303, "a sign-in answers with a redirect");
    let location = answer
        .head
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap_or_default()
        .to_string();
    if answer.head.contains("set-cookie: wharf_session=") {
        assert_eq!(location, "/");
        return String::new();
    }
    location
        .split_once("error=")
        .map(|(_, rest)| rest.split('&').next().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("neither signed in nor refused: {}", answer.head))
}

fn dev_token() -> String {
    let path = std::env::var("KUBE_LOCAL_RESTRICTED_KUBECONFIG").expect(NEEDS_CLUSTER);
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .expect("the restricted kubeconfig has a token")
        .trim()
        .to_string()
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn the_sign_in_limit_is_per_client_behind_a_trusted_proxy() {
    let token = dev_token();
    // The proxy is this test, on 127.0.0.1.
    let addr = serve(Mode::MultiUser, &[], &["127.0.0.0/8".into()]).await;
    for _ in 0..10 {
        assert_eq!(sign_in_via(addr, "203.0.113.1", "wrong").await, "rejected");
    }
    assert_eq!(
        sign_in_via(addr, "203.0.113.1", &token).await,
        "too-many",
        "the guesser is held for the minute"
    );
    assert_eq!(
        sign_in_via(addr, "203.0.113.2", &token).await,
        "",
        "another client behind the same proxy signs in"
    );
    // What the client itself put left of the proxy's entry changes nothing.
    assert_eq!(
        sign_in_via(addr, "198.51.100.7, 203.0.113.1", &token).await,
        "too-many"
    );

    // A peer that is not a trusted proxy: its X-Forwarded-For is ignored,
    // so a new header every time does not escape the limit.
    let addr = serve(Mode::MultiUser, &[], &[]).await;
    for i in 0..10 {
        assert_eq!(
            sign_in_via(addr, &format!("203.0.113.{i}"), "wrong").await,
            "rejected"
        );
    }
    assert_eq!(sign_in_via(addr, "203.0.113.99", &token).await, "too-many");
}
