#!/usr/bin/env bash
# Real-client devnet test: ethnet's artifacts run a real proof-of-stake chain on 127.0.0.1.
#
# Installs pinned clients into $ETHNET_CACHE (reused when present):
#   geth   v1.16.8 (go install from the Go module proxy; knows Osaka)
#   prysm  v7.1.2  (beacon-chain + validator; module download + go build, see docs/e2e-notes.md)
# generates a network with ethnet (1 bootnode, 2 validator nodes, 1 RPC node, 64 validators,
# every fork through Fulu/Osaka at genesis), starts geth + prysm beacon-chain on every node and a
# prysm validator (ethnet's EIP-2335 keystores, each imported with its own password) on every
# validator node, and waits, bounded, until every node has EL blocks, peers and a finalized
# epoch >= 1; then `ethnet health` (ethnet's own verdict) must pass for every node, and the
# genesis hash, genesis_validators_root, fork version, peer ids, a funded transfer and a deposit
# for a new validator through the genesis deposit contract are checked.
#
# Preset: MAINNET (32 slots/epoch). A `go build` of prysm can only run the mainnet preset: the
# committed SSZ code (proto/**/*.ssz.go) is generated for mainnet sizes; the minimal preset needs
# bazel's --config=minimal, which regenerates it. So the slots are short instead (default 2 s).
#
# Usage: ci/devnet-e2e.sh [--with-negative]
#   --with-negative first proves the verdict can fail: it runs this script with a corrupted
#   artifact (E2E_CORRUPT=keystore-password: one validator keystore's password file is wrong;
#   E2E_CORRUPT=genesis-alloc: rpc-0's genesis.json has one alloc balance changed) and requires
#   each run to fail for that reason; then it runs the real test.
# Env: ETHNET_CACHE (client cache), ETHNET_BIN (ethnet binary; default target/debug/ethnet,
# built if missing), E2E_SLOT_SECONDS (2; prysm v7.1.2 panics below 2), E2E_GENESIS_DELAY (s from generate to genesis, 60),
# E2E_TIMEOUT (s after genesis to reach finality, 600), E2E_WORKDIR (default mktemp),
# E2E_KEEP (1 keep the work dir, 0 remove it, default: keep it on failure only),
# CLIENTS_BUILD_NICE (nice level of builds, 15), E2E_CLIENT_NICE (nice level of the clients, 0),
# E2E_CORRUPT (see --with-negative), E2E_FINALITY (1: wait for a finalized epoch on every node,
# the default; 0: blocks and peers are enough, for runs where the real-cluster test proves finality).
# Exit codes: 0 verdict passed, 1 failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ETHNET_CACHE=${ETHNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ethnet}
export ETHNET_CACHE
source "$ROOT/ci/clients.sh"   # pinned geth + prysm: versions, paths, install_geth, install_prysm
SLOT_SECONDS=${E2E_SLOT_SECONDS:-2}
GENESIS_DELAY=${E2E_GENESIS_DELAY:-60}
TIMEOUT=${E2E_TIMEOUT:-600}
FINALITY=${E2E_FINALITY:-1}
CLIENT_NICE=${E2E_CLIENT_NICE:-0}
KEEP=${E2E_KEEP:-auto}
CORRUPT=${E2E_CORRUPT:-}
NEGATIVE=0
case "${1:-}" in
  --with-negative) NEGATIVE=1 ;;
  "") ;;
  *) echo "usage: $0 [--with-negative]" >&2; exit 2 ;;
esac

