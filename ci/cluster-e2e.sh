#!/usr/bin/env bash
# The chart on a real cluster: ethnet installs a network on the local single-node Kubernetes of
# ci/cluster.sh (kubelet + containerd, images built from the Go module proxy by ci/images.sh)
# through the commands a user types (`helm plugin install`, `helm ethnet install/status/upgrade/
# uninstall`, `helm test`), and the network must finalize, carry a transfer and survive faults.
# kubectl is used only to cause faults and to read what the checks compare.
#
# Checks, in order (each one line, PASS or FAIL; the last line counts them):
#   install → every pod Ready → first block → finalized epoch >= 1, ethnet's verdict healthy;
#   a transfer signed with a funded account's keystore through the RPC Service, exact balances;
#   `helm test`; faults, each followed by finality advancing within FAULT_BOUND seconds:
#   a validator pod deleted (same keys: its wallet imports nothing), the bootnode pod deleted,
#   `kubectl rollout restart` of every StatefulSet, the execution container of a validator node
#   killed; `upgrade --set nodes.rpc.replicas=2` (rpc-1 syncs, no other pod restarts); uninstall
#   keeps keys and volumes and a re-install continues the same chain; artifact Secrets refuse
#   edits, and another node's keystore put into validator-1's Secret (deleted and made again)
#   fails its init and the verdict, naming both; `uninstall --purge --yes` leaves nothing.
# Figures (time to Ready, first block, finality, recovery per fault, peak memory per container)
# are printed as `figure:` lines.
#
# Usage: ci/cluster-e2e.sh [ETHNET_BIN]
# Env:   ETHNET_CACHE; E2E_KEEP_CLUSTER=1 leaves the cluster up (and reuses a running one);
#        FAULT_BOUND (s, default 480: 7.5 epochs of 64 s; a deleted validator pod measured 308 s,
#        pod shutdown and two epochs to justify included); E2E_TIMEOUT (s to first finality, 900).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source ci/tools.sh
source ci/clients.sh
REL=e2e NS=ethnet-e2e FULL=e2e-ethnet
FAULT_BOUND=${FAULT_BOUND:-480}
TIMEOUT=${E2E_TIMEOUT:-900}
WORK=$(mktemp -d)

