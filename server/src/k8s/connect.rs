//! Building a kube client from a credential source, and the local-mode
//! sessions (the operator's own kubeconfig).

use super::KubeCluster;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use std::path::PathBuf;
use std::sync::Arc;
use wharf_app::backend::{Cluster, Sessions};
use wharf_spec::ApiError;

/// Where a session's credentials come from.
#[derive(Clone, Debug)]
pub enum ConnectionSource {
    /// A kubeconfig file; `None` means kube's default search
    /// (`KUBECONFIG`, then `~/.kube/config`).
    Kubeconfig {
        path: Option<PathBuf>,
        context: Option<String>,
    },
    /// The pod's service account (Wharf running inside the cluster).
    InCluster,
}

/// Why a client could not be built. Says which source failed, never what
/// the credentials are.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot load the kubeconfig: {0}")]
    Kubeconfig(#[from] kube::config::KubeconfigError),
    #[error("cannot load the in-cluster configuration: {0}")]
    InCluster(#[from] kube::config::InClusterError),
    #[error("cannot build a Kubernetes client: {0}")]
    Client(#[from] kube::Error),
}

pub async fn connect(source: &ConnectionSource) -> Result<Client, ConnectError> {
    let config = match source {
        ConnectionSource::Kubeconfig { path, context } => {
            let options = KubeConfigOptions {
                context: context.clone(),
                ..Default::default()
            };
            match path {
                Some(path) => {
                    Config::from_custom_kubeconfig(Kubeconfig::read_from(path)?, &options).await?
                }
                None => Config::from_kubeconfig(&options).await?,
            }
        }
        ConnectionSource::InCluster => Config::incluster()?,
    };
    Ok(Client::try_from(config)?)
}

/// Local mode: one operator, one session, the operator's credentials.
/// Multi-user sign-in replaces this with sessions keyed by a cookie; the
/// server functions do not change.
pub struct LocalSessions {
    cluster: Arc<KubeCluster>,
}

impl LocalSessions {
    pub fn new(client: Client) -> Self {
        Self {
            cluster: Arc::new(KubeCluster::new(client)),
        }
    }
}

/// What the socket relays need from a session: its cluster with the streams
/// (exec, logs) that server functions do not have.
pub trait StreamSessions: Sessions {
    fn streams_for(&self, request: &http::request::Parts) -> Result<Arc<KubeCluster>, ApiError>;
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
