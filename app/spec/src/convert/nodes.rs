//! Nodes → the nodes list's rows and the node page, and a node's usage
//! from its kubelet's summary.

use super::{age, age_of, pairs};
use crate::app::parse_quantity;
use crate::cluster::{NodeCondition, NodeDetail, NodeReadiness, NodeRow, NodeTaint};
use crate::view::Usage;
use k8s_openapi::api::core::v1::{Node, NodeCondition as Condition};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

const ROLE_LABEL: &str = "node-role.kubernetes.io/";

/// Whether a condition's status is a problem: `Ready` must be `True`, the
/// pressures and `NetworkUnavailable` must be `False`; conditions Wharf does
/// not know (added by node problem detectors) are problems when `True`.
fn is_problem(kind: &str, status: &str) -> bool {
    if kind == "Ready" {
        status != "True"
    } else {
        status != "False"
    }
}

fn condition(c: &Condition, now_unix: i64) -> NodeCondition {
    NodeCondition {
        kind: c.type_.clone(),
        status: c.status.clone(),
        problem: is_problem(&c.type_, &c.status),
        reason: c.reason.clone().filter(|r| !r.is_empty()),
        message: c.message.clone().filter(|m| !m.is_empty()),
        since_seconds: c.last_transition_time.as_ref().map(|t| age_of(t, now_unix)),
    }
}

fn resources(map: Option<&BTreeMap<String, Quantity>>) -> Usage {
    let read = |key: &str| {
        map.and_then(|m| m.get(key))
            .and_then(|Quantity(q)| parse_quantity(q).ok())
            .unwrap_or(0.0)
    };
    Usage {
        cpu_millis: (read("cpu") * 1000.0).round() as u64,
        memory_bytes: read("memory").round() as u64,
    }
}

pub fn node_row(node: &Node, now_unix: i64) -> NodeRow {
    let status = node.status.clone().unwrap_or_default();
    let conditions = status.conditions.clone().unwrap_or_default();
    let readiness = match conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.as_str())
    {
        Some("True") => NodeReadiness::Ready,
        Some("False") => NodeReadiness::NotReady,
        _ => NodeReadiness::Unknown,
    };
    let mut roles: Vec<String> = node
        .metadata
        .labels
        .iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix(ROLE_LABEL))
        .filter(|role| !role.is_empty())
        .map(str::to_owned)
        .collect();
    roles.sort();
    let info = status.node_info.clone().unwrap_or_default();
    let allocatable = status.allocatable.as_ref();
    NodeRow {
        name: node.metadata.name.clone().unwrap_or_default(),
        readiness,
        unschedulable: node
            .spec
            .as_ref()
            .and_then(|s| s.unschedulable)
            .unwrap_or(false),
        problems: conditions
            .iter()
            .map(|c| condition(c, now_unix))
            .filter(|c| c.problem)
            .collect(),
        roles,
        kubelet_version: info.kubelet_version,
        internal_ip: status
            .addresses
            .iter()
            .flatten()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.clone()),
        allocatable: resources(allocatable),
        max_pods: allocatable
            .and_then(|m| m.get("pods"))
            .and_then(|Quantity(q)| q.parse().ok()),
        age_seconds: age(&node.metadata, now_unix),
    }
}

/// The node page, without its pods and usage (read separately).
pub fn node_detail(node: &Node, now_unix: i64) -> NodeDetail {
    let status = node.status.clone().unwrap_or_default();
    let info = status.node_info.clone().unwrap_or_default();
    NodeDetail {
        row: node_row(node, now_unix),
        conditions: status
            .conditions
            .iter()
            .flatten()
            .map(|c| condition(c, now_unix))
            .collect(),
        taints: node
            .spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|t| NodeTaint {
                key: t.key,
                value: t.value.filter(|v| !v.is_empty()),
                effect: t.effect,
            })
            .collect(),
        labels: pairs(&node.metadata.labels),
        os_image: info.os_image,
        container_runtime: info.container_runtime_version,
        kernel_version: info.kernel_version,
        architecture: info.architecture,
        addresses: status
            .addresses
            .iter()
            .flatten()
            .map(|a| (a.type_.clone(), a.address.clone()))
            .collect(),
        capacity: resources(status.capacity.as_ref()),
        pods: None,
        usage: None,
    }
}

