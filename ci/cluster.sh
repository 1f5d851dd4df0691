#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this machine for CI: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, containerd, kubelet, kube-proxy and CoreDNS, all built
# or installed from package registries. No Docker, no kind, no container registry: every image
# is packed from a folder and imported into the cluster's own containerd.
#
# Usage: ci/cluster.sh build             build every binary once into the cache (CoreDNS, the pause
#                                        binary, and the Kubernetes binaries via ci/apiserver.sh)
#        ci/cluster.sh up                install missing apt packages, build, start, and wait for
#                                        node Ready and working cluster DNS (prints the time taken)
#        ci/cluster.sh down              stop everything and undo every change to the machine
#                                        (safe twice, or when nothing runs)
#        ci/cluster.sh env               print `export …` lines: eval "$(ci/cluster.sh env)"
#        ci/cluster.sh status            what runs
#        ci/cluster.sh image REF DIR [--entrypoint ARG]... [--cmd ARG]... [--env K=V]...
#                            [--user U] [--workdir D]
#                                        pack folder DIR as image REF (a docker-archive with one
#                                        layer) and import it into the running cluster
#        ci/cluster.sh load-image TAR    import an existing docker or OCI archive
# Pods must use imagePullPolicy: Never (an admission policy refuses anything else), e.g. image
# ethnet.local/geth:v1.16.8 imported with `ci/cluster.sh image ethnet.local/geth:v1.16.8 DIR`.
#
# Environment: ETHNET_CACHE (default ~/.cache/ethnet), ETHNET_CLUSTER_DIR (run dir, default
# $ETHNET_CACHE/cluster-run), ETHNET_CLUSTER_TIMEOUT (seconds `up` waits, default 180).
#
# The cluster: node `ethnet` at 10.244.0.1 on its own bridge cni0 (pods in 10.244.0.0/24,
# Services in 10.96.0.0/16, kube-dns 10.96.0.10, domain cluster.local); the API server at
# https://10.244.0.1:6443 (pods reach it as kubernetes.default); kubeconfig $RUN/kubeconfig
# (CN=ethnet-admin in system:masters); default StorageClass `standard`. Logs: $RUN/logs (kept by
# `down` for post-mortems; the next `up` clears them).
#
# What was learnt, and why the non-obvious settings are there:
#  - Network hygiene: nothing listens outside 127.0.0.1 and the bridge, and pod or Service
#    traffic never leaves the bridge. The CNI bridge plugin runs with isGateway false (the bridge
#    and its address are ours, made before containerd starts), ipMasq false and hairpinMode true;
#    host-local IPAM gives pods one route, to the Service range via the node IP, and no default
#    route. Forwarding is enabled on cni0 only (net.ipv4.conf.cni0.forwarding; the global
#    ip_forward is untouched), the host routes the Service range into cni0, and mangle-table
#    guard chains (ETHNET-*) drop anything from or to the pod or Service range that would leave
#    by another interface. Pod -> Service -> pod replies on the same bridge are un-NATed because
#    bridged traffic passes iptables here (bridge-nf-call-iptables is 1 on this kernel).
#  - kube-proxy: iptables mode, NodePorts on the node IP only, localhostNodePorts false (else it
#    sets route_localnet) and every conntrack setting 0, so it changes no sysctl. Neither
#    `kube-proxy --cleanup` nor anything else removes all of its chains (nor the kubelet's
#    KUBE-KUBELET-CANARY / KUBE-IPTABLES-HINT): `down` deletes every KUBE-* and ETHNET-* chain
#    and the rules that jump to them, and the iptables-nft tables that were not there before.
#  - containerd and the kubelet share a private mount namespace (`unshare -m --propagation
#    private` around a sleeping holder; the others join it with nsenter): overlay, netns, volume
#    and token mounts live and die there. In it, run-dir folders are bind-mounted over the paths
#    they insist on (/run/containerd for shim sockets, /var/lib/cni, /var/lib/kubelet,
#    /var/log/pods, /var/log/containers), so the host keeps at most empty mount points, which
#    `down` removes; and files holding the values the kubelet insists on are bind-mounted over
#    /proc/sys/kernel/{panic,panic_on_oops,keys/root_maxkeys,keys/root_maxbytes} and
#    /proc/sys/vm/{overcommit_memory,panic_on_oom}, so the host's sysctls never change.
#  - containerd: restrict_oom_score_adj (without it every sandbox fails with "can't get final
#    child's PID from pipe: EOF": runc is denied a negative oom_score_adj here), no AppArmor,
#    SystemdCgroup false, netns mounts under its state dir, stream server on 127.0.0.1.
#  - No image is ever pulled, three times over: a ValidatingAdmissionPolicy refuses any Pod with
#    an imagePullPolicy other than Never (checked with a dry run before `up` returns); every
#    registry host (docker.io and the _default catch-all) is sent to http://127.0.0.1:1 by
#    hosts.toml; and containerd's HTTP(S)_PROXY is that closed port too, which also covers a
#    containerd that ignores _default. The pause image is local (sandbox_image).
#  - kubelet: cgroupfs driver, failCgroupV1 false (cgroup v1 is in maintenance mode upstream),
#    cgroupRoot /ethnet, oomScoreAdj 0 and maxOpenFiles 20000 (this machine denies more), API on
#    the node IP with x509 client-CA auth and webhook authorization (the API server's logs, exec
#    and pod proxy), healthz on 127.0.0.1, no read-only port, a resolv.conf without nameservers,
#    image GC off (imported images cannot come back), last-resort eviction thresholds only.
#  - The API server listens on the node IP, not 127.0.0.1, so that pods can reach it through the
#    `kubernetes` Service (the lease endpoint reconciler refuses a loopback address).
#  - Storage: kube-controller-manager's built-in hostPath provisioner (--enable-hostpath-
#    provisioner; single-node test clusters only) behind the default StorageClass `standard`
#    (reclaimPolicy Delete): each PVC gets a folder under /tmp/hostpath_pv (the path is
#    fixed in the provisioner), deleted with its PV when the PVC goes; `down` removes the folder.
#    hostPath volumes ignore fsGroup: a non-root pod must chown its volume (an init container).
#  - CoreDNS: a hostNetwork pod bound to the node IP, talking to the API server directly (not
#    through a Service kube-proxy may not have programmed yet); no forward plugin (names outside
#    cluster.local never go upstream) and a 5 s cache (a deleted pod's IP must not linger).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC="$HERE/cluster"   # CoreDNS module, pause.c, config templates
ETHNET_CACHE=${ETHNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ethnet}
export ETHNET_CACHE   # ci/apiserver.sh builds into the same cache
K8S_VERSION=$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$HERE/apiserver/go.mod")
K8S_BIN="$ETHNET_CACHE/apiserver-$K8S_VERSION/bin"   # built by ci/apiserver.sh build
COREDNS_VERSION=$(awk '$1 == "require" && $2 == "github.com/coredns/coredns" { print $3 }' "$SRC/coredns/go.mod")
TOOLS="$ETHNET_CACHE/cluster-tools"   # coredns, pause and their image archives
RUN=${ETHNET_CLUSTER_DIR:-$ETHNET_CACHE/cluster-run}
TIMEOUT=${ETHNET_CLUSTER_TIMEOUT:-180}

