#!/usr/bin/env bash
# Install (from PyPI) and run a real Keystone on 127.0.0.1 for the authtoken tests.
#
#   tools/keystone.sh install     venv with keystone + gunicorn (OpenStack's upper-constraints)
#   tools/keystone.sh start       configure (first time), db_sync, bootstrap, start gunicorn; waits until it answers
#   tools/keystone.sh stop
#   tools/keystone.sh env         prints KEYSTONE_URL=... lines for the tests
#
# Everything lives under $KEYSTONE_ROOT (default /var/tmp/openstack-rs/keystone).
# Facts about running PyPI keystone this way: ../shared/CLIENTS.md.
set -euo pipefail

KEYSTONE_ROOT=${KEYSTONE_ROOT:-/var/tmp/openstack-rs/keystone}
KEYSTONE_PORT=${KEYSTONE_PORT:-35357}
KEYSTONE_VERSION=${KEYSTONE_VERSION:-30.0.0}
ADMIN_PASSWORD=${KEYSTONE_ADMIN_PASSWORD:-admin-secret}
SERVICE_PASSWORD=${KEYSTONE_SERVICE_PASSWORD:-cinder-secret}
here=$(cd "$(dirname "$0")" && pwd)
constraints=${UPPER_CONSTRAINTS:-$here/../../shared/python/upper-constraints.txt}
venv=$KEYSTONE_ROOT/venv
etc=$KEYSTONE_ROOT/etc
var=$KEYSTONE_ROOT/var
url=http://127.0.0.1:$KEYSTONE_PORT

install() {
  mkdir -p "$KEYSTONE_ROOT"
  if [ ! -x "$venv/bin/keystone-manage" ] || [ ! -x "$venv/bin/cinder" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    local c=()
    [ -f "$constraints" ] && c=(-c "$constraints")
    "$venv/bin/pip" install -q "${c[@]}" "keystone==$KEYSTONE_VERSION" gunicorn python-openstackclient python-cinderclient
  fi
}

configure() {
  mkdir -p "$etc" "$var/fernet-keys" "$var/credential-keys" "$var/receipt-keys"
  cat > "$etc/keystone.conf" <<CONF
[DEFAULT]
log_file = $var/keystone.log
[database]
connection = sqlite:///$var/keystone.db
[token]
provider = fernet
[fernet_tokens]
key_repository = $var/fernet-keys
[fernet_receipts]
key_repository = $var/receipt-keys
[credential]
key_repository = $var/credential-keys
[identity]
password_hash_rounds = 4
[cache]
enabled = True
backend = dogpile.cache.memory
CONF
  cat > "$etc/wsgi_keystone.py" <<'PY'
import sys
sys.argv = sys.argv[:1]
from keystone.wsgi.api import application  # noqa: E402,F401
PY
  local km=("$venv/bin/keystone-manage" --config-file "$etc/keystone.conf")
  "${km[@]}" db_sync
  "$venv/bin/python" - "$var/keystone.db" <<'PY'
import sqlite3, sys
sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL").fetchall()
PY
  "${km[@]}" fernet_setup --keystone-user root --keystone-group root
  "${km[@]}" credential_setup --keystone-user root --keystone-group root
  "${km[@]}" bootstrap --bootstrap-password "$ADMIN_PASSWORD" --bootstrap-username admin \
    --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
    --bootstrap-region-id RegionOne --bootstrap-public-url "$url/v3" \
    --bootstrap-admin-url "$url/v3" --bootstrap-internal-url "$url/v3"
  touch "$var/configured"
}

osc() {
  OS_AUTH_URL=$url/v3 OS_USERNAME=admin OS_PASSWORD=$ADMIN_PASSWORD OS_PROJECT_NAME=admin \
  OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 \
    "$venv/bin/openstack" "$@"
}

seed() {
  # The service user our authtoken filter authenticates as, and a member user for the tests.
  osc project create --or-show --domain Default service >/dev/null
  osc project create --or-show --domain Default demo >/dev/null
  osc role create --or-show service >/dev/null
  osc role create --or-show member >/dev/null
  osc user create --or-show --domain Default --password "$SERVICE_PASSWORD" cinder >/dev/null
  osc role add --project service --user cinder admin
  osc role add --project service --user cinder service
  osc user create --or-show --domain Default --password demo-secret demo >/dev/null
  osc role add --project demo --user demo member
  touch "$var/seeded"
}

start() {
  install
  [ -f "$var/configured" ] || configure
  if ! curl -fsS "$url/v3" >/dev/null 2>&1; then
    OS_KEYSTONE_CONFIG_FILES=$etc/keystone.conf \
      setsid "$venv/bin/gunicorn" --chdir "$etc" -w 1 --threads 4 -b "127.0.0.1:$KEYSTONE_PORT" \
      --pid "$var/gunicorn.pid" --daemon --log-file "$var/gunicorn.log" wsgi_keystone:application
    for _ in $(seq 1 120); do
      curl -fsS "$url/v3" >/dev/null 2>&1 && break
      sleep 0.5
    done
    curl -fsS "$url/v3" >/dev/null || { echo "keystone did not start; see $var/gunicorn.log" >&2; exit 1; }
  fi
  [ -f "$var/seeded" ] || seed
  env_lines
}

stop() {
  [ -f "$var/gunicorn.pid" ] && kill "$(cat "$var/gunicorn.pid")" 2>/dev/null || true
}

env_lines() {
  echo "KEYSTONE_URL=$url"
  echo "KEYSTONE_ADMIN_PASSWORD=$ADMIN_PASSWORD"
  echo "KEYSTONE_SERVICE_PASSWORD=$SERVICE_PASSWORD"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  env) env_lines ;;
  *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
esac
