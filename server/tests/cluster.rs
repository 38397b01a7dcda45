//! The server's `k8s` module against the real local cluster
//! (end2end/cluster/up.sh). Run by end2end/test.sh with `--include-ignored`;
//! they read the kubeconfigs from `KUBE_LOCAL_ADMIN_KUBECONFIG` and
//! `KUBE_LOCAL_RESTRICTED_KUBECONFIG`.

use std::path::PathBuf;
use std::time::{Duration, Instant};
use wharf_app::backend::Cluster;
use wharf_server::k8s::{ConnectionSource, KubeCluster, connect};
use wharf_spec::space::{NewSpace, fields};
use wharf_spec::{ApiError, Problem};

const NEEDS_CLUSTER: &str = "needs the local cluster: bash end2end/test.sh";

async fn cluster_as(env: &str) -> KubeCluster {
    let path = std::env::var(env).unwrap_or_else(|_| panic!("{env} is not set ({NEEDS_CLUSTER})"));
    let source = ConnectionSource::Kubeconfig {
        path: Some(PathBuf::from(path)),
        context: None,
    };
    KubeCluster::new(connect(&source).await.expect("client"))
}

async fn admin() -> KubeCluster {
    cluster_as("KUBE_LOCAL_ADMIN_KUBECONFIG").await
}

async fn restricted() -> KubeCluster {
    cluster_as("KUBE_LOCAL_RESTRICTED_KUBECONFIG").await
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos:x}", std::process::id())
}

/// Waits for `done` with a deadline instead of sleeping a fixed time.
async fn eventually<F, Fut>(what: &str, deadline: Duration, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn admin_creates_lists_and_deletes_a_space() {
    let cluster = admin().await;
    let name = unique("it-space");
    let space = NewSpace {
        name: name.clone(),
        description: "集成测试 integration".into(),
    };
    let created = cluster.create_space(&space).await.expect("create");
    assert_eq!(created.name, name);
    assert_eq!(created.description.as_deref(), Some("集成测试 integration"));

    let listed = cluster.list_spaces().await.expect("list");
    let found = listed
        .iter()
        .find(|s| s.name == name)
        .expect("new space is listed");
    assert!(!found.terminating);

    assert!(
        cluster
            .list_services(&name)
            .await
            .expect("services")
            .is_empty()
    );
    let contents = cluster.space_contents(&name).await.expect("contents");
    assert!(contents.is_empty(), "{contents:?}");

    cluster.delete_space(&name).await.expect("delete");
    eventually("the namespace to go", Duration::from_secs(90), || async {
        !cluster
            .list_spaces()
            .await
            .unwrap()
            .iter()
            .any(|s| s.name == name)
    })
    .await;
    assert!(matches!(
        cluster.list_services(&name).await,
        Err(ApiError::NotFound { .. })
    ));
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn apiserver_rejections_land_on_the_form_fields() {
    let cluster = admin().await;
    // Skips the shared crate's check on purpose: the apiserver's own 422
    // must come back located at the name field.
    let bad = NewSpace {
        name: "Bad_Name".into(),
        description: String::new(),
    };
    let err = cluster.create_space(&bad).await.unwrap_err();
    assert_eq!(err.http_status(), 422, "{err:?}");
    assert!(
        matches!(err.field_errors().get(fields::NAME), Some(Problem::Server(m)) if m.contains("RFC 1123")),
        "{err:?}"
    );

    // "default" always exists: AlreadyExists, also at the name field.
    let taken = NewSpace {
        name: "default".into(),
        description: String::new(),
    };
    let err = cluster.create_space(&taken).await.unwrap_err();
    assert_eq!(
        err.field_errors().get(fields::NAME),
        Some(&Problem::AlreadyExists)
    );
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn restricted_user_is_forbidden_outside_dev() {
    let cluster = restricted().await;
    // Allowed: its own namespace.
    cluster.list_services("dev").await.expect("dev is allowed");
    cluster
        .space_contents("dev")
        .await
        .expect("dev contents are allowed");

    // Refused, as Forbidden (not a crash, not an empty list).
    for result in [
        cluster.list_services("default").await.map(|_| ()),
        cluster.list_services("kube-system").await.map(|_| ()),
        cluster.space_contents("default").await.map(|_| ()),
        cluster
            .get_service("default", "kubernetes")
            .await
            .map(|_| ()),
        cluster.list_spaces().await.map(|_| ()),
        cluster
            .create_space(&NewSpace {
                name: unique("it-denied"),
                description: String::new(),
            })
            .await
            .map(|_| ()),
        cluster.delete_space("default").await,
    ] {
        match result {
            Err(ApiError::Forbidden { message }) => {
                assert!(message.contains("forbidden"), "{message}")
            }
            other => panic!("expected Forbidden, got {other:?}"),
        }
    }
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn service_detail_of_the_kubernetes_service() {
    let cluster = admin().await;
    let detail = cluster
        .get_service("default", "kubernetes")
        .await
        .expect("get");
    assert_eq!(detail.row.name, "kubernetes");
    assert_eq!(detail.row.ports[0].port, 443);
    assert!(detail.yaml.contains("kind: Service"), "{}", detail.yaml);
    assert!(!detail.yaml.contains("managedFields"));
    assert!(matches!(
        cluster.get_service("default", "no-such-service").await,
        Err(ApiError::NotFound { .. })
    ));
}
