// The browser's side of the live-lists bench (server/benches/lists.rs runs
// it): Debian's Chromium through playwright-core, timings taken in the page.
// Prints one JSON line on stdout (progress goes to stderr).
//
//   node end2end/bench/lists.mjs load --url URL --rows SELECTOR [--pid PID --idle 30 --tabs 10]
//     Warms the browser up with one load of URL, then opens it --repeats
//     (5) times, each in a fresh context; times (median) navigation start
//     → first row painted, → hydrated, → `.live-status[data-live-state="live"]`; counts
//     the rows in the DOM and in view. With --pid: the server's RSS before
//     and with the tab, its CPU time and the page's long tasks over --idle
//     seconds of nothing changing, and its RSS with --tabs tabs of the same
//     context (one session) open on URL.
//
//   node end2end/bench/lists.mjs latency --url URL --space NS --pods a,b,c
//     URL is a list filtered by `bench=on` (empty at first). For each pod:
//     `kubectl label pod … bench=on` and the time until its row is painted,
//     then `bench-` and until it is gone; the same changes as seen by a
//     `kubectl get --watch` on the same selector. The first pod warms up.
//
// kubectl runs with KUBECONFIG=$KUBE_LOCAL_ADMIN_KUBECONFIG.
import { chromium } from 'playwright-core';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const LIVE = '.live-status[data-live-state="live"]';
const env = { ...process.env, KUBECONFIG: process.env.KUBE_LOCAL_ADMIN_KUBECONFIG ?? process.env.KUBECONFIG };

function parseArgs(argv) {
  const [mode, ...rest] = argv;
  const options = { mode };
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i].startsWith('--')) throw new Error(`unexpected argument ${rest[i]}`);
    options[rest[i].slice(2)] = rest[i + 1];
  }
  return options;
}

const log = (...a) => console.error('[lists.mjs]', ...a);

async function launch() {
  // Never `npx playwright install`: the browser is Debian's.
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/// Runs in the page before any of its own scripts: records, relative to
/// navigation start, when the first row is in the DOM and painted, when the
/// page is hydrated and when the list is live, and every long task.
function instrument(rowSelector) {
  const marks = (window.__bench = { longTasks: [] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) marks.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    marks.longTaskError = String(e);
  }
  const observer = new MutationObserver(() => check());
  function check() {
    const now = performance.now();
    if (marks.rows == null && document.querySelector(rowSelector)) {
      marks.rows = now;
      // The frame after this one has been painted when a task posted from
      // its requestAnimationFrame runs.
      requestAnimationFrame(() => setTimeout(() => { marks.rowsPainted = performance.now(); }, 0));
    }
    if (marks.hydrated == null && document.body?.dataset.hydrated === 'true') marks.hydrated = now;
    if (marks.live == null && document.querySelector('.live-status[data-live-state="live"]')) marks.live = now;
    if (marks.rows != null && marks.hydrated != null && marks.live != null) observer.disconnect();
  }
  observer.observe(document, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['data-hydrated', 'data-live-state'],
  });
}

function clockTicks() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/// The server's RSS (KiB) and CPU time (s, user + system) from /proc.
function serverNow(pid, ticks) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line (1-based), so
  // 12 and 13 (0-based) after the command.
  const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM'), cpuSeconds: cpu };
}

function summary(tasks) {
  return {
    count: tasks.length,
    totalMs: Math.round(tasks.reduce((s, t) => s + t.duration, 0)),
    maxMs: Math.round(tasks.reduce((m, t) => Math.max(m, t.duration), 0)),
  };
}

async function openLoaded(context, url, rowSelector, timeoutMs) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
  await page.waitForFunction(
    () => window.__bench && window.__bench.rowsPainted != null && window.__bench.hydrated != null && window.__bench.live != null,
    null,
    { timeout: timeoutMs, polling: 100 },
  );
  return page;
}

