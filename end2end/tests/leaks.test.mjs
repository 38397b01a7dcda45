// Issue 6: the restricted user (`dev`, who may use namespace dev only)
// tries every page route, every server function and every socket of Wharf
// against a namespace of the admin's, on the multi-user Wharf (signed in
// with dev's token) and on the local-mode Wharf started with dev's
// kubeconfig. The lists of routes and functions are read from the source,
// so a new one that is not tried here fails the test. A leak is any answer
// carrying something only the other namespace knows (a marker in labels,
// annotations, env and logs; the Service's cluster IP; the pod's IP); a
// change is any difference in that namespace afterwards. 0 of each passes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE, RESTRICTED_BASE, eventually, kubectl, launch, namespaceExists, openPage, unique } from './helpers.mjs';

const MULTI = process.env.WHARF_MULTI_URL ?? 'http://127.0.0.1:3102';
const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOKEN = readFileSync(process.env.KUBE_LOCAL_RESTRICTED_KUBECONFIG, 'utf8').match(/token: (\S+)/)[1];

const space = unique('e2e-leak');
const newSpace = unique('e2e-leak-new');
const hostSpace = unique('e2e-host-new');
const MARKER = `leakmarker${Date.now().toString(36)}`;
/// The first cluster's one node (the nodes pages are tried with it).
const NODE = process.env.KUBE_LOCAL_NODE_NAME ?? 'local-kube';
let pod;
// The site's version (server/src/assets.rs), as the pages name it.
let pkgVersion;
let secrets;
let before_;
let browser;
const figures = { pages: 0, functions: 0, sockets: 0, refused: 0, leaks: [] };

/// What the namespace holds, as the admin sees it: any change by dev shows.
function snapshot() {
  const names = kubectl('-n', space, 'get', 'deploy,sts,svc,cm,secret,pvc,pods', '-o', 'name').split('\n').sort();
  const deployment = kubectl('-n', space, 'get', 'deploy', 'probe', '-o',
    'jsonpath={.metadata.generation} {.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.resourceVersion}');
  const service = kubectl('-n', space, 'get', 'svc', 'probe', '-o', 'jsonpath={.metadata.resourceVersion}');
  return { names, deployment, service };
}

