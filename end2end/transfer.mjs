// Issue 15's first download: which pages its target holds for, and what a
// page load transfers, by kind, as DevTools counts it (bytes on the wire:
// compressed bodies and response headers). Shared by the first-load
// benchmark (bench/first-load.mjs) and the first-download budget test
// (tests/assets.test.mjs), so that both measure the same pages the same
// way: wasm + JS + CSS of a cold load.

/// Every list and detail page, as `[name, path]` under a cluster's root:
/// for a space `ns` holding a Deployment `web`, its Service `web` and its
/// pod `pod`, and a node `node`.
export function listAndDetailPages({ ns, pod, node }) {
  return [
    ['Service list', `/spaces/${ns}/services`],
    ['Service page', `/spaces/${ns}/services/web`],
    ['app list', `/spaces/${ns}/apps`],
    ['app page', `/spaces/${ns}/apps/web`],
    ['pod list', `/spaces/${ns}/pods`],
    ['pod page', `/spaces/${ns}/pods/${pod}`],
    ['events', `/spaces/${ns}/events`],
    ['node list', '/nodes'],
    ['node page', `/nodes/${node}`],
  ];
}

/// The path of the cluster that `base`'s first page redirects to
/// (`/clusters/<name>`), or '' when it does not: a bare `/spaces/…` is one
/// redirect more, which a measured load should not include.
export async function clusterRoot(base) {
  const home = (await fetch(`${base}/`, { redirect: 'manual' })).headers.get('location') ?? '';
  return home.match(/^\/clusters\/[^/]+/)?.[0] ?? '';
}

/// The kind of a response: a lazy page's parts come in one bundle_*.bin.
export function kindOf(url, mime) {
  if (/\.(wasm|bin)$/.test(url)) return 'wasm';
  if (/\.css$/.test(url)) return 'css';
  if (/\.m?js$/.test(url) || /javascript/.test(mime)) return 'js';
  if (/html/.test(mime)) return 'html';
  return 'other';
}

/// Starts counting on a CDP session with `Network` enabled; the returned
/// function stops and gives `{ html, wasm, js, css, other }` in bytes.
export function countTransfer(cdp) {
  const sizes = new Map();
  const onResponse = ({ requestId, response }) => sizes.set(requestId, { kind: kindOf(response.url, response.mimeType), bytes: 0 });
  const onFinished = ({ requestId, encodedDataLength }) => {
    const entry = sizes.get(requestId);
    if (entry) entry.bytes = encodedDataLength;
  };
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  return () => {
    cdp.off('Network.responseReceived', onResponse);
    cdp.off('Network.loadingFinished', onFinished);
    const bytes = { html: 0, wasm: 0, js: 0, css: 0, other: 0 };
    for (const { kind, bytes: n } of sizes.values()) bytes[kind] += n;
    return bytes;
  };
}
