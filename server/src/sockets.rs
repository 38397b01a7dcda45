//! The websocket relays (browser ⇄ Wharf ⇄ apiserver) for terminals and
//! logs, and log downloads. The wire towards the browser is
//! `wharf_spec::stream`; the apiserver side is `k8s::streams`.
//!
//! - Every upgrade checks `Origin` before any Kubernetes call (a page of
//!   another site must not open a terminal with the user's cookie).
//! - Both legs are kept alive: Wharf pings the browser every
//!   [`KEEPALIVE`]; kube pings the apiserver.
//! - A terminal whose browser leaves is hung up in the container (see
//!   `k8s::streams`), so nothing is left running.
//! - Logs are flow-controlled (`LOG_WINDOW_BYTES` unacknowledged at most):
//!   a slow browser slows the read from the apiserver; nothing is dropped and
//!   memory per stream stays bounded.

use crate::k8s::KubeCluster;
use crate::k8s::StreamSessions;
use crate::k8s::streams::{PID_MARKER_END, PID_MARKER_START, PodChange};
use crate::metrics::{OpenSocket, SocketKind};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{AsyncBufReadExt, FutureExt, SinkExt, StreamExt};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use wharf_spec::ApiError;
use wharf_spec::stream::{
    ExecQuery, Frame, LOG_WINDOW_BYTES, LineSplitter, LogControl, LogEvent, LogOutput, LogQuery,
    TerminalControl, TerminalEvent, TerminalInput, TerminalOutput,
};

/// How often Wharf pings the browser: well under the usual 60 s idle
/// timeout of proxies in between.
pub const KEEPALIVE: Duration = Duration::from_secs(25);
/// Longest log line kept whole; longer ones are cut (bounded memory).
const MAX_LINE: usize = 64 * 1024;
/// Largest log frame Wharf sends at once.
const MAX_FRAME: usize = 256 * 1024;

pub fn routes(sessions: Arc<dyn StreamSessions>) -> Router {
    Router::new()
        .route("/ws/terminal", get(terminal))
        .route("/ws/logs", get(logs))
        .route("/download/logs", get(download_logs))
        // The same, of a cluster named in the path (`/ws/…`: the default).
        .route("/clusters/{cluster}/ws/terminal", get(terminal))
        .route("/clusters/{cluster}/ws/logs", get(logs))
        .route("/clusters/{cluster}/download/logs", get(download_logs))
        .with_state(sessions)
}

type Sessions = State<Arc<dyn StreamSessions>>;

/// An error as the answer to a request that never became a socket.
fn refusal(error: &ApiError) -> (StatusCode, String) {
    let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_GATEWAY);
    (status, error.to_string())
}

fn refuse(error: &ApiError) -> Response {
    refusal(error).into_response()
}

/// The cluster of this request's session. The upgrade's `Host` and
/// `Origin` were checked before (`router::guarded`).
fn socket_cluster(
    sessions: &Arc<dyn StreamSessions>,
    parts: &http::request::Parts,
) -> Result<Arc<KubeCluster>, (StatusCode, String)> {
    refuse_while_stopping()?;
    sessions.streams_for(parts).map_err(|e| refusal(&e))
}

/// A socket opened while this replica stops would be told to go at once:
/// 503, and the page retries (through another replica).
pub(crate) fn refuse_while_stopping() -> Result<(), (StatusCode, String)> {
    if crate::shutdown::is_stopping() {
        return Err((
            StatusCode::SERVICE_UNAVAILABLE,
            "Wharf is restarting".to_owned(),
        ));
    }
    Ok(())
}

async fn terminal(
    State(sessions): Sessions,
    Query(query): Query<ExecQuery>,
    parts: http::request::Parts,
    upgrade: WebSocketUpgrade,
) -> Response {
    match socket_cluster(&sessions, &parts) {
        Ok(cluster) => upgrade.on_upgrade(move |socket| {
            crate::shutdown::track(relay_terminal(socket, cluster, query))
        }),
        Err(refused) => refused.into_response(),
    }
}

async fn logs(
    State(sessions): Sessions,
    Query(query): Query<LogQuery>,
    parts: http::request::Parts,
    upgrade: WebSocketUpgrade,
) -> Response {
    match socket_cluster(&sessions, &parts) {
        Ok(cluster) => upgrade
            .on_upgrade(move |socket| crate::shutdown::track(relay_logs(socket, cluster, query))),
        Err(refused) => refused.into_response(),
    }
}

