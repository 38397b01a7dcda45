use crate::components::title::page_title;
use crate::components::use_texts;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::pages::lazy::{
    AppDetailRoute, AppListRoute, AppUpgradeRoute, AppWizardRoute, ClusterListRoute,
    CreateFromYamlRoute, LogsRoute, NodeListRoute, NodeRoute, PodRoute, ServiceCreateRoute,
    ServiceDetailRoute, ServiceEditRoute, SignInRoute, SpaceEventsRoute, SpacePodsRoute,
    TerminalRoute,
};
use crate::pages::{ClusterSwitcher, Home, NotFound, ServiceList, SpaceLayout};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{Lazy, SsrMode, path};

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    provide_context(lang);
    #[cfg(feature = "ssr")]
    crate::backend::announce_script_nonce();
    let preloads = lazy_preloads(&options);
    // The built files' path without extension: `/pkg/<version>/wharf`.
    let files = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag() data-theme=crate::theme::chosen_theme().map(crate::theme::Theme::as_str)>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                // The built files' versioned folder (the server's assets.rs):
                // the page always goes with the code it was rendered for.
                <link rel="stylesheet" id="leptos" href=format!("{files}.css") />
                <HydrationScripts files=&files />
                {preloads}
                <meta name="wharf-embed-origins" content=embed_origins() />
                <meta name="wharf-node-ports" content=crate::components::node_port_range().to_string() />
                <meta name="wharf-clusters" content=serde_json::to_string(&crate::components::cluster_choices()).unwrap_or_default() />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// What starts the browser's wasm (in place of Leptos' `HydrationScripts`:
/// `hydration.js` says why), and the notice it shows when that fails.
#[component]
fn HydrationScripts<'a>(files: &'a str) -> impl IntoView + use<> {
    let (js, wasm) = (format!("{files}.js"), format!("{files}.wasm"));
    let start = format!("{}({js:?}, {wasm:?});", include_str!("hydration.js"));
    let texts = use_texts();
    view! {
        <link rel="modulepreload" href=js />
        <link rel="preload" href=wasm r#as="fetch" type="application/wasm" crossorigin="anonymous" />
        <template id="page-broken-notice">
            <div id="page-broken" class="notice notice-error page-broken" role="alert">
                <p>{texts.page_broken}</p>
                <button type="button" class="btn btn-primary">{texts.reload_page}</button>
            </div>
        </template>
        <script type="module" nonce=leptos::nonce::use_nonce()>{start}</script>
    }
}

/// `<link rel=preload>` for the bundle of wasm parts of the lazy page the
/// request asks for, if it does (server only).
fn lazy_preloads(options: &LeptosOptions) -> impl IntoView + use<> {
    #[cfg(feature = "ssr")]
    {
        let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_owned());
        path.as_deref()
            .and_then(crate::pages::lazy::lazy_route_of)
            .and_then(|page| crate::backend::lazy_bundle(options, page.part_name()))
            .map(|bundle| {
                let href = format!("/{}/{bundle}", options.site_pkg_dir);
                view! { <link rel="preload" href=href r#as="fetch" crossorigin="anonymous" /> }
            })
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = options;
    }
}

/// The configured embedding origins, for the page's `postMessage` reports.
fn embed_origins() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::backend::EmbedOrigins>()
            .map(|o| o.0.join(" "))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// The language of the request: the `wharf_lang` cookie, else `Accept-Language`.
#[cfg(feature = "ssr")]
fn request_lang() -> Lang {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Lang::En;
    };
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    header(http::header::COOKIE)
        .and_then(Lang::from_cookie_header)
        .unwrap_or_else(|| {
            Lang::from_accept_language(header(http::header::ACCEPT_LANGUAGE).unwrap_or(""))
        })
}

#[cfg(not(feature = "ssr"))]
fn request_lang() -> Lang {
    Lang::En
}

