//! A terminal in a container: a process started with a tty over kube's exec
//! websocket (`v5.channel.k8s.io` where the apiserver has it, else
//! `v4.channel.k8s.io`, as the 1.20 test cluster has), as plain bytes for
//! the socket relay (`crate::sockets`), which never sees a kube type.
//!
//! Closing an exec connection does not end the process in the container
//! (the kubelet leaves it running). So the process is started through a
//! tiny `sh` wrapper that first reports its PID in an OSC sequence the
//! terminal ignores; [`TerminalProcess`] takes the report out of the
//! output, and hanging up sends SIGHUP to that PID, as closing a real
//! terminal would. A process dropped without an exit or a hang-up (its
//! relay failed) is hung up in the background.

use super::{KubeCluster, map_error};
use futures::SinkExt;
use futures::channel::mpsc;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams, AttachedProcess, TerminalSize};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use wharf_spec::ApiError;

/// The OSC sequence the wrapper prints before anything else:
/// `ESC ] wharf-pid ; <pid> BEL`.
const PID_MARKER_START: &[u8] = b"\x1b]wharf-pid;";
const PID_MARKER_END: u8 = 0x07;

/// `argv` run under a wrapper that reports its PID first (then `exec`s it,
/// so the PID stays the process's own).
fn with_pid_report(argv: &[String]) -> Vec<String> {
    let mut wrapped = vec![
        "sh".to_string(),
        "-c".to_string(),
        r#"printf '\033]wharf-pid;%s\007' "$$"; exec "$@""#.to_string(),
        "wharf".to_string(),
    ];
    wrapped.extend(argv.iter().cloned());
    wrapped
}

/// A process started with a terminal in a container.
pub struct TerminalProcess {
    stdin: Option<Box<dyn AsyncWrite + Send + Unpin>>,
    output: Box<dyn AsyncRead + Send + Unpin>,
    process: Option<AttachedProcess>,
    resize: Option<mpsc::Sender<TerminalSize>>,
    scan: PidScan,
    /// The shell's PID, once its report came through.
    pid: Option<u32>,
    shell: ShellAt,
    /// It exited or was hung up: nothing to hang up when dropped.
    settled: bool,
}

/// Where a terminal's shell runs, to hang it up.
#[derive(Clone)]
struct ShellAt {
    pods: Api<Pod>,
    space: String,
    pod: String,
    container: String,
}

impl TerminalProcess {
    /// The next output for the browser, without the PID report (possibly
    /// empty while a part of it is held back); None once the output ended.
    /// Cancel-safe: nothing is lost if the future is dropped unfinished.
    pub async fn read(&mut self, buffer: &mut [u8]) -> Option<Vec<u8>> {
        match self.output.read(buffer).await {
            Ok(0) | Err(_) => {
                self.settled = true;
                None
            }
            Ok(n) => {
                let scanned = self.scan.feed(&buffer[..n]);
                if scanned.pid.is_some() {
                    self.pid = scanned.pid;
                }
                Some(scanned.output)
            }
        }
    }

    /// Keystrokes to the process; false once its input is closed.
    pub async fn write(&mut self, bytes: &[u8]) -> bool {
        match &mut self.stdin {
            Some(stdin) => stdin.write_all(bytes).await.is_ok() && stdin.flush().await.is_ok(),
            None => false,
        }
    }

    pub async fn resize(&mut self, cols: u16, rows: u16) {
        if let Some(resize) = &mut self.resize {
            let _ = resize
                .send(TerminalSize {
                    width: cols,
                    height: rows,
                })
                .await;
        }
    }

    /// The exit code, once the output has ended: 0 on success, the code the
    /// apiserver reports (`NonZeroExitCode`, cause `ExitCode`), or None when
    /// it said nothing (the connection broke).
    pub async fn exit_code(mut self) -> Option<i32> {
        self.settled = true;
        let status = self.process.take()?.take_status()?.await?;
        if status.status.as_deref() == Some("Success") {
            return Some(0);
        }
        status
            .details
            .as_ref()?
            .causes
            .as_ref()?
            .iter()
            .find(|c| c.reason.as_deref() == Some("ExitCode"))
            .and_then(|c| c.message.as_deref()?.trim().parse().ok())
    }

    /// Hangs up the shell (and what runs in its foreground), as closing a
    /// terminal window does. A page closed right after "connected" can leave
    /// before the wrapper's report has come through; without the PID the
    /// shell would be left running, so the output is read on (briefly)
    /// until it does.
    pub async fn hang_up(mut self) {
        self.settled = true;
        self.stdin = None;
        if self.pid.is_none() {
            let mut buffer = vec![0u8; 32 * 1024];
            self.pid = read_pid_report(&mut self.scan, &mut self.output, &mut buffer).await;
        }
        self.output = Box::new(tokio::io::empty());
        self.process = None;
        if let Some(pid) = self.pid {
            self.shell.hang_up(pid).await;
        }
    }
}

impl Drop for TerminalProcess {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        if let (Some(pid), Ok(runtime)) = (self.pid, tokio::runtime::Handle::try_current()) {
            let shell = self.shell.clone();
            runtime.spawn(async move { shell.hang_up(pid).await });
        }
    }
}

impl ShellAt {
    /// SIGHUP to `pid`, then SIGKILL if it is still there 2 s later.
    async fn hang_up(&self, pid: u32) {
        let mut params = AttachParams::default().stdout(true).stderr(true);
        if !self.container.is_empty() {
            params = params.container(&self.container);
        }
        let script =
            format!("kill -HUP {pid} 2>/dev/null; sleep 2; kill -KILL {pid} 2>/dev/null; true");
        match self
            .pods
            .exec(&self.pod, ["sh", "-c", &script], &params)
            .await
        {
            Ok(process) => {
                let _ = process.join().await;
            }
            Err(e) => tracing::warn!(
                space = self.space,
                pod = self.pod,
                "could not end a closed terminal's process: {e}"
            ),
        }
    }
}

impl KubeCluster {
    /// Starts `argv` with a terminal in `container` of `pod`.
    pub async fn open_terminal(
        &self,
        space: &str,
        pod: &str,
        container: &str,
        argv: &[String],
    ) -> Result<TerminalProcess, ApiError> {
        let pods: Api<Pod> = self.namespaced(space);
        let mut params = AttachParams::interactive_tty();
        if !container.is_empty() {
            params = params.container(container);
        }
        let mut process = pods
            .exec(pod, with_pid_report(argv), &params)
            .await
            .map_err(map_error)?;
        let internal = |what: &str| ApiError::Internal {
            message: format!("the terminal has no {what}"),
        };
        let stdin = process.stdin().ok_or_else(|| internal("input"))?;
        let output = process.stdout().ok_or_else(|| internal("output"))?;
        let resize = process.terminal_size();
        Ok(TerminalProcess {
            stdin: Some(Box::new(stdin)),
            output: Box::new(output),
            process: Some(process),
            resize,
            scan: PidScan::default(),
            pid: None,
            shell: ShellAt {
                pods,
                space: space.to_owned(),
                pod: pod.to_owned(),
                container: container.to_owned(),
            },
            settled: false,
        })
    }
}

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

    #[test]
    fn the_wrapper_keeps_the_argv() {
        let argv = vec!["sh".to_string(), "-c".to_string(), "echo 'a b'".to_string()];
        let wrapped = with_pid_report(&argv);
        assert_eq!(&wrapped[..2], &["sh", "-c"]);
        assert_eq!(&wrapped[3..], &["wharf", "sh", "-c", "echo 'a b'"]);
        assert!(wrapped[2].ends_with(r#"exec "$@""#));
    }

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
