//! Terminals and logs through Wharf, side by side with kubectl on the same
//! cluster, in one run:
//!
//! - keystroke round-trip: send one character to a shell's terminal and wait
//!   for its echo, through Wharf's websocket vs `kubectl exec -it` (under
//!   `script`, which gives kubectl the terminal it wants);
//! - log throughput: read a container's 150,000-line log, following, through
//!   Wharf's websocket vs `kubectl logs -f`;
//! - the server's memory with 50 terminals and 100 log streams open.
//!
//! Run (cluster up, `. /tmp/local-kube/env`):
//!   cargo bench -p wharf-server --bench streams
//! It starts its own wharf-server (the binary cargo builds for the bench) and
//! its own pods in namespace `wharf-bench`.

use futures::{SinkExt, StreamExt};
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use wharf_spec::stream::{
    ExecQuery, LogControl, LogEvent, LogOutput, LogQuery, Tail, TerminalControl, TerminalEvent,
    TerminalInput, TerminalOutput,
};

#[path = "../tests/support/mod.rs"]
mod support;
use support::{Socket, frame, kubeconfig, kubectl, message, run_pods};

const NS: &str = "wharf-bench";
// Under the kubelet's 10 MiB log rotation (about 57 bytes a line with its
// CRI prefix), so `logs` still has every line.
const FLOOD_LINES: usize = 150_000;
const ROUND_TRIPS: usize = 200;

