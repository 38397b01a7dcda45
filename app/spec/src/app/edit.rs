//! A running app read back into the upgrade form, and the form applied onto
//! the stored workload. As with the Service form, the form is applied onto
//! the stored object: what it does not show (volume mounts, probes, security
//! context, other env sources, other resources) is kept as it is.

use super::*;
use k8s_openapi::Metadata;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Container, PodTemplateSpec, Probe};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// What Wharf's lifecycle actions need from a Deployment or a StatefulSet.
pub trait WorkloadObject: Metadata<Ty = ObjectMeta> {
    fn template(&self) -> Option<&PodTemplateSpec>;
    fn template_mut(&mut self) -> &mut PodTemplateSpec;
    /// `spec.replicas` (1 when unset, as the apiserver defaults it).
    fn replicas(&self) -> i32;
    fn set_replicas(&mut self, replicas: i32);
    /// Its pods' label selector (which also picks its revisions).
    fn selector(&self) -> Option<&LabelSelector>;
    /// A StatefulSet's volume claim templates (volumes mounts may name).
    fn claim_template_names(&self) -> Vec<String> {
        vec![]
    }
}

/// Deployment and StatefulSet keep replicas and template at the same place.
macro_rules! workload_object {
    ($kind:ty { $($extra:item)* }) => {
        impl WorkloadObject for $kind {
            fn template(&self) -> Option<&PodTemplateSpec> {
                self.spec.as_ref().map(|s| &s.template)
            }
            fn template_mut(&mut self) -> &mut PodTemplateSpec {
                &mut self.spec.get_or_insert_with(Default::default).template
            }
            fn replicas(&self) -> i32 {
                self.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
            }
            fn set_replicas(&mut self, replicas: i32) {
                self.spec.get_or_insert_with(Default::default).replicas = Some(replicas);
            }
            fn selector(&self) -> Option<&LabelSelector> {
                self.spec.as_ref().map(|s| &s.selector)
            }
            $($extra)*
        }
    };
}

workload_object!(Deployment {});
workload_object!(StatefulSet {
    fn claim_template_names(&self) -> Vec<String> {
        self.spec
            .iter()
            .flat_map(|s| s.volume_claim_templates.iter().flatten())
            .filter_map(|c| c.metadata.name.clone())
            .collect()
    }
});

/// `registry:5000/team/web:1.2` → (`registry:5000/team/web`, `1.2`). A ':'
/// before the last '/' is a registry port, not a tag.
pub fn split_image(reference: &str) -> (String, String) {
    let last_slash = reference.rfind('/').map_or(0, |i| i + 1);
    match reference[last_slash..].rfind(':') {
        Some(i) => (
            reference[..last_slash + i].to_owned(),
            reference[last_slash + i + 1..].to_owned(),
        ),
        None => (reference.to_owned(), String::new()),
    }
}

fn quantity(
    resources: &Option<k8s_openapi::api::core::v1::ResourceRequirements>,
    limits: bool,
    key: &str,
) -> String {
    resources
        .as_ref()
        .and_then(|r| if limits { &r.limits } else { &r.requests }.as_ref())
        .and_then(|m| m.get(key))
        .map(|q| q.0.clone())
        .unwrap_or_default()
}

/// Shell-quotes words so [`split_command`] reads them back unchanged.
fn join_command(words: &Option<Vec<String>>) -> String {
    let quote = |w: &String| {
        let plain = !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
        if plain {
            w.clone()
        } else {
            format!("'{}'", w.replace('\'', r"'\''"))
        }
    };
    words
        .iter()
        .flatten()
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ")
}

