//! The seam between a request and the credentials it acts with: which
//! session a request belongs to and that session's cluster. Local mode is
//! [`LocalSessions`] (the operator's kubeconfig); multi-user mode is
//! `auth::MultiUserSessions`; `clusters::ClusterSet` puts one of them in
//! front of each cluster. Server functions see the app's `Sessions`; the
//! server's own routes (sockets, sign-in state) see [`StreamSessions`].

use crate::k8s::KubeCluster;
use std::sync::Arc;
use wharf_app::backend::{Cluster, Sessions};
use wharf_spec::ApiError;

/// What the server's own routes need from the sessions: the cluster with the
/// streams (exec, logs) that server functions do not have.
pub trait StreamSessions: Sessions {
    fn streams_for(&self, request: &http::request::Parts) -> Result<Arc<KubeCluster>, ApiError>;

    /// Whether the request belongs to a live session (always, in local mode).
    fn is_signed_in(&self, _request: &http::request::Parts) -> bool {
        true
    }
}

/// Local mode: one operator, one session, the operator's credentials.
/// Multi-user sign-in replaces this with sessions keyed by a cookie; the
/// server functions do not change.
pub struct LocalSessions {
    cluster: Arc<KubeCluster>,
}

impl LocalSessions {
    pub fn new(cluster: KubeCluster) -> Self {
        Self {
            cluster: Arc::new(cluster),
        }
    }

    /// The one session's cluster.
    pub fn cluster(&self) -> Arc<KubeCluster> {
        self.cluster.clone()
    }
}

impl StreamSessions for LocalSessions {
    fn streams_for(&self, _request: &http::request::Parts) -> Result<Arc<KubeCluster>, ApiError> {
        Ok(self.cluster.clone())
    }
}

impl Sessions for LocalSessions {
    fn cluster_for(&self, _request: &http::request::Parts) -> Result<Arc<dyn Cluster>, ApiError> {
        Ok(self.cluster.clone())
    }
}
