//! YAML from users → Service objects. Parsing is separate from the API calls
//! so its rules (one kind, this space, nothing server-owned) are unit-tested.

use k8s_openapi::api::core::v1::Service;
use serde::Deserialize;
use wharf_spec::{ApiError, FieldError, Problem};

/// The form field YAML problems are shown at.
pub const YAML_FIELD: &str = "yaml";

/// Largest YAML text accepted (the HTTP body limit is above this).
pub const MAX_YAML_BYTES: usize = 1 << 20;

fn invalid(problem: Problem) -> ApiError {
    ApiError::Invalid {
        message: String::new(),
        causes: vec![FieldError {
            field: YAML_FIELD.into(),
            problem,
        }],
    }
}

fn syntax(e: &serde_yaml::Error) -> ApiError {
    invalid(Problem::YamlSyntax {
        line: e.location().map(|l| l.line()).unwrap_or(1),
        message: e.to_string(),
    })
}

/// One document as a Service of `namespace`, or why not.
pub fn service_from_value(value: serde_yaml::Value, namespace: &str) -> Result<Service, ApiError> {
    let kind = value
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or_default()
        .to_owned();
    let api_version = value
        .get("apiVersion")
        .and_then(|k| k.as_str())
        .unwrap_or_default();
    if kind != "Service" || api_version != "v1" {
        return Err(invalid(Problem::WrongKind {
            expected: "Service".into(),
            found: if kind.is_empty() {
                "document without kind".into()
            } else {
                kind
            },
        }));
    }
    let mut svc: Service = serde_yaml::from_value(value).map_err(|e| syntax(&e))?;
    match svc.metadata.namespace.as_deref() {
        Some(ns) if !ns.is_empty() && ns != namespace => {
            return Err(invalid(Problem::OtherNamespace {
                found: ns.to_owned(),
            }));
        }
        _ => svc.metadata.namespace = Some(namespace.to_owned()),
    }
    svc.status = None;
    svc.metadata.managed_fields = None;
    Ok(svc)
}

/// Every document of `text`: `Ok` services or per-document errors; blank
/// documents (`---` alone) are skipped.
pub fn parse_documents(
    text: &str,
    namespace: &str,
) -> Result<Vec<Result<Service, ApiError>>, ApiError> {
    if text.len() > MAX_YAML_BYTES {
        return Err(invalid(Problem::TooLong {
            max: MAX_YAML_BYTES,
            actual: text.len(),
        }));
    }
    let mut out = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = serde_yaml::Value::deserialize(document).map_err(|e| syntax(&e))?;
        if value.is_null() {
            continue;
        }
        out.push(service_from_value(value, namespace));
    }
    Ok(out)
}

