//! Every user-visible string, one file per language. A language is a value of
//! [`Texts`], so a string missing in one language is a compile error.
//!
//! The language comes from the `wharf_lang` cookie, else `Accept-Language`;
//! the server renders `<html lang>` with it and the browser reads it back
//! when hydrating, so both sides always agree.

mod en;
mod zh_cn;

use wharf_spec::app::{
    AppField, ContainerField, ContainerPortField, EnvField, MountField, ProbeField,
    TolerationField, VolumeField,
};
use wharf_spec::field::{KeyValueField, Row};
use wharf_spec::service::{PortField, ServiceField};
use wharf_spec::view::ServiceKind;
use wharf_spec::{ApiError, Problem};

pub const LANG_COOKIE: &str = "wharf_lang";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    /// The BCP 47 tag used in `<html lang>` and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The first supported language of an `Accept-Language` header, in the
    /// order the browser lists them (q-values are written in that order in
    /// practice); English when none is supported.
    pub fn from_accept_language(header: &str) -> Lang {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::En)
    }

    /// The value of the language cookie in a `Cookie` header, if set.
    pub fn from_cookie_header(header: &str) -> Option<Lang> {
        crate::preferences::cookie_value(header, LANG_COOKIE).and_then(Lang::from_tag)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::ZhCn,
            Lang::ZhCn => Lang::En,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::TEXTS,
            Lang::ZhCn => &zh_cn::TEXTS,
        }
    }
}

