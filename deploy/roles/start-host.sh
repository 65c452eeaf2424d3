#!/usr/bin/env bash
# Starts one host's components under the host supervisor. The same script runs inside a network
# namespace in local mode (`meshctl cluster up`) and under systemd in a Vagrant VM
# (deploy/vagrant/meshkube-host.service). Usage: start-host.sh <host.env>
# host.env is written by `meshctl cluster configure-host` (local mode: `meshctl cluster up`).
set -euo pipefail
env_file="${1:?usage: start-host.sh <host.env>}"
[ -r "$env_file" ] || { echo "start-host.sh: cannot read $env_file" >&2; exit 2; }
set -a
# shellcheck disable=SC1090
source "$env_file"
set +a
for v in MESHKUBE_HOME HOST_NAME HOST_IP HOST_DIR PKI_DIR ROLES; do
  [ -n "${!v:-}" ] || { echo "start-host.sh: $env_file does not set $v" >&2; exit 2; }
done
components=()
for role in $ROLES; do
  script="$MESHKUBE_HOME/deploy/roles/components/$role.sh"
  [ -x "$script" ] || { echo "start-host.sh: unknown role $role (no $script)" >&2; exit 2; }
  components+=(--component "$role=$script")
done
mkdir -p "$HOST_DIR/logs"
exec "$MESHKUBE_HOME/bin/host-supervisor" --host-dir "$HOST_DIR" "${components[@]}"
