#!/usr/bin/env python3
"""Checks ethnet's consensus-layer genesis with the official Python consensus specs
(PyPI eth-consensus-specs), an implementation independent of ethnet.

Usage: ci/cl-crosscheck.py ARTIFACTS_DIR

Decodes genesis.ssz with the spec's own BeaconState of the genesis fork and preset, then
recomputes with the spec's functions: the state's hash tree root, genesis_validators_root,
both sync committees, the proposer lookahead, the empty block body root, the empty deposit
root, the randao mixes and the execution payload header against genesis.json. Each check prints
one line; the last line is 'cl-crosscheck: N passed, M failed'.
"""
import gzip
import json
import pathlib
import sys

from eth_consensus_specs.utils.ssz.ssz_typing import List


def load_spec(fork, preset):
    module = __import__(f"eth_consensus_specs.{fork}.{preset}", fromlist=["spec"])
    return module


def main(directory):
    root = pathlib.Path(directory)
    manifest = json.loads((root / "manifest.json").read_text())
    cl = manifest["cl"]
    preset = manifest["spec"]["network"]["preset"]
    fork = cl["genesisFork"]
    spec = load_spec(fork, preset)
    ssz = gzip.decompress((root / "genesis" / "genesis.ssz.gz").read_bytes())
    state = spec.BeaconState.decode_bytes(ssz)
    genesis = json.loads((root / "genesis" / "genesis.json").read_text())
    el_hash = (root / "genesis" / "genesis-hash").read_text().strip()

    checks = []

    def check(name, got, expected):
        checks.append((name, got == expected, got, expected))

    hexroot = lambda value: "0x" + bytes(value).hex()
    check("state hash tree root", hexroot(spec.hash_tree_root(state)), cl["stateRoot"])
    check("genesis_validators_root", hexroot(spec.hash_tree_root(state.validators)),
          cl["genesisValidatorsRoot"])
    check("genesis_validators_root field", hexroot(state.genesis_validators_root),
          cl["genesisValidatorsRoot"])
    check("genesis time", int(state.genesis_time), cl["genesisTime"])
    check("validator count", len(state.validators), cl["validatorCount"])
    check("all validators active at epoch 0",
          len(spec.get_active_validator_indices(state, spec.GENESIS_EPOCH)), cl["validatorCount"])
    next_committee = spec.get_next_sync_committee(state)
    check("current sync committee", state.current_sync_committee, next_committee)
    check("next sync committee", state.next_sync_committee, next_committee)
    if hasattr(spec, "initialize_proposer_lookahead"):
        check("proposer lookahead", list(state.proposer_lookahead),
              list(spec.initialize_proposer_lookahead(state)))
    check("latest block header body root", state.latest_block_header.body_root,
          spec.hash_tree_root(spec.BeaconBlockBody()))
    empty_deposits = List[spec.DepositData, 2**spec.DEPOSIT_CONTRACT_TREE_DEPTH]()
    check("empty deposit root", state.eth1_data.deposit_root, spec.hash_tree_root(empty_deposits))
    check("eth1 block hash", hexroot(state.eth1_data.block_hash), el_hash)
    check("randao mixes", {hexroot(m) for m in state.randao_mixes}, {el_hash})
    header = state.latest_execution_payload_header
    check("payload header block hash", hexroot(header.block_hash), el_hash)
    check("payload header timestamp", int(header.timestamp), int(genesis["timestamp"], 16))
    check("payload header gas limit", int(header.gas_limit), int(genesis["gasLimit"], 16))
    check("payload header base fee", int(header.base_fee_per_gas),
          int(genesis["baseFeePerGas"], 16))
    check("payload header transactions root", header.transactions_root,
          spec.hash_tree_root(List[spec.Transaction, spec.MAX_TRANSACTIONS_PER_PAYLOAD]()))
    check("payload header withdrawals root", header.withdrawals_root,
          spec.hash_tree_root(List[spec.Withdrawal, spec.MAX_WITHDRAWALS_PER_PAYLOAD]()))
    for index, validator in enumerate(state.validators):
        if validator.effective_balance != min(
                state.balances[index] - state.balances[index] % spec.EFFECTIVE_BALANCE_INCREMENT,
                spec.get_max_effective_balance(validator)):
            check(f"validator {index} effective balance", int(validator.effective_balance), "per spec")
            break
    else:
        check("effective balances", True, True)

    # config.yaml: every field the spec's own Configuration needs, and consistency with the state.
    from ruamel.yaml import YAML
    config = YAML(typ="safe").load((root / "genesis" / "config.yaml").read_text())
    missing = [f for f in spec.Configuration._fields if f not in config]
    check("config.yaml has every Configuration field of the spec", missing, [])
    version = lambda v: "0x%08x" % v if isinstance(v, int) else str(v)
    check("state fork version is the config's Fulu version",
          hexroot(state.fork.current_version), version(config["FULU_FORK_VERSION"]))
    check("MIN_GENESIS_TIME + GENESIS_DELAY is the genesis time",
          config["MIN_GENESIS_TIME"] + config["GENESIS_DELAY"], int(state.genesis_time))
    check("config preset", config["PRESET_BASE"], preset)

    failed = 0
    for name, ok, got, expected in checks:
        if ok:
            print(f"ok   {name}")
        else:
            failed += 1
            print(f"FAIL {name}: got {got}, expected {expected}")
    print(f"cl-crosscheck ({fork}, {preset}): {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
