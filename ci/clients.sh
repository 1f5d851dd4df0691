#!/usr/bin/env bash
# The pinned real clients the tests run, built from the Go module proxy into $ETHNET_CACHE.
# One source of truth for their versions: the local-process devnet (ci/devnet-e2e.sh), the
# images of the local cluster (ci/images.sh) and the examples all take them from here.
#
# Usage: source ci/clients.sh            defines the variables and functions below
#        bash ci/clients.sh build [geth|prysm]...   builds what is missing (default: both)
# Env:   ETHNET_CACHE (default ~/.cache/ethnet), CLIENTS_BUILD_NICE (nice level, default 15)
#
# prysm: `go install` refuses a module with replace directives, so the module is downloaded,
# copied and built in place. A plain `go build` can only run the mainnet preset (the committed
# SSZ code is generated for mainnet sizes; the minimal preset needs bazel's --config=minimal).

ETHNET_CACHE=${ETHNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ethnet}
export ETHNET_CACHE
GETH_VERSION=v1.16.8
PRYSM_MODULE=github.com/OffchainLabs/prysm/v7
PRYSM_VERSION=v7.1.2
PRYSM_COMMIT=7950a249266a692551e5a910adb9a82a02c92040   # the tag's commit, as the proxy reports it
GETH_DIR=$ETHNET_CACHE/geth-$GETH_VERSION
PRYSM_DIR=$ETHNET_CACHE/prysm-$PRYSM_VERSION
GETH=$GETH_DIR/geth
BEACON=$PRYSM_DIR/beacon-chain
VALIDATOR=$PRYSM_DIR/validator
CLIENTS_BUILD_NICE=${CLIENTS_BUILD_NICE:-15}

clients_log() { printf '[clients %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

install_geth() {
  [ -x "$GETH" ] && return 0
  clients_log "installing geth $GETH_VERSION (go install)"
  local t0=$SECONDS
  mkdir -p "$GETH_DIR"
  GOBIN=$GETH_DIR nice -n "$CLIENTS_BUILD_NICE" go install "github.com/ethereum/go-ethereum/cmd/geth@$GETH_VERSION"
  clients_log "geth built in $((SECONDS - t0)) s"
}

install_prysm() {
  [ -x "$BEACON" ] && [ -x "$VALIDATOR" ] && return 0
  clients_log "building prysm $PRYSM_VERSION (module download + go build)"
  local t0=$SECONDS src dir tmp
  tmp=$(mktemp -d)
  dir=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "$PRYSM_MODULE@$PRYSM_VERSION" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  rm -rf "$tmp"
  src=$ETHNET_CACHE/prysm-src-$PRYSM_VERSION
  rm -rf "$src"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  # The module zip lacks third_party/go-bip39 (a nested module, so the zip leaves it out) that
  # go.mod's replace points at; it is a copy of upstream v1.1.0, which the proxy still serves.
  (cd "$src" && go mod edit -dropreplace=github.com/tyler-smith/go-bip39)
  mkdir -p "$PRYSM_DIR"
  local v=github.com/OffchainLabs/prysm/v7/runtime/version
  (cd "$src" && CGO_ENABLED=1 GOFLAGS=-mod=mod nice -n "$CLIENTS_BUILD_NICE" \
     go build -ldflags "-X $v.gitTag=$PRYSM_VERSION -X $v.gitCommit=$PRYSM_COMMIT" \
     -o "$PRYSM_DIR/" ./cmd/beacon-chain ./cmd/validator)
  clients_log "prysm built in $((SECONDS - t0)) s"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  [ "${1:-}" = build ] || { echo "usage: $0 build [geth|prysm]..." >&2; exit 2; }
  shift
  [ $# -gt 0 ] || set -- geth prysm
  for client in "$@"; do
    case $client in
      geth) install_geth ;;
      prysm) install_prysm ;;
      *) echo "unknown client: $client" >&2; exit 2 ;;
    esac
  done
fi
