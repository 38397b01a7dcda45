// Issue 4: apps by wizard and their lifecycle, on the real cluster, in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, BASE, eventually, hydrated, kubectl, launch, openPage, setEditor, unique } from './helpers.mjs';

let browser;
const ns = unique('e2e-app');
// The shell exits on SIGTERM (PID 1 without a handler ignores it, and every
// replaced pod would take the whole 30 s grace period to go).
const HTTPD = `sh -c 'trap "exit 0" TERM; mkdir -p /www && echo hello > /www/index.html && httpd -f -p 8080 -h /www & wait'`;
const SLEEP = `sh -c 'trap "exit 0" TERM; sleep 1d & wait'`;

before(async () => {
  browser = await launch();
  kubectl('create', 'namespace', ns);
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
});

function get(kind, name) {
  return JSON.parse(kubectl('-n', ns, 'get', kind, name, '-o', 'json'));
}

function envOf(kind, name) {
  return get(kind, name).spec.template.spec.containers[0].env ?? [];
}

async function openWizard(locale = 'en-US') {
  const page = await openPage(browser, { locale });
  await page.goto(`${BASE}/spaces/${ns}/new/app`);
  await hydrated(page);
  return page;
}

/// Fills the wizard: basics, one busybox container, replicas and access.
async function fillWizard(page, { name, stateful = false, replicas = '2', access = 'node-port', command = HTTPD, port = '8080', containerExtra = null, storage = null }) {
  if (stateful) await page.click('label.kind-option:has(input[data-kind="Stateful"])');
  await page.fill('#f-name', name);
  await page.fill('#f-alias', `${name} 别名`);
  await page.click('#wizard-next');
  await page.fill('#f-containers-0-image', 'busybox');
  await page.fill('#f-containers-0-tag', '1.35');
  await page.fill('#f-containers-0-command', command);
  if (port) {
    await page.click('[data-add-port="0"]');
    await page.fill('#f-containers-0-ports-0-port', port);
    await page.fill('#f-containers-0-ports-0-name', 'http');
  }
  if (containerExtra) await containerExtra(page);
  await page.click('#wizard-next');
  if (storage) await storage(page);
  await page.click('#wizard-next');
  await page.fill('#f-replicas', replicas);
  if (!stateful) await page.check(`#access-${access}`);
  await page.click('#wizard-next');
  await page.click('#wizard-next');
  await page.waitForFunction(() => document.getElementById('app-yaml')?.value?.includes('kind: Service'), null, { timeout: 15_000 });
}

async function status(page) {
  return page.locator('#app-status [data-status]').getAttribute('data-status');
}

async function waitStatus(page, want, timeoutMs = 120_000) {
  await eventually(`status ${want}`, async () => (await status(page)) === want, timeoutMs);
}

/// Opens 升级服务, lets `change` edit the form, starts the upgrade.
async function upgrade(page, name, change) {
  await page.click('#upgrade');
  await page.waitForURL(`**/apps/${name}/upgrade`);
  await hydrated(page);
  await change(page);
  await page.click('#start-upgrade');
  await page.waitForURL(`**/spaces/${ns}/apps/${name}`, { timeout: 15_000 });
}

