// Issue 6: multi-user sign-in, sessions and sign-out, against a Wharf in
// multi-user mode (end2end/test.sh starts it with a short idle timeout).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hydrated, kubectl, launch, openPage, unique, eventually } from './helpers.mjs';

const MULTI = process.env.WHARF_MULTI_URL ?? 'http://127.0.0.1:3102';
// Sessions of that server end 20 s after sign-in (--session-max-seconds).
const MAX_SECONDS = Number(process.env.WHARF_MULTI_MAX_SECONDS ?? '20');
const restricted = readFileSync(process.env.KUBE_LOCAL_RESTRICTED_KUBECONFIG, 'utf8');
const TOKEN = restricted.match(/token: (\S+)/)[1];
let browser;
const other = unique('e2e-other');

before(async () => {
  browser = await launch();
  kubectl('create', 'namespace', other);
  kubectl('-n', other, 'create', 'configmap', 'secret-plans', '--from-literal=x=y');
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', other, '--wait=false', '--ignore-not-found');
});

async function signIn(page, fields, next = '/spaces/dev/apps') {
  await page.goto(`${MULTI}${next}`);
  // Old paths go to the default cluster first; its sign-in page names it.
  await page.waitForURL(/\/sign-in\?cluster=[a-z0-9-]+&next=/);
  for (const [id, value] of Object.entries(fields)) await page.fill(id, value);
  await page.click('#sign-in');
}

/// Where the sign-in goes back to: dev's apps, in the (one) cluster of
/// that Wharf (admin-local-kube here; in-cluster behind the balancer).
const devApps = new RegExp(`^${MULTI}/clusters/[a-z0-9-]+/spaces/dev/apps$`);

const sessionCookie = async (page) =>
  (await page.context().cookies()).find((c) => c.name === 'wharf_session');

/// A server-function call with a given cookie header, as a script would
/// make it: the Services of space dev, which the restricted user may list.
const listDevServices = (cookie) => fetch(`${MULTI}/api/list_services`, {
  method: 'POST', headers: { cookie: cookie ?? '', 'content-type': 'application/x-www-form-urlencoded', 'x-wharf-csrf': '1' }, body: 'space=dev',
});

test('pages and calls need a session; a token signs in and the header says who', async () => {
  assert.equal((await listDevServices()).status, 401);
  const page = await openPage(browser);
  await signIn(page, { '#sign-in-token': TOKEN });
  await page.waitForURL(devApps);
  await hydrated(page);
  assert.equal(await page.textContent('#signed-in-user'), 'dev');
  const cookie = await sessionCookie(page);
  assert.ok(cookie.httpOnly, 'HttpOnly');
  assert.equal(cookie.sameSite, 'Lax');
  // Sealed: the credential is inside, encrypted; nothing of it shows.
  assert.ok(cookie.value.length > 100, 'a sealed session');
  assert.ok(!cookie.value.includes(TOKEN.slice(0, 16)) && !cookie.value.includes(TOKEN.slice(-16)), 'the token is not readable in it');
  assert.equal(await page.evaluate(() => document.cookie.includes('wharf_session')), false, 'scripts cannot read it');
  // The user's own rights: another space's objects stay out of reach.
  await page.goto(`${MULTI}/spaces/${other}/services`);
  await hydrated(page);
  assert.match(await page.textContent('.notice-error'), /forbidden/i);
  assert.equal(await page.locator('text=secret-plans').count(), 0);

  // Sign out: the cookie that was is worth nothing now, on every replica
  // within seconds (behind a balancer, the next call may reach another).
  const old = `wharf_session=${cookie.value}`;
  assert.equal((await listDevServices(old)).status, 200);
  await page.click('#sign-out');
  await page.waitForURL(/\/sign-in/);
  await eventually('the old cookie refused by every replica', async () => {
    for (let i = 0; i < 4; i++) if ((await listDevServices(old)).status !== 401) return false;
    return true;
  }, 5_000);
  // A forged or tampered cookie is nobody's.
  const flip = (c) => (c === 'A' ? 'B' : 'A');
  const tampered = `wharf_session=${cookie.value.slice(0, 30)}${flip(cookie.value[30])}${cookie.value.slice(31)}`;
  assert.equal((await listDevServices(tampered)).status, 401);
  assert.deepEqual(page.problems.filter((p) => !/401|Unauthorized/.test(p)), []);
  await page.close();
});

