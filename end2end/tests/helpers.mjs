// Shared by the browser tests: Debian's Chromium through playwright-core,
// kubectl against the local cluster, and condition waits with deadlines.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE = process.env.WHARF_URL ?? 'http://127.0.0.1:3100';
export const RESTRICTED_BASE = process.env.WHARF_RESTRICTED_URL ?? 'http://127.0.0.1:3101';
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export async function launch() {
  // Never `npx playwright install`: the browser is Debian's.
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/// A page that records console errors, failed requests and page errors.
export async function openPage(browser, { locale = 'en-US', javaScriptEnabled = true, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ locale, javaScriptEnabled, colorScheme, viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.problems = [];
  // Not problems: a request the page itself cancelled (it navigated away),
  // and one Chromium cancelled because this machine's interfaces changed
  // (every pod the cluster starts adds a veth; Chromium then drops requests
  // in flight with ERR_NETWORK_CHANGED, which a real network rarely does).
  const cancelled = new Set(['net::ERR_ABORTED', 'net::ERR_NETWORK_CHANGED']);
  page.on('console', (m) => {
    if (m.type() === 'error' && !/net::ERR_NETWORK_CHANGED/.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e}`));
  page.on('requestfailed', (r) => {
    if (!cancelled.has(r.failure()?.errorText)) page.problems.push(`requestfailed: ${r.url()}`);
  });
  return page;
}

export async function hydrated(page) {
  try {
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  } catch (error) {
    // Say why: a panic in the wasm (a hydration mismatch) or a file that
    // did not load shows in the page's problems.
    const problems = (page.problems ?? []).map((p) => p.slice(0, 400)).join('\n  ');
    throw new Error(`${page.url()} did not hydrate in 30 s; the page's problems:\n  ${problems || 'none'}`, { cause: error });
  }
}

export function kubectl(...args) {
  return execFileSync('kubectl', args, { encoding: 'utf8', env: { ...process.env, KUBECONFIG: process.env.KUBE_LOCAL_ADMIN_KUBECONFIG } });
}

export function namespaceExists(name) {
  return kubectl('get', 'namespace', name, '--ignore-not-found', '-o', 'name').trim() !== '';
}

/// Polls `check` until it returns truthy or the deadline passes.
export async function eventually(what, check, timeoutMs = 60_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function unique(prefix) {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/// Replaces the text of a YAML editor (CodeMirror over the textarea `#id`)
/// the way a user does: select all in the editor and type over it.
export async function setEditor(page, id, text) {
  const content = page.locator(`[data-editor-for="${id}"] .cm-content`);
  await content.waitFor({ timeout: 15_000 });
  await content.fill(text);
  await page.waitForFunction(([i, t]) => document.getElementById(i)?.value === t, [id, text], { timeout: 5_000 });
}

/// The pods of `ns` as kubectl lists them, in a live list's `?sort=age`
/// order: newest first, then by name.
export function podsNewestFirst(ns) {
  return kubectl('-n', ns, 'get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.metadata.creationTimestamp}{"\\n"}{end}')
    .trim().split('\n').filter((line) => line !== '').map((line) => line.split(' '))
    .map(([name, created]) => ({ name, created: Date.parse(created) }))
    .sort((a, b) => b.created - a.created || (a.name < b.name ? -1 : 1))
    .map((p) => p.name);
}

/// The space picker (全部容器空间), as a user works it: opens it if it is
/// closed, types `name` into its filter, and returns that space's entry.
export async function findSpace(page, name) {
  if ((await page.getAttribute('#space-picker', 'aria-expanded')) !== 'true') await page.click('#space-picker');
  await page.fill('#space-picker-filter', name);
  return page.locator(`#space-picker-list li[data-space="${name}"]`);
}
