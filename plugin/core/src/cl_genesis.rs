//! The consensus-layer genesis state (genesis.ssz), built the way devnet tooling does it:
//! validators are written straight into the state, active at epoch 0, with an empty deposit
//! tree, on top of the execution genesis block.
//!
//! The state layout is Fulu's ([consensus-specs fulu/beacon-chain.md](https://github.com/ethereum/consensus-specs/blob/dev/specs/fulu/beacon-chain.md)),
//! generic over the preset's list and vector lengths. Every per-fork detail — the containers,
//! the empty block body, the sync committee and proposer selection rules — lives in this one
//! file, so supporting the next fork is a local change. Encoding and hashing are
//! ethereum_ssz's and tree_hash's; BLS aggregation is blst's.

use alloy_consensus::Header;
use alloy_primitives::{Address, FixedBytes, B256, U256};
use sha2::{Digest, Sha256};
use ssz::Encode;
use ssz_derive::{Decode, Encode};
use ssz_types::{
    typenum::{
        Unsigned, U1, U1048576, U1099511627776, U134217728, U16, U16777216, U2, U2048, U262144,
        U32, U4, U4096, U4294967296, U512, U64, U65536, U8, U8192,
    },
    BitVector, FixedVector, VariableList,
};
use tree_hash::TreeHash;
use tree_hash_derive::TreeHash;

use super::spec::Preset;

/// A BLS public key, 48 bytes.
pub type BlsPubkey = FixedBytes<48>;
type BlsSignature = FixedBytes<96>;

/// `FAR_FUTURE_EPOCH`.
pub const FAR_FUTURE_EPOCH: u64 = u64::MAX;
/// `MIN_ACTIVATION_BALANCE` in gwei (32 ETH).
pub const MIN_ACTIVATION_BALANCE: u64 = 32_000_000_000;
/// `MAX_EFFECTIVE_BALANCE_ELECTRA` in gwei (2048 ETH), for compounding (0x02) credentials.
pub const MAX_EFFECTIVE_BALANCE_ELECTRA: u64 = 2_048_000_000_000;
const EFFECTIVE_BALANCE_INCREMENT: u64 = 1_000_000_000;
/// `UNSET_DEPOSIT_REQUESTS_START_INDEX`: no EIP-6110 deposit request seen yet.
const UNSET_DEPOSIT_REQUESTS_START_INDEX: u64 = u64::MAX;
const MIN_SEED_LOOKAHEAD: u64 = 1;
const DOMAIN_BEACON_PROPOSER: [u8; 4] = [0, 0, 0, 0];
const DOMAIN_SYNC_COMMITTEE: [u8; 4] = [7, 0, 0, 0];
/// Electra's 16-bit acceptance sampling in proposer and sync committee selection.
const MAX_RANDOM_VALUE: u64 = (1 << 16) - 1;

/// List and vector lengths that differ between the mainnet and minimal presets.
pub trait PresetTypes: 'static {
    /// `SLOTS_PER_EPOCH`.
    const SLOTS_PER_EPOCH: u64;
    /// `SHUFFLE_ROUND_COUNT`.
    const SHUFFLE_ROUND_COUNT: u8;
    /// `SLOTS_PER_HISTORICAL_ROOT`.
    type SlotsPerHistoricalRoot: Unsigned + Clone + std::fmt::Debug + PartialEq;
    /// `EPOCHS_PER_HISTORICAL_VECTOR`.
    type EpochsPerHistoricalVector: Unsigned + Clone + std::fmt::Debug + PartialEq;
    /// `EPOCHS_PER_SLASHINGS_VECTOR`.
    type EpochsPerSlashingsVector: Unsigned + Clone + std::fmt::Debug + PartialEq;
    /// `EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH`.
    type Eth1DataVotesLimit: Unsigned + Clone + std::fmt::Debug + PartialEq;
    /// `SYNC_COMMITTEE_SIZE`.
    type SyncCommitteeSize: Unsigned + Clone + std::fmt::Debug + PartialEq;
    /// `(MIN_SEED_LOOKAHEAD + 1) * SLOTS_PER_EPOCH`.
    type ProposerLookahead: Unsigned + Clone + std::fmt::Debug + PartialEq;
    /// `PENDING_PARTIAL_WITHDRAWALS_LIMIT`.
    type PendingPartialWithdrawalsLimit: Unsigned + Clone + std::fmt::Debug + PartialEq;
    /// `PENDING_CONSOLIDATIONS_LIMIT`.
    type PendingConsolidationsLimit: Unsigned + Clone + std::fmt::Debug + PartialEq;
    /// `MAX_WITHDRAWALS_PER_PAYLOAD`.
    type MaxWithdrawalsPerPayload: Unsigned + Clone + std::fmt::Debug + PartialEq;
}

