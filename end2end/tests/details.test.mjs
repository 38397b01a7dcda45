// Detail pages and events are live in Chromium against the real cluster:
// the pod, app and Service pages follow kubectl's changes to their own
// object without reload (and say when it is gone), and events appear on
// every object's page and on the space's Events page as kubectl makes them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ARTIFACTS, BASE, eventually, hydrated, kubectl, launch, openPage, unique } from './helpers.mjs';

let browser;
const ns = unique('e2e-detail');

/// An Event about `kind/name`, made with kubectl as a controller would.
function event(name, kind, object, reason, type = 'Normal') {
  const file = join(tmpdir(), `${ns}-${name}.json`);
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Event',
    metadata: { name, namespace: ns },
    involvedObject: { kind, name: object, namespace: ns },
    reason, message: `${reason} (made by the test)`, type, count: 1,
    source: { component: 'e2e' },
  }));
  kubectl('-n', ns, 'create', '-f', file);
  unlinkSync(file);
}

const get = (kind, name) => JSON.parse(kubectl('-n', ns, 'get', kind, name, '-o', 'json'));
const eventRow = (page, reason) => page.locator(`#events-table tr[data-event-reason="${reason}"], #space-events-table tr[data-event-reason="${reason}"]`);

before(async () => {
  browser = await launch();
  kubectl('create', 'namespace', ns);
  kubectl('-n', ns, 'create', 'deployment', 'web', '--image=busybox:1.35', '--', 'sh', '-c', "trap 'exit 0' TERM; sleep 1d & wait");
  kubectl('-n', ns, 'expose', 'deployment', 'web', '--port=80');
  kubectl('-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=120s');
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
});

test('the pod page follows its pod and its events, and says when the pod is gone', async () => {
  const pod = kubectl('-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}');
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/pods/${pod}`);
  await hydrated(page);
  await page.waitForSelector('.live-badge[data-live-state="live"]', { timeout: 30_000 });
  kubectl('-n', ns, 'label', 'pod', pod, 'seen-by=e2e');
  await eventually('the label in the pod page', async () => /seen-by: e2e/.test(await page.textContent('#pod-yaml')), 15_000);
  event(`${pod}.e2e1`, 'Pod', pod, 'E2eNormal');
  event(`${pod}.e2e2`, 'Pod', pod, 'E2eWarning', 'Warning');
  // Another object's event is not this pod's.
  event('web.e2e-other', 'Deployment', 'web', 'E2eOther');
  await eventRow(page, 'E2eWarning').waitFor({ timeout: 15_000 });
  await eventRow(page, 'E2eNormal').waitFor({ timeout: 15_000 });
  assert.equal(await eventRow(page, 'E2eWarning').locator('[data-event-type]').getAttribute('data-event-type'), 'Warning');
  assert.equal(await eventRow(page, 'E2eOther').count(), 0);
  // Deleted: the page says so instead of showing the pod as it was.
  kubectl('-n', ns, 'delete', 'pod', pod, '--wait=false');
  await page.locator('.notice-error').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#pod-name').count(), 0, 'the old pod is not shown as current');
  assert.deepEqual(page.problems.filter((p) => !/404|Not Found/i.test(p)), []);
  await page.context().close();
});

test('the app page follows a kubectl scale: replicas, its pods and the event', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/apps/web`);
  await hydrated(page);
  await page.waitForSelector('.live-badge[data-live-state="live"]', { timeout: 30_000 });
  kubectl('-n', ns, 'scale', 'deployment', 'web', '--replicas=2');
  await eventually('2 replicas shown', async () => (await page.inputValue('#scale-input')) === '2', 30_000);
  await eventually('its 2 pods listed', async () => (await page.locator('#pods-table tbody tr[data-pod]').count()) === 2, 120_000);
  await eventually('the scaling event', async () =>
    /Scaled up replica set .* to 2/.test((await page.locator('#events-table').textContent()) ?? ''), 30_000);
  await page.screenshot({ path: join(ARTIFACTS, 'app-live.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the Service page follows an annotation, and its endpoints follow its pods', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/services/web`);
  await hydrated(page);
  await page.waitForSelector('.live-badge[data-live-state="live"]', { timeout: 30_000 });
  kubectl('-n', ns, 'annotate', 'service', 'web', 'note=from-kubectl');
  await eventually('the annotation shown', async () => /from-kubectl/.test(await page.textContent('dl.props')), 15_000);
  const ready = async () => page.locator('#endpoints-table tbody tr').count();
  const before = await ready();
  kubectl('-n', ns, 'scale', 'deployment', 'web', '--replicas=3');
  await eventually('a third endpoint', async () => (await ready()) === 3, 120_000);
  assert.ok(before < 3, `${before} endpoints before the scale`);
  assert.equal(get('endpoints', 'web').subsets[0].addresses.length, 3, 'as the cluster has them');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the space\'s events: live, newest first, filtered by type in the URL', async () => {
  const page = await openPage(browser, { locale: 'zh-CN' });
  await page.goto(`${BASE}/spaces/${ns}/events?status=Warning`);
  await hydrated(page);
  assert.equal(await page.locator('#section-events').getAttribute('aria-current'), 'page');
  await page.waitForSelector('.live-status[data-live-state="live"]', { timeout: 30_000 });
  event('web.e2e-warn', 'Service', 'web', 'E2eSpaceWarning', 'Warning');
  event('web.e2e-normal', 'Service', 'web', 'E2eSpaceNormal');
  const warning = eventRow(page, 'E2eSpaceWarning');
  await warning.waitFor({ timeout: 15_000 });
  assert.equal(await eventRow(page, 'E2eSpaceNormal').count(), 0, 'the filter leaves Normal events out');
  assert.match(await warning.textContent(), /警告/);
  // The object links to its page.
  assert.equal(await warning.locator('a').getAttribute('href'), `/clusters/admin-local-kube/spaces/${ns}/services/web`);
  // Every type, newest first: the last one made is the first row.
  await page.goto(`${BASE}/spaces/${ns}/events`);
  await hydrated(page);
  await eventRow(page, 'E2eSpaceNormal').waitFor({ timeout: 15_000 });
  const reasons = await page.locator('#space-events-table tbody tr[data-event]').evaluateAll((trs) => trs.map((tr) => tr.dataset.eventReason));
  // Made last (or in the same second, and first by name): above the warning.
  const [normal, warn] = [reasons.indexOf('E2eSpaceNormal'), reasons.indexOf('E2eSpaceWarning')];
  assert.ok(normal >= 0 && warn > normal, `newest first: ${reasons.join(', ')}`);
  await page.screenshot({ path: join(ARTIFACTS, 'events-zh.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