test('the wizard shows every rule next to its field and will not move on', async () => {
  const page = await openWizard();
  await page.fill('#f-name', 'Web');
  await page.click('#wizard-next');
  assert.match(await page.textContent('#f-name-error'), /lowercase|uppercase/i);
  assert.ok(await page.locator('#step-1-errors').isVisible(), 'a summary of the step');
  assert.ok(await page.locator('#f-name').isVisible(), 'still on step 1');
  await page.fill('#f-name', 'web');
  await page.click('#wizard-next');
  await page.fill('#f-containers-0-image', 'Busybox');
  await page.fill('#f-containers-0-cpu_request', '2');
  await page.fill('#f-containers-0-cpu_limit', '500m');
  await page.fill('#f-containers-0-command', "sh -c 'unclosed");
  await page.click('#wizard-next');
  assert.match(await page.textContent('#f-containers-0-image-error'), /lowercase/i);
  assert.match(await page.textContent('#f-containers-0-cpu_request-error'), /above the limit/);
  assert.match(await page.textContent('#f-containers-0-command-error'), /quote/);
  assert.ok(await page.locator('#f-containers-0-image').isVisible(), 'still on step 2');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a stateless app by the wizard: busybox httpd, 2 replicas, NodePort', async () => {
  const page = await openWizard();
  await fillWizard(page, { name: 'web' });
  const yaml = await page.inputValue('#app-yaml');
  assert.match(yaml, /kind: Deployment/);
  assert.match(yaml, /type: NodePort/);
  await page.click('#check-app');
  await page.locator('#check-ok').waitFor({ timeout: 15_000 });
  assert.equal(kubectl('-n', ns, 'get', 'deployment', '--ignore-not-found', '-o', 'name').trim(), '', 'check creates nothing');
  await page.click('#create-app');
  await page.waitForURL(`**/spaces/${ns}/apps/web`, { timeout: 15_000 });
  await waitStatus(page, 'Running');

  const d = get('deployment', 'web');
  assert.equal(d.spec.replicas, 2);
  assert.equal(d.metadata.labels['app.kubernetes.io/managed-by'], 'wharf');
  assert.equal(d.metadata.annotations['wharf.io/alias'], 'web 别名');
  assert.deepEqual(d.spec.template.spec.containers[0].command, ['sh', '-c', 'trap "exit 0" TERM; mkdir -p /www && echo hello > /www/index.html && httpd -f -p 8080 -h /www & wait']);
  const svc = get('service', 'web');
  assert.equal(svc.spec.type, 'NodePort');
  assert.equal(svc.spec.ports[0].targetPort, 8080);
  const nodePort = svc.spec.ports[0].nodePort;
  await eventually('its 2 pods listed', async () => (await page.locator('#pods-table tbody tr[data-pod]').count()) === 2, 60_000);

  // The app page: reached at a node's address and the node port.
  assert.match(await page.locator('[data-reach]').textContent(), new RegExp(`:${nodePort}$`));
  // The list: image, replicas, made by Wharf.
  await page.click('#section-apps');
  const row = page.locator('tr[data-app="web"]');
  await row.waitFor();
  assert.match(await row.textContent(), /busybox:1\.35/);
  assert.equal(await row.locator('[data-made-by]').getAttribute('data-made-by'), 'wharf');
  await eventually('2/2 in the list', async () => (await row.locator('[data-replicas]').textContent()).trim() === '2/2');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a stateful app by the wizard: 2 replicas behind a headless Service', async () => {
  const page = await openWizard('zh-CN');
  // A volume mounted into the container, and a readiness check on it.
  await fillWizard(page, {
    name: 'db', stateful: true, command: SLEEP, port: '5432',
    containerExtra: async (p) => {
      await p.selectOption('#f-containers-0-readiness-kind', { label: '命令' });
      await p.fill('#f-containers-0-readiness-command', 'test -d /data');
    },
    storage: async (p) => {
      await p.click('[data-add-mount="0"]');
      await p.fill('#f-containers-0-mounts-0-volume', 'data');
      await p.fill('#f-containers-0-mounts-0-path', '/data');
      // The mount names a volume that does not exist yet: Next is refused.
      await p.click('#wizard-next');
      assert.match(await p.textContent('#f-containers-0-mounts-0-volume-error'), /存储卷/);
      await p.click('#add-volume');
      await p.fill('#f-volumes-0-name', 'data');
    },
  });
  assert.match(await page.inputValue('#app-yaml'), /kind: StatefulSet/);
  await page.click('#create-app');
  await page.waitForURL(`**/spaces/${ns}/apps/db`, { timeout: 15_000 });
  await waitStatus(page, 'Running');
  assert.equal(await page.textContent('#app-status [data-status]'), '已运行');
  const s = get('statefulset', 'db');
  assert.equal(s.spec.replicas, 2);
  assert.equal(s.spec.serviceName, 'db');
  assert.equal(get('service', 'db').spec.clusterIP, 'None');
  const pod = s.spec.template.spec;
  assert.deepEqual(pod.volumes, [{ name: 'data', emptyDir: {} }]);
  assert.deepEqual(pod.containers[0].volumeMounts, [{ name: 'data', mountPath: '/data' }]);
  assert.deepEqual(pod.containers[0].readinessProbe.exec.command, ['test', '-d', '/data']);
  await eventually('stable pod names', async () => (await page.locator('#pods-table').textContent()).includes('db-1'));
  assert.match(await page.textContent('#pods-table'), /db-0/);
  await page.screenshot({ path: join(ARTIFACTS, 'app-stateful-zh.png'), fullPage: true });
  await page.context().close();
});

