//! Spec validation: the chart defaults pass, and every bad input names its field and the fix.

use super::*;
use crate::clients::ConsensusClient;
use serde_json::json;

/// The spec JSON the chart renders for its default values (`helm template … --show-only
/// templates/ethnet-spec-configmap.yaml`); ci/test.sh checks it still matches the chart.
const DEFAULT_SPEC: &str = include_str!("../../../tests/fixtures/default-spec.json");

fn defaults() -> Value {
    serde_json::from_str(DEFAULT_SPEC).unwrap()
}

/// Applies `edit` to the default spec and returns the validation errors as one string.
fn rejected(edit: impl FnOnce(&mut Value)) -> String {
    let mut value = defaults();
    edit(&mut value);
    let result = SpecFile::from_json(&value.to_string()).and_then(|f| f.validate());
    match result {
        Ok(spec) => panic!("expected a rejection, got {spec:?}"),
        Err(errors) => errors.to_string(),
    }
}

fn accepted(edit: impl FnOnce(&mut Value)) -> NetworkSpec {
    let mut value = defaults();
    edit(&mut value);
    SpecFile::from_json(&value.to_string())
        .and_then(|f| f.validate())
        .unwrap()
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "message {message:?} does not mention {part:?}"
        );
    }
}

#[test]
fn chart_defaults_validate() {
    let spec = accepted(|_| {});
    assert_eq!(spec.network.chain_id, 3151908);
    assert_eq!(spec.network.preset, Preset::Mainnet);
    assert_eq!(spec.network.forks, ForkSchedule::ALL_AT_GENESIS);
    assert_eq!(spec.network.forks.genesis_fork(), Fork::Fulu);
    assert_eq!(spec.accounts.balance, U256::from(10u128.pow(24)));
    assert_eq!(spec.validator_split(), vec![0..32, 32..64]);
    assert!(spec.notes.is_empty());
}

#[test]
fn chain_id_zero() {
    let msg = rejected(|v| v["network"]["chainId"] = json!(0));
    assert_mentions(
        &msg,
        &["network.chainId", "0 is not a valid chain id", "3151908"],
    );
}

#[test]
fn public_chain_ids_need_the_override() {
    for (id, name) in PUBLIC_CHAIN_IDS {
        let msg = rejected(|v| v["network"]["chainId"] = json!(id));
        assert_mentions(
            &msg,
            &["network.chainId", name, "network.allowPublicChainId=true"],
        );
    }
    let spec = accepted(|v| {
        v["network"]["chainId"] = json!(17000);
        v["network"]["allowPublicChainId"] = json!(true);
    });
    assert_eq!(spec.network.chain_id, 17000);
}

#[test]
fn chain_id_not_a_number() {
    let msg = rejected(|v| v["network"]["chainId"] = json!("twelve"));
    assert_mentions(&msg, &["network.chainId", "\"twelve\"", "whole number"]);
}

#[test]
fn chain_id_too_large() {
    let msg = rejected(|v| v["network"]["chainId"] = json!(1u64 << 60));
    assert_mentions(&msg, &["network.chainId", "below 2^53"]);
}

#[test]
fn malformed_alloc_address() {
    let msg = rejected(|v| v["accounts"]["alloc"] = json!({"0x1234": {"balance": "1"}}));
    assert_mentions(&msg, &["accounts.alloc.0x1234", "40 hex digits"]);
}

#[test]
fn alloc_address_without_prefix() {
    let addr = "8943545177806ed17b9f23f0a21ee5948ecaa776";
    let msg = rejected(|v| v["accounts"]["alloc"] = json!({addr: {"balance": "1"}}));
    assert_mentions(&msg, &[addr, "0x followed by 40 hex digits"]);
}

#[test]
fn alloc_address_bad_checksum() {
    // Valid EIP-55 is 0x8943545177806ED17B9F23F0a21ee5948eCaa776; one letter's case flipped.
    let bad = "0x8943545177806ed17B9F23F0a21ee5948eCaa776";
    let msg = rejected(|v| v["accounts"]["alloc"] = json!({bad: {"balance": "1"}}));
    assert_mentions(&msg, &[bad, "EIP-55 checksum"]);
}

#[test]
fn duplicate_alloc_address_in_two_spellings() {
    let msg = rejected(|v| {
        v["accounts"]["alloc"] = json!({
            "0x8943545177806ED17B9F23F0a21ee5948eCaa776": {"balance": "1"},
            "0x8943545177806ed17b9f23f0a21ee5948ecaa776": {"balance": "2"},
        })
    });
    assert_mentions(&msg, &["duplicate address", "keep one entry"]);
}