/// In the page: what `instrument` recorded, and the rows in the DOM and in view.
function marksOf(selector) {
  const m = window.__bench;
  const scroller = document.querySelector('.vscroll');
  const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
  return {
    rows: m.rows, rowsPainted: m.rowsPainted, hydrated: m.hydrated, live: m.live, fcp,
    firstRows: Math.max(m.rowsPainted, fcp ?? 0),
    longTasks: m.longTasks, longTaskError: m.longTaskError ?? null,
    domRows: document.querySelectorAll(selector).length,
    // Rows of 34 px (app/src/components/live.rs' ROW_PX) the scroller shows.
    rowsInView: scroller ? Math.ceil(scroller.clientHeight / 34) : null,
  };
}

async function load(o) {
  const rows = o.rows ?? 'tr[data-pod]';
  const timeoutMs = Number(o.timeout ?? 300) * 1000;
  const pid = o.pid ? Number(o.pid) : null;
  const ticks = clockTicks();
  const browser = await launch();
  try {
    const before = pid ? serverNow(pid, ticks) : null;
    const fresh = async () => {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 720 } });
      await context.addInitScript(instrument, rows);
      return context;
    };
    // One page first, not counted: the browser's own start-up (its first
    // renderer) is not the page's cost, and a user's browser is running.
    // Wharf's /healthz, so that the server's list is not warmed up.
    log(`warming the browser up on ${new URL('/healthz', o.url)}`);
    const warmup = await browser.newContext();
    await (await warmup.newPage()).goto(new URL('/healthz', o.url).href);
    await warmup.close();
    // Then the median of several loads, each in a fresh context (no cache).
    const repeats = Number(o.repeats ?? 5);
    const runs = [];
    let context = null;
    let page = null;
    for (let i = 0; i < repeats; i++) {
      await context?.close();
      context = await fresh();
      log(`opening ${o.url} (${i + 1} of ${repeats})`);
      page = await openLoaded(context, o.url, rows, timeoutMs);
      runs.push(await page.evaluate(marksOf, rows));
    }
    const median = (key) => {
      const values = runs.map((r) => r[key]).filter((v) => v != null).sort((a, b) => a - b);
      return values.length ? values[Math.floor(values.length / 2)] : null;
    };
    const marks = runs.at(-1);
    const result = {
      url: o.url,
      repeats,
      // Nothing is on the screen before the first contentful paint; rows
      // drawn after it are on the screen once their frame is painted.
      firstRowsMs: median('firstRows'),
      firstRowsRuns: runs.map((r) => Math.round(r.firstRows)),
      firstRowsPaintedMs: median('rowsPainted'),
      firstRowsInDomMs: median('rows'),
      fcpMs: median('fcp'),
      hydratedMs: median('hydrated'),
      hydratedRuns: runs.map((r) => Math.round(r.hydrated)),
      liveMs: median('live'),
      // The first load started the server's watch: every row listed after it.
      liveColdMs: runs[0].live,
      domRows: marks.domRows,
      rowsInView: marks.rowsInView,
      loadLongTasks: summary(marks.longTasks),
      longTaskError: marks.longTaskError,
      problems: page.problems,
    };
    if (pid) {
      result.server = { before, oneTab: serverNow(pid, ticks) };
      const idleSeconds = Number(o.idle ?? 30);
      log(`idle for ${idleSeconds} s`);
      const start = await page.evaluate(() => performance.now());
      const cpuBefore = serverNow(pid, ticks).cpuSeconds;
      // The measurement window itself (nothing changes meanwhile).
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      const cpuAfter = serverNow(pid, ticks).cpuSeconds;
      const idleTasks = await page.evaluate((from) => window.__bench.longTasks.filter((t) => t.start >= from), start);
      result.idle = { seconds: idleSeconds, serverCpuSeconds: cpuAfter - cpuBefore, longTasks: summary(idleTasks) };
      const tabs = Number(o.tabs ?? 1);
      const more = [];
      for (let i = 1; i < tabs; i++) {
        log(`tab ${i + 1} of ${tabs}`);
        more.push(await openLoaded(context, o.url, rows, timeoutMs));
      }
      result.server.tabs = tabs;
      result.server.allTabs = serverNow(pid, ticks);
      for (const p of more) result.problems.push(...p.problems);
    }
    await context.close();
    return result;
  } finally {
    await browser.close();
  }
}

