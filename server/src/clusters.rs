//! The clusters one Wharf serves, and which of them a request is for.
//!
//! Every cluster has its own sessions (local mode: the operator's
//! credentials for its context; multi-user mode: the users' own, each in a
//! cookie of that cluster's). A request's cluster is named by the
//! `x-wharf-cluster` header (a page's server function calls), else by its
//! path (`/clusters/<name>/…`, `/embed/clusters/<name>/…`: pages and
//! sockets), else it is the default cluster's (the first).

use crate::auth::MultiUserSessions;
use crate::k8s::{ApiserverProbe, KubeCluster};
use crate::sessions::StreamSessions;
use async_trait::async_trait;
use http::request::Parts;
use std::sync::Arc;
use wharf_app::backend::{Cluster, ClusterDirectory, Sessions};
use wharf_spec::ApiError;
use wharf_spec::cluster::{CLUSTER_HEADER, ClusterChoice, ClusterSummary, cluster_in_path};

/// One cluster and its sessions.
pub struct ServedCluster {
    pub name: String,
    /// The kubeconfig context it was loaded from, or `in-cluster`.
    pub context: String,
    /// The API address, as the cluster list shows it.
    pub server: String,
    pub sessions: Arc<dyn StreamSessions>,
    /// The same sessions as a multi-user store (sign-in and sign-out), in
    /// multi-user mode.
    pub multi_user: Option<Arc<MultiUserSessions>>,
    /// How `/readyz` and the cluster list reach it without a session.
    pub probe: ApiserverProbe,
}

/// Every cluster Wharf serves; the first is the default.
pub struct ClusterSet {
    clusters: Vec<ServedCluster>,
}

impl ClusterSet {
    /// `clusters` must not be empty; the first is the default.
    pub fn new(clusters: Vec<ServedCluster>) -> Self {
        assert!(!clusters.is_empty(), "a Wharf serves at least one cluster");
        Self { clusters }
    }

    /// One cluster, named `default` (the router tests).
    pub fn one(sessions: Arc<dyn StreamSessions>, probe: ApiserverProbe) -> Self {
        Self::new(vec![ServedCluster {
            name: "default".into(),
            context: "default".into(),
            server: String::new(),
            sessions,
            multi_user: None,
            probe,
        }])
    }

    /// One multi-user cluster, named `default` (the router tests).
    pub fn one_multi_user(store: Arc<MultiUserSessions>, probe: ApiserverProbe) -> Self {
        Self::new(vec![ServedCluster {
            name: "default".into(),
            context: "default".into(),
            server: String::new(),
            sessions: store.clone(),
            multi_user: Some(store),
            probe,
        }])
    }

    pub fn default_cluster(&self) -> &ServedCluster {
        &self.clusters[0]
    }

    pub fn named(&self, name: &str) -> Option<&ServedCluster> {
        self.clusters.iter().find(|c| c.name == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &ServedCluster> {
        self.clusters.iter()
    }

    pub fn len(&self) -> usize {
        self.clusters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// The cluster a request names (header, then path), or the default
    /// cluster when it names none; an unknown name is not found.
    pub fn of_request(
        &self,
        path: &str,
        headers: &http::HeaderMap,
    ) -> Result<&ServedCluster, ApiError> {
        let named = match headers.get(CLUSTER_HEADER) {
            Some(value) => Some(value.to_str().unwrap_or_default()),
            None => cluster_in_path(path),
        };
        match named {
            None => Ok(self.default_cluster()),
            Some(name) => self.named(name).ok_or_else(|| ApiError::NotFound {
                kind: "cluster".into(),
                name: name.chars().take(63).collect(),
            }),
        }
    }

    fn of_parts(&self, request: &Parts) -> Result<&ServedCluster, ApiError> {
        self.of_request(request.uri.path(), &request.headers)
    }
}

impl Sessions for ClusterSet {
    fn cluster_for(&self, request: &Parts) -> Result<Arc<dyn Cluster>, ApiError> {
        self.of_parts(request)?.sessions.cluster_for(request)
    }

    fn user(&self, request: &Parts) -> Option<String> {
        self.of_parts(request).ok()?.sessions.user(request)
    }
}

impl StreamSessions for ClusterSet {
    fn streams_for(&self, request: &Parts) -> Result<Arc<KubeCluster>, ApiError> {
        self.of_parts(request)?.sessions.streams_for(request)
    }

    fn is_signed_in(&self, request: &Parts) -> bool {
        self.of_parts(request)
            .is_ok_and(|c| c.sessions.is_signed_in(request))
    }
}

#[async_trait]
impl ClusterDirectory for ClusterSet {
    fn clusters(&self, request: &Parts) -> Vec<ClusterChoice> {
        let mut choices: Vec<ClusterChoice> = self
            .clusters
            .iter()
            .enumerate()
            .map(|(i, c)| ClusterChoice {
                name: c.name.clone(),
                context: c.context.clone(),
                server: c.server.clone(),
                signed_in: c.sessions.is_signed_in(request),
                default: i == 0,
                sign_in: c.multi_user.is_some(),
            })
            .collect();
        // The sign-in page needs the names; where they are is for users.
        if !choices.iter().any(|c| c.signed_in) {
            for choice in &mut choices {
                choice.server.clear();
            }
        }
        choices
    }

    async fn summary(&self, request: &Parts, name: &str) -> Result<ClusterSummary, ApiError> {
        let cluster = self.named(name).ok_or_else(|| ApiError::NotFound {
            kind: "cluster".into(),
            name: name.chars().take(63).collect(),
        })?;
        Ok(match cluster.sessions.streams_for(request) {
            Ok(session) => session.summary(name).await,
            Err(_) => cluster.probe.summary(name).await,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::LocalSessions;

    fn served(name: &str) -> ServedCluster {
        let client = crate::k8s::client_at("https://127.0.0.1:1").unwrap();
        ServedCluster {
            name: name.into(),
            context: name.into(),
            server: "https://127.0.0.1:1".into(),
            sessions: Arc::new(LocalSessions::new(KubeCluster::new(client.clone()))),
            multi_user: None,
            probe: ApiserverProbe::Client(client),
        }
    }

    #[tokio::test]
    async fn a_request_names_its_cluster_by_header_then_path_else_the_default() {
        let set = ClusterSet::new(vec![served("a"), served("b")]);
        let mut headers = http::HeaderMap::new();
        let name =
            |path, headers: &http::HeaderMap| set.of_request(path, headers).map(|c| c.name.clone());
        assert_eq!(name("/api/list_spaces", &headers).unwrap(), "a");
        assert_eq!(name("/clusters/b/spaces/x/pods", &headers).unwrap(), "b");
        assert_eq!(name("/embed/clusters/b/spaces/x", &headers).unwrap(), "b");
        assert_eq!(name("/clusters/b/ws/watch", &headers).unwrap(), "b");
        assert!(matches!(
            name("/clusters/c/spaces", &headers),
            Err(ApiError::NotFound { .. })
        ));
        headers.insert(CLUSTER_HEADER, "b".parse().unwrap());
        assert_eq!(name("/api/list_spaces", &headers).unwrap(), "b");
        headers.insert(CLUSTER_HEADER, "zz".parse().unwrap());
        assert!(name("/clusters/a/x", &headers).is_err(), "the header wins");
    }
}
