//! What the relay tests (`tests/streams.rs`) and the streams bench
//! (`benches/streams.rs`, which includes this file) share: kubectl against
//! the local cluster, busybox pods, and a websocket client speaking
//! `wharf_spec::stream`.
#![allow(dead_code)] // each includer uses its own part

use std::process::Command;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use wharf_spec::stream::Frame;

pub fn kubeconfig() -> String {
    std::env::var("KUBE_LOCAL_ADMIN_KUBECONFIG")
        .expect("KUBE_LOCAL_ADMIN_KUBECONFIG (the local cluster: . /tmp/local-kube/env)")
}

/// kubectl as the admin; its standard output.
pub fn kubectl(args: &[&str]) -> String {
    let out = Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .output()
        .expect("kubectl runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts busybox pods (name, shell script; each exits on TERM) in `ns`
/// and waits until they are ready.
pub fn run_pods(ns: &str, pods: &[(&str, &str)]) {
    for (name, script) in pods {
        let script = format!("trap 'exit 0' TERM; {script}");
        kubectl(&[
            "-n",
            ns,
            "run",
            name,
            "--image=busybox:1.35",
            "--restart=Never",
            "--command",
            "--",
            "sh",
            "-c",
            &script,
        ]);
    }
    let mut wait = vec!["-n", ns, "wait", "--for=condition=Ready", "--timeout=120s"];
    let names: Vec<String> = pods.iter().map(|(name, _)| format!("pod/{name}")).collect();
    wait.extend(names.iter().map(String::as_str));
    kubectl(&wait);
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `ws://{host}{path}?{query}` with `origin` (a page's Origin header).
pub async fn open(
    host: &str,
    path: &str,
    query: &str,
    origin: Option<&str>,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut request = format!("ws://{host}{path}?{query}")
        .into_client_request()
        .unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(s, _)| s)
}

pub fn frame(message: Message) -> Option<Frame> {
    match message {
        Message::Text(t) => Some(Frame::Text(t.to_string())),
        Message::Binary(b) => Some(Frame::Binary(b.to_vec())),
        _ => None,
    }
}

pub fn message(frame: Frame) -> Message {
    match frame {
        Frame::Text(t) => Message::Text(t.into()),
        Frame::Binary(b) => Message::Binary(b.into()),
    }
}

/// Creates `count` pods named `{prefix}-{i:05}` in `ns` (labelled
/// `fixture={prefix}`) that no scheduler looks at, so they stay Pending
/// without loading the scheduler or the kubelet; returns when the
/// apiserver has stored them all.
pub fn pending_pods(ns: &str, prefix: &str, count: usize) {
    let items: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            serde_json::json!({
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": format!("{prefix}-{i:05}"), "labels": {"fixture": prefix}},
                "spec": {
                    "schedulerName": "no-such-scheduler",
                    "containers": [{"name": "c", "image": "busybox:1.35"}]
                }
            })
        })
        .collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    let path = std::env::temp_dir().join(format!("wharf-fixture-{ns}-{prefix}.json"));
    std::fs::write(&path, list.to_string()).expect("fixture file");
    let out = Command::new("kubectl")
        .args(["-n", ns, "create", "-f"])
        .arg(&path)
        .env("KUBECONFIG", kubeconfig())
        .output()
        .expect("kubectl runs");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "creating the fixture failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
