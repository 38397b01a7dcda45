# Shared by start.sh and test.sh (sourced). Installs what Wharf needs on a
# fresh Debian machine (as root, no terminal), and builds it without
# cargo-leptos: cargo for wasm32 + wasm-bindgen-cli + npm binaryen's wasm-opt.
# Never use Debian's binaryen: its wasm-opt breaks the wasm (no hydration).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SITE=$ROOT/target/site
NAME=wharf   # = LEPTOS_OUTPUT_NAME in .cargo/config.toml
export WHARF_STATE=${WHARF_STATE:-/tmp/wharf}
export PATH=${CARGO_HOME:-$HOME/.cargo}/bin:$PATH

step() {
  printf '\n\033[1m== %s\033[0m (%s)\n' "$*" "$(date +%H:%M:%S)" >&2
  # end2end/fresh-machine.sh times every step from this file.
  if [ -n "${WHARF_STEP_LOG:-}" ]; then echo "$(date +%s) $*" >>"$WHARF_STEP_LOG"; fi
}
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# The Rust toolchain rust-toolchain.toml pins (its `channel`).
RUST_TOOLCHAIN=$(sed -n 's/^channel = "\(.*\)"$/\1/p' "$ROOT/rust-toolchain.toml")

# Says which tool is missing and how it is installed, then stops.
missing() { die "$1 is missing: $2"; }

# Installs everything the build and the tests use, each step skipped when it
# is already there and checked after it ran: apt packages (Chromium for the
# browser tests, CJK fonts so Chinese renders in screenshots, Node.js), the
# pinned Rust toolchain with clippy, rustfmt and the wasm32 target,
# wasm-bindgen-cli pinned to Cargo.lock, and the npm packages. Ends with
# check_tools, so a run stops here, naming the tool, rather than minutes later.
install_tools() {
  local need=()
  command -v chromium >/dev/null || need+=(chromium)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
  command -v node >/dev/null || need+=(nodejs)
  command -v npm >/dev/null || need+=(npm)
  command -v curl >/dev/null || need+=(curl)
  command -v git >/dev/null || need+=(git)
  # musl-gcc: the image's statically linked server (ring's C and assembly).
  command -v musl-gcc >/dev/null || need+=(musl-tools)
  if [ ${#need[@]} -gt 0 ]; then
    step "apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  install_rust
  local want have
  want=$(wasm_bindgen_version)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)   # absent on a fresh machine
  if [ "$want" != "$have" ]; then
    step "cargo install wasm-bindgen-cli $want (about 6 min, once per machine)"
    # Not --locked: its lock names a webpki-roots the registry here lacks.
    cargo install wasm-bindgen-cli --version "$want" --quiet
  fi
  if [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/end2end/node_modules/playwright-core" ] \
    || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    step "npm ci (playwright-core, binaryen, axe-core)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --silent)
  fi
  if [ ! -x "$ROOT/app/js/node_modules/.bin/esbuild" ] || [ "$ROOT/app/js/package-lock.json" -nt "$ROOT/app/js/node_modules/.package-lock.json" ]; then
    step "npm ci (the editor and terminal: CodeMirror 6, xterm.js, esbuild)"
    (cd "$ROOT/app/js" && npm ci --no-audit --no-fund --silent)
  fi
  check_tools
}

# The pinned toolchain, explicitly: rustup 1.29 no longer installs
# rust-toolchain.toml's components and targets for a toolchain it already has
# (a machine with that version but without wasm32 failed the first build).
install_rust() {
  command -v rustup >/dev/null \
    || missing rustup "install it from https://rustup.rs (rustup-init -y --default-toolchain none), then run this again"
  if ! rust_complete; then
    step "rustup toolchain install $RUST_TOOLCHAIN (clippy, rustfmt, rust-src, wasm32-unknown-unknown, x86_64-unknown-linux-musl)"
    rustup toolchain install "$RUST_TOOLCHAIN" --profile minimal --component clippy,rustfmt,rust-src \
      --target wasm32-unknown-unknown --target x86_64-unknown-linux-musl --no-self-update
    # A toolchain that was already there keeps its components and targets: add ours.
    rustup component add --toolchain "$RUST_TOOLCHAIN" clippy rustfmt rust-src
    rustup target add --toolchain "$RUST_TOOLCHAIN" wasm32-unknown-unknown x86_64-unknown-linux-musl
  fi
}

# True when the pinned toolchain has every component and target we use.
rust_complete() {
  local comps targets
  comps=$(rustup +"$RUST_TOOLCHAIN" component list --installed 2>/dev/null) || return 1
  targets=$(rustup +"$RUST_TOOLCHAIN" target list --installed 2>/dev/null) || return 1
  grep -q '^clippy' <<<"$comps" && grep -q '^rustfmt' <<<"$comps" && grep -qx rust-src <<<"$comps" \
    && grep -qx wasm32-unknown-unknown <<<"$targets" \
    && grep -qx x86_64-unknown-linux-musl <<<"$targets"
}

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' "$ROOT/Cargo.lock"
}

