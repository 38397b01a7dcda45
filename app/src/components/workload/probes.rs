//! A container's health checks (健康检查): readiness and liveness.

use super::containers::{container_mut, peek};
use crate::components::form::{FormState, cell_input, select_input};
use crate::components::use_texts;
use leptos::prelude::*;
use wharf_spec::app::{
    ContainerField, ContainerForm, ContainerPaths, ProbeField, ProbeForm, ProbeKind,
};

/// Which health check of a container.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Readiness,
    Liveness,
}

impl Probe {
    fn path(self, field: ProbeField) -> ContainerField {
        match self {
            Probe::Readiness => ContainerField::Readiness(field),
            Probe::Liveness => ContainerField::Liveness(field),
        }
    }

    fn of(self, c: &ContainerForm) -> &ProbeForm {
        match self {
            Probe::Readiness => &c.readiness,
            Probe::Liveness => &c.liveness,
        }
    }

    fn of_mut(self, c: &mut ContainerForm) -> &mut ProbeForm {
        match self {
            Probe::Readiness => &mut c.readiness,
            Probe::Liveness => &mut c.liveness,
        }
    }
}

/// A readiness or liveness check of container `i`: its kind, then the
/// fields that kind needs.
#[component]
pub fn ProbeEditor<F: ContainerPaths + Send + Sync + 'static>(
    s: FormState<F>,
    i: usize,
    which: Probe,
) -> impl IntoView {
    let t = use_texts();
    let at = move |field| F::container(i, which.path(field));
    let kind = Memo::new(move |_| s.form.with(|f| peek(f, i, |c| which.of(c).kind)));
    let cell = move |field, label| cell_input(s, at(field), label);
    let (label, name) = match which {
        Probe::Readiness => (t.readiness, "readiness"),
        Probe::Liveness => (t.liveness, "liveness"),
    };
    view! {
        <div class="row probe" data-probe=name>
            <span class="probe-label">{label}</span>
            {select_input(s, at(ProbeField::Kind), label,
                vec![(ProbeKind::None, t.probe_none), (ProbeKind::Http, "HTTP GET"), (ProbeKind::Tcp, "TCP"), (ProbeKind::Command, t.probe_command)],
                move |f| peek(f, i, |c| Some(which.of(c).kind)),
                move |f, k| if let Some(c) = container_mut(f, i) { which.of_mut(c).kind = k })}
            {move || {
                let timing = move || view! { {cell(ProbeField::InitialDelay, t.initial_delay)}{cell(ProbeField::Period, t.period)} };
                match kind.get() {
                    ProbeKind::None => ().into_any(),
                    ProbeKind::Http => view! { {cell_input(s, at(ProbeField::Path), "/healthz")}{cell(ProbeField::Port, t.probe_port)}{timing()} }.into_any(),
                    ProbeKind::Tcp => view! { {cell(ProbeField::Port, t.probe_port)}{timing()} }.into_any(),
                    ProbeKind::Command => view! { {cell(ProbeField::Command, t.command)}{timing()} }.into_any(),
                }
            }}
        </div>
    }
}
