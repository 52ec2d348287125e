#!/usr/bin/env bash
# Load benchmark of the join flow (POST /login -> GET /dev/outbox -> POST /verify), on 127.0.0.1 only.
#
#   bench/load/run.sh                      # 1, 16 and 64 clients, 10 s each
#   CLIENTS="64" DURATION=5 bench/load/run.sh
#
# Writes a CSV of $GUESTS guests into a temporary directory, imports it once into a template database,
# and for each client count: copies the template (a fresh database per run), starts the Release server
# (`roomgate serve --dev`, port picked by the kernel), measures its idle RSS, runs bench_load for
# $DURATION seconds, measures the RSS after the load, and stops the server. Every step is bounded in
# time; the temporary directory is removed at the end (KEEP=1 keeps it, with the server logs).
#
# CODES=log reads each code from the server's --dev console log (its stderr, the way a phone gets the SMS)
# instead of polling GET /dev/outbox, so the server serves only the two requests a real guest makes.
#
# Settings (environment): BUILD (default build-bench, relative to the repository), CLIENTS ("1 16 64"),
# DURATION (10), GUESTS (120000: each guest is used at most once per run, so this bounds the round
# trips of one run), SETTLE (1: seconds between start and the idle RSS reading).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build-bench}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CLIENTS=${CLIENTS:-"1 16 64"}
DURATION=${DURATION:-10}
GUESTS=${GUESTS:-120000}
SETTLE=${SETTLE:-1}
ROOMGATE="$BUILD/roomgate"
LOAD="$BUILD/bench/bench_load"
# Guest i: identity guest%06d, phone +1 650 2xx xxxx (valid US numbers for libphonenumber), room "Bench Room".
PHONE_PATTERN='+1650%07lld'
PHONE_BASE=2530000

for exe in "$ROOMGATE" "$LOAD"; do
  [[ -x "$exe" ]] || { echo "run.sh: $exe is missing; build it first:" >&2
    echo "  cmake -S $ROOT -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOMGATE_TESTS=OFF && ninja -C $BUILD roomgate bench_load" >&2
    exit 2; }
done

started_at=$(date +%s)
TMP=$(mktemp -d /tmp/roomgate-load.XXXXXX)
SERVER_PID=""
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
cleanup() {
  stop_server
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The server and the CLI read ./.env: run them where there is none.
cd "$TMP"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
# CPU time (ns) the scheduler has given all threads of a process, and its main (I/O) thread alone.
cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{s += $1} END {printf "%.0f", s}'; }
io_ns() { awk '{print $1}' "/proc/$1/task/$1/schedstat"; }
mb() { awk -v kb="$1" 'BEGIN {printf "%.1f", kb / 1024}'; }

echo "== roomgate load benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load average:$(uptime | sed 's/.*load average://')"
echo "   server $ROOMGATE, driver $LOAD, $DURATION s per run, clients: $CLIENTS"

awk -v n="$GUESTS" -v base="$PHONE_BASE" 'BEGIN {
  print "identity,phone,email,rooms"
  for (i = 0; i < n; i++) printf "guest%06d,+1650%07d,,Bench Room\n", i, base + i
}' > guests.csv
t0=$(date +%s.%N)
"$ROOMGATE" participants import guests.csv --db template.db > import.out
echo "   $(cat import.out) ($(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s)"
echo

summary=()
for c in $CLIENTS; do
  rm -f run.db run.db-wal run.db-shm
  cp template.db run.db
  "$ROOMGATE" serve --dev --listen 127.0.0.1:0 --rtc-port 0 --db run.db > server.out 2> "server-$c.log" &
  SERVER_PID=$!
  port=""
  for _ in $(seq 200); do
    port=$(sed -n 's#^roomgate listening on http://127\.0\.0\.1:\([0-9]*\)$#\1#p' server.out)
    [[ -n "$port" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:"; cat "server-$c.log"; exit 1; }
    sleep 0.05
  done
  [[ -n "$port" ]] || { echo "server did not start within 10 s"; cat "server-$c.log"; exit 1; }
  sleep "$SETTLE"
  idle=$(rss_kb "$SERVER_PID")
  echo "-- $c client(s): server pid $SERVER_PID on 127.0.0.1:$port, idle RSS $(mb "$idle") MB, load average:$(uptime | sed 's/.*load average://')"
  cpu0=$(cpu_ns "$SERVER_PID"); io0=$(io_ns "$SERVER_PID")
  # Bounded: bench_load stops starting round trips after $DURATION s and abandons any still in flight
  # 15 s later; `timeout` is a last resort.
  timeout $((DURATION + 60)) "$LOAD" --url "http://127.0.0.1:$port" --clients "$c" --duration "$DURATION" \
    --guests-prefix guest --guests-width 6 --guests "$GUESTS" \
    --phone-pattern "$PHONE_PATTERN" --phone-base "$PHONE_BASE" \
    ${CODES:+--codes-from "server-$c.log"} | tee "load-$c.txt"
  cpu1=$(cpu_ns "$SERVER_PID"); io1=$(io_ns "$SERVER_PID")
  rts=$(awk 'NR == 2 {print $2}' "load-$c.txt")
  # Server CPU per round trip: all threads, and the I/O thread (which serves every request) alone.
  per_rt=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$rts" 'BEGIN {printf "%.0f", (n > 0) ? (b - a) / n / 1000 : 0}')
  io_rt=$(awk -v a="$io0" -v b="$io1" -v n="$rts" 'BEGIN {printf "%.0f", (n > 0) ? (b - a) / n / 1000 : 0}')
  echo "   server CPU: $per_rt us per round trip, of which I/O thread $io_rt us"
  after=$(rss_kb "$SERVER_PID")
  peak=$(hwm_kb "$SERVER_PID")
  echo "   RSS after load $(mb "$after") MB (peak $(mb "$peak") MB)"
  stop_server
  summary+=("$(printf '%7s %12s %14s %13s %15s %14s' "$c" "$(mb "$idle")" "$(mb "$after")" "$(mb "$peak")" "$per_rt" "$io_rt")")
  echo
done

echo "== server RSS (VmRSS, VmHWM from /proc/PID/status) and CPU per round trip (from /proc/PID/task/*/schedstat)"
printf '%7s %12s %14s %13s %15s %14s\n' clients idle_MB after_load_MB peak_MB cpu_us/rt io_thread_us/rt
printf '%s\n' "${summary[@]}"
echo "== done in $(( $(date +%s) - started_at )) s; load average now:$(uptime | sed 's/.*load average://')"
