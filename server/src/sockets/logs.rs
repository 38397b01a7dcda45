//! The log relay (one reader per container, flow-controlled by the
//! browser's acknowledgements) and the log download.

use super::*;

type LineSender = mpsc::Sender<LogOutput>;

pub(super) async fn relay_logs(socket: WebSocket, cluster: Arc<KubeCluster>, query: LogQuery) {
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
pub(super) async fn download_logs(
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

    #[test]
    fn lines_get_their_source_prefix() {
        assert_eq!(prefix_lines(b"p/c ", b"a\nb\n"), b"p/c a\np/c b\n");
    }
}
