//! Apps: a workload and its Service made and managed as one.

use super::{KubeCluster, map_error, now_unix};
use async_trait::async_trait;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Node, PersistentVolumeClaim, Pod, PodTemplateSpec, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::Resource;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Debug;
use wharf_app::backend::Apps;
use wharf_spec::annotations::{REPLICAS_BEFORE_STOP, RESTARTED_AT, UPGRADED_FROM};
use wharf_spec::app::{
    AppField, AppForm, AppKind, UpgradeForm, UpgradeMark, Workload, WorkloadObject,
};
use wharf_spec::labels_wharf::{MANAGED_BY, NAME, WHARF};
use wharf_spec::view::{
    AppDetail, AppRef, AppRow, Reach, RevisionRow, ServiceRow, UpgradeDraft, WorkloadId,
    WorkloadKind,
};
use wharf_spec::{ApiError, convert};

fn rfc3339_now() -> String {
    k8s_openapi::jiff::Timestamp::now().to_string()
}

/// What the lifecycle needs to know per workload kind: its row and where its
/// revisions live (ReplicaSets, ControllerRevisions).
pub(super) trait AppWorkload:
    WorkloadObject
    + Resource<Scope = NamespaceResourceScope, DynamicType = ()>
    + Clone
    + Debug
    + Serialize
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
    /// The objects the controller keeps its revisions in.
    type Revision: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + Debug
        + DeserializeOwned
        + Send;

    fn row(&self, pods: &[&Pod], service: Option<ServiceRow>, now_unix: i64) -> AppRow;

    /// Newest first, each with the template to roll back to.
    fn revision_rows(
        &self,
        revisions: &[Self::Revision],
        now_unix: i64,
    ) -> Vec<(RevisionRow, PodTemplateSpec)>;
}

/// The workload's pods (and revisions: both carry the template's labels),
/// by its own selector, whoever made it.
fn pods_of(w: &impl WorkloadObject) -> ListParams {
    match w.selector().map(convert::selector_text) {
        Some(selector) if !selector.is_empty() => ListParams::default().labels(&selector),
        // apps/v1 requires a selector; an object without one picks nothing
        // rather than everything.
        _ => ListParams::default().labels(&format!(
            "{NAME}={}",
            w.meta().name.as_deref().unwrap_or_default()
        )),
    }
}

impl AppWorkload for Deployment {
    type Revision = ReplicaSet;

    fn row(&self, pods: &[&Pod], service: Option<ServiceRow>, now_unix: i64) -> AppRow {
        convert::deployment_row(self, pods, service, now_unix)
    }

    fn revision_rows(
        &self,
        sets: &[ReplicaSet],
        now_unix: i64,
    ) -> Vec<(RevisionRow, PodTemplateSpec)> {
        convert::deployment_revisions(self, sets, now_unix)
    }
}

impl AppWorkload for StatefulSet {
    type Revision = ControllerRevision;

    fn row(&self, pods: &[&Pod], service: Option<ServiceRow>, now_unix: i64) -> AppRow {
        convert::statefulset_row(self, pods, service, now_unix)
    }

    fn revision_rows(
        &self,
        revisions: &[ControllerRevision],
        now_unix: i64,
    ) -> Vec<(RevisionRow, PodTemplateSpec)> {
        convert::statefulset_revisions(self, revisions, now_unix)
    }
}

/// Where the apiserver's causes (`spec.ports[0].nodePort`) land on the form
/// that made the objects (none: left as the apiserver says them).
struct FieldsOf {
    workload: fn(&str) -> Option<AppField>,
    service: fn(&str) -> Option<AppField>,
}

/// Calls `$body` with `$ty` the workload type of `$kind`.
macro_rules! per_kind {
    ($kind:expr, $ty:ident => $body:expr) => {
        match $kind {
            AppKind::Stateless => {
                type $ty = Deployment;
                $body
            }
            AppKind::Stateful => {
                type $ty = StatefulSet;
                $body
            }
        }
    };
}

