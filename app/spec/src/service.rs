//! The Service form (创建服务): what the user fills in, every rule on it, and
//! the Service object it builds. Fields hold the text as typed, so a wrong
//! number is reported as such rather than lost in parsing.

use crate::error::{FieldErrors, Problem};
use crate::field::{KeyValueField, Row, field_path, form_texts};
use crate::labels::{
    check_dns1123_subdomain, check_iana_svc_name, check_label_value, check_qualified_name,
};
use crate::names::{check_dns1035_label, check_dns1123_label};
use crate::view::ServiceKind;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::net::IpAddr;

/// Kubernetes' default session-affinity timeout (3 hours).
pub const DEFAULT_AFFINITY_TIMEOUT: i32 = 10_800;
pub const MAX_AFFINITY_TIMEOUT: i32 = 86_400;
pub const ALIAS_MAX_CHARS: usize = 64;
pub const DESCRIPTION_MAX_CHARS: usize = 256;
/// The annotations MetalLB reads.
pub const METALLB_POOL: &str = "metallb.universe.tf/address-pool";
pub const METALLB_IPS: &str = "metallb.universe.tf/loadBalancerIPs";

field_path! {
    /// The Service form's inputs: `name`, `ports.0.node_port`, `selector.1.key`, ….
    pub enum ServiceField {
        unit {
            Name = "name",
            Alias = "alias",
            Description = "description",
            Kind = "kind",
            ExternalName = "external_name",
            SessionAffinity = "session_affinity",
            AffinityTimeout = "affinity_timeout",
            TrafficPolicy = "traffic_policy",
            LbKind = "lb_kind",
            LbPool = "lb_pool",
            LbAddress = "lb_address",
        }
        rows {
            Selector(KeyValueField) = "selector",
            Ports(PortField) = "ports",
            Labels(KeyValueField) = "labels",
            Annotations(KeyValueField) = "annotations",
        }
    }
}

field_path! {
    /// A cell of a Service's port row.
    pub enum PortField {
        unit {
            Protocol = "protocol",
            Name = "name",
            Port = "port",
            TargetPort = "target_port",
            NodePort = "node_port",
        }
    }
}

form_texts!(ServiceForm, ServiceField {
    text {
        Name => name,
        Alias => alias,
        Description => description,
        ExternalName => external_name,
        AffinityTimeout => affinity_timeout,
        LbPool => lb_pool,
        LbAddress => lb_address,
    }
    rows {
        Selector => selector,
        Ports => ports,
        Labels => labels,
        Annotations => annotations,
    }
});

form_texts!(PortForm, PortField {
    text {
        Name => name,
        Port => port,
        TargetPort => target_port,
        NodePort => node_port,
    }
});

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

impl KeyValue {
    pub fn new(key: &str, value: &str) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }

    /// A row left entirely blank is ignored, not an error.
    pub fn is_blank(&self) -> bool {
        self.key.trim().is_empty() && self.value.trim().is_empty()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub fn api(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortForm {
    pub protocol: Protocol,
    pub name: String,
    /// Service port; empty means "same as the target port".
    pub port: String,
    /// Container port: a number or a named port; empty means "same as port".
    pub target_port: String,
    /// Only for NodePort and LoadBalancer; empty means "allocated by the cluster".
    pub node_port: String,
}

impl PortForm {
    pub fn is_blank(&self) -> bool {
        [&self.name, &self.port, &self.target_port, &self.node_port]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrafficPolicy {
    #[default]
    Cluster,
    Local,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoadBalancerKind {
    #[default]
    MetalLb,
    Other,
}

/// The cluster's NodePort range (`--service-node-port-range`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePortRange {
    pub min: i32,
    pub max: i32,
}

impl Default for NodePortRange {
    fn default() -> Self {
        Self {
            min: 30_000,
            max: 32_767,
        }
    }
}

impl NodePortRange {
    /// `30000-32767`, as the apiserver's flag writes it; None unless
    /// `1 <= min <= max <= 65535`.
    pub fn parse(text: &str) -> Option<Self> {
        let (min, max) = text.trim().split_once('-')?;
        let (min, max) = (min.trim().parse().ok()?, max.trim().parse().ok()?);
        (1 <= min && min <= max && max <= 65_535).then_some(Self { min, max })
    }
}

impl std::fmt::Display for NodePortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.min, self.max)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceForm {
    pub name: String,
    pub alias: String,
    pub description: String,
    pub kind: ServiceKind,
    pub selector: Vec<KeyValue>,
    pub ports: Vec<PortForm>,
    pub external_name: String,
    pub session_affinity: bool,
    /// Seconds, as typed; empty means Kubernetes' default (10800).
    pub affinity_timeout: String,
    pub traffic_policy: TrafficPolicy,
    pub lb_kind: LoadBalancerKind,
    pub lb_pool: String,
    pub lb_address: String,
    pub labels: Vec<KeyValue>,
    pub annotations: Vec<KeyValue>,
}

impl Default for ServiceForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            alias: String::new(),
            description: String::new(),
            kind: ServiceKind::ClusterIp,
            selector: vec![KeyValue::default()],
            ports: vec![PortForm::default()],
            external_name: String::new(),
            session_affinity: false,
            affinity_timeout: String::new(),
            traffic_policy: TrafficPolicy::Cluster,
            lb_kind: LoadBalancerKind::MetalLb,
            lb_pool: String::new(),
            lb_address: String::new(),
            labels: vec![],
            annotations: vec![],
        }
    }
}

