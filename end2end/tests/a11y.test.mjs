// Issue 16: an automated accessibility scan (axe-core) of every kind of
// page, in both languages and both colour schemes: no serious or critical
// violation. (Moderate and minor ones are printed, not failed on.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BASE, hydrated, kubectl, launch, openPage, unique } from './helpers.mjs';

const MULTI = process.env.WHARF_MULTI_URL ?? 'http://127.0.0.1:3102';
// Injected with evaluate (DevTools), which Wharf's CSP does not govern; the
// page itself still runs under its CSP.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser;
const ns = unique('e2e-a11y');

before(async () => {
  browser = await launch();
  kubectl('create', 'namespace', ns);
  kubectl('-n', ns, 'create', 'deployment', 'web', '--image=busybox:1.35', '--', 'sh', '-c', "trap 'exit 0' TERM; echo hello; sleep 1d & wait");
  kubectl('-n', ns, 'expose', 'deployment', 'web', '--port=80');
  kubectl('-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=120s');
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
});

/// The serious and critical violations on the page as it is now.
async function scan(page, what) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({
      id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    })));
  for (const v of violations.filter((v) => !['serious', 'critical'].includes(v.impact))) {
    console.log(`${what}: ${v.impact} ${v.id} at ${v.targets.join(' | ')}`);
  }
  return violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${what}: ${v.id} at ${v.targets.join(' | ')}`);
}

test('every kind of page: no serious or critical accessibility violation, in English and Chinese, light and dark', async () => {
  const pod = kubectl('-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}').trim();
  const node = kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}').trim();
  const space = `${BASE}/spaces/${ns}`;
  const pages = [
    `${space}/services`, `${space}/apps`, `${space}/pods`, `${space}/events`,
    `${space}/services/web`, `${space}/apps/web`, `${space}/pods/${pod}`,
    `${space}/pods/${pod}/logs/busybox`, `${space}/pods/${pod}/terminal/busybox`,
    `${space}/new/app`, `${space}/new/service`, `${space}/new/yaml`, `${space}/services/web/edit`,
    `${BASE}/clusters/admin-local-kube/nodes`, `${BASE}/clusters/admin-local-kube/nodes/${node}`,
    `${BASE}/clusters`, `${MULTI}/sign-in`,
  ];
  const found = [];
  let scanned = 0;
  for (const [locale, colorScheme] of [['en-US', 'light'], ['zh-CN', 'dark']]) {
    const page = await openPage(browser, { locale, colorScheme });
    for (const url of pages) {
      await page.goto(url);
      await hydrated(page);
      // What the page loads after hydration (rows, the live state) is in.
      await page.waitForLoadState('networkidle').catch(() => {});
      found.push(...await scan(page, `${url} (${locale}, ${colorScheme})`));
      scanned += 1;
    }
    // Every step of the wizard, not only its first.
    await page.goto(`${space}/new/app`);
    await hydrated(page);
    await page.fill('#f-name', 'scan');
    for (let step = 2; step <= 6; step += 1) {
      await page.click('#wizard-next');
      await page.waitForSelector(`.step.current > #step-${step}`);
      if (step === 2) {
        await page.fill('#f-containers-0-image', 'busybox');
        await page.fill('#f-containers-0-tag', '1.35');
        await page.click('[data-add-port="0"]');
        await page.fill('#f-containers-0-ports-0-port', '8080');
      }
      if (step === 4) {
        await page.fill('#f-replicas', '1');
        await page.check('#access-none');
      }
      found.push(...await scan(page, `wizard step ${step} (${locale}, ${colorScheme})`));
      scanned += 1;
    }
    // A dialog open.
    await page.goto(`${space}/services`);
    await hydrated(page);
    await page.click('#new-space');
    await page.waitForSelector('[role=dialog]');
    found.push(...await scan(page, `create-space dialog (${locale}, ${colorScheme})`));
    scanned += 1;
    await page.context().close();
  }
  console.log(`axe-core: ${scanned} page states scanned, ${found.length} serious or critical violations`);
  assert.deepEqual(found, []);
});
