//! What the signed-in user may do in a space, as the cluster says it (a
//! SelfSubjectRulesReview in the space, SelfSubjectAccessReviews for the
//! cluster-wide verbs), so the pages can disable what is not allowed and
//! say why on hover. Only a courtesy: the server never relies on it, every
//! call still goes to the cluster with the user's own credentials, and a
//! refusal from there is shown in words.

use crate::app::AppKind;
use serde::{Deserialize, Serialize};

/// One rule of a SelfSubjectRulesReview's `resourceRules`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    /// `services`, `pods/exec`, `*`, `pods/*`, `*/scale`.
    pub resources: Vec<String>,
    /// A rule limited to named objects does not grant the action in general.
    pub resource_names: Vec<String>,
}

impl Rule {
    fn grants(&self, need: &Need) -> bool {
        let any = |list: &[String], want: &str| list.iter().any(|v| v == "*" || v == want);
        any(&self.verbs, need.verb)
            && any(&self.api_groups, need.group)
            && self
                .resources
                .iter()
                .any(|r| resource_matches(r, need.resource))
            && self.resource_names.is_empty()
    }
}

/// `pattern` as RBAC matches resources: `*` is everything, `pods/*` every
/// subresource of pods, `*/scale` the scale subresource of everything.
fn resource_matches(pattern: &str, resource: &str) -> bool {
    if pattern == "*" || pattern == resource {
        return true;
    }
    let (base, sub) = resource.split_once('/').unwrap_or((resource, ""));
    match pattern.split_once('/') {
        Some((b, "*")) => !sub.is_empty() && b == base,
        Some(("*", s)) => !sub.is_empty() && s == sub,
        _ => false,
    }
}

/// The answer for one space.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub space: String,
    pub rules: Vec<Rule>,
    /// The cluster could not list everything (an authorizer that does not
    /// enumerate rules, such as a webhook): an action missing from `rules`
    /// may still be allowed, so nothing is disabled on its account.
    pub incomplete: bool,
    /// May create namespaces (a cluster-wide verb).
    pub create_spaces: bool,
    /// May delete this namespace.
    pub delete_space: bool,
}

/// What a button or link of Wharf does, in the terms RBAC checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    CreateSpace,
    DeleteSpace,
    CreateService,
    EditService,
    DeleteService,
    CreateApp,
    /// Scale, stop, start, restart, upgrade, roll back, confirm.
    ChangeApp(AppKind),
    DeleteApp(AppKind),
    Terminal,
    ReadLogs,
}

/// One permission an action needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    pub verb: &'static str,
    pub group: &'static str,
    pub resource: &'static str,
}

const fn need(verb: &'static str, group: &'static str, resource: &'static str) -> Need {
    Need {
        verb,
        group,
        resource,
    }
}

fn workloads(kind: AppKind) -> &'static str {
    match kind {
        AppKind::Stateless => "deployments",
        AppKind::Stateful => "statefulsets",
    }
}

impl Action {
    /// Every permission the action needs (all of them), as Wharf's server
    /// makes the calls.
    pub fn needs(self) -> Vec<Need> {
        match self {
            Action::CreateSpace => vec![need("create", "", "namespaces")],
            Action::DeleteSpace => vec![need("delete", "", "namespaces")],
            Action::CreateService => vec![need("create", "", "services")],
            Action::EditService => vec![need("update", "", "services")],
            Action::DeleteService => vec![need("delete", "", "services")],
            Action::CreateApp => vec![
                need("create", "apps", "deployments"),
                need("create", "", "services"),
            ],
            Action::ChangeApp(kind) => vec![need("patch", "apps", workloads(kind))],
            Action::DeleteApp(kind) => vec![
                need("delete", "apps", workloads(kind)),
                need("delete", "", "services"),
            ],
            Action::Terminal => vec![need("create", "", "pods/exec")],
            Action::ReadLogs => vec![need("get", "", "pods/log")],
        }
    }
}

