#!/usr/bin/env bash
# Brings up the local Kubernetes (building it the first time, ~15 min) and
# starts Wharf on it as the cluster's admin. Prints the URL.
#   WHARF_LISTEN (127.0.0.1:3000)  WHARF_PROFILE (release|dev)
# Stop with: bash end2end/stop.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
LISTEN=${WHARF_LISTEN:-127.0.0.1:3000}

install_tools
if cluster_running; then
  step "local cluster already running"
else
  step "local cluster: install (cached after the first run) and up"
  bash "$ROOT/end2end/cluster/install.sh"
  bash "$ROOT/end2end/cluster/up.sh"
fi
. /tmp/local-kube/env
build_wharf
step "start Wharf on $LISTEN"
start_server "$LISTEN" "$KUBE_LOCAL_ADMIN_KUBECONFIG"
cat <<MSG

Wharf is running at http://$LISTEN/   (signed in as the cluster admin)
  log:        $WHARF_STATE/server-${LISTEN##*:}.log
  kubectl:    . /tmp/local-kube/env && kubectl get ns
  restricted: --kubeconfig $KUBE_LOCAL_RESTRICTED_KUBECONFIG (user dev, namespace dev)
  stop:       bash end2end/stop.sh
MSG
