#!/bin/sh
# ethnet prysm wallet: imports this node's validator keystores (laid out by init.sh) into a prysm
# wallet, each with its own password. Runs in the prysm validator image under busybox sh.
# Never prints a secret. Inputs (env): VALIDATOR_BIN, the validator binary in the image.
set -eu
umask 077
PATH=/run/ethnet/bin:$PATH
vdir=/data/vc/validators
sdir=/ethnet/vc-secrets
wallet=/data/vc/prysm-wallet
pwfile=/data/vc/prysm-wallet-password

# A random wallet password, made once: it only guards the wallet on this volume.
if [ ! -s "$pwfile" ]; then
  od -An -v -N 24 -tx1 /dev/urandom | tr -d ' \n' > "$pwfile.tmp"
  mv -f "$pwfile.tmp" "$pwfile"
fi

listed() { # the wallet's public keys, one per line, sorted
  [ -d "$wallet" ] || return 0
  "$VALIDATOR_BIN" accounts list --accept-terms-of-use --wallet-dir="$wallet" \
    --wallet-password-file="$pwfile" 2>/dev/null | grep -o '0x[0-9a-f]\{96\}' | sort -u
}

expected=$(ls "$vdir" 2>/dev/null | grep '^0x[0-9a-f]\{96\}$' | sort)
have=$(listed)
imported=0
for pk in $expected; do
  echo "$have" | grep -qx "$pk" && continue
  # `accounts import` exits 0 on a wrong password (it only logs), so the list is checked below.
  "$VALIDATOR_BIN" accounts import --accept-terms-of-use --wallet-dir="$wallet" \
    --wallet-password-file="$pwfile" --keys-dir="$vdir/$pk/voting-keystore.json" \
    --account-password-file="$sdir/$pk" > /tmp/prysm-import.log 2>&1 || {
      grep -iv 'password' /tmp/prysm-import.log | tail -n 5 >&2
      echo "ethnet-prysm-wallet: import of $pk failed" >&2; exit 1; }
  imported=$((imported + 1))
done
have=$(listed)
if [ "$have" != "$expected" ]; then
  echo "ethnet-prysm-wallet: the wallet holds $(echo "$have" | grep -c . || true) keys," \
    "the node's Secret $(echo "$expected" | grep -c . || true); they must be the same keys" >&2
  exit 1
fi
echo "ethnet-prysm-wallet: $(echo "$have" | grep -c .) keys ($imported imported now)"
