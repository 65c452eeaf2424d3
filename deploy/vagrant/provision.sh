#!/usr/bin/env bash
# Provisions one meshkube host on a Debian 12 VM: the packages, Node.js, the checkout built in
# /opt/meshkube, Docker without its own iptables/bridge handling, the local images, the host's
# configuration (one cluster CA shared through $SHARED_DIR) and the meshkube-host systemd unit,
# which runs deploy/roles/start-host.sh: the same per-role scripts local mode runs in a netns.
#
# Usage: provision.sh --host NAME --hosts cp1=IP,cp2=IP,...,w1=IP,... [--cluster NAME]
#                     [--steps a,b,c] [--print-unit] [-h|--help]
# Steps, always run in this order: packages sysctl node code docker images configure service
# (all by default). Each is idempotent: `vagrant provision` runs them again, and a host already
# running restarts on the new build. --print-unit prints the systemd unit and does nothing else.
# Paths come from the environment (the Settings block below), so a test can run a step in a
# temporary directory.
set -euo pipefail

readonly ALL_STEPS=(packages sysctl node code docker images configure service)

# Settings (environment).
MESHKUBE_HOME=${MESHKUBE_HOME:-/opt/meshkube}            # the built checkout the host runs
SOURCE_DIR=${SOURCE_DIR:-/vagrant}                       # the repository as synced by Vagrant
STATE_DIR=${STATE_DIR:-/var/lib/meshctl}                 # meshctl's state dir (<cluster>/...)
SHARED_DIR=${SHARED_DIR:-/vagrant/.meshkube}             # shared by all VMs and the host machine
PKI_WAIT_SECONDS=${MESHKUBE_PKI_WAIT_SECONDS:-900}       # how long a host waits for cp1's CA
NODE_DIST_URL=${NODE_DIST_URL:-https://nodejs.org/dist/latest-v20.x}
NODE_PREFIX=${NODE_PREFIX:-/usr/local}
NODE_MIN_MAJOR=20
NODE_FORCE_INSTALL=${NODE_FORCE_INSTALL:-0}              # 1: install even when node is new enough
SYSTEMD_UNIT_DIR=${SYSTEMD_UNIT_DIR:-/etc/systemd/system}
DOCKER_DAEMON_JSON=${DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}
SYSCTL_FILE=${SYSCTL_FILE:-/etc/sysctl.d/90-meshkube.conf}

readonly APT_PACKAGES=(nftables conntrack iproute2 docker.io busybox-static rsync curl ca-certificates xz-utils)
# The four files every host of a cluster must share: the CA signs every host's certificates and
# the service-account key pair signs and checks tokens on all three API servers.
readonly SHARED_KEYS=(ca.crt ca.key sa.key sa.pub)
readonly UNIT_NAME=meshkube-host.service

HOST_NAME=${HOST_NAME:-}
HOSTS=${MESHKUBE_HOSTS:-}
CLUSTER=${MESHKUBE_CLUSTER:-vagrant}
STEPS=""
PRINT_UNIT=0

log() { printf '[provision %s] %s\n' "${HOST_NAME:-?}" "$*"; }
die() {
  printf '[provision %s] error: %s\n' "${HOST_NAME:-?}" "$*" >&2
  exit 1
}
usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; }
usage_error() {
  printf 'provision.sh: %s\n' "$*" >&2
  exit 2
}

