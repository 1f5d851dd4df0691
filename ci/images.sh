#!/usr/bin/env bash
# Container images for the local cluster (ci/cluster.sh), built without a registry: each is a
# root-fs folder packed as an image archive and loaded into the cluster's containerd.
#   ethnet.local/busybox:<debian version>      Debian's busybox-static (the chart's tools image)
#   ethnet.local/geth:<GETH_VERSION>            geth, built by ci/clients.sh
#   ethnet.local/prysm-beacon-chain:<PRYSM_VERSION>, ethnet.local/prysm-validator:<PRYSM_VERSION>
# The client binaries are dynamically linked (cgo): every library `ldd` lists goes in with them.
# Paths and entrypoints follow the clients' official images (geth at /usr/local/bin/geth; prysm
# at /beacon-chain and /validator with the /app/cmd/... links), so the chart's defaults hold.
#
# Usage: ci/images.sh build      build the root-fs folders and load them into the running cluster
#        ci/images.sh values     print the chart values (clients.*.image) that select them
# Env:   ETHNET_CACHE (default ~/.cache/ethnet)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/clients.sh"
BUSYBOX_VERSION=$(/bin/busybox 2>/dev/null | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p' || true)
ROOTFS=$ETHNET_CACHE/image-rootfs

log() { echo "images: $*" >&2; }
die() { log "$*"; exit 1; }

base_fs() { # <dir>: an empty root with /etc/passwd (root, the chart's uid 10001) and /tmp
  rm -rf "$1" && mkdir -p "$1"/{etc,tmp,data} && chmod 1777 "$1/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nethnet:x:10001:10001:ethnet:/data:/sbin/nologin\n' >"$1/etc/passwd"
  printf 'root:x:0:\nethnet:x:10001:\n' >"$1/etc/group"
  printf 'hosts: files dns\n' >"$1/etc/nsswitch.conf"
}

add_binary() { # <root> <binary> <path in image>: the binary and every library it links
  local root=$1 bin=$2 dest=$3 lib
  mkdir -p "$root$(dirname "$dest")"
  cp "$bin" "$root$dest"
  for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

build() {
  [ -x /bin/busybox ] && [ -n "$BUSYBOX_VERSION" ] || die "busybox-static is needed (apt-get install busybox-static)"
  install_geth
  install_prysm
  local r applet

  r=$ROOTFS/busybox; base_fs "$r"; mkdir -p "$r/bin"
  cp /bin/busybox "$r/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$r/bin/$applet"
  done
  bash "$HERE/cluster.sh" image "ethnet.local/busybox:$BUSYBOX_VERSION" "$r" --entrypoint /bin/sh

  r=$ROOTFS/geth; base_fs "$r"
  add_binary "$r" "$GETH" /usr/local/bin/geth
  bash "$HERE/cluster.sh" image "ethnet.local/geth:$GETH_VERSION" "$r" --entrypoint /usr/local/bin/geth

  local role bin
  for role in beacon-chain validator; do
    bin=$BEACON; [ "$role" = validator ] && bin=$VALIDATOR
    r=$ROOTFS/prysm-$role; base_fs "$r"
    add_binary "$r" "$bin" "/$role"
    mkdir -p "$r/app/cmd/$role" && ln -sf "/$role" "$r/app/cmd/$role/$role"
    bash "$HERE/cluster.sh" image "ethnet.local/prysm-$role:$PRYSM_VERSION" "$r" --entrypoint "/$role"
  done
}

values() {
  cat <<EOT
clients:
  geth:
    image: {repository: ethnet.local/geth, tag: $GETH_VERSION, pullPolicy: Never}
  prysm:
    image: {repository: ethnet.local/prysm-beacon-chain, tag: $PRYSM_VERSION, pullPolicy: Never}
    validatorImage: {repository: ethnet.local/prysm-validator, tag: $PRYSM_VERSION, pullPolicy: Never}
  tools:
    image: {repository: ethnet.local/busybox, tag: "$BUSYBOX_VERSION", pullPolicy: Never}
EOT
}

case "${1:-}" in
  build) build ;;
  values) values ;;
  *) echo "usage: $0 build|values" >&2; exit 2 ;;
esac
