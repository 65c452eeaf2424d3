#!/usr/bin/env bash
# Brings up the local cluster on this machine (fresh Debian 12, as root). For now the cluster is
# its replicated store: three bin/store members on loopback, like etcd's own Procfile.
# Idempotent: members already running are left alone. `scripts/up.sh down` stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
source scripts/lib/install.sh
state="${STATE_DIR:-/var/lib/meshctl}/local/store"

if [ "${1:-}" = "down" ]; then
  for n in 1 2 3; do
    pidfile="$state/infra$n.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then kill -TERM "$(cat "$pidfile")"; fi
    rm -f "$pidfile"
  done
  echo "store members stopped (data kept in $state)"
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
for _ in $(seq 1 60); do
  if ETCDCTL_API=3 etcdctl --endpoints="$endpoints" endpoint health >/dev/null 2>&1 &&
    ETCDCTL_API=3 etcdctl --endpoints="$endpoints" put /hello world >/dev/null 2>&1; then
    ETCDCTL_API=3 etcdctl --endpoints="$endpoints" endpoint status -w table
    cat <<EOT

The store is up: three members on loopback, speaking the etcd v3 API.
  export ETCDCTL_API=3 ETCDCTL_ENDPOINTS=$endpoints
  etcdctl put foo bar && etcdctl get foo
  etcdctl member list -w table
Metrics and health: http://127.0.0.1:12381/metrics, http://127.0.0.1:12381/health
Logs: $state/infra{1,2,3}.log    Stop: scripts/up.sh down
EOT
    exit 0
  fi
  sleep 0.5
done
echo "the store did not become healthy in 30 s; see the logs in $state" >&2
exit 1
