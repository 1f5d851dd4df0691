//! The consensus-layer `config.yaml` every beacon node and validator client loads (lighthouse
//! `--testnet-dir`, lodestar `--paramsFile`).
//!
//! Clients refuse to peer, and signatures fail to verify, unless every node loads the same
//! config, so ethnet writes it once, with the network's identity baked in. The key set mirrors
//! the official consensus-specs
//! [`configs/{mainnet,minimal}.yaml`](https://github.com/ethereum/consensus-specs/tree/dev/configs)
//! and takes their values, except what makes the network its own: name, chain id, fork
//! versions, fork epochs, slot time, genesis time and validator count. The YAML is rendered by
//! handlebars from `templates/config.yaml.hbs`, in strict mode, so a value the template needs
//! but [`ClConfig`] lacks is an error rather than an empty string.

use handlebars::Handlebars;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{
    el_genesis::DEPOSIT_CONTRACT_ADDRESS,
    spec::{Fork, ForkAt, NetworkSpec, Preset},
};

const TEMPLATE: &str = include_str!("templates/config.yaml.hbs");

/// Epoch of a fork that is not scheduled: 2^64 - 1, as in the official configs.
pub const FAR_FUTURE_EPOCH: u64 = u64::MAX;

/// Consensus forks in order; the position is the fork index of [`fork_version`]. Phase0's
/// version is `GENESIS_FORK_VERSION`; forks after Fulu are listed so their versions are ours
/// too, though ethnet never schedules them.
const CONSENSUS_FORKS: [&str; 9] = [
    "GENESIS",
    "ALTAIR",
    "BELLATRIX",
    "CAPELLA",
    "DENEB",
    "ELECTRA",
    "FULU",
    "GLOAS",
    "HEZE",
];

/// Index of `fork` in [`CONSENSUS_FORKS`].
const fn fork_index(fork: Fork) -> u8 {
    match fork {
        Fork::Capella => 3,
        Fork::Deneb => 4,
        Fork::Electra => 5,
        Fork::Fulu => 6,
    }
}

/// Blob limits matching the execution genesis `blobSchedule` (EIP-7840): Cancun 6; Prague and
/// Osaka 9, because Fulu keeps Electra's limit until a blob-parameter-only fork.
const MAX_BLOBS_PER_BLOCK: u64 = 6;
const MAX_BLOBS_PER_BLOCK_ELECTRA: u64 = 9;
/// `MAX_REQUEST_BLOCKS_DENEB`, a factor of the blob and column request limits.
const MAX_REQUEST_BLOCKS_DENEB: u64 = 128;
/// `NUMBER_OF_COLUMNS` of the Fulu preset (the same in mainnet and minimal).
const NUMBER_OF_COLUMNS: u64 = 128;
/// `MIN_VALIDATOR_WITHDRAWABILITY_DELAY` (the same in mainnet and minimal).
const MIN_VALIDATOR_WITHDRAWABILITY_DELAY: u64 = 256;

/// The fork version of consensus fork `fork_index` (0 phase0, 1 altair, 2 bellatrix, 3 capella,
/// 4 deneb, 5 electra, 6 fulu, then the unscheduled forks) on the network with `chain_id`:
/// `0x10 * (fork_index + 1)`, then the first three bytes of
/// `sha256("ethnet-fork-version" ++ chain_id as 8 big-endian bytes)`. Versions are signed into
/// every message ([`compute_domain`](https://github.com/ethereum/consensus-specs/blob/dev/specs/phase0/beacon-chain.md#compute_domain)),
/// so ethnet networks with different chain ids never accept each other's signatures. (The
/// first byte keeps a fork's versions apart within a network only; public networks pick theirs
/// freely, hoodi's genesis version starts with 0x10 too.)
///
/// # Panics
///
/// If `fork_index` is above 14, whose first byte would not fit.
pub fn fork_version(chain_id: u64, fork_index: u8) -> [u8; 4] {
    assert!(
        fork_index < 15,
        "fork index {fork_index} has no version byte"
    );
    let hash = Sha256::new()
        .chain_update(b"ethnet-fork-version")
        .chain_update(chain_id.to_be_bytes())
        .finalize();
    [0x10 * (fork_index + 1), hash[0], hash[1], hash[2]]
}

