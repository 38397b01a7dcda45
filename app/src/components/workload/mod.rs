//! The editors of a workload's parts, shared by the app wizard (创建容器服务)
//! and 升级服务: containers (image, command, ports, env, resources, health
//! checks), volumes and mounts, tolerations. Each edits one `FormState`
//! through the form's typed paths; a container editor works on any form
//! that holds containers (`ContainerPaths`).

mod containers;
mod probes;
mod scheduling;
mod storage;

pub use containers::ContainersEditor;
pub use scheduling::TolerationRows;
pub use storage::{MountRows, VolumeRows};

/// The protocols a container or Service port may have.
pub(crate) fn protocols() -> Vec<(wharf_spec::service::Protocol, &'static str)> {
    use wharf_spec::service::Protocol;
    vec![
        (Protocol::Tcp, "TCP"),
        (Protocol::Udp, "UDP"),
        (Protocol::Sctp, "SCTP"),
    ]
}
