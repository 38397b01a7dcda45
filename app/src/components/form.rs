//! The pieces every form is made of: one signal holds what the user typed,
//! the shared crate checks it on every change, and each input shows its
//! field's message (the server's answer first, else the local rule's once
//! the field was touched or a submit attempted).
//!
//! An input is named by its form's typed path (`AppField`, `ServiceField`,
//! …; see `wharf_spec::field`): a text input reads and writes the form's
//! text at that path ([`FormFields`]), its id is `f-{path with dots as
//! dashes}` and its message `f-…-error`, so tests and the server's causes
//! find it by path.

use crate::components::{field_message, use_texts};
use leptos::prelude::*;
use std::collections::HashSet;
use std::fmt::Display;
use wharf_spec::field::{FormFields, KeyValueField, Row};
use wharf_spec::service::KeyValue;
use wharf_spec::{ApiError, FieldErrors};

/// The path type of form `F`.
pub type Path<F> = <F as FormFields>::Field;

/// Shared by every input of the form.
pub struct FormState<F: FormFields + Send + Sync + 'static> {
    pub form: RwSignal<F>,
    /// The shared crate's verdict on the form as it stands.
    pub local: Memo<FieldErrors>,
    /// The server's answer to the last submit (cleared by any edit).
    pub server: RwSignal<FieldErrors>,
    /// The fields the user changed (their paths' text, as the messages are
    /// keyed).
    pub touched: RwSignal<HashSet<String>>,
    pub attempted: RwSignal<bool>,
}

impl<F: FormFields + Send + Sync + 'static> Clone for FormState<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: FormFields + Send + Sync + 'static> Copy for FormState<F> {}

impl<F: FormFields + Send + Sync + 'static> FormState<F> {
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

    /// Changes the form; `field` is what the change is to (a list's
    /// `Row::All` for adding or removing rows).
    pub fn edit(&self, field: Path<F>, change: impl FnOnce(&mut F)) {
        self.form.update(change);
        self.touched.update(|t| {
            t.insert(field.to_string());
        });
        self.server.set(FieldErrors::default());
    }

    /// A refused submit: the problems the server located at the form's
    /// fields go under them; when none is at one of them (another error,
    /// or apiserver causes at paths the form has no input for) the error
    /// goes to `failure`, the form's notice, so it is never invisible.
    pub fn refused(&self, error: ApiError, failure: RwSignal<Option<ApiError>>) {
        let located = error.field_errors();
        let on_form = located.0.iter().any(|e| e.path::<Path<F>>().is_some());
        self.server.set(located);
        if !on_form {
            failure.set(Some(error));
        }
    }

    /// The text input at `field` as it stands (tracked).
    pub fn text(&self, field: Path<F>) -> String {
        self.form
            .with(|f| f.text(&field).cloned())
            .unwrap_or_default()
    }

    pub fn set_text(&self, field: Path<F>, value: String) {
        self.edit(field, |f| {
            if let Some(text) = f.text_mut(&field) {
                *text = value;
            }
        });
    }

    /// Whether the local rule's message at `field` shows: once the field
    /// was touched or a submit attempted.
    pub fn shows_local(&self, field: Path<F>) -> Signal<bool> {
        let s = *self;
        let key = field.to_string();
        Signal::derive(move || s.attempted.get() || s.touched.with(|t| t.contains(&key)))
    }

    /// The message under `field`: the server's, else the local rule's once
    /// [`FormState::shows_local`].
    pub fn message(
        &self,
        field: Path<F>,
    ) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static + use<F> {
        field_message(
            field.to_string(),
            self.local.into(),
            self.server.into(),
            self.shows_local(field),
        )
    }

    /// `aria-invalid` of the input at `field`: "true" while it has a message.
    pub fn invalid(
        &self,
        field: Path<F>,
    ) -> impl Fn() -> Option<&'static str> + Clone + Send + Sync + 'static + use<F> {
        let message = self.message(field);
        move || message().map(|_| "true")
    }
}

/// The id of the input at `field`.
pub fn field_id(field: &impl Display) -> String {
    format!("f-{}", field.to_string().replace('.', "-"))
}

/// A labelled text input.
pub fn text_field<F: FormFields + Send + Sync + 'static>(
    s: FormState<F>,
    field: Path<F>,
    label: &'static str,
    hint: Option<&'static str>,
) -> impl IntoView {
    editable_text_field(s, field, label, hint, Signal::stored(false))
}

