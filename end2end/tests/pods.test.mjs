// Issue 5: pods, the in-browser terminal, live logs and embedding, on the
// real cluster, in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ARTIFACTS, BASE, RESTRICTED_BASE, eventually, hydrated, kubectl, launch, openPage, unique } from './helpers.mjs';

let browser;
const ns = unique('e2e-pod');
const FLOOD = 30000;
// The allowed embedding origin Wharf was started with (end2end/test.sh),
// and one that is not allowed.
const ALLOWED_PARENT = process.env.WHARF_EMBED_PARENT ?? 'http://127.0.0.1:3190';
const OTHER_PARENT = 'http://127.0.0.1:3191';
const parents = [];

function run(name, script, extra = []) {
  kubectl('-n', ns, 'run', name, '--image=busybox:1.35', '--restart=Never', ...extra, '--command', '--', 'sh', '-c',
    `trap "exit 0" TERM; ${script}`);
}

before(async () => {
  browser = await launch();
  kubectl('create', 'namespace', ns);
  run('box', 'while true; do sleep 1; done');
  run('ticker', 'i=0; while true; do i=$((i+1)); printf "\\033[32mtick\\033[0m %s <img src=x onerror=window.__xss=1>\\n" $i; sleep 0.3; done');
  run('flood', `seq 1 ${FLOOD} | sed "s/^/line /"; while true; do sleep 1; done`);
  // A two-replica app whose pods each say who they are.
  kubectl('-n', ns, 'create', 'deployment', 'chatty', '--image=busybox:1.35', '--replicas=2', '--',
    'sh', '-c', 'trap "exit 0" TERM; while true; do echo "hello from $(hostname)"; sleep 0.5; done');
  kubectl('-n', ns, 'wait', '--for=condition=Ready', 'pod/box', 'pod/ticker', 'pod/flood', '--timeout=120s');
  kubectl('-n', ns, 'rollout', 'status', 'deployment/chatty', '--timeout=120s');
  // Parent pages on two other origins, each framing the same Wharf page.
  for (const origin of [ALLOWED_PARENT, OTHER_PARENT]) {
    const port = Number(new URL(origin).port);
    const server = createServer((req, res) => {
      const src = `${BASE}/embed/spaces/${ns}/pods/box/terminal/box`;
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>portal</title><script>
        window.messages = [];
        addEventListener('message', (e) => window.messages.push({ origin: e.origin, data: e.data }));
        </script><iframe id="wharf" src="${src}" style="width:900px;height:500px"></iframe>`);
    });
    await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
    parents.push(server);
  }
});

after(async () => {
  await browser?.close();
  for (const server of parents) server.close();
  kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
});

async function openTerminal(page, base = BASE, pod = 'box') {
  await page.goto(`${base}/spaces/${ns}/pods/${pod}/terminal/${pod}`);
  await hydrated(page);
}

const terminalText = (page) => page.evaluate(() => window.wharfTerminal?.text() ?? '');

async function waitForTerminal(page, what, pattern, timeout = 15_000) {
  await eventually(what, async () => pattern.test(await terminalText(page)), timeout);
}

function shellsIn(pod) {
  // Every process but PID 1 and this ps itself.
  return kubectl('-n', ns, 'exec', pod, '--', 'ps', '-o', 'pid,args')
    .split('\n').slice(1).map((l) => l.trim()).filter((l) => l && !/^1 /.test(l) && !l.includes('ps -o'))
    .filter((l) => !/sleep 1$/.test(l));
}

test('a terminal runs commands, shows Chinese text, follows the window size, and leaves nothing behind', async () => {
  const page = await openPage(browser);
  await openTerminal(page);
  await page.waitForSelector('#terminal-status[data-state=connected]', { timeout: 20_000 });
  await waitForTerminal(page, 'the prompt', /# $/m);
  await page.keyboard.type('echo $((6*7))\n');
  await waitForTerminal(page, '42', /^42$/m);
  await page.keyboard.type('echo 你好，世界\n');
  await waitForTerminal(page, 'Chinese text', /^你好，世界$/m);

  await page.keyboard.type('stty size\n');
  await waitForTerminal(page, 'a first size', /^\d+ \d+$/m);
  const first = (await terminalText(page)).match(/^(\d+) (\d+)$/m).slice(1).map(Number);
  await page.setViewportSize({ width: 900, height: 500 });
  await eventually('the terminal resized', async () => {
    await page.keyboard.type('clear; stty size\n');
    const m = (await terminalText(page)).match(/^(\d+) (\d+)$/m);
    return m && (Number(m[1]) < first[0] || Number(m[2]) < first[1]);
  }, 15_000, 1000);
  await page.screenshot({ path: join(ARTIFACTS, 'pod-terminal.png') });

  // A full-screen program, then the tab closes with it running.
  await page.keyboard.type('top\n');
  await eventually('top in the container', () => shellsIn('box').some((l) => / top$/.test(l)), 15_000);
  assert.deepEqual(page.problems, []);
  await page.close();
  await eventually('no shell or top left in the container', () => shellsIn('box').filter((l) => !l.includes('kill -HUP') && !/sleep 2$/.test(l)).length === 0, 20_000);
  await eventually('not even the hang-up helper', () => shellsIn('box').length === 0, 20_000);
});

test('the exit code shows when the shell exits, and Enter starts a new one', async () => {
  const page = await openPage(browser, { locale: 'zh-CN' });
  await openTerminal(page);
  await page.waitForSelector('#terminal-status[data-state=connected]', { timeout: 20_000 });
  await waitForTerminal(page, 'the prompt', /# $/m);
  await page.keyboard.type('exit 3\n');
  await page.waitForSelector('#terminal-status[data-state=exited][data-exit-code="3"]', { timeout: 15_000 });
  assert.match(await page.textContent('#terminal-status'), /退出码 3/);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#terminal-status[data-state=connected]', { timeout: 20_000 });
  await page.close();
});

test('the restricted user cannot open a terminal into a pod of another space', async () => {
  const page = await openPage(browser);
  await openTerminal(page, RESTRICTED_BASE);
  await page.waitForSelector('#terminal-status[data-state=refused]', { timeout: 20_000 });
  assert.match(await page.textContent('#terminal-status'), /forbidden/i);
  await page.close();
});

test('a page of another site cannot open Wharf\'s sockets', async () => {
  const page = await openPage(browser);
  await page.goto(`${OTHER_PARENT}/`);
  const outcome = await page.evaluate((url) => new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.onopen = () => resolve('opened');
    socket.onerror = () => resolve('refused');
  }), `${BASE.replace('http', 'ws')}/ws/terminal?space=${ns}&pod=box&container=box`);
  assert.equal(outcome, 'refused');
  await page.close();
});

test('live logs: new lines arrive, colours are classes and markup stays text, search marks matches', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/pods/ticker/logs/ticker`);
  await hydrated(page);
  await page.waitForSelector('#log-status[data-state=live]', { timeout: 20_000 });
  const count = async () => Number(await page.getAttribute('#log-count', 'data-count'));
  const before = await eventually('first lines', async () => (await count()) || null, 15_000);
  await eventually('new lines while following', async () => (await count()) >= before + 3, 15_000);
  assert.ok(await page.locator('#log-lines .ansi-fg-2').first().isVisible(), 'green from the ANSI escape');
  assert.match(await page.locator('#log-lines .log-line').first().textContent(), /^tick \d+ <img src=x onerror=window.__xss=1>$/);
  assert.equal(await page.locator('#log-lines img').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.fill('#log-search', 'TICK 1');
  await eventually('matches marked', async () => Number(await page.getAttribute('#log-matches', 'data-count')) >= 1, 5_000);
  // The match spans the green "tick" and the plain " 1": one mark in each.
  const marked = await page.locator('#log-lines .log-line:has(mark)').first()
    .evaluate((line) => [...line.querySelectorAll('mark')].map((m) => m.textContent).join(''));
  assert.equal(marked.toLowerCase().slice(0, 6), 'tick 1');
  await page.screenshot({ path: join(ARTIFACTS, 'pod-logs.png') });
  // Download: the same options, not following, as a file.
  const response = await page.request.get(BASE + await page.getAttribute('#log-download', 'href'));
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-disposition'], /attachment; filename=".*_ticker_ticker\.log"/);
  // As kubectl logs gives it: escapes and all.
  assert.match(await response.text(), /^\x1b\[32mtick\x1b\[0m \d+ <img/m);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a flood of numbered lines arrives complete and in order', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/pods/flood/logs/flood`);
  await hydrated(page);
  await page.waitForSelector('#log-status[data-state=live]', { timeout: 20_000 });
  await page.selectOption('#log-tail', 'all');
  await page.waitForFunction((n) => Number(document.querySelector('#log-count').dataset.count) >= n,
    FLOOD, { timeout: 90_000 });
  const verdict = await page.evaluate((n) => {
    const lines = [...document.querySelectorAll('#log-lines .log-line')].map((e) => e.textContent);
    if (lines.length !== n) return `${lines.length} lines`;
    for (let i = 0; i < n; i++) if (lines[i] !== `line ${i + 1}`) return `line ${i + 1} is "${lines[i]}"`;
    return 'complete';
  }, FLOOD);
  assert.equal(verdict, 'complete');
  await page.close();
});

test('the logs of all pods of an app, each line with its pod', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/apps/chatty/logs`);
  await hydrated(page);
  const pods = JSON.parse(kubectl('-n', ns, 'get', 'pods', '-l', 'app=chatty', '-o', 'json')).items.map((p) => p.metadata.name);
  assert.equal(pods.length, 2);
  for (const pod of pods) {
    await page.waitForSelector(`#log-sources [data-source="${pod}"][data-live=true]`, { timeout: 20_000 });
    await eventually(`a line of ${pod}`, async () => page.evaluate((p) =>
      [...document.querySelectorAll('#log-lines .log-line')].some((l) =>
        l.querySelector('.log-src')?.textContent === p && l.textContent.endsWith(`hello from ${p}`)), pod), 15_000);
  }
  // A pod that goes away leaves; its replacement joins.
  kubectl('-n', ns, 'delete', 'pod', pods[0], '--wait=false');
  await page.waitForSelector(`#log-sources [data-source="${pods[0]}"][data-live=false]`, { timeout: 60_000 });
  await eventually('a new pod joins', async () => {
    const sources = await page.$$eval('#log-sources [data-live=true]', (l) => l.map((e) => e.dataset.source));
    return sources.some((s) => !pods.includes(s));
  }, 60_000);
  await page.screenshot({ path: join(ARTIFACTS, 'app-logs.png') });
  await page.close();
});

test('a Service lists the pods it selects and shows their logs together', async () => {
  kubectl('-n', ns, 'expose', 'deployment', 'chatty', '--port=80', '--name=chatty-svc');
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/services/chatty-svc`);
  await hydrated(page);
  // Live: the last test deleted one of these pods, and its replacement may
  // still be starting when the page is rendered.
  await eventually('two running pods listed', async () =>
    (await page.$$eval('#pods-table tr[data-pod] [data-pod-status=Running]', (l) => l.length)) >= 2, 60_000);
  // A change of the Service is read again in place: the pods' live list
  // is neither rebuilt nor blanked (it once went back to "loading").
  await page.evaluate(() => { document.querySelector('#pods-table').dataset.marked = 'yes'; });
  kubectl('-n', ns, 'label', 'service', 'chatty-svc', 'tier=web');
  await page.waitForSelector('.props .chip:has-text("tier")', { timeout: 15_000 });
  assert.equal(await page.getAttribute('#pods-table', 'data-marked'), 'yes', 'the pods table was made again');
  await page.click('#service-logs');
  await page.waitForSelector('#log-status[data-state=live]', { timeout: 20_000 });
  await eventually('two pods in the view', async () =>
    (await page.$$eval('#log-sources [data-live=true]', (l) => l.length)) >= 2, 20_000);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the pod page: containers, events, YAML and links to terminal and logs', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/pods/ticker`);
  await hydrated(page);
  assert.equal(await page.getAttribute('#pod-status', 'data-status'), 'Running');
  const row = page.locator('#containers-table tr[data-container=ticker]');
  assert.match(await row.textContent(), /busybox:1\.35/);
  assert.match(await row.textContent(), /Running/);
  await page.waitForSelector('#events-table', { timeout: 10_000 });
  assert.match(await page.textContent('#events-table'), /Scheduled|Pulled|Created|Started/);
  assert.match(await page.textContent('#pod-yaml'), /name: ticker/);
  // Usage: figures from the kubelet, or n/a; never an error.
  assert.match(await page.textContent('#pod-cpu'), /^(\d+m|n\/a)$/);
  await page.click('[data-open-logs=ticker]');
  await page.waitForSelector('#log-status[data-state=live]', { timeout: 20_000 });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('embedded pages show one thing, without the header and tabs', async () => {
  const page = await openPage(browser);
  for (const [path, marker] of [
    [`/embed/spaces/${ns}/services`, '#services-table, .empty-state'],
    [`/embed/spaces/${ns}/apps/chatty/logs`, '#log-lines'],
    [`/embed/spaces/${ns}/pods/ticker/logs/ticker`, '#log-lines'],
  ]) {
    await page.goto(`${BASE}${path}`);
    await hydrated(page);
    await page.waitForSelector(marker, { timeout: 15_000 });
    assert.equal(await page.locator('header.topbar').count(), 0, path);
    assert.equal(await page.locator('.tabs, #section-apps').count(), 0, path);
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('embedding: an allowed origin frames the terminal and hears from it; another origin is refused', async () => {
  for (const [origin, allowed] of [[ALLOWED_PARENT, true], [OTHER_PARENT, false]]) {
    const response = await fetch(`${BASE}/embed/spaces/${ns}/pods/box/terminal/box`);
    const csp = response.headers.get('content-security-policy');
    assert.equal(csp.includes(origin), allowed, `${csp} for ${origin}`);
    const page = await openPage(browser);
    // The refused frame is a console error by design.
    await page.goto(`${origin}/`);
    const frame = page.frameLocator('#wharf');
    if (allowed) {
      await frame.locator('#terminal-status[data-state=connected]').waitFor({ timeout: 30_000 });
      assert.equal(await frame.locator('header.topbar').count(), 0, 'no Wharf header when embedded');
      await eventually('ready reported to the parent', () => page.evaluate(() =>
        window.messages.some((m) => m.data?.source === 'wharf' && m.data.event === 'ready')), 10_000);
      // The old embed path went to the default cluster, which the report names.
      assert.equal(await page.evaluate(() =>
        window.messages.find((m) => m.data?.event === 'ready').data.cluster), 'admin-local-kube');
      // The report's title says which page, as the document's does.
      assert.equal(await page.evaluate(() =>
        window.messages.find((m) => m.data?.event === 'ready').data.title), `Terminal · box/box · ${ns} — Wharf`);
      await page.locator('#wharf').click();
      await page.keyboard.type('exit 7\n');
      await eventually('the exit code reported', () => page.evaluate(() =>
        window.messages.find((m) => m.data?.event === 'terminal-exited')?.data.code), 15_000)
        .then((code) => assert.equal(code, 7));
      await page.screenshot({ path: join(ARTIFACTS, 'embed-terminal.png') });
    } else {
      // Chromium blocks the frame (goto waited for the frame's load): an
      // error page instead of Wharf, and the CSP violation in the console.
      const f = page.frames().find((x) => x !== page.mainFrame());
      assert.match(f.url(), /^chrome-error:/);
      assert.ok(page.problems.some((p) => /violates .*frame-ancestors/.test(p)), page.problems.join('\n'));
      assert.equal(await page.evaluate(() => window.messages.length), 0);
    }
    await page.close();
  }
});