/// The mainnet preset.
#[derive(Debug, Clone, PartialEq)]
pub struct MainnetPreset;
impl PresetTypes for MainnetPreset {
    const SLOTS_PER_EPOCH: u64 = 32;
    const SHUFFLE_ROUND_COUNT: u8 = 90;
    type SlotsPerHistoricalRoot = U8192;
    type EpochsPerHistoricalVector = U65536;
    type EpochsPerSlashingsVector = U8192;
    type Eth1DataVotesLimit = U2048;
    type SyncCommitteeSize = U512;
    type ProposerLookahead = U64;
    type PendingPartialWithdrawalsLimit = U134217728;
    type PendingConsolidationsLimit = U262144;
    type MaxWithdrawalsPerPayload = U16;
}

/// The minimal preset.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimalPreset;
impl PresetTypes for MinimalPreset {
    const SLOTS_PER_EPOCH: u64 = 8;
    const SHUFFLE_ROUND_COUNT: u8 = 10;
    type SlotsPerHistoricalRoot = U64;
    type EpochsPerHistoricalVector = U64;
    type EpochsPerSlashingsVector = U64;
    type Eth1DataVotesLimit = U32;
    type SyncCommitteeSize = U32;
    type ProposerLookahead = U16;
    type PendingPartialWithdrawalsLimit = U64;
    type PendingConsolidationsLimit = U64;
    type MaxWithdrawalsPerPayload = U4;
}

/// `VALIDATOR_REGISTRY_LIMIT`.
type ValidatorRegistryLimit = U1099511627776;

// ---------------------------------------------------------------------------------------------
// Containers (Fulu).
// ---------------------------------------------------------------------------------------------

/// `Fork`.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
pub struct Fork {
    previous_version: FixedBytes<4>,
    current_version: FixedBytes<4>,
    epoch: u64,
}

/// `BeaconBlockHeader`.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
struct BeaconBlockHeader {
    slot: u64,
    proposer_index: u64,
    parent_root: B256,
    state_root: B256,
    body_root: B256,
}

/// `Eth1Data`.
#[derive(Debug, Clone, PartialEq, Default, Encode, Decode, TreeHash)]
struct Eth1Data {
    deposit_root: B256,
    deposit_count: u64,
    block_hash: B256,
}

/// `Validator`.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
struct Validator {
    pubkey: BlsPubkey,
    withdrawal_credentials: B256,
    effective_balance: u64,
    slashed: bool,
    activation_eligibility_epoch: u64,
    activation_epoch: u64,
    exit_epoch: u64,
    withdrawable_epoch: u64,
}

/// `Checkpoint`.
#[derive(Debug, Clone, PartialEq, Default, Encode, Decode, TreeHash)]
struct Checkpoint {
    epoch: u64,
    root: B256,
}

/// `SyncCommittee`.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
struct SyncCommittee<P: PresetTypes> {
    pubkeys: FixedVector<BlsPubkey, P::SyncCommitteeSize>,
    aggregate_pubkey: BlsPubkey,
}

/// `ExecutionPayloadHeader` (Deneb layout, unchanged through Fulu).
#[derive(Debug, Clone, PartialEq, Default, Encode, Decode, TreeHash)]
struct ExecutionPayloadHeader {
    parent_hash: B256,
    fee_recipient: Address,
    state_root: B256,
    receipts_root: B256,
    logs_bloom: FixedBytes<256>,
    prev_randao: B256,
    block_number: u64,
    gas_limit: u64,
    gas_used: u64,
    timestamp: u64,
    extra_data: VariableList<u8, U32>,
    base_fee_per_gas: U256,
    block_hash: B256,
    transactions_root: B256,
    withdrawals_root: B256,
    blob_gas_used: u64,
    excess_blob_gas: u64,
}

/// `HistoricalSummary`.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
struct HistoricalSummary {
    block_summary_root: B256,
    state_summary_root: B256,
}