fn hex_version(version: [u8; 4]) -> String {
    format!("0x{}", hex::encode(version))
}

/// Values of the official config that differ between the mainnet and minimal presets.
#[derive(Debug, Clone, Serialize)]
struct PresetValues {
    shard_committee_period: u64,
    eth1_follow_distance: u64,
    min_builder_withdrawability_delay: u64,
    min_per_epoch_churn_limit: u64,
    churn_limit_quotient: u64,
    max_per_epoch_activation_churn_limit: u64,
    min_per_epoch_churn_limit_electra: u64,
    max_per_epoch_activation_exit_churn_limit: u64,
    churn_limit_quotient_gloas: u64,
    consolidation_churn_limit_quotient: u64,
    max_per_epoch_activation_churn_limit_gloas: u64,
}

impl PresetValues {
    fn of(preset: Preset) -> Self {
        match preset {
            Preset::Mainnet => Self {
                shard_committee_period: 256,
                eth1_follow_distance: 2048,
                min_builder_withdrawability_delay: 64,
                min_per_epoch_churn_limit: 4,
                churn_limit_quotient: 65536,
                max_per_epoch_activation_churn_limit: 8,
                min_per_epoch_churn_limit_electra: 128_000_000_000,
                max_per_epoch_activation_exit_churn_limit: 256_000_000_000,
                churn_limit_quotient_gloas: 32768,
                consolidation_churn_limit_quotient: 65536,
                max_per_epoch_activation_churn_limit_gloas: 256_000_000_000,
            },
            Preset::Minimal => Self {
                shard_committee_period: 64,
                eth1_follow_distance: 16,
                min_builder_withdrawability_delay: 2,
                min_per_epoch_churn_limit: 2,
                churn_limit_quotient: 32,
                max_per_epoch_activation_churn_limit: 4,
                min_per_epoch_churn_limit_electra: 64_000_000_000,
                max_per_epoch_activation_exit_churn_limit: 128_000_000_000,
                churn_limit_quotient_gloas: 16,
                consolidation_churn_limit_quotient: 32,
                max_per_epoch_activation_churn_limit_gloas: 128_000_000_000,
            },
        }
    }
}

/// Values the official configs dropped because the spec now derives them, but that clients
/// still read from config.yaml. Each is what the spec's `compute_*` function returns.
#[derive(Debug, Clone, Serialize)]
struct DerivedValues {
    /// `SLOT_DURATION_MS / 1000`; lighthouse and lodestar still read `SECONDS_PER_SLOT`.
    seconds_per_slot: u64,
    /// `compute_min_epochs_for_block_requests()`.
    min_epochs_for_block_requests: u64,
    /// `compute_attestation_subnet_prefix_bits()`: ceil(log2(64)) + 0.
    attestation_subnet_prefix_bits: u64,
    /// Deneb's `MAX_REQUEST_BLOCKS_DENEB * MAX_BLOBS_PER_BLOCK`.
    max_request_blob_sidecars: u64,
    /// Electra's `compute_max_request_blob_sidecars()`.
    max_request_blob_sidecars_electra: u64,
    /// `compute_max_request_data_column_sidecars()`.
    max_request_data_column_sidecars: u64,
}

/// One `<FORK>_FORK_VERSION` / `<FORK>_FORK_EPOCH` pair.
#[derive(Debug, Clone, Serialize)]
struct ForkEntry {
    name: &'static str,
    version: String,
    epoch: u64,
}

/// One `BLOB_SCHEDULE` entry: from `epoch`, blocks hold at most `max_blobs_per_block` blobs.
#[derive(Debug, Clone, Serialize)]
struct BlobScheduleEntry {
    epoch: u64,
    max_blobs_per_block: u64,
}

/// Everything config.yaml says about one network, ready for [`render`].
#[derive(Debug, Clone, Serialize)]
pub struct ClConfig {
    ethnet_version: &'static str,
    preset: &'static str,
    config_name: String,
    chain_id: u64,
    deposit_contract_address: String,
    validator_count: u32,
    genesis_time: u64,
    min_genesis_time: u64,
    genesis_delay: u64,
    genesis_fork_version: String,
    /// Altair onwards; phase0 is `genesis_fork_version`.
    forks: Vec<ForkEntry>,
    slot_duration_ms: u64,
    max_blobs_per_block: u64,
    max_blobs_per_block_electra: u64,
    /// The blob-parameter-only forks, as the execution genesis' `bpo<N>` entries.
    blob_schedule: Vec<BlobScheduleEntry>,
    preset_values: PresetValues,
    derived: DerivedValues,
    #[serde(skip)]
    version_at_genesis: [u8; 4],
}