log() { printf '[e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# ---------------------------------------------------------------- process bookkeeping
PIDS=()       # every long-running process this script started
NAMES=()      # its label, same index
LOGS=()       # its log file, same index
WORK=""
FAILED=1

show_logs() {
  local i
  for i in "${!PIDS[@]}"; do
    printf '\n----- %s (pid %s) last lines of %s -----\n' "${NAMES[$i]}" "${PIDS[$i]}" "${LOGS[$i]}" >&2
    tail -n 25 "${LOGS[$i]}" >&2 2>/dev/null || true
  done
}

cleanup() {
  local rc=$? i pid n
  trap - EXIT INT TERM
  [ "$FAILED" = 0 ] || [ "${#PIDS[@]}" = 0 ] || show_logs
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for n in $(seq 1 20); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$WORK" ]; then
    if [ "$KEEP" = 1 ] || { [ "$KEEP" = auto ] && [ "$FAILED" != 0 ]; }; then
      log "work dir kept: $WORK"
    else
      rm -rf "$WORK"
    fi
  fi
  [ "$FAILED" = 0 ] && [ "$rc" = 0 ] && exit 0
  exit 1
}
trap cleanup EXIT
trap 'log "interrupted"; exit 1' INT TERM

start() { # <label> <logfile> <command...>: starts in the background, records the pid
  local label=$1 logf=$2; shift 2
  nice -n "$CLIENT_NICE" "$@" >"$logf" 2>&1 &
  PIDS+=("$!"); NAMES+=("$label"); LOGS+=("$logf")
}

# ---------------------------------------------------------------- helpers
port_free() { # <port>: TCP and UDP both bindable on 127.0.0.1
  python3 "$ROOT/ci/e2e/port_free.py" "$1"
}

pick_base_port() { # <count>: prints a base port such that base..base+count-1 are free
  local count=$1 base p ok
  for _ in $(seq 1 30); do
    base=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
    ok=1
    for p in $(seq "$base" $((base + count - 1))); do
      port_free "$p" || { ok=0; break; }
    done
    [ "$ok" = 1 ] && { echo "$base"; return; }
  done
  die "no free port range of $count found"
}

rpc() { # <http port> <method> [params json]: prints .result (empty on error)
  curl -s -m 3 -X POST -H 'Content-Type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":${3:-[]}}" \
    "http://127.0.0.1:$1" 2>/dev/null | jq -r '.result // empty' 2>/dev/null || true
}

bapi() { # <http port> <path> <jq filter>
  curl -s -m 3 "http://127.0.0.1:$1$2" 2>/dev/null | jq -r "$3 // empty" 2>/dev/null || true
}

# ---------------------------------------------------------------- main
for tool in go python3 curl jq gcc; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
python3 -c 'import eth_keyfile, eth_keys, eth_utils' 2>/dev/null \
  || die "python3 needs eth-keyfile (pip install eth-keyfile; it brings eth-keys and eth-utils)"
T_START=$SECONDS
install_geth
install_prysm
T_INSTALLED=$SECONDS
log "geth: $("$GETH" version 2>/dev/null | grep -m1 '^Version')"
log "prysm: $("$BEACON" --version 2>/dev/null | head -n1)"

# ---- negative tests: a corrupted artifact must make the verdict fail, for the right reason
if [ "$NEGATIVE" = 1 ]; then
  for c in keystore-password:"expected the node's" genesis-alloc:"EL block 0 hash"; do
    kind=${c%%:*}; want=${c#*:}
    out=$(mktemp)
    log "negative test: E2E_CORRUPT=$kind must fail"
    if E2E_CORRUPT=$kind E2E_KEEP=0 E2E_WORKDIR='' bash "${BASH_SOURCE[0]}" >"$out" 2>&1; then
      tail -n 40 "$out" >&2; rm -f "$out"; die "negative test $kind: the verdict passed"
    fi
    grep -q "FAIL: .*$want" "$out" || { tail -n 40 "$out" >&2; rm -f "$out"
      die "negative test $kind failed, but not with \"$want\""; }
    log "negative test $kind: failed as it must: $(grep -m1 'FAIL: ' "$out" | sed 's/.*FAIL: //')"
    rm -f "$out"
  done
fi

ETHNET_BIN=${ETHNET_BIN:-$ROOT/target/debug/ethnet}
if [ ! -x "$ETHNET_BIN" ]; then
  (cd "$ROOT" && nice -n "$CLIENTS_BUILD_NICE" cargo build -q)
fi
# shellcheck source=ci/tools.sh
source "$ROOT/ci/tools.sh"   # HELM_BIN, which ethnet generate needs
set -euo pipefail

WORK=${E2E_WORKDIR:-$(mktemp -d /tmp/ethnet-e2e.XXXXXX)}
mkdir -p "$WORK"
NET=$WORK/net
GENESIS_TIME=$(( $(date +%s) + GENESIS_DELAY ))
log "generating the network into $NET (genesis in ${GENESIS_DELAY} s)"
(cd "$ROOT" && "$ETHNET_BIN" generate --out "$NET" --genesis-time "$GENESIS_TIME" \
  --set network.preset=mainnet --set "network.slotSeconds=$SLOT_SECONDS" \
  --set "network.genesisDelay=$GENESIS_DELAY" \
  --set validators.count=64 --set validators.keystoreKdf=fast --set accounts.keystoreKdf=light \
  --set nodes.bootnodes.replicas=1 --set nodes.validators.replicas=2 --set nodes.rpc.replicas=1) >&2

MANIFEST=$NET/manifest.json
GENESIS_HASH=$(cat "$NET/genesis/genesis-hash")
GVR=$(jq -r .cl.genesisValidatorsRoot "$MANIFEST")
CHAIN_ID=$(jq -r .el.chainId "$MANIFEST")
FEE_RECIPIENT=$(jq -r '.accounts[0].address' "$MANIFEST")
FULU_VERSION=$(sed -n 's/^FULU_FORK_VERSION: *\(0x[0-9a-fA-F]*\).*/\1/p' "$NET/genesis/config.yaml")
mapfile -t NODES < <(jq -r '.nodes[].name' "$MANIFEST")
N=${#NODES[@]}
GENESIS_JSON=()
for i in "${!NODES[@]}"; do GENESIS_JSON+=("$NET/genesis/genesis.json"); done

case "$CORRUPT" in
  "") ;;
  keystore-password) # the first keystore of the first validator node gets a wrong password
    # sed, not head: head may exit before sort finishes writing, and pipefail would stop here.
    pw=$(find "$NET/secrets/node-$(jq -r '.cl.split[0].node' "$MANIFEST")" -name '0x*.txt' | sort | sed -n 1p)
    printf 'not-the-password' >"$pw"
    log "CORRUPTED: wrong password in $pw" ;;
  genesis-alloc) # the last node (rpc-0) gets a genesis.json with one alloc balance + 1 wei
    GENESIS_JSON[N-1]=$WORK/genesis-corrupt.json
    python3 "$ROOT/ci/e2e/corrupt_alloc.py" "$NET/genesis/genesis.json" "${GENESIS_JSON[N-1]}"
    log "CORRUPTED: ${NODES[N-1]} uses a genesis.json with a changed alloc" ;;
  *) die "unknown E2E_CORRUPT=$CORRUPT (keystore-password | genesis-alloc)" ;;