# Every tool the build and the tests need, each named when it is absent.
check_tools() {
  local rustc_version wb comps targets
  rustc_version=$(cd "$ROOT" && rustc --version 2>/dev/null | awk '{print $2}') || true
  [ "$rustc_version" = "$RUST_TOOLCHAIN" ] \
    || missing "rustc $RUST_TOOLCHAIN" "rustc in $ROOT is '${rustc_version:-none}' (rustup toolchain install $RUST_TOOLCHAIN)"
  (cd "$ROOT" && cargo clippy --version >/dev/null 2>&1) || missing clippy "rustup component add clippy --toolchain $RUST_TOOLCHAIN"
  (cd "$ROOT" && cargo fmt --version >/dev/null 2>&1) || missing rustfmt "rustup component add rustfmt --toolchain $RUST_TOOLCHAIN"
  # (The list first: `| grep -q` under pipefail can fail on SIGPIPE.)
  comps=$(rustup +"$RUST_TOOLCHAIN" component list --installed 2>/dev/null) || true
  grep -qx rust-src <<<"$comps" \
    || missing "the rust-src component (the release wasm builds its own std)" "rustup component add rust-src --toolchain $RUST_TOOLCHAIN"
  targets=$(rustup +"$RUST_TOOLCHAIN" target list --installed 2>/dev/null) || true
  grep -qx wasm32-unknown-unknown <<<"$targets" \
    || missing "the wasm32-unknown-unknown target" "rustup target add wasm32-unknown-unknown --toolchain $RUST_TOOLCHAIN"
  grep -qx x86_64-unknown-linux-musl <<<"$targets" \
    || missing "the x86_64-unknown-linux-musl target" "rustup target add x86_64-unknown-linux-musl --toolchain $RUST_TOOLCHAIN"
  wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}') || true
  [ "$wb" = "$(wasm_bindgen_version)" ] \
    || missing "wasm-bindgen-cli $(wasm_bindgen_version)" "found '${wb:-none}' (cargo install wasm-bindgen-cli --version $(wasm_bindgen_version))"
  [ -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || missing "wasm-opt (npm binaryen)" "cd end2end && npm ci"
  [ -d "$ROOT/end2end/node_modules/playwright-core" ] || missing playwright-core "cd end2end && npm ci"
  [ -d "$ROOT/end2end/node_modules/axe-core" ] || missing axe-core "cd end2end && npm ci"
  [ -x "$ROOT/app/js/node_modules/.bin/esbuild" ] || missing esbuild "cd app/js && npm ci"
  local t
  for t in chromium node npm curl git musl-gcc; do
    command -v $t >/dev/null || missing $t "apt-get install $t"
  done
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing fonts-noto-cjk "apt-get install fonts-noto-cjk"
}