#[test]
fn balance_not_wei() {
    let msg = rejected(|v| v["accounts"]["balance"] = json!("10 ether"));
    assert_mentions(
        &msg,
        &["accounts.balance", "\"10 ether\"", "decimal or 0x-hex"],
    );
}

#[test]
fn balance_negative() {
    let msg = rejected(|v| v["accounts"]["balance"] = json!("-5"));
    assert_mentions(&msg, &["accounts.balance", "no units, signs"]);
}

#[test]
fn balance_overflows_256_bits() {
    let too_big = format!("0x1{}", "0".repeat(64));
    let msg = rejected(|v| v["accounts"]["balance"] = json!(too_big));
    assert_mentions(&msg, &["accounts.balance", "overflows 256 bits"]);
    let decimal = "2".repeat(80);
    let msg = rejected(|v| v["accounts"]["balance"] = json!(decimal));
    assert_mentions(&msg, &["overflows 256 bits"]);
}

#[test]
fn balance_float_from_helm() {
    let msg = rejected(|v| v["accounts"]["balance"] = json!(1e21));
    assert_mentions(&msg, &["accounts.balance", "quote it as a string"]);
}

#[test]
fn alloc_balance_missing() {
    let addr = "0x8943545177806ed17b9f23f0a21ee5948ecaa776";
    let msg = rejected(|v| v["accounts"]["alloc"] = json!({addr: {"nonce": 1}}));
    assert_mentions(
        &msg,
        &[&format!("accounts.alloc.{addr}.balance"), "missing"],
    );
}

#[test]
fn alloc_bad_code_and_storage() {
    let addr = "0x8943545177806ed17b9f23f0a21ee5948ecaa776";
    let msg =
        rejected(|v| v["accounts"]["alloc"] = json!({addr: {"balance": "0", "code": "6001"}}));
    assert_mentions(&msg, &[".code", "0x-prefixed hex"]);
    let msg = rejected(|v| {
        v["accounts"]["alloc"] = json!({addr: {"balance": "0", "storage": {"0x01": "0xzz"}}})
    });
    assert_mentions(&msg, &[".storage.0x01", "at most 32 bytes"]);
}

#[test]
fn zero_valued_storage_is_dropped() {
    let addr = "0x8943545177806ed17b9f23f0a21ee5948ecaa776";
    let spec = accepted(|v| {
        v["accounts"]["alloc"] =
            json!({addr: {"balance": "0x10", "storage": {"0x01": "0x00", "0x02": "0x2a"}}})
    });
    let account = spec.accounts.alloc.values().next().unwrap();
    assert_eq!(account.storage.as_ref().unwrap().len(), 1);
    assert_eq!(account.balance, U256::from(16));
}

#[test]
fn negative_counts() {
    let msg = rejected(|v| v["accounts"]["count"] = json!(-1));
    assert_mentions(&msg, &["accounts.count", "-1", "must not be negative"]);
    let msg = rejected(|v| v["nodes"]["rpc"]["replicas"] = json!(-2));
    assert_mentions(&msg, &["nodes.rpc.replicas", "must not be negative"]);
}

#[test]
fn zero_validators() {
    let msg = rejected(|v| v["validators"]["count"] = json!(0));
    assert_mentions(
        &msg,
        &["validators.count", "0 is out of range", "at least one"],
    );
}

#[test]
fn zero_validator_nodes() {
    let msg = rejected(|v| v["nodes"]["validators"]["replicas"] = json!(0));
    assert_mentions(
        &msg,
        &[
            "nodes.validators.replicas",
            "at least one node of each group",
        ],
    );
}

#[test]
fn unknown_execution_client() {
    let msg = rejected(|v| v["nodes"]["rpc"]["execution"]["client"] = json!("parity"));
    assert_mentions(&msg, &["nodes.rpc.execution.client", "\"parity\"", "geth"]);
}

#[test]
fn unknown_consensus_client() {
    let msg = rejected(|v| v["nodes"]["validators"]["consensus"]["client"] = json!("teku"));
    assert_mentions(
        &msg,
        &[
            "nodes.validators.consensus.client",
            "lighthouse, lodestar, prysm",
        ],
    );
}

#[test]
fn fewer_validators_than_validator_nodes() {
    let msg = rejected(|v| {
        v["validators"]["count"] = json!(3);
        v["nodes"]["validators"]["replicas"] = json!(4);
    });
    assert_mentions(
        &msg,
        &[
            "validators.count",
            "3 validators",
            "4 validator nodes",
            "at least 4",
        ],
    );
}