esac
STRIDE=10
BASE=$(pick_base_port $((N * STRIDE)))
log "nodes: ${NODES[*]}; ports $BASE-$((BASE + N * STRIDE - 1)) on 127.0.0.1"

port() { # <node index> <slot>: 0 el p2p, 1 el http, 2 el auth, 3 cl tcp, 4 cl udp, 5 cl quic,
         #                      6 cl grpc, 7 cl http, 8 vc http
  echo $(( BASE + $1 * STRIDE + $2 ))
}

# Per-node enode / libp2p addresses of every node, from the manifest.
ENODES=(); MADDRS=()
for i in "${!NODES[@]}"; do
  n=${NODES[$i]}
  ENODES+=("enode://$(jq -r --arg n "$n" '.nodes[]|select(.name==$n).enodeId' "$MANIFEST")@127.0.0.1:$(port "$i" 0)")
  MADDRS+=("/ip4/127.0.0.1/tcp/$(port "$i" 3)/p2p/$(jq -r --arg n "$n" '.nodes[]|select(.name==$n).peerId' "$MANIFEST")")
done

# ---- validator keystores: one wallet per validator node, each key with its own password
VC_NODES=()
for i in "${!NODES[@]}"; do
  n=${NODES[$i]}
  keys=$NET/secrets/node-$n
  compgen -G "$keys/0x*.json" >/dev/null || continue
  VC_NODES+=("$i")
  d=$WORK/$n
  mkdir -p "$d"
  # A random wallet password (prysm wants >= 8 characters); never a fixed string.
  python3 -c 'import secrets; print(secrets.token_hex(16), end="")' >"$d/wallet-password"
  chmod 600 "$d/wallet-password"
  want=$(find "$keys" -maxdepth 1 -name '0x*.json' | wc -l)
  t0=$SECONDS
  for ks in "$keys"/0x*.json; do
    # `accounts import` exits 0 even when a password is wrong (it only logs a warning), so the
    # imported count is checked below.
    "$VALIDATOR" accounts import --accept-terms-of-use --wallet-dir "$d/wallet" \
      --wallet-password-file "$d/wallet-password" --keys-dir "$ks" \
      --account-password-file "${ks%.json}.txt" >>"$d/import.log" 2>&1 \
      || { tail -n 20 "$d/import.log" >&2; die "$n: import of $(basename "$ks") failed"; }
  done
  # The wallet must hold exactly the node's keys (file names are the pubkeys).
  have=$("$VALIDATOR" accounts list --accept-terms-of-use --wallet-dir "$d/wallet" \
         --wallet-password-file "$d/wallet-password" 2>/dev/null \
         | grep -o 'validating public key.*0x[0-9a-f]\{96\}' | grep -o '0x[0-9a-f]\{96\}' | sort || true)
  expect=$(find "$keys" -maxdepth 1 -name '0x*.json' -printf '%f\n' | sed 's/\.json$//' | sort)
  got=$(grep -c . <<<"$have" || true)
  [ "$have" = "$expect" ] || { grep -i 'warn\|error' "$d/import.log" | tail -n 20 >&2
    die "$n: wallet holds $got keys, expected the node's $want keystores"; }
  log "$n: imported $got keystores in $((SECONDS - t0)) s"
