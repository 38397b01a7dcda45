//! Preference cookies (`wharf_lang`, `wharf_theme`): not secrets, set by the
//! page's scripts and read by the server to render the page the way the
//! user chose.

/// The value of cookie `name` in a `Cookie` header, if set.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then_some(v.trim())
    })
}

/// Keeps a preference for a year (browser only).
#[cfg(feature = "hydrate")]
pub fn set_cookie(name: &str, value: &str) {
    use wasm_bindgen::JsCast;
    let doc: web_sys::HtmlDocument = leptos::prelude::document().unchecked_into();
    let _ = doc.set_cookie(&format!(
        "{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_found_by_its_name() {
        let header = "wharf_lang=zh-CN; wharf_theme=dark";
        assert_eq!(cookie_value(header, "wharf_theme"), Some("dark"));
        assert_eq!(cookie_value(header, "wharf_lang"), Some("zh-CN"));
        assert_eq!(cookie_value(header, "wharf"), None);
    }
}
