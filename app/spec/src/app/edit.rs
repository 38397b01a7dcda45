//! A running app read back into the upgrade form, and the form applied onto
//! the stored workload. As with the Service form, the form is applied onto
//! the stored object: what it does not show (volume mounts, probes, security
//! context, other env sources, other resources) is kept as it is.

use super::*;
use k8s_openapi::Metadata;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Container, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// What Wharf's lifecycle actions need from a Deployment or a StatefulSet.
pub trait WorkloadObject: Metadata<Ty = ObjectMeta> {
    fn template(&self) -> Option<&PodTemplateSpec>;
    fn template_mut(&mut self) -> &mut PodTemplateSpec;
    /// `spec.replicas` (1 when unset, as the apiserver defaults it).
    fn replicas(&self) -> i32;
    fn set_replicas(&mut self, replicas: i32);
}

impl WorkloadObject for Deployment {
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
}

impl WorkloadObject for StatefulSet {
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
}

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
        c
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