/// `PendingDeposit`.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
struct PendingDeposit {
    pubkey: BlsPubkey,
    withdrawal_credentials: B256,
    amount: u64,
    signature: BlsSignature,
    slot: u64,
}

/// `PendingPartialWithdrawal`.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
struct PendingPartialWithdrawal {
    validator_index: u64,
    amount: u64,
    withdrawable_epoch: u64,
}

/// `PendingConsolidation`.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
struct PendingConsolidation {
    source_index: u64,
    target_index: u64,
}

/// `BeaconState` of Fulu.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
struct BeaconState<P: PresetTypes> {
    genesis_time: u64,
    genesis_validators_root: B256,
    slot: u64,
    fork: Fork,
    latest_block_header: BeaconBlockHeader,
    block_roots: FixedVector<B256, P::SlotsPerHistoricalRoot>,
    state_roots: FixedVector<B256, P::SlotsPerHistoricalRoot>,
    historical_roots: VariableList<B256, U16777216>,
    eth1_data: Eth1Data,
    eth1_data_votes: VariableList<Eth1Data, P::Eth1DataVotesLimit>,
    eth1_deposit_index: u64,
    validators: VariableList<Validator, ValidatorRegistryLimit>,
    balances: VariableList<u64, ValidatorRegistryLimit>,
    randao_mixes: FixedVector<B256, P::EpochsPerHistoricalVector>,
    slashings: FixedVector<u64, P::EpochsPerSlashingsVector>,
    previous_epoch_participation: VariableList<u8, ValidatorRegistryLimit>,
    current_epoch_participation: VariableList<u8, ValidatorRegistryLimit>,
    justification_bits: BitVector<U4>,
    previous_justified_checkpoint: Checkpoint,
    current_justified_checkpoint: Checkpoint,
    finalized_checkpoint: Checkpoint,
    inactivity_scores: VariableList<u64, ValidatorRegistryLimit>,
    current_sync_committee: SyncCommittee<P>,
    next_sync_committee: SyncCommittee<P>,
    latest_execution_payload_header: ExecutionPayloadHeader,
    next_withdrawal_index: u64,
    next_withdrawal_validator_index: u64,
    historical_summaries: VariableList<HistoricalSummary, U16777216>,
    deposit_requests_start_index: u64,
    deposit_balance_to_consume: u64,
    exit_balance_to_consume: u64,
    earliest_exit_epoch: u64,
    consolidation_balance_to_consume: u64,
    earliest_consolidation_epoch: u64,
    pending_deposits: VariableList<PendingDeposit, U134217728>,
    pending_partial_withdrawals:
        VariableList<PendingPartialWithdrawal, P::PendingPartialWithdrawalsLimit>,
    pending_consolidations: VariableList<PendingConsolidation, P::PendingConsolidationsLimit>,
    proposer_lookahead: FixedVector<u64, P::ProposerLookahead>,
}

// ---------------------------------------------------------------------------------------------
// Roots of empty lists and of the empty block body.
//
// The root of an empty SSZ list depends only on its chunk limit: for lists of composite
// elements that is the list's length limit, whatever the element type. So the empty lists of
// the block body are hashed as empty lists of `B256` (a composite element too) with the right
// limit, rather than spelling out attestation and slashing containers that are never filled.
// ---------------------------------------------------------------------------------------------

fn empty_composite_list_root<Limit: Unsigned>() -> B256 {
    VariableList::<B256, Limit>::empty().tree_hash_root()
}

/// `SyncAggregate`.
#[derive(TreeHash)]
struct SyncAggregate<P: PresetTypes> {
    sync_committee_bits: BitVector<P::SyncCommitteeSize>,
    sync_committee_signature: BlsSignature,
}

/// `ExecutionRequests` with its three lists as roots.
#[derive(TreeHash)]
struct EmptyExecutionRequests {
    deposits: B256,
    withdrawals: B256,
    consolidations: B256,
}

/// Electra/Fulu `BeaconBlockBody` with every field at its default; list fields as roots.
#[derive(TreeHash)]
struct EmptyBeaconBlockBody<P: PresetTypes> {
    randao_reveal: BlsSignature,
    eth1_data: Eth1Data,
    graffiti: B256,
    proposer_slashings: B256,
    attester_slashings: B256,
    attestations: B256,
    deposits: B256,
    voluntary_exits: B256,
    sync_aggregate: SyncAggregate<P>,
    /// An `ExecutionPayload` hashes like its header, whose list fields hold the lists' roots.
    execution_payload: ExecutionPayloadHeader,
    bls_to_execution_changes: B256,
    blob_kzg_commitments: B256,
    execution_requests: EmptyExecutionRequests,
}

