//! View models: what the server sends the browser about cluster objects.
//! Plain data, already reduced to what the UI shows, so the wasm bundle never
//! carries the Kubernetes API types.

use serde::{Deserialize, Serialize};

/// A space (namespace) as the tabs show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceSummary {
    pub name: String,
    pub description: Option<String>,
    /// `status.phase == Terminating`: deletion has started.
    pub terminating: bool,
    pub age_seconds: Option<i64>,
}

/// What deleting a space takes with it (the confirmation lists these).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceContents {
    pub services: Vec<String>,
    pub deployments: Vec<String>,
    pub statefulsets: Vec<String>,
    pub pods: Vec<String>,
}

impl SpaceContents {
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
            && self.deployments.is_empty()
            && self.statefulsets.is_empty()
            && self.pods.is_empty()
    }
}

/// The access type of a Service, as users choose it (headless is its own type
/// here, though Kubernetes spells it `ClusterIP` + `clusterIP: None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceKind {
    ClusterIp,
    Headless,
    NodePort,
    LoadBalancer,
    ExternalName,
}

impl ServiceKind {
    /// A name for filters and URLs: the API's type, with headless apart.
    pub fn api_name(self) -> &'static str {
        match self {
            ServiceKind::Headless => "Headless",
            other => other.api_type(),
        }
    }

    /// The API's spelling (`spec.type`).
    pub fn api_type(self) -> &'static str {
        match self {
            ServiceKind::ClusterIp | ServiceKind::Headless => "ClusterIP",
            ServiceKind::NodePort => "NodePort",
            ServiceKind::LoadBalancer => "LoadBalancer",
            ServiceKind::ExternalName => "ExternalName",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortView {
    pub name: Option<String>,
    pub protocol: String,
    pub port: i32,
    pub target_port: Option<String>,
    pub node_port: Option<i32>,
}

impl PortView {
    /// kubectl's notation: `80/TCP`, or `80:30080/TCP` with a node port.
    pub fn short(&self) -> String {
        match self.node_port {
            Some(np) => format!("{}:{}/{}", self.port, np, self.protocol),
            None => format!("{}/{}", self.port, self.protocol),
        }
    }
}

/// Where a Service is reached from outside the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExternalAddress {
    /// Not exposed outside the cluster (ClusterIP, headless, NodePort).
    None,
    /// A LoadBalancer whose address the cluster has not assigned yet.
    Pending,
    /// LoadBalancer ingress addresses (IPs or host names).
    Addresses(Vec<String>),
    /// The DNS name an ExternalName Service points at.
    ExternalName(String),
}

/// One row of the service list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRow {
    pub name: String,
    pub alias: Option<String>,
    pub description: Option<String>,
    pub kind: ServiceKind,
    pub cluster_ip: Option<String>,
    pub external: ExternalAddress,
    pub ports: Vec<PortView>,
    /// The label selector, sorted by key.
    pub selector: Vec<(String, String)>,
    pub age_seconds: Option<i64>,
}

/// One address behind a Service (from its Endpoints).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointView {
    pub ip: String,
    /// The pod it belongs to, when the endpoint names one.
    pub pod: Option<String>,
    pub ready: bool,
    /// `8080/TCP`, one per endpoint port.
    pub ports: Vec<String>,
}

/// The service detail page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDetail {
    pub row: ServiceRow,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    /// `None`, or `ClientIP` with its timeout in seconds.
    pub session_affinity_timeout: Option<i32>,
    pub session_affinity: bool,
    pub external_traffic_policy: Option<String>,
    pub endpoints: Vec<EndpointView>,
    /// The object as YAML, without `managedFields` and `status`.
    pub yaml: String,
    /// The version the YAML was read at; an edit carries it.
    pub resource_version: Option<String>,
}

/// What became of one document of an uploaded or pasted YAML.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentOutcome {
    /// 1-based position in the file.
    pub index: usize,
    pub name: Option<String>,
    pub error: Option<crate::ApiError>,
}

/// A Deployment or StatefulSet whose pod labels a selector can take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadLabels {
    /// `Deployment` or `StatefulSet`.
    pub kind: String,
    pub name: String,
    /// The pod template's labels, sorted by key.
    pub labels: Vec<(String, String)>,
}