/// One language's strings. Functions are for strings with values in them.
pub struct Texts {
    pub language_name: &'static str,
    pub switch_language: &'static str,
    pub dark_mode: &'static str,
    pub app_tagline: &'static str,
    pub spaces: &'static str,
    pub new_space: &'static str,
    /// The space picker's button (followed by the count).
    pub all_spaces: &'static str,
    pub find_space: &'static str,
    /// `(matching, all)`.
    pub spaces_matching: fn(usize, usize) -> String,
    /// Matches not listed (type to narrow).
    pub more_spaces: fn(usize) -> String,
    pub pin_space: &'static str,
    pub unpin_space: &'static str,
    pub delete_space: &'static str,
    pub space_name: &'static str,
    pub space_name_hint: &'static str,
    pub description: &'static str,
    pub optional: &'static str,
    pub create: &'static str,
    pub creating: &'static str,
    pub cancel: &'static str,
    pub delete: &'static str,
    pub deleting: &'static str,
    pub terminating: &'static str,
    pub delete_space_title: fn(&str) -> String,
    pub delete_space_warning: &'static str,
    pub delete_space_takes: &'static str,
    pub space_is_empty: &'static str,
    pub type_name_to_confirm: fn(&str) -> String,
    pub more: fn(usize) -> String,
    pub deployments: &'static str,
    pub statefulsets: &'static str,
    pub pods: &'static str,
    pub services: &'static str,
    pub no_spaces: &'static str,
    pub space_gone: fn(&str) -> String,
    pub col_name: &'static str,
    pub col_type: &'static str,
    pub col_cluster_ip: &'static str,
    pub col_external: &'static str,
    pub col_ports: &'static str,
    pub col_selector: &'static str,
    pub col_age: &'static str,
    pub pending: &'static str,
    pub no_services_title: &'static str,
    pub no_services_hint: &'static str,
    pub loading: &'static str,
    pub refresh: &'static str,
    pub all_services: &'static str,
    pub overview: &'static str,
    pub endpoints: &'static str,
    pub no_endpoints: &'static str,
    pub labels: &'static str,
    pub annotations: &'static str,
    pub session_affinity: &'static str,
    pub affinity_client_ip: fn(Option<i32>) -> String,
    pub affinity_none: &'static str,
    pub traffic_policy: &'static str,
    pub pod: &'static str,
    pub ready: &'static str,
    pub not_ready: &'static str,
    pub yaml: &'static str,
    pub page_not_found: &'static str,
    pub back_home: &'static str,
    pub kind_cluster_ip: &'static str,
    pub kind_headless: &'static str,
    pub kind_node_port: &'static str,
    pub kind_load_balancer: &'static str,
    pub kind_external_name: &'static str,
    pub new_service: &'static str,
    pub access_type: &'static str,
    pub service_name: &'static str,
    pub service_name_hint: &'static str,
    pub alias: &'static str,
    pub basics: &'static str,
    pub selector_title: &'static str,
    pub use_workload_labels: &'static str,
    pub key: &'static str,
    pub value: &'static str,
    pub add_row: &'static str,
    pub remove: &'static str,
    pub no_matching_pods: &'static str,
    pub ports_title: &'static str,
    pub port_name: &'static str,
    pub protocol: &'static str,
    pub service_port: &'static str,
    pub target_port: &'static str,
    pub node_port: &'static str,
    pub node_port_hint: &'static str,
    pub service_port_hint: &'static str,
    pub affinity_timeout: &'static str,
    pub affinity_timeout_hint: &'static str,
    pub traffic_cluster: &'static str,
    pub traffic_local: &'static str,
    pub lb_kind: &'static str,
    pub lb_other: &'static str,
    pub lb_pool: &'static str,
    pub lb_address: &'static str,
    pub lb_address_hint: &'static str,
    pub external_name: &'static str,
    pub hint_cluster_ip: &'static str,
    pub hint_headless: &'static str,
    pub hint_node_port: &'static str,
    pub hint_load_balancer: &'static str,
    pub hint_external_name: &'static str,
    pub check: &'static str,
    pub check_ok: &'static str,
    pub fix_errors: &'static str,
    pub delete_selected: &'static str,
    pub select_all: &'static str,
    /// Table heads that show no text (read by screen readers).
    pub col_select: &'static str,
    pub col_actions: &'static str,
    /// The navigation between a space's apps, Services, pods and events.
    pub space_sections: &'static str,
    pub matching_pods: fn(usize) -> String,
    pub delete_services_title: fn(usize) -> String,
    pub download_yaml: &'static str,
    pub edit_yaml: &'static str,
    pub review_changes: &'static str,
    pub apply: &'static str,
    pub edit: &'static str,
    pub edit_service_title: fn(&str) -> String,
    pub name_cannot_change: &'static str,
    pub tab_form: &'static str,
    pub yaml_tab_hint: &'static str,
    pub kept_fields: &'static str,
    pub delete_with_service: &'static str,
    pub editor_loading: &'static str,
    pub no_changes: &'static str,
    pub conflict_title: &'static str,
    pub conflict_theirs: &'static str,
    pub conflict_mine: &'static str,
    pub reapply: &'static str,
    pub create_from_yaml: &'static str,
    pub yaml_paste_hint: &'static str,
    pub upload_file: &'static str,
    pub created_ok: &'static str,
    pub file_too_large: fn(usize) -> String,
    pub document: fn(usize) -> String,
    // Errors (ApiError) and field problems (Problem).
    pub err_not_found: fn(&str, &str) -> String,
    pub err_forbidden: &'static str,
    pub err_conflict: &'static str,
    pub err_invalid: &'static str,
    pub err_unavailable: &'static str,
    pub err_internal: &'static str,
    pub err_transport: &'static str,
    pub p_required: &'static str,
    pub p_too_long: fn(usize, usize) -> String,
    pub p_uppercase: &'static str,
    pub p_invalid_char: fn(char) -> String,
    pub p_start_letter: &'static str,
    pub p_start_alnum: &'static str,
    pub p_end_alnum: &'static str,
    pub p_already_exists: &'static str,
    pub p_confirmation: &'static str,
    pub p_needs_letter: &'static str,
    pub p_not_a_number: &'static str,
    pub p_out_of_range: fn(i64, i64) -> String,
    pub p_duplicate: &'static str,
    pub p_not_an_ip: &'static str,
    pub p_at_least_one: &'static str,
    pub p_name_with_several_ports: &'static str,
    pub p_yaml_syntax: fn(usize, &str) -> String,
    pub p_wrong_kind: fn(&str, &str) -> String,
    pub p_other_namespace: fn(&str) -> String,
    pub p_name_cannot_change: &'static str,
    pub p_mixed_protocols: &'static str,
    pub p_invalid_image: &'static str,
    pub p_invalid_tag: &'static str,
    pub p_invalid_quantity: &'static str,
    pub p_request_above_limit: &'static str,
    pub p_unclosed_quote: &'static str,
    pub p_invalid_env_name: &'static str,
    pub p_not_absolute: &'static str,
    pub p_unknown_volume: &'static str,
    pub p_only_stateful: &'static str,
    pub p_value_with_exists: &'static str,
    pub p_service_name_differs: &'static str,
    pub apps: &'static str,
    pub new_app: &'static str,
    pub no_apps_title: &'static str,
    pub no_apps_hint: &'static str,
    pub col_image: &'static str,
    pub col_replicas: &'static str,
    pub col_kind: &'static str,
    pub col_made_by: &'static str,
    pub made_by_wharf: &'static str,
    pub made_elsewhere: &'static str,
    pub kind_daemonset: &'static str,
    pub kind_job: &'static str,
    pub status_completed: &'static str,
    pub status_deleting: &'static str,
    pub not_for_kind: &'static str,
    pub col_status: &'static str,
    pub col_ready: &'static str,
    pub col_restarts: &'static str,
    pub col_node: &'static str,
    pub col_pod_ip: &'static str,
    pub stateless: &'static str,
    pub stateful: &'static str,
    pub stateless_hint: &'static str,
    pub stateful_hint: &'static str,
    pub app_kind: &'static str,
    pub app_name: &'static str,
    pub app_name_hint: &'static str,
    pub version: &'static str,
    pub version_hint: &'static str,
    pub step_basics: &'static str,
    pub step_containers: &'static str,
    pub step_service: &'static str,
    pub step_scheduling: &'static str,
    pub step_summary: &'static str,
    pub summary_hint: &'static str,
    pub summary_edited: &'static str,
    pub discard_edits: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub add_container: &'static str,
    pub remove_container: &'static str,
    pub container_title: fn(usize) -> String,
    /// A list's row, 1-based, as a problem's place names it.
    pub row_n: fn(usize) -> String,
    pub probe_path: &'static str,
    pub container_name: &'static str,
    pub image: &'static str,
    pub image_tag: &'static str,
    pub image_hint: &'static str,
    pub tag_hint: &'static str,
    pub pull_policy: &'static str,
    pub command: &'static str,
    pub command_hint: &'static str,
    pub args: &'static str,
    pub container_ports: &'static str,
    pub container_port: &'static str,
    pub env: &'static str,
    pub env_name: &'static str,
    pub env_value: &'static str,
    pub env_config_map: &'static str,
    pub env_secret: &'static str,
    pub env_ref_name: &'static str,
    pub env_ref_key: &'static str,
    pub resources: &'static str,
    pub cpu_request: &'static str,
    pub cpu_limit: &'static str,
    pub memory_request: &'static str,
    pub memory_limit: &'static str,
    pub replicas: &'static str,
    pub replicas_hint: &'static str,
    pub replicas_n: fn(i32) -> String,
    pub external_access: &'static str,
    pub access_none: &'static str,
    pub access_node_port: &'static str,
    pub access_load_balancer: &'static str,
    pub stateful_service_hint: &'static str,
    pub service_ports_default_hint: &'static str,
    pub node_selector: &'static str,
    pub node_selector_hint: &'static str,
    pub internal_only: &'static str,
    pub status_running: &'static str,
    pub status_updating: &'static str,
    pub status_stopped: &'static str,
    pub status_degraded: &'static str,
    pub status_failed: &'static str,
    pub status_upgraded: &'static str,
    pub rollout_progress: fn(i32, i32, i32) -> String,
    pub start: &'static str,
    pub stop: &'static str,
    pub restart: &'static str,
    pub upgrade: &'static str,
    pub rollback: &'static str,
    pub rollback_to: &'static str,
    pub confirm_upgrade: &'static str,
    pub scale: &'static str,
    pub scale_up: &'static str,
    pub scale_down: &'static str,
    pub started: &'static str,
    pub stopped: &'static str,
    pub restarted: &'static str,
    pub scaled: &'static str,
    pub rolled_back: &'static str,
    pub confirmed: &'static str,
    pub why_not_start: &'static str,
    pub why_not_stop: &'static str,
    pub why_not_restart: &'static str,
    pub wait_for_rollout: &'static str,
    pub upgraded_hint: &'static str,
    pub upgrade_rolling_hint: &'static str,
    pub step_storage: &'static str,
    pub volumes: &'static str,
    pub volumes_hint: &'static str,
    pub volume_name: &'static str,
    pub volume_empty_dir: &'static str,
    pub volume_host_path: &'static str,
    pub env_config_map_name: &'static str,
    pub env_secret_name: &'static str,
    pub volume_claim: &'static str,
    pub volume_claim_template: &'static str,
    pub node_path: &'static str,
    pub object_name: &'static str,
    pub volume_size: &'static str,
    pub storage_class: &'static str,
    pub mounts: &'static str,
    pub mounts_of: fn(&str) -> String,
    pub mount_path: &'static str,
    pub read_only: &'static str,
    pub health_checks: &'static str,
    pub readiness: &'static str,
    pub liveness: &'static str,
    pub probe_none: &'static str,
    pub probe_command: &'static str,
    pub probe_port: &'static str,
    pub initial_delay: &'static str,
    pub period: &'static str,
    pub tolerations: &'static str,
    pub tolerations_hint: &'static str,
    /// Names of selects that sit in a row without a visible label.
    pub env_source: &'static str,
    pub volume_source: &'static str,
    pub access_mode: &'static str,
    pub toleration_operator: &'static str,
    pub toleration_effect: &'static str,
    pub any_effect: &'static str,
    pub before_upgrade: &'static str,
    pub after_upgrade: &'static str,
    pub revisions: &'static str,
    pub current_revision: &'static str,
    pub upgrade_title: fn(&str) -> String,
    pub upgrade_hint: &'static str,
    pub delete_apps_title: fn(usize) -> String,
    pub delete_apps_warning: &'static str,
    pub delete_volumes: &'static str,
    pub reason_image_pull: &'static str,
    pub reason_crash_loop: &'static str,
    pub reason_invalid_image: &'static str,
    pub reason_config: &'static str,
    pub reason_start: &'static str,
    pub containers_title: &'static str,
    pub events: &'static str,
    pub no_events: &'static str,
    pub no_events_title: &'static str,
    pub event_warning: &'static str,
    pub event_normal: &'static str,
    pub col_object: &'static str,
    pub col_event_type: &'static str,
    pub col_last_seen: &'static str,
    pub col_cpu: &'static str,
    pub col_memory: &'static str,
    pub not_available: &'static str,
    pub col_state: &'static str,
    pub col_last_state: &'static str,
    pub col_mounts: &'static str,
    pub col_env: &'static str,
    pub col_reason: &'static str,
    pub col_message: &'static str,
    pub col_count: &'static str,
    pub col_source: &'static str,
    pub init_container: &'static str,
    pub state_running: &'static str,
    pub state_waiting: &'static str,
    pub state_unknown: &'static str,
    pub exit_code: fn(i32) -> String,
    pub terminal: &'static str,
    pub logs: &'static str,
    pub all_pods_logs: &'static str,
    pub terminal_command_hint: &'static str,
    pub connect: &'static str,
    pub terminal_connecting: &'static str,
    pub terminal_connected: &'static str,
    pub terminal_exited: fn(Option<i32>) -> String,
    pub terminal_dropped: &'static str,
    pub terminal_restarting: &'static str,
    pub terminal_refused: &'static str,
    pub follow: &'static str,
    pub tail_lines: &'static str,
    pub tail_100: &'static str,
    pub tail_1000: &'static str,
    pub tail_10000: &'static str,
    pub tail_all: &'static str,
    pub since: &'static str,
    pub since_any: &'static str,
    pub since_5m: &'static str,
    pub since_1h: &'static str,
    pub since_1d: &'static str,
    pub timestamps: &'static str,
    pub previous_container: &'static str,
    pub wrap_lines: &'static str,
    pub search: &'static str,
    pub matches: fn(usize) -> String,
    pub download: &'static str,
    pub lines_count: fn(usize) -> String,
    pub log_streaming: &'static str,
    pub log_ended: &'static str,
    pub log_dropped: &'static str,
    pub reconnect: &'static str,
    pub container: &'static str,
    pub reason_pending: &'static str,
    pub reason_creating: &'static str,
    pub reason_completed: &'static str,
    pub reason_oom: &'static str,
    pub reason_deadline: &'static str,
    pub reason_backoff: &'static str,
    pub reason_replica_failure: &'static str,
    pub reason_error: &'static str,
    pub reason_terminating: &'static str,
    pub sign_in_empty: &'static str,
    pub sign_in_unreadable: &'static str,
    pub sign_in_programs: &'static str,
    pub sign_in_files: &'static str,
    pub sign_in_unsupported: &'static str,
    pub sign_in_rejected: &'static str,
    pub sign_in_unavailable: &'static str,
    pub sign_in_too_many: &'static str,
    /// Why a button is disabled: the permission (verb, resource) missing.
    pub not_allowed: fn(&str, &str) -> String,
    pub pods_tab: &'static str,
    pub pods_title: &'static str,
    pub no_pods_title: &'static str,
    pub no_pods_hint: &'static str,
    pub no_matching_rows: &'static str,
    pub clear_filters: &'static str,
    pub filter_name: &'static str,
    pub filter_labels: &'static str,
    pub filter_status: &'static str,
    pub filter_type: &'static str,
    pub all_statuses: &'static str,
    pub live_now: &'static str,
    pub live_reconnecting: &'static str,
    /// The page stopped working (a part of it failed to load, or a bug):
    /// said over the page, with a button that reloads it.
    pub page_broken: &'static str,
    pub reload_page: &'static str,
    pub live_syncing: fn(u32) -> String,
    pub rows_count: fn(u32, u32) -> String,
    pub go_to_space: &'static str,
    pub go_to_space_hint: &'static str,
    pub err_unauthenticated: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_hint: &'static str,
    pub bearer_token: &'static str,
    pub kubeconfig: &'static str,
    pub kubeconfig_file: &'static str,
    pub signed_in_as: fn(&str) -> String,
    pub sign_in_file_too_big: fn(usize) -> String,
    pub p_reserved_label: &'static str,
    pub clusters_title: &'static str,
    pub cluster_label: &'static str,
    pub col_api_address: &'static str,
    pub col_version: &'static str,
    pub col_nodes_ready: &'static str,
    pub col_your_access: &'static str,
    pub cluster_default: &'static str,
    pub cluster_signed_in: &'static str,
    pub cluster_not_signed_in: &'static str,
    pub cluster_may_list_spaces: &'static str,
    pub cluster_may_not_list_spaces: &'static str,
    pub cluster_nodes_hidden: &'static str,
    pub cluster_asking: &'static str,
    pub cluster_open: &'static str,
    pub clusters_count: fn(usize) -> String,
    pub switch_cluster: &'static str,
    pub all_clusters: &'static str,
    pub sign_out_all: &'static str,
    pub unreachable_refused: &'static str,
    pub unreachable_timeout: &'static str,
    pub unreachable_certificate: &'static str,
    pub unreachable_unknown_host: &'static str,
    pub unreachable_other: fn(&str) -> String,
    pub nodes_title: &'static str,
    pub no_nodes: &'static str,
    pub node_ready: &'static str,
    pub node_not_ready: &'static str,
    pub node_unknown: &'static str,
    pub node_unschedulable: &'static str,
    pub col_roles: &'static str,
    pub col_kubelet: &'static str,
    pub col_internal_ip: &'static str,
    pub col_cpu_use: &'static str,
    pub col_memory_use: &'static str,
    pub col_pods_count: &'static str,
    pub node_conditions: &'static str,
    pub node_taints: &'static str,
    pub node_no_taints: &'static str,
    pub node_labels: &'static str,
    pub node_system: &'static str,
    pub node_addresses: &'static str,
    pub node_capacity: &'static str,
    pub node_allocatable: &'static str,
    pub node_in_use: &'static str,
    pub node_pods: &'static str,
    pub node_pods_forbidden: &'static str,
    pub col_space: &'static str,
    pub condition_since: fn(&str) -> String,
    pub node_condition: fn(&str, &str) -> String,
}

