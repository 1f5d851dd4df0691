#!/usr/bin/env python3
"""A transfer from a funded account: both balances move by exactly the value (and the fee).

  devnet_transfer.py KEYSTORE PASSWORD_FILE SEND_PORT CHECK_PORT CHAIN_ID TO

Sent to 127.0.0.1:SEND_PORT, checked on 127.0.0.1:CHECK_PORT (ci/devnet-e2e.sh).
"""
import sys
from ethtx import load_key, rpc, send
keystore, password, send_port, check_port, chain_id, to = sys.argv[1:7]
key = load_key(keystore, password)
sender = key.public_key.to_checksum_address()
value = 10**18
balance = lambda a, block="latest": int(rpc(check_port, "eth_getBalance", [a, block]), 16)
from_before, to_before = balance(sender), balance(to)
receipt = send(key, send_port, check_port, int(chain_id), to, value)
block = receipt["blockNumber"]
fee = int(receipt["gasUsed"], 16) * int(receipt["effectiveGasPrice"], 16)
from_after, to_after = balance(sender, block), balance(to, block)
if to_after - to_before != value or from_before - from_after != value + fee:
    raise SystemExit(f"balances: sender {from_before}->{from_after} (fee {fee}), "
                     f"recipient {to_before}->{to_after}, expected +/-{value}")
print(f"transfer {receipt['transactionHash']} from {sender} mined in block {int(block, 16)} in "
      f"{receipt['seconds']:.1f} s; recipient +{value} wei, sender -{value} wei - fee {fee} wei")
