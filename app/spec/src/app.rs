//! The app wizard (创建容器服务): an app is a workload plus the Service in
//! front of it, made and managed as one. Stateless = Deployment + Service;
//! stateful = StatefulSet + the headless Service named in `serviceName`.
//!
//! Like the Service form, fields hold the text as typed and every rule lives
//! here, run by the browser on each keystroke and by the server again.
//! Fields are named by typed paths ([`AppField`]): `name`, `containers.0.image`,
//! `containers.0.env.1.name`, `service.ports.0.node_port` (the Service part
//! is a [`ServiceForm`], checked by its own rules).
//! The forms take omitted fields as their defaults (`#[serde(default)]`),
//! so a script may send only what it sets; validation is the same.

use crate::error::{FieldErrors, Problem};
use crate::field::{KeyValueField, Row};
use crate::labels::{check_dns1123_subdomain, check_iana_svc_name};
use crate::names::{check_dns1035_label, check_dns1123_label};
use crate::service::{
    KeyValue, NodePortRange, PortForm, Protocol, ServiceField, ServiceForm, check_chars,
    check_key_values, parse_int,
};
use crate::view::ServiceKind;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Version labels: lowercase letters and digits, at most this many.
pub const VERSION_MAX_LEN: usize = 16;
pub const DEFAULT_VERSION: &str = "v1";
pub const MAX_REPLICAS: i64 = 1000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppKind {
    /// 无状态服务: a Deployment.
    #[default]
    Stateless,
    /// 有状态服务: a StatefulSet with stable pod names.
    Stateful,
}

/// How the app is reached from outside the cluster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    /// Inside the cluster only (ClusterIP; headless for stateful apps).
    #[default]
    None,
    NodePort,
    LoadBalancer,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PullPolicy {
    #[default]
    IfNotPresent,
    Always,
    Never,
}

