// Issue 14: one Wharf, several clusters. test.sh starts two Wharfs on the
// kubeconfig `clusters_kubeconfig` (end2end/lib.sh) writes: kube-a (the
// first local cluster), kube-b (the second, a control plane without nodes)
// and kube-off (a closed port). CLUSTERS serves them in local mode,
// MULTI_CLUSTERS in multi-user mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, eventually, findSpace, hydrated, kubectl, launch, openPage, unique } from './helpers.mjs';

const CLUSTERS = process.env.WHARF_CLUSTERS_URL ?? 'http://127.0.0.1:3103';
const MULTI_CLUSTERS = process.env.WHARF_MULTI_CLUSTERS_URL ?? 'http://127.0.0.1:3104';
const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOKEN_A = readFileSync(process.env.KUBE_LOCAL_RESTRICTED_KUBECONFIG, 'utf8').match(/token: (\S+)/)[1];
const TOKEN_B = readFileSync(process.env.WHARF_DEV_B_KUBECONFIG ?? '/tmp/wharf/dev-b.kubeconfig', 'utf8').match(/token: (\S+)/)[1];
const ADMIN_B = '/tmp/local-kube-b/admin.kubeconfig';
const kubectlB = (...args) => execFileSync('kubectl', ['--kubeconfig', ADMIN_B, ...args], { encoding: 'utf8' });

const onlyB = unique('e2e-only-b');
const onlyA = unique('e2e-only-a');
let browser;

before(async () => {
  browser = await launch();
  kubectlB('create', 'namespace', onlyB);
  kubectlB('-n', onlyB, 'create', 'service', 'clusterip', 'b-web', '--tcp=80:8080');
  kubectl('create', 'namespace', onlyA);
  kubectl('-n', onlyA, 'run', 'shell', '--image=busybox:1.35', '--restart=Never', '--', 'sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait');
});

after(async () => {
  await browser?.close();
  kubectlB('delete', 'namespace', onlyB, '--wait=false', '--ignore-not-found');
  kubectl('delete', 'namespace', onlyA, '--wait=false', '--ignore-not-found');
});

const row = (page, name) => page.locator(`#clusters tr[data-cluster="${name}"]`);

test('the cluster list: versions and nodes of both clusters, the closed port unreachable in words; / goes there', async () => {
  const page = await openPage(browser);
  await page.goto(`${CLUSTERS}/`);
  await page.waitForURL(`${CLUSTERS}/clusters`);
  await hydrated(page);
  assert.equal(await page.textContent('#clusters-count'), '3 clusters');
  await page.waitForSelector('#clusters tr[data-cluster="kube-a"] [data-version="v1.20.2"]');
  await page.waitForSelector('#clusters tr[data-cluster="kube-b"] [data-version="v1.20.2"]');
  assert.equal(await row(page, 'kube-a').locator('[data-nodes]').textContent(), '1 / 1');
  assert.equal(await row(page, 'kube-b').locator('[data-nodes]').textContent(), '0 / 0');
  assert.match(await row(page, 'kube-a').textContent(), /default/);
  assert.match(await row(page, 'kube-a').textContent(), /May list spaces/);
  await page.waitForSelector('#clusters tr[data-cluster="kube-off"] [data-unreachable]');
  assert.match(await row(page, 'kube-off').textContent(), /connection refused/);
  assert.match(await row(page, 'kube-off').textContent(), /127\.0\.0\.1:6699/);
  await page.screenshot({ path: join(ARTIFACTS, 'clusters-list.png'), fullPage: true });
  await page.context().close();

  const zh = await openPage(browser, { locale: 'zh-CN' });
  await zh.goto(`${CLUSTERS}/clusters`);
  await zh.waitForSelector('#clusters tr[data-cluster="kube-off"] [data-unreachable]');
  assert.match(await zh.textContent('h1'), /集群列表/);
  assert.match(await row(zh, 'kube-off').textContent(), /连接被拒绝/);
  await zh.screenshot({ path: join(ARTIFACTS, 'clusters-list-zh.png'), fullPage: true });
  await zh.context().close();
});

