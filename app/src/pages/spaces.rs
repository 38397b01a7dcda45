//! Spaces (namespaces) as tabs, with the create and delete dialogs.

use crate::api::{
    AppError, create_space, delete_space, get_access, get_space_contents, list_spaces,
};
use crate::components::form::FormState;
use crate::components::live::follow;
use crate::components::{
    AccessContext, ErrorNotice, FieldMessage, LazyDialog, Loading, Modal, use_denied, use_texts,
};
use crate::pages::space_picker::{SpacePicker, use_space_tabs};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::{use_location, use_navigate};
use wharf_spec::ApiError;
use wharf_spec::access::Action;
use wharf_spec::cluster::within_cluster;
use wharf_spec::live::{LiveRows, MAX_WINDOW, Source, View};
use wharf_spec::space::{NewSpace, SpaceField, check_delete_confirmation};
use wharf_spec::view::SpaceSummary;

/// The space list, shared by the tabs, the home redirect and the dialogs.
#[derive(Clone, Copy)]
pub struct SpacesResource(pub crate::api::Loaded<Result<Vec<SpaceSummary>, AppError>>);

/// The space in the current URL (`/clusters/{cluster}/spaces/{space}/…`).
fn current_space() -> Memo<Option<String>> {
    let location = use_location();
    Memo::new(move |_| {
        location.pathname.with(|p| {
            let mut parts = within_cluster(p).trim_start_matches('/').split('/');
            (parts.next() == Some("spaces"))
                .then(|| parts.next().filter(|s| !s.is_empty()).map(str::to_owned))
                .flatten()
        })
    })
}

/// Which section of the space the URL is in: `apps`, `services`, `pods`
/// or `events`.
fn current_section() -> Memo<&'static str> {
    let location = use_location();
    Memo::new(move |_| {
        location.pathname.with(|p| {
            let rest: Vec<&str> = within_cluster(p)
                .trim_start_matches('/')
                .split('/')
                .skip(2)
                .collect();
            match rest.as_slice() {
                ["apps", ..] | ["new", "app"] => "apps",
                ["pods", ..] => "pods",
                ["events", ..] => "events",
                _ => "services",
            }
        })
    })
}

/// System spaces sort after the user's own.
fn tab_order(a: &SpaceSummary, b: &SpaceSummary) -> std::cmp::Ordering {
    let system = |s: &SpaceSummary| s.name.starts_with("kube-");
    system(a).cmp(&system(b)).then_with(|| a.name.cmp(&b.name))
}