#[test]
fn uneven_split_is_explained() {
    let spec = accepted(|v| {
        v["validators"]["count"] = json!(64);
        v["nodes"]["validators"]["replicas"] = json!(3);
    });
    assert_eq!(spec.validator_split(), vec![0..22, 22..43, 43..64]);
    assert_mentions(&spec.notes.join(" "), &["22 + 21 + 21"]);
}

#[test]
fn unknown_field_typo() {
    let msg = rejected(|v| v["network"]["chainID"] = json!(5));
    assert_mentions(
        &msg,
        &["network", "unknown field `chainID`", "check the spelling"],
    );
    let msg = rejected(|v| v["validators"]["keystoreKDF"] = json!("fast"));
    assert_mentions(&msg, &["validators", "unknown field `keystoreKDF`"]);
}

#[test]
fn unknown_node_group() {
    let msg = rejected(|v| v["nodes"]["archive"] = v["nodes"]["rpc"].clone());
    assert_mentions(&msg, &["nodes.archive", "bootnodes, validators or rpc"]);
}

#[test]
fn bad_preset_and_consensus() {
    let msg = rejected(|v| v["network"]["preset"] = json!("gnosis"));
    assert_mentions(&msg, &["network.preset", "mainnet, minimal"]);
    let msg = rejected(|v| v["network"]["consensus"] = json!("clique"));
    assert_mentions(&msg, &["network.consensus", "not supported yet", "\"pos\""]);
}

#[test]
fn zero_slot_time() {
    let msg = rejected(|v| v["network"]["slotSeconds"] = json!(0));
    assert_mentions(&msg, &["network.slotSeconds", "out of range 1..=60"]);
}

#[test]
fn gas_limit_too_low() {
    let msg = rejected(|v| v["network"]["gasLimit"] = json!(100));
    assert_mentions(&msg, &["network.gasLimit", "60000000"]);
}

#[test]
fn bad_network_name() {
    let msg = rejected(|v| v["network"]["name"] = json!("My Net"));
    assert_mentions(&msg, &["network.name", "lowercase letters"]);
}

#[test]
fn forks_out_of_order() {
    let msg = rejected(|v| {
        v["network"]["forks"] = json!({"capella": 0, "deneb": 5, "electra": 2, "fulu": 9})
    });
    assert_mentions(&msg, &["network.forks.electra", "before deneb", "epoch 5"]);
    let msg = rejected(|v| {
        v["network"]["forks"] = json!({"capella": 0, "deneb": "never", "electra": 0, "fulu": 0})
    });
    assert_mentions(&msg, &["network.forks.electra", "never"]);
}

#[test]
fn unknown_fork_and_late_capella() {
    let msg = rejected(|v| v["network"]["forks"]["glamsterdam"] = json!(0));
    assert_mentions(
        &msg,
        &["network.forks.glamsterdam", "capella, deneb, electra, fulu"],
    );
    let msg = rejected(|v| v["network"]["forks"]["capella"] = json!(3));
    assert_mentions(
        &msg,
        &["network.forks.capella", "set network.forks.capella to 0"],
    );
}

#[test]
fn genesis_before_fulu_is_not_built_yet() {
    let msg = rejected(|v| {
        v["network"]["forks"] =
            json!({"capella": 0, "deneb": "never", "electra": "never", "fulu": "never"})
    });
    assert_mentions(
        &msg,
        &["network.forks.fulu", "never", "set network.forks.fulu"],
    );
    let msg = rejected(|v| v["network"]["forks"]["fulu"] = json!(4));
    assert_mentions(&msg, &["network.forks.fulu", "epoch 4"]);
}