/// A Service being worked on with the form: the form's values, the object
/// they are applied onto as YAML (the stored Service when editing, carrying
/// its resourceVersion, or what the user wrote in the YAML tab; none for a
/// plain create), and the fields of that object the form does not show,
/// which are kept as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDraft {
    pub form: ServiceForm,
    pub base: Option<String>,
    pub kept: Vec<String>,
}

impl ServiceDraft {
    /// Re-applies the user's edit on a newer version (after a conflict): each
    /// part of the form the user changed from `original` (what the edit
    /// started from) takes the user's value, every other part takes
    /// `theirs`. So a label someone else added meanwhile survives, and the
    /// port the user changed wins.
    pub fn rebase(original: &ServiceForm, mine: &ServiceForm, theirs: &ServiceForm) -> ServiceForm {
        fn pick<T: Clone + PartialEq>(original: &T, mine: &T, theirs: &T) -> T {
            if mine != original {
                mine.clone()
            } else {
                theirs.clone()
            }
        }
        let (o, m, t) = (original, mine, theirs);
        ServiceForm {
            name: pick(&o.name, &m.name, &t.name),
            alias: pick(&o.alias, &m.alias, &t.alias),
            description: pick(&o.description, &m.description, &t.description),
            kind: pick(&o.kind, &m.kind, &t.kind),
            selector: pick(&o.selector, &m.selector, &t.selector),
            ports: pick(&o.ports, &m.ports, &t.ports),
            external_name: pick(&o.external_name, &m.external_name, &t.external_name),
            session_affinity: pick(
                &o.session_affinity,
                &m.session_affinity,
                &t.session_affinity,
            ),
            affinity_timeout: pick(
                &o.affinity_timeout,
                &m.affinity_timeout,
                &t.affinity_timeout,
            ),
            traffic_policy: pick(&o.traffic_policy, &m.traffic_policy, &t.traffic_policy),
            lb_kind: pick(&o.lb_kind, &m.lb_kind, &t.lb_kind),
            lb_pool: pick(&o.lb_pool, &m.lb_pool, &t.lb_pool),
            lb_address: pick(&o.lb_address, &m.lb_address, &t.lb_address),
            labels: pick(&o.labels, &m.labels, &t.labels),
            annotations: pick(&o.annotations, &m.annotations, &t.annotations),
        }
    }
}

pub(crate) fn parse_int(text: &str, min: i64, max: i64) -> Result<i64, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Problem::Required);
    }
    let n: i64 = t.parse().map_err(|_| Problem::NotANumber)?;
    if n < min || n > max {
        return Err(Problem::OutOfRange { min, max });
    }
    Ok(n)
}

fn parse_port(text: &str) -> Result<i32, Problem> {
    parse_int(text, 1, 65_535).map(|n| n as i32)
}

fn is_number(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit())
}