test('the summary YAML can be edited for what the steps do not offer', async () => {
  const page = await openWizard();
  await fillWizard(page, { name: 'edited', replicas: '1', access: 'none' });
  const yaml = await page.inputValue('#app-yaml');
  // A Service under another name is refused, with the reason.
  const [workload, service] = yaml.split('---\n');
  assert.match(service, /\n  name: edited\n  namespace/);
  await setEditor(page, 'app-yaml', `${workload}---\n${service.replace('\n  name: edited\n  namespace', '\n  name: other\n  namespace')}`);
  await page.locator('#yaml-edited').waitFor();
  await page.click('#create-app');
  await page.locator('#app-yaml-error').waitFor();
  assert.match(await page.textContent('#app-yaml-error'), /same name/);
  // A field the form does not have (minReadySeconds), created as written.
  await setEditor(page, 'app-yaml', yaml.replace('spec:\n  replicas: 1', 'spec:\n  minReadySeconds: 2\n  replicas: 1'));
  await page.click('#create-app');
  await page.waitForURL(`**/spaces/${ns}/apps/edited`, { timeout: 15_000 });
  assert.equal(get('deployment', 'edited').spec.minReadySeconds, 2);
  assert.equal(get('service', 'edited').metadata.labels['app.kubernetes.io/managed-by'], 'wharf');
  // The one refused create answered 422, which Chromium logs; nothing else.
  assert.deepEqual(page.problems.filter((p) => !/status of 422 \(Unprocessable Entity\)/.test(p)), []);
  await page.context().close();
});

