//! The genesis block hash of any geth-format genesis: the state root from the alloc, the header
//! fields each fork active at block 0 adds, then keccak over the RLP header.
//!
//! Every node checks its block 0 against this hash, so it must match what clients compute for
//! public networks too (tested against mainnet, sepolia, holesky and hoodi).

use alloy_consensus::{constants::EMPTY_OMMER_ROOT_HASH, Header, EMPTY_ROOT_HASH};
use alloy_eips::{eip1559::INITIAL_BASE_FEE, eip7685::EMPTY_REQUESTS_HASH};
use alloy_genesis::Genesis;
use alloy_primitives::{keccak256, B256, B64};
use alloy_rlp::Encodable;
use alloy_trie::{HashBuilder, Nibbles, TrieAccount};
use rayon::prelude::*;

use super::error::CoreError;

/// The genesis block header, with the fields of every fork active at block 0.
pub fn genesis_header(genesis: &Genesis) -> Result<Header, CoreError> {
    let config = &genesis.config;
    let (block, time) = (genesis.number.unwrap_or(0), genesis.timestamp);
    if config.amsterdam_time.is_some_and(|t| t <= time) {
        return Err(CoreError::UnsupportedGenesisFork { fork: "amsterdam" });
    }
    let london = config.is_london_active_at_block(block);
    let shanghai = config.is_shanghai_active_at_block_and_timestamp(block, time);
    let cancun = config.is_cancun_active_at_block_and_timestamp(block, time);
    let prague = config.prague_time.is_some_and(|t| t <= time);
    Ok(Header {
        parent_hash: genesis.parent_hash.unwrap_or_default(),
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        beneficiary: genesis.coinbase,
        state_root: state_root(genesis),
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        difficulty: genesis.difficulty,
        number: block,
        gas_limit: genesis.gas_limit,
        timestamp: time,
        extra_data: genesis.extra_data.clone(),
        mix_hash: genesis.mix_hash,
        nonce: B64::from(genesis.nonce),
        base_fee_per_gas: london.then(|| {
            genesis
                .base_fee_per_gas
                .map_or(INITIAL_BASE_FEE, |fee| fee as u64)
        }),
        withdrawals_root: shanghai.then_some(EMPTY_ROOT_HASH),
        blob_gas_used: cancun.then(|| genesis.blob_gas_used.unwrap_or(0)),
        excess_blob_gas: cancun.then(|| genesis.excess_blob_gas.unwrap_or(0)),
        parent_beacon_block_root: cancun.then_some(B256::ZERO),
        requests_hash: prague.then_some(EMPTY_REQUESTS_HASH),
        ..Default::default()
    })
}

/// The genesis block hash.
pub fn genesis_hash(genesis: &Genesis) -> Result<B256, CoreError> {
    Ok(genesis_header(genesis)?.hash_slow())
}

/// Root of the state trie holding `genesis.alloc`. Account leaves are hashed and encoded in
/// parallel, then inserted in key order, which is what the hash builder needs.
pub fn state_root(genesis: &Genesis) -> B256 {
    let mut leaves: Vec<(B256, Vec<u8>)> = genesis
        .alloc
        .par_iter()
        .map(|(address, account)| {
            let trie_account = TrieAccount::from(account.clone());
            let mut rlp = Vec::with_capacity(trie_account.length());
            trie_account.encode(&mut rlp);
            (keccak256(address), rlp)
        })
        .collect();
    leaves.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut builder = HashBuilder::default();
    for (key, rlp) in &leaves {
        builder.add_leaf(Nibbles::unpack(key), rlp);
    }
    builder.root()
}
