#!/usr/bin/env bash
# Static checks: formatting, clippy for both feature sets, and the
# architecture's invariants (ARCHITECTURE.md).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

step "cargo fmt --check"
cargo fmt --all --check

step "clippy -D warnings (ssr: server, app with ssr, spec with k8s; all targets)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "clippy -D warnings (hydrate: the browser wasm)"
cargo clippy -p wharf-app --features hydrate --target wasm32-unknown-unknown --target-dir target/front --quiet -- -D warnings

step "invariant: the shared crate builds for wasm32 and depends on no leptos, tokio or kube"
cargo build -p wharf-spec --all-features --target wasm32-unknown-unknown --target-dir target/front --quiet
deps=$(cargo tree -p wharf-spec --all-features -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
for banned in leptos leptos_axum server_fn tokio kube kube-client kube-core; do
  if grep -qx "$banned" <<<"$deps"; then die "wharf-spec depends on $banned"; fi
done
echo "wharf-spec's dependencies: $(tr '\n' ' ' <<<"$deps")"

step "invariant: only server/src/k8s/ uses the kube crate"
offenders=$(grep -rlE '(^|[^_[:alnum:]])kube::|use kube\b|kube = ' app server --include='*.rs' --include=Cargo.toml \
  | grep -v -e '^server/src/k8s/' -e '^server/Cargo.toml$' || true)
[ -z "$offenders" ] || die "kube used outside server/src/k8s/: $offenders"
echo "ok"

step "invariant: the layers import downwards only (no module circles)"
# server: k8s/ is below everything but metrics; the session seam is above
# k8s/. app: components/ and streams/ are below pages/.
circles=$( { grep -rnE 'crate::(auth|clusters|router|sessions|sockets|live_socket|shutdown|assets)\b' server/src/k8s || true
  grep -rnE 'crate::(auth|clusters|router|sockets|live_socket)\b' server/src/sessions.rs || true
  grep -rnE 'crate::pages\b' app/src/components app/src/streams || true; } \
  | { grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true; } )
[ -z "$circles" ] || die "a lower layer imports a higher one:
$circles"
echo "ok"

step "invariant: no user-visible words in the UI's code outside app/src/i18n/"
# Text between tags in view! (`>"words"<`), and the attributes a person
# reads or hears. Allowed: names that are the same in every language.
allowed='^"(Wharf|IP|YAML|bash / sh)"$'
# (UTF-8, or \p{Han} matches nothing; no hit at all is fine.)
words=$({ LC_ALL=C.UTF-8 grep -rnoP '(>|\})\s*"(?![),;])[^"{}<>]*[A-Za-z\p{Han}][^"{}<>]*"\s*(<|\{)|(aria-label|title|placeholder|alt)="[^"]*[A-Za-z\p{Han}][^"]*"' \
    app/src --include='*.rs' || true; } | { grep -v '^app/src/i18n/' || true; } \
  | while IFS= read -r hit; do
      literal=$(grep -oP '"[^"]*"' <<<"${hit#*:*:}" | head -1)
      LC_ALL=C.UTF-8 grep -qP "$allowed" <<<"$literal" || echo "$hit"
    done)
[ -z "$words" ] || die "words outside app/src/i18n/ (add them to i18n/en.rs and zh_cn.rs):
$words"
echo "ok"
