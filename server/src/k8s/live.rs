//! Live lists, the apiserver side: one `kube::runtime::watcher` per
//! (session, [`Source`]), shared by every subscription of that session,
//! holding a projection of each object (a row), never the object.
//!
//! A [`Feed`] lives while someone holds it (a subscription, or a page that
//! was just rendered and is about to subscribe); its watch stops when the
//! last holder lets go. The watcher resumes from the last resourceVersion
//! after a broken watch and relists after `410 Gone`; the row set keeps the
//! old rows until the relist is complete, so pages never flicker empty.

use super::error::from_status;
use super::{KubeCluster, map_error, now_unix};
use futures::StreamExt;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Event, Namespace, Node, Pod, Service};
use kube::api::{Api, ListParams};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::watch;
use wharf_spec::ApiError;
use wharf_spec::cluster::NodeRow;
use wharf_spec::convert;
use wharf_spec::live::{
    LiveKind, LiveRow, LiveRows, LiveState, MAX_WINDOW, RowSet, SortColumn, Source, View, Window,
};
use wharf_spec::view::{EventRow, PodRow, ServiceRow, SpaceSummary, WorkloadKind, WorkloadRow};

/// How long a feed outlives its last subscription (or the page render that
/// started it), so that going back to a list, or hydrating the page just
/// rendered, finds its rows instead of listing again.
pub const LINGER: Duration = Duration::from_secs(15);

/// How long a server render waits for a feed's list when the view is not
/// the apiserver's own order (then it renders what one page gives).
const SSR_WAIT: Duration = Duration::from_millis(1500);

/// The watcher lists in pages of this many objects (kube's default).
const LIST_PAGE: usize = 500;

/// While the watch is broken, how often Wharf checks whether the apiserver
/// answers again (the watcher itself retries with its own backoff).
const PROBE_EVERY: Duration = Duration::from_secs(2);

/// A watch that has been silent this long is checked with a one-row list:
/// an apiserver that hangs (stopped, overloaded, a dead connection that
/// sends no reset) leaves the watch open and silent, and the page would
/// show old rows as live.
const QUIET_CHECK: Duration = Duration::from_secs(10);

/// How long that check may take before the watch counts as broken.
const CHECK_TIMEOUT: Duration = Duration::from_secs(4);

/// What subscribers learn from a feed: that its rows changed (`version`),
/// how current they are, or that it cannot be served.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedStatus {
    pub version: u64,
    pub state: LiveState,
    pub failed: Option<ApiError>,
}

enum Rows {
    Pods(RowSet<PodRow>),
    Services(RowSet<ServiceRow>),
    Spaces(RowSet<SpaceSummary>),
    /// One set per [`WorkloadKind`], each kept by its own watch.
    Workloads(Box<[RowSet<WorkloadRow>; 4]>),
    Events(RowSet<EventRow>),
    Nodes(RowSet<NodeRow>),
}

struct Shared {
    rows: Mutex<Rows>,
    status: watch::Sender<FeedStatus>,
    /// The state of each watch of the feed (one, or one per workload
    /// kind); the feed's state is the worst of them.
    parts: Mutex<Vec<LiveState>>,
}

