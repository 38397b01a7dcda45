#!/bin/bash
# apiserver.sh - disturbs the local cluster's kube-apiserver, for tests:
#   stop      SIGSTOP: it hangs; its connections stay open and silent
#   cont      SIGCONT, then waits until /readyz answers
#   restart   SIGTERM, waits until it is gone, starts it again with the same
#             command line and environment, appending to the same log and
#             writing the same pid file (so down.sh still stops exactly what
#             up.sh started), then waits until /readyz answers
#   ready     waits until /readyz answers (exit 1 if it does not in time)
# It only touches the process named in up.sh's pid file, and refuses when
# that file is missing or its pid is not a kube-apiserver. It only talks to,
# and only restarts, an apiserver bound to 127.0.0.1. Whatever fails half-way,
# it never leaves the apiserver stopped (SIGSTOP) unless `stop` was asked.
#   KUBE_LOCAL_APISERVER_TIMEOUT (60)  seconds to wait for /readyz
#   KUBE_LOCAL_APISERVER_TERM (20)     seconds to wait after SIGTERM before SIGKILL
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

S=$KUBE_LOCAL_STATE
NAME=kube-apiserver
PIDFILE=$S/pids/$NAME.pid
LOG=$S/logs/$NAME.log
TIMEOUT=${KUBE_LOCAL_APISERVER_TIMEOUT:-60}
TERM_WAIT=${KUBE_LOCAL_APISERVER_TERM:-20}
# Like up.sh: no proxy (curl would send 127.0.0.1 through one), no cloud metadata.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
export AWS_EC2_METADATA_DISABLED=true

step() { lk_log "apiserver.sh: $*"; }
usage() { echo "usage: $0 stop|cont|restart|ready" >&2; exit 2; }

# The pid up.sh recorded, if it still is a kube-apiserver (pids can be reused;
# checked as down.sh does, by /proc/PID/exe).
apiserver_pid() {
  [ -d "$S" ] || lk_die "no state dir $S: is the local cluster up (up.sh)?"
  [ -s "$PIDFILE" ] || lk_die "no pid file $PIDFILE: refusing (only the apiserver up.sh started is touched)"
  local pid exe
  pid=$(cat "$PIDFILE")
  [[ $pid =~ ^[0-9]+$ ]] || lk_die "$PIDFILE holds '$pid', not a pid"
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || lk_die "pid $pid from $PIDFILE is not running"
  [ "$(basename "${exe% (deleted)}")" = "$NAME" ] \
    || lk_die "pid $pid from $PIDFILE runs '$exe', not $NAME: refusing"
  echo "$pid"
}

# /readyz as up.sh's wait_for asks it: the cluster CA, the admin token.
ADMIN_TOKEN=${KUBE_LOCAL_ADMIN_TOKEN:-}
if [ -z "$ADMIN_TOKEN" ] && [ -r "$S/tokens.csv" ]; then
  ADMIN_TOKEN=$(awk -F, '$2 == "admin" {print $1; exit}' "$S/tokens.csv")
fi
readyz() { # port
  curl -fsS -m 5 --noproxy '*' --cacert "$S/pki/ca.crt" ${ADMIN_TOKEN:+-H "Authorization: Bearer $ADMIN_TOKEN"} \
    "https://127.0.0.1:$1/readyz" >/dev/null 2>&1
}
# The port of the running apiserver, from its command line (only 127.0.0.1).
PORT=$KUBE_LOCAL_API_PORT
port_of() { # pid
  local arg bind="" port=""
  while IFS= read -r -d '' arg; do
    case $arg in
      --bind-address=*) bind=${arg#*=} ;;
      --secure-port=*) port=${arg#*=} ;;
    esac
  done <"/proc/$1/cmdline"
  [ "$bind" = 127.0.0.1 ] || lk_die "pid $1 is not bound to 127.0.0.1 only (--bind-address='$bind'): refusing"
  echo "${port:-$KUBE_LOCAL_API_PORT}"
}

