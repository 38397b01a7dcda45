//! A pod's page: containers (state, last state, ports, mounts, env names),
//! its events, and CPU/memory from the kubelet's summary stats.

use super::age_of;
use crate::view::{ContainerDetail, ContainerState, EventRow, Usage};
use k8s_openapi::api::core::v1::{self as core, Event, Pod};
use std::collections::HashMap;

fn state(s: Option<&core::ContainerState>, now_unix: i64) -> ContainerState {
    let Some(s) = s else {
        return ContainerState::Unknown;
    };
    if let Some(w) = &s.waiting {
        ContainerState::Waiting {
            reason: w.reason.clone(),
            message: w.message.clone(),
        }
    } else if let Some(r) = &s.running {
        ContainerState::Running {
            started_seconds_ago: r.started_at.as_ref().map(|t| age_of(t, now_unix)),
        }
    } else if let Some(t) = &s.terminated {
        ContainerState::Terminated {
            exit_code: t.exit_code,
            reason: t.reason.clone(),
            message: t.message.clone(),
        }
    } else {
        ContainerState::Unknown
    }
}

/// The pod's containers, init containers first, with their status.
pub fn pod_containers(pod: &Pod, now_unix: i64) -> Vec<ContainerDetail> {
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    let statuses: HashMap<String, core::ContainerStatus> = status
        .init_container_statuses
        .unwrap_or_default()
        .into_iter()
        .chain(status.container_statuses.unwrap_or_default())
        .map(|s| (s.name.clone(), s))
        .collect();
    let init = spec.init_containers.unwrap_or_default();
    let init_count = init.len();
    init.into_iter()
        .chain(spec.containers)
        .enumerate()
        .map(|(i, c)| {
            let st = statuses.get(&c.name);
            let last_state = st
                .and_then(|s| s.last_state.as_ref())
                .map(|l| state(Some(l), now_unix))
                .filter(|l| *l != ContainerState::Unknown);
            ContainerDetail {
                image: st
                    .map(|s| s.image.clone())
                    .filter(|i| !i.is_empty())
                    .or(c.image.clone())
                    .unwrap_or_default(),
                init: i < init_count,
                ready: st.is_some_and(|s| s.ready),
                restarts: st.map_or(0, |s| s.restart_count),
                state: state(st.and_then(|s| s.state.as_ref()), now_unix),
                last_state,
                ports: c
                    .ports
                    .unwrap_or_default()
                    .iter()
                    .map(|p| {
                        let mut text = format!(
                            "{}/{}",
                            p.container_port,
                            p.protocol.as_deref().unwrap_or("TCP")
                        );
                        if let Some(name) = &p.name {
                            text.push_str(&format!(" ({name})"));
                        }
                        text
                    })
                    .collect(),
                mounts: c
                    .volume_mounts
                    .unwrap_or_default()
                    .iter()
                    .map(|m| {
                        let ro = if m.read_only == Some(true) {
                            " (ro)"
                        } else {
                            ""
                        };
                        format!("{} ← {}{ro}", m.mount_path, m.name)
                    })
                    .collect(),
                env_names: c
                    .env
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| e.name)
                    .collect(),
                name: c.name,
            }
        })
        .collect()
}

/// An event's row, and when it last happened (its place in a list that
/// is newest first): the last time, else the first, else the event time,
/// else the object's creation.
pub fn event_row(e: &Event, now_unix: i64) -> (EventRow, Option<i64>) {
    let last = e
        .last_timestamp
        .as_ref()
        .or(e.first_timestamp.as_ref())
        .map(|t| t.0.as_second())
        .or_else(|| e.event_time.as_ref().map(|t| t.0.as_second()))
        .or_else(|| {
            e.metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0.as_second())
        });
    let involved = &e.involved_object;
    let object = match (&involved.kind, &involved.name) {
        (Some(kind), Some(name)) => format!("{kind}/{name}"),
        (None, Some(name)) => name.clone(),
        _ => String::new(),
    };
    let row = EventRow {
        name: e.metadata.name.clone().unwrap_or_default(),
        object,
        warning: e.type_.as_deref() == Some("Warning"),
        reason: e.reason.clone().unwrap_or_default(),
        message: e.message.clone().unwrap_or_default(),
        count: e.count.unwrap_or(1),
        age_seconds: last.map(|t| (now_unix - t).max(0)),
        source: e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default(),
    };
    (row, last)
}

