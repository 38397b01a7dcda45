//! What an app's pods carry besides containers: volumes (存储) and their
//! mounts, health checks (readiness/liveness probes) and tolerations.

use super::split_command;
use crate::error::{FieldErrors, Problem};
use crate::labels::{
    check_dns1123_subdomain, check_iana_svc_name, check_label_value, check_qualified_name,
};
use crate::names::check_dns1123_label;
use crate::service::parse_int;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum VolumeSource {
    /// Scratch space that lives as long as the pod.
    #[default]
    EmptyDir,
    /// A directory of the node.
    HostPath,
    ConfigMap,
    Secret,
    /// An existing PersistentVolumeClaim, by name.
    Claim,
    /// A claim per pod made from a template (stateful apps only): each pod
    /// keeps its own volume across restarts.
    ClaimTemplate,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessMode {
    #[default]
    ReadWriteOnce,
    ReadOnlyMany,
    ReadWriteMany,
}

impl AccessMode {
    pub fn api(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadOnlyMany => "ReadOnlyMany",
            AccessMode::ReadWriteMany => "ReadWriteMany",
        }
    }
}

/// A volume of the app's pods.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeForm {
    pub name: String,
    pub source: VolumeSource,
    /// The node path (HostPath), or the ConfigMap's, Secret's or claim's name.
    pub reference: String,
    /// ClaimTemplate: the size (`1Gi`), storage class (empty: the default)
    /// and access mode.
    pub size: String,
    pub storage_class: String,
    pub access_mode: AccessMode,
}

/// Where a container sees a volume.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountForm {
    pub volume: String,
    pub path: String,
    pub read_only: bool,
}