log() { printf '[cluster-e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=ci/checks.sh
source ci/checks.sh
figure() { echo "figure: $*"; }
now() { date +%s; }

cleanup() {
  local rc=$?
  if [ "$failed" -gt 0 ] || [ "$rc" -ne 0 ]; then diagnostics || true; fi
  if [ "${E2E_KEEP_CLUSTER:-0}" != 1 ]; then bash ci/cluster.sh down >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

diagnostics() {
  echo "----- diagnostics"
  k get pods -o wide 2>&1 | sed 's/^/  /'
  local pod c
  for pod in $(k get pods -o name 2>/dev/null); do
    for c in $(k get "$pod" -o jsonpath='{.spec.initContainers[*].name} {.spec.containers[*].name}'); do
      echo "  --- $pod $c (last 15 lines)"
      k logs "$pod" -c "$c" --tail=15 2>&1 | sed 's/^/    /'
    done
  done
}

# --- the cluster, the images, the plugin ---------------------------------------------------
eval "$(bash ci/cluster.sh env)"   # KUBECONFIG, CONTAINERD_ADDRESS, the cluster's kubectl on PATH
KUBECTL=$(command -v kubectl)
if [ "${E2E_KEEP_CLUSTER:-0}" != 1 ] || ! "$KUBECTL" get nodes >/dev/null 2>&1; then
  bash ci/cluster.sh up
fi
k() { "$KUBECTL" -n "$NS" "$@"; }
bash ci/images.sh build
bash ci/images.sh values >"$WORK/images.yaml"
VALUES=(-f ci/cluster-values.yaml -f "$WORK/images.yaml")

# The plugin as a user installs it, into a helm home of this run only; its install hook builds
# with the dev profile into this checkout's target dir (fast when the tests built it already).
export HELM_DATA_HOME=$WORK/helm/data HELM_CONFIG_HOME=$WORK/helm/config HELM_CACHE_HOME=$WORK/helm/cache
ETHNET_CARGO_PROFILE=dev CARGO_TARGET_DIR=$ROOT/target "$HELM_BIN" plugin install "$ROOT" >"$WORK/plugin.log" 2>&1 \
  || { cat "$WORK/plugin.log"; exit 1; }
ethnet() { "$HELM_BIN" ethnet "$@"; }
ethnet --version

# --- helpers -------------------------------------------------------------------------------
pod_ip() { k get pod "$1" -o jsonpath='{.status.podIP}'; }
el() { # <pod> <method> [params]: the JSON-RPC result (pod IPs are on the test's own bridge)
  curl -s -m 5 -X POST -H 'Content-Type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":${3:-[]}}" \
    "http://$(pod_ip "$1"):8545" 2>/dev/null | jq -r '.result // empty' 2>/dev/null || true
}
cl() { # <pod> <path> <jq filter>
  curl -s -m 5 "http://$(pod_ip "$1"):5052$2" 2>/dev/null | jq -r "$3 // empty" 2>/dev/null || true
}
block_number() { local h; h=$(el "$1" eth_blockNumber); echo $(( ${h:-0x0} )); }
finalized() { local f; f=$(cl "$1" /eth/v1/beacon/states/head/finality_checkpoints .data.finalized.epoch); echo "${f:-0}"; }
wait_until() { # <seconds> <command…>: polls every 2 s; 0 when it succeeded in time
  local end=$(( $(now) + $1 )); shift
  until "$@"; do [ "$(now)" -lt "$end" ] || return 1; sleep 2; done
}
finalized_above() { [ "$(finalized "$1")" -gt "$2" ]; }
above_block() { [ "$(block_number "$1")" -gt "$2" ]; }
pods_ready() { # the node pods, not helm test's
  k wait --for=condition=Ready pod -l 'app.kubernetes.io/component!=test' --timeout="${1}s" >/dev/null 2>&1
}
manifest() { k get configmap "$REL-manifest" -o jsonpath='{.data.manifest\.json}'; }
pod_uids() { k get pods -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.uid}{"\n"}{end}' | sort; }

# A fault, then: pod(s) Ready again and finality past the epoch seen before, within FAULT_BOUND.
after_fault() { # <name> <start time> <finalized epoch before>
  local name=$1 t0=$2 before=$3
  if pods_ready "$FAULT_BOUND" && wait_until "$FAULT_BOUND" finalized_above "$FULL-rpc-0" "$before"; then
    pass "$name: every pod Ready and finalized epoch past $before"
    figure "recovery after $name: $(( $(now) - t0 )) s to a new finalized epoch"
  else
    fail "$name: no new finalized epoch past $before within ${FAULT_BOUND}s"
  fi
}

PEAK=$WORK/peak-memory
sample_memory() { # keeps the highest memory.max_usage_in_bytes seen per pod/container (cgroup v1)
  local pod c id f
  k get pods -o jsonpath='{range .items[*]}{.metadata.name}{range .status.containerStatuses[*]} {.name}={.containerID}{end}{"\n"}{end}' |
  while read -r pod rest; do
    for c in $rest; do
      id=${c#*=containerd://}
      # The kubelet's cgroup root is the cluster's own (ci/cluster.sh: /ethnet).
      f=$(find /sys/fs/cgroup/memory/ethnet -maxdepth 5 -type d -name "*$id*" 2>/dev/null | head -n 1)
      [ -n "$f" ] && echo "$pod/${c%%=*} $(cat "$f/memory.max_usage_in_bytes")"
    done
  done >>"$PEAK" || true
}

# --- a. install ----------------------------------------------------------------------------
log "helm ethnet install $REL"
T0=$(now)
if ethnet install "$REL" -n "$NS" --create-namespace "${VALUES[@]}" --wait --timeout 10m \
     --health-timeout 300; then
  pass "install: helm ethnet install --wait, verdict healthy"
else
  fail "install: helm ethnet install"
  exit 1
fi
T_READY=$(now)
figure "install -> all pods Ready: $(( T_READY - T0 )) s (includes generate and seed)"
GENESIS_HASH=$(manifest | jq -r .el.genesisHash)
GENESIS_TIME=$(manifest | jq -r .genesisTime)
wait_until "$TIMEOUT" above_block "$FULL-rpc-0" 0 && figure "install -> first block: $(( $(now) - T0 )) s (genesis at +$(( GENESIS_TIME - T0 )) s)"
if ethnet status "$REL" -n "$NS" --wait-finality --wait "$TIMEOUT"; then
  pass "status --wait-finality: healthy through the API server's pod proxy, finalized epoch >= 1"
  figure "install -> first finalized epoch: $(( $(now) - T0 )) s ($(( $(now) - GENESIS_TIME )) s after genesis)"
else
  fail "status --wait-finality"
  exit 1
fi
h=$(el "$FULL-validator-1-0" eth_getBlockByNumber '["0x0",false]' | jq -r .hash)
[ "$h" = "$GENESIS_HASH" ] && pass "block 0 of validator-1 is ethnet's genesis $GENESIS_HASH" \
  || fail "block 0 of validator-1 is $h, ethnet's genesis is $GENESIS_HASH"
# What each client container of a validator pod sees of the data volume and the key mounts
# (through the shell init-layout shares): its own directory and the network's files, nothing of
# the validator client's keystores or their passwords, which the validator client imported.
sees() { # <container>: the /data and /ethnet entries it sees, on one line
  k exec "$FULL-validator-0-0" -c "$1" -- /run/ethnet/bin/busybox sh -c \
    'ls -d /data/* /ethnet/* 2>/dev/null; true' | sort | tr '\n' ' '
}
el_sees=$(sees execution) cl_sees=$(sees consensus)
keys=$(manifest | jq -r '.nodes[] | select(.name == "validator-0") | .validators.count')
wallet=$(k logs "$FULL-validator-0-0" -c init-prysm-wallet 2>&1 | tail -n 1)
if [ "$el_sees" = "/data/geth /data/testnet /ethnet/jwt " ] \
  && [ "$cl_sees" = "/data/prysm /data/testnet /ethnet/jwt " ] \
  && [ "$wallet" = "ethnet-prysm-wallet: $keys keys ($keys imported now)" ]; then
  pass "validator-0: execution sees $el_sees, consensus $cl_sees; its $keys keys are the validator client's alone"
else
  fail "validator-0: execution sees '$el_sees', consensus '$cl_sees'; wallet: $wallet"
fi
sample_memory

# --- b. a transfer through the RPC Service, helm test --------------------------------------
"$HELM_BIN" ethnet accounts "$REL" -n "$NS" >/dev/null && pass "accounts: balances through an RPC node" || fail "accounts"
k get secret "$REL-accounts" -o json >"$WORK/accounts.json"
mapfile -t ADDRS < <(jq -r '.data | keys[] | select(endswith(".json")) | rtrimstr(".json")' "$WORK/accounts.json" | head -n 2)
jq -r --arg k "${ADDRS[0]}.json" '.data[$k]' "$WORK/accounts.json" | base64 -d >"$WORK/sender.json"
jq -r --arg k "${ADDRS[0]}.password" '.data[$k]' "$WORK/accounts.json" | base64 -d >"$WORK/sender.password"
RPC_SVC=$(k get service "$FULL-rpc" -o jsonpath='{.spec.clusterIP}')
VENV=$ETHNET_CACHE/examples-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r examples/client/requirements.txt
if "$VENV/bin/python" ci/e2e/transfer_check.py "http://$RPC_SVC:8545" "$WORK/sender.json" \
     "$WORK/sender.password" "${ADDRS[1]}" 1234567890123 "http://$(pod_ip "$FULL-validator-0-0"):8545"; then
  pass "transfer through the RPC Service (ClusterIP $RPC_SVC), exact balances on another node"
else
  fail "transfer through the RPC Service"
fi
rm -f "$WORK/sender.json" "$WORK/sender.password" "$WORK/accounts.json"
"$HELM_BIN" test "$REL" -n "$NS" --timeout 5m >"$WORK/helm-test.log" 2>&1 \
  && pass "helm test" || { fail "helm test"; cat "$WORK/helm-test.log"; }

# --- c. faults -----------------------------------------------------------------------------
f=$(finalized "$FULL-rpc-0"); t=$(now)
k delete pod "$FULL-validator-0-0" --wait=true >/dev/null
after_fault "validator-0 pod deleted" "$t" "$f"
wallet=$(k logs "$FULL-validator-0-0" -c init-prysm-wallet 2>&1 | tail -n 1)
case $wallet in
  *"(0 imported now)"*) pass "validator-0 came back with its wallet and slashing database: $wallet" ;;
  *) fail "validator-0's wallet after the restart: $wallet" ;;
esac
want=$(manifest | jq -r '.nodes[] | select(.name == "validator-0") | .peerId')
wait_until 120 sh -c "curl -s -m 5 http://$(pod_ip "$FULL-bootnode-0"):5052/eth/v1/node/peers | grep -q $want" \
  && pass "bootnode-0 is connected to validator-0's ethnet peer id again" \
  || fail "bootnode-0 has no connection to validator-0 ($want)"

f=$(finalized "$FULL-rpc-0"); t=$(now)
k delete pod "$FULL-bootnode-0" --wait=true >/dev/null
after_fault "bootnode-0 pod deleted" "$t" "$f"
sample_memory

f=$(finalized "$FULL-rpc-0"); t=$(now)
k rollout restart statefulset >/dev/null
for s in $(k get statefulset -o name); do k rollout status "$s" --timeout=10m >/dev/null; done
after_fault "rollout restart of every StatefulSet" "$t" "$f"

f=$(finalized "$FULL-rpc-0"); t=$(now)
restarts=$(k get pod "$FULL-validator-1-0" -o jsonpath='{.status.containerStatuses[?(@.name=="execution")].restartCount}')
id=$(k get pod "$FULL-validator-1-0" -o jsonpath='{.status.containerStatuses[?(@.name=="execution")].containerID}')
ctr task kill --signal SIGKILL "${id#containerd://}"   # the cluster's containerd (CONTAINERD_ADDRESS)
wait_until 120 sh -c "[ \"\$($KUBECTL -n $NS get pod $FULL-validator-1-0 -o jsonpath='{.status.containerStatuses[?(@.name==\"execution\")].restartCount}')\" -gt $restarts ]" \
  && pass "validator-1's execution container was killed and restarted by the kubelet" \
  || fail "validator-1's execution container did not restart"
after_fault "execution container of validator-1 killed" "$t" "$f"
b=$(block_number "$FULL-rpc-0")
wait_until 120 above_block "$FULL-validator-1-0" "$b" \
  && pass "validator-1's execution client follows the head again (past block $b)" \
  || fail "validator-1's execution client stays at block $(block_number "$FULL-validator-1-0")"
ethnet status "$REL" -n "$NS" --wait 120 >/dev/null && pass "status healthy after the faults" || fail "status after the faults"
sample_memory

# --- d. upgrade: one more RPC node ---------------------------------------------------------
pod_uids >"$WORK/uids-before"
if ethnet upgrade "$REL" -n "$NS" "${VALUES[@]}" --set nodes.rpc.replicas=2 --wait --timeout 10m \
     --health-timeout 300 >"$WORK/upgrade.log" 2>&1; then
  pass "upgrade --set nodes.rpc.replicas=2"
else
  fail "upgrade --set nodes.rpc.replicas=2"; cat "$WORK/upgrade.log"
fi
b=$(block_number "$FULL-rpc-0")
wait_until 300 above_block "$FULL-rpc-1" $(( b - 1 )) \
  && pass "rpc-1 synced to the head (block $(block_number "$FULL-rpc-1"), rpc-0 was at $b)" \
  || fail "rpc-1 at block $(block_number "$FULL-rpc-1"), rpc-0 at $b"
pod_uids | grep -v "^$FULL-rpc-1=" >"$WORK/uids-after"
diff -q "$WORK/uids-before" "$WORK/uids-after" >/dev/null \
  && pass "adding rpc-1 restarted no other pod" || fail "adding rpc-1 restarted: $(diff "$WORK/uids-before" "$WORK/uids-after" | grep '^<' | cut -d= -f1 | tr -d '<' | xargs)"

# --- e. uninstall keeps the chain, re-install continues it ---------------------------------
head_before=$(block_number "$FULL-rpc-0")
ethnet uninstall "$REL" -n "$NS" >/dev/null
wait_until 120 sh -c "[ -z \"\$($KUBECTL -n $NS get pods -o name 2>/dev/null)\" ]" || true
kept=$(k get secrets,configmaps,pvc -l app.kubernetes.io/instance="$REL" -o name | wc -l)
[ "$kept" -gt 0 ] && [ -n "$(manifest)" ] && pass "uninstall kept $kept Secrets/ConfigMaps/PVCs and the manifest" \
  || fail "uninstall kept $kept objects"
ethnet install "$REL" -n "$NS" "${VALUES[@]}" --set nodes.rpc.replicas=2 --wait --timeout 10m --health-timeout 300 \
  >"$WORK/reinstall.log" 2>&1 && pass "re-install of the same name" || { fail "re-install"; cat "$WORK/reinstall.log"; }
h=$(el "$FULL-rpc-0" eth_getBlockByNumber '["0x0",false]' | jq -r .hash)
wait_until 300 above_block "$FULL-rpc-0" "$head_before" && [ "$h" = "$GENESIS_HASH" ] \
  && pass "the same chain continues: genesis $h, head $(block_number "$FULL-rpc-0") > $head_before seen before uninstall" \
  || fail "after re-install: genesis $h (want $GENESIS_HASH), head $(block_number "$FULL-rpc-0") (before: $head_before)"
sample_memory

# --- g. it can fail: validator-0's keystore copied into validator-1's Secret -----------------
# The Secret is immutable, so it is deleted and made again by hand, with validator-0's first
# keystore and password in place of one of its own: the same number of keys, as a copy between
# nodes looks.
own=$(k get secret "$REL-node-validator-1" -o json | jq -r '.data | keys[] | select(test("^0x.*\\.json$"))' | head -n 1)
theirs=$(k get secret "$REL-node-validator-0" -o json | jq -r '.data | keys[] | select(test("^0x.*\\.json$"))' | head -n 1)
k get secret "$REL-node-validator-1" -o json |
  jq --arg own "${own%.json}" --arg theirs "${theirs%.json}" \
    --argjson v0 "$(k get secret "$REL-node-validator-0" -o json | jq .data)" '
    del(.metadata.resourceVersion, .metadata.uid, .metadata.creationTimestamp, .metadata.managedFields)
    | .data |= (del(.[$own + ".json"], .[$own + ".txt"])
        + {($theirs + ".json"): $v0[$theirs + ".json"], ($theirs + ".txt"): $v0[$theirs + ".txt"]})' \
  >"$WORK/tampered.json"
if k patch secret "$REL-node-validator-1" -p '{"data":{"el-nodekey":"MDA="}}' >/dev/null 2>&1; then
  fail "the API server accepted an edit of an artifact Secret (it should be immutable)"
else
  pass "the API server refuses a hand edit of validator-1's Secret (immutable)"
fi
k delete secret "$REL-node-validator-1" >/dev/null
k create -f "$WORK/tampered.json" >/dev/null
k delete pod "$FULL-validator-1-0" --wait=true >/dev/null
# The pod's init must refuse to start (the keys it holds are not the ones the manifest gave the
# node), and the verdict must then fail naming the node and the changed Secret.
init_failed() {
  [ "$(k get pod "$FULL-validator-1-0" -o jsonpath='{.status.initContainerStatuses[?(@.name=="init-layout")].restartCount}')" -gt 0 ] 2>/dev/null
}
if wait_until 180 init_failed; then
  # The failed run's log: the current one while it waits in back-off, else the previous one.
  why=$( { k logs "$FULL-validator-1-0" -c init-layout 2>/dev/null
           k logs "$FULL-validator-1-0" -c init-layout --previous 2>/dev/null; } |
         grep -m1 'other validator keys' || true)
  case $why in
    *"holds other validator keys than ethnet gave it"*) pass "validator-1's init refuses to start: $why" ;;
    *) fail "validator-1's init failed for another reason: $why" ;;
  esac