NODE_NAME=ethnet
BRIDGE=cni0
NODE_IP=10.244.0.1
POD_CIDR=10.244.0.0/24
# shellcheck disable=SC2034 # used by render, through ${!name}
POD_RANGE_START=10.244.0.10
# shellcheck disable=SC2034 # used by render, through ${!name}
POD_RANGE_END=10.244.0.254
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_IP=10.96.0.10
API_PORT=6443
# shellcheck disable=SC2034 # used by render, through ${!name}
STORAGE_CLASS=standard
HOSTPATH_DIR=/tmp/hostpath_pv   # fixed in kube-controller-manager's provisioner
CGROUP_ROOT=/ethnet
MAX_OPEN_FILES=""   # the kubelet's, from `ulimit -Hn` in start_node
PAUSE_IMAGE=ethnet.local/pause:local
COREDNS_IMAGE=ethnet.local/coredns:$COREDNS_VERSION
CLOSED=http://127.0.0.1:1   # where every registry and proxy points: nothing listens there
# Host paths containerd and the kubelet write to whatever their config says; bind mounts of
# run-dir folders inside the private mount namespace.
NS_BINDS=(/run/containerd /var/lib/cni /var/lib/kubelet /var/log/pods /var/log/containers)
# The values the kubelet sets on start (pkg/kubelet/cm: setupKernelTunables), as seen by it.
KUBELET_SYSCTLS=(kernel/panic=10 kernel/panic_on_oops=1 kernel/keys/root_maxkeys=1000000
  kernel/keys/root_maxbytes=25000000 vm/overcommit_memory=1 vm/panic_on_oom=0)
# The apt packages `up` needs, as <package>:<file it provides>.
# (Not socat or libseccomp-dev: nothing here uses them; containerd 1.6 port-forwards itself.)
PACKAGES=(containerd:/usr/bin/containerd runc:/usr/sbin/runc
  containernetworking-plugins:/usr/lib/cni/bridge busybox-static:/bin/busybox
  iptables:/usr/sbin/iptables nftables:/usr/sbin/nft conntrack:/usr/sbin/conntrack
  iproute2:/usr/sbin/ip util-linux:/usr/bin/nsenter openssl:/usr/bin/openssl curl:/usr/bin/curl
  gcc:/usr/bin/gcc libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a)

log() { echo "cluster: $*" >&2; }
die() { log "$*"; exit 1; }
kubectl() { "$K8S_BIN/kubectl" --kubeconfig "$RUN/kubeconfig" "$@"; }
ctr() { command ctr --address "$RUN/containerd/containerd.sock" --namespace k8s.io "$@"; }
require_root() { [ "$(id -u)" = 0 ] || die "must run as root (bridge, iptables, mounts, cgroups)"; }

# --- packages and build --------------------------------------------------------------------
# Installed from Debian when missing; `apt-get update` only when the lists are absent or an
# install from them fails (CI machines start fresh, developers' machines usually have them).
ensure_packages() {
  local p missing=()
  for p in "${PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "${p%%:*}" 2>/dev/null)" != installed ] ||
      [ ! -e "${p#*:}" ]; then
      missing+=("${p%%:*}")
    fi
  done
  command -v python3 >/dev/null || missing+=(python3)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends)
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null || ! "${apt[@]}" "${missing[@]}" >&2; then
    apt-get update -q >&2
    "${apt[@]}" "${missing[@]}" >&2
  fi
}

