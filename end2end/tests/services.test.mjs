// Issue 3: Services by form, on the real cluster, in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, BASE, RESTRICTED_BASE, eventually, hydrated, kubectl, launch, openPage, setEditor, unique } from './helpers.mjs';

let browser;
const ns = unique('e2e-svc');

before(async () => {
  browser = await launch();
  kubectl('create', 'namespace', ns);
});

after(async () => {
  await browser?.close();
  kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
});

function service(name, namespace = ns) {
  return JSON.parse(kubectl('-n', namespace, 'get', 'service', name, '-o', 'json'));
}

async function openForm(base = BASE, namespace = ns) {
  const page = await openPage(browser);
  await page.goto(`${base}/spaces/${namespace}/new/service`);
  await hydrated(page);
  return page;
}

async function chooseKind(page, kind) {
  await page.click(`label.kind-option:has(input[data-kind="${kind}"])`);
}

async function basics(page, name, { selector = ['app', name], port = '80', target = '8080' } = {}) {
  await page.fill('#f-name', name);
  if (selector) {
    await page.fill('#f-selector-0-key', selector[0]);
    await page.fill('#f-selector-0-value', selector[1]);
  }
  if (port !== null) {
    await page.fill('#f-ports-0-port', port);
    await page.fill('#f-ports-0-target_port', target);
  }
}

async function create(page, name, namespace = ns) {
  await page.click('#save-service');
  await page.waitForURL(`**/spaces/${namespace}/services/${name}`, { timeout: 15_000 });
}