/// One watched source. Dropping the last `Arc<Feed>` stops its watch.
pub struct Feed {
    shared: Arc<Shared>,
    task: tokio::task::AbortHandle,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Feed {
    pub fn status(&self) -> watch::Receiver<FeedStatus> {
        self.shared.status.subscribe()
    }

    /// The rows `view` shows now, as window `seq`.
    pub fn window(&self, view: &View, seq: u64) -> Window {
        let now = now_unix();
        let state = self.shared.status.borrow().state;
        match &*lock(&self.shared) {
            Rows::Pods(set) => window(seq, state, set.select(view, now), LiveRows::Pods),
            Rows::Services(set) => window(seq, state, set.select(view, now), LiveRows::Services),
            Rows::Spaces(set) => window(seq, state, set.select(view, now), LiveRows::Spaces),
            Rows::Workloads(sets) => {
                let sets: Vec<&RowSet<WorkloadRow>> = sets.iter().collect();
                let selection = RowSet::select_all(&sets, view, now);
                window(seq, state, selection, LiveRows::Workloads)
            }
            Rows::Events(set) => window(seq, state, set.select(view, now), LiveRows::Events),
            Rows::Nodes(set) => window(seq, state, set.select(view, now), LiveRows::Nodes),
        }
    }

    /// How many rows the feed holds.
    pub fn rows_held(&self) -> usize {
        match &*lock(&self.shared) {
            Rows::Pods(set) => set.len(),
            Rows::Services(set) => set.len(),
            Rows::Spaces(set) => set.len(),
            Rows::Workloads(sets) => sets.iter().map(RowSet::len).sum(),
            Rows::Events(set) => set.len(),
            Rows::Nodes(set) => set.len(),
        }
    }
}

fn window<R>(
    seq: u64,
    state: LiveState,
    s: wharf_spec::live::Selection<R>,
    wrap: fn(Vec<R>) -> LiveRows,
) -> Window {
    Window {
        seq,
        state,
        total: s.total,
        matched: s.matched,
        offset: s.offset,
        rows: wrap(s.rows),
        statuses: s.statuses,
    }
}

/// A session's feeds, by source.
#[derive(Default)]
pub struct Feeds {
    by_source: Mutex<HashMap<Source, Weak<Feed>>>,
}

impl Feeds {
    /// How many feeds (apiserver watches) are running.
    pub fn running(&self) -> usize {
        let map = self.by_source.lock().unwrap_or_else(|p| p.into_inner());
        map.values().filter(|f| f.strong_count() > 0).count()
    }
}

/// An object kind a feed can watch, and its row.
trait Watched:
    Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + Sync + 'static
{
    type Row: LiveRow + Send + 'static;
    /// The API a source of this kind watches.
    fn api(client: Client, source: &Source) -> Api<Self>;
    fn row(&self, now_unix: i64) -> Self::Row;
    /// Where the row stands in a list by age: when the object was made
    /// (when an event last happened).
    fn time(&self) -> Option<i64> {
        convert::created_unix(self.meta())
    }
    fn rows(rows: &mut Rows) -> &mut RowSet<Self::Row>;
}

impl Watched for Pod {
    type Row = PodRow;
    fn api(client: Client, source: &Source) -> Api<Self> {
        Api::namespaced(client, &source.space)
    }
    fn row(&self, now_unix: i64) -> PodRow {
        convert::pod_row(self, now_unix)
    }
    fn rows(rows: &mut Rows) -> &mut RowSet<PodRow> {
        match rows {
            Rows::Pods(set) => set,
            _ => unreachable!("a pod feed holds pod rows"),
        }
    }
}

impl Watched for Service {
    type Row = ServiceRow;
    fn api(client: Client, source: &Source) -> Api<Self> {
        Api::namespaced(client, &source.space)
    }
    fn row(&self, now_unix: i64) -> ServiceRow {
        convert::service_row(self, now_unix)
    }
    fn rows(rows: &mut Rows) -> &mut RowSet<ServiceRow> {
        match rows {
            Rows::Services(set) => set,
            _ => unreachable!("a service feed holds service rows"),
        }
    }
}

impl Watched for Namespace {
    type Row = SpaceSummary;
    fn api(client: Client, _: &Source) -> Api<Self> {
        Api::all(client)
    }
    fn row(&self, now_unix: i64) -> SpaceSummary {
        convert::space_summary(self, now_unix)
    }
    fn rows(rows: &mut Rows) -> &mut RowSet<SpaceSummary> {
        match rows {
            Rows::Spaces(set) => set,
            _ => unreachable!("a space feed holds space rows"),
        }
    }
}

impl Watched for Node {
    type Row = NodeRow;
    fn api(client: Client, _: &Source) -> Api<Self> {
        Api::all(client)
    }
    fn row(&self, now_unix: i64) -> NodeRow {
        convert::node_row(self, now_unix)
    }
    fn rows(rows: &mut Rows) -> &mut RowSet<NodeRow> {
        match rows {
            Rows::Nodes(set) => set,
            _ => unreachable!("a node feed holds node rows"),
        }
    }
}

impl Watched for Event {
    type Row = EventRow;
    fn api(client: Client, source: &Source) -> Api<Self> {
        Api::namespaced(client, &source.space)
    }
    fn row(&self, now_unix: i64) -> EventRow {
        convert::event_row(self, now_unix).0
    }
    fn time(&self) -> Option<i64> {
        convert::event_row(self, 0).1
    }
    fn rows(rows: &mut Rows) -> &mut RowSet<EventRow> {
        match rows {
            Rows::Events(set) => set,
            _ => unreachable!("an event feed holds event rows"),
        }
    }
}

/// The four workload kinds: each its own watch into its own set of the
/// feed's rows.
macro_rules! watched_workload {
    ($ty:ty, $kind:expr, $row:path) => {
        impl Watched for $ty {
            type Row = WorkloadRow;
            fn api(client: Client, source: &Source) -> Api<Self> {
                Api::namespaced(client, &source.space)
            }
            fn row(&self, now_unix: i64) -> WorkloadRow {
                $row(self, now_unix)
            }
            fn rows(rows: &mut Rows) -> &mut RowSet<WorkloadRow> {
                match rows {
                    Rows::Workloads(sets) => &mut sets[$kind as usize],
                    _ => unreachable!("a workload feed holds workload rows"),
                }
            }
        }
    };
}

watched_workload!(
    Deployment,
    WorkloadKind::Deployment,
    convert::deployment_workload
);
watched_workload!(
    StatefulSet,
    WorkloadKind::StatefulSet,
    convert::statefulset_workload
);
watched_workload!(
    DaemonSet,
    WorkloadKind::DaemonSet,
    convert::daemonset_workload
);
watched_workload!(Job, WorkloadKind::Job, convert::job_workload);

impl KubeCluster {
    /// The feed of `source` for this session: the running one, or a new
    /// one whose watch starts now. Must be called within a tokio runtime.
    pub fn feed(&self, source: &Source) -> Arc<Feed> {
        let mut map = self
            .feeds
            .by_source
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        map.retain(|_, feed| feed.strong_count() > 0);
        if let Some(feed) = map.get(source).and_then(Weak::upgrade) {
            return feed;
        }
        let feed = Arc::new(match source.kind {
            LiveKind::Pods => self.start(source, Rows::Pods(RowSet::default()), &[watch_of::<Pod>]),
            LiveKind::Services => self.start(
                source,
                Rows::Services(RowSet::default()),
                &[watch_of::<Service>],
            ),
            LiveKind::Spaces => self.start(
                source,
                Rows::Spaces(RowSet::default()),
                &[watch_of::<Namespace>],
            ),
            LiveKind::Workloads => self.start(
                source,
                Rows::Workloads(Default::default()),
                // In WorkloadKind's order: part i keeps set i.
                &[
                    watch_of::<Deployment>,
                    watch_of::<StatefulSet>,
                    watch_of::<DaemonSet>,
                    watch_of::<Job>,
                ],
            ),
            LiveKind::Events => self.start(
                source,
                Rows::Events(RowSet::default()),
                &[watch_of::<Event>],
            ),
            LiveKind::Nodes => {
                self.start(source, Rows::Nodes(RowSet::default()), &[watch_of::<Node>])
            }
        });
        map.insert(source.clone(), Arc::downgrade(&feed));
        feed
    }

