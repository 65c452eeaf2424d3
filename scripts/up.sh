#!/usr/bin/env bash
# Brings up the local cluster with the demo app on this machine (fresh Debian 12, as root):
# installs what it needs (apt and npm packages), builds, then `bin/meshctl cluster up --demo`:
# six hosts as network namespaces on the bridge br-local (cp1-cp3: store, API server, scheduler
# and controllers; w1-w3: node agents), dockerd if none runs, local images, the demo.
# Idempotent. Extra arguments go to `meshctl cluster up` (e.g. --workers 5).
# `scripts/up.sh down` runs `meshctl cluster down`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/install.sh
if [ "${1:-}" = "down" ]; then
  shift
  exec bin/meshctl cluster down "$@"
fi
install_apt_packages
install_npm_packages
echo "==> build"
npm run --silent build
exec bin/meshctl cluster up --demo "$@"
