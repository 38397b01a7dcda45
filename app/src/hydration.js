// Loads and starts the browser's wasm, as Leptos' <HydrationScripts> does,
// but a page whose code did not arrive does not stay dead without a word.
// A fetch can fail for a moment: a dropped connection, or Chromium cancelling
// requests in flight when a network interface comes or goes. The wasm is
// fetched again in place. A failed module import cannot be: the browser
// keeps the failure for the page's life, and the lazy parts' loader imports
// the same URL, so a second copy under another URL would not be the one
// they use. So the page reloads itself, at most twice in a row (counted in
// sessionStorage, as Vite's apps do on a preload error); after that, or
// when the wasm traps (a panic is a trap, `WebAssembly.RuntimeError`: the
// release wasm aborts at once, without a message, end2end/lib.sh says why;
// a lazy part that fails to load panics in Leptos 0.8), the notice the
// server rendered in the page's language (the <template>) says so, with a
// Reload button: the wasm is unusable after a trap. A failure inside
// `hydrate()` itself is not a fetch and is never tried again.
(function (js, wasm) {
  const key = 'wharf:reloads';
  const storage = () => {
    try {
      return window.sessionStorage;
    } catch {
      return null; // a sandboxed frame
    }
  };
  const broken = () => {
    const template = document.getElementById('page-broken-notice');
    if (document.getElementById('page-broken') || !template || !document.body) return;
    const notice = template.content.firstElementChild.cloneNode(true);
    const reload = notice.querySelector('button');
    reload.addEventListener('click', () => location.reload());
    document.body.prepend(notice);
    reload.focus();
  };
  // A trap surfaces where the wasm was entered: an event handler or a task
  // (an uncaught error) or a promise callback (an unhandled rejection).
  const trapped = (error) => {
    if (error instanceof WebAssembly.RuntimeError) broken();
  };
  window.addEventListener('error', (event) => trapped(event.error));
  window.addEventListener('unhandledrejection', (event) => trapped(event.reason));
  const reloadOrGiveUp = (error) => {
    const store = storage();
    const reloads = Number(store?.getItem(key) ?? 0);
    if (store && reloads < 2) {
      console.warn('Wharf: the code did not load; reloading', error);
      store.setItem(key, String(reloads + 1));
      setTimeout(() => location.reload(), 250 * 2 ** reloads);
    } else {
      store?.removeItem(key);
      broken();
      console.error('Wharf: the code did not load', error);
    }
  };
  const instantiate = (mod, attempt) =>
    mod.default({ module_or_path: wasm }).catch((error) => {
      if (attempt >= 3) throw error;
      return new Promise((r) => setTimeout(r, 250 * 2 ** attempt)).then(() => instantiate(mod, attempt + 1));
    });
  import(js)
    .then((mod) => instantiate(mod, 0).then(() => mod))
    .then((mod) => {
      storage()?.removeItem(key);
      mod.hydrate();
    }, reloadOrGiveUp);
})