/// A pod as the selector preview shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodBrief {
    pub name: String,
    /// `status.phase` (Running, Pending, …).
    pub phase: String,
    pub ip: Option<String>,
}

/// kubectl's compact age: `42s`, `5m`, `3h`, `12d`, `2y`.
pub fn format_age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..=119 => format!("{s}s"),
        120..=7_199 => format!("{}m", s / 60),
        7_200..=172_799 => format!("{}h", s / 3_600),
        172_800..=63_071_999 => format!("{}d", s / 86_400),
        _ => format!("{}y", s / 31_536_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        assert_eq!(format_age(-3), "0s");
        assert_eq!(format_age(59), "59s");
        assert_eq!(format_age(119), "119s");
        assert_eq!(format_age(120), "2m");
        assert_eq!(format_age(7_200), "2h");
        assert_eq!(format_age(3 * 86_400), "3d");
        assert_eq!(format_age(800 * 86_400), "2y");
    }

    #[test]
    fn port_notation() {
        let mut p = PortView {
            name: None,
            protocol: "TCP".into(),
            port: 80,
            target_port: Some("8080".into()),
            node_port: None,
        };
        assert_eq!(p.short(), "80/TCP");
        p.node_port = Some(30080);
        assert_eq!(p.short(), "80:30080/TCP");
    }
}

/// A workload Wharf made together with a Service (labelled
/// `app.kubernetes.io/managed-by: wharf` and the Service's
/// `app.kubernetes.io/name`): offered for deletion with it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkloadRef {
    /// `Deployment` or `StatefulSet`.
    pub kind: String,
    pub name: String,
    /// The Service it belongs with.
    pub service: String,
}

/// Which app: its kind and name (the workload's and the Service's name).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AppRef {
    pub kind: crate::app::AppKind,
    pub name: String,
}

/// What an app is doing, as the list shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppStatus {
    /// Every desired replica is ready on the current template.
    Running,
    /// A rollout (or the first start) is in progress.
    Updating,
    /// Scaled to 0 by "stop" (or by hand).
    Stopped,
    /// Some replicas are not ready, for the reason given.
    Degraded,
    /// No replica is ready and pods report a failure.
    Failed,
    /// 升级完成: an upgrade has rolled out and awaits confirm or roll back.
    Upgraded,
    /// A Job that has run to completion.
    Completed,
    /// Being deleted: its pods are going (a foreground deletion keeps the
    /// workload until they have), and then it goes too.
    Deleting,
}

impl AppStatus {
    pub const ALL: [AppStatus; 8] = [
        AppStatus::Running,
        AppStatus::Updating,
        AppStatus::Stopped,
        AppStatus::Degraded,
        AppStatus::Failed,
        AppStatus::Upgraded,
        AppStatus::Completed,
        AppStatus::Deleting,
    ];

    pub fn parse(text: &str) -> Option<AppStatus> {
        AppStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status's name, as the status filter and the URL spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Running => "Running",
            AppStatus::Updating => "Updating",
            AppStatus::Stopped => "Stopped",
            AppStatus::Degraded => "Degraded",
            AppStatus::Failed => "Failed",
            AppStatus::Upgraded => "Upgraded",
            AppStatus::Completed => "Completed",
            AppStatus::Deleting => "Deleting",
        }
    }
}

/// The kinds of workload a space's workload list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
}

impl WorkloadKind {
    pub const ALL: [WorkloadKind; 4] = [
        WorkloadKind::Deployment,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::Job,
    ];

    /// The Kubernetes kind.
    pub fn api_name(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
        }
    }

    /// The app kind of a Deployment or StatefulSet (the kinds with an app
    /// page and the whole lifecycle).
    pub fn app_kind(self) -> Option<crate::app::AppKind> {
        match self {
            WorkloadKind::Deployment => Some(crate::app::AppKind::Stateless),
            WorkloadKind::StatefulSet => Some(crate::app::AppKind::Stateful),
            WorkloadKind::DaemonSet | WorkloadKind::Job => None,
        }
    }

    /// Whether "restart" (a new pod template annotation) applies.
    pub fn restartable(self) -> bool {
        self != WorkloadKind::Job
    }
}

