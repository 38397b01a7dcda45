//! The pod page and pods' CPU/memory (kubelet summary stats through the
//! apiserver's node proxy, so no metrics-server is needed).

use super::{KubeCluster, map_error, now_unix};
use async_trait::async_trait;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use std::collections::{BTreeSet, HashMap};
use wharf_app::backend::Pods;
use wharf_spec::view::{PodDetail, PodRow, Usage};
use wharf_spec::{ApiError, convert, labels_wharf};

impl KubeCluster {
    /// CPU/memory of `namespace`'s pods on `nodes`. A node whose summary
    /// this user may not read (`nodes/proxy` is rarely granted) or that does
    /// not answer just has no figures: the page shows "n/a".
    pub(super) async fn usage_on(
        &self,
        namespace: &str,
        nodes: BTreeSet<String>,
    ) -> HashMap<String, Usage> {
        let reads = nodes.into_iter().map(|node| async move {
            let request = http::Request::get(format!("/api/v1/nodes/{node}/proxy/stats/summary"))
                .body(Vec::new());
            let Ok(request) = request else {
                return HashMap::new();
            };
            match self.client.request::<serde_json::Value>(request).await {
                Ok(summary) => convert::pod_usage(&summary, namespace),
                Err(e) => {
                    tracing::debug!(node, "no usage figures: {e}");
                    HashMap::new()
                }
            }
        });
        futures::future::join_all(reads)
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    /// Fills `usage` of each row from its node's summary.
    pub(super) async fn add_usage(&self, namespace: &str, rows: &mut [PodRow]) {
        let nodes: BTreeSet<String> = rows.iter().filter_map(|r| r.node.clone()).collect();
        if nodes.is_empty() {
            return;
        }
        let usage = self.usage_on(namespace, nodes).await;
        for row in rows {
            row.usage = usage.get(&row.name).copied();
        }
    }
}

#[async_trait]
impl Pods for KubeCluster {
    async fn pods_usage(
        &self,
        space: &str,
        pods: &[(String, String)],
    ) -> Result<Vec<(String, Usage)>, ApiError> {
        let nodes: BTreeSet<String> = pods.iter().map(|(_, node)| node.clone()).collect();
        let usage = self.usage_on(space, nodes).await;
        Ok(pods
            .iter()
            .filter_map(|(name, _)| Some((name.clone(), *usage.get(name)?)))
            .collect())
    }

    async fn pod_detail(&self, space: &str, name: &str) -> Result<PodDetail, ApiError> {
        let pods: Api<Pod> = self.namespaced(space);
        let pod = pods.get(name).await.map_err(|e| match map_error(e) {
            ApiError::NotFound { .. } => ApiError::NotFound {
                kind: "pod".into(),
                name: name.into(),
            },
            e => e,
        })?;
        let now = now_unix();
        let mut row = [convert::pod_row(&pod, now)];
        self.add_usage(space, &mut row).await;
        let [row] = row;
        let mut shown = pod.clone();
        shown.metadata.managed_fields = None;
        let yaml = serde_yaml::to_string(&shown).map_err(|e| ApiError::Internal {
            message: e.to_string(),
        })?;
        Ok(PodDetail {
            row,
            app: pod
                .metadata
                .labels
                .as_ref()
                .filter(|l| {
                    l.get(labels_wharf::MANAGED_BY).map(String::as_str) == Some(labels_wharf::WHARF)
                })
                .and_then(|l| l.get(labels_wharf::NAME).cloned()),
            containers: convert::pod_containers(&pod, now),
            yaml,
        })
    }
}
