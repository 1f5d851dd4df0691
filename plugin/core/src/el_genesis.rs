//! The execution-layer genesis in geth's genesis.json format, which geth, besu, nethermind,
//! reth and ethereumjs all read.
//!
//! Every pre-merge fork is active at block 0 with terminal total difficulty 0, so the chain is
//! proof-of-stake from its first block; the time-based forks follow the spec's fork schedule.
//! The alloc holds the deposit contract, the system contracts the scheduled forks call into,
//! the funded accounts and the user's own entries.

use std::collections::BTreeMap;

use alloy_eips::{
    eip1559::INITIAL_BASE_FEE, eip2935, eip4788, eip7002, eip7251, eip7840::BlobParams,
};
use alloy_genesis::{ChainConfig, Genesis, GenesisAccount};
use alloy_primitives::{address, Address, Bytes, B256, U256};
use sha2::{Digest, Sha256};

use super::{
    error::CoreError,
    spec::{Fork, ForkAt, NetworkSpec},
};

/// Where the deposit contract sits, as on Holesky and ethereum-package devnets.
pub const DEPOSIT_CONTRACT_ADDRESS: Address = address!("4242424242424242424242424242424242424242");

/// The deposit contract's runtime code: solc 0.6.11's build of the consensus specs'
/// `deposit_contract.sol`, the code every public network runs. build.rs takes it from a
/// published dependency's package rather than from a copy kept in this repository.
pub static DEPOSIT_CONTRACT_CODE: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/deposit_contract.bin"));

/// Depth of the deposit contract's Merkle tree of deposits.
const DEPOSIT_TREE_DEPTH: usize = 32;

/// Storage slot of the contract's `zero_hashes[0]`: after `branch` (one slot per level) and
/// `deposit_count`.
const ZERO_HASHES_SLOT: u64 = DEPOSIT_TREE_DEPTH as u64 + 1;

/// The deposit contract as its constructor leaves it on deployment: no deposits, and
/// `zero_hashes[h + 1] = sha256(zero_hashes[h] ++ zero_hashes[h])` stored for every level
/// (`zero_hashes[0]` is zero, so it is not written).
pub fn deposit_contract() -> GenesisAccount {
    let mut storage = BTreeMap::new();
    let mut zero_hash = B256::ZERO;
    for height in 1..DEPOSIT_TREE_DEPTH {
        zero_hash = B256::from_slice(
            &Sha256::new()
                .chain_update(zero_hash)
                .chain_update(zero_hash)
                .finalize(),
        );
        let slot = B256::from(U256::from(ZERO_HASHES_SLOT + height as u64));
        storage.insert(slot, zero_hash);
    }
    GenesisAccount::default()
        .with_code(Some(Bytes::from_static(DEPOSIT_CONTRACT_CODE)))
        .with_storage(Some(storage))
}

/// Blob parameters of each fork from Cancun on, as on mainnet
/// ([EIP-7840](https://eips.ethereum.org/EIPS/eip-7840)). Osaka keeps Prague's until a BPO fork.
fn blob_params(fork: Fork) -> Option<BlobParams> {
    match fork {
        Fork::Capella => None,
        Fork::Deneb => Some(BlobParams::cancun()),
        Fork::Electra | Fork::Fulu => Some(BlobParams::prague()),
    }
}

/// Unix time at which `at` activates, given the genesis time.
pub fn fork_time(spec: &NetworkSpec, genesis_time: u64, at: ForkAt) -> Option<u64> {
    let epoch_seconds = spec.network.preset.slots_per_epoch() * spec.network.slot_seconds;
    match at {
        ForkAt::Epoch(epoch) => Some(genesis_time + epoch * epoch_seconds),
        ForkAt::Never => None,
    }
}