#[component]
pub fn SpaceLayout() -> impl IntoView {
    let t = use_texts();
    let spaces = crate::api::resource(|| (), |_| list_spaces());
    provide_context(SpacesResource(spaces));
    let current = current_space();
    let section = current_section();
    let creating = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let on_nodes = {
        let location = use_location();
        Memo::new(move |_| {
            location
                .pathname
                .with(|p| within_cluster(p).starts_with("/nodes"))
        })
    };
    // What the user may do here (asked again when the space changes; the
    // namespace verbs are cluster-wide, so the home page asks of `default`).
    provide_context(AccessContext(LocalResource::new(move || {
        let space = current.get().unwrap_or_else(|| "default".into());
        async move { get_access(space).await.ok() }
    })));
    let may_not_create = use_denied(Action::CreateSpace);
    let may_not_delete = use_denied(Action::DeleteSpace);

    // The tabs follow the cluster: a space made or deleted elsewhere comes
    // and goes, "deleting" shows as it starts. Until the first window (and
    // for a user who may not list namespaces) the rendered list stays.
    let live_spaces = RwSignal::new(None::<Vec<SpaceSummary>>);
    follow(
        Source::spaces(),
        View {
            limit: MAX_WINDOW,
            ..View::default()
        },
        move |window| {
            if let LiveRows::Spaces(rows) = window.rows {
                live_spaces.set(Some(rows));
            }
        },
    );

    let remembered = use_space_tabs(current);
    let listed = Memo::new(move |_| live_spaces.with(Option::is_some));
    let all_spaces = Signal::derive(move || {
        let mut all = live_spaces.get().unwrap_or_default();
        all.sort_by(tab_order);
        all
    });
    let tabs = move || {
        Suspend::new(async move {
            match spaces.await {
                // No reactive value is made in here: a Transition keeps this
                // view while the resource loads again, after its owner (and
                // anything made in it) is gone.
                Ok(mut rendered) => {
                    rendered.sort_by(tab_order);
                    (move || {
                        // The live list once it has come (sorted once, in
                        // `all_spaces`), else the server's.
                        let all = if listed.get() { all_spaces.get() } else { rendered.clone() };
                        let current_name = current.get();
                        remembered.with(|r| {
                            r.shown(&all, current_name.as_deref())
                                .into_iter()
                                .map(|s| view! { <SpaceTab space=s.clone() current section /> })
                                .collect_view()
                        })
                    })
                    .into_any()
                }
                // A user who may not list namespaces still works in the one
                // in the URL: show it as the only tab.
                // (The home page offers the same field in its own place.)
                Err(AppError(ApiError::Forbidden { .. })) => (move || {
                    current.get().map(|name| {
                        view! {
                            <a class="tab" href=format!("{}/spaces/{name}/services", crate::paths::cluster_root()) aria-current="page" data-space=name.clone()>
                                {name.clone()}
                            </a>
                            <GoToSpace />
                        }
                    })
                })
                .into_any(),
                Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
            }
        })
    };

    // Its own view (type-erased): the layout's whole view type is otherwise
    // deeper than the compiler's query limit.
    let spacebar = view! {
        <nav class="spacebar" aria-label=t.spaces>
            <span class="spacebar-label">{t.spaces}</span>
            <div class="tabs">
                <Transition fallback=Loading>{tabs}</Transition>
            </div>
            // Once the live list is there (a user who may not list spaces
            // has the field to type one instead).
            {move || listed.get().then(|| view! {
                <SpacePicker spaces=all_spaces tabs=remembered section />
            })}
            <button id="new-space" class="btn btn-tab-add" aria-label=t.new_space on:click=move |_| creating.set(true)
                disabled=move || may_not_create.get().is_some()
                title=move || may_not_create.get().unwrap_or_else(|| t.new_space.to_owned())>
                "+"
            </button>
            <span class="spacer"></span>
            <a id="nodes-link" class="btn" href=crate::paths::at("/nodes")
                aria-current=move || on_nodes.get().then_some("page")>
                {t.nodes_title}
            </a>
            <Show when=move || current.get().is_some()>
                <button id="delete-space" class="btn btn-danger-ghost" on:click=move |_| deleting.set(true)
                    disabled=move || may_not_delete.get().is_some() title=move || may_not_delete.get()>
                    {t.delete_space}
                </button>
            </Show>
        </nav>
    }
    .into_any();
    view! {
        {spacebar}
        <main class="page">
            {move || current.get().map(|space| {
                let link = move |id: &'static str, which: &'static str, label: &'static str| view! {
                    <a id=id class="section-tab" href=format!("{}/spaces/{space}/{which}", crate::paths::cluster_root())
                        aria-current=move || (section.get() == which).then_some("page")>{label}</a>
                };
                view! {
                    <nav class="section-tabs" aria-label=t.space_sections>
                        {link("section-apps", "apps", t.apps)}
                        {link("section-services", "services", t.services)}
                        {link("section-pods", "pods", t.pods_tab)}
                        {link("section-events", "events", t.events)}
                    </nav>
                }
            })}
            <Outlet />
        </main>
        // The dialogs' code (forms, checks) comes when one is first opened.
        <Show when=move || creating.get()>
            <LazyDialog>{move || Suspend::new(create_space_dialog(creating))}</LazyDialog>
        </Show>
        <Show when=move || deleting.get()>
            <LazyDialog>
                {move || current.get().map(|space| Suspend::new(delete_space_dialog(space, deleting)))}
            </LazyDialog>
        </Show>
    }
}

/// [`CreateSpaceDialog`], in a wasm part of its own (`#[lazy]`).
#[leptos::lazy]
fn create_space_dialog(open: RwSignal<bool>) -> AnyView {
    view! { <CreateSpaceDialog open /> }.into_any()
}

/// [`DeleteSpaceDialog`], in a wasm part of its own (`#[lazy]`).
#[leptos::lazy]
fn delete_space_dialog(space: String, open: RwSignal<bool>) -> AnyView {
    view! { <DeleteSpaceDialog space open /> }.into_any()
}

