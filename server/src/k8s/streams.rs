//! Exec and log streams from the apiserver, as plain byte streams for the
//! socket relays (`crate::sockets`), which never see a kube type.
//!
//! Exec goes over kube's websocket (`v5.channel.k8s.io` where the apiserver
//! has it, else `v4.channel.k8s.io`, as the 1.20 test cluster has). A
//! terminal's process is started through a tiny `sh` wrapper that first
//! reports its PID in an OSC sequence the terminal ignores: closing an exec
//! connection does not end the process in the container (the kubelet leaves
//! it running), so on hang-up Wharf sends it SIGHUP by that PID, as closing a
//! real terminal would.

use super::{KubeCluster, map_error};
use futures::SinkExt;
use futures::channel::mpsc;
use futures::{AsyncBufRead, Stream, StreamExt};
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{Api, AttachParams, AttachedProcess, LogParams, TerminalSize};
use kube::core::Selector;
use kube::runtime::watcher;
use tokio::io::{AsyncRead, AsyncWrite};
use wharf_spec::ApiError;
use wharf_spec::stream::LogQuery;

/// The OSC sequence the wrapper prints before anything else:
/// `ESC ] wharf-pid ; <pid> BEL`.
pub const PID_MARKER_START: &[u8] = b"\x1b]wharf-pid;";
pub const PID_MARKER_END: u8 = 0x07;

/// `argv` run under a wrapper that reports its PID first (then `exec`s it,
/// so the PID stays the process's own).
pub fn with_pid_report(argv: &[String]) -> Vec<String> {
    let mut wrapped = vec![
        "sh".to_string(),
        "-c".to_string(),
        r#"printf '\033]wharf-pid;%s\007' "$$"; exec "$@""#.to_string(),
        "wharf".to_string(),
    ];
    wrapped.extend(argv.iter().cloned());
    wrapped
}

/// A process started with a terminal in a container: its input, its output
/// and the handle that resizes it and reads its exit code.
pub struct TerminalProcess {
    pub stdin: Box<dyn AsyncWrite + Send + Unpin>,
    pub output: Box<dyn AsyncRead + Send + Unpin>,
    pub handle: TerminalHandle,
}

pub struct TerminalHandle {
    process: AttachedProcess,
    resize: Option<mpsc::Sender<TerminalSize>>,
}

impl TerminalHandle {
    pub async fn resize(&mut self, cols: u16, rows: u16) {
        if let Some(resize) = &mut self.resize {
            let _ = resize
                .send(TerminalSize {
                    width: cols,
                    height: rows,
                })
                .await;
        }
    }

    /// The exit code, once the output has ended: 0 on success, the code the
    /// apiserver reports (`NonZeroExitCode`, cause `ExitCode`), or None when
    /// it said nothing (the connection broke).
    pub async fn exit_code(mut self) -> Option<i32> {
        let status = self.process.take_status()?.await?;
        if status.status.as_deref() == Some("Success") {
            return Some(0);
        }
        status
            .details
            .as_ref()?
            .causes
            .as_ref()?
            .iter()
            .find(|c| c.reason.as_deref() == Some("ExitCode"))
            .and_then(|c| c.message.as_deref()?.trim().parse().ok())
    }
}

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
    pub async fn open_terminal(
        &self,
        space: &str,
        pod: &str,
        container: &str,
        argv: &[String],
    ) -> Result<TerminalProcess, ApiError> {
        let pods: Api<Pod> = self.namespaced(space);
        let mut params = AttachParams::interactive_tty();
        if !container.is_empty() {
            params = params.container(container);
        }
        let mut process = pods
            .exec(pod, with_pid_report(argv), &params)
            .await
            .map_err(map_error)?;
        let stdin = process.stdin().ok_or_else(|| internal("no stdin"))?;
        let output = process.stdout().ok_or_else(|| internal("no stdout"))?;
        let resize = process.terminal_size();
        Ok(TerminalProcess {
            stdin: Box::new(stdin),
            output: Box::new(output),
            handle: TerminalHandle { process, resize },
        })
    }

    /// Hangs up the terminal process `pid` (and what runs in its
    /// foreground), as closing a terminal window does.
    pub async fn hang_up(&self, space: &str, pod: &str, container: &str, pid: u32) {
        let pods: Api<Pod> = self.namespaced(space);
        let mut params = AttachParams::default().stdout(true).stderr(true);
        if !container.is_empty() {
            params = params.container(container);
        }
        let script =
            format!("kill -HUP {pid} 2>/dev/null; sleep 2; kill -KILL {pid} 2>/dev/null; true");
        match pods.exec(pod, ["sh", "-c", &script], &params).await {
            Ok(process) => {
                let _ = process.join().await;
            }
            Err(e) => tracing::warn!(space, pod, "could not end a closed terminal's process: {e}"),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrapper_keeps_the_argv() {
        let argv = vec!["sh".to_string(), "-c".to_string(), "echo 'a b'".to_string()];
        let wrapped = with_pid_report(&argv);
        assert_eq!(&wrapped[..2], &["sh", "-c"]);
        assert_eq!(&wrapped[3..], &["wharf", "sh", "-c", "echo 'a b'"]);
        assert!(wrapped[2].ends_with(r#"exec "$@""#));
    }
}
