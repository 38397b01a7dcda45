//! The socket relays (`wharf_server::sockets`) against the real local
//! cluster, driven over real websockets as axum's `testing-websockets`
//! example does: the router is served on a loopback port, the test is the
//! browser. Run by end2end/test.sh with `--include-ignored`.

use futures::{SinkExt, StreamExt};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wharf_server::k8s::{ConnectionSource, KubeCluster, connect};
use wharf_server::sessions::LocalSessions;
use wharf_spec::stream::{
    ExecQuery, LOG_WINDOW_BYTES, LogControl, LogEvent, LogOutput, LogQuery, Tail, TerminalEvent,
    TerminalInput, TerminalOutput,
};

mod support;
use support::{frame, kubectl, message, open, run_pods};

// About 1.9 MB: more than the 1 MiB flow-control window, well under the
// kubelet's 10 MiB log rotation.
const LINES: usize = 100_000;

/// Serves the socket routes as the admin, behind the router's own guards
/// (`Host`, `Origin`); returns the address.
async fn serve() -> std::net::SocketAddr {
    let path = std::env::var("KUBE_LOCAL_ADMIN_KUBECONFIG").expect("admin kubeconfig");
    let source = ConnectionSource::Kubeconfig {
        path: Some(PathBuf::from(path)),
        context: None,
    };
    let sessions = Arc::new(LocalSessions::new(KubeCluster::new(
        connect(&source).await.expect("client"),
    )));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = wharf_server::router::guarded(
        wharf_server::sockets::routes(sessions),
        Arc::new(wharf_server::router::Settings::listening_on(addr)),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

struct Space(String);

impl Drop for Space {
    fn drop(&mut self) {
        kubectl(&["delete", "namespace", &self.0, "--wait=false"]);
    }
}

fn space_with_pods() -> Space {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let ns = format!("it-streams-{nanos:x}");
    kubectl(&["create", "namespace", &ns]);
    let flood = format!("seq 1 {LINES} | sed 's/^/line number /'; while true; do sleep 1; done");
    run_pods(
        &ns,
        &[("flood", &flood), ("box", "while true; do sleep 1; done")],
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while !kubectl(&["-n", &ns, "logs", "flood", "--tail=1"])
        .contains(&format!("line number {LINES}"))
    {
        assert!(Instant::now() < deadline, "the flood did not finish");
        std::thread::sleep(Duration::from_millis(250));
    }
    Space(ns)
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn logs_are_flow_controlled_and_complete() {
    let space = space_with_pods();
    let addr = serve().await;
    let origin = format!("http://{addr}");
    let query = LogQuery {
        space: space.0.clone(),
        pod: "flood".into(),
        container: "flood".into(),
        tail: Tail::All,
        ..LogQuery::default()
    };
    // No Origin (not a page) or another site's: refused before any call.
    for bad in [None, Some("http://evil.example")] {
        let refused = open(&addr.to_string(), "/ws/logs", &query.to_query(), bad).await;
        assert!(refused.is_err(), "{bad:?} was let in");
    }

    let mut socket = open(
        &addr.to_string(),
        "/ws/logs",
        &query.to_query(),
        Some(&origin),
    )
    .await
    .unwrap();
    // A browser that does not acknowledge gets one window, then nothing.
    let mut unacked = 0u64;
    let mut text = Vec::new();
    while let Ok(Some(Ok(m))) = tokio::time::timeout(Duration::from_secs(2), socket.next()).await {
        if let Some(Ok(LogOutput::Lines { bytes, .. })) = frame(m).map(LogOutput::decode) {
            unacked += bytes.len() as u64;
            text.extend(bytes);
        }
    }
    assert!(unacked > 0, "nothing arrived");
    assert!(
        unacked <= LOG_WINDOW_BYTES + 256 * 1024,
        "{unacked} bytes sent without acknowledgement (window {LOG_WINDOW_BYTES})"
    );
    assert!(text.iter().filter(|&&b| b == b'\n').count() < LINES);

    // Acknowledging lets the rest through, to the end, nothing lost.
    socket
        .send(message(LogControl::Ack { bytes: unacked }.encode()))
        .await
        .unwrap();
    loop {
        let m = tokio::time::timeout(Duration::from_secs(30), socket.next())
            .await
            .expect("the log keeps coming")
            .expect("socket open")
            .unwrap();
        match frame(m).map(LogOutput::decode) {
            Some(Ok(LogOutput::Lines { bytes, .. })) => {
                let ack = LogControl::Ack {
                    bytes: bytes.len() as u64,
                };
                text.extend(bytes);
                // The last acknowledgement may meet a socket the server has
                // already closed after its End.
                let _ = socket.send(message(ack.encode())).await;
            }
            Some(Ok(LogOutput::Event(LogEvent::End))) => break,
            Some(Ok(LogOutput::Event(LogEvent::Failed { error }))) => panic!("{error}"),
            _ => {}
        }
    }
    let text = String::from_utf8(text).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), LINES);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(*line, format!("line number {}", i + 1));
    }
}

#[tokio::test]
#[ignore = "needs the local cluster: bash end2end/test.sh"]
async fn a_terminal_echoes_and_its_shell_ends_with_the_socket() {
    let space = space_with_pods();
    let addr = serve().await;
    let query = ExecQuery {
        space: space.0.clone(),
        pod: "box".into(),
        container: "box".into(),
        command: String::new(),
    };
    let mut socket = open(
        &addr.to_string(),
        "/ws/terminal",
        &query.to_query(),
        Some(&format!("http://{addr}")),
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut started = false;
    socket
        .send(message(
            TerminalInput::Stdin(b"echo $((6*7))\r".to_vec()).encode(),
        ))
        .await
        .unwrap();
    while !String::from_utf8_lossy(&seen).contains("\n42") {
        let m = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("output")
            .unwrap()
            .unwrap();
        match frame(m).map(TerminalOutput::decode) {
            Some(Ok(TerminalOutput::Output(bytes))) => seen.extend(bytes),
            Some(Ok(TerminalOutput::Event(TerminalEvent::Started { .. }))) => started = true,
            Some(Ok(TerminalOutput::Event(e))) => panic!("{e:?}"),
            _ => {}
        }
    }
    assert!(started);
    assert!(
        !String::from_utf8_lossy(&seen).contains("wharf-pid"),
        "the PID report is not shown"
    );
    assert!(kubectl(&["-n", &space.0, "exec", "box", "--", "ps"]).contains("ash"));
    socket.close(None).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ps = kubectl(&["-n", &space.0, "exec", "box", "--", "ps", "-o", "args"]);
        if !ps.lines().any(|l| l.trim() == "ash") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the shell outlived its socket:\n{ps}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
