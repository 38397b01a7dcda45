//! Live lists: the wire of the one socket every page of a browser tab shares
//! (`/ws/watch`), and the row set both ends reason about.
//!
//! A page *subscribes* to a [`Source`] (a kind of object in a space, with an
//! optional label selector) and a [`View`] of it (name and status filter,
//! sort column and direction, and the window of rows it shows). The server
//! keeps one apiserver watch per (session, source), shared by every
//! subscription of that session, holding a projection of each object (a
//! [`PodRow`], a [`ServiceRow`]) rather than the object. For each
//! subscription it sends the *window* (at most [`MAX_WINDOW`] rows) with the
//! total and the number of rows the filter matches: the browser holds only
//! what it shows, whatever the size of the list.
//!
//! Flow control and coalescing: at most one [`Window`] per subscription is
//! unacknowledged. While the browser has not acknowledged the last one, the
//! changes that arrive only mark the subscription as changed; the next
//! window is computed from the latest state once the acknowledgement comes.
//! So a slow browser costs the server nothing but the row set it holds
//! anyway, and a burst of changes to one object sends its last state only.
//!
//! All messages are JSON text frames. The browser's are tagged inside
//! (`{"type":"subscribe",…}`); the server's, which the browser decodes, are
//! tagged outside (`{"rows":{"id":1,"window":{…,"rows":{"pods":[…]}}}}`,
//! `"pong"`): serde decodes an enum tagged inside or beside its content
//! through a buffer of the whole message, which put a second and third copy
//! of every row type's decoder in the wasm (and a copy of each window in
//! memory). [`LiveMessage::decode`] reads bytes, as server functions do, so
//! the row types have one decoder in the wasm.

use crate::ApiError;
use crate::cluster::{NodeReadiness, NodeRow};
use crate::view::{EventRow, PodRow, ServiceRow, SpaceSummary, WorkloadRow};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The socket's path.
pub const WATCH_PATH: &str = "/ws/watch";
/// The most rows one window may carry (a page asks for what is in view plus
/// a margin; this bounds what a request can make the server build).
pub const MAX_WINDOW: u32 = 500;
/// The rows a page renders on the server and asks for first: what a tall
/// screen shows (about 25 rows of a table at 1080 pixels) and a margin.
/// Scrolling asks for more; fewer rows in the first HTML paint sooner.
pub const FIRST_ROWS: u32 = 40;
/// The most subscriptions one socket may hold at once.
pub const MAX_SUBSCRIPTIONS: usize = 32;

/// The kinds of object a page can list live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveKind {
    Pods,
    Services,
    /// Namespaces (cluster-wide: the source's `space` is empty).
    Spaces,
    /// Deployments, StatefulSets, DaemonSets and Jobs of the space, whoever
    /// made them (one watch of each kind, one list of rows).
    Workloads,
    /// Events of the space (narrowed to one object's with a field
    /// selector); ordered by when they last happened.
    Events,
    /// The cluster's nodes (cluster-wide: the source's `space` is empty).
    Nodes,
}

/// What one apiserver watch is of. Subscriptions of a session with equal
/// sources share one watch.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    pub kind: LiveKind,
    pub space: String,
    /// A label selector in Kubernetes' syntax (`app=web,tier!=db`); empty
    /// for every object. The apiserver checks it.
    #[serde(default)]
    pub labels: String,
    /// A field selector (`metadata.name=web`, `involvedObject.name=web`);
    /// empty for every object. The apiserver checks it.
    #[serde(default)]
    pub fields: String,
}

/// The column a list is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    #[default]
    Name,
    Status,
    Ready,
    Restarts,
    Node,
    Ip,
    /// Newest first when ascending, as `kubectl get --sort-by` shows the
    /// youngest age first.
    Age,
    /// A Service's type, a workload's kind.
    Type,
}

impl SortColumn {
    pub const ALL: [SortColumn; 8] = [
        SortColumn::Name,
        SortColumn::Status,
        SortColumn::Ready,
        SortColumn::Restarts,
        SortColumn::Node,
        SortColumn::Ip,
        SortColumn::Age,
        SortColumn::Type,
    ];