impl From<crate::app::AppKind> for WorkloadKind {
    fn from(kind: crate::app::AppKind) -> Self {
        match kind {
            crate::app::AppKind::Stateless => WorkloadKind::Deployment,
            crate::app::AppKind::Stateful => WorkloadKind::StatefulSet,
        }
    }
}

/// Which workload: its kind and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WorkloadId {
    pub kind: WorkloadKind,
    pub name: String,
}

impl WorkloadId {
    /// The app this workload is, when it is a Deployment or StatefulSet.
    pub fn app(&self) -> Option<AppRef> {
        Some(AppRef {
            kind: self.kind.app_kind()?,
            name: self.name.clone(),
        })
    }
}

impl From<AppRef> for WorkloadId {
    fn from(app: AppRef) -> Self {
        WorkloadId {
            kind: app.kind.into(),
            name: app.name,
        }
    }
}

/// One row of a space's workload list (live): what the workload object
/// itself says, whoever made it. Pods' own reasons are on the app page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadRow {
    pub kind: WorkloadKind,
    pub name: String,
    pub alias: Option<String>,
    /// `image:tag` of each container.
    pub images: Vec<String>,
    /// Desired replicas (a DaemonSet: pods to schedule; a Job: completions).
    pub desired: i32,
    /// Ready replicas (a Job: succeeded pods).
    pub ready: i32,
    /// Replicas on the current template (the rollout's progress).
    pub updated: i32,
    pub status: AppStatus,
    /// The controller's reason when something is wrong
    /// (`ProgressDeadlineExceeded`, `BackoffLimitExceeded`, …).
    pub reason: Option<String>,
    /// Its `app.kubernetes.io/managed-by` label (`wharf` on Wharf's apps,
    /// `Helm`, …), if any.
    pub managed_by: Option<String>,
    /// Its pods' label selector, in Kubernetes' syntax.
    pub selector: String,
    pub age_seconds: Option<i64>,
}

impl WorkloadRow {
    /// Made by Wharf's wizard (or YAML import): an app of Wharf's.
    pub fn by_wharf(&self) -> bool {
        self.managed_by.as_deref() == Some(crate::labels_wharf::WHARF)
    }

    pub fn workload(&self) -> WorkloadId {
        WorkloadId {
            kind: self.kind,
            name: self.name.clone(),
        }
    }
}

/// One row of the app list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRow {
    pub name: String,
    pub alias: Option<String>,
    pub kind: crate::app::AppKind,
    /// `image:tag` of each container.
    pub images: Vec<String>,
    pub desired: i32,
    pub ready: i32,
    /// Replicas on the current template (the rollout's progress).
    pub updated: i32,
    pub available: i32,
    pub status: AppStatus,
    /// The pods' own reason when something is wrong (`ErrImagePull`,
    /// `CrashLoopBackOff`, …).
    pub reason: Option<String>,
    /// The replica count "start" restores, while stopped.
    pub stopped_replicas: Option<i32>,
    /// The app's Service, if it exists (type, ports, external address).
    pub service: Option<ServiceRow>,
    pub age_seconds: Option<i64>,
    /// Set from an upgrade until it is confirmed or rolled back.
    pub upgrade: Option<crate::app::UpgradeMark>,
    /// A node's address, for NodePort access (none when the user may not
    /// read nodes).
    pub node_address: Option<String>,
}

/// How an app is reached from outside the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// No external access (ClusterIP, headless, or no Service).
    Internal,
    /// A LoadBalancer without an address yet.
    Pending,
    /// `address:port` for each port (`node:30080` when the node is unknown).
    At(Vec<String>),
}

impl AppRow {
    pub fn reach(&self) -> Reach {
        let Some(service) = &self.service else {
            return Reach::Internal;
        };
        match (&service.kind, &service.external) {
            (ServiceKind::NodePort, _) => {
                let node = self.node_address.as_deref().unwrap_or("node");
                Reach::At(
                    service
                        .ports
                        .iter()
                        .filter_map(|p| p.node_port.map(|np| format!("{node}:{np}")))
                        .collect(),
                )
            }
            (ServiceKind::LoadBalancer, ExternalAddress::Addresses(addresses)) => Reach::At(
                addresses
                    .iter()
                    .flat_map(|a| service.ports.iter().map(move |p| format!("{a}:{}", p.port)))
                    .collect(),
            ),
            (ServiceKind::LoadBalancer, _) => Reach::Pending,
            _ => Reach::Internal,
        }
    }
}

