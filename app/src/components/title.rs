//! Each page's `<title>`, from its path: what it shows, then where
//! (`web · Services · dev — Wharf`), so that browser tabs, history and the
//! embed's `postMessage` reports tell pages apart.

use crate::i18n::Texts;
use wharf_spec::cluster::{cluster_in_path, within_cluster};

const PRODUCT: &str = "Wharf";

/// The title of the page at `path`. (Names in paths are DNS labels:
/// nothing to decode.)
pub fn page_title(t: &Texts, path: &str) -> String {
    let cluster = cluster_in_path(path);
    let rest: Vec<&str> = within_cluster(path)
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let parts: Vec<String> = match (cluster, rest.as_slice()) {
        (_, ["sign-in"]) => vec![t.sign_in.into()],
        (None, ["clusters"]) => vec![t.clusters_title.into()],
        (_, ["nodes"]) => vec![t.nodes_title.into()],
        (_, ["nodes", node]) => vec![(*node).into(), t.nodes_title.into()],
        (_, ["spaces", space, section @ ..]) => {
            let mut parts = match section {
                ["new", "app"] => vec![t.new_app.into()],
                ["new", "service"] => vec![t.new_service.into()],
                ["new", "yaml"] => vec![t.create_from_yaml.into()],
                ["apps"] => vec![t.apps.into()],
                ["apps", name] => vec![(*name).into(), t.apps.into()],
                ["apps", name, "upgrade"] => vec![(t.upgrade_title)(name), t.apps.into()],
                ["apps", name, "logs"] => vec![t.logs.into(), (*name).into()],
                ["services", name] => vec![(*name).into(), t.services.into()],
                ["services", name, "edit"] => vec![(t.edit_service_title)(name)],
                ["services", name, "logs"] => vec![t.logs.into(), (*name).into()],
                ["pods"] => vec![t.pods_tab.into()],
                ["pods", pod] => vec![(*pod).into(), t.pods_tab.into()],
                ["pods", pod, "terminal", container] => {
                    vec![t.terminal.into(), format!("{pod}/{container}")]
                }
                ["pods", pod, "logs", container] => {
                    vec![t.logs.into(), format!("{pod}/{container}")]
                }
                ["events"] => vec![t.events.into()],
                _ => vec![t.services.into()],
            };
            parts.push((*space).into());
            parts
        }
        _ => Vec::new(),
    };
    if parts.is_empty() {
        PRODUCT.into()
    } else {
        format!("{} — {PRODUCT}", parts.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn titles_say_what_then_where() {
        let en = Lang::En.texts();
        let c = "/clusters/kube-a";
        assert_eq!(
            page_title(en, &format!("{c}/spaces/dev/services")),
            "Services · dev — Wharf"
        );
        assert_eq!(
            page_title(en, &format!("{c}/spaces/dev/services/web")),
            "web · Services · dev — Wharf"
        );
        assert_eq!(
            page_title(en, &format!("/embed{c}/spaces/dev/pods/web-1/terminal/app")),
            "Terminal · web-1/app · dev — Wharf"
        );
        assert_eq!(
            page_title(en, &format!("{c}/nodes/n1")),
            "n1 · Nodes — Wharf"
        );
        assert_eq!(page_title(en, "/clusters"), "Clusters — Wharf");
        assert_eq!(page_title(en, c), "Wharf");
        let zh = Lang::ZhCn.texts();
        assert_eq!(
            page_title(zh, &format!("{c}/spaces/dev/apps")),
            "容器服务 · dev — Wharf"
        );
    }
}
