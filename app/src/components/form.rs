//! The pieces every form is made of: one signal holds what the user typed,
//! the shared crate checks it on every change, and each input shows its
//! field's message (the server's answer first, else the local rule's once
//! the field was touched or a submit attempted). Inputs get the id
//! `f-{field with dots as dashes}` and their message `f-…-error`, so tests
//! and the server's causes find them by field name.

use crate::components::{field_message, use_texts};
use leptos::prelude::*;
use std::collections::HashSet;
use wharf_spec::FieldErrors;
use wharf_spec::service::KeyValue;

/// Shared by every input of the form.
pub struct FormState<F: Send + Sync + 'static> {
    pub form: RwSignal<F>,
    /// The shared crate's verdict on the form as it stands.
    pub local: Memo<FieldErrors>,
    /// The server's answer to the last submit (cleared by any edit).
    pub server: RwSignal<FieldErrors>,
    pub touched: RwSignal<HashSet<String>>,
    pub attempted: RwSignal<bool>,
}

impl<F: Send + Sync + 'static> Clone for FormState<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: Send + Sync + 'static> Copy for FormState<F> {}

impl<F: Send + Sync + 'static> FormState<F> {
    /// A form checked by `validate` on every change.
    pub fn new(form: F, validate: impl Fn(&F) -> FieldErrors + Send + Sync + 'static) -> Self {
        let form = RwSignal::new(form);
        FormState {
            form,
            local: Memo::new(move |_| form.with(&validate)),
            server: RwSignal::new(FieldErrors::default()),
            touched: RwSignal::new(HashSet::new()),
            attempted: RwSignal::new(false),
        }
    }

    /// No local error stands.
    pub fn is_valid(&self) -> bool {
        self.local.with(FieldErrors::is_empty)
    }

    pub fn edit(&self, field: &str, change: impl FnOnce(&mut F)) {
        self.form.update(change);
        self.touched.update(|t| {
            t.insert(field.to_owned());
        });
        self.server.set(FieldErrors::default());
    }

    /// The message under `field`: the server's, else the local rule's once
    /// the field was touched or a submit attempted.
    pub fn message(
        &self,
        field: String,
    ) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static + use<F> {
        let s = *self;
        let shown = field.clone();
        field_message(
            field,
            s.local.into(),
            s.server.into(),
            Signal::derive(move || s.attempted.get() || s.touched.with(|t| t.contains(&shown))),
        )
    }
}

pub fn field_id(field: &str) -> String {
    format!("f-{}", field.replace('.', "-"))
}

/// A labelled text input bound to one part of the form.
pub fn text_field<F: Send + Sync + 'static>(
    s: FormState<F>,
    field: String,
    label: &'static str,
    hint: Option<&'static str>,
    get: impl Fn(&F) -> String + Send + Sync + 'static,
    set: impl Fn(&mut F, String) + Send + Sync + Clone + 'static,
) -> impl IntoView {
    editable_text_field(s, field, label, hint, false, get, set)
}

pub fn editable_text_field<F: Send + Sync + 'static>(
    s: FormState<F>,
    field: String,
    label: &'static str,
    hint: Option<&'static str>,
    read_only: bool,
    get: impl Fn(&F) -> String + Send + Sync + 'static,
    set: impl Fn(&mut F, String) + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let id = field_id(&field);
    let message = s.message(field.clone());
    let invalid = {
        let message = message.clone();
        move || message().map(|_| "true")
    };
    let data_field = field.clone();
    view! {
        <div class="field" data-field=data_field>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                autocomplete="off"
                spellcheck="false"
                prop:value=move || s.form.with(&get)
                readonly=read_only
                aria-invalid=invalid
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    let set = set.clone();
                    s.edit(&field, move |f| set(f, value));
                }
            />
            {hint.map(|h| view! { <p class="field-hint">{h}</p> })}
            <p class="field-error" id=format!("{id}-error")>{message}</p>
        </div>
    }
}

