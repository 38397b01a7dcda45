// The cluster's apiserver is disturbed under an open live list
// (end2end/cluster/apiserver.sh): hung (SIGSTOP) for 20 s, then restarted.
// The page says "reconnecting" while the cluster cannot be trusted, comes
// back live, and then shows exactly what kubectl shows: no missing, no
// duplicated rows, in the page's order. It disturbs the whole cluster, so it
// only runs with WHARF_DISTURB_APISERVER=1 (test.sh runs it alone, last).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, BASE, hydrated, kubectl, launch, openPage, podsNewestFirst, unique } from './helpers.mjs';

const enabled = process.env.WHARF_DISTURB_APISERVER === '1';
const SKIP = 'disturbs the whole cluster\'s apiserver: runs only with WHARF_DISTURB_APISERVER=1 (test.sh runs it alone, last)';
const END2END = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLUSTER_ENV = process.env.KUBE_LOCAL_ENV ?? '/tmp/local-kube/env';
const HOLD_MS = 20_000;        // how long the apiserver stays hung: the scenario, not a wait
const COUNT = 50;

let browser;
const ns = unique('e2e-apiserver');

/// end2end/cluster/apiserver.sh WHAT, with the cluster's env, without
/// blocking the event loop (the page goes on being observed meanwhile).
function apiserver(what, timeoutMs = 180_000) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', '. "$0" && exec bash cluster/apiserver.sh "$1"', CLUSTER_ENV, what],
      { cwd: END2END, stdio: ['ignore', 2, 2] });
    // On a timeout the script is sent TERM: it continues the apiserver before it exits.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`apiserver.sh ${what} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/// Pods no scheduler looks at: they stay Pending without loading the node.
function pendingPods(prefix, count) {
  const items = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `${prefix}-${String(i).padStart(3, '0')}` },
    spec: { schedulerName: 'no-such-scheduler', containers: [{ name: 'c', image: 'busybox:1.35' }] },
  }));
  const file = join(tmpdir(), `${ns}-${prefix}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  try { kubectl('-n', ns, 'create', '-f', file); } finally { unlinkSync(file); }
}

const liveState = (page) => page.locator('.live-status').first().getAttribute('data-live-state');

/// Every live-state the page goes through from now on, in order.
async function recordStates(page) {
  await page.evaluate(() => {
    window.__liveStates = [document.querySelector('.live-status')?.dataset.liveState];
    new MutationObserver(() => {
      const s = document.querySelector('.live-status')?.dataset.liveState;
      if (s !== window.__liveStates.at(-1)) window.__liveStates.push(s);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-live-state'] });
  });
}
const statesSeen = (page) => page.evaluate(() => window.__liveStates);

/// What the page shows: its live-state, its count (aria-rowcount less the
/// header row), and the drawn rows by aria-rowindex. It first scrolls the
/// table to its end: the window then covers every row of a list this short
/// (the first window holds 40 rows).
async function pageRows(page) {
  return page.evaluate(() => {
    const scroller = document.querySelector('.vscroll');
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
    const table = document.querySelector('#space-pods-table');
    return {
      state: document.querySelector('.live-status')?.dataset.liveState,
      count: Number(table?.getAttribute('aria-rowcount')) - 1,
      rows: [...document.querySelectorAll('#space-pods-table tbody tr[data-pod]')]
        .map((tr) => ({ index: Number(tr.getAttribute('aria-rowindex')), name: tr.dataset.pod })),
    };
  });
}

/// Waits (with a deadline) until the page is live and its rows are exactly
/// kubectl's pods in the page's order (newest first, then by name): every
/// one drawn, none twice, each at its aria-rowindex, and the count
/// kubectl's. On the deadline, fails with what the page and kubectl showed.
async function showsExactlyWhatKubectlShows(page, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const expected = podsNewestFirst(ns);
    const shown = await pageRows(page);
    const names = shown.rows.map((r) => r.name);
    const atTheirIndex = shown.rows.every((r, i) => r.index === i + 2);
    if (shown.state === 'live' && shown.count === expected.length && atTheirIndex
      && JSON.stringify(names) === JSON.stringify(expected)) {
      return expected;
    }
    if (Date.now() > deadline) {
      const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
      assert.deepEqual(
        { state: shown.state, count: shown.count, duplicated, indexes: shown.rows.map((r) => r.index), rows: names },
        { state: 'live', count: expected.length, duplicated: [], indexes: expected.map((_, i) => i + 2), rows: expected },
        `the page did not show exactly kubectl's ${expected.length} pods within ${timeoutMs / 1000} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function openLivePods() {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/pods?sort=age`);
  await hydrated(page);
  await page.waitForSelector('.live-status[data-live-state="live"]', { timeout: 30_000 });
  return page;
}

