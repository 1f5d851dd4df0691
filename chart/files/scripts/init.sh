#!/bin/sh
# ethnet init: lays out one node's genesis, consensus config and keys from the plugin's
# artifacts (docs/artifacts.md). Never prints a secret.
# Inputs (env): POD_NAME; ETHNET_GROUP node-name prefix (bootnode|validator|rpc); ETHNET_NODE the node name
# when the pod runs exactly one known node; ARTIFACTS_PREFIX; EL_CLIENT, CL_CLIENT; IS_VALIDATOR;
# DATA_DIRS the client containers' own directories under /data (each mounts only its own);
# EXPECTED_KEYS, EXPECTED_KEYS_DIGEST; WAIT_HOSTS, DNS_WAIT_SECONDS; EL_BOOTNODES (bootnode enodes by DNS name, read by
# the execution client's setup);
# SHARE_SHELL (true: copy this static busybox to /run/ethnet/bin for images without a shell).
# It runs again on every pod start, over its own earlier output on the kept volume: every file is
# replaced, never written in place (the copies of Secret files are read-only).
set -eu
umask 027

put() { # <src> <dst>: atomic replace (a restart never sees half a file, nor a read-only leftover)
  mkdir -p "$(dirname "$2")"
  rm -f "$2.tmp"
  cp "$1" "$2.tmp"
  mv -f "$2.tmp" "$2"
}

resolve() { # <host>: prints its IPv4 address, nothing when it does not resolve
  # busybox nslookup prints the server's own "Address: <ip>:53" first; only an address after the
  # "Name:" line is the answer.
  nslookup "$1" 2>/dev/null | awk '/^Name:/ { named = 1; next }
    named && /^Address/ { sub(/^Address( [0-9]+)?: */, ""); if ($0 ~ /^[0-9.]+$/) { print; exit } }'
}

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
# Made here, by the pods' user: a directory the kubelet makes for a subPath mount is root's.
for d in ${DATA_DIRS:-}; do mkdir -p "/data/$d"; done
put "$g/config.yaml" "$t/config.yaml"
put "$g/genesis.json" "$t/genesis.json"
gunzip -c "$g/genesis.ssz.gz" > "$t/genesis.ssz.tmp" && mv -f "$t/genesis.ssz.tmp" "$t/genesis.ssz"
block=0
[ -f "$g/deposit_contract_block.txt" ] && block=$(cat "$g/deposit_contract_block.txt")
echo "$block" > "$t/deploy_block.txt"
echo "$block" > "$t/deposit_contract_block.txt"
if [ -f "$g/deposit_contract_block_hash.txt" ]; then put "$g/deposit_contract_block_hash.txt" "$t/deposit_contract_block_hash.txt"; fi
if [ -f "$g/genesis-hash" ]; then put "$g/genesis-hash" "$t/genesis-hash"; fi

# Node identity: devp2p key (geth --nodekey), libp2p key (raw, and lodestar's peer-id json).
put "$keys/el-nodekey" /run/ethnet/node/el-nodekey
put "$keys/cl-network-key" /run/ethnet/node/cl-network-key
put "$keys/cl-peer-id.json" /run/ethnet/node/cl-peer-id.json
echo "$node" > /run/ethnet/node/name
if [ "${SHARE_SHELL:-false}" = true ]; then
  mkdir -p /run/ethnet/bin
  # busybox sh may answer `command -v busybox` with the bare name of its own applet.
  bb=/bin/busybox
  [ -x "$bb" ] || bb=$(command -v busybox)
  put "$bb" /run/ethnet/bin/busybox
  chmod 0555 /run/ethnet/bin/busybox
fi

# Wait (bounded) for the bootnodes' DNS names: pods start in parallel. A name that does not
# resolve in time fails init, and the kubelet runs it again: a client never starts with a
# bootnode list it would have to be restarted to correct.
if [ -n "${WAIT_HOSTS:-}" ] && [ "${DNS_WAIT_SECONDS:-0}" -gt 0 ]; then
  end=$(( $(date +%s) + DNS_WAIT_SECONDS ))
  for h in $WAIT_HOSTS; do
    until [ -n "$(resolve "$h")" ]; do
      if [ "$(date +%s)" -ge "$end" ]; then
        echo "ethnet-init: bootnode ${h} does not resolve after ${DNS_WAIT_SECONDS}s; init will be retried" >&2
        exit 1
      fi
      sleep 1
    done
  done
fi

# What a client needs beyond that lives in its own setup script (templates/_client-<name>.tpl).
for client in ${EL_CLIENT:-} ${CL_CLIENT:-}; do
  # shellcheck disable=SC1090 # rendered per client into the scripts ConfigMap
  if [ -f "/scripts/setup-$client.sh" ]; then . "/scripts/setup-$client.sh"; fi
done

# Validator keys: <validators>/0x<pk>/voting-keystore.json on the data volume (encrypted),
# passwords in memory only (<secrets>/0x<pk>); the layout lighthouse and lodestar read, and
# prysm's wallet step imports from. Checked before anything is laid out: the number of keys,
# then that they are the ones the manifest gave this node (sha256 of the sorted 0x<pubkey>
# lines), so a key copied from another node, which would sign twice, never reaches a client.
if [ "${IS_VALIDATOR:-false}" = true ]; then
  pubkeys=$(for ks in "$keys"/0x*.json; do [ -e "$ks" ] && basename "$ks" .json; done | LC_ALL=C sort)
  n=$(printf '%s' "$pubkeys" | grep -c . || true)
  echo "ethnet-init: ${n} validator keystores"
  if [ -n "${EXPECTED_KEYS:-}" ] && [ "$n" -ne "$EXPECTED_KEYS" ]; then
    echo "ethnet-init: node ${node} expects ${EXPECTED_KEYS} validator keystores but its Secret holds ${n}" >&2
    exit 1
  fi
  if [ -n "${EXPECTED_KEYS_DIGEST:-}" ]; then
    held=$(printf '%s\n' "$pubkeys" | sha256sum)
    if [ "sha256:${held%% *}" != "$EXPECTED_KEYS_DIGEST" ]; then
      echo "ethnet-init: node ${node}'s Secret holds other validator keys than ethnet gave it (a key copied from another node would sign twice); restore ${ARTIFACTS_PREFIX}-node-${node} from the artifacts" >&2
      exit 1
    fi
  fi
  vdir=/data/vc/validators
  sdir=/ethnet/vc-secrets
  mkdir -p "$vdir" "$sdir"
  for pk in $pubkeys; do
    put "$keys/$pk.json" "$vdir/$pk/voting-keystore.json"
    put "$keys/$pk.txt" "$sdir/$pk"
  done
fi

echo "ethnet-init: done"
