//! Several clusters against the real local clusters: the first, the second
//! (control plane only) and a context at a closed port, from the kubeconfig
//! `end2end/lib.sh`'s `clusters_kubeconfig` writes (`WHARF_CLUSTERS_KUBECONFIG`).
//! Run by end2end/test.sh with `--include-ignored`.

use std::path::PathBuf;
use wharf_app::backend::{Cluster, Nodes};
use wharf_server::k8s::clusters::{ClusterSources, load_clusters};
use wharf_server::k8s::credentials::ClusterAddress;
use wharf_server::k8s::{KubeCluster, client_from};
use wharf_spec::cluster::{NodeCount, NodeReadiness, Unreachable};

fn sources() -> ClusterSources {
    let path = std::env::var("WHARF_CLUSTERS_KUBECONFIG").expect(
        "WHARF_CLUSTERS_KUBECONFIG is not set (needs both local clusters: bash end2end/test.sh)",
    );
    ClusterSources {
        kubeconfig: Some(PathBuf::from(path)),
        ..ClusterSources::default()
    }
}

#[tokio::test]
#[ignore = "needs both local clusters: bash end2end/test.sh"]
async fn every_context_is_a_cluster_and_each_says_what_it_is() {
    let clusters = load_clusters(&sources()).await.expect("clusters");
    let names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["kube-a", "kube-b", "kube-off"],
        "the current context first"
    );

    let session = |i: usize| KubeCluster::new(client_from(clusters[i].config.clone()).unwrap());
    let (a, b, off) = (session(0), session(1), session(2));
    let started = std::time::Instant::now();
    let (a, b, off) = futures::join!(
        a.summary("kube-a"),
        b.summary("kube-b"),
        off.summary("kube-off")
    );
    assert!(
        started.elapsed().as_secs() < 5,
        "a closed port does not hold up the others"
    );

    assert_eq!(a.version.as_deref(), Some("v1.20.2"));
    assert_eq!(a.nodes, Some(NodeCount { ready: 1, total: 1 }));
    assert_eq!(a.may_list_spaces, Some(true));
    assert_eq!(a.unreachable, None);

    assert_eq!(b.version.as_deref(), Some("v1.20.2"));
    assert_eq!(
        b.nodes,
        Some(NodeCount { ready: 0, total: 0 }),
        "a control plane without nodes"
    );
    assert_eq!(b.unreachable, None);

    assert_eq!(off.unreachable, Some(Unreachable::Refused));
    assert_eq!(off.version, None);
}

#[tokio::test]
#[ignore = "needs both local clusters: bash end2end/test.sh"]
async fn without_a_session_only_the_version_is_read() {
    let clusters = load_clusters(&sources()).await.expect("clusters");
    let anonymous = ClusterAddress::from_config(clusters[1].config.clone());
    let summary = anonymous.summary("kube-b").await;
    assert_eq!(summary.version.as_deref(), Some("v1.20.2"));
    assert_eq!(summary.nodes, None);
    assert_eq!(summary.may_list_spaces, None);
}

#[tokio::test]
#[ignore = "needs both local clusters: bash end2end/test.sh"]
async fn the_nodes_of_the_first_cluster() {
    let clusters = load_clusters(&sources()).await.expect("clusters");
    let a = KubeCluster::new(client_from(clusters[0].config.clone()).unwrap());
    let rows = a.list_nodes().await.expect("nodes");
    assert_eq!(rows.len(), 1);
    let node = &rows[0];
    assert_eq!(node.readiness, NodeReadiness::Ready);
    assert_eq!(node.kubelet_version, "v1.20.2");
    assert!(node.allocatable.cpu_millis > 0 && node.allocatable.memory_bytes > 0);
    let used = a.nodes_use().await.expect("use");
    assert_eq!(used.len(), 1);
    assert!(
        used[0].pods.is_some(),
        "the admin may count every space's pods: {used:?}"
    );
    assert!(
        used[0].usage.is_some_and(|u| u.memory_bytes > 0),
        "the kubelet's figures: {used:?}"
    );
    let detail = a.node_detail(&node.name).await.expect("node page");
    assert!(
        detail
            .conditions
            .iter()
            .any(|c| c.kind == "Ready" && !c.problem)
    );
    let pods = detail.pods.expect("the admin may list every space's pods");
    // (Not compared with the count read before: other tests' pods come and
    // go meanwhile.) Every pod listed is on this node.
    assert!(
        pods.iter()
            .all(|p| p.row.node.as_deref() == Some(node.name.as_str())),
        "{pods:?}"
    );
    // The second cluster has no nodes; a name that is not there is not found.
    let b = KubeCluster::new(client_from(clusters[1].config.clone()).unwrap());
    assert!(b.list_nodes().await.expect("nodes of b").is_empty());
    assert!(matches!(
        a.node_detail("no-such-node").await,
        Err(wharf_spec::ApiError::NotFound { .. })
    ));
    let _ = <KubeCluster as Cluster>::list_spaces(&a)
        .await
        .expect("spaces of a");
}