fn annotations_mut(meta: &mut ObjectMeta) -> &mut BTreeMap<String, String> {
    meta.annotations.get_or_insert_with(BTreeMap::new)
}

fn upgrade_mark(meta: &ObjectMeta) -> Option<UpgradeMark> {
    meta.annotations
        .as_ref()?
        .get(UPGRADED_FROM)
        .and_then(|a| UpgradeMark::parse(a))
}

fn template_images(w: &impl WorkloadObject) -> Vec<String> {
    w.template()
        .and_then(|t| t.spec.as_ref())
        .map(|s| {
            s.containers
                .iter()
                .filter_map(|c| c.image.clone())
                .collect()
        })
        .unwrap_or_default()
}

impl KubeCluster {
    /// A merge patch on the app's workload.
    async fn patch_workload(
        &self,
        namespace: &str,
        app: &AppRef,
        patch: serde_json::Value,
    ) -> Result<(), ApiError> {
        per_kind!(app.kind, K => self
            .namespaced::<K>(namespace)
            .patch(&app.name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map(|_| ())
            .map_err(map_error))
    }

    /// Reads the workload, lets `change` edit it and replaces it, carrying
    /// the resourceVersion read: nothing written in between is overwritten.
    /// Controllers write status all the time (each write is a new
    /// resourceVersion), so a Conflict reads again and decides again, as
    /// kubectl's retry-on-conflict does. `expected_generation` is the spec
    /// generation the user's form was filled from: a spec changed since then
    /// (generation moved) is the user's conflict, answered as such.
    async fn change_workload<K: AppWorkload>(
        &self,
        namespace: &str,
        name: &str,
        expected_generation: Option<i64>,
        change: impl Fn(&mut K) -> Result<(), ApiError> + Send + Sync,
    ) -> Result<(), ApiError> {
        const ATTEMPTS: usize = 5;
        let api = self.namespaced::<K>(namespace);
        let mut attempt = 1;
        loop {
            let mut w = api.get(name).await.map_err(map_error)?;
            if let Some(expected) = expected_generation
                && w.meta().generation != Some(expected)
            {
                return Err(ApiError::Conflict {
                    message: format!(
                        "{} {name} was changed since the form was filled; reload to see the change",
                        <K as k8s_openapi::Resource>::KIND
                    ),
                });
            }
            change(&mut w)?;
            match api
                .replace(name, &PostParams::default(), &w)
                .await
                .map_err(map_error)
            {
                Err(ApiError::Conflict { .. }) if attempt < ATTEMPTS => attempt += 1,
                result => return result.map(|_| ()),
            }
        }
    }

    /// The workload of the app `name` (a [`Workload`], as a form builds
    /// one): one name is one app (its Service's name is the workload's), a
    /// Deployment or else a StatefulSet.
    async fn app_workload(&self, namespace: &str, name: &str) -> Result<Workload, ApiError> {
        if let Some(d) = self
            .namespaced::<Deployment>(namespace)
            .get_opt(name)
            .await
            .map_err(map_error)?
        {
            return Ok(Workload::Deployment(d));
        }
        self.namespaced::<StatefulSet>(namespace)
            .get(name)
            .await
            .map(Workload::StatefulSet)
            .map_err(|e| match map_error(e) {
                ApiError::NotFound { .. } => ApiError::NotFound {
                    kind: "app".into(),
                    name: name.into(),
                },
                e => e,
            })
    }

    async fn detail_of<K: AppWorkload>(
        &self,
        namespace: &str,
        w: K,
    ) -> Result<AppDetail, ApiError> {
        let name = w.meta().name.clone().unwrap_or_default();
        let (pods, service, revisions) = tokio::try_join!(
            async {
                self.namespaced::<Pod>(namespace)
                    .list(&pods_of(&w))
                    .await
                    .map_err(map_error)
            },
            async {
                self.namespaced::<Service>(namespace)
                    .get_opt(&name)
                    .await
                    .map_err(map_error)
            },
            self.revisions(namespace, &w),
        )?;
        let now = now_unix();
        let pod_refs: Vec<&Pod> = pods.items.iter().collect();
        let mut row = w.row(
            &pod_refs,
            service.map(|s| convert::service_row(&s, now)),
            now,
        );
        if matches!(row.reach(), Reach::At(_)) {
            row.node_address = self.node_address().await;
        }
        Ok(AppDetail {
            row,
            revisions: revisions.into_iter().map(|(r, _)| r).collect(),
            pod_selector: pods_of(&w).label_selector.unwrap_or_default(),
        })
    }

    /// A workload's revisions, newest first, with their templates.
    async fn revisions<K: AppWorkload>(
        &self,
        namespace: &str,
        w: &K,
    ) -> Result<Vec<(RevisionRow, PodTemplateSpec)>, ApiError> {
        let list = self
            .namespaced::<K::Revision>(namespace)
            .list(&pods_of(w))
            .await
            .map_err(map_error)?;
        Ok(w.revision_rows(&list.items, now_unix()))
    }

    /// The workload's revisions (read once, before the read-modify-write:
    /// they are the controller's, and a retry does not need them fresher).
    async fn revisions_of<K: AppWorkload>(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Vec<(RevisionRow, PodTemplateSpec)>, ApiError> {
        let w = self
            .namespaced::<K>(namespace)
            .get(name)
            .await
            .map_err(map_error)?;
        self.revisions(namespace, &w).await
    }

    async fn upgrade<K: AppWorkload>(
        &self,
        namespace: &str,
        name: &str,
        form: &UpgradeForm,
        generation: i64,
    ) -> Result<(), ApiError> {
        let revisions = self.revisions_of::<K>(namespace, name).await?;
        let current = revisions
            .iter()
            .find(|(r, _)| r.current)
            .map_or(0, |(r, _)| r.number);
        self.change_workload::<K>(namespace, name, Some(generation), |w| {
            // A second upgrade before confirming keeps the first mark: roll
            // back returns to what ran before the upgrades began.
            if upgrade_mark(w.meta()).is_none() {
                let mark = UpgradeMark {
                    revision: current,
                    replicas: w.replicas(),
                    images: template_images(w),
                };
                annotations_mut(w.meta_mut()).insert(UPGRADED_FROM.into(), mark.to_annotation());
            }
            form.apply_to(w);
            Ok(())
        })
        .await
        .map_err(|e| e.relocate(AppForm::form_field))
    }

    async fn rollback<K: AppWorkload>(
        &self,
        namespace: &str,
        name: &str,
        revision: Option<i64>,
    ) -> Result<(), ApiError> {
        let revisions = self.revisions_of::<K>(namespace, name).await?;
        self.change_workload::<K>(namespace, name, None, |w| {
            let mark = upgrade_mark(w.meta());
            let target = revision
                .or(mark.as_ref().map(|m| m.revision))
                .ok_or_else(|| ApiError::Invalid {
                    message: "nothing to roll back to: the app was not upgraded".into(),
                    causes: vec![],
                })?;
            let (_, template) = revisions
                .iter()
                .find(|(r, _)| r.number == target)
                .ok_or_else(|| ApiError::NotFound {
                    kind: "revision".into(),
                    name: target.to_string(),
                })?;
            *w.template_mut() = template.clone();
            // Rolling back the upgrade restores its replica count too.
            if let Some(mark) = mark.filter(|m| m.revision == target) {
                w.set_replicas(mark.replicas);
            }
            annotations_mut(w.meta_mut()).remove(UPGRADED_FROM);
            Ok(())
        })
        .await
    }

    async fn confirm<K: AppWorkload>(&self, namespace: &str, name: &str) -> Result<(), ApiError> {
        self.change_workload::<K>(namespace, name, None, |w| {
            if annotations_mut(w.meta_mut())
                .remove(UPGRADED_FROM)
                .is_none()
            {
                return Err(ApiError::Invalid {
                    message: "nothing to confirm: the app was not upgraded".into(),
                    causes: vec![],
                });
            }
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl Apps for KubeCluster {
    async fn create_app(
        &self,
        namespace: &str,
        form: &AppForm,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        // The apiserver's causes land on the wizard's fields.
        let fields = FieldsOf {
            workload: AppForm::form_field,
            service: AppForm::service_field,
        };
        let (workload, service) = (
            form.build_workload(namespace),
            form.build_service(namespace),
        );
        self.create_pair(namespace, workload, service, dry_run, fields)
            .await
    }

    async fn create_app_from_yaml(
        &self,
        namespace: &str,
        yaml: &str,
        dry_run: bool,
    ) -> Result<String, ApiError> {
        let (workload, service) = super::yaml::parse_app(yaml, namespace)?;
        let name = service.metadata.name.clone().unwrap_or_default();
        let as_is = FieldsOf {
            workload: |_| None,
            service: |_| None,
        };
        self.create_pair(namespace, workload, service, dry_run, as_is)
            .await?;
        Ok(name)
    }

    async fn preview_app(&self, namespace: &str, form: &AppForm) -> Result<String, ApiError> {
        let workload = match form.build_workload(namespace) {
            Workload::Deployment(d) => serde_yaml::to_string(&d),
            Workload::StatefulSet(s) => serde_yaml::to_string(&s),
        }
        .map_err(|e| ApiError::Internal {
            message: format!("cannot render YAML: {e}"),
        })?;
        let service = super::yaml::render(&form.build_service(namespace))?;
        Ok(format!("{workload}---\n{service}"))
    }

    async fn app_detail(&self, namespace: &str, name: &str) -> Result<AppDetail, ApiError> {
        match self.app_workload(namespace, name).await? {
            Workload::Deployment(d) => self.detail_of(namespace, d).await,
            Workload::StatefulSet(s) => self.detail_of(namespace, s).await,
        }
    }

    async fn upgrade_draft(&self, namespace: &str, name: &str) -> Result<UpgradeDraft, ApiError> {
        fn draft_of(kind: AppKind, w: &impl WorkloadObject) -> UpgradeDraft {
            UpgradeDraft {
                app: AppRef {
                    kind,
                    name: w.meta().name.clone().unwrap_or_default(),
                },
                form: UpgradeForm::from_workload(w),
                generation: w.meta().generation.unwrap_or_default(),
            }
        }
        let workload = self.app_workload(namespace, name).await?;
        let kind = workload.app_kind();
        Ok(match &workload {
            Workload::Deployment(d) => draft_of(kind, d),
            Workload::StatefulSet(s) => draft_of(kind, s),
        })
    }

    async fn upgrade_app(
        &self,
        namespace: &str,
        app: &AppRef,
        form: &UpgradeForm,
        generation: i64,
    ) -> Result<(), ApiError> {
        per_kind!(app.kind, K => self.upgrade::<K>(namespace, &app.name, form, generation).await)
    }

    async fn rollback_app(
        &self,
        namespace: &str,
        app: &AppRef,
        revision: Option<i64>,
    ) -> Result<(), ApiError> {
        per_kind!(app.kind, K => self.rollback::<K>(namespace, &app.name, revision).await)
    }

    async fn confirm_upgrade(&self, namespace: &str, app: &AppRef) -> Result<(), ApiError> {
        per_kind!(app.kind, K => self.confirm::<K>(namespace, &app.name).await)
    }

    async fn scale_app(
        &self,
        namespace: &str,
        app: &AppRef,
        replicas: i32,
    ) -> Result<(), ApiError> {
        if !(0..=wharf_spec::app::MAX_REPLICAS as i32).contains(&replicas) {
            return Err(wharf_spec::FieldErrors::single(
                AppField::Replicas,
                wharf_spec::Problem::OutOfRange {
                    min: 0,
                    max: wharf_spec::app::MAX_REPLICAS,
                },
            )
            .into());
        }
        self.patch_workload(namespace, app, json!({ "spec": { "replicas": replicas } }))
            .await
    }

    async fn stop_app(&self, namespace: &str, app: &AppRef) -> Result<(), ApiError> {
        per_kind!(app.kind, K => self.change_workload::<K>(namespace, &app.name, None, |w| {
            let replicas = w.replicas();
            if replicas > 0 {
                annotations_mut(w.meta_mut())
                    .insert(REPLICAS_BEFORE_STOP.into(), replicas.to_string());
                w.set_replicas(0);
            }
            Ok(())
        })
        .await)
    }

    async fn start_app(&self, namespace: &str, app: &AppRef) -> Result<(), ApiError> {
        per_kind!(app.kind, K => self.change_workload::<K>(namespace, &app.name, None, |w| {
            if w.replicas() > 0 {
                return Ok(());
            }
            let remembered = annotations_mut(w.meta_mut()).remove(REPLICAS_BEFORE_STOP);
            w.set_replicas(remembered.and_then(|n| n.parse().ok()).unwrap_or(1).max(1));
            Ok(())
        })
        .await)
    }

    async fn restart_workload(
        &self,
        namespace: &str,
        workload: &WorkloadId,
    ) -> Result<(), ApiError> {
        // The pod template's annotation, as `kubectl rollout restart` sets it.
        let patch = json!({ "spec": { "template": { "metadata": { "annotations": {
            RESTARTED_AT: rfc3339_now()
        } } } } });
        let name = &workload.name;
        let params = PatchParams::default();
        let patch = Patch::Merge(&patch);
        match workload.kind {
            WorkloadKind::Deployment => self
                .namespaced::<Deployment>(namespace)
                .patch(name, &params, &patch)
                .await
                .map(|_| ()),
            WorkloadKind::StatefulSet => self
                .namespaced::<StatefulSet>(namespace)
                .patch(name, &params, &patch)
                .await
                .map(|_| ()),
            WorkloadKind::DaemonSet => self
                .namespaced::<DaemonSet>(namespace)
                .patch(name, &params, &patch)
                .await
                .map(|_| ()),
            WorkloadKind::Job => return Err(not_for(workload, "restarted")),
        }
        .map_err(map_error)
    }

    async fn delete_apps(
        &self,
        namespace: &str,
        workloads: &[WorkloadId],
        with_volumes: bool,
    ) -> Result<Vec<(String, ApiError)>, ApiError> {
        let mut failed = Vec::new();
        for workload in workloads {
            if let Err(e) = self.delete_any_workload(namespace, workload).await {
                failed.push((workload.name.clone(), e));
                continue;
            }
            // An app's Service goes with it; a Service of the same name
            // that Wharf did not make with the workload is someone else's.
            match self.delete_wharf_service(namespace, &workload.name).await {
                Ok(()) | Err(ApiError::NotFound { .. }) => {}
                Err(e) => failed.push((format!("Service/{}", workload.name), e)),
            }
            if with_volumes && workload.kind == WorkloadKind::StatefulSet {
                let claims = ListParams::default().labels(&format!("{NAME}={}", workload.name));
                if let Err(e) = self
                    .namespaced::<PersistentVolumeClaim>(namespace)
                    .delete_collection(&DeleteParams::default(), &claims)
                    .await
                {
                    failed.push((
                        format!("PersistentVolumeClaims of {}", workload.name),
                        map_error(e),
                    ));
                }
            }
        }
        Ok(failed)
    }
}

/// Refused before any call: the action does not apply to this kind.
fn not_for(workload: &WorkloadId, what: &str) -> ApiError {
    ApiError::Invalid {
        message: format!("a {} cannot be {what}", workload.kind.api_name()),
        causes: vec![],
    }
}

impl KubeCluster {
    /// Creates the workload, then its Service; if the Service is refused the
    /// workload is deleted again, so nothing is half-created (and if even
    /// that fails, the error says exactly what exists).
    async fn create_pair(
        &self,
        namespace: &str,
        workload: Workload,
        service: Service,
        dry_run: bool,
        fields: FieldsOf,
    ) -> Result<(), ApiError> {
        let params = PostParams {
            dry_run,
            ..Default::default()
        };
        let kind = workload.kind();
        let app = AppRef {
            kind: workload.app_kind(),
            name: service.metadata.name.clone().unwrap_or_default(),
        };
        match &workload {
            Workload::Deployment(d) => self
                .namespaced::<Deployment>(namespace)
                .create(&params, d)
                .await
                .map(|_| ()),
            Workload::StatefulSet(s) => self
                .namespaced::<StatefulSet>(namespace)
                .create(&params, s)
                .await
                .map(|_| ()),
        }
        .map_err(|e| map_error(e).relocate(fields.workload))?;

        let Err(e) = self
            .namespaced::<Service>(namespace)
            .create(&params, &service)
            .await
        else {
            return Ok(());
        };
        let service_error = map_error(e).relocate(fields.service);
        if dry_run {
            return Err(service_error);
        }
        // Undo step 1 so nothing is half-created.
        match self.delete_workload(namespace, &app).await {
            Ok(()) => Err(service_error),
            Err(undo) => Err(ApiError::Internal {
                message: format!(
                    "the {kind} {} was created but its Service was refused ({service_error}); \
                     deleting the {kind} again failed too ({undo}): delete it by hand",
                    app.name
                ),
            }),
        }
    }

    /// A Ready node's address for NodePort access (ExternalIP before
    /// InternalIP); none when the user may not list nodes.
    pub(super) async fn node_address(&self) -> Option<String> {
        let nodes = kube::Api::<Node>::all(self.client.clone())
            .list(&ListParams::default().limit(50))
            .await
            .ok()?;
        let ready = |n: &Node| {
            n.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        };
        let node = nodes.items.iter().find(|n| ready(n))?;
        let addresses = node.status.as_ref()?.addresses.as_ref()?;
        ["ExternalIP", "InternalIP"].iter().find_map(|kind| {
            addresses
                .iter()
                .find(|a| a.type_ == *kind)
                .map(|a| a.address.clone())
        })
    }

    /// Deletes a workload of any kind, its pods first (foreground).
    async fn delete_any_workload(
        &self,
        namespace: &str,
        workload: &WorkloadId,
    ) -> Result<(), ApiError> {
        if let Some(app) = workload.app() {
            return self.delete_workload(namespace, &app).await;
        }
        let params = DeleteParams::foreground();
        match workload.kind {
            WorkloadKind::DaemonSet => self
                .namespaced::<DaemonSet>(namespace)
                .delete(&workload.name, &params)
                .await
                .map(|_| ()),
            _ => self
                .namespaced::<Job>(namespace)
                .delete(&workload.name, &params)
                .await
                .map(|_| ()),
        }
        .map_err(map_error)
    }

    /// Deletes the Service `name` if it is Wharf's app Service (labelled as
    /// made by Wharf for that app); NotFound when there is none such.
    async fn delete_wharf_service(&self, namespace: &str, name: &str) -> Result<(), ApiError> {
        let api = self.namespaced::<Service>(namespace);
        let Some(service) = api.get_opt(name).await.map_err(map_error)? else {
            return Err(ApiError::NotFound {
                kind: "Service".into(),
                name: name.into(),
            });
        };
        let labels = service.metadata.labels.unwrap_or_default();
        let wharfs = labels.get(MANAGED_BY).map(String::as_str) == Some(WHARF)
            && labels.get(NAME).map(String::as_str) == Some(name);
        if !wharfs {
            return Err(ApiError::NotFound {
                kind: "Service".into(),
                name: name.into(),
            });
        }
        api.delete(name, &DeleteParams::default())
            .await
            .map(|_| ())
            .map_err(map_error)
    }

    async fn delete_workload(&self, namespace: &str, app: &AppRef) -> Result<(), ApiError> {
        // Foreground: the pods go before the workload is reported gone.
        per_kind!(app.kind, K => self
            .namespaced::<K>(namespace)
            .delete(&app.name, &DeleteParams::foreground())
            .await
            .map(|_| ())
            .map_err(map_error))
    }
}
