#!/bin/sh
# ethnet init: lays out one node's genesis, consensus config and keys from the plugin's
# artifacts (docs/artifacts.md). Never prints a secret.
# Inputs (env): POD_NAME; ETHNET_GROUP node-name prefix (bootnode|validator|rpc); ETHNET_NODE the node name
# when the pod runs exactly one known node; ARTIFACTS_PREFIX; CL_CLIENT; IS_VALIDATOR; EXPECTED_KEYS;
# WAIT_HOSTS, DNS_WAIT_SECONDS; EL_BOOTNODES (bootnode enodes by DNS name).
set -eu
umask 027

node="${ETHNET_NODE:-}"
if [ -z "$node" ]; then
  # Group StatefulSet: pod <sts>-<ordinal> runs node <group>-<ordinal>.
  pod="${POD_NAME:-$(hostname)}"
  node="${ETHNET_GROUP}-${pod##*-}"
fi
keys="/ethnet/keys/${node}"
[ -d "$keys" ] || keys=/ethnet/keys
if [ ! -f "$keys/el-nodekey" ]; then
  echo "ethnet-init: no keys for node ${node} (Secret ${ARTIFACTS_PREFIX}-node-${node}); generate and seed them with 'helm ethnet install' or 'ethnet seed'" >&2
  exit 1
fi
echo "ethnet-init: node ${node}"

# Genesis and consensus config (atomic writes: a restart never sees half a file).
g=/ethnet/genesis
t=/data/testnet
mkdir -p "$t" /run/ethnet/node
for f in config.yaml genesis.json; do
  cp "$g/$f" "$t/$f.tmp" && mv "$t/$f.tmp" "$t/$f"
done
gunzip -c "$g/genesis.ssz.gz" > "$t/genesis.ssz.tmp" && mv "$t/genesis.ssz.tmp" "$t/genesis.ssz"
block=0
[ -f "$g/deposit_contract_block.txt" ] && block=$(cat "$g/deposit_contract_block.txt")
echo "$block" > "$t/deploy_block.txt"
echo "$block" > "$t/deposit_contract_block.txt"
[ -f "$g/deposit_contract_block_hash.txt" ] && cp "$g/deposit_contract_block_hash.txt" "$t/"
[ -f "$g/genesis-hash" ] && cp "$g/genesis-hash" "$t/genesis-hash"

# Node identity: devp2p key (geth --nodekey), libp2p key (lighthouse network/key, lodestar peer-id json).
cp "$keys/el-nodekey" /run/ethnet/node/el-nodekey
cp "$keys/cl-network-key" /run/ethnet/node/cl-network-key
cp "$keys/cl-peer-id.json" /run/ethnet/node/cl-peer-id.json
echo "$node" > /run/ethnet/node/name
case "${CL_CLIENT:-}" in
  lighthouse)
    mkdir -p /data/lighthouse/beacon/network
    cp "$keys/cl-network-key" /data/lighthouse/beacon/network/key ;;
  lodestar)
    # lodestar (persistNetworkIdentity, the default) reads <dataDir>/peer-id.json.
    mkdir -p /data/lodestar
    cp "$keys/cl-peer-id.json" /data/lodestar/peer-id.json ;;
esac

# Validator keys: <validators>/0x<pk>/voting-keystore.json on the data volume (encrypted),
# passwords in memory only (<secrets>/0x<pk>); the layout lighthouse and lodestar both read.
if [ "${IS_VALIDATOR:-false}" = true ]; then
  vdir=/data/vc/validators
  sdir=/run/ethnet/vc-secrets
  mkdir -p "$vdir" "$sdir"
  n=0
  for ks in "$keys"/0x*.json; do
    [ -e "$ks" ] || continue
    pk=$(basename "$ks" .json)
    mkdir -p "$vdir/$pk"
    cp "$ks" "$vdir/$pk/voting-keystore.json"
    cp "$keys/$pk.txt" "$sdir/$pk"
    n=$((n + 1))
  done
  echo "ethnet-init: ${n} validator keystores"
  if [ -n "${EXPECTED_KEYS:-}" ] && [ "$n" -ne "$EXPECTED_KEYS" ]; then
    echo "ethnet-init: node ${node} expects ${EXPECTED_KEYS} validator keystores but its Secret holds ${n}" >&2
    exit 1
  fi
fi

# Wait (bounded) for the bootnodes' DNS names: pods start in parallel.
if [ -n "${WAIT_HOSTS:-}" ] && [ "${DNS_WAIT_SECONDS:-0}" -gt 0 ]; then
  end=$(( $(date +%s) + DNS_WAIT_SECONDS ))
  for h in $WAIT_HOSTS; do
    until nslookup "$h" >/dev/null 2>&1; do
      if [ "$(date +%s)" -ge "$end" ]; then
        echo "ethnet-init: ${h} does not resolve yet; starting anyway" >&2
        break
      fi
      sleep 2
    done
  done
fi

# Execution-layer peers from the bootnode enodes (DNS names). geth takes them as static nodes by
# name (its dialer re-resolves names) and, resolved to IPs, as discovery bootstrap nodes (discovery
# needs IPs); ethereumjs takes the resolved list.
static=""
boot=""
for e in $(echo "${EL_BOOTNODES:-}" | tr ',' ' '); do
  id=${e%@*}
  hp=${e#*@}
  host=${hp%:*}
  port=${hp##*:}
  static="${static:+$static, }\"$e\""
  ip=$(nslookup "$host" 2>/dev/null | awk '/^Address/ { a = $NF } END { print a }')
  [ -n "$ip" ] || continue
  boot="${boot:+$boot,}${id}@${ip}:${port}"
done
echo "$boot" > /run/ethnet/node/el-bootnodes-ip
toml_boot=$(echo "$boot" | tr ',' ' ' | awk '{ for (i = 1; i <= NF; i++) printf "%s\"%s\"", (i > 1 ? ", " : ""), $i }')
cat > /run/ethnet/node/geth.toml <<EOT
[Node.P2P]
StaticNodes = [${static}]
BootstrapNodes = [${toml_boot}]
BootstrapNodesV5 = [${toml_boot}]
EOT
echo "ethnet-init: done"
