//! The wizard's and the upgrade's field paths (see [`crate::field`]), which
//! text each one is, and which wizard step shows it.

use super::{
    AppForm, ContainerForm, ContainerPortForm, EnvForm, MountForm, ProbeForm, TolerationForm,
    UpgradeForm, VolumeForm,
};
use crate::field::{FormFields, KeyValueField, Row, field_path, form_texts};
use crate::service::ServiceField;

field_path! {
    /// The app wizard's inputs: `name`, `containers.0.env.1.name`,
    /// `service.ports.0.node_port` (the Service part's own paths).
    pub enum AppField {
        unit {
            Kind = "kind",
            Name = "name",
            Alias = "alias",
            Description = "description",
            Version = "version",
            Replicas = "replicas",
            Access = "access",
        }
        rows {
            Containers(ContainerField) = "containers",
            Volumes(VolumeField) = "volumes",
            NodeSelector(KeyValueField) = "node_selector",
            Tolerations(TolerationField) = "tolerations",
            Labels(KeyValueField) = "labels",
            Annotations(KeyValueField) = "annotations",
        }
        nested {
            Service(ServiceField) = "service",
        }
    }
}

field_path! {
    /// One container's inputs (in the wizard and in 升级服务).
    pub enum ContainerField {
        unit {
            Name = "name",
            Image = "image",
            Tag = "tag",
            PullPolicy = "pull_policy",
            Command = "command",
            Args = "args",
            CpuRequest = "cpu_request",
            CpuLimit = "cpu_limit",
            MemoryRequest = "memory_request",
            MemoryLimit = "memory_limit",
        }
        rows {
            Ports(ContainerPortField) = "ports",
            Env(EnvField) = "env",
            Mounts(MountField) = "mounts",
        }
        nested {
            Readiness(ProbeField) = "readiness",
            Liveness(ProbeField) = "liveness",
        }
    }
}

field_path! {
    pub enum ContainerPortField {
        unit {
            Protocol = "protocol",
            Port = "port",
            Name = "name",
        }
    }
}

field_path! {
    pub enum EnvField {
        unit {
            Name = "name",
            Source = "source",
            Value = "value",
            RefName = "ref_name",
            RefKey = "ref_key",
        }
    }
}

field_path! {
    pub enum MountField {
        unit {
            Volume = "volume",
            Path = "path",
            ReadOnly = "read_only",
        }
    }
}

field_path! {
    pub enum ProbeField {
        unit {
            Kind = "kind",
            Path = "path",
            Port = "port",
            Command = "command",
            InitialDelay = "initial_delay",
            Period = "period",
        }
    }
}

field_path! {
    pub enum VolumeField {
        unit {
            Name = "name",
            Source = "source",
            Reference = "reference",
            Size = "size",
            StorageClass = "storage_class",
            AccessMode = "access_mode",
        }
    }
}

field_path! {
    pub enum TolerationField {
        unit {
            Key = "key",
            Operator = "operator",
            Value = "value",
            Effect = "effect",
        }
    }
}

field_path! {
    /// 升级服务's inputs: the replica count and the containers.
    pub enum UpgradeField {
        unit {
            Replicas = "replicas",
        }
        rows {
            Containers(ContainerField) = "containers",
        }
    }
}

form_texts!(AppForm, AppField {
    text {
        Name => name,
        Alias => alias,
        Description => description,
        Version => version,
        Replicas => replicas,
    }
    rows {
        Containers => containers,
        Volumes => volumes,
        NodeSelector => node_selector,
        Tolerations => tolerations,
        Labels => labels,
        Annotations => annotations,
    }
    nested {
        Service => service,
    }
});

form_texts!(UpgradeForm, UpgradeField {
    text {
        Replicas => replicas,
    }
    rows {
        Containers => containers,
    }
});

form_texts!(ContainerForm, ContainerField {
    text {
        Name => name,
        Image => image,
        Tag => tag,
        Command => command,
        Args => args,
        CpuRequest => cpu_request,
        CpuLimit => cpu_limit,
        MemoryRequest => memory_request,
        MemoryLimit => memory_limit,
    }
    rows {
        Ports => ports,
        Env => env,
        Mounts => mounts,
    }
    nested {
        Readiness => readiness,
        Liveness => liveness,
    }
});

