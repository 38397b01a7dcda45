//! Scheduling (调度): the pods' tolerations of node taints.

use crate::components::form::{FormState, cell_input, select_input};
use crate::components::use_texts;
use leptos::prelude::*;
use wharf_spec::app::{
    AppField, AppForm, TaintEffect, TolerationField, TolerationForm, TolerationOperator,
};
use wharf_spec::field::Row;

/// The tolerations: key, operator, value, effect.
#[component]
pub fn TolerationRows(s: FormState<AppForm>) -> impl IntoView {
    let t = use_texts();
    let count = Memo::new(move |_| s.form.with(|f| f.tolerations.len()));
    let row = move |i: usize| {
        let at = move |cell| AppField::Tolerations(Row::At(i, cell));
        view! {
            <div class="row" data-row=i>
                {cell_input(s, at(TolerationField::Key), t.key)}
                {select_input(s, at(TolerationField::Operator), t.toleration_operator,
                    vec![(TolerationOperator::Equal, "="), (TolerationOperator::Exists, "exists")],
                    move |f: &AppForm| f.tolerations.get(i).map(|x| x.operator),
                    move |f, v| if let Some(x) = f.tolerations.get_mut(i) { x.operator = v })}
                {cell_input(s, at(TolerationField::Value), t.value)}
                {select_input(s, at(TolerationField::Effect), t.toleration_effect,
                    vec![(TaintEffect::Any, t.any_effect), (TaintEffect::NoSchedule, "NoSchedule"),
                         (TaintEffect::PreferNoSchedule, "PreferNoSchedule"), (TaintEffect::NoExecute, "NoExecute")],
                    move |f: &AppForm| f.tolerations.get(i).map(|x| x.effect),
                    move |f, v| if let Some(x) = f.tolerations.get_mut(i) { x.effect = v })}
                <button type="button" class="btn btn-icon" title=t.remove
                    on:click=move |_| s.edit(AppField::Tolerations(Row::All), |f| { f.tolerations.remove(i); })>"×"</button>
            </div>
        }
    };
    view! {
        <div class="rows" id="tolerations">
            {move || (0..count.get()).map(row).collect_view()}
            <button type="button" class="btn btn-small" id="add-toleration"
                on:click=move |_| s.edit(AppField::Tolerations(Row::All), |f| f.tolerations.push(TolerationForm::default()))>{t.add_row}</button>
        </div>
    }
}
