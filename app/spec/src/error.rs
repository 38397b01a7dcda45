//! The errors that cross the wire between Wharf's server and the browser.
//!
//! [`Problem`] is a language-free code: the UI turns it into words (zh-CN or
//! en), so the browser's own check and the server's answer read the same.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What is wrong with one field's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
        actual: usize,
    },
    Uppercase,
    InvalidChar(char),
    MustStartWithLetter,
    MustStartWithAlphanumeric,
    MustEndWithAlphanumeric,
    /// An object of this name exists already.
    AlreadyExists,
    /// The typed confirmation does not match the name.
    ConfirmationMismatch,
    /// A named port needs at least one letter (else it reads as a number).
    NeedsALetter,
    NotANumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Another row has the same value.
    Duplicate,
    NotAnIpAddress,
    /// A list that needs at least one row (a Service's ports).
    AtLeastOne,
    /// Port names are required once a Service has more than one port.
    RequiredWithSeveralPorts,
    /// YAML that does not parse; `line` is 1-based.
    YamlSyntax {
        line: usize,
        message: String,
    },
    /// A YAML document of another kind than the page handles.
    WrongKind {
        expected: String,
        found: String,
    },
    /// A YAML document naming another namespace than the current space.
    OtherNamespace {
        found: String,
    },
    /// The name of an existing object cannot change.
    NameCannotChange,
    /// A LoadBalancer's ports must share one protocol (Kubernetes < 1.26).
    MixedProtocols,
    /// Not an image reference (`registry.example.com:5000/team/app`).
    InvalidImage,
    /// Not an image tag (letters, digits, '_', '.', '-'; at most 128).
    InvalidTag,
    /// Not a Kubernetes quantity (`500m`, `0.5`, `128Mi`, `1Gi`).
    InvalidQuantity,
    /// A request above its limit.
    RequestAboveLimit,
    /// A command line with a quote that is never closed.
    UnclosedQuote,
    /// Not an environment variable name (letters, digits, '_', '-', '.',
    /// not starting with a digit).
    InvalidEnvName,
    /// A path that must start with '/'.
    NotAnAbsolutePath,
    /// A mount names a volume the app does not have.
    UnknownVolume,
    /// A volume claim template on a stateless app.
    OnlyForStateful,
    /// A toleration with operator Exists carries no value.
    ValueWithExists,
    /// An app's Service must have its workload's name.
    ServiceNameDiffers,
    /// A label key Wharf sets itself (`app.kubernetes.io/…`).
    ReservedLabel,
    /// The apiserver's own words for a rule Wharf does not check itself
    /// (`Status.details.causes[].message`).
    Server(String),
}

/// A problem located at a field. `field` is the text of the form's path
/// (`containers.0.image`, see [`crate::field`]); for an apiserver cause no
/// form field matches, it is the API's path (`spec.template.spec.hostname`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

/// All problems of one form, in field order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldError {
    /// The form's path this problem is at, if it is one of the form's.
    pub fn path<F: std::str::FromStr>(&self) -> Option<F> {
        self.field.parse().ok()
    }
}

impl FieldErrors {
    pub fn single(field: impl fmt::Display, problem: Problem) -> Self {
        let mut errors = Self::default();
        errors.push(field, problem);
        errors
    }

    /// Records `problem` at `field`: a form's path (`AppField`, …), or an
    /// API path for an apiserver cause no form field matches.
    pub fn push(&mut self, field: impl fmt::Display, problem: Problem) {
        self.0.push(FieldError {
            field: field.to_string(),
            problem,
        });
    }

