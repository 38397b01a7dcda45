// The first slice, end to end: spaces as tabs and the service list, on the
// real cluster, in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ARTIFACTS, BASE, RESTRICTED_BASE, eventually, findSpace, hydrated, kubectl, launch, namespaceExists, openPage, unique,
} from './helpers.mjs';

let browser;
const listSpace = unique('e2e-list');

before(async () => {
  browser = await launch();
  kubectl('create', 'namespace', listSpace);
  kubectl('-n', listSpace, 'create', 'service', 'nodeport', 'web-np', '--tcp=80:8080');
  kubectl('-n', listSpace, 'create', 'service', 'clusterip', 'db', '--clusterip=None', '--tcp=5432:5432');
  kubectl('-n', listSpace, 'create', 'service', 'loadbalancer', 'web-lb', '--tcp=443:8443');
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', listSpace, '--wait=false', '--ignore-not-found');
});

test('the service list is in the server-rendered HTML (no JavaScript)', async () => {
  const page = await openPage(browser, { javaScriptEnabled: false });
  const response = await page.goto(`${BASE}/spaces/${listSpace}/services`);
  assert.equal(response.status(), 200);
  const rows = page.locator('#services-table tbody tr[data-service]');
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.service)), ['db', 'web-lb', 'web-np']);
  const lb = page.locator('tr[data-service="web-lb"]');
  assert.match(await lb.innerText(), /LoadBalancer[\s\S]*pending[\s\S]*443:3\d{4}\/TCP/);
  assert.match(await page.locator('tr[data-service="db"]').innerText(), /Headless/);
  // The tab of the space is there and marked current.
  assert.equal(await page.locator(`a.tab[data-space="${listSpace}"]`).getAttribute('aria-current'), 'page');
  await page.context().close();
});

test('the list hydrates, follows kubectl live, and opens a detail page client-side', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${listSpace}/services`);
  await hydrated(page);
  assert.equal(await page.title(), `Services · ${listSpace} — Wharf`);
  kubectl('-n', listSpace, 'create', 'service', 'clusterip', 'added-later', '--tcp=8080:80');
  // Live: the row appears without reload or refresh.
  await page.waitForSelector('tr[data-service="added-later"]', { timeout: 15_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'services.png') });

  const navigations = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
  await page.click('tr[data-service="web-np"] a');
  await page.waitForSelector('#service-name');
  assert.equal(await page.locator('#service-name').innerText(), 'web-np');
  assert.match(await page.locator('#service-ports').innerText(), /^80:3\d{4}\/TCP$/);
  assert.match(await page.locator('#service-yaml').innerText(), /kind: Service[\s\S]*name: web-np/);
  assert.doesNotMatch(await page.locator('#service-yaml').innerText(), /managedFields/);
  assert.ok(page.url().endsWith(`/spaces/${listSpace}/services/web-np`));
  // Client-side routing: the URL changed without a document load.
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1);
  // Each page its own title, after client-side routing too.
  await page.waitForFunction((t) => document.title === t, `web-np · Services · ${listSpace} — Wharf`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a service detail lists the endpoints of ready pods', async () => {
  kubectl('-n', listSpace, 'create', 'deployment', 'echo', '--image=busybox:1.35', '--', 'sleep', '3600');
  kubectl('-n', listSpace, 'expose', 'deployment', 'echo', '--port=80');
  kubectl('-n', listSpace, 'rollout', 'status', 'deployment/echo', '--timeout=90s');
  const podIp = kubectl('-n', listSpace, 'get', 'pods', '-l', 'app=echo', '-o', 'jsonpath={.items[0].status.podIP}').trim();
  // The endpoints controller writes the address a moment after the pod is
  // ready; wait for it in the cluster, then one page load must show it.
  // (Loading the page again and again raced the page's own reload when the
  // network dropped its script: two navigations at once.)
  await eventually('the endpoint in the cluster', () =>
    kubectl('-n', listSpace, 'get', 'endpoints', 'echo', '-o', 'jsonpath={.subsets[*].addresses[*].ip}').includes(podIp), 30_000, 250);
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${listSpace}/services/echo`);
  await page.waitForSelector('#endpoints-table', { timeout: 15_000 });
  assert.match(await page.locator('#endpoints-table').innerText(), new RegExp(podIp.replaceAll('.', '\\.')));
  await page.context().close();
});

