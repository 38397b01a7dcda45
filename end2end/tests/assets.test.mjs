// The site's built files: named by their version, kept by the browser for a
// year, and a second visit that fetches only the HTML (server/src/assets.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, eventually, hydrated, kubectl, launch, openPage, unique } from './helpers.mjs';
import { clusterRoot, countTransfer, listAndDetailPages } from '../transfer.mjs';

// A dev build (WHARF_PROFILE=dev) has no brotli copies.
const BROTLI = process.env.WHARF_PROFILE !== 'dev';
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function versionedFiles() {
  const response = await fetch(`${BASE}/clusters`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-cache', 'the HTML is asked for again each time');
  const html = await response.text();
  const files = [...new Set(html.match(/\/pkg\/[0-9a-f]{16}\/wharf\.(js|wasm|css)/g))];
  assert.equal(files.length, 3, `the page names wharf.js, .wasm and .css under a version: ${files}`);
  return files;
}

test('the built files are named by version and kept; an unknown version is not found', async () => {
  const files = await versionedFiles();
  const version = files[0].split('/')[2];
  for (const file of files) {
    const response = await fetch(BASE + file, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(response.status, 200, file);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable', file);
    if (file.endsWith('.wasm')) assert.equal(response.headers.get('content-encoding'), 'gzip');
  }
  // The editor and the terminal, and wasm-bindgen's snippets, beside them.
  for (const file of ['editor.js', 'terminal.js']) {
    const response = await fetch(`${BASE}/pkg/${version}/${file}`);
    assert.equal(response.status, 200, file);
    assert.match(response.headers.get('cache-control'), /immutable/);
  }
  // A version this server does not have: not today's bytes under its name.
  const other = version.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  assert.equal((await fetch(`${BASE}/pkg/${other}/wharf.js`)).status, 404);
  // The plain names still answer, asked for again each time.
  const plain = await fetch(`${BASE}/pkg/wharf.css`);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('cache-control'), 'no-cache');
  if (BROTLI) {
    const wasm = files.find((f) => f.endsWith('.wasm'));
    const br = await fetch(BASE + wasm, { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(br.headers.get('content-encoding'), 'br');
    const brBytes = (await br.arrayBuffer()).byteLength;
    const gz = await fetch(BASE + wasm, { headers: { 'accept-encoding': 'gzip' } });
    assert.ok(Number(br.headers.get('content-length') ?? brBytes) < Number(gz.headers.get('content-length')),
      'brotli is smaller than gzip');
  }
});

test('a second visit fetches only the HTML; the editor loads from the versioned folder', async () => {
  const first = await openPage(browser);
  await first.goto(`${BASE}/clusters`);
  await hydrated(first);
  // The same browser (its cache), another page of Wharf.
  const page = await first.context().newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const fetched = [];
  const cached = new Set();
  cdp.on('Network.responseReceived', ({ response }) => {
    if (!new URL(response.url).pathname.startsWith('/pkg/')) return;
    if (response.fromDiskCache || response.fromMemoryCache) cached.add(response.url);
    else fetched.push(`${response.status} ${response.url}`);
  });
  await page.goto(`${BASE}/spaces/default/services`);
  await hydrated(page);
  assert.deepEqual(fetched, [], 'files fetched again on the second visit');
  // The wasm, its JavaScript and the stylesheet were used, from the cache.
  assert.ok(['.wasm', '.js', '.css'].every((ext) => [...cached].some((u) => u.endsWith(`/wharf${ext}`))),
    `from the cache: ${[...cached]}`);
  // A page with the YAML editor: its bundle comes from the same folder.
  const editor = page.waitForResponse((r) => /\/pkg\/[0-9a-f]{16}\/editor\.js$/.test(r.url()));
  await page.goto(`${BASE}/spaces/default/new/yaml`);
  await hydrated(page);
  assert.equal((await editor).status(), 200);
  await page.waitForSelector('[data-editor-for="yaml-input"] .cm-content', { timeout: 15_000 });
  await page.close();
  assert.deepEqual(first.problems, []);
  await first.context().close();
});

// The pages of pages/lazy.rs: their code is in parts of the wasm of their
// own, fetched when such a page is first opened.
const LAZY_PAGES = [
  ['/spaces/default/new/app', 'split___app_wizard_route'],
  ['/spaces/default/new/service', 'split___service_create_route'],
  ['/spaces/default/new/yaml', 'split___create_from_yaml_route'],
  ['/spaces/default/services/kubernetes/edit', 'split___service_edit_route'],
];

test('a lazy page is server-rendered, preloads its parts, and hydrates; other pages do not fetch them', async () => {
  for (const [path, part] of LAZY_PAGES) {
    const plain = await openPage(browser, { javaScriptEnabled: false });
    await plain.goto(BASE + path);
    const heading = await plain.locator('main h1, h1').first().innerText();
    assert.ok(heading.length > 0, `${path}: a heading without JavaScript`);
    const html = await plain.content();
    // One file of the page's parts (its own and those it shares).
    const bundle = part.replace(/^split_/, 'bundle_');
    assert.match(html, new RegExp(`<link[^>]+href="/pkg/[0-9a-f]{16}/${bundle}_view_\\d+\\.bin"[^>]*>`),
      `${path}: the HTML preloads its parts`);
    await plain.context().close();
    const page = await openPage(browser);
    const parts = [];
    page.on('response', (r) => { if (/\/(split|bundle)___/.test(r.url())) parts.push(r.url()); });
    await page.goto(BASE + path);
    await hydrated(page);
    assert.equal(await page.locator('h1').first().innerText(), heading, `${path}: the same heading hydrated`);
    assert.ok(parts.some((u) => u.includes(bundle)), `${path}: fetched ${parts}`);
    assert.ok(!parts.some((u) => u.includes(part)), `${path}: its part came in the bundle, not alone: ${parts}`);
    assert.deepEqual(page.problems, [], path);
    await page.context().close();
  }
  // A list: none of the lazy parts.
  const page = await openPage(browser);
  const parts = [];
  page.on('request', (r) => { if (/\/(split|chunk|bundle)_/.test(r.url())) parts.push(r.url()); });
  await page.goto(`${BASE}/spaces/default/services`);
  await hydrated(page);
  assert.deepEqual(parts, [], 'a list page fetches no lazy part');
  // Into a lazy page by a link: its part comes then, and the form works.
  await page.click('a[href$="/spaces/default/new/service"]');
  await page.waitForSelector('#f-name', { timeout: 15_000 });
  assert.ok(parts.some((u) => u.includes('bundle___service_create_route')), `fetched ${parts}`);
  await page.fill('#f-name', 'Bad_Name');
  await page.locator('#f-name').blur();
  await page.waitForSelector('#f-name-error', { timeout: 10_000 });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/// The notice over a broken page: its words, the focus on its Reload
/// button; then, with the `blocked` files served again, Reload brings the
/// page back, hydrated and without the notice.
async function reloadFromNotice(page, { words, timeout, blocked }) {
  const notice = page.locator('#page-broken[role="alert"]');
  await notice.waitFor({ timeout });
  assert.match(await notice.innerText(), words);
  const reload = notice.locator('button');
  assert.equal(await reload.evaluate((b) => b === document.activeElement), true, 'the Reload button has the focus');
  await page.unroute(blocked);
  await Promise.all([page.waitForEvent('load'), reload.click()]);
  await hydrated(page);
  assert.equal(await page.locator('#page-broken').count(), 0);
}

test('a page whose main code was dropped reloads itself, and when the code never comes it says so', async () => {
  // Dropped twice (as Chromium drops requests in flight when an interface
  // comes up, which every new pod does here): the page reloads and hydrates.
  const main = /\/pkg\/[0-9a-f]{16}\/wharf\.js$/;
  const page = await openPage(browser);
  let requests = 0;
  await page.route(main, (route) => (requests++ < 2 ? route.abort('connectionreset') : route.continue()));
  await page.goto(`${BASE}/spaces/default/services`);
  await hydrated(page);
  assert.ok(requests >= 3, `two dropped, then served (${requests} requests)`);
  assert.equal(await page.locator('#page-broken').count(), 0);
  await page.context().close();

  // Never served: after two reloads the notice, in the page's language,
  // and Reload (with the network back) brings the page to life.
  const zh = await openPage(browser, { locale: 'zh-CN' });
  await zh.route(main, (route) => route.abort('connectionreset'));
  await zh.goto(`${BASE}/spaces/default/services`);
  await reloadFromNotice(zh, { words: /页面已停止工作/, timeout: 20_000, blocked: main });
  await zh.context().close();
});

test('a dialog whose code comes when it is first opened says it is loading until then', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/default/services`);
  await hydrated(page);
  // The dialog's parts are held back until the loading state was seen.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/(bundle|split)_create_space_dialog_[^/]+\.(bin|wasm)$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.click('#new-space');
  const loading = page.locator('.modal-backdrop [role=status][aria-busy=true]');
  await loading.waitFor();
  assert.match(await loading.innerText(), /Loading/);
  release();
  await page.waitForSelector('[role=dialog][aria-labelledby="create-space-title"]');
  assert.equal(await loading.count(), 0, 'the dialog took its place');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a part that cannot be loaded says so in words, and Reload brings the page back', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/default/services`);
  await hydrated(page);
  // As after an update, when this tab's version of the part is gone.
  const parts = /\/pkg\/[0-9a-f]{16}\/(split|chunk|bundle)_[^/]+\.(wasm|bin)$/;
  await page.route(parts, (route) => route.fulfill({ status: 404 }));
  await page.click('a[href$="/spaces/default/new/service"]');
  // Reload gives the page the link left (the router had not gone on),
  // loaded again, whole; and the link works now.
  await reloadFromNotice(page, { words: /could not be loaded/, timeout: 15_000, blocked: parts });
  await page.click('a[href$="/spaces/default/new/service"]');
  await page.waitForSelector('#f-name', { timeout: 15_000 });
  await page.context().close();
});

// Issue 15's target, kept: a cold load of any list or detail page brings at
// most 400 KB of wasm, JS and CSS (compressed, with the response headers, as
// DevTools counts them; bench/first-load.mjs measures the same on a slow
// link, with times). The app page, the largest, was 394 KB when this test
// was written: a change that grows the first download fails here, not in a
// benchmark nobody ran.
test('a cold load of every list and detail page brings at most 400 KB of wasm, JS and CSS', {
  skip: !BROTLI && 'a dev build is not compressed',
}, async () => {
  const ns = unique('first-download');
  kubectl('create', 'namespace', ns);
  try {
    kubectl('-n', ns, 'create', 'deployment', 'web', '--image=busybox:1.35', '--', 'sleep', '3600');
    kubectl('-n', ns, 'expose', 'deployment', 'web', '--port=80');
    const pod = await eventually('the Deployment\'s pod', () =>
      kubectl('-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}').trim().split(' ')[0]);
    const node = kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}').trim();
    const root = await clusterRoot(BASE);
    const firstDownload = [];
    for (const [name, path] of listAndDetailPages({ ns, pod, node })) {
      const page = await openPage(browser);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      const stop = countTransfer(cdp);
      await page.goto(BASE + root + path);
      await hydrated(page);
      const bytes = stop();
      firstDownload.push([name, bytes.wasm + bytes.js + bytes.css]);
      assert.deepEqual(page.problems, [], path);
      await page.context().close();
    }
    const table = firstDownload.map(([name, n]) => `${name}: ${n} B`).join('\n');
    console.log(table);
    assert.ok(firstDownload.every(([, n]) => n > 100_000), `every page counted its wasm:\n${table}`);
    assert.ok(firstDownload.every(([, n]) => n <= 400_000), `at most 400,000 B each:\n${table}`);
  } finally {
    kubectl('delete', 'namespace', ns, '--wait=false');
  }
});