/// One revision of an app's pod template (a Deployment's ReplicaSet, a
/// StatefulSet's ControllerRevision).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RevisionRow {
    pub number: i64,
    pub images: Vec<String>,
    /// The template the workload runs now.
    pub current: bool,
    pub age_seconds: Option<i64>,
}

/// A pod of an app, as its detail page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodRow {
    pub name: String,
    /// `status.phase`, or the reason a container waits or failed
    /// (`ContainerCreating`, `ErrImagePull`, `CrashLoopBackOff`, `Terminating`).
    pub status: String,
    pub ready: u32,
    pub containers: u32,
    pub restarts: i32,
    pub node: Option<String>,
    pub ip: Option<String>,
    pub age_seconds: Option<i64>,
    /// From the kubelet's summary stats (through the apiserver's node
    /// proxy); None when not known or not readable by this user.
    #[serde(default)]
    pub usage: Option<Usage>,
}

/// CPU and memory in use by a pod (all its containers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Millicores (1000 = one core).
    pub cpu_millis: u64,
    /// Working set, bytes.
    pub memory_bytes: u64,
}

impl Usage {
    /// `12m` / `1.25` cores, as kubectl top shows CPU.
    pub fn cpu_text(&self) -> String {
        format!("{}m", self.cpu_millis)
    }

    /// `14.2 MiB`.
    pub fn memory_text(&self) -> String {
        let mib = self.memory_bytes as f64 / (1024.0 * 1024.0);
        if mib >= 1024.0 {
            format!("{:.2} GiB", mib / 1024.0)
        } else {
            format!("{mib:.1} MiB")
        }
    }
}

/// One container of the pod page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerDetail {
    pub name: String,
    pub image: String,
    /// An init container (runs to completion before the others).
    pub init: bool,
    pub ready: bool,
    pub restarts: i32,
    pub state: ContainerState,
    /// The state before the last restart (why it restarted).
    pub last_state: Option<ContainerState>,
    /// `8080/TCP (http)`.
    pub ports: Vec<String>,
    /// `/data ← data (ro)`.
    pub mounts: Vec<String>,
    /// Names only: values may be secrets.
    pub env_names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContainerState {
    Waiting {
        reason: Option<String>,
        message: Option<String>,
    },
    Running {
        started_seconds_ago: Option<i64>,
    },
    Terminated {
        exit_code: i32,
        reason: Option<String>,
        message: Option<String>,
    },
    Unknown,
}

/// An event about an object (`kubectl describe`'s Events, `kubectl get
/// events`' rows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    /// The Event object's own name (the live list's key).
    pub name: String,
    /// What it is about: `Pod/web-1`, `Deployment/web`.
    pub object: String,
    pub warning: bool,
    pub reason: String,
    pub message: String,
    pub count: i32,
    /// Since the last time it happened.
    pub age_seconds: Option<i64>,
    pub source: String,
}

/// The pod page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodDetail {
    pub row: PodRow,
    /// The Wharf app it belongs to (its `app.kubernetes.io/name`), if any.
    pub app: Option<String>,
    pub containers: Vec<ContainerDetail>,
    pub yaml: String,
}

/// An app's detail page: its row, its revisions, and the selector of its
/// pods (the page lists them live). Not the upgrade form: the page reads
/// this again on every change of the app, and the form is the upgrade
/// page's ([`UpgradeDraft`]), as is the code that decodes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppDetail {
    pub row: AppRow,
    /// Newest first.
    pub revisions: Vec<RevisionRow>,
    /// The workload's own label selector (`app=web`), as the apiserver
    /// takes it.
    pub pod_selector: String,
}

/// 升级服务's start: the form filled from the app's workload, with the spec
/// generation it was read at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeDraft {
    pub app: AppRef,
    pub form: crate::app::UpgradeForm,
    /// `metadata.generation`: moves with every spec change (not with status
    /// writes), so an upgrade from a stale form is told apart from noise.
    pub generation: i64,
}