/// One space's tab: to the same section of that space.
#[component]
fn SpaceTab(
    space: SpaceSummary,
    current: Memo<Option<String>>,
    section: Memo<&'static str>,
) -> impl IntoView {
    let t = use_texts();
    let name = space.name.clone();
    let href = {
        let name = name.clone();
        move || {
            format!(
                "{}/spaces/{name}/{}",
                crate::paths::cluster_root(),
                section.get()
            )
        }
    };
    let is_current = {
        let name = name.clone();
        move || current.get().as_deref() == Some(name.as_str())
    };
    view! {
        <a
            class="tab"
            class:tab-terminating=space.terminating
            href=href
            title=space.description.clone().unwrap_or_default()
            aria-current=move || is_current().then_some("page")
            data-space=name.clone()
        >
            {name.clone()}
            {space.terminating.then(|| view! { <span class="badge badge-warn">{t.terminating}</span> })}
        </a>
    }
}

/// `/`: go to a space (`default` if it is there), or invite to create one.
#[component]
pub fn Home() -> impl IntoView {
    let t = use_texts();
    let SpacesResource(spaces) = expect_context();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match spaces.await {
                    Ok(list) => {
                        let live = || list.iter().filter(|s| !s.terminating);
                        let pick = live()
                            .find(|s| s.name == "default")
                            .or_else(|| live().min_by(|a, b| tab_order(a, b)))
                            .map(|s| s.name.clone());
                        match pick {
                            Some(name) => view! { <Redirect path=format!("{}/spaces/{name}/services", crate::paths::cluster_root()) /> }.into_any(),
                            None => view! { <div class="empty-state"><p>{t.no_spaces}</p></div> }.into_any(),
                        }
                    }
                    Err(AppError(ApiError::Forbidden { .. })) => view! {
                        <div class="empty-state">
                            <p>{t.go_to_space_hint}</p>
                            <GoToSpace />
                        </div>
                    }
                    .into_any(),
                    Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// For a user who may not list namespaces: type the name of one to open.
#[component]
fn GoToSpace() -> impl IntoView {
    let t = use_texts();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let space = name.get_untracked().trim().to_owned();
        if !space.is_empty() {
            let space = wharf_spec::stream::percent_encode(&space);
            navigate(
                &format!("{}/spaces/{space}/services", crate::paths::cluster_root()),
                Default::default(),
            );
        }
    };
    view! {
        <form class="go-to-space" id="go-to-space" on:submit=submit title=t.go_to_space_hint>
            <input id="go-to-space-name" autocomplete="off" placeholder=t.space_name aria-label=t.space_name
                bind:value=name />
            <button type="submit" class="btn btn-small">{t.go_to_space}</button>
        </form>
    }
}

#[component]
fn CreateSpaceDialog(open: RwSignal<bool>) -> impl IntoView {
    let t = use_texts();
    let SpacesResource(spaces) = expect_context();
    let navigate = use_navigate();
    let s = FormState::new(NewSpace::default(), |f: &NewSpace| {
        f.validate().err().unwrap_or_default()
    });
    let failure = RwSignal::new(None::<ApiError>);
    let create = leptos::prelude::Action::new(move |form: &NewSpace| {
        let form = form.clone();
        async move { create_space(form.name, form.description).await }
    });
    // The answer, in the browser (effects do not run on the server).
    Effect::new(move |_| match create.value().get() {
        None => {}
        Some(Ok(space)) => {
            open.set(false);
            spaces.refetch();
            navigate(
                &format!(
                    "{}/spaces/{}/services",
                    crate::paths::cluster_root(),
                    space.name
                ),
                Default::default(),
            );
        }
        Some(Err(AppError(e))) => s.refused(e, failure),
    });
    let pending = create.pending();
    let can_submit = move || !pending.get() && s.is_valid();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        s.attempted.set(true);
        if !can_submit() {
            return;
        }
        failure.set(None);
        create.dispatch(s.form.get_untracked());
    };

    view! {
        <Modal open busy=pending>
            <form
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="create-space-title"
                on:click=|ev| ev.stop_propagation()
                on:submit=submit
                novalidate
            >
                <h2 id="create-space-title">{t.new_space}</h2>
                <div class="field" data-field=SpaceField::Name.to_string()>
                    <label for="space-name">{t.space_name}</label>
                    <input
                        id="space-name"
                        name="name"
                        autocomplete="off"
                        spellcheck="false"
                        autofocus
                        prop:value=move || s.text(SpaceField::Name)
                        on:input=move |ev| s.set_text(SpaceField::Name, event_target_value(&ev))
                        aria-invalid=s.invalid(SpaceField::Name)
                        aria-describedby="name-error space-name-hint"
                    />
                    <p class="field-hint" id="space-name-hint">{t.space_name_hint}</p>
                    <FieldMessage
                        field=SpaceField::Name.to_string()
                        local=s.local.into()
                        server=s.server.into()
                        show_local=s.shows_local(SpaceField::Name)
                    />
                </div>
                <div class="field" data-field=SpaceField::Description.to_string()>
                    <label for="space-description">
                        {t.description} <span class="muted">" (" {t.optional} ")"</span>
                    </label>
                    <textarea
                        id="space-description"
                        name="description"
                        rows="2"
                        prop:value=move || s.text(SpaceField::Description)
                        on:input=move |ev| s.set_text(SpaceField::Description, event_target_value(&ev))
                        aria-invalid=s.invalid(SpaceField::Description)
                    ></textarea>
                    <FieldMessage
                        field=SpaceField::Description.to_string()
                        local=s.local.into()
                        server=s.server.into()
                        show_local=s.shows_local(SpaceField::Description)
                    />
                </div>
                {move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}
                <div class="modal-actions">
                    <button type="button" class="btn" disabled=move || pending.get() on:click=move |_| open.set(false)>
                        {t.cancel}
                    </button>
                    <button id="create-space-submit" type="submit" class="btn btn-primary" disabled=move || !can_submit()>
                        {move || if pending.get() { t.creating } else { t.create }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

/// How many names of each kind the confirmation lists before "and N more".
const LIST_AT_MOST: usize = 8;

#[component]
fn DeleteSpaceDialog(space: String, open: RwSignal<bool>) -> impl IntoView {
    let t = use_texts();
    let SpacesResource(spaces) = expect_context();
    let navigate = use_navigate();
    let typed = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<ApiError>);
    let delete = leptos::prelude::Action::new({
        let space = space.clone();
        move |typed: &String| delete_space(space.clone(), typed.clone())
    });
    let pending = delete.pending();
    // The answer, in the browser (effects do not run on the server).
    Effect::new(move |_| match delete.value().get() {
        None => {}
        Some(Ok(())) => {
            open.set(false);
            spaces.refetch();
            navigate(&crate::paths::at(""), Default::default());
        }
        Some(Err(AppError(e))) => failure.set(Some(e)),
    });
    let contents = LocalResource::new({
        let space = space.clone();
        move || get_space_contents(space.clone())
    });
    let confirmed = {
        let space = space.clone();
        move || check_delete_confirmation(&space, &typed.get()).is_ok()
    };
    let can_delete = {
        let confirmed = confirmed.clone();
        move || confirmed() && !pending.get()
    };

    let submit = {
        let can_delete = can_delete.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if !can_delete() {
                return;
            }
            failure.set(None);
            delete.dispatch(typed.get_untracked());
        }
    };

    let group = move |title: &'static str, names: Vec<String>| {
        (!names.is_empty()).then(|| {
            let more = names.len().saturating_sub(LIST_AT_MOST);
            view! {
                <li>
                    <strong>{title}" ("{names.len()}")"</strong>
                    ": "
                    {names.into_iter().take(LIST_AT_MOST).collect::<Vec<_>>().join(", ")}
                    {(more > 0).then(|| format!(" {}", (t.more)(more)))}
                </li>
            }
        })
    };

    view! {
        <Modal open busy=pending>
            <form
                class="modal modal-danger"
                role="dialog"
                aria-modal="true"
                aria-labelledby="delete-space-title"
                on:click=|ev| ev.stop_propagation()
                on:submit=submit
            >
                <h2 id="delete-space-title">{(t.delete_space_title)(&space)}</h2>
                <p class="notice notice-warn">{t.delete_space_warning}</p>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match contents.await {
                            Ok(c) if c.is_empty() => view! { <p class="muted">{t.space_is_empty}</p> }.into_any(),
                            Ok(c) => view! {
                                <p>{t.delete_space_takes}</p>
                                <ul id="space-contents" class="contents-list">
                                    {group(t.services, c.services)}
                                    {group(t.deployments, c.deployments)}
                                    {group(t.statefulsets, c.statefulsets)}
                                    {group(t.pods, c.pods)}
                                </ul>
                            }.into_any(),
                            Err(AppError(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                        }
                    })}
                </Suspense>
                <div class="field">
                    <label for="delete-confirm">{(t.type_name_to_confirm)(&space)}</label>
                    <input
                        id="delete-confirm"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=typed
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                </div>
                {move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}
                <div class="modal-actions">
                    <button type="button" class="btn" disabled=move || pending.get() on:click=move |_| open.set(false)>
                        {t.cancel}
                    </button>
                    <button id="delete-space-submit" type="submit" class="btn btn-danger" disabled=move || !can_delete()>
                        {move || if pending.get() { t.deleting } else { t.delete }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
