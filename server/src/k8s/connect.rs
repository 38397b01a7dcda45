//! Building a kube client from a credential source, and the local-mode
//! sessions (the operator's own kubeconfig).

use super::KubeCluster;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use std::path::PathBuf;

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
    #[error("no cluster to serve: the kubeconfig has no context")]
    NoCluster,
    #[error(
        "the contexts {first:?} and {second:?} would both be served as the cluster {name:?}; choose one with --context"
    )]
    SameName {
        name: String,
        first: String,
        second: String,
    },
}

pub async fn connect(source: &ConnectionSource) -> Result<Client, ConnectError> {
    Ok(client_from(load_config(source).await?)?)
}

/// Every client Wharf makes: kube's, with its calls counted and timed for
/// `/metrics`.
pub fn client_from(config: Config) -> Result<Client, kube::Error> {
    Ok(kube::client::ClientBuilder::try_from(config)?
        .with_layer(&crate::metrics::KubeCallsLayer)
        .build())
}

/// A client of the apiserver at `url` without credentials (tests of what
/// is built around clients, where nothing is asked of it).
pub fn client_at(url: &str) -> Result<Client, kube::Error> {
    let url = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| kube::Error::Service(Box::new(e)))?;
    client_from(Config::new(url))
}

/// Whether the apiserver answers (`/readyz`): any HTTP answer counts, even
/// a refusal of the credentials; no answer within 3 s does not.
pub async fn answers(client: &Client) -> bool {
    let version = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        client.apiserver_version(),
    );
    matches!(version.await, Ok(Ok(_)) | Ok(Err(kube::Error::Api(_))))
}

/// The configuration (cluster and credentials) a source describes.
pub async fn load_config(source: &ConnectionSource) -> Result<Config, ConnectError> {
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
    Ok(config)
}

/// What `/readyz` asks the apiserver with: local mode's client, or in
/// multi-user mode the cluster's address without any credentials.
pub enum ApiserverProbe {
    Client(Client),
    Address(Box<super::credentials::ClusterAddress>),
}

impl ApiserverProbe {
    pub async fn answers(&self) -> bool {
        match self {
            ApiserverProbe::Client(client) => answers(client).await,
            ApiserverProbe::Address(address) => address.answers().await,
        }
    }

    /// The cluster list's row without a session: the version only.
    pub async fn summary(&self, name: &str) -> wharf_spec::cluster::ClusterSummary {
        match self {
            ApiserverProbe::Client(client) => KubeCluster::new(client.clone()).summary(name).await,
            ApiserverProbe::Address(address) => address.summary(name).await,
        }
    }
}