impl PullPolicy {
    pub fn api(self) -> &'static str {
        match self {
            PullPolicy::IfNotPresent => "IfNotPresent",
            PullPolicy::Always => "Always",
            PullPolicy::Never => "Never",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnvSource {
    #[default]
    Value,
    ConfigMapKey,
    SecretKey,
}

/// One environment variable: a plain value, or a key of a ConfigMap/Secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnvForm {
    pub name: String,
    pub source: EnvSource,
    /// The value (`Value`), else unused.
    pub value: String,
    /// The ConfigMap's or Secret's name and key.
    pub ref_name: String,
    pub ref_key: String,
}

impl EnvForm {
    pub fn is_blank(&self) -> bool {
        [&self.name, &self.value, &self.ref_name, &self.ref_key]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerPortForm {
    pub name: String,
    pub port: String,
    pub protocol: Protocol,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerForm {
    pub name: String,
    /// Without the tag: `busybox`, `registry.example.com:5000/team/web`.
    pub image: String,
    /// Empty means `latest`.
    pub tag: String,
    pub pull_policy: PullPolicy,
    /// A command line, split like a shell does (quotes group words).
    pub command: String,
    pub args: String,
    pub ports: Vec<ContainerPortForm>,
    pub env: Vec<EnvForm>,
    pub cpu_request: String,
    pub cpu_limit: String,
    pub memory_request: String,
    pub memory_limit: String,
    /// Volumes of the pod seen by this container.
    pub mounts: Vec<MountForm>,
    pub readiness: ProbeForm,
    pub liveness: ProbeForm,
}

impl Default for ContainerForm {
    fn default() -> Self {
        Self {
            name: "main".into(),
            image: String::new(),
            tag: String::new(),
            pull_policy: PullPolicy::IfNotPresent,
            command: String::new(),
            args: String::new(),
            ports: vec![],
            env: vec![],
            cpu_request: String::new(),
            cpu_limit: String::new(),
            memory_request: String::new(),
            memory_limit: String::new(),
            mounts: vec![],
            readiness: ProbeForm::default(),
            liveness: ProbeForm::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppForm {
    pub kind: AppKind,
    pub name: String,
    pub alias: String,
    pub description: String,
    pub version: String,
    pub containers: Vec<ContainerForm>,
    pub replicas: String,
    pub access: Access,
    /// The Service in front of the workload: what the user sets of it
    /// (ports, session affinity, traffic policy, load balancer). The app
    /// sets its name, alias, description, type, selector and labels
    /// ([`AppForm::service_form`]); port rows left blank default to the
    /// containers' ports.
    pub service: ServiceForm,
    /// The pods' volumes (and a stateful app's claim templates).
    pub volumes: Vec<VolumeForm>,
    pub node_selector: Vec<KeyValue>,
    pub tolerations: Vec<TolerationForm>,
    pub labels: Vec<KeyValue>,
    pub annotations: Vec<KeyValue>,
}

impl Default for AppForm {
    fn default() -> Self {
        Self {
            kind: AppKind::Stateless,
            name: String::new(),
            alias: String::new(),
            description: String::new(),
            version: DEFAULT_VERSION.into(),
            containers: vec![ContainerForm::default()],
            replicas: "1".into(),
            access: Access::None,
            service: ServiceForm {
                ports: vec![],
                ..ServiceForm::default()
            },
            volumes: vec![],
            node_selector: vec![],
            tolerations: vec![],
            labels: vec![],
            annotations: vec![],
        }
    }
}

/// Splits a command line like a POSIX shell does for words: blanks separate,
/// single quotes keep everything, double quotes keep all but `\"` and `\\`,
/// a backslash outside quotes escapes the next character.
pub fn split_command(line: &str) -> Result<Vec<String>, Problem> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(Problem::UnclosedQuote),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(Problem::UnclosedQuote),
                        },
                        Some(c) => word.push(c),
                        None => return Err(Problem::UnclosedQuote),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// An image name without its tag, as the container runtime's reference
/// grammar has it: an optional registry host (with a '.' or ':' or
/// `localhost`, optional port), then lowercase path components separated by
/// '/', each of letters and digits joined by '.', '_', '__' or '-'s.
pub fn check_image(image: &str) -> Result<(), Problem> {
    if image.is_empty() {
        return Err(Problem::Required);
    }
    if image.len() > 255 {
        return Err(Problem::TooLong {
            max: 255,
            actual: image.len(),
        });
    }
    if image.contains('@') || image.chars().any(char::is_whitespace) {
        return Err(Problem::InvalidImage);
    }
    let mut parts: Vec<&str> = image.split('/').collect();
    let first = parts[0];
    let has_host =
        parts.len() > 1 && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_host {
        let (host, port) = match first.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (first, None),
        };
        let host_ok = !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        let port_ok = port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
        if !host_ok || !port_ok {
            return Err(Problem::InvalidImage);
        }
        parts.remove(0);
    }
    for component in parts {
        if !path_component_ok(component) {
            return Err(if component.chars().any(|c| c.is_ascii_uppercase()) {
                Problem::Uppercase
            } else {
                Problem::InvalidImage
            });
        }
    }
    Ok(())
}

fn path_component_ok(component: &str) -> bool {
    let bytes = component.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_alphanumeric() {
        return false;
    }
    if !bytes[bytes.len() - 1].is_ascii_alphanumeric() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            i += 1;
            continue;
        }
        // A separator: '.', '_', '__' or one or more '-'.
        let start = i;
        match b {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if bytes.get(i) == Some(&b'_') {
                    i += 1;
                }
            }
            b'-' => {
                while bytes.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return false,
        }
        if i == start || !bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric()) {
            return false;
        }
    }
    true
}

/// An image tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn check_tag(tag: &str) -> Result<(), Problem> {
    let ok = !tag.is_empty()
        && tag.len() <= 128
        && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok { Ok(()) } else { Err(Problem::InvalidTag) }
}

/// A Kubernetes quantity (`100m`, `0.5`, `128Mi`, `1e3`) as a number, to
/// compare a request with its limit.
pub fn parse_quantity(text: &str) -> Result<f64, Problem> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(t.len());
    let (number, suffix) = t.split_at(split);
    let digits = number.trim_start_matches(['+', '-']);
    if digits.is_empty()
        || digits.starts_with('.') && digits.len() == 1
        || digits.matches('.').count() > 1
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        || number.len() - digits.len() > 1
    {
        return Err(Problem::InvalidQuantity);
    }
    let value: f64 = digits.parse().map_err(|_| Problem::InvalidQuantity)?;
    let multiplier = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with(['e', 'E']) => {
            let exp: i32 = s[1..].parse().map_err(|_| Problem::InvalidQuantity)?;
            10f64.powi(exp)
        }
        _ => return Err(Problem::InvalidQuantity),
    };
    if number.starts_with('-') {
        return Err(Problem::InvalidQuantity);
    }
    Ok(value * multiplier)
}