test('scale, stop and start (the count comes back), restart with new pods', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/apps/web`);
  await hydrated(page);
  await waitStatus(page, 'Running');
  assert.ok(await page.locator('#start').isDisabled(), 'start is disabled while running');
  assert.match(await page.getAttribute('#start', 'title'), /running/);

  await page.click('#scale-plus');
  await eventually('3 replicas', () => get('deployment', 'web').spec.replicas === 3);
  await eventually('3 ready', async () => (await status(page)) === 'Running' && (await page.locator('#pods-table tbody tr[data-pod]').count()) === 3, 120_000);

  await page.click('#stop');
  await waitStatus(page, 'Stopped');
  const stopped = get('deployment', 'web');
  assert.equal(stopped.spec.replicas, 0);
  assert.equal(stopped.metadata.annotations['wharf.io/replicas-before-stop'], '3');
  assert.ok(await page.locator('#stop').isDisabled());
  await page.click('#start');
  await eventually('3 again', () => get('deployment', 'web').spec.replicas === 3);
  await waitStatus(page, 'Running');

  const before = kubectl('-n', ns, 'get', 'pods', '-l', 'app.kubernetes.io/name=web', '-o', 'name').trim().split('\n');
  await page.click('#restart');
  await page.locator('#action-result').waitFor();
  await eventually('all pods replaced', () => {
    const now = kubectl('-n', ns, 'get', 'pods', '-l', 'app.kubernetes.io/name=web', '--field-selector=status.phase=Running', '-o', 'name').trim().split('\n');
    return now.length === 3 && now.every((p) => !before.includes(p));
  }, 120_000);
  await waitStatus(page, 'Running');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('workloads made with kubectl are listed live, marked, and managed like apps', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/apps`);
  await hydrated(page);
  await page.locator('[data-live-state="live"]').waitFor();
  kubectl('-n', ns, 'create', 'deployment', 'kc-web', '--image=busybox:1.35', '--', 'sh', '-c', "trap 'exit 0' TERM; sleep 1d & wait");
  kubectl('-n', ns, 'create', 'job', 'kc-once', '--image=busybox:1.35', '--', 'true');
  // Both appear without a reload, marked as not Wharf's, with their kind.
  const deployment = page.locator('tr[data-app="kc-web"][data-kind="Deployment"]');
  const job = page.locator('tr[data-app="kc-once"][data-kind="Job"]');
  await deployment.waitFor({ timeout: 30_000 });
  await job.waitFor({ timeout: 30_000 });
  assert.equal(await deployment.locator('[data-made-by]').getAttribute('data-made-by'), '');
  await eventually('the Job completed', async () => (await job.locator('[data-status]').getAttribute('data-status')) === 'Completed', 120_000);
  await eventually('the Deployment ready', async () => (await deployment.locator('[data-replicas]').textContent()).trim() === '1/1', 120_000);
  // Start and stop are an app's; with the Job chosen they are not offered.
  await page.check('input[data-select="kc-once"]');
  assert.ok(await page.locator('#stop-selected').isDisabled());
  assert.ok(await page.locator('#restart-selected').isDisabled());
  await page.uncheck('input[data-select="kc-once"]');
  // The Job links to its pods (its selector), the Deployment to its page.
  assert.match(await job.locator('a').getAttribute('href'), /\/pods\?labels=controller-uid%3D/);
  await deployment.locator('a').click();
  await page.waitForURL(`**/spaces/${ns}/apps/kc-web`);
  await waitStatus(page, 'Running');
  await page.click('#scale-plus');
  await eventually('scaled by Wharf', () => get('deployment', 'kc-web').spec.replicas === 2);
  await eventually('its 2 pods on its page', async () => (await page.locator('#pods-table tbody tr[data-pod]').count()) === 2, 120_000);
  kubectl('-n', ns, 'delete', 'deployment', 'kc-web', '--wait=false');
  kubectl('-n', ns, 'delete', 'job', 'kc-once', '--wait=false');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('upgrade, roll back; upgrade again and confirm; a bad image in words, rolled back', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/apps/web`);
  await hydrated(page);
  await waitStatus(page, 'Running');

  // Upgrade: an env variable and 2 replicas → 升级完成 → roll back.
  await upgrade(page, 'web', async (p) => {
    await p.click('[data-add-env="0"]');
    await p.fill('#f-containers-0-env-0-name', 'COLOR');
    await p.fill('#f-containers-0-env-0-value', 'blue');
    await p.fill('#f-replicas', '2');
  });
  await waitStatus(page, 'Upgraded');
  assert.deepEqual(envOf('deployment', 'web'), [{ name: 'COLOR', value: 'blue' }]);
  assert.ok(await page.locator('#upgraded').isVisible());
  assert.equal(await page.textContent('#images-before'), 'busybox:1.35');
  assert.ok((await page.locator('#revisions-table tbody tr').count()) >= 2);
  await page.click('#rollback');
  await eventually('rolled back', () => envOf('deployment', 'web').length === 0 && get('deployment', 'web').spec.replicas === 3);
  await waitStatus(page, 'Running');
  assert.equal(await page.locator('#upgraded').count(), 0);

  // Upgrade again and confirm: the new template stays.
  await upgrade(page, 'web', async (p) => {
    await p.click('[data-add-env="0"]');
    await p.fill('#f-containers-0-env-0-name', 'COLOR');
    await p.fill('#f-containers-0-env-0-value', 'green');
  });
  await waitStatus(page, 'Upgraded');
  await page.click('#confirm-upgrade');
  await waitStatus(page, 'Running');
  assert.equal(await page.locator('#upgraded').count(), 0);
  assert.deepEqual(envOf('deployment', 'web'), [{ name: 'COLOR', value: 'green' }]);

  // An image that cannot be pulled: the rollout is stuck, the reason is in
  // words with its progress, and rolling back restores the old image.
  await upgrade(page, 'web', async (p) => {
    await p.fill('#f-containers-0-tag', 'no-such-tag');
  });
  await eventually('the pull error in words', async () => {
    const reason = page.locator('#app-status [data-reason]');
    return (await reason.count()) > 0 && /cannot be pulled/.test(await reason.textContent());
  }, 120_000);
  assert.ok(await page.locator('#app-status [data-progress]').isVisible(), 'the rollout progress shows');
  await page.screenshot({ path: join(ARTIFACTS, 'app-bad-image.png'), fullPage: true });
  await page.click('#rollback');
  await eventually('the old image back', () => get('deployment', 'web').spec.template.spec.containers[0].image === 'busybox:1.35');
  await waitStatus(page, 'Running');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('batch delete from the list leaves nothing behind', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/apps`);
  await hydrated(page);
  await page.locator('tr[data-app="db"]').waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'apps-list.png'), fullPage: true });
  await page.check('input[data-select="web"]');
  await page.check('input[data-select="db"]');
  await page.check('input[data-select="edited"]');
  await page.click('#delete-selected');
  assert.equal(await page.isChecked('#delete-volumes'), false, 'volume claims are kept unless asked');
  await page.click('#confirm-delete-apps');
  const started = Date.now();
  // Foreground deletion: a workload stays, marked as deleting, until its
  // pods have gone, which takes this kubelet 5-45 s (its status sync runs
  // every 10 s) and longer on a busy machine. So: the mark at once, the
  // objects gone at the cluster's own pace, and then the page following
  // them within seconds.
  await page.locator('tr[data-app="db"] [data-status="Deleting"]').waitFor({ timeout: 15_000 });
  await eventually('nothing left', () => kubectl('-n', ns, 'get', 'deployments,statefulsets,jobs,daemonsets,services', '-o', 'name').trim() === '', 180_000);
  const gone = Date.now();
  try {
    await page.locator('#apps-empty').waitFor({ timeout: 15_000 });
  } catch (e) {
    const rows = await page.locator('tr[data-app]').evaluateAll((trs) => trs.map((tr) => tr.outerHTML.slice(0, 300)));
    const state = await page.locator('[data-live-state]').first().getAttribute('data-live-state').catch(() => 'none');
    throw new Error(`the list still shows rows 15 s after the cluster deleted them (live state ${state}): ${rows.join('\n')}`, { cause: e });
  }
  console.log(`deleted in ${gone - started} ms; the list empty ${Date.now() - gone} ms later`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
