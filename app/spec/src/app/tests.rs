use super::*;
use crate::field::Row;

fn web() -> AppForm {
    AppForm {
        name: "web".into(),
        containers: vec![ContainerForm {
            image: "busybox".into(),
            tag: "1.35".into(),
            command: "httpd -f -p 8080 -h /www".into(),
            ports: vec![ContainerPortForm {
                name: "http".into(),
                port: "8080".into(),
                protocol: Protocol::Tcp,
            }],
            ..Default::default()
        }],
        replicas: "2".into(),
        access: Access::NodePort,
        ..Default::default()
    }
}

fn problem(f: &AppForm, field: &str) -> Option<Problem> {
    f.validate(NodePortRange::default())
        .err()
        .and_then(|e| e.get(field).cloned())
}

#[test]
fn a_plain_stateless_app_is_valid() {
    assert_eq!(web().validate(NodePortRange::default()), Ok(()));
    let mut stateful = web();
    stateful.kind = AppKind::Stateful;
    assert_eq!(stateful.validate(NodePortRange::default()), Ok(()));
}

#[test]
fn command_lines_split_like_a_shell() {
    assert_eq!(
        split_command(r#"sh -c 'echo "hi there"; sleep 1' x\ y "a\"b""#).unwrap(),
        ["sh", "-c", "echo \"hi there\"; sleep 1", "x y", "a\"b"]
    );
    assert_eq!(split_command("  ").unwrap(), Vec::<String>::new());
    assert_eq!(split_command("''").unwrap(), [""]);
    assert_eq!(split_command("echo 'oops"), Err(Problem::UnclosedQuote));
    assert_eq!(split_command("echo \"oops"), Err(Problem::UnclosedQuote));
}

#[test]
fn image_references() {
    for ok in [
        "busybox",
        "library/busybox",
        "registry.example.com:5000/team/web",
        "localhost/local-kube/busybox",
        "a__b/c.d-e--f",
        "127.0.0.1:5000/x",
    ] {
        assert_eq!(check_image(ok), Ok(()), "{ok}");
    }
    for bad in [
        "",
        "-x",
        "x-",
        "a//b",
        "a b",
        "a@sha256:00",
        "team/Web",
        "a..b",
        "host:port/x",
    ] {
        assert!(check_image(bad).is_err(), "{bad}");
    }
    assert_eq!(check_image("Team/web"), Err(Problem::Uppercase));
    assert_eq!(check_tag("1.35"), Ok(()));
    assert_eq!(check_tag("-rc"), Err(Problem::InvalidTag));
    assert_eq!(check_tag(&"a".repeat(129)), Err(Problem::InvalidTag));
}

#[test]
fn quantities_and_request_above_limit() {
    assert_eq!(parse_quantity("500m"), Ok(0.5));
    assert_eq!(parse_quantity("1"), Ok(1.0));
    assert_eq!(parse_quantity("128Mi"), Ok(128.0 * 1024.0 * 1024.0));
    assert_eq!(parse_quantity("1e3"), Ok(1000.0));
    for bad in ["", "m", "1.2.3", "12 Mi", "1mi", "-1", "abc"] {
        assert_eq!(parse_quantity(bad), Err(Problem::InvalidQuantity), "{bad}");
    }
    let mut f = web();
    f.containers[0].cpu_request = "2".into();
    f.containers[0].cpu_limit = "500m".into();
    f.containers[0].memory_limit = "lots".into();
    assert_eq!(
        problem(&f, "containers.0.cpu_request"),
        Some(Problem::RequestAboveLimit)
    );
    assert_eq!(
        problem(&f, "containers.0.memory_limit"),
        Some(Problem::InvalidQuantity)
    );
}

#[test]
fn field_rules() {
    let mut f = web();
    f.name = "1web".into();
    f.version = "V1".into();
    f.replicas = "-1".into();
    f.containers.push(ContainerForm {
        name: "main".into(),
        image: "".into(),
        ..Default::default()
    });
    f.containers[0].env = vec![
        EnvForm {
            name: "1BAD".into(),
            value: "x".into(),
            ..Default::default()
        },
        EnvForm {
            name: "DB".into(),
            source: EnvSource::SecretKey,
            ref_name: "db".into(),
            ..Default::default()
        },
    ];
    f.service.ports = vec![PortForm {
        port: "80".into(),
        target_port: "http".into(),
        node_port: "29999".into(),
        ..Default::default()
    }];
    assert_eq!(problem(&f, "name"), Some(Problem::MustStartWithLetter));
    assert_eq!(problem(&f, "version"), Some(Problem::Uppercase));
    assert!(matches!(
        problem(&f, "replicas"),
        Some(Problem::OutOfRange { .. })
    ));
    assert_eq!(problem(&f, "containers.1.name"), Some(Problem::Duplicate));
    assert_eq!(problem(&f, "containers.1.image"), Some(Problem::Required));
    assert_eq!(
        problem(&f, "containers.0.env.0.name"),
        Some(Problem::InvalidEnvName)
    );
    assert_eq!(
        problem(&f, "containers.0.env.1.ref_key"),
        Some(Problem::Required)
    );
    assert!(matches!(
        problem(&f, "service.ports.0.node_port"),
        Some(Problem::OutOfRange { .. })
    ));
}

#[test]
fn a_stateless_app_needs_a_port_a_stateful_one_does_not() {
    let mut f = web();
    f.containers[0].ports.clear();
    assert_eq!(problem(&f, "service.ports"), Some(Problem::AtLeastOne));
    f.kind = AppKind::Stateful;
    assert_eq!(f.validate(NodePortRange::default()), Ok(()));
}

#[test]
fn a_missing_port_is_one_problem_at_one_field() {
    let mut f = web();
    f.containers[0].ports.clear();
    let errors = f.validate(NodePortRange::default()).unwrap_err();
    let at_ports: Vec<_> = errors
        .0
        .iter()
        .filter(|e| e.field.starts_with("service.ports"))
        .collect();
    assert_eq!(at_ports.len(), 1, "{errors:?}");
    assert_eq!(
        at_ports[0].path::<AppField>(),
        Some(AppField::Service(ServiceField::Ports(Row::All)))
    );
    assert_eq!(AppField::step_of(&at_ports[0].field), WizardStep::Service);
}

#[test]
fn every_problem_of_a_bad_form_is_at_a_wizard_field_of_a_step() {
    let mut f = web();
    f.name = "9".into();
    f.labels = vec![KeyValue::new("app.kubernetes.io/part-of", "x")];
    f.node_selector = vec![KeyValue::new("bad key", "")];
    f.volumes = vec![VolumeForm {
        name: "Data".into(),
        ..Default::default()
    }];
    f.containers[0].mounts = vec![MountForm {
        volume: "none".into(),
        path: "rel".into(),
        read_only: false,
    }];
    f.containers[0].readiness = ProbeForm {
        kind: ProbeKind::Http,
        ..Default::default()
    };
    f.service.lb_address = "x".into();
    f.access = Access::LoadBalancer;
    let errors = f.validate(NodePortRange::default()).unwrap_err();
    let steps: Vec<(String, WizardStep)> = errors
        .0
        .iter()
        .map(|e| {
            let path: AppField = e.path().unwrap_or_else(|| panic!("{} is no path", e.field));
            assert_eq!(path.to_string(), e.field);
            (e.field.clone(), path.step())
        })
        .collect();
    for (field, step) in [
        ("name", WizardStep::Basics),
        ("labels.0.key", WizardStep::Scheduling),
        ("node_selector.0.key", WizardStep::Scheduling),
        ("volumes.0.name", WizardStep::Storage),
        ("containers.0.mounts.0.volume", WizardStep::Storage),
        ("containers.0.mounts.0.path", WizardStep::Storage),
        ("containers.0.readiness.path", WizardStep::Containers),
        ("service.lb_address", WizardStep::Service),
    ] {
        assert!(
            steps.contains(&(field.to_owned(), step)),
            "{field}: {steps:?}"
        );
    }
}

#[test]
fn a_key_twice_is_a_problem_at_the_second_row() {
    let mut f = web();
    f.labels = vec![KeyValue::new("team", "a"), KeyValue::new("team", "b")];
    f.node_selector = vec![KeyValue::new("zone", "a"), KeyValue::new("zone", "b")];
    f.annotations = vec![KeyValue::new("note", "a"), KeyValue::new("note", "b")];
    let errors = f.validate(NodePortRange::default()).unwrap_err();
    assert_eq!(errors.get("labels.1.key"), Some(&Problem::Duplicate));
    assert_eq!(errors.get("labels.0.key"), None);
    assert_eq!(errors.get("node_selector.1.key"), Some(&Problem::Duplicate));
    assert_eq!(errors.get("annotations.1.key"), Some(&Problem::Duplicate));
    // Said at the app's rows only, not again at the Service's.
    assert!(
        errors.0.iter().all(|e| !e.field.starts_with("service.")),
        "{errors:?}"
    );
}

#[test]
fn the_apps_alias_is_checked_once_at_its_own_field() {
    let mut f = web();
    f.alias = "x".repeat(crate::service::ALIAS_MAX_CHARS + 1);
    let errors = f.validate(NodePortRange::default()).unwrap_err();
    let at: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(at, ["alias"]);
}

#[test]
fn inputs_read_and_write_their_text_by_path() {
    use crate::field::FormFields;
    let mut f = web();
    let image = AppField::container(0, ContainerField::Image);
    assert_eq!(f.text(&image).map(String::as_str), Some("busybox"));
    *f.text_mut(&image).unwrap() = "nginx".into();
    assert_eq!(f.containers[0].image, "nginx");
    let port = AppField::container(
        0,
        ContainerField::Ports(Row::At(0, ContainerPortField::Port)),
    );
    assert_eq!(f.text(&port).map(String::as_str), Some("8080"));
    let probe = AppField::container(0, ContainerField::Liveness(ProbeField::Period));
    *f.text_mut(&probe).unwrap() = "5".into();
    assert_eq!(f.containers[0].liveness.period, "5");
    f.service.ports = vec![PortForm::default()];
    let node_port = AppField::Service(ServiceField::Ports(Row::At(
        0,
        crate::service::PortField::NodePort,
    )));
    *f.text_mut(&node_port).unwrap() = "30080".into();
    assert_eq!(f.service.ports[0].node_port, "30080");
    // A row that is not there, and a choice rather than a text, have none.
    assert_eq!(f.text(&AppField::container(3, ContainerField::Image)), None);
    assert_eq!(f.text(&AppField::Kind), None);
    assert_eq!(
        f.text(&AppField::container(0, ContainerField::PullPolicy)),
        None
    );
}

#[test]
fn apiserver_paths_land_on_the_wizard() {
    assert_eq!(
        AppForm::form_field("spec.template.spec.containers[1].image")
            .map(|f| f.to_string())
            .as_deref(),
        Some("containers.1.image")
    );
    assert_eq!(
        AppForm::form_field("spec.template.spec.containers[0].resources.limits[cpu]")
            .map(|f| f.to_string())
            .as_deref(),
        Some("containers.0.cpu_limit")
    );
    assert_eq!(
        AppForm::form_field("spec.replicas")
            .map(|f| f.to_string())
            .as_deref(),
        Some("replicas")
    );
}

#[cfg(feature = "k8s")]
mod build {
    use super::*;

    #[test]
    fn stateless_app_objects() {
        let f = web();
        let Workload::Deployment(d) = f.build_workload("dev") else {
            panic!("a Deployment")
        };
        let labels = d.metadata.labels.clone().unwrap();
        assert_eq!(labels["app.kubernetes.io/name"], "web");
        assert_eq!(labels["app.kubernetes.io/version"], "v1");
        assert_eq!(labels["app.kubernetes.io/managed-by"], "wharf");
        let spec = d.spec.unwrap();
        assert_eq!(spec.replicas, Some(2));
        assert_eq!(
            spec.selector.match_labels.unwrap(),
            [("app.kubernetes.io/name".to_owned(), "web".to_owned())].into()
        );
        let c = &spec.template.spec.unwrap().containers[0];
        assert_eq!(c.image.as_deref(), Some("busybox:1.35"));
        assert_eq!(
            c.command.as_deref().unwrap(),
            ["httpd", "-f", "-p", "8080", "-h", "/www"]
        );
        let svc = f.build_service("dev");
        let spec = svc.spec.unwrap();
        assert_eq!(spec.type_.as_deref(), Some("NodePort"));
        let p = &spec.ports.unwrap()[0];
        assert_eq!((p.port, p.name.as_deref()), (8080, Some("http")));
        assert_eq!(spec.selector.unwrap()["app.kubernetes.io/name"], "web");
    }

    #[test]
    fn stateful_app_objects() {
        let mut f = web();
        f.kind = AppKind::Stateful;
        let Workload::StatefulSet(s) = f.build_workload("dev") else {
            panic!("a StatefulSet")
        };
        assert_eq!(s.spec.unwrap().service_name.as_deref(), Some("web"));
        let svc = f.build_service("dev").spec.unwrap();
        assert_eq!(svc.cluster_ip.as_deref(), Some("None"));
    }

    #[test]
    fn image_references_split_at_the_tag() {
        let split = |r: &str| split_image(r);
        assert_eq!(split("busybox:1.35"), ("busybox".into(), "1.35".into()));
        assert_eq!(split("busybox"), ("busybox".into(), String::new()));
        assert_eq!(
            split("registry:5000/team/web"),
            ("registry:5000/team/web".into(), String::new())
        );
        assert_eq!(
            split("registry:5000/team/web:v2"),
            ("registry:5000/team/web".into(), "v2".into())
        );
    }

    fn deployment() -> k8s_openapi::api::apps::v1::Deployment {
        let Workload::Deployment(d) = web().build_workload("dev") else {
            panic!("a Deployment")
        };
        d
    }

    #[test]
    fn the_upgrade_form_reads_the_workload_back() {
        let d = deployment();
        let form = UpgradeForm::from_workload(&d);
        assert_eq!(form.replicas, "2");
        assert_eq!(form.containers, web().containers);
        // Applying it unchanged changes nothing.
        let mut again = d.clone();
        form.apply_to(&mut again);
        assert_eq!(again, d);
    }

    #[test]
    fn an_upgrade_keeps_what_the_form_does_not_show() {
        use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource, ObjectFieldSelector, Probe};
        let mut d = deployment();
        let spec = d.spec.as_mut().unwrap().template.spec.as_mut().unwrap();
        let c = &mut spec.containers[0];
        c.readiness_probe = Some(Probe {
            period_seconds: Some(3),
            ..Default::default()
        });
        c.env = Some(vec![EnvVar {
            name: "POD".into(),
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: "metadata.name".into(),
                    api_version: None,
                }),
                ..Default::default()
            }),
            value: None,
        }]);
        c.resources = Some(k8s_openapi::api::core::v1::ResourceRequirements {
            limits: Some(
                [(
                    "ephemeral-storage".to_owned(),
                    k8s_openapi::apimachinery::pkg::api::resource::Quantity("1Gi".into()),
                )]
                .into(),
            ),
            ..Default::default()
        });

        let mut form = UpgradeForm::from_workload(&d);
        assert!(form.containers[0].env.is_empty(), "a fieldRef is not shown");
        form.containers[0].tag = "1.36".into();
        form.containers[0].command = "sh -c 'echo \"hi there\"; sleep 1d'".into();
        form.containers[0].memory_limit = "64Mi".into();
        form.replicas = "3".into();
        form.validate().unwrap();
        form.apply_to(&mut d);

        assert_eq!(d.spec.as_ref().unwrap().replicas, Some(3));
        let c = &d
            .spec
            .as_ref()
            .unwrap()
            .template
            .spec
            .as_ref()
            .unwrap()
            .containers[0];
        assert_eq!(c.image.as_deref(), Some("busybox:1.36"));
        assert_eq!(
            c.command.as_deref().unwrap(),
            ["sh", "-c", "echo \"hi there\"; sleep 1d"]
        );
        assert_eq!(c.readiness_probe.as_ref().unwrap().period_seconds, Some(3));
        assert_eq!(c.env.as_ref().unwrap()[0].name, "POD");
        let limits = c.resources.as_ref().unwrap().limits.as_ref().unwrap();
        assert_eq!(limits["ephemeral-storage"].0, "1Gi");
        assert_eq!(limits["memory"].0, "64Mi");
        // And the command reads back as the user wrote its words.
        let back = UpgradeForm::from_workload(&d);
        assert_eq!(
            split_command(&back.containers[0].command).unwrap(),
            ["sh", "-c", "echo \"hi there\"; sleep 1d"]
        );
    }

    fn with_storage() -> AppForm {
        let mut f = web();
        f.kind = AppKind::Stateful;
        f.volumes = vec![
            VolumeForm {
                name: "data".into(),
                source: VolumeSource::ClaimTemplate,
                size: "1Gi".into(),
                ..Default::default()
            },
            VolumeForm {
                name: "conf".into(),
                source: VolumeSource::ConfigMap,
                reference: "web-conf".into(),
                ..Default::default()
            },
        ];
        let c = &mut f.containers[0];
        c.mounts = vec![
            MountForm {
                volume: "data".into(),
                path: "/www".into(),
                read_only: false,
            },
            MountForm {
                volume: "conf".into(),
                path: "/etc/web".into(),
                read_only: true,
            },
        ];
        c.readiness = ProbeForm {
            kind: ProbeKind::Http,
            path: "/".into(),
            port: "http".into(),
            period: "5".into(),
            ..Default::default()
        };
        c.liveness = ProbeForm {
            kind: ProbeKind::Command,
            command: "sh -c 'test -d /www'".into(),
            ..Default::default()
        };
        f.tolerations = vec![TolerationForm {
            key: "dedicated".into(),
            value: "web".into(),
            effect: TaintEffect::NoSchedule,
            ..Default::default()
        }];
        f
    }

    #[test]
    fn pods_carry_volumes_probes_and_tolerations() {
        let f = with_storage();
        f.validate(NodePortRange::default()).unwrap();
        let Workload::StatefulSet(s) = f.build_workload("dev") else {
            panic!("a StatefulSet")
        };
        let spec = s.spec.clone().unwrap();
        let claims = spec.volume_claim_templates.unwrap();
        assert_eq!(claims[0].metadata.name.as_deref(), Some("data"));
        assert_eq!(
            claims[0]
                .spec
                .as_ref()
                .unwrap()
                .resources
                .as_ref()
                .unwrap()
                .requests
                .as_ref()
                .unwrap()["storage"]
                .0,
            "1Gi"
        );
        let pod = spec.template.spec.unwrap();
        let volumes = pod.volumes.unwrap();
        assert_eq!(volumes.len(), 1, "the claim template is not a pod volume");
        assert_eq!(volumes[0].config_map.as_ref().unwrap().name, "web-conf");
        assert_eq!(
            pod.tolerations.unwrap()[0].effect.as_deref(),
            Some("NoSchedule")
        );
        let c = &pod.containers[0];
        assert_eq!(c.volume_mounts.as_ref().unwrap()[1].read_only, Some(true));
        let http = c
            .readiness_probe
            .as_ref()
            .unwrap()
            .http_get
            .as_ref()
            .unwrap();
        assert_eq!(
            http.port,
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String("http".into())
        );
        assert_eq!(
            c.liveness_probe
                .as_ref()
                .unwrap()
                .exec
                .as_ref()
                .unwrap()
                .command
                .as_deref()
                .unwrap(),
            ["sh", "-c", "test -d /www"]
        );

        // Read back for an upgrade: the same containers, the volume names known.
        let form = UpgradeForm::from_workload(&s);
        assert_eq!(form.containers, f.containers);
        assert_eq!(form.volumes, ["conf", "data"]);
        form.validate().unwrap();
        let mut again = s.clone();
        form.apply_to(&mut again);
        assert_eq!(again, s);
    }

    #[test]
    fn storage_probe_and_toleration_rules() {
        let mut f = with_storage();
        f.kind = AppKind::Stateless;
        f.volumes[1].reference = "Web_Conf".into();
        f.volumes.push(VolumeForm {
            name: "logs".into(),
            source: VolumeSource::HostPath,
            reference: "var/log".into(),
            ..Default::default()
        });
        let c = &mut f.containers[0];
        c.mounts.push(MountForm {
            volume: "nope".into(),
            path: "/www".into(),
            read_only: false,
        });
        c.readiness.path = "healthz".into();
        c.liveness.command = "sh -c 'oops".into();
        c.readiness.period = "0".into();
        f.tolerations.push(TolerationForm {
            key: "a".into(),
            operator: TolerationOperator::Exists,
            value: "x".into(),
            ..Default::default()
        });
        let e = f.validate(NodePortRange::default()).unwrap_err();
        assert_eq!(e.get("volumes.0.source"), Some(&Problem::OnlyForStateful));
        assert!(e.get("volumes.1.reference").is_some());
        assert_eq!(
            e.get("volumes.2.reference"),
            Some(&Problem::NotAnAbsolutePath)
        );
        assert_eq!(
            e.get("containers.0.mounts.2.volume"),
            Some(&Problem::UnknownVolume)
        );
        assert_eq!(
            e.get("containers.0.mounts.2.path"),
            Some(&Problem::Duplicate)
        );
        assert_eq!(
            e.get("containers.0.readiness.path"),
            Some(&Problem::NotAnAbsolutePath)
        );
        assert!(e.get("containers.0.readiness.period").is_some());
        assert_eq!(
            e.get("containers.0.liveness.command"),
            Some(&Problem::UnclosedQuote)
        );
        assert_eq!(
            e.get("tolerations.1.value"),
            Some(&Problem::ValueWithExists)
        );
    }

    #[test]
    fn upgrade_rules() {
        let mut form = UpgradeForm::from_workload(&deployment());
        form.replicas = "-1".into();
        form.containers[0].image = "Busybox".into();
        let errors = form.validate().unwrap_err();
        assert!(errors.get("replicas").is_some());
        assert_eq!(errors.get("containers.0.image"), Some(&Problem::Uppercase));
        form.containers.clear();
        form.replicas = "1".into();
        assert_eq!(
            form.validate().unwrap_err().get("containers"),
            Some(&Problem::AtLeastOne)
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-z0-9.:/_-]{1,20}",
            "[ -~]{0,12}",
            "[0-9]{1,4}(m|Mi|Gi|k|e3)?",
            "\\PC{0,6}",
        ]
    }

    fn container() -> impl Strategy<Value = ContainerForm> {
        (
            text(),
            text(),
            text(),
            text(),
            text(),
            text(),
            text(),
            text(),
        )
            .prop_map(
                |(name, image, tag, command, port, cpu_request, cpu_limit, memory_limit)| {
                    ContainerForm {
                        name,
                        image,
                        tag,
                        command,
                        ports: vec![ContainerPortForm {
                            port,
                            ..Default::default()
                        }],
                        env: vec![EnvForm {
                            name: "A".into(),
                            value: "1".into(),
                            ..Default::default()
                        }],
                        cpu_request,
                        cpu_limit,
                        memory_limit,
                        ..Default::default()
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000)
        ))]

        /// Any input: Ok or field errors, never a panic; an accepted form
        /// builds objects with the app's name and label selector.
        #[test]
        fn validate_never_panics(
            name in text(), version in text(), replicas in text(),
            c in container(), stateful in any::<bool>(), access in 0..3u8,
        ) {
            let f = AppForm {
                name, version, replicas,
                kind: if stateful { AppKind::Stateful } else { AppKind::Stateless },
                access: [Access::None, Access::NodePort, Access::LoadBalancer][access as usize],
                service: crate::service::ServiceForm {
                    lb_pool: "pool".into(),
                    ..AppForm::default().service
                },
                containers: vec![c],
                ..Default::default()
            };
            match f.validate(NodePortRange::default()) {
                Ok(()) => {
                    #[cfg(feature = "k8s")]
                    {
                        let w = f.build_workload("ns");
                        prop_assert_eq!(w.kind(), if stateful { "StatefulSet" } else { "Deployment" });
                        let svc = f.build_service("ns");
                        prop_assert_eq!(svc.metadata.name.as_deref(), Some(f.name.trim()));
                        // Read back for an upgrade and applied unchanged:
                        // the same workload (commands re-quoted exactly).
                        if let Workload::Deployment(d) = w {
                            let form = UpgradeForm::from_workload(&d);
                            prop_assert!(form.validate().is_ok());
                            let mut again = d.clone();
                            form.apply_to(&mut again);
                            prop_assert_eq!(again, d);
                        }
                    }
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    // Every problem is at an input of the wizard.
                    for e in &errors.0 {
                        prop_assert!(e.path::<AppField>().is_some(), "{} is no path", e.field);
                    }
                }
            }
        }
    }
}