/// Per-pod usage in `namespace` from a kubelet summary
/// (`/api/v1/nodes/NODE/proxy/stats/summary`): CPU `usageNanoCores` and
/// memory `workingSetBytes`, summed over the pod's containers.
pub fn pod_usage(summary: &serde_json::Value, namespace: &str) -> HashMap<String, Usage> {
    let mut usage = HashMap::new();
    for pod in summary["pods"].as_array().into_iter().flatten() {
        if pod["podRef"]["namespace"].as_str() != Some(namespace) {
            continue;
        }
        let Some(name) = pod["podRef"]["name"].as_str() else {
            continue;
        };
        let mut total = Usage::default();
        for c in pod["containers"].as_array().into_iter().flatten() {
            total.cpu_millis += c["cpu"]["usageNanoCores"].as_u64().unwrap_or(0) / 1_000_000;
            total.memory_bytes += c["memory"]["workingSetBytes"].as_u64().unwrap_or(0);
        }
        usage.insert(name.to_string(), total);
    }
    usage
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_with_last_state_and_names_only() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web-0"},
            "spec": {"containers": [{"name": "main", "image": "busybox:1.35",
                "ports": [{"containerPort": 8080, "name": "http"}],
                "env": [{"name": "TOKEN", "value": "secret-value"}],
                "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": true}]}]},
            "status": {"containerStatuses": [{"name": "main", "image": "docker.io/library/busybox:1.35",
                "imageID": "", "ready": true, "restartCount": 2,
                "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}},
                "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}}]}
        }))
        .unwrap();
        let now = 1_767_225_600 + 30; // 30 s after startedAt
        let c = &pod_containers(&pod, now)[0];
        assert_eq!(c.image, "docker.io/library/busybox:1.35");
        assert_eq!(
            c.state,
            ContainerState::Running {
                started_seconds_ago: Some(30)
            }
        );
        assert_eq!(
            c.last_state,
            Some(ContainerState::Terminated {
                exit_code: 137,
                reason: Some("OOMKilled".into()),
                message: None
            })
        );
        assert_eq!(c.ports, vec!["8080/TCP (http)"]);
        assert_eq!(c.mounts, vec!["/data ← data (ro)"]);
        assert_eq!(c.env_names, vec!["TOKEN"], "names, never values");
        assert!(!format!("{c:?}").contains("secret-value"));
    }

    #[test]
    fn an_event_row_says_what_it_is_about_and_when_it_last_happened() {
        let events: Vec<Event> = serde_json::from_value(serde_json::json!([
            {"metadata": {"name": "web-1.16a"}, "involvedObject": {"kind": "Pod", "name": "web-1"},
             "reason": "BackOff", "type": "Warning", "count": 5,
             "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:01:00Z"},
            {"metadata": {"name": "b", "creationTimestamp": "2026-01-01T00:00:30Z"},
             "involvedObject": {"name": "web"}, "reason": "Created"}
        ]))
        .unwrap();
        let now = 1_767_225_600 + 120;
        let (row, last) = event_row(&events[0], now);
        assert_eq!(
            (row.name.as_str(), row.object.as_str()),
            ("web-1.16a", "Pod/web-1")
        );
        assert!(row.warning);
        assert_eq!(
            (row.count, row.age_seconds),
            (5, Some(60)),
            "since the last time"
        );
        assert_eq!(last, Some(1_767_225_660));
        let (row, last) = event_row(&events[1], now);
        assert_eq!(
            (row.object.as_str(), row.count, row.warning),
            ("web", 1, false)
        );
        assert_eq!(
            last,
            Some(1_767_225_630),
            "no timestamps: the object's creation"
        );
    }

    #[test]
    fn usage_from_the_kubelet_summary() {
        let summary = serde_json::json!({"pods": [
            {"podRef": {"name": "web-0", "namespace": "dev"}, "containers": [
                {"cpu": {"usageNanoCores": 12_500_000u64}, "memory": {"workingSetBytes": 1_048_576u64}},
                {"cpu": {"usageNanoCores": 2_000_000u64}, "memory": {"workingSetBytes": 1_048_576u64}}]},
            {"podRef": {"name": "other", "namespace": "kube-system"}, "containers": []}
        ]});
        let usage = pod_usage(&summary, "dev");
        assert_eq!(usage.len(), 1);
        assert_eq!(
            usage["web-0"],
            Usage {
                cpu_millis: 14,
                memory_bytes: 2_097_152
            }
        );
        assert_eq!(usage["web-0"].memory_text(), "2.0 MiB");
    }
}