fn withdrawals_root<P: PresetTypes>() -> B256 {
    empty_composite_list_root::<P::MaxWithdrawalsPerPayload>()
}

fn transactions_root() -> B256 {
    empty_composite_list_root::<U1048576>()
}

/// `hash_tree_root(BeaconBlockBody())` for Electra and Fulu.
fn empty_body_root<P: PresetTypes>() -> B256 {
    EmptyBeaconBlockBody::<P> {
        randao_reveal: BlsSignature::ZERO,
        eth1_data: Eth1Data::default(),
        graffiti: B256::ZERO,
        proposer_slashings: empty_composite_list_root::<U16>(), // MAX_PROPOSER_SLASHINGS
        attester_slashings: empty_composite_list_root::<U1>(),  // MAX_ATTESTER_SLASHINGS_ELECTRA
        attestations: empty_composite_list_root::<U8>(),        // MAX_ATTESTATIONS_ELECTRA
        deposits: empty_composite_list_root::<U16>(),           // MAX_DEPOSITS
        voluntary_exits: empty_composite_list_root::<U16>(),    // MAX_VOLUNTARY_EXITS
        sync_aggregate: SyncAggregate {
            sync_committee_bits: BitVector::new(),
            sync_committee_signature: BlsSignature::ZERO,
        },
        execution_payload: ExecutionPayloadHeader {
            transactions_root: transactions_root(),
            withdrawals_root: withdrawals_root::<P>(),
            ..Default::default()
        },
        bls_to_execution_changes: empty_composite_list_root::<U16>(), // MAX_BLS_TO_EXECUTION_CHANGES
        blob_kzg_commitments: empty_composite_list_root::<U4096>(), // MAX_BLOB_COMMITMENTS_PER_BLOCK
        execution_requests: EmptyExecutionRequests {
            deposits: empty_composite_list_root::<U8192>(), // MAX_DEPOSIT_REQUESTS_PER_PAYLOAD
            withdrawals: empty_composite_list_root::<U16>(), // MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD
            consolidations: empty_composite_list_root::<U2>(), // MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD
        },
    }
    .tree_hash_root()
}

/// Root of the empty deposit tree: `hash_tree_root(List[DepositData, 2**32]())`.
fn empty_deposit_root() -> B256 {
    empty_composite_list_root::<U4294967296>()
}

// ---------------------------------------------------------------------------------------------
// Shuffling and committee selection (phase0 `compute_shuffled_index`, Electra selection).
// ---------------------------------------------------------------------------------------------

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// `compute_shuffled_index`: the swap-or-not shuffle of one index.
fn compute_shuffled_index(mut index: u64, count: u64, seed: &[u8; 32], rounds: u8) -> u64 {
    debug_assert!(index < count);
    for round in 0..rounds {
        let pivot_hash = sha256(&[seed, &[round]]);
        let pivot = u64::from_le_bytes(pivot_hash[..8].try_into().expect("8 bytes")) % count;
        let flip = (pivot + count - index) % count;
        let position = index.max(flip);
        let source = sha256(&[seed, &[round], &((position / 256) as u32).to_le_bytes()]);
        let byte = source[((position % 256) / 8) as usize];
        if (byte >> (position % 8)) & 1 == 1 {
            index = flip;
        }
    }
    index
}

/// `compute_shuffled_index` for one seed and count, each answer computed once. Selection loops
/// revisit `i % count` again and again: filling a 512-member sync committee from 32-ETH
/// validators takes about 32,768 draws (Electra accepts 32/2048 of them), 90 rounds each.
struct Shuffling<'a> {
    seed: &'a [u8; 32],
    rounds: u8,
    known: Vec<Option<u64>>,
}

impl<'a> Shuffling<'a> {
    fn new(seed: &'a [u8; 32], count: u64, rounds: u8) -> Self {
        Self {
            seed,
            rounds,
            known: vec![None; count as usize],
        }
    }

    fn index(&mut self, index: u64) -> u64 {
        let (seed, rounds, count) = (self.seed, self.rounds, self.known.len() as u64);
        *self.known[index as usize]
            .get_or_insert_with(|| compute_shuffled_index(index, count, seed, rounds))
    }
}

