//! The live lists' socket (`/ws/watch`) against the real local cluster,
//! over a real websocket: windows follow kubectl, flow control holds
//! windows back until acknowledged (and coalesces what happened
//! meanwhile), views page through the list, one watch serves equal
//! subscriptions, and a subscription the user's RBAC forbids is refused in
//! words while the others go on. Run by end2end/test.sh with
//! `--include-ignored`.

use futures::{SinkExt, StreamExt};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use wharf_server::k8s::{ConnectionSource, KubeCluster, connect};
use wharf_server::sessions::LocalSessions;
use wharf_spec::ApiError;
use wharf_spec::live::{
    LiveKind, LiveMessage, LiveRequest, LiveRows, LiveState, SortColumn, Source, View, Window,
};
use wharf_spec::view::{AppStatus, WorkloadKind};

mod support;
use support::{Socket, kubectl, open, pending_pods};

const PODS: usize = 300;

/// Serves `/ws/watch` behind the router's guards with the credentials of
/// `kubeconfig`; returns the address and the session's cluster.
async fn serve(kubeconfig: &str) -> (std::net::SocketAddr, Arc<KubeCluster>) {
    let source = ConnectionSource::Kubeconfig {
        path: Some(PathBuf::from(kubeconfig)),
        context: None,
    };
    let sessions = Arc::new(LocalSessions::new(KubeCluster::new(
        connect(&source).await.expect("client"),
    )));
    let cluster = sessions.cluster();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = wharf_server::router::guarded(
        wharf_server::live_socket::routes(sessions),
        Arc::new(wharf_server::router::Settings::listening_on(addr)),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (addr, cluster)
}

/// `/ws/watch` of a Wharf serving the cluster's admin, opened from
/// Wharf's own origin.
async fn admin_socket() -> Socket {
    let (addr, _) = serve(&env("KUBE_LOCAL_ADMIN_KUBECONFIG")).await;
    open(
        &addr.to_string(),
        "/ws/watch",
        "",
        Some(&format!("http://{addr}")),
    )
    .await
    .expect("the socket opens")
}

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} (the local cluster: . /tmp/local-kube/env)"))
}

struct Space(String);

impl Drop for Space {
    fn drop(&mut self) {
        kubectl(&["delete", "namespace", &self.0, "--wait=false"]);
    }
}

fn new_space(prefix: &str) -> Space {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let ns = format!("{prefix}-{nanos:x}");
    kubectl(&["create", "namespace", &ns]);
    Space(ns)
}

async fn send(socket: &mut Socket, request: LiveRequest) {
    socket
        .send(Message::Text(request.encode().into()))
        .await
        .expect("send");
}

/// The next message of the socket (pings and pongs skipped).
async fn next(socket: &mut Socket, deadline: Instant) -> LiveMessage {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = tokio::time::timeout(left, socket.next())
            .await
            .expect("a message before the deadline")
            .expect("the socket is open")
            .expect("a readable message");
        if let Message::Text(text) = message {
            let message = LiveMessage::decode(&text).expect("a live message");
            if message != LiveMessage::Pong {
                return message;
            }
        }
    }
}

/// Reads windows of subscription `id` until one satisfies `done`
/// (acknowledging each); returns it.
async fn window_until(
    socket: &mut Socket,
    id: u32,
    what: &str,
    done: impl Fn(&Window) -> bool,
) -> Window {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match next(socket, deadline).await {
            LiveMessage::Rows { id: got, window } if got == id => {
                send(
                    socket,
                    LiveRequest::Ack {
                        id,
                        seq: window.seq,
                    },
                )
                .await;
                if done(&window) {
                    return window;
                }
            }
            LiveMessage::Failed { id: got, error } if got == id => {
                panic!("{what}: subscription failed: {error:?}")
            }
            _ => {}
        }
        assert!(Instant::now() < deadline, "{what}: not before the deadline");
    }
}

fn pods(window: &Window) -> Vec<&str> {
    match &window.rows {
        LiveRows::Pods(rows) => rows.iter().map(|r| r.name.as_str()).collect(),
        other => panic!("a pod subscription got {other:?}"),
    }
}

