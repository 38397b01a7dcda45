//! Live lists through Wharf, side by side with kubectl and the apiserver on
//! the same cluster, in one run:
//!
//! - the server-rendered pods page of a space of 30,000 pods: time to first
//!   byte and size, cold, again, and while the list is live in the server,
//!   vs `kubectl get pods` and the apiserver's own first page of 100;
//! - in Chromium (`end2end/bench/lists.mjs`, a browser warmed up by one
//!   load, then the median of 5 loads in fresh contexts): navigation start
//!   → first rows painted, → hydrated, → live (every pod listed); the rows
//!   in the DOM;
//!   the page's long tasks and the server's CPU time over 30 idle seconds;
//! - change to screen: `kubectl label` a pod into a filtered, open list and
//!   until its row is painted (and out again), vs `kubectl get --watch`;
//! - the server's memory before, with 1 tab and with 10 tabs (one session)
//!   open on the 30,000 pods;
//! - the Services page of a space of 2,000 Services;
//! - a page's first byte with 200 more spaces (tabs) than before.
//!
//! Run (cluster up, `. /tmp/local-kube/env`, the wasm built into
//! `target/site` by `WHARF_PROFILE=dev bash end2end/start.sh` or, for
//! figures that mean something, a release one by `bash end2end/start.sh`):
//!   cargo bench -p wharf-server --bench lists
//! Sizes: WHARF_BENCH_PODS (30000), WHARF_BENCH_SERVICES (2000),
//! WHARF_BENCH_SPACES (200); WHARF_SITE_ROOT (target/site).
//! It starts its own wharf-server (the binary cargo builds for the bench) on
//! a free loopback port and its own namespaces `wharf-bench-lists`,
//! `wharf-bench-svcs` and `wharf-bench-space-NNN`, removed at the end (also
//! after a panic or Ctrl-C). Creating 30,000 pods takes a few minutes.

use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use wharf_spec::live::FIRST_ROWS;

#[path = "../tests/support/mod.rs"]
mod support;
use support::{kubeconfig, kubectl, pending_pods};

const PODS_NS: &str = "wharf-bench-lists";
const SVCS_NS: &str = "wharf-bench-svcs";
const SPACE_PREFIX: &str = "wharf-bench-space-";
/// Pods per `kubectl create -f` (a List of 25,000 took 112 s).
const CHUNK: usize = 5_000;
/// Label changes timed from kubectl to the screen.
const CHANGES: usize = 50;
/// The window in which nothing changes.
const IDLE_SECONDS: u32 = 30;
const TABS: u32 = 10;
/// Loads per page when comparing a page's first byte before and after.
const REPEATS: usize = 5;

fn size(var: &str, default: usize) -> usize {
    match std::env::var(var) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{var}={v:?} is not a number")),
        Err(_) => default,
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ is in the workspace")
        .to_path_buf()
}

fn site_root() -> PathBuf {
    std::env::var_os("WHARF_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/site"))
}

fn script() -> PathBuf {
    repo_root().join("end2end/bench/lists.mjs")
}

