#!/usr/bin/env bash
# Installs everything Handoff needs on a fresh Debian 12 machine, and nothing
# it already has: apt packages, livekit-server built from source with Go, and
# the npm test peers. Safe to run again; a second run only checks.
#
#   HANDOFF_TOOLS   where livekit-server and the npm peers go (default /opt/handoff)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
tools=${HANDOFF_TOOLS:-/opt/handoff}
livekit_version=v1.13.5

log() { printf '[setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_apt_packages() {
  local wanted missing=()
  mapfile -t wanted < <(grep -Ev '^\s*(#|$)' "$here/apt-packages.txt")
  for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt packages: all ${#wanted[@]} present"
    return
  fi
  log "apt packages: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_livekit_server() {
  local bin="$tools/bin/livekit-server"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "${livekit_version#v}"; then
    log "livekit-server ${livekit_version}: present at $bin"
    return
  fi
  command -v go >/dev/null || { echo "setup: Go is required to build livekit-server" >&2; exit 1; }
  log "livekit-server ${livekit_version}: building with go install (about 90 s)"
  local gobin
  gobin=$(mktemp -d)
  GOBIN="$gobin" GOFLAGS=-mod=mod go install "github.com/livekit/livekit-server/cmd/server@${livekit_version}"
  as_root mkdir -p "$tools/bin"
  as_root install -m 0755 "$gobin/server" "$bin"
  rm -rf "$gobin"
}

install_npm_peers() {
  local dir="$tools/npm" stamp
  stamp=$(sha256sum "$top/tests/interop/package.json" "$top/tests/interop/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16)
  if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ] && [ -d "$dir/node_modules" ]; then
    log "npm test peers: present in $dir"
    return
  fi
  log "npm test peers: installing into $dir"
  as_root mkdir -p "$dir"
  as_root cp "$top/tests/interop/package.json" "$dir/"
  if [ -f "$top/tests/interop/package-lock.json" ]; then
    as_root cp "$top/tests/interop/package-lock.json" "$dir/"
    (cd "$dir" && as_root npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd "$dir" && as_root npm install --no-audit --no-fund --loglevel=error)
  fi
  echo "$stamp" | as_root tee "$dir/.stamp" >/dev/null
}

install_node() {
  # Node.js is usually preinstalled (often from NodeSource, whose package also
  # carries npm); Debian's own packages are the fallback.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    log "node $(node --version), npm $(npm --version): present"
    return
  fi
  log "node/npm: installing Debian's nodejs and npm"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
}

install_apt_packages
install_node
install_livekit_server
install_npm_peers
log "done"