function kubectlAsync(args) {
  return new Promise((resolve, reject) => {
    execFile('kubectl', args, { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/// `kubectl get --watch` on the selector: when each pod's events arrive.
function kubectlWatch(space, selector) {
  const child = spawn('kubectl', ['-n', space, 'get', 'pods', '-l', selector, '--watch-only', '-o', 'name'],
    { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  let wake = null;
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push({ name: line.trim().replace(/^pod\//, ''), at: Date.now() });
    wake?.();
  });
  return {
    /// The time of the next event for `name`, or null after `timeoutMs`.
    async next(name, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = lines.findIndex((l) => l.name === name);
        if (i >= 0) return lines.splice(i, 1)[0].at;
        const left = deadline - Date.now();
        if (left <= 0) return null;
        await new Promise((r) => { wake = r; setTimeout(r, left); });
      }
    },
    stop() { child.kill(); },
  };
}

/// Installs, in the page, a wait for the row of `name` to be there (or
/// gone), resolving with the wall-clock time after the frame that shows it
/// is painted; returns once the wait is in place.
async function armRowWait(page, name, present, timeoutMs) {
  await page.evaluate(({ name, present, timeoutMs }) => {
    const selector = `#space-pods-table tbody tr[data-pod="${name}"]`;
    window.__rowWait = new Promise((resolve) => {
      const done = () => requestAnimationFrame(() => setTimeout(() => resolve(Date.now()), 0));
      const ok = () => (document.querySelector(selector) != null) === present;
      if (ok()) return done();
      const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, timeoutMs);
      const observer = new MutationObserver(() => {
        if (ok()) { observer.disconnect(); clearTimeout(timer); done(); }
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  }, { name, present, timeoutMs });
}

async function latency(o) {
  const pods = o.pods.split(',').filter(Boolean);
  const timeoutMs = 15_000;
  const browser = await launch();
  const watch = kubectlWatch(o.space, 'bench=on');
  try {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 720 } });
    await context.addInitScript(instrument, 'tr[data-pod], #pods-empty, #no-matching-rows');
    log(`opening ${o.url}`);
    const page = await openLoaded(context, o.url, 'tr[data-pod], #pods-empty, #no-matching-rows', 120_000);
    const result = { appearMs: [], disappearMs: [], kubectlAppearMs: [], kubectlDisappearMs: [], labelMs: [], misses: [] };
    for (const [i, pod] of pods.entries()) {
      const warmUp = i === 0;
      for (const present of [true, false]) {
        await armRowWait(page, pod, present, timeoutMs);
        const label = present ? 'bench=on' : 'bench-';
        const start = Date.now();
        await kubectlAsync(['-n', o.space, 'label', 'pod', pod, label, '--overwrite']);
        const labelled = Date.now();
        const [shown, watched] = await Promise.all([
          page.evaluate(() => window.__rowWait),
          watch.next(pod, timeoutMs),
        ]);
        if (shown == null) result.misses.push(`${pod} ${present ? 'appear' : 'disappear'} (page)`);
        if (watched == null) result.misses.push(`${pod} ${present ? 'appear' : 'disappear'} (kubectl watch)`);
        if (warmUp) continue;
        if (shown != null) (present ? result.appearMs : result.disappearMs).push(shown - start);
        if (watched != null) (present ? result.kubectlAppearMs : result.kubectlDisappearMs).push(watched - start);
        result.labelMs.push(labelled - start);
      }
      if (i % 10 === 0) log(`${i} of ${pods.length - 1} changes`);
    }
    result.problems = page.problems;
    await context.close();
    return result;
  } finally {
    watch.stop();
    await browser.close();
  }
}

const options = parseArgs(process.argv.slice(2));
const modes = { load, latency };
if (!modes[options.mode]) {
  console.error('usage: lists.mjs load|latency --url URL …');
  process.exit(2);
}
try {
  const result = await modes[options.mode](options);
  console.log(JSON.stringify(result));
} catch (e) {
  console.error(e);
  process.exit(1);
}
