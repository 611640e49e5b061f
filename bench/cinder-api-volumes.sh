#!/usr/bin/env bash
# Benchmark: upstream Python cinder-api next to ours, in one run, with the same workload
# (../shared/bench/python-cinder/bench.sh): cold start, RSS, GET /, GET /v3/{p}/types,
# GET /v3/{p}/volumes/detail with 100 volumes, and the POST /v3/{p}/volumes rate at
# concurrency 8 (upstream answers 11–16 % of those with 500 "database is locked" on SQLite;
# ours must answer none) and 1. Both run noauth, 2 workers, SQLite, quotas off.
# Not a test: figures only. Knobs: those of bench.sh (DURATION, WRK_CONNS, NVOLS, ...);
# SKIP_UPSTREAM=1 benchmarks ours only.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=$(cd ../shared/bench/python-cinder && pwd)
PORT=${PORT:-18777}
PROJECT_ID=${PROJECT_ID:-6c0b2a0e5e1d4d7f9d3b2f1e0a9c8b7d}

cargo build -q --release -p openstack-cinder --bins
work=/var/tmp/openstack-rs/bench-ours
rm -rf "$work" && mkdir -p "$work"
cp etc/cinder/api-paste.ini "$work/"
cat > "$work/cinder.conf" <<CONF
[DEFAULT]
auth_strategy = noauth
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $PORT
osapi_volume_workers = 2
api_paste_config = api-paste.ini
state_path = $work
log_file = $work/cinder-api.log
quota_volumes = -1
quota_gigabytes = -1
CONF

# The cold-start step waits for a 200 on /types, so the database must exist first (setup.sh
# does the same for upstream).
target/release/cinder-manage --config-file "$work/cinder.conf" db sync >/dev/null

if [ "${SKIP_UPSTREAM:-0}" != 1 ]; then
  bash "$shared/setup.sh" >/dev/null
  echo "== upstream Python cinder-api =="
  LABEL=cinder-py bash "$shared/bench.sh"
fi
echo "== openstack-rs cinder-api =="
START_CMD="$PWD/target/release/cinder-api --config-file $work/cinder.conf" \
RESET_CMD="rm -f $work/cinder.sqlite* && $PWD/target/release/cinder-manage --config-file $work/cinder.conf db sync" \
BASE_URL=http://127.0.0.1:$PORT PROJECT_ID=$PROJECT_ID LABEL=ours \
  bash "$shared/bench.sh"
