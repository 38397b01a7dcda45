//! Clusters: the names one Wharf serves them by, where a page's cluster is
//! in its URL, and what the cluster list and the nodes pages show.

use crate::view::{PodRow, Usage};
use serde::{Deserialize, Serialize};

/// The request header that names the cluster of a server function call
/// (a page's calls carry its URL's cluster).
pub const CLUSTER_HEADER: &str = "x-wharf-cluster";

/// Longest cluster name (a DNS label's length).
pub const MAX_CLUSTER_NAME: usize = 63;

/// Whether `name` can name a cluster in Wharf's URLs and cookies: lowercase
/// letters, digits and `-`, starting and ending with a letter or digit.
/// (No `.`: a session cookie's chunks are `<name>.1`, `<name>.2`, ….)
pub fn is_cluster_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_CLUSTER_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// The cluster name for a kubeconfig context: contexts are often named
/// `admin@prod` or `arn:aws:eks:…/prod`, which cannot stand in a path or a
/// cookie name, so every other character becomes `-`.
pub fn cluster_name_for_context(context: &str) -> String {
    let mut name = String::with_capacity(context.len());
    for c in context.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-');
    let name = &name[..name.len().min(MAX_CLUSTER_NAME)];
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "cluster".to_string()
    } else {
        name.to_string()
    }
}

/// The cluster a page's path names: `/clusters/<name>/…` or
/// `/embed/clusters/<name>/…`.
pub fn cluster_in_path(path: &str) -> Option<&str> {
    let rest = path
        .strip_prefix("/embed/clusters/")
        .or_else(|| path.strip_prefix("/clusters/"))?;
    let name = rest.split(['/', '?', '#']).next().unwrap_or_default();
    is_cluster_name(name).then_some(name)
}

/// The part of a page's path after its cluster:
/// `/clusters/a/spaces/x` → `/spaces/x`, `/embed/clusters/a/spaces/x` →
/// `/spaces/x`; any other path as it is.
pub fn within_cluster(path: &str) -> &str {
    let Some(cluster) = cluster_in_path(path) else {
        return path;
    };
    let prefix = if path.starts_with("/embed/") {
        "/embed/clusters/".len()
    } else {
        "/clusters/".len()
    };
    &path[prefix + cluster.len()..]
}

/// A path of a cluster's pages: `cluster_path("a", "/spaces/x/pods")` is
/// `/clusters/a/spaces/x/pods`.
pub fn cluster_path(cluster: &str, path: &str) -> String {
    format!("/clusters/{cluster}{path}")
}

/// A path of before clusters were in URLs (`/spaces/x/…`, `/embed/spaces/…`)
/// as the default cluster's; None for every other path.
pub fn path_with_cluster(path: &str, default_cluster: &str) -> Option<String> {
    if path.starts_with("/spaces/") {
        Some(cluster_path(default_cluster, path))
    } else {
        path.strip_prefix("/embed/spaces/")
            .map(|rest| format!("/embed/clusters/{default_cluster}/spaces/{rest}"))
    }
}

/// A cluster as the cluster list and the header's switcher name it; known
/// without asking the cluster anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterChoice {
    /// In URLs: `/clusters/<name>/…`.
    pub name: String,
    /// Where it comes from: the kubeconfig context, or `in-cluster`.
    pub context: String,
    /// The API address (`https://10.0.0.1:6443`).
    pub server: String,
    /// Whether the current user is signed in to it (always, in local mode).
    pub signed_in: bool,
    /// The cluster `/` opens and old links go to.
    pub default: bool,
    /// Whether users sign in to it (multi-user mode).
    pub sign_in: bool,
}

/// Why a cluster did not answer, in words the page translates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unreachable {
    /// Nothing listens at the address (connection refused).
    Refused,
    /// No answer in time.
    Timeout,
    /// The TLS handshake failed: the server's certificate is not the one
    /// the configured CA signed, or has the wrong name.
    Certificate,
    /// The address's host name does not resolve.
    UnknownHost,
    /// Anything else; the message is the client's, without credentials.
    Other { message: String },
}

/// Ready nodes of all nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeCount {
    pub ready: usize,
    pub total: usize,
}

/// One row of the cluster list, read from the cluster (each row on its own,
/// so a slow cluster delays only its row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSummary {
    pub name: String,
    /// `v1.20.2`; None when the cluster did not answer.
    pub version: Option<String>,
    /// None when not signed in, not allowed to list nodes, or unreachable.
    pub nodes: Option<NodeCount>,
    /// Whether the user may list spaces: None when not signed in.
    pub may_list_spaces: Option<bool>,
    pub unreachable: Option<Unreachable>,
}

/// A node's readiness, from its `Ready` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeReadiness {
    Ready,
    NotReady,
    /// The node controller has not heard from the kubelet (`Unknown`).
    Unknown,
}

/// A node condition that is not as it should be (`MemoryPressure: True`,
/// `Ready: False`), or any condition on the node page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeCondition {
    /// `Ready`, `MemoryPressure`, `DiskPressure`, `PIDPressure`, `NetworkUnavailable`, ….
    pub kind: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// Whether this status is a problem (`Ready` not `True`; a pressure `True`).
    pub problem: bool,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub since_seconds: Option<i64>,
}

