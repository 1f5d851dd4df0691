//! The client registry: the execution and consensus clients the chart can run, and what the
//! builds it pins can do. Validation refuses a network a chosen client cannot run, and the
//! values schema takes its lists of client names from these enums.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::{Fork, Preset};

/// An execution client the chart can run.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ExecutionClient {
    /// go-ethereum.
    Geth,
}

/// A consensus client (beacon node and validator client) the chart can run.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ConsensusClient {
    /// Sigma Prime's Rust client.
    Lighthouse,
    /// ChainSafe's TypeScript client.
    Lodestar,
    /// Offchain Labs' Go client.
    Prysm,
}

/// What a client's pinned builds support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientProfile {
    /// Presets its builds run.
    pub presets: &'static [Preset],
    /// Shortest slot it runs, in seconds.
    pub min_slot_seconds: u64,
    /// The newest fork its builds know; a network scheduling a later one is refused.
    pub newest_fork: Fork,
    /// Why the limits are what they are, for the refusal's message.
    pub why: &'static str,
}

const ANY_PRESET: &[Preset] = &[Preset::Mainnet, Preset::Minimal];

impl ExecutionClient {
    /// Every execution client, in the order values.schema.json lists them.
    pub const ALL: [Self; 1] = [Self::Geth];

    /// Name as written in values.yaml.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Geth => "geth",
        }
    }

    /// What its pinned builds support.
    pub const fn profile(self) -> ClientProfile {
        match self {
            Self::Geth => ClientProfile {
                presets: ANY_PRESET,
                min_slot_seconds: 1,
                newest_fork: Fork::Fulu,
                why: "geth v1.16 knows forks up to Osaka",
            },
        }
    }
}

impl ConsensusClient {
    /// Every consensus client, in the order values.schema.json lists them.
    pub const ALL: [Self; 3] = [Self::Lighthouse, Self::Lodestar, Self::Prysm];

    /// Name as written in values.yaml.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Lighthouse => "lighthouse",
            Self::Lodestar => "lodestar",
            Self::Prysm => "prysm",
        }
    }

    /// What its pinned builds support.
    pub const fn profile(self) -> ClientProfile {
        match self {
            Self::Lighthouse => ClientProfile {
                presets: &[Preset::Mainnet],
                min_slot_seconds: 1,
                newest_fork: Fork::Fulu,
                // The minimal preset needs lighthouse's spec-minimal cargo feature, which its
                // release images do not list among their build features.
                why: "lighthouse's release images are built for the mainnet preset",
            },
            Self::Lodestar => ClientProfile {
                presets: ANY_PRESET,
                min_slot_seconds: 1,
                newest_fork: Fork::Fulu,
                why: "lodestar v1.44 knows forks up to Fulu",
            },
            Self::Prysm => ClientProfile {
                presets: &[Preset::Mainnet],
                min_slot_seconds: 2,
                newest_fork: Fork::Fulu,
                // Its committed SSZ code is generated for mainnet sizes (minimal needs a bazel
                // build), and v7.1.2 panics on slots below 2 s.
                why: "prysm's published builds run the mainnet preset only, with slots of 2 s or \
                      more",
            },
        }
    }
}

impl std::fmt::Display for ExecutionClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::fmt::Display for ConsensusClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chart's registry (`ethnet.clients.registry` in templates/_clients.tpl) lists these
    /// clients, each has its template file and a block under `clients:` in values.yaml.
    #[test]
    fn the_chart_registry_lists_these_clients() {
        let chart = concat!(env!("CARGO_MANIFEST_DIR"), "/../../chart");
        let registry = std::fs::read_to_string(format!("{chart}/templates/_clients.tpl")).unwrap();
        let listed = |layer: &str| -> Vec<String> {
            let line = registry
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{layer}: [")))
                .unwrap_or_else(|| panic!("no {layer} list in the chart registry"));
            let names = line.trim_end().strip_suffix(']').expect("one line");
            names
                .split(',')
                .map(|name| name.trim().to_string())
                .collect()
        };
        let execution: Vec<&str> = ExecutionClient::ALL.iter().map(|c| c.name()).collect();
        let consensus: Vec<&str> = ConsensusClient::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(listed("execution"), execution);
        assert_eq!(listed("consensus"), consensus);
        let values: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(format!("{chart}/values.yaml")).unwrap())
                .unwrap();
        for name in execution.into_iter().chain(consensus) {
            let template = format!("{chart}/templates/_client-{name}.tpl");
            assert!(
                std::path::Path::new(&template).is_file(),
                "{template} is missing"
            );
            assert!(
                values["clients"][name].is_mapping(),
                "values.yaml has no clients.{name}"
            );
        }
    }

    /// `name()` is what serde reads and writes, so values, manifests and messages agree.
    #[test]
    fn names_are_the_serde_names() {
        for client in ExecutionClient::ALL {
            assert_eq!(serde_json::to_value(client).unwrap(), client.name());
            let back: ExecutionClient = serde_json::from_value(client.name().into()).unwrap();
            assert_eq!(back, client);
        }
        for client in ConsensusClient::ALL {
            assert_eq!(serde_json::to_value(client).unwrap(), client.name());
            let back: ConsensusClient = serde_json::from_value(client.name().into()).unwrap();
            assert_eq!(back, client);
        }
    }
}
