#!/usr/bin/env bash
# The API server on this host's address, storing in the cluster's store members; its certificates
# (one CA for the cluster) are in PKI_DIR. Run by the host supervisor with host.env's variables.
set -euo pipefail
# shellcheck disable=SC2086 # API_EXTRA_ARGS is a list of flags
exec "$MESHKUBE_HOME/bin/api" --etcd-servers "$STORE_ENDPOINTS" --bind-address 0.0.0.0 --advertise-address "$HOST_IP" \
  --secure-port 6443 --cert-dir "$PKI_DIR" --service-cluster-ip-range "$SERVICE_CLUSTER_IP_RANGE" ${API_EXTRA_ARGS:-}
