//! Workloads (and their pods and Service) → app rows. Pure: the server
//! lists, this decides what the user reads.

use super::{age, annotation};
use crate::annotations::{ALIAS, DEPLOYMENT_REVISION, REPLICAS_BEFORE_STOP, UPGRADED_FROM};
use crate::app::{AppKind, UpgradeMark};
use crate::view::{AppRow, AppStatus, PodRow, RevisionRow, ServiceRow};
use k8s_openapi::api::apps::v1::{ControllerRevision, Deployment, ReplicaSet, StatefulSet};
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
        // A pod on its way out (a rolled-back template's) is not the app's
        // problem any more.
        .filter(|p| p.metadata.deletion_timestamp.is_none())
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

pub(super) fn images(template: &PodTemplateSpec) -> Vec<String> {
    template
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .filter_map(|c| c.image.clone())
        .collect()
}

pub(super) struct Counts {
    pub(super) desired: i32,
    pub(super) ready: i32,
    pub(super) updated: i32,
    pub(super) available: i32,
    /// The controller has not seen the latest spec, or old pods remain.
    pub(super) rolling: bool,
}

/// Whatever its replicas say, a workload being deleted is going: a
/// foreground deletion keeps it until its pods have gone.
pub(super) fn unless_deleting(meta: &ObjectMeta, status: AppStatus) -> AppStatus {
    if meta.deletion_timestamp.is_some() {
        AppStatus::Deleting
    } else {
        status
    }
}

pub(super) fn status(counts: &Counts, failure: &Option<String>, upgraded: bool) -> AppStatus {
    if counts.desired == 0 {
        return AppStatus::Stopped;
    }
    if upgraded && !counts.rolling && counts.ready >= counts.desired {
        return AppStatus::Upgraded;
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
    let upgrade = annotation(meta, UPGRADED_FROM).and_then(|a| UpgradeMark::parse(&a));
    let status = unless_deleting(meta, status(&counts, &failure, upgrade.is_some()));
    AppRow {
        name: meta.name.clone().unwrap_or_default(),
        alias: annotation(meta, ALIAS),
        kind,
        images: images(template),
        status,
        // A healthy app's stray failing pod (an old template's, going away)
        // is not shown as the app's reason.
        reason: failure.filter(|_| {
            matches!(
                status,
                AppStatus::Updating | AppStatus::Degraded | AppStatus::Failed
            )
        }),
        desired: counts.desired,
        ready: counts.ready,
        updated: counts.updated,
        available: counts.available,
        stopped_replicas: annotation(meta, REPLICAS_BEFORE_STOP).and_then(|n| n.parse().ok()),
        service,
        age_seconds: age(meta, now_unix),
        upgrade,
        node_address: None,
    }
}

pub(super) fn deployment_counts(d: &Deployment) -> Counts {
    let st = d.status.clone().unwrap_or_default();
    let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let updated = st.updated_replicas.unwrap_or(0);
    Counts {
        desired,
        ready: st.ready_replicas.unwrap_or(0),
        updated,
        available: st.available_replicas.unwrap_or(0),
        rolling: st.observed_generation < d.metadata.generation
            || updated < desired
            || st.replicas.unwrap_or(0) > desired,
    }
}

pub(super) fn statefulset_counts(s: &StatefulSet) -> Counts {
    let st = s.status.clone().unwrap_or_default();
    let desired = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let updated = st.updated_replicas.unwrap_or(0);
    Counts {
        desired,
        ready: st.ready_replicas.unwrap_or(0),
        updated,
        available: st.ready_replicas.unwrap_or(0),
        rolling: st.observed_generation < s.metadata.generation
            || (st.update_revision.is_some() && st.update_revision != st.current_revision)
            || st.replicas > desired,
    }
}

pub fn deployment_row(
    d: &Deployment,
    pods: &[&Pod],
    service: Option<ServiceRow>,
    now_unix: i64,
) -> AppRow {
    let template = d.spec.as_ref().map(|s| &s.template);
    row(
        &d.metadata,
        AppKind::Stateless,
        template.unwrap_or(&PodTemplateSpec::default()),
        deployment_counts(d),
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
    let template = s.spec.as_ref().map(|s| &s.template);
    row(
        &s.metadata,
        AppKind::Stateful,
        template.unwrap_or(&PodTemplateSpec::default()),
        statefulset_counts(s),
        pods,
        service,
        now_unix,
    )
}

fn owned_by(meta: &ObjectMeta, owner: &ObjectMeta) -> bool {
    meta.owner_references
        .iter()
        .flatten()
        .any(|o| Some(&o.uid) == owner.uid.as_ref())
}

/// A ReplicaSet's pod template as its Deployment would run it again: without
/// the `pod-template-hash` label the controller adds.
pub fn replica_set_template(rs: &ReplicaSet) -> PodTemplateSpec {
    let mut template = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    if let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove("pod-template-hash");
    }
    template
}

/// A ControllerRevision's pod template: its `data` is the StatefulSet patch
/// `{"spec":{"template":{…,"$patch":"replace"}}}`.
pub fn controller_revision_template(cr: &ControllerRevision) -> Option<PodTemplateSpec> {
    let mut template = cr.data.as_ref()?.0.get("spec")?.get("template")?.clone();
    if let Some(map) = template.as_object_mut() {
        map.remove("$patch");
    }
    serde_json::from_value(template).ok()
}

fn revision_number(meta: &ObjectMeta) -> Option<i64> {
    annotation(meta, DEPLOYMENT_REVISION)?.parse().ok()
}

/// One revision of a workload: its owner-held object's metadata, number,
/// template, and whether the workload runs it now.
struct Revision<'a> {
    meta: &'a ObjectMeta,
    number: i64,
    template: PodTemplateSpec,
    current: bool,
}