/// The chain config: pre-merge forks at block 0, TTD 0, time forks from the schedule, and the
/// blob-parameter-only forks as `bpo1`, `bpo2`, … in their order.
pub fn chain_config(spec: &NetworkSpec, genesis_time: u64) -> ChainConfig {
    let time = |fork: Fork| fork_time(spec, genesis_time, spec.network.forks.at(fork));
    let mut blob_schedule: BTreeMap<String, BlobParams> = Fork::ALL
        .into_iter()
        .filter(|fork| time(*fork).is_some())
        .filter_map(|fork| Some((fork.execution_name().to_string(), blob_params(fork)?)))
        .collect();
    let mut bpo_times = [None; 5];
    for ((n, fork), at) in (1..).zip(&spec.network.blob_forks).zip(&mut bpo_times) {
        *at = fork_time(spec, genesis_time, ForkAt::Epoch(fork.epoch));
        let params = BlobParams {
            target_blob_count: fork.target,
            max_blob_count: fork.max,
            update_fraction: u128::from(fork.base_fee_update_fraction),
            ..BlobParams::osaka()
        };
        blob_schedule.insert(format!("bpo{n}"), params);
    }
    let [bpo1_time, bpo2_time, bpo3_time, bpo4_time, bpo5_time] = bpo_times;
    ChainConfig {
        chain_id: spec.network.chain_id,
        homestead_block: Some(0),
        eip150_block: Some(0),
        eip155_block: Some(0),
        eip158_block: Some(0),
        byzantium_block: Some(0),
        constantinople_block: Some(0),
        petersburg_block: Some(0),
        istanbul_block: Some(0),
        muir_glacier_block: Some(0),
        berlin_block: Some(0),
        london_block: Some(0),
        arrow_glacier_block: Some(0),
        gray_glacier_block: Some(0),
        merge_netsplit_block: Some(0),
        terminal_total_difficulty: Some(U256::ZERO),
        terminal_total_difficulty_passed: true,
        shanghai_time: time(Fork::Capella),
        cancun_time: time(Fork::Deneb),
        prague_time: time(Fork::Electra),
        osaka_time: time(Fork::Fulu),
        bpo1_time,
        bpo2_time,
        bpo3_time,
        bpo4_time,
        bpo5_time,
        deposit_contract_address: Some(DEPOSIT_CONTRACT_ADDRESS),
        blob_schedule,
        ..Default::default()
    }
}

/// The contracts ethnet places in the alloc: the deposit contract, and the system contracts
/// the scheduled forks call into with their canonical code and nonce 1 (EIP-4788 from Cancun;
/// EIP-2935, EIP-7002 and EIP-7251 from Prague).
pub fn predeploys(spec: &NetworkSpec) -> Vec<(Address, GenesisAccount, &'static str)> {
    let scheduled = |fork| spec.network.forks.at(fork) != ForkAt::Never;
    let predeploy = |code: &Bytes| {
        GenesisAccount::default()
            .with_nonce(Some(1))
            .with_code(Some(code.clone()))
    };
    let mut contracts = vec![(
        DEPOSIT_CONTRACT_ADDRESS,
        deposit_contract(),
        "the deposit contract",
    )];
    if scheduled(Fork::Deneb) {
        contracts.push((
            eip4788::BEACON_ROOTS_ADDRESS,
            predeploy(&eip4788::BEACON_ROOTS_CODE),
            "the EIP-4788 beacon roots contract",
        ));
    }
    if scheduled(Fork::Electra) {
        contracts.extend([
            (
                eip2935::HISTORY_STORAGE_ADDRESS,
                predeploy(&eip2935::HISTORY_STORAGE_CODE),
                "the EIP-2935 history storage contract",
            ),
            (
                eip7002::WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS,
                predeploy(&eip7002::WITHDRAWAL_REQUEST_PREDEPLOY_CODE),
                "the EIP-7002 withdrawal request contract",
            ),
            (
                eip7251::CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS,
                predeploy(&eip7251::CONSOLIDATION_REQUEST_PREDEPLOY_CODE),
                "the EIP-7251 consolidation request contract",
            ),
        ]);
    }
    contracts
}