# Running, not a zombie (a restarted apiserver is our child until we exit).
alive() { # pid
  kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# As up.sh's wait_for: poll every 0.5 s until the deadline, and stop early
# (with the log's last lines) if the process in the pid file has exited.
wait_ready() {
  local deadline=$(( $(date +%s) + TIMEOUT )) t0=$SECONDS p
  until readyz "$PORT"; do
    p=$(cat "$PIDFILE" 2>/dev/null || true)
    if [ -z "$p" ] || ! alive "$p"; then
      lk_log "$NAME exited; last lines of $LOG:"; tail -n 40 "$LOG" >&2 || true
      lk_die "$NAME /readyz: $NAME is not running"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      lk_log "timeout; last lines of $LOG:"; tail -n 40 "$LOG" >&2 || true
      lk_die "timed out after ${TIMEOUT}s waiting for $NAME /readyz"
    fi
    sleep 0.5
  done
  step "/readyz on 127.0.0.1:$PORT answers ($((SECONDS - t0)) s)"
}

# Never leave it stopped: on any failure (or interruption) once it has been
# signalled, continue the apiserver named in the pid file, if it is ours.
SIGNALLING=0
on_exit() {
  local rc=$? p exe
  if [ $rc != 0 ] && [ $SIGNALLING = 1 ]; then
    p=$(cat "$PIDFILE" 2>/dev/null || true)
    exe=$(readlink "/proc/$p/exe" 2>/dev/null || true)
    if [ -n "$p" ] && [ "$(basename "${exe% (deleted)}")" = "$NAME" ]; then
      kill -CONT "$p" 2>/dev/null && lk_log "apiserver.sh: failed (rc $rc): sent SIGCONT to $NAME pid $p, so it is not left stopped"
    fi
  fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

[ "$(id -u)" = 0 ] || lk_die "must run as root (the cluster's processes are root's)"
[ $# = 1 ] || usage
# One disturbance at a time (a test's cleanup may race its own restart).
[ -d "$S/pids" ] || lk_die "no $S/pids: is the local cluster up (up.sh)?"
exec 9>"$S/apiserver.sh.lock"
flock -w $((TIMEOUT + 30)) 9 || lk_die "another apiserver.sh is still running"

case $1 in
  stop)
    pid=$(apiserver_pid)
    SIGNALLING=1
    kill -STOP "$pid"
    step "sent SIGSTOP to $NAME pid $pid: it hangs until 'apiserver.sh cont'"
    ;;
  cont)
    pid=$(apiserver_pid)
    PORT=$(port_of "$pid")
    SIGNALLING=1
    kill -CONT "$pid"
    step "sent SIGCONT to $NAME pid $pid"
    wait_ready
    ;;
  ready)
    pid=$(apiserver_pid)
    PORT=$(port_of "$pid")
    wait_ready
    ;;
  restart)
    pid=$(apiserver_pid)
    PORT=$(port_of "$pid")
    # Exactly what up.sh ran: argv, environment and working directory.
    mapfile -d '' argv <"/proc/$pid/cmdline"
    mapfile -d '' envv0 <"/proc/$pid/environ"
    # ... less any proxy (up.sh unsets them), and never a cloud metadata lookup.
    envv=()
    for e in "${envv0[@]}"; do
      case ${e%%=*} in
        [Hh][Tt][Tt][Pp]_[Pp][Rr][Oo][Xx][Yy] | [Hh][Tt][Tt][Pp][Ss]_[Pp][Rr][Oo][Xx][Yy] | \
        [Aa][Ll][Ll]_[Pp][Rr][Oo][Xx][Yy] | [Nn][Oo]_[Pp][Rr][Oo][Xx][Yy] | AWS_EC2_METADATA_DISABLED) ;;
        *) if [[ $e == *=* ]]; then envv+=("$e"); fi ;;
      esac
    done
    envv+=(AWS_EC2_METADATA_DISABLED=true)
    [ ${#argv[@]} -gt 1 ] && [ "$(basename "${argv[0]}")" = "$NAME" ] \
      || lk_die "cannot read the command line of pid $pid"
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
    [ -n "$cwd" ] && [ -d "$cwd" ] || cwd=$S
    step "read the command line of $NAME pid $pid (${#argv[@]} words, ${#envv[@]} environment entries, cwd $cwd)"
    SIGNALLING=1
    # A stopped process does not act on SIGTERM until it is continued.
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid"
    step "sent SIGTERM to $NAME pid $pid; waiting up to ${TERM_WAIT}s for it to exit"
    deadline=$(( $(date +%s) + TERM_WAIT )); t0=$SECONDS; killed=0
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$(date +%s)" -ge "$deadline" ]; then
        # As down.sh: a process that ignores TERM gets KILL (a draining
        # apiserver that is never restarted would leave the cluster down).
        [ $killed = 1 ] && lk_die "$NAME pid $pid survives SIGKILL: not restarted"
        step "$NAME pid $pid still runs ${TERM_WAIT}s after SIGTERM: sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        killed=1; deadline=$(( $(date +%s) + 10 ))
      fi
      sleep 0.2
    done
    step "$NAME pid $pid exited ($((SECONDS - t0)) s)"
    printf '\n==== %s: restarted by end2end/cluster/apiserver.sh ====\n' "$(date -u +%FT%TZ)" >>"$LOG"
    # As up.sh's start_bg: detached (setsid, stdin /dev/null), the shell
    # writes its own pid, then execs the program (same pid); and with the
    # environment the old process had.
    rm -f "$PIDFILE.tmp"
    (cd "$cwd" && exec setsid env -i "${envv[@]}" /bin/sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
      "$PIDFILE" "${argv[@]}" >>"$LOG" 2>&1 </dev/null 9>&-) &
    for ((i = 0; i < 100; i++)); do
      new=$(cat "$PIDFILE" 2>/dev/null || true)
      [ -n "$new" ] && [ "$new" != "$pid" ] && break
      sleep 0.05
    done
    [ -n "$new" ] && [ "$new" != "$pid" ] || lk_die "could not start $NAME again (see $LOG)"
    step "started $NAME again as pid $new (same command line; log appended to $LOG; pid in $PIDFILE)"
    wait_ready
    ;;
  *) usage ;;
esac
