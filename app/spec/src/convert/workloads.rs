//! Workloads of any maker → rows of the space's live workload list, from
//! the workload object alone (a watch of each kind, no pods): its counts,
//! its controller's conditions, and who made it.

use super::apps::{Counts, deployment_counts, images, statefulset_counts, status, unless_deleting};
use super::{age, annotation};
use crate::annotations::{ALIAS, UPGRADED_FROM};
use crate::labels_wharf::MANAGED_BY;
use crate::view::{AppStatus, WorkloadKind, WorkloadRow};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

/// `matchLabels` and `matchExpressions` in the selector syntax the
/// apiserver and the pods list take (`app=web,tier in (a,b),!legacy`).
pub fn selector_text(selector: &LabelSelector) -> String {
    let mut parts: Vec<String> = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in selector.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            _ => continue,
        });
    }
    parts.join(",")
}

struct Parts<'a> {
    meta: &'a ObjectMeta,
    kind: WorkloadKind,
    template: Option<&'a PodTemplateSpec>,
    selector: Option<&'a LabelSelector>,
    counts: Counts,
    status: AppStatus,
    reason: Option<String>,
}

fn row(p: Parts, now_unix: i64) -> WorkloadRow {
    WorkloadRow {
        kind: p.kind,
        name: p.meta.name.clone().unwrap_or_default(),
        alias: annotation(p.meta, ALIAS),
        images: p.template.map(images).unwrap_or_default(),
        desired: p.counts.desired,
        ready: p.counts.ready,
        updated: p.counts.updated,
        status: unless_deleting(p.meta, p.status),
        reason: p.reason,
        managed_by: p
            .meta
            .labels
            .as_ref()
            .and_then(|l| l.get(MANAGED_BY).cloned()),
        selector: p.selector.map(selector_text).unwrap_or_default(),
        age_seconds: age(p.meta, now_unix),
    }
}

fn upgraded(meta: &ObjectMeta) -> bool {
    annotation(meta, UPGRADED_FROM).is_some()
}

pub fn deployment_workload(d: &Deployment, now_unix: i64) -> WorkloadRow {
    let counts = deployment_counts(d);
    // What the controller reports in place of the pods' reasons: a
    // replica it could not create (quota, admission), or a rollout past
    // its deadline.
    let reason = d
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|conditions| {
            conditions.iter().find_map(|c| {
                let failing = (c.type_ == "ReplicaFailure" && c.status == "True")
                    || (c.type_ == "Progressing" && c.status == "False");
                failing.then(|| c.reason.clone().unwrap_or_else(|| c.type_.clone()))
            })
        });
    let status = status(&counts, &reason, upgraded(&d.metadata));
    row(
        Parts {
            meta: &d.metadata,
            kind: WorkloadKind::Deployment,
            template: d.spec.as_ref().map(|s| &s.template),
            selector: d.spec.as_ref().map(|s| &s.selector),
            counts,
            status,
            reason,
        },
        now_unix,
    )
}

pub fn statefulset_workload(s: &StatefulSet, now_unix: i64) -> WorkloadRow {
    let counts = statefulset_counts(s);
    let status = status(&counts, &None, upgraded(&s.metadata));
    row(
        Parts {
            meta: &s.metadata,
            kind: WorkloadKind::StatefulSet,
            template: s.spec.as_ref().map(|s| &s.template),
            selector: s.spec.as_ref().map(|s| &s.selector),
            counts,
            status,
            reason: None,
        },
        now_unix,
    )
}

