#!/usr/bin/env bash
# A private PostgreSQL 15 (Debian's package) on 127.0.0.1 for the database tests. As root,
# without systemd; facts in ../shared/CLIENTS.md.
#
#   tools/postgres.sh start   install if missing, initdb the first time, start; waits until it answers
#   tools/postgres.sh stop
#   tools/postgres.sh env     prints DATABASE_URL_POSTGRESQL=... for the tests
#
# Everything lives under $PG_ROOT (default /var/tmp/openstack-rs/postgres). The tests create
# and drop one database per test next to the `cinder` database named in the URL.
set -euo pipefail

PG_ROOT=${PG_ROOT:-/var/tmp/openstack-rs/postgres}
PG_PORT=${PG_PORT:-54329}
PG_VERSION=${PG_VERSION:-15}
bin=/usr/lib/postgresql/$PG_VERSION/bin
data=$PG_ROOT/data
url=postgresql://postgres@127.0.0.1:$PG_PORT/cinder

# initdb and postgres refuse to run as root: run them as the package's `postgres` user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install() {
  if [ ! -x "$bin/pg_ctl" ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$PG_VERSION" >/dev/null
  fi
}

init() {
  mkdir -p "$PG_ROOT"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_ROOT"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$data" -A trust -U postgres --encoding=UTF8 --locale=C >"$PG_ROOT/initdb.log"
  fi
}

running() {
  as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  install
  init
  if ! running; then
    # Loopback only; durability off (test data); room for the tests' pools.
    as_pg "$bin/pg_ctl" -D "$data" -l "$PG_ROOT/postgres.log" -w -t 60 \
      -o "-k $PG_ROOT -h 127.0.0.1 -p $PG_PORT -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
  fi
  for _ in $(seq 1 60); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.5
  done
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || { echo "postgres did not start; see $PG_ROOT/postgres.log" >&2; exit 1; }
  if [ "$(as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'cinder'")" != 1 ]; then
    as_pg "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE cinder"
  fi
  env_lines
}

stop() {
  if [ -f "$data/PG_VERSION" ] && running; then
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

env_lines() {
  echo "DATABASE_URL_POSTGRESQL=$url"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_lines ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
