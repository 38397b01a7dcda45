//! Apps: a workload and its Service made and managed as one.

use super::{KubeCluster, PAGE, map_error, now_unix};
use async_trait::async_trait;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;
use std::collections::HashMap;
use wharf_app::backend::Apps;
use wharf_spec::annotations::{REPLICAS_BEFORE_STOP, RESTARTED_AT};
use wharf_spec::app::{AppForm, AppKind, Workload};
use wharf_spec::labels_wharf::{MANAGED_BY, NAME, WHARF};
use wharf_spec::service::ServiceForm;
use wharf_spec::view::{AppRef, AppRow};
use wharf_spec::{ApiError, convert};

fn wharf_apps() -> ListParams {
    ListParams::default()
        .labels(&format!("{MANAGED_BY}={WHARF}"))
        .limit(PAGE)
}

fn rfc3339_now() -> String {
    k8s_openapi::jiff::Timestamp::now().to_string()
}

impl KubeCluster {
    /// A merge patch on the app's workload.
    async fn patch_workload(
        &self,
        namespace: &str,
        app: &AppRef,
        patch: serde_json::Value,
    ) -> Result<(), ApiError> {
        let params = PatchParams::default();
        let result = match app.kind {
            AppKind::Stateless => self
                .namespaced::<Deployment>(namespace)
                .patch(&app.name, &params, &Patch::Merge(&patch))
                .await
                .map(|_| ()),
            AppKind::Stateful => self
                .namespaced::<StatefulSet>(namespace)
                .patch(&app.name, &params, &Patch::Merge(&patch))
                .await
                .map(|_| ()),
        };
        result.map_err(map_error)
    }

