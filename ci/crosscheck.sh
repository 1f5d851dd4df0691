#!/usr/bin/env bash
# Checks ethnet's execution-layer artifacts with implementations independent of ethnet:
#   - go-ethereum (ci/genesis-vectors) must accept each generated genesis and compute the same
#     block hash, for the default fork schedule and older ones;
#   - eth-keyfile (the Python Web3 Secret Storage implementation) must decrypt every account
#     keystore with its password to the key whose address the file names.
# Usage: ci/el-crosscheck.sh ETHNET_BIN GENESIS_VECTORS_BIN
set -euo pipefail
ethnet=$1 geth_vectors=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

check_schedule() { # <label> <helm --set flags…>
  local label=$1; shift
  local out="$work/$label"
  "$ethnet" generate --out "$out" --genesis-time 1800000000 \
    --set accounts.keystoreKdf=light --set accounts.count=3 "$@" >/dev/null
  local ours theirs
  ours=$("$ethnet" genesis hash "$out/genesis/genesis.json")
  theirs=$("$geth_vectors" hash "$out/genesis/genesis.json")
  if [ "$ours" = "$theirs" ]; then
    echo "ok   genesis hash ($label): $ours (geth agrees)"; passed=$((passed + 1))
  else
    echo "FAIL genesis hash ($label): ethnet $ours, geth $theirs"; failed=$((failed + 1))
  fi
}

check_schedule osaka
check_schedule prague --set network.forks.fulu=never
check_schedule cancun --set network.forks.fulu=never --set network.forks.electra=never
check_schedule capella --set network.forks.fulu=never --set network.forks.electra=never \
  --set network.forks.deneb=never
check_schedule prague-then-osaka --set network.forks.fulu=4 \
  --set-json 'accounts.alloc={"0x8943545177806ED17B9F23F0a21ee5948eCaa776":{"balance":"0x10","storage":{"0x01":"0x2a"},"code":"0x6001"}}'

if python3 - "$work/osaka/secrets/accounts" <<'PY'
import json, pathlib, sys
import eth_keyfile
accounts = pathlib.Path(sys.argv[1])
keystores = sorted(accounts.glob("0x*.json"))
assert keystores, "no keystores written"
for path in keystores:
    keystore = json.loads(path.read_text())
    password = path.with_suffix(".password").read_bytes()
    secret = eth_keyfile.decode_keyfile_json(keystore, password)
    from eth_keys import keys
    address = keys.PrivateKey(secret).public_key.to_checksum_address()
    assert address == path.stem, f"{path.name} decrypts to {address}"
    assert keystore["address"] == address[2:].lower(), "address field missing or wrong"
print(f"eth-keyfile decrypted {len(keystores)} keystores")
PY
then
  echo "ok   account keystores (eth-keyfile agrees)"; passed=$((passed + 1))
else
  echo "FAIL account keystores"; failed=$((failed + 1))
fi

echo "el-crosscheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
