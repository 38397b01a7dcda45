// Issue 13: Wharf installed in the cluster with `kubectl apply -k`, two
// replicas behind a balancer without sticky sessions (balancer.mjs, which
// end2end/incluster.sh starts). Sessions cross replicas, restarts and
// rollouts; a sign-out reaches every replica; SIGTERM tells an open
// terminal and hangs its shell up; /readyz follows the apiserver; /metrics
// counts; the guards hold in front of the in-cluster Wharf too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ARTIFACTS, eventually, hydrated, kubectl, launch, openPage, unique } from '../tests/helpers.mjs';

const LB = process.env.WHARF_INCLUSTER_URL ?? 'http://127.0.0.1:3200';
const CONTROL = process.env.WHARF_BALANCER_CONTROL ?? 'http://127.0.0.1:3201';
const NS = 'wharf';
const SELECTOR = 'app.kubernetes.io/name=wharf';
const restricted = readFileSync(process.env.KUBE_LOCAL_RESTRICTED_KUBECONFIG, 'utf8');
const TOKEN = restricted.match(/token: (\S+)/)[1];
const target = unique('e2e-shell');
let browser;

before(async () => {
  browser = await launch();
  // A pod for the terminal, in the restricted user's space.
  kubectl('-n', 'dev', 'run', target, '--image=busybox:1.35', '--restart=Never', '--command', '--',
    'sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done");
  kubectl('-n', 'dev', 'wait', '--for=condition=Ready', `pod/${target}`, '--timeout=120s');
});

after(async () => {
  await browser?.close();
  await fetch(`${CONTROL}/unpin`, { method: 'POST' }).catch(() => {});
  kubectl('-n', 'dev', 'delete', 'pod', target, '--wait=false', '--ignore-not-found');
});

/// The ready replicas: [{ name, ip }], oldest first.
function replicas() {
  const pods = JSON.parse(kubectl('-n', NS, 'get', 'pods', '-l', SELECTOR, '-o', 'json')).items;
  return pods
    .filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp))
    .map((p) => ({ name: p.metadata.name, ip: p.status.podIP }));
}

async function twoReady() {
  await eventually('two ready replicas', () => replicas().length === 2, 180_000, 1000);
  // And the balancer sees them (it reads the Service's endpoints).
  await eventually('the balancer has both', async () =>
    (await (await fetch(`${CONTROL}/backends`)).text()).split('\n').filter(Boolean).length === 2, 30_000);
  return replicas();
}

const pin = (replica) => fetch(`${CONTROL}/pin?to=${replica.ip}:8080`, { method: 'POST' });
const unpin = () => fetch(`${CONTROL}/unpin`, { method: 'POST' });

/// A server-function call through the balancer with a cookie header.
const listDevServices = (cookie) => fetch(`${LB}/api/list_services`, {
  method: 'POST', headers: { cookie: cookie ?? '', 'content-type': 'application/x-www-form-urlencoded', 'x-wharf-csrf': '1' }, body: 'space=dev',
});

async function signIn(page) {
  await page.goto(`${LB}/spaces/dev/apps`);
  await page.waitForURL(/\/sign-in\?cluster=in-cluster&next=/);
  await page.fill('#sign-in-token', TOKEN);
  await page.click('#sign-in');
  await page.waitForURL(`${LB}/clusters/in-cluster/spaces/dev/apps`);
  await hydrated(page);
}

const cookieHeader = async (page) => (await page.context().cookies())
  .filter((c) => c.name.startsWith('wharf_session')).map((c) => `${c.name}=${c.value}`).join('; ');

/// A request through the balancer with any Host header (fetch may not set it).
function rawRequest({ method = 'GET', path, headers = {} }) {
  const url = new URL(LB);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function shellsIn(pod) {
  // Every process but PID 1, its sleep, and this ps itself.
  return kubectl('-n', 'dev', 'exec', pod, '--', 'ps', '-o', 'pid,args')
    .split('\n').slice(1).map((l) => l.trim()).filter((l) => l && !/^1 /.test(l) && !l.includes('ps -o'))
    .filter((l) => !/sleep 1$/.test(l));
}

function metric(text, line) {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.split(' ').pop()) : 0;
}