/// The revisions `owner` owns, newest first, each with its template.
fn revision_rows<'a>(
    owner: &ObjectMeta,
    revisions: impl Iterator<Item = Revision<'a>>,
    now_unix: i64,
) -> Vec<(RevisionRow, PodTemplateSpec)> {
    let mut rows: Vec<_> = revisions
        .filter(|r| owned_by(r.meta, owner))
        .map(|r| {
            let row = RevisionRow {
                number: r.number,
                images: images(&r.template),
                current: r.current,
                age_seconds: age(r.meta, now_unix),
            };
            (row, r.template)
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.0.number));
    rows
}

/// A Deployment's revisions (its ReplicaSets, numbered by the controller's
/// annotation), newest first, with the templates to roll back to.
pub fn deployment_revisions(
    d: &Deployment,
    replica_sets: &[ReplicaSet],
    now_unix: i64,
) -> Vec<(RevisionRow, PodTemplateSpec)> {
    let current = revision_number(&d.metadata);
    let revisions = replica_sets.iter().filter_map(|rs| {
        let number = revision_number(&rs.metadata)?;
        Some(Revision {
            meta: &rs.metadata,
            number,
            template: replica_set_template(rs),
            current: Some(number) == current,
        })
    });
    revision_rows(&d.metadata, revisions, now_unix)
}

/// A StatefulSet's revisions (its ControllerRevisions; the current one is
/// `status.updateRevision`), newest first.
pub fn statefulset_revisions(
    s: &StatefulSet,
    revisions: &[ControllerRevision],
    now_unix: i64,
) -> Vec<(RevisionRow, PodTemplateSpec)> {
    let update = s.status.as_ref().and_then(|st| st.update_revision.as_ref());
    let revisions = revisions.iter().filter_map(|cr| {
        Some(Revision {
            meta: &cr.metadata,
            number: cr.revision,
            template: controller_revision_template(cr)?,
            current: cr.metadata.name.is_some() && cr.metadata.name.as_ref() == update,
        })
    });
    revision_rows(&s.metadata, revisions, now_unix)
}