/// Builds the execution genesis: the predeployed contracts, funded accounts and the user's
/// alloc. Fails when a user alloc entry would overwrite an account ethnet places.
pub fn build(
    spec: &NetworkSpec,
    genesis_time: u64,
    funded: &[Address],
) -> Result<Genesis, CoreError> {
    let mut alloc: BTreeMap<Address, GenesisAccount> = BTreeMap::new();
    for (address, account, _) in predeploys(spec) {
        alloc.insert(address, account);
    }
    let funded_account = GenesisAccount::default().with_balance(spec.accounts.balance);
    for address in funded {
        alloc.insert(*address, funded_account.clone());
    }
    for (address, account) in &spec.accounts.alloc {
        if alloc.contains_key(address) {
            let owner = predeploys(spec)
                .into_iter()
                .find(|(a, _, _)| a == address)
                .map_or(
                    "a funded account derived from the network mnemonic",
                    |(_, _, name)| name,
                );
            return Err(CoreError::AllocCollision {
                address: address.to_checksum(None),
                owner,
            });
        }
        alloc.insert(*address, account.clone());
    }

    let cancun = spec.network.forks.at(Fork::Deneb) == ForkAt::Epoch(0);
    Ok(Genesis {
        config: chain_config(spec, genesis_time),
        nonce: 0,
        timestamp: genesis_time,
        gas_limit: spec.network.gas_limit,
        difficulty: U256::ZERO,
        base_fee_per_gas: Some(u128::from(INITIAL_BASE_FEE)),
        excess_blob_gas: cancun.then_some(0),
        blob_gas_used: cancun.then_some(0),
        alloc,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{tests_support::spec_with, BlobFork, ForkSchedule};

    #[test]
    fn all_forks_at_genesis() {
        let spec = spec_with(|_| {});
        let genesis = build(&spec, 1_700_000_000, &[]).unwrap();
        let c = &genesis.config;
        assert_eq!(c.terminal_total_difficulty, Some(U256::ZERO));
        assert_eq!(c.london_block, Some(0));
        for time in [c.shanghai_time, c.cancun_time, c.prague_time, c.osaka_time] {
            assert_eq!(time, Some(1_700_000_000));
        }
        let schedule: Vec<_> = c.blob_schedule.keys().cloned().collect();
        assert_eq!(schedule, ["bpo1", "cancun", "osaka", "prague"]);
        assert_eq!(c.blob_schedule["cancun"].max_blob_count, 6);
        assert_eq!(c.blob_schedule["prague"].target_blob_count, 6);
        // The chart's default blob fork is mainnet's current one (alloy's BPO2 constants).
        assert_eq!(c.bpo1_time, Some(1_700_000_000));
        assert_eq!(c.bpo2_time, None);
        assert_eq!(c.blob_schedule["bpo1"], BlobParams::bpo2());
        assert_eq!(
            genesis.alloc.len(),
            5,
            "the deposit contract and four system contracts"
        );
        let mut system_contracts = genesis
            .alloc
            .iter()
            .filter(|(address, _)| **address != DEPOSIT_CONTRACT_ADDRESS);
        assert!(system_contracts.all(|(_, a)| a.nonce == Some(1) && a.code.is_some()));
    }

    #[test]
    fn deposit_contract_is_deployed_with_an_empty_tree() {
        let account = deposit_contract();
        let code = account.code.unwrap();
        // solc's dispatcher prologue, and its metadata trailer naming solc 0.6.11.
        assert!(code.starts_with(&hex::decode("6080604052").unwrap()));
        assert!(code.ends_with(&hex::decode("64736f6c634300060b0033").unwrap()));
        let storage = account.storage.unwrap();
        let slots: Vec<u64> = storage
            .keys()
            .map(|slot| U256::from_be_bytes(slot.0).to::<u64>())
            .collect();
        assert_eq!(
            slots,
            (0x22..=0x40).collect::<Vec<u64>>(),
            "zero_hashes[1..32]"
        );
        // zero_hashes[1] = sha256 of 64 zero bytes.
        assert_eq!(
            storage[&B256::from(U256::from(0x22))].to_string(),
            "0xf5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b"
        );
        assert!(storage.values().all(|value| !value.is_zero()));
    }

    #[test]
    fn later_forks_get_times_from_epochs() {
        let spec = spec_with(|s| {
            s.network.forks = ForkSchedule::ALL_AT_GENESIS
                .with(Fork::Electra, ForkAt::Epoch(2))
                .with(Fork::Fulu, ForkAt::Never);
            s.network.blob_forks.clear();
        });
        let genesis = build(&spec, 1000, &[]).unwrap();
        // mainnet preset: 32 slots of 12 s per epoch.
        assert_eq!(genesis.config.prague_time, Some(1000 + 2 * 32 * 12));
        assert_eq!(genesis.config.osaka_time, None);
        assert!(!genesis.config.blob_schedule.contains_key("osaka"));
    }

    #[test]
    fn blob_forks_become_bpo_forks_at_their_epochs() {
        let spec = spec_with(|s| {
            s.network.blob_forks = vec![
                BlobFork {
                    epoch: 0,
                    target: 10,
                    max: 15,
                    base_fee_update_fraction: 8346193,
                },
                BlobFork {
                    epoch: 3,
                    target: 14,
                    max: 21,
                    base_fee_update_fraction: 11684671,
                },
            ];
        });
        let c = build(&spec, 1000, &[]).unwrap().config;
        assert_eq!(
            (c.bpo1_time, c.bpo2_time, c.bpo3_time),
            (Some(1000), Some(1000 + 3 * 32 * 12), None)
        );
        // Mainnet's BPO1 and BPO2, as alloy knows them.
        assert_eq!(c.blob_schedule["bpo1"], BlobParams::bpo1());
        assert_eq!(c.blob_schedule["bpo2"], BlobParams::bpo2());
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["bpo2Time"], 1000 + 3 * 32 * 12);
        assert_eq!(
            json["blobSchedule"]["bpo2"],
            serde_json::json!({"target": 14, "max": 21, "baseFeeUpdateFraction": 11684671})
        );
    }

    #[test]
    fn capella_only_has_no_cancun_fields_or_system_contracts() {
        let spec = spec_with(|s| {
            s.network.forks = ForkSchedule::ALL_AT_GENESIS
                .with(Fork::Deneb, ForkAt::Never)
                .with(Fork::Electra, ForkAt::Never)
                .with(Fork::Fulu, ForkAt::Never);
            s.network.blob_forks.clear();
        });
        let genesis = build(&spec, 1000, &[]).unwrap();
        let placed: Vec<_> = genesis.alloc.keys().collect();
        assert_eq!(placed, [&DEPOSIT_CONTRACT_ADDRESS]);
        assert_eq!(genesis.excess_blob_gas, None);
        assert!(genesis.config.blob_schedule.is_empty());
    }

    #[test]
    fn alloc_cannot_overwrite_predeploys_or_funded_accounts() {
        let funded = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        for (target, owner) in [
            (eip4788::BEACON_ROOTS_ADDRESS, "EIP-4788"),
            (DEPOSIT_CONTRACT_ADDRESS, "the deposit contract"),
            (funded, "derived from the network mnemonic"),
        ] {
            let spec = spec_with(|s| {
                s.accounts.alloc.insert(target, GenesisAccount::default());
            });
            let err = build(&spec, 0, &[funded]).unwrap_err().to_string();
            assert!(
                err.contains(owner) && err.contains("remove it from accounts.alloc"),
                "{err}"
            );
        }
    }

    #[test]
    fn renders_geth_field_names() {
        let spec = spec_with(|_| {});
        let json = serde_json::to_value(build(&spec, 5, &[]).unwrap()).unwrap();
        let config = &json["config"];
        for key in [
            "chainId",
            "terminalTotalDifficulty",
            "shanghaiTime",
            "osakaTime",
            "blobSchedule",
        ] {
            assert!(config.get(key).is_some(), "config.{key} missing: {config}");
        }
        assert_eq!(json["baseFeePerGas"], "0x3b9aca00");
        assert_eq!(
            config["blobSchedule"]["cancun"]["baseFeeUpdateFraction"],
            3338477
        );
    }
}