/// kubectl as the admin; its standard output, or a panic with its error.
fn kubectl_ok(args: &[&str]) -> String {
    let out = Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "kubectl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// kubectl's wall time and the size of what it printed.
fn timed_kubectl(args: &[&str]) -> (Duration, usize) {
    let start = Instant::now();
    let mut child = Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .stdout(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    assert!(child.wait().unwrap().success(), "kubectl {args:?} failed");
    (start.elapsed(), out.len())
}

/// Creates a List of objects in `ns` (or cluster-wide without one).
fn create_list(ns: Option<&str>, name: &str, items: Vec<Value>) {
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    let path = std::env::temp_dir().join(format!("wharf-bench-{name}.json"));
    std::fs::write(&path, list.to_string()).expect("fixture file");
    let path_text = path.to_string_lossy().into_owned();
    let mut args = Vec::new();
    if let Some(ns) = ns {
        args.extend(["-n", ns]);
    }
    args.extend(["create", "-f", &path_text, "-o", "name"]);
    kubectl_ok(&args);
    let _ = std::fs::remove_file(&path);
}

/// This bench's namespaces in the cluster now (any run's, any state).
fn ours_in_cluster() -> Vec<(String, bool)> {
    kubectl(&[
        "get",
        "namespaces",
        "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.status.phase}{\"\\n\"}{end}",
    ])
    .lines()
    .filter_map(|l| l.split_once(' '))
    .filter(|(name, _)| is_ours(name))
    .map(|(name, phase)| (name.to_owned(), phase == "Terminating"))
    .collect()
}

fn is_ours(name: &str) -> bool {
    name == PODS_NS || name == SVCS_NS || name.starts_with(SPACE_PREFIX)
}

/// Deletes this bench's namespaces without waiting for them to go.
fn remove_fixtures(known: &[String]) {
    let mut names: Vec<String> = known.to_vec();
    names.extend(ours_in_cluster().into_iter().map(|(n, _)| n));
    names.sort();
    names.dedup();
    if names.is_empty() {
        return;
    }
    let mut args = vec!["delete", "namespace", "--wait=false", "--ignore-not-found"];
    args.extend(names.iter().map(String::as_str));
    kubectl(&args);
    eprintln!("removing {} namespaces (in the background)", names.len());
}

/// A previous run's namespaces must be gone before new ones of the same
/// names can be made.
fn wait_for_leftovers() {
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let left = ours_in_cluster();
        if left.is_empty() {
            return;
        }
        let active: Vec<&str> = left
            .iter()
            .filter(|(_, terminating)| !terminating)
            .map(|(n, _)| n.as_str())
            .collect();
        if !active.is_empty() {
            eprintln!("removing {} namespaces of an earlier run", active.len());
            let mut args = vec!["delete", "namespace", "--wait=false"];
            args.extend(active);
            kubectl(&args);
        }
        assert!(
            Instant::now() < deadline,
            "an earlier run's namespaces did not go: {left:?}"
        );
        eprintln!(
            "waiting for {} namespaces of an earlier run to terminate",
            left.len()
        );
        std::thread::sleep(Duration::from_secs(3));
    }
}

/// The namespaces this run made; removed when dropped (also on a panic).
#[derive(Default)]
struct Fixtures {
    namespaces: Vec<String>,
}

impl Drop for Fixtures {
    fn drop(&mut self) {
        remove_fixtures(&self.namespaces);
    }
}

impl Fixtures {
    fn namespace(&mut self, name: &str) {
        self.namespaces.push(name.to_owned());
        kubectl_ok(&["create", "namespace", name]);
    }
}

/// Pods `p00-00000`, `p00-00001`, … in chunks of [`CHUNK`], all Pending.
fn pod_names(count: usize) -> impl Iterator<Item = String> {
    (0..count).map(|i| format!("p{:02}-{:05}", i / CHUNK, i % CHUNK))
}

fn make_pods(count: usize) {
    for chunk in 0..count.div_ceil(CHUNK) {
        let n = CHUNK.min(count - chunk * CHUNK);
        let start = Instant::now();
        pending_pods(PODS_NS, &format!("p{chunk:02}"), n);
        eprintln!(
            "  {} of {count} pods ({:.0} s for {n})",
            chunk * CHUNK + n,
            start.elapsed().as_secs_f64()
        );
    }
}

fn make_services(count: usize) {
    let items = (0..count)
        .map(|i| {
            serde_json::json!({
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": format!("svc-{i:05}"), "labels": {"fixture": "svc"}},
                "spec": {
                    "type": "ClusterIP",
                    "selector": {"app": format!("svc-{i:05}")},
                    "ports": [{"port": 80, "targetPort": 8080}]
                }
            })
        })
        .collect();
    create_list(Some(SVCS_NS), "services", items);
}

fn space_names(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("{SPACE_PREFIX}{i:03}"))
        .collect()
}

fn make_spaces(fixtures: &mut Fixtures, count: usize) {
    let names = space_names(count);
    fixtures.namespaces.extend(names.iter().cloned());
    let items = names
        .iter()
        .map(|name| {
            serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        })
        .collect();
    create_list(None, "spaces", items);
}