done

# ---- execution clients
for i in "${!NODES[@]}"; do
  n=${NODES[$i]}; d=$WORK/$n
  mkdir -p "$d"
  "$GETH" init --datadir "$d/geth" --state.scheme path "${GENESIS_JSON[$i]}" >"$d/geth-init.log" 2>&1 \
    || { tail -n 20 "$d/geth-init.log" >&2; die "$n: geth init failed"; }
  peers=()
  for j in "${!NODES[@]}"; do [ "$j" = "$i" ] || peers+=("${ENODES[$j]}"); done
  start "$n geth" "$d/geth.log" "$GETH" --datadir "$d/geth" --networkid "$CHAIN_ID" --syncmode full \
    --nodekey "$NET/secrets/node-$n/el-nodekey" \
    --port "$(port "$i" 0)" --discovery.port "$(port "$i" 0)" --nat extip:127.0.0.1 \
    --netrestrict 127.0.0.0/8 --bootnodes "$(IFS=,; echo "${peers[*]}")" \
    --http --http.addr 127.0.0.1 --http.port "$(port "$i" 1)" --http.api eth,net,web3,admin \
    --authrpc.addr 127.0.0.1 --authrpc.port "$(port "$i" 2)" \
    --authrpc.jwtsecret "$NET/secrets/jwt/jwt.hex" --ipcdisable --cache 256 --verbosity 3
done

# Every execution client must hold ethnet's genesis block before anything else starts.
for i in "${!NODES[@]}"; do
  h=""
  for _ in $(seq 1 60); do
    h=$(rpc "$(port "$i" 1)" eth_getBlockByNumber '["0x0",false]' | jq -r '.hash // empty' 2>/dev/null || true)
    [ -n "$h" ] && break
    sleep 0.5
  done
  [ "$h" = "$GENESIS_HASH" ] || die "${NODES[$i]}: EL block 0 hash ${h:-(no answer)} != ethnet genesis hash $GENESIS_HASH"
done
log "every execution client's block 0 is ethnet's genesis $GENESIS_HASH"

# ---- beacon nodes
for i in "${!NODES[@]}"; do
  n=${NODES[$i]}; d=$WORK/$n
  # prysm --p2p-priv-key reads a hex-encoded secp256k1 key; ethnet writes 32 raw bytes.
  python3 -c 'import sys; sys.stdout.write(open(sys.argv[1],"rb").read().hex())' \
    "$NET/secrets/node-$n/cl-network-key" >"$d/p2p-key.hex"
  chmod 600 "$d/p2p-key.hex"
  peers=()
  for j in "${!NODES[@]}"; do [ "$j" = "$i" ] || peers+=(--peer "${MADDRS[$j]}"); done
  start "$n beacon" "$d/beacon.log" "$BEACON" --accept-terms-of-use --datadir "$d/beacon" \
    --chain-config-file "$NET/genesis/config.yaml" --genesis-state "$NET/genesis.ssz" \
    --execution-endpoint "http://127.0.0.1:$(port "$i" 2)" --jwt-secret "$NET/secrets/jwt/jwt.hex" \
    --p2p-priv-key "$d/p2p-key.hex" --p2p-local-ip 127.0.0.1 --p2p-host-ip 127.0.0.1 \
    --p2p-tcp-port "$(port "$i" 3)" --p2p-udp-port "$(port "$i" 4)" --p2p-quic-port "$(port "$i" 5)" \
    --no-discovery "${peers[@]}" --min-sync-peers 0 --minimum-peers-per-subnet 0 \
    --subscribe-all-subnets --contract-deployment-block 0 \
    --rpc-host 127.0.0.1 --rpc-port "$(port "$i" 6)" \
    --http-host 127.0.0.1 --http-port "$(port "$i" 7)" \
    --disable-monitoring --suggested-fee-recipient "$FEE_RECIPIENT"