before(async () => {
  pkgVersion = (await (await fetch(`${BASE}/`)).text()).match(/\/pkg\/([0-9a-f]{16})\//)[1];
  kubectl('create', 'namespace', space);
  const labels = { app: 'probe', secret: MARKER };
  const annotations = { 'wharf.io/description': MARKER };
  const manifest = {
    apiVersion: 'v1', kind: 'List', items: [
      {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'probe', labels, annotations },
        spec: {
          replicas: 1, selector: { matchLabels: { app: 'probe' } },
          template: {
            metadata: { labels, annotations },
            spec: {
              containers: [{
                name: 'busybox', image: 'busybox:1.35', env: [{ name: 'SECRET_VALUE', value: MARKER }],
                command: ['sh', '-c', 'echo "$SECRET_VALUE"; trap "exit 0" TERM; sleep 3600 & wait'],
              }],
            },
          },
        },
      },
      {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'probe', labels, annotations },
        spec: { selector: { app: 'probe' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plans' }, data: { plan: MARKER } },
    ],
  };
  const file = join(tmpdir(), `${space}.json`);
  writeFileSync(file, JSON.stringify(manifest));
  kubectl('-n', space, 'apply', '-f', file);
  kubectl('-n', space, 'rollout', 'status', 'deployment/probe', '--timeout=120s');
  pod = await eventually('the probe pod logs the marker', () => {
    const name = kubectl('-n', space, 'get', 'pods', '-l', 'app=probe', '-o', 'jsonpath={.items[0].metadata.name}').trim();
    return name && kubectl('-n', space, 'logs', name).includes(MARKER) ? name : null;
  });
  const clusterIp = kubectl('-n', space, 'get', 'svc', 'probe', '-o', 'jsonpath={.spec.clusterIP}').trim();
  const podIp = kubectl('-n', space, 'get', 'pod', pod, '-o', 'jsonpath={.status.podIP}').trim();
  secrets = [MARKER, clusterIp, podIp];
  assert.ok(secrets.every((s) => s.length > 6), `secrets: ${secrets}`);
  before_ = snapshot();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', space, '--wait=false', '--ignore-not-found');
  kubectl('delete', 'namespace', newSpace, '--wait=false', '--ignore-not-found');
  kubectl('delete', 'namespace', hostSpace, '--wait=false', '--ignore-not-found');
});

/// The page routes of app/src/root.rs, with their parameters filled in:
/// the top-level ones, a cluster's (under `clusters/:cluster`) and the
/// embedded ones (under `embed/clusters/:cluster`), of `cluster`.
function pageRoutes(cluster) {
  const source = readFileSync(join(SOURCE, 'app/src/root.rs'), 'utf8');
  const [top, rest] = source.split('path!("clusters/:cluster")');
  const [ofCluster, embedded] = rest.split('path!("embed/clusters/:cluster")');
  const paths = (text) => [...text.matchAll(/path!\("([^"]*)"\)/g)].map((m) => m[1]);
  const routes = [
    ...paths(top).map((p) => `/${p}`),
    ...paths(ofCluster).map((p) => `/clusters/${cluster}/${p}`),
    ...paths(embedded).map((p) => `/embed/clusters/${cluster}/${p}`),
  ];
  return [...new Set(routes)].map((r) => r.replace(/\/$/, '')
    .replace(':space', space).replace(':name', 'probe').replace(':pod', pod).replace(':container', 'busybox')
    .replace(':node', NODE));
}

/// The cluster of a Wharf serving one: its name in the URLs (`/` goes there).
async function clusterOf(base, headers = {}) {
  const response = await fetch(`${base}/`, { headers, redirect: 'manual' });
  const match = (response.headers.get('location') ?? '').match(/^\/clusters\/([a-z0-9-]+)/);
  assert.ok(match, `${base}/ names its cluster: ${response.status} ${response.headers.get('location')}`);
  return match[1];
}

/// Every server function, with arguments that aim at the other namespace.
/// Forms are valid, so a refusal can only come from the cluster.
function functionCalls(created = newSpace) {
  const app = { kind: 'Stateless', name: 'probe' };
  const container = { name: 'probe', image: 'busybox', tag: '1.36' };
  const serviceForm = { name: 'probe', selector: [{ key: 'app', value: 'probe' }], ports: [{ port: '80', target_port: '9090' }] };
  const serviceYaml = `apiVersion: v1\nkind: Service\nmetadata:\n  name: probe\n  namespace: ${space}\nspec:\n  ports:\n  - port: 81\n`;
  const appYaml = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: intruder\nspec:\n  selector:\n    matchLabels: {app: intruder}\n  template:\n    metadata:\n      labels: {app: intruder}\n    spec:\n      containers:\n      - name: c\n        image: busybox:1.35\n`;
  const form = (fields) => ({ form: new URLSearchParams(fields).toString() });
  return {
    list_spaces: form({}),
    list_clusters: form({}),
    cluster_summary: [form({ name: 'admin-local-kube' }), form({ name: 'dev-local-kube' })],
    list_nodes: form({}),
    nodes_use: form({}),
    node_detail: form({ name: NODE }),
    access: form({ space }),
    create_space: form({ name: created, description: '' }),
    space_contents: form({ space }),
    delete_space: form({ space, confirm: space }),
    list_services: form({ space }),
    pods_usage: { json: { space, pods: [[pod, 'node']] } },
    live_rows: [
      { json: { source: { kind: 'pods', space, labels: '' }, view: {} } },
      { json: { source: { kind: 'services', space, labels: 'app=probe' }, view: { sort: 'age' } } },
      { json: { source: { kind: 'workloads', space, labels: '' }, view: { sort: 'type' } } },
      { json: { source: { kind: 'events', space, labels: '' }, view: { sort: 'age' } } },
      { json: { source: { kind: 'events', space, labels: '', fields: `involvedObject.name=${pod}` }, view: {} } },
    ],
    get_service: form({ space, name: 'probe' }),
    create_service: { json: { space, form: { ...serviceForm, name: 'intruder' }, base: null, check_only: false } },
    service_draft: form({ space, name: 'probe' }),
    draft_from_yaml: { json: { space, yaml: serviceYaml, name: 'probe' } },
    preview_service: { json: { space, form: serviceForm, base: null } },
    update_service: { json: { space, name: 'probe', form: serviceForm, base: serviceYaml } },
    service_companions: { json: { space, names: ['probe'] } },
    delete_services: { json: { space, names: ['probe'], workloads: [{ kind: 'Deployment', name: 'probe', service: 'probe' }] } },
    workload_labels: form({ space }),
    matching_pods: { json: { space, selector: [['app', 'probe']] } },
    create_services_yaml: { json: { space, yaml: serviceYaml.replace('name: probe', 'name: intruder') } },
    update_service_yaml: { json: { space, name: 'probe', yaml: serviceYaml, on_top_of: null } },
    create_app: { json: { space, form: { name: 'intruder', containers: [container] }, check_only: false } },
    create_app_yaml: { json: { space, yaml: appYaml, check_only: false } },
    preview_app: { json: { space, form: { name: 'probe', containers: [container] } } },
    current_user: form({}),
    pod_detail: form({ space, pod }),
    app_detail: form({ space, name: 'probe' }),
    upgrade_draft: form({ space, name: 'probe' }),
    upgrade_app: { json: { space, app, form: { containers: [container], replicas: '3' }, generation: 1 } },
    app_action: [
      { json: { space, app, action: { Scale: 5 } } },
      { json: { space, app, action: 'Stop' } },
      { json: { space, app, action: 'Start' } },
      { json: { space, app, action: 'Restart' } },
      { json: { space, app, action: { Rollback: null } } },
      { json: { space, app, action: 'ConfirmUpgrade' } },
    ],
    restart_workload: [
      { json: { space, workload: { kind: 'Deployment', name: 'probe' } } },
      { json: { space, workload: { kind: 'DaemonSet', name: 'probe' } } },
    ],
    delete_apps: { json: { space, workloads: [{ kind: 'Deployment', name: 'probe' }, { kind: 'Job', name: 'probe' }], with_volumes: true } },
  };
}

/// The server functions of app/src/api.rs, by endpoint.
function declaredFunctions() {
  return [...readFileSync(join(SOURCE, 'app/src/api.rs'), 'utf8').matchAll(/endpoint = "([a-z_]+)"/g)].map((m) => m[1]);
}

function noteLeaks(where, text) {
  for (const secret of secrets) {
    if (text.includes(secret)) figures.leaks.push(`${where}: ${secret}`);
  }
  // The other namespace's name is the caller's own input everywhere but
  // in the list of spaces.
  if (where.endsWith('list_spaces') && text.includes(space)) figures.leaks.push(`${where}: lists ${space}`);
}

async function tryPagesAndFunctions(base, headers) {
  for (const route of pageRoutes(await clusterOf(base, headers))) {
    const response = await fetch(`${base}${route}`, { headers, redirect: 'manual' });
    figures.pages += 1;
    // Tried as dev, not bounced to the sign-in page.
    assert.ok(route === '/sign-in' || response.status < 300, `${route}: ${response.status}`);
    noteLeaks(`GET ${base}${route}`, await response.text());
  }
  const declared = declaredFunctions();
  const calls = functionCalls();
  assert.deepEqual(declared.filter((name) => !(name in calls)), [], 'every server function is tried');
  for (const [name, call] of Object.entries(calls)) {
    for (const { form, json } of [call].flat()) {
      const response = await fetch(`${base}/api/${name}`, {
        method: 'POST',
        headers: { ...headers, origin: base, 'x-wharf-csrf': '1', 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
        body: json ? JSON.stringify(json) : form,
      });
      const text = await response.text();
      figures.functions += 1;
      assert.notEqual(response.status, 401, `${name} was tried signed in`);
      if (response.status === 403 || /Forbidden/.test(text)) figures.refused += 1;
      noteLeaks(`POST ${base}/api/${name}`, text);
    }
  }
  const download = await fetch(`${base}/download/logs?space=${space}&pod=${pod}&container=busybox&tail=all`, { headers });
  figures.sockets += 1;
  assert.equal(download.status, 403);
  figures.refused += 1;
  noteLeaks(`GET ${base}/download/logs`, await download.text());
}

/// The socket routes of server/src/sockets/mod.rs and server/src/live_socket.rs
/// (which routes the shared crate's WATCH_PATH).
function socketRoutes() {
  const relays = readFileSync(join(SOURCE, 'server/src/sockets/mod.rs'), 'utf8');
  const live = readFileSync(join(SOURCE, 'server/src/live_socket.rs'), 'utf8');
  const watchPath = readFileSync(join(SOURCE, 'app/spec/src/live.rs'), 'utf8').match(/WATCH_PATH: &str = "([^"]+)"/)[1];
  return [
    ...[...relays.matchAll(/\.route\("(\/ws\/[a-z]+)"/g)].map((m) => m[1]),
    ...(live.includes('.route(WATCH_PATH') ? [watchPath] : []),
  ];
}

/// Subscriptions to the other namespace's lists, every kind, with and
/// without a selector: each must be refused.
function watchSubscriptions() {
  return [
    { kind: 'pods', labels: '' }, { kind: 'services', labels: '' },
    { kind: 'pods', labels: 'app=probe' }, { kind: 'services', labels: 'app=probe' },
    { kind: 'workloads', labels: '' }, { kind: 'events', labels: '' },
    // A detail page's: one object by name, one object's events.
    { kind: 'pods', labels: '', fields: `metadata.name=${pod}` },
    { kind: 'workloads', labels: '', fields: 'metadata.name=probe' },
    { kind: 'events', labels: '', fields: `involvedObject.kind=Pod,involvedObject.name=${pod}` },
  ].map((source) => ({ ...source, space }))
    // Every space of the cluster (dev may list none).
    .concat([{ kind: 'spaces', space: '', labels: '' }, { kind: 'nodes', space: '', labels: '' }])
    .map((source, i) => ({ type: 'subscribe', id: i + 1, source, view: {} }));
}

/// The live-list socket: every subscription to the other namespace gets
/// `failed` (Forbidden) and no rows; the page closes the socket itself
/// (Wharf keeps it open for the tab's other lists).
async function tryWatchSocket(page, url) {
  const subscriptions = watchSubscriptions();
  const { frames, refused } = await page.evaluate(({ u, subscriptions }) => new Promise((resolve) => {
    const frames = [];
    const refused = new Set();
    const ws = new WebSocket(u);
    ws.onopen = () => subscriptions.forEach((s) => ws.send(JSON.stringify(s)));
    ws.onmessage = (e) => {
      frames.push(e.data);
      const m = JSON.parse(e.data);
      if (m.failed) refused.add(m.failed.id);
      if (refused.size === subscriptions.length) { ws.close(); resolve({ frames, refused: [...refused] }); }
    };
    ws.onclose = () => resolve({ frames, refused: [...refused] });
    // A deadline, not a wait: unanswered subscriptions are a failure.
    setTimeout(() => { ws.close(); resolve({ frames, refused: [...refused] }); }, 15_000);
  }), { u: url, subscriptions });
  figures.sockets += 1;
  assert.equal(refused.length, subscriptions.length, `${url}: every subscription refused: ${frames.join('\n').slice(0, 300)}`);
  const all = frames.join('\n');
  assert.doesNotMatch(all, /\{"rows":/, `${url}: no rows`);
  assert.equal(frames.filter((f) => /"failed".*Forbidden/.test(f)).length, subscriptions.length, all.slice(0, 300));
  figures.refused += subscriptions.length;
  noteLeaks(`WS ${url}`, all);
}

/// Opens the sockets from a page of Wharf's own origin (so Origin passes)
/// and gathers every frame until the server closes them.
async function trySockets(base, cookie) {
  const queries = {
    '/ws/terminal': [`space=${space}&pod=${pod}&container=busybox`, `space=${space}&pod=${pod}&container=busybox&command=env`],
    '/ws/logs': ['pod=' + pod + '&container=busybox', 'app=probe', 'service=probe']
      .map((q) => `space=${space}&${q}&follow=true&tail=all&since=any&timestamps=false&previous=false`),
    '/ws/watch': [],
  };
  assert.deepEqual(socketRoutes().filter((r) => !(r in queries)), [], 'every socket is tried');
  const page = await openPage(browser);
  if (cookie) await page.context().addCookies([{ name: 'wharf_session', value: cookie, url: base }]);
  await page.goto(`${base}/clusters/${await clusterOf(base, cookie ? { cookie: `wharf_session=${cookie}` } : {})}/spaces/dev/apps`);
  await tryWatchSocket(page, `${base.replace('http', 'ws')}/ws/watch`);
  for (const [route, list] of Object.entries(queries)) {
    for (const query of list) {
      const url = `${base.replace('http', 'ws')}${route}?${query}`;
      const { frames, closed } = await page.evaluate((u) => new Promise((resolve) => {
        const frames = [];
        const ws = new WebSocket(u);
        ws.binaryType = 'arraybuffer';
        ws.onopen = () => ws.send(JSON.stringify({ type: 'resize', cols: 80, rows: 24 }));
        ws.onmessage = (e) => frames.push(typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data));
        ws.onclose = () => resolve({ frames, closed: true });
        // A deadline, not a wait: a socket still open after it is a failure.
        setTimeout(() => { resolve({ frames, closed: false }); ws.close(); }, 15_000);
      }), url);
      figures.sockets += 1;
      assert.ok(closed, `${url} was closed by Wharf`);
      const all = frames.join('\n');
      assert.match(all, /"failed".*Forbidden/s, `${url}: ${all.slice(0, 300)}`);
      figures.refused += 1;
      noteLeaks(`WS ${url}`, all);
    }
  }
  await page.context().close();
}

/// A fresh session of dev's (that Wharf ends sessions 20 s after sign-in).
async function signIn() {
  const response = await fetch(`${MULTI}/auth/sign-in`, {
    method: 'POST', redirect: 'manual',
    headers: { origin: MULTI, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: TOKEN, kubeconfig: '', next: '/' }).toString(),
  });
  assert.equal(response.status, 303);
  // The sealed session (one cookie for a token; `wharf_session.1`… would
  // follow a longer credential, and are cleared here).
  return response.headers.get('set-cookie').match(/(?:^|, )wharf_session=([^;]+)/)[1];
}

test('the restricted user, signed in, reaches nothing of another namespace', async () => {
  // The detector works: the admin's Wharf shows the marker on the same page.
  assert.ok((await (await fetch(`${BASE}/spaces/${space}/apps/probe`)).text()).includes(MARKER));
  await tryPagesAndFunctions(MULTI, { cookie: `wharf_session=${await signIn()}` });
  await trySockets(MULTI, await signIn());
  await tryPagesAndFunctions(RESTRICTED_BASE, {});
  await trySockets(RESTRICTED_BASE, null);

  assert.deepEqual(figures.leaks, [], 'nothing of the other namespace in any answer');
  assert.deepEqual(snapshot(), before_, 'the other namespace is as it was');
  assert.equal(namespaceExists(newSpace), false, 'no namespace was created');
  console.log(`leak test: ${figures.pages} page loads, ${figures.functions} server-function calls, ` +
    `${figures.sockets} sockets/downloads tried; ${figures.refused} refused by the cluster; leaks ${figures.leaks.length}`);
});

/// One HTTP/1.1 request to `base` with this `Host` (fetch may not set it).
/// A websocket upgrade Wharf accepted resolves with 101.
function sendWithHost(base, host, { method = 'GET', path, headers = {}, body }) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname, port: url.port || 80, method, path, agent: false, timeout: 15_000,
      headers: { ...headers, host, connection: headers.upgrade ? 'Upgrade' : 'close' },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, text }));
    });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode, headers: response.headers, text: '' });
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${base}${path}: no answer in 15 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

/// Every route class of Wharf, as requests a DNS-rebinding page would make
/// (pages, server functions, sign-in, sockets, downloads, static files),
/// each with everything Wharf's own pages send (Origin `own`, x-wharf-csrf)
/// so that only the Host is wrong: without the Host check they would be
/// served (the writes aim at `space` and would change it).
function foreignHostRequests(own) {
  const pkg = readFileSync(join(SOURCE, 'Cargo.toml'), 'utf8').match(/output-name = "([^"]+)"/)[1];
  const socketQueries = {
    '/ws/terminal': `space=${space}&pod=${pod}&container=busybox`,
    '/ws/logs': `space=${space}&pod=${pod}&container=busybox&follow=true&tail=all&since=any&timestamps=false&previous=false`,
    '/ws/watch': '',
  };
  const sockets = socketRoutes();
  assert.deepEqual(sockets.filter((r) => !(r in socketQueries)), [], 'every socket is tried');
  const calls = functionCalls(hostSpace);
  assert.deepEqual(declaredFunctions().filter((name) => !(name in calls)), [], 'every server function is tried');
  const write = { origin: own, 'x-wharf-csrf': '1' };
  return {
    pages: pageRoutes('any-cluster').map((path) => ({ path })),
    'server functions': Object.entries(calls).flatMap(([name, call]) => [call].flat().map(({ form, json }) => ({
      method: 'POST', path: `/api/${name}`, body: json ? JSON.stringify(json) : form,
      headers: { ...write, 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    }))),
    'sign-in/out': [
      { method: 'POST', path: '/auth/sign-in', headers: { origin: own, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: TOKEN, kubeconfig: '', next: '/' }).toString() },
      { method: 'POST', path: '/auth/sign-out', headers: { origin: own, 'content-type': 'application/x-www-form-urlencoded' }, body: '' },
    ],
    sockets: sockets.map((route) => ({
      path: `${route}?${socketQueries[route]}`,
      headers: { origin: own, upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    })),
    downloads: [{ path: `/download/logs?space=${space}&pod=${pod}&container=busybox&tail=all` }],
    'static files': [`/pkg/${pkg}.css`, `/pkg/${pkg}.js`, `/pkg/${pkg}.wasm`, `/pkg/${pkgVersion}/${pkg}.wasm`,
      `/pkg/${pkgVersion}/editor.js`, '/favicon.ico'].map((path) => ({ path })),
    'other methods, unknown paths': [
      { method: 'HEAD', path: '/' },
      { method: 'OPTIONS', path: '/api/list_spaces', headers: { origin: own } },
      { method: 'PUT', path: `/spaces/${space}/services`, headers: write, body: '' },
      { path: '/no-such-page' },
      { path: '/healthz/' },
    ],
  };
}

test('a foreign Host gets 421 from every route of every Wharf, and changes nothing', async () => {
  const servers = { admin: BASE, restricted: RESTRICTED_BASE, 'multi-user': MULTI };
  const table = {};
  const wrong = [];
  for (const [server, base] of Object.entries(servers)) {
    const { origin, port } = new URL(base);
    const host = `evil.example:${port || 80}`;
    for (const [kind, requests] of Object.entries(foreignHostRequests(origin))) {
      const statuses = {};
      for (const r of requests) {
        const answer = await sendWithHost(base, host, r);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        const refusal = `421 Misdirected Request: Wharf does not answer to the host "${host}".`;
        if (answer.status !== 421 || (r.method !== 'HEAD' && !answer.text.startsWith(refusal))) {
          wrong.push(`${server} ${r.method ?? 'GET'} ${r.path}: ${answer.status} ${answer.text.slice(0, 120)}`);
        }
      }
      (table[`${kind} (${requests.length})`] ??= {})[server] = Object.entries(statuses).map(([s, n]) => `${s}×${n}`).join(' ');
    }
    // The detector works: the same reads with the server's own Host are
    // answered (writes are not repeated: they would change the namespace).
    for (const kind of ['pages', 'sockets', 'downloads', 'static files']) {
      for (const r of foreignHostRequests(origin)[kind]) {
        const answer = await sendWithHost(base, new URL(base).host, r);
        if (answer.status === 421) wrong.push(`${server} ${r.path} with its own Host: 421`);
      }
    }
    // The paths that answer any host (kubelets probe and Prometheus
    // scrapes by pod IP), read from the router: each answers, without a
    // session, and says nothing of a user.
    const anyHost = readFileSync(join(SOURCE, 'server/src/router.rs'), 'utf8')
      .match(/ANY_HOST_PATHS: &\[&str\] = &\[([^\]]*)\]/)[1].match(/"[^"]+"/g).map((p) => JSON.parse(p));
    assert.deepEqual(anyHost.slice(0, 2), ['/healthz', '/readyz']);
    const statuses = [];
    for (const path of anyHost) {
      const answer = await sendWithHost(base, host, { path });
      statuses.push(answer.status);
      assert.equal(answer.status, 200, `${server} ${path} for any host`);
      if (path !== '/metrics') assert.equal(answer.text, 'ok', `${server} ${path}`);
      assert.ok(!answer.text.includes(TOKEN) && !/user="|namespace="/.test(answer.text), `${server} ${path} names nobody`);
    }
    (table[`${anyHost.join(', ')}, any host (${anyHost.length})`] ??= {})[server] = statuses.join(' ');
  }
  const width = Math.max(...Object.keys(table).map((k) => k.length));
  const lines = ['foreign-host test (Host: evil.example:<the server\'s port>): status × count',
    `  ${'route class'.padEnd(width)}` + Object.keys(servers).map((s) => s.padStart(12)).join('')];
  for (const [kind, row] of Object.entries(table)) {
    lines.push(`  ${kind.padEnd(width)}` + Object.keys(servers).map((s) => String(row[s]).padStart(12)).join(''));
  }
  console.log(lines.join('\n'));
  assert.deepEqual(wrong, [], 'every request for a foreign host is refused with 421');
  assert.deepEqual(snapshot(), before_, 'the other namespace is as it was');
  assert.equal(namespaceExists(hostSpace), false, 'no namespace was created');
});