/// `get_seed` at genesis, where every randao mix is the same.
fn seed(mix: &B256, epoch: u64, domain: [u8; 4]) -> [u8; 32] {
    sha256(&[&domain, &epoch.to_le_bytes(), mix.as_slice()])
}

/// Electra's balance-weighted acceptance test shared by proposer and sync committee selection.
fn accepted(seed: &[u8; 32], i: u64, effective_balance: u64) -> bool {
    let random_bytes = sha256(&[seed, &(i / 16).to_le_bytes()]);
    let offset = (i % 16 * 2) as usize;
    let random_value = u64::from(u16::from_le_bytes([
        random_bytes[offset],
        random_bytes[offset + 1],
    ]));
    effective_balance * MAX_RANDOM_VALUE >= MAX_EFFECTIVE_BALANCE_ELECTRA * random_value
}

/// `compute_proposer_index` (Electra).
fn compute_proposer_index<P: PresetTypes>(balances: &[u64], seed: &[u8; 32]) -> u64 {
    let total = balances.len() as u64;
    (0..)
        .map(|i| {
            (
                i,
                compute_shuffled_index(i % total, total, seed, P::SHUFFLE_ROUND_COUNT),
            )
        })
        .find(|&(i, candidate)| accepted(seed, i, balances[candidate as usize]))
        .map(|(_, candidate)| candidate)
        .expect("an active validator with balance is eventually accepted")
}

/// `initialize_proposer_lookahead` (Fulu): proposers of the current and next epoch.
fn proposer_lookahead<P: PresetTypes>(balances: &[u64], mix: &B256) -> Vec<u64> {
    (0..=MIN_SEED_LOOKAHEAD)
        .flat_map(|epoch| {
            let epoch_seed = seed(mix, epoch, DOMAIN_BEACON_PROPOSER);
            (0..P::SLOTS_PER_EPOCH).map(move |i| {
                let slot = epoch * P::SLOTS_PER_EPOCH + i;
                compute_proposer_index::<P>(balances, &sha256(&[&epoch_seed, &slot.to_le_bytes()]))
            })
        })
        .collect()
}

/// `get_next_sync_committee_indices` (Electra) at genesis: the committee for epoch 1.
fn sync_committee_indices<P: PresetTypes>(balances: &[u64], mix: &B256) -> Vec<u64> {
    let total = balances.len() as u64;
    let seed = seed(mix, 1, DOMAIN_SYNC_COMMITTEE);
    let size = P::SyncCommitteeSize::to_usize();
    let mut shuffling = Shuffling::new(&seed, total, P::SHUFFLE_ROUND_COUNT);
    let mut indices = Vec::with_capacity(size);
    let mut i = 0u64;
    while indices.len() < size {
        let candidate = shuffling.index(i % total);
        if accepted(&seed, i, balances[candidate as usize]) {
            indices.push(candidate);
        }
        i += 1;
    }
    indices
}

fn sync_committee<P: PresetTypes>(
    validators: &[GenesisValidator],
    effective: &[u64],
    mix: &B256,
) -> Result<SyncCommittee<P>, ClGenesisError> {
    let pubkeys: Vec<BlsPubkey> = sync_committee_indices::<P>(effective, mix)
        .into_iter()
        .map(|i| validators[i as usize].pubkey)
        .collect();
    let points = pubkeys
        .iter()
        .map(|pk| blst::min_pk::PublicKey::key_validate(pk.as_slice()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ClGenesisError::InvalidPubkey(format!("{e:?}")))?;
    let refs: Vec<&blst::min_pk::PublicKey> = points.iter().collect();
    let aggregate = blst::min_pk::AggregatePublicKey::aggregate(&refs, false)
        .map_err(|e| ClGenesisError::InvalidPubkey(format!("{e:?}")))?;
    Ok(SyncCommittee {
        pubkeys: FixedVector::new(pubkeys).expect("exactly SYNC_COMMITTEE_SIZE keys"),
        aggregate_pubkey: BlsPubkey::from(aggregate.to_public_key().to_bytes()),
    })
}

// ---------------------------------------------------------------------------------------------
// Building the state.
// ---------------------------------------------------------------------------------------------

/// A validator written into the genesis state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenesisValidator {
    /// BLS public key.
    pub pubkey: BlsPubkey,
    /// 0x00 (BLS), 0x01 or 0x02 (execution address) withdrawal credentials.
    pub withdrawal_credentials: B256,
    /// Balance in gwei.
    pub balance: u64,
}