    /// The spelling in URLs (`?sort=restarts`).
    pub fn as_str(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::Status => "status",
            SortColumn::Ready => "ready",
            SortColumn::Restarts => "restarts",
            SortColumn::Node => "node",
            SortColumn::Ip => "ip",
            SortColumn::Age => "age",
            SortColumn::Type => "type",
        }
    }

    pub fn parse(text: &str) -> Option<SortColumn> {
        SortColumn::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// How a page looks at a source: which rows, in which order, which window.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct View {
    /// Rows whose name contains this (case-insensitive); empty for all.
    #[serde(default)]
    pub name: String,
    /// Rows with exactly this status (a pod's status in words, a Service's
    /// type); empty for all.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub sort: SortColumn,
    #[serde(default)]
    pub descending: bool,
    /// The first row of the window, counted in the filtered, sorted list.
    #[serde(default)]
    pub offset: u32,
    /// How many rows from `offset` (capped at [`MAX_WINDOW`]).
    #[serde(default = "first_rows")]
    pub limit: u32,
}

fn first_rows() -> u32 {
    FIRST_ROWS
}

impl Default for View {
    fn default() -> Self {
        View {
            name: String::new(),
            status: String::new(),
            sort: SortColumn::Name,
            descending: false,
            offset: 0,
            limit: FIRST_ROWS,
        }
    }
}

impl View {
    /// The same filter and order (only the window differs).
    pub fn same_rows_as(&self, other: &View) -> bool {
        self.name == other.name
            && self.status == other.status
            && self.sort == other.sort
            && self.descending == other.descending
    }
}

/// Browser → server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveRequest {
    /// Start a subscription; `id` is the page's own number for it, unique
    /// on this socket.
    Subscribe {
        id: u32,
        source: Source,
        view: View,
    },
    /// A new view of the same source (scrolled, sorted, filtered).
    View {
        id: u32,
        view: View,
    },
    Unsubscribe {
        id: u32,
    },
    /// The window `seq` of subscription `id` is drawn: send the next.
    Ack {
        id: u32,
        seq: u64,
    },
    /// Keepalive from the browser (it cannot send websocket pings itself).
    Ping,
}

/// How current a subscription's rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveState {
    /// The first list (or a relist after the watch expired) is under way:
    /// the rows shown may be incomplete or old.
    Syncing,
    /// Every change the apiserver has reported is in the rows.
    Live,
    /// The watch broke and is being re-established from the last
    /// resourceVersion: changes since may be missing.
    Reconnecting,
}

/// The rows of a window, of the subscription's kind (tagged outside:
/// `{"pods":[…]}`, see the module's docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveRows {
    Pods(Vec<PodRow>),
    Services(Vec<ServiceRow>),
    Spaces(Vec<SpaceSummary>),
    Workloads(Vec<WorkloadRow>),
    Events(Vec<EventRow>),
    Nodes(Vec<NodeRow>),
}

