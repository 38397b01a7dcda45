// DNS rebinding, in Chromium: an attacker's page at http://evil.example:PORT
// whose name then resolves to 127.0.0.1, where Wharf listens. Every request
// the page makes is same-origin for the browser (so it may read the
// answers, and its Origin is its own), yet reaches Wharf. Chromium is
// started with a resolver rule that maps evil.example to 127.0.0.1; only
// the attacker's document (/attack) is served by the test (Playwright's
// route), every other request of the page really goes to Wharf, with
// `Host: evil.example:PORT`. Wharf answers none of them but /healthz (421),
// and the same page served at Wharf's own origin does everything, so the
// refusal is about the host and nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { ARTIFACTS, BASE, kubectl, namespaceExists, openPage, unique } from './helpers.mjs';

const OWN = new URL(BASE).origin;
const PORT = new URL(BASE).port || '80';
const EVIL = `http://evil.example:${PORT}`;
const REFUSAL = `421 Misdirected Request: Wharf does not answer to the host "evil.example:${PORT}".`;
const evilSpace = unique('rebound-by-evil');
const controlSpace = unique('rebound-control');
let browser;

/// helpers.mjs' launch(), with evil.example resolving to Wharf's address.
/// Chromium's own Local Network Access check is off: it treats the test's
/// document (served by Playwright, from no address) as public and stops its
/// websocket to 127.0.0.1 before Wharf sees it. Wharf cannot count on that
/// check (other browsers have none, users may allow it, and it does not
/// cover a page the user's browser got from the LAN), and with it on this
/// test would not show what Wharf does. The control below proves it is off.
function launchRebinding() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--host-resolver-rules=MAP evil.example 127.0.0.1', '--disable-features=LocalNetworkAccessChecks'],
  });
}

/// The attacker's page: it reads a page of Wharf's, creates a namespace,
/// opens a terminal, fetches a static file and a log download, all by
/// relative URLs (its own origin), and leaves what it got in
/// `window.results`; `window.done` when it has.
function attackHtml(space) {
  const script = async (space) => {
    const results = {};
    const read = async (path, init, needle) => {
      try {
        const response = await fetch(path, init);
        const body = await response.text();
        // The whole answer is searched; only its start is kept for reports.
        return { status: response.status, body: body.slice(0, 4000), ...(needle ? { has: body.includes(needle) } : {}) };
      } catch (e) {
        return { error: String(e) };
      }
    };
    // `kubernetes` is the default Service of namespace default.
    const list = await read('/spaces/default/services', undefined, 'data-service="kubernetes"');
    results.list = { ...list, hasList: list.has === true };
    results.create = await read('/api/create_space', {
      method: 'POST',
      headers: { 'x-wharf-csrf': '1', 'content-type': 'application/x-www-form-urlencoded' },
      body: `name=${space}&description=x`,
    });
    results.socket = await new Promise((resolve) => {
      const events = [];
      let ws;
      try {
        ws = new WebSocket(`ws://${location.host}/ws/terminal?space=default&pod=x&container=x`);
      } catch (e) {
        resolve({ events: [`threw ${e}`], opened: false });
        return;
      }
      ws.onopen = () => events.push('open');
      ws.onmessage = (e) => events.push(`message ${String(e.data).slice(0, 200)}`);
      ws.onerror = () => events.push('error');
      ws.onclose = (e) => {
        events.push(`close ${e.code}`);
        resolve({ events, opened: events.includes('open'), closed: true });
      };
      // A deadline: a socket neither open nor closed by then is reported.
      setTimeout(() => { resolve({ events, opened: events.includes('open'), closed: false }); ws.close(); }, 15_000);
    });
    results.css = await read('/pkg/wharf.css');
    results.download = await read('/download/logs?space=default&pod=x&container=x');
    results.healthz = await read('/healthz');
    window.results = results;
    window.done = true;
  };
  return `<!doctype html><html><head><meta charset="utf-8"><title>Cheap flights</title></head>
<body><h1>Cheap flights</h1><script>(${script})(${JSON.stringify(space)});</script></body></html>`;
}

/// Opens `origin`/attack, served by the test, and returns its results.
async function runAttack(origin, space) {
  const page = await openPage(browser);
  // Only this one URL is the test's; the rest of the page's requests go out.
  await page.route(`${origin}/attack`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: attackHtml(space) }));
  // Where each answer came from, and why a websocket failed, as Chromium saw it.
  const answers = [];
  page.on('response', (r) => {
    if (!r.url().endsWith('/attack')) answers.push(r.serverAddr().then((server) => ({ url: r.url(), status: r.status(), server })));
  });
  const socketErrors = [];
  page.on('websocket', (ws) => ws.on('socketerror', (e) => socketErrors.push(String(e))));
  await page.goto(`${origin}/attack`);
  await page.waitForFunction(() => window.done === true, null, { timeout: 60_000 });
  const results = await page.evaluate(() => window.results);
  const answered = await Promise.all(answers);
  await page.context().close();
  return { results, answered, socketErrors };
}