impl MountForm {
    pub fn is_blank(&self) -> bool {
        self.volume.trim().is_empty() && self.path.trim().is_empty()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProbeKind {
    #[default]
    None,
    /// An HTTP GET answered with 2xx/3xx.
    Http,
    /// A TCP connection accepted.
    Tcp,
    /// A command that exits 0.
    Command,
}

/// A health check (健康检查): readiness decides whether the pod gets
/// traffic, liveness whether it is restarted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProbeForm {
    pub kind: ProbeKind,
    /// Http: the path (`/healthz`).
    pub path: String,
    /// Http, Tcp: a port number or a container port's name.
    pub port: String,
    /// Command: a command line, split like a shell does.
    pub command: String,
    /// Seconds; empty means Kubernetes' default.
    pub initial_delay: String,
    pub period: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TolerationOperator {
    #[default]
    Equal,
    Exists,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaintEffect {
    /// Every effect.
    #[default]
    Any,
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    pub fn api(self) -> Option<&'static str> {
        match self {
            TaintEffect::Any => None,
            TaintEffect::NoSchedule => Some("NoSchedule"),
            TaintEffect::PreferNoSchedule => Some("PreferNoSchedule"),
            TaintEffect::NoExecute => Some("NoExecute"),
        }
    }
}

/// Lets the pods onto nodes with a matching taint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TolerationForm {
    pub key: String,
    pub operator: TolerationOperator,
    pub value: String,
    pub effect: TaintEffect,
}

impl TolerationForm {
    pub fn is_blank(&self) -> bool {
        self.key.trim().is_empty()
            && self.value.trim().is_empty()
            && self.operator == TolerationOperator::Equal
            && self.effect == TaintEffect::Any
    }
}

fn check_absolute(path: &str) -> Result<(), Problem> {
    match path {
        "" => Err(Problem::Required),
        p if !p.starts_with('/') => Err(Problem::NotAnAbsolutePath),
        _ => Ok(()),
    }
}

/// `volumes.{i}.*`; `stateful` allows claim templates.
pub(crate) fn check_volumes(errors: &mut FieldErrors, volumes: &[VolumeForm], stateful: bool) {
    let mut names = HashSet::new();
    for (i, v) in volumes.iter().enumerate() {
        let f = |part: &str| format!("volumes.{i}.{part}");
        match check_dns1123_label(v.name.trim()) {
            Err(p) => errors.push(&f("name"), p),
            Ok(()) if !names.insert(v.name.trim()) => errors.push(&f("name"), Problem::Duplicate),
            Ok(()) => {}
        }
        let reference = v.reference.trim();
        match v.source {
            VolumeSource::EmptyDir => {}
            VolumeSource::HostPath => errors.check(&f("reference"), check_absolute(reference)),
            VolumeSource::ConfigMap | VolumeSource::Secret | VolumeSource::Claim => {
                errors.check(&f("reference"), check_dns1123_subdomain(reference))
            }
            VolumeSource::ClaimTemplate => {
                if !stateful {
                    errors.push(&f("source"), Problem::OnlyForStateful);
                }
                match v.size.trim() {
                    "" => errors.push(&f("size"), Problem::Required),
                    size => errors.check(&f("size"), super::parse_quantity(size).map(|_| ())),
                }
                if !v.storage_class.trim().is_empty() {
                    errors.check(
                        &f("storage_class"),
                        check_dns1123_subdomain(v.storage_class.trim()),
                    );
                }
            }
        }
    }
}

/// `containers.{i}.mounts.{j}.*`, against the pod's volume names.
pub(crate) fn check_mounts(
    errors: &mut FieldErrors,
    i: usize,
    mounts: &[MountForm],
    volumes: &HashSet<String>,
) {
    let mut paths = HashSet::new();
    for (j, m) in mounts.iter().enumerate().filter(|(_, m)| !m.is_blank()) {
        let f = |part: &str| format!("containers.{i}.mounts.{j}.{part}");
        match m.volume.trim() {
            "" => errors.push(&f("volume"), Problem::Required),
            v if !volumes.contains(v) => errors.push(&f("volume"), Problem::UnknownVolume),
            _ => {}
        }
        match check_absolute(m.path.trim()) {
            Err(p) => errors.push(&f("path"), p),
            Ok(()) if !paths.insert(m.path.trim()) => errors.push(&f("path"), Problem::Duplicate),
            Ok(()) => {}
        }
    }
}

/// `containers.{i}.{which}.*` (`readiness`, `liveness`).
pub(crate) fn check_probe(errors: &mut FieldErrors, i: usize, which: &str, p: &ProbeForm) {
    let f = |part: &str| format!("containers.{i}.{which}.{part}");
    let check_port = |port: &str| match port.parse::<i64>() {
        Ok(_) => parse_int(port, 1, 65_535).map(|_| ()),
        Err(_) if port.is_empty() => Err(Problem::Required),
        Err(_) => check_iana_svc_name(port),
    };
    match p.kind {
        ProbeKind::None => return,
        ProbeKind::Http => {
            errors.check(&f("path"), check_absolute(p.path.trim()));
            errors.check(&f("port"), check_port(p.port.trim()));
        }
        ProbeKind::Tcp => errors.check(&f("port"), check_port(p.port.trim())),
        ProbeKind::Command => match split_command(&p.command) {
            Ok(words) if words.is_empty() => errors.push(&f("command"), Problem::Required),
            Ok(_) => {}
            Err(e) => errors.push(&f("command"), e),
        },
    }
    for (part, text, min) in [
        ("initial_delay", &p.initial_delay, 0),
        ("period", &p.period, 1),
    ] {
        if !text.trim().is_empty() {
            errors.check(&f(part), parse_int(text, min, 3_600).map(|_| ()));
        }
    }
}

/// `tolerations.{i}.*`.
pub(crate) fn check_tolerations(errors: &mut FieldErrors, tolerations: &[TolerationForm]) {
    for (i, t) in tolerations
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_blank())
    {
        let f = |part: &str| format!("tolerations.{i}.{part}");
        let key = t.key.trim();
        // An empty key with Exists tolerates every taint.
        if !(key.is_empty() && t.operator == TolerationOperator::Exists) {
            errors.check(&f("key"), check_qualified_name(key));
        }
        match t.operator {
            TolerationOperator::Equal => {
                errors.check(&f("value"), check_label_value(t.value.trim()))
            }
            TolerationOperator::Exists if !t.value.trim().is_empty() => {
                errors.push(&f("value"), Problem::ValueWithExists)
            }
            TolerationOperator::Exists => {}
        }
    }
}
