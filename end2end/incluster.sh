#!/usr/bin/env bash
# Wharf inside the local cluster, as an operator would install it: the
# image built from scratch (the server statically linked for musl, dev
# profile: one more build of the server, not a release one), imported into
# the cluster's containerd, `kubectl apply -k` of the test overlay of
# server/deploy/base (two replicas), then the in-cluster tests through a
# balancer without sticky sessions, and the sign-in and leak tests again
# through it. Called by test.sh with the cluster up, the site built ($SITE)
# and the local Wharfs still running (the leak test also visits them).
# Leaves nothing behind: namespace, image and balancer go at the end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
. /tmp/local-kube/env
IMAGE=localhost/wharf:test
TAR=$ROOT/target/wharf-image.tar
CTR="ctr --address /tmp/local-kube/containerd/containerd.sock -n k8s.io"
BALANCER=127.0.0.1:3200
BALANCER_CONTROL=127.0.0.1:3201
balancer_pid=

cleanup() {
  local rc=$?
  [ -n "$balancer_pid" ] && kill "$balancer_pid" 2>/dev/null || true
  if [ $rc != 0 ]; then
    kubectl -n wharf get pods -o wide >&2 || true
    for pod in $(kubectl -n wharf get pods -o name 2>/dev/null); do
      echo "--- $pod" >&2; kubectl -n wharf logs "$pod" --tail=30 >&2 || true
    done
  fi
  kubectl delete namespace wharf --ignore-not-found --wait=false >/dev/null 2>&1 || true
  $CTR images rm "$IMAGE" >/dev/null 2>&1 || true
  rm -f "$TAR" "$ROOT/target/wharf-server.musl"
  exit $rc
}
trap cleanup EXIT

step "build the server for the image (musl, static, dev profile)"
cargo build -p wharf-server --bin wharf-server --target x86_64-unknown-linux-musl --quiet
# Without symbols: 96 MB instead of 260 (the dev profile has no debug info,
# but a symbol table as long as leptos' type names).
BIN=$ROOT/target/wharf-server.musl
strip -o "$BIN" "$ROOT/target/x86_64-unknown-linux-musl/debug/wharf-server"
step "the image, from scratch: the server and the site ($SITE)"
bash server/deploy/image.sh "$BIN" "$SITE" "$TAR" "$IMAGE"
$CTR images import "$TAR" >/dev/null
# The list first, then grep: `ctr … | grep -q` under pipefail fails when
# grep has its match and exits while ctr still writes (SIGPIPE): the likely
# cause of one CI failure at this check.
images=$($CTR images ls -q)
grep -qx "$IMAGE" <<<"$images" || die "$IMAGE is not in the cluster's containerd after the import (it has: ${images//$'\n'/, })"

step "kubectl apply -k end2end/deploy (the base, two replicas, with a fresh session key)"
kubectl create namespace wharf --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl -n wharf create secret generic wharf-session-keys \
  --from-literal=keys="$(head -c 32 /dev/urandom | base64 -w0)" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
# The restricted user signs in here; the tests' namespace must be its own.
kubectl apply -k end2end/deploy
kubectl -n wharf rollout status deployment/wharf --timeout=180s

step "a balancer without sticky sessions on $BALANCER (the Service's ready endpoints)"
BALANCER_LISTEN=$BALANCER BALANCER_CONTROL=$BALANCER_CONTROL node end2end/incluster/balancer.mjs \
  >"$WHARF_STATE/balancer.log" 2>&1 &
balancer_pid=$!
deadline=$((SECONDS + 30))
until curl -fsS -m 2 -o /dev/null "http://$BALANCER/sign-in"; do
  [ $SECONDS -lt $deadline ] || die "the balancer did not reach Wharf in 30 s ($(cat "$WHARF_STATE/balancer.log"))"
  sleep 0.5
done

step "in-cluster tests: replicas, sessions across them, SIGTERM, readiness, metrics, guards"
(cd end2end && WHARF_INCLUSTER_URL=http://$BALANCER WHARF_BALANCER_CONTROL=http://$BALANCER_CONTROL \
  node --test --test-concurrency=1 incluster/incluster.test.mjs)
step "the sign-in and leak tests again, against the in-cluster Wharf through the balancer"
(cd end2end && WHARF_MULTI_URL=http://$BALANCER WHARF_MULTI_MAX_SECONDS=20 \
  node --test --test-concurrency=1 tests/signin.test.mjs tests/leaks.test.mjs)

step "no credential in the in-cluster Wharf's logs"
# A replica the tests just stopped may be going: its container is gone, and
# so is its log ("container … is terminated"). The running ones are read;
# the request-id check below fails if none was.
logs=$(for pod in $(kubectl -n wharf get pods -o name); do
  kubectl -n wharf logs "$pod" || echo "($pod has stopped: no log to read)" >&2
done)
for kc in "$KUBE_LOCAL_ADMIN_KUBECONFIG" "$KUBE_LOCAL_RESTRICTED_KUBECONFIG"; do
  token=$(awk '/token:/{print $2; exit}' "$kc")
  if [ -n "$token" ] && grep -qF "$token" <<<"$logs"; then
    die "a token from $kc appears in the in-cluster Wharf's log"
  fi
done
grep -q '"id":' <<<"$logs" || die "the JSON log lines carry no request id"
echo "ok: $(wc -l <<<"$logs") JSON log lines, no token, with request ids"