impl ContainerForm {
    /// A stored container as the form shows it. Env entries the form cannot
    /// show (fieldRef, resourceFieldRef) are left out here and kept by
    /// [`ContainerForm::apply_to`].
    pub fn from_container(c: &Container) -> ContainerForm {
        let (image, tag) = split_image(c.image.as_deref().unwrap_or(""));
        let pull_policy = match c.image_pull_policy.as_deref() {
            Some("Always") => PullPolicy::Always,
            Some("Never") => PullPolicy::Never,
            _ => PullPolicy::IfNotPresent,
        };
        let ports = c
            .ports
            .iter()
            .flatten()
            .map(|p| ContainerPortForm {
                name: p.name.clone().unwrap_or_default(),
                port: p.container_port.to_string(),
                protocol: match p.protocol.as_deref() {
                    Some("UDP") => Protocol::Udp,
                    Some("SCTP") => Protocol::Sctp,
                    _ => Protocol::Tcp,
                },
            })
            .collect();
        let env = c
            .env
            .iter()
            .flatten()
            .filter_map(|e| {
                let from = e.value_from.as_ref();
                let (source, ref_name, ref_key) =
                    match from.map(|f| (&f.config_map_key_ref, &f.secret_key_ref)) {
                        None => (EnvSource::Value, String::new(), String::new()),
                        Some((Some(cm), _)) => {
                            (EnvSource::ConfigMapKey, cm.name.clone(), cm.key.clone())
                        }
                        Some((_, Some(s))) => (EnvSource::SecretKey, s.name.clone(), s.key.clone()),
                        Some(_) => return None,
                    };
                Some(EnvForm {
                    name: e.name.clone(),
                    source,
                    value: e.value.clone().unwrap_or_default(),
                    ref_name,
                    ref_key,
                })
            })
            .collect();
        ContainerForm {
            name: c.name.clone(),
            image,
            tag,
            pull_policy,
            command: join_command(&c.command),
            args: join_command(&c.args),
            ports,
            env,
            cpu_request: quantity(&c.resources, false, "cpu"),
            cpu_limit: quantity(&c.resources, true, "cpu"),
            memory_request: quantity(&c.resources, false, "memory"),
            memory_limit: quantity(&c.resources, true, "memory"),
            mounts: c
                .volume_mounts
                .iter()
                .flatten()
                .map(|m| MountForm {
                    volume: m.name.clone(),
                    path: m.mount_path.clone(),
                    read_only: m.read_only == Some(true),
                })
                .collect(),
            readiness: ProbeForm::from_probe(c.readiness_probe.as_ref()),
            liveness: ProbeForm::from_probe(c.liveness_probe.as_ref()),
        }
    }

    /// The form's fields written onto a stored container; everything else
    /// the container has stays.
    pub fn apply_to(&self, stored: &Container) -> Container {
        let built = self.build();
        let mut c = stored.clone();
        c.name = built.name;
        c.image = built.image;
        c.image_pull_policy = built.image_pull_policy;
        c.command = built.command;
        c.args = built.args;
        c.ports = built.ports;
        // Env sources the form cannot show stay, unless the form now defines
        // a variable of the same name.
        let mut env = built.env.unwrap_or_default();
        let shown = |e: &k8s_openapi::api::core::v1::EnvVar| {
            e.value_from
                .as_ref()
                .is_none_or(|f| f.config_map_key_ref.is_some() || f.secret_key_ref.is_some())
        };
        for e in stored.env.iter().flatten() {
            if !shown(e) && !env.iter().any(|mine| mine.name == e.name) {
                env.push(e.clone());
            }
        }
        c.env = (!env.is_empty()).then_some(env);
        // cpu and memory are the form's; other resources (ephemeral-storage,
        // extended resources) stay.
        let mut resources = stored.resources.clone().unwrap_or_default();
        let new = built.resources.unwrap_or_default();
        for (mine, theirs) in [
            (new.requests, &mut resources.requests),
            (new.limits, &mut resources.limits),
        ] {
            let map = theirs.get_or_insert_with(Default::default);
            map.remove("cpu");
            map.remove("memory");
            map.extend(mine.unwrap_or_default());
            if map.is_empty() {
                *theirs = None;
            }
        }
        c.resources = (resources != Default::default()).then_some(resources);
        // A mount the form still has keeps what the form does not show
        // (subPath, propagation).
        let mounts: Vec<_> = built
            .volume_mounts
            .unwrap_or_default()
            .into_iter()
            .map(|mine| {
                stored
                    .volume_mounts
                    .iter()
                    .flatten()
                    .find(|m| m.name == mine.name && m.mount_path == mine.mount_path)
                    .map(|m| k8s_openapi::api::core::v1::VolumeMount {
                        read_only: mine.read_only,
                        ..m.clone()
                    })
                    .unwrap_or(mine)
            })
            .collect();
        c.volume_mounts = (!mounts.is_empty()).then_some(mounts);
        c.readiness_probe = keep_probe(
            &stored.readiness_probe,
            &self.readiness,
            built.readiness_probe,
        );
        c.liveness_probe = keep_probe(&stored.liveness_probe, &self.liveness, built.liveness_probe);
        c
    }
}

