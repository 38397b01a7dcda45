// Security: what the cluster returns is shown as text, never run; framing
// and cross-site requests are refused. (Issue 6 adds sign-in and the
// restricted user's route-by-route checks.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, hydrated, kubectl, launch, openPage, unique } from './helpers.mjs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let browser;
const ns = unique('e2e-sec');
const PAYLOAD = '<img src=x onerror="window.__xss=(window.__xss||0)+1"><script>window.__xss=1</script>';

before(async () => {
  browser = await launch();
  kubectl('create', 'namespace', ns);
  kubectl('annotate', 'namespace', ns, `wharf.io/description=${PAYLOAD}`);
  const manifest = {
    apiVersion: 'v1', kind: 'List', items: [
      {
        apiVersion: 'apps/v1', kind: 'Deployment',
        metadata: {
          name: 'xss', namespace: ns,
          labels: { 'app.kubernetes.io/name': 'xss', 'app.kubernetes.io/managed-by': 'wharf' },
          annotations: { 'wharf.io/alias': PAYLOAD, 'wharf.io/description': PAYLOAD, note: PAYLOAD },
        },
        spec: {
          replicas: 1,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'xss' } },
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'xss', 'app.kubernetes.io/managed-by': 'wharf' }, annotations: { note: PAYLOAD } },
            spec: {
              containers: [{
                name: 'main', image: 'busybox:1.35',
                env: [{ name: 'X', value: PAYLOAD }],
                command: ['sh', '-c', `trap "exit 0" TERM; while true; do echo '${PAYLOAD.replace(/'/g, '')}'; sleep 1; done`],
              }],
            },
          },
        },
      },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'xss', namespace: ns, annotations: { 'wharf.io/alias': PAYLOAD, 'wharf.io/description': PAYLOAD, note: PAYLOAD } },
        spec: { selector: { 'app.kubernetes.io/name': 'xss' }, ports: [{ port: 80, name: 'http' }] },
      },
    ],
  };
  const file = join(tmpdir(), `${ns}.json`);
  writeFileSync(file, JSON.stringify(manifest));
  kubectl('apply', '-f', file);
  kubectl('-n', ns, 'rollout', 'status', 'deployment/xss', '--timeout=120s');
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
});

test('markup in annotations, descriptions and log lines is shown as text and never runs', async () => {
  const pod = JSON.parse(kubectl('-n', ns, 'get', 'pods', '-o', 'json')).items[0].metadata.name;
  const page = await openPage(browser);
  for (const path of [
    `/spaces/${ns}/services`,
    `/spaces/${ns}/services/xss`,
    `/spaces/${ns}/apps`,
    `/spaces/${ns}/apps/xss`,
    `/spaces/${ns}/pods/${pod}`,
    `/spaces/${ns}/pods/${pod}/logs/main`,
    `/spaces/${ns}/apps/xss/logs`,
  ]) {
    await page.goto(`${BASE}${path}`);
    await hydrated(page);
    // The payload is on the page as text (where the page shows it)…
    if (!path.includes('/logs')) {
      await page.waitForFunction((p) => document.body.innerText.includes(p.slice(0, 20)), PAYLOAD, { timeout: 10_000 });
    } else {
      await page.waitForSelector('#log-lines .log-line', { timeout: 20_000 });
      assert.match(await page.locator('#log-lines .log-line').first().textContent(), /<img src=x onerror=/);
    }
    // …and nothing of it became an element or ran.
    assert.equal(await page.locator('main img, #log-lines img, body script:not([src]):has-text("__xss")').count(), 0, path);
    assert.equal(await page.evaluate(() => window.__xss), undefined, path);
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a cross-site form post to a state-changing endpoint is refused', async () => {
  // What a form on another site would send: a simple POST with its Origin.
  const response = await fetch(`${BASE}/api/delete_space`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
    body: `space=${ns}&confirm=${ns}`, // all a real deletion needs
  });
  assert.equal(response.status, 403);
  // Nor does anything but Wharf's own pages get through: a call without
  // Wharf's header (a form, or a script that found a way past Origin), and
  // a call with it from another origin.
  for (const headers of [{ origin: BASE }, { origin: 'http://evil.example', 'x-wharf-csrf': '1' }]) {
    const refused = await fetch(`${BASE}/api/delete_space`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: `space=${ns}&confirm=${ns}`,
    });
    assert.equal(refused.status, 403, JSON.stringify(headers));
  }
  assert.ok(kubectl('get', 'namespace', ns, '-o', 'name').includes(ns), 'the space is still there');
});

test('security headers on every page', async () => {
  const response = await fetch(`${BASE}/spaces/${ns}/services`);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('referrer-policy'), 'same-origin');
  const csp = response.headers.get('content-security-policy');
  assert.match(csp, /frame-ancestors 'self'/);
  // Inline scripts run only with this response's nonce: leptos' hydration
  // script carries it, nothing else inline may run, and the next page gets
  // another one. The header that carried it inside the server is gone.
  const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src'));
  const nonce = scriptSrc.match(/'nonce-([^']+)'/)[1];
  assert.doesNotMatch(scriptSrc, /unsafe-inline|'unsafe-eval'/);
  const html = await response.text();
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
  assert.ok(inline.length > 0);
  for (const attrs of inline) assert.match(attrs, new RegExp(`nonce="${nonce}"`), attrs);
  const again = await fetch(`${BASE}/spaces/${ns}/services`);
  assert.doesNotMatch(again.headers.get('content-security-policy'), new RegExp(nonce));
  assert.equal(response.headers.get('x-wharf-script-nonce'), null);
  assert.match(csp, /object-src 'none'/);
});
