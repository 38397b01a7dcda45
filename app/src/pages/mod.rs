//! Routed pages.

mod app_wizard;
mod apps;
mod clusters;
mod events;
pub mod lazy;
mod nodes;
mod pods;
mod service_form;
mod services;
mod sign_in;
mod space_picker;
mod space_pods;
mod spaces;
mod yaml;

pub use app_wizard::AppWizardPage;
pub use apps::{AppDetailPage, AppList, AppUpgradePage};
pub use clusters::{ClusterList, ClusterSwitcher};
pub use events::{ObjectEvents, SpaceEvents};
pub use nodes::{NodeList, NodePage};
pub use pods::{LogsPage, PodPage, TerminalPage, is_embedded, pod_status_text, usage_cells};
pub use service_form::{ServiceCreatePage, ServiceEditPage};
pub use services::{ServiceDetailPage, ServiceList};
pub use sign_in::SignInPage;
pub use space_pods::{SelectedPods, SpacePods};
pub use spaces::{Home, SpaceLayout, SpacesResource};
pub use yaml::CreateFromYamlPage;

use crate::components::use_texts;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let t = use_texts();
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <section class="page empty-state">
            <h1>{t.page_not_found}</h1>
            <a class="btn" href="/" rel="external">{t.back_home}</a>
        </section>
    }
}
