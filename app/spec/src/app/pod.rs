//! What an app's pods carry besides containers: volumes (存储) and their
//! mounts, health checks (readiness/liveness probes) and tolerations.

use super::fields::{AppField, MountField, ProbeField, TolerationField, VolumeField};
use super::split_command;
use crate::error::{FieldErrors, Problem};
use crate::field::Row;
use crate::labels::{
    check_dns1123_subdomain, check_iana_svc_name, check_label_value, check_qualified_name,
};
use crate::names::check_dns1123_label;
use crate::service::parse_int;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt::Display;

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

/// The pod's volumes; `stateful` allows claim templates.
pub(crate) fn check_volumes(errors: &mut FieldErrors, volumes: &[VolumeForm], stateful: bool) {
    let mut names = HashSet::new();
    for (i, v) in volumes.iter().enumerate() {
        let f = |cell| AppField::Volumes(Row::At(i, cell));
        match check_dns1123_label(v.name.trim()) {
            Err(p) => errors.push(f(VolumeField::Name), p),
            Ok(()) if !names.insert(v.name.trim()) => {
                errors.push(f(VolumeField::Name), Problem::Duplicate)
            }
            Ok(()) => {}
        }
        let reference = v.reference.trim();
        match v.source {
            VolumeSource::EmptyDir => {}
            VolumeSource::HostPath => {
                errors.check(f(VolumeField::Reference), check_absolute(reference))
            }
            VolumeSource::ConfigMap | VolumeSource::Secret | VolumeSource::Claim => errors.check(
                f(VolumeField::Reference),
                check_dns1123_subdomain(reference),
            ),
            VolumeSource::ClaimTemplate => {
                if !stateful {
                    errors.push(f(VolumeField::Source), Problem::OnlyForStateful);
                }
                match v.size.trim() {
                    "" => errors.push(f(VolumeField::Size), Problem::Required),
                    size => errors.check(
                        f(VolumeField::Size),
                        super::parse_quantity(size).map(|_| ()),
                    ),
                }
                if !v.storage_class.trim().is_empty() {
                    errors.check(
                        f(VolumeField::StorageClass),
                        check_dns1123_subdomain(v.storage_class.trim()),
                    );
                }
            }
        }
    }
}

/// A container's mounts (`at` their place in the form), against the pod's
/// volume names.
pub(crate) fn check_mounts<F: Display>(
    errors: &mut FieldErrors,
    at: &dyn Fn(Row<MountField>) -> F,
    mounts: &[MountForm],
    volumes: &HashSet<String>,
) {
    let mut paths = HashSet::new();
    for (j, m) in mounts.iter().enumerate().filter(|(_, m)| !m.is_blank()) {
        let f = |cell| at(Row::At(j, cell));
        match m.volume.trim() {
            "" => errors.push(f(MountField::Volume), Problem::Required),
            v if !volumes.contains(v) => errors.push(f(MountField::Volume), Problem::UnknownVolume),
            _ => {}
        }
        match check_absolute(m.path.trim()) {
            Err(p) => errors.push(f(MountField::Path), p),
            Ok(()) if !paths.insert(m.path.trim()) => {
                errors.push(f(MountField::Path), Problem::Duplicate)
            }
            Ok(()) => {}
        }
    }
}

/// A health check (`f` its place in the form).
pub(crate) fn check_probe<F: Display>(
    errors: &mut FieldErrors,
    f: &dyn Fn(ProbeField) -> F,
    p: &ProbeForm,
) {
    let check_port = |port: &str| match port.parse::<i64>() {
        Ok(_) => parse_int(port, 1, 65_535).map(|_| ()),
        Err(_) if port.is_empty() => Err(Problem::Required),
        Err(_) => check_iana_svc_name(port),
    };
    match p.kind {
        ProbeKind::None => return,
        ProbeKind::Http => {
            errors.check(f(ProbeField::Path), check_absolute(p.path.trim()));
            errors.check(f(ProbeField::Port), check_port(p.port.trim()));
        }
        ProbeKind::Tcp => errors.check(f(ProbeField::Port), check_port(p.port.trim())),
        ProbeKind::Command => match split_command(&p.command) {
            Ok(words) if words.is_empty() => errors.push(f(ProbeField::Command), Problem::Required),
            Ok(_) => {}
            Err(e) => errors.push(f(ProbeField::Command), e),
        },
    }
    for (field, text, min) in [
        (ProbeField::InitialDelay, &p.initial_delay, 0),
        (ProbeField::Period, &p.period, 1),
    ] {
        if !text.trim().is_empty() {
            errors.check(f(field), parse_int(text, min, 3_600).map(|_| ()));
        }
    }
}

/// The pods' tolerations.
pub(crate) fn check_tolerations(errors: &mut FieldErrors, tolerations: &[TolerationForm]) {
    for (i, t) in tolerations
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_blank())
    {
        let f = |cell| AppField::Tolerations(Row::At(i, cell));
        let key = t.key.trim();
        // An empty key with Exists tolerates every taint.
        if !(key.is_empty() && t.operator == TolerationOperator::Exists) {
            errors.check(f(TolerationField::Key), check_qualified_name(key));
        }
        match t.operator {
            TolerationOperator::Equal => {
                errors.check(f(TolerationField::Value), check_label_value(t.value.trim()))
            }
            TolerationOperator::Exists if !t.value.trim().is_empty() => {
                errors.push(f(TolerationField::Value), Problem::ValueWithExists)
            }
            TolerationOperator::Exists => {}
        }
    }
}