/// One row of the nodes list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRow {
    pub name: String,
    pub readiness: NodeReadiness,
    /// `spec.unschedulable` (cordoned).
    pub unschedulable: bool,
    /// Conditions that are problems, for the status column.
    pub problems: Vec<NodeCondition>,
    /// From `node-role.kubernetes.io/<role>` labels.
    pub roles: Vec<String>,
    pub kubelet_version: String,
    pub internal_ip: Option<String>,
    /// Allocatable CPU (millicores) and memory (bytes).
    pub allocatable: Usage,
    /// Pods the node may run (`allocatable.pods`).
    pub max_pods: Option<u64>,
    pub age_seconds: Option<i64>,
}

/// A taint, as `key=value:Effect`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeTaint {
    pub key: String,
    pub value: Option<String>,
    pub effect: String,
}

impl NodeTaint {
    pub fn text(&self) -> String {
        match &self.value {
            Some(value) => format!("{}={value}:{}", self.key, self.effect),
            None => format!("{}:{}", self.key, self.effect),
        }
    }
}

/// What the nodes list shows beside the node objects: from each kubelet's
/// summary and the pods bound to the node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeUse {
    pub name: String,
    /// In use now (kubelet summary); None when not readable.
    pub usage: Option<Usage>,
    /// Pods bound to the node, of every space.
    pub pods: Option<usize>,
}

/// The node page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeDetail {
    pub row: NodeRow,
    pub conditions: Vec<NodeCondition>,
    pub taints: Vec<NodeTaint>,
    pub labels: Vec<(String, String)>,
    pub os_image: String,
    pub container_runtime: String,
    pub kernel_version: String,
    pub architecture: String,
    pub addresses: Vec<(String, String)>,
    pub capacity: Usage,
    /// Its pods, of every space; None when the user may not list pods of
    /// every space.
    pub pods: Option<Vec<NodePod>>,
    pub usage: Option<Usage>,
}

/// A pod on the node page: its space and its row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePod {
    pub space: String,
    pub row: PodRow,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_names_are_path_and_cookie_safe() {
        for good in ["a", "kube-a", "prod-2", &"x".repeat(63)] {
            assert!(is_cluster_name(good), "{good}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "A",
            "a.b",
            "a/b",
            "a b",
            "a@b",
            &"x".repeat(64),
        ] {
            assert!(!is_cluster_name(bad), "{bad}");
        }
    }

    #[test]
    fn context_names_become_cluster_names() {
        assert_eq!(cluster_name_for_context("kube-a"), "kube-a");
        assert_eq!(
            cluster_name_for_context("kubernetes-admin@kubernetes"),
            "kubernetes-admin-kubernetes"
        );
        assert_eq!(
            cluster_name_for_context("arn:aws:eks:eu-west-1:1234:cluster/Prod"),
            "arn-aws-eks-eu-west-1-1234-cluster-prod"
        );
        assert_eq!(cluster_name_for_context("@@"), "cluster");
        assert_eq!(cluster_name_for_context(".a."), "a");
        let long = cluster_name_for_context(&format!("{}-x", "y".repeat(62)));
        assert!(is_cluster_name(&long), "{long}");
        for context in ["kube-a", "a@b", "A_B", "x.y.z", "--", "ÄÖ"] {
            assert!(
                is_cluster_name(&cluster_name_for_context(context)),
                "{context}"
            );
        }
    }

    #[test]
    fn a_pages_cluster_is_in_its_path() {
        assert_eq!(cluster_in_path("/clusters/a/spaces/x/pods"), Some("a"));
        assert_eq!(cluster_in_path("/clusters/a"), Some("a"));
        assert_eq!(cluster_in_path("/embed/clusters/b/spaces/x"), Some("b"));
        assert_eq!(cluster_in_path("/clusters/a/ws/watch"), Some("a"));
        assert_eq!(cluster_in_path("/clusters"), None);
        assert_eq!(cluster_in_path("/clusters/"), None);
        assert_eq!(cluster_in_path("/clusters/A%2F/x"), None);
        assert_eq!(cluster_in_path("/spaces/x/pods"), None);
        assert_eq!(cluster_in_path("/api/list_spaces"), None);
    }

    #[test]
    fn the_path_within_the_cluster() {
        assert_eq!(
            within_cluster("/clusters/a/spaces/x/pods"),
            "/spaces/x/pods"
        );
        assert_eq!(within_cluster("/embed/clusters/a/spaces/x"), "/spaces/x");
        assert_eq!(within_cluster("/clusters/a"), "");
        assert_eq!(within_cluster("/spaces/x"), "/spaces/x");
        assert_eq!(within_cluster("/clusters"), "/clusters");
    }

    #[test]
    fn old_paths_go_to_the_default_cluster() {
        assert_eq!(
            path_with_cluster("/spaces/dev/apps", "a").as_deref(),
            Some("/clusters/a/spaces/dev/apps")
        );
        assert_eq!(
            path_with_cluster("/embed/spaces/dev/pods/p/terminal/c", "a").as_deref(),
            Some("/embed/clusters/a/spaces/dev/pods/p/terminal/c")
        );
        assert_eq!(path_with_cluster("/clusters/a/spaces/dev", "a"), None);
        assert_eq!(path_with_cluster("/sign-in", "a"), None);
        assert_eq!(path_with_cluster("/spacesx", "a"), None);
    }

    #[test]
    fn taints_read_as_kubectl_writes_them() {
        let taint = |value: Option<&str>| NodeTaint {
            key: "node-role.kubernetes.io/master".into(),
            value: value.map(str::to_string),
            effect: "NoSchedule".into(),
        };
        assert_eq!(
            taint(None).text(),
            "node-role.kubernetes.io/master:NoSchedule"
        );
        assert_eq!(
            taint(Some("x")).text(),
            "node-role.kubernetes.io/master=x:NoSchedule"
        );
    }
}