/// Key/value rows as a map (blank rows left out, keys and values trimmed).
#[cfg(feature = "k8s")]
pub(crate) fn key_map(rows: &[KeyValue]) -> std::collections::BTreeMap<String, String> {
    rows.iter()
        .filter(|r| !r.is_blank())
        .map(|r| (r.key.trim().to_owned(), r.value.trim().to_owned()))
        .collect()
}

/// `None` for an empty map: Kubernetes objects leave empty maps out.
#[cfg(feature = "k8s")]
pub(crate) fn non_empty<K: Ord, V>(
    map: std::collections::BTreeMap<K, V>,
) -> Option<std::collections::BTreeMap<K, V>> {
    (!map.is_empty()).then_some(map)
}

/// At most `max` characters (not bytes: aliases are often Chinese).
pub(crate) fn check_chars(text: &str, max: usize) -> Result<(), Problem> {
    let n = text.chars().count();
    if n > max {
        Err(Problem::TooLong { max, actual: n })
    } else {
        Ok(())
    }
}

impl ServiceForm {
    pub fn exposes_node_ports(&self) -> bool {
        matches!(self.kind, ServiceKind::NodePort | ServiceKind::LoadBalancer)
    }

    pub fn uses_selector(&self) -> bool {
        self.kind != ServiceKind::ExternalName
    }

    fn used_ports(&self) -> impl Iterator<Item = (usize, &PortForm)> {
        self.ports.iter().enumerate().filter(|(_, p)| !p.is_blank())
    }

    /// Every rule of the form. The browser runs it on every keystroke, the
    /// server again before anything is sent to Kubernetes.
    pub fn validate(&self, node_ports: NodePortRange) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(ServiceField::Name, check_dns1035_label(&self.name));
        errors.check(
            ServiceField::Alias,
            check_chars(&self.alias, ALIAS_MAX_CHARS),
        );
        errors.check(
            ServiceField::Description,
            check_chars(&self.description, DESCRIPTION_MAX_CHARS),
        );

        if self.kind == ServiceKind::ExternalName {
            errors.check(
                ServiceField::ExternalName,
                check_dns1123_subdomain(self.external_name.trim()),
            );
        } else {
            check_key_values(&mut errors, ServiceField::Selector, &self.selector, true);
            if self.selector.iter().all(KeyValue::is_blank) {
                errors.push(ServiceField::Selector(Row::All), Problem::AtLeastOne);
            }
            self.check_ports(&mut errors, node_ports);
        }

        if self.session_affinity && !self.affinity_timeout.trim().is_empty() {
            errors.check(
                ServiceField::AffinityTimeout,
                parse_int(&self.affinity_timeout, 1, MAX_AFFINITY_TIMEOUT as i64).map(|_| ()),
            );
        }

        if self.kind == ServiceKind::LoadBalancer {
            if self.lb_kind == LoadBalancerKind::MetalLb {
                errors.check(
                    ServiceField::LbPool,
                    check_dns1123_subdomain(self.lb_pool.trim()),
                );
            }
            let address = self.lb_address.trim();
            if !address.is_empty() && address.parse::<IpAddr>().is_err() {
                errors.push(ServiceField::LbAddress, Problem::NotAnIpAddress);
            }
        }

