#!/usr/bin/env bash
# Rehearses a newcomer's fresh machine: clones this repository's committed
# HEAD into an empty directory and runs the README's two commands there
# (bash end2end/start.sh, then bash end2end/test.sh, then end2end/stop.sh)
# with empty homes and caches: RUSTUP_HOME, CARGO_HOME (so no toolchain, no
# wasm-bindgen-cli, no cargo registry), HOME (so no npm, Go or Kubernetes
# binary cache), no node_modules, no target/. Unattended, no terminal.
#
# What it cannot empty: the apt packages already on this machine (Chromium,
# Node.js, Go, containerd, ...); the scripts install those with apt-get when
# absent. The rustup program itself is copied in (a machine of this kind has
# rustup; rustup-init is the same program under another name).
#
# About an hour on 2 cores, and 20 GB of disk under $FRESH_DIR. Stop the
# local cluster first (bash end2end/stop.sh): the rehearsal brings up its own.
#   FRESH_DIR (/tmp/wharf-fresh)   where the clone, homes and caches go
#   FRESH_KEEP=1                    keep $FRESH_DIR afterwards (default: removed)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
WORK=${FRESH_DIR:-/tmp/wharf-fresh}
LOG=${FRESH_LOG:-$SRC/target/fresh-machine.log}

die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
rustup_bin=$(command -v rustup) || die "rustup is not on PATH"
if [ -f /tmp/local-kube/env ] && (. /tmp/local-kube/env && kubectl get --raw /readyz --request-timeout=3s) >/dev/null 2>&1; then
  die "a local cluster is running: stop it first (bash end2end/stop.sh)"
fi

rm -rf "$WORK"
mkdir -p "$WORK/home" "$(dirname "$LOG")"
exec > >(tee "$LOG") 2>&1
STEPS=$WORK/steps   # lib.sh's step() appends "<epoch> <name>" here
git clone --quiet --no-hardlinks "$SRC" "$WORK/wharf"
commit=$(git -C "$WORK/wharf" rev-parse --short HEAD)

# Nothing of this machine's Rust, npm, Go or Kubernetes set-up leaks in.
env_fresh=(env -i
  HOME="$WORK/home" RUSTUP_HOME="$WORK/rustup" CARGO_HOME="$WORK/cargo"
  PATH="$WORK/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  LANG=C.UTF-8 TERM=dumb WHARF_STATE="$WORK/state" WHARF_STEP_LOG="$STEPS")

declare -a names times results
run_step() {
  local name=$1; shift
  local t0=$SECONDS rc=0
  printf '\n=== %s (%s)\n' "$name" "$(date +%H:%M:%S)"
  (cd "$WORK/wharf" && setsid -w "${env_fresh[@]}" "$@" </dev/null) || rc=$?
  names+=("$name"); times+=($((SECONDS - t0))); results+=("$([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")")
  return $rc
}

summary() {
  local rc=$? i
  printf '\nfresh-machine rehearsal of %s, %s\n' "$commit" "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf '| step | time | result |\n| --- | --- | --- |\n'
  for i in "${!names[@]}"; do
    printf '| %s | %d min %02d s | %s |\n' "${names[$i]}" $((times[i] / 60)) $((times[i] % 60)) "${results[$i]}"
  done
  printf '\nThe scripts\x27 own steps (each until the next):\n'
  if [ -f "$STEPS" ]; then
    awk -v end="$(date +%s)" '{ t[NR] = $1; $1 = ""; n[NR] = $0 }
      END { for (i = 1; i <= NR; i++) { d = (i < NR ? t[i+1] : end) - t[i]; printf "| %s | %d min %02d s |\n", n[i], d / 60, d % 60 } }' "$STEPS"
  fi
  # Whatever happened, leave no cluster or server behind.
  (cd "$WORK/wharf" && "${env_fresh[@]}" bash end2end/stop.sh) >/dev/null 2>&1 || true
  [ "${FRESH_KEEP:-0}" = 1 ] || rm -rf "$WORK"
  exit $rc
}
trap summary EXIT

printf 'fresh machine: %s, commit %s, homes under %s\n' "$(uname -srm)" "$commit" "$WORK"
run_step "rustup-init (rustup only, no toolchain)" \
  bash -c "cp '$rustup_bin' '$WORK/rustup-init' && '$WORK/rustup-init' -y --no-modify-path --default-toolchain none --profile minimal"
run_step "bash end2end/start.sh" bash end2end/start.sh
curl -fsS -o /dev/null http://127.0.0.1:3000/ || die "Wharf does not answer on 127.0.0.1:3000 after start.sh"
run_step "bash end2end/test.sh" bash end2end/test.sh
run_step "bash end2end/stop.sh" bash end2end/stop.sh