impl Texts {
    /// Why a cluster did not answer, in words.
    pub fn unreachable(&self, why: &wharf_spec::cluster::Unreachable) -> String {
        use wharf_spec::cluster::Unreachable;
        match why {
            Unreachable::Refused => self.unreachable_refused.to_string(),
            Unreachable::Timeout => self.unreachable_timeout.to_string(),
            Unreachable::Certificate => self.unreachable_certificate.to_string(),
            Unreachable::UnknownHost => self.unreachable_unknown_host.to_string(),
            Unreachable::Other { message } => (self.unreachable_other)(message),
        }
    }

    /// A node's readiness in words.
    pub fn node_readiness(&self, readiness: wharf_spec::cluster::NodeReadiness) -> &'static str {
        use wharf_spec::cluster::NodeReadiness;
        match readiness {
            NodeReadiness::Ready => self.node_ready,
            NodeReadiness::NotReady => self.node_not_ready,
            NodeReadiness::Unknown => self.node_unknown,
        }
    }

    /// A pod's reason (`ErrImagePull`, `CrashLoopBackOff`) in words, with
    /// the reason itself so it can be searched for.
    /// An app's or workload's status in words.
    pub fn app_status(&self, status: wharf_spec::view::AppStatus) -> &'static str {
        use wharf_spec::view::AppStatus;
        match status {
            AppStatus::Running => self.status_running,
            AppStatus::Updating => self.status_updating,
            AppStatus::Stopped => self.status_stopped,
            AppStatus::Degraded => self.status_degraded,
            AppStatus::Failed => self.status_failed,
            AppStatus::Upgraded => self.status_upgraded,
            AppStatus::Completed => self.status_completed,
            AppStatus::Deleting => self.status_deleting,
        }
    }

    pub fn pod_reason(&self, reason: &str) -> String {
        let words = match reason {
            "ErrImagePull" | "ImagePullBackOff" => self.reason_image_pull,
            "CrashLoopBackOff" => self.reason_crash_loop,
            "InvalidImageName" => self.reason_invalid_image,
            "CreateContainerConfigError" | "CreateContainerError" => self.reason_config,
            "RunContainerError" => self.reason_start,
            "Pending" => self.reason_pending,
            "ContainerCreating" | "PodInitializing" => self.reason_creating,
            "Completed" | "Succeeded" => self.reason_completed,
            "OOMKilled" => self.reason_oom,
            "ProgressDeadlineExceeded" => self.reason_deadline,
            "BackoffLimitExceeded" => self.reason_backoff,
            "FailedCreate" => self.reason_replica_failure,
            "Error" | "Failed" => self.reason_error,
            "Terminating" => self.reason_terminating,
            other => return other.to_owned(),
        };
        format!("{words} ({reason})")
    }

    /// Where a wizard field is, in words, as a step's list of problems
    /// names it: `Container 1 · Environment variables · row 2 · Name`.
    pub fn app_field(&self, field: &AppField) -> String {
        let key_value = |c: &KeyValueField| match c {
            KeyValueField::Key => self.key,
            KeyValueField::Value => self.value,
        };
        match field {
            AppField::Kind => self.app_kind.into(),
            AppField::Name => self.app_name.into(),
            AppField::Alias => self.alias.into(),
            AppField::Description => self.description.into(),
            AppField::Version => self.version.into(),
            AppField::Replicas => self.replicas.into(),
            AppField::Access => self.external_access.into(),
            AppField::Containers(Row::All) => self.step_containers.into(),
            AppField::Containers(Row::At(i, c)) => {
                format!(
                    "{} · {}",
                    (self.container_title)(i + 1),
                    self.container_field(c)
                )
            }
            AppField::Volumes(row) => self.in_row(self.volumes, row, |c| {
                match c {
                    VolumeField::Name => self.volume_name,
                    VolumeField::Source => self.volume_source,
                    VolumeField::Reference => self.object_name,
                    VolumeField::Size => self.volume_size,
                    VolumeField::StorageClass => self.storage_class,
                    VolumeField::AccessMode => self.access_mode,
                }
                .into()
            }),
            AppField::NodeSelector(row) => {
                self.in_row(self.node_selector, row, |c| key_value(c).into())
            }
            AppField::Tolerations(row) => self.in_row(self.tolerations, row, |c| {
                match c {
                    TolerationField::Key => self.key,
                    TolerationField::Operator => self.toleration_operator,
                    TolerationField::Value => self.value,
                    TolerationField::Effect => self.toleration_effect,
                }
                .into()
            }),
            AppField::Labels(row) => self.in_row(self.labels, row, |c| key_value(c).into()),
            AppField::Annotations(row) => {
                self.in_row(self.annotations, row, |c| key_value(c).into())
            }
            AppField::Service(field) => match field {
                ServiceField::Ports(row) => self.in_row(self.ports_title, row, |c| {
                    match c {
                        PortField::Protocol => self.protocol,
                        PortField::Name => self.port_name,
                        PortField::Port => self.service_port,
                        PortField::TargetPort => self.target_port,
                        PortField::NodePort => self.node_port,
                    }
                    .into()
                }),
                ServiceField::LbPool => self.lb_pool.into(),
                ServiceField::LbAddress => self.lb_address.into(),
                ServiceField::AffinityTimeout => self.affinity_timeout.into(),
                ServiceField::SessionAffinity => self.session_affinity.into(),
                ServiceField::TrafficPolicy => self.traffic_policy.into(),
                ServiceField::LbKind => self.lb_kind.into(),
                // The app sets these itself (its problems are at the app's
                // fields); named all the same, never as a raw path.
                ServiceField::Name => self.service_name.into(),
                ServiceField::Alias => self.alias.into(),
                ServiceField::Description => self.description.into(),
                ServiceField::Kind => self.access_type.into(),
                ServiceField::ExternalName => self.external_name.into(),
                ServiceField::Selector(row) => {
                    self.in_row(self.selector_title, row, |c| key_value(c).into())
                }
                ServiceField::Labels(row) => self.in_row(self.labels, row, |c| key_value(c).into()),
                ServiceField::Annotations(row) => {
                    self.in_row(self.annotations, row, |c| key_value(c).into())
                }
            },
        }
    }

    /// `list · row n · cell`, or the list alone.
    fn in_row<C>(&self, list: &str, row: &Row<C>, cell: impl Fn(&C) -> String) -> String {
        match row {
            Row::All => list.into(),
            Row::At(i, c) => format!("{list} · {} · {}", (self.row_n)(i + 1), cell(c)),
        }
    }

    fn container_field(&self, field: &ContainerField) -> String {
        match field {
            ContainerField::Name => self.container_name.into(),
            ContainerField::Image => self.image.into(),
            ContainerField::Tag => self.image_tag.into(),
            ContainerField::PullPolicy => self.pull_policy.into(),
            ContainerField::Command => self.command.into(),
            ContainerField::Args => self.args.into(),
            ContainerField::CpuRequest => self.cpu_request.into(),
            ContainerField::CpuLimit => self.cpu_limit.into(),
            ContainerField::MemoryRequest => self.memory_request.into(),
            ContainerField::MemoryLimit => self.memory_limit.into(),
            ContainerField::Ports(row) => self.in_row(self.container_ports, row, |c| {
                match c {
                    ContainerPortField::Protocol => self.protocol,
                    ContainerPortField::Port => self.container_port,
                    ContainerPortField::Name => self.port_name,
                }
                .into()
            }),
            ContainerField::Env(row) => self.in_row(self.env, row, |c| {
                match c {
                    EnvField::Name => self.env_name,
                    EnvField::Source => self.env_source,
                    EnvField::Value => self.value,
                    EnvField::RefName => self.env_ref_name,
                    EnvField::RefKey => self.env_ref_key,
                }
                .into()
            }),
            ContainerField::Mounts(row) => self.in_row(self.mounts, row, |c| {
                match c {
                    MountField::Volume => self.volume_name,
                    MountField::Path => self.mount_path,
                    MountField::ReadOnly => self.read_only,
                }
                .into()
            }),
            ContainerField::Readiness(p) => format!("{} · {}", self.readiness, self.probe_field(p)),
            ContainerField::Liveness(p) => format!("{} · {}", self.liveness, self.probe_field(p)),
        }
    }

    fn probe_field(&self, field: &ProbeField) -> &'static str {
        match field {
            ProbeField::Kind => self.health_checks,
            ProbeField::Path => self.probe_path,
            ProbeField::Port => self.probe_port,
            ProbeField::Command => self.command,
            ProbeField::InitialDelay => self.initial_delay,
            ProbeField::Period => self.period,
        }
    }

    /// A field problem in words.
    pub fn problem(&self, p: &Problem) -> String {
        match p {
            Problem::Required => self.p_required.into(),
            Problem::TooLong { max, actual } => (self.p_too_long)(*max, *actual),
            Problem::Uppercase => self.p_uppercase.into(),
            Problem::InvalidChar(c) => (self.p_invalid_char)(*c),
            Problem::MustStartWithLetter => self.p_start_letter.into(),
            Problem::MustStartWithAlphanumeric => self.p_start_alnum.into(),
            Problem::MustEndWithAlphanumeric => self.p_end_alnum.into(),
            Problem::AlreadyExists => self.p_already_exists.into(),
            Problem::ConfirmationMismatch => self.p_confirmation.into(),
            Problem::NeedsALetter => self.p_needs_letter.into(),
            Problem::NotANumber => self.p_not_a_number.into(),
            Problem::OutOfRange { min, max } => (self.p_out_of_range)(*min, *max),
            Problem::Duplicate => self.p_duplicate.into(),
            Problem::NotAnIpAddress => self.p_not_an_ip.into(),
            Problem::AtLeastOne => self.p_at_least_one.into(),
            Problem::RequiredWithSeveralPorts => self.p_name_with_several_ports.into(),
            Problem::YamlSyntax { line, message } => (self.p_yaml_syntax)(*line, message),
            Problem::WrongKind { expected, found } => (self.p_wrong_kind)(expected, found),
            Problem::OtherNamespace { found } => (self.p_other_namespace)(found),
            Problem::NameCannotChange => self.p_name_cannot_change.into(),
            Problem::MixedProtocols => self.p_mixed_protocols.into(),
            Problem::InvalidImage => self.p_invalid_image.into(),
            Problem::InvalidTag => self.p_invalid_tag.into(),
            Problem::InvalidQuantity => self.p_invalid_quantity.into(),
            Problem::RequestAboveLimit => self.p_request_above_limit.into(),
            Problem::UnclosedQuote => self.p_unclosed_quote.into(),
            Problem::InvalidEnvName => self.p_invalid_env_name.into(),
            Problem::NotAnAbsolutePath => self.p_not_absolute.into(),
            Problem::UnknownVolume => self.p_unknown_volume.into(),
            Problem::OnlyForStateful => self.p_only_stateful.into(),
            Problem::ValueWithExists => self.p_value_with_exists.into(),
            Problem::ServiceNameDiffers => self.p_service_name_differs.into(),
            Problem::ReservedLabel => self.p_reserved_label.into(),
            // The apiserver's own words (English): better than a vague summary.
            Problem::Server(message) => message.clone(),
        }
    }

    /// A failed call in words: a summary in the user's language, then the
    /// cluster's own message where it adds something.
    pub fn error(&self, e: &ApiError) -> String {
        let with = |summary: &str, detail: &str| {
            if detail.is_empty() {
                summary.to_owned()
            } else {
                format!("{summary} {detail}")
            }
        };
        match e {
            ApiError::NotFound { kind, name } => (self.err_not_found)(kind, name),
            ApiError::Unauthenticated => self.err_unauthenticated.to_owned(),
            ApiError::Forbidden { message } => with(self.err_forbidden, message),
            ApiError::Conflict { message } => with(self.err_conflict, message),
            ApiError::Invalid { message, .. } => with(self.err_invalid, message),
            ApiError::Unavailable { message } => with(self.err_unavailable, message),
            ApiError::Internal { message } => with(self.err_internal, message),
            ApiError::Transport { message } => with(self.err_transport, message),
        }
    }

    pub fn service_kind(&self, kind: ServiceKind) -> &'static str {
        match kind {
            ServiceKind::ClusterIp => self.kind_cluster_ip,
            ServiceKind::Headless => self.kind_headless,
            ServiceKind::NodePort => self.kind_node_port,
            ServiceKind::LoadBalancer => self.kind_load_balancer,
            ServiceKind::ExternalName => self.kind_external_name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wizard_field_is_named_in_words() {
        let env = AppField::container(0, ContainerField::Env(Row::At(1, EnvField::Name)));
        assert_eq!(
            Lang::En.texts().app_field(&env),
            "Container 1 · Environment variables · row 2 · Name"
        );
        assert_eq!(
            Lang::ZhCn.texts().app_field(&env),
            "容器 1 · 环境变量 · 第 2 行 · 变量名"
        );
        let ports = AppField::Service(ServiceField::Ports(Row::All));
        assert_eq!(
            Lang::En.texts().app_field(&ports),
            Lang::En.texts().ports_title
        );
        // No path reads as its raw text.
        for field in [
            env,
            ports,
            AppField::Name,
            AppField::Labels(Row::At(0, KeyValueField::Key)),
        ] {
            for lang in [Lang::En, Lang::ZhCn] {
                assert_ne!(lang.texts().app_field(&field), field.to_string());
            }
        }
    }

    #[test]
    fn accept_language_picks_the_first_supported() {
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_accept_language("fr-FR, zh-TW;q=0.5"), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("de"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }

    #[test]
    fn cookie_overrides() {
        assert_eq!(
            Lang::from_cookie_header("a=b; wharf_lang=zh-CN"),
            Some(Lang::ZhCn)
        );
        assert_eq!(Lang::from_cookie_header("wharf_lang=en"), Some(Lang::En));
        assert_eq!(Lang::from_cookie_header("other=zh"), None);
    }

    #[test]
    fn every_problem_has_words_in_both_languages() {
        let problems = [
            Problem::Required,
            Problem::TooLong {
                max: 63,
                actual: 64,
            },
            Problem::Uppercase,
            Problem::InvalidChar('_'),
            Problem::MustStartWithLetter,
            Problem::MustStartWithAlphanumeric,
            Problem::MustEndWithAlphanumeric,
            Problem::AlreadyExists,
            Problem::ConfirmationMismatch,
            Problem::NeedsALetter,
            Problem::NotANumber,
            Problem::OutOfRange { min: 1, max: 65535 },
            Problem::Duplicate,
            Problem::NotAnIpAddress,
            Problem::AtLeastOne,
            Problem::RequiredWithSeveralPorts,
            Problem::YamlSyntax {
                line: 3,
                message: "x".into(),
            },
            Problem::WrongKind {
                expected: "Service".into(),
                found: "Pod".into(),
            },
            Problem::OtherNamespace {
                found: "prod".into(),
            },
            Problem::NameCannotChange,
            Problem::MixedProtocols,
        ];
        for lang in [Lang::En, Lang::ZhCn] {
            for p in &problems {
                assert!(!lang.texts().problem(p).is_empty(), "{lang:?} {p:?}");
            }
        }
        assert!(Lang::ZhCn.texts().problem(&problems[1]).contains("63"));
    }
}