        check_key_values(&mut errors, ServiceField::Labels, &self.labels, true);
        check_key_values(
            &mut errors,
            ServiceField::Annotations,
            &self.annotations,
            false,
        );
        errors.into_result()
    }

    fn check_ports(&self, errors: &mut FieldErrors, range: NodePortRange) {
        let used: Vec<(usize, &PortForm)> = self.used_ports().collect();
        if used.is_empty() {
            if self.kind != ServiceKind::Headless {
                errors.push(ServiceField::Ports(Row::All), Problem::AtLeastOne);
            }
            return;
        }
        let several = used.len() > 1;
        // Mixed-protocol LoadBalancers need Kubernetes 1.26
        // (MixedProtocolLBService); older clusters refuse them, so the form
        // does too until rules follow the cluster's version.
        if self.kind == ServiceKind::LoadBalancer {
            let first = used[0].1.protocol;
            for (i, p) in used.iter().skip(1) {
                if p.protocol != first {
                    errors.push(
                        ServiceField::Ports(Row::At(*i, PortField::Protocol)),
                        Problem::MixedProtocols,
                    );
                }
            }
        }
        let mut names = HashSet::new();
        let mut port_protocols = HashSet::new();
        let mut node_ports = HashSet::new();
        for (i, p) in used {
            let f = |cell| ServiceField::Ports(Row::At(i, cell));
            let name = p.name.trim();
            if name.is_empty() {
                if several {
                    errors.push(f(PortField::Name), Problem::RequiredWithSeveralPorts);
                }
            } else if let Err(e) = check_dns1123_label(name) {
                errors.push(f(PortField::Name), e);
            } else if !names.insert(name) {
                errors.push(f(PortField::Name), Problem::Duplicate);
            }

            let target = p.target_port.trim();
            if !target.is_empty() {
                let checked = if is_number(target) {
                    parse_port(target).map(|_| ())
                } else {
                    check_iana_svc_name(target)
                };
                errors.check(f(PortField::TargetPort), checked);
            }
            match self.service_port(p) {
                Ok(port) => {
                    if !port_protocols.insert((port, p.protocol)) {
                        errors.push(f(PortField::Port), Problem::Duplicate);
                    }
                }
                Err(e) => errors.push(f(PortField::Port), e),
            }

            let node_port = p.node_port.trim();
            if !node_port.is_empty() && self.exposes_node_ports() {
                match parse_int(node_port, range.min as i64, range.max as i64) {
                    Err(e) => errors.push(f(PortField::NodePort), e),
                    Ok(n) if !node_ports.insert(n) => {
                        errors.push(f(PortField::NodePort), Problem::Duplicate)
                    }
                    Ok(_) => {}
                }
            }
        }
    }

    /// The Service port of a row: as typed, or the numeric target port.
    fn service_port(&self, p: &PortForm) -> Result<i32, Problem> {
        let port = p.port.trim();
        if port.is_empty() && is_number(&p.target_port) {
            parse_port(&p.target_port)
        } else {
            parse_port(port)
        }
    }

    /// Where an apiserver cause lands on this form: `spec.ports[1].nodePort`
    /// → `ports.1.node_port`, `metadata.name` → `name`.
    pub fn form_field(api_path: &str) -> Option<ServiceField> {
        let simple = match api_path {
            "metadata.name" => Some(ServiceField::Name),
            "spec.selector" => Some(ServiceField::Selector(Row::All)),
            "spec.externalName" => Some(ServiceField::ExternalName),
            "spec.loadBalancerIP" => Some(ServiceField::LbAddress),
            "spec.ports" => Some(ServiceField::Ports(Row::All)),
            p if p.starts_with("spec.sessionAffinityConfig") => Some(ServiceField::AffinityTimeout),
            p if p.starts_with("metadata.labels") => Some(ServiceField::Labels(Row::All)),
            p if p.starts_with("metadata.annotations") => Some(ServiceField::Annotations(Row::All)),
            _ => None,
        };
        if simple.is_some() {
            return simple;
        }
        let rest = api_path.strip_prefix("spec.ports[")?;
        let (index, part) = rest.split_once("].")?;
        let index: usize = index.parse().ok()?;
        let cell = match part {
            "name" => PortField::Name,
            "port" => PortField::Port,
            "targetPort" => PortField::TargetPort,
            "nodePort" => PortField::NodePort,
            "protocol" => PortField::Protocol,
            _ => return None,
        };
        Some(ServiceField::Ports(Row::At(index, cell)))
    }
}

/// The rules of key/value rows (the Service form's and the app wizard's):
/// qualified keys, each once (the objects hold a map, so a second would
/// silently replace the first); label values where `label_values`. `list`
/// is where the rows are in the form.
pub(crate) fn check_key_values<F: std::fmt::Display>(
    errors: &mut FieldErrors,
    list: impl Fn(Row<KeyValueField>) -> F,
    rows: &[KeyValue],
    label_values: bool,
) {
    let mut seen = HashSet::new();
    for (i, row) in rows.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
        let key = row.key.trim();
        let key_field = list(Row::At(i, KeyValueField::Key));
        match check_qualified_name(key) {
            Err(p) => errors.push(key_field, p),
            Ok(()) if !seen.insert(key) => errors.push(key_field, Problem::Duplicate),
            Ok(()) => {}
        }
        if label_values {
            errors.check(
                list(Row::At(i, KeyValueField::Value)),
                check_label_value(row.value.trim()),
            );
        }
    }
}

