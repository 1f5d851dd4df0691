#!/usr/bin/env python3
"""A deposit for a new validator through the genesis deposit contract (ci/devnet-e2e.sh).

  devnet_deposit.py KEYSTORE PASSWORD_FILE SEND_PORT CHECK_PORT CHAIN_ID CONTRACT FORK_VERSION BEACON_PORT

The deposit data is built and signed with the official consensus specs; the contract's count
and root, computed in the EVM from the storage ethnet placed, must equal the spec's
hash_tree_root of the deposit list before and after; the beacon node must then hold the
deposit as pending (EIP-6110).
"""
import json, secrets, sys, time, urllib.request
from eth_consensus_specs.fulu import mainnet as spec
from eth_consensus_specs.utils import bls
from eth_consensus_specs.utils.ssz.ssz_typing import List
from eth_utils import keccak
from ethtx import load_key, rpc, send

keystore, password, send_port, check_port, chain_id, contract, fork_version, beacon_port = sys.argv[1:9]
key = load_key(keystore, password)
sender = key.public_key.to_checksum_address()
Deposits = List[spec.DepositData, 2**spec.DEPOSIT_CONTRACT_TREE_DEPTH]
selector = lambda signature: keccak(text=signature)[:4]

def call(signature):
    return bytes.fromhex(rpc(check_port, "eth_call", [
        {"to": contract, "data": "0x" + selector(signature).hex()}, "latest"])[2:])

def contract_state():
    count = call("get_deposit_count()")  # ABI bytes: offset, length 8, 8 little-endian bytes
    return int.from_bytes(count[64:72], "little"), call("get_deposit_root()")

count, root = contract_state()
if (count, root) != (0, Deposits().hash_tree_root()):
    raise SystemExit(f"deposit contract at genesis: count {count}, root 0x{root.hex()}; "
                     f"the spec's empty deposit root is 0x{Deposits().hash_tree_root().hex()}")

# Any nonzero scalar below the order of BLS12-381's subgroup (> 2**254) is a secret key.
secret_key = 1 + secrets.randbits(253)
message = spec.DepositMessage(
    pubkey=bls.SkToPk(secret_key),
    withdrawal_credentials=spec.ETH1_ADDRESS_WITHDRAWAL_PREFIX + bytes(11) + bytes.fromhex(sender[2:]),
    amount=spec.MIN_ACTIVATION_BALANCE)
domain = spec.compute_domain(spec.DOMAIN_DEPOSIT, spec.Version(bytes.fromhex(fork_version[2:])))
deposit = spec.DepositData(
    pubkey=message.pubkey, withdrawal_credentials=message.withdrawal_credentials,
    amount=message.amount, signature=bls.Sign(secret_key, spec.compute_signing_root(message, domain)))

def abi_bytes(value):
    return len(value).to_bytes(32, "big") + value + bytes(-len(value) % 32)

tails = [abi_bytes(bytes(deposit.pubkey)), abi_bytes(bytes(deposit.withdrawal_credentials)),
         abi_bytes(bytes(deposit.signature))]
offsets = [4 * 32, 4 * 32 + len(tails[0]), 4 * 32 + len(tails[0]) + len(tails[1])]
calldata = (selector("deposit(bytes,bytes,bytes,bytes32)")
            + b"".join(o.to_bytes(32, "big") for o in offsets) + bytes(deposit.hash_tree_root())
            + b"".join(tails))
receipt = send(key, send_port, check_port, int(chain_id), contract,
               int(deposit.amount) * 10**9, calldata)

event = "0x" + keccak(text="DepositEvent(bytes,bytes,bytes,bytes,bytes)").hex()
events = [l for l in receipt["logs"] if l["address"].lower() == contract.lower() and l["topics"][:1] == [event]]
if len(events) != 1:
    raise SystemExit(f"deposit {receipt['transactionHash']}: {len(events)} DepositEvent logs, expected 1")
count, root = contract_state()
expected = Deposits([deposit]).hash_tree_root()
if (count, root) != (1, expected):
    raise SystemExit(f"deposit contract after one deposit: count {count}, root 0x{root.hex()}; "
                     f"the spec's deposit root is 0x{expected.hex()}")

pubkey = "0x" + bytes(deposit.pubkey).hex()
t0 = time.time()
while time.time() - t0 < 60:
    with urllib.request.urlopen(
            f"http://127.0.0.1:{beacon_port}/eth/v1/beacon/states/head/pending_deposits", timeout=5) as r:
        pending = [d for d in json.load(r)["data"] if d["pubkey"] == pubkey]
    if pending:
        if int(pending[0]["amount"]) != spec.MIN_ACTIVATION_BALANCE:
            raise SystemExit(f"pending deposit of {pubkey}: amount {pending[0]['amount']}")
        break
    time.sleep(2)
else:
    raise SystemExit(f"the beacon node holds no pending deposit for {pubkey} within 60 s")
print(f"deposit {receipt['transactionHash']} for validator {pubkey[:18]}…: DepositEvent logged, "
      f"contract count 1 and root 0x{expected.hex()[:16]}… as the spec computes, "
      f"pending on the beacon chain {time.time() - t0:.1f} s after the receipt")
