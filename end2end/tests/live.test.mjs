// Live lists in Chromium against the real cluster: the space's pods list
// follows kubectl without reload over the one socket, is virtualised (the
// DOM holds the rows in view, not all of them), and keeps its filter and
// sort in the URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ARTIFACTS, BASE, eventually, hydrated, kubectl, launch, openPage, podsNewestFirst, unique } from './helpers.mjs';

let browser;
const space = unique('e2e-live');
const COUNT = 300;

/// Pods no scheduler looks at: they stay Pending without loading the node.
function pendingPods(prefix, count, labels = {}) {
  const items = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `${prefix}-${String(i).padStart(5, '0')}`, labels: { fixture: prefix, ...labels } },
    spec: { schedulerName: 'no-such-scheduler', containers: [{ name: 'c', image: 'busybox:1.35' }] },
  }));
  const file = join(tmpdir(), `${space}-${prefix}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  kubectl('-n', space, 'create', '-f', file);
  unlinkSync(file);
}

const podRows = (page) => page.locator('#space-pods-table tbody tr[data-pod]');
const names = (page) => podRows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.pod));

before(async () => {
  browser = await launch();
  kubectl('create', 'namespace', space);
  pendingPods('p', COUNT);
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', space, '--wait=false', '--ignore-not-found');
});

test('the first rows and the count are in the server-rendered page', async () => {
  const page = await openPage(browser, { javaScriptEnabled: false });
  const response = await page.goto(`${BASE}/spaces/${space}/pods`);
  assert.equal(response.status(), 200);
  const shown = await names(page);
  assert.equal(shown.length, 40, 'one window (FIRST_ROWS), not every pod');
  assert.equal(shown[0], 'p-00000');
  assert.equal(shown.at(-1), 'p-00039');
  assert.equal(await page.locator('#space-pods-table').getAttribute('aria-rowcount'), String(COUNT + 1));
  assert.equal(await page.locator('#section-pods').getAttribute('aria-current'), 'page');
  await page.context().close();
});

test('the list follows kubectl without reload', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${space}/pods`);
  await hydrated(page);
  await page.waitForSelector('.live-status[data-live-state="live"]', { timeout: 30_000 });
  // Sorted newest first, a new pod is the first row.
  await page.click('th button[data-sort="age"]');
  await eventually('the URL to say sort=age', async () => page.url().includes('sort=age'), 10_000);
  pendingPods('added', 1);
  await eventually('the new pod to appear first', async () => (await names(page))[0] === 'added-00000', 15_000);
  // A label change moves it into a filtered view.
  await page.fill('#filter-labels', 'stage=one');
  await page.press('#filter-labels', 'Enter');
  await eventually('the label filter to apply', async () => page.url().includes('labels=stage%3Done'), 10_000);
  await page.waitForSelector('#no-matching-rows, #pods-empty', { timeout: 15_000 });
  kubectl('-n', space, 'label', 'pod', 'added-00000', 'stage=one');
  await eventually('the labelled pod to appear', async () => (await names(page)).join() === 'added-00000', 15_000);
  kubectl('-n', space, 'delete', 'pod', 'added-00000', '--wait=false');
  await eventually('the deleted pod to go', async () => (await names(page)).length === 0, 30_000);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the table is virtualised and scrolls through every row', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${space}/pods`);
  await hydrated(page);
  await page.waitForSelector('.live-status[data-live-state="live"]', { timeout: 30_000 });
  assert.ok((await podRows(page).count()) <= 200, 'the DOM holds a window');
  // Keyboard: the table region takes focus and End scrolls it.
  await page.focus('.vscroll');
  await page.keyboard.press('End');
  await eventually('the last pod to be drawn', async () => (await names(page)).includes(`p-${String(COUNT - 1).padStart(5, '0')}`), 15_000);
  const last = page.locator(`tr[data-pod="p-00299"]`);
  assert.ok(await last.isVisible(), 'the last row is in view');
  assert.equal(await last.getAttribute('aria-rowindex'), String(COUNT + 1));
  assert.ok((await podRows(page).count()) <= 200, 'still a window after scrolling');
  await page.screenshot({ path: join(ARTIFACTS, 'pods-live.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('filter and sort live in the URL: a link reproduces the view', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${space}/pods`);
  await hydrated(page);
  await page.fill('#filter-name', 'p-0029');
  await eventually('the name filter to apply', async () => (await names(page)).length === 10, 15_000);
  await page.click('th button[data-sort="name"]');
  await eventually('descending by name', async () => (await names(page))[0] === 'p-00299', 15_000);
  const url = page.url();
  assert.match(url, /q=p-0029/);
  assert.match(url, /desc=1/);
  assert.equal(await page.locator('th:has(button[data-sort="name"])').getAttribute('aria-sort'), 'descending');
  // The same link, without JavaScript: the server renders the same view.
  const plain = await openPage(browser, { javaScriptEnabled: false });
  await plain.goto(url);
  const rendered = await names(plain);
  assert.equal(rendered.length, 10);
  assert.equal(rendered[0], 'p-00299');
  await plain.context().close();
  await page.click('#clear-filters');
  await eventually('every pod again', async () => (await names(page))[0] === 'p-00000', 15_000);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a dropped socket says so, reconnects, and shows exactly what kubectl shows', async () => {
  const page = await openPage(browser);
  // The page's socket goes through Playwright, which can cut it (as a
  // proxy or a restarted Wharf would) and refuse reconnections for a while.
  // The first socket holds back the pods list's windows: the cut then
  // comes while the page shows only its server-rendered rows, which said
  // "live" when rendered (the order CI once met by chance, and the page
  // went on saying "live").
  let refusing = false;
  let holdingPods = true;
  const open = [];
  let windows = 0;
  let held = 0;
  await page.routeWebSocket(/\/ws\/watch/, (ws) => {
    if (refusing) { ws.close(); return; }
    const server = ws.connectToServer();
    server.onMessage((message) => {
      const text = String(message);
      if (text.startsWith('{"rows":')) {
        windows += 1;
        if (holdingPods && text.includes('"rows":{"pods":')) { held += 1; return; }
      }
      ws.send(message);
    });
    open.push(ws);
  });
  await page.goto(`${BASE}/spaces/${space}/pods?sort=age`);
  await hydrated(page);
  await page.waitForSelector('.live-status[data-live-state="live"]', { timeout: 30_000 });
  await eventually('the pods window held back', () => open.length > 0 && held > 0, 15_000);
  refusing = true;
  holdingPods = false;
  for (const ws of open.splice(0)) await ws.close();
  await page.waitForSelector('.live-status[data-live-state="reconnecting"]', { timeout: 30_000 }).catch(async (e) => {
    const state = await page.locator('.live-status').first().getAttribute('data-live-state');
    throw new Error(`still "${state}" 30 s after the socket was cut (windows seen: ${windows})`, { cause: e });
  });
  assert.match(await page.locator('.live-status').innerText(), /reconnecting/i);
  // Changes while the page is cut off.
  pendingPods('during', 2);
  kubectl('-n', space, 'delete', 'pod', 'p-00005', '--wait=false');
  refusing = false;
  await page.waitForSelector('.live-status[data-live-state="live"]', { timeout: 30_000 });
  // kubectl's view, in the page's order: newest first, then by name.
  const expected = podsNewestFirst(space);
  await eventually('the rows to match kubectl', async () => {
    const shown = await names(page);
    const count = Number(await page.locator('#space-pods-table').getAttribute('aria-rowcount')) - 1;
    return shown.length > 0 && count === expected.length
      && JSON.stringify(shown) === JSON.stringify(expected.slice(0, shown.length));
  }, 15_000);
  const shown = await names(page);
  assert.ok(shown.includes('during-00000') && !shown.includes('p-00005'), 'the changes made while cut off are there');
  assert.deepEqual(page.problems.filter((p) => !/ws\/watch/.test(p)), []);
  await page.context().close();
});