/// A wharf-server of our own; killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start() -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let listen = format!("127.0.0.1:{port}");
        // Cargo builds the package's binary (same profile) before its benches.
        let bin = env!("CARGO_BIN_EXE_wharf-server");
        let child = Command::new(bin)
            .args(["--listen", &listen, "--kubeconfig", &kubeconfig()])
            .arg("--site-root")
            .arg(site_root())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{bin}: {e}"));
        let mut server = Server {
            child,
            base: format!("http://{listen}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("wharf-server exited: {status}");
            }
            let answers = Command::new("curl")
                .args(["-fsS", "-m", "2", "-o", "/dev/null"])
                .arg(format!("{}/pkg/wharf.css", server.base))
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if answers {
                break;
            }
            assert!(Instant::now() < deadline, "wharf-server did not answer");
            std::thread::sleep(Duration::from_millis(200));
        }
        eprintln!("wharf-server {} at {}", server.child.id(), server.base);
        server
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// One page load with curl: time to first byte, and bytes.
#[derive(Clone, Copy)]
struct Fetch {
    ttfb: Duration,
    bytes: u64,
}

fn curl(url: &str) -> Fetch {
    let out = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{time_starttransfer} %{size_download}",
            url,
        ])
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let code = parts.next().unwrap_or_default();
    assert_eq!(code, "200", "GET {url}");
    let ttfb: f64 = parts.next().and_then(|t| t.parse().ok()).expect("ttfb");
    let bytes = parts.next().and_then(|t| t.parse().ok()).expect("size");
    Fetch {
        ttfb: Duration::from_secs_f64(ttfb),
        bytes,
    }
}

/// The median first byte of [`REPEATS`] loads.
fn median_curl(url: &str) -> Fetch {
    let mut loads: Vec<Fetch> = (0..REPEATS).map(|_| curl(url)).collect();
    loads.sort_by_key(|f| f.ttfb);
    loads[loads.len() / 2]
}

/// The single loads behind a median, in milliseconds: "372, 301, 298".
fn runs(result: &Value, pointer: &str) -> String {
    result
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(|values| {
            values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// Runs `end2end/bench/lists.mjs` and parses the JSON line it prints.
fn browser(args: &[&str]) -> Value {
    let out = Command::new("node")
        .arg(script())
        .args(args)
        .env("KUBE_LOCAL_ADMIN_KUBECONFIG", kubeconfig())
        .stderr(Stdio::inherit())
        .output()
        .expect("node runs");
    assert!(out.status.success(), "lists.mjs {} failed", args.join(" "));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or_default();
    let value: Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("lists.mjs printed {line:?}: {e}"));
    if let Some(problems) = value["problems"].as_array()
        && !problems.is_empty()
    {
        eprintln!("the page reported problems: {problems:?}");
    }
    value
}

fn num(value: &Value, pointer: &str) -> f64 {
    value
        .pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN)
}

fn samples(value: &Value, pointer: &str) -> Vec<f64> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// Median and 95th percentile.
fn stats(mut samples: Vec<f64>) -> (f64, f64) {
    if samples.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    samples.sort_by(f64::total_cmp);
    (
        samples[samples.len() / 2],
        samples[samples.len() * 95 / 100],
    )
}

fn ms(millis: f64) -> String {
    if millis.is_nan() {
        "—".into()
    } else if millis >= 1000.0 {
        format!("{:.2} s", millis / 1000.0)
    } else {
        format!("{millis:.0} ms")
    }
}

fn duration(d: Duration) -> String {
    ms(d.as_secs_f64() * 1000.0)
}

fn kib(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", bytes / 1024.0 / 1024.0)
    } else {
        format!("{:.0} KiB", bytes / 1024.0)
    }
}

fn mib_of_kib(k: f64) -> String {
    format!("{:.1} MiB", k / 1024.0)
}

/// A target, and whether this run met it.
fn target(text: &str, met: bool) -> String {
    format!("{text} {}", if met { "✓" } else { "✗ **missed**" })
}

fn long_tasks(value: &Value, pointer: &str) -> String {
    format!(
        "{:.0} ({:.0} ms in all, longest {:.0} ms)",
        num(value, &format!("{pointer}/count")),
        num(value, &format!("{pointer}/totalMs")),
        num(value, &format!("{pointer}/maxMs"))
    )
}

/// On Ctrl-C: remove the fixtures (the server, in the same process group,
/// gets the signal too).
fn remove_on_interrupt(known: Vec<String>) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the signal");
        if runtime.block_on(tokio::signal::ctrl_c()).is_ok() {
            eprintln!("\ninterrupted");
            remove_fixtures(&known);
            std::process::exit(130);
        }
    });
}