fn source(space: &str) -> Source {
    Source::all(LiveKind::Pods, space)
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn windows_follow_the_cluster_with_flow_control() {
    let space = new_space("it-live");
    pending_pods(&space.0, "p", PODS);
    let (addr, cluster) = serve(&env("KUBE_LOCAL_ADMIN_KUBECONFIG")).await;
    let origin = format!("http://{addr}");

    // Another site's page may not open it.
    let refused = open(
        &addr.to_string(),
        "/ws/watch",
        "",
        Some("http://evil.example"),
    )
    .await;
    assert!(refused.is_err(), "a foreign Origin was let in");

    let mut socket = open(&addr.to_string(), "/ws/watch", "", Some(&origin))
        .await
        .expect("the socket opens");
    let view = View {
        limit: 50,
        ..View::default()
    };
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 1,
            source: source(&space.0),
            view: view.clone(),
        },
    )
    .await;
    let first = window_until(&mut socket, 1, "the first list", |w| {
        w.state == LiveState::Live && w.total as usize == PODS
    })
    .await;
    assert_eq!((first.matched, first.offset), (PODS as u32, 0));
    assert_eq!(pods(&first).len(), 50, "only the window travels");
    assert_eq!(pods(&first)[0], "p-00000");
    assert_eq!(first.statuses, [("Pending".to_string(), PODS as u32)]);

    // A second subscription of the same source shares the watch.
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 2,
            source: source(&space.0),
            view: View {
                sort: SortColumn::Name,
                descending: true,
                limit: 5,
                ..View::default()
            },
        },
    )
    .await;
    let last = window_until(&mut socket, 2, "the second subscription", |w| {
        w.total as usize == PODS
    })
    .await;
    assert_eq!(
        pods(&last),
        ["p-00299", "p-00298", "p-00297", "p-00296", "p-00295"]
    );
    assert_eq!(cluster.feeds_running(), 1, "one apiserver watch for both");
    send(&mut socket, LiveRequest::Unsubscribe { id: 2 }).await;

    // Scrolling: a window at the end.
    send(
        &mut socket,
        LiveRequest::View {
            id: 1,
            view: View {
                offset: 280,
                ..view.clone()
            },
        },
    )
    .await;
    let end = window_until(&mut socket, 1, "the window at the end", |w| w.offset == 280).await;
    assert_eq!(pods(&end).len(), 20);
    assert_eq!(pods(&end)[19], "p-00299");

    // Changes while a window is unacknowledged wait, and arrive coalesced
    // in the next window once it is acknowledged.
    send(
        &mut socket,
        LiveRequest::View {
            id: 1,
            view: view.clone(),
        },
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let held = loop {
        if let LiveMessage::Rows { id: 1, window } = next(&mut socket, deadline).await
            && window.offset == 0
        {
            break window; // not acknowledged
        }
    };
    kubectl(&[
        "-n",
        &space.0,
        "label",
        "pod",
        "p-00001",
        "p-00002",
        "stage=one",
    ]);
    kubectl(&[
        "-n",
        &space.0,
        "delete",
        "pod",
        "p-00000",
        "--wait=false",
        "--grace-period=0",
        "--force",
    ]);
    pending_pods(&space.0, "a", 1);
    // Wait until the session's feed has seen all three changes.
    let seen = Instant::now() + Duration::from_secs(30);
    while feed_names(&cluster, &space.0)[..3] != ["a-00000", "p-00001", "p-00002"] {
        assert!(Instant::now() < seen, "the feed did not see the changes");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    send(
        &mut socket,
        LiveRequest::Ack {
            id: 1,
            seq: held.seq,
        },
    )
    .await;
    let after = match next(&mut socket, Instant::now() + Duration::from_secs(30)).await {
        LiveMessage::Rows { id: 1, window } => window,
        other => panic!("expected the next window, got {other:?}"),
    };
    assert_eq!(
        after.seq,
        held.seq + 1,
        "nothing was sent while unacknowledged"
    );
    assert_eq!(
        pods(&after)[..2],
        ["a-00000", "p-00001"],
        "the delete and the add, in one window"
    );
    assert_eq!(after.total as usize, PODS);
    send(
        &mut socket,
        LiveRequest::Ack {
            id: 1,
            seq: after.seq,
        },
    )
    .await;

    // Filter by name and label selector (a new watch).
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 3,
            source: Source {
                labels: "stage=one".into(),
                ..source(&space.0)
            },
            view: View::default(),
        },
    )
    .await;
    let labelled = window_until(&mut socket, 3, "the label selector", |w| w.total == 2).await;
    assert_eq!(pods(&labelled), ["p-00001", "p-00002"]);
    drop(socket);
    // The socket's subscriptions end with it; the feeds linger, then stop.
    let stopped = Instant::now() + wharf_server::k8s::live::LINGER + Duration::from_secs(10);
    while cluster.feeds_running() > 0 {
        assert!(Instant::now() < stopped, "the watches outlived the socket");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The first names in the session's feed of `space`'s pods, by name.
fn feed_names(cluster: &KubeCluster, space: &str) -> Vec<String> {
    let window = cluster.feed(&source(space)).window(&View::default(), 0);
    pods(&window).into_iter().map(String::from).collect()
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn a_forbidden_subscription_is_refused_and_the_others_go_on() {
    // The restricted user may read only its namespace `dev`.
    let (addr, _) = serve(&env("KUBE_LOCAL_RESTRICTED_KUBECONFIG")).await;
    let origin = format!("http://{addr}");
    let mut socket = open(&addr.to_string(), "/ws/watch", "", Some(&origin))
        .await
        .expect("the socket opens");
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 1,
            source: source("kube-system"),
            view: View::default(),
        },
    )
    .await;
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 2,
            source: source("dev"),
            view: View::default(),
        },
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut refused, mut served) = (None, None);
    while refused.is_none() || served.is_none() {
        match next(&mut socket, deadline).await {
            LiveMessage::Failed { id: 1, error } => refused = Some(error),
            LiveMessage::Rows { id: 2, window } => served = Some(window),
            LiveMessage::Rows { id: 1, window } => panic!("forbidden rows leaked: {window:?}"),
            _ => {}
        }
    }
    assert!(
        matches!(&refused, Some(ApiError::Forbidden { message }) if message.contains("forbidden")),
        "{refused:?}"
    );
    assert_eq!(served.map(|w| w.state), Some(LiveState::Live));
    // Nor may it list the spaces of the cluster.
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 4,
            source: Source::spaces(),
            view: View::default(),
        },
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match next(&mut socket, deadline).await {
            LiveMessage::Failed { id: 4, error } => {
                assert!(matches!(error, ApiError::Forbidden { .. }), "{error:?}");
                break;
            }
            LiveMessage::State { id: 4, .. } => {}
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    // A name that is no namespace name never reaches the apiserver's URL.
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 3,
            source: source("../../api"),
            view: View::default(),
        },
    )
    .await;
    match next(&mut socket, Instant::now() + Duration::from_secs(10)).await {
        LiveMessage::Failed { id: 3, error } => {
            assert!(matches!(error, ApiError::NotFound { .. }), "{error:?}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn spaces_come_and_go_live() {
    let mut socket = admin_socket().await;
    let space = new_space("it-live-space");
    let view = View {
        name: space.0.clone(),
        ..View::default()
    };
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 1,
            source: Source::spaces(),
            view,
        },
    )
    .await;
    let spaces = |w: &Window| match &w.rows {
        LiveRows::Spaces(rows) => rows.clone(),
        other => panic!("a space subscription got {other:?}"),
    };
    let listed = window_until(&mut socket, 1, "the space listed", |w| w.matched == 1).await;
    assert!(!spaces(&listed)[0].terminating);
    kubectl(&["delete", "namespace", &space.0, "--wait=false"]);
    let deleting = window_until(&mut socket, 1, "the space deleting or gone", |w| {
        w.matched == 0 || spaces(w)[0].terminating
    })
    .await;
    if deleting.matched == 1 {
        window_until(&mut socket, 1, "the space gone", |w| w.matched == 0).await;
    }
}