/// A probe the form cannot show (gRPC) reads as none; it stays unless the
/// user chose another. A probe the form shows gets the form's fields on top
/// of the stored one (thresholds and timeouts stay).
fn keep_probe(stored: &Option<Probe>, form: &ProbeForm, built: Option<Probe>) -> Option<Probe> {
    let shown = |p: &Probe| p.http_get.is_some() || p.tcp_socket.is_some() || p.exec.is_some();
    match (stored, built) {
        (Some(s), None) if !shown(s) => Some(s.clone()),
        (_, None) => None,
        (Some(s), Some(mine)) if form.kind != ProbeKind::None => Some(Probe {
            http_get: mine.http_get,
            tcp_socket: mine.tcp_socket,
            exec: mine.exec,
            grpc: None,
            initial_delay_seconds: mine.initial_delay_seconds,
            period_seconds: mine.period_seconds,
            ..s.clone()
        }),
        (_, mine) => mine,
    }
}

impl ProbeForm {
    fn from_probe(p: Option<&Probe>) -> ProbeForm {
        let Some(p) = p else {
            return ProbeForm::default();
        };
        let port = |port: &IntOrString| match port {
            IntOrString::Int(n) => n.to_string(),
            IntOrString::String(s) => s.clone(),
        };
        let mut form = ProbeForm {
            initial_delay: p
                .initial_delay_seconds
                .map(|n| n.to_string())
                .unwrap_or_default(),
            period: p.period_seconds.map(|n| n.to_string()).unwrap_or_default(),
            ..Default::default()
        };
        if let Some(h) = &p.http_get {
            form.kind = ProbeKind::Http;
            form.path = h.path.clone().unwrap_or_default();
            form.port = port(&h.port);
        } else if let Some(t) = &p.tcp_socket {
            form.kind = ProbeKind::Tcp;
            form.port = port(&t.port);
        } else if let Some(e) = &p.exec {
            form.kind = ProbeKind::Command;
            form.command = join_command(&e.command);
        } else {
            return ProbeForm::default();
        }
        form
    }
}

impl UpgradeForm {
    /// The form as the workload stands.
    pub fn from_workload(w: &impl WorkloadObject) -> UpgradeForm {
        UpgradeForm {
            containers: w
                .template()
                .and_then(|t| t.spec.as_ref())
                .map(|s| {
                    s.containers
                        .iter()
                        .map(ContainerForm::from_container)
                        .collect()
                })
                .unwrap_or_default(),
            replicas: w.replicas().to_string(),
            volumes: w
                .template()
                .and_then(|t| t.spec.as_ref())
                .into_iter()
                .flat_map(|s| s.volumes.iter().flatten())
                .map(|v| v.name.clone())
                .chain(w.claim_template_names())
                .collect(),
        }
    }

    /// Writes the form onto the workload: containers matched by position
    /// (a new one is built from scratch, a removed one goes), replicas.
    pub fn apply_to(&self, w: &mut impl WorkloadObject) {
        let spec = w.template_mut().spec.get_or_insert_with(Default::default);
        let containers = self
            .containers
            .iter()
            .enumerate()
            .map(|(i, form)| match spec.containers.get(i) {
                Some(stored) => form.apply_to(stored),
                None => form.build(),
            })
            .collect();
        spec.containers = containers;
        if let Ok(n) = self.replicas.trim().parse() {
            w.set_replicas(n);
        }
    }
}