parse_args() {
  while [[ $# -gt 0 ]]; do
    case $1 in
      --steps) STEPS=${2:?--steps needs a value}; shift 2 ;;
      --steps=*) STEPS=${1#*=}; shift ;;
      --host) HOST_NAME=${2:?--host needs a value}; shift 2 ;;
      --host=*) HOST_NAME=${1#*=}; shift ;;
      --hosts) HOSTS=${2:?--hosts needs a value}; shift 2 ;;
      --hosts=*) HOSTS=${1#*=}; shift ;;
      --cluster) CLUSTER=${2:?--cluster needs a value}; shift 2 ;;
      --cluster=*) CLUSTER=${1#*=}; shift ;;
      --print-unit) PRINT_UNIT=1; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown argument: $1 (see --help)" ;;
    esac
  done
  [[ $CLUSTER =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || usage_error "bad cluster name: $CLUSTER"
}

# The requested steps, in canonical order; an unknown name is a usage error.
selected_steps() {
  local requested=() s k known
  if [[ -z $STEPS ]]; then
    printf '%s\n' "${ALL_STEPS[@]}"
    return
  fi
  IFS=, read -r -a requested <<<"$STEPS"
  for s in "${requested[@]}"; do
    known=0
    for k in "${ALL_STEPS[@]}"; do [[ $s == "$k" ]] && known=1; done
    [[ $known == 1 ]] || usage_error "unknown step: $s (steps: ${ALL_STEPS[*]})"
  done
  for k in "${ALL_STEPS[@]}"; do
    for s in "${requested[@]}"; do
      if [[ $s == "$k" ]]; then
        printf '%s\n' "$k"
        break
      fi
    done
  done
}

# --host and --hosts are needed by the steps that configure this host; checked there.
require_host_args() {
  [[ -n $HOST_NAME ]] || usage_error "--host NAME is required"
  [[ -n $HOSTS ]] || usage_error "--hosts cp1=IP,...,w1=IP,... is required"
  local entry entries found=0
  IFS=, read -r -a entries <<<"$HOSTS"
  for entry in "${entries[@]}"; do
    [[ $entry =~ ^([a-z][a-z0-9-]*)=([0-9]{1,3}(\.[0-9]{1,3}){3})$ ]] || usage_error "bad --hosts entry: $entry"
    [[ ${BASH_REMATCH[1]} == "$HOST_NAME" ]] && found=1
  done
  [[ $found == 1 ]] || usage_error "host $HOST_NAME is not in --hosts $HOSTS"
}

# The host that makes the cluster's CA: the first of --hosts (cp1 in the Vagrantfile's list).
pki_host() { printf '%s\n' "${HOSTS%%=*}"; }

host_dir() { printf '%s\n' "$STATE_DIR/$CLUSTER/hosts/$HOST_NAME"; }

# ---------------------------------------------------------------------------------------------
# packages: Debian packages the host needs.
step_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "packages: all installed"
    return
  fi
  # Debian starts dockerd as soon as docker.io is installed; with the daemon.json in place first
  # it never makes its docker0 bridge, iptables chains or FORWARD DROP policy.
  write_docker_config >/dev/null
  log "packages: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------------------------------------
# sysctl: the node agent routes pod traffic between hosts, so this host forwards IPv4.
step_sysctl() {
  mkdir -p "$(dirname "$SYSCTL_FILE")"
  printf '# Written by meshkube deploy/vagrant/provision.sh: the node agent routes pod traffic.\nnet.ipv4.ip_forward = 1\n' >"$SYSCTL_FILE"
  sysctl -q -p "$SYSCTL_FILE"
  log "sysctl: net.ipv4.ip_forward=$(sysctl -n net.ipv4.ip_forward) (persisted in $SYSCTL_FILE)"
}

# ---------------------------------------------------------------------------------------------
# node: Node.js from the nodejs.org tarball, its SHA-256 checked against SHASUMS256.txt.
node_major() {
  local v
  v=$("$1" --version 2>/dev/null) || return 1
  [[ $v =~ ^v([0-9]+)\. ]] || return 1
  printf '%s\n' "${BASH_REMATCH[1]}"
}

step_node() {
  local current major
  if [[ $NODE_FORCE_INSTALL != 1 ]] && current=$(command -v node) && major=$(node_major "$current") &&
    ((major >= NODE_MIN_MAJOR)); then
    log "node: $("$current" --version) already installed at $current"
    return
  fi
  install_node_tarball
}

# A subshell, so its temporary directory goes on any exit.
install_node_tarball() (
  local arch tmp lines line file
  case $(uname -m) in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) die "node: no Node.js tarball for machine $(uname -m)" ;;
  esac
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  curl -fsSL --retry 3 -o "$tmp/SHASUMS256.txt" "$NODE_DIST_URL/SHASUMS256.txt"
  lines=$(grep -E "^[0-9a-f]{64}  node-v[0-9]+\.[0-9]+\.[0-9]+-linux-$arch\.tar\.xz$" "$tmp/SHASUMS256.txt" || true)
  [[ -n $lines && $(wc -l <<<"$lines") -eq 1 ]] ||
    die "node: expected one node-v*-linux-$arch.tar.xz line in $NODE_DIST_URL/SHASUMS256.txt"
  line=$lines
  file=${line##* }
  log "node: downloading $NODE_DIST_URL/$file"
  curl -fsSL --retry 3 -o "$tmp/$file" "$NODE_DIST_URL/$file"
  (cd "$tmp" && sha256sum --check --strict --quiet <<<"$line") ||
    die "node: $file does not match its SHA-256 in SHASUMS256.txt; nothing installed"
  mkdir -p "$NODE_PREFIX"
  tar -xJf "$tmp/$file" -C "$NODE_PREFIX" --strip-components=1 --no-same-owner \
    --exclude='*/CHANGELOG.md' --exclude='*/LICENSE' --exclude='*/README.md'
  log "node: installed $("$NODE_PREFIX/bin/node" --version) into $NODE_PREFIX"
)

# ---------------------------------------------------------------------------------------------
# code: the checkout copied out of the synced folder, its npm packages installed, built.
step_code() {
  [[ -f $SOURCE_DIR/package.json ]] || die "code: $SOURCE_DIR has no package.json (is the repository synced there?)"
  mkdir -p "$MESHKUBE_HOME"
  if [[ $(realpath "$SOURCE_DIR") != $(realpath "$MESHKUBE_HOME") ]]; then
    # Excluded paths are also kept out of --delete, so node_modules/ and dist/ survive a re-sync.
    rsync -a --delete --exclude=/node_modules/ --exclude=/dist/ --exclude=/.git/ \
      --exclude=/.meshkube/ --exclude=.vagrant/ "$SOURCE_DIR/" "$MESHKUBE_HOME/"
    log "code: $SOURCE_DIR copied to $MESHKUBE_HOME"
  fi
  (
    cd "$MESHKUBE_HOME"
    if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
      log "code: npm ci"
      npm ci --no-audit --no-fund --loglevel=error
    fi
    log "code: npm run build"
    npm run --silent build
  )
}

# ---------------------------------------------------------------------------------------------
# docker: dockerd with its iptables, bridge and ip_forward handling off (the node agent owns
# the host's nftables rules and pod networking).
write_docker_config() {
  local want
  want=$(printf '{\n  "iptables": false,\n  "bridge": "none",\n  "ip-forward": false\n}')
  mkdir -p "$(dirname "$DOCKER_DAEMON_JSON")"
  if [[ -f $DOCKER_DAEMON_JSON && $(<"$DOCKER_DAEMON_JSON") == "$want" ]]; then
    echo unchanged
  else
    printf '%s\n' "$want" >"$DOCKER_DAEMON_JSON"
    echo changed
  fi
}

step_docker() {
  local change
  change=$(write_docker_config)
  systemctl enable --quiet docker.service
  if [[ $change == changed ]] || ! systemctl is-active --quiet docker.service; then
    log "docker: $DOCKER_DAEMON_JSON $change; restarting docker"
    systemctl restart docker.service
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || die "docker: dockerd does not answer after 60s (journalctl -u docker)"
  # Leftovers of a dockerd that once ran with its defaults on this VM.
  if ip link show docker0 >/dev/null 2>&1; then
    log "docker: deleting the docker0 bridge a default dockerd left"
    ip link delete docker0
  fi
  if command -v iptables >/dev/null && iptables -S FORWARD 2>/dev/null | grep -qx -- '-P FORWARD DROP'; then
    log "docker: FORWARD policy DROP (left by a default dockerd) set back to ACCEPT"
    iptables -P FORWARD ACCEPT
  fi
  log "docker: $(docker version --format '{{.Server.Version}}') answering"
}

# ---------------------------------------------------------------------------------------------
# images: mesh/base, mesh/pause and the demo images, built locally (nothing is pulled).
step_images() {
  "$MESHKUBE_HOME/bin/meshctl" image build
}

# ---------------------------------------------------------------------------------------------
# configure: this host's host.env, kubeconfigs and certificates, under one cluster CA. The
# first host (cp1) makes the CA and service-account keys and publishes them in $SHARED_DIR;
# every other host waits for them and imports them before configuring itself.
has_keys() {
  local f
  for f in "${SHARED_KEYS[@]}"; do [[ -s $1/$f ]] || return 1; done
}

same_keys() {
  local f
  for f in "${SHARED_KEYS[@]}"; do cmp -s "$1/$f" "$2/$f" || return 1; done
}

key_mode() { [[ $1 == *.key ]] && echo 600 || echo 644; }

# Copies one file so that a reader never sees it half written (tmp + rename in the target dir).
copy_atomic() {
  local src=$1 dst=$2 mode=$3 tmp
  tmp="$(dirname "$dst")/.$(basename "$dst").tmp.$$"
  install -m "$mode" "$src" "$tmp"
  mv -f "$tmp" "$dst"
}

copy_keys() {
  local from=$1 to=$2 f
  mkdir -p "$to"
  chmod 700 "$to"
  # ca.crt last: a waiting host looks for all four, and ca.crt is what it compares.
  for f in ca.key sa.key sa.pub ca.crt; do copy_atomic "$from/$f" "$to/$f" "$(key_mode "$f")"; done
}

wait_for_shared_keys() {
  local dir=$1 waited=0
  until has_keys "$dir"; do
    if ((waited >= PKI_WAIT_SECONDS)); then
      die "configure: $(pki_host) has not published the cluster CA in $dir after ${PKI_WAIT_SECONDS}s; provision $(pki_host) first (vagrant up $(pki_host)) or bring the VMs up with --no-parallel"
    fi
    ((waited % 30 == 0)) && log "configure: waiting for $(pki_host) to publish ${SHARED_KEYS[*]} in $dir (${waited}s of ${PKI_WAIT_SECONDS}s)"
    sleep 5
    waited=$((waited + 5))
  done
}

configure_host() {
  local meshctl=$MESHKUBE_HOME/bin/meshctl
  [[ -x $meshctl ]] || die "configure: $meshctl not found (run the code step first)"
  local args=(cluster configure-host --name "$CLUSTER" --state-dir "$STATE_DIR" --host "$HOST_NAME" --hosts "$HOSTS")
  [[ -n ${MESHKUBE_DOCKER_HOST:-} ]] && args+=(--docker-host "$MESHKUBE_DOCKER_HOST")
  "$meshctl" "${args[@]}"
  [[ -f $(host_dir)/host.env ]] || die "configure: meshctl cluster configure-host wrote no $(host_dir)/host.env"
}

step_configure() {
  require_host_args
  local pki=$STATE_DIR/$CLUSTER/pki shared=$SHARED_DIR/$CLUSTER
  mkdir -p "$STATE_DIR/$CLUSTER"
  if [[ $HOST_NAME == "$(pki_host)" ]]; then
    if ! has_keys "$pki" && has_keys "$shared/pki"; then
      # A re-created cp1 keeps the cluster's CA, so the other hosts' certificates stay valid.
      log "configure: reusing the cluster CA and service-account keys from $shared/pki"
      copy_keys "$shared/pki" "$pki"
    fi
    configure_host
    has_keys "$pki" || die "configure: meshctl cluster configure-host left no ${SHARED_KEYS[*]} in $pki"
    if ! has_keys "$shared/pki" || ! same_keys "$pki" "$shared/pki"; then
      copy_keys "$pki" "$shared/pki"
      log "configure: published ${SHARED_KEYS[*]} in $shared/pki"
    fi
    copy_atomic "$STATE_DIR/$CLUSTER/admin.kubeconfig" "$shared/admin.kubeconfig" 600
    log "configure: admin kubeconfig in $shared/admin.kubeconfig"
  else
    wait_for_shared_keys "$shared/pki"
    if ! has_keys "$pki" || ! same_keys "$shared/pki" "$pki"; then
      if [[ -e $pki ]]; then
        # Another CA than the cluster's: every certificate made from it is useless here.
        log "configure: $pki holds another CA than $shared/pki; replacing it and this host's certificates"
        rm -rf "$pki"
        rm -f "$(host_dir)"/ca.crt "$(host_dir)"/kubelet.crt "$(host_dir)"/kubelet.key "$(host_dir)"/*.kubeconfig
      fi
      copy_keys "$shared/pki" "$pki"
      log "configure: imported ${SHARED_KEYS[*]} from $shared/pki"
    fi
    configure_host
  fi
  log "configure: $(host_dir)/host.env written"
}

# ---------------------------------------------------------------------------------------------
# service: the meshkube-host systemd unit (start-host.sh under systemd, restarted always).
render_unit() {
  local template=$MESHKUBE_HOME/deploy/vagrant/meshkube-host.service text v
  [[ -f $template ]] || die "service: $template not found"
  for v in "$MESHKUBE_HOME" "$STATE_DIR" "$CLUSTER" "$HOST_NAME"; do
    [[ $v =~ ^[-A-Za-z0-9_./]+$ ]] || die "service: '$v' cannot go into a unit file unquoted"
  done
  text=$(<"$template")
  text=${text//@MESHKUBE_HOME@/"$MESHKUBE_HOME"}
  text=${text//@HOST_ENV@/"$(host_dir)/host.env"}
  text=${text//@CLUSTER@/"$CLUSTER"}
  text=${text//@HOST@/"$HOST_NAME"}
  printf '%s\n' "$text"
}

step_service() {
  require_host_args
  [[ -f $(host_dir)/host.env ]] || die "service: $(host_dir)/host.env not found (run the configure step first)"
  local unit=$SYSTEMD_UNIT_DIR/$UNIT_NAME new was_active=0
  new=$(render_unit)
  systemctl is-active --quiet "$UNIT_NAME" && was_active=1
  if [[ ! -f $unit || $(<"$unit") != "$new" ]]; then
    printf '%s\n' "$new" >"$unit"
    log "service: $unit written"
  fi
  systemctl daemon-reload
  systemctl enable --now --quiet "$UNIT_NAME"
  if [[ $was_active == 1 ]]; then
    # Provisioning again means new code or configuration: the host restarts on it.
    systemctl restart "$UNIT_NAME"
  fi
  log "service: $UNIT_NAME $(systemctl is-active "$UNIT_NAME") (logs: $(host_dir)/logs/)"
}

# ---------------------------------------------------------------------------------------------
main() {
  parse_args "$@"
  if [[ $PRINT_UNIT == 1 ]]; then
    require_host_args
    render_unit
    return
  fi
  local steps step
  steps=$(selected_steps)
  for step in $steps; do
    log "== $step"
    "step_$step"
  done
  log "done: ${steps//$'\n'/ }"
}

main "$@"
