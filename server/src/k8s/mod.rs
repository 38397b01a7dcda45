//! The one module that talks to the Kubernetes API (`kube`). Nothing else in
//! Wharf imports `kube`; `end2end/checks.sh` enforces it.
//!
//! [`KubeCluster`] is one session's view of the cluster: it holds a client
//! built from that session's own credentials and implements the app's
//! [`Cluster`] trait, which is all the server functions see.

mod access;
mod apps;
pub mod clusters;
mod connect;
pub mod credentials;
mod error;
pub mod live;
mod nodes;
mod pods;
pub mod signed_out;
pub mod streams;
pub mod terminal;
pub mod yaml;

pub use connect::{
    ApiserverProbe, ConnectError, ConnectionSource, client_at, client_from, connect, load_config,
};
pub use error::map_error;

use async_trait::async_trait;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Endpoints, Namespace, Pod, Service};
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::time::{SystemTime, UNIX_EPOCH};
use wharf_app::backend::Cluster;
use wharf_spec::ApiError;
use wharf_spec::access::Access;
use wharf_spec::convert;
use wharf_spec::service::{ServiceDraft, ServiceForm, kept_fields};
use wharf_spec::space::{self, NewSpace};
use wharf_spec::view::{
    DocumentOutcome, PodBrief, ServiceDetail, ServiceRow, SpaceContents, SpaceSummary,
    WorkloadLabels, WorkloadRef,
};

/// Page size for lists: bounded memory per request however large the space.
const PAGE: u32 = 500;

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

pub struct KubeCluster {
    client: Client,
    access: access::AccessCache,
    /// The live lists' watches of this session.
    feeds: live::Feeds,
}

impl KubeCluster {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            access: access::AccessCache::default(),
            feeds: live::Feeds::default(),
        }
    }

    fn namespaced<K>(&self, namespace: &str) -> Api<K>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as Resource>::DynamicType: Default,
    {
        Api::namespaced(self.client.clone(), namespace)
    }

    /// Every object of a list, page by page.
    async fn list_all<K>(api: &Api<K>) -> Result<Vec<K>, ApiError>
    where
        K: Clone + DeserializeOwned + Debug,
    {
        Self::list_matching(api, ListParams::default()).await
    }

    /// Every object `params` selects, page by page.
    async fn list_matching<K>(api: &Api<K>, params: ListParams) -> Result<Vec<K>, ApiError>
    where
        K: Clone + DeserializeOwned + Debug,
    {
        Self::list_projected(api, params, Some).await
    }

    /// The one list helper: every object `params` selects, read `PAGE` at
    /// a time, each page reduced by `project` before the next is read, so
    /// a request holds one page of objects plus what it keeps of the rest
    /// however large the space. Never stops at a page: it follows the
    /// continue token to the end.
    async fn list_projected<K, T>(
        api: &Api<K>,
        params: ListParams,
        mut project: impl FnMut(K) -> Option<T>,
    ) -> Result<Vec<T>, ApiError>
    where
        K: Clone + DeserializeOwned + Debug,
    {
        let mut kept = Vec::new();
        let mut params = params.limit(PAGE);
        loop {
            let page = api.list(&params).await.map_err(map_error)?;
            kept.extend(page.items.into_iter().filter_map(&mut project));
            match page.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(token) => params = params.continue_token(&token),
                None => return Ok(kept),
            }
        }
    }

    async fn names<K>(&self, namespace: &str) -> Result<Vec<String>, ApiError>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope> + Clone + DeserializeOwned + Debug,
        <K as Resource>::DynamicType: Default,
    {
        let api = self.namespaced::<K>(namespace);
        let mut names: Vec<String> = Self::list_all(&api)
            .await?
            .iter()
            .filter_map(|o| o.meta().name.clone())
            .collect();
        names.sort();
        Ok(names)
    }

    /// An empty list does not say whether the space exists; ask, so a
    /// deleted space reads "not found" rather than "no services".
    async fn ensure_space_exists(&self, namespace: &str) -> Result<(), ApiError> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        match api.get_opt(namespace).await {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(space_not_found(namespace)),
            // Users allowed into a namespace may still not read the
            // namespace object; the empty list is then all we know.
            Err(_) => Ok(()),
        }
    }
}

