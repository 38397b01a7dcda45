//! The sessions signed out on any replica, kept in one ConfigMap of
//! Wharf's own namespace so every replica refuses them within seconds.
//!
//! This is the one thing Wharf does with its own service account in
//! multi-user mode, and all its role allows (`get`, `update` of this one
//! ConfigMap). It holds session ids (random, worth nothing without the
//! sealed cookie) and when each would have expired anyway, so the list
//! stays as long as the sign-outs of one session lifetime.

use super::error::map_error;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Client;
use kube::api::{Api, PostParams};
use std::collections::{BTreeMap, HashMap};
use wharf_spec::ApiError;

/// Session id → the Unix time it expires (and can be forgotten).
pub type SignedOut = HashMap<String, u64>;

pub struct SignedOutList {
    api: Api<ConfigMap>,
    name: String,
}

impl SignedOutList {
    /// The ConfigMap `name` in the client's default namespace (in a pod:
    /// its service account's).
    pub fn new(client: Client, name: &str) -> Self {
        Self {
            api: Api::default_namespaced(client),
            name: name.to_owned(),
        }
    }

    pub async fn read(&self) -> Result<SignedOut, ApiError> {
        let map = self.api.get(&self.name).await.map_err(map_error)?;
        Ok(entries(&map))
    }

    /// Adds a signed-out session, dropping the expired ones; retried when
    /// another replica wrote in between (the replace carries the
    /// resourceVersion read).
    pub async fn add(&self, id: &str, expires: u64, now: u64) -> Result<(), ApiError> {
        const ATTEMPTS: usize = 5;
        let mut attempt = 1;
        loop {
            let mut map = self.api.get(&self.name).await.map_err(map_error)?;
            let mut signed_out = entries(&map);
            signed_out.retain(|_, until| *until > now);
            signed_out.insert(id.to_owned(), expires);
            map.data = Some(
                signed_out
                    .into_iter()
                    .map(|(id, until)| (id, until.to_string()))
                    .collect::<BTreeMap<_, _>>(),
            );
            match self
                .api
                .replace(&self.name, &PostParams::default(), &map)
                .await
                .map_err(map_error)
            {
                Err(ApiError::Conflict { .. }) if attempt < ATTEMPTS => attempt += 1,
                result => return result.map(|_| ()),
            }
        }
    }
}

fn entries(map: &ConfigMap) -> SignedOut {
    map.data
        .iter()
        .flatten()
        .filter_map(|(id, until)| Some((id.clone(), until.parse().ok()?)))
        .collect()
}