#[cfg(feature = "k8s")]
mod build {
    use super::key_map as map;
    use super::*;
    use k8s_openapi::api::core::v1::{
        ClientIPConfig, Service, ServicePort, ServiceSpec, SessionAffinityConfig,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    impl ServiceForm {
        /// The Service this form creates in `namespace`. Call
        /// [`ServiceForm::validate`] first: values that do not parse are left out.
        pub fn build(&self, namespace: &str) -> Service {
            let mut annotations = map(&self.annotations);
            for (key, value) in [
                (crate::annotations::ALIAS, self.alias.trim()),
                (crate::annotations::DESCRIPTION, self.description.trim()),
            ] {
                if !value.is_empty() {
                    annotations.insert(key.to_owned(), value.to_owned());
                }
            }
            let lb = self.kind == ServiceKind::LoadBalancer;
            let lb_address = self.lb_address.trim();
            if lb && self.lb_kind == LoadBalancerKind::MetalLb {
                annotations.insert(METALLB_POOL.to_owned(), self.lb_pool.trim().to_owned());
                if !lb_address.is_empty() {
                    annotations.insert(METALLB_IPS.to_owned(), lb_address.to_owned());
                }
            }

            let external = self.kind == ServiceKind::ExternalName;
            let ports: Vec<ServicePort> = if external {
                vec![]
            } else {
                self.used_ports()
                    .filter_map(|(_, p)| {
                        let port = self.service_port(p).ok()?;
                        let target = p.target_port.trim();
                        let target_port = if target.is_empty() {
                            IntOrString::Int(port)
                        } else if is_number(target) {
                            IntOrString::Int(target.parse().ok()?)
                        } else {
                            IntOrString::String(target.to_owned())
                        };
                        Some(ServicePort {
                            name: Some(p.name.trim().to_owned()).filter(|n| !n.is_empty()),
                            protocol: Some(p.protocol.api().to_owned()),
                            port,
                            target_port: Some(target_port),
                            node_port: self
                                .exposes_node_ports()
                                .then(|| p.node_port.trim().parse().ok())
                                .flatten(),
                            ..Default::default()
                        })
                    })
                    .collect()
            };
            let affinity_timeout = self
                .affinity_timeout
                .trim()
                .parse()
                .unwrap_or(DEFAULT_AFFINITY_TIMEOUT);

            Service {
                metadata: ObjectMeta {
                    name: Some(self.name.clone()),
                    namespace: Some(namespace.to_owned()),
                    labels: non_empty(map(&self.labels)),
                    annotations: non_empty(annotations),
                    ..Default::default()
                },
                spec: Some(ServiceSpec {
                    type_: Some(self.kind.api_type().to_owned()),
                    cluster_ip: (self.kind == ServiceKind::Headless).then(|| "None".to_owned()),
                    selector: if external {
                        None
                    } else {
                        non_empty(map(&self.selector))
                    },
                    ports: (!ports.is_empty()).then_some(ports),
                    external_name: external.then(|| self.external_name.trim().to_owned()),
                    session_affinity: (!external).then(|| {
                        if self.session_affinity {
                            "ClientIP"
                        } else {
                            "None"
                        }
                        .to_owned()
                    }),
                    session_affinity_config: (self.session_affinity && !external).then_some(
                        SessionAffinityConfig {
                            client_ip: Some(ClientIPConfig {
                                timeout_seconds: Some(affinity_timeout),
                            }),
                        },
                    ),
                    external_traffic_policy: self.exposes_node_ports().then(|| {
                        match self.traffic_policy {
                            TrafficPolicy::Cluster => "Cluster",
                            TrafficPolicy::Local => "Local",
                        }
                        .to_owned()
                    }),
                    load_balancer_ip: (lb
                        && self.lb_kind == LoadBalancerKind::Other
                        && !lb_address.is_empty())
                    .then(|| lb_address.to_owned()),
                    ..Default::default()
                }),
                status: None,
            }
        }
    }
}

#[cfg(feature = "k8s")]
mod edit;
#[cfg(feature = "k8s")]
pub use edit::kept_fields;

#[cfg(test)]
mod tests;