/// A pod as the app's detail page lists it; the status reads like
/// `kubectl get pods` (a waiting or failed container's reason first).
pub fn pod_row(p: &Pod, now_unix: i64) -> PodRow {
    let st = p.status.clone().unwrap_or_default();
    let statuses = st.container_statuses.clone().unwrap_or_default();
    let reason = statuses.iter().find_map(|c| {
        let state = c.state.as_ref()?;
        state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .or_else(|| state.terminated.as_ref().and_then(|t| t.reason.clone()))
    });
    let status = if p.metadata.deletion_timestamp.is_some() {
        "Terminating".to_owned()
    } else {
        reason
            .or(st.reason.clone())
            .or(st.phase.clone())
            .unwrap_or_else(|| "Unknown".into())
    };
    let containers = p.spec.as_ref().map_or(0, |s| s.containers.len()) as u32;
    PodRow {
        name: p.metadata.name.clone().unwrap_or_default(),
        status,
        ready: statuses.iter().filter(|c| c.ready).count() as u32,
        containers,
        restarts: statuses.iter().map(|c| c.restart_count).sum(),
        node: p.spec.as_ref().and_then(|s| s.node_name.clone()),
        ip: st.pod_ip.clone(),
        age_seconds: age(&p.metadata, now_unix),
        usage: None,
    }
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

    #[test]
    fn an_unconfirmed_upgrade_reads_upgraded_once_rolled_out() {
        let upgraded = RUNNING.replace(
            r#""wharf.io/alias":"前端""#,
            r#""wharf.io/upgraded-from":"{\"revision\":1,\"replicas\":2,\"images\":[\"busybox:1.34\"]}""#,
        );
        let r = deployment_row(&deployment(&upgraded), &[], None, 0);
        assert_eq!(r.status, AppStatus::Upgraded);
        assert_eq!(r.upgrade.unwrap().images, ["busybox:1.34"]);
        let rolling = upgraded.replace(r#""updatedReplicas":2"#, r#""updatedReplicas":1"#);
        assert_eq!(
            deployment_row(&deployment(&rolling), &[], None, 0).status,
            AppStatus::Updating
        );
    }

    #[test]
    fn revisions_are_the_owned_replica_sets_newest_first() {
        let d = deployment(&RUNNING.replace(
            r#""name":"web","generation":2,"#,
            r#""name":"web","uid":"u1","generation":2,"annotations":{"deployment.kubernetes.io/revision":"2"},"#,
        ).replace(r#","annotations":{"wharf.io/alias":"前端"}"#, ""));
        let rs = |n: u32, owner: &str, image: &str| -> ReplicaSet {
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": format!("web-{n}"), "annotations": {"deployment.kubernetes.io/revision": n.to_string()},
                  "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": owner}]},
                "spec": {"selector": {}, "template": {"metadata": {"labels": {"app": "web", "pod-template-hash": "abc"}},
                  "spec": {"containers": [{"name": "main", "image": image}]}}}
            })).unwrap()
        };
        let list = [
            rs(1, "u1", "busybox:1.34"),
            rs(2, "u1", "busybox:1.35"),
            rs(3, "other", "x"),
        ];
        let revisions = deployment_revisions(&d, &list, 0);
        let numbers: Vec<_> = revisions
            .iter()
            .map(|(r, _)| (r.number, r.current))
            .collect();
        assert_eq!(numbers, [(2, true), (1, false)]);
        assert_eq!(revisions[1].0.images, ["busybox:1.34"]);
        let labels = revisions[1]
            .1
            .metadata
            .as_ref()
            .unwrap()
            .labels
            .as_ref()
            .unwrap();
        assert!(!labels.contains_key("pod-template-hash"));
    }

    #[test]
    fn a_controller_revision_holds_the_template_as_a_patch() {
        let cr: ControllerRevision = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "db-7d9"}, "revision": 3,
            "data": {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"a": "b"}},
              "spec": {"containers": [{"name": "main", "image": "busybox:1.35"}]}}}}
        }))
        .unwrap();
        let t = controller_revision_template(&cr).unwrap();
        assert_eq!(images(&t), ["busybox:1.35"]);
    }

    #[test]
    fn pods_read_like_kubectl() {
        let mut p = pod("ErrImagePull");
        p.spec = Some(Default::default());
        assert_eq!(pod_row(&p, 0).status, "ErrImagePull");
        let running: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"},
            "spec": {"nodeName": "n1", "containers": [{"name": "main"}]},
            "status": {"phase": "Running", "podIP": "10.0.0.5", "containerStatuses": [{"name": "main", "image": "x",
              "imageID": "", "ready": true, "restartCount": 2, "state": {"running": {}}}]}
        }))
        .unwrap();
        let r = pod_row(&running, 0);
        assert_eq!(
            (
                r.status.as_str(),
                r.ready,
                r.containers,
                r.restarts,
                r.node.as_deref()
            ),
            ("Running", 1, 1, 2, Some("n1"))
        );
    }
}