test('two replicas, each live and ready; /metrics counts requests and names nobody', async () => {
  const [a, b] = await twoReady();
  for (const r of [a, b]) {
    assert.equal((await fetch(`http://${r.ip}:8080/healthz`)).status, 200);
    assert.equal((await fetch(`http://${r.ip}:8080/readyz`)).status, 200);
  }
  const readyz = 'wharf_http_requests_total{route="/readyz",method="GET",status="200"}';
  const before = metric(await (await fetch(`http://${a.ip}:8080/metrics`)).text(), readyz);
  for (let i = 0; i < 5; i++) await fetch(`http://${a.ip}:8080/readyz`);
  const text = await (await fetch(`http://${a.ip}:8080/metrics`)).text();
  assert.ok(metric(text, readyz) >= before + 5, `readyz counted: ${before} → ${metric(text, readyz)}`);
  assert.match(text, /wharf_kube_requests_total\{verb="get",resource="version",status="\d+"\}/);
  assert.match(text, /wharf_http_request_duration_seconds_bucket\{/);
  assert.ok(!text.includes(TOKEN.slice(0, 16)), 'no token in the metrics');
  assert.ok(!/user=|namespace=|space=|name=/.test(text), 'no user, space or object names as labels');
});

test('a session made on one replica works on the other, and a sign-out on one is refused on the other', async () => {
  const [a, b] = await twoReady();
  const page = await openPage(browser);
  await pin(a);
  await signIn(page);
  assert.equal(await page.textContent('#signed-in-user'), 'dev');
  const cookie = await cookieHeader(page);
  await pin(b);
  await page.goto(`${LB}/spaces/dev/services`);
  await hydrated(page);
  assert.equal(new URL(page.url()).pathname, '/clusters/in-cluster/spaces/dev/services', 'not sent to sign in');
  assert.equal(await page.textContent('#signed-in-user'), 'dev');
  assert.equal((await listDevServices(cookie)).status, 200);
  // Signed out through B; the same cookie, replayed to A, is refused there
  // within seconds.
  await page.click('#sign-out');
  await page.waitForURL(/\/sign-in/);
  await pin(a);
  const signedOut = Date.now();
  await eventually('A refuses the signed-out cookie', async () => (await listDevServices(cookie)).status === 401, 5_000, 200);
  console.log(`# sign-out on B refused on A after ${Date.now() - signedOut} ms`);
  await unpin();
  assert.deepEqual(page.problems.filter((p) => !/401|Unauthorized/.test(p)), []);
  await page.context().close();
});

test('a session survives its replica deleted and a rollout restart', async () => {
  const [a] = await twoReady();
  const page = await openPage(browser);
  await pin(a);
  await signIn(page);
  const cookie = await cookieHeader(page);
  await unpin();
  kubectl('-n', NS, 'delete', 'pod', a.name, '--wait=false');
  // Whichever replica answers, old or new, the session holds.
  let start = Date.now();
  for (let i = 0; i < 6; i++) assert.equal((await listDevServices(cookie)).status, 200, `call ${i} after deleting ${a.name}`);
  const replaced = await twoReady();
  assert.ok(!replaced.some((r) => r.name === a.name));
  console.log(`# a deleted replica replaced and ready after ${Date.now() - start} ms`);
  start = Date.now();
  kubectl('-n', NS, 'rollout', 'restart', 'deployment/wharf');
  kubectl('-n', NS, 'rollout', 'status', 'deployment/wharf', '--timeout=240s');
  console.log(`# rollout restart of 2 replicas took ${Date.now() - start} ms`);
  for (const r of await twoReady()) {
    await pin(r);
    assert.equal((await listDevServices(cookie)).status, 200, `the session on ${r.name}, after the rollout`);
  }
  await unpin();
  await page.goto(`${LB}/spaces/dev/apps`);
  await hydrated(page);
  assert.equal(await page.textContent('#signed-in-user'), 'dev');
  await page.context().close();
});

test('a terminal whose replica stops is told so, its shell is hung up, and a new one opens on the other', async () => {
  const [a, b] = await twoReady();
  const page = await openPage(browser);
  await pin(a);
  await signIn(page);
  await page.goto(`${LB}/spaces/dev/pods/${target}/terminal/${target}`);
  await hydrated(page);
  await page.waitForSelector('#terminal-status[data-state=connected]', { timeout: 30_000 });
  await page.keyboard.type('echo $((6*7))\n');
  await eventually('a shell in the container', () => shellsIn(target).length > 0, 15_000);
  // Everything new goes to B; A gets SIGTERM (its pod deleted, as a rollout does).
  await pin(b);
  kubectl('-n', NS, 'delete', 'pod', a.name, '--wait=false');
  await page.waitForSelector('#terminal-status[data-state=restarting]', { timeout: 20_000 });
  assert.match(await page.textContent('#terminal-status'), /restarting/i);
  await page.screenshot({ path: join(ARTIFACTS, 'incluster-terminal-restarting.png') });
  await eventually('no shell left in the container', () => shellsIn(target).length === 0, 20_000);
  // Enter opens a new terminal, through B.
  await page.click('#terminal');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#terminal-status[data-state=connected]', { timeout: 30_000 });
  await unpin();
  await page.context().close();
  await eventually('the new shell hung up too', () => shellsIn(target).length === 0, 20_000);
});

test('the guards hold in front of the in-cluster Wharf: Host, Origin, CSRF, CSP', async () => {
  await twoReady();
  assert.equal((await rawRequest({ path: '/sign-in', headers: { host: 'evil.example' } })).status, 421);
  const signInPage = await rawRequest({ path: '/sign-in', headers: { host: new URL(LB).host } });
  assert.equal(signInPage.status, 200);
  assert.match(signInPage.headers['content-security-policy'], /frame-ancestors 'self'/);
  assert.match(signInPage.headers['content-security-policy'], /script-src 'self'/);
  assert.ok(signInPage.headers['x-request-id'], 'each answer names its request');
  const call = (headers) => fetch(`${LB}/api/list_services`, {
    method: 'POST', body: 'space=dev', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  assert.equal((await call({ 'x-wharf-csrf': '1', origin: 'http://evil.example' })).status, 403);
  assert.equal((await call({ origin: LB })).status, 403, 'no x-wharf-csrf');
  const socket = await rawRequest({
    path: '/ws/watch',
    headers: { host: new URL(LB).host, origin: 'http://evil.example', upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
  });
  assert.equal(socket.status, 403);
});

test('/readyz says unready while the apiserver is stopped, and ready again after', async () => {
  const [a] = await twoReady();
  const disturb = (what) => execFileSync('bash', [new URL('../cluster/disturb.sh', import.meta.url).pathname, what], { encoding: 'utf8' });
  const readyz = async () => (await fetch(`http://${a.ip}:8080/readyz`, { signal: AbortSignal.timeout(8_000) })).status;
  disturb('stop');
  try {
    await eventually('unready', async () => (await readyz()) === 503, 30_000, 1000);
    assert.equal((await fetch(`http://${a.ip}:8080/healthz`)).status, 200, 'alive all the same');
  } finally {
    disturb('cont');
  }
  await eventually('ready again', async () => (await readyz()) === 200, 30_000, 1000);
});