/// The node's own CPU and memory in use, from its kubelet's summary
/// (`/api/v1/nodes/NODE/proxy/stats/summary`).
pub fn node_usage(summary: &serde_json::Value) -> Option<Usage> {
    let node = &summary["node"];
    let cpu = node["cpu"]["usageNanoCores"].as_u64()?;
    let memory = node["memory"]["workingSetBytes"].as_u64()?;
    Some(Usage {
        cpu_millis: cpu / 1_000_000,
        memory_bytes: memory,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> Node {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "n1", "creationTimestamp": "2026-01-01T00:00:00Z",
                "labels": {"node-role.kubernetes.io/master": "", "node-role.kubernetes.io/worker": "", "zone": "a"}},
            "spec": {"unschedulable": true, "taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]},
            "status": {
                "conditions": [
                    {"type": "MemoryPressure", "status": "False"},
                    {"type": "DiskPressure", "status": "True", "reason": "KubeletHasDiskPressure", "message": "disk is 91% full"},
                    {"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}
                ],
                "addresses": [{"type": "InternalIP", "address": "10.0.0.5"}, {"type": "Hostname", "address": "n1"}],
                "allocatable": {"cpu": "1500m", "memory": "2Gi", "pods": "110"},
                "capacity": {"cpu": "2", "memory": "4Gi", "pods": "110"},
                "nodeInfo": {"kubeletVersion": "v1.20.2", "osImage": "Debian", "containerRuntimeVersion": "containerd://1.4",
                    "kernelVersion": "6.1", "architecture": "amd64", "machineID": "", "systemUUID": "", "bootID": "",
                    "kubeProxyVersion": "", "operatingSystem": "linux"}
            }
        }))
        .unwrap()
    }

    #[test]
    fn a_node_row_says_ready_roles_problems_and_allocatable() {
        let now = 1_767_225_600 + 3600; // an hour after creation
        let row = node_row(&node(), now);
        assert_eq!(row.name, "n1");
        assert_eq!(row.readiness, NodeReadiness::Ready);
        assert!(row.unschedulable);
        assert_eq!(row.roles, ["master", "worker"]);
        assert_eq!(row.kubelet_version, "v1.20.2");
        assert_eq!(row.internal_ip.as_deref(), Some("10.0.0.5"));
        assert_eq!(row.allocatable.cpu_millis, 1500);
        assert_eq!(row.allocatable.memory_bytes, 2 << 30);
        assert_eq!(row.max_pods, Some(110));
        assert_eq!(row.age_seconds, Some(3600));
        assert_eq!(row.problems.len(), 1, "only the pressure that is True");
        assert_eq!(row.problems[0].kind, "DiskPressure");
        assert_eq!(row.problems[0].message.as_deref(), Some("disk is 91% full"));
    }

    #[test]
    fn readiness_comes_from_the_ready_condition() {
        let mut n = node();
        let conditions = n.status.as_mut().unwrap().conditions.as_mut().unwrap();
        conditions[2].status = "Unknown".into();
        let row = node_row(&n, 0);
        assert_eq!(row.readiness, NodeReadiness::Unknown);
        assert!(row.problems.iter().any(|c| c.kind == "Ready"));
        n.status.as_mut().unwrap().conditions = None;
        assert_eq!(node_row(&n, 0).readiness, NodeReadiness::Unknown);
    }

    #[test]
    fn the_node_page_has_conditions_taints_labels_and_capacity() {
        let detail = node_detail(&node(), 0);
        assert_eq!(detail.conditions.len(), 3);
        assert_eq!(detail.taints[0].text(), "dedicated=db:NoSchedule");
        assert!(detail.labels.contains(&("zone".into(), "a".into())));
        assert_eq!(detail.capacity.cpu_millis, 2000);
        assert_eq!(detail.container_runtime, "containerd://1.4");
    }

    #[test]
    fn node_usage_from_the_kubelet_summary() {
        let summary = serde_json::json!({"node": {"cpu": {"usageNanoCores": 250_000_000u64},
            "memory": {"workingSetBytes": 1_048_576u64}}});
        assert_eq!(
            node_usage(&summary),
            Some(Usage {
                cpu_millis: 250,
                memory_bytes: 1_048_576
            })
        );
        assert_eq!(node_usage(&serde_json::json!({})), None);
    }
}
