#!/usr/bin/env bash
# Installs everything Handoff needs on a fresh Debian 12 machine, and nothing
# it already has: apt packages, livekit-server built from source with Go
# (fetched too when the machine has none recent enough), and the npm test peers. Safe to run again; a second run only checks.
#
#   HANDOFF_TOOLS   where livekit-server and the npm peers go (default /opt/handoff)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
tools=${HANDOFF_TOOLS:-/opt/handoff}
livekit_version=v1.13.5
# livekit-server v1.13.5's go.mod asks for go 1.26.
go_minimum=1.26
go_toolchain=go1.26.8
go_sha256_amd64=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
go_sha256_arm64=02b36b6787b3ac767668f630e2998df45a3b1f9ffee08d1bf3ef6487cd658d99

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

# True when the Go found as $1 is at least $go_minimum (livekit-server's go.mod).
go_is_recent() {
  local version major minor
  version=$("$1" env GOVERSION 2>/dev/null) || return 1
  version=${version#go}
  major=${version%%.*}
  minor=${version#*.}
  minor=${minor%%[!0-9]*}
  [ -n "$major" ] && [ -n "$minor" ] || return 1
  [ "$major" -gt "${go_minimum%%.*}" ] ||
    { [ "$major" -eq "${go_minimum%%.*}" ] && [ "$minor" -ge "${go_minimum#*.}" ]; }
}

# Prints the path of a Go recent enough for livekit-server. Debian 12's own Go
# (1.19) is not, so when none is on PATH the pinned toolchain is fetched as the
# module the go command itself would switch to (golang.org/toolchain), from the
# Go module proxy, checked against the SHA-256 pinned here: the checksum
# database that go would ask is not always reachable.
find_or_install_go() {
  local own="$tools/go/bin/go" arch sum proxy zip unpacked
  if command -v go >/dev/null && go_is_recent "$(command -v go)"; then
    command -v go
    return
  fi
  if [ -x "$own" ] && go_is_recent "$own"; then
    echo "$own"
    return
  fi
  case "$(uname -m)" in
    x86_64) arch=amd64 sum=$go_sha256_amd64 ;;
    aarch64) arch=arm64 sum=$go_sha256_arm64 ;;
    *) echo "setup: no Go >= $go_minimum here; install one for $(uname -m) and run again" >&2; exit 1 ;;
  esac
  proxy=${GOPROXY:-https://proxy.golang.org}
  proxy=${proxy%%[,|]*}
  [ "$proxy" != direct ] && [ "$proxy" != off ] || proxy=https://proxy.golang.org
  log "go ${go_toolchain}: fetching golang.org/toolchain from $proxy" >&2
  zip=$(mktemp --suffix=.zip)
  unpacked=$(mktemp -d)
  curl -fsSL -o "$zip" "$proxy/golang.org/toolchain/@v/v0.0.1-${go_toolchain}.linux-${arch}.zip"
  if ! echo "$sum  $zip" | sha256sum --check --status; then
    echo "setup: the Go toolchain from $proxy does not match its pinned SHA-256" >&2
    rm -rf "$zip" "$unpacked"
    exit 1
  fi
  python3 -m zipfile -e "$zip" "$unpacked"
  # Module zips keep no file modes.
  chmod -R a+rX "$unpacked"
  chmod a+x "$unpacked"/golang.org/toolchain@*/bin/* "$unpacked"/golang.org/toolchain@*/pkg/tool/*/*
  as_root rm -rf "$tools/go"
  as_root mkdir -p "$tools"
  as_root mv "$unpacked"/golang.org/toolchain@* "$tools/go"
  rm -rf "$zip" "$unpacked"
  echo "$own"
}

install_livekit_server() {
  local bin="$tools/bin/livekit-server"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "${livekit_version#v}"; then
    log "livekit-server ${livekit_version}: present at $bin"
    return
  fi
  local go
  go=$(find_or_install_go)
  log "livekit-server ${livekit_version}: building with go install and $("$go" env GOVERSION) (about 90 s)"
  local gobin
  gobin=$(mktemp -d)
  GOBIN="$gobin" GOFLAGS=-mod=mod GOTOOLCHAIN=local "$go" install "github.com/livekit/livekit-server/cmd/server@${livekit_version}"
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