/// Builds the config of the network `spec` describes, with genesis at `genesis_time` (unix
/// seconds). `MIN_GENESIS_TIME + GENESIS_DELAY` is `genesis_time`; a delay longer than
/// `genesis_time` is cut so neither goes below 0.
pub fn cl_config(spec: &NetworkSpec, genesis_time: u64) -> ClConfig {
    let network = &spec.network;
    let chain_id = network.chain_id;
    let epoch_of = |fork: Fork| match network.forks.at(fork) {
        ForkAt::Epoch(epoch) => epoch,
        ForkAt::Never => FAR_FUTURE_EPOCH,
    };
    let forks = CONSENSUS_FORKS
        .iter()
        .enumerate()
        .skip(1)
        .map(|(index, &name)| ForkEntry {
            name,
            version: hex_version(fork_version(chain_id, index as u8)),
            epoch: match name {
                // Merged at genesis: ethnet networks start at Capella or later.
                "ALTAIR" | "BELLATRIX" => 0,
                "CAPELLA" => epoch_of(Fork::Capella),
                "DENEB" => epoch_of(Fork::Deneb),
                "ELECTRA" => epoch_of(Fork::Electra),
                "FULU" => epoch_of(Fork::Fulu),
                _ => FAR_FUTURE_EPOCH,
            },
        })
        .collect();
    let genesis_delay = network.genesis_delay.min(genesis_time);
    let preset_values = PresetValues::of(network.preset);
    let derived = DerivedValues {
        seconds_per_slot: network.slot_seconds,
        min_epochs_for_block_requests: MIN_VALIDATOR_WITHDRAWABILITY_DELAY
            + preset_values.churn_limit_quotient / 2,
        attestation_subnet_prefix_bits: 6,
        max_request_blob_sidecars: MAX_REQUEST_BLOCKS_DENEB * MAX_BLOBS_PER_BLOCK,
        max_request_blob_sidecars_electra: MAX_REQUEST_BLOCKS_DENEB * MAX_BLOBS_PER_BLOCK_ELECTRA,
        max_request_data_column_sidecars: MAX_REQUEST_BLOCKS_DENEB * NUMBER_OF_COLUMNS,
    };
    ClConfig {
        ethnet_version: env!("CARGO_PKG_VERSION"),
        preset: network.preset.as_str(),
        config_name: network.name.clone(),
        chain_id,
        deposit_contract_address: DEPOSIT_CONTRACT_ADDRESS.to_checksum(None),
        validator_count: spec.validators.count,
        genesis_time,
        min_genesis_time: genesis_time - genesis_delay,
        genesis_delay,
        genesis_fork_version: hex_version(fork_version(chain_id, 0)),
        forks,
        slot_duration_ms: network.slot_seconds * 1000,
        max_blobs_per_block: MAX_BLOBS_PER_BLOCK,
        max_blobs_per_block_electra: MAX_BLOBS_PER_BLOCK_ELECTRA,
        blob_schedule: network
            .blob_forks
            .iter()
            .map(|fork| BlobScheduleEntry {
                epoch: fork.epoch,
                max_blobs_per_block: fork.max,
            })
            .collect(),
        preset_values,
        derived,
        version_at_genesis: fork_version(chain_id, fork_index(network.forks.genesis_fork())),
    }
}

impl ClConfig {
    /// Version of the newest fork active at epoch 0: the genesis state's `fork.current_version`.
    pub fn fork_version_at_genesis(&self) -> [u8; 4] {
        self.version_at_genesis
    }
}

/// Renders config.yaml.
pub fn render(config: &ClConfig) -> String {
    let mut handlebars = Handlebars::new();
    handlebars.set_strict_mode(true);
    // YAML, not HTML: values are hex, digits and a DNS-label name, none needing escapes.
    handlebars.register_escape_fn(handlebars::no_escape);
    handlebars
        .render_template(TEMPLATE, config)
        .expect("the embedded template renders every ClConfig (tested)")
}

