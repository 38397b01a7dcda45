//! 升级服务: change an app's containers (image and tag, command, ports, env,
//! resources) and its replica count. The app then sits in the "upgraded"
//! state (升级完成) until the user confirms (确认升级完成) or rolls back
//! (回滚服务); what rolling back returns to is remembered on the workload.

use super::fields::{ContainerPaths, UpgradeField};
use super::{ContainerForm, MAX_REPLICAS, check_container};
use crate::error::{FieldErrors, Problem};
use crate::field::Row;
use crate::service::parse_int;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The upgrade form: the wizard's container step plus the replica count,
/// filled from the running workload. Its paths ([`UpgradeField`]) are
/// written as the wizard's (`containers.0.image`, `replicas`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpgradeForm {
    pub containers: Vec<ContainerForm>,
    pub replicas: String,
    /// The pod's volume names (not edited here): what mounts may name.
    pub volumes: Vec<String>,
}

impl UpgradeForm {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(
            UpgradeField::Replicas,
            parse_int(&self.replicas, 0, MAX_REPLICAS).map(|_| ()),
        );
        if self.containers.is_empty() {
            errors.push(UpgradeField::Containers(Row::All), Problem::AtLeastOne);
        }
        let volumes = self.volumes.iter().cloned().collect();
        let mut names = HashSet::new();
        for (i, c) in self.containers.iter().enumerate() {
            check_container(
                &mut errors,
                &|f| UpgradeForm::container(i, f),
                c,
                &mut names,
                &volumes,
            );
        }
        errors.into_result()
    }
}

/// Written on the workload by an upgrade (annotation
/// [`crate::annotations::UPGRADED_FROM`], as JSON) and removed by confirm or
/// roll back: the revision and replica count before the upgrade, and its
/// images so the detail page can show old and new side by side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeMark {
    /// The workload's revision before the upgrade (the Deployment's
    /// `deployment.kubernetes.io/revision`, the StatefulSet's
    /// ControllerRevision number).
    pub revision: i64,
    pub replicas: i32,
    pub images: Vec<String>,
}

#[cfg(feature = "k8s")]
impl UpgradeMark {
    /// Reads the annotation; a value that is not ours reads as none.
    pub fn parse(annotation: &str) -> Option<UpgradeMark> {
        serde_json::from_str(annotation).ok()
    }

    pub fn to_annotation(&self) -> String {
        serde_json::to_string(self).expect("plain data serialises")
    }
}