impl LiveRows {
    pub fn len(&self) -> usize {
        match self {
            LiveRows::Pods(rows) => rows.len(),
            LiveRows::Services(rows) => rows.len(),
            LiveRows::Spaces(rows) => rows.len(),
            LiveRows::Workloads(rows) => rows.len(),
            LiveRows::Events(rows) => rows.len(),
            LiveRows::Nodes(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows' names, in order.
    pub fn names(&self) -> Vec<&str> {
        match self {
            LiveRows::Pods(rows) => rows.iter().map(|r| r.name.as_str()).collect(),
            LiveRows::Services(rows) => rows.iter().map(|r| r.name.as_str()).collect(),
            LiveRows::Spaces(rows) => rows.iter().map(|r| r.name.as_str()).collect(),
            LiveRows::Workloads(rows) => rows.iter().map(|r| r.name.as_str()).collect(),
            LiveRows::Events(rows) => rows.iter().map(|r| r.name.as_str()).collect(),
            LiveRows::Nodes(rows) => rows.iter().map(|r| r.name.as_str()).collect(),
        }
    }
}

/// One window of a subscription: what the page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Increases with every window of the subscription; acknowledged.
    pub seq: u64,
    pub state: LiveState,
    /// Objects in the source (before the name and status filter).
    pub total: u32,
    /// Rows the filter matches: the length of the scrollable list.
    pub matched: u32,
    /// The index of `rows[0]` in the filtered, sorted list.
    pub offset: u32,
    pub rows: LiveRows,
    /// How many objects have each status (for the status filter), by status.
    pub statuses: Vec<(String, u32)>,
}

/// Server → browser (tagged outside: `{"rows":{…}}`, see the module's docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveMessage {
    Rows {
        id: u32,
        window: Window,
    },
    /// The state changed while the rows did not (sent whatever the
    /// acknowledgements, so "reconnecting" shows at once).
    State {
        id: u32,
        state: LiveState,
    },
    /// The subscription cannot be served (forbidden, bad selector, too many
    /// subscriptions); it has ended.
    Failed {
        id: u32,
        error: ApiError,
    },
    Pong,
}

impl LiveRequest {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn decode(text: &str) -> Result<Self, crate::stream::BadFrame> {
        serde_json::from_str(text).map_err(|e| crate::stream::BadFrame(e.to_string()))
    }
}

impl LiveMessage {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn decode(text: &str) -> Result<Self, crate::stream::BadFrame> {
        // From bytes: the same decoder as a server function's answer.
        serde_json::from_slice(text.as_bytes()).map_err(|e| crate::stream::BadFrame(e.to_string()))
    }
}

// ---------------------------------------------------------------- rows

/// What a live list needs from a row type.
pub trait LiveRow: Clone {
    fn name(&self) -> &str;
    /// What the status filter compares with.
    fn status(&self) -> &str;
    /// Order by `column`; equal rows are then ordered by name.
    fn compare(
        &self,
        other: &Self,
        column: SortColumn,
        created: (Option<i64>, Option<i64>),
    ) -> Ordering;
    /// Sets the age shown from the creation time and the current time.
    fn set_age(&mut self, age_seconds: Option<i64>);
}

/// `None` (unknown) after every known value.
fn nones_last<T: Ord>(a: &Option<T>, b: &Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Newest first: a later creation time sorts before an earlier one.
/// Newest first (a later creation time sorts before an earlier one),
/// unknown times last.
fn newest_first(created: (Option<i64>, Option<i64>)) -> Ordering {
    match created {
        (Some(a), Some(b)) => b.cmp(&a),
        (a, b) => nones_last(&a, &b),
    }
}

impl LiveRow for PodRow {
    fn name(&self) -> &str {
        &self.name
    }

    fn status(&self) -> &str {
        &self.status
    }

    fn compare(
        &self,
        other: &Self,
        column: SortColumn,
        created: (Option<i64>, Option<i64>),
    ) -> Ordering {
        match column {
            SortColumn::Name | SortColumn::Type => Ordering::Equal,
            SortColumn::Status => self.status.cmp(&other.status),
            SortColumn::Ready => {
                (self.ready, self.containers).cmp(&(other.ready, other.containers))
            }
            SortColumn::Restarts => self.restarts.cmp(&other.restarts),
            SortColumn::Node => nones_last(&self.node, &other.node),
            SortColumn::Ip => nones_last(&ip_key(&self.ip), &ip_key(&other.ip)),
            SortColumn::Age => newest_first(created),
        }
        .then_with(|| self.name.cmp(&other.name))
    }

    fn set_age(&mut self, age_seconds: Option<i64>) {
        self.age_seconds = age_seconds;
    }
}

impl LiveRow for ServiceRow {
    fn name(&self) -> &str {
        &self.name
    }

    fn status(&self) -> &str {
        self.kind.api_name()
    }

    fn compare(
        &self,
        other: &Self,
        column: SortColumn,
        created: (Option<i64>, Option<i64>),
    ) -> Ordering {
        match column {
            SortColumn::Status | SortColumn::Type => {
                self.kind.api_name().cmp(other.kind.api_name())
            }
            SortColumn::Ip => nones_last(&ip_key(&self.cluster_ip), &ip_key(&other.cluster_ip)),
            SortColumn::Age => newest_first(created),
            _ => Ordering::Equal,
        }
        .then_with(|| self.name.cmp(&other.name))
    }

    fn set_age(&mut self, age_seconds: Option<i64>) {
        self.age_seconds = age_seconds;
    }
}

impl LiveRow for NodeRow {
    fn name(&self) -> &str {
        &self.name
    }

    fn status(&self) -> &str {
        match self.readiness {
            NodeReadiness::Ready => "Ready",
            NodeReadiness::NotReady => "NotReady",
            NodeReadiness::Unknown => "Unknown",
        }
    }

    fn compare(
        &self,
        other: &Self,
        column: SortColumn,
        created: (Option<i64>, Option<i64>),
    ) -> Ordering {
        match column {
            SortColumn::Status => self.status().cmp(other.status()),
            SortColumn::Ip => nones_last(&ip_key(&self.internal_ip), &ip_key(&other.internal_ip)),
            SortColumn::Age => newest_first(created),
            _ => Ordering::Equal,
        }
        .then_with(|| self.name.cmp(&other.name))
    }

    fn set_age(&mut self, age_seconds: Option<i64>) {
        self.age_seconds = age_seconds;
    }
}

impl LiveRow for SpaceSummary {
    fn name(&self) -> &str {
        &self.name
    }

    fn status(&self) -> &str {
        if self.terminating {
            "Terminating"
        } else {
            "Active"
        }
    }

    fn compare(
        &self,
        other: &Self,
        column: SortColumn,
        created: (Option<i64>, Option<i64>),
    ) -> Ordering {
        match column {
            SortColumn::Status => self.terminating.cmp(&other.terminating),
            SortColumn::Age => newest_first(created),
            _ => Ordering::Equal,
        }
        .then_with(|| self.name.cmp(&other.name))
    }

    fn set_age(&mut self, age_seconds: Option<i64>) {
        self.age_seconds = age_seconds;
    }
}

impl LiveRow for WorkloadRow {
    fn name(&self) -> &str {
        &self.name
    }

    fn status(&self) -> &str {
        self.status.as_str()
    }

    fn compare(
        &self,
        other: &Self,
        column: SortColumn,
        created: (Option<i64>, Option<i64>),
    ) -> Ordering {
        match column {
            SortColumn::Status => self.status.as_str().cmp(other.status.as_str()),
            SortColumn::Ready => (self.ready, self.desired).cmp(&(other.ready, other.desired)),
            SortColumn::Type => self.kind.cmp(&other.kind),
            SortColumn::Age => newest_first(created),
            _ => Ordering::Equal,
        }
        .then_with(|| self.name.cmp(&other.name))
        .then_with(|| self.kind.cmp(&other.kind))
    }

    fn set_age(&mut self, age_seconds: Option<i64>) {
        self.age_seconds = age_seconds;
    }
}

impl LiveRow for EventRow {
    fn name(&self) -> &str {
        &self.name
    }

    /// Warning or Normal.
    fn status(&self) -> &str {
        if self.warning { "Warning" } else { "Normal" }
    }

    /// `created` is when the event last happened.
    fn compare(
        &self,
        other: &Self,
        column: SortColumn,
        created: (Option<i64>, Option<i64>),
    ) -> Ordering {
        match column {
            SortColumn::Status => other.warning.cmp(&self.warning),
            SortColumn::Type => self.reason.cmp(&other.reason),
            SortColumn::Restarts => self.count.cmp(&other.count),
            SortColumn::Name => self.object.cmp(&other.object),
            SortColumn::Age => newest_first(created),
            _ => Ordering::Equal,
        }
        .then_with(|| newest_first(created))
        .then_with(|| self.name.cmp(&other.name))
    }

    fn set_age(&mut self, age_seconds: Option<i64>) {
        self.age_seconds = age_seconds;
    }
}

impl Source {
    /// Every object of `kind` in `space`.
    pub fn all(kind: LiveKind, space: impl Into<String>) -> Source {
        Source {
            kind,
            space: space.into(),
            labels: String::new(),
            fields: String::new(),
        }
    }

    /// The objects of `kind` in `space` that the label selector picks.
    pub fn selected(kind: LiveKind, space: impl Into<String>, labels: impl Into<String>) -> Source {
        Source {
            labels: labels.into(),
            ..Source::all(kind, space)
        }
    }

    /// The one object of `kind` named `name` (a detail page follows it).
    pub fn named(kind: LiveKind, space: impl Into<String>, name: &str) -> Source {
        Source {
            fields: format!("metadata.name={name}"),
            ..Source::all(kind, space)
        }
    }

    /// The events about objects named `name` (of kind `kind`, if given):
    /// a pod's, or a workload's and its Service's together.
    pub fn events_of(space: impl Into<String>, kind: Option<&str>, name: &str) -> Source {
        let mut fields = format!("involvedObject.name={name}");
        if let Some(kind) = kind {
            fields = format!("involvedObject.kind={kind},{fields}");
        }
        Source {
            fields,
            ..Source::all(LiveKind::Events, space)
        }
    }

    /// Every space (namespace) of the cluster.
    pub fn spaces() -> Source {
        Source::all(LiveKind::Spaces, "")
    }

    /// Every node of the cluster.
    pub fn nodes() -> Source {
        Source::all(LiveKind::Nodes, "")
    }

    /// Why the source cannot be watched, before any call: a space must be
    /// a namespace name (it becomes part of the apiserver's URL), and the
    /// spaces themselves are in no space.
    pub fn check(&self) -> Result<(), ApiError> {
        let refused = || ApiError::NotFound {
            kind: "namespace".into(),
            name: self.space.clone(),
        };
        match self.kind {
            LiveKind::Spaces | LiveKind::Nodes if self.space.is_empty() => Ok(()),
            LiveKind::Spaces | LiveKind::Nodes => Err(refused()),
            LiveKind::Pods | LiveKind::Services | LiveKind::Workloads | LiveKind::Events => {
                crate::names::check_dns1123_label(&self.space).map_err(|_| refused())
            }
        }
    }
}

/// IPv4 addresses in numeric order (10.0.0.9 before 10.0.0.10); anything
/// else after them, as text.
fn ip_key(ip: &Option<String>) -> Option<(u8, [u8; 16], String)> {
    let ip = ip.as_deref()?;
    Some(match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => (0, v4.to_ipv6_mapped().octets(), String::new()),
        Ok(std::net::IpAddr::V6(v6)) => (1, v6.octets(), String::new()),
        Err(_) => (2, [0; 16], ip.to_owned()),
    })
}

#[derive(Clone, Debug)]
struct Entry<R> {
    row: R,
    created: Option<i64>,
}

/// The rows of one source, as the watch reports them: kept by name, applied
/// change by change, and replaced without a gap when the watch relists
/// (the old rows stay until the new list is complete, then the ones it did
/// not name leave).
#[derive(Clone, Debug)]
pub struct RowSet<R> {
    rows: HashMap<String, Entry<R>>,
    /// During a relist: the names listed so far.
    relisting: Option<HashSet<String>>,
}

impl<R> Default for RowSet<R> {
    fn default() -> Self {
        RowSet {
            rows: HashMap::new(),
            relisting: None,
        }
    }
}

/// What a window computation found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection<R> {
    pub total: u32,
    pub matched: u32,
    pub offset: u32,
    pub rows: Vec<R>,
    pub statuses: Vec<(String, u32)>,
}

