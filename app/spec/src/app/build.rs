//! The objects of an app: the workload (Deployment or StatefulSet) and its
//! Service. Call [`AppForm::validate`] first: values that do not parse are
//! left out here.

use super::*;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    ConfigMapKeySelector, ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource,
    EnvVar, EnvVarSource, ExecAction, HTTPGetAction, HostPathVolumeSource, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, PodSpec, PodTemplateSpec, Probe,
    ResourceRequirements, SecretKeySelector, SecretVolumeSource, Service, TCPSocketAction,
    Toleration, Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

use crate::service::{key_map as map, non_empty};

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

    /// The kind of app this workload makes: 无状态 or 有状态.
    pub fn app_kind(&self) -> super::AppKind {
        match self {
            Workload::Deployment(_) => super::AppKind::Stateless,
            Workload::StatefulSet(_) => super::AppKind::Stateful,
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
        let mounts: Vec<VolumeMount> = self
            .mounts
            .iter()
            .filter(|m| !m.is_blank())
            .map(|m| VolumeMount {
                name: m.volume.trim().to_owned(),
                mount_path: m.path.trim().to_owned(),
                read_only: m.read_only.then_some(true),
                ..Default::default()
            })
            .collect();
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
            volume_mounts: (!mounts.is_empty()).then_some(mounts),
            readiness_probe: self.readiness.build(),
            liveness_probe: self.liveness.build(),
            ..Default::default()
        }
    }
}

impl ProbeForm {
    pub(super) fn build(&self) -> Option<Probe> {
        let port = || {
            let p = self.port.trim();
            match p.parse() {
                Ok(n) => IntOrString::Int(n),
                Err(_) => IntOrString::String(p.to_owned()),
            }
        };
        let seconds = |t: &str| t.trim().parse().ok();
        let mut probe = Probe {
            initial_delay_seconds: seconds(&self.initial_delay),
            period_seconds: seconds(&self.period),
            ..Default::default()
        };
        match self.kind {
            ProbeKind::None => return None,
            ProbeKind::Http => {
                probe.http_get = Some(HTTPGetAction {
                    path: Some(self.path.trim().to_owned()),
                    port: port(),
                    ..Default::default()
                })
            }
            ProbeKind::Tcp => {
                probe.tcp_socket = Some(TCPSocketAction {
                    port: port(),
                    host: None,
                })
            }
            ProbeKind::Command => {
                probe.exec = Some(ExecAction {
                    command: split_command(&self.command).ok(),
                })
            }
        }
        Some(probe)
    }
}

impl VolumeForm {
    /// The pod's volume; `None` for a claim template (a StatefulSet field).
    fn build(&self) -> Option<Volume> {
        let reference = self.reference.trim().to_owned();
        let mut volume = Volume {
            name: self.name.trim().to_owned(),
            ..Default::default()
        };
        match self.source {
            VolumeSource::EmptyDir => volume.empty_dir = Some(EmptyDirVolumeSource::default()),
            VolumeSource::HostPath => {
                volume.host_path = Some(HostPathVolumeSource {
                    path: reference,
                    type_: None,
                })
            }
            VolumeSource::ConfigMap => {
                volume.config_map = Some(ConfigMapVolumeSource {
                    name: reference,
                    ..Default::default()
                })
            }
            VolumeSource::Secret => {
                volume.secret = Some(SecretVolumeSource {
                    secret_name: Some(reference),
                    ..Default::default()
                })
            }
            VolumeSource::Claim => {
                volume.persistent_volume_claim = Some(PersistentVolumeClaimVolumeSource {
                    claim_name: reference,
                    read_only: None,
                })
            }
            VolumeSource::ClaimTemplate => return None,
        }
        Some(volume)
    }

    fn build_claim_template(
        &self,
        labels: BTreeMap<String, String>,
    ) -> Option<PersistentVolumeClaim> {
        (self.source == VolumeSource::ClaimTemplate).then(|| PersistentVolumeClaim {
            metadata: ObjectMeta {
                name: Some(self.name.trim().to_owned()),
                // Labelled with the app, so deleting the app can find them.
                labels: Some(labels),
                ..Default::default()
            },
            spec: Some(PersistentVolumeClaimSpec {
                access_modes: Some(vec![self.access_mode.api().to_owned()]),
                storage_class_name: Some(self.storage_class.trim().to_owned())
                    .filter(|c| !c.is_empty()),
                resources: Some(VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([(
                        "storage".to_owned(),
                        Quantity(self.size.trim().to_owned()),
                    )])),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            status: None,
        })
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
                volumes: Some(self.volumes.iter().filter_map(VolumeForm::build).collect())
                    .filter(|v: &Vec<Volume>| !v.is_empty()),
                node_selector: non_empty(map(&self.node_selector)),
                tolerations: Some(
                    self.tolerations
                        .iter()
                        .filter(|t| !t.is_blank())
                        .map(|t| Toleration {
                            key: Some(t.key.trim().to_owned()).filter(|k| !k.is_empty()),
                            operator: Some(
                                match t.operator {
                                    TolerationOperator::Equal => "Equal",
                                    TolerationOperator::Exists => "Exists",
                                }
                                .to_owned(),
                            ),
                            value: Some(t.value.trim().to_owned()).filter(|v| !v.is_empty()),
                            effect: t.effect.api().map(str::to_owned),
                            toleration_seconds: None,
                        })
                        .collect(),
                )
                .filter(|t: &Vec<Toleration>| !t.is_empty()),
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
                    volume_claim_templates: Some(
                        self.volumes
                            .iter()
                            .filter_map(|v| {
                                v.build_claim_template(BTreeMap::from([(
                                    crate::labels_wharf::NAME.to_owned(),
                                    self.name.trim().to_owned(),
                                )]))
                            })
                            .collect(),
                    )
                    .filter(|c: &Vec<PersistentVolumeClaim>| !c.is_empty()),
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
