#!/usr/bin/env bash
# A real Kubernetes API server (etcd + kube-apiserver, no kubelet, no controller-manager, no
# scheduler) on 127.0.0.1 for integration tests. No Docker, no downloads but the Go module proxy.
#
# Usage: ci/apiserver.sh build    build the pinned etcd and kube-apiserver once into the cache
#        ci/apiserver.sh start    build if needed, then start a fresh cluster and wait for /readyz
#        ci/apiserver.sh stop     stop it (safe to call twice, or when nothing runs)
#        ci/apiserver.sh env      print `export …` lines: eval "$(ci/apiserver.sh env)"
#
# Environment: ETHNET_CACHE (default ~/.cache/ethnet), ETHNET_APISERVER_DIR (run dir, default
# $ETHNET_CACHE/apiserver-run), ETHNET_APISERVER_TIMEOUT (seconds to wait for /readyz, default
# 180), ETHNET_APISERVER_ARGS (extra kube-apiserver flags, split on spaces),
# ETHNET_APISERVER_GCFLAGS (go build -gcflags=all=…; default "-N -l", see build below).
#
# The kubeconfig ($RUN/kubeconfig) has two contexts: `admin` (current; CN=ethnet-admin in
# system:masters) and `restricted` (CN=ethnet-restricted, no RBAC grants at all).
#
# What a test can and cannot expect, since only the API server runs:
#  - objects are stored, validated, defaulted and admitted as on a real cluster (server-side
#    apply, dry-run=server, RBAC, `auth can-i` all work);
#  - no controller acts on them: a StatefulSet/Deployment never gets pods, nothing becomes
#    Ready (so never `helm install --wait`), ownerReferences are not garbage-collected, and a
#    deleted namespace stays Terminating forever (delete with --wait=false, or not at all);
#  - the ServiceAccount admission plugin is disabled: it would reject every Pod in a new
#    namespace because the `default` ServiceAccount is made by the controller-manager, which
#    does not run. Pods are stored as written (no token volume is injected).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MOD="$HERE/apiserver"   # the build-only Go module that pins both binaries
ETHNET_CACHE=${ETHNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ethnet}
# One source of truth for the versions: ci/apiserver/go.mod.
K8S_VERSION=$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$MOD/go.mod")
BIN="$ETHNET_CACHE/apiserver-$K8S_VERSION/bin"
RUN=${ETHNET_APISERVER_DIR:-$ETHNET_CACHE/apiserver-run}
TIMEOUT=${ETHNET_APISERVER_TIMEOUT:-180}

log() { echo "apiserver: $*" >&2; }
die() { log "$*"; exit 1; }