/// Every kind of workload of a space, whoever made it, in one list: a
/// Deployment, a StatefulSet, a DaemonSet and a Job made with kubectl
/// appear with their kind and progress, and leave when deleted.
#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn workloads_of_every_kind_made_with_kubectl_are_listed_live() {
    let mut socket = admin_socket().await;
    let space = new_space("it-live-wl");
    let ns = space.0.as_str();
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 1,
            source: Source::all(LiveKind::Workloads, ns),
            view: View {
                sort: SortColumn::Type,
                ..View::default()
            },
        },
    )
    .await;
    let rows = |w: &Window| match &w.rows {
        LiveRows::Workloads(rows) => rows.clone(),
        other => panic!("a workload subscription got {other:?}"),
    };
    window_until(&mut socket, 1, "the empty list, live", |w| {
        w.total == 0 && w.state == LiveState::Live
    })
    .await;
    // Pods that never start (no scheduler of that name runs): the rows
    // come from the workload objects alone.
    let template = serde_json::json!({
        "metadata": {"labels": {"app": "wl"}},
        "spec": {"schedulerName": "none", "restartPolicy": "Never",
            "containers": [{"name": "c", "image": "busybox:1.35"}]}
    });
    let selector = serde_json::json!({"matchLabels": {"app": "wl"}});
    let objects = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "wl"},
            "spec": {"replicas": 2, "selector": selector,
                "template": {"metadata": template["metadata"],
                    "spec": {"schedulerName": "none",
                        "containers": [{"name": "c", "image": "busybox:1.35"}]}}}},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "wl"},
            "spec": {"replicas": 1, "serviceName": "wl", "selector": selector,
                "template": {"metadata": template["metadata"],
                    "spec": {"schedulerName": "none",
                        "containers": [{"name": "c", "image": "busybox:1.35"}]}}}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
            "spec": {"selector": selector,
                "template": {"metadata": template["metadata"],
                    "spec": {"schedulerName": "none",
                        "containers": [{"name": "c", "image": "busybox:1.35"}]}}}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"},
            "spec": {"template": template}}
    ]});
    let file = std::env::temp_dir().join(format!("{ns}.json"));
    std::fs::write(&file, objects.to_string()).unwrap();
    kubectl(&["apply", "-n", ns, "-f", file.to_str().unwrap()]);
    let _ = std::fs::remove_file(&file);
    let all = window_until(&mut socket, 1, "four workloads of four kinds", |w| {
        w.total == 4
            && rows(w)
                .iter()
                .any(|r| r.kind == WorkloadKind::Deployment && r.desired == 2)
    })
    .await;
    let kinds: Vec<_> = rows(&all)
        .iter()
        .map(|r| (r.kind, r.name.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (WorkloadKind::Deployment, "wl".to_owned()),
            (WorkloadKind::StatefulSet, "wl".to_owned()),
            (WorkloadKind::DaemonSet, "agent".to_owned()),
            (WorkloadKind::Job, "once".to_owned()),
        ],
        "sorted by kind; a Deployment and a StatefulSet may share a name"
    );
    for row in rows(&all) {
        assert!(!row.by_wharf(), "{row:?}");
        // A Job's pods are picked by the uid the apiserver gave it.
        if row.kind == WorkloadKind::Job {
            assert!(row.selector.starts_with("controller-uid="), "{row:?}");
        } else {
            assert_eq!(row.selector, "app=wl", "{row:?}");
        }
        // (A Job's pending pod is an active one: the Job is running.)
        if row.kind != WorkloadKind::Job {
            assert_eq!(row.status, AppStatus::Updating, "no pod is ready: {row:?}");
        }
    }
    kubectl(&["delete", "deployment", "wl", "-n", ns, "--wait=false"]);
    let after = window_until(&mut socket, 1, "the Deployment gone, the rest kept", |w| {
        w.total == 3
    })
    .await;
    assert!(
        rows(&after)
            .iter()
            .any(|r| r.kind == WorkloadKind::StatefulSet && r.name == "wl")
    );
}