done

# ---- validator clients
for i in "${VC_NODES[@]}"; do
  n=${NODES[$i]}; d=$WORK/$n
  start "$n validator" "$d/validator.log" "$VALIDATOR" --accept-terms-of-use --datadir "$d/vc" \
    --wallet-dir "$d/wallet" --wallet-password-file "$d/wallet-password" \
    --chain-config-file "$NET/genesis/config.yaml" \
    --beacon-rpc-provider "127.0.0.1:$(port "$i" 6)" \
    --beacon-rest-api-provider "http://127.0.0.1:$(port "$i" 7)" \
    --http-host 127.0.0.1 --http-port "$(port "$i" 8)" \
    --disable-monitoring --suggested-fee-recipient "$FEE_RECIPIENT"
done
log "started ${#PIDS[@]} processes; genesis in $(( GENESIS_TIME - $(date +%s) )) s"

# ---------------------------------------------------------------- verdict
T_BLOCK=""; T_JUSTIFIED=""; T_FINALIZED=""
DEADLINE=$(( GENESIS_TIME + TIMEOUT ))
last_report=0
while :; do
  now=$(date +%s)
  for k in "${!PIDS[@]}"; do
    kill -0 "${PIDS[$k]}" 2>/dev/null || die "${NAMES[$k]} exited"
  done
  min_block=""; min_just=""; min_fin=""; min_elp=""; min_clp=""; heads=""
  for i in "${!NODES[@]}"; do
    hex=$(rpc "$(port "$i" 1)" eth_blockNumber); b=$(( ${hex:-0x0} ))
    hex=$(rpc "$(port "$i" 1)" net_peerCount); ep=$(( ${hex:-0x0} ))
    cp=$(bapi "$(port "$i" 7)" /eth/v1/node/peer_count .data.connected); cp=${cp:-0}
    j=$(bapi "$(port "$i" 7)" /eth/v1/beacon/states/head/finality_checkpoints .data.current_justified.epoch); j=${j:-0}
    f=$(bapi "$(port "$i" 7)" /eth/v1/beacon/states/head/finality_checkpoints .data.finalized.epoch); f=${f:-0}
    heads+=" ${NODES[$i]}:el=$b/p$ep,cl=j$j/f$f/p$cp"
    [ -z "$min_block" ] || [ "$b" -lt "$min_block" ] && min_block=$b
    [ -z "$min_just" ] || [ "$j" -lt "$min_just" ] && min_just=$j
    [ -z "$min_fin" ] || [ "$f" -lt "$min_fin" ] && min_fin=$f
    [ -z "$min_elp" ] || [ "$ep" -lt "$min_elp" ] && min_elp=$ep
    [ -z "$min_clp" ] || [ "$cp" -lt "$min_clp" ] && min_clp=$cp
  done
  [ -z "$T_BLOCK" ] && [ "$min_block" -gt 0 ] && T_BLOCK=$(( now - GENESIS_TIME ))
  [ -z "$T_JUSTIFIED" ] && [ "$min_just" -ge 1 ] && T_JUSTIFIED=$(( now - GENESIS_TIME ))
  [ -z "$T_FINALIZED" ] && [ "$min_fin" -ge 1 ] && T_FINALIZED=$(( now - GENESIS_TIME ))
  reached=$T_FINALIZED; [ "$FINALITY" = 1 ] || reached=$T_BLOCK
  if [ -n "$reached" ] && [ "$min_elp" -ge 1 ] && [ "$min_clp" -ge 1 ]; then
    log "all nodes:$heads"
    break
  fi
  if [ $(( now - last_report )) -ge 30 ]; then
    log "t=$(( now - GENESIS_TIME ))s$heads"; last_report=$now
  fi
  [ "$now" -lt "$DEADLINE" ] || die "no finalized epoch >= 1 with peers on every node within ${TIMEOUT} s of genesis"
  sleep 2