#[cfg(test)]
mod tests {
    use std::{collections::BTreeMap, path::Path};

    use serde_yaml::Value;

    use super::*;
    use crate::spec::{tests_support::spec_with, ForkSchedule};

    const GENESIS_TIME: u64 = 1_800_000_000;

    fn parse(yaml: &str) -> BTreeMap<String, Value> {
        serde_yaml::from_str(yaml).unwrap()
    }

    fn rendered(edit: impl FnOnce(&mut NetworkSpec)) -> BTreeMap<String, Value> {
        parse(&render(&cl_config(&spec_with(edit), GENESIS_TIME)))
    }

    fn int(map: &BTreeMap<String, Value>, key: &str) -> u64 {
        map[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key} is {:?}", map[key]))
    }

    /// A fork version as written, `0x` and 8 hex digits (YAML may read it as an integer).
    fn version(map: &BTreeMap<String, Value>, key: &str) -> String {
        match &map[key] {
            Value::Number(n) => format!("0x{:08x}", n.as_u64().unwrap()),
            Value::String(s) => s.clone(),
            other => panic!("{key} is {other:?}"),
        }
    }

    #[test]
    fn network_values_for_both_presets() {
        for preset in [Preset::Mainnet, Preset::Minimal] {
            let config = rendered(|s| {
                s.network.preset = preset;
                s.network.slot_seconds = 2;
                s.network.genesis_delay = 90;
            });
            assert_eq!(config["PRESET_BASE"], preset.as_str());
            assert_eq!(config["CONFIG_NAME"], "ethnet");
            assert_eq!(int(&config, "DEPOSIT_CHAIN_ID"), 3151908);
            assert_eq!(int(&config, "DEPOSIT_NETWORK_ID"), 3151908);
            assert_eq!(int(&config, "SECONDS_PER_SLOT"), 2);
            assert_eq!(int(&config, "SLOT_DURATION_MS"), 2000);
            assert_eq!(int(&config, "GENESIS_DELAY"), 90);
            assert_eq!(
                int(&config, "MIN_GENESIS_TIME") + int(&config, "GENESIS_DELAY"),
                GENESIS_TIME
            );
            assert_eq!(int(&config, "MIN_GENESIS_ACTIVE_VALIDATOR_COUNT"), 64);
            assert_eq!(int(&config, "TERMINAL_TOTAL_DIFFICULTY"), 0);
            assert_eq!(int(&config, "MAX_BLOBS_PER_BLOCK"), 6);
            assert_eq!(int(&config, "MAX_BLOBS_PER_BLOCK_ELECTRA"), 9);
            let schedule: Value =
                serde_yaml::from_str("[{EPOCH: 0, MAX_BLOBS_PER_BLOCK: 21}]").unwrap();
            assert_eq!(config["BLOB_SCHEDULE"], schedule);
            let without = rendered(|s| s.network.blob_forks.clear());
            assert_eq!(without["BLOB_SCHEDULE"], Value::Sequence(vec![]));
            assert_eq!(
                config["DEPOSIT_CONTRACT_ADDRESS"]
                    .as_str()
                    .unwrap()
                    .to_lowercase(),
                "0x4242424242424242424242424242424242424242"
            );
        }
        let minimal = rendered(|s| s.network.preset = Preset::Minimal);
        assert_eq!(int(&minimal, "CHURN_LIMIT_QUOTIENT"), 32);
        assert_eq!(int(&minimal, "MIN_EPOCHS_FOR_BLOCK_REQUESTS"), 272);
        let mainnet = rendered(|s| s.network.preset = Preset::Mainnet);
        assert_eq!(int(&mainnet, "CHURN_LIMIT_QUOTIENT"), 65536);
        assert_eq!(int(&mainnet, "MIN_EPOCHS_FOR_BLOCK_REQUESTS"), 33024);
    }

    #[test]
    fn genesis_delay_saturates() {
        let config = parse(&render(&cl_config(&spec_with(|_| {}), 30)));
        assert_eq!(int(&config, "MIN_GENESIS_TIME"), 0);
        assert_eq!(int(&config, "GENESIS_DELAY"), 30);
    }