test('ClusterIP with session affinity and an annotation', async () => {
  const page = await openForm();
  await basics(page, 'svc-cip');
  await page.fill('#f-alias', '前端');
  await page.check('#session-affinity');
  await page.fill('#f-affinity_timeout', '600');
  await page.click('[data-add="annotations"]');
  await page.fill('#f-annotations-0-key', 'team');
  await page.fill('#f-annotations-0-value', 'a & b <c>');
  await page.screenshot({ path: join(ARTIFACTS, 'service-form.png'), fullPage: true });
  await create(page, 'svc-cip');
  const s = service('svc-cip');
  assert.equal(s.spec.type, 'ClusterIP');
  assert.deepEqual(s.spec.selector, { app: 'svc-cip' });
  assert.deepEqual(s.spec.ports.map((p) => [p.protocol, p.port, p.targetPort]), [['TCP', 80, 8080]]);
  assert.equal(s.spec.sessionAffinity, 'ClientIP');
  assert.equal(s.spec.sessionAffinityConfig.clientIP.timeoutSeconds, 600);
  assert.equal(s.metadata.annotations.team, 'a & b <c>');
  assert.equal(s.metadata.annotations['wharf.io/alias'], '前端');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('NodePort with a fixed node port, UDP and Local traffic policy', async () => {
  const page = await openForm();
  await chooseKind(page, 'NodePort');
  await basics(page, 'svc-np');
  await page.fill('#f-ports-0-name', 'web');
  await page.fill('#f-ports-0-node_port', '30123');
  await page.click('#add-port');
  await page.selectOption('#f-ports-1-protocol', 'UDP');
  await page.fill('#f-ports-1-name', 'dns');
  await page.fill('#f-ports-1-port', '53');
  await page.check('#traffic-local');
  await create(page, 'svc-np');
  const s = service('svc-np');
  assert.equal(s.spec.type, 'NodePort');
  assert.equal(s.spec.externalTrafficPolicy, 'Local');
  assert.deepEqual(s.spec.ports.map((p) => [p.name, p.protocol, p.port, p.targetPort]), [['web', 'TCP', 80, 8080], ['dns', 'UDP', 53, 53]]);
  assert.equal(s.spec.ports[0].nodePort, 30123);
  assert.ok(s.spec.ports[1].nodePort >= 30000, 'the cluster allocated the second node port');
  await page.context().close();
});

test('LoadBalancer with a MetalLB pool and address, shown as pending', async () => {
  const page = await openForm();
  await chooseKind(page, 'LoadBalancer');
  await basics(page, 'svc-lb');
  await page.fill('#f-lb_pool', 'pool-a');
  await page.fill('#f-lb_address', '192.0.2.10');
  await create(page, 'svc-lb');
  const s = service('svc-lb');
  assert.equal(s.spec.type, 'LoadBalancer');
  assert.equal(s.metadata.annotations['metallb.universe.tf/address-pool'], 'pool-a');
  assert.equal(s.metadata.annotations['metallb.universe.tf/loadBalancerIPs'], '192.0.2.10');
  await page.goto(`${BASE}/spaces/${ns}/services`);
  assert.match(await page.locator('tr[data-service="svc-lb"]').innerText(), /pending/);
  await page.context().close();
});

test('Headless and ExternalName', async () => {
  let page = await openForm();
  await chooseKind(page, 'Headless');
  await basics(page, 'svc-headless', { port: '5432', target: '' });
  await create(page, 'svc-headless');
  let s = service('svc-headless');
  assert.equal(s.spec.clusterIP, 'None');
  assert.deepEqual(s.spec.ports.map((p) => [p.port, p.targetPort]), [[5432, 5432]]);
  await page.context().close();

  page = await openForm();
  await chooseKind(page, 'ExternalName');
  await page.fill('#f-name', 'svc-ext');
  await page.fill('#f-external_name', 'db.example.invalid');
  await create(page, 'svc-ext');
  s = service('svc-ext');
  assert.equal(s.spec.type, 'ExternalName');
  assert.equal(s.spec.externalName, 'db.example.invalid');
  assert.equal(s.spec.selector, undefined);
  await page.context().close();
});

test('bad input is refused at the field, in the browser', async () => {
  const page = await openForm();
  await chooseKind(page, 'NodePort');
  await page.fill('#f-name', 'Web');
  assert.equal(await page.locator('#f-name-error').innerText(), 'Use lowercase letters only.');
  await page.fill('#f-name', 'x'.repeat(64));
  assert.equal(await page.locator('#f-name-error').innerText(), 'At most 63 characters (64 now).');
  await page.fill('#f-name', '');
  assert.equal(await page.locator('#f-name-error').innerText(), 'Required.');
  await page.fill('#f-ports-0-port', '0');
  assert.equal(await page.locator('#f-ports-0-port-error').innerText(), 'Must be from 1 to 65535.');
  await page.fill('#f-ports-0-port', '65536');
  assert.equal(await page.locator('#f-ports-0-port-error').innerText(), 'Must be from 1 to 65535.');
  await page.fill('#f-ports-0-node_port', '80');
  assert.equal(await page.locator('#f-ports-0-node_port-error').innerText(), 'Must be from 30000 to 32767.');
  await page.fill('#f-ports-0-port', '80');
  await page.fill('#f-ports-0-name', 'http');
  await page.click('#add-port');
  await page.fill('#f-ports-1-name', 'http');
  await page.fill('#f-ports-1-port', '81');
  assert.equal(await page.locator('#f-ports-1-name-error').innerText(), 'Already used in another row.');
  await page.fill('#f-selector-0-key', 'my app');
  assert.equal(await page.locator('#f-selector-0-key-error').innerText(), "' ' is not allowed here.");
  await page.click('#save-service');
  assert.equal(await page.locator('#fix-errors').count(), 1);
  assert.ok(await page.locator('#save-service').isDisabled());
  assert.equal(kubectl('-n', ns, 'get', 'services', '-o', 'name').includes('service/web'), false);
  await page.context().close();
});

test("a node port already taken: the apiserver's answer lands at the field", async () => {
  kubectl('-n', ns, 'create', 'service', 'nodeport', 'holder', '--tcp=80:80', '--node-port=30555');
  const page = await openForm();
  await chooseKind(page, 'NodePort');
  await basics(page, 'svc-clash');
  await page.fill('#f-ports-0-node_port', '30555');
  await page.click('#save-service');
  await page.waitForFunction(() => /already allocated/.test(document.querySelector('#f-ports-0-node_port-error')?.textContent ?? ''));
  assert.equal(kubectl('-n', ns, 'get', 'service', 'svc-clash', '--ignore-not-found', '-o', 'name').trim(), '');
  await page.context().close();
});

test('check runs a dry run and creates nothing', async () => {
  const page = await openForm();
  await basics(page, 'svc-dry');
  await page.click('#check-service');
  await page.waitForSelector('#check-ok');
  assert.equal(kubectl('-n', ns, 'get', 'service', 'svc-dry', '--ignore-not-found', '-o', 'name').trim(), '');
  await page.context().close();
});

test("a workload's labels fill the selector, and the preview shows its pods", async () => {
  kubectl('-n', ns, 'create', 'deployment', 'echo', '--image=busybox:1.35', '--', 'sleep', '3600');
  kubectl('-n', ns, 'rollout', 'status', 'deployment/echo', '--timeout=90s');
  const pod = kubectl('-n', ns, 'get', 'pods', '-l', 'app=echo', '-o', 'jsonpath={.items[0].metadata.name}').trim();
  const page = await openForm();
  await eventually('the workload to be offered', async () => (await page.locator('#use-workload option[value="Deployment/echo"]').count()) === 1);
  await page.selectOption('#use-workload', 'Deployment/echo');
  assert.equal(await page.inputValue('#f-selector-0-key'), 'app');
  assert.equal(await page.inputValue('#f-selector-0-value'), 'echo');
  await page.waitForFunction((name) => document.querySelector('#selector-preview')?.textContent.includes(name), pod);
  assert.match(await page.locator('#selector-preview').innerText(), /1 pod\(s\) match now[\s\S]*Running/);
  await page.fill('#f-selector-0-value', 'nothing-has-this');
  await page.waitForFunction(() => document.querySelector('#selector-preview')?.textContent.includes('No pod matches'));
  await page.context().close();
});

test('batch delete three services with one confirmation', async () => {
  for (const n of ['gone-a', 'gone-b', 'gone-c']) kubectl('-n', ns, 'create', 'service', 'clusterip', n, '--tcp=80:80');
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/services`);
  await hydrated(page);
  for (const n of ['gone-a', 'gone-b', 'gone-c']) await page.check(`input[data-select="${n}"]`);
  assert.equal((await page.locator('#delete-selected').innerText()).trim(), 'Delete selected (3)');
  await page.click('#delete-selected');
  // The dialog's code comes when it is first opened.
  await page.locator('#delete-services-list li').first().waitFor();
  assert.deepEqual(await page.locator('#delete-services-list li').allInnerTexts(), ['gone-a', 'gone-b', 'gone-c']);
  await page.click('#delete-services-submit');
  await eventually('the rows to go', async () => (await page.locator('tr[data-service^="gone-"]').count()) === 0, 15_000);
  assert.equal(kubectl('-n', ns, 'get', 'services', '-o', 'name').includes('gone-'), false);
  await page.context().close();
});

test('the restricted user creates in dev and is refused elsewhere, in words', async () => {
  const name = unique('r-svc').slice(0, 30);
  let page = await openForm(RESTRICTED_BASE, 'dev');
  await basics(page, name);
  await create(page, name, 'dev');
  assert.equal(service(name, 'dev').spec.type, 'ClusterIP');
  kubectl('-n', 'dev', 'delete', 'service', name);
  await page.context().close();

  page = await openForm(RESTRICTED_BASE, 'default');
  await basics(page, 'nope');
  await page.click('#save-service');
  await page.waitForSelector('#form-failure [role="alert"]');
  assert.match(await page.locator('#form-failure [role="alert"]').innerText(), /^You are not allowed to do this\. services is forbidden/);
  // The selector preview is refused too, and says so instead of showing nothing.
  assert.match(await page.locator('#selector-preview').innerText(), /pods is forbidden/);
  await page.context().close();
});

test('create from an uploaded YAML file: each document reported', async () => {
  const { writeFileSync } = await import('node:fs');
  const file = join(ARTIFACTS, 'upload.yaml');
  writeFileSync(file, [
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: from-yaml\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: 8080',
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: not-a-service',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: elsewhere\n  namespace: kube-system\nspec:\n  ports:\n  - port: 81',
  ].join('\n---\n'));
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/new/yaml`);
  await hydrated(page);
  await page.setInputFiles('#yaml-file', file);
  await page.waitForFunction(() => document.querySelector('#yaml-input')?.value.includes('from-yaml'));
  await page.click('#create-yaml-submit');
  await page.waitForSelector('#yaml-outcomes');
  const items = await page.locator('#yaml-outcomes li').allInnerTexts();
  assert.equal(items.length, 3);
  assert.match(items[0], /^Document 1 from-yaml: created$/);
  assert.match(items[1], /^Document 2 : This is a Pod, not a Service\.$/);
  assert.match(items[2], /names the space kube-system/);
  assert.equal(service('from-yaml').spec.ports[0].targetPort, 8080);
  assert.equal(kubectl('-n', 'kube-system', 'get', 'service', 'elsewhere', '--ignore-not-found', '-o', 'name').trim(), '');

  // Invalid YAML: the line is named.
  await setEditor(page, 'yaml-input', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [broken\n');
  // Marked in the editor as it is typed, at its line…
  await page.waitForSelector('[data-editor-for="yaml-input"] .cm-lint-marker-error', { timeout: 10_000 });
  await page.click('#create-yaml-submit');
  await page.waitForSelector('#yaml-input-error');
  assert.match(await page.locator('#yaml-input-error').innerText(), /^YAML error on line \d+/);
  await page.context().close();
});

test('a 5 MB upload is refused, in the browser and by the server', async () => {
  const { writeFileSync } = await import('node:fs');
  const file = join(ARTIFACTS, 'big.yaml');
  writeFileSync(file, '#'.repeat(5 * 1024 * 1024));
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/new/yaml`);
  await hydrated(page);
  await page.setInputFiles('#yaml-file', file);
  assert.equal(await page.locator('#yaml-file-error').innerText(), 'The file is larger than 1024 KiB.');
  assert.equal(await page.inputValue('#yaml-input'), '');
  await page.context().close();
  // The server refuses from Content-Length, before reading the body; with
  // Expect: 100-continue the client sees that answer instead of a reset.
  const { request } = await import('node:http');
  const body = JSON.stringify({ space: ns, yaml: '#'.repeat(5 * 1024 * 1024) });
  const status = await new Promise((resolve, reject) => {
    const req = request(`${BASE}/api/create_services_yaml`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wharf-csrf': '1', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    });
    req.on('continue', () => req.end(body));
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
  });
  assert.equal(status, 413);
});

test('download YAML, and an edit that meets a concurrent change shows the conflict', async () => {
  kubectl('-n', ns, 'create', 'service', 'clusterip', 'edited', '--tcp=80:8080');
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/services/edited`);
  await hydrated(page);
  const href = await page.getAttribute('#download-yaml', 'href');
  assert.ok(href.startsWith('data:application/yaml;charset=utf-8,'));
  const downloaded = decodeURIComponent(href.slice(href.indexOf(',') + 1));
  assert.match(downloaded, /kind: Service[\s\S]*name: edited/);
  assert.doesNotMatch(downloaded, /managedFields|status:/);

  await page.click('#edit-yaml');
  const mine = (await page.inputValue('#yaml-edit')).replace('metadata:\n', 'metadata:\n  annotations:\n    mine: "1"\n');
  await setEditor(page, 'yaml-edit', mine);
  await page.click('#review-changes');
  assert.match(await page.locator('#review-diff').innerText(), /\+ +mine: "1"/);
  // Someone else changes the Service meanwhile.
  kubectl('-n', ns, 'annotate', 'service', 'edited', 'theirs=1');
  await page.click('#apply-yaml');
  await page.waitForSelector('#conflict');
  assert.match(await page.locator('#conflict-theirs').innerText(), /theirs: ['"]1['"]/);
  assert.match(await page.locator('#conflict-diff').innerText(), /- +theirs: ['"]1['"]/);
  const annotations = () => JSON.parse(kubectl('-n', ns, 'get', 'service', 'edited', '-o', 'jsonpath={.metadata.annotations}') || '{}');
  assert.equal(annotations().mine, undefined, 'nothing was overwritten');
  await page.screenshot({ path: join(ARTIFACTS, 'conflict.png'), fullPage: true });
  await page.click('#reapply');
  await page.waitForSelector('#service-yaml');
  assert.equal(annotations().mine, '1');
  assert.deepEqual(page.problems.filter((p) => !/status of 409/.test(p)), []);
  await page.context().close();
});

test('edit with the form: name read-only, review, conflict view and re-apply', async () => {
  kubectl('-n', ns, 'create', 'service', 'nodeport', 'formedit', '--tcp=80:8080');
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/services/formedit`);
  await hydrated(page);
  await page.click('#edit-form');
  await page.waitForURL('**/services/formedit/edit');
  await page.waitForSelector('#f-name');
  assert.equal(await page.inputValue('#f-name'), 'formedit');
  assert.ok(await page.locator('#f-name').getAttribute('readonly') !== null, 'the name cannot be edited');
  assert.match(await page.locator('[data-field="name"] .field-hint').innerText(), /cannot be changed/);
  assert.equal(await page.isChecked('input[data-kind="NodePort"]'), true);
  assert.match(await page.locator('#kept-fields').innerText(), /spec\.clusterIP/);

  await page.fill('#f-ports-0-port', '81');
  await page.click('#review-changes');
  await page.waitForSelector('#review-diff');
  assert.match(await page.locator('#review-diff').innerText(), /- +port: 80\n[\s\S]*\+ +port: 81/);
  // Someone else changes the Service meanwhile.
  kubectl('-n', ns, 'annotate', 'service', 'formedit', 'theirs=1');
  await page.click('#save-service');
  await page.waitForSelector('#conflict');
  assert.match(await page.locator('#conflict-theirs').innerText(), /theirs: ['"]1['"]/);
  assert.match(await page.locator('#conflict-mine').innerText(), /port: 81/);
  assert.match(await page.locator('#conflict-mine').innerText(), /theirs: ['"]1['"]/, 'mine = my change on theirs');
  assert.equal(service('formedit').spec.ports[0].port, 80, 'nothing was overwritten');
  await page.screenshot({ path: join(ARTIFACTS, 'form-conflict.png'), fullPage: true });
  await page.click('#reapply');
  await page.waitForURL(/\/services\/formedit$/);
  const svc = service('formedit');
  assert.equal(svc.spec.ports[0].port, 81);
  assert.equal(svc.spec.type, 'NodePort');
  assert.equal(svc.metadata.annotations.theirs, '1', 'their change survives: only my changes were re-applied');
  assert.deepEqual(page.problems.filter((p) => !/status of 409/.test(p)), []);
  await page.context().close();
});

test('the YAML tab follows the form, and edits made there come back to it', async () => {
  const name = unique('yaml-tab').slice(0, 30);
  const page = await openForm();
  await chooseKind(page, 'NodePort');
  await basics(page, name);
  await page.click('#tab-yaml');
  await page.waitForSelector('[data-editor-for="service-yaml-tab"] .cm-content');
  const rendered = await page.inputValue('#service-yaml-tab');
  assert.match(rendered, new RegExp(`name: ${name}`));
  assert.match(rendered, /type: NodePort/);
  // Edit in YAML: another port, and a field the form has no place for.
  const edited = rendered.replace('port: 80', 'port: 8081').replace('spec:\n', 'spec:\n  publishNotReadyAddresses: true\n');
  await setEditor(page, 'service-yaml-tab', edited);
  await page.click('#tab-form');
  await page.waitForSelector('#f-ports-0-port');
  assert.equal(await page.inputValue('#f-ports-0-port'), '8081');
  assert.match(await page.locator('#kept-fields').innerText(), /spec\.publishNotReadyAddresses/);
  // A YAML error keeps the user on the YAML tab, with the line.
  await page.click('#tab-yaml');
  await setEditor(page, 'service-yaml-tab', 'kind: Service\nmetadata: [\n');
  await page.click('#tab-form');
  await page.waitForSelector('#service-yaml-tab-error');
  assert.match(await page.locator('#service-yaml-tab-error').innerText(), /YAML error on line \d+/);
  await setEditor(page, 'service-yaml-tab', edited);
  await page.click('#tab-form');
  await page.waitForSelector('#f-ports-0-port');
  await create(page, name);
  const svc = service(name);
  assert.equal(svc.spec.ports[0].port, 8081);
  assert.equal(svc.spec.publishNotReadyAddresses, true);
  await page.context().close();
});

test('deleting a Service offers the workload Wharf made with it', async () => {
  const name = unique('comp').slice(0, 30);
  kubectl('-n', ns, 'create', 'deployment', name, '--image=busybox:1.35', '--replicas=0');
  kubectl('-n', ns, 'label', 'deployment', name, `app.kubernetes.io/name=${name}`, 'app.kubernetes.io/managed-by=wharf');
  kubectl('-n', ns, 'create', 'service', 'clusterip', name, '--tcp=80:80');
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/services`);
  await hydrated(page);
  await page.check(`input[data-select="${name}"]`);
  await page.click('#delete-selected');
  const box = page.locator(`#delete-companions input[data-workload="Deployment/${name}"]`);
  await box.waitFor();
  assert.equal(await box.isChecked(), true);
  await page.screenshot({ path: join(ARTIFACTS, 'delete-with-workload.png') });
  await page.click('#delete-services-submit');
  await eventually('the deployment to go', () => kubectl('-n', ns, 'get', 'deployment', name, '--ignore-not-found', '-o', 'name').trim() === '', 30_000);
  assert.equal(kubectl('-n', ns, 'get', 'service', name, '--ignore-not-found', '-o', 'name').trim(), '');
  await page.context().close();
});

test('delete from the Service page: the same confirmation, then back to the list', async () => {
  kubectl('-n', ns, 'create', 'service', 'clusterip', 'doomed-one', '--tcp=80:80');
  const page = await openPage(browser);
  await page.goto(`${BASE}/spaces/${ns}/services/doomed-one`);
  await hydrated(page);
  await page.click('#delete-service');
  // The dialog's code comes when it is first opened.
  await page.locator('#delete-services-list li').first().waitFor();
  assert.deepEqual(await page.locator('#delete-services-list li').allInnerTexts(), ['doomed-one']);
  await page.click('#delete-services-submit');
  await page.waitForURL(`**/spaces/${ns}/services`);
  await page.locator('#services-table').waitFor();
  assert.equal(await page.locator('tr[data-service="doomed-one"]').count(), 0);
  assert.equal(kubectl('-n', ns, 'get', 'service', 'doomed-one', '--ignore-not-found', '-o', 'name').trim(), '');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