# The site (target/site/pkg/wharf.{js,wasm,css}) and the server binary.
# WHARF_PROFILE=release (default) or dev; WHARF_SERVER_PROFILE (default: the
# same) lets the tests reuse the debug dependencies `cargo test` just built.
build_wharf() {
  local profile=${WHARF_PROFILE:-release} wprof wdir sprof
  if [ "$profile" = release ]; then wprof=wasm-release; wdir=wasm-release
  else wprof=dev; wdir=debug; fi
  sprof=${WHARF_SERVER_PROFILE:-$profile}
  [ "$sprof" = debug ] && sprof=dev
  cd "$ROOT"
  step "build the browser wasm ($wprof)"
  # A separate target dir: the wasm and the server use different features of
  # the same crates, and must not invalidate each other's cache.
  # The release wasm brings its own standard library, built for size, whose
  # panics abort at once: no panic message, no formatting of one, no hook.
  # Measured (brotli): the main part 320 -> 298 KB, an app page's bundle
  # 76 -> 74 KB. A panic is then a bare trap (`WebAssembly.RuntimeError`),
  # which the page's loader turns into its "stopped working" notice
  # (app/src/hydration.js); a dev build keeps the messages, for debugging.
  # Both are unstable cargo/rustc options (Leptos' book recommends them for
  # size): RUSTC_BOOTSTRAP lets the pinned stable toolchain take them, so
  # they stay as they are until rust-toolchain.toml is bumped on purpose.
  local unstable=() own_std=()
  if [ "$wprof" = wasm-release ]; then
    unstable=(env RUSTC_BOOTSTRAP=1)
    own_std=(-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
      --config 'target.wasm32-unknown-unknown.rustflags = ["-Zunstable-options", "-Cpanic=immediate-abort"]')
  fi
  "${unstable[@]}" cargo build -p wharf-app --lib --features hydrate --target wasm32-unknown-unknown \
    --profile "$wprof" --target-dir target/front "${own_std[@]}"
  step "split the wasm at its lazy pages (app/wasm-split)"
  # Needed in every profile: the linked wasm imports its lazy parts from a
  # placeholder module that only the split resolves.
  cargo build -p wharf-wasm-split --quiet
  local linked=target/front/wasm32-unknown-unknown/$wdir/wharf_app.wasm
  local main=target/front/wasm32-unknown-unknown/$wdir/wharf_app_main.wasm
  mkdir -p "$SITE/pkg"
  # Parts of an older build would be hashed into the version, and served.
  rm -f "$SITE"/pkg/split_*.wasm* "$SITE"/pkg/chunk_*.wasm* "$SITE"/pkg/bundle_*.bin* "$SITE"/pkg/__wasm_split*
  "$ROOT/target/debug/wharf-wasm-split" "$linked" "$SITE/pkg" "$main" "$NAME"
  # The loader fetches each part once, and Leptos 0.8 panics when one fails:
  # a network error (a dropped connection, a changed network), before or
  # during the download, is tried again, three times. (An HTTP error, such
  # as an old version's 404, is not.)
  node -e '
    const fs = require("fs"), file = process.argv[1];
    const loader = fs.readFileSync(file, "utf8");
    const fetches = loader.split("= fetch(new URL(").length - 1;
    if (fetches === 0) { console.error(file + ": no fetch(new URL( to make retrying (a new wasm-split?)"); process.exit(1); }
    const again = "async function fetchAgain(url) {\n" +
      "    const bundled = await fromBundle(url);\n" +
      "    if (bundled) return bundled;\n" +
      "    for (let attempt = 1; ; attempt++) {\n" +
      "        try {\n" +
      "            const response = await fetch(url);\n" +
      "            const body = await response.arrayBuffer();\n" +
      "            return new Response(body, { status: response.status, headers: response.headers });\n" +
      "        } catch (e) { if (attempt > 3) throw e; await new Promise((r) => setTimeout(r, 250 * attempt)); }\n" +
      "    }\n}\n";
    // A lazy page needs its own part and many shared ones (a hundred for an
    // app page, most under 2 KB): as many requests, each a round trip over
    // HTTP/1.1. So the parts of each page also come as one file,
    // bundle_<page>.bin (written below), fetched when the page is first
    // opened; a part not found in a bundle (or a bundle that failed) is
    // fetched alone.
    const bundles = "const bundles = [];\n" +
      "function withBundle(name, load) {\n" +
      "    let asked = false;\n" +
      "    return () => {\n" +
      "        if (!asked) {\n" +
      "            asked = true;\n" +
      "            bundles.push(fetch(new URL(`./bundle_${name}.bin`, import.meta.url))\n" +
      "                .then((r) => (r.ok ? r.arrayBuffer() : new ArrayBuffer(0)))\n" +
      "                .then(unbundle, () => new Map()));\n" +
      "        }\n" +
      "        return load();\n" +
      "    };\n}\n" +
      "function unbundle(buffer) {\n" +
      "    const parts = new Map(), view = new DataView(buffer), text = new TextDecoder();\n" +
      "    for (let at = 0; at + 8 <= buffer.byteLength;) {\n" +
      "        const nameLength = view.getUint32(at, true);\n" +
      "        const name = text.decode(new Uint8Array(buffer, at + 4, nameLength));\n" +
      "        const length = view.getUint32(at + 4 + nameLength, true);\n" +
      "        at += 8 + nameLength;\n" +
      "        parts.set(name, new Uint8Array(buffer, at, length));\n" +
      "        at += length;\n" +
      "    }\n" +
      "    return parts;\n}\n" +
      "async function fromBundle(url) {\n" +
      "    const name = url.pathname.slice(url.pathname.lastIndexOf(\"/\") + 1);\n" +
      "    for (const pending of bundles) {\n" +
      "        const parts = await pending, bytes = parts.get(name);\n" +
      "        if (bytes) {\n" +
      "            parts.delete(name);\n" +
      "            return new Response(bytes, { headers: { \"content-type\": \"application/wasm\" } });\n" +
      "        }\n" +
      "    }\n" +
      "    return null;\n}\n";
    let patched = loader.replace(/^(import [^\n]*\n)/, "$1" + bundles + again).split("= fetch(new URL(").join("= fetchAgain(new URL(");
    if (!patched.includes("async function fetchAgain(")) { console.error(file + ": fetchAgain not inserted"); process.exit(1); }
    // Each lazy page first asks for its bundle (see `bundles`).
    const splits = loader.split("export const __wasm_split_load_").length - 1;
    patched = patched.replace(/(export const __wasm_split_load_(\w+) = wrapAsyncCb\()(makeLoad\([\s\S]*?\]\))\);/g,
      (_, head, name, load) => `${head}withBundle("${name}", ${load}));`);
    const wrapped = patched.split("withBundle(\"").length - 1;
    if (wrapped !== splits) { console.error(`${file}: ${wrapped} of ${splits} lazy loaders take their bundle`); process.exit(1); }
    fs.writeFileSync(file, patched);
  ' "$SITE/pkg/__wasm_split.______________________.js"
  wasm-bindgen --target web --keep-lld-exports --no-demangle --out-dir "$SITE/pkg" --out-name $NAME "$main"
  mv "$SITE/pkg/${NAME}_bg.wasm" "$SITE/pkg/$NAME.wasm"
  local parts=("$SITE/pkg/$NAME.wasm")
  local part
  for part in "$SITE"/pkg/split_*.wasm "$SITE"/pkg/chunk_*.wasm; do
    [ -f "$part" ] && parts+=("$part")
  done
  if [ "$profile" = release ]; then
    step "wasm-opt (npm binaryen): the main part and $((${#parts[@]} - 1)) lazy parts"
    # One process a core: a hundred small parts take minutes one by one.
    # -Os, not -Oz: 3 % more bytes, 1 % fewer after brotli (the main part,
    # 2026-12-06; again with erased views: 344 against 319 KB), and brotli is
    # what is sent. Every part carried the `producers` and `target_features`
    # sections, which nothing reads at run time.
    printf '%s\0' "${parts[@]}" | xargs -0 -P "$(nproc)" -I{} \
      "$ROOT/end2end/node_modules/.bin/wasm-opt" -Os --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-reference-types --enable-multivalue --enable-sign-ext \
        --strip-producers --strip-target-features {} -o {}
  fi
  step "one file of each lazy page's parts (bundle_*.bin)"
  # Per part, in the manifest's order: name length (u32 LE), name, length
  # (u32 LE), bytes (the loader's unbundle reads it).
  node -e '
    const fs = require("fs"), path = require("path"), dir = process.argv[1];
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "__wasm_split_manifest.json"), "utf8"));
    for (const [page, parts] of Object.entries(manifest)) {
      const pieces = [];
      for (const part of parts) {
        const name = Buffer.from(part + ".wasm"), bytes = fs.readFileSync(path.join(dir, part + ".wasm"));
        const nameLength = Buffer.alloc(4), length = Buffer.alloc(4);
        nameLength.writeUInt32LE(name.length);
        length.writeUInt32LE(bytes.length);
        pieces.push(nameLength, name, length, bytes);
      }
      fs.writeFileSync(path.join(dir, `bundle_${page}.bin`), Buffer.concat(pieces));
    }' "$SITE/pkg"
  for part in "$SITE"/pkg/bundle_*.bin; do [ -f "$part" ] && parts+=("$part"); done
  step "bundle the YAML editor and the terminal (esbuild)"
  (cd "$ROOT/app/js" && ./node_modules/.bin/esbuild editor.mjs terminal.mjs --bundle --format=esm --minify \
    --target=es2020 --loader:.css=text --log-level=warning --outdir="$SITE/pkg")
  if [ "$profile" = release ]; then
    # wasm-bindgen's glue and the part loader are written to be read: a
    # fifth of the first download's JavaScript and stylesheet is spaces and
    # long names.
    step "minify the wasm's JavaScript and the stylesheet (esbuild)"
    local esbuild="$ROOT/app/js/node_modules/.bin/esbuild" js
    for js in "$SITE/pkg/$NAME.js" "$SITE"/pkg/__wasm_split*.js; do
      "$esbuild" "$js" --minify --format=esm --target=es2020 --log-level=error --allow-overwrite --outfile="$js"
    done
    "$esbuild" style/main.css --minify --log-level=error --outfile="$SITE/pkg/$NAME.css"
  else
    cp style/main.css "$SITE/pkg/$NAME.css"
  fi
  cp -r public/. "$SITE/" 2>/dev/null || true
  # Served precompressed (ServeDir picks .gz when the browser accepts it).
  local big=("${parts[@]}" "$SITE/pkg/$NAME.js" "$SITE/pkg/$NAME.css" "$SITE/pkg/editor.js" "$SITE/pkg/terminal.js")
  for part in "$SITE"/pkg/__wasm_split*.js; do [ -f "$part" ] && big+=("$part"); done
  for f in "${big[@]}"; do gzip -9 -k -f "$f"; done
  # And brotli (quality 11, with node's zlib) for a release: about a fifth
  # smaller than gzip for the wasm. A stale .br of another build must not
  # outlive it, so a dev build removes them.
  rm -f "$SITE"/pkg/*.br
  if [ "$profile" = release ]; then
    step "brotli -11"
    node -e '
      const zlib = require("zlib"), fs = require("fs");
      for (const f of process.argv.slice(1)) {
        const data = fs.readFileSync(f);
        fs.writeFileSync(f + ".br", zlib.brotliCompressSync(data, { params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
      }' "${big[@]}"
  fi
  step "build the server ($sprof)"
  cargo build -p wharf-server --bin wharf-server --profile "$sprof"
  SERVER_BIN=$ROOT/target/$([ "$sprof" = dev ] && echo debug || echo release)/wharf-server
  if [ -f "$SITE/pkg/$NAME.wasm.br" ]; then
    printf 'brotli -11: wasm %s bytes, js %s, css %s\n' "$(stat -c %s "$SITE/pkg/$NAME.wasm.br")" \
      "$(stat -c %s "$SITE/pkg/$NAME.js.br")" "$(stat -c %s "$SITE/pkg/$NAME.css.br")" >&2
  fi
  printf 'wasm: %s bytes, gzip -9: %s bytes; editor.js (editor pages only): %s, gzip -9: %s; terminal.js (terminal pages only): %s, gzip -9: %s\n' \
    "$(stat -c %s "$SITE/pkg/$NAME.wasm")" "$(stat -c %s "$SITE/pkg/$NAME.wasm.gz")" \
    "$(stat -c %s "$SITE/pkg/editor.js")" "$(stat -c %s "$SITE/pkg/editor.js.gz")" \
    "$(stat -c %s "$SITE/pkg/terminal.js")" "$(stat -c %s "$SITE/pkg/terminal.js.gz")" >&2
}

# Starts the server in the background on $1 (host:port) with kubeconfig $2;
# waits until it answers. Log: $WHARF_STATE/server-<port>.log.
start_server() {
  local listen=$1 kubeconfig=$2 port=${1##*:}
  mkdir -p "$WHARF_STATE"
  local log=$WHARF_STATE/server-$port.log pidfile=$WHARF_STATE/server-$port.pid
  stop_server "$port"
  if curl -s -m 2 -o /dev/null "http://$listen/"; then
    die "$listen is already in use by another program (stop it first)"
  fi
  # `setsid … &` on its own, so $! is the server's own pid.
  RUST_LOG=${RUST_LOG:-info} setsid "$SERVER_BIN" --listen "$listen" --kubeconfig "$kubeconfig" \
    --site-root "$SITE" >"$log" 2>&1 &
  local pid=$!
  echo $pid >"$pidfile"
  local deadline=$((SECONDS + 60))
  until curl -fsS -m 2 -o /dev/null "http://$listen/pkg/$NAME.css" 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { tail -20 "$log" >&2; die "wharf-server exited"; }
    [ $SECONDS -lt $deadline ] || { tail -20 "$log" >&2; die "wharf-server did not answer in 60 s"; }
    sleep 0.5
  done
}

stop_server() {
  local pidfile=$WHARF_STATE/server-$1.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  # Only if that pid is still our server (pids are reused).
  if grep -q wharf-server "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}

cluster_running() {
  [ -f /tmp/local-kube/env ] && . /tmp/local-kube/env && kubectl get --raw /readyz --request-timeout=3s >/dev/null 2>&1
}

# The second cluster of the multi-cluster tests: a control plane only (etcd,
# apiserver, controller manager, scheduler; no node, no pods) beside the
# first, with its own ports and state. Same scripts, other settings.
second_cluster() { # up|down
  KUBE_LOCAL_STATE=/tmp/local-kube-b KUBE_LOCAL_API_PORT=6643 \
    KUBE_LOCAL_ETCD_PORT=2479 KUBE_LOCAL_ETCD_PEER_PORT=2480 \
    KUBE_LOCAL_KCM_PORT=10357 KUBE_LOCAL_SCHED_PORT=10359 \
    KUBE_LOCAL_NODE_NAME=local-kube-b KUBE_LOCAL_NO_KUBELET=1 \
    bash "$ROOT/end2end/cluster/$1.sh" >/dev/null
}

second_cluster_running() {
  [ -f /tmp/local-kube-b/env ] \
    && (. /tmp/local-kube-b/env && kubectl get --raw /readyz --request-timeout=3s >/dev/null 2>&1)
}

# A port on loopback where nothing listens: the third, unreachable cluster.
CLOSED_PORT=6699

# Writes the kubeconfigs of the multi-cluster tests into $WHARF_STATE:
#   clusters.kubeconfig: contexts kube-a (the first cluster), kube-b (the
#     second) and kube-off (a closed port), each with its admin token;
#     current context kube-a. Local mode serves all three with it; multi-user
#     mode takes their addresses and CAs only.
#   dev-b.kubeconfig: the user dev of the second cluster (another token).
clusters_kubeconfig() {
  local a=/tmp/local-kube/admin.kubeconfig b=/tmp/local-kube-b/admin.kubeconfig
  local out=$WHARF_STATE/clusters.kubeconfig
  mkdir -p "$WHARF_STATE"
  ! curl -s -m 2 -o /dev/null "https://127.0.0.1:$CLOSED_PORT/" \
    || die "127.0.0.1:$CLOSED_PORT answers: the unreachable cluster needs a closed port"
  field() { awk -v k="$2:" '$1 == k {print $2; exit}' "$1"; }
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "current-context: kube-a"
    echo "clusters:"
    for c in "kube-a $a" "kube-b $b" "kube-off $a"; do
      set -- $c
      local server; server=$(field "$2" server)
      [ "$1" = kube-off ] && server=https://127.0.0.1:$CLOSED_PORT
      printf -- '- name: %s\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n' \
        "$1" "$server" "$(field "$2" certificate-authority-data)"
    done
    echo "users:"
    printf -- '- name: admin-a\n  user:\n    token: %s\n' "$(field "$a" token)"
    printf -- '- name: admin-b\n  user:\n    token: %s\n' "$(field "$b" token)"
    echo "contexts:"
    for c in "kube-a admin-a" "kube-b admin-b" "kube-off admin-a"; do
      set -- $c
      printf -- '- name: %s\n  context:\n    cluster: %s\n    user: %s\n' "$1" "$1" "$2"
    done
  } >"$out"
  chmod 600 "$out"
  cp /tmp/local-kube-b/restricted.kubeconfig "$WHARF_STATE/dev-b.kubeconfig"
}
