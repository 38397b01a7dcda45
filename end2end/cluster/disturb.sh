#!/usr/bin/env bash
# disturb.sh - disturbs the local cluster's kube-apiserver, for the outage
# tests: `stop` (SIGSTOP: it hangs, connections stay open and silent),
# `cont` (SIGCONT), `restart` (SIGTERM, then the same command line again,
# into the same log and pid file, so that down.sh still stops exactly what
# up.sh started), and `answers` (exit 0 when /readyz answers).
# It touches only the process named in up.sh's pid file.
set -euo pipefail
. "$(dirname "$0")/common.sh"
S=$KUBE_LOCAL_STATE
PIDFILE=$S/pids/kube-apiserver.pid
LOG=$S/logs/kube-apiserver.log

apiserver_pid() {
  [ -s "$PIDFILE" ] || lk_die "no $PIDFILE: is the local cluster up (up.sh)?"
  local pid
  pid=$(cat "$PIDFILE")
  # The pid must still be the apiserver up.sh started, not a reused number.
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = kube-apiserver ] \
    || lk_die "pid $pid from $PIDFILE is not a running kube-apiserver"
  echo "$pid"
}

answers() {
  # /readyz is public (system:public-info-viewer): no credential needed.
  curl -fsS -m 3 --cacert "$S/pki/ca.crt" "https://127.0.0.1:$KUBE_LOCAL_API_PORT/readyz" >/dev/null 2>&1
}

wait_answers() {
  local deadline=$(( $(date +%s) + 90 ))
  until answers; do
    [ "$(date +%s)" -lt "$deadline" ] || lk_die "kube-apiserver does not answer /readyz after 90 s"
    sleep 0.5
  done
}

case ${1:-} in
  stop)
    pid=$(apiserver_pid)
    kill -STOP "$pid"
    lk_log "kube-apiserver $pid stopped (SIGSTOP)"
    ;;
  cont)
    pid=$(apiserver_pid)
    kill -CONT "$pid"
    wait_answers
    lk_log "kube-apiserver $pid continued (SIGCONT) and answers"
    ;;
  restart)
    pid=$(apiserver_pid)
    mapfile -d '' argv <"/proc/$pid/cmdline"
    # A stopped process does not act on SIGTERM until continued.
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid"
    # It drains for up to a minute; the tests need a restart, not a drain.
    deadline=$(( $(date +%s) + 10 ))
    while kill -0 "$pid" 2>/dev/null; do
      [ "$(date +%s)" -lt "$deadline" ] || kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    done
    lk_log "kube-apiserver $pid ended; starting it again"
    # As up.sh's start_bg: the shell writes its own pid, then execs.
    setsid sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$PIDFILE" "${argv[@]}" \
      >>"$LOG" 2>&1 </dev/null &
    wait_answers
    lk_log "kube-apiserver $(cat "$PIDFILE") answers again"
    ;;
  answers)
    answers
    ;;
  *)
    echo "usage: $0 stop|cont|restart|answers" >&2
    exit 2
    ;;
esac
