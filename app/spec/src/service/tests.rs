use super::*;
use crate::view::ServiceKind;

fn form(kind: ServiceKind) -> ServiceForm {
    ServiceForm {
        name: "web".into(),
        kind,
        selector: vec![KeyValue::new("app", "web")],
        ports: vec![PortForm {
            port: "80".into(),
            target_port: "8080".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn problem(f: &ServiceForm, field: &str) -> Option<Problem> {
    f.validate(NodePortRange::default())
        .err()
        .and_then(|e| e.get(field).cloned())
}

#[test]
fn every_kind_validates_in_its_plain_form() {
    for kind in [
        ServiceKind::ClusterIp,
        ServiceKind::Headless,
        ServiceKind::NodePort,
    ] {
        assert_eq!(
            form(kind).validate(NodePortRange::default()),
            Ok(()),
            "{kind:?}"
        );
    }
    let mut lb = form(ServiceKind::LoadBalancer);
    lb.lb_pool = "default-pool".into();
    assert_eq!(lb.validate(NodePortRange::default()), Ok(()));
    let ext = ServiceForm {
        name: "ext".into(),
        kind: ServiceKind::ExternalName,
        external_name: "db.example.invalid".into(),
        ports: vec![],
        selector: vec![],
        ..Default::default()
    };
    assert_eq!(ext.validate(NodePortRange::default()), Ok(()));
}

#[test]
fn names() {
    let mut f = form(ServiceKind::ClusterIp);
    f.name = String::new();
    assert_eq!(problem(&f, "name"), Some(Problem::Required));
    f.name = "a".repeat(64);
    assert!(matches!(
        problem(&f, "name"),
        Some(Problem::TooLong {
            max: 63,
            actual: 64
        })
    ));
    f.name = "Web".into();
    assert_eq!(problem(&f, "name"), Some(Problem::Uppercase));
    f.name = "1web".into();
    assert_eq!(problem(&f, "name"), Some(Problem::MustStartWithLetter));
}

#[test]
fn ports_bounds_and_duplicates() {
    let mut f = form(ServiceKind::NodePort);
    f.ports[0].port = "0".into();
    assert_eq!(
        problem(&f, "ports.0.port"),
        Some(Problem::OutOfRange { min: 1, max: 65535 })
    );
    f.ports[0].port = "65536".into();
    assert_eq!(
        problem(&f, "ports.0.port"),
        Some(Problem::OutOfRange { min: 1, max: 65535 })
    );
    f.ports[0].port = "http".into();
    assert_eq!(problem(&f, "ports.0.port"), Some(Problem::NotANumber));
    f.ports[0].port = "80".into();
    f.ports[0].node_port = "80".into();
    assert_eq!(
        problem(&f, "ports.0.node_port"),
        Some(Problem::OutOfRange {
            min: 30000,
            max: 32767
        })
    );
    f.ports[0].node_port = "30080".into();
    assert_eq!(f.validate(NodePortRange::default()), Ok(()));
    // A wider range configured on the cluster is honoured.
    f.ports[0].node_port = "20000".into();
    assert_eq!(
        f.validate(NodePortRange {
            min: 20000,
            max: 40000
        }),
        Ok(())
    );

    f.ports[0].node_port = "30080".into();
    f.ports.push(f.ports[0].clone());
    assert_eq!(
        problem(&f, "ports.0.name"),
        Some(Problem::RequiredWithSeveralPorts)
    );
    f.ports[0].name = "http".into();
    f.ports[1].name = "http".into();
    assert_eq!(problem(&f, "ports.1.name"), Some(Problem::Duplicate));
    assert_eq!(problem(&f, "ports.1.port"), Some(Problem::Duplicate));
    assert_eq!(problem(&f, "ports.1.node_port"), Some(Problem::Duplicate));
    f.ports[1].protocol = Protocol::Udp;
    f.ports[1].name = "dns".into();
    f.ports[1].node_port = String::new();
    assert_eq!(
        f.validate(NodePortRange::default()),
        Ok(()),
        "same port number, other protocol"
    );
}

#[test]
fn load_balancers_keep_to_one_protocol() {
    let mut f = form(ServiceKind::LoadBalancer);
    f.lb_pool = "pool".into();
    f.ports[0].name = "a".into();
    f.ports.push(PortForm {
        name: "b".into(),
        port: "53".into(),
        protocol: Protocol::Udp,
        ..Default::default()
    });
    assert_eq!(
        problem(&f, "ports.1.protocol"),
        Some(Problem::MixedProtocols)
    );
    f.kind = ServiceKind::NodePort;
    assert_eq!(f.validate(NodePortRange::default()), Ok(()));
}

#[test]
fn port_defaults_to_target_port_and_named_targets() {
    let mut f = form(ServiceKind::ClusterIp);
    f.ports[0].port = String::new();
    assert_eq!(f.validate(NodePortRange::default()), Ok(()));
    f.ports[0].target_port = "http".into();
    assert_eq!(problem(&f, "ports.0.port"), Some(Problem::Required));
    f.ports[0].port = "80".into();
    assert_eq!(f.validate(NodePortRange::default()), Ok(()));
    f.ports[0].target_port = "HTTP".into();
    assert_eq!(problem(&f, "ports.0.target_port"), Some(Problem::Uppercase));
    f.ports[0].target_port = "70000".into();
    assert_eq!(
        problem(&f, "ports.0.target_port"),
        Some(Problem::OutOfRange { min: 1, max: 65535 })
    );
}

#[test]
fn ports_and_selector_needed_except_where_not() {
    let mut f = form(ServiceKind::ClusterIp);
    f.ports = vec![PortForm::default()];
    assert_eq!(problem(&f, "ports"), Some(Problem::AtLeastOne));
    f.kind = ServiceKind::Headless;
    assert_eq!(problem(&f, "ports"), None);
    f.selector = vec![KeyValue::default()];
    assert_eq!(problem(&f, "selector"), Some(Problem::AtLeastOne));
    f.selector = vec![KeyValue::new("my app", "x")];
    assert_eq!(
        problem(&f, "selector.0.key"),
        Some(Problem::InvalidChar(' '))
    );
    f.selector = vec![KeyValue::new("app", "x y")];
    assert_eq!(
        problem(&f, "selector.0.value"),
        Some(Problem::InvalidChar(' '))
    );
    f.selector = vec![KeyValue::new("app", "a"), KeyValue::new("app", "b")];
    assert_eq!(problem(&f, "selector.1.key"), Some(Problem::Duplicate));
}

#[test]
fn affinity_external_name_load_balancer() {
    let mut f = form(ServiceKind::ClusterIp);
    f.session_affinity = true;
    f.affinity_timeout = "0".into();
    assert_eq!(
        problem(&f, "affinity_timeout"),
        Some(Problem::OutOfRange { min: 1, max: 86400 })
    );
    f.affinity_timeout = "86401".into();
    assert!(problem(&f, "affinity_timeout").is_some());
    f.affinity_timeout = "".into();
    assert_eq!(f.validate(NodePortRange::default()), Ok(()));

    let mut e = form(ServiceKind::ExternalName);
    e.external_name = "not a host".into();
    assert_eq!(
        problem(&e, "external_name"),
        Some(Problem::InvalidChar(' '))
    );

    let mut lb = form(ServiceKind::LoadBalancer);
    assert_eq!(problem(&lb, "lb_pool"), Some(Problem::Required));
    lb.lb_kind = LoadBalancerKind::Other;
    lb.lb_address = "10.0.0.300".into();
    assert_eq!(problem(&lb, "lb_address"), Some(Problem::NotAnIpAddress));
    lb.lb_address = "2001:db8::1".into();
    assert_eq!(lb.validate(NodePortRange::default()), Ok(()));
}

#[test]
fn annotations_take_any_value_labels_do_not() {
    let mut f = form(ServiceKind::ClusterIp);
    f.annotations = vec![KeyValue::new("note", "任何 value: <b>ok</b>")];
    f.labels = vec![KeyValue::new("tier", "front end")];
    assert_eq!(problem(&f, "annotations.0.key"), None);
    assert_eq!(
        problem(&f, "labels.0.value"),
        Some(Problem::InvalidChar(' '))
    );
}

#[test]
fn api_paths_land_on_form_fields() {
    assert_eq!(
        ServiceForm::form_field("spec.ports[1].nodePort")
            .map(|f| f.to_string())
            .as_deref(),
        Some("ports.1.node_port")
    );
    assert_eq!(
        ServiceForm::form_field("spec.ports[0].targetPort")
            .map(|f| f.to_string())
            .as_deref(),
        Some("ports.0.target_port")
    );
    assert_eq!(
        ServiceForm::form_field("metadata.name")
            .map(|f| f.to_string())
            .as_deref(),
        Some("name")
    );
    assert_eq!(
        ServiceForm::form_field("spec.sessionAffinityConfig.clientIP.timeoutSeconds")
            .map(|f| f.to_string())
            .as_deref(),
        Some("affinity_timeout")
    );
    assert_eq!(ServiceForm::form_field("spec.ports[x].port"), None);
    assert_eq!(ServiceForm::form_field("spec.clusterIP"), None);
}

#[test]
fn a_rebase_keeps_their_changes_where_i_changed_nothing() {
    let original = form(ServiceKind::NodePort);
    let mut mine = original.clone();
    mine.ports[0].port = "81".into();
    let mut theirs = original.clone();
    theirs.annotations = vec![KeyValue::new("theirs", "1")];
    theirs.ports[0].node_port = "30001".into();
    let merged = ServiceDraft::rebase(&original, &mine, &theirs);
    assert_eq!(merged.ports, mine.ports, "a part I changed: mine");
    assert_eq!(
        merged.annotations, theirs.annotations,
        "a part I left: theirs"
    );
    assert_eq!(ServiceDraft::rebase(&original, &original, &theirs), theirs);
}

#[cfg(feature = "k8s")]
mod build {
    use super::*;
    use k8s_openapi::api::core::v1::Service;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    /// A Service as the apiserver returns it, with fields the form lacks.
    fn stored() -> Service {
        serde_json::from_str(
            r#"{"apiVersion":"v1","kind":"Service",
              "metadata":{"name":"web","namespace":"dev","resourceVersion":"42","uid":"u-1",
                "labels":{"app":"web"},"annotations":{"wharf.io/alias":"前端","team":"a"}},
              "spec":{"type":"NodePort","clusterIP":"10.96.0.7","clusterIPs":["10.96.0.7"],
                "externalIPs":["192.0.2.1"],"selector":{"app":"web"},"sessionAffinity":"None",
                "externalTrafficPolicy":"Cluster",
                "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":"http",
                  "nodePort":30080,"appProtocol":"http"}]},
              "status":{"loadBalancer":{}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_stored_service_reads_back_into_the_form() {
        let f = ServiceForm::from_service(&stored());
        assert_eq!(f.kind, ServiceKind::NodePort);
        assert_eq!((f.name.as_str(), f.alias.as_str()), ("web", "前端"));
        assert_eq!(f.annotations, vec![KeyValue::new("team", "a")]);
        assert_eq!(f.ports[0].target_port, "http");
        assert_eq!(f.ports[0].node_port, "30080");
        assert!(f.validate(NodePortRange::default()).is_ok());
        assert_eq!(
            kept_fields(&stored(), "dev"),
            [
                "spec.clusterIP",
                "spec.clusterIPs[0]",
                "spec.externalIPs[0]",
                "spec.ports[0].appProtocol"
            ]
        );
    }

    #[test]
    fn applying_the_form_keeps_what_it_does_not_show() {
        let mut f = ServiceForm::from_service(&stored());
        f.ports[0].port = "8080".into();
        f.labels.push(KeyValue::new("tier", "fe"));
        let out = f.apply_to(stored(), "dev");
        assert_eq!(out.metadata.resource_version.as_deref(), Some("42"));
        assert_eq!(out.metadata.labels.as_ref().unwrap()["tier"], "fe");
        let spec = out.spec.unwrap();
        assert_eq!(spec.cluster_ip.as_deref(), Some("10.96.0.7"));
        assert_eq!(spec.external_ips.unwrap(), ["192.0.2.1"]);
        let p = &spec.ports.unwrap()[0];
        assert_eq!((p.port, p.app_protocol.as_deref()), (8080, Some("http")));
        assert!(out.status.is_none());
    }

    #[test]
    fn changing_the_kind_drops_what_belongs_to_the_old_one() {
        let mut f = ServiceForm::from_service(&stored());
        f.kind = ServiceKind::ClusterIp;
        let spec = f.apply_to(stored(), "dev").spec.unwrap();
        assert_eq!(spec.type_.as_deref(), Some("ClusterIP"));
        assert_eq!(spec.ports.unwrap()[0].node_port, None);
        assert_eq!(spec.external_traffic_policy, None);

        f.kind = ServiceKind::ExternalName;
        f.external_name = "db.example.invalid".into();
        let spec = f.apply_to(stored(), "dev").spec.unwrap();
        assert_eq!((spec.cluster_ip, spec.selector), (None, None));

        let headless = form(ServiceKind::Headless).build("dev");
        let spec = form(ServiceKind::ClusterIp)
            .apply_to(headless, "dev")
            .spec
            .unwrap();
        assert_eq!(spec.cluster_ip, None, "leaving headless frees clusterIP");
    }

    #[test]
    fn a_metallb_balancer_reads_back_with_its_pool() {
        let mut lb = form(ServiceKind::LoadBalancer);
        lb.lb_pool = "pool-a".into();
        lb.lb_address = "192.0.2.10".into();
        lb.annotations = vec![KeyValue::new("team", "a")];
        let back = ServiceForm::from_service(&lb.build("dev"));
        assert_eq!(back.lb_kind, LoadBalancerKind::MetalLb);
        assert_eq!(
            (back.lb_pool.as_str(), back.lb_address.as_str()),
            ("pool-a", "192.0.2.10")
        );
        assert_eq!(back.annotations, lb.annotations);
    }

    #[test]
    fn nodeport_with_affinity() {
        let mut f = form(ServiceKind::NodePort);
        f.alias = "前端".into();
        f.ports[0].node_port = "30080".into();
        f.session_affinity = true;
        f.affinity_timeout = "600".into();
        f.traffic_policy = TrafficPolicy::Local;
        f.annotations = vec![KeyValue::new("team", "a"), KeyValue::default()];
        let svc = f.build("dev");
        assert_eq!(svc.metadata.namespace.as_deref(), Some("dev"));
        let ann = svc.metadata.annotations.unwrap();
        assert_eq!(ann["wharf.io/alias"], "前端");
        assert_eq!(ann["team"], "a");
        let spec = svc.spec.unwrap();
        assert_eq!(spec.type_.as_deref(), Some("NodePort"));
        let p = &spec.ports.unwrap()[0];
        assert_eq!(
            (p.port, p.node_port, p.protocol.as_deref()),
            (80, Some(30080), Some("TCP"))
        );
        assert_eq!(p.target_port, Some(IntOrString::Int(8080)));
        assert_eq!(spec.session_affinity.as_deref(), Some("ClientIP"));
        assert_eq!(
            spec.session_affinity_config
                .unwrap()
                .client_ip
                .unwrap()
                .timeout_seconds,
            Some(600)
        );
        assert_eq!(spec.external_traffic_policy.as_deref(), Some("Local"));
        assert_eq!(spec.selector.unwrap()["app"], "web");
    }

    #[test]
    fn headless_external_name_load_balancer() {
        let h = form(ServiceKind::Headless).build("dev").spec.unwrap();
        assert_eq!(
            (h.type_.as_deref(), h.cluster_ip.as_deref()),
            (Some("ClusterIP"), Some("None"))
        );
        assert_eq!(h.external_traffic_policy, None);

        let mut e = form(ServiceKind::ExternalName);
        e.external_name = "db.example.invalid".into();
        let e = e.build("dev").spec.unwrap();
        assert_eq!(e.external_name.as_deref(), Some("db.example.invalid"));
        assert!(e.selector.is_none() && e.ports.is_none());

        let mut lb = form(ServiceKind::LoadBalancer);
        lb.lb_pool = "pool-a".into();
        lb.lb_address = "192.0.2.10".into();
        let svc = lb.build("dev");
        let ann = svc.metadata.annotations.unwrap();
        assert_eq!(ann[METALLB_POOL], "pool-a");
        assert_eq!(ann[METALLB_IPS], "192.0.2.10");
        assert_eq!(svc.spec.as_ref().unwrap().load_balancer_ip, None);
        lb.lb_kind = LoadBalancerKind::Other;
        let spec = lb.build("dev").spec.unwrap();
        assert_eq!(spec.load_balancer_ip.as_deref(), Some("192.0.2.10"));
    }

    #[test]
    fn default_affinity_timeout_and_port_from_target() {
        let mut f = form(ServiceKind::ClusterIp);
        f.session_affinity = true;
        f.ports[0].port = String::new();
        let spec = f.build("dev").spec.unwrap();
        assert_eq!(
            spec.session_affinity_config
                .unwrap()
                .client_ip
                .unwrap()
                .timeout_seconds,
            Some(10_800)
        );
        assert_eq!(spec.ports.unwrap()[0].port, 8080);
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9-]{0,70}",
            "[0-9]{0,6}",
            any::<String>(),
            Just(String::new()),
            "[a-zA-Z0-9./_ -]{0,80}",
        ]
    }

    fn kind() -> impl Strategy<Value = ServiceKind> {
        prop_oneof![
            Just(ServiceKind::ClusterIp),
            Just(ServiceKind::Headless),
            Just(ServiceKind::NodePort),
            Just(ServiceKind::LoadBalancer),
            Just(ServiceKind::ExternalName),
        ]
    }

    fn kv() -> impl Strategy<Value = KeyValue> {
        (text(), text()).prop_map(|(key, value)| KeyValue { key, value })
    }

    fn port() -> impl Strategy<Value = PortForm> {
        (0..3u8, text(), text(), text(), text()).prop_map(
            |(p, name, port, target_port, node_port)| PortForm {
                protocol: [Protocol::Tcp, Protocol::Udp, Protocol::Sctp][p as usize],
                name,
                port,
                target_port,
                node_port,
            },
        )
    }

    pub fn service_form() -> impl Strategy<Value = ServiceForm> {
        (
            (text(), text(), text(), kind()),
            (
                prop::collection::vec(kv(), 0..3),
                prop::collection::vec(port(), 0..4),
            ),
            (
                text(),
                any::<bool>(),
                text(),
                any::<bool>(),
                any::<bool>(),
                text(),
                text(),
            ),
            (
                prop::collection::vec(kv(), 0..3),
                prop::collection::vec(kv(), 0..3),
            ),
        )
            .prop_map(
                |(
                    (name, alias, description, kind),
                    (selector, ports),
                    (
                        external_name,
                        session_affinity,
                        affinity_timeout,
                        local,
                        metallb,
                        lb_pool,
                        lb_address,
                    ),
                    (labels, annotations),
                )| ServiceForm {
                    name,
                    alias,
                    description,
                    kind,
                    selector,
                    ports,
                    external_name,
                    session_affinity,
                    affinity_timeout,
                    traffic_policy: if local {
                        TrafficPolicy::Local
                    } else {
                        TrafficPolicy::Cluster
                    },
                    lb_kind: if metallb {
                        LoadBalancerKind::MetalLb
                    } else {
                        LoadBalancerKind::Other
                    },
                    lb_pool,
                    lb_address,
                    labels,
                    annotations,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000)
        ))]

        /// Any input gives Ok or field errors, never a panic; an accepted
        /// form builds a Service whose ports are all in range.
        #[test]
        fn validate_never_panics(f in service_form()) {
            match f.validate(NodePortRange::default()) {
                Ok(()) => {
                    #[cfg(feature = "k8s")]
                    {
                        let svc = f.build("ns");
                        // Read back into the form, it builds the same object
                        // and nothing of it is hidden from the form.
                        let again = ServiceForm::from_service(&svc);
                        prop_assert_eq!(&again.build("ns"), &svc);
                        prop_assert_eq!(crate::service::kept_fields(&svc, "ns"), Vec::<String>::new());
                        prop_assert_eq!(&again.apply_to(svc.clone(), "ns"), &svc);
                        for p in svc.spec.unwrap().ports.unwrap_or_default() {
                            prop_assert!((1..=65535).contains(&p.port));
                        }
                    }
                }
                Err(errors) => prop_assert!(!errors.is_empty()),
            }
        }
    }
}

#[test]
fn node_port_ranges_read_as_the_apiserver_flag_writes_them() {
    let range = NodePortRange::parse("20000-22767").unwrap();
    assert_eq!((range.min, range.max), (20_000, 22_767));
    assert_eq!(range.to_string(), "20000-22767");
    assert_eq!(
        NodePortRange::parse(&NodePortRange::default().to_string()),
        Some(NodePortRange::default())
    );
    for bad in ["", "30000", "32767-30000", "0-100", "1-70000", "a-b"] {
        assert_eq!(NodePortRange::parse(bad), None, "{bad}");
    }
}