# A stamp per artifact: the hash of its sources and toolchain. A changed pin, source or
# compiler rebuilds it; anything else is a no-op.
stamp_of() { # <files...> ; the toolchain version line comes on stdin
  { cat; sed 's|//.*||' "$@"; } | sha256sum | cut -d' ' -f1
}
fresh() { # <artifact> <stamp>
  [ -e "$TOOLS/$1" ] && [ "$(cat "$TOOLS/$1.stamp" 2>/dev/null)" = "$2" ]
}

build_pause() {
  local want; want=$(gcc --version | head -1 | stamp_of "$SRC/pause.c")
  fresh pause.tar "$want" && return 0
  local root="$TOOLS/pause.root"
  rm -rf "$root" && mkdir -p "$root"
  gcc -static -O2 -s -Wall -Wextra -Werror -o "$root/pause" "$SRC/pause.c"
  pack_image "$PAUSE_IMAGE" "$root" "$TOOLS/pause.tar" --entrypoint /pause
  rm -rf "$root"
  echo "$want" >"$TOOLS/pause.tar.stamp"
}

# CoreDNS with just the plugins the Corefile uses, static (CGO_ENABLED=0) so its image is one
# file. Its own module (ci/cluster/coredns): it requires a newer client-go than ci/apiserver.
# Optimizer and inliner off (-N -l), as for the Kubernetes binaries: a shorter cold build.
build_coredns() {
  local want mod="$SRC/coredns"
  want=$(go version | stamp_of "$mod/go.mod" "$mod/go.sum" "$mod/main.go")
  fresh coredns.tar "$want" && return 0
  command -v go >/dev/null || die "go is needed to build CoreDNS"
  log "building CoreDNS $COREDNS_VERSION (about 2-3 minutes on 2 cores when cold)"
  local start=$SECONDS root="$TOOLS/coredns.root"
  rm -rf "$root" && mkdir -p "$root/etc"
  (cd "$mod" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -mod=readonly" \
    go build -trimpath -gcflags="all=-N -l" -ldflags="-s -w" -o "$root/coredns" .)
  printf 'root:x:0:0:root:/:/sbin/nologin\n' >"$root/etc/passwd"
  pack_image "$COREDNS_IMAGE" "$root" "$TOOLS/coredns.tar" --entrypoint /coredns
  rm -rf "$root"
  echo "$want" >"$TOOLS/coredns.tar.stamp"
  log "built CoreDNS in $((SECONDS - start))s"
}

build() {
  bash "$HERE/apiserver.sh" build   # etcd and the seven Kubernetes binaries; no-op when current
  mkdir -p "$TOOLS"
  build_pause
  build_coredns
}

# --- images --------------------------------------------------------------------------------
# The one image packer: folder <rootfs> becomes a docker-archive tar (manifest.json, the config
# JSON named by its sha256, and <diff_id>/layer.tar, uncompressed so its digest is the diff_id).
# Entries are sorted, owners numeric and names empty; hard links and symlinks are kept.
# Flags: [--entrypoint A]... [--cmd A]... [--env K=V]... [--user U] [--workdir D]
pack_image() { # <ref> <rootfs> <out.tar> [flags]
  python3 - "$@" <<'PY'
import hashlib, io, json, os, platform, sys, tarfile, tempfile, types

# By hand rather than argparse: a value may itself start with "-" (--entrypoint -c).
LISTS, SINGLE = {"--entrypoint", "--cmd", "--env"}, {"--user", "--workdir"}
args, pos, opt = sys.argv[1:], [], {}
while args:
    arg = args.pop(0)
    name, eq, value = arg.partition("=")
    if name in LISTS | SINGLE:
        if not eq:
            if not args:
                sys.exit(f"cluster.sh image: {name} needs a value")
            value = args.pop(0)
        if name in LISTS:
            opt.setdefault(name, []).append(value)
        else:
            opt[name] = value
    elif arg.startswith("--"):
        sys.exit(f"cluster.sh image: unknown flag {arg}")
    else:
        pos.append(arg)
if len(pos) != 3:
    sys.exit("cluster.sh image: want REF ROOTFS_DIR (and an output file)")
a = types.SimpleNamespace(ref=pos[0], rootfs=pos[1], out=pos[2], entrypoint=opt.get("--entrypoint"),
                          cmd=opt.get("--cmd"), env=opt.get("--env", []), user=opt.get("--user"),
                          workdir=opt.get("--workdir"))
if not os.path.isdir(a.rootfs):
    sys.exit(f"cluster.sh image: {a.rootfs} is not a folder")

def norm(ti):
    ti.uname = ti.gname = ""
    ti.mtime = int(ti.mtime)
    return ti

def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

out_dir = os.path.dirname(os.path.abspath(a.out))
with tempfile.NamedTemporaryFile(dir=out_dir, suffix=".layer") as layer:
    with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for top, dirs, files in os.walk(a.rootfs):
            dirs.sort()
            rel = os.path.relpath(top, a.rootfs)
            if rel != ".":
                tar.add(top, arcname=rel, recursive=False, filter=norm)
            for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(top, d))]):
                path = os.path.join(top, name)
                tar.add(path, arcname=os.path.normpath(os.path.join(rel, name)),
                        recursive=False, filter=norm)
    layer.flush()
    diff_id = digest(layer.name)

    env = list(a.env)
    if not any(e.startswith("PATH=") for e in env):
        env.insert(0, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    runtime = {"Env": env}
    for key, value in (("Entrypoint", a.entrypoint), ("Cmd", a.cmd), ("User", a.user),
                       ("WorkingDir", a.workdir)):
        if value:
            runtime[key] = value
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    config = json.dumps({
        "architecture": arch, "os": "linux", "created": "1970-01-01T00:00:00Z",
        "config": runtime,
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "ci/cluster.sh image"}],
    }, sort_keys=True).encode()
    config_id = hashlib.sha256(config).hexdigest()
    manifest = json.dumps([{"Config": config_id + ".json", "RepoTags": [a.ref],
                            "Layers": [diff_id + "/layer.tar"]}]).encode()

    tmp = a.out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def add_bytes(name, data):
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode = len(data), 0o644
            tar.addfile(ti, io.BytesIO(data))
        tar.add(layer.name, arcname=diff_id + "/layer.tar", filter=norm)
        add_bytes(config_id + ".json", config)
        add_bytes("manifest.json", manifest)
    os.replace(tmp, a.out)