before(async () => {
  browser = await launchRebinding();
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', evilSpace, '--wait=false', '--ignore-not-found');
  kubectl('delete', 'namespace', controlSpace, '--wait=false', '--ignore-not-found');
});

test('a rebinding page at evil.example reaches Wharf but Wharf answers none of it', async () => {
  const { results, answered, socketErrors } = await runAttack(EVIL, evilSpace);
  const summary = JSON.stringify(results, (k, v) => (k === 'body' ? v.slice(0, 200) : v), 1);
  // The requests did reach Wharf (the resolver rule), not a stub.
  assert.ok(answered.length >= 4 && answered.every((a) => a.server?.ipAddress === '127.0.0.1' && String(a.server.port) === PORT),
    JSON.stringify(answered));

  // (a) a page of Wharf's, with the cluster's Services in it: refused.
  assert.equal(results.list.status, 421, summary);
  assert.ok(results.list.body.startsWith(REFUSAL), results.list.body);
  assert.match(results.list.body, /--public-url/);
  assert.equal(results.list.hasList, false, 'no Service list in the answer');
  // (b) a write with everything Wharf's own pages send: refused, no namespace.
  assert.equal(results.create.status, 421, summary);
  assert.ok(results.create.body.startsWith(REFUSAL), results.create.body);
  assert.equal(namespaceExists(evilSpace), false, `namespace ${evilSpace} was not created`);
  // (c) a terminal: never opens; Wharf refused the handshake.
  assert.equal(results.socket.opened, false, summary);
  assert.ok(socketErrors.some((e) => /Unexpected response code: 421/.test(e)), JSON.stringify(socketErrors));
  assert.equal(results.socket.closed, true, summary);
  assert.ok(results.socket.events.includes('error'), summary);
  assert.ok(!results.socket.events.some((e) => e.startsWith('message')), summary);
  // (d) a static file and a log download: refused too.
  assert.equal(results.css.status, 421, summary);
  assert.ok(results.css.body.startsWith(REFUSAL), results.css.body);
  assert.equal(results.download.status, 421, summary);
  assert.ok(results.download.body.startsWith(REFUSAL), results.download.body);
  // (g) the liveness probe answers any host.
  assert.deepEqual(results.healthz, { status: 200, body: 'ok' });
  console.log(`rebinding page at ${EVIL}: list ${results.list.status}, create_space ${results.create.status}, ` +
    `terminal socket ${results.socket.events.join(' → ')} (${socketErrors.join('; ')}), css ${results.css.status}, ` +
    `download ${results.download.status}, healthz ${results.healthz.status}`);
});

test('the browser sent straight to evil.example gets the refusal, not the page', async () => {
  const page = await openPage(browser);
  // (e) the Services page by the attacker's name.
  const response = await page.goto(`${EVIL}/spaces/default/services`);
  assert.equal(response.status(), 421);
  assert.deepEqual(await response.serverAddr(), { ipAddress: '127.0.0.1', port: Number(PORT) });
  assert.match(response.headers()['content-type'], /^text\/plain/);
  const text = await page.locator('body').innerText();
  assert.ok(text.startsWith(REFUSAL), text);
  assert.match(text, /--public-url http:\/\/evil\.example:\d+/);
  assert.doesNotMatch(text, /kubernetes/);
  await page.screenshot({ path: join(ARTIFACTS, 'rebinding-refused.png') });
  // (g) /healthz answers whatever the host.
  const health = await page.goto(`${EVIL}/healthz`);
  assert.equal(health.status(), 200);
  assert.equal(await health.text(), 'ok');
  // (f) the same page by Wharf's own name is the Services page.
  const own = await page.goto(`${OWN}/spaces/default/services`);
  assert.equal(own.status(), 200);
  assert.match(await own.text(), /kubernetes/);
  await page.context().close();
});

test('control: the same attack page at Wharf\'s own origin does all of it', async () => {
  // Only the host differs from the rebinding page's requests: this proves
  // the refusals above are the host's, not a broken request.
  const { results } = await runAttack(OWN, controlSpace);
  const summary = JSON.stringify(results, (k, v) => (k === 'body' ? v.slice(0, 200) : v), 1);
  assert.equal(results.list.status, 200, summary);
  assert.equal(results.list.hasList, true, summary);
  assert.equal(results.create.status, 200, summary);
  assert.equal(namespaceExists(controlSpace), true, `namespace ${controlSpace} was created`);
  assert.equal(namespaceExists(evilSpace), false, `namespace ${evilSpace} was not created, later either`);
  assert.equal(results.socket.opened, true, summary);
  assert.equal(results.css.status, 200, summary);
  assert.notEqual(results.download.status, 421, summary);
  assert.deepEqual(results.healthz, { status: 200, body: 'ok' });
  console.log(`same page at ${OWN}: list ${results.list.status}, create_space ${results.create.status}, ` +
    `terminal socket ${results.socket.events.map((e) => e.split(' ')[0]).join(' → ')}, css ${results.css.status}, ` +
    `download ${results.download.status}, healthz ${results.healthz.status}`);
});
