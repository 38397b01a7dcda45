//! Log streams and pod changes from the apiserver, as plain byte streams for the
//! socket relays (`crate::sockets`), which never see a kube type.
//!
//! Terminals (exec with a tty) are `terminal.rs`.

use super::{KubeCluster, map_error};
use futures::{AsyncBufRead, Stream, StreamExt};
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{Api, LogParams};
use kube::core::Selector;
use kube::runtime::watcher;
use wharf_spec::ApiError;
use wharf_spec::stream::LogQuery;

/// What a multi-pod log follows: pods coming and going.
pub enum PodChange {
    /// A pod whose containers can be read now (name, container names).
    Readable {
        pod: String,
        containers: Vec<String>,
    },
    Gone {
        pod: String,
    },
    /// Every pod that existed when the watch began has been reported.
    Listed,
}

impl KubeCluster {
    /// One container's log as a byte stream.
    pub async fn log_stream(
        &self,
        space: &str,
        pod: &str,
        container: &str,
        query: &LogQuery,
    ) -> Result<impl AsyncBufRead + Send + Unpin + use<>, ApiError> {
        let pods: Api<Pod> = self.namespaced(space);
        let params = LogParams {
            container: (!container.is_empty()).then(|| container.to_string()),
            follow: query.follow,
            previous: query.previous,
            since_seconds: query.since.seconds(),
            tail_lines: query.tail.lines(),
            timestamps: query.timestamps,
            ..LogParams::default()
        };
        let stream = pods.log_stream(pod, &params).await.map_err(map_error)?;
        Ok(Box::pin(stream))
    }

    /// The label selector of a Service (None: it selects no pods).
    pub async fn service_selector(&self, space: &str, name: &str) -> Result<String, ApiError> {
        let services: Api<Service> = self.namespaced(space);
        let service = services.get(name).await.map_err(map_error)?;
        selector_of_service(&service).ok_or_else(|| ApiError::Invalid {
            message: format!("Service {name} selects no pods"),
            causes: Vec::new(),
        })
    }

    /// The label selector of an app's workload (Deployment or StatefulSet).
    pub async fn app_selector(&self, space: &str, app: &str) -> Result<String, ApiError> {
        let deployments: Api<Deployment> = self.namespaced(space);
        let selector = match deployments.get_opt(app).await.map_err(map_error)? {
            Some(d) => d.spec.map(|s| s.selector),
            None => {
                let sets: Api<StatefulSet> = self.namespaced(space);
                match sets.get_opt(app).await.map_err(map_error)? {
                    Some(s) => s.spec.map(|s| s.selector),
                    None => {
                        return Err(ApiError::NotFound {
                            kind: "app".into(),
                            name: app.into(),
                        });
                    }
                }
            }
        };
        // matchLabels and matchExpressions, as kube-core writes them.
        let selector = Selector::try_from(selector.unwrap_or_default())
            .map_err(|e| internal(&format!("the app's workload selector: {e}")))?;
        if selector.selects_all() {
            return Err(internal("the app's workload selects no pods"));
        }
        Ok(selector.to_string())
    }

    /// The pods `selector` picks, as they become readable and go away
    /// (a watch, so pods joining later are followed too).
    pub fn pod_changes(
        &self,
        space: &str,
        selector: &str,
    ) -> impl Stream<Item = Result<PodChange, ApiError>> + Send + use<> {
        let pods: Api<Pod> = self.namespaced(space);
        let config = watcher::Config::default().labels(selector);
        watcher(pods, config).flat_map(|event| {
            let changes: Vec<Result<PodChange, ApiError>> = match event {
                Ok(watcher::Event::Apply(pod) | watcher::Event::InitApply(pod)) => {
                    readable(&pod).into_iter().map(Ok).collect()
                }
                Ok(watcher::Event::Delete(pod)) => vec![Ok(PodChange::Gone {
                    pod: pod.metadata.name.unwrap_or_default(),
                })],
                Ok(watcher::Event::InitDone) => vec![Ok(PodChange::Listed)],
                Ok(watcher::Event::Init) => Vec::new(),
                Err(e) => vec![Err(ApiError::Unavailable {
                    message: e.to_string(),
                })],
            };
            futures::stream::iter(changes)
        })
    }
}

/// `k=v,k=v` of a Service's selector, if it has one.
pub fn selector_of_service(service: &Service) -> Option<String> {
    let selector = service.spec.as_ref()?.selector.as_ref()?;
    (!selector.is_empty()).then(|| Selector::from_iter(selector.clone()).to_string())
}

/// A pod whose containers have started (so their logs can be read).
fn readable(pod: &Pod) -> Option<PodChange> {
    if pod.metadata.deletion_timestamp.is_some() {
        return None;
    }
    let statuses = pod.status.as_ref()?.container_statuses.as_ref()?;
    let containers: Vec<String> = statuses
        .iter()
        .filter(|s| {
            s.state
                .as_ref()
                .is_some_and(|st| st.running.is_some() || st.terminated.is_some())
        })
        .map(|s| s.name.clone())
        .collect();
    (!containers.is_empty()).then(|| PodChange::Readable {
        pod: pod.metadata.name.clone().unwrap_or_default(),
        containers,
    })
}

fn internal(message: &str) -> ApiError {
    ApiError::Internal {
        message: message.into(),
    }
}