fn to_message(frame: Frame) -> Message {
    match frame {
        Frame::Text(text) => Message::Text(text.into()),
        Frame::Binary(bytes) => Message::Binary(bytes.into()),
    }
}

fn from_message(message: Message) -> Option<Frame> {
    match message {
        Message::Text(text) => Some(Frame::Text(text.to_string())),
        Message::Binary(bytes) => Some(Frame::Binary(bytes.to_vec())),
        _ => None,
    }
}

// ---------------------------------------------------------------- terminal

/// Finds the PID report the terminal wrapper prints first, and removes it
/// from what the browser sees. It is the process's first output, but not
/// always the terminal's: keys typed (or pasted) before the wrapper runs
/// are echoed by the tty first. So output passes on at once, the scan
/// looks for the report within the first [`PID_SCAN_LIMIT`] bytes, and
/// only a possible start of it is held back until the next chunk.
#[derive(Debug, Default)]
struct PidScan {
    /// Bytes that may be the start of the report.
    held: Vec<u8>,
    scanned: usize,
    done: bool,
}

/// How far into the output the report is looked for.
const PID_SCAN_LIMIT: usize = 4096;

#[derive(Debug, PartialEq, Eq)]
struct Scanned {
    /// What the browser gets now.
    output: Vec<u8>,
    /// The shell's PID, once found.
    pid: Option<u32>,
}