form_texts!(ContainerPortForm, ContainerPortField {
    text {
        Port => port,
        Name => name,
    }
});

form_texts!(EnvForm, EnvField {
    text {
        Name => name,
        Value => value,
        RefName => ref_name,
        RefKey => ref_key,
    }
});

form_texts!(MountForm, MountField {
    text {
        Volume => volume,
        Path => path,
    }
});

form_texts!(ProbeForm, ProbeField {
    text {
        Path => path,
        Port => port,
        Command => command,
        InitialDelay => initial_delay,
        Period => period,
    }
});

form_texts!(VolumeForm, VolumeField {
    text {
        Name => name,
        Reference => reference,
        Size => size,
        StorageClass => storage_class,
    }
});

form_texts!(TolerationForm, TolerationField {
    text {
        Key => key,
        Value => value,
    }
});

/// The wizard's steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WizardStep {
    Basics,
    Containers,
    /// Volumes, and each container's mounts of them.
    Storage,
    /// Replicas, external access and the Service's ports.
    Service,
    Scheduling,
    /// Both objects as YAML; no field of its own.
    Summary,
}

impl WizardStep {
    pub const ALL: [WizardStep; 6] = [
        WizardStep::Basics,
        WizardStep::Containers,
        WizardStep::Storage,
        WizardStep::Service,
        WizardStep::Scheduling,
        WizardStep::Summary,
    ];

    /// 0-based position.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl AppField {
    /// The step that shows this field.
    pub fn step(&self) -> WizardStep {
        match self {
            AppField::Kind
            | AppField::Name
            | AppField::Alias
            | AppField::Description
            | AppField::Version => WizardStep::Basics,
            // Mounts are chosen next to the volumes they name.
            AppField::Containers(Row::At(_, ContainerField::Mounts(_))) | AppField::Volumes(_) => {
                WizardStep::Storage
            }
            AppField::Containers(_) => WizardStep::Containers,
            AppField::Replicas | AppField::Access | AppField::Service(_) => WizardStep::Service,
            AppField::NodeSelector(_)
            | AppField::Tolerations(_)
            | AppField::Labels(_)
            | AppField::Annotations(_) => WizardStep::Scheduling,
        }
    }

    /// The step of a problem's field as it came over the wire; a path
    /// the wizard has no input for (an apiserver cause) belongs to the
    /// first step, where the form's summary of problems is.
    pub fn step_of(field: &str) -> WizardStep {
        field
            .parse::<AppField>()
            .map_or(WizardStep::Basics, |f| f.step())
    }
}

/// A container's path within the form that holds the containers (the
/// wizard's or the upgrade's), so one container editor serves both.
pub trait ContainerPaths: FormFields {
    fn container(i: usize, field: ContainerField) -> Self::Field;
    /// The list of containers itself (adding, removing, "at least one").
    fn all_containers() -> Self::Field;
    fn containers(form: &Self) -> &Vec<ContainerForm>;
    fn containers_mut(form: &mut Self) -> &mut Vec<ContainerForm>;
}

impl ContainerPaths for AppForm {
    fn container(i: usize, field: ContainerField) -> AppField {
        AppField::container(i, field)
    }
    fn all_containers() -> AppField {
        AppField::Containers(Row::All)
    }
    fn containers(form: &Self) -> &Vec<ContainerForm> {
        &form.containers
    }
    fn containers_mut(form: &mut Self) -> &mut Vec<ContainerForm> {
        &mut form.containers
    }
}

impl ContainerPaths for UpgradeForm {
    fn container(i: usize, field: ContainerField) -> UpgradeField {
        UpgradeField::Containers(Row::At(i, field))
    }
    fn all_containers() -> UpgradeField {
        UpgradeField::Containers(Row::All)
    }
    fn containers(form: &Self) -> &Vec<ContainerForm> {
        &form.containers
    }
    fn containers_mut(form: &mut Self) -> &mut Vec<ContainerForm> {
        &mut form.containers
    }
}