pub fn daemonset_workload(d: &DaemonSet, now_unix: i64) -> WorkloadRow {
    let st = d.status.clone().unwrap_or_default();
    let desired = st.desired_number_scheduled;
    let updated = st.updated_number_scheduled.unwrap_or(0);
    let counts = Counts {
        desired,
        ready: st.number_ready,
        updated,
        available: st.number_available.unwrap_or(0),
        rolling: st.observed_generation < d.metadata.generation || updated < desired,
    };
    let observed = st.observed_generation >= d.metadata.generation && d.status.is_some();
    // No node to run on is not "stopped": nothing was asked to stop. But a
    // DaemonSet its controller has not seen yet also says 0 of 0: that one
    // is still being set up.
    let status = if !observed {
        AppStatus::Updating
    } else if desired == 0 {
        AppStatus::Running
    } else {
        status(&counts, &None, false)
    };

    row(
        Parts {
            meta: &d.metadata,
            kind: WorkloadKind::DaemonSet,
            template: d.spec.as_ref().map(|s| &s.template),
            selector: d.spec.as_ref().map(|s| &s.selector),
            counts,
            status,
            reason: None,
        },
        now_unix,
    )
}

pub fn job_workload(j: &Job, now_unix: i64) -> WorkloadRow {
    let spec = j.spec.as_ref();
    let st = j.status.clone().unwrap_or_default();
    let desired = spec
        .and_then(|s| s.completions.or(s.parallelism))
        .unwrap_or(1);
    let succeeded = st.succeeded.unwrap_or(0);
    let condition = |kind: &str| {
        st.conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == kind && c.status == "True")
    };
    let (status, reason) = if condition("Complete").is_some() {
        (AppStatus::Completed, None)
    } else if let Some(failed) = condition("Failed") {
        (
            AppStatus::Failed,
            Some(failed.reason.clone().unwrap_or_else(|| "Failed".into())),
        )
    } else if st.active.unwrap_or(0) > 0 {
        (AppStatus::Running, None)
    } else {
        (AppStatus::Updating, None)
    };
    row(
        Parts {
            meta: &j.metadata,
            kind: WorkloadKind::Job,
            template: spec.map(|s| &s.template),
            selector: spec.and_then(|s| s.selector.as_ref()),
            counts: Counts {
                desired,
                ready: succeeded,
                updated: succeeded,
                available: succeeded,
                rolling: false,
            },
            status,
            reason,
        },
        now_unix,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_700_000_000;

    fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).expect("a 1.20-shaped object")
    }

    #[test]
    fn a_kubectl_deployment_is_a_row_not_made_by_wharf() {
        let d: Deployment = object(json!({
            "metadata": {"name": "web", "namespace": "ns", "generation": 1,
                "creationTimestamp": "2023-11-14T22:11:40Z", "labels": {"app": "web"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "c", "image": "busybox:1.35"}]}}},
            "status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2,
                "readyReplicas": 2, "availableReplicas": 2}
        }));
        let row = deployment_workload(&d, NOW);
        assert_eq!(row.kind, WorkloadKind::Deployment);
        assert_eq!(row.status, AppStatus::Running);
        assert_eq!((row.ready, row.desired), (2, 2));
        assert_eq!(row.images, ["busybox:1.35"]);
        assert_eq!(row.selector, "app=web");
        assert!(!row.by_wharf());
        assert_eq!(row.age_seconds, Some(100));
    }

    #[test]
    fn a_rollout_past_its_deadline_says_why() {
        let d: Deployment = object(json!({
            "metadata": {"name": "web", "generation": 2,
                "labels": {"app.kubernetes.io/managed-by": "wharf"}},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                "template": {"spec": {"containers": [{"name": "c", "image": "nope"}]}}},
            "status": {"observedGeneration": 2, "replicas": 2, "updatedReplicas": 1,
                "readyReplicas": 0, "conditions": [
                    {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}
        }));
        let row = deployment_workload(&d, NOW);
        assert!(row.by_wharf());
        assert_eq!(row.reason.as_deref(), Some("ProgressDeadlineExceeded"));
        assert_eq!(row.status, AppStatus::Failed);
    }

    #[test]
    fn a_workload_being_deleted_is_deleting_whatever_its_replicas_say() {
        let s: StatefulSet = object(json!({
            "metadata": {"name": "db", "generation": 1,
                "deletionTimestamp": "2023-11-14T22:13:00Z",
                "finalizers": ["foregroundDeletion"]},
            "spec": {"replicas": 2, "serviceName": "db",
                "selector": {"matchLabels": {"app": "db"}},
                "template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}},
            "status": {"observedGeneration": 1, "replicas": 2, "readyReplicas": 2,
                "updatedReplicas": 2, "currentReplicas": 2}
        }));
        let row = statefulset_workload(&s, NOW);
        assert_eq!(row.status, AppStatus::Deleting);
        assert_eq!((row.ready, row.desired), (2, 2));
        assert_eq!(AppStatus::parse("Deleting"), Some(AppStatus::Deleting));
    }

    #[test]
    fn daemonsets_count_scheduled_pods() {
        let d: DaemonSet = object(json!({
            "metadata": {"name": "agent", "generation": 1},
            "spec": {"selector": {"matchLabels": {"name": "agent"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]},
                    {"key": "legacy", "operator": "DoesNotExist"}]},
                "template": {"spec": {"containers": [{"name": "c", "image": "agent:1"}]}}},
            "status": {"observedGeneration": 1, "desiredNumberScheduled": 3,
                "currentNumberScheduled": 3, "numberReady": 1, "numberMisscheduled": 0,
                "updatedNumberScheduled": 3}
        }));
        let row = daemonset_workload(&d, NOW);
        assert_eq!((row.ready, row.desired), (1, 3));
        assert_eq!(row.status, AppStatus::Updating);
        assert_eq!(row.selector, "name=agent,tier in (a,b),!legacy");
    }

    #[test]
    fn a_daemonset_its_controller_has_not_seen_is_not_running_yet() {
        let daemonset = |status: serde_json::Value| -> DaemonSet {
            object(json!({
                "metadata": {"name": "agent", "generation": 1},
                "spec": {"selector": {"matchLabels": {"name": "agent"}},
                    "template": {"spec": {"containers": [{"name": "c", "image": "agent:1"}]}}},
                "status": status
            }))
        };
        // Just created: the apiserver's zero status, no observedGeneration.
        let unseen = daemonset(
            json!({"desiredNumberScheduled": 0, "currentNumberScheduled": 0,
            "numberReady": 0, "numberMisscheduled": 0}),
        );
        assert_eq!(daemonset_workload(&unseen, NOW).status, AppStatus::Updating);
        // Seen, and no node matches: nothing to run, nothing stopped.
        let no_node = daemonset(json!({"observedGeneration": 1, "desiredNumberScheduled": 0,
            "currentNumberScheduled": 0, "numberReady": 0, "numberMisscheduled": 0}));
        assert_eq!(daemonset_workload(&no_node, NOW).status, AppStatus::Running);
    }

    #[test]
    fn jobs_run_complete_and_fail() {
        let job = |status: serde_json::Value| -> Job {
            object(json!({
                "metadata": {"name": "once"},
                "spec": {"completions": 2, "template": {"spec": {"containers": [
                    {"name": "c", "image": "busybox"}]}},
                    "selector": {"matchLabels": {"controller-uid": "u1"}}},
                "status": status
            }))
        };
        let running = job_workload(&job(json!({"active": 1, "succeeded": 1})), NOW);
        assert_eq!(running.status, AppStatus::Running);
        assert_eq!((running.ready, running.desired), (1, 2));
        assert_eq!(running.selector, "controller-uid=u1");
        let done = job_workload(
            &job(json!({"succeeded": 2, "conditions": [{"type": "Complete", "status": "True"}]})),
            NOW,
        );
        assert_eq!(done.status, AppStatus::Completed);
        let failed = job_workload(
            &job(json!({"failed": 6, "conditions": [
                {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]})),
            NOW,
        );
        assert_eq!(failed.status, AppStatus::Failed);
        assert_eq!(failed.reason.as_deref(), Some("BackoffLimitExceeded"));
    }
}
