#!/usr/bin/env bash
# Brings up the local cluster on this machine (fresh Debian 12, as root). For now the cluster is
# its control plane: three bin/store members on loopback, like etcd's own Procfile, the API
# server (bin/api) on https://127.0.0.1:6443 with admin.kubeconfig for kubectl, and the
# scheduler and controllers (bin/sched, health on 127.0.0.1:10259).
# Idempotent: processes already running are left alone. `scripts/up.sh down` stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
source scripts/lib/install.sh
cluster_dir="${STATE_DIR:-/var/lib/meshctl}/local"
state="$cluster_dir/store"

if [ "${1:-}" = "down" ]; then
  if [ -f "$cluster_dir/sched.pid" ] && kill -0 "$(cat "$cluster_dir/sched.pid")" 2>/dev/null; then kill -TERM "$(cat "$cluster_dir/sched.pid")"; fi
  rm -f "$cluster_dir/sched.pid"
  if [ -f "$cluster_dir/api.pid" ] && kill -0 "$(cat "$cluster_dir/api.pid")" 2>/dev/null; then kill -TERM "$(cat "$cluster_dir/api.pid")"; fi
  rm -f "$cluster_dir/api.pid"
  for n in 1 2 3; do
    pidfile="$state/infra$n.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then kill -TERM "$(cat "$pidfile")"; fi
    rm -f "$pidfile"
  done
  echo "sched, API server and store members stopped (data kept in $cluster_dir)"
  exit 0
fi

install_apt_packages
install_npm_packages
echo "==> build"
npm run --silent build
mkdir -p "$state"

cluster="infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380"
for n in 1 2 3; do
  pidfile="$state/infra$n.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "infra$n already running (pid $(cat "$pidfile"))"
    continue
  fi
  client_port=$((n * 10000 + 2379))
  peer_port=$((n * 10000 + 2380))
  setsid "$root/bin/store" --name "infra$n" --data-dir "$state/infra$n" \
    --listen-client-urls "http://127.0.0.1:$client_port" --advertise-client-urls "http://127.0.0.1:$client_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token local-store \
    --listen-metrics-urls "http://127.0.0.1:$((n * 10000 + 2381))" \
    >>"$state/infra$n.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  echo "started infra$n (pid $!, log $state/infra$n.log)"
done

endpoints="127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379"
echo "==> waiting for a leader"
store_ready=0
for _ in $(seq 1 60); do
  if ETCDCTL_API=3 etcdctl --endpoints="$endpoints" endpoint health >/dev/null 2>&1 &&
    ETCDCTL_API=3 etcdctl --endpoints="$endpoints" put /hello world >/dev/null 2>&1; then
    store_ready=1
    break
  fi
  sleep 0.5
done
if [ "$store_ready" != 1 ]; then
  echo "the store did not become healthy in 30 s; see the logs in $state" >&2
  exit 1
fi
ETCDCTL_API=3 etcdctl --endpoints="$endpoints" endpoint status -w table

api_pid="$cluster_dir/api.pid"
if [ -f "$api_pid" ] && kill -0 "$(cat "$api_pid")" 2>/dev/null; then
  echo "API server already running (pid $(cat "$api_pid"))"
else
  setsid "$root/bin/api" --etcd-servers "http://127.0.0.1:12379,http://127.0.0.1:22379,http://127.0.0.1:32379" \
    --bind-address 127.0.0.1 --secure-port 6443 --cert-dir "$cluster_dir/pki" \
    >>"$cluster_dir/api.log" 2>&1 </dev/null &
  echo $! >"$api_pid"
  echo "started the API server (pid $!, log $cluster_dir/api.log)"
fi
echo "==> waiting for the API server"
for _ in $(seq 1 60); do
  if [ -f "$cluster_dir/pki/admin.kubeconfig" ] &&
    kubectl --kubeconfig "$cluster_dir/pki/admin.kubeconfig" get --raw /readyz >/dev/null 2>&1; then
    ln -sf "$cluster_dir/pki/admin.kubeconfig" "$cluster_dir/admin.kubeconfig"
    sched_pid="$cluster_dir/sched.pid"
    if [ -f "$sched_pid" ] && kill -0 "$(cat "$sched_pid")" 2>/dev/null; then
      echo "sched already running (pid $(cat "$sched_pid"))"
    else
      setsid "$root/bin/sched" --kubeconfig "$cluster_dir/admin.kubeconfig" --healthz-bind-address 127.0.0.1:10259 \
        >>"$cluster_dir/sched.log" 2>&1 </dev/null &
      echo $! >"$sched_pid"
      echo "started the scheduler and controllers (pid $!, log $cluster_dir/sched.log)"
    fi
    for _ in $(seq 1 60); do
      if curl -sf http://127.0.0.1:10259/readyz >/dev/null 2>&1; then break; fi
      sleep 0.5
    done
    kubectl --kubeconfig "$cluster_dir/admin.kubeconfig" get namespaces
    cat <<EOT

The control plane is up: three store members (etcd v3 API), the API server, the scheduler and
the controllers. No node agent exists yet, so pods stay Pending until a node registers.
  export KUBECONFIG=$cluster_dir/admin.kubeconfig
  kubectl get namespaces && kubectl api-resources
  export ETCDCTL_API=3 ETCDCTL_ENDPOINTS=$endpoints
  etcdctl member list -w table
Logs: $state/infra{1,2,3}.log, $cluster_dir/api.log, $cluster_dir/sched.log    Stop: scripts/up.sh down
EOT
    exit 0
  fi
  sleep 0.5
done
echo "the API server did not become ready in 30 s; see $cluster_dir/api.log" >&2
exit 1
