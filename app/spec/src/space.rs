//! Spaces (空间) are Kubernetes namespaces with a description.

use crate::error::{FieldErrors, Problem};
use crate::field::{field_path, form_texts};
use crate::names::check_dns1123_label;
use crate::view::SpaceSummary;
use serde::{Deserialize, Serialize};

/// Longest description accepted. Annotations may hold far more; a space
/// description is a line of text, and the tabs and lists show it whole.
pub const DESCRIPTION_MAX_CHARS: usize = 256;

field_path! {
    /// The create-space form's inputs, and the delete confirmation's.
    pub enum SpaceField {
        unit {
            Name = "name",
            Description = "description",
            Confirm = "confirm",
        }
    }
}

form_texts!(NewSpace, SpaceField {
    text {
        Name => name,
        Description => description,
    }
});

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
        errors.check(SpaceField::Name, check_dns1123_label(&self.name));
        let chars = self.description.chars().count();
        if chars > DESCRIPTION_MAX_CHARS {
            errors.push(
                SpaceField::Description,
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
pub fn form_field(api_path: &str) -> Option<SpaceField> {
    match api_path {
        "metadata.name" | "name" => Some(SpaceField::Name),
        p if p.starts_with("metadata.annotations") => Some(SpaceField::Description),
        _ => None,
    }
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
        errors.push(SpaceField::Confirm, Problem::ConfirmationMismatch);
    }
    errors.into_result()
}

/// Which spaces are tabs. A cluster of a few spaces shows them all; one of
/// 200 shows the spaces in use (the current one, the recently opened and
/// the pinned) and leaves the rest to the space picker, which filters as
/// you type. The browser keeps the recent and pinned names (per cluster).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpaceTabs {
    /// Most recent first, at most [`SpaceTabs::RECENT`].
    pub recent: Vec<String>,
    pub pinned: Vec<String>,
}

impl SpaceTabs {
    /// Up to this many spaces, every one is a tab.
    pub const ALL_UP_TO: usize = 8;
    /// Recently opened spaces kept as tabs.
    pub const RECENT: usize = 5;

    /// `space` was opened: it becomes the most recent.
    pub fn visit(&mut self, space: &str) {
        self.recent.retain(|s| s != space);
        self.recent.insert(0, space.to_owned());
        self.recent.truncate(Self::RECENT);
    }

    pub fn is_pinned(&self, space: &str) -> bool {
        self.pinned.iter().any(|s| s == space)
    }

    pub fn toggle_pin(&mut self, space: &str) {
        if self.is_pinned(space) {
            self.pinned.retain(|s| s != space);
        } else {
            self.pinned.push(space.to_owned());
            self.pinned.sort();
        }
    }

    /// The spaces of `all` shown as tabs, in `all`'s order: every one if
    /// there are few, else the current, recent and pinned ones. A recent
    /// or pinned space that is gone is not shown.
    pub fn shown<'a>(
        &self,
        all: &'a [SpaceSummary],
        current: Option<&str>,
    ) -> Vec<&'a SpaceSummary> {
        if all.len() <= Self::ALL_UP_TO {
            return all.iter().collect();
        }
        all.iter()
            .filter(|s| {
                current == Some(s.name.as_str())
                    || self.recent.contains(&s.name)
                    || self.is_pinned(&s.name)
            })
            .collect()
    }

    /// The names as the browser stores them: one line each.
    pub fn encode(names: &[String]) -> String {
        names.join("\n")
    }

    /// Stored names back; what is not a valid space name is dropped.
    pub fn decode(stored: &str) -> Vec<String> {
        stored
            .lines()
            .map(str::trim)
            .filter(|s| check_dns1123_label(s).is_ok())
            .map(str::to_owned)
            .collect()
    }
}

/// The spaces whose name contains `filter` (case-insensitive), in order.
pub fn matching_spaces<'a>(all: &'a [SpaceSummary], filter: &str) -> Vec<&'a SpaceSummary> {
    let filter = filter.trim().to_lowercase();
    all.iter().filter(|s| s.name.contains(&filter)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summaries(names: &[&str]) -> Vec<SpaceSummary> {
        names
            .iter()
            .map(|n| SpaceSummary {
                name: (*n).into(),
                description: None,
                terminating: false,
                age_seconds: None,
            })
            .collect()
    }

    fn names(shown: Vec<&SpaceSummary>) -> Vec<&str> {
        shown.into_iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn a_few_spaces_are_all_tabs() {
        let all = summaries(&["a", "b", "c"]);
        assert_eq!(
            names(SpaceTabs::default().shown(&all, Some("b"))),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn many_spaces_show_the_current_the_recent_and_the_pinned() {
        let all: Vec<String> = (0..200).map(|i| format!("s{i:03}")).collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let all = summaries(&refs);
        let mut tabs = SpaceTabs::default();
        for s in ["s001", "s002", "s003", "s004", "s005", "s006", "s002"] {
            tabs.visit(s);
        }
        // s001 fell off (five recent), s002 is the most recent once.
        assert_eq!(tabs.recent, ["s002", "s006", "s005", "s004", "s003"]);
        tabs.toggle_pin("s150");
        assert_eq!(
            names(tabs.shown(&all, Some("s199"))),
            ["s002", "s003", "s004", "s005", "s006", "s150", "s199"]
        );
        tabs.toggle_pin("s150");
        assert!(!tabs.is_pinned("s150"));
        // A remembered space that is gone is not a tab.
        tabs.visit("gone");
        assert!(!names(tabs.shown(&all, None)).contains(&"gone"));
    }

    #[test]
    fn stored_names_round_trip_and_junk_is_dropped() {
        let names = vec!["dev".to_string(), "kube-system".to_string()];
        assert_eq!(SpaceTabs::decode(&SpaceTabs::encode(&names)), names);
        assert_eq!(SpaceTabs::decode("dev\nNot Valid\n\n<script>"), ["dev"]);
    }

    #[test]
    fn the_picker_filters_by_part_of_the_name() {
        let all = summaries(&["dev", "prod", "kube-system", "devops"]);
        assert_eq!(names(matching_spaces(&all, " DEV ")), ["dev", "devops"]);
        assert_eq!(matching_spaces(&all, "").len(), 4);
    }

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
        assert_eq!(errs.get("name"), Some(&Problem::Uppercase));
        assert_eq!(
            errs.get("description"),
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
        assert_eq!(form_field("metadata.name"), Some(SpaceField::Name));
        assert_eq!(
            form_field("metadata.annotations"),
            Some(SpaceField::Description)
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
            assert_eq!(errs.get("confirm"), Some(&Problem::ConfirmationMismatch));
        }
    }
}