test('a kubeconfig file too large to be one is not read, and the page says so', async () => {
  const page = await openPage(browser);
  await page.goto(`${MULTI}/sign-in`);
  await hydrated(page);
  await page.setInputFiles('#sign-in-file', { name: 'huge.yaml', mimeType: 'text/plain', buffer: Buffer.alloc(65 * 1024, 'a') });
  await page.waitForSelector('#sign-in-file[aria-invalid="true"]');
  assert.match(await page.textContent('#sign-in-file-error'), /larger than 64 KiB/);
  assert.equal(await page.inputValue('#sign-in-kubeconfig'), '');
  await page.context().close();
});

test('a kubeconfig signs in with its current context; programs, files and wrong tokens are refused in words', async () => {
  const page = await openPage(browser);
  await signIn(page, { '#sign-in-kubeconfig': restricted });
  await page.waitForURL(devApps);
  await page.close();

  const refused = async (fields, code) => {
    const p = await openPage(browser);
    await signIn(p, fields);
    await p.waitForSelector(`#sign-in-error[data-code=${code}]`);
    assert.ok((await p.textContent('#sign-in-error')).length > 10);
    assert.equal(await sessionCookie(p), undefined);
    await p.close();
  };
  await refused({ '#sign-in-token': 'not-a-token' }, 'rejected');
  await refused({ '#sign-in-kubeconfig': restricted.replace(/token: \S+/, 'tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token') }, 'files');
  await refused({ '#sign-in-kubeconfig': restricted.replace(/token: \S+/, 'exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: /bin/sh') }, 'programs');
});

test('a session ends at its absolute timeout, however busy', async () => {
  const start = Date.now();
  const page = await openPage(browser);
  await signIn(page, { '#sign-in-token': TOKEN });
  await page.waitForURL(devApps);
  const cookie = `wharf_session=${(await sessionCookie(page)).value}`;
  await page.close();
  // Used all along (which keeps an idle timeout away), it still ends.
  await eventually('the session expired', async () => (await listDevServices(cookie)).status === 401,
    (MAX_SECONDS + 15) * 1000, 1000);
  assert.ok(Date.now() - start >= (MAX_SECONDS - 1) * 1000, 'not before its time');
});

test('a cross-site sign-in post is refused', async () => {
  const response = await fetch(`${MULTI}/auth/sign-in`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
    body: `token=${encodeURIComponent(TOKEN)}`,
  });
  assert.equal(response.status, 403);
  assert.equal(response.headers.get('set-cookie'), null);
});

test('behind an authenticating proxy, the forwarded bearer token signs each request in', async () => {
  // test.sh starts this Wharf with --trust-proxy-auth.
  const asProxy = (token, name, body = '') => fetch(`${MULTI}/api/${name}`, {
    method: 'POST', body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded', 'x-wharf-csrf': '1' },
  });
  const services = await asProxy(TOKEN, 'list_services', 'space=dev');
  assert.equal(services.status, 200);
  assert.ok(Array.isArray(await services.json()));
  assert.equal(await (await asProxy(TOKEN, 'current_user')).json(), 'dev');
  // Still only what dev may do, and a token the cluster refuses is refused.
  assert.equal((await asProxy(TOKEN, 'list_services', `space=${other}`)).status, 403);
  assert.equal((await asProxy(`${TOKEN.slice(0, -6)}AAAAAA`, 'list_services', 'space=dev')).status, 401);
  // Pages too, with no sign-in page in between.
  // (An old path first goes to the cluster's.)
  const old = await fetch(`${MULTI}/spaces/dev/apps`, { headers: { authorization: `Bearer ${TOKEN}` }, redirect: 'manual' });
  assert.equal(old.status, 307);
  const page = await fetch(`${MULTI}${old.headers.get('location')}`, { headers: { authorization: `Bearer ${TOKEN}` }, redirect: 'manual' });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /id="signed-in-user"[^>]*>dev</);
});
