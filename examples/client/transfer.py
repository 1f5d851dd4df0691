#!/usr/bin/env python3
"""Send a value transfer on an ethnet network, signed with a funded account's keystore.

Prints the chain id, the head block and the funded balances, then sends an EIP-1559 transfer
from the first funded account to the second one and waits for its receipt.

  python3 transfer.py --artifacts ./devnet                      # a directory from `ethnet generate`
  python3 transfer.py --keystore KEY.json --password-file KEY.password --to 0x...

Exit status: 0 when the transfer is mined and succeeded, 1 on any failure, 2 on bad usage.
Private keys are never printed.
"""

import argparse
import json
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from eth_account import Account
from web3 import Web3
from web3.exceptions import TimeExhausted, Web3Exception, Web3RPCError


class Failure(Exception):
    """A failure with a message meant for the user."""


def redact(url):
    """The URL without user:password, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def rpc_message(e):
    """The node's own words from a JSON-RPC error, else the exception text."""
    error = (e.rpc_response or {}).get("error") if isinstance(e, Web3RPCError) else None
    if isinstance(error, dict) and "message" in error:
        return error["message"]
    return str(e)


def ether(wei):
    return f"{Web3.from_wei(wei, 'ether')} ETH"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rpc", metavar="URL", default="http://127.0.0.1:8545",
                   help="JSON-RPC URL of a node (default: %(default)s)")
    p.add_argument("--artifacts", metavar="DIR", type=Path,
                   help="directory written by `ethnet generate`: sends from its first funded "
                        "account to its second")
    p.add_argument("--keystore", metavar="FILE", type=Path,
                   help="sender keystore (Web3 Secret Storage v3 JSON)")
    p.add_argument("--password-file", metavar="FILE", type=Path,
                   help="file holding the keystore password")
    p.add_argument("--to", metavar="ADDRESS",
                   help="recipient address (default with --artifacts: the second funded account)")
    p.add_argument("--value", metavar="ETH", default="0.01",
                   help="amount to send in ether (default: %(default)s)")
    p.add_argument("--timeout", metavar="SECONDS", type=float, default=120,
                   help="seconds to wait for the receipt (default: %(default)s)")
    args = p.parse_args()

    if args.artifacts is None and args.keystore is None:
        p.error("give --artifacts DIR, or --keystore FILE --password-file FILE --to ADDRESS")
    if args.keystore is not None and args.password_file is None:
        p.error("--keystore needs --password-file")
    if args.artifacts is None and args.to is None:
        p.error("--keystore needs --to")
    if args.to is not None and not Web3.is_address(args.to):
        p.error(f"--to {args.to!r} is not an address")
    try:
        args.value_wei = Web3.to_wei(Decimal(args.value), "ether")
    except (InvalidOperation, ValueError):
        p.error(f"--value {args.value!r} is not an amount of ether")
    if args.value_wei <= 0:
        p.error("--value must be positive")
    if args.timeout <= 0:
        p.error("--timeout must be positive")
    return args


def funded_accounts(artifacts):
    """Addresses of the funded accounts, in derivation order, from manifest.json."""
    path = artifacts / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
        return [Web3.to_checksum_address(a["address"]) for a in manifest["accounts"]]
    except OSError as e:
        raise Failure(f"cannot read {path}: {e.strerror} (is {artifacts} an `ethnet generate` "
                      "output directory?)") from None
    except (ValueError, KeyError, TypeError) as e:
        raise Failure(f"{path} has no valid accounts list: {e}") from None


def account_files(artifacts, address):
    """The keystore and password file of a funded account under secrets/accounts/."""
    directory = artifacts / "secrets" / "accounts"
    keystore = directory / f"{address}.json"
    if not keystore.is_file():
        # Tolerate a copy whose file names lost the EIP-55 capitals.
        matches = [f for f in directory.glob("*.json") if f.stem.lower() == address.lower()]
        if not matches:
            raise Failure(f"no keystore for {address} in {directory}")
        keystore = matches[0]
    return keystore, keystore.with_suffix(".password")


def load_key(keystore, password_file):
    """Decrypt a keystore; returns (address, private key bytes)."""
    try:
        keyfile = json.loads(keystore.read_text())
    except OSError as e:
        raise Failure(f"cannot read keystore {keystore}: {e.strerror}") from None
    except ValueError:
        raise Failure(f"{keystore} is not JSON") from None
    try:
        # Keystore tools write the password without a trailing newline; editors add one.
        password = password_file.read_text().rstrip("\r\n")
    except OSError as e:
        raise Failure(f"cannot read password file {password_file}: {e.strerror}") from None
    try:
        key = Account.decrypt(keyfile, password)
    except ValueError as e:  # a wrong password shows up as a MAC mismatch
        raise Failure(f"cannot decrypt {keystore}: {e} (wrong password file?)") from None
    except Exception as e:  # malformed keystores raise KeyError, TypeError, ...
        raise Failure(f"{keystore} is not a valid keystore ({type(e).__name__})") from None
    address = Account.from_key(key).address
    listed = keyfile.get("address")
    if listed and Web3.to_checksum_address("0x" + listed.removeprefix("0x")) != address:
        raise Failure(f"{keystore}: the key does not match the keystore's address field")
    return address, key


