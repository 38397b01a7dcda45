//! The clusters one Wharf serves (from the kubeconfig's contexts and the
//! pod's own cluster), and what the cluster list reads of each.

use super::credentials::ClusterAddress;
use super::{ConnectError, KubeCluster};
use k8s_openapi::api::core::v1::Node;
use kube::Config;
use kube::api::{Api, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use std::path::PathBuf;
use std::time::Duration;
use wharf_spec::cluster::{
    ClusterSummary, NodeCount, Unreachable, cluster_name_for_context, is_cluster_name,
};

/// How long a connection to an apiserver may take: an unreachable cluster
/// answers its pages (and its row of the cluster list) with "timeout" after
/// this, and never holds up another cluster's.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the cluster list waits for one cluster's row.
pub const SUMMARY_TIMEOUT: Duration = Duration::from_secs(8);

/// The name the pod's own cluster is served by.
pub const IN_CLUSTER: &str = "in-cluster";

/// One cluster Wharf serves.
pub struct ClusterConfig {
    /// In URLs and cookie names (see [`wharf_spec::cluster::is_cluster_name`]).
    pub name: String,
    /// The kubeconfig context it comes from, or `in-cluster`.
    pub context: String,
    /// Its address and CA, and (in local mode) the operator's credentials.
    pub config: Config,
}

/// Where the clusters come from.
#[derive(Clone, Debug, Default)]
pub struct ClusterSources {
    /// The kubeconfig; `None`: kube's default search (`KUBECONFIG`, then
    /// `~/.kube/config`). Not read when only `in_cluster` is asked for.
    pub kubeconfig: Option<PathBuf>,
    /// The contexts to serve, in this order; empty: every context of the
    /// kubeconfig, its current context first.
    pub contexts: Vec<String>,
    /// The pod's own cluster (service account), served as `in-cluster`.
    pub in_cluster: bool,
}

impl ClusterSources {
    fn reads_kubeconfig(&self) -> bool {
        !self.in_cluster || self.kubeconfig.is_some() || !self.contexts.is_empty()
    }
}

/// Every cluster of `sources`, the default one first. A context the
/// operator named that cannot be loaded is an error; of "every context", one
/// that cannot be loaded is left out with a warning.
pub async fn load_clusters(sources: &ClusterSources) -> Result<Vec<ClusterConfig>, ConnectError> {
    let mut clusters = Vec::new();
    if sources.in_cluster {
        clusters.push(ClusterConfig {
            name: IN_CLUSTER.into(),
            context: IN_CLUSTER.into(),
            config: Config::incluster()?,
        });
    }
    if sources.reads_kubeconfig() {
        let kubeconfig = match &sources.kubeconfig {
            Some(path) => Kubeconfig::read_from(path)?,
            None => Kubeconfig::read()?,
        };
        let chosen = !sources.contexts.is_empty();
        let contexts = if chosen {
            sources.contexts.clone()
        } else {
            contexts_current_first(&kubeconfig)
        };
        for context in contexts {
            let options = KubeConfigOptions {
                context: Some(context.clone()),
                ..Default::default()
            };
            match Config::from_custom_kubeconfig(kubeconfig.clone(), &options).await {
                Ok(config) => clusters.push(ClusterConfig {
                    name: cluster_name_for_context(&context),
                    context,
                    config,
                }),
                Err(error) if chosen => return Err(error.into()),
                Err(error) => {
                    tracing::warn!(context, "context left out: {error}");
                }
            }
        }
    }
    for cluster in &mut clusters {
        cluster.config.connect_timeout = Some(CONNECT_TIMEOUT);
    }
    check_names(&clusters)?;
    Ok(clusters)
}

fn contexts_current_first(kubeconfig: &Kubeconfig) -> Vec<String> {
    let mut names: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
    if let Some(current) = &kubeconfig.current_context
        && let Some(at) = names.iter().position(|n| n == current)
    {
        let current = names.remove(at);
        names.insert(0, current);
    }
    names
}

fn check_names(clusters: &[ClusterConfig]) -> Result<(), ConnectError> {
    if clusters.is_empty() {
        return Err(ConnectError::NoCluster);
    }
    for (i, a) in clusters.iter().enumerate() {
        debug_assert!(is_cluster_name(&a.name));
        if let Some(b) = clusters[..i].iter().find(|b| b.name == a.name) {
            return Err(ConnectError::SameName {
                name: a.name.clone(),
                first: b.context.clone(),
                second: a.context.clone(),
            });
        }
    }
    Ok(())
}

/// Why a call did not reach the apiserver, in the cluster list's words;
/// None when the apiserver answered (even with a refusal).
pub fn unreachable(error: &kube::Error) -> Option<Unreachable> {
    if matches!(error, kube::Error::Api(_)) {
        return None;
    }
    // The cause is a few sources down (kube → hyper-util → io / rustls).
    let mut chain = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Some(Unreachable::Refused),
                std::io::ErrorKind::TimedOut => return Some(Unreachable::Timeout),
                _ => {}
            }
        }
        chain.push(e.to_string());
        source = e.source();
    }
    let text = chain.join(": ").to_ascii_lowercase();
    Some(if text.contains("certificate") || text.contains("tls") {
        Unreachable::Certificate
    } else if text.contains("timed out") || text.contains("timeout") || text.contains("elapsed") {
        Unreachable::Timeout
    } else if text.contains("connection refused") {
        Unreachable::Refused
    } else if text.contains("dns") || text.contains("lookup") || text.contains("resolve") {
        Unreachable::UnknownHost
    } else {
        Unreachable::Other {
            message: chain.first().cloned().unwrap_or_default(),
        }
    })
}

