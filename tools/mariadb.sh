#!/usr/bin/env bash
# A private MariaDB (Debian's mariadb-server) on 127.0.0.1 for the database tests. As root,
# without systemd; facts in ../shared/CLIENTS.md.
#
#   tools/mariadb.sh start    install if missing, create the data directory the first time,
#                             start; waits until it answers
#   tools/mariadb.sh stop
#   tools/mariadb.sh env      prints DATABASE_URL_MYSQL=... for the tests
#
# Everything lives under $MY_ROOT (default /var/tmp/openstack-rs/mariadb). The URL uses
# upstream's spelling (mysql+pymysql://…?charset=utf8); user `cinder` may create databases,
# which the tests do, one per test.
set -euo pipefail

MY_ROOT=${MY_ROOT:-/var/tmp/openstack-rs/mariadb}
MY_PORT=${MY_PORT:-33069}
MY_PASSWORD=${MY_PASSWORD:-cinder-secret}
data=$MY_ROOT/data
sock=$MY_ROOT/mysqld.sock
pidfile=$MY_ROOT/mysqld.pid
url="mysql+pymysql://cinder:$MY_PASSWORD@127.0.0.1:$MY_PORT/cinder?charset=utf8"

install() {
  if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q mariadb-server >/dev/null
  fi
}

init() {
  mkdir -p "$MY_ROOT"
  if [ ! -d "$data/mysql" ]; then
    mariadb-install-db --no-defaults --user=root --datadir="$data" \
      --auth-root-authentication-method=socket --skip-test-db >"$MY_ROOT/install.log" 2>&1
  fi
}

running() {
  mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1
}

sql() {
  mariadb --no-defaults --socket="$sock" -uroot -e "$1"
}

start() {
  install
  init
  if ! running; then
    # Loopback only; durability relaxed (test data).
    setsid mariadbd --no-defaults --user=root --datadir="$data" --socket="$sock" \
      --pid-file="$pidfile" --bind-address=127.0.0.1 --port="$MY_PORT" --skip-name-resolve \
      --log-error="$MY_ROOT/error.log" --innodb-flush-log-at-trx-commit=0 --max-connections=300 \
      </dev/null >/dev/null 2>&1 &
    for _ in $(seq 1 120); do
      running && break
      sleep 0.5
    done
    running || { echo "mariadb did not start; see $MY_ROOT/error.log" >&2; exit 1; }
  fi
  sql "CREATE USER IF NOT EXISTS 'cinder'@'127.0.0.1' IDENTIFIED BY '$MY_PASSWORD';
       GRANT ALL PRIVILEGES ON *.* TO 'cinder'@'127.0.0.1';
       CREATE DATABASE IF NOT EXISTS cinder CHARACTER SET utf8mb4;"
  env_lines
}

stop() {
  if [ -f "$pidfile" ]; then
    local pid
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
  fi
}

env_lines() {
  echo "DATABASE_URL_MYSQL=$url"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_lines ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
