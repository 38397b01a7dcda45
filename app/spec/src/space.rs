//! Spaces (空间) are Kubernetes namespaces with a description.

use crate::error::{FieldErrors, Problem};
use crate::names::check_dns1123_label;
use serde::{Deserialize, Serialize};

/// Longest description accepted. Annotations may hold far more; a space
/// description is a line of text, and the tabs and lists show it whole.
pub const DESCRIPTION_MAX_CHARS: usize = 256;

/// Field names of the create-space form (shared so the server's causes land
/// on the same inputs).
pub mod fields {
    pub const NAME: &str = "name";
    pub const DESCRIPTION: &str = "description";
    pub const CONFIRM: &str = "confirm";
}

/// The create-space form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSpace {
    pub name: String,
    pub description: String,
}

impl NewSpace {
    /// Every rule of the form; the browser runs it on each keystroke, the
    /// server again before creating anything.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(fields::NAME, check_dns1123_label(&self.name));
        let chars = self.description.chars().count();
        if chars > DESCRIPTION_MAX_CHARS {
            errors.push(
                fields::DESCRIPTION,
                Problem::TooLong {
                    max: DESCRIPTION_MAX_CHARS,
                    actual: chars,
                },
            );
        }
        errors.into_result()
    }

    /// The description as stored: trimmed; `None` when empty.
    pub fn description_annotation(&self) -> Option<String> {
        let d = self.description.trim();
        (!d.is_empty()).then(|| d.to_owned())
    }
}

/// Where an apiserver cause about a namespace belongs on the form.
pub fn form_field(api_path: &str) -> Option<String> {
    let field = match api_path {
        "metadata.name" | "name" => Some(fields::NAME),
        p if p.starts_with("metadata.annotations") => Some(fields::DESCRIPTION),
        _ => None,
    };
    field.map(str::to_owned)
}

#[cfg(feature = "k8s")]
impl NewSpace {
    /// The namespace this form creates (call [`NewSpace::validate`] first).
    pub fn build(&self) -> k8s_openapi::api::core::v1::Namespace {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
        k8s_openapi::api::core::v1::Namespace {
            metadata: ObjectMeta {
                name: Some(self.name.clone()),
                annotations: self.description_annotation().map(|d| {
                    [(crate::annotations::DESCRIPTION.to_owned(), d)]
                        .into_iter()
                        .collect()
                }),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

/// Deleting a space needs its exact name typed again.
pub fn check_delete_confirmation(name: &str, typed: &str) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    if typed != name {
        errors.push(fields::CONFIRM, Problem::ConfirmationMismatch);
    }
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space(name: &str, description: &str) -> NewSpace {
        NewSpace {
            name: name.into(),
            description: description.into(),
        }
    }

    #[test]
    fn valid_space() {
        assert_eq!(space("team-a", "前端和后端").validate(), Ok(()));
    }

    #[test]
    fn name_and_description_errors_are_both_reported() {
        let errs = space("Team_A", &"x".repeat(257)).validate().unwrap_err();
        assert_eq!(errs.get(fields::NAME), Some(&Problem::Uppercase));
        assert_eq!(
            errs.get(fields::DESCRIPTION),
            Some(&Problem::TooLong {
                max: 256,
                actual: 257
            })
        );
    }

    #[test]
    fn description_counts_characters_not_bytes() {
        assert_eq!(space("a", &"空".repeat(256)).validate(), Ok(()));
    }

    #[test]
    fn empty_description_is_not_stored() {
        assert_eq!(space("a", "  ").description_annotation(), None);
        assert_eq!(
            space("a", " hi ").description_annotation(),
            Some("hi".into())
        );
    }

    #[test]
    fn api_paths_map_to_form_fields() {
        assert_eq!(form_field("metadata.name").as_deref(), Some(fields::NAME));
        assert_eq!(
            form_field("metadata.annotations").as_deref(),
            Some(fields::DESCRIPTION)
        );
        assert_eq!(form_field("spec.finalizers"), None);
    }

    #[cfg(feature = "k8s")]
    #[test]
    fn builds_the_namespace() {
        let ns = space("team-a", " 前端 ").build();
        assert_eq!(ns.metadata.name.as_deref(), Some("team-a"));
        let ann = ns.metadata.annotations.unwrap();
        assert_eq!(
            ann.get(crate::annotations::DESCRIPTION).map(String::as_str),
            Some("前端")
        );
        assert!(space("b", "").build().metadata.annotations.is_none());
    }

    #[test]
    fn delete_needs_the_exact_name() {
        assert!(check_delete_confirmation("dev", "dev").is_ok());
        for typed in ["", "de", "Dev", "dev ", " dev"] {
            let errs = check_delete_confirmation("dev", typed).unwrap_err();
            assert_eq!(
                errs.get(fields::CONFIRM),
                Some(&Problem::ConfirmationMismatch)
            );
        }
    }
}
