#!/usr/bin/env bash
# The scheduler and controllers, leader-elected (several hosts run one; one is active). Run by the
# host supervisor with host.env's variables.
set -euo pipefail
# shellcheck disable=SC2086 # SCHED_EXTRA_ARGS is a list of flags
exec "$MESHKUBE_HOME/bin/sched" --kubeconfig "$HOST_DIR/controller-manager.kubeconfig" \
  --scheduler-kubeconfig "$HOST_DIR/scheduler.kubeconfig" --healthz-bind-address "$HOST_IP:10259" \
  --cluster-cidr "$CLUSTER_CIDR" ${SCHED_EXTRA_ARGS:-}