#[test]
fn bad_kdf_names() {
    let msg = rejected(|v| v["accounts"]["keystoreKdf"] = json!("fast"));
    assert_mentions(&msg, &["accounts.keystoreKdf", "standard, light"]);
    let msg = rejected(|v| v["validators"]["keystoreKdf"] = json!("light"));
    assert_mentions(&msg, &["validators.keystoreKdf", "standard, fast"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let msg = rejected(|v| {
        v["network"]["chainId"] = json!(0);
        v["accounts"]["balance"] = json!("lots");
        v["nodes"]["rpc"]["consensus"]["client"] = json!("teku");
    });
    assert_mentions(
        &msg,
        &[
            "3 problems",
            "network.chainId",
            "accounts.balance",
            "nodes.rpc",
        ],
    );
}

#[test]
fn parse_wei_accepts_decimal_and_hex() {
    assert_eq!(
        parse_wei("0x3635c9adc5dea00000").unwrap(),
        U256::from(10u128.pow(21))
    );
    assert_eq!(
        parse_wei("1000000000000000000000").unwrap(),
        U256::from(10u128.pow(21))
    );
    assert_eq!(
        parse_wei(&format!("0x{}", "f".repeat(64))).unwrap(),
        U256::MAX
    );
}

#[test]
fn withdrawal_credentials() {
    assert_eq!(
        accepted(|_| {}).validators.withdrawal_credentials,
        WithdrawalCredentialsSpec::Bls
    );
    let address = "0x8943545177806ed17b9f23f0a21ee5948ecaa776";
    let spec = accepted(|v| {
        v["validators"]["withdrawalCredentials"] = json!({"type": "0x02", "address": address})
    });
    assert_eq!(
        spec.validators.withdrawal_credentials,
        WithdrawalCredentialsSpec::Compounding {
            address: address.parse().unwrap()
        }
    );
    let msg = rejected(|v| v["validators"]["withdrawalCredentials"] = json!({"type": "0x01"}));
    assert_mentions(
        &msg,
        &["validators.withdrawalCredentials.address", "set one"],
    );
    let msg = rejected(|v| v["validators"]["withdrawalCredentials"] = json!({"type": "0x03"}));
    assert_mentions(
        &msg,
        &["validators.withdrawalCredentials.type", "0x00, 0x01, 0x02"],
    );
    let msg = rejected(|v| {
        v["validators"]["withdrawalCredentials"] = json!({"type": "0x00", "address": address})
    });
    assert_mentions(&msg, &["remove the address"]);
}

#[test]
fn prysm_runs_the_mainnet_preset_with_slots_of_two_seconds_or_more() {
    let spec = accepted(|v| {
        v["nodes"]["validators"]["consensus"]["client"] = json!("prysm");
        v["network"]["slotSeconds"] = json!(2);
    });
    assert_eq!(
        spec.group(Role::Validator).consensus_client,
        ConsensusClient::Prysm
    );
    let m = rejected(|v| {
        v["nodes"]["rpc"]["consensus"]["client"] = json!("prysm");
        v["network"]["preset"] = json!("minimal");
    });
    assert_mentions(
        &m,
        &["nodes.rpc.consensus.client", "prysm", "minimal", "mainnet"],
    );
    let m = rejected(|v| {
        v["nodes"]["bootnodes"]["consensus"]["client"] = json!("prysm");
        v["network"]["slotSeconds"] = json!(1);
    });
    assert_mentions(
        &m,
        &["nodes.bootnodes.consensus.client", "slotSeconds 1", ">= 2"],
    );
}

/// The table of values that ci/chart-test.sh also runs through `helm template`.
const VALUES_TABLE: &str = include_str!("../../../tests/fixtures/bad-values.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValuesTable {
    refused: Vec<RefusedCase>,
    accepted: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefusedCase {
    field: String,
    by: String,
    values: Value,
}

/// `patch` merged into `base` as helm merges a values file onto the defaults.
fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(base.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (base, patch) => *base = patch.clone(),
    }
}

fn validate_with(values: &Value) -> Result<NetworkSpec, SpecErrors> {
    let mut spec = defaults();
    merge(&mut spec, values);
    SpecFile::from_json(&spec.to_string()).and_then(|f| f.validate())
}

#[test]
fn the_values_table_is_refused_and_accepted_as_it_says() {
    let table: ValuesTable = serde_yaml::from_str(VALUES_TABLE).unwrap();
    let mut wrong = Vec::new();
    for case in &table.refused {
        assert!(
            ["schema", "ethnet"].contains(&case.by.as_str()),
            "by: {}",
            case.by
        );
        match validate_with(&case.values) {
            Ok(_) => wrong.push(format!("{}: accepted {}", case.field, case.values)),
            Err(errors) if !errors.0.iter().any(|p| p.field == case.field) => {
                wrong.push(format!("{}: refused as {errors}", case.field))
            }
            Err(_) => {}
        }
    }
    for values in &table.accepted {
        if let Err(errors) = validate_with(values) {
            wrong.push(format!("{values}: {errors}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(table.refused.len() > 40 && table.accepted.len() > 5);
}

#[test]
fn a_client_that_does_not_know_a_scheduled_fork_is_refused() {
    let spec = accepted(|_| {});
    let profile = crate::clients::ClientProfile {
        newest_fork: Fork::Electra,
        ..ConsensusClient::Prysm.profile()
    };
    let problems = profile_problems(&spec.network, "nodes.rpc.consensus.client", "old", profile);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_mentions(
        &problems[0].message,
        &["old does not know fork fulu", "network.forks.fulu to never"],
    );
    let without_fulu = spec.network.forks.clone().with(Fork::Fulu, ForkAt::Never);
    let network = Network {
        forks: without_fulu,
        ..spec.network
    };
    assert!(profile_problems(&network, "f", "old", profile).is_empty());
}
