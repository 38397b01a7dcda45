// First load of Wharf's pages on a slow link (issue 15): for each page, in
// Debian's Chromium with DevTools' network emulation (10 Mbit/s down,
// 5 Mbit/s up, 40 ms latency), a cold load in a fresh context (empty cache)
// and a warm one (the same context again): bytes transferred, split by kind
// (HTML, wasm, JS, CSS, other), and from navigation start the time to the
// first content painted and to hydrated (event handlers live). Median of
// --repeats cold loads. Prints a Markdown table on stdout.
//
//   node end2end/bench/first-load.mjs --url http://127.0.0.1:3100 [--repeats 3]
//
// Fixtures: a namespace `bench-first-load` with a Deployment `web` (one
// pod of busybox:1.35, the image the local cluster has) and its Service,
// made with kubectl (KUBECONFIG=$KUBE_LOCAL_ADMIN_KUBECONFIG) and removed at
// the end.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { clusterRoot, countTransfer, listAndDetailPages } from '../transfer.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const BASE = args.url ?? process.env.WHARF_URL ?? 'http://127.0.0.1:3100';
const REPEATS = Number(args.repeats ?? 3);
const NS = 'bench-first-load';
const env = { ...process.env, KUBECONFIG: process.env.KUBE_LOCAL_ADMIN_KUBECONFIG ?? process.env.KUBECONFIG };
const kubectl = (...a) => execFileSync('kubectl', a, { env, encoding: 'utf8' });
const log = (...a) => console.error('[first-load]', ...a);

const LINK = { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8 };

function fixtures() {
  kubectl('create', 'namespace', NS);
  kubectl('-n', NS, 'create', 'deployment', 'web', '--image=busybox:1.35', '--', 'sleep', '36000');
  kubectl('-n', NS, 'patch', 'deployment', 'web', '--type=json', '-p',
    '[{"op":"add","path":"/spec/template/spec/containers/0/imagePullPolicy","value":"Never"}]');
  kubectl('-n', NS, 'expose', 'deployment', 'web', '--port=80');
  kubectl('-n', NS, 'rollout', 'status', 'deployment/web', '--timeout=120s');
  const pod = kubectl('-n', NS, 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}');
  const node = kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}');
  return { pod: pod.trim(), node: node.trim() };
}

/// Runs in the page before its scripts: when the body gets `data-hydrated`.
function instrument() {
  new MutationObserver((_, observer) => {
    if (document.body?.hasAttribute('data-hydrated')) {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
}

async function load(page, cdp, url) {
  const stop = countTransfer(cdp);
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
  // Requests started by hydration (its first calls) end a little later.
  await page.waitForLoadState('networkidle').catch(() => {});
  const bytes = stop();
  const timing = await page.evaluate(() => ({
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    hydrated: window.__hydratedAt ?? null,
  }));
  return { ...timing, bytes, total: Object.values(bytes).reduce((a, b) => a + b, 0) };
}

async function measure(browser, path) {
  const cold = [];
  let warm;
  for (let i = 0; i < REPEATS; i++) {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 720 } });
    await context.addInitScript(instrument);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', LINK);
    cold.push(await load(page, cdp, BASE + path));
    if (i === 0) {
      // The same context again: what a second visit costs.
      const again = await context.newPage();
      const cdp2 = await context.newCDPSession(again);
      await cdp2.send('Network.enable');
      await cdp2.send('Network.emulateNetworkConditions', LINK);
      warm = await load(again, cdp2, BASE + path);
    }
    await context.close();
  }
  const median = (f) => cold.map(f).sort((a, b) => a - b)[Math.floor(cold.length / 2)];
  return {
    path,
    cold: cold.find((c) => c.total === median((c) => c.total)),
    paint: median((c) => c.paint),
    hydrated: median((c) => c.hydrated),
    warm,
  };
}

const kb = (n) => `${(n / 1000).toFixed(0)} KB`;
const ms = (n) => (n == null ? '—' : `${(n / 1000).toFixed(2)} s`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  log('fixtures');
  const { pod, node } = fixtures();
  const root = await clusterRoot(BASE);
  // Every list and detail page (the target: at most 400 KB of
  // wasm + JS + CSS, hydrated within 0.8 s), then two pages whose code is
  // loaded on demand.
  const LIST_OR_DETAIL = true;
  const pages = [
    ...listAndDetailPages({ ns: NS, pod, node }).map(([name, path]) => [name, path, LIST_OR_DETAIL]),
    ['app wizard', `/spaces/${NS}/new/app`, false],
    ['terminal', `/spaces/${NS}/pods/${pod}/terminal/busybox`, false],
  ];
  // Warm the server (its first render of each page) outside the figures.
  for (const [, path] of pages) await fetch(BASE + root + path);
  const rows = [];
  for (const [name, path, target] of pages) {
    log(name);
    rows.push([name, await measure(browser, root + path), target]);
  }
  console.log(`10 Mbit/s, 40 ms; cold: median of ${REPEATS} fresh contexts; warm: the same context again.\n`);
  console.log('| page | cold: transferred (wasm / js / css / html) | first paint | hydrated | warm: transferred | target ≤ 400 KB wasm + JS + CSS, ≤ 0.8 s |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, m, target] of rows) {
    const b = m.cold.bytes, code = b.wasm + b.js + b.css;
    const verdict = !target ? '(loaded on demand)'
      : `${kb(code)}: ${code <= 400_000 ? 'met' : '**not met**'}; ${m.hydrated != null && m.hydrated <= 800 ? 'met' : '**not met**'}`;
    console.log(`| ${name} | **${kb(m.cold.total)}** (${kb(b.wasm)} / ${kb(b.js)} / ${kb(b.css)} / ${kb(b.html)}) | ${ms(m.paint)} | **${ms(m.hydrated)}** | ${kb(m.warm.total)} | ${verdict} |`);
  }
} finally {
  await browser.close();
  // Waited for, so that the next run can make it again.
  try { kubectl('delete', 'namespace', NS, '--timeout=180s'); } catch { /* already gone */ }
}