    #[test]
    fn fork_epochs_follow_the_schedule() {
        let config = rendered(|s| {
            s.network.forks = ForkSchedule::ALL_AT_GENESIS.with(Fork::Fulu, ForkAt::Epoch(3));
        });
        for fork in ["ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA"] {
            assert_eq!(int(&config, &format!("{fork}_FORK_EPOCH")), 0, "{fork}");
        }
        assert_eq!(int(&config, "FULU_FORK_EPOCH"), 3);
        for fork in ["GLOAS", "HEZE"] {
            assert_eq!(
                int(&config, &format!("{fork}_FORK_EPOCH")),
                FAR_FUTURE_EPOCH
            );
        }
        let never = rendered(|s| {
            s.network.forks = ForkSchedule::ALL_AT_GENESIS
                .with(Fork::Electra, ForkAt::Epoch(1))
                .with(Fork::Fulu, ForkAt::Never);
        });
        assert_eq!(int(&never, "ELECTRA_FORK_EPOCH"), 1);
        assert_eq!(int(&never, "FULU_FORK_EPOCH"), 18446744073709551615);
    }

    #[test]
    fn fork_versions_are_distinct_and_network_specific() {
        let config = rendered(|_| {});
        let versions: Vec<String> = CONSENSUS_FORKS
            .iter()
            .map(|fork| version(&config, &format!("{fork}_FORK_VERSION")))
            .collect();
        for (index, v) in versions.iter().enumerate() {
            assert_eq!(*v, hex_version(fork_version(3151908, index as u8)));
            assert!(v.starts_with(&format!("0x{:x}0", index + 1)), "{v}");
        }
        let mut unique = versions.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), CONSENSUS_FORKS.len(), "{versions:?}");
        let other = rendered(|s| s.network.chain_id = 12345);
        for fork in CONSENSUS_FORKS {
            let key = format!("{fork}_FORK_VERSION");
            assert_ne!(version(&other, &key), version(&config, &key), "{key}");
        }
    }

    #[test]
    fn fork_version_scheme() {
        let hash =
            Sha256::digest([&b"ethnet-fork-version"[..], &3151908u64.to_be_bytes()].concat());
        assert_eq!(fork_version(3151908, 6), [0x70, hash[0], hash[1], hash[2]]);
        assert_eq!(fork_version(3151908, 0)[0], 0x10);
        assert_ne!(fork_version(3151908, 6), fork_version(3151909, 6));
    }

    #[test]
    fn version_at_genesis_is_the_newest_genesis_fork() {
        let spec = spec_with(|_| {});
        let config = cl_config(&spec, 0);
        let fulu = fork_version(spec.network.chain_id, 6);
        assert_eq!(config.fork_version_at_genesis(), fulu);
        assert_eq!(
            version(&parse(&render(&config)), "FULU_FORK_VERSION"),
            hex_version(fulu)
        );
        let electra = cl_config(
            &spec_with(|s| {
                s.network.forks = ForkSchedule::ALL_AT_GENESIS.with(Fork::Fulu, ForkAt::Epoch(2))
            }),
            0,
        );
        assert_eq!(
            electra.fork_version_at_genesis(),
            fork_version(spec.network.chain_id, 5)
        );
    }

    /// Values ethnet sets per network; every other key takes the official value.
    fn network_specific(key: &str) -> bool {
        key.ends_with("_FORK_VERSION")
            || key.ends_with("_FORK_EPOCH")
            || [
                "CONFIG_NAME",
                "TERMINAL_TOTAL_DIFFICULTY",
                "MIN_GENESIS_ACTIVE_VALIDATOR_COUNT",
                "MIN_GENESIS_TIME",
                "GENESIS_DELAY",
                "SLOT_DURATION_MS",
                "DEPOSIT_CHAIN_ID",
                "DEPOSIT_NETWORK_ID",
                "DEPOSIT_CONTRACT_ADDRESS",
                "BLOB_SCHEDULE",
            ]
            .contains(&key)
    }

    /// Keys of an official config that belong to forks up to Fulu. The official files group
    /// keys by a `# <Fork>` comment inside each `# ----`-underlined section; keys under a fork
    /// after Fulu (`# Gloas`, `# Heze`, ...) are left out. Fork versions and epochs all count.
    fn keys_up_to_fulu(official: &str) -> Vec<String> {
        const UP_TO_FULU: [&str; 7] = [
            "Phase0",
            "Altair",
            "Bellatrix",
            "Capella",
            "Deneb",
            "Electra",
            "Fulu",
        ];
        let lines: Vec<&str> = official.lines().collect();
        let mut later_fork = false;
        let mut keys = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if let Some(word) = line.strip_prefix("# ") {
                let section = lines.get(i + 1).is_some_and(|l| l.starts_with("# ---"));
                let fork_heading = !word.is_empty()
                    && word.starts_with(|c: char| c.is_ascii_uppercase())
                    && word.chars().all(|c| c.is_ascii_alphanumeric());
                if section {
                    later_fork = false;
                } else if fork_heading {
                    later_fork = !UP_TO_FULU.contains(&word);
                }
            } else if let Some((key, _)) = line.split_once(':') {
                let is_key = !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
                let fork_key = key.ends_with("_FORK_VERSION") || key.ends_with("_FORK_EPOCH");
                if is_key && (fork_key || !later_fork) {
                    keys.push(key.to_string());
                }
            }
        }
        keys
    }

    /// Every key of the official consensus-specs config of the preset, up to Fulu, is present
    /// and, unless ethnet sets it per network, has the official value. Runs when
    /// $ETHNET_CONSENSUS_CONFIGS names the eth-consensus-specs `configs/` directory (ci/test.sh
    /// sets it); required under CI.
    #[test]
    fn official_key_set_and_values() {
        let Some(dir) = std::env::var_os("ETHNET_CONSENSUS_CONFIGS") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but ETHNET_CONSENSUS_CONFIGS is not; point it at eth-consensus-specs' \
                 configs/ directory (ci/test.sh does)"
            );
            eprintln!("skipped: ETHNET_CONSENSUS_CONFIGS is not set");
            return;
        };
        for preset in [Preset::Mainnet, Preset::Minimal] {
            let path = Path::new(&dir).join(format!("{}.yaml", preset.as_str()));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // serde_yaml reads 0x-hex as integers and fails on those past 64 bits that fit 128
            // (the official deposit contract address) and on wider ones (the official TTDs).
            // Their values are ethnet's own anyway, so only their keys are compared.
            let fits: Vec<&str> = text
                .lines()
                .filter(|l| {
                    let key = l.split(':').next().unwrap_or_default();
                    !network_specific(key) || key == "BLOB_SCHEDULE"
                })
                .collect();
            let official = parse(&fits.join("\n"));
            let required = keys_up_to_fulu(&text);
            assert!(required.contains(&"FULU_FORK_EPOCH".to_string()));
            assert!(required.contains(&"BLOB_SCHEDULE".to_string()));
            let ours = rendered(|s| s.network.preset = preset);
            let missing: Vec<_> = required.iter().filter(|k| !ours.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{preset:?} config lacks {missing:?}");
            let differ: Vec<_> = official
                .iter()
                .filter(|(k, v)| !network_specific(k) && ours.get(*k).is_some_and(|o| o != *v))
                .map(|(k, v)| format!("{k}: ours {:?}, official {v:?}", ours[k]))
                .collect();
            assert!(differ.is_empty(), "{preset:?}: {differ:#?}");
        }
    }

    #[test]
    fn section_parser_leaves_out_later_forks() {
        let text = "# Time\n# ----\nA_B: 1\n# Gloas\nC_D: 2\nGLOAS_FORK_EPOCH: 3\n\
                    # Next\n# ----\nE_F: 4\n# Fulu\nG_H: 5\n";
        assert_eq!(
            keys_up_to_fulu(text),
            ["A_B", "GLOAS_FORK_EPOCH", "E_F", "G_H"]
        );
    }

    /// Writes rendered configs for ci/cl-config-check.py when $ETHNET_CL_CONFIG_OUT names a
    /// directory: `<dir>/{mainnet,minimal}.yaml`.
    #[test]
    fn write_rendered_for_python_check() {
        let Some(dir) = std::env::var_os("ETHNET_CL_CONFIG_OUT") else {
            return;
        };
        for preset in [Preset::Mainnet, Preset::Minimal] {
            let spec = spec_with(|s| s.network.preset = preset);
            let path = Path::new(&dir).join(format!("{}.yaml", preset.as_str()));
            std::fs::write(&path, render(&cl_config(&spec, GENESIS_TIME))).unwrap();
        }
    }
}
