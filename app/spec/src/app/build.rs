//! The objects of an app: the workload (Deployment or StatefulSet) and its
//! Service. Call [`AppForm::validate`] first: values that do not parse are
//! left out here.

use super::*;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    ConfigMapKeySelector, Container, ContainerPort, EnvVar, EnvVarSource, PodSpec, PodTemplateSpec,
    ResourceRequirements, SecretKeySelector, Service,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;

fn map(rows: &[KeyValue]) -> BTreeMap<String, String> {
    rows.iter()
        .filter(|r| !r.is_blank())
        .map(|r| (r.key.trim().to_owned(), r.value.trim().to_owned()))
        .collect()
}

fn non_empty<K: Ord, V>(map: BTreeMap<K, V>) -> Option<BTreeMap<K, V>> {
    (!map.is_empty()).then_some(map)
}

/// The workload an app is made of.
#[derive(Clone, Debug, PartialEq)]
pub enum Workload {
    Deployment(Deployment),
    StatefulSet(StatefulSet),
}

impl Workload {
    pub fn kind(&self) -> &'static str {
        match self {
            Workload::Deployment(_) => "Deployment",
            Workload::StatefulSet(_) => "StatefulSet",
        }
    }
}

impl ContainerForm {
    pub(super) fn build(&self) -> Container {
        let image = match self.tag.trim() {
            "" => self.image.trim().to_owned(),
            tag => format!("{}:{tag}", self.image.trim()),
        };
        let words = |line: &str| split_command(line).ok().filter(|w| !w.is_empty());
        let ports: Vec<ContainerPort> = self
            .ports
            .iter()
            .filter_map(|p| {
                Some(ContainerPort {
                    container_port: p.port.trim().parse().ok()?,
                    name: Some(p.name.trim().to_owned()).filter(|n| !n.is_empty()),
                    protocol: Some(p.protocol.api().to_owned()),
                    ..Default::default()
                })
            })
            .collect();
        let env: Vec<EnvVar> = self
            .env
            .iter()
            .filter(|e| !e.is_blank())
            .map(|e| {
                let (name, key) = (e.ref_name.trim().to_owned(), e.ref_key.trim().to_owned());
                EnvVar {
                    name: e.name.trim().to_owned(),
                    value: (e.source == EnvSource::Value).then(|| e.value.clone()),
                    value_from: match e.source {
                        EnvSource::Value => None,
                        EnvSource::ConfigMapKey => Some(EnvVarSource {
                            config_map_key_ref: Some(ConfigMapKeySelector {
                                name,
                                key,
                                optional: None,
                            }),
                            ..Default::default()
                        }),
                        EnvSource::SecretKey => Some(EnvVarSource {
                            secret_key_ref: Some(SecretKeySelector {
                                name,
                                key,
                                optional: None,
                            }),
                            ..Default::default()
                        }),
                    },
                }
            })
            .collect();
        let quantities = |cpu: &str, memory: &str| {
            let mut m = BTreeMap::new();
            for (key, value) in [("cpu", cpu.trim()), ("memory", memory.trim())] {
                if !value.is_empty() {
                    m.insert(key.to_owned(), Quantity(value.to_owned()));
                }
            }
            non_empty(m)
        };
        let requests = quantities(&self.cpu_request, &self.memory_request);
        let limits = quantities(&self.cpu_limit, &self.memory_limit);
        Container {
            name: self.name.trim().to_owned(),
            image: Some(image),
            image_pull_policy: Some(self.pull_policy.api().to_owned()),
            command: words(&self.command),
            args: words(&self.args),
            ports: (!ports.is_empty()).then_some(ports),
            env: (!env.is_empty()).then_some(env),
            resources: (requests.is_some() || limits.is_some()).then_some(ResourceRequirements {
                requests,
                limits,
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

impl AppForm {
    fn metadata(&self, namespace: &str) -> ObjectMeta {
        let mut annotations = map(&self.annotations);
        for (key, value) in [
            (crate::annotations::ALIAS, self.alias.trim()),
            (crate::annotations::DESCRIPTION, self.description.trim()),
        ] {
            if !value.is_empty() {
                annotations.insert(key.to_owned(), value.to_owned());
            }
        }
        ObjectMeta {
            name: Some(self.name.trim().to_owned()),
            namespace: Some(namespace.to_owned()),
            labels: Some(map(&self.wharf_labels())),
            annotations: non_empty(annotations),
            ..Default::default()
        }
    }

    fn selector(&self) -> LabelSelector {
        LabelSelector {
            match_labels: Some(BTreeMap::from([(
                crate::labels_wharf::NAME.to_owned(),
                self.name.trim().to_owned(),
            )])),
            ..Default::default()
        }
    }

    fn template(&self) -> PodTemplateSpec {
        PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(map(&self.wharf_labels())),
                ..Default::default()
            }),
            spec: Some(PodSpec {
                containers: self.containers.iter().map(ContainerForm::build).collect(),
                node_selector: non_empty(map(&self.node_selector)),
                ..Default::default()
            }),
        }
    }

    /// The workload: a Deployment (stateless) or a StatefulSet (stateful,
    /// governed by the headless Service of the same name).
    pub fn build_workload(&self, namespace: &str) -> Workload {
        let replicas = self.replicas.trim().parse().ok();
        match self.kind {
            AppKind::Stateless => Workload::Deployment(Deployment {
                metadata: self.metadata(namespace),
                spec: Some(DeploymentSpec {
                    replicas,
                    selector: self.selector(),
                    template: self.template(),
                    ..Default::default()
                }),
                status: None,
            }),
            AppKind::Stateful => Workload::StatefulSet(StatefulSet {
                metadata: self.metadata(namespace),
                spec: Some(StatefulSetSpec {
                    replicas,
                    selector: self.selector(),
                    service_name: Some(self.name.trim().to_owned()),
                    template: self.template(),
                    ..Default::default()
                }),
                status: None,
            }),
        }
    }

    /// The Service in front of the workload (headless for a stateful app).
    pub fn build_service(&self, namespace: &str) -> Service {
        let mut svc = self.service_form().build(namespace);
        // The app's own annotations belong on the Service too (alias and
        // description are already there from the Service form).
        let extra = map(&self.annotations);
        if !extra.is_empty() {
            svc.metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .extend(extra);
        }
        svc
    }
}