    /// Records `result`'s problem, if any, at `field`.
    pub fn check(&mut self, field: impl fmt::Display, result: Result<(), Problem>) {
        if let Err(problem) = result {
            self.push(field, problem);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first problem at `field`, the one the form shows under it.
    pub fn get(&self, field: &str) -> Option<&Problem> {
        self.0.iter().find(|e| e.field == field).map(|e| &e.problem)
    }

    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

/// Every failure a Wharf call can end in. The server maps the apiserver's
/// `Status` onto it (`reason` and `code`); the UI shows each in words.
/// Messages never carry credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    /// 404: the object (or its space) does not exist.
    NotFound { kind: String, name: String },
    /// 401 from Wharf itself: no session (never signed in, signed out, or
    /// expired). The browser goes to the sign-in page.
    Unauthenticated,
    /// 401/403: the signed-in user may not do this. `message` is the apiserver's.
    Forbidden { message: String },
    /// 409: the object changed since it was read.
    Conflict { message: String },
    /// 422 (and 409 AlreadyExists): bad input, located at fields where known.
    Invalid {
        message: String,
        causes: Vec<FieldError>,
    },
    /// The cluster could not be reached or did not answer in time.
    Unavailable { message: String },
    /// Anything else; `message` is safe to show.
    Internal { message: String },
    /// The browser could not reach Wharf's server, or could not read its answer.
    Transport { message: String },
}

impl ApiError {
    /// The HTTP status Wharf's own endpoints answer with for this error.
    pub fn http_status(&self) -> u16 {
        match self {
            ApiError::NotFound { .. } => 404,
            ApiError::Unauthenticated => 401,
            ApiError::Forbidden { .. } => 403,
            ApiError::Conflict { .. } => 409,
            ApiError::Invalid { .. } => 422,
            ApiError::Unavailable { .. } => 503,
            ApiError::Internal { .. } => 500,
            ApiError::Transport { .. } => 502,
        }
    }

    /// Moves causes from API paths (`metadata.name`) onto the form's fields;
    /// causes the form has no field for stay where they are (shown with the
    /// message).
    pub fn relocate<F: fmt::Display>(self, form_field: impl Fn(&str) -> Option<F>) -> ApiError {
        match self {
            ApiError::Invalid { message, causes } => ApiError::Invalid {
                message,
                causes: causes
                    .into_iter()
                    .map(|c| FieldError {
                        field: form_field(&c.field).map_or(c.field, |f| f.to_string()),
                        problem: c.problem,
                    })
                    .collect(),
            },
            other => other,
        }
    }

    /// The field problems to show next to inputs (empty for other errors).
    pub fn field_errors(&self) -> FieldErrors {
        match self {
            ApiError::Invalid { causes, .. } => FieldErrors(causes.clone()),
            _ => FieldErrors::default(),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Invalid {
            message: String::new(),
            causes: errors.0,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { kind, name } => write!(f, "{kind} {name} not found"),
            ApiError::Unauthenticated => write!(f, "not signed in"),
            ApiError::Forbidden { message } => write!(f, "forbidden: {message}"),
            ApiError::Conflict { message } => write!(f, "conflict: {message}"),
            ApiError::Invalid { message, causes } => {
                write!(f, "invalid: {message}")?;
                for c in causes {
                    write!(f, "; {}: {:?}", c.field, c.problem)?;
                }
                Ok(())
            }
            ApiError::Unavailable { message } => write!(f, "cluster unavailable: {message}"),
            ApiError::Internal { message } => write!(f, "internal error: {message}"),
            ApiError::Transport { message } => write!(f, "cannot reach Wharf: {message}"),
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(
            ApiError::Forbidden {
                message: String::new()
            }
            .http_status(),
            403
        );
        assert_eq!(ApiError::from(FieldErrors::default()).http_status(), 422);
    }

    #[test]
    fn relocate_moves_known_paths_only() {
        let e = ApiError::Invalid {
            message: "bad".into(),
            causes: vec![
                FieldError {
                    field: "metadata.name".into(),
                    problem: Problem::AlreadyExists,
                },
                FieldError {
                    field: "spec.x".into(),
                    problem: Problem::Required,
                },
            ],
        };
        let moved = e.relocate(|p| (p == "metadata.name").then(|| "name".to_owned()));
        let errs = moved.field_errors();
        assert_eq!(errs.get("name"), Some(&Problem::AlreadyExists));
        assert_eq!(errs.get("spec.x"), Some(&Problem::Required));
        let other = ApiError::Forbidden {
            message: "no".into(),
        };
        assert_eq!(other.clone().relocate(|_| Some("name")), other);
    }

    #[test]
    fn field_errors_round_trip_through_json() {
        let mut errs = FieldErrors::default();
        errs.push("name", Problem::InvalidChar('空'));
        let api = ApiError::from(errs.clone());
        let json = serde_json::to_string(&api).unwrap();
        let back: ApiError = serde_json::from_str(&json).unwrap();
        assert_eq!(back.field_errors(), errs);
        assert_eq!(
            back.field_errors().get("name"),
            Some(&Problem::InvalidChar('空'))
        );
        assert_eq!(back.field_errors().get("description"), None);
    }
}