test('a space of cluster B is in B\'s tabs only; a Service page of B opens by URL; the switcher changes cluster', async () => {
  const page = await openPage(browser);
  await page.goto(`${CLUSTERS}/clusters/kube-b/spaces/${onlyB}/services/b-web`);
  await hydrated(page);
  await page.waitForSelector(`.tabs [data-space="${onlyB}"][aria-current="page"]`);
  assert.match(await page.textContent('main'), /b-web/);
  assert.equal(await page.locator(`.tabs [data-space="${onlyA}"]`).count(), 0, 'A\'s space is not among B\'s');
  assert.equal(await page.textContent('#current-cluster'), 'kube-b');
  // Links stay in the cluster.
  assert.equal(await page.getAttribute(`.tabs [data-space="${onlyB}"]`, 'href'), `/clusters/kube-b/spaces/${onlyB}/services`);
  await page.screenshot({ path: join(ARTIFACTS, 'clusters-service-of-b.png') });

  // To cluster A with the switcher: a full load, and A's spaces.
  await page.click('#cluster-switcher summary');
  await page.keyboard.press('Escape');
  assert.equal(await page.getAttribute('#cluster-switcher', 'open'), null, 'Esc closes the menu');
  await page.click('#cluster-switcher summary');
  await page.click('#cluster-switcher a[data-cluster="kube-a"]');
  await page.waitForURL(`${CLUSTERS}/clusters/kube-a/**`);
  await hydrated(page);
  // A has more spaces than tabs: its spaces are in the picker.
  await (await findSpace(page, onlyA)).waitFor();
  assert.equal(await page.locator(`.tabs [data-space="${onlyB}"]`).count(), 0, 'B\'s space is not among A\'s');
  assert.equal(await (await findSpace(page, onlyB)).count(), 0, 'B\'s space is not in A\'s picker');
  // After hydration, the page's calls go to A too: the live tabs follow A.
  kubectl('label', 'namespace', onlyA, 'seen=yes');
  const addedA = unique('e2e-added-a');
  kubectl('create', 'namespace', addedA);
  await (await findSpace(page, addedA)).waitFor({ timeout: 20_000 });
  kubectl('delete', 'namespace', addedA, '--wait=false');
  // The same Service URL on A: not there.
  await page.goto(`${CLUSTERS}/clusters/kube-a/spaces/${onlyB}/services/b-web`);
  await hydrated(page);
  assert.match(await page.textContent('main'), /not found|does not exist/i);
  // A cluster Wharf does not serve.
  const missing = await fetch(`${CLUSTERS}/api/list_spaces`, {
    method: 'POST', headers: { 'x-wharf-csrf': '1', 'x-wharf-cluster': 'kube-z', 'content-type': 'application/x-www-form-urlencoded' }, body: '',
  });
  assert.equal(missing.status, 404);
  await page.context().close();
});

test('old URLs go to the default cluster, embedded ones too; an embedded terminal with its cluster in the path works', async () => {
  for (const [from, to] of [
    ['/spaces/dev/services?q=x', '/clusters/kube-a/spaces/dev/services?q=x'],
    [`/embed/spaces/${onlyA}/pods/shell/terminal/shell`, `/embed/clusters/kube-a/spaces/${onlyA}/pods/shell/terminal/shell`],
  ]) {
    const response = await fetch(`${CLUSTERS}${from}`, { redirect: 'manual' });
    assert.equal(response.status, 307, from);
    assert.equal(response.headers.get('location'), to);
  }
  await eventually('the shell pod runs', () =>
    kubectl('-n', onlyA, 'get', 'pod', 'shell', '-o', 'jsonpath={.status.phase}') === 'Running', 120_000);
  const page = await openPage(browser);
  await page.goto(`${CLUSTERS}/embed/clusters/kube-a/spaces/${onlyA}/pods/shell/terminal/shell`);
  await hydrated(page);
  await page.waitForSelector('#terminal-status[data-state=connected]', { timeout: 30_000 });
  await page.click('#terminal');
  await page.keyboard.type('echo cluster-$((40+2))\n');
  await eventually('the shell answers', async () =>
    /^cluster-42$/m.test(await page.evaluate(() => window.wharfTerminal?.text() ?? '')), 15_000);
  await page.context().close();
});

