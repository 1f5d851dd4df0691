#!/usr/bin/env python3
"""Opens every keystore of an ethnet artifacts directory with implementations independent of
ethnet: eth-keyfile for account keystores (Web3 Secret Storage v3), and for validator keystores
(EIP-2335) PBKDF2/scrypt from hashlib and AES-CTR from pycryptodome, checking the decrypted key's
BLS public key with the consensus specs' BLS library.

Usage: ci/keystores-check.py ARTIFACTS_DIR
"""
import hashlib
import json
import pathlib
import sys
import unicodedata

import eth_keyfile
from Crypto.Cipher import AES
from Crypto.Util import Counter
from eth_keys import keys
from eth_consensus_specs.utils import bls


def eip2335_password(password: str) -> bytes:
    normalized = unicodedata.normalize("NFKD", password)
    stripped = "".join(c for c in normalized if not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F))
    return stripped.encode()


def eip2335_decrypt(keystore: dict, password: str) -> bytes:
    crypto = keystore["crypto"]
    kdf = crypto["kdf"]
    params = kdf["params"]
    salt = bytes.fromhex(params["salt"])
    secret = eip2335_password(password)
    if kdf["function"] == "pbkdf2":
        assert params["prf"] == "hmac-sha256"
        key = hashlib.pbkdf2_hmac("sha256", secret, salt, params["c"], params["dklen"])
    else:
        key = hashlib.scrypt(secret, salt=salt, n=params["n"], r=params["r"], p=params["p"],
                             dklen=params["dklen"], maxmem=2**31)
    ciphertext = bytes.fromhex(crypto["cipher"]["message"])
    checksum = hashlib.sha256(key[16:32] + ciphertext).hexdigest()
    assert checksum == crypto["checksum"]["message"], "checksum mismatch"
    iv = int.from_bytes(bytes.fromhex(crypto["cipher"]["params"]["iv"]), "big")
    cipher = AES.new(key[:16], AES.MODE_CTR, counter=Counter.new(128, initial_value=iv))
    return cipher.decrypt(ciphertext)


def main(directory: str) -> int:
    secrets = pathlib.Path(directory) / "secrets"
    accounts = sorted((secrets / "accounts").glob("0x*.json"))
    for path in accounts:
        keystore = json.loads(path.read_text())
        secret = eth_keyfile.decode_keyfile_json(keystore, path.with_suffix(".password").read_bytes())
        address = keys.PrivateKey(secret).public_key.to_checksum_address()
        assert address == path.stem, f"{path.name} decrypts to {address}"
        assert keystore["address"] == address[2:].lower(), f"{path.name}: address field"
    validators = sorted(secrets.glob("node-validator-*/0x*.json"))
    for path in validators:
        keystore = json.loads(path.read_text())
        secret = eip2335_decrypt(keystore, path.with_suffix(".txt").read_text())
        pubkey = bls.SkToPk(int.from_bytes(secret, "big"))
        assert "0x" + bytes(pubkey).hex() == path.stem, f"{path.name}: key does not match pubkey"
        assert keystore["pubkey"] == path.stem[2:], f"{path.name}: pubkey field"
    manifest = json.loads((pathlib.Path(directory) / "manifest.json").read_text())
    assert len(validators) == manifest["cl"]["validatorCount"], "one keystore per validator"
    assert accounts, "no account keystores"
    print(f"{len(accounts)} account and {len(validators)} validator keystores open")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
