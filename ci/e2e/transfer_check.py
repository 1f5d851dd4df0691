#!/usr/bin/env python3
"""Sends a value transfer from a funded account's keystore and checks both balances exactly.

  transfer_check.py RPC_URL KEYSTORE PASSWORD_FILE TO VALUE_WEI [CHECK_RPC_URL]

The recipient must gain exactly VALUE_WEI and the sender lose exactly VALUE_WEI plus
gasUsed * effectiveGasPrice, both read at the receipt's block against the block before, on
CHECK_RPC_URL (another node; default RPC_URL). Prints one line; exit 1 on any mismatch.
"""
import sys
import time

from eth_account import Account
from web3 import Web3


def main():
    rpc, keystore, password_file, to, value = sys.argv[1:6]
    check = Web3(Web3.HTTPProvider(sys.argv[6] if len(sys.argv) > 6 else rpc))
    w3 = Web3(Web3.HTTPProvider(rpc))
    value = int(value)
    key = Account.decrypt(open(keystore).read(), open(password_file).read().strip())
    sender = Account.from_key(key).address
    to = Web3.to_checksum_address(to)
    base = w3.eth.get_block("latest")["baseFeePerGas"]
    tx = {"type": 2, "chainId": w3.eth.chain_id, "to": to, "value": value, "gas": 21000,
          "nonce": w3.eth.get_transaction_count(sender, "pending"),
          "maxFeePerGas": 2 * base + 10**9, "maxPriorityFeePerGas": 10**9}
    tx_hash = w3.eth.send_raw_transaction(Account.sign_transaction(tx, key).raw_transaction)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.5)
    if receipt["status"] != 1:
        sys.exit(f"transfer failed in block {receipt['blockNumber']}")
    block = receipt["blockNumber"]
    for _ in range(60):  # the checking node may be a block behind
        if check.eth.block_number >= block:
            break
        time.sleep(0.5)
    fee = receipt["gasUsed"] * receipt["effectiveGasPrice"]
    got_to = check.eth.get_balance(to, block) - check.eth.get_balance(to, block - 1)
    got_from = check.eth.get_balance(sender, block - 1) - check.eth.get_balance(sender, block)
    if got_to != value or got_from != value + fee:
        sys.exit(f"balances in block {block}: recipient +{got_to} wei (expected +{value}), "
                 f"sender -{got_from} wei (expected -{value + fee})")
    print(f"transfer of {value} wei mined in block {block}: recipient +{got_to}, "
          f"sender -{got_from} (value + fee {fee}), checked on a second node")


if __name__ == "__main__":
    main()
