//! Light or dark. By default the page follows the system
//! (`prefers-color-scheme`, in the stylesheet); the header's switch picks
//! one, kept in a preference cookie that the server reads to render
//! `<html data-theme=…>`, so a reload never flashes the other colours.

use crate::components::use_texts;
use leptos::prelude::*;

pub const THEME_COOKIE: &str = "wharf_theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(value: &str) -> Option<Theme> {
        match value.trim() {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The theme chosen in a `Cookie` header, if any.
    pub fn from_cookie_header(header: &str) -> Option<Theme> {
        crate::preferences::cookie_value(header, THEME_COOKIE).and_then(Theme::parse)
    }
}

/// The theme the request chose (server), or the one the page was rendered
/// with (browser); None: the system's.
pub fn chosen_theme() -> Option<Theme> {
    #[cfg(feature = "hydrate")]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("data-theme"))
            .and_then(|v| Theme::parse(&v))
    }
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    {
        use_context::<http::request::Parts>().and_then(|p| {
            p.headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .and_then(Theme::from_cookie_header)
        })
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

/// Whether the system asks for dark (browser only).
#[cfg(feature = "hydrate")]
fn system_is_dark() -> bool {
    window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// The header's switch: pressed while the page is dark.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let t = use_texts();
    let chosen = chosen_theme();
    // What the server knew; after hydration, what the system says too.
    let dark = RwSignal::new(chosen == Some(Theme::Dark));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if chosen.is_none() {
            dark.set(system_is_dark());
        }
    });
    let toggle = move |_| {
        let next = if dark.get_untracked() {
            Theme::Light
        } else {
            Theme::Dark
        };
        dark.set(next == Theme::Dark);
        #[cfg(feature = "hydrate")]
        {
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("data-theme", next.as_str());
            }
            crate::preferences::set_cookie(THEME_COOKIE, next.as_str());
        }
    };
    view! {
        <button id="switch-theme" type="button" class="btn btn-ghost" on:click=toggle
            aria-pressed=move || dark.get().to_string() aria-label=t.dark_mode title=t.dark_mode>
            <span aria-hidden="true">"◐"</span>
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_chooses_and_junk_is_the_system() {
        assert_eq!(
            Theme::from_cookie_header("wharf_lang=en; wharf_theme=dark"),
            Some(Theme::Dark)
        );
        assert_eq!(
            Theme::from_cookie_header("wharf_theme=light"),
            Some(Theme::Light)
        );
        assert_eq!(Theme::from_cookie_header("wharf_theme=<b>"), None);
        assert_eq!(Theme::from_cookie_header("other=dark"), None);
    }
}
