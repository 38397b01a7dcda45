#!/usr/bin/env bash
# Runs every test of Wharf on this machine, installing what is missing:
# static checks, unit tests, the server against the real local Kubernetes,
# and the browser tests in headless Chromium. Uses a running local cluster
# if there is one (bash end2end/start.sh), else brings one up and always
# tears it down at the end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T0=$SECONDS
ADMIN_LISTEN=127.0.0.1:3100
RESTRICTED_LISTEN=127.0.0.1:3101
MULTI_LISTEN=127.0.0.1:3102
CLUSTERS_LISTEN=127.0.0.1:3103
MULTI_CLUSTERS_LISTEN=127.0.0.1:3104
OWN_CLUSTER=0
OWN_SECOND_CLUSTER=0

cleanup() {
  local rc=$?
  stop_server 3100 || true
  stop_server 3101 || true
  stop_server 3102 || true
  stop_server 3103 || true
  stop_server 3104 || true
  if [ $OWN_SECOND_CLUSTER = 1 ]; then
    step "second cluster: down"
    second_cluster down || true
  fi
  if [ $OWN_CLUSTER = 1 ]; then
    step "local cluster: down"
    KUBE_LOCAL_SAVE_LOGS=$ROOT/target/kube-logs bash "$ROOT/end2end/cluster/down.sh" >/dev/null || true
  fi
  printf 'target/: %s\n' "$(du -sh "$ROOT/target" 2>/dev/null | cut -f1)" >&2
  printf '\nend2end/test.sh: %s after %d s\n' "$([ $rc = 0 ] && echo PASSED || echo FAILED)" $((SECONDS - T0)) >&2
  exit $rc
}
trap cleanup EXIT

# One build from a clean tree: incremental caches would only cost disk
# (several GB on this workspace) and CI shares the disk with everything else.
export CARGO_INCREMENTAL=0
step "disk before: $(df -h --output=avail "$ROOT" | tail -1 | tr -d ' ') free"
install_tools
bash end2end/checks.sh

if cluster_running; then
  step "using the running local cluster"
else
  step "local cluster: install (cached after the first run) and up"
  bash end2end/cluster/install.sh
  OWN_CLUSTER=1
  bash end2end/cluster/up.sh
fi
. /tmp/local-kube/env
if second_cluster_running; then
  step "using the running second cluster"
else
  step "second cluster (control plane only, other ports): up"
  OWN_SECOND_CLUSTER=1
  second_cluster up
fi
clusters_kubeconfig
export WHARF_CLUSTERS_KUBECONFIG=$WHARF_STATE/clusters.kubeconfig

step "cargo test: unit tests, and the server's k8s module against the cluster"
cargo test --workspace -- --include-ignored

# The browser gets the release wasm (the bundle users get, and its size is
# reported); the server is the debug build whose dependencies cargo test built.
WHARF_SERVER_PROFILE=dev build_wharf
step "start Wharf twice: as the admin, and as the restricted user dev"
# The admin's Wharf may be framed by one other origin (pods.test.mjs serves
# a parent page there, and one on a port that is not allowed).
EMBED_PARENT=http://127.0.0.1:3190
WHARF_EMBED_ORIGINS=$EMBED_PARENT start_server $ADMIN_LISTEN "$KUBE_LOCAL_ADMIN_KUBECONFIG"
start_server $RESTRICTED_LISTEN "$KUBE_LOCAL_RESTRICTED_KUBECONFIG"
step "and a third in multi-user mode (users sign in, or come through a proxy with a bearer token; sessions end 20 s after sign-in, for the test)"
WHARF_AUTH=multi-user WHARF_SESSION_MAX_SECONDS=20 WHARF_TRUST_PROXY_AUTH=true start_server $MULTI_LISTEN "$KUBE_LOCAL_ADMIN_KUBECONFIG"

step "and two serving three clusters (kube-a, kube-b, and kube-off at a closed port): local mode, and multi-user"
# (With a NodePort range of its own, which only its forms check.)
WHARF_NODE_PORT_RANGE=20000-22767 start_server $CLUSTERS_LISTEN "$WHARF_CLUSTERS_KUBECONFIG"
WHARF_AUTH=multi-user start_server $MULTI_CLUSTERS_LISTEN "$WHARF_CLUSTERS_KUBECONFIG"

step "browser tests (Chromium, playwright-core)"
(cd end2end && WHARF_URL=http://$ADMIN_LISTEN WHARF_RESTRICTED_URL=http://$RESTRICTED_LISTEN WHARF_EMBED_PARENT=$EMBED_PARENT \
  WHARF_MULTI_URL=http://$MULTI_LISTEN \
  WHARF_CLUSTERS_URL=http://$CLUSTERS_LISTEN WHARF_MULTI_CLUSTERS_URL=http://$MULTI_CLUSTERS_LISTEN \
  WHARF_DEV_B_KUBECONFIG=$WHARF_STATE/dev-b.kubeconfig \
  node --test --test-concurrency=1 tests/)
step "the apiserver hung (SIGSTOP, 20 s) and restarted under an open live list (alone: it disturbs the whole cluster)"
(cd end2end && WHARF_URL=http://$ADMIN_LISTEN WHARF_DISTURB_APISERVER=1 node --test tests/outage.test.mjs)
echo "screenshots: end2end/artifacts/"

step "Wharf inside the cluster: its image, kubectl apply -k, two replicas behind a balancer"
bash end2end/incluster.sh

step "no credential in any server log"
for kc in "$KUBE_LOCAL_ADMIN_KUBECONFIG" "$KUBE_LOCAL_RESTRICTED_KUBECONFIG" /tmp/local-kube-b/admin.kubeconfig "$WHARF_STATE/dev-b.kubeconfig"; do
  token=$(awk '/token:/{print $2; exit}' "$kc")
  if [ -n "$token" ] && grep -qF "$token" "$WHARF_STATE"/server-310*.log; then
    die "a token from $kc appears in a server log"
  fi
done
echo "ok: $(cat "$WHARF_STATE"/server-310*.log | wc -l) log lines, no token"
