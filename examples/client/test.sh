#!/usr/bin/env bash
# Tests transfer.py end to end: `ethnet generate` makes the funded-account keystores (with
# examples/values-devnet-minimal.yaml), a `geth --dev` node on 127.0.0.1 stands in for the
# network, its dev account funds the first generated account, and transfer.py must move exactly
# --value to the second one, in both modes (--artifacts and --keystore), without printing a key.
# Failures (wrong password, node down) must exit 1 with a message.
#
# Usage: examples/client/test.sh [ETHNET [GETH]]
#   ETHNET  ethnet binary (or ETHNET_BIN; default: target/debug/ethnet of this checkout)
#   GETH    geth binary (or GETH; default: geth on PATH, then ~/.cache/ethnet/geth-v1.16.8/geth)
#   PYTHON  a python with requirements.txt installed (default: python3)
#   HELM_BIN  helm for `ethnet generate` (default: helm on PATH, then ~/.cache/ethnet/helm-4.1/helm)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/geth-dev.sh
source "$HERE/../lib/geth-dev.sh"

ETHNET=${1:-${ETHNET_BIN:-$ROOT/target/debug/ethnet}}
GETH=$(find_geth "${2:-${GETH:-}}")
PYTHON=${PYTHON:-python3}
[ -x "$ETHNET" ] || die "no ethnet binary at $ETHNET: cargo build -p ethnet, or pass its path"
if [ -z "${HELM_BIN:-}" ] && ! command -v helm >/dev/null; then
  [ -x "$HOME/.cache/ethnet/helm-4.1/helm" ] || die "no helm: put it on PATH or set HELM_BIN"
  export HELM_BIN=$HOME/.cache/ethnet/helm-4.1/helm
fi

ART=$WORK/artifacts
log "ethnet generate -f examples/values-devnet-minimal.yaml"
"$ETHNET" generate --chart "$ROOT/chart" --out "$ART" -f "$ROOT/examples/values-devnet-minimal.yaml" \
  >"$WORK/generate.log" 2>&1 || { cat "$WORK/generate.log" >&2; die "ethnet generate failed"; }
# The first two funded accounts, spelled as their keystore files are named (EIP-55; the manifest
# writes lowercase), and the sender's private key, only to check that transfer.py never prints it.
# One python start for all three: importing web3 costs about 2 s of CPU.
KEYS=$("$PYTHON" - "$ART" <<'EOF'
import json, sys
from pathlib import Path
from eth_account import Account
from web3 import Web3
art = Path(sys.argv[1])
sender, recipient = (Web3.to_checksum_address(a["address"])
                     for a in json.loads((art / "manifest.json").read_text())["accounts"][:2])
keystore = art / "secrets" / "accounts" / sender
key = Account.decrypt(json.loads(keystore.with_suffix(".json").read_text()),
                      keystore.with_suffix(".password").read_text())
print(sender, recipient, key.hex().removeprefix("0x"))
EOF
) || die "cannot read the generated accounts with $PYTHON (pip install -r $HERE/requirements.txt, or set PYTHON)"
read -r SENDER RECIPIENT KEY <<<"$KEYS"

log "starting geth --dev ($GETH) and funding $SENDER"
start_geth_dev "$GETH"
DEV=$(rpc eth_accounts | python3 -c 'import json, sys; print(json.load(sys.stdin)[0])')
wait_receipt "$(rpc eth_sendTransaction \
  "[{\"from\": \"$DEV\", \"to\": \"$SENDER\", \"value\": \"0x8ac7230489e80000\"}]")" # 10 ether

transfer() { # <expected wei> <transfer.py args…>: runs it, checks the recipient got exactly that
  local want=$1 before after
  shift
  before=$(balance "$RECIPIENT")
  "$PYTHON" "$HERE/transfer.py" --rpc "$RPC_URL" --timeout 30 "$@" >"$WORK/out" 2>&1 \
    || { cat "$WORK/out" >&2; die "transfer.py $* failed"; }
  cat "$WORK/out"
  ! grep -qi "$KEY" "$WORK/out" || die "transfer.py printed the private key"
  after=$(balance "$RECIPIENT")
  [ "$((after - before))" = "$want" ] \
    || die "recipient balance changed by $((after - before)) wei, want $want"
  log "recipient balance +$want wei: ok"
}

log "transfer.py --artifacts"
transfer 250000000000000000 --artifacts "$ART" --value 0.25
grep -q "^chain id: *1337$" "$WORK/out" || die "transfer.py did not print chain id 1337"

log "transfer.py --keystore --password-file --to"
transfer 1000000000000000 --keystore "$ART/secrets/accounts/$SENDER.json" \
  --password-file "$ART/secrets/accounts/$SENDER.password" --to "$RECIPIENT" --value 0.001

expect_failure() { # <message> <transfer.py args…>: must exit 1 and say <message>
  local want=$1 rc=0
  shift
  "$PYTHON" "$HERE/transfer.py" --timeout 5 "$@" >"$WORK/out" 2>&1 || rc=$?
  if [ "$rc" != 1 ] || ! grep -q "$want" "$WORK/out"; then
    cat "$WORK/out" >&2
    die "transfer.py $*: want exit 1 and \"$want\", got exit $rc"
  fi
  log "fails as it must: $(tail -n 1 "$WORK/out")"
}
printf 'not-the-password' >"$WORK/wrong.password"
expect_failure "wrong password" --rpc "$RPC_URL" --keystore "$ART/secrets/accounts/$SENDER.json" \
  --password-file "$WORK/wrong.password" --to "$RECIPIENT"
expect_failure "cannot reach the node" --rpc "http://127.0.0.1:$(free_port)" --artifacts "$ART"

echo "client: ok in $((SECONDS - START)) s"