PY
}

containerd_up() { [ -S "$RUN/containerd/containerd.sock" ] && alive containerd; }

load_image() { # <archive>
  [ -f "$1" ] || die "no such archive: $1"
  containerd_up || die "the cluster is not up (ci/cluster.sh up)"
  ctr images import "$1" >&2
}

image_cmd() { # <ref> <rootfs> [flags]
  [ $# -ge 2 ] || die "usage: $0 image REF ROOTFS_DIR [--entrypoint A]... [--cmd A]..." \
    "[--env K=V]... [--user U] [--workdir D]"
  containerd_up || die "the cluster is not up (ci/cluster.sh up)"
  local ref=$1 rootfs=$2; shift 2
  mkdir -p "$RUN/tmp"
  local tar; tar=$(mktemp "$RUN/tmp/image.XXXXXX")
  pack_image "$ref" "$rootfs" "$tar" "$@" || { rm -f "$tar"; exit 1; }
  ctr images import "$tar" >&2 || { rm -f "$tar"; exit 1; }
  rm -f "$tar"
  log "imported $ref"
}

# --- processes -----------------------------------------------------------------------------
# Every process `up` starts has $RUN/pids/<name>.pid and a log $RUN/logs/<name>.log. A PID file
# counts only while it names a live process running the expected binary (a recycled PID that
# belongs to something else must never be signalled).
exe_of() { # <name>: the binary a component runs
  case $1 in
    mount-ns) command -v sleep ;;
    containerd) command -v containerd ;;
    *) echo "$K8S_BIN/$1" ;;
  esac
}

alive() { # <name>
  local pid exe; pid=$(cat "$RUN/pids/$1.pid" 2>/dev/null) || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "${exe% (deleted)}" = "$(readlink -f "$(exe_of "$1")")" ]
}

spawn() { # <name> <command...>: start in the background, detached from our stdin/stdout
  "${@:2}" </dev/null >>"$RUN/logs/$1.log" 2>&1 &
  echo $! >"$RUN/pids/$1.pid"
}

gone() { # <pid>: exited (a zombie counts: only its parent's wait is left)
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
  [ "$state" = Z ]
}

# TERM, up to 10 s, then KILL: several at once so that `down` does not wait for each in turn.
# Done when each process is gone, not merely past the point where /proc/PID/exe disappears.
stop() { # <name...>
  local n pids=() p live
  for n in "$@"; do alive "$n" && pids+=("$(cat "$RUN/pids/$n.pid")"); done
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 100); do
      live=0
      for p in "${pids[@]}"; do gone "$p" || live=1; done
      [ $live = 0 ] && break
      sleep 0.1
    done
    for n in "$@"; do
      if alive "$n"; then kill -KILL "$(cat "$RUN/pids/$n.pid")" 2>/dev/null || true; fi
    done
    for _ in $(seq 50); do
      live=0
      for p in "${pids[@]}"; do gone "$p" || live=1; done
      [ $live = 0 ] && break
      sleep 0.1
    done
  fi
  for n in "$@"; do rm -f "$RUN/pids/$n.pid"; done
  STOPPED+=("${pids[@]}")
}
STOPPED=()   # every PID stop() ended: `down` waits until their parent has reaped them too