# --- build ---------------------------------------------------------------------------------
# Both binaries come from one `go build` in one module, so the packages they share (grpc,
# protobuf, etcd client, prometheus, otel…) compile once. The compiler's optimizer and inliner
# are off by default (-N -l): that cuts the CPU time of a cold build by about a third (≈880 →
# ≈565 CPU-seconds on this machine kind) and costs a few seconds of start-up, which a test
# server can spare. ETHNET_APISERVER_GCFLAGS= (empty) builds optimized binaries instead.
GCFLAGS=${ETHNET_APISERVER_GCFLAGS--N -l}
build() {
  # The stamp covers go.mod (less comments) and the flags: a version or flag change rebuilds.
  local stamp="$BIN/.stamp" want
  want=$({ sed 's|//.*||' "$MOD/go.mod"; echo "gcflags=$GCFLAGS"; } | sha256sum | cut -d' ' -f1)
  if [ -x "$BIN/etcd" ] && [ -x "$BIN/kubelet" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  command -v go >/dev/null || die "go is needed to build etcd and kube-apiserver"
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  # Without these the server reports v0.0.0-master, which helm's kubeVersion checks reject.
  local x="" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    x+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  local tmp="$BIN.tmp" start=$SECONDS
  rm -rf "$tmp" && mkdir -p "$tmp"
  log "building etcd and the Kubernetes $K8S_VERSION binaries into $BIN (8-10 minutes on 2 idle cores when cold)"
  # GOTOOLCHAIN=local: never fetch another Go toolchain; -mod=readonly: go.sum must be complete.
  # Every tool the module lists: the API server tests need two, the local cluster all seven.
  local tools
  tools=$(awk '/^tool \(/ { on = 1; next } on && /^\)/ { on = 0 } on { print $1 }' "$MOD/go.mod")
  # shellcheck disable=SC2086 # one package path per word
  (cd "$MOD" && GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -mod=readonly" \
    go build -trimpath -gcflags="all=$GCFLAGS" -ldflags="-s -w$x" -o "$tmp/" $tools)
  mv "$tmp/server" "$tmp/etcd"   # the package is go.etcd.io/etcd/server/v3, hence "server"
  echo "$want" >"$tmp/.stamp"
  rm -rf "$BIN" && mv "$tmp" "$BIN"
  log "built in $((SECONDS - start))s"
}

# --- helpers -------------------------------------------------------------------------------
free_port() { # a port the kernel just handed out on 127.0.0.1 (tiny race; fine for tests)
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# True when the PID file names a live process running the given binary of ours (a recycled
# PID belonging to something else must never be killed).
alive() { # <name>
  local pid; pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 1
  local exe; exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "${exe% (deleted)}" = "$BIN/$1" ]   # still ours after a rebuild replaced the file
}

stop_one() { # <name>
  alive "$1" || { rm -f "$RUN/$1.pid"; return 0; }
  local pid n=0; pid=$(cat "$RUN/$1.pid")
  kill -TERM "$pid" 2>/dev/null || true
  while alive "$1" && [ $((n += 1)) -le 100 ]; do sleep 0.1; done   # 10 s, then SIGKILL
  if alive "$1"; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  rm -f "$RUN/$1.pid"
}

stop() {
  stop_one kube-apiserver   # before etcd, so the apiserver does not spin on a dead backend
  stop_one etcd
}

# PKI with EC P-256 keys (fast to make): a CA, the serving cert, the service-account signing
# key pair and the two client certs. Regenerated on every start along with the cluster.
pki() {
  local d="$RUN/pki" days=3650
  rm -rf "$d" && mkdir -p "$d"
  ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/$1.key" 2>/dev/null; }
  sign() { # <name> <subject> [extension lines]
    local name=$1 subj=$2 ext=$3
    ec "$name"
    openssl req -new -key "$d/$name.key" -subj "$subj" -out "$d/$name.csr"
    openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
      -days $days -out "$d/$name.crt" -extfile <(printf '%b' "$ext") 2>/dev/null
    rm -f "$d/$name.csr"
  }
  ec ca
  openssl req -x509 -new -key "$d/ca.key" -subj "/CN=ethnet-test-ca" -days $days -out "$d/ca.crt"
  # The kubernetes.default names and 10.0.0.1 (the `kubernetes` Service) only matter to
  # in-cluster clients, which never run here; they keep the cert like a real one.
  sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.0.0.1"
  local client="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth"
  sign admin "/O=system:masters/CN=ethnet-admin" "$client"
  sign restricted "/CN=ethnet-restricted" "$client"
  ec sa
  openssl pkey -in "$d/sa.key" -pubout -out "$d/sa.pub"
}

kubeconfig() { # <url>
  local d="$RUN/pki" b="base64 -w0"
  cat >"$RUN/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: ethnet-test
  cluster:
    server: $1
    certificate-authority-data: $($b <"$d/ca.crt")
users:
- name: ethnet-admin
  user:
    client-certificate-data: $($b <"$d/admin.crt")
    client-key-data: $($b <"$d/admin.key")
- name: ethnet-restricted
  user:
    client-certificate-data: $($b <"$d/restricted.crt")
    client-key-data: $($b <"$d/restricted.key")
contexts:
- name: admin
  context: {cluster: ethnet-test, user: ethnet-admin}
- name: restricted
  context: {cluster: ethnet-test, user: ethnet-restricted}
current-context: admin
EOF
  chmod 600 "$RUN/kubeconfig"
}

# --- start ---------------------------------------------------------------------------------
start() {
  build
  mkdir -p "$RUN"
  if alive etcd && alive kube-apiserver; then
    log "already running ($RUN); \`$0 stop\` first for a fresh one"
    return 0
  fi
  stop   # a half-running leftover
  local t0=$SECONDS
  rm -rf "$RUN/etcd-data" "$RUN"/*.log "$RUN/kubeconfig"
  pki
  local etcd_port peer_port api_port
  etcd_port=$(free_port) peer_port=$(free_port) api_port=$(free_port)
  local etcd_url="http://127.0.0.1:$etcd_port" peer_url="http://127.0.0.1:$peer_port"

  # Throwaway data: --unsafe-no-fsync spares the disk; plain http is fine on loopback.
  "$BIN/etcd" --name ethnet --data-dir "$RUN/etcd-data" \
    --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "$peer_url" --initial-advertise-peer-urls "$peer_url" \
    --initial-cluster "ethnet=$peer_url" --unsafe-no-fsync --log-level warn \
    </dev/null >"$RUN/etcd.log" 2>&1 &
  echo $! >"$RUN/etcd.pid"
  # etcd first: an apiserver started against a closed port floods its log with dial errors.
  DEADLINE=$((SECONDS + TIMEOUT))
  wait_ready "$etcd_url/health"

  local d="$RUN/pki"
  # --endpoint-reconciler-type=none: the reconciler would publish 127.0.0.1 as the
  #   `kubernetes` Service endpoint, which Endpoints validation rejects (loopback), forever.
  # --allow-privileged: as on kind and most clusters, so privileged pod specs validate.
  # shellcheck disable=SC2086 # ETHNET_APISERVER_ARGS is a space-separated flag list
  "$BIN/kube-apiserver" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --etcd-servers="$etcd_url" \
    --tls-cert-file="$d/apiserver.crt" --tls-private-key-file="$d/apiserver.key" \
    --client-ca-file="$d/ca.crt" \
    --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$d/sa.pub" --service-account-signing-key-file="$d/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --disable-admission-plugins=ServiceAccount \
    --endpoint-reconciler-type=none \
    --allow-privileged=true \
    --profiling=false \
    ${ETHNET_APISERVER_ARGS:-} \
    </dev/null >"$RUN/kube-apiserver.log" 2>&1 &
  echo $! >"$RUN/kube-apiserver.pid"

  kubeconfig "https://127.0.0.1:$api_port"
  wait_ready "https://127.0.0.1:$api_port/readyz" --cacert "$d/ca.crt" --cert "$d/admin.crt" --key "$d/admin.key"
  log "ready at https://127.0.0.1:$api_port in $((SECONDS - t0))s; eval \"\$($0 env)\""
}

wait_ready() { # <url> [curl options]: until it answers 2xx; fail on a dead process or DEADLINE
  local url=$1 name; shift
  until curl -fsS --max-time 5 "$@" "$url" >/dev/null 2>&1; do
    for name in etcd kube-apiserver; do
      if [ -f "$RUN/$name.pid" ] && ! alive "$name"; then fail "$name exited before $url answered"; fi
    done
    [ "$SECONDS" -lt "$DEADLINE" ] || fail "$url not ready after ${TIMEOUT}s"
    sleep 0.3
  done
}

fail() { # stop everything and show why
  log "$1; last lines of the logs in $RUN:"
  local f
  for f in etcd kube-apiserver; do
    echo "----- $f.log" >&2
    tail -n 25 "$RUN/$f.log" >&2 2>/dev/null || true
  done
  stop
  exit 1
}

case ${1:-} in
  build) build ;;
  start) start ;;
  stop) stop ;;
  env) printf 'export KUBECONFIG=%q\nexport ETHNET_APISERVER_DIR=%q\n' "$RUN/kubeconfig" "$RUN" ;;
  *) die "usage: $0 build|start|stop|env" ;;
esac