/// In the browser, the language is the one the server rendered with.
fn document_lang() -> Lang {
    #[cfg(feature = "hydrate")]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or(Lang::En)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Lang::En
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = use_context::<Lang>().unwrap_or_else(document_lang);
    provide_context(lang);
    view! {
        <Router>
            <PageTitle />
            <Header />
            <Routes fallback=NotFound>
                <Route path=path!("sign-in") view={Lazy::<SignInRoute>::new()} />
                <Route path=path!("clusters") view={Lazy::<ClusterListRoute>::new()} ssr=SsrMode::Async />
                // Every page of a cluster is under its name; `/` and the
                // paths from before (`/spaces/…`) are sent here by the server.
                <ParentRoute path=path!("clusters/:cluster") view=SpaceLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=Home ssr=SsrMode::Async />
                    <Route path=path!("nodes") view={Lazy::<NodeListRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("nodes/:node") view={Lazy::<NodeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/services") view=ServiceList ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/apps") view={Lazy::<AppListRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/new/app") view={Lazy::<AppWizardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/apps/:name/upgrade") view={Lazy::<AppUpgradeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/apps/:name") view={Lazy::<AppDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/new/service") view={Lazy::<ServiceCreateRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/new/yaml") view={Lazy::<CreateFromYamlRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("spaces/:space/services/:name/edit")
                        view={Lazy::<ServiceEditRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("spaces/:space/services/:name")
                        view={Lazy::<ServiceDetailRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("spaces/:space/pods") view={Lazy::<SpacePodsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/events") view={Lazy::<SpaceEventsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/pods/:pod") view={Lazy::<PodRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/pods/:pod/terminal/:container") view={Lazy::<TerminalRoute>::new()} />
                    <Route path=path!("spaces/:space/pods/:pod/logs/:container") view={Lazy::<LogsRoute>::new()} />
                    <Route path=path!("spaces/:space/apps/:name/logs") view={Lazy::<LogsRoute>::new()} />
                    <Route path=path!("spaces/:space/services/:name/logs") view={Lazy::<LogsRoute>::new()} />
                </ParentRoute>
                // One thing each, without header and tabs, for iframes.
                <ParentRoute path=path!("embed/clusters/:cluster") view=EmbedLayout ssr=SsrMode::Async>
                    <Route path=path!("spaces/:space/pods/:pod/terminal/:container") view={Lazy::<TerminalRoute>::new()} />
                    <Route path=path!("spaces/:space/pods/:pod/logs/:container") view={Lazy::<LogsRoute>::new()} />
                    <Route path=path!("spaces/:space/apps/:name/logs") view={Lazy::<LogsRoute>::new()} />
                    <Route path=path!("spaces/:space/services/:name/logs") view={Lazy::<LogsRoute>::new()} />
                    <Route path=path!("spaces/:space/apps/:name") view={Lazy::<AppDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("spaces/:space/services") view=ServiceList ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Who is signed in, and sign-out (multi-user mode only).
#[component]
fn UserBadge() -> impl IntoView {
    let t = use_texts();
    // Blocking: the header is outside the routes, and the first response
    // must already say who is signed in.
    let user = crate::api::Loaded::new_with_options(|| (), |_| crate::api::current_user(), true);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                user.await.ok().flatten().map(|name| view! {
                    <span class="user" id="signed-in-user" title=(t.signed_in_as)(&name)>{name.clone()}</span>
                    <form method="post" action="/auth/sign-out">
                        <input type="hidden" name="cluster" value=crate::paths::current_cluster().unwrap_or_default() />
                        <button id="sign-out" class="btn btn-ghost" type="submit">{t.sign_out}</button>
                    </form>
                })
            })}
        </Suspense>
    }
}

/// The frame of `/embed/…` pages: the page alone, reporting to the parent.
#[component]
fn EmbedLayout() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    crate::streams::embed::report_navigation();
    view! {
        <main class="embed">
            <Outlet />
        </main>
    }
}

/// The page's `<title>`, following the route (see `components::title`).
#[component]
fn PageTitle() -> impl IntoView {
    let t = use_texts();
    let location = leptos_router::hooks::use_location();
    let text = move || location.pathname.with(|p| page_title(t, p));
    view! { <Title text=text /> }
}

#[component]
fn Header() -> impl IntoView {
    if use_location()
        .pathname
        .get_untracked()
        .starts_with("/embed/")
    {
        return ().into_any();
    }
    let lang = expect_context::<Lang>();
    let t = lang.texts();
    let switch_language = move |_| {
        // A preference cookie (read by the server to render the right
        // language), then a reload so every string is rendered anew.
        #[cfg(feature = "hydrate")]
        {
            crate::preferences::set_cookie(LANG_COOKIE, lang.other().tag());
            let _ = window().location().reload();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (LANG_COOKIE, lang);
    };
    view! {
        <header class="topbar">
            // `/` is the server's: the cluster list, or the one cluster.
            <a class="brand" href="/" rel="external">
                <span class="brand-mark" aria-hidden="true">"⚓"</span>
                <span class="brand-name">"Wharf"</span>
            </a>
            <span class="brand-tagline">{t.app_tagline}</span>
            <ClusterSwitcher />
            <span class="spacer"></span>
            <UserBadge />
            <crate::theme::ThemeSwitch />
            <button id="switch-language" class="btn btn-ghost" lang=lang.other().tag() on:click=switch_language>
                {t.switch_language}
            </button>
        </header>
    }
    .into_any()
}
