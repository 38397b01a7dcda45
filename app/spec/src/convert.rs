//! Kubernetes objects → view models. Pure functions (the caller passes the
//! clock), so they are unit-tested on 1.20-shaped JSON without a cluster.

use crate::annotations;
use crate::view::*;
use k8s_openapi::api::core::v1::{Endpoints, Namespace, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use std::collections::BTreeMap;

mod apps;
mod nodes;
mod pods;
mod workloads;
pub use apps::{
    controller_revision_template, deployment_revisions, deployment_row, pod_failure, pod_row,
    replica_set_template, statefulset_revisions, statefulset_row,
};
pub use nodes::{node_detail, node_row, node_usage};
pub use pods::{event_row, pod_containers, pod_usage};
pub use workloads::{
    daemonset_workload, deployment_workload, job_workload, selector_text, statefulset_workload,
};

/// When the object was created, in Unix seconds (live lists keep this and
/// compute the age when they send a row).
pub fn created_unix(meta: &ObjectMeta) -> Option<i64> {
    meta.creation_timestamp
        .as_ref()
        .map(|Time(t)| t.as_second())
}

fn age(meta: &ObjectMeta, now_unix: i64) -> Option<i64> {
    meta.creation_timestamp
        .as_ref()
        .map(|t| age_of(t, now_unix))
}

fn age_of(Time(t): &Time, now_unix: i64) -> i64 {
    now_unix - t.as_second()
}

fn annotation(meta: &ObjectMeta, key: &str) -> Option<String> {
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn pairs(map: &Option<BTreeMap<String, String>>) -> Vec<(String, String)> {
    map.iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub fn space_summary(ns: &Namespace, now_unix: i64) -> SpaceSummary {
    SpaceSummary {
        name: ns.metadata.name.clone().unwrap_or_default(),
        description: annotation(&ns.metadata, annotations::DESCRIPTION),
        terminating: ns.metadata.deletion_timestamp.is_some()
            || ns.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Terminating"),
        age_seconds: age(&ns.metadata, now_unix),
    }
}

pub fn service_kind(svc: &Service) -> ServiceKind {
    let spec = svc.spec.as_ref();
    match spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP") {
        "NodePort" => ServiceKind::NodePort,
        "LoadBalancer" => ServiceKind::LoadBalancer,
        "ExternalName" => ServiceKind::ExternalName,
        _ if spec.and_then(|s| s.cluster_ip.as_deref()) == Some("None") => ServiceKind::Headless,
        _ => ServiceKind::ClusterIp,
    }
}

pub fn service_row(svc: &Service, now_unix: i64) -> ServiceRow {
    let spec = svc.spec.clone().unwrap_or_default();
    let kind = service_kind(svc);
    let external = match kind {
        ServiceKind::ExternalName => {
            ExternalAddress::ExternalName(spec.external_name.clone().unwrap_or_default())
        }
        ServiceKind::LoadBalancer => {
            let ingress: Vec<String> = svc
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|i| i.ip.clone().or_else(|| i.hostname.clone()))
                .collect();
            if ingress.is_empty() {
                ExternalAddress::Pending
            } else {
                ExternalAddress::Addresses(ingress)
            }
        }
        _ => ExternalAddress::None,
    };
    let ports = spec
        .ports
        .iter()
        .flatten()
        .map(|p| PortView {
            name: p.name.clone(),
            protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
            port: p.port,
            target_port: p.target_port.as_ref().map(|t| match t {
                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
            }),
            node_port: p.node_port,
        })
        .collect();
    ServiceRow {
        name: svc.metadata.name.clone().unwrap_or_default(),
        alias: annotation(&svc.metadata, annotations::ALIAS),
        description: annotation(&svc.metadata, annotations::DESCRIPTION),
        kind,
        cluster_ip: spec
            .cluster_ip
            .clone()
            .filter(|ip| !ip.is_empty() && ip != "None"),
        external,
        ports,
        selector: pairs(&spec.selector),
        age_seconds: age(&svc.metadata, now_unix),
    }
}

pub fn endpoint_views(endpoints: &Endpoints) -> Vec<EndpointView> {
    let mut out = Vec::new();
    for subset in endpoints.subsets.iter().flatten() {
        let ports: Vec<String> = subset
            .ports
            .iter()
            .flatten()
            .map(|p| format!("{}/{}", p.port, p.protocol.as_deref().unwrap_or("TCP")))
            .collect();
        let groups = [
            (&subset.addresses, true),
            (&subset.not_ready_addresses, false),
        ];
        for (addresses, ready) in groups {
            for a in addresses.iter().flatten() {
                out.push(EndpointView {
                    ip: a.ip.clone(),
                    pod: a
                        .target_ref
                        .as_ref()
                        .filter(|r| r.kind.as_deref() == Some("Pod"))
                        .and_then(|r| r.name.clone()),
                    ready,
                    ports: ports.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.ip.cmp(&b.ip));
    out
}

/// The detail page's data; `yaml` is rendered by the caller (the server owns
/// the YAML serializer, so the browser bundle does not carry one).
pub fn service_detail(
    svc: &Service,
    endpoints: Option<&Endpoints>,
    yaml: String,
    now_unix: i64,
) -> ServiceDetail {
    let spec = svc.spec.clone().unwrap_or_default();
    let affinity = spec.session_affinity.as_deref() == Some("ClientIP");
    ServiceDetail {
        row: service_row(svc, now_unix),
        labels: pairs(&svc.metadata.labels),
        annotations: pairs(&svc.metadata.annotations),
        session_affinity: affinity,
        session_affinity_timeout: spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
            .filter(|_| affinity),
        external_traffic_policy: spec.external_traffic_policy.clone(),
        endpoints: endpoints.map(endpoint_views).unwrap_or_default(),
        yaml,
        resource_version: svc.metadata.resource_version.clone(),
    }
}

/// The object as a user wants to read or download it: no `managedFields`,
/// no `status`.
pub fn strip_for_display(svc: &Service) -> Service {
    let mut s = svc.clone();
    s.metadata.managed_fields = None;
    s.status = None;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    // A Service as a 1.20 apiserver returns it (selfLink, no ipFamilies).
    fn service_120(json: &str) -> Service {
        serde_json::from_str(json).expect("1.20 service decodes")
    }

    const NOW: i64 = 1_700_000_100;

    #[test]
    fn nodeport_row() {
        let svc = service_120(
            r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"dev",
              "selfLink":"/api/v1/namespaces/dev/services/web","creationTimestamp":"2023-11-14T22:13:20Z",
              "annotations":{"wharf.io/alias":"前端"}},
              "spec":{"type":"NodePort","clusterIP":"10.96.3.4","selector":{"app":"web","tier":"fe"},
              "ports":[{"protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}]},
              "status":{"loadBalancer":{}}}"#,
        );
        let row = service_row(&svc, NOW);
        assert_eq!(row.kind, ServiceKind::NodePort);
        assert_eq!(row.cluster_ip.as_deref(), Some("10.96.3.4"));
        assert_eq!(row.ports[0].short(), "80:30080/TCP");
        assert_eq!(row.ports[0].target_port.as_deref(), Some("8080"));
        assert_eq!(
            row.selector,
            vec![("app".into(), "web".into()), ("tier".into(), "fe".into())]
        );
        assert_eq!(row.alias.as_deref(), Some("前端"));
        assert_eq!(row.external, ExternalAddress::None);
        assert_eq!(row.age_seconds, Some(100));
    }

    #[test]
    fn headless_loadbalancer_externalname() {
        let headless = service_120(
            r#"{"metadata":{"name":"db"},"spec":{"type":"ClusterIP","clusterIP":"None","ports":[{"port":5432}]}}"#,
        );
        let row = service_row(&headless, NOW);
        assert_eq!(row.kind, ServiceKind::Headless);
        assert_eq!(row.cluster_ip, None);
        assert_eq!(row.ports[0].short(), "5432/TCP");

        let pending = service_120(
            r#"{"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{}}}"#,
        );
        assert_eq!(
            service_row(&pending, NOW).external,
            ExternalAddress::Pending
        );

        let assigned = service_120(
            r#"{"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.7"}]}}}"#,
        );
        assert_eq!(
            service_row(&assigned, NOW).external,
            ExternalAddress::Addresses(vec!["192.0.2.7".into()])
        );

        let ext = service_120(
            r#"{"metadata":{"name":"x"},"spec":{"type":"ExternalName","externalName":"example.invalid"}}"#,
        );
        assert_eq!(
            service_row(&ext, NOW).external,
            ExternalAddress::ExternalName("example.invalid".into())
        );
    }

    #[test]
    fn endpoints_list_ready_and_not_ready_pods() {
        let ep: Endpoints = serde_json::from_str(
            r#"{"metadata":{"name":"web"},"subsets":[{"addresses":[{"ip":"10.244.0.5","targetRef":{"kind":"Pod","name":"web-b"}},
              {"ip":"10.244.0.4","targetRef":{"kind":"Pod","name":"web-a"}}],
              "notReadyAddresses":[{"ip":"10.244.0.9"}],"ports":[{"port":8080,"protocol":"TCP"}]}]}"#,
        )
        .unwrap();
        let v = endpoint_views(&ep);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].ip, "10.244.0.4");
        assert_eq!(v[0].pod.as_deref(), Some("web-a"));
        assert!(v[0].ready);
        assert_eq!(v[2].ip, "10.244.0.9");
        assert!(!v[2].ready);
        assert_eq!(v[2].ports, vec!["8080/TCP".to_string()]);
    }

    #[test]
    fn terminating_namespace() {
        let ns: Namespace = serde_json::from_str(
            r#"{"metadata":{"name":"old","annotations":{"wharf.io/description":" tests "}},"status":{"phase":"Terminating"}}"#,
        )
        .unwrap();
        let s = space_summary(&ns, NOW);
        assert!(s.terminating);
        assert_eq!(s.description.as_deref(), Some("tests"));
        assert_eq!(s.age_seconds, None);
    }

    #[test]
    fn display_copy_drops_managed_fields_and_status() {
        let svc = service_120(
            r#"{"metadata":{"name":"a","managedFields":[{"manager":"kubectl"}]},"spec":{},"status":{"loadBalancer":{}}}"#,
        );
        let s = strip_for_display(&svc);
        assert!(s.metadata.managed_fields.is_none());
        assert!(s.status.is_none());
    }
}