impl GenesisValidator {
    /// Effective balance per Electra: rounded down to the increment, capped at 2048 ETH for
    /// compounding (0x02) credentials and 32 ETH otherwise.
    pub fn effective_balance(&self) -> u64 {
        let cap = if self.withdrawal_credentials[0] == 0x02 {
            MAX_EFFECTIVE_BALANCE_ELECTRA
        } else {
            MIN_ACTIVATION_BALANCE
        };
        (self.balance - self.balance % EFFECTIVE_BALANCE_INCREMENT).min(cap)
    }
}

/// Withdrawal credentials of a validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalCredentials {
    /// 0x00: withdrawals need a BLS-to-execution change signed by this withdrawal key.
    Bls(BlsPubkey),
    /// 0x01: withdrawals go to this address.
    Execution(Address),
    /// 0x02: compounding (EIP-7251), withdrawals go to this address.
    Compounding(Address),
}

impl WithdrawalCredentials {
    /// The 32 credential bytes.
    pub fn to_bytes(self) -> B256 {
        let mut bytes = [0u8; 32];
        match self {
            Self::Bls(pubkey) => {
                bytes = sha256(&[pubkey.as_slice()]);
                bytes[0] = 0x00;
            }
            Self::Execution(address) | Self::Compounding(address) => {
                bytes[0] = if matches!(self, Self::Execution(_)) {
                    0x01
                } else {
                    0x02
                };
                bytes[12..].copy_from_slice(address.as_slice());
            }
        }
        B256::from(bytes)
    }
}

/// Inputs of the genesis state besides the validators.
#[derive(Debug, Clone)]
pub struct ClGenesisInput<'a> {
    /// Consensus preset.
    pub preset: Preset,
    /// Genesis time, equal to the execution genesis timestamp.
    pub genesis_time: u64,
    /// Version of the fork active at genesis.
    pub fork_version: [u8; 4],
    /// The execution genesis block header.
    pub el_header: &'a Header,
    /// Its hash.
    pub el_hash: B256,
}

/// The genesis state and the roots clients check.
#[derive(Debug, Clone)]
pub struct ClGenesis {
    /// SSZ-encoded state (genesis.ssz).
    pub ssz: Vec<u8>,
    /// `hash_tree_root(state)`.
    pub state_root: B256,
    /// `hash_tree_root(state.validators)`.
    pub genesis_validators_root: B256,
}

/// Why a genesis state could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClGenesisError {
    /// No validators.
    #[error("a genesis state needs at least one validator")]
    NoValidators,
    /// A validator's balance is below the activation balance.
    #[error("validator {index} has {balance} gwei, below the 32 ETH activation balance")]
    BalanceTooLow {
        /// Validator index.
        index: usize,
        /// Its balance in gwei.
        balance: u64,
    },
    /// A public key is not a valid BLS point.
    #[error("invalid BLS public key: {0}")]
    InvalidPubkey(String),
}

/// Builds the Fulu genesis state.
pub fn build(
    input: &ClGenesisInput<'_>,
    validators: &[GenesisValidator],
) -> Result<ClGenesis, ClGenesisError> {
    match input.preset {
        Preset::Mainnet => build_for::<MainnetPreset>(input, validators),
        Preset::Minimal => build_for::<MinimalPreset>(input, validators),
    }
}

