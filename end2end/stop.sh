#!/usr/bin/env bash
# Stops what start.sh started: Wharf, then the local cluster.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
LISTEN=${WHARF_LISTEN:-127.0.0.1:3000}
stop_server "${LISTEN##*:}"
bash "$ROOT/end2end/cluster/down.sh"
