//! The one editor of a Service's port rows (protocol, name, port, target
//! port, node port), in the Service form and in the app wizard's Service step.

use crate::components::form::{FormState, Path, bare_input, field_id};
use crate::components::use_texts;
use leptos::prelude::*;
use wharf_spec::field::{FormFields, Row};
use wharf_spec::service::{PortField, PortForm, Protocol};

/// Where a form keeps its Service ports.
pub struct PortList<F: FormFields> {
    /// The path of the list, or of a cell of a row.
    pub at: fn(Row<PortField>) -> Path<F>,
    pub read: fn(&F) -> &Vec<PortForm>,
    pub write: fn(&mut F) -> &mut Vec<PortForm>,
}

impl<F: FormFields> Clone for PortList<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: FormFields> Copy for PortList<F> {}

/// The port rows as a table; `node_ports`: whether the Service exposes
/// node ports (the column shows then); `add_id`: the add button's id.
pub fn port_rows<F: FormFields + Send + Sync + 'static>(
    s: FormState<F>,
    list: PortList<F>,
    node_ports: Signal<bool>,
    add_id: &'static str,
) -> impl IntoView {
    let t = use_texts();
    let count = Memo::new(move |_| s.form.with(|f| (list.read)(f).len()));
    let node_port_hint = StoredValue::new(
        crate::components::node_port_range()
            .to_string()
            .replace('-', "–"),
    );
    let cell = move |i: usize, cell: PortField, label: &'static str, placeholder: String| {
        view! { <td>{bare_input(s, (list.at)(Row::At(i, cell)), label, placeholder)}</td> }
    };
    let row = move |i: usize| {
        let protocol = (list.at)(Row::At(i, PortField::Protocol));
        view! {
            <tr data-row=i>
                <td>
                    <select
                        id=field_id(&protocol)
                        aria-label=t.protocol
                        on:change=move |ev| {
                            let p = match event_target_value(&ev).as_str() {
                                "UDP" => Protocol::Udp,
                                "SCTP" => Protocol::Sctp,
                                _ => Protocol::Tcp,
                            };
                            s.edit(protocol, |f| {
                                if let Some(port) = (list.write)(f).get_mut(i) {
                                    port.protocol = p
                                }
                            });
                        }
                    >
                        {[Protocol::Tcp, Protocol::Udp, Protocol::Sctp].map(|p| view! {
                            <option value=p.api()
                                selected=move || s.form.with(|f| (list.read)(f).get(i).map(|x| x.protocol) == Some(p))>
                                {p.api()}
                            </option>
                        })}
                    </select>
                    <p class="field-error" id=format!("{}-error", field_id(&protocol))>{s.message(protocol)}</p>
                </td>
                {cell(i, PortField::Name, t.port_name, "http".into())}
                {cell(i, PortField::Port, t.service_port, "80".into())}
                {cell(i, PortField::TargetPort, t.target_port, "8080".into())}
                <Show when=move || node_ports.get()>
                    {cell(i, PortField::NodePort, t.node_port, node_port_hint.get_value())}
                </Show>
                <td>
                    <button type="button" class="btn btn-icon" title=t.remove
                        on:click=move |_| s.edit((list.at)(Row::All), |f| { (list.write)(f).remove(i); })>"×"</button>
                </td>
            </tr>
        }
    };
    // The list's own id: a problem of the whole list ("at least one")
    // links here.
    let table_id = field_id(&(list.at)(Row::All));
    view! {
        <table class="form-table" id=table_id>
            <thead>
                <tr>
                    <th>{t.protocol}</th>
                    <th>{t.port_name}</th>
                    <th>{t.service_port}</th>
                    <th>{t.target_port}</th>
                    <Show when=move || node_ports.get()><th>{t.node_port}</th></Show>
                    <th><span class="sr-only">{t.col_actions}</span></th>
                </tr>
            </thead>
            <tbody>{move || (0..count.get()).map(row).collect_view()}</tbody>
        </table>
        <button type="button" class="btn btn-small" id=add_id
            on:click=move |_| s.edit((list.at)(Row::All), |f| (list.write)(f).push(PortForm::default()))>
            {t.add_row}
        </button>
        <p class="field-hint">{t.service_port_hint}" "<Show when=move || node_ports.get()>{t.node_port_hint}</Show></p>
        <p class="field-error" id=format!("{}-error", field_id(&(list.at)(Row::All)))>{s.message((list.at)(Row::All))}</p>
    }
}
