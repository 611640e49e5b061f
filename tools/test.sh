#!/usr/bin/env bash
# Runs every test of the workspace, with the real external components the tests use:
# a Keystone from PyPI (tools/keystone.sh) for the authtoken tests. Works on a fresh machine;
# the first run installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Keystone: installed from PyPI into /var/tmp/openstack-rs/keystone and started on loopback.
ks_log=$(mktemp)
if tools/keystone.sh start >"$ks_log" 2>&1; then
  eval "export $(grep '^KEYSTONE_' "$ks_log" | tr '\n' ' ')"
else
  cat "$ks_log" >&2
  echo "tools/test.sh: could not start Keystone (see above)" >&2
  exit 1
fi
rm -f "$ks_log"

# PostgreSQL 15 and MariaDB from Debian packages, on loopback: the database legs of the tests.
for db in postgres mariadb; do
  out=$(tools/$db.sh start) || { echo "tools/test.sh: could not start $db" >&2; exit 1; }
  while IFS= read -r line; do export "$line"; done < <(grep '^DATABASE_URL_' <<<"$out")
done
trap 'tools/keystone.sh stop; tools/postgres.sh stop; tools/mariadb.sh stop' EXIT

# The openstack CLI (python-openstackclient, in the Keystone venv) for the real-client test.
export OPENSTACK_CLI=/var/tmp/openstack-rs/keystone/venv/bin/openstack

cargo build --workspace --bins
cargo test --workspace "$@"
# The functional suite again on the server databases.
for backend in postgresql mysql; do
  CINDER_TEST_BACKEND=$backend cargo test -p functional "$@"
done