done

# The verdict of ethnet's own health module (the checks `helm ethnet status` uses), pointed at
# the local endpoints: chain id, block 0 hash, genesis validators root, peers, heads advancing,
# finalized epoch >= 1, on every node.
endpoints=()
for i in "${!NODES[@]}"; do
  endpoints+=(--endpoint "${NODES[$i]}=http://127.0.0.1:$(port "$i" 1),http://127.0.0.1:$(port "$i" 7)")
done
finality_flag=(--wait-finality); [ "$FINALITY" = 1 ] || finality_flag=()
"$ETHNET_BIN" health "$NET" "${endpoints[@]}" --min-peers 1 "${finality_flag[@]}" --wait 60 >&2 ||
  die "ethnet health: the network is not healthy"

# Identity checks against what ethnet computed.
for i in "${!NODES[@]}"; do
  n=${NODES[$i]}
  h=$(curl -s -m 3 -X POST -H 'Content-Type: application/json' \
      --data '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["0x0",false]}' \
      "http://127.0.0.1:$(port "$i" 1)" | jq -r .result.hash)
  [ "$h" = "$GENESIS_HASH" ] || die "$n: EL block 0 hash $h != ethnet genesis hash $GENESIS_HASH"
  r=$(bapi "$(port "$i" 7)" /eth/v1/beacon/genesis .data.genesis_validators_root)
  [ "$r" = "$GVR" ] || die "$n: genesis_validators_root $r != ethnet's $GVR"
  v=$(bapi "$(port "$i" 7)" /eth/v1/beacon/states/head/fork .data.current_version)
  [ "$v" = "$FULU_VERSION" ] || die "$n: head fork version $v != FULU_FORK_VERSION $FULU_VERSION"
  # /eth/v1/node/identity answers 500 under --no-discovery (no ENR), so the peer ids are checked
  # from the other side: a node's connected peers are exactly the other nodes' ethnet peer ids.
  want=$(jq -r --arg n "$n" '.nodes[]|select(.name!=$n).peerId' "$MANIFEST" | sort)
  got=$(curl -s -m 3 "http://127.0.0.1:$(port "$i" 7)/eth/v1/node/peers" \
        | jq -r '.data[]|select(.state=="connected").peer_id' 2>/dev/null | sort -u || true)
  [ "$got" = "$want" ] || die "$n: connected beacon peers [$(tr "\n" " " <<<"$got")] != ethnet's peer ids of the other nodes [$(tr "\n" " " <<<"$want")]"
  want=$(jq -r --arg n "$n" '.nodes[]|select(.name==$n).enodeId' "$MANIFEST")
  got=$(rpc "$(port "$i" 1)" admin_nodeInfo | jq -r .enode 2>/dev/null | sed -n 's|^enode://\([0-9a-f]*\)@.*|\1|p')
  [ "$got" = "$want" ] || die "$n: geth enode id $got != ethnet's $want"
  # The blob limits in force now, as each client reports them (geth's EIP-7910 eth_config,
  # prysm's config spec), against network.blobForks: the newest fork reached, else Electra's.
  slots=$(bapi "$(port "$i" 7)" /eth/v1/config/spec .data.SLOTS_PER_EPOCH)
  epoch=$(bapi "$(port "$i" 7)" /eth/v1/beacon/headers/head ".data.header.message.slot|tonumber/${slots:-1}|floor")
  want=$(jq -c --argjson epoch "${epoch:-0}" \
    '[.spec.network.blobForks // [] | .[] | select(.epoch <= $epoch)] | last // {target: 6, max: 9} | {target, max}' "$MANIFEST")
  got=$(rpc "$(port "$i" 1)" eth_config '[]' | jq -c '{target: .current.blobSchedule.target, max: .current.blobSchedule.max}' 2>/dev/null)
  [ "$got" = "$want" ] || die "$n: geth's current blob limits $got != network.blobForks' $want"
  want=$(jq -c '[.spec.network.blobForks // [] | .[] | {EPOCH: (.epoch|tostring), MAX_BLOBS_PER_BLOCK: (.max|tostring)}]' "$MANIFEST")
  got=$(bapi "$(port "$i" 7)" /eth/v1/config/spec '.data.BLOB_SCHEDULE' | jq -c '[.[] | {EPOCH, MAX_BLOBS_PER_BLOCK}]' 2>/dev/null)
  [ "$got" = "$want" ] || die "$n: prysm's BLOB_SCHEDULE $got != network.blobForks' $want"
