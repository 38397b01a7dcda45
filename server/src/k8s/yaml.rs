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
}
