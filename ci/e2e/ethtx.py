#!/usr/bin/env python3
"""Signs and sends legacy EIP-155 transactions over JSON-RPC, waits for their receipts."""
import json, time, urllib.request
import eth_keyfile
from eth_keys import keys
from eth_utils import keccak

def rpc(port, method, params):
    req = urllib.request.Request(f"http://127.0.0.1:{port}", json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode(),
        {"Content-Type": "application/json"})
    out = json.load(urllib.request.urlopen(req, timeout=5))
    if "error" in out:
        raise SystemExit(f"{method}: {out['error']}")
    return out["result"]

def rlp(x):
    if isinstance(x, list):
        body = b"".join(rlp(i) for i in x)
        return (bytes([0xc0 + len(body)]) if len(body) < 56 else
                bytes([0xf7 + len(l := length(len(body)))]) + l) + body
    if isinstance(x, int):
        x = length(x)
    if len(x) == 1 and x[0] < 0x80:
        return x
    return (bytes([0x80 + len(x)]) if len(x) < 56 else bytes([0xb7 + len(l := length(len(x)))]) + l) + x

def length(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""

def load_key(keystore, password_file):
    return keys.PrivateKey(eth_keyfile.extract_key_from_keyfile(keystore, open(password_file, "rb").read()))

def send(key, send_port, check_port, chain_id, to, value, data=b""):
    """Sends, then returns the successful receipt as the checking node reports it."""
    sender = key.public_key.to_checksum_address()
    nonce = int(rpc(send_port, "eth_getTransactionCount", [sender, "pending"]), 16)
    gas_price = 2 * int(rpc(send_port, "eth_gasPrice", []), 16)
    gas = 21000 if not data else 2 * int(rpc(send_port, "eth_estimateGas", [
        {"from": sender, "to": to, "value": hex(value), "data": "0x" + data.hex()}]), 16)
    fields = [nonce, gas_price, gas, bytes.fromhex(to[2:]), value, data]
    sig = key.sign_msg_hash(keccak(rlp(fields + [chain_id, 0, 0])))
    raw = rlp(fields + [sig.v + 35 + 2 * chain_id, sig.r, sig.s])
    txh = rpc(send_port, "eth_sendRawTransaction", ["0x" + raw.hex()])
    t0 = time.time()
    while time.time() - t0 < 60:
        receipt = rpc(check_port, "eth_getTransactionReceipt", [txh])
        if receipt:
            if receipt["status"] != "0x1":
                raise SystemExit(f"transaction {txh} failed: {receipt}")
            receipt["seconds"] = time.time() - t0
            return receipt
        time.sleep(1)
    raise SystemExit(f"transaction {txh} not mined on the checking node within 60 s")