/// The apiserver answers again, however a test ended: continued, or, if it
/// still does not answer, restarted.
async function restoreApiserver() {
  try {
    await apiserver('cont');
  } catch (e) {
    console.error(`apiserver.sh cont: ${e.message}; restarting it`);
    await apiserver('restart');
  }
}

before(async () => {
  if (!enabled) return;
  browser = await launch();
  kubectl('create', 'namespace', ns);
  pendingPods('p', COUNT);
});

after(async () => {
  if (!enabled) return;
  try {
    // Never leave the cluster hung, whatever failed.
    await restoreApiserver();
  } finally {
    await browser?.close();
  }
  kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found', '--request-timeout=30s');
});

test('a hung apiserver shows as reconnecting, then the list is kubectl\'s again', { timeout: 300_000 }, async (t) => {
  if (!enabled) return t.skip(SKIP);
  const page = await openLivePods();
  assert.equal((await pageRows(page)).count, COUNT);
  const stoppedAt = Date.now();
  await apiserver('stop');
  try {
    // Wharf checks a watch that has been silent for a while (10 s or so).
    await page.waitForSelector('.live-status[data-live-state="reconnecting"]', { timeout: 30_000 });
    t.diagnostic(`reconnecting after ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s`);
    assert.match(await page.locator('.live-status').first().innerText(), /reconnecting/i);
    await page.screenshot({ path: join(ARTIFACTS, 'apiserver-reconnecting.png') });
    // The rest of the 20 s: how long the apiserver hangs, not a wait for anything.
    const left = HOLD_MS - (Date.now() - stoppedAt);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    assert.equal(await liveState(page), 'reconnecting', 'still reconnecting while the apiserver hangs');
  } finally {
    await apiserver('cont');
  }
  await page.waitForSelector('.live-status[data-live-state="live"]', { timeout: 30_000 });
  pendingPods('after-hang', 2);
  kubectl('-n', ns, 'delete', 'pod', 'p-003', '--wait=false');
  const expected = await showsExactlyWhatKubectlShows(page);
  assert.ok(expected.includes('after-hang-000') && expected.includes('after-hang-001') && !expected.includes('p-003'),
    'kubectl shows the changes made after the hang');
  assert.equal(expected.length, COUNT + 1);
  assert.deepEqual(page.problems.filter((p) => !/ws\/watch/.test(p)), []);
  await page.context().close();
});

test('a restarted apiserver: the list comes back live and is kubectl\'s again', { timeout: 300_000 }, async (t) => {
  if (!enabled) return t.skip(SKIP);
  const page = await openLivePods();
  await recordStates(page);
  await apiserver('restart');
  // Reconnecting, or straight back: either way it must end live.
  await page.waitForSelector('.live-status[data-live-state="live"]', { timeout: 30_000 });
  pendingPods('after-restart', 2);
  kubectl('-n', ns, 'delete', 'pod', 'p-004', '--wait=false');
  const expected = await showsExactlyWhatKubectlShows(page);
  const states = await statesSeen(page);
  t.diagnostic(`live-states during and after the restart: ${states.join(' → ')}`);
  assert.equal(states.at(-1), 'live');
  assert.ok(expected.includes('after-restart-000') && expected.includes('after-restart-001') && !expected.includes('p-004'),
    'kubectl shows the changes made after the restart');
  assert.deepEqual(page.problems.filter((p) => !/ws\/watch/.test(p)), []);
  await page.context().close();
});