/// The wizard's summary, edited: exactly one Deployment or StatefulSet and
/// one Service of the same name, in this space. Wharf's labels are put back
/// where the edit dropped them (on the workload, its pod template and the
/// Service), so the app still shows in Wharf.
pub fn parse_app(
    text: &str,
    namespace: &str,
) -> Result<(wharf_spec::app::Workload, Service), ApiError> {
    use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
    use wharf_spec::app::{Workload, WorkloadObject};
    use wharf_spec::labels_wharf::{MANAGED_BY, NAME, WHARF};
    if text.len() > MAX_YAML_BYTES {
        return Err(invalid(Problem::TooLong {
            max: MAX_YAML_BYTES,
            actual: text.len(),
        }));
    }
    let expected = || "Deployment or StatefulSet, and Service".to_owned();
    let (mut workload, mut service) = (None, None);
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = serde_yaml::Value::deserialize(document).map_err(|e| syntax(&e))?;
        if value.is_null() {
            continue;
        }
        let kind = value
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or_default()
            .to_owned();
        fn object<T: serde::de::DeserializeOwned>(v: serde_yaml::Value) -> Result<T, ApiError> {
            serde_yaml::from_value(v).map_err(|e| syntax(&e))
        }
        let duplicate = || {
            invalid(Problem::WrongKind {
                expected: expected(),
                found: format!("a second {kind}"),
            })
        };
        match kind.as_str() {
            "Deployment" if workload.is_none() => {
                workload = Some(Workload::Deployment(object(value)?))
            }
            "StatefulSet" if workload.is_none() => {
                workload = Some(Workload::StatefulSet(object(value)?))
            }
            "Service" if service.is_none() => service = Some(service_from_value(value, namespace)?),
            "Deployment" | "StatefulSet" | "Service" => return Err(duplicate()),
            _ => {
                return Err(invalid(Problem::WrongKind {
                    expected: expected(),
                    found: if kind.is_empty() {
                        "document without kind".into()
                    } else {
                        kind
                    },
                }));
            }
        }
    }
    let (Some(mut workload), Some(mut service)) = (workload, service) else {
        return Err(invalid(Problem::WrongKind {
            expected: expected(),
            found: "a missing document".into(),
        }));
    };
    fn own(
        meta: &mut k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
        namespace: &str,
        name: &str,
    ) -> Result<(), ApiError> {
        match meta.namespace.as_deref() {
            Some(ns) if !ns.is_empty() && ns != namespace => {
                return Err(invalid(Problem::OtherNamespace {
                    found: ns.to_owned(),
                }));
            }
            _ => meta.namespace = Some(namespace.to_owned()),
        }
        let labels = meta.labels.get_or_insert_with(Default::default);
        labels
            .entry(MANAGED_BY.into())
            .or_insert_with(|| WHARF.into());
        labels.entry(NAME.into()).or_insert_with(|| name.into());
        meta.managed_fields = None;
        Ok(())
    }
    fn prepare<W: WorkloadObject>(w: &mut W, namespace: &str) -> Result<String, ApiError> {
        let name = w.metadata().name.clone().unwrap_or_default();
        own(k8s_openapi::Metadata::metadata_mut(w), namespace, &name)?;
        let template = w
            .template_mut()
            .metadata
            .get_or_insert_with(Default::default);
        let labels = template.labels.get_or_insert_with(Default::default);
        labels
            .entry(MANAGED_BY.into())
            .or_insert_with(|| WHARF.into());
        labels.entry(NAME.into()).or_insert_with(|| name.clone());
        Ok(name)
    }
    let name = match &mut workload {
        Workload::Deployment(d) => {
            d.status = None;
            prepare::<Deployment>(d, namespace)?
        }
        Workload::StatefulSet(s) => {
            s.status = None;
            prepare::<StatefulSet>(s, namespace)?
        }
    };
    if service.metadata.name.as_deref() != Some(name.as_str()) {
        return Err(invalid(Problem::ServiceNameDiffers));
    }
    own(&mut service.metadata, namespace, &name)?;
    prepare_for_create(&mut service);
    Ok((workload, service))
}

/// A new object must not carry what the server owns (a downloaded YAML does).
pub fn prepare_for_create(svc: &mut Service) {
    let m = &mut svc.metadata;
    m.resource_version = None;
    m.uid = None;
    m.creation_timestamp = None;
    m.generation = None;
    m.self_link = None;
}

/// A text that must hold exactly one Service.
pub fn parse_single(text: &str, namespace: &str) -> Result<Service, ApiError> {
    let mut docs = parse_documents(text, namespace)?;
    if docs.len() != 1 {
        return Err(invalid(Problem::WrongKind {
            expected: "Service".into(),
            found: format!("{} documents", docs.len()),
        }));
    }
    docs.remove(0)
}

/// The single document of an edit; its name must stay `name`.
pub fn parse_edit(text: &str, namespace: &str, name: &str) -> Result<Service, ApiError> {
    let svc = parse_single(text, namespace)?;
    if svc.metadata.name.as_deref() != Some(name) {
        return Err(invalid(Problem::NameCannotChange));
    }
    Ok(svc)
}

