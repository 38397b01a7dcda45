//! Workloads (and their pods and Service) → app rows. Pure: the server
//! lists, this decides what the user reads.

use super::{age, annotation};
use crate::annotations::{ALIAS, REPLICAS_BEFORE_STOP};
use crate::app::AppKind;
use crate::view::{AppRow, AppStatus, ServiceRow};
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Waiting/terminated reasons that mean "this will not start by itself".
const FAILURE_REASONS: &[&str] = &[
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "CrashLoopBackOff",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
];

/// The first failure reason among `pods` (a container waiting with one of
/// [`FAILURE_REASONS`], or last terminated with an error).
pub fn pod_failure(pods: &[&Pod]) -> Option<String> {
    pods.iter()
        .flat_map(|p| {
            p.status
                .iter()
                .flat_map(|s| s.container_statuses.iter().flatten())
        })
        .find_map(|c| {
            let waiting = c.state.as_ref()?.waiting.as_ref()?;
            let reason = waiting.reason.as_deref()?;
            FAILURE_REASONS.contains(&reason).then(|| reason.to_owned())
        })
}

fn images(template: &PodTemplateSpec) -> Vec<String> {
    template
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .filter_map(|c| c.image.clone())
        .collect()
}

struct Counts {
    desired: i32,
    ready: i32,
    updated: i32,
    available: i32,
    /// The controller has not seen the latest spec, or old pods remain.
    rolling: bool,
}

fn status(counts: &Counts, failure: &Option<String>) -> AppStatus {
    if counts.desired == 0 {
        return AppStatus::Stopped;
    }
    if counts.rolling {
        // A rollout stuck on a failing pod is reported as such.
        return if failure.is_some() && counts.ready == 0 {
            AppStatus::Failed
        } else {
            AppStatus::Updating
        };
    }
    if counts.ready >= counts.desired {
        return AppStatus::Running;
    }
    match failure {
        Some(_) if counts.ready == 0 => AppStatus::Failed,
        Some(_) => AppStatus::Degraded,
        None => AppStatus::Updating,
    }
}

fn row(
    meta: &ObjectMeta,
    kind: AppKind,
    template: &PodTemplateSpec,
    counts: Counts,
    pods: &[&Pod],
    service: Option<ServiceRow>,
    now_unix: i64,
) -> AppRow {
    let failure = pod_failure(pods);
    AppRow {
        name: meta.name.clone().unwrap_or_default(),
        alias: annotation(meta, ALIAS),
        kind,
        images: images(template),
        status: status(&counts, &failure),
        reason: failure,
        desired: counts.desired,
        ready: counts.ready,
        updated: counts.updated,
        available: counts.available,
        stopped_replicas: annotation(meta, REPLICAS_BEFORE_STOP).and_then(|n| n.parse().ok()),
        service,
        age_seconds: age(meta, now_unix),
    }
}

pub fn deployment_row(
    d: &Deployment,
    pods: &[&Pod],
    service: Option<ServiceRow>,
    now_unix: i64,
) -> AppRow {
    let spec = d.spec.clone().unwrap_or_default();
    let st = d.status.clone().unwrap_or_default();
    let desired = spec.replicas.unwrap_or(1);
    let updated = st.updated_replicas.unwrap_or(0);
    let counts = Counts {
        desired,
        ready: st.ready_replicas.unwrap_or(0),
        updated,
        available: st.available_replicas.unwrap_or(0),
        rolling: st.observed_generation < d.metadata.generation
            || updated < desired
            || st.replicas.unwrap_or(0) > desired,
    };
    row(
        &d.metadata,
        AppKind::Stateless,
        &spec.template,
        counts,
        pods,
        service,
        now_unix,
    )
}

pub fn statefulset_row(
    s: &StatefulSet,
    pods: &[&Pod],
    service: Option<ServiceRow>,
    now_unix: i64,
) -> AppRow {
    let spec = s.spec.clone().unwrap_or_default();
    let st = s.status.clone().unwrap_or_default();
    let desired = spec.replicas.unwrap_or(1);
    let updated = st.updated_replicas.unwrap_or(0);
    let counts = Counts {
        desired,
        ready: st.ready_replicas.unwrap_or(0),
        updated,
        available: st.ready_replicas.unwrap_or(0),
        rolling: st.observed_generation < s.metadata.generation
            || (st.update_revision.is_some() && st.update_revision != st.current_revision)
            || st.replicas > desired,
    };
    row(
        &s.metadata,
        AppKind::Stateful,
        &spec.template,
        counts,
        pods,
        service,
        now_unix,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(json: &str) -> Deployment {
        serde_json::from_str(json).unwrap()
    }

    fn pod(reason: &str) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"},
            "status": {"containerStatuses": [{"name": "main", "image": "x", "imageID": "", "ready": false,
              "restartCount": 0, "state": {"waiting": {"reason": reason}}}]}
        }))
        .unwrap()
    }

    const RUNNING: &str = r#"{"metadata":{"name":"web","generation":2,"annotations":{"wharf.io/alias":"前端"}},
      "spec":{"replicas":2,"selector":{},"template":{"spec":{"containers":[{"name":"main","image":"busybox:1.35"}]}}},
      "status":{"observedGeneration":2,"replicas":2,"updatedReplicas":2,"readyReplicas":2,"availableReplicas":2}}"#;

    #[test]
    fn running_updating_stopped() {
        let r = deployment_row(&deployment(RUNNING), &[], None, 0);
        assert_eq!(r.status, AppStatus::Running);
        assert_eq!(
            (r.alias.as_deref(), r.images[0].as_str()),
            (Some("前端"), "busybox:1.35")
        );

        let rolling = RUNNING.replace(r#""updatedReplicas":2"#, r#""updatedReplicas":1"#);
        assert_eq!(
            deployment_row(&deployment(&rolling), &[], None, 0).status,
            AppStatus::Updating
        );
        let unseen = RUNNING.replace(r#""observedGeneration":2"#, r#""observedGeneration":1"#);
        assert_eq!(
            deployment_row(&deployment(&unseen), &[], None, 0).status,
            AppStatus::Updating
        );

        let stopped = RUNNING
            .replace(r#""replicas":2,"selector""#, r#""replicas":0,"selector""#)
            .replace(
                r#""wharf.io/alias":"前端""#,
                r#""wharf.io/replicas-before-stop":"2""#,
            );
        let r = deployment_row(&deployment(&stopped), &[], None, 0);
        assert_eq!(
            (r.status, r.stopped_replicas),
            (AppStatus::Stopped, Some(2))
        );
    }

    #[test]
    fn failures_are_named_by_the_pods_reason() {
        let none_ready = RUNNING.replace(r#""readyReplicas":2"#, r#""readyReplicas":0"#);
        let bad = pod("ErrImagePull");
        let r = deployment_row(&deployment(&none_ready), &[&bad], None, 0);
        assert_eq!(
            (r.status, r.reason.as_deref()),
            (AppStatus::Failed, Some("ErrImagePull"))
        );

        let one_ready = RUNNING.replace(r#""readyReplicas":2"#, r#""readyReplicas":1"#);
        let crash = pod("CrashLoopBackOff");
        assert_eq!(
            deployment_row(&deployment(&one_ready), &[&crash], None, 0).status,
            AppStatus::Degraded
        );
        // Starting up is not a failure.
        let starting = pod("ContainerCreating");
        assert_eq!(
            deployment_row(&deployment(&one_ready), &[&starting], None, 0).status,
            AppStatus::Updating
        );
    }
}
