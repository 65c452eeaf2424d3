#!/usr/bin/env bash
# A store member (etcd's flags) on this host's address. Run by the host supervisor with host.env's variables.
set -euo pipefail
# shellcheck disable=SC2086 # STORE_EXTRA_ARGS is a list of flags
exec "$MESHKUBE_HOME/bin/store" --name "$STORE_NAME" --data-dir "$HOST_DIR/store" \
  --listen-client-urls "http://$HOST_IP:2379,http://127.0.0.1:2379" --advertise-client-urls "http://$HOST_IP:2379" \
  --listen-peer-urls "http://$HOST_IP:2380" --initial-advertise-peer-urls "http://$HOST_IP:2380" \
  --initial-cluster "$STORE_INITIAL_CLUSTER" --initial-cluster-state new --initial-cluster-token "$STORE_CLUSTER_TOKEN" \
  --listen-metrics-urls "http://$HOST_IP:2381" ${STORE_EXTRA_ARGS:-}