fn check_env_name(name: &str) -> Result<(), Problem> {
    if name.is_empty() {
        return Err(Problem::Required);
    }
    let ok = !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Problem::InvalidEnvName)
    }
}

impl AppForm {
    fn service_kind(&self) -> ServiceKind {
        match (self.kind, self.access) {
            (AppKind::Stateful, _) => ServiceKind::Headless,
            (_, Access::None) => ServiceKind::ClusterIp,
            (_, Access::NodePort) => ServiceKind::NodePort,
            (_, Access::LoadBalancer) => ServiceKind::LoadBalancer,
        }
    }

    /// The containers' ports as Service port rows (used when the user left
    /// the Service's ports empty).
    fn default_service_ports(&self) -> Vec<PortForm> {
        self.containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .filter(|p| !p.port.trim().is_empty())
            .map(|p| PortForm {
                protocol: p.protocol,
                name: p.name.trim().to_owned(),
                port: p.port.trim().to_owned(),
                target_port: p.port.trim().to_owned(),
                node_port: String::new(),
            })
            .collect()
    }

    /// The Service part of the app as a Service form: the app's name,
    /// selector on `app.kubernetes.io/name`, Wharf's labels.
    pub fn service_form(&self) -> ServiceForm {
        let ports = if self.service.ports.iter().all(PortForm::is_blank) {
            self.default_service_ports()
        } else {
            self.service.ports.clone()
        };
        // Port names are required by Kubernetes once there are several.
        let several = ports.len() > 1;
        let ports = ports
            .into_iter()
            .enumerate()
            .map(|(i, mut p)| {
                if several && p.name.trim().is_empty() {
                    p.name = format!("port-{i}");
                }
                p
            })
            .collect();
        ServiceForm {
            name: self.name.trim().to_owned(),
            alias: self.alias.clone(),
            description: self.description.clone(),
            kind: self.service_kind(),
            selector: vec![KeyValue::new(crate::labels_wharf::NAME, self.name.trim())],
            ports,
            external_name: String::new(),
            labels: self.wharf_labels(),
            annotations: vec![],
            ..self.service.clone()
        }
    }

    /// The labels on every object of the app.
    pub fn wharf_labels(&self) -> Vec<KeyValue> {
        use crate::labels_wharf::*;
        let mut labels = vec![
            KeyValue::new(NAME, self.name.trim()),
            KeyValue::new(VERSION, self.version.trim()),
            KeyValue::new(MANAGED_BY, WHARF),
        ];
        labels.extend(
            self.labels
                .iter()
                .filter(|l| !l.is_blank() && !l.key.trim().starts_with("app.kubernetes.io/"))
                .cloned(),
        );
        labels
    }

    /// Every rule of the wizard.
    pub fn validate(&self, node_ports: NodePortRange) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(AppField::Name, check_dns1035_label(self.name.trim()));
        errors.check(
            AppField::Alias,
            check_chars(&self.alias, crate::service::ALIAS_MAX_CHARS),
        );
        errors.check(
            AppField::Description,
            check_chars(&self.description, crate::service::DESCRIPTION_MAX_CHARS),
        );
        errors.check(AppField::Version, check_version(self.version.trim()));
        errors.check(
            AppField::Replicas,
            parse_int(&self.replicas, 0, MAX_REPLICAS).map(|_| ()),
        );

        if self.containers.is_empty() {
            errors.push(AppField::Containers(Row::All), Problem::AtLeastOne);
        }
        pod::check_volumes(&mut errors, &self.volumes, self.kind == AppKind::Stateful);
        pod::check_tolerations(&mut errors, &self.tolerations);
        let volumes = self
            .volumes
            .iter()
            .map(|v| v.name.trim().to_owned())
            .collect();
        let mut names = HashSet::new();
        for (i, c) in self.containers.iter().enumerate() {
            check_container(
                &mut errors,
                &|f| AppField::container(i, f),
                c,
                &mut names,
                &volumes,
            );
        }