/// A Service as users see and edit it: YAML without `managedFields` and
/// `status` (the resourceVersion stays: edits carry it).
pub fn render(svc: &Service) -> Result<String, ApiError> {
    serde_yaml::to_string(&wharf_spec::convert::strip_for_display(svc)).map_err(|e| {
        ApiError::Internal {
            message: format!("cannot render YAML: {e}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n---\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  namespace: dev\n";

    #[test]
    fn several_documents_blank_ones_skipped() {
        let docs = parse_documents(TWO, "dev").unwrap();
        assert_eq!(docs.len(), 2);
        let a = docs[0].as_ref().unwrap();
        assert_eq!(a.metadata.namespace.as_deref(), Some("dev"));
        assert_eq!(a.spec.as_ref().unwrap().ports.as_ref().unwrap()[0].port, 80);
    }

    fn problem(e: ApiError) -> Problem {
        e.field_errors()
            .get(YAML_FIELD)
            .cloned()
            .expect("a yaml problem")
    }

    #[test]
    fn other_namespace_and_kind_are_refused_per_document() {
        let docs = parse_documents(TWO, "prod").unwrap();
        assert!(docs[0].is_ok());
        assert_eq!(
            problem(docs[1].clone().unwrap_err()),
            Problem::OtherNamespace {
                found: "dev".into()
            }
        );
        let pod =
            parse_documents("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", "dev").unwrap();
        assert!(
            matches!(problem(pod[0].clone().unwrap_err()), Problem::WrongKind { found, .. } if found == "Pod")
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = parse_documents(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: [oops\n",
            "dev",
        )
        .unwrap_err();
        assert!(matches!(problem(e), Problem::YamlSyntax { line, .. } if line >= 4));
    }

    #[test]
    fn too_large_is_refused_before_parsing() {
        let big = "#".repeat(MAX_YAML_BYTES + 1);
        assert!(matches!(
            problem(parse_documents(&big, "dev").unwrap_err()),
            Problem::TooLong { .. }
        ));
    }

    #[test]
    fn edits_keep_their_name_and_resource_version() {
        let text =
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  resourceVersion: \"42\"\n";
        let svc = parse_edit(text, "dev", "a").unwrap();
        assert_eq!(svc.metadata.resource_version.as_deref(), Some("42"));
        assert_eq!(
            problem(parse_edit(text, "dev", "b").unwrap_err()),
            Problem::NameCannotChange
        );
        let mut created = svc.clone();
        prepare_for_create(&mut created);
        assert_eq!(created.metadata.resource_version, None);
    }

    const APP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: main\n        image: busybox:1.35\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n";

    #[test]
    fn an_edited_app_is_one_workload_and_its_service() {
        let (w, svc) = parse_app(APP, "dev").unwrap();
        let wharf_spec::app::Workload::Deployment(d) = w else {
            panic!("a Deployment")
        };
        // Wharf's labels are put back, so the app still shows in Wharf.
        let labels = d.spec.unwrap().template.metadata.unwrap().labels.unwrap();
        assert_eq!(labels["app.kubernetes.io/managed-by"], "wharf");
        assert_eq!(labels["app.kubernetes.io/name"], "web");
        assert_eq!(svc.metadata.namespace.as_deref(), Some("dev"));

        let renamed = APP.replace(
            "kind: Service\nmetadata:\n  name: web",
            "kind: Service\nmetadata:\n  name: www",
        );
        assert_eq!(
            problem(parse_app(&renamed, "dev").unwrap_err()),
            Problem::ServiceNameDiffers
        );
        let no_service = APP.split("---").next().unwrap();
        assert!(matches!(
            problem(parse_app(no_service, "dev").unwrap_err()),
            Problem::WrongKind { .. }
        ));
        let elsewhere = APP.replace(
            "  name: web\nspec:\n  selector:\n    matchLabels",
            "  name: web\n  namespace: prod\nspec:\n  selector:\n    matchLabels",
        );
        assert!(matches!(
            problem(parse_app(&elsewhere, "dev").unwrap_err()),
            Problem::OtherNamespace { .. }
        ));
        let extra = format!("{APP}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
        assert!(matches!(
            problem(parse_app(&extra, "dev").unwrap_err()),
            Problem::WrongKind { .. }
        ));
    }
}
