#!/usr/bin/env bash
# Checks ethnet's artifacts with implementations independent of ethnet, for several networks:
#   - go-ethereum (ci/genesis-vectors) accepts the execution genesis and computes the same hash;
#   - the official Python consensus specs decode genesis.ssz and recompute its roots, sync
#     committees and proposer lookahead (ci/cl-crosscheck.py);
#   - eth-keyfile decrypts every account keystore to the key its file names;
#   - validator keystores decrypt (Python hashlib + pycryptodome) to keys whose BLS public key,
#     computed by the consensus specs' BLS library, is the keystore's pubkey.
# Usage: ci/crosscheck.sh ETHNET_BIN GENESIS_VECTORS_BIN
set -euo pipefail
ethnet=$1 geth_vectors=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
CHECK_LOG=$work/log
trap 'rm -rf "$work"' EXIT
# shellcheck source=ci/checks.sh
source "$here/checks.sh"

scenario() { # <label> <helm flags…>
  local label=$1; shift
  local out="$work/$label"
  "$ethnet" generate --out "$out" --genesis-time 1800000000 --set accounts.keystoreKdf=light \
    --set accounts.count=3 --set validators.keystoreKdf=fast "$@" >/dev/null
  local ours theirs
  ours=$("$ethnet" genesis hash "$out/genesis/genesis.json")
  theirs=$("$geth_vectors" hash "$out/genesis/genesis.json" 2>&1) || true
  check "$label: genesis hash $ours (geth: $theirs)" test "$ours" = "$theirs"
  python3 "$here/cl-crosscheck.py" "$out" > "$work/$label.cl.log" 2>&1; local rc=$?
  grep -E "^FAIL|cl-crosscheck|Error|error" "$work/$label.cl.log" | sed 's/^/     /'
  result $rc "$label: consensus genesis state (eth-consensus-specs agrees)"
  local preset; preset=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["spec"]["network"]["preset"])' "$out/manifest.json")
  python3 "$here/cl-config-check.py" "$out/genesis/config.yaml" "$preset" > "$work/$label.config.log" 2>&1; rc=$?
  grep -vE "^(ok|PASS)" "$work/$label.config.log" | sed 's/^/     /'
  result $rc "$label: config.yaml against the official $preset config (eth-consensus-specs)"
  "$ethnet" seed "$out" --release "e2e-$label" > "$work/$label.objects.yaml" &&
    kubernetes-validate --strict --quiet -k 1.33.0 "$work/$label.objects.yaml"; rc=$?
  result $rc "$label: seeded Secrets and ConfigMaps pass kubernetes-validate --strict"
  python3 "$here/keystores-check.py" "$out" > "$work/$label.keys.log" 2>&1; rc=$?
  sed 's/^/     /' "$work/$label.keys.log"
  result $rc "$label: account and validator keystores (eth-keyfile, spec BLS agree)"
}

set +e
scenario mainnet-default
# The minimal preset with lodestar: prysm's and lighthouse's release builds run mainnet only.
LODESTAR=(--set nodes.bootnodes.consensus.client=lodestar --set nodes.validators.consensus.client=lodestar
  --set nodes.rpc.consensus.client=lodestar)
scenario minimal-fast --set network.preset=minimal --set network.slotSeconds=2 "${LODESTAR[@]}" \
  --set validators.count=64 --set nodes.validators.replicas=3 \
  --set validators.withdrawalCredentials.type=0x01 \
  --set validators.withdrawalCredentials.address=0x8943545177806ED17B9F23F0a21ee5948eCaa776 \
  --set-json 'accounts.alloc={"0x8943545177806ED17B9F23F0a21ee5948eCaa776":{"balance":"0x10","storage":{"0x01":"0x2a"},"code":"0x6001"}}'
scenario minimal-compounding --set network.preset=minimal --set validators.count=40 "${LODESTAR[@]}" \
  --set validators.withdrawalCredentials.type=0x02 \
  --set validators.withdrawalCredentials.address=0x8943545177806ed17b9f23f0a21ee5948ecaa776
# The checkers must be able to fail: a state root that does not match its file is caught.
tampered="$work/mainnet-default-tampered"
cp -r "$work/mainnet-default" "$tampered"
python3 - "$tampered/manifest.json" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
manifest["cl"]["stateRoot"] = "0x" + "00" * 32
json.dump(manifest, open(sys.argv[1], "w"))
PY
reject "a wrong state root is caught by cl-crosscheck" python3 "$here/cl-crosscheck.py" "$tampered"
passwords=("$tampered"/secrets/node-validator-0/*.txt)
printf 'x' >"${passwords[0]}"
reject "a wrong validator password is caught by keystores-check" python3 "$here/keystores-check.py" "$tampered"
set -e

summary crosscheck