/// A labelled text input that may be read-only (a stored object's name).
pub fn editable_text_field<F: FormFields + Send + Sync + 'static>(
    s: FormState<F>,
    field: Path<F>,
    label: &'static str,
    hint: Option<&'static str>,
    read_only: Signal<bool>,
) -> impl IntoView {
    let id = field_id(&field);
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let described_by = match &hint_id {
        Some(h) => format!("{id}-error {h}"),
        None => format!("{id}-error"),
    };
    view! {
        <div class="field" data-field=field.to_string()>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                autocomplete="off"
                spellcheck="false"
                prop:value=move || s.text(field)
                readonly=read_only
                aria-invalid=s.invalid(field)
                aria-describedby=described_by
                on:input=move |ev| s.set_text(field, event_target_value(&ev))
            />
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
            <p class="field-error" id=format!("{id}-error")>{s.message(field)}</p>
        </div>
    }
}

/// An input in a row of a list (ports, env, key/value pairs) whose column
/// says what it is: `label` is its name for screen readers and its
/// placeholder.
pub fn cell_input<F: FormFields + Send + Sync + 'static>(
    s: FormState<F>,
    field: Path<F>,
    label: &'static str,
) -> impl IntoView {
    view! { <div class="cell">{bare_input(s, field, label, label.to_owned())}</div> }
}

/// A row's input and its message, without a wrapper (a table cell holds it).
pub fn bare_input<F: FormFields + Send + Sync + 'static>(
    s: FormState<F>,
    field: Path<F>,
    label: &'static str,
    placeholder: String,
) -> impl IntoView {
    let id = field_id(&field);
    let error_id = format!("{id}-error");
    view! {
        <input
            id=id
            autocomplete="off"
            spellcheck="false"
            placeholder=placeholder
            aria-label=label
            aria-invalid=s.invalid(field)
            aria-describedby=error_id.clone()
            prop:value=move || s.text(field)
            on:input=move |ev| s.set_text(field, event_target_value(&ev))
        />
        <p class="field-error" id=error_id>{s.message(field)}</p>
    }
}

/// A `<select>` over `options` (value, label) bound to one choice of the form.
pub fn select_input<
    F: FormFields + Send + Sync + 'static,
    T: Copy + PartialEq + Send + Sync + 'static,
>(
    s: FormState<F>,
    field: Path<F>,
    // Its name for screen readers (in rows, selects have no visible label).
    label: &'static str,
    options: Vec<(T, &'static str)>,
    get: impl Fn(&F) -> Option<T> + Send + Sync + Clone + 'static,
    set: impl Fn(&mut F, T) + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let values = options.clone();
    view! {
        <select
            id=field_id(&field)
            aria-label=label
            on:change=move |ev| {
                let chosen: usize = event_target_value(&ev).parse().unwrap_or(0);
                if let Some((v, _)) = values.get(chosen).copied() {
                    let set = set.clone();
                    s.edit(field, move |f| set(f, v));
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

/// One radio button of a choice the form holds; `group` is the buttons'
/// common `name`.
#[allow(clippy::too_many_arguments)]
pub fn radio<F: FormFields + Send + Sync + 'static, T: Copy + PartialEq + Send + Sync + 'static>(
    s: FormState<F>,
    field: Path<F>,
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
                on:change=move |_| s.edit(field, |f| set(f, value))
            />
            {label}
        </label>
    }
}

/// Key/value rows (selector, labels, annotations) at `list`.
pub fn key_value_rows<F: FormFields + Send + Sync + 'static>(
    s: FormState<F>,
    list: fn(Row<KeyValueField>) -> Path<F>,
    rows: fn(&mut F) -> &mut Vec<KeyValue>,
    read: fn(&F) -> &Vec<KeyValue>,
) -> impl IntoView {
    let t = use_texts();
    let count = Memo::new(move |_| s.form.with(|f| read(f).len()));
    let row = move |i: usize| {
        view! {
            <div class="row" data-row=i>
                {cell_input(s, list(Row::At(i, KeyValueField::Key)), t.key)}
                <span class="eq">"="</span>
                {cell_input(s, list(Row::At(i, KeyValueField::Value)), t.value)}
                <button type="button" class="btn btn-icon" title=t.remove
                    on:click=move |_| s.edit(list(Row::All), |f| { rows(f).remove(i); })>"×"</button>
            </div>
        }
    };
    let name = list(Row::All).to_string();
    view! {
        <div class="rows" id=field_id(&list(Row::All)) data-list=name>
            {move || (0..count.get()).map(row).collect_view()}
            <button type="button" class="btn btn-small" data-add=name.clone()
                on:click=move |_| s.edit(list(Row::All), |f| rows(f).push(KeyValue::default()))>
                {t.add_row}
            </button>
            <p class="field-error" id=format!("{}-error", field_id(&list(Row::All)))>{s.message(list(Row::All))}</p>
        </div>
    }
}