test('the nodes of cluster A, a node page; cluster B has none', async () => {
  const page = await openPage(browser);
  await page.goto(`${CLUSTERS}/clusters/kube-a/nodes`);
  await hydrated(page);
  const node = process.env.KUBE_LOCAL_NODE_NAME ?? 'local-kube';
  const line = page.locator(`#nodes tr[data-node="${node}"]`);
  await line.waitFor();
  assert.match(await line.textContent(), /Ready/);
  assert.match(await line.textContent(), /v1\.20\.2/);
  await eventually('the pod count', async () => /^\d+ \/ \d+$/.test(await line.locator('[data-pods]').textContent()), 20_000);
  // Live: a role given with kubectl shows without a reload.
  kubectl('label', 'node', node, 'node-role.kubernetes.io/e2e=');
  try {
    await eventually('the new role, live', async () => /e2e/.test(await line.textContent()), 15_000);
  } finally {
    kubectl('label', 'node', node, 'node-role.kubernetes.io/e2e-');
  }
  await page.screenshot({ path: join(ARTIFACTS, 'clusters-nodes.png') });
  await line.locator('a').click();
  await page.waitForURL(`**/clusters/kube-a/nodes/${node}`);
  await page.waitForSelector('#node-conditions tr[data-condition="Ready"]');
  assert.equal(await page.textContent('#node-kubelet'), 'v1.20.2');
  await page.waitForSelector(`#node-pods tr[data-space="${onlyA}"][data-pod="shell"]`);
  await page.screenshot({ path: join(ARTIFACTS, 'clusters-node.png'), fullPage: true });
  await page.goto(`${CLUSTERS}/clusters/kube-b/nodes`);
  await page.waitForSelector('#no-nodes');
  await page.context().close();
});

test('the NodePort range is a setting: the form checks the configured one, in the browser and on the server', async () => {
  // test.sh starts CLUSTERS with --node-port-range 20000-22767.
  const page = await openPage(browser);
  await page.goto(`${CLUSTERS}/clusters/kube-a/spaces/${onlyA}/new/service`);
  await hydrated(page);
  await page.click('label.kind-option:has(input[data-kind="NodePort"])');
  assert.equal(await page.getAttribute('#f-ports-0-node_port', 'placeholder'), '20000–22767');
  await page.fill('#f-ports-0-node_port', '30080');
  assert.equal(await page.locator('#f-ports-0-node_port-error').innerText(), 'Must be from 20000 to 22767.');
  await page.fill('#f-ports-0-node_port', '21000');
  assert.equal(await page.locator('#f-ports-0-node_port-error').innerText(), '');
  await page.context().close();
  // The server checks the same range.
  const form = {
    space: onlyA, base: null, check_only: true,
    form: { name: 'np', kind: 'NodePort', selector: [{ key: 'app', value: 'np' }], ports: [{ port: '80', target_port: '80', node_port: '30080' }] },
  };
  const response = await fetch(`${CLUSTERS}/api/create_service`, {
    method: 'POST', body: JSON.stringify(form),
    headers: { 'x-wharf-csrf': '1', 'x-wharf-cluster': 'kube-a', 'content-type': 'application/json', origin: CLUSTERS },
  });
  const text = await response.text();
  assert.equal(response.status, 422, text);
  assert.match(text, /"OutOfRange":\{"min":20000,"max":22767\}/);
});

/// Signs in to one cluster of MULTI_CLUSTERS on the sign-in page, choosing it.
async function signIn(page, cluster, token, next) {
  await page.goto(`${MULTI_CLUSTERS}${next}`);
  await page.waitForURL(new RegExp(`/sign-in\\?cluster=${cluster}&`));
  assert.equal(await page.inputValue('#sign-in-cluster'), cluster);
  await page.fill('#sign-in-token', token);
  await page.click('#sign-in');
  await page.waitForURL(`${MULTI_CLUSTERS}${next}`);
}

/// The status of a websocket upgrade of MULTI_CLUSTERS (fetch may not ask
/// for one).
function upgradeStatus(path, cookie) {
  const url = new URL(MULTI_CLUSTERS);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname, port: url.port, path, agent: false, timeout: 15_000,
      headers: {
        cookie, origin: MULTI_CLUSTERS, upgrade: 'websocket', connection: 'Upgrade',
        'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    }, (response) => { response.resume(); resolve(response.statusCode); });
    request.on('upgrade', (response, socket) => { socket.destroy(); resolve(response.statusCode); });
    request.on('timeout', () => request.destroy(new Error(`${path}: no answer in 15 s`)));
    request.on('error', reject);
    request.end();
  });
}

/// The status of one server function call to `cluster` with `cookie`.
async function call(cookie, cluster, name, body = '') {
  const response = await fetch(`${MULTI_CLUSTERS}/api/${name}`, {
    method: 'POST', body,
    headers: { cookie, 'x-wharf-csrf': '1', 'x-wharf-cluster': cluster, 'content-type': 'application/x-www-form-urlencoded' },
  });
  return response.status;
}

