#!/usr/bin/env bash
# The node agent (kubelet + kube-proxy + node DNS) for node HOST_NAME, running pods through the
# machine's Docker daemon. Run by the host supervisor with host.env's variables.
# Its containers carry meshkube.node=<cluster>-<host>, so clusters sharing one Docker daemon keep apart.
set -euo pipefail
# shellcheck disable=SC2086 # AGENT_EXTRA_ARGS is a list of flags
exec "$MESHKUBE_HOME/bin/node-agent" --kubeconfig "$HOST_DIR/node-agent.kubeconfig" \
  --node-name "$HOST_NAME" --node-ip "$HOST_IP" --root-dir "$HOST_DIR/agent" --runtime-node-id "$CLUSTER_NAME-$HOST_NAME" \
  --container-runtime-endpoint "$DOCKER_HOST" \
  --tls-cert-file "$HOST_DIR/kubelet.crt" --tls-private-key-file "$HOST_DIR/kubelet.key" --client-ca-file "$HOST_DIR/ca.crt" \
  --cluster-cidr "$CLUSTER_CIDR" ${AGENT_EXTRA_ARGS:-}