done
log "every node: block 0 = $GENESIS_HASH, genesis_validators_root = $GVR, head fork = Fulu ($FULU_VERSION), enode and peer ids = ethnet's, blob limits = network.blobForks' ($(jq -c '.spec.network.blobForks // []' "$MANIFEST"))"

# Transactions signed with ethnet's funded accounts (keystore + password from secrets/accounts,
# signed by ci/e2e/ethtx.py with eth-keyfile/eth-keys, EIP-155), sent to the RPC node, checked on
# another node.
rpc_i=$(( N - 1 )); check_i=1
keystore_of() { # <account index>: prints the keystore path of that funded account
  local address ks
  address=$(jq -r --argjson i "$1" '.accounts[$i].address' "$MANIFEST")
  ks=$(find "$NET/secrets/accounts" -maxdepth 1 -iname "$address.json" | sed -n 1p)
  [ -n "$ks" ] || die "no keystore for $address"
  printf '%s' "$ks"
}

# A transfer: both balances move by exactly the value (and the fee).
ks=$(keystore_of 1)
(python3 "$ROOT/ci/e2e/devnet_transfer.py" "$ks" "${ks%.json}.password" \
  "$(port "$rpc_i" 1)" "$(port "$check_i" 1)" "$CHAIN_ID" "$(jq -r '.accounts[2].address' "$MANIFEST")") >&2 \
  || die "transfer check failed"

# A deposit for a new validator through the genesis deposit contract. The deposit data is built
# and signed with the official consensus specs; the contract's count and root, computed in the
# EVM from the storage ethnet placed, must equal the spec's hash_tree_root of the deposit list
# before and after; the beacon node must then hold the deposit as pending (EIP-6110).
DEPOSIT_CONTRACT=$(sed -n 's/^DEPOSIT_CONTRACT_ADDRESS: *\(0x[0-9a-fA-F]*\).*/\1/p' "$NET/genesis/config.yaml")
GENESIS_FORK_VERSION=$(sed -n 's/^GENESIS_FORK_VERSION: *\(0x[0-9a-fA-F]*\).*/\1/p' "$NET/genesis/config.yaml")
ks=$(keystore_of 3)
(python3 "$ROOT/ci/e2e/devnet_deposit.py" "$ks" "${ks%.json}.password" \
  "$(port "$rpc_i" 1)" "$(port "$check_i" 1)" "$CHAIN_ID" "$DEPOSIT_CONTRACT" "$GENESIS_FORK_VERSION" \
  "$(port "$check_i" 7)") >&2 || die "deposit check failed"

# Figures.
printf '\n== devnet e2e figures (mainnet preset, %s s slots, %s validators, %s nodes) ==\n' \
  "$SLOT_SECONDS" "$(jq -r .cl.validatorCount "$MANIFEST")" "$N"
printf 'client install/build: %s s (0 when cached)\n' "$((T_INSTALLED - T_START))"
printf 'time from genesis to first EL block on every node: %s s\n' "$T_BLOCK"
printf 'time from genesis to justified epoch >= 1 on every node: %s\n' "${T_JUSTIFIED:+$T_JUSTIFIED s}"
printf 'time from genesis to finalized epoch >= 1 on every node: %s\n' "${T_FINALIZED:+$T_FINALIZED s}"
printf 'peak RSS (VmHWM) per process:\n'
for k in "${!PIDS[@]}"; do
  printf '  %-24s %s\n' "${NAMES[$k]}" "$(awk '/VmHWM/{printf "%d MiB", $2/1024}' "/proc/${PIDS[$k]}/status" 2>/dev/null || echo n/a)"
done
FAILED=0
log "PASS"