        check_key_values(
            &mut errors,
            AppField::NodeSelector,
            &self.node_selector,
            true,
        );
        check_key_values(&mut errors, AppField::Labels, &self.labels, true);
        // Wharf sets the app.kubernetes.io/ labels itself (name, version,
        // managed-by): said here, not silently dropped.
        for (i, _) in self
            .labels
            .iter()
            .enumerate()
            .filter(|(_, r)| r.key.trim().starts_with("app.kubernetes.io/"))
        {
            errors.push(
                AppField::Labels(Row::At(i, KeyValueField::Key)),
                Problem::ReservedLabel,
            );
        }
        check_key_values(&mut errors, AppField::Annotations, &self.annotations, false);

        // The Service: its own rules, reported under `service.`; what the
        // app gives it (name, alias, description, selector, labels) is
        // checked above at the app's own fields, and a stateful app's
        // headless Service needs no port.
        if let Err(service_errors) = self.service_form().validate(node_ports) {
            for e in service_errors.0 {
                match e.path::<ServiceField>() {
                    Some(
                        ServiceField::Name
                        | ServiceField::Alias
                        | ServiceField::Description
                        | ServiceField::Selector(_)
                        | ServiceField::Labels(_),
                    ) => {}
                    Some(ServiceField::Ports(Row::All)) if self.kind == AppKind::Stateful => {}
                    Some(field) => errors.push(AppField::Service(field), e.problem),
                    None => errors.push(e.field, e.problem),
                }
            }
        }
        errors.into_result()
    }
}

impl AppField {
    /// Container `i`'s `field`.
    pub fn container(i: usize, field: ContainerField) -> AppField {
        AppField::Containers(Row::At(i, field))
    }
}

/// The rules of one container; `f` is where its fields are in the form
/// (the wizard's or the upgrade's), `names` collects the containers' names
/// to find duplicates, and mounts may name `volumes`.
fn check_container<'a, F: std::fmt::Display>(
    errors: &mut FieldErrors,
    f: &dyn Fn(ContainerField) -> F,
    c: &'a ContainerForm,
    names: &mut HashSet<&'a str>,
    volumes: &HashSet<String>,
) {
    pod::check_mounts(
        errors,
        &|m| f(ContainerField::Mounts(m)),
        &c.mounts,
        volumes,
    );
    pod::check_probe(errors, &|p| f(ContainerField::Readiness(p)), &c.readiness);
    pod::check_probe(errors, &|p| f(ContainerField::Liveness(p)), &c.liveness);
    match check_dns1123_label(c.name.trim()) {
        Err(p) => errors.push(f(ContainerField::Name), p),
        Ok(()) if !names.insert(c.name.trim()) => {
            errors.push(f(ContainerField::Name), Problem::Duplicate)
        }
        Ok(()) => {}
    }
    errors.check(f(ContainerField::Image), check_image(c.image.trim()));
    if !c.tag.trim().is_empty() {
        errors.check(f(ContainerField::Tag), check_tag(c.tag.trim()));
    }
    errors.check(
        f(ContainerField::Command),
        split_command(&c.command).map(|_| ()),
    );
    errors.check(f(ContainerField::Args), split_command(&c.args).map(|_| ()));

    let mut port_names = HashSet::new();
    let mut ports = HashSet::new();
    for (j, p) in c.ports.iter().enumerate() {
        let pf = |cell| f(ContainerField::Ports(Row::At(j, cell)));
        if p.name.trim().is_empty() && p.port.trim().is_empty() {
            continue;
        }
        match parse_int(&p.port, 1, 65_535) {
            Err(e) => errors.push(pf(ContainerPortField::Port), e),
            Ok(n) if !ports.insert((n, p.protocol)) => {
                errors.push(pf(ContainerPortField::Port), Problem::Duplicate)
            }
            Ok(_) => {}
        }
        let name = p.name.trim();
        if !name.is_empty() {
            match check_iana_svc_name(name) {
                Err(e) => errors.push(pf(ContainerPortField::Name), e),
                Ok(()) if !port_names.insert(name) => {
                    errors.push(pf(ContainerPortField::Name), Problem::Duplicate)
                }
                Ok(()) => {}
            }
        }
    }

    let mut env_names = HashSet::new();
    for (j, e) in c.env.iter().enumerate().filter(|(_, e)| !e.is_blank()) {
        let ef = |cell| f(ContainerField::Env(Row::At(j, cell)));
        let name = e.name.trim();
        match check_env_name(name) {
            Err(p) => errors.push(ef(EnvField::Name), p),
            Ok(()) if !env_names.insert(name) => {
                errors.push(ef(EnvField::Name), Problem::Duplicate)
            }
            Ok(()) => {}
        }
        if e.source != EnvSource::Value {
            errors.check(
                ef(EnvField::RefName),
                check_dns1123_subdomain(e.ref_name.trim()),
            );
            let key = e.ref_key.trim();
            let key_ok = !key.is_empty()
                && key.len() <= 253
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if key.is_empty() {
                errors.push(ef(EnvField::RefKey), Problem::Required);
            } else if !key_ok {
                errors.push(ef(EnvField::RefKey), Problem::InvalidEnvName);
            }
        }
    }

    for (request, limit, rf, lf) in [
        (
            &c.cpu_request,
            &c.cpu_limit,
            ContainerField::CpuRequest,
            ContainerField::CpuLimit,
        ),
        (
            &c.memory_request,
            &c.memory_limit,
            ContainerField::MemoryRequest,
            ContainerField::MemoryLimit,
        ),
    ] {
        let parse = |t: &str| (!t.trim().is_empty()).then(|| parse_quantity(t));
        let (r, l) = (parse(request), parse(limit));
        if let Some(Err(p)) = &r {
            errors.push(f(rf), p.clone());
        }
        if let Some(Err(p)) = &l {
            errors.push(f(lf), p.clone());
        }
        if let (Some(Ok(r)), Some(Ok(l))) = (r, l)
            && r > l
        {
            errors.push(f(rf), Problem::RequestAboveLimit);
        }
    }
}

