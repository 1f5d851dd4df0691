#!/usr/bin/env python3
"""Checks an ethnet consensus-layer config.yaml against the official config of its preset, as
shipped in the PyPI package eth-consensus-specs (its top-level configs/ directory).

Usage: ci/cl-config-check.py CONFIG_YAML PRESET      (PRESET: mainnet or minimal)

- Every key of the official config up to Fulu must be present: the fields of the package's own
  fulu.<preset> Configuration, CONFIG_NAME, and every <FORK>_FORK_VERSION/_FORK_EPOCH.
- Keys the official config lacks are errors, except the few that clients still read but the spec
  now derives; those must equal what the spec's compute_* functions give for this config.
- Values must equal the official ones, except those ethnet sets per network, which must follow
  ethnet's rules (fork version scheme, merged at genesis, blob limits matching the EL...);
  BLOB_SCHEDULE must list the execution genesis' bpo forks (genesis.json beside config.yaml)
  at their epochs with their maximum, and the spec's get_blob_parameters must agree.
- Scalars must be written as the official file writes them (quoted, 0x-hex of the same width,
  plain integer).
- The config must load into the package's Configuration with its own field types, as the spec's
  test harness loads config overrides, and the spec's compute_fork_version must work on it.

Prints one line per problem, then 'cl-config: N passed, M failed'. Exits 1 on any failure.
"""
import importlib
import importlib.metadata
import json
import pathlib
import re
import sys

from ruamel.yaml import YAML

FAR_FUTURE_EPOCH = 2**64 - 1
# Forks whose config keys ethnet must carry; later forks only get a version and an epoch.
UP_TO_FULU = ["GENESIS", "ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU"]
# Merged at genesis: ethnet networks start at Capella or later.
AT_GENESIS = {"ALTAIR", "BELLATRIX", "CAPELLA"}
# Blob limits of the execution genesis blobSchedule: Cancun 6, Prague and Osaka 9.
EL_BLOB_LIMITS = {"MAX_BLOBS_PER_BLOCK": 6, "MAX_BLOBS_PER_BLOCK_ELECTRA": 9}
# Keys ethnet sets per network; checked by rule, not against the official value.
NETWORK_SPECIFIC = {
    "CONFIG_NAME", "TERMINAL_TOTAL_DIFFICULTY", "MIN_GENESIS_ACTIVE_VALIDATOR_COUNT",
    "MIN_GENESIS_TIME", "GENESIS_DELAY", "SLOT_DURATION_MS", "DEPOSIT_CHAIN_ID",
    "DEPOSIT_NETWORK_ID", "DEPOSIT_CONTRACT_ADDRESS", "BLOB_SCHEDULE",
}
# Keys the official configs dropped because the spec derives them, that clients still read:
# name -> (fork module holding the compute function, function, format).
DERIVED = {
    "SECONDS_PER_SLOT": None,  # SLOT_DURATION_MS / 1000
    "MIN_EPOCHS_FOR_BLOCK_REQUESTS": ("fulu", "compute_min_epochs_for_block_requests"),
    "ATTESTATION_SUBNET_PREFIX_BITS": ("fulu", "compute_attestation_subnet_prefix_bits"),
    "MAX_REQUEST_BLOB_SIDECARS": ("deneb", "compute_max_request_blob_sidecars"),
    "MAX_REQUEST_BLOB_SIDECARS_ELECTRA": ("electra", "compute_max_request_blob_sidecars"),
    "MAX_REQUEST_DATA_COLUMN_SIDECARS": ("fulu", "compute_max_request_data_column_sidecars"),
}


def official_config_path(preset):
    """configs/<preset>.yaml as installed by the eth-consensus-specs wheel."""
    dist = importlib.metadata.distribution("eth-consensus-specs")
    for file in dist.files or []:
        if file.as_posix() == f"configs/{preset}.yaml":
            return pathlib.Path(dist.locate_file(file))
    sys.exit(f"cl-config: eth-consensus-specs {dist.version} has no configs/{preset}.yaml")