impl Access {
    /// `Err` with the first permission missing, or `Ok` (also when the
    /// cluster's answer was incomplete: then only the cluster can say).
    pub fn check(&self, action: Action) -> Result<(), Need> {
        match action {
            Action::CreateSpace if !self.create_spaces => return Err(action.needs()[0]),
            Action::DeleteSpace if !self.delete_space => return Err(action.needs()[0]),
            Action::CreateSpace | Action::DeleteSpace => return Ok(()),
            _ => {}
        }
        if self.incomplete {
            return Ok(());
        }
        match action
            .needs()
            .into_iter()
            .find(|n| !self.rules.iter().any(|r| r.grants(n)))
        {
            Some(missing) => Err(missing),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str]) -> Rule {
        let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Rule {
            verbs: own(verbs),
            api_groups: own(groups),
            resources: own(resources),
            resource_names: vec![],
        }
    }

    /// Roughly what the built-in `view` role gives: read, no exec, no writes.
    fn viewer() -> Access {
        Access {
            space: "dev".into(),
            rules: vec![
                rule(
                    &["get", "list", "watch"],
                    &[""],
                    &["pods", "pods/log", "services"],
                ),
                rule(
                    &["get", "list", "watch"],
                    &["apps"],
                    &["deployments", "statefulsets"],
                ),
            ],
            ..Access::default()
        }
    }

    #[test]
    fn a_viewer_reads_logs_and_changes_nothing() {
        let v = viewer();
        assert_eq!(v.check(Action::ReadLogs), Ok(()));
        assert_eq!(
            v.check(Action::Terminal),
            Err(need("create", "", "pods/exec"))
        );
        assert_eq!(
            v.check(Action::DeleteService),
            Err(need("delete", "", "services"))
        );
        assert_eq!(
            v.check(Action::ChangeApp(AppKind::Stateful)),
            Err(need("patch", "apps", "statefulsets"))
        );
        assert_eq!(
            v.check(Action::CreateSpace),
            Err(need("create", "", "namespaces"))
        );
    }

    #[test]
    fn wildcards_grant_as_rbac_does() {
        let admin = Access {
            rules: vec![rule(&["*"], &["*"], &["*"])],
            ..Access::default()
        };
        assert_eq!(admin.check(Action::DeleteApp(AppKind::Stateless)), Ok(()));
        assert_eq!(admin.check(Action::Terminal), Ok(()));
        assert!(resource_matches("pods/*", "pods/exec"));
        assert!(!resource_matches("pods/*", "pods"));
        assert!(resource_matches("*/log", "pods/log"));
        assert!(
            !resource_matches("pods", "pods/exec"),
            "a subresource is not its parent"
        );
        assert!(!resource_matches("deployments", "deployments/scale"));
    }

    #[test]
    fn every_need_of_an_action_counts() {
        let only_services = Access {
            rules: vec![rule(&["create", "delete"], &[""], &["services"])],
            ..Access::default()
        };
        assert_eq!(only_services.check(Action::CreateService), Ok(()));
        assert_eq!(
            only_services.check(Action::CreateApp),
            Err(need("create", "apps", "deployments"))
        );
    }

    #[test]
    fn rules_for_named_objects_and_other_groups_do_not_grant() {
        let mut named = rule(&["delete"], &[""], &["services"]);
        named.resource_names = vec!["one".into()];
        let a = Access {
            rules: vec![named, rule(&["patch"], &["extensions"], &["deployments"])],
            ..Access::default()
        };
        assert!(a.check(Action::DeleteService).is_err());
        assert!(a.check(Action::ChangeApp(AppKind::Stateless)).is_err());
    }

    #[test]
    fn an_incomplete_answer_disables_nothing() {
        let a = Access {
            incomplete: true,
            ..Access::default()
        };
        assert_eq!(a.check(Action::Terminal), Ok(()));
    }
}