impl<R: LiveRow> RowSet<R> {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A (re)list begins.
    pub fn relist(&mut self) {
        self.relisting = Some(HashSet::new());
    }

    /// An object was listed, added or changed.
    pub fn upsert(&mut self, row: R, created: Option<i64>) {
        let name = row.name().to_owned();
        if let Some(seen) = &mut self.relisting {
            seen.insert(name.clone());
        }
        self.rows.insert(name, Entry { row, created });
    }

    pub fn remove(&mut self, name: &str) {
        self.rows.remove(name);
        if let Some(seen) = &mut self.relisting {
            seen.remove(name);
        }
    }

    /// The (re)list is complete: rows it did not name are gone.
    pub fn listed(&mut self) {
        if let Some(seen) = self.relisting.take() {
            self.rows.retain(|name, _| seen.contains(name));
        }
    }

    /// The rows `view` shows, with ages as of `now_unix`.
    pub fn select(&self, view: &View, now_unix: i64) -> Selection<R> {
        RowSet::select_all(&[self], view, now_unix)
    }

    /// The rows `view` shows of several sets as one list (the workloads:
    /// a set per kind, each kept by its own watch).
    pub fn select_all(sets: &[&RowSet<R>], view: &View, now_unix: i64) -> Selection<R> {
        let needle = view.name.to_lowercase();
        let mut statuses: BTreeMap<&str, u32> = BTreeMap::new();
        let mut matched: Vec<&Entry<R>> = Vec::new();
        for entry in sets.iter().flat_map(|set| set.rows.values()) {
            *statuses.entry(entry.row.status()).or_default() += 1;
            if (view.status.is_empty() || entry.row.status() == view.status)
                && (needle.is_empty() || entry.row.name().to_lowercase().contains(&needle))
            {
                matched.push(entry);
            }
        }
        let order = |a: &&Entry<R>, b: &&Entry<R>| {
            let o = a.row.compare(&b.row, view.sort, (a.created, b.created));
            if view.descending { o.reverse() } else { o }
        };
        let count = matched.len();
        let offset = (view.offset as usize).min(count);
        let end = offset
            .saturating_add(view.limit.min(MAX_WINDOW) as usize)
            .min(count);
        // Only the rows up to the window's end need to be in order.
        if end < count && end > 0 {
            matched.select_nth_unstable_by(end - 1, order);
            matched.truncate(end);
        }
        matched.sort_unstable_by(order);
        let rows = matched[offset..end]
            .iter()
            .map(|entry| {
                let mut row = entry.row.clone();
                row.set_age(entry.created.map(|c| (now_unix - c).max(0)));
                row
            })
            .collect();
        Selection {
            total: sets.iter().map(|set| set.rows.len() as u32).sum(),
            matched: count as u32,
            offset: offset as u32,
            rows,
            statuses: statuses
                .into_iter()
                .map(|(status, n)| (status.to_owned(), n))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