def load(path):
    """The config as strings (YAML 'base' schema, as the spec's own build reads configs), and
    the raw text of each top-level scalar, to compare how values are written."""
    text = pathlib.Path(path).read_text()
    data = dict(YAML(typ="base").load(text))
    raw = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Z0-9_]+):[ \t]*(.*?)[ \t]*(#.*)?$", line)
        if match and match.group(2):
            raw[match.group(1)] = match.group(2)
    return data, raw


def shape(raw):
    """How a scalar is written: quoted, 0x-hex of a width, or a plain integer."""
    if raw is None:
        return "a list"
    if raw[0] in "'\"":
        return "quoted"
    if raw.startswith("0x"):
        return f"0x-hex of {len(raw) - 2} digits"
    if raw.isdigit():
        return "a plain integer"
    return "a plain string"


def main(config_path, preset):
    if preset not in ("mainnet", "minimal"):
        sys.exit(f"cl-config: preset must be mainnet or minimal, not {preset!r}")
    official, official_raw = load(official_config_path(preset))
    ours, ours_raw = load(config_path)
    spec = importlib.import_module(f"eth_consensus_specs.fulu.{preset}")

    passed, failed = 0, 0

    def check(ok, problem):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(problem)

    forks = [k[: -len("_FORK_VERSION")] for k in official if k.endswith("_FORK_VERSION")]
    fork_keys = {f"{f}_FORK_{kind}" for f in forks for kind in ("VERSION", "EPOCH")} - {
        "GENESIS_FORK_EPOCH"}
    required = set(spec.Configuration._fields) | {"CONFIG_NAME"} | fork_keys
    check(required <= set(official),
          f"package: Configuration fields missing from configs/{preset}.yaml: "
          f"{sorted(required - set(official))}")

    # Key sets.
    for key in sorted(required):
        check(key in ours, f"missing: {key} (official config has it)")
    for key in sorted(set(ours) - set(official)):
        check(key in DERIVED, f"extra: {key} (not in the official {preset} config)")

    # Values of official keys.
    def integer(key):
        try:
            return int(ours[key])
        except (KeyError, TypeError, ValueError):
            return None

    versions = {}
    for key in sorted(set(ours) & set(official)):
        value = ours[key]
        if key in fork_keys or key == "GENESIS_FORK_VERSION":
            continue
        if key in NETWORK_SPECIFIC:
            continue
        if key in EL_BLOB_LIMITS:
            check(integer(key) == EL_BLOB_LIMITS[key],
                  f"mismatch: {key} is {value}, the execution genesis allows "
                  f"{EL_BLOB_LIMITS[key]}")
            continue
        check(value == official[key], f"mismatch: {key} is {value}, official {official[key]}")

    # Formatting of every scalar the official file also has.
    for key in sorted(set(ours_raw) & set(official_raw)):
        if key in ("TERMINAL_TOTAL_DIFFICULTY", "DEPOSIT_CONTRACT_ADDRESS"):
            want = shape(official_raw[key]).split(" of ")[0]
            got = shape(ours_raw[key]).split(" of ")[0]
        else:
            want, got = shape(official_raw[key]), shape(ours_raw[key])
        check(got == want, f"format: {key} is written {ours_raw[key]} ({got}), official as "
                           f"{official_raw[key]} ({want})")

    # Network-specific values.
    check(re.fullmatch(r"[a-z0-9-]+", str(ours.get("CONFIG_NAME"))) is not None,
          f"mismatch: CONFIG_NAME {ours.get('CONFIG_NAME')!r} must match [a-z0-9-]+")
    check(integer("TERMINAL_TOTAL_DIFFICULTY") == 0,
          f"mismatch: TERMINAL_TOTAL_DIFFICULTY is {ours.get('TERMINAL_TOTAL_DIFFICULTY')}, "
          "expected 0 (merged at genesis)")
    check((integer("MIN_GENESIS_ACTIVE_VALIDATOR_COUNT") or 0) >= 1,
          "mismatch: MIN_GENESIS_ACTIVE_VALIDATOR_COUNT must be a positive integer")
    for key in ("MIN_GENESIS_TIME", "GENESIS_DELAY", "DEPOSIT_CHAIN_ID"):
        check(integer(key) is not None, f"mismatch: {key} is {ours.get(key)}, not an integer")
    check(ours.get("DEPOSIT_NETWORK_ID") == ours.get("DEPOSIT_CHAIN_ID"),
          f"mismatch: DEPOSIT_NETWORK_ID {ours.get('DEPOSIT_NETWORK_ID')} differs from "
          f"DEPOSIT_CHAIN_ID {ours.get('DEPOSIT_CHAIN_ID')}")
    check(re.fullmatch(r"0x[0-9a-fA-F]{40}", str(ours.get("DEPOSIT_CONTRACT_ADDRESS"))),
          f"mismatch: DEPOSIT_CONTRACT_ADDRESS {ours.get('DEPOSIT_CONTRACT_ADDRESS')} is not "
          "an address")
    slot_ms = integer("SLOT_DURATION_MS")
    check(slot_ms and slot_ms % 1000 == 0,
          f"mismatch: SLOT_DURATION_MS {ours.get('SLOT_DURATION_MS')} is not whole seconds")
    # The blob-parameter-only forks of the execution genesis beside config.yaml (bpo1, bpo2, …
    # at their times), as epochs: BLOB_SCHEDULE must list exactly them, with their maximum.
    genesis_json = json.loads((pathlib.Path(config_path).parent / "genesis.json").read_text())
    el = genesis_json["config"]
    genesis_time = (integer("MIN_GENESIS_TIME") or 0) + (integer("GENESIS_DELAY") or 0)
    epoch_seconds = int(spec.SLOTS_PER_EPOCH) * (integer("SLOT_DURATION_MS") or 1000) // 1000
    el_bpos = []
    for n in range(1, 6):
        if f"bpo{n}Time" in el:
            seconds = el[f"bpo{n}Time"] - genesis_time
            check(seconds >= 0 and seconds % epoch_seconds == 0,
                  f"mismatch: genesis.json bpo{n}Time {el[f'bpo{n}Time']} is not at an epoch's start")
            el_bpos.append({"EPOCH": seconds // epoch_seconds,
                            "MAX_BLOBS_PER_BLOCK": el["blobSchedule"][f"bpo{n}"]["max"]})
    schedule = [{k: int(v) for k, v in e.items()} for e in ours.get("BLOB_SCHEDULE") or []]
    check(schedule == el_bpos,
          f"mismatch: BLOB_SCHEDULE is {schedule}, the execution genesis' bpo forks are {el_bpos}")

    # Fork versions: 0x10 * (index + 1), then three bytes shared by every fork of the network.
    for index, fork in enumerate(forks):
        key = f"{fork}_FORK_VERSION"
        text = str(ours.get(key))
        if not re.fullmatch(r"0x[0-9a-f]{8}", text):
            check(False, f"mismatch: {key} is {text}, not 4 bytes of 0x-hex")
            continue
        versions[fork] = bytes.fromhex(text[2:])
        check(versions[fork][0] == 0x10 * (index + 1),
              f"mismatch: {key} {text} should start with {0x10 * (index + 1):02x} "
              f"(fork index {index})")
    check(len(set(v[1:] for v in versions.values())) <= 1,
          f"mismatch: fork versions do not share their network bytes: "
          f"{sorted('0x' + v.hex() for v in versions.values())}")
    check(len(set(versions.values())) == len(versions), "mismatch: fork versions repeat")
    official_versions = {str(official[f"{f}_FORK_VERSION"]).lower() for f in forks}
    check(not {"0x" + v.hex() for v in versions.values()} & official_versions,
          "mismatch: a fork version equals the official config's; networks would share "
          "signatures")

    # Fork epochs: merged at genesis, scheduled in order up to Fulu, nothing after.
    previous = 0
    for fork in forks[1:]:
        key = f"{fork}_FORK_EPOCH"
        epoch = integer(key)
        if fork in AT_GENESIS:
            check(epoch == 0, f"mismatch: {key} is {ours.get(key)}, expected 0")
        elif fork in UP_TO_FULU:
            check(epoch is not None and previous <= epoch <= FAR_FUTURE_EPOCH,
                  f"mismatch: {key} is {ours.get(key)}, expected an epoch at or after the "
                  f"previous fork's ({previous})")
        else:
            check(epoch == FAR_FUTURE_EPOCH,
                  f"mismatch: {key} is {ours.get(key)}, expected {FAR_FUTURE_EPOCH} "
                  "(ethnet schedules no fork after Fulu)")
        previous = epoch if epoch is not None else previous

    # Load the config as the spec does (Configuration with its field types), then derive.
    try:
        types = spec.Configuration.__annotations__
        fields = {}
        for name in spec.Configuration._fields:
            value = ours[name]
            if name == "BLOB_SCHEDULE":
                fields[name] = tuple({k: int(v) for k, v in e.items()} for e in value)
            elif isinstance(value, str) and value.startswith("0x"):
                fields[name] = types[name](value)
            elif name == "PRESET_BASE":
                fields[name] = value
            else:
                fields[name] = types[name](int(value))
        config = spec.Configuration(**fields)
    except Exception as error:  # noqa: BLE001 - any failure to load is the finding
        check(False, f"load: eth_consensus_specs.fulu.{preset}.Configuration rejects the "
                     f"config: {type(error).__name__}: {error}")
        config = None
    else:
        check(True, "")
    if config is not None:
        saved = {}
        try:
            for fork in ("deneb", "electra", "fulu"):
                module = importlib.import_module(f"eth_consensus_specs.{fork}.{preset}")
                saved[module] = module.config
                module.config = module.Configuration(
                    **{f: getattr(config, f) for f in module.Configuration._fields})
            genesis_version = spec.compute_fork_version(spec.Epoch(0))
            newest = [f for f in UP_TO_FULU[1:] if integer(f"{f}_FORK_EPOCH") == 0][-1]
            check(bytes(genesis_version) == versions.get(newest),
                  f"load: spec compute_fork_version(0) is 0x{bytes(genesis_version).hex()}, "
                  f"expected {newest}_FORK_VERSION")
            # The spec's own lookup gives every blob fork's maximum from its epoch on.
            for entry in el_bpos:
                got = int(spec.get_blob_parameters(spec.Epoch(entry["EPOCH"])).max_blobs_per_block)
                check(got == entry["MAX_BLOBS_PER_BLOCK"],
                      f"load: spec get_blob_parameters({entry['EPOCH']}) gives {got} blobs, the "
                      f"execution genesis {entry['MAX_BLOBS_PER_BLOCK']}")
            for key, how in DERIVED.items():
                if key not in ours:
                    continue
                if how is None:
                    want = int(config.SLOT_DURATION_MS) // 1000
                else:
                    module = importlib.import_module(f"eth_consensus_specs.{how[0]}.{preset}")
                    want = int(getattr(module, how[1])())
                check(integer(key) == want,
                      f"mismatch: {key} is {ours[key]}, the spec derives {want}")
        finally:
            for module, value in saved.items():
                module.config = value

    print(f"cl-config: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    sys.exit(main(sys.argv[1], sys.argv[2]))