fn build_for<P: PresetTypes>(
    input: &ClGenesisInput<'_>,
    validators: &[GenesisValidator],
) -> Result<ClGenesis, ClGenesisError> {
    if validators.is_empty() {
        return Err(ClGenesisError::NoValidators);
    }
    if let Some((index, v)) = validators
        .iter()
        .enumerate()
        .find(|(_, v)| v.balance < MIN_ACTIVATION_BALANCE)
    {
        return Err(ClGenesisError::BalanceTooLow {
            index,
            balance: v.balance,
        });
    }
    let count = validators.len();
    let effective: Vec<u64> = validators
        .iter()
        .map(GenesisValidator::effective_balance)
        .collect();
    let registry: Vec<Validator> = validators
        .iter()
        .zip(&effective)
        .map(|(v, &effective_balance)| Validator {
            pubkey: v.pubkey,
            withdrawal_credentials: v.withdrawal_credentials,
            effective_balance,
            slashed: false,
            activation_eligibility_epoch: 0,
            activation_epoch: 0,
            exit_epoch: FAR_FUTURE_EPOCH,
            withdrawable_epoch: FAR_FUTURE_EPOCH,
        })
        .collect();
    let registry = VariableList::new(registry).expect("below VALIDATOR_REGISTRY_LIMIT");
    let genesis_validators_root = registry.tree_hash_root();

    // Every randao mix starts as the execution genesis block hash.
    let mix = input.el_hash;
    let el = input.el_header;
    let version = FixedBytes::from(input.fork_version);
    // At genesis both committees are `get_next_sync_committee` of the same state.
    let sync_committee = sync_committee::<P>(validators, &effective, &mix)?;
    let state = BeaconState::<P> {
        genesis_time: input.genesis_time,
        genesis_validators_root,
        slot: 0,
        fork: Fork {
            previous_version: version,
            current_version: version,
            epoch: 0,
        },
        latest_block_header: BeaconBlockHeader {
            slot: 0,
            proposer_index: 0,
            parent_root: B256::ZERO,
            state_root: B256::ZERO,
            body_root: empty_body_root::<P>(),
        },
        block_roots: FixedVector::default(),
        state_roots: FixedVector::default(),
        historical_roots: VariableList::empty(),
        eth1_data: Eth1Data {
            deposit_root: empty_deposit_root(),
            deposit_count: 0,
            block_hash: mix,
        },
        eth1_data_votes: VariableList::empty(),
        eth1_deposit_index: 0,
        validators: registry,
        balances: VariableList::new(validators.iter().map(|v| v.balance).collect())
            .expect("same length as the registry"),
        randao_mixes: FixedVector::new(vec![mix; P::EpochsPerHistoricalVector::to_usize()])
            .expect("exact length"),
        slashings: FixedVector::default(),
        previous_epoch_participation: VariableList::new(vec![0; count]).expect("registry length"),
        current_epoch_participation: VariableList::new(vec![0; count]).expect("registry length"),
        justification_bits: BitVector::new(),
        previous_justified_checkpoint: Checkpoint::default(),
        current_justified_checkpoint: Checkpoint::default(),
        finalized_checkpoint: Checkpoint::default(),
        inactivity_scores: VariableList::new(vec![0; count]).expect("registry length"),
        // A field-wise copy: the derived Clone would need the preset marker type to be Clone.
        current_sync_committee: SyncCommittee {
            pubkeys: sync_committee.pubkeys.clone(),
            aggregate_pubkey: sync_committee.aggregate_pubkey,
        },
        next_sync_committee: sync_committee,
        latest_execution_payload_header: ExecutionPayloadHeader {
            parent_hash: el.parent_hash,
            fee_recipient: el.beneficiary,
            state_root: el.state_root,
            receipts_root: el.receipts_root,
            logs_bloom: el.logs_bloom.0,
            prev_randao: el.mix_hash,
            block_number: el.number,
            gas_limit: el.gas_limit,
            gas_used: el.gas_used,
            timestamp: el.timestamp,
            extra_data: VariableList::new(el.extra_data.to_vec())
                .expect("execution extra data is at most 32 bytes"),
            base_fee_per_gas: U256::from(el.base_fee_per_gas.unwrap_or_default()),
            block_hash: input.el_hash,
            transactions_root: transactions_root(),
            withdrawals_root: withdrawals_root::<P>(),
            blob_gas_used: el.blob_gas_used.unwrap_or_default(),
            excess_blob_gas: el.excess_blob_gas.unwrap_or_default(),
        },
        next_withdrawal_index: 0,
        next_withdrawal_validator_index: 0,
        historical_summaries: VariableList::empty(),
        deposit_requests_start_index: UNSET_DEPOSIT_REQUESTS_START_INDEX,
        deposit_balance_to_consume: 0,
        exit_balance_to_consume: 0,
        earliest_exit_epoch: 0,
        consolidation_balance_to_consume: 0,
        earliest_consolidation_epoch: 0,
        pending_deposits: VariableList::empty(),
        pending_partial_withdrawals: VariableList::empty(),
        pending_consolidations: VariableList::empty(),
        proposer_lookahead: FixedVector::new(proposer_lookahead::<P>(&effective, &mix))
            .expect("two epochs of proposers"),
    };
    Ok(ClGenesis {
        ssz: state.as_ssz_bytes(),
        state_root: state.tree_hash_root(),
        genesis_validators_root,
    })
}