    /// The first rows of `source` for a page rendered on the server: the
    /// feed's window if its list is complete, else one page from the
    /// apiserver (its first rows by name, and its count of the rest),
    /// marked as syncing. Either way the feed is started and kept warm for
    /// the socket the page opens next.
    pub async fn first_window(&self, source: &Source, view: &View) -> Result<Window, ApiError> {
        let feed = self.feed(source);
        keep_warm(feed.clone());
        let mut status = feed.status();
        // One page of the apiserver's list is in name order: it is the
        // first window of an unfiltered list by name. Any other view needs
        // the whole list, which the feed has within a moment for all but
        // huge spaces.
        let by_name = view.name.is_empty()
            && view.status.is_empty()
            && view.sort == SortColumn::Name
            && !view.descending
            && view.offset == 0;
        let wait = if by_name { Duration::ZERO } else { SSR_WAIT };
        let _ = tokio::time::timeout(
            wait,
            status
                .wait_for(|s| s.failed.is_some() || (s.version > 0 && s.state == LiveState::Live)),
        )
        .await;
        let now = status.borrow().clone();
        if let Some(error) = now.failed {
            return Err(error);
        }
        if now.version > 0 && now.state == LiveState::Live {
            return Ok(feed.window(view, 0));
        }
        match source.kind {
            // Four lists in one (workloads), or newest first (events): no
            // single apiserver page is the first window. What the feed has
            // so far is shown as syncing, and the socket brings the rest.
            LiveKind::Workloads | LiveKind::Events => {
                if !by_name {
                    return Ok(feed.window(view, 0));
                }
                let _ = tokio::time::timeout(
                    SSR_WAIT,
                    status.wait_for(|s| s.failed.is_some() || s.state == LiveState::Live),
                )
                .await;
                let failed = status.borrow().failed.clone();
                match failed {
                    Some(error) => Err(error),
                    None => Ok(feed.window(view, 0)),
                }
            }
            LiveKind::Pods => self.one_page::<Pod>(source, view, LiveRows::Pods).await,
            LiveKind::Spaces => {
                self.one_page::<Namespace>(source, view, LiveRows::Spaces)
                    .await
            }
            LiveKind::Services => {
                self.one_page::<Service>(source, view, LiveRows::Services)
                    .await
            }
            LiveKind::Nodes => self.one_page::<Node>(source, view, LiveRows::Nodes).await,
        }
    }

