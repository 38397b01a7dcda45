//! Nodes: the nodes list, each node's use (kubelet summary, pods bound to
//! it) and the node page.

use super::{KubeCluster, map_error, now_unix};
use async_trait::async_trait;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, ListParams};
use std::collections::HashMap;
use wharf_app::backend::Nodes;
use wharf_spec::cluster::{NodeDetail, NodePod, NodeRow, NodeUse};
use wharf_spec::{ApiError, convert};

impl KubeCluster {
    /// A node's own CPU and memory in use, from its kubelet's summary
    /// through the apiserver's node proxy; None when not readable.
    async fn node_usage(&self, node: &str) -> Option<wharf_spec::view::Usage> {
        let request = http::Request::get(format!("/api/v1/nodes/{node}/proxy/stats/summary"))
            .body(Vec::new())
            .ok()?;
        match self.client.request::<serde_json::Value>(request).await {
            Ok(summary) => convert::node_usage(&summary),
            Err(e) => {
                tracing::debug!(node, "no usage figures: {e}");
                None
            }
        }
    }
}

#[async_trait]
impl Nodes for KubeCluster {
    async fn list_nodes(&self) -> Result<Vec<NodeRow>, ApiError> {
        let api: Api<Node> = Api::all(self.client.clone());
        let now = now_unix();
        let mut rows = Self::list_projected(&api, ListParams::default(), |n: Node| {
            Some(convert::node_row(&n, now))
        })
        .await?;
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(rows)
    }

    async fn nodes_use(&self) -> Result<Vec<NodeUse>, ApiError> {
        let api: Api<Node> = Api::all(self.client.clone());
        let names =
            Self::list_projected(&api, ListParams::default(), |n: Node| n.metadata.name).await?;
        // Pods of every space, kept as their node's name only; a user who
        // may not list them cluster-wide gets no counts.
        let pods: Api<Pod> = Api::all(self.client.clone());
        let params = ListParams::default().fields("status.phase!=Succeeded,status.phase!=Failed");
        let counts = Self::list_projected(&pods, params, |p: Pod| p.spec?.node_name)
            .await
            .ok()
            .map(|nodes| {
                let mut counts: HashMap<String, usize> = HashMap::new();
                for node in nodes {
                    *counts.entry(node).or_default() += 1;
                }
                counts
            });
        let usage = futures::future::join_all(names.iter().map(|n| self.node_usage(n))).await;
        Ok(names
            .into_iter()
            .zip(usage)
            .map(|(name, usage)| NodeUse {
                pods: counts.as_ref().map(|c| c.get(&name).copied().unwrap_or(0)),
                usage,
                name,
            })
            .collect())
    }

    async fn node_detail(&self, name: &str) -> Result<NodeDetail, ApiError> {
        let api: Api<Node> = Api::all(self.client.clone());
        let node = api.get(name).await.map_err(map_error)?;
        let now = now_unix();
        let mut detail = convert::node_detail(&node, now);
        let pods: Api<Pod> = Api::all(self.client.clone());
        let params = ListParams::default().fields(&format!("spec.nodeName={name}"));
        let (listed, usage) = futures::join!(
            Self::list_projected(&pods, params, |p: Pod| {
                Some(NodePod {
                    space: p.metadata.namespace.clone().unwrap_or_default(),
                    row: convert::pod_row(&p, now),
                })
            }),
            self.node_usage(name)
        );
        // Without the right to list pods of every space the page still
        // shows the node; the pods part says it may not.
        detail.pods = listed.ok().map(|mut pods| {
            pods.sort_by(|a, b| (&a.space, &a.row.name).cmp(&(&b.space, &b.row.name)));
            pods
        });
        detail.usage = usage;
        Ok(detail)
    }
}