/// The root of an encoded state, decoded back (the tests' check of what was encoded).
#[cfg(test)]
fn state_root_of(preset: Preset, ssz: &[u8]) -> Result<B256, String> {
    fn root<P: PresetTypes>(ssz: &[u8]) -> Result<B256, String> {
        use ssz::Decode;
        BeaconState::<P>::from_ssz_bytes(ssz)
            .map(|s| s.tree_hash_root())
            .map_err(|e| format!("{e:?}"))
    }
    match preset {
        Preset::Mainnet => root::<MainnetPreset>(ssz),
        Preset::Minimal => root::<MinimalPreset>(ssz),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validators(n: usize) -> Vec<GenesisValidator> {
        (0..n)
            .map(|i| {
                let mut ikm = [0u8; 32];
                ikm[..8].copy_from_slice(&(i as u64).to_le_bytes());
                let sk = blst::min_pk::SecretKey::key_gen(&ikm, &[]).unwrap();
                GenesisValidator {
                    pubkey: BlsPubkey::from(sk.sk_to_pk().to_bytes()),
                    withdrawal_credentials: WithdrawalCredentials::Execution(Address::repeat_byte(
                        0x11,
                    ))
                    .to_bytes(),
                    balance: MIN_ACTIVATION_BALANCE,
                }
            })
            .collect()
    }

    #[test]
    fn state_round_trips_and_sizes_follow_the_preset() {
        let header = Header {
            timestamp: 7,
            ..Default::default()
        };
        let input = ClGenesisInput {
            preset: Preset::Minimal,
            genesis_time: 7,
            fork_version: [0x70, 0, 0, 1],
            el_header: &header,
            el_hash: B256::repeat_byte(0xaa),
        };
        let genesis = build(&input, &validators(16)).unwrap();
        assert_eq!(
            state_root_of(Preset::Minimal, &genesis.ssz).unwrap(),
            genesis.state_root
        );
        assert!(state_root_of(Preset::Mainnet, &genesis.ssz).is_err());
        let mainnet = build(
            &ClGenesisInput {
                preset: Preset::Mainnet,
                ..input
            },
            &validators(16),
        )
        .unwrap();
        assert!(
            mainnet.ssz.len() > genesis.ssz.len() + 2_000_000,
            "mainnet randao mixes are 2 MiB"
        );
        assert_eq!(
            mainnet.genesis_validators_root,
            genesis.genesis_validators_root
        );
    }

    #[test]
    fn withdrawal_credentials_layout() {
        let address = Address::repeat_byte(0x22);
        let bytes = WithdrawalCredentials::Compounding(address).to_bytes();
        assert_eq!(bytes[0], 0x02);
        assert_eq!(&bytes[1..12], &[0u8; 11]);
        assert_eq!(&bytes[12..], address.as_slice());
        assert_eq!(
            WithdrawalCredentials::Bls(BlsPubkey::ZERO).to_bytes()[0],
            0x00
        );
    }

    #[test]
    fn effective_balance_caps() {
        let v = |prefix: u8, balance| GenesisValidator {
            pubkey: BlsPubkey::ZERO,
            withdrawal_credentials: B256::from([prefix; 32]),
            balance,
        };
        assert_eq!(
            v(0x01, 40_500_000_000).effective_balance(),
            MIN_ACTIVATION_BALANCE
        );
        assert_eq!(v(0x02, 40_500_000_000).effective_balance(), 40_000_000_000);
    }

    #[test]
    fn rejects_empty_and_underfunded() {
        let header = Header::default();
        let input = ClGenesisInput {
            preset: Preset::Minimal,
            genesis_time: 0,
            fork_version: [0; 4],
            el_header: &header,
            el_hash: B256::ZERO,
        };
        assert_eq!(
            build(&input, &[]).unwrap_err(),
            ClGenesisError::NoValidators
        );
        let mut poor = validators(1);
        poor[0].balance = 1;
        assert!(matches!(
            build(&input, &poor),
            Err(ClGenesisError::BalanceTooLow { index: 0, .. })
        ));
    }
}