/// A workload's pod-template labels, sorted by key.
fn workload_labels_of(
    kind: &str,
    name: Option<String>,
    template: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>,
) -> WorkloadLabels {
    WorkloadLabels {
        kind: kind.to_owned(),
        name: name.unwrap_or_default(),
        labels: template
            .and_then(|m| m.labels)
            .unwrap_or_default()
            .into_iter()
            .collect(),
    }
}

fn space_not_found(name: &str) -> ApiError {
    ApiError::NotFound {
        kind: "Namespace".into(),
        name: name.into(),
    }
}

#[async_trait]
impl Cluster for KubeCluster {
    async fn access(&self, space: &str) -> Result<Access, ApiError> {
        self.access_in(space).await
    }

    async fn list_spaces(&self) -> Result<Vec<SpaceSummary>, ApiError> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        let now = now_unix();
        let mut spaces: Vec<SpaceSummary> = Self::list_all(&api)
            .await?
            .iter()
            .map(|ns| convert::space_summary(ns, now))
            .collect();
        spaces.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(spaces)
    }

    async fn create_space(&self, space: &NewSpace) -> Result<SpaceSummary, ApiError> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        let created = api
            .create(&PostParams::default(), &space.build())
            .await
            .map_err(|e| map_error(e).relocate(space::form_field))?;
        Ok(convert::space_summary(&created, now_unix()))
    }

    async fn space_contents(&self, namespace: &str) -> Result<SpaceContents, ApiError> {
        let (services, deployments, statefulsets, pods) = tokio::try_join!(
            self.names::<Service>(namespace),
            self.names::<Deployment>(namespace),
            self.names::<StatefulSet>(namespace),
            self.names::<Pod>(namespace),
        )?;
        Ok(SpaceContents {
            services,
            deployments,
            statefulsets,
            pods,
        })
    }

    async fn delete_space(&self, namespace: &str) -> Result<(), ApiError> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        api.delete(namespace, &DeleteParams::default())
            .await
            .map_err(map_error)?;
        Ok(())
    }

    async fn first_rows(
        &self,
        source: &wharf_spec::live::Source,
        view: &wharf_spec::live::View,
    ) -> Result<wharf_spec::live::Window, ApiError> {
        source.check()?;
        self.first_window(source, view).await
    }

    async fn list_services(&self, namespace: &str) -> Result<Vec<ServiceRow>, ApiError> {
        let api = self.namespaced::<Service>(namespace);
        let now = now_unix();
        let mut rows = Self::list_projected(&api, ListParams::default(), |s| {
            Some(convert::service_row(&s, now))
        })
        .await?;
        if rows.is_empty() {
            self.ensure_space_exists(namespace).await?;
        }
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(rows)
    }

    async fn get_service(&self, namespace: &str, name: &str) -> Result<ServiceDetail, ApiError> {
        let services = self.namespaced::<Service>(namespace);
        let endpoints = self.namespaced::<Endpoints>(namespace);
        let (service, endpoints) = tokio::join!(services.get(name), endpoints.get_opt(name));
        let service = service.map_err(map_error)?;
        // ExternalName Services have no Endpoints; a missing one is no error.
        let endpoints = endpoints.map_err(map_error)?;
        let yaml = yaml::render(&service)?;
        let now = now_unix();
        // Its pods are a live list of the page (its selector's), not part
        // of the detail: a Service may select tens of thousands.
        Ok(convert::service_detail(
            &service,
            endpoints.as_ref(),
            yaml,
            now,
        ))
    }

    async fn create_service(
        &self,
        namespace: &str,
        form: &ServiceForm,
        base: Option<&str>,
        dry_run: bool,
    ) -> Result<ServiceRow, ApiError> {
        let svc = match base {
            None => form.build(namespace),
            Some(text) => {
                let mut base = yaml::parse_single(text, namespace)?;
                yaml::prepare_for_create(&mut base);
                form.apply_to(base, namespace)
            }
        };
        let params = PostParams {
            dry_run,
            ..Default::default()
        };
        let created = self
            .namespaced::<Service>(namespace)
            .create(&params, &svc)
            .await
            .map_err(|e| map_error(e).relocate(ServiceForm::form_field))?;
        Ok(convert::service_row(&created, now_unix()))
    }

    async fn service_draft(&self, namespace: &str, name: &str) -> Result<ServiceDraft, ApiError> {
        let svc = self
            .namespaced::<Service>(namespace)
            .get(name)
            .await
            .map_err(map_error)?;
        Ok(ServiceDraft {
            form: ServiceForm::from_service(&svc),
            kept: kept_fields(&svc, namespace),
            base: Some(yaml::render(&svc)?),
        })
    }

    async fn draft_from_yaml(
        &self,
        namespace: &str,
        text: &str,
        name: Option<&str>,
    ) -> Result<ServiceDraft, ApiError> {
        let svc = match name {
            Some(name) => yaml::parse_edit(text, namespace, name)?,
            None => yaml::parse_single(text, namespace)?,
        };
        Ok(ServiceDraft {
            form: ServiceForm::from_service(&svc),
            kept: kept_fields(&svc, namespace),
            base: Some(text.to_owned()),
        })
    }

    async fn preview_service(
        &self,
        namespace: &str,
        form: &ServiceForm,
        base: Option<&str>,
    ) -> Result<String, ApiError> {
        let svc = match base {
            None => form.build(namespace),
            Some(text) => form.apply_to(yaml::parse_single(text, namespace)?, namespace),
        };
        yaml::render(&svc)
    }

    async fn update_service(
        &self,
        namespace: &str,
        name: &str,
        form: &ServiceForm,
        base: &str,
    ) -> Result<ServiceDetail, ApiError> {
        let base = yaml::parse_edit(base, namespace, name)?;
        if base.metadata.resource_version.is_none() {
            return Err(ApiError::Internal {
                message: "an edit must start from a stored version (resourceVersion)".into(),
            });
        }
        // PUT with the resourceVersion the edit started from: the apiserver
        // answers 409 if the Service changed meanwhile.
        self.namespaced::<Service>(namespace)
            .replace(
                name,
                &PostParams::default(),
                &form.apply_to(base, namespace),
            )
            .await
            .map_err(|e| map_error(e).relocate(ServiceForm::form_field))?;
        self.get_service(namespace, name).await
    }

    async fn service_companions(
        &self,
        namespace: &str,
        names: &[String],
    ) -> Result<Vec<WorkloadRef>, ApiError> {
        use wharf_spec::labels_wharf::{MANAGED_BY, NAME, WHARF};
        let params = ListParams::default().labels(&format!("{MANAGED_BY}={WHARF}"));
        let of = |kind: &str, meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta| {
            let app = meta.labels.as_ref()?.get(NAME)?;
            names.contains(app).then(|| WorkloadRef {
                kind: kind.to_owned(),
                name: meta.name.clone().unwrap_or_default(),
                service: app.clone(),
            })
        };
        let deployments = self.namespaced::<Deployment>(namespace);
        let statefulsets = self.namespaced::<StatefulSet>(namespace);
        let (deployments, statefulsets) = tokio::try_join!(
            Self::list_projected(&deployments, params.clone(), |d| of(
                "Deployment",
                &d.metadata
            )),
            Self::list_projected(&statefulsets, params.clone(), |s| of(
                "StatefulSet",
                &s.metadata
            )),
        )?;
        let mut out: Vec<WorkloadRef> = deployments.into_iter().chain(statefulsets).collect();
        out.sort_by(|a, b| (&a.service, &a.kind, &a.name).cmp(&(&b.service, &b.kind, &b.name)));
        Ok(out)
    }

    async fn delete_services(
        &self,
        namespace: &str,
        names: &[String],
        workloads: &[WorkloadRef],
    ) -> Result<Vec<(String, ApiError)>, ApiError> {
        let services = self.namespaced::<Service>(namespace);
        let deployments = self.namespaced::<Deployment>(namespace);
        let statefulsets = self.namespaced::<StatefulSet>(namespace);
        // Foreground: the workload's pods go before it is reported gone.
        let params = DeleteParams::foreground();
        let mut failed = Vec::new();
        for w in workloads {
            let result = match w.kind.as_str() {
                "Deployment" => deployments.delete(&w.name, &params).await.map(|_| ()),
                "StatefulSet" => statefulsets.delete(&w.name, &params).await.map(|_| ()),
                other => {
                    failed.push((
                        format!("{other}/{}", w.name),
                        ApiError::Internal {
                            message: format!("cannot delete a {other}"),
                        },
                    ));
                    continue;
                }
            };
            if let Err(e) = result {
                failed.push((format!("{}/{}", w.kind, w.name), map_error(e)));
            }
        }
        for name in names {
            if let Err(e) = services.delete(name, &DeleteParams::default()).await {
                failed.push((name.clone(), map_error(e)));
            }
        }
        Ok(failed)
    }

    async fn workload_labels(&self, namespace: &str) -> Result<Vec<WorkloadLabels>, ApiError> {
        let (deployment_api, statefulset_api) = (
            self.namespaced::<Deployment>(namespace),
            self.namespaced::<StatefulSet>(namespace),
        );
        let (deployments, statefulsets) = tokio::try_join!(
            Self::list_all(&deployment_api),
            Self::list_all(&statefulset_api)
        )?;
        let mut out: Vec<WorkloadLabels> = deployments
            .into_iter()
            .map(|d| {
                workload_labels_of(
                    "Deployment",
                    d.metadata.name,
                    d.spec.and_then(|s| s.template.metadata),
                )
            })
            .chain(statefulsets.into_iter().map(|s| {
                workload_labels_of(
                    "StatefulSet",
                    s.metadata.name,
                    s.spec.and_then(|s| s.template.metadata),
                )
            }))
            .collect();
        out.sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
        Ok(out)
    }

    async fn matching_pods(
        &self,
        namespace: &str,
        selector: &[(String, String)],
    ) -> Result<Vec<PodBrief>, ApiError> {
        // An empty selector matches nothing for a Service (not everything).
        if selector.is_empty() {
            return Ok(vec![]);
        }
        let label_selector = kube::core::Selector::from_iter(selector.iter().cloned()).to_string();
        let params = ListParams::default().labels(&label_selector);
        let pods = self.namespaced::<Pod>(namespace);
        let mut out = Self::list_projected(&pods, params, |p| {
            Some(PodBrief {
                name: p.metadata.name.unwrap_or_default(),
                phase: p
                    .status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_default(),
                ip: p.status.and_then(|s| s.pod_ip),
            })
        })
        .await?;
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn create_services_from_yaml(
        &self,
        namespace: &str,
        text: &str,
    ) -> Result<Vec<DocumentOutcome>, ApiError> {
        let api = self.namespaced::<Service>(namespace);
        let mut outcomes = Vec::new();
        for (i, doc) in yaml::parse_documents(text, namespace)?
            .into_iter()
            .enumerate()
        {
            let (name, error) = match doc {
                Err(e) => (None, Some(e)),
                Ok(mut svc) => {
                    yaml::prepare_for_create(&mut svc);
                    let name = svc.metadata.name.clone();
                    let result = api.create(&PostParams::default(), &svc).await;
                    (name, result.err().map(map_error))
                }
            };
            outcomes.push(DocumentOutcome {
                index: i + 1,
                name,
                error,
            });
        }
        Ok(outcomes)
    }

    async fn update_service_yaml(
        &self,
        namespace: &str,
        name: &str,
        text: &str,
        on_top_of: Option<String>,
    ) -> Result<ServiceDetail, ApiError> {
        let mut svc = yaml::parse_edit(text, namespace, name)?;
        if let Some(version) = on_top_of {
            svc.metadata.resource_version = Some(version);
        }
        // replace = PUT with the resourceVersion the edit started from: the
        // apiserver answers 409 if the Service changed meanwhile.
        self.namespaced::<Service>(namespace)
            .replace(name, &PostParams::default(), &svc)
            .await
            .map_err(map_error)?;
        self.get_service(namespace, name).await
    }
}