impl AppForm {
    /// Where an apiserver cause on the workload lands on this form:
    /// `spec.template.spec.containers[0].image` → `containers.0.image`.
    pub fn form_field(api_path: &str) -> Option<AppField> {
        match api_path {
            "metadata.name" => return Some(AppField::Name),
            "spec.replicas" => return Some(AppField::Replicas),
            _ => {}
        }
        let rest = api_path.strip_prefix("spec.template.spec.containers[")?;
        let (index, part) = rest.split_once("].")?;
        let index: usize = index.parse().ok()?;
        let field = match part {
            "image" => ContainerField::Image,
            "name" => ContainerField::Name,
            p if p.starts_with("resources.requests[cpu]") => ContainerField::CpuRequest,
            p if p.starts_with("resources.limits[cpu]") => ContainerField::CpuLimit,
            p if p.starts_with("resources.requests[memory]") => ContainerField::MemoryRequest,
            p if p.starts_with("resources.limits[memory]") => ContainerField::MemoryLimit,
            _ => return None,
        };
        Some(AppField::container(index, field))
    }

    /// Where an apiserver cause on the app's Service lands on this form.
    pub fn service_field(api_path: &str) -> Option<AppField> {
        ServiceForm::form_field(api_path).map(AppField::Service)
    }
}

/// A version label: lowercase letters and digits, 1–16.
pub fn check_version(version: &str) -> Result<(), Problem> {
    if version.is_empty() {
        return Err(Problem::Required);
    }
    if version.len() > VERSION_MAX_LEN {
        return Err(Problem::TooLong {
            max: VERSION_MAX_LEN,
            actual: version.len(),
        });
    }
    match version
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
    {
        Some(c) if c.is_ascii_uppercase() => Err(Problem::Uppercase),
        Some(c) => Err(Problem::InvalidChar(c)),
        None => Ok(()),
    }
}

#[cfg(feature = "k8s")]
mod build;
#[cfg(feature = "k8s")]
mod edit;
mod fields;
mod pod;
mod upgrade;
#[cfg(feature = "k8s")]
pub use build::Workload;
#[cfg(feature = "k8s")]
pub use edit::{WorkloadObject, split_image};
pub use fields::{
    AppField, ContainerField, ContainerPaths, ContainerPortField, EnvField, MountField, ProbeField,
    TolerationField, UpgradeField, VolumeField, WizardStep,
};
pub use pod::{
    AccessMode, MountForm, ProbeForm, ProbeKind, TaintEffect, TolerationForm, TolerationOperator,
    VolumeForm, VolumeSource,
};
pub use upgrade::{UpgradeForm, UpgradeMark};

#[cfg(test)]
mod tests;
