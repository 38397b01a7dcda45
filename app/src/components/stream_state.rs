//! The state of a terminal or log page's socket, which the page shows and
//! the socket's end in the browser (`streams/`, hydrate only) sets; here so
//! that both depend on it rather than on each other.

use leptos::prelude::*;

/// Where a terminal is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TerminalState {
    Connecting,
    Connected,
    Exited(Option<i32>),
    Dropped,
    /// Wharf stopped (a rollout) and hung the shell up.
    Restarting,
    Refused(String),
}

impl TerminalState {
    pub fn name(&self) -> &'static str {
        match self {
            TerminalState::Connecting => "connecting",
            TerminalState::Connected => "connected",
            TerminalState::Exited(_) => "exited",
            TerminalState::Dropped => "dropped",
            TerminalState::Restarting => "restarting",
            TerminalState::Refused(_) => "refused",
        }
    }
}

/// Where a log view is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogState {
    Connecting,
    Live,
    Ended,
    Dropped,
    Failed(String),
}

impl LogState {
    pub fn name(&self) -> &'static str {
        match self {
            LogState::Connecting => "connecting",
            LogState::Live => "live",
            LogState::Ended => "ended",
            LogState::Dropped => "dropped",
            LogState::Failed(_) => "failed",
        }
    }
}

/// What the log page shows besides the lines.
#[derive(Clone, Copy)]
pub struct LogView {
    pub state: RwSignal<LogState>,
    pub count: RwSignal<usize>,
    pub matches: RwSignal<usize>,
    pub search: RwSignal<String>,
    /// Pods (and containers) whose logs are in the view, with whether they
    /// are still streaming.
    pub sources: RwSignal<Vec<(u32, String, bool)>>,
    /// Bumped to reconnect.
    pub session: RwSignal<u32>,
}