    async fn one_page<K: Watched>(
        &self,
        source: &Source,
        view: &View,
        wrap: fn(Vec<K::Row>) -> LiveRows,
    ) -> Result<Window, ApiError> {
        let api = K::api(self.client.clone(), source);
        let wanted = view.offset.saturating_add(view.limit).clamp(1, MAX_WINDOW);
        let mut params = ListParams::default().limit(wanted);
        if !source.labels.trim().is_empty() {
            params = params.labels(source.labels.trim());
        }
        if !source.fields.trim().is_empty() {
            params = params.fields(source.fields.trim());
        }
        let list = api.list(&params).await.map_err(map_error)?;
        let remaining = list.metadata.remaining_item_count.unwrap_or(0).max(0) as u32;
        let now = now_unix();
        let mut set = RowSet::default();
        for object in &list.items {
            set.upsert(object.row(now), object.time());
        }
        let mut window = window(0, LiveState::Syncing, set.select(view, now), wrap);
        window.total += remaining;
        if view.name.is_empty() && view.status.is_empty() {
            window.matched += remaining;
        }
        Ok(window)
    }

    /// How many apiserver watches this session runs for live lists.
    pub fn feeds_running(&self) -> usize {
        self.feeds.running()
    }

    /// Starts one watch per entry of `watches` (part `i` of the feed),
    /// all ended with the feed.
    fn start(&self, source: &Source, rows: Rows, watches: &[StartWatch]) -> Feed {
        let (status, _) = watch::channel(FeedStatus {
            version: 0,
            state: LiveState::Syncing,
            failed: None,
        });
        let shared = Arc::new(Shared {
            rows: Mutex::new(rows),
            status,
            parts: Mutex::new(vec![LiveState::Syncing; watches.len()]),
        });
        let runs: Vec<_> = watches
            .iter()
            .enumerate()
            .map(|(part, start)| start(self.client.clone(), source, shared.clone(), part))
            .collect();
        let task = tokio::spawn(async move {
            futures::future::join_all(runs).await;
        })
        .abort_handle();
        Feed { shared, task }
    }
}

type StartWatch =
    fn(Client, &Source, Arc<Shared>, usize) -> futures::future::BoxFuture<'static, ()>;

/// The watch of kind `K` for `source`, keeping part `part` of the feed.
fn watch_of<K: Watched>(
    client: Client,
    source: &Source,
    shared: Arc<Shared>,
    part: usize,
) -> futures::future::BoxFuture<'static, ()> {
    let api = K::api(client, source);
    let mut config = watcher::Config::default();
    if !source.labels.trim().is_empty() {
        config = config.labels(source.labels.trim());
    }
    if !source.fields.trim().is_empty() {
        config = config.fields(source.fields.trim());
    }
    Box::pin(run::<K>(api, config, shared, part))
}

/// Holds `feed` for [`LINGER`].
pub fn keep_warm(feed: Arc<Feed>) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            tokio::time::sleep(LINGER).await;
            drop(feed);
        });
    }
}

/// The feed's state once part `part` is in `state`: the worst of its parts
/// (reconnecting over syncing over live).
fn combined(shared: &Shared, part: usize, state: LiveState) -> LiveState {
    let mut parts = shared.parts.lock().unwrap_or_else(|p| p.into_inner());
    parts[part] = state;
    let rank = |s: &LiveState| match s {
        LiveState::Live => 0,
        LiveState::Syncing => 1,
        LiveState::Reconnecting => 2,
    };
    parts.iter().copied().max_by_key(rank).unwrap_or(state)
}

fn bump(shared: &Shared, part: usize, state: LiveState) {
    let state = combined(shared, part, state);
    shared.status.send_modify(|s| {
        s.version += 1;
        s.state = state;
    });
}

