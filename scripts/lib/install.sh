# Shared by the README's set-up commands: installs Debian and npm packages the project needs.
# Sourced, not run.

APT_PACKAGES=(etcd-client etcd-server nftables iproute2 ca-certificates curl docker.io conntrack busybox-static util-linux xz-utils)

install_apt_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # Debian's etcd-server package enables a default etcd service on 2379/2380 where systemd runs;
  # the reference etcd our tests start uses its own ports, so that service is not wanted.
  if systemctl is-active --quiet etcd 2>/dev/null; then systemctl disable --now etcd >/dev/null 2>&1 || true; fi
}

install_npm_packages() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}
