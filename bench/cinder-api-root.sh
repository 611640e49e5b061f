#!/usr/bin/env bash
# Benchmark: GET / of cinder-api through the full default pipeline (urlmap → request_id → cors
# → http_proxy_to_wsgi → faultwrap → versions app), next to a bare hyper "hello" server
# measured in the same run. Prints requests/s and p99 latency at 64 connections, the ratio,
# RSS per worker, and the time from exec to the first 200 (on /healthcheck) and to the first
# answer on GET /. Not a test: figures only.
#
# Knobs (env): WORKERS (2), DURATION (10s), CONNECTIONS (64), THREADS (2), PORT (18776), HELLO_PORT (18080)
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS=${WORKERS:-2}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18776}
HELLO_PORT=${HELLO_PORT:-18080}

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build -q --release -p openstack-cinder --bins
cargo build -q --release -p openstack-http --example hello

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cp etc/cinder/api-paste.ini "$work/"
cat > "$work/cinder.conf" <<CONF
[DEFAULT]
auth_strategy = noauth
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $PORT
osapi_volume_workers = $WORKERS
api_paste_config = api-paste.ini
state_path = $work
log_file = $work/cinder-api.log
CONF

wrk_run() { # url → "rps p99_ms"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" > "$work/wrk.out"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; print v}' "$work/wrk.out")
  echo "$rps $p99"
}
now_ms() { date +%s%3N; }

# --- baseline: bare hyper hello ------------------------------------------------------------
target/release/examples/hello "$HELLO_PORT" >/dev/null & pids+=($!)
until curl -fs "http://127.0.0.1:$HELLO_PORT/" >/dev/null; do sleep 0.05; done
read -r hello_rps hello_p99 < <(wrk_run "http://127.0.0.1:$HELLO_PORT/")

# --- cinder-api ----------------------------------------------------------------------------
t0=$(now_ms)
target/release/cinder-api --config-file "$work/cinder.conf" >/dev/null 2>&1 & api=$!; pids+=($api)
until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do sleep 0.005; done
t_first=$(( $(now_ms) - t0 ))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthcheck")" = 200 ]; do sleep 0.005; done
t_200=$(( $(now_ms) - t0 ))
read -r api_rps api_p99 < <(wrk_run "http://127.0.0.1:$PORT/")
children=$(pgrep -P "$api" | tr '\n' ' ')
rss_parent=$(awk '/VmRSS/ {print $2}' "/proc/$api/status")
rss_workers=""
for c in $children; do rss_workers="$rss_workers $(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$c/status")"; done

ratio=$(awk -v a="$api_rps" -v h="$hello_rps" 'BEGIN {printf "%.2f", a/h}')
echo
echo "GET / at $CONNECTIONS connections, $THREADS wrk threads, $DURATION, $WORKERS workers ($(nproc) CPUs)"
printf '%-34s %12s %10s\n' "server" "requests/s" "p99 (ms)"
printf '%-34s %12s %10s\n' "bare hyper hello (1 process)" "$hello_rps" "$hello_p99"
printf '%-34s %12s %10s\n' "cinder-api full pipeline" "$api_rps" "$api_p99"
echo "ratio cinder-api / hello: $ratio"
echo "RSS: parent $(awk -v k="$rss_parent" 'BEGIN {printf "%.1f", k/1024}') MiB, workers (MiB):$rss_workers"
echo "exec → first answer on GET /: ${t_first} ms; exec → first 200 (/healthcheck): ${t_200} ms"