#[test]
fn a_form_with_omitted_fields_takes_their_defaults() {
    let sent = r#"{"name":"web","containers":[{"image":"busybox","tag":"1.35","ports":[{"port":"8080"}]}],"replicas":"2","access":"NodePort"}"#;
    let mut expected = web();
    expected.containers[0].command.clear();
    expected.containers[0].ports[0].name.clear();
    assert_eq!(serde_json::from_str::<AppForm>(sent).unwrap(), expected);
    let service: crate::service::ServiceForm =
        serde_json::from_str(r#"{"name":"db","ports":[{"port":"5432"}]}"#).unwrap();
    assert_eq!(service.kind, crate::view::ServiceKind::ClusterIp);
    assert_eq!(service.ports[0].port, "5432");
    assert!(service.selector.len() == 1 && service.selector[0].key.is_empty());
}

#[test]
fn labels_wharf_sets_itself_are_refused_in_words_not_dropped() {
    let mut f = web();
    f.labels = vec![
        KeyValue::new("team", "a"),
        KeyValue::new("app.kubernetes.io/part-of", "shop"),
    ];
    assert_eq!(problem(&f, "labels.1.key"), Some(Problem::ReservedLabel));
    assert_eq!(problem(&f, "labels.0.key"), None);
    // In the node selector the same key is anyone's to match on.
    f.labels.pop();
    f.node_selector = vec![KeyValue::new("app.kubernetes.io/part-of", "shop")];
    assert_eq!(problem(&f, "node_selector.0.key"), None);
}