fn preflight() {
    let wasm = site_root().join("pkg/wharf.wasm");
    assert!(
        wasm.exists(),
        "{} is missing: build the site first (WHARF_PROFILE=dev bash end2end/start.sh, or bash end2end/start.sh)",
        wasm.display()
    );
    assert!(
        repo_root()
            .join("end2end/node_modules/playwright-core")
            .exists(),
        "playwright-core is missing: cd end2end && npm ci"
    );
    assert!(
        kubectl(&["get", "--raw", "/readyz"]).contains("ok"),
        "the local cluster does not answer (end2end/cluster/up.sh; . /tmp/local-kube/env)"
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`
    }
    let pods = size("WHARF_BENCH_PODS", 30_000);
    let services = size("WHARF_BENCH_SERVICES", 2_000);
    let spaces = size("WHARF_BENCH_SPACES", 200);
    assert!(pods > CHANGES, "WHARF_BENCH_PODS must be over {CHANGES}");
    preflight();
    wait_for_leftovers();

    let mut known = vec![PODS_NS.to_owned(), SVCS_NS.to_owned()];
    known.extend(space_names(spaces));
    remove_on_interrupt(known);

    let mut fixtures = Fixtures::default();
    let started = Instant::now();
    eprintln!("{pods} pending pods in {PODS_NS}");
    fixtures.namespace(PODS_NS);
    make_pods(pods);
    eprintln!("{services} Services in {SVCS_NS}");
    fixtures.namespace(SVCS_NS);
    make_services(services);
    eprintln!("fixtures in {:.0} s", started.elapsed().as_secs_f64());

    // The cluster of the admin kubeconfig's one context (`admin@local-kube`):
    // the pages are asked for where they are, not through a redirect.
    let cluster = "/clusters/admin-local-kube";
    let pods_path = format!("{cluster}/spaces/{PODS_NS}/pods");
    let services_path = format!("{cluster}/spaces/{SVCS_NS}/services");
    // A page that is little but the space tabs: the pods of a space without any.
    let tabs_path = format!("{cluster}/spaces/{SVCS_NS}/pods");

    // Part 1, curl and kubectl, against a server of its own (so the first
    // load is cold: no list of these spaces running in the server).
    let server = Server::start();
    let spaces_before = kubectl_ok(&["get", "namespaces", "-o", "name"])
        .lines()
        .count();
    let _ = curl(&server.url(&tabs_path)); // the server's first page ever
    let tabs_before = median_curl(&server.url(&tabs_path));
    eprintln!("{spaces} more spaces");
    make_spaces(&mut fixtures, spaces);
    let tabs_after = median_curl(&server.url(&tabs_path));
    let (kubectl_ns, _) = timed_kubectl(&["get", "namespaces"]);

    eprintln!("kubectl and the apiserver");
    let (kubectl_pods, kubectl_pods_bytes) = timed_kubectl(&["-n", PODS_NS, "get", "pods"]);
    let raw_pods = format!("/api/v1/namespaces/{PODS_NS}/pods?limit=100");
    let (raw_pods_time, raw_pods_bytes) = timed_kubectl(&["get", "--raw", &raw_pods]);
    let (kubectl_svcs, _) = timed_kubectl(&["-n", SVCS_NS, "get", "services"]);
    let raw_svcs = format!("/api/v1/namespaces/{SVCS_NS}/services?limit=100");
    let (raw_svcs_time, raw_svcs_bytes) = timed_kubectl(&["get", "--raw", &raw_svcs]);

    eprintln!("server-rendered pages");
    let pods_cold = curl(&server.url(&pods_path));
    let pods_again = curl(&server.url(&pods_path));
    let svcs_cold = curl(&server.url(&services_path));
    let svcs_again = curl(&server.url(&services_path));
    drop(server);

    // Part 2, Chromium, against a fresh server: its memory before, with one
    // tab, with ten; what a first visit costs.
    let server = Server::start();
    let pid = server.pid().to_string();
    let idle = IDLE_SECONDS.to_string();
    let tabs = TABS.to_string();
    eprintln!("Chromium: {pods_path}, idle {IDLE_SECONDS} s, {TABS} tabs");
    let page = browser(&[
        "load",
        "--url",
        &server.url(&pods_path),
        "--rows",
        "#space-pods-table tbody tr[data-pod]",
        "--pid",
        &pid,
        "--idle",
        &idle,
        "--tabs",
        &tabs,
    ]);
    // Right after the tabs closed, the list lingers in the server.
    let pods_live = curl(&server.url(&pods_path));

    eprintln!("Chromium: {services_path}");
    let svcs_page = browser(&[
        "load",
        "--url",
        &server.url(&services_path),
        "--rows",
        "#services-table tbody tr[data-service]",
    ]);

    eprintln!("Chromium: {CHANGES} label changes to the screen");
    let stride = pods / (CHANGES + 1);
    let changed: Vec<String> = pod_names(pods)
        .step_by(stride.max(1))
        .take(CHANGES + 1)
        .collect();
    let latency = browser(&[
        "latency",
        "--url",
        &server.url(&format!("{pods_path}?labels=bench%3Don")),
        "--space",
        PODS_NS,
        "--pods",
        &changed.join(","),
    ]);

    eprintln!("Chromium: {tabs_path} with {spaces} more spaces");
    let tabs_page = browser(&[
        "load",
        "--url",
        &server.url(&tabs_path),
        "--rows",
        ".tabs a.tab[data-space]",
    ]);
    drop(server);

    // The table.
    let wasm_bytes = std::fs::metadata(site_root().join("pkg/wharf.wasm"))
        .map(|m| m.len())
        .unwrap_or(0);
    let wasm_kind = if wasm_bytes > 20 * 1024 * 1024 {
        "a dev build: hydration is slower than with the release wasm"
    } else {
        "release"
    };
    let server_kind = if cfg!(debug_assertions) {
        "a debug build"
    } else {
        "optimised"
    };
    println!(
        "## Wharf live lists vs kubectl (local cluster, one run: {pods} pods, {services} Services, {spaces} more spaces)\n"
    );
    println!(
        "wasm {} ({wasm_kind}); wharf-server {server_kind}.\n",
        kib(wasm_bytes as f64)
    );
    println!("| figure | Wharf | kubectl / apiserver | target |");
    println!("| --- | --- | --- | --- |");
    let row = |figure: &str, wharf: String, kubectl: String, target: String| {
        println!("| {figure} | {wharf} | {kubectl} | {target} |");
    };
    let first_rows = num(&page, "/firstRowsMs");
    let hydrated = num(&page, "/hydratedMs");
    row(
        &format!("pods page ({pods} pods), first byte, cold"),
        duration(pods_cold.ttfb),
        format!(
            "apiserver's first 100 (`get --raw …?limit=100`): {}",
            duration(raw_pods_time)
        ),
        String::new(),
    );
    row(
        "pods page, first byte, second load",
        duration(pods_again.ttfb),
        String::new(),
        String::new(),
    );
    row(
        "pods page, first byte, list live in the server",
        duration(pods_live.ttfb),
        String::new(),
        String::new(),
    );
    row(
        &format!("pods page, size (HTML, first {FIRST_ROWS} rows)"),
        kib(pods_cold.bytes as f64),
        format!("first 100 as JSON: {}", kib(raw_pods_bytes as f64)),
        String::new(),
    );
    row(
        "first rows painted (Chromium, from navigation start; median of 5 loads)",
        format!(
            "{} (runs: {})",
            ms(first_rows),
            runs(&page, "/firstRowsRuns")
        ),
        String::new(),
        target("≤ 0.3 s", first_rows <= 300.0),
    );
    row(
        "hydrated (median of 5)",
        format!("{} (runs: {})", ms(hydrated), runs(&page, "/hydratedRuns")),
        String::new(),
        target("≤ 1 s", hydrated <= 1000.0),
    );
    row(
        &format!("live: all {pods} pods listed (the first load, its watch not yet running)"),
        ms(num(&page, "/liveColdMs")),
        format!(
            "`kubectl get pods`: {} ({} printed)",
            duration(kubectl_pods),
            kib(kubectl_pods_bytes as f64)
        ),
        String::new(),
    );
    let dom_rows = num(&page, "/domRows");
    let in_view = num(&page, "/rowsInView");
    row(
        "rows in the DOM (rows in view)",
        format!("{dom_rows:.0} ({in_view:.0})"),
        String::new(),
        target(
            "≈ rows in view (+ margin)",
            dom_rows <= in_view + 2.0 * 60.0 + 1.0,
        ),
    );
    row(
        "long tasks while loading",
        long_tasks(&page, "/loadLongTasks"),
        String::new(),
        String::new(),
    );
    let idle_tasks = num(&page, "/idle/longTasks/count");
    row(
        &format!("long tasks over {IDLE_SECONDS} idle s"),
        long_tasks(&page, "/idle/longTasks"),
        String::new(),
        target("0", idle_tasks == 0.0),
    );
    let idle_cpu = num(&page, "/idle/serverCpuSeconds");
    row(
        &format!("server CPU over {IDLE_SECONDS} idle s (1 tab)"),
        format!("{idle_cpu:.2} s"),
        String::new(),
        target("≈ 0 s", idle_cpu <= 0.1),
    );
    let (appear_p50, appear_p95) = stats(samples(&latency, "/appearMs"));
    let (k_appear_p50, k_appear_p95) = stats(samples(&latency, "/kubectlAppearMs"));
    let (gone_p50, gone_p95) = stats(samples(&latency, "/disappearMs"));
    let (k_gone_p50, k_gone_p95) = stats(samples(&latency, "/kubectlDisappearMs"));
    let (label_p50, _) = stats(samples(&latency, "/labelMs"));
    row(
        &format!("change to screen, row appears, p50 of {CHANGES}"),
        ms(appear_p50),
        format!("`kubectl get --watch`: {}", ms(k_appear_p50)),
        String::new(),
    );
    row(
        "change to screen, row appears, p95",
        ms(appear_p95),
        format!("`kubectl get --watch`: {}", ms(k_appear_p95)),
        target("≤ 1 s", appear_p95 <= 1000.0),
    );
    row(
        "change to screen, row goes, p50 / p95",
        format!("{} / {}", ms(gone_p50), ms(gone_p95)),
        format!(
            "`kubectl get --watch`: {} / {}",
            ms(k_gone_p50),
            ms(k_gone_p95)
        ),
        String::new(),
    );
    let rss = |pointer: &str| num(&page, &format!("/server/{pointer}/rssKiB"));
    let rss_tabs = rss("allTabs");
    row(
        "server RSS: before / 1 tab / 10 tabs (one session)",
        format!(
            "{} / {} / {}",
            mib_of_kib(rss("before")),
            mib_of_kib(rss("oneTab")),
            mib_of_kib(rss_tabs)
        ),
        String::new(),
        target("≤ 150 MB with 10 tabs", rss_tabs * 1024.0 <= 150e6),
    );
    row(
        &format!("services page ({services} Services), first byte cold / again"),
        format!(
            "{} / {}",
            duration(svcs_cold.ttfb),
            duration(svcs_again.ttfb)
        ),
        format!(
            "first 100: {}; `kubectl get services`: {}",
            duration(raw_svcs_time),
            duration(kubectl_svcs)
        ),
        String::new(),
    );
    row(
        "services page, size",
        kib(svcs_cold.bytes as f64),
        format!("first 100 as JSON: {}", kib(raw_svcs_bytes as f64)),
        String::new(),
    );
    row(
        "services page, first rows / hydrated / live",
        format!(
            "{} / {} / {}",
            ms(num(&svcs_page, "/firstRowsMs")),
            ms(num(&svcs_page, "/hydratedMs")),
            ms(num(&svcs_page, "/liveMs"))
        ),
        String::new(),
        String::new(),
    );
    row(
        &format!(
            "a page's first byte (median of {REPEATS}) with {spaces_before} spaces / {} spaces",
            spaces_before + spaces
        ),
        format!(
            "{} / {}",
            duration(tabs_before.ttfb),
            duration(tabs_after.ttfb)
        ),
        format!("`kubectl get namespaces`: {}", duration(kubectl_ns)),
        String::new(),
    );
    row(
        "that page in Chromium: tabs drawn, first painted / hydrated",
        format!(
            "{:.0}, {} / {}",
            num(&tabs_page, "/domRows"),
            ms(num(&tabs_page, "/firstRowsMs")),
            ms(num(&tabs_page, "/hydratedMs"))
        ),
        String::new(),
        String::new(),
    );
    let misses = latency["misses"].as_array().map_or(0, Vec::len);
    if misses > 0 {
        println!(
            "\n{misses} label changes never reached the page or the watch in 15 s: {}",
            latency["misses"]
        );
    }
    println!(
        "\nPeak server RSS {}; `kubectl label` itself took {} (p50), counted in both change-to-screen columns.",
        mib_of_kib(num(&page, "/server/allTabs/hwmKiB")),
        ms(label_p50)
    );
    drop(fixtures);
}