/// An Event about `object` (`Pod/web-0`), made as a controller would, that
/// last happened at `last` (RFC 3339: fixed times, so that the order does
/// not depend on two events being made in different seconds).
fn event(ns: &str, name: &str, object: (&str, &str), reason: &str, warning: bool, last: &str) {
    let event = serde_json::json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": ns},
        "involvedObject": {"kind": object.0, "name": object.1, "namespace": ns},
        "reason": reason, "message": format!("{reason} happened"),
        "type": if warning { "Warning" } else { "Normal" },
        "count": 1, "firstTimestamp": last, "lastTimestamp": last,
        "source": {"component": "wharf-test"}
    });
    let file = std::env::temp_dir().join(format!("{ns}-{name}.json"));
    std::fs::write(&file, event.to_string()).unwrap();
    let out = kubectl(&["apply", "-f", file.to_str().unwrap()]);
    std::fs::remove_file(&file).ok();
    assert!(out.contains(name), "kubectl made the event: {out}");
}

/// A detail page's sources: the events of one object (a field selector
/// on the involved object) follow kubectl, newest first, and leave out
/// the events of other objects; a source of one object by name follows
/// that object alone.
#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn one_objects_events_and_the_object_itself_follow_kubectl() {
    let mut socket = admin_socket().await;
    let space = new_space("it-live-ev");
    let ns = space.0.as_str();
    pending_pods(ns, "web", 2);
    event(
        ns,
        "web-00000.a",
        ("Pod", "web-00000"),
        "Scheduled",
        false,
        "2026-01-01T00:00:00Z",
    );
    event(
        ns,
        "web-00001.a",
        ("Pod", "web-00001"),
        "Other",
        false,
        "2026-01-01T00:00:00Z",
    );
    let by_age = View {
        sort: SortColumn::Age,
        ..View::default()
    };
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 1,
            source: Source::events_of(ns, Some("Pod"), "web-00000"),
            view: by_age.clone(),
        },
    )
    .await;
    let events = |w: &Window| match &w.rows {
        LiveRows::Events(rows) => rows.clone(),
        other => panic!("an event subscription got {other:?}"),
    };
    let first = window_until(&mut socket, 1, "the pod's event", |w| {
        w.state == LiveState::Live && w.total == 1
    })
    .await;
    let row = &events(&first)[0];
    assert_eq!(
        (row.object.as_str(), row.reason.as_str()),
        ("Pod/web-00000", "Scheduled"),
        "the other pod's event is not in this pod's list"
    );
    // A warning that happened later: the newest is first.
    event(
        ns,
        "web-00000.b",
        ("Pod", "web-00000"),
        "BackOff",
        true,
        "2026-01-01T00:01:00Z",
    );
    let two = window_until(&mut socket, 1, "the warning", |w| w.total == 2).await;
    assert_eq!(events(&two)[0].reason, "BackOff");
    assert!(events(&two)[0].warning);
    let statuses: Vec<_> = two.statuses.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    assert_eq!(statuses, [("Normal", 1), ("Warning", 1)]);

    // One subscription at a time from here: `window_until` skips (and does
    // not acknowledge) the other's windows, which would hold it back.
    // The pod by name: it alone, sent again when it changes; deleted: gone.
    send(
        &mut socket,
        LiveRequest::Subscribe {
            id: 2,
            source: Source::named(LiveKind::Pods, ns, "web-00000"),
            view: View::default(),
        },
    )
    .await;
    let one = window_until(&mut socket, 2, "the pod by name", |w| w.total == 1).await;
    assert_eq!(pods(&one), ["web-00000"], "one pod, not the space's two");
    kubectl(&["-n", ns, "label", "pod", "web-00000", "seen=yes"]);
    window_until(&mut socket, 2, "the label's change", |w| w.seq > one.seq).await;
    kubectl(&["-n", ns, "delete", "pod", "web-00000", "--wait=false"]);
    window_until(&mut socket, 2, "the pod gone", |w| w.total == 0).await;
    send(&mut socket, LiveRequest::Unsubscribe { id: 2 }).await;
    kubectl(&["-n", ns, "delete", "event", "web-00000.b"]);
    let left = window_until(&mut socket, 1, "the warning deleted", |w| w.total == 1).await;
    assert_eq!(events(&left)[0].reason, "Scheduled");
}