/// Every server function (read from app/src/api.rs) as a call to `cluster`
/// (without arguments: a browser not signed in to the cluster is refused
/// before they are read).
async function callEverything(cookie, cluster) {
  const names = [...readFileSync(join(SOURCE, 'app/src/api.rs'), 'utf8').matchAll(/endpoint = "([a-z_]+)"/g)].map((m) => m[1]);
  const statuses = {};
  for (const name of names) statuses[name] = await call(cookie, cluster, name);
  return statuses;
}

/// dev lists the Services of space dev (which dev may, in both clusters).
const devServices = (cookie, cluster) => call(cookie, cluster, 'list_services', 'space=dev');

test('multi-user: signed in to A only, B refuses everything; then B with its own credential; signing out of one leaves the other', async () => {
  const page = await openPage(browser);
  await signIn(page, 'kube-a', TOKEN_A, '/clusters/kube-a/spaces/dev/services');
  await hydrated(page);
  assert.equal(await page.textContent('#signed-in-user'), 'dev');
  const cookieHeader = async () => (await page.context().cookies())
    .filter((c) => c.name.startsWith('wharf_session')).map((c) => `${c.name}=${c.value}`).join('; ');

  // Every page of B sends to B's sign-in; every call and socket of B is 401.
  const cookie = await cookieHeader();
  const pageB = await fetch(`${MULTI_CLUSTERS}/clusters/kube-b/spaces/dev/services`, { headers: { cookie }, redirect: 'manual' });
  assert.equal(pageB.status, 303);
  assert.match(pageB.headers.get('location'), /^\/sign-in\?cluster=kube-b&next=/);
  const statuses = await callEverything(cookie, 'kube-b');
  const open = ['list_clusters', 'cluster_summary', 'current_user'];
  const answered = Object.entries(statuses).filter(([name, status]) => !open.includes(name) && status !== 401);
  assert.deepEqual(answered, [], 'every server function of B refuses a browser not signed in to B');
  assert.equal(statuses.current_user, 200);
  for (const socket of ['ws/watch', 'ws/logs?space=dev&pod=x&container=x', 'ws/terminal?space=dev&pod=x&container=x']) {
    assert.equal(await upgradeStatus(`/clusters/kube-b/${socket}`, cookie), 401, socket);
  }
  // A's credential is not B's.
  await page.goto(`${MULTI_CLUSTERS}/sign-in?cluster=kube-b&next=/clusters/kube-b/spaces/dev/services`);
  await page.fill('#sign-in-token', TOKEN_A);
  await page.click('#sign-in');
  await page.waitForSelector('#sign-in-error[data-code="rejected"]');

  // Signed in to B with dev's token of B: both clusters work.
  await signIn(page, 'kube-b', TOKEN_B, '/clusters/kube-b/spaces/dev/services');
  await hydrated(page);
  assert.equal(await page.textContent('#signed-in-user'), 'dev');
  await page.goto(`${MULTI_CLUSTERS}/clusters`);
  await hydrated(page);
  await page.waitForSelector('#clusters tr[data-cluster="kube-b"] [data-version="v1.20.2"]');
  assert.match(await row(page, 'kube-a').textContent(), /Not allowed to list nodes/);
  assert.match(await row(page, 'kube-b').textContent(), /May not list spaces/);
  assert.equal(await page.locator('tr[data-cluster-sign-in="kube-off"]').count(), 1, 'not signed in to kube-off');
  await page.screenshot({ path: join(ARTIFACTS, 'clusters-multi-user.png'), fullPage: true });
  const both = await cookieHeader();
  assert.equal(await devServices(both, 'kube-b'), 200);
  assert.equal(await devServices(both, 'kube-a'), 200);

  // Out of B (the header's sign-out, on a page of B): A stays.
  await page.goto(`${MULTI_CLUSTERS}/clusters/kube-b/spaces/dev/services`);
  await hydrated(page);
  await page.click('#sign-out');
  await page.waitForURL(`${MULTI_CLUSTERS}/clusters`);
  const afterB = await cookieHeader();
  assert.equal(await devServices(afterB, 'kube-b'), 401);
  assert.equal(await devServices(afterB, 'kube-a'), 200);
  // The old cookie of B, replayed, is refused too.
  assert.equal(await devServices(both, 'kube-b'), 401);
  // Out of every cluster.
  await page.click('#sign-out-all');
  await page.waitForURL(/\/sign-in/);
  assert.equal(await devServices(both, 'kube-a'), 401);
  await page.context().close();
});