kill_pids() { # <signal> <pid...>: for processes we did not start ourselves; KILL after 3 s
  local sig=$1 p _ live; shift
  [ $# -gt 0 ] || return 0
  kill "-$sig" "$@" 2>/dev/null || true
  for _ in $(seq 30); do
    live=0
    for p in "$@"; do gone "$p" || live=1; done
    [ $live = 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}

# --- the private mount namespace -----------------------------------------------------------
ns_pid() { cat "$RUN/pids/mount-ns.pid"; }
in_ns() { nsenter -t "$(ns_pid)" -m -- "$@"; }

# The processes in our mount namespace: containerd, the kubelet, the shims and the holder.
ns_members() {
  local ns p; ns=$(readlink "/proc/$(ns_pid)/ns/mnt" 2>/dev/null) || return 0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
  done
  return 0
}

record_created() { # <path>: create it if missing, and note the topmost folder we made
  local top=$1
  [ -e "$1" ] && return 0
  while [ ! -e "$(dirname "$top")" ]; do top=$(dirname "$top"); done
  mkdir -p "$1"
  echo "$top" >>"$RUN/created"
}

start_mount_ns() {
  spawn mount-ns unshare --mount --propagation private sleep infinity
  local _ me; me=$(readlink /proc/self/ns/mnt)
  for _ in $(seq 50); do   # until unshare has exec'd the holder in its new namespace
    alive mount-ns && [ "$(readlink "/proc/$(ns_pid)/ns/mnt")" != "$me" ] && break
    sleep 0.05
  done
  alive mount-ns || die "the mount namespace holder did not start"
  local d src
  for d in "${NS_BINDS[@]}"; do
    record_created "$d"
    src="$RUN/ns${d}"
    mkdir -p "$src"
    in_ns mount --bind "$src" "$d"
  done
  local kv key
  mkdir -p "$RUN/sysctl"
  for kv in "${KUBELET_SYSCTLS[@]}"; do
    key=${kv%%=*}
    echo "${kv#*=}" >"$RUN/sysctl/${key//\//.}"
    in_ns mount --bind "$RUN/sysctl/${key//\//.}" "/proc/sys/$key"
  done
}

# --- network -------------------------------------------------------------------------------
network_up() {
  ip link add "$BRIDGE" type bridge
  ip addr add "$NODE_IP/${POD_CIDR#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  echo 1 >"/proc/sys/net/ipv4/conf/$BRIDGE/forwarding"   # this bridge only, not ip_forward
  ip route add "$SERVICE_CIDR" dev "$BRIDGE" src "$NODE_IP"
  # Guards: nothing from or to the pod and Service ranges leaves by another interface, and
  # nothing from the bridge is forwarded elsewhere (mangle, so no later rule can undo it).
  local t="iptables -w -t mangle"
  $t -N ETHNET-GUARD-OUT
  $t -A ETHNET-GUARD-OUT -o "$BRIDGE" -j RETURN
  $t -A ETHNET-GUARD-OUT -o lo -j RETURN
  $t -A ETHNET-GUARD-OUT -s "$POD_CIDR" -j DROP
  $t -A ETHNET-GUARD-OUT -d "$POD_CIDR" -j DROP
  $t -A ETHNET-GUARD-OUT -d "$SERVICE_CIDR" -j DROP
  $t -I POSTROUTING -j ETHNET-GUARD-OUT
  $t -N ETHNET-GUARD-FWD
  $t -A ETHNET-GUARD-FWD -i "$BRIDGE" ! -o "$BRIDGE" -j DROP
  $t -A ETHNET-GUARD-FWD -o "$BRIDGE" ! -i "$BRIDGE" -j DROP
  $t -I FORWARD -j ETHNET-GUARD-FWD
}

# Every KUBE-* and ETHNET-* chain, and the rules in other chains that jump to them, for IPv4
# and IPv6: one iptables-restore --noflush per family, built from iptables-save.
cleanup_iptables() { # <iptables-save> <iptables-restore>
  command -v "$1" >/dev/null || return 0
  local script
  script=$("$1" 2>/dev/null | awk '
    /^\*/ { table = $0; n = 0; m = 0; next }
    /^:/ { c = substr($1, 2); if (c ~ /^(KUBE-|ETHNET-)/) chains[++m] = c; next }
    /^-A / {
      if ($2 !~ /^(KUBE-|ETHNET-)/ && $0 ~ / -[jg] (KUBE-|ETHNET-)/) del[++n] = "-D " substr($0, 4)
      next
    }
    /^COMMIT/ {
      if (n + m == 0) next
      print table
      for (i = 1; i <= n; i++) print del[i]
      for (i = 1; i <= m; i++) print "-F " chains[i]
      for (i = 1; i <= m; i++) print "-X " chains[i]
      print "COMMIT"
    }')
  [ -z "$script" ] || printf '%s\n' "$script" | "$2" -w --noflush
}

# iptables-nft creates an nftables table on first use and leaves it, empty, behind: delete the
# ones that were not there before `up` and hold nothing any more.
cleanup_nft_tables() {
  command -v nft >/dev/null && [ -f "$RUN/nft-tables.before" ] || return 0
  local fam name
  while read -r _ fam name; do
    grep -qx "table $fam $name" "$RUN/nft-tables.before" && continue
    case $fam in ip | ip6) ;; *) continue ;; esac
    # Nothing but chain headers and policies left: no rule, no set.
    if ! nft list table "$fam" "$name" | grep -Eqv '^\s*(table|chain|type|policy|\}|$)'; then
      nft delete table "$fam" "$name"
    fi
  done < <(nft list tables 2>/dev/null)
}

our_bridge() { # cni0 exists and carries our node address (never delete another cluster's)
  ip -o addr show dev "$BRIDGE" 2>/dev/null | grep -q " inet $NODE_IP/"
}

network_down() {
  local l
  if our_bridge; then
    # veths die with their pod's network namespace; any still attached go explicitly.
    for l in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
      ip link del "$l" 2>/dev/null || true
    done
    ip link del "$BRIDGE"   # its address and the Service route go with it
  fi
  cleanup_iptables iptables-save iptables-restore
  cleanup_iptables ip6tables-save ip6tables-restore
  cleanup_nft_tables
  # Connection-tracking entries of pod and Service addresses (DNAT state) go too.
  if command -v conntrack >/dev/null; then
    for l in "-s $POD_CIDR" "-d $POD_CIDR" "-d $SERVICE_CIDR"; do
      # shellcheck disable=SC2086 # an option and its value
      conntrack -D $l >/dev/null 2>&1 || true
    done
  fi
}

# --- PKI and kubeconfigs -------------------------------------------------------------------
# EC P-256 keys (fast to make): the cluster CA signs every serving and client cert; `up` makes
# a fresh set each time, with the cluster.
pki() {
  local d="$RUN/pki" days=3650
  mkdir -p "$d"
  ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/$1.key" 2>/dev/null; }
  sign() { # <name> <subject> <extensions>
    ec "$1"
    openssl req -new -key "$d/$1.key" -subj "$2" -out "$d/$1.csr"
    openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
      -days $days -out "$d/$1.crt" -extfile <(printf '%b' "$3") 2>/dev/null
    rm -f "$d/$1.csr"
  }
  ec ca
  openssl req -x509 -new -key "$d/ca.key" -subj "/CN=ethnet-cluster-ca" -days $days -out "$d/ca.crt"
  local server="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth"
  local client="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth"
  sign apiserver "/CN=kube-apiserver" "$server\nsubjectAltName=IP:$NODE_IP,IP:$API_SERVICE_IP,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  sign kubelet "/CN=$NODE_NAME" "$server\nsubjectAltName=IP:$NODE_IP,DNS:$NODE_NAME"
  # The API server's client cert for the kubelet (logs, exec, port-forward, pod proxy).
  sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  sign admin "/O=system:masters/CN=ethnet-admin" "$client"
  sign controller-manager "/CN=system:kube-controller-manager" "$client"
  sign scheduler "/CN=system:kube-scheduler" "$client"
  sign kube-proxy "/CN=system:kube-proxy" "$client"
  sign node "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
  ec sa
  openssl pkey -in "$d/sa.key" -pubout -out "$d/sa.pub"
  rm -f "$d/ca.srl"
}

kubeconfig() { # <file> <cert name in pki/>
  local d="$RUN/pki" b="base64 -w0"
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: ethnet
  cluster:
    server: https://$NODE_IP:$API_PORT
    certificate-authority-data: $($b <"$d/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $($b <"$d/$2.crt")
    client-key-data: $($b <"$d/$2.key")
contexts:
- name: ethnet
  context: {cluster: ethnet, user: $2}
current-context: ethnet
EOF
  chmod 600 "$1"
}

# The templates in ci/cluster/ with their @NAME@ fields filled in; an unknown field fails.
render() { # <template> <output>
  local v sed_args=()
  for v in RUN NODE_NAME BRIDGE NODE_IP POD_CIDR POD_RANGE_START POD_RANGE_END SERVICE_CIDR \
    DNS_IP API_PORT STORAGE_CLASS CGROUP_ROOT PAUSE_IMAGE COREDNS_IMAGE MAX_OPEN_FILES; do
    sed_args+=(-e "s|@$v@|${!v}|g")
  done
  sed "${sed_args[@]}" "$SRC/$1" >"$2"
  ! grep -n '@[A-Z_]*@' "$2" || die "unfilled fields in $2"
}

# --- up ------------------------------------------------------------------------------------
DEADLINE=0
wait_for() { # <what> <command...>: until the command succeeds; fail on a dead component or DEADLINE
  local n
  until "${@:2}" >/dev/null 2>&1; do
    for n in etcd kube-apiserver kube-controller-manager kube-scheduler mount-ns containerd kubelet kube-proxy; do
      if [ -f "$RUN/pids/$n.pid" ] && ! alive "$n"; then fail "$n exited while waiting for $1"; fi
    done
    [ "$SECONDS" -lt "$DEADLINE" ] || fail "no $1 after ${TIMEOUT}s"
    sleep 0.2
  done
}

fail() { # show why, then undo everything (the logs stay)
  trap - EXIT
  log "$1; last lines of the logs in $RUN/logs:"
  local f
  for f in "$RUN"/logs/*.log; do
    [ -f "$f" ] || continue
    echo "----- ${f##*/}" >&2
    tail -n 15 "$f" >&2
  done
  down
  exit 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_etcd() {
  local client peer
  client=http://127.0.0.1:$(free_port) peer=http://127.0.0.1:$(free_port)
  echo "$client" >"$RUN/etcd-url"
  # Throwaway data: no fsync.
  spawn etcd "$K8S_BIN/etcd" --name ethnet --data-dir "$RUN/etcd" \
    --listen-client-urls "$client" --advertise-client-urls "$client" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
    --initial-cluster "ethnet=$peer" --listen-metrics-urls "" --unsafe-no-fsync --log-level warn
}

start_apiserver() {
  local d="$RUN/pki"
  spawn kube-apiserver "$K8S_BIN/kube-apiserver" \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=$API_PORT \
    --etcd-servers="$(cat "$RUN/etcd-url")" \
    --tls-cert-file="$d/apiserver.crt" --tls-private-key-file="$d/apiserver.key" \
    --client-ca-file="$d/ca.crt" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$d/sa.pub" --service-account-signing-key-file="$d/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --kubelet-client-certificate="$d/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$d/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$d/ca.crt" \
    --kubelet-preferred-address-types=InternalIP \
    --allow-privileged=true --profiling=false
}

start_controllers() {
  local d="$RUN/pki" kc="$RUN/controller-manager.kubeconfig" ks="$RUN/scheduler.kubeconfig"
  # The service-account key and root CA: `default` ServiceAccounts get tokens; the hostPath
  # provisioner backs the default StorageClass. One instance: no leader election.
  spawn kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$d/sa.key" --root-ca-file="$d/ca.crt" \
    --cluster-signing-cert-file="$d/ca.crt" --cluster-signing-key-file="$d/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" --cluster-cidr="$POD_CIDR" \
    --enable-hostpath-provisioner=true --profiling=false
  spawn kube-scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig="$ks" --authentication-kubeconfig="$ks" --authorization-kubeconfig="$ks" \
    --bind-address=127.0.0.1 --leader-elect=false --profiling=false
}

start_containerd() {
  mkdir -p "$RUN/containerd" "$RUN/cni/net.d"
  render containerd.toml "$RUN/containerd/config.toml"
  render cni.conflist "$RUN/cni/net.d/10-ethnet.conflist"
  local host
  for host in docker.io _default; do
    mkdir -p "$RUN/containerd/certs.d/$host"
    printf 'server = "%s"\n\n[host."%s"]\n  capabilities = ["pull", "resolve"]\n' \
      "$CLOSED" "$CLOSED" >"$RUN/containerd/certs.d/$host/hosts.toml"
  done
  spawn containerd env HTTP_PROXY=$CLOSED HTTPS_PROXY=$CLOSED NO_PROXY= \
    nsenter -t "$(ns_pid)" -m -- containerd --config "$RUN/containerd/config.toml"
}

start_node() {
  # The kubelet's cgroup root must exist in every hierarchy before it starts.
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -f "$h/cgroup.procs" ] || continue
    mkdir -p "$h${CGROUP_ROOT#/}"
    if [ -f "$h/cpuset.cpus" ]; then   # v1 cpuset children start empty
      cat "$h/cpuset.cpus" >"$h${CGROUP_ROOT#/}/cpuset.cpus"
      cat "$h/cpuset.mems" >"$h${CGROUP_ROOT#/}/cpuset.mems"
    fi
  done
  : >"$RUN/kubelet-resolv.conf"
  MAX_OPEN_FILES=$(ulimit -Hn)
  [ "$MAX_OPEN_FILES" = unlimited ] && MAX_OPEN_FILES=1000000
  render kubelet.yaml "$RUN/kubelet.yaml"
  render kube-proxy.yaml "$RUN/kube-proxy.yaml"
  spawn kubelet nsenter -t "$(ns_pid)" -m -- "$K8S_BIN/kubelet" \
    --config="$RUN/kubelet.yaml" --kubeconfig="$RUN/kubelet.kubeconfig" \
    --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
  spawn kube-proxy "$K8S_BIN/kube-proxy" --config="$RUN/kube-proxy.yaml"
}

node_ready() {
  [ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

# A dry-run Pod that would pull must be refused by the admission policy.
policy_enforced() {
  local out
  out=$(kubectl run ethnet-policy-check -n default --image=ethnet.local/none:0 \
    --image-pull-policy=IfNotPresent --restart=Never --dry-run=server -o name 2>&1) && return 1
  grep -q 'imagePullPolicy must be Never' <<<"$out"
}

dns_works() { # from the node, through the kube-dns Service address
  busybox nslookup "kubernetes.default.svc.cluster.local" "$DNS_IP" 2>/dev/null | grep -q "$API_SERVICE_IP"
}

up() {
  require_root
  ensure_packages
  build
  if alive kube-apiserver && alive kubelet && alive containerd; then
    log "already up ($RUN); \`$0 down\` first for a fresh one"
    return 0
  fi
  [ ! -d "$RUN/pids" ] || down   # a half-started or crashed leftover
  ! ip link show "$BRIDGE" >/dev/null 2>&1 ||
    die "$BRIDGE exists and is not ours (another cluster?); if it is ours: $0 down"
  local t0=$SECONDS
  DEADLINE=$((SECONDS + TIMEOUT))
  rm -rf "$RUN"
  mkdir -p "$RUN/pids" "$RUN/logs"
  trap 'fail "up failed"' EXIT
  if command -v nft >/dev/null; then nft list tables >"$RUN/nft-tables.before" 2>/dev/null || true; fi
  [ -e "$HOSTPATH_DIR" ] && log "warning: $HOSTPATH_DIR exists and is not ours: down leaves it"
  [ -e "$HOSTPATH_DIR" ] || echo "$HOSTPATH_DIR" >>"$RUN/created"
  echo "$CGROUP_ROOT" >"$RUN/cgroup-root"

  network_up
  pki
  kubeconfig "$RUN/kubeconfig" admin
  local c
  for c in controller-manager scheduler kube-proxy; do kubeconfig "$RUN/$c.kubeconfig" "$c"; done
  kubeconfig "$RUN/kubelet.kubeconfig" node

  start_etcd
  start_mount_ns
  start_containerd   # boots while etcd and the API server do
  wait_for "etcd health" curl -fsS --max-time 2 "$(cat "$RUN/etcd-url")/health"
  start_apiserver
  wait_for "containerd" ctr version
  ctr images import "$TOOLS/pause.tar" >/dev/null
  ctr images import "$TOOLS/coredns.tar" >/dev/null
  wait_for "API server /readyz" kubectl get --raw /readyz
  # The policy before anything can create a Pod; the controllers make ServiceAccounts.
  render admission.yaml "$RUN/admission.yaml"
  kubectl apply -f "$RUN/admission.yaml" >/dev/null
  start_controllers
  start_node
  render addons.yaml "$RUN/addons.yaml"
  kubectl apply -f "$RUN/addons.yaml" >/dev/null
  wait_for "admission policy" policy_enforced
  wait_for "node Ready" node_ready
  wait_for "default ServiceAccount" kubectl get serviceaccount default -n default
  wait_for "cluster DNS" dns_works
  trap - EXIT
  log "up in $((SECONDS - t0))s: node $NODE_NAME Ready, DNS at $DNS_IP; eval \"\$($0 env)\""
}

# --- down ----------------------------------------------------------------------------------
down() {
  require_root
  local t0=$SECONDS
  if [ ! -d "$RUN/pids" ] && [ ! -f "$RUN/created" ] && ! our_bridge; then
    log "nothing to take down"
    return 0
  fi
  stop kube-proxy kube-scheduler kube-controller-manager kubelet
  # The pods: every process in the kubelet's cgroup tree, in any hierarchy. SIGKILL at once:
  # the kubelet is gone, nothing waits for a graceful end, and a container's PID 1 ignores TERM
  # unless it handles it.
  local root; root=$(cat "$RUN/cgroup-root" 2>/dev/null || echo "$CGROUP_ROOT")
  local procs
  procs=$(find /sys/fs/cgroup/*/"${root#/}" -name cgroup.procs -exec cat {} + 2>/dev/null |
    sort -u || true)   # no tree at all when the kubelet never started
  # shellcheck disable=SC2086 # one PID per word
  kill_pids KILL $procs
  stop containerd
  # What else lives in the mount namespace: the shims.
  if alive mount-ns; then
    procs=$(ns_members | grep -vx "$(ns_pid)" || true)
    # shellcheck disable=SC2086 # one PID per word
    kill_pids TERM $procs
  fi
  stop mount-ns kube-apiserver   # before etcd: on a dead backend it waits out its grace period
  stop etcd
  remove_cgroups "$root"
  network_down
  local p
  if [ -f "$RUN/created" ]; then   # paths `up` created (mount points, the hostPath folder)
    while read -r p; do
      case $p in /run/* | /var/* | /tmp/*) rm -rf -- "$p" ;; esac
    done <"$RUN/created"
  fi
  local _ left
  for _ in $(seq 50); do   # zombies until PID 1 (their parent, once `up` has exited) reaps them
    left=0
    for p in "${STOPPED[@]}"; do [ -e "/proc/$p" ] && left=1; done
    [ $left = 0 ] && break
    sleep 0.1
  done
  # Everything but the logs.
  if [ -d "$RUN" ]; then
    find "$RUN" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
  fi
  log "down in $((SECONDS - t0))s"
}

remove_cgroups() { # <root>: the kubelet's cgroup trees, deepest first (a dying pod may hold one briefly)
  local _ left
  for _ in $(seq 50); do
    left=0
    for h in /sys/fs/cgroup/*/"${1#/}"; do
      [ -d "$h" ] || continue
      find "$h" -depth -type d -exec rmdir {} + 2>/dev/null || left=1
    done
    [ $left = 0 ] && return 0
    sleep 0.1
  done
  log "warning: could not remove every cgroup under $1"
}

status() {
  local n
  for n in etcd kube-apiserver kube-controller-manager kube-scheduler mount-ns containerd kubelet kube-proxy; do
    if alive "$n"; then printf '%-24s running, pid %s\n' "$n" "$(cat "$RUN/pids/$n.pid")"
    else printf '%-24s not running\n' "$n"; fi
  done
  if alive kube-apiserver; then
    kubectl get nodes -o wide
    kubectl get pods -A -o wide
  fi
}

env_cmd() {
  printf 'export KUBECONFIG=%q\n' "$RUN/kubeconfig"
  printf 'export ETHNET_CLUSTER_DIR=%q\n' "$RUN"
  printf 'export CONTAINERD_ADDRESS=%q\n' "$RUN/containerd/containerd.sock"
  printf 'export CONTAINERD_NAMESPACE=k8s.io\n'
  # shellcheck disable=SC2016 # $PATH is for the shell that evals this
  printf 'export PATH=%q:"$PATH"\n' "$K8S_BIN"   # kubectl
}

case ${1:-} in
  build) build ;;
  up) up ;;
  down) down ;;
  env) env_cmd ;;
  status) status ;;
  image) shift; image_cmd "$@" ;;
  load-image) [ $# -eq 2 ] || die "usage: $0 load-image TAR"; load_image "$2" ;;
  *) die "usage: $0 build|up|down|env|status|image REF ROOTFS_DIR [flags]|load-image TAR" ;;
esac
