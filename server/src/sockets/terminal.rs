//! The terminal relay: keystrokes to the exec's stdin, its output to the
//! browser, resizes and pings; the shell's PID report, for the hang-up.

use super::*;

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
}