test('a dialog takes the focus, keeps it inside, and Esc closes it, giving the focus back', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${listSpace}/services`);
  await hydrated(page);
  await page.focus('#new-space');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[role=dialog][aria-labelledby="create-space-title"]');
  const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
  await eventually('the focus on the first field', async () => (await focused()) === 'space-name', 5_000, 50);
  // Shift+Tab from the first control goes round to the last, not out.
  await page.keyboard.press('Shift+Tab');
  assert.ok(await page.evaluate(() => document.activeElement.closest('[role=dialog]') !== null), 'the focus stays in the dialog');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'space-name');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[role=dialog]', { state: 'detached' });
  assert.equal(await focused(), 'new-space', 'back on the button that opened it');
  // `/` goes to the list's filter; typed in a field, it is just a character.
  await page.keyboard.press('/');
  assert.equal(await focused(), 'filter-name');
  await page.keyboard.type('a/b');
  assert.equal(await page.inputValue('#filter-name'), 'a/b');
  await page.context().close();
});

test('create a space: a bad name is refused at the field, a good one is created', async () => {
  const name = unique('e2e-new');
  const page = await openPage(browser);
  await page.goto(`${BASE}/`);
  await hydrated(page);
  await page.click('#new-space');
  await page.fill('#space-name', 'Bad_Name');
  assert.equal(await page.locator('#name-error').innerText(), 'Use lowercase letters only.');
  assert.equal(await page.locator('#space-name').getAttribute('aria-invalid'), 'true');
  assert.ok(await page.locator('#create-space-submit').isDisabled());
  await page.fill('#space-name', 'bad_name');
  assert.match(await page.locator('#name-error').innerText(), /'_' is not allowed/);
  await page.fill('#space-name', 'x'.repeat(64));
  assert.equal(await page.locator('#name-error').innerText(), 'At most 63 characters (64 now).');
  assert.equal(namespaceExists('bad_name'), false);

  // A name the browser accepts but the cluster refuses: the server's answer
  // lands at the same field.
  await page.fill('#space-name', 'default');
  assert.equal(await page.locator('#name-error').innerText(), '');
  await page.click('#create-space-submit');
  await page.waitForFunction(() => document.querySelector('#name-error')?.textContent === 'This name is already taken.');

  await page.fill('#space-name', name);
  await page.fill('#space-description', '端到端测试 e2e');
  await page.click('#create-space-submit');
  await page.waitForURL(`${BASE}/clusters/admin-local-kube/spaces/${name}/services`);
  await page.waitForSelector('#services-empty');
  assert.equal(await page.locator(`a.tab[data-space="${name}"]`).getAttribute('aria-current'), 'page');
  assert.equal(
    kubectl('get', 'namespace', name, '-o', 'jsonpath={.metadata.annotations.wharf\\.io/description}'),
    '端到端测试 e2e',
  );
  // The one refused create answered 422, which Chromium logs; nothing else.
  assert.deepEqual(page.problems.filter((p) => !/status of 422 \(Unprocessable Entity\)/.test(p)), []);
  await page.context().close();
  kubectl('delete', 'namespace', name, '--wait=false');
});

test('more spaces than tabs: the picker finds one as you type, by keyboard; tabs keep the recent and the pinned', async () => {
  // Nine more spaces, so the cluster has more than the eight the tab bar shows.
  const base = unique('e2e-pick');
  const names = Array.from({ length: 9 }, (_, i) => `${base}-${i}`);
  for (const name of names) kubectl('create', 'namespace', name);
  try {
    const page = await openPage(browser);
    await page.goto(`${BASE}/spaces/${names[0]}/apps`);
    await hydrated(page);
    const tab = (name) => page.locator(`.tabs a.tab[data-space="${name}"]`);
    assert.equal(await tab(names[0]).getAttribute('aria-current'), 'page');
    assert.equal(await tab(names[1]).count(), 0, 'another space is not a tab');
    // The count is the cluster's, and follows it.
    const total = () => kubectl('get', 'namespaces', '-o', 'name').trim().split('\n').length;
    await eventually('the count of every space', async () => Number(await page.textContent('#space-count')) === total(), 20_000);

    // Keyboard only: the button opens the picker with the focus in its filter.
    await page.focus('#space-picker');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#space-picker-panel');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'space-picker-filter');
    await page.keyboard.type(`${base}-3`);
    assert.match(await page.textContent('#space-picker-count'), /^1 of \d+ spaces$/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/spaces/${names[3]}/apps`);
    await page.waitForSelector('#space-picker-panel', { state: 'detached' });
    assert.equal(await tab(names[3]).getAttribute('aria-current'), 'page');
    assert.equal(await tab(names[0]).count(), 1, 'the space opened before stays a tab');

    // Arrows walk the list; a pin keeps a space as a tab; Esc closes.
    await page.click('#space-picker');
    await page.keyboard.type(base);
    assert.match(await page.textContent('#space-picker-count'), /^9 of \d+ spaces$/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), names[1]);
    await page.click(`button[data-pin="${names[5]}"]`);
    assert.equal(await page.getAttribute(`button[data-pin="${names[5]}"]`, 'aria-pressed'), 'true');
    await page.screenshot({ path: join(ARTIFACTS, 'space-picker.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#space-picker-panel', { state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'space-picker');
    await tab(names[5]).waitFor();
    assert.equal(await tab(names[7]).count(), 0);

    // The browser remembers them (per cluster) across loads.
    await page.reload();
    await hydrated(page);
    for (const name of [names[0], names[3], names[5]]) await tab(name).waitFor();
    assert.equal(await tab(names[7]).count(), 0);
    // A space is found by part of its name, and a click opens the same section.
    await (await findSpace(page, `${base}-7`)).locator('a').click();
    await page.waitForURL(`**/spaces/${names[7]}/apps`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  } finally {
    for (const name of names) kubectl('delete', 'namespace', name, '--wait=false');
  }
});

test('delete a space through the type-the-name dialog', async () => {
  const name = unique('e2e-del');
  kubectl('create', 'namespace', name);
  kubectl('-n', name, 'create', 'service', 'clusterip', 'doomed', '--tcp=80:80');
  kubectl('-n', name, 'create', 'deployment', 'doomed-app', '--image=busybox:1.35', '--', 'sleep', '3600');
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${name}/services`);
  await hydrated(page);
  await page.click('#delete-space');
  await page.waitForSelector('#space-contents');
  const contents = await page.locator('#space-contents').innerText();
  assert.match(contents, /Services \(1\): doomed/);
  assert.match(contents, /Deployments \(1\): doomed-app/);
  assert.ok(await page.locator('#delete-space-submit').isDisabled());
  await page.fill('#delete-confirm', name.slice(0, -1));
  assert.ok(await page.locator('#delete-space-submit').isDisabled());
  await page.fill('#delete-confirm', name);
  assert.ok(await page.locator('#delete-space-submit').isEnabled());
  await page.screenshot({ path: join(ARTIFACTS, 'delete-space-dialog.png') });
  await page.click('#delete-space-submit');
  await page.waitForURL((url) => !url.pathname.includes(`/spaces/${name}/`));
  // The tab says it is going, then disappears when the namespace is gone.
  const tab = page.locator(`a.tab[data-space="${name}"]`);
  await eventually('the tab to disappear', async () => (await tab.count()) === 0, 120_000, 500);
  assert.equal(namespaceExists(name), false);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Chinese from Accept-Language, and the switch back to English', async () => {
  const page = await openPage(browser, { locale: 'zh-CN' });
  await page.goto(`${BASE}/spaces/${listSpace}/services`);
  await hydrated(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.locator('.toolbar h1').innerText(), '服务');
  assert.match(await page.locator('tr[data-service="web-np"]').innerText(), /节点访问/);
  await page.screenshot({ path: join(ARTIFACTS, 'services-zh.png') });
  await page.click('#switch-language');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await hydrated(page);
  assert.equal(await page.locator('.toolbar h1').innerText(), 'Services');
  await page.context().close();
});

test('dark mode follows the system; the switch picks one, and the server renders it from then on', async () => {
  const page = await openPage(browser, { locale: 'zh-CN', colorScheme: 'dark' });
  await page.goto(`${BASE}/spaces/${listSpace}/services`);
  await hydrated(page);
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(await background(), 'rgb(15, 20, 27)', 'dark, as the system asks');
  await page.waitForSelector('#switch-theme[aria-pressed="true"]');
  assert.equal(await page.getAttribute('#switch-theme', 'aria-label'), '深色模式');
  await page.screenshot({ path: join(ARTIFACTS, 'services-dark-zh.png') });
  // The switch: light now, and after a reload, rendered so by the server.
  await page.click('#switch-theme');
  assert.equal(await background(), 'rgb(245, 247, 250)');
  assert.equal(await page.getAttribute('#switch-theme', 'aria-pressed'), 'false');
  const html = await (await page.request.get(`${BASE}/spaces/${listSpace}/services`)).text();
  assert.match(html, /<html lang="[^"]+" data-theme="light"/);
  await page.reload();
  await hydrated(page);
  assert.equal(await background(), 'rgb(245, 247, 250)');
  // And back to dark, on a system that asks for light.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.click('#switch-theme');
  assert.equal(await background(), 'rgb(15, 20, 27)');
  await page.goto(`${BASE}/spaces/${listSpace}/apps`);
  await page.screenshot({ path: join(ARTIFACTS, 'apps-dark.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the restricted user sees Forbidden in words outside its namespace', async () => {
  const page = await openPage(browser);
  const response = await page.goto(`${RESTRICTED_BASE}/spaces/default/services`);
  assert.equal(response.status(), 200);
  const alert = page.locator('main [role="alert"]');
  assert.match(await alert.innerText(), /^You are not allowed to do this\. services is forbidden: User "dev" cannot list/);
  // In its own namespace it works.
  await page.goto(`${RESTRICTED_BASE}/spaces/dev/services`);
  assert.equal(await page.locator('main [role="alert"]').count(), 0);
  await page.context().close();
});

test('server functions answer with the error status, and refuse cross-site writes', async () => {
  const post = (url, body, headers = {}) => fetch(url, {
    method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-wharf-csrf': '1', ...headers },
  });
  const bad = await post(`${BASE}/api/create_space`, 'name=Bad_Name&description=');
  assert.equal(bad.status, 422);
  assert.deepEqual(await bad.json(), { Invalid: { message: '', causes: [{ field: 'name', problem: 'Uppercase' }] } });
  const forbidden = await post(`${RESTRICTED_BASE}/api/list_services`, 'space=default');
  assert.equal(forbidden.status, 403);
  assert.ok((await forbidden.json()).Forbidden);
  const crossSite = await post(`${BASE}/api/create_space`, 'name=csrf-test&description=', { origin: 'http://evil.example' });
  assert.equal(crossSite.status, 403);
  assert.equal(namespaceExists('csrf-test'), false);
  // The restricted server is started without embedding origins: only Wharf may frame it.
  const page = await fetch(`${RESTRICTED_BASE}/spaces/dev/services`);
  assert.match(page.headers.get('content-security-policy'), /; frame-ancestors 'self'$/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
});

test('the restricted user sees what they may not do, and why; the cluster still decides', async () => {
  const page = await openPage(browser);
  await page.goto(`${RESTRICTED_BASE}/spaces/dev/services`);
  await hydrated(page);
  // dev may edit in dev (ClusterRole edit), but not make or delete spaces.
  await page.waitForSelector('#new-space[disabled]');
  assert.equal(await page.getAttribute('#new-space', 'title'), 'Not allowed: your account may not create namespaces here.');
  assert.ok(await page.locator('#delete-space').isDisabled());
  assert.equal(await page.getAttribute('#create-service', 'aria-disabled'), null);
  // In someone else's space nothing may be done; a disabled link goes nowhere.
  await page.goto(`${RESTRICTED_BASE}/spaces/default/apps`);
  await hydrated(page);
  await page.waitForSelector('#create-app[aria-disabled="true"]');
  assert.match(await page.getAttribute('#create-app', 'title'), /may not create deployments/);
  await page.click('#create-app', { force: true });
  assert.equal(new URL(page.url()).pathname, '/clusters/dev-local-kube/spaces/default/apps');
  // Who may not list spaces types the one to open.
  await page.goto(`${RESTRICTED_BASE}/`);
  await hydrated(page);
  await page.fill('#go-to-space-name', 'dev');
  await page.press('#go-to-space-name', 'Enter');
  await page.waitForURL(`${RESTRICTED_BASE}/clusters/dev-local-kube/spaces/dev/services`);
  await page.waitForSelector('.tabs [data-space="dev"][aria-current="page"]');
  await page.screenshot({ path: join(ARTIFACTS, 'restricted-dev.png') });
  await page.context().close();
  // The same reason in Chinese.
  const zh = await openPage(browser, { locale: 'zh-CN' });
  await zh.goto(`${RESTRICTED_BASE}/spaces/default/services`);
  await hydrated(zh);
  await zh.waitForSelector('#create-service[aria-disabled="true"]');
  assert.equal(await zh.getAttribute('#create-service', 'title'), '无权限：您的账号不能在此执行 create services。');
  await zh.context().close();
});