/// An unlabelled input in a row of a list (ports, env, key/value pairs),
/// with its message under it.
pub fn cell_input<F: Send + Sync + 'static>(
    s: FormState<F>,
    field: String,
    placeholder: &'static str,
    get: impl Fn(&F) -> String + Send + Sync + 'static,
    set: impl Fn(&mut F, String) + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let id = field_id(&field);
    let message = s.message(field.clone());
    let error_id = format!("{id}-error");
    view! {
        <div class="cell">
            <input
                id=id
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder
                aria-label=placeholder
                prop:value=move || s.form.with(&get)
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    let set = set.clone();
                    s.edit(&field, move |f| set(f, v));
                }
            />
            <p class="field-error" id=error_id>{message}</p>
        </div>
    }
}

/// A `<select>` over `options` (value, label) bound to one part of the form.
pub fn select_input<F: Send + Sync + 'static, T: Copy + PartialEq + Send + Sync + 'static>(
    s: FormState<F>,
    field: String,
    // Its name for screen readers (in rows, selects have no visible label).
    label: &'static str,
    options: Vec<(T, &'static str)>,
    get: impl Fn(&F) -> Option<T> + Send + Sync + Clone + 'static,
    set: impl Fn(&mut F, T) + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let id = field_id(&field);
    let values = options.clone();
    view! {
        <select
            id=id
            aria-label=label
            on:change=move |ev| {
                let chosen: usize = event_target_value(&ev).parse().unwrap_or(0);
                if let Some((v, _)) = values.get(chosen).copied() {
                    let set = set.clone();
                    s.edit(&field, move |f| set(f, v));
                }
            }
        >
            {options
                .into_iter()
                .enumerate()
                .map(|(i, (v, label))| {
                    let get = get.clone();
                    view! {
                        <option value=i.to_string() selected=move || s.form.with(|f| get(f) == Some(v))>
                            {label}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// One radio button of a choice the form holds.
pub fn radio<F: Send + Sync + 'static, T: Copy + PartialEq + Send + Sync + 'static>(
    s: FormState<F>,
    group: &'static str,
    id: &'static str,
    value: T,
    label: &'static str,
    get: fn(&F) -> T,
    set: fn(&mut F, T),
) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="radio"
                name=group
                id=id
                prop:checked=move || s.form.with(|f| get(f) == value)
                on:change=move |_| s.edit(group, |f| set(f, value))
            />
            {label}
        </label>
    }
}

/// Key/value rows (selector, labels, annotations).
pub fn key_value_rows<F: Send + Sync + 'static>(
    s: FormState<F>,
    list: &'static str,
    rows: fn(&mut F) -> &mut Vec<KeyValue>,
    read: fn(&F) -> &Vec<KeyValue>,
) -> impl IntoView {
    let t = use_texts();
    let count = Memo::new(move |_| s.form.with(|f| read(f).len()));
    let cell = move |i: usize, part: &'static str| {
        let key = part == "key";
        cell_input(
            s,
            format!("{list}.{i}.{part}"),
            if key { t.key } else { t.value },
            move |f| {
                read(f)
                    .get(i)
                    .map(|r| if key { r.key.clone() } else { r.value.clone() })
                    .unwrap_or_default()
            },
            move |f, v| {
                if let Some(r) = rows(f).get_mut(i) {
                    if key { r.key = v } else { r.value = v }
                }
            },
        )
    };
    view! {
        <div class="rows" data-list=list>
            {move || {
                (0..count.get())
                    .map(|i| {
                        view! {
                            <div class="row" data-row=i>
                                {cell(i, "key")}
                                <span class="eq">"="</span>
                                {cell(i, "value")}
                                <button type="button" class="btn btn-icon" title=t.remove on:click=move |_| s.edit(list, |f| { rows(f).remove(i); })>"×"</button>
                            </div>
                        }
                    })
                    .collect_view()
            }}
            <button type="button" class="btn btn-small" data-add=list on:click=move |_| s.edit(list, |f| rows(f).push(KeyValue::default()))>
                {t.add_row}
            </button>
            <p class="field-error">{s.message(list.to_owned())}</p>
        </div>
    }
}