fn not_answered(name: &str) -> ClusterSummary {
    ClusterSummary {
        name: name.to_string(),
        version: None,
        nodes: None,
        may_list_spaces: None,
        unreachable: None,
    }
}

impl KubeCluster {
    /// The cluster list's row, as this session sees the cluster: version,
    /// nodes (when it may list them) and whether it may list spaces.
    pub async fn summary(&self, name: &str) -> ClusterSummary {
        let mut summary = not_answered(name);
        let read = async {
            match self.client.apiserver_version().await {
                Ok(info) => summary.version = Some(info.git_version),
                Err(error) => {
                    summary.unreachable = unreachable(&error);
                    if summary.unreachable.is_some() {
                        return;
                    }
                }
            }
            let (nodes, spaces) =
                futures::join!(self.node_count(), self.may("list", "namespaces", None));
            summary.nodes = nodes;
            summary.may_list_spaces = spaces.ok();
        };
        if tokio::time::timeout(SUMMARY_TIMEOUT, read).await.is_err() {
            summary.unreachable = Some(Unreachable::Timeout);
        }
        summary
    }

    /// Ready and all nodes; None when they may not be listed.
    async fn node_count(&self) -> Option<NodeCount> {
        let api: Api<Node> = Api::all(self.client.clone());
        let ready = Self::list_projected(&api, ListParams::default(), |node: Node| {
            let ready = node
                .status
                .and_then(|s| s.conditions)
                .into_iter()
                .flatten()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            Some(ready)
        })
        .await
        .ok()?;
        Some(NodeCount {
            ready: ready.iter().filter(|r| **r).count(),
            total: ready.len(),
        })
    }
}

impl ClusterAddress {
    /// The row of a cluster the user is not signed in to: its version, read
    /// without credentials (`/version` is public in every distribution's
    /// default RBAC), and nothing else.
    pub async fn summary(&self, name: &str) -> ClusterSummary {
        let mut summary = not_answered(name);
        let client = match super::client_from(self.config().clone()) {
            Ok(client) => client,
            Err(error) => {
                summary.unreachable = unreachable(&error);
                return summary;
            }
        };
        match tokio::time::timeout(SUMMARY_TIMEOUT, client.apiserver_version()).await {
            Ok(Ok(info)) => summary.version = Some(info.git_version),
            Ok(Err(error)) => summary.unreachable = unreachable(&error),
            Err(_) => summary.unreachable = Some(Unreachable::Timeout),
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubeconfig(current: Option<&str>, contexts: &[&str]) -> Kubeconfig {
        Kubeconfig {
            current_context: current.map(str::to_string),
            contexts: contexts
                .iter()
                .map(|name| kube::config::NamedContext {
                    name: name.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn every_context_is_served_the_current_one_first() {
        let k = kubeconfig(Some("b"), &["a", "b", "c"]);
        assert_eq!(contexts_current_first(&k), ["b", "a", "c"]);
        let k = kubeconfig(None, &["a", "b"]);
        assert_eq!(contexts_current_first(&k), ["a", "b"]);
    }

    #[test]
    fn two_contexts_with_one_name_are_refused() {
        let cluster = |name: &str, context: &str| ClusterConfig {
            name: name.into(),
            context: context.into(),
            config: Config::new("https://127.0.0.1:6443".parse().unwrap()),
        };
        let error = check_names(&[cluster("a-b", "a@b"), cluster("a-b", "a/b")]).unwrap_err();
        assert!(error.to_string().contains("\"a@b\" and \"a/b\""), "{error}");
        assert!(matches!(check_names(&[]), Err(ConnectError::NoCluster)));
    }

    #[test]
    fn a_refusal_is_an_answer_and_a_closed_port_is_refused() {
        let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let error = kube::Error::Service(Box::new(io));
        assert_eq!(unreachable(&error), Some(Unreachable::Refused));
        let status: kube::core::Status = serde_json::from_str(
            r#"{"status":"Failure","message":"forbidden","reason":"Forbidden","code":403}"#,
        )
        .unwrap();
        assert_eq!(unreachable(&kube::Error::Api(Box::new(status))), None);
    }
}