fn set_state(shared: &Shared, part: usize, state: LiveState) {
    let state = combined(shared, part, state);
    shared.status.send_if_modified(|s| {
        let changed = s.state != state;
        s.state = state;
        changed
    });
}

fn watch_error(error: watcher::Error) -> ApiError {
    match error {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => map_error(e),
        watcher::Error::WatchError(status) => from_status(&status),
        watcher::Error::NoResourceVersion => ApiError::Internal {
            message: "the apiserver's list had no resourceVersion".into(),
        },
    }
}

/// Whether a failure is the user's answer (no retry can change it) rather
/// than a broken connection.
fn is_final(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Forbidden { .. }
            | ApiError::Unauthenticated
            | ApiError::NotFound { .. }
            | ApiError::Invalid { .. }
    )
}

async fn run<K: Watched>(api: Api<K>, config: watcher::Config, shared: Arc<Shared>, part: usize) {
    let mut events = watcher(api.clone(), config).default_backoff().boxed();
    let mut listed_once = false;
    let mut relisting = true;
    let mut broken = false;
    loop {
        let next = if broken {
            tokio::select! {
                event = events.next() => event,
                answers = answers_again(&api) => {
                    if answers {
                        broken = false;
                        set_state(&shared, part, if relisting { LiveState::Syncing } else { LiveState::Live });
                    }
                    continue;
                }
            }
        } else {
            tokio::select! {
                event = events.next() => event,
                answers = answers_after_quiet(&api) => {
                    if !answers {
                        tracing::info!("live list's apiserver does not answer; reconnecting");
                        broken = true;
                        set_state(&shared, part, LiveState::Reconnecting);
                    }
                    continue;
                }
            }
        };
        let Some(event) = next else { return };
        match event {
            Ok(watcher::Event::Init) => {
                relisting = true;
                K::rows(&mut lock(&shared)).relist();
                set_state(&shared, part, LiveState::Syncing);
            }
            Ok(watcher::Event::InitApply(object) | watcher::Event::Apply(object)) => {
                let created = object.time();
                let row = object.row(now_unix());
                let held = {
                    let mut rows = lock(&shared);
                    let set = K::rows(&mut rows);
                    set.upsert(row, created);
                    set.len()
                };
                // During the first list, news once a page (the page shows
                // its progress), not once a row.
                if listed_once || !relisting || held % LIST_PAGE == 0 {
                    bump(&shared, part, state_of(relisting, broken));
                }
            }
            Ok(watcher::Event::Delete(object)) => {
                K::rows(&mut lock(&shared)).remove(&object.name_any());
                bump(&shared, part, state_of(relisting, broken));
            }
            Ok(watcher::Event::InitDone) => {
                K::rows(&mut lock(&shared)).listed();
                relisting = false;
                listed_once = true;
                broken = false;
                bump(&shared, part, LiveState::Live);
            }
            Err(error) => {
                let error = watch_error(error);
                if is_final(&error) {
                    tracing::debug!(%error, "live list refused");
                    shared.status.send_modify(|s| {
                        s.version += 1;
                        s.failed = Some(error);
                    });
                    return;
                }
                tracing::info!(%error, "live list's watch broke; resuming");
                broken = true;
                set_state(&shared, part, LiveState::Reconnecting);
            }
        }
        if !broken && !relisting {
            set_state(&shared, part, LiveState::Live);
        }
    }
}

fn state_of(relisting: bool, broken: bool) -> LiveState {
    if broken {
        LiveState::Reconnecting
    } else if relisting {
        LiveState::Syncing
    } else {
        LiveState::Live
    }
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Rows> {
    shared.rows.lock().unwrap_or_else(|p| p.into_inner())
}

/// After [`PROBE_EVERY`]: does the apiserver answer a one-row list?
async fn answers_again<K: Watched>(api: &Api<K>) -> bool {
    tokio::time::sleep(PROBE_EVERY).await;
    answers(api).await
}

/// After [`QUIET_CHECK`] without news: does the apiserver still answer?
async fn answers_after_quiet<K: Watched>(api: &Api<K>) -> bool {
    tokio::time::sleep(QUIET_CHECK).await;
    answers(api).await
}

async fn answers<K: Watched>(api: &Api<K>) -> bool {
    let one_row = ListParams::default().limit(1);
    let list = api.list_metadata(&one_row);
    matches!(tokio::time::timeout(CHECK_TIMEOUT, list).await, Ok(Ok(_)))
}