impl PidScan {
    fn feed(&mut self, chunk: &[u8]) -> Scanned {
        let pass = |output: Vec<u8>| Scanned { output, pid: None };
        if self.done {
            return pass(chunk.to_vec());
        }
        self.scanned += chunk.len();
        let mut buf = std::mem::take(&mut self.held);
        buf.extend_from_slice(chunk);
        let start = PID_MARKER_START;
        if let Some(at) = find(&buf, start) {
            let after = &buf[at + start.len()..];
            if let Some(end) = after.iter().position(|&b| b == PID_MARKER_END) {
                self.done = true;
                let pid = std::str::from_utf8(&after[..end])
                    .ok()
                    .and_then(|p| p.parse().ok());
                let Some(pid) = pid else { return pass(buf) };
                let mut output = buf[..at].to_vec();
                output.extend_from_slice(&after[end + 1..]);
                return Scanned {
                    output,
                    pid: Some(pid),
                };
            }
            if after.len() > 16 || self.scanned > PID_SCAN_LIMIT {
                self.done = true;
                return pass(buf);
            }
            self.held = buf.split_off(at);
            return pass(buf);
        }
        if self.scanned > PID_SCAN_LIMIT {
            self.done = true;
            return pass(buf);
        }
        // Hold back a tail that could be the report's beginning.
        let keep = (1..start.len().min(buf.len() + 1))
            .rev()
            .find(|&n| buf.ends_with(&start[..n]))
            .unwrap_or(0);
        self.held = buf.split_off(buf.len() - keep);
        pass(buf)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn relay_terminal(socket: WebSocket, cluster: Arc<KubeCluster>, query: ExecQuery) {
    let _open = OpenSocket::new(SocketKind::Terminal);
    let (mut to_browser, mut from_browser) = socket.split();
    let send = |output: TerminalOutput| to_message(output.encode());
    let fail = |error: ApiError| send(TerminalOutput::Event(TerminalEvent::Failed { error }));

    let argv = match query.argv() {
        Ok(argv) if !argv.is_empty() => argv,
        Ok(_) | Err(_) => {
            let error = ApiError::Invalid {
                message: "the command cannot be split into words".into(),
                causes: Vec::new(),
            };
            let _ = to_browser.send(fail(error)).await;
            return;
        }
    };
    let process = cluster
        .open_terminal(&query.space, &query.pod, &query.container, &argv)
        .await;
    let mut process = match process {
        Ok(process) => process,
        Err(error) => {
            tracing::info!(
                space = query.space,
                pod = query.pod,
                "terminal refused: {error}"
            );
            let _ = to_browser.send(fail(error)).await;
            return;
        }
    };
    let started = TerminalEvent::Started {
        command: argv.clone(),
    };
    if to_browser
        .send(send(TerminalOutput::Event(started)))
        .await
        .is_err()
    {
        return;
    }

    let mut buffer = vec![0u8; 32 * 1024];
    let mut scan = PidScan::default();
    let mut pid = None;
    let mut keepalive = tokio::time::interval(KEEPALIVE);
    keepalive.reset();
    let mut restarting = false;
    let browser_left = loop {
        tokio::select! {
            read = process.output.read(&mut buffer) => {
                let n = match read {
                    Ok(0) | Err(_) => break false,
                    Ok(n) => n,
                };
                let Scanned { output: bytes, pid: found } = scan.feed(&buffer[..n]);
                if found.is_some() {
                    pid = found;
                }
                if !bytes.is_empty()
                    && to_browser.send(send(TerminalOutput::Output(bytes))).await.is_err()
                {
                    break true;
                }
            }
            message = from_browser.next() => {
                let frame = match message {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break true,
                    Some(Ok(message)) => from_message(message),
                };
                match frame.map(TerminalInput::decode) {
                    Some(Ok(TerminalInput::Stdin(bytes))) => {
                        if process.stdin.write_all(&bytes).await.is_err()
                            || process.stdin.flush().await.is_err()
                        {
                            break false;
                        }
                    }
                    Some(Ok(TerminalInput::Control(TerminalControl::Resize { cols, rows }))) => {
                        process.handle.resize(cols, rows).await;
                    }
                    Some(Ok(TerminalInput::Control(TerminalControl::Ping))) => {
                        let pong = send(TerminalOutput::Event(TerminalEvent::Pong));
                        if to_browser.send(pong).await.is_err() {
                            break true;
                        }
                    }
                    // Websocket pings/pongs (axum answers them) and garbage.
                    Some(Err(_)) | None => {}
                }
            }
            _ = keepalive.tick() => {
                if to_browser.send(Message::Ping(Bytes::new())).await.is_err() {
                    break true;
                }
            }
            _ = crate::shutdown::stopping().cancelled() => {
                restarting = true;
                break true;
            }
        }
    };

    if restarting {
        // Said first: the page can offer a new terminal (through another
        // replica) while this one hangs up.
        let _ = to_browser
            .send(send(TerminalOutput::Event(TerminalEvent::Restarting)))
            .await;
    }
    if browser_left {
        drop(process.stdin);
        if pid.is_none() {
            // A page closed right after "connected" can leave before the
            // wrapper's report has come through; without the PID the shell
            // would be left running, so read on (briefly) until it does.
            pid = read_pid_report(&mut scan, &mut process.output, &mut buffer).await;
        }
        drop(process.output);
        drop(process.handle);
        if let Some(pid) = pid {
            cluster
                .hang_up(&query.space, &query.pod, &query.container, pid)
                .await;
        }
        if restarting {
            close_restarting(&mut to_browser, &mut from_browser).await;
        }
        return;
    }
    let code = tokio::time::timeout(Duration::from_secs(5), process.handle.exit_code())
        .await
        .unwrap_or(None);
    let exited = send(TerminalOutput::Event(TerminalEvent::Exited { code }));
    let _ = to_browser.send(exited).await;
    close_gracefully(&mut to_browser, &mut from_browser).await;
}

/// How long a terminal whose browser has left waits for the PID report.
const PID_REPORT_WAIT: Duration = Duration::from_secs(5);

/// Reads the shell's output, discarding it, until the PID report is found,
/// the scan gives up, the output ends or [`PID_REPORT_WAIT`] passes.
async fn read_pid_report(
    scan: &mut PidScan,
    output: &mut (impl tokio::io::AsyncRead + Unpin),
    buffer: &mut [u8],
) -> Option<u32> {
    let search = async {
        while !scan.done {
            match output.read(buffer).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => {
                    if let Some(pid) = scan.feed(&buffer[..n]).pid {
                        return Some(pid);
                    }
                }
            }
        }
        None
    };
    tokio::time::timeout(PID_REPORT_WAIT, search)
        .await
        .ok()
        .flatten()
}

/// Closes with code 1012 (service restart), the stop's goodbye.
pub(crate) async fn close_restarting(
    to_browser: &mut futures::stream::SplitSink<WebSocket, Message>,
    from_browser: &mut futures::stream::SplitStream<WebSocket>,
) {
    let frame = axum::extract::ws::CloseFrame {
        code: 1012,
        reason: "Wharf is restarting".into(),
    };
    if to_browser.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let drain = async { while let Some(Ok(_)) = from_browser.next().await {} };
    let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
}

/// Closes with the websocket closing handshake: sends Close, then reads
/// until the browser's Close (or a short deadline). Dropping the connection
/// at once could reset it while the last frames are still unread on the
/// other side (a reset discards them), and "End"/"Exited" would be lost.
async fn close_gracefully(
    to_browser: &mut futures::stream::SplitSink<WebSocket, Message>,
    from_browser: &mut futures::stream::SplitStream<WebSocket>,
) {
    if to_browser.close().await.is_err() {
        return;
    }
    let drain = async { while let Some(Ok(_)) = from_browser.next().await {} };
    let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
}

// ---------------------------------------------------------------- logs

type LineSender = mpsc::Sender<LogOutput>;

async fn relay_logs(socket: WebSocket, cluster: Arc<KubeCluster>, query: LogQuery) {
    let _open = OpenSocket::new(SocketKind::Logs);
    let (mut to_browser, mut from_browser) = socket.split();
    // A few frames in flight between the readers and the socket; the window
    // below is what really bounds memory.
    let (lines_tx, mut lines_rx) = mpsc::channel::<LogOutput>(4);
    let mut sources = JoinSet::new();
    if !query.is_multi_pod() {
        sources.spawn(read_log(
            cluster.clone(),
            query.clone(),
            query.pod.clone(),
            query.container.clone(),
            0,
            lines_tx,
        ));
    } else {
        sources.spawn(follow_pods(cluster.clone(), query.clone(), lines_tx));
    }

    let (mut sent, mut acked) = (0u64, 0u64);
    let mut keepalive = tokio::time::interval(KEEPALIVE);
    keepalive.reset();
    loop {
        tokio::select! {
            message = from_browser.next() => {
                let frame = match message {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(message)) => from_message(message),
                };
                match frame.map(LogControl::decode) {
                    Some(Ok(LogControl::Ack { bytes })) => acked = (acked + bytes).min(sent),
                    Some(Ok(LogControl::Ping)) => {
                        let pong = to_message(LogOutput::Event(LogEvent::Pong).encode());
                        if to_browser.send(pong).await.is_err() {
                            break;
                        }
                    }
                    Some(Err(_)) | None => {}
                }
            }
            next = lines_rx.recv(), if sent - acked < LOG_WINDOW_BYTES => {
                let Some(output) = next else {
                    // Every source has ended and nothing can join.
                    let end = to_message(LogOutput::Event(LogEvent::End).encode());
                    let _ = to_browser.send(end).await;
                    close_gracefully(&mut to_browser, &mut from_browser).await;
                    break;
                };
                if let LogOutput::Lines { bytes, .. } = &output {
                    sent += bytes.len() as u64;
                }
                if to_browser.send(to_message(output.encode())).await.is_err() {
                    break;
                }
            }
            _ = keepalive.tick() => {
                if to_browser.send(Message::Ping(Bytes::new())).await.is_err() {
                    break;
                }
            }
            _ = crate::shutdown::stopping().cancelled() => {
                close_restarting(&mut to_browser, &mut from_browser).await;
                break;
            }
        }
    }
    // Dropping `sources` aborts every reader: no read from the apiserver
    // outlives the socket.
    sources.shutdown().await;
}

