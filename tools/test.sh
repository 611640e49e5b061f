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
trap 'tools/keystone.sh stop' EXIT

cargo build --workspace --bins
cargo test --workspace "$@"