def reason(e):
    """The root cause of a connection error, e.g. "[Errno 111] Connection refused"."""
    found = re.search(r"\[Errno -?\d+\] [^'\")]+", str(e))
    return found.group(0) if found else f"{type(e).__name__}: {e}"


def connect(url):
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 10}))
    try:
        chain_id = w3.eth.chain_id
    except Exception as e:  # requests' connection errors, timeouts, bad JSON
        message = reason(e).replace(url, redact(url))
        raise Failure(f"cannot reach the node at {redact(url)}: {message}") from None
    return w3, chain_id


def fees(w3, head):
    """maxFeePerGas and maxPriorityFeePerGas for a transaction in the next few blocks."""
    base_fee = head.get("baseFeePerGas")
    if base_fee is None:
        raise Failure("the head block has no baseFeePerGas: the node does not run London "
                      "(EIP-1559) rules")
    try:
        tip = w3.eth.max_priority_fee
    except Web3Exception:
        tip = Web3.to_wei(1, "gwei")
    # The base fee can rise 12.5% per block; twice it covers six full blocks in a row.
    return 2 * base_fee + tip, tip


def transfer(args):
    if args.artifacts is not None:
        funded = funded_accounts(args.artifacts)
        if not funded:
            raise Failure(f"{args.artifacts}/manifest.json lists no funded accounts")
        if args.keystore is None:
            args.keystore, args.password_file = account_files(args.artifacts, funded[0])
        if args.to is None:
            if len(funded) < 2:
                raise Failure("only one funded account: give the recipient with --to")
            args.to = funded[1]
    sender, key = load_key(args.keystore, args.password_file)
    recipient = Web3.to_checksum_address(args.to)
    if args.artifacts is None:
        funded = [sender, recipient]

    w3, chain_id = connect(args.rpc)
    head = w3.eth.get_block("latest")
    print(f"chain id:   {chain_id}")
    print(f"head block: {head['number']} {head['hash'].to_0x_hex()}")
    print("balances:")
    for address in funded:
        print(f"  {address}  {ether(w3.eth.get_balance(address))}")

    before = w3.eth.get_balance(recipient)
    max_fee, tip = fees(w3, head)
    tx = {
        "type": 2,
        "chainId": chain_id,
        "nonce": w3.eth.get_transaction_count(sender, "pending"),
        "to": recipient,
        "value": args.value_wei,
        "maxFeePerGas": max_fee,
        "maxPriorityFeePerGas": tip,
    }
    try:
        # 21000 for a plain account; more if the recipient is a contract.
        tx["gas"] = w3.eth.estimate_gas({"from": sender, "to": recipient, "value": args.value_wei})
        signed = Account.sign_transaction(tx, key)
        print(f"sending {ether(args.value_wei)} from {sender} to {recipient}")
        tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    except Web3Exception as e:  # insufficient funds, nonce too low, fee too low, ...
        raise Failure(f"the node refused the transaction: {rpc_message(e)}") from None
    print(f"tx hash:    {tx_hash.to_0x_hex()}")

    try:
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=args.timeout,
                                                      poll_latency=0.5)
    except TimeExhausted:
        raise Failure(f"no receipt after {args.timeout:g} s: is the network producing "
                      "blocks? (the transaction may still be mined later)") from None
    if receipt["status"] != 1:
        raise Failure(f"the transaction failed in block {receipt['blockNumber']}")
    after = w3.eth.get_balance(recipient, receipt["blockNumber"])
    print(f"block:      {receipt['blockNumber']}")
    print(f"recipient:  {ether(before)} -> {ether(after)} (+{after - before} wei)")


def main():
    args = parse_args()
    try:
        transfer(args)
    except Failure as e:
        sys.exit(f"transfer: {e}")
    except Web3Exception as e:
        sys.exit(f"transfer: JSON-RPC error: {rpc_message(e)}")
    except OSError as e:  # the node went away mid-way (requests' errors are OSErrors)
        message = reason(e).replace(args.rpc, redact(args.rpc))
        sys.exit(f"transfer: lost the node at {redact(args.rpc)}: {message}")


if __name__ == "__main__":
    main()
