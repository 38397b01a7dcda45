//! The form over an existing object: a Service read back into the form
//! ([`ServiceForm::from_service`]), and the form applied onto a base object
//! ([`ServiceForm::apply_to`]) so that whatever the form does not show (a
//! fixed clusterIP, externalIPs, ipFamilies, an `appProtocol`) is kept, not
//! dropped. The base is the Service being edited, or a YAML the user wrote in
//! the form's YAML tab.

use super::*;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// Metadata the server owns: never reported as "kept from the base".
const HOUSEKEEPING: &[&str] = &[
    "metadata.resourceVersion",
    "metadata.uid",
    "metadata.creationTimestamp",
    "metadata.selfLink",
    "metadata.generation",
    "metadata.managedFields",
    "metadata.namespace",
    "status",
];

fn rows(map: Option<&BTreeMap<String, String>>, skip: &[&str]) -> Vec<KeyValue> {
    map.into_iter()
        .flatten()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| KeyValue::new(k, v))
        .collect()
}

impl ServiceForm {
    /// The form showing `svc`. Fields the form has no place for stay in the
    /// object (see [`ServiceForm::apply_to`] and [`kept_fields`]).
    pub fn from_service(svc: &Service) -> ServiceForm {
        let kind = crate::convert::service_kind(svc);
        let spec = svc.spec.clone().unwrap_or_default();
        let annotations = svc.metadata.annotations.as_ref();
        let annotation = |key: &str| {
            annotations
                .and_then(|a| a.get(key))
                .cloned()
                .unwrap_or_default()
        };
        let lb = kind == ServiceKind::LoadBalancer;
        let metallb = lb && annotations.is_some_and(|a| a.contains_key(METALLB_POOL));
        let mut hidden_annotations =
            vec![crate::annotations::ALIAS, crate::annotations::DESCRIPTION];
        if metallb {
            hidden_annotations.extend([METALLB_POOL, METALLB_IPS]);
        }
        let ports = spec
            .ports
            .iter()
            .flatten()
            .map(|p| PortForm {
                protocol: match p.protocol.as_deref() {
                    Some("UDP") => Protocol::Udp,
                    Some("SCTP") => Protocol::Sctp,
                    _ => Protocol::Tcp,
                },
                name: p.name.clone().unwrap_or_default(),
                port: p.port.to_string(),
                target_port: match &p.target_port {
                    Some(IntOrString::Int(n)) => n.to_string(),
                    Some(IntOrString::String(s)) => s.clone(),
                    None => String::new(),
                },
                node_port: p.node_port.map(|n| n.to_string()).unwrap_or_default(),
            })
            .collect();
        let timeout = spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds);
        ServiceForm {
            name: svc.metadata.name.clone().unwrap_or_default(),
            alias: annotation(crate::annotations::ALIAS),
            description: annotation(crate::annotations::DESCRIPTION),
            kind,
            selector: if kind == ServiceKind::ExternalName {
                vec![]
            } else {
                rows(spec.selector.as_ref(), &[])
            },
            ports,
            external_name: spec.external_name.clone().unwrap_or_default(),
            session_affinity: spec.session_affinity.as_deref() == Some("ClientIP"),
            affinity_timeout: timeout.map(|t| t.to_string()).unwrap_or_default(),
            traffic_policy: match spec.external_traffic_policy.as_deref() {
                Some("Local") => TrafficPolicy::Local,
                _ => TrafficPolicy::Cluster,
            },
            lb_kind: if !lb || metallb {
                LoadBalancerKind::MetalLb
            } else {
                LoadBalancerKind::Other
            },
            lb_pool: if metallb {
                annotation(METALLB_POOL)
            } else {
                String::new()
            },
            lb_address: if metallb {
                annotation(METALLB_IPS)
            } else {
                spec.load_balancer_ip.clone().unwrap_or_default()
            },
            labels: rows(svc.metadata.labels.as_ref(), &[]),
            annotations: rows(annotations, &hidden_annotations),
        }
    }

    /// `base` with everything the form shows replaced by the form's values
    /// (name and namespace included); the rest of `base` is kept as it is.
    /// With an empty base this is [`ServiceForm::build`].
    pub fn apply_to(&self, base: Service, namespace: &str) -> Service {
        let built = self.build(namespace);
        let mut out = base;
        out.metadata.name = built.metadata.name;
        out.metadata.namespace = built.metadata.namespace;
        out.metadata.labels = built.metadata.labels;
        out.metadata.annotations = built.metadata.annotations;
        out.status = None;

        let new = built.spec.unwrap_or_default();
        let spec = out.spec.get_or_insert_with(Default::default);
        let was_headless = spec.cluster_ip.as_deref() == Some("None");
        // The form's rows replace the ports; what a row cannot show
        // (appProtocol) is carried over from the port it was read from.
        let old_ports = spec.ports.take().unwrap_or_default();
        spec.ports = new.ports.map(|ports| {
            ports
                .into_iter()
                .enumerate()
                .map(|(i, mut p)| {
                    if let Some(old) = old_ports.get(i) {
                        p.app_protocol = old.app_protocol.clone();
                    }
                    p
                })
                .collect()
        });
        spec.type_ = new.type_;
        spec.selector = new.selector;
        spec.external_name = new.external_name;
        spec.session_affinity = new.session_affinity;
        spec.session_affinity_config = new.session_affinity_config;
        spec.external_traffic_policy = new.external_traffic_policy;
        spec.load_balancer_ip = new.load_balancer_ip;
        match self.kind {
            // Headless is a clusterIP of "None"; leaving headless or becoming
            // an ExternalName means no fixed address from the base.
            ServiceKind::Headless => {
                spec.cluster_ip = new.cluster_ip;
                spec.cluster_ips = None;
            }
            ServiceKind::ExternalName => {
                spec.cluster_ip = None;
                spec.cluster_ips = None;
            }
            _ if was_headless => {
                spec.cluster_ip = None;
                spec.cluster_ips = None;
            }
            _ => {}
        }
        if !(self.kind == ServiceKind::LoadBalancer && self.traffic_policy == TrafficPolicy::Local)
        {
            spec.health_check_node_port = None;
        }
        out
    }
}

fn leaf_paths(value: &serde_json::Value, prefix: String, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaf_paths(v, path, out);
            }
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                leaf_paths(v, format!("{prefix}[{i}]"), out);
            }
        }
        _ => out.push(prefix),
    }
}

fn lookup<'a>(value: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let mut current = value;
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        current = current.get(key)?;
        for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
            current = current.get(index.parse::<usize>().ok()?)?;
        }
    }
    Some(current)
}

/// The fields of `base` the form does not show: kept as they are when the
/// form is applied. Paths in the API's spelling (`spec.externalIPs[0]`),
/// server-owned metadata left out.
pub fn kept_fields(base: &Service, namespace: &str) -> Vec<String> {
    let shown = ServiceForm::from_service(base).build(namespace);
    let (Ok(base), Ok(shown)) = (serde_json::to_value(base), serde_json::to_value(&shown)) else {
        return vec![];
    };
    let mut paths = Vec::new();
    leaf_paths(&base, String::new(), &mut paths);
    let mut kept: Vec<String> = paths
        .into_iter()
        .filter(|p| {
            !HOUSEKEEPING.iter().any(|h| {
                p == h || p.starts_with(&format!("{h}.")) || p.starts_with(&format!("{h}["))
            })
        })
        .filter(|p| lookup(&shown, p) != lookup(&base, p))
        .collect();
    kept.dedup();
    kept
}
