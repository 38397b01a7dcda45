//! What the session's user may do in a space ([`wharf_spec::access`]): one
//! SelfSubjectRulesReview in the space and two SelfSubjectAccessReviews for
//! the namespace verbs, kept for [`ACCESS_TTL`] so that moving between
//! pages does not ask again. Only the UI uses it; the cluster decides.

use super::{KubeCluster, map_error};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
    SelfSubjectRulesReview, SelfSubjectRulesReviewSpec,
};
use kube::api::{Api, PostParams};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use wharf_spec::ApiError;
use wharf_spec::access::{Access, Rule};

/// How long an answer is reused. A role granted or taken away shows after
/// at most this long (or at once as the cluster's refusal).
pub const ACCESS_TTL: Duration = Duration::from_secs(30);

/// Answers per space, for one session.
#[derive(Default)]
pub struct AccessCache(Mutex<HashMap<String, (Instant, Access)>>);

impl AccessCache {
    fn get(&self, space: &str) -> Option<Access> {
        let cache = self.0.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .get(space)
            .filter(|(at, _)| at.elapsed() < ACCESS_TTL)
            .map(|(_, access)| access.clone())
    }

    fn put(&self, access: &Access) {
        let mut cache = self.0.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|_, (at, _)| at.elapsed() < ACCESS_TTL);
        cache.insert(access.space.clone(), (Instant::now(), access.clone()));
    }
}

impl KubeCluster {
    pub(super) async fn access_in(&self, space: &str) -> Result<Access, ApiError> {
        if let Some(access) = self.access.get(space) {
            return Ok(access);
        }
        let (rules, create_spaces, delete_space) = tokio::try_join!(
            self.rules_review(space),
            self.may("create", "namespaces", None),
            self.may("delete", "namespaces", Some(space)),
        )?;
        let (rules, incomplete) = rules;
        let access = Access {
            space: space.to_owned(),
            rules,
            incomplete,
            create_spaces,
            delete_space,
        };
        self.access.put(&access);
        Ok(access)
    }

    async fn rules_review(&self, space: &str) -> Result<(Vec<Rule>, bool), ApiError> {
        let api: Api<SelfSubjectRulesReview> = Api::all(self.client.clone());
        let review = SelfSubjectRulesReview {
            spec: SelfSubjectRulesReviewSpec {
                namespace: Some(space.to_owned()),
            },
            ..Default::default()
        };
        let answer = api
            .create(&PostParams::default(), &review)
            .await
            .map_err(map_error)?;
        let Some(status) = answer.status else {
            return Ok((vec![], true));
        };
        let rules = status
            .resource_rules
            .into_iter()
            .map(|r| Rule {
                verbs: r.verbs,
                api_groups: r.api_groups.unwrap_or_default(),
                resources: r.resources.unwrap_or_default(),
                resource_names: r.resource_names.unwrap_or_default(),
            })
            .collect();
        Ok((rules, status.incomplete))
    }

    /// A SelfSubjectAccessReview of one verb on a core resource (also the
    /// sign-in's check that the cluster accepts a credential at all).
    pub(super) async fn may(
        &self,
        verb: &str,
        resource: &str,
        name: Option<&str>,
    ) -> Result<bool, ApiError> {
        let api: Api<SelfSubjectAccessReview> = Api::all(self.client.clone());
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(verb.to_owned()),
                    resource: Some(resource.to_owned()),
                    name: name.map(str::to_owned),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let answer = api
            .create(&PostParams::default(), &review)
            .await
            .map_err(map_error)?;
        Ok(answer.status.is_some_and(|s| s.allowed))
    }
}