/// Reads one container's log into `lines` as complete lines, coalescing
/// what is already available into frames of up to [`MAX_FRAME`].
async fn read_log(
    cluster: Arc<KubeCluster>,
    query: LogQuery,
    pod: String,
    container: String,
    source: u32,
    lines: LineSender,
) {
    let joined = LogEvent::Joined {
        source,
        pod: pod.clone(),
        container: container.clone(),
    };
    if lines.send(LogOutput::Event(joined)).await.is_err() {
        return;
    }
    match cluster
        .log_stream(&query.space, &pod, &container, &query)
        .await
    {
        Err(error) => {
            let _ = lines
                .send(LogOutput::Event(LogEvent::Failed { error }))
                .await;
        }
        Ok(mut reader) => {
            let mut splitter = LineSplitter::new(MAX_LINE);
            let mut frame = Vec::new();
            let mut ended = false;
            while !ended {
                // Wait for data, then take whatever else is ready at once.
                let mut waited = false;
                loop {
                    let chunk = if waited {
                        match reader.fill_buf().now_or_never() {
                            Some(chunk) => chunk,
                            None => break,
                        }
                    } else {
                        waited = true;
                        reader.fill_buf().await
                    };
                    match chunk {
                        Ok([]) | Err(_) => {
                            ended = true;
                            break;
                        }
                        Ok(chunk) => {
                            let n = chunk.len();
                            frame.extend(splitter.push(chunk));
                            reader.consume_unpin(n);
                        }
                    }
                    if frame.len() >= MAX_FRAME {
                        break;
                    }
                }
                if ended {
                    frame.extend(splitter.finish());
                }
                if !frame.is_empty() {
                    let bytes = std::mem::take(&mut frame);
                    if lines
                        .send(LogOutput::Lines { source, bytes })
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
    }
    let _ = lines
        .send(LogOutput::Event(LogEvent::Left { source }))
        .await;
}

/// All pods of an app or a Service: one reader per readable container, pods
/// joining as the watch reports them (all their lines, since they are new)
/// and leaving when they go.
async fn follow_pods(cluster: Arc<KubeCluster>, query: LogQuery, lines: LineSender) {
    let selector = if query.app.is_empty() {
        cluster.service_selector(&query.space, &query.service).await
    } else {
        cluster.app_selector(&query.space, &query.app).await
    };
    let selector = match selector {
        Ok(selector) => selector,
        Err(error) => {
            let _ = lines
                .send(LogOutput::Event(LogEvent::Failed { error }))
                .await;
            return;
        }
    };
    let mut readers = JoinSet::new();
    let mut sources: HashMap<(String, String), u32> = HashMap::new();
    let mut next_source = 0u32;
    let mut listed = false;
    let changes = cluster.pod_changes(&query.space, &selector);
    futures::pin_mut!(changes);
    while let Some(change) = changes.next().await {
        match change {
            Ok(PodChange::Readable { pod, containers }) => {
                for container in containers {
                    if !query.container.is_empty() && container != query.container {
                        continue;
                    }
                    let key = (pod.clone(), container.clone());
                    if sources.contains_key(&key) {
                        continue;
                    }
                    sources.insert(key, next_source);
                    let mut query = query.clone();
                    if listed {
                        // A pod that came after the view opened: all of it.
                        query.tail = wharf_spec::stream::Tail::All;
                        query.since = wharf_spec::stream::Since::Any;
                    }
                    readers.spawn(read_log(
                        cluster.clone(),
                        query,
                        pod.clone(),
                        container,
                        next_source,
                        lines.clone(),
                    ));
                    next_source += 1;
                }
            }
            Ok(PodChange::Gone { pod }) => sources.retain(|(p, _), _| *p != pod),
            Ok(PodChange::Listed) => {
                listed = true;
                if !query.follow {
                    break;
                }
            }
            Err(error) => {
                let failed = LogOutput::Event(LogEvent::Failed { error });
                if lines.send(failed).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
    drop(lines);
    while readers.join_next().await.is_some() {}
}

/// `GET /download/logs?…`: the log as a file, with the options the page shows
/// (never following). An app's logs are each pod's in turn, each line
/// prefixed with its pod (and container).
async fn download_logs(
    State(sessions): Sessions,
    Query(mut query): Query<LogQuery>,
    parts: http::request::Parts,
) -> Response {
    let cluster = match sessions.streams_for(&parts) {
        Ok(cluster) => cluster,
        Err(error) => return refuse(&error),
    };
    query.follow = false;
    let (tx, mut rx) = mpsc::channel::<LogOutput>(4);
    let names: Arc<std::sync::Mutex<HashMap<u32, String>>> = Default::default();
    let prefix = query.is_multi_pod();
    let reader = if prefix {
        tokio::spawn(follow_pods(cluster, query.clone(), tx))
    } else {
        let (pod, container) = (query.pod.clone(), query.container.clone());
        tokio::spawn(read_log(cluster, query.clone(), pod, container, 0, tx))
    };
    // Whether the log can be read at all shows before its first line (after
    // the pod's `Joined`): a refusal is the answer's status, not an empty
    // file. Of many pods, one that cannot be read yet is skipped, but a
    // forbidden space is forbidden for all.
    let mut pending = std::collections::VecDeque::new();
    loop {
        match rx.recv().await {
            Some(LogOutput::Event(LogEvent::Failed { error })) => {
                if !prefix
                    || matches!(
                        error,
                        ApiError::Forbidden { .. } | ApiError::Unauthenticated
                    )
                {
                    return refuse(&error);
                }
            }
            Some(joined @ LogOutput::Event(LogEvent::Joined { .. })) => pending.push_back(joined),
            Some(first) => {
                pending.push_back(first);
                break;
            }
            None => break,
        }
    }
    let body = futures::stream::unfold(
        (pending, rx, names, reader),
        move |(mut pending, mut rx, names, reader)| async move {
            loop {
                let output = match pending.pop_front() {
                    Some(output) => output,
                    None => rx.recv().await?,
                };
                match output {
                    LogOutput::Event(LogEvent::Joined {
                        source,
                        pod,
                        container,
                    }) => {
                        names
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .insert(source, format!("{pod}/{container} "));
                    }
                    LogOutput::Lines { source, bytes } => {
                        let bytes = if prefix {
                            let name = names
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .get(&source)
                                .cloned()
                                .unwrap_or_default();
                            prefix_lines(name.as_bytes(), &bytes)
                        } else {
                            bytes
                        };
                        return Some((
                            Ok::<_, std::io::Error>(Bytes::from(bytes)),
                            (pending, rx, names, reader),
                        ));
                    }
                    LogOutput::Event(_) => {}
                }
            }
        },
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        "text/plain; charset=utf-8".parse().expect("static header"),
    );
    let disposition = format!("attachment; filename=\"{}\"", query.file_name());
    if let Ok(value) = disposition.parse() {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    (headers, Body::from_stream(body)).into_response()
}

fn prefix_lines(prefix: &[u8], lines: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.len() + prefix.len() * 8);
    for line in lines.split_inclusive(|&b| b == b'\n') {
        out.extend_from_slice(prefix);
        out.extend_from_slice(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(output: &[u8], pid: Option<u32>) -> Scanned {
        Scanned {
            output: output.to_vec(),
            pid,
        }
    }

    #[test]
    fn the_pid_report_is_found_across_chunks_and_removed() {
        let mut scan = PidScan::default();
        assert_eq!(scan.feed(b"\x1b]wharf"), out(b"", None));
        assert_eq!(scan.feed(b"-pid;42"), out(b"", None));
        assert_eq!(scan.feed(b"\x07/ # "), out(b"/ # ", Some(42)));
        assert_eq!(scan.feed(b"more"), out(b"more", None));
    }

    #[test]
    fn keys_echoed_before_the_report_pass_and_the_report_is_still_removed() {
        let mut scan = PidScan::default();
        assert_eq!(
            scan.feed(b"echo $((6*7))\r\n"),
            out(b"echo $((6*7))\r\n", None)
        );
        assert_eq!(scan.feed(b"ls\x1b]wh"), out(b"ls", None));
        assert_eq!(scan.feed(b"arf-pid;7\x07/ # 42"), out(b"/ # 42", Some(7)));
    }

    #[test]
    fn output_without_a_report_passes_unchanged() {
        let mut scan = PidScan::default();
        assert_eq!(
            scan.feed(b"sh: not found\r\n"),
            out(b"sh: not found\r\n", None)
        );
        let mut scan = PidScan::default();
        assert_eq!(scan.feed(b"\x1b]"), out(b"", None));
        assert_eq!(scan.feed(b"0;title\x07"), out(b"\x1b]0;title\x07", None));
        // Past the limit nothing is looked for (or held) any more.
        let mut scan = PidScan::default();
        let long = vec![b'x'; PID_SCAN_LIMIT + 1];
        assert_eq!(scan.feed(&long), out(&long, None));
        assert_eq!(
            scan.feed(b"\x1b]wharf-pid;1\x07"),
            out(b"\x1b]wharf-pid;1\x07", None)
        );
    }

    #[tokio::test]
    async fn a_browser_that_left_early_still_learns_the_pid_from_later_output() {
        let mut buffer = vec![0u8; 8];
        let mut scan = PidScan::default();
        let mut output: &[u8] = b"typed\r\n\x1b]wharf-pid;42\x07/ # ";
        let pid = read_pid_report(&mut scan, &mut output, &mut buffer).await;
        assert_eq!(pid, Some(42));
        let mut scan = PidScan::default();
        let mut ended: &[u8] = b"sh: not found\r\n";
        let pid = read_pid_report(&mut scan, &mut ended, &mut buffer).await;
        assert_eq!(pid, None);
    }

    #[test]
    fn lines_get_their_source_prefix() {
        assert_eq!(prefix_lines(b"p/c ", b"a\nb\n"), b"p/c a\np/c b\n");
    }
}