else
  fail "validator-1's init did not fail with another node's keystore in its Secret"
fi
out=$(ethnet status "$REL" -n "$NS" --wait 30 2>&1) && st=0 || st=$?
if [ "$st" -ne 0 ] && grep -q "validator-1.*pod.ready" <<<"$out" &&
  grep -q "artifacts.unchanged.*changed: Secret $REL-node-validator-1" <<<"$out"; then
  pass "the verdict fails, naming the node and the Secret: $(grep -m1 'artifacts.unchanged' <<<"$out" | tr -s ' ')"
else
  fail "status with another node's keystore in validator-1's Secret: exit $st"; echo "$out"
fi

# --- peak memory, then purge ----------------------------------------------------------------
awk '$2 > peak[$1] { peak[$1] = $2 } END { for (c in peak) printf "figure: peak memory %s %d MiB\n", c, peak[c] / 1048576 }' \
  "$PEAK" | sort
# purge waits (bounded) for the claims, which go once the pods that mount them have stopped.
purge_started=$(date +%s)
if ethnet uninstall "$REL" -n "$NS" --purge --yes >"$WORK/purge.log" 2>&1; then
  echo "figure: purge, claims gone $(( $(date +%s) - purge_started )) s after uninstall"
else
  fail "uninstall --purge --yes: $(tail -n 1 "$WORK/purge.log")"
fi
wait_until 60 sh -c "[ -z \"\$($KUBECTL -n $NS get secrets,configmaps,pvc -l app.kubernetes.io/instance=$REL -o name 2>/dev/null)\" ] &&
  [ -z \"\$($KUBECTL get pv -o jsonpath='{.items[?(@.spec.claimRef.namespace==\"$NS\")].metadata.name}')\" ]" \
  && pass "uninstall --purge --yes left no Secret, ConfigMap, PVC or PV of the release" \
  || fail "after purge: $(k get secrets,configmaps,pvc -l app.kubernetes.io/instance=$REL -o name | xargs) $("$KUBECTL" get pv -o name | xargs)"

summary cluster-e2e