fn set_up() {
    kubectl(&["create", "namespace", NS]);
    let flood =
        format!("seq 1 {FLOOD_LINES} | sed 's/^/flood line /'; while true; do sleep 1; done");
    run_pods(
        NS,
        &[
            ("shell", "while true; do sleep 1; done"),
            ("flood", &flood),
            (
                "ticker",
                "i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done",
            ),
        ],
    );
    // The flood is written once; wait until all of it is in the log.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !kubectl(&["-n", NS, "logs", "flood", "--tail=1"])
        .contains(&format!("line {FLOOD_LINES}"))
    {
        assert!(Instant::now() < deadline, "flood did not finish");
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn start_server(port: u16) -> Child {
    // Cargo builds the package's binary (same profile) before its benches.
    let bin = env!("CARGO_BIN_EXE_wharf-server");
    let child = Command::new(bin)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--kubeconfig",
            &kubeconfig(),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{bin}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "wharf-server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    child
}

async fn open(port: u16, path: &str, query: &str) -> Socket {
    let host = format!("127.0.0.1:{port}");
    let origin = format!("http://{host}");
    support::open(&host, path, query, Some(&origin))
        .await
        .expect("socket opens")
}

async fn open_terminal(port: u16) -> Socket {
    let query = ExecQuery {
        space: NS.into(),
        pod: "shell".into(),
        container: "shell".into(),
        command: String::new(),
    };
    let mut socket = open(port, "/ws/terminal", &query.to_query()).await;
    // As the browser does: the size first (a 0×0 terminal confuses line editing).
    let size = TerminalInput::Control(TerminalControl::Resize {
        cols: 120,
        rows: 40,
    });
    socket.send(message(size.encode())).await.unwrap();
    // Until the prompt: the shell is reading.
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("# ") {
        let message = match socket.next().await {
            Some(Ok(message)) => message,
            Some(Err(e)) => panic!("terminal socket: {e}"),
            None => panic!("terminal closed after {:?}", String::from_utf8_lossy(&seen)),
        };
        match frame(message).map(TerminalOutput::decode) {
            Some(Ok(TerminalOutput::Output(bytes))) => seen.extend(bytes),
            Some(Ok(TerminalOutput::Event(TerminalEvent::Failed { error }))) => panic!("{error}"),
            Some(Ok(TerminalOutput::Event(TerminalEvent::Exited { code }))) => {
                panic!(
                    "the shell exited ({code:?}) after {:?}",
                    String::from_utf8_lossy(&seen)
                )
            }
            _ => {}
        }
    }
    socket
}

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (
        samples[samples.len() / 2],
        samples[samples.len() * 95 / 100],
    )
}

async fn wharf_round_trip(port: u16) -> (Duration, Duration) {
    let mut socket = open_terminal(port).await;
    let mut samples = Vec::new();
    for i in 0..ROUND_TRIPS {
        let key = b'a' + (i % 26) as u8;
        let start = Instant::now();
        socket
            .send(message(TerminalInput::Stdin(vec![key]).encode()))
            .await
            .unwrap();
        loop {
            let f = socket.next().await.unwrap().unwrap();
            if let Some(Ok(TerminalOutput::Output(bytes))) = frame(f).map(TerminalOutput::decode)
                && bytes.contains(&key)
            {
                break;
            }
        }
        samples.push(start.elapsed());
    }
    // Leave the shell clean: erase the typed line.
    socket
        .send(message(TerminalInput::Stdin(vec![0x15]).encode()))
        .await
        .unwrap();
    stats(samples)
}

fn kubectl_round_trip() -> (Duration, Duration) {
    let command = format!("kubectl -n {NS} exec -it shell -- sh");
    let mut child = Command::new("script")
        .args(["-qfc", &command, "/dev/null"])
        .env("KUBECONFIG", kubeconfig())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script runs");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buffer = [0u8; 4096];
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("# ") {
        let n = stdout.read(&mut buffer).unwrap();
        assert!(n > 0, "kubectl exec ended");
        seen.extend_from_slice(&buffer[..n]);
    }
    let mut samples = Vec::new();
    for i in 0..ROUND_TRIPS {
        let key = b'a' + (i % 26) as u8;
        let start = Instant::now();
        stdin.write_all(&[key]).unwrap();
        stdin.flush().unwrap();
        loop {
            let n = stdout.read(&mut buffer).unwrap();
            if buffer[..n].contains(&key) {
                break;
            }
        }
        samples.push(start.elapsed());
    }
    stdin.write_all(b"\x15exit\r").unwrap();
    let _ = child.wait();
    stats(samples)
}

fn log_query(follow: bool, tail: Tail, pod: &str) -> LogQuery {
    LogQuery {
        space: NS.into(),
        pod: pod.into(),
        container: pod.into(),
        follow,
        tail,
        ..LogQuery::default()
    }
}

/// Lines per second reading the whole flood, following (as `logs -f`).
async fn wharf_throughput(port: u16) -> f64 {
    let mut socket = open(
        port,
        "/ws/logs",
        &log_query(true, Tail::All, "flood").to_query(),
    )
    .await;
    let start = Instant::now();
    let mut lines = 0;
    while lines < FLOOD_LINES {
        let f = socket.next().await.unwrap().unwrap();
        match frame(f).map(LogOutput::decode) {
            Some(Ok(LogOutput::Lines { bytes, .. })) => {
                lines += bytes.iter().filter(|&&b| b == b'\n').count();
                let ack = LogControl::Ack {
                    bytes: bytes.len() as u64,
                };
                socket.send(message(ack.encode())).await.unwrap();
            }
            Some(Ok(LogOutput::Event(LogEvent::Failed { error }))) => panic!("{error}"),
            _ => {}
        }
    }
    let rate = lines as f64 / start.elapsed().as_secs_f64();
    let _ = socket.close(None).await;
    rate
}

fn kubectl_throughput() -> f64 {
    let start = Instant::now();
    let mut child = Command::new("kubectl")
        .args(["-n", NS, "logs", "-f", "flood"])
        .env("KUBECONFIG", kubeconfig())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut lines = 0;
    while lines < FLOOD_LINES {
        let n = stdout.read(&mut buffer).unwrap();
        assert!(n > 0);
        lines += buffer[..n].iter().filter(|&&b| b == b'\n').count();
    }
    let rate = lines as f64 / start.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    rate
}

fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`
    }
    eprintln!("setting up pods in {NS}");
    set_up();
    let port = 3390;
    let mut server = start_server(port);
    let pid = server.id();

    eprintln!("wharf-server {pid} on port {port}; warming up");
    // Warm up both paths once (TLS sessions, kubelet exec setup).
    let _ = open_terminal(port).await;
    eprintln!("round trips through Wharf");
    let (wharf_median, wharf_p95) = wharf_round_trip(port).await;
    eprintln!("round trips through kubectl");
    let (kubectl_median, kubectl_p95) = kubectl_round_trip();
    eprintln!("log throughput");

    let kubectl_rate = kubectl_throughput();
    let wharf_rate = wharf_throughput(port).await;

    eprintln!("50 terminals and 100 log streams");
    let idle_kib = memory_kib(pid, "VmRSS:");
    let mut terminals = Vec::new();
    for _ in 0..50 {
        terminals.push(open_terminal(port).await);
    }
    let mut logs = Vec::new();
    for _ in 0..100 {
        let mut socket = open(
            port,
            "/ws/logs",
            &log_query(true, Tail::Last100, "ticker").to_query(),
        )
        .await;
        // Until its first lines: the stream is open end to end.
        loop {
            let message = socket
                .next()
                .await
                .expect("log socket open")
                .expect("log frame");
            if let Some(Ok(LogOutput::Lines { .. })) = frame(message).map(LogOutput::decode) {
                break;
            }
        }
        logs.push(socket);
    }
    let open_kib = memory_kib(pid, "VmRSS:");
    let peak_kib = memory_kib(pid, "VmHWM:");
    drop(terminals);
    drop(logs);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("## Wharf streams vs kubectl (local cluster, one run)\n");
    println!("| measure | Wharf | kubectl | ratio |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| keystroke round-trip, median of {ROUND_TRIPS} | {:.2} ms | {:.2} ms | {:.2}× |",
        ms(wharf_median),
        ms(kubectl_median),
        ms(wharf_median) / ms(kubectl_median)
    );
    println!(
        "| keystroke round-trip, p95 | {:.2} ms | {:.2} ms | {:.2}× |",
        ms(wharf_p95),
        ms(kubectl_p95),
        ms(wharf_p95) / ms(kubectl_p95)
    );
    println!(
        "| log throughput, {FLOOD_LINES} lines followed | {:.0} lines/s | {:.0} lines/s | {:.2}× |",
        wharf_rate,
        kubectl_rate,
        wharf_rate / kubectl_rate
    );
    println!(
        "\nwharf-server memory: {:.1} MiB idle (after the runs above), {:.1} MiB with 50 terminals and 100 log streams open, peak {:.1} MiB",
        idle_kib as f64 / 1024.0,
        open_kib as f64 / 1024.0,
        peak_kib as f64 / 1024.0
    );
    let _ = server.kill();
    let _ = server.wait();
    kubectl(&["delete", "namespace", NS, "--wait=false"]);
}
