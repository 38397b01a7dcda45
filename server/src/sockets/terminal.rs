//! The terminal relay: keystrokes to the exec's stdin, its output to the
//! browser, resizes and pings; a browser that leaves hangs the shell up
//! (`k8s::terminal`).

use super::*;

pub(super) async fn relay_terminal(socket: WebSocket, cluster: Arc<KubeCluster>, query: ExecQuery) {
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
        process.hang_up().await;
        return;
    }

    let mut buffer = vec![0u8; 32 * 1024];
    let mut keepalive = tokio::time::interval(KEEPALIVE);
    keepalive.reset();
    let mut restarting = false;
    let browser_left = loop {
        tokio::select! {
            read = process.read(&mut buffer) => {
                let Some(bytes) = read else { break false };
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
                        if !process.write(&bytes).await {
                            break false;
                        }
                    }
                    Some(Ok(TerminalInput::Control(TerminalControl::Resize { cols, rows }))) => {
                        process.resize(cols, rows).await;
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
        process.hang_up().await;
        if restarting {
            close_restarting(&mut to_browser, &mut from_browser).await;
        }
        return;
    }
    let code = tokio::time::timeout(Duration::from_secs(5), process.exit_code())
        .await
        .unwrap_or(None);
    let exited = send(TerminalOutput::Event(TerminalEvent::Exited { code }));
    let _ = to_browser.send(exited).await;
    close_gracefully(&mut to_browser, &mut from_browser).await;
}
