//! Server functions: the browser's calls into Wharf's server.
//!
//! Each validates its input with the shared crate (the same rules the form
//! ran), then reaches the cluster only through [`crate::backend::Cluster`],
//! which the server's `k8s` module implements for the signed-in session.

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};
use std::fmt;
use wharf_spec::view::{ServiceDetail, ServiceRow, SpaceContents, SpaceSummary};
use wharf_spec::{ApiError, FieldErrors};

#[cfg(feature = "ssr")]
use crate::backend::cluster;
#[cfg(feature = "ssr")]
use wharf_spec::space::{NewSpace, check_delete_confirmation};

/// [`ApiError`] as a server-function error (the orphan rule keeps the trait
/// impl off the shared crate's type).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppError(pub ApiError);

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError(ApiError::Transport {
            message: value.to_string(),
        })
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for AppError {}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        AppError(e)
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError(e.into())
    }
}

#[server(endpoint = "list_spaces")]
pub async fn list_spaces() -> Result<Vec<SpaceSummary>, AppError> {
    Ok(cluster()?.list_spaces().await?)
}

#[server(endpoint = "create_space")]
pub async fn create_space(name: String, description: String) -> Result<SpaceSummary, AppError> {
    let space = NewSpace { name, description };
    space.validate()?;
    Ok(cluster()?.create_space(&space).await?)
}

#[server(endpoint = "space_contents")]
pub async fn get_space_contents(space: String) -> Result<SpaceContents, AppError> {
    Ok(cluster()?.space_contents(&space).await?)
}

#[server(endpoint = "delete_space")]
pub async fn delete_space(space: String, confirm: String) -> Result<(), AppError> {
    check_delete_confirmation(&space, &confirm)?;
    Ok(cluster()?.delete_space(&space).await?)
}

#[server(endpoint = "list_services")]
pub async fn list_services(space: String) -> Result<Vec<ServiceRow>, AppError> {
    Ok(cluster()?.list_services(&space).await?)
}

#[server(endpoint = "get_service")]
pub async fn get_service(space: String, name: String) -> Result<ServiceDetail, AppError> {
    Ok(cluster()?.get_service(&space, &name).await?)
}