    /// The workload's replicas, annotations and resourceVersion.
    async fn workload_state(
        &self,
        namespace: &str,
        app: &AppRef,
    ) -> Result<(i32, Option<String>, Option<String>), ApiError> {
        let (meta, replicas) = match app.kind {
            AppKind::Stateless => {
                let d = self
                    .namespaced::<Deployment>(namespace)
                    .get(&app.name)
                    .await
                    .map_err(map_error)?;
                (d.metadata, d.spec.and_then(|s| s.replicas).unwrap_or(1))
            }
            AppKind::Stateful => {
                let s = self
                    .namespaced::<StatefulSet>(namespace)
                    .get(&app.name)
                    .await
                    .map_err(map_error)?;
                (s.metadata, s.spec.and_then(|s| s.replicas).unwrap_or(1))
            }
        };
        let remembered = meta
            .annotations
            .as_ref()
            .and_then(|a| a.get(REPLICAS_BEFORE_STOP).cloned());
        Ok((replicas, remembered, meta.resource_version))
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
        let params = PostParams {
            dry_run,
            ..Default::default()
        };
        let workload = form.build_workload(namespace);
        let kind = workload.kind();
        let created = match &workload {
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
        };
        created.map_err(|e| map_error(e).relocate(AppForm::form_field))?;

        let service = self
            .namespaced::<Service>(namespace)
            .create(&params, &form.build_service(namespace))
            .await;
        let Err(e) = service else { return Ok(()) };
        let service_error = map_error(e)
            .relocate(|path| ServiceForm::form_field(path).map(|f| format!("service.{f}")));
        if dry_run {
            return Err(service_error);
        }
        // Undo step 1 so nothing is half-created.
        let app = AppRef {
            kind: form.kind,
            name: form.name.trim().to_owned(),
        };
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

    async fn list_apps(&self, namespace: &str) -> Result<Vec<AppRow>, ApiError> {
        let (deployments, statefulsets, pods, services) = tokio::try_join!(
            async {
                self.namespaced::<Deployment>(namespace)
                    .list(&wharf_apps())
                    .await
                    .map_err(map_error)
            },
            async {
                self.namespaced::<StatefulSet>(namespace)
                    .list(&wharf_apps())
                    .await
                    .map_err(map_error)
            },
            async {
                self.namespaced::<Pod>(namespace)
                    .list(&wharf_apps())
                    .await
                    .map_err(map_error)
            },
            async {
                self.namespaced::<Service>(namespace)
                    .list(&wharf_apps())
                    .await
                    .map_err(map_error)
            },
        )?;
        let now = now_unix();
        let app_of = |labels: &Option<std::collections::BTreeMap<String, String>>| {
            labels.as_ref().and_then(|l| l.get(NAME).cloned())
        };
        let mut pods_of: HashMap<String, Vec<&Pod>> = HashMap::new();
        for p in &pods.items {
            if let Some(app) = app_of(&p.metadata.labels) {
                pods_of.entry(app).or_default().push(p);
            }
        }
        let service_of = |name: &str| {
            services
                .items
                .iter()
                .find(|s| s.metadata.name.as_deref() == Some(name))
                .map(|s| convert::service_row(s, now))
        };
        let pods_for = |name: &str| pods_of.get(name).cloned().unwrap_or_default();
        let mut rows: Vec<AppRow> = deployments
            .items
            .iter()
            .map(|d| {
                let name = d.metadata.name.clone().unwrap_or_default();
                convert::deployment_row(d, &pods_for(&name), service_of(&name), now)
            })
            .chain(statefulsets.items.iter().map(|s| {
                let name = s.metadata.name.clone().unwrap_or_default();
                convert::statefulset_row(s, &pods_for(&name), service_of(&name), now)
            }))
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(rows)
    }

    async fn scale_app(
        &self,
        namespace: &str,
        app: &AppRef,
        replicas: i32,
    ) -> Result<(), ApiError> {
        if !(0..=wharf_spec::app::MAX_REPLICAS as i32).contains(&replicas) {
            return Err(wharf_spec::FieldErrors::single(
                "replicas",
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
        let (replicas, _, version) = self.workload_state(namespace, app).await?;
        if replicas == 0 {
            return Ok(());
        }
        // Conditional on the version read: a concurrent scale is not lost.
        self.patch_workload(
            namespace,
            app,
            json!({
                "metadata": {
                    "resourceVersion": version,
                    "annotations": { REPLICAS_BEFORE_STOP: replicas.to_string() },
                },
                "spec": { "replicas": 0 },
            }),
        )
        .await
    }

    async fn start_app(&self, namespace: &str, app: &AppRef) -> Result<(), ApiError> {
        let (replicas, remembered, version) = self.workload_state(namespace, app).await?;
        if replicas > 0 {
            return Ok(());
        }
        let restore: i32 = remembered.and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
        self.patch_workload(
            namespace,
            app,
            json!({
                "metadata": {
                    "resourceVersion": version,
                    "annotations": { REPLICAS_BEFORE_STOP: null },
                },
                "spec": { "replicas": restore },
            }),
        )
        .await
    }

    async fn restart_app(&self, namespace: &str, app: &AppRef) -> Result<(), ApiError> {
        self.patch_workload(
            namespace,
            app,
            json!({ "spec": { "template": { "metadata": { "annotations": {
                RESTARTED_AT: rfc3339_now()
            } } } } }),
        )
        .await
    }

    async fn delete_apps(
        &self,
        namespace: &str,
        apps: &[AppRef],
        with_volumes: bool,
    ) -> Result<Vec<(String, ApiError)>, ApiError> {
        let mut failed = Vec::new();
        for app in apps {
            if let Err(e) = self.delete_workload(namespace, app).await {
                failed.push((app.name.clone(), e));
                continue;
            }
            match self
                .namespaced::<Service>(namespace)
                .delete(&app.name, &DeleteParams::default())
                .await
                .map_err(map_error)
            {
                Ok(_) | Err(ApiError::NotFound { .. }) => {}
                Err(e) => failed.push((format!("Service/{}", app.name), e)),
            }
            if with_volumes && app.kind == AppKind::Stateful {
                let claims = ListParams::default().labels(&format!("{NAME}={}", app.name));
                if let Err(e) = self
                    .namespaced::<PersistentVolumeClaim>(namespace)
                    .delete_collection(&DeleteParams::default(), &claims)
                    .await
                {
                    failed.push((
                        format!("PersistentVolumeClaims of {}", app.name),
                        map_error(e),
                    ));
                }
            }
        }
        Ok(failed)
    }
}

impl KubeCluster {
    async fn delete_workload(&self, namespace: &str, app: &AppRef) -> Result<(), ApiError> {
        // Foreground: the pods go before the workload is reported gone.
        let params = DeleteParams::foreground();
        let result = match app.kind {
            AppKind::Stateless => self
                .namespaced::<Deployment>(namespace)
                .delete(&app.name, &params)
                .await
                .map(|_| ()),
            AppKind::Stateful => self
                .namespaced::<StatefulSet>(namespace)
                .delete(&app.name, &params)
                .await
                .map(|_| ()),
        };
        result.map_err(map_error)
    }
}
