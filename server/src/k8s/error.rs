//! kube's errors → Wharf's [`ApiError`], following the apiserver's `Status`
//! (`code`, `reason`, `details.causes`). Messages are the apiserver's or
//! kube's own text, which never includes credentials.

use kube::core::Status;
use wharf_spec::{ApiError, FieldError, Problem};

pub fn map_error(error: kube::Error) -> ApiError {
    match error {
        kube::Error::Api(status) => from_status(&status),
        e @ (kube::Error::HyperError(_)
        | kube::Error::Service(_)
        | kube::Error::RustlsTls(_)
        | kube::Error::UpgradeConnection(_)) => ApiError::Unavailable {
            message: e.to_string(),
        },
        // Client-side credential trouble (an unreadable token file, a
        // refused exec plugin): say so without echoing any of it.
        kube::Error::Auth(_) => ApiError::Forbidden {
            message: "the session's credentials could not be used".into(),
        },
        e => ApiError::Internal {
            message: e.to_string(),
        },
    }
}

pub fn from_status(status: &Status) -> ApiError {
    let message = status.message.clone();
    let details = status.details.as_ref();
    match status.code {
        404 => ApiError::NotFound {
            kind: details.map(|d| d.kind.clone()).unwrap_or_default(),
            name: details.map(|d| d.name.clone()).unwrap_or_default(),
        },
        401 | 403 => ApiError::Forbidden { message },
        409 if status.reason == "AlreadyExists" => ApiError::Invalid {
            message,
            causes: vec![FieldError {
                field: "metadata.name".into(),
                problem: Problem::AlreadyExists,
            }],
        },
        409 => ApiError::Conflict { message },
        400 | 422 => ApiError::Invalid {
            message,
            causes: details
                .map(|d| d.causes.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|c| FieldError {
                    field: c.field.clone(),
                    problem: Problem::Server(c.message.clone()),
                })
                .collect(),
        },
        429 | 503 | 504 => ApiError::Unavailable { message },
        _ => ApiError::Internal { message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(json: &str) -> Status {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn invalid_keeps_the_causes_fields() {
        // As a 1.20 apiserver answers a namespace named "Bad_Name".
        let s = status(
            r#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Namespace \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of ...","reason":"Invalid","details":{"name":"Bad_Name","kind":"Namespace","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of ...","field":"metadata.name"}]},"code":422}"#,
        );
        let e = from_status(&s);
        assert_eq!(e.http_status(), 422);
        match e.field_errors().get("metadata.name") {
            Some(Problem::Server(m)) => assert!(m.contains("RFC 1123")),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn already_exists_is_a_name_problem() {
        let s = status(
            r#"{"status":"Failure","message":"namespaces \"dev\" already exists","reason":"AlreadyExists","details":{"name":"dev","kind":"namespaces"},"code":409}"#,
        );
        assert_eq!(
            from_status(&s).field_errors().get("metadata.name"),
            Some(&Problem::AlreadyExists)
        );
    }

    #[test]
    fn codes() {
        let forbidden =
            status(r#"{"message":"pods is forbidden","reason":"Forbidden","code":403}"#);
        assert!(
            matches!(from_status(&forbidden), ApiError::Forbidden { message } if message == "pods is forbidden")
        );
        let conflict = status(r#"{"message":"changed","reason":"Conflict","code":409}"#);
        assert!(matches!(from_status(&conflict), ApiError::Conflict { .. }));
        let gone = status(
            r#"{"message":"x","reason":"NotFound","details":{"name":"web","kind":"services"},"code":404}"#,
        );
        assert_eq!(
            from_status(&gone),
            ApiError::NotFound {
                kind: "services".into(),
                name: "web".into()
            }
        );
        let busy = status(r#"{"message":"slow down","code":429}"#);
        assert!(matches!(from_status(&busy), ApiError::Unavailable { .. }));
    }
}
