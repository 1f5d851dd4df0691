//! The network spec: the chart values that decide the genesis and the keys.
//!
//! Values arrive in two steps, like ripgrep's low and high args: [`SpecFile`] mirrors the JSON
//! that the chart's `ethnet-spec-configmap.yaml` template renders (so helm, not ethnet, merges
//! `-f` files and `--set` flags), and [`SpecFile::validate`] turns it into a [`NetworkSpec`],
//! reporting every problem at once with the field, the value and the fix.

use std::collections::BTreeMap;

use alloy_genesis::GenesisAccount;
use alloy_primitives::{Address, Bytes, B256, U256};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::clients::{ClientProfile, ConsensusClient, ExecutionClient};
use super::error::{SpecErrors, SpecProblem};

mod schema;
pub use schema::values_schema_parts;

/// Chain ids of public networks; reusing one invites replayed transactions.
pub const PUBLIC_CHAIN_IDS: &[(u64, &str)] = &[
    (1, "mainnet"),
    (11155111, "sepolia"),
    (17000, "holesky"),
    (560048, "hoodi"),
];

/// The bounds and patterns of single values. Validation enforces them, and the values schema
/// generated from the raw types below ([`values_schema_parts`]) carries the same constants, so
/// `helm template` and ethnet refuse the same values.
pub mod limits {
    /// An inclusive range of whole numbers.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Range {
        /// Smallest value allowed.
        pub min: u64,
        /// Largest value allowed.
        pub max: u64,
    }

    /// Clients keep chain ids in 64 bits, but JSON tooling (helm's own values files among it)
    /// reads numbers as doubles, exact below 2^53 only.
    pub const CHAIN_ID: Range = Range {
        min: 1,
        max: (1 << 53) - 1,
    };
    /// Seconds per slot.
    pub const SLOT_SECONDS: Range = Range { min: 1, max: 60 };
    /// Seconds from generation to genesis: at most a week.
    pub const GENESIS_DELAY: Range = Range {
        min: 0,
        max: 7 * 24 * 3600,
    };
    /// Block gas limit: at least a transfer's; geth keeps it in an int64.
    pub const GAS_LIMIT: Range = Range {
        min: 5000,
        max: i64::MAX as u64,
    };
    /// Derived funded accounts.
    pub const ACCOUNTS: Range = Range {
        min: 0,
        max: 1_000_000,
    };
    /// Genesis validators.
    pub const VALIDATORS: Range = Range {
        min: 1,
        max: 2_000_000,
    };
    /// Nodes per group. Every group has one at least: the bootnodes are every node's static
    /// peers, and the RPC nodes serve the RPC Service, `accounts` and the examples.
    pub const REPLICAS: Range = Range { min: 1, max: 1000 };
    /// Epoch of a scheduled fork.
    pub const EPOCH: Range = Range {
        min: 0,
        max: u64::MAX,
    };

    /// Network name: a DNS label of at most 40 characters starting with a letter (it prefixes
    /// object names).
    pub const NETWORK_NAME: &str = "^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$";
    /// Wei, or any other 256-bit whole number: decimal or 0x-hex digits.
    pub const WHOLE_NUMBER: &str = "^([0-9]+|0[xX][0-9a-fA-F]+)$";
    /// An execution address.
    pub const ADDRESS: &str = "^0[xX][0-9a-fA-F]{40}$";
    /// Bytes as 0x-hex.
    pub const HEX_BYTES: &str = "^0x([0-9a-fA-F]{2})*$";
    /// A storage slot or value: 0x-hex of at most 32 bytes.
    pub const WORD: &str = "^0x[0-9a-fA-F]{1,64}$";
    /// Withdrawal credential prefixes of genesis validators.
    pub const WITHDRAWAL_TYPES: [&str; 3] = ["0x00", "0x01", "0x02"];
    /// Blob-parameter-only forks: the execution layer names five (bpo1..bpo5).
    pub const BLOB_FORKS: usize = 5;
    /// Blobs per block of a blob fork: at most MAX_BLOB_COMMITMENTS_PER_BLOCK (4096 in both
    /// presets), the most a block body's list holds.
    pub const BLOBS: Range = Range { min: 1, max: 4096 };
    /// A blob base fee update fraction.
    pub const BLOB_FEE_FRACTION: Range = Range {
        min: 1,
        max: (1 << 53) - 1,
    };
}

// ---------------------------------------------------------------------------------------------
// Raw values, exactly as helm renders them.
// ---------------------------------------------------------------------------------------------

/// The spec as rendered by helm, before validation. Unknown keys are typos and are rejected.
///
/// Values are kept as JSON so that validation can report every problem at once; the `schemars`
/// attributes describe what each one must be, and generate that part of values.schema.json.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    network: RawNetwork,
    accounts: RawAccounts,
    validators: RawValidators,
    nodes: BTreeMap<String, RawNodeGroup>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawNetwork {
    /// Network name, CONFIG_NAME of consensus clients
    #[schemars(with = "String", regex(pattern = limits::NETWORK_NAME))]
    name: Value,
    /// EIP-155 chain id, also the devp2p network id
    #[schemars(with = "u64", range(min = limits::CHAIN_ID.min, max = limits::CHAIN_ID.max))]
    chain_id: Value,
    /// Allow the chain id of a public network (replayed transactions)
    #[serde(default)]
    allow_public_chain_id: bool,
    #[schemars(with = "Consensus")]
    consensus: Value,
    #[schemars(with = "Preset")]
    preset: Value,
    /// Seconds per slot
    #[schemars(
        with = "u64",
        range(min = limits::SLOT_SECONDS.min, max = limits::SLOT_SECONDS.max)
    )]
    slot_seconds: Value,
    /// Seconds from generation to genesis
    #[schemars(
        with = "u64",
        range(min = limits::GENESIS_DELAY.min, max = limits::GENESIS_DELAY.max)
    )]
    genesis_delay: Value,
    /// Genesis block gas limit
    #[schemars(with = "u64", range(min = limits::GAS_LIMIT.min, max = limits::GAS_LIMIT.max))]
    gas_limit: Value,
    /// Activation epoch of each fork, or never
    #[schemars(schema_with = "schema::forks")]
    forks: BTreeMap<String, Value>,
    /// Blob-parameter-only forks (EIP-7892) after Fulu, in epoch order
    #[serde(default)]
    #[schemars(length(max = limits::BLOB_FORKS))]
    blob_forks: Vec<RawBlobFork>,
}

/// One blob-parameter-only fork.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawBlobFork {
    /// Epoch it activates at
    #[schemars(with = "u64", range(min = limits::EPOCH.min, max = limits::EPOCH.max))]
    epoch: Value,
    /// Blobs per block the fee market aims at
    #[schemars(with = "u64", range(min = limits::BLOBS.min, max = limits::BLOBS.max))]
    target: Value,
    /// Most blobs per block
    #[schemars(with = "u64", range(min = limits::BLOBS.min, max = limits::BLOBS.max))]
    max: Value,
    /// How fast the blob base fee moves (EIP-4844's BLOB_BASE_FEE_UPDATE_FRACTION)
    #[schemars(
        with = "u64",
        range(min = limits::BLOB_FEE_FRACTION.min, max = limits::BLOB_FEE_FRACTION.max)
    )]
    base_fee_update_fraction: Value,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawAccounts {
    /// Accounts derived from the mnemonic and funded at genesis
    #[schemars(with = "u64", range(min = limits::ACCOUNTS.min, max = limits::ACCOUNTS.max))]
    count: Value,
    /// Balance of each derived account in wei, decimal or 0x-hex
    #[schemars(schema_with = "schema::wei")]
    balance: Value,
    #[schemars(with = "AccountKdf")]
    keystore_kdf: Value,
    /// More genesis accounts, by address
    #[serde(default)]
    #[schemars(schema_with = "schema::alloc")]
    alloc: Option<BTreeMap<String, RawAllocAccount>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawAllocAccount {
    /// Balance in wei, decimal or 0x-hex
    #[schemars(required, schema_with = "schema::wei")]
    balance: Option<Value>,
    /// Account nonce, decimal or 0x-hex
    #[serde(default)]
    #[schemars(schema_with = "schema::nonce")]
    nonce: Option<Value>,
    /// Contract code, 0x-hex
    #[schemars(regex(pattern = limits::HEX_BYTES))]
    code: Option<String>,
    /// Storage slots: 0x-hex slot to 0x-hex value
    #[serde(default)]
    #[schemars(schema_with = "schema::storage")]
    storage: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawValidators {
    /// Genesis validators, split across the validator nodes
    #[schemars(with = "u64", range(min = limits::VALIDATORS.min, max = limits::VALIDATORS.max))]
    count: Value,
    #[schemars(with = "ValidatorKdf")]
    keystore_kdf: Value,
    /// Withdrawal credentials of the genesis validators
    #[serde(default)]
    withdrawal_credentials: Option<RawWithdrawalCredentials>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawWithdrawalCredentials {
    /// 0x00: BLS withdrawal keys; 0x01 and 0x02 (compounding): to the address
    #[serde(rename = "type")]
    #[schemars(schema_with = "schema::withdrawal_type")]
    kind: Value,
    /// Execution address of 0x01 and 0x02 credentials
    #[serde(default)]
    #[schemars(schema_with = "schema::optional_address")]
    address: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawNodeGroup {
    /// Number of nodes in the group
    #[schemars(with = "u64", range(min = limits::REPLICAS.min, max = limits::REPLICAS.max))]
    replicas: Value,
    execution: RawExecution,
    consensus: RawConsensus,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawExecution {
    #[schemars(with = "ExecutionClient")]
    client: Value,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawConsensus {
    #[schemars(with = "ConsensusClient")]
    client: Value,
}

// ---------------------------------------------------------------------------------------------
// The validated spec.
// ---------------------------------------------------------------------------------------------

/// A validated network spec: everything needed to build the genesis and the keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NetworkSpec {
    /// Chain parameters.
    pub network: Network,
    /// Funded accounts.
    pub accounts: Accounts,
    /// Genesis validators.
    pub validators: Validators,
    /// Node groups, in the order bootnodes, validators, rpc.
    pub nodes: Vec<NodeGroup>,
    /// Decisions ethnet took that the user may want to know about (an uneven validator split).
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// Chain parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Network {
    /// Network name (CONFIG_NAME for consensus clients).
    pub name: String,
    /// EIP-155 chain id, also the devp2p network id.
    pub chain_id: u64,
    /// Consensus mechanism.
    pub consensus: Consensus,
    /// Consensus-layer preset.
    pub preset: Preset,
    /// Seconds per slot.
    pub slot_seconds: u64,
    /// Seconds from generation to genesis.
    pub genesis_delay: u64,
    /// Genesis block gas limit.
    pub gas_limit: u64,
    /// Fork activation.
    pub forks: ForkSchedule,
    /// Blob-parameter-only forks, in epoch order (empty in manifests written before them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blob_forks: Vec<BlobFork>,
}

/// A blob-parameter-only fork ([EIP-7892](https://eips.ethereum.org/EIPS/eip-7892)): from its
/// epoch, new blob limits for both layers (the execution genesis' `bpo<N>`, config.yaml's
/// `BLOB_SCHEDULE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BlobFork {
    /// Activation epoch.
    pub epoch: u64,
    /// Target blobs per block.
    pub target: u64,
    /// Maximum blobs per block.
    pub max: u64,
    /// The blob base fee's update fraction.
    pub base_fee_update_fraction: u64,
}

/// Consensus mechanism of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Consensus {
    /// Proof-of-stake: execution + beacon + validator clients.
    Pos,
}

/// Consensus-layer preset ([consensus-specs presets](https://github.com/ethereum/consensus-specs/tree/dev/presets)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// 32 slots per epoch.
    Mainnet,
    /// 8 slots per epoch; for fast devnets.
    Minimal,
}

impl Preset {
    /// `SLOTS_PER_EPOCH` of the preset.
    pub const fn slots_per_epoch(self) -> u64 {
        match self {
            Self::Mainnet => 32,
            Self::Minimal => 8,
        }
    }

    /// Name as consensus clients spell it (`PRESET_BASE`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Mainnet => "mainnet",
            Self::Minimal => "minimal",
        }
    }
}

/// When a fork activates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ForkAt {
    /// At this epoch (0 is genesis).
    Epoch(u64),
    /// Not scheduled.
    Never,
}

/// A consensus fork paired with its execution-layer twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fork {
    /// Capella / Shanghai.
    Capella,
    /// Deneb / Cancun.
    Deneb,
    /// Electra / Prague.
    Electra,
    /// Fulu / Osaka.
    Fulu,
}

impl Fork {
    /// Every fork ethnet schedules, oldest first.
    pub const ALL: [Self; 4] = [Self::Capella, Self::Deneb, Self::Electra, Self::Fulu];

    /// Consensus-layer name, as used in values.yaml.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Capella => "capella",
            Self::Deneb => "deneb",
            Self::Electra => "electra",
            Self::Fulu => "fulu",
        }
    }

    /// Execution-layer name of the twin fork.
    pub const fn execution_name(self) -> &'static str {
        match self {
            Self::Capella => "shanghai",
            Self::Deneb => "cancun",
            Self::Electra => "prague",
            Self::Fulu => "osaka",
        }
    }
}

/// Activation of every scheduled fork. Forks activate in order; Capella is always at genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForkSchedule {
    /// Per fork, oldest first, matching [`Fork::ALL`].
    #[serde(flatten, serialize_with = "serialize_forks")]
    activations: [ForkAt; 4],
}

fn serialize_forks<S: serde::Serializer>(forks: &[ForkAt; 4], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(4))?;
    for (fork, at) in Fork::ALL.iter().zip(forks) {
        match at {
            ForkAt::Epoch(epoch) => map.serialize_entry(fork.name(), epoch)?,
            ForkAt::Never => map.serialize_entry(fork.name(), "never")?,
        }
    }
    map.end()
}

/// Reads what [`serialize_forks`] writes: every fork by name, an epoch or `"never"`.
impl<'de> Deserialize<'de> for ForkSchedule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum At {
            Epoch(u64),
            Word(String),
        }
        const NAMES: [&str; 4] = [
            Fork::Capella.name(),
            Fork::Deneb.name(),
            Fork::Electra.name(),
            Fork::Fulu.name(),
        ];
        let map = BTreeMap::<String, At>::deserialize(deserializer)?;
        if let Some(unknown) = map.keys().find(|k| !NAMES.contains(&k.as_str())) {
            return Err(D::Error::unknown_field(unknown, &NAMES));
        }
        let mut activations = [ForkAt::Never; 4];
        for (slot, name) in activations.iter_mut().zip(NAMES) {
            *slot = match map.get(name) {
                Some(At::Epoch(epoch)) => ForkAt::Epoch(*epoch),
                Some(At::Word(word)) if word == "never" => ForkAt::Never,
                Some(At::Word(word)) => {
                    return Err(D::Error::custom(format!(
                        "fork {name}: {word:?} is neither an epoch nor \"never\""
                    )))
                }
                None => return Err(D::Error::missing_field(name)),
            };
        }
        Ok(Self { activations })
    }
}

impl ForkSchedule {
    /// Every fork at genesis: the current mainnet fork and all before it.
    pub const ALL_AT_GENESIS: Self = Self {
        activations: [ForkAt::Epoch(0); 4],
    };

    /// When `fork` activates.
    pub fn at(&self, fork: Fork) -> ForkAt {
        self.activations[fork as usize]
    }

    /// The newest fork active at genesis.
    pub fn genesis_fork(&self) -> Fork {
        Fork::ALL
            .into_iter()
            .rev()
            .find(|fork| self.at(*fork) == ForkAt::Epoch(0))
            .unwrap_or(Fork::Capella)
    }

    /// Returns a copy with `fork` set to `at` (later forks are not adjusted).
    pub fn with(mut self, fork: Fork, at: ForkAt) -> Self {
        self.activations[fork as usize] = at;
        self
    }
}

/// Funded accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Accounts {
    /// How many accounts to derive from the mnemonic and fund.
    pub count: u32,
    /// Balance of each derived account, in wei.
    pub balance: U256,
    /// Keystore KDF strength.
    pub keystore_kdf: AccountKdf,
    /// User-supplied genesis accounts.
    pub alloc: BTreeMap<Address, GenesisAccount>,
}

/// Scrypt strength for account keystores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AccountKdf {
    /// n = 2^18, r = 8, p = 1: what geth writes by default.
    Standard,
    /// n = 2^12, r = 8, p = 6: geth's `--lightkdf`; devnets only.
    Light,
}

/// Genesis validators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Validators {
    /// Number of genesis validators.
    pub count: u32,
    /// Keystore KDF strength.
    pub keystore_kdf: ValidatorKdf,
    /// Where genesis validators withdraw to.
    pub withdrawal_credentials: WithdrawalCredentialsSpec,
}

/// Withdrawal credentials of the genesis validators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum WithdrawalCredentialsSpec {
    /// 0x00: each validator's BLS withdrawal key (m/12381/3600/i/0), from the mnemonic.
    #[serde(rename = "0x00")]
    Bls,
    /// 0x01: withdrawals go to `address`.
    #[serde(rename = "0x01")]
    Execution {
        /// Withdrawal address.
        address: Address,
    },
    /// 0x02: compounding credentials (EIP-7251); withdrawals go to `address`.
    #[serde(rename = "0x02")]
    Compounding {
        /// Withdrawal address.
        address: Address,
    },
}

/// PBKDF2 strength for EIP-2335 validator keystores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ValidatorKdf {
    /// pbkdf2-sha256 with c = 262144, as the EIP-2335 reference.
    Standard,
    /// pbkdf2-sha256 with c = 2: unlocks instantly; devnets only, insecure.
    Fast,
}

/// What nodes of a group do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// First contact for every other node.
    Bootnode,
    /// Holds validator keys and runs a validator client.
    Validator,
    /// Serves JSON-RPC and the beacon API to users.
    Rpc,
}

impl Role {
    /// Every role, in node order.
    pub const ALL: [Self; 3] = [Self::Bootnode, Self::Validator, Self::Rpc];

    /// Singular name, used in node names (`validator-0`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Bootnode => "bootnode",
            Self::Validator => "validator",
            Self::Rpc => "rpc",
        }
    }

    /// The name of this role's node `ordinal`: `<role>-<ordinal>`.
    pub fn node_name(self, ordinal: u32) -> String {
        format!("{}-{ordinal}", self.name())
    }

    /// Key under `nodes:` in values.yaml.
    pub const fn values_key(self) -> &'static str {
        match self {
            Self::Bootnode => "bootnodes",
            Self::Validator => "validators",
            Self::Rpc => "rpc",
        }
    }
}

/// A group of identical nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroup {
    /// What the nodes do.
    pub role: Role,
    /// How many nodes.
    pub replicas: u32,
    /// Execution client.
    pub execution_client: ExecutionClient,
    /// Consensus client.
    pub consensus_client: ConsensusClient,
}

impl NetworkSpec {
    /// This spec without its notes: what the manifest keeps (notes are for the run that
    /// validated the spec).
    pub fn without_notes(&self) -> Self {
        Self {
            notes: Vec::new(),
            ..self.clone()
        }
    }

    /// The group with `role`.
    pub fn group(&self, role: Role) -> &NodeGroup {
        self.nodes
            .iter()
            .find(|g| g.role == role)
            .expect("validate() creates every group")
    }

    /// Validator index ranges per validator node: contiguous, the first nodes taking one extra
    /// validator each when the count does not divide evenly.
    pub fn validator_split(&self) -> Vec<std::ops::Range<u32>> {
        split_evenly(self.validators.count, self.group(Role::Validator).replicas)
    }
}

fn split_evenly(count: u32, parts: u32) -> Vec<std::ops::Range<u32>> {
    let (base, extra) = (count / parts, count % parts);
    let mut start = 0;
    (0..parts)
        .map(|i| {
            let len = base + u32::from(i < extra);
            let range = start..start + len;
            start += len;
            range
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Validation.
// ---------------------------------------------------------------------------------------------

impl SpecFile {
    /// Parses the spec JSON that the chart renders. Type errors name the JSON path.
    pub fn from_json(json: &str) -> Result<Self, SpecErrors> {
        let de = &mut serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(de).map_err(|err| {
            let field = err.path().to_string();
            let inner = err.into_inner().to_string();
            let message = match inner.strip_prefix("unknown field ") {
                Some(rest) => format!(
                    "unknown field {}; check the spelling against the chart's values.yaml",
                    rest.split(" at line").next().unwrap_or(rest)
                ),
                None => inner.split(" at line").next().unwrap_or(&inner).to_string(),
            };
            SpecErrors(vec![SpecProblem::new(field, message)])
        })
    }

    /// Checks every value and returns the typed spec, or all the problems found.
    pub fn validate(&self) -> Result<NetworkSpec, SpecErrors> {
        let mut v = Validator::default();
        let network = v.network(&self.network);
        let accounts = v.accounts(&self.accounts);
        let validators = v.validators(&self.validators);
        let nodes = v.nodes(&self.nodes);
        if !v.problems.is_empty() {
            return Err(SpecErrors(v.problems));
        }
        let spec = NetworkSpec {
            network: network.expect("no problems"),
            accounts: accounts.expect("no problems"),
            validators: validators.expect("no problems"),
            nodes: nodes.expect("no problems"),
            notes: Vec::new(),
        };
        check_client_limits(&spec)?;
        check_validator_split(spec)
    }
}

/// Each group's clients must run the network: its preset, its slot time, its forks.
fn check_client_limits(spec: &NetworkSpec) -> Result<(), SpecErrors> {
    let mut problems = Vec::new();
    for group in &spec.nodes {
        let key = group.role.values_key();
        let execution = group.execution_client;
        let consensus = group.consensus_client;
        problems.extend(
            [
                ("execution", execution.name(), execution.profile()),
                ("consensus", consensus.name(), consensus.profile()),
            ]
            .into_iter()
            .flat_map(|(layer, client, profile)| {
                profile_problems(
                    &spec.network,
                    &format!("nodes.{key}.{layer}.client"),
                    client,
                    profile,
                )
            }),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SpecErrors(problems))
    }
}

/// What keeps `client` (at `field`) from running `network`, per its profile.
fn profile_problems(
    network: &Network,
    field: &str,
    client: &str,
    profile: ClientProfile,
) -> Vec<SpecProblem> {
    let mut problems = Vec::new();
    if !profile.presets.contains(&network.preset) || network.slot_seconds < profile.min_slot_seconds
    {
        problems.push(SpecProblem::new(
            field,
            format!(
                "{client} cannot run network.preset {} with network.slotSeconds {}: {}; use \
                 network.preset mainnet and slotSeconds >= {}, or another client",
                network.preset.as_str(),
                network.slot_seconds,
                profile.why,
                profile.min_slot_seconds
            ),
        ));
    }
    let scheduled = |fork: &Fork| network.forks.at(*fork) != ForkAt::Never;
    let unknown = Fork::ALL
        .into_iter()
        .rfind(|fork| scheduled(fork) && *fork > profile.newest_fork);
    if let Some(fork) = unknown {
        problems.push(SpecProblem::new(
            field,
            format!(
                "{client} does not know fork {}, which network.forks schedules ({}); set \
                 network.forks.{} to never, or pick another client",
                fork.name(),
                profile.why,
                fork.name()
            ),
        ));
    }
    problems
}

fn check_validator_split(mut spec: NetworkSpec) -> Result<NetworkSpec, SpecErrors> {
    let (count, nodes) = (spec.validators.count, spec.group(Role::Validator).replicas);
    if count < nodes {
        return Err(SpecErrors(vec![SpecProblem::new(
            "validators.count",
            format!(
                "{count} validators cannot be split across {nodes} validator nodes (each needs at \
                 least one); raise validators.count to at least {nodes} or lower \
                 nodes.validators.replicas to {count}"
            ),
        )]));
    }
    if count % nodes != 0 {
        let sizes: Vec<String> = spec
            .validator_split()
            .iter()
            .map(|r| (r.end - r.start).to_string())
            .collect();
        spec.notes.push(format!(
            "validators.count {count} does not divide evenly across {nodes} validator nodes; \
             split as {} (the first nodes take one more)",
            sizes.join(" + ")
        ));
    }
    Ok(spec)
}

/// Collects problems while validating field by field.
#[derive(Default)]
struct Validator {
    problems: Vec<SpecProblem>,
}

impl Validator {
    fn problem(&mut self, field: &str, message: String) {
        self.problems.push(SpecProblem::new(field, message));
    }

    /// A non-negative whole number, as a JSON number (helm reads values files' numbers as
    /// doubles, exact below 2^53; `--set` gives 64-bit integers).
    fn integer(&mut self, field: &str, value: &Value) -> Option<u64> {
        let parsed = match value {
            Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 2f64.powi(53))
                    .map(|f| f as u64)
            }),
            _ => None,
        };
        if parsed.is_none() {
            let hint = match value {
                Value::Number(n) if n.as_i64().is_some_and(|i| i < 0) => "it must not be negative",
                _ => "expected a whole number",
            };
            self.problem(field, format!("{} is not valid: {hint}", show(value)));
        }
        parsed
    }

    /// A whole number in `range`.
    fn bounded(
        &mut self,
        field: &str,
        value: &Value,
        range: limits::Range,
        fix: &str,
    ) -> Option<u64> {
        let n = self.integer(field, value)?;
        let limits::Range { min, max } = range;
        if n < min || n > max {
            self.problem(field, format!("{n} is out of range {min}..={max}; {fix}"));
            return None;
        }
        Some(n)
    }

    /// One of the names `T` deserialises from (a unit enum): the names come from the type.
    fn choice<T: DeserializeOwned + JsonSchema>(
        &mut self,
        field: &str,
        value: &Value,
    ) -> Option<T> {
        let parsed = T::deserialize(value).ok();
        if parsed.is_none() {
            self.problem(
                field,
                format!(
                    "{} is not one of {}",
                    show(value),
                    schema::names_of::<T>().join(", ")
                ),
            );
        }
        parsed
    }

    fn network(&mut self, raw: &RawNetwork) -> Option<Network> {
        let name = match raw.name.as_str() {
            Some(n) if is_dns_label(n) && n.len() <= 40 => Some(n.to_string()),
            _ => {
                self.problem(
                    "network.name",
                    format!(
                        "{} is not valid; use 1 to 40 lowercase letters, digits and dashes, \
                         starting with a letter (for example: devnet)",
                        show(&raw.name)
                    ),
                );
                None
            }
        };
        let chain_id = self.chain_id(raw);
        let consensus = match raw.consensus.as_str() {
            Some(other @ ("qbft" | "clique")) => {
                self.problem(
                    "network.consensus",
                    format!("\"{other}\" is not supported yet; use \"pos\""),
                );
                None
            }
            _ => self.choice("network.consensus", &raw.consensus),
        };
        let preset = self.choice("network.preset", &raw.preset);
        let slot_seconds = self.bounded(
            "network.slotSeconds",
            &raw.slot_seconds,
            limits::SLOT_SECONDS,
            "use 12 like mainnet, or 2 to 6 for a fast devnet",
        );
        let genesis_delay = self.bounded(
            "network.genesisDelay",
            &raw.genesis_delay,
            limits::GENESIS_DELAY,
            "use the seconds nodes need to start, for example 120",
        );
        let gas_limit = self.bounded(
            "network.gasLimit",
            &raw.gas_limit,
            limits::GAS_LIMIT,
            "use a block gas limit such as 60000000",
        );
        let forks = self.forks(&raw.forks);
        let blob_forks = forks
            .as_ref()
            .and_then(|forks| self.blob_forks(&raw.blob_forks, forks));
        Some(Network {
            name: name?,
            chain_id: chain_id?,
            consensus: consensus?,
            preset: preset?,
            slot_seconds: slot_seconds?,
            genesis_delay: genesis_delay?,
            gas_limit: gas_limit?,
            forks: forks?,
            blob_forks: blob_forks?,
        })
    }

    fn chain_id(&mut self, raw: &RawNetwork) -> Option<u64> {
        let id = self.integer("network.chainId", &raw.chain_id)?;
        if id == 0 {
            self.problem(
                "network.chainId",
                "0 is not a valid chain id (EIP-155); pick an unused id such as 3151908".into(),
            );
            return None;
        }
        if id > limits::CHAIN_ID.max {
            self.problem(
                "network.chainId",
                format!("{id} is too large for JSON tooling; use an id below 2^53"),
            );
            return None;
        }
        if let Some((_, public)) = PUBLIC_CHAIN_IDS.iter().find(|(pid, _)| *pid == id) {
            if !raw.allow_public_chain_id {
                self.problem(
                    "network.chainId",
                    format!(
                        "{id} is the chain id of {public}; pick another id, or set \
                         network.allowPublicChainId=true if you really mean it"
                    ),
                );
                return None;
            }
        }
        Some(id)
    }

    fn forks(&mut self, raw: &BTreeMap<String, Value>) -> Option<ForkSchedule> {
        let mut activations = [ForkAt::Never; 4];
        let mut ok = true;
        for key in raw.keys() {
            if !Fork::ALL.iter().any(|f| f.name() == key) {
                let names: Vec<_> = Fork::ALL.iter().map(|f| f.name()).collect();
                self.problem(
                    &format!("network.forks.{key}"),
                    format!("unknown fork; schedule one of {}", names.join(", ")),
                );
                ok = false;
            }
        }
        for fork in Fork::ALL {
            let field = format!("network.forks.{}", fork.name());
            activations[fork as usize] = match raw.get(fork.name()) {
                None => {
                    self.problem(
                        &field,
                        "missing; set an epoch (0 is genesis) or never".into(),
                    );
                    ok = false;
                    continue;
                }
                Some(Value::String(s)) if s == "never" => ForkAt::Never,
                Some(value) => match self.integer(&field, value) {
                    Some(epoch) => ForkAt::Epoch(epoch),
                    None => {
                        ok = false;
                        continue;
                    }
                },
            };
        }
        if !ok {
            return None;
        }
        if activations[Fork::Capella as usize] != ForkAt::Epoch(0) {
            self.problem(
                "network.forks.capella",
                "ethnet networks start at Capella or later; set network.forks.capella to 0".into(),
            );
            return None;
        }
        for pair in Fork::ALL.windows(2) {
            let (prev, next) = (pair[0], pair[1]);
            if activations[next as usize] < activations[prev as usize] {
                self.problem(
                    &format!("network.forks.{}", next.name()),
                    format!(
                        "{} activates before {} ({}); forks activate in order, so schedule it at \
                         or after {}",
                        next.name(),
                        prev.name(),
                        show_fork(activations[prev as usize]),
                        show_fork(activations[prev as usize]),
                    ),
                );
                return None;
            }
        }
        // The genesis state builder (cl_genesis) lays out Fulu's BeaconState only, so far.
        if activations[Fork::Fulu as usize] != ForkAt::Epoch(0) {
            self.problem(
                "network.forks.fulu",
                format!(
                    "{}: ethnet builds the consensus genesis state for Fulu, the current mainnet \
                     fork, so far; set network.forks.fulu (and every fork before it) to 0",
                    show_fork(activations[Fork::Fulu as usize])
                ),
            );
            return None;
        }
        Some(ForkSchedule { activations })
    }

    /// Blob-parameter-only forks: each after Fulu's activation, in increasing epochs (consensus
    /// clients pick the entry with the highest epoch reached; two at one epoch would be
    /// ambiguous), target at most max, as many as the execution layer names (bpo1..bpo5).
    fn blob_forks(&mut self, raw: &[RawBlobFork], forks: &ForkSchedule) -> Option<Vec<BlobFork>> {
        if raw.len() > limits::BLOB_FORKS {
            self.problem(
                "network.blobForks",
                format!(
                    "{} blob-parameter-only forks; the execution layer names {} at most \
                     (bpo1..bpo{})",
                    raw.len(),
                    limits::BLOB_FORKS,
                    limits::BLOB_FORKS
                ),
            );
            return None;
        }
        let mut parsed = Vec::new();
        for (i, entry) in raw.iter().enumerate() {
            let field = |name: &str| format!("network.blobForks.{i}.{name}");
            let blobs = "blobs per block, at most MAX_BLOB_COMMITMENTS_PER_BLOCK (4096)";
            let epoch = self.bounded(&field("epoch"), &entry.epoch, limits::EPOCH, "an epoch");
            let target = self.bounded(&field("target"), &entry.target, limits::BLOBS, blobs);
            let max = self.bounded(&field("max"), &entry.max, limits::BLOBS, blobs);
            let fraction = self.bounded(
                &field("baseFeeUpdateFraction"),
                &entry.base_fee_update_fraction,
                limits::BLOB_FEE_FRACTION,
                "mainnet's BPO2 uses 11684671",
            );
            let (Some(epoch), Some(target), Some(max), Some(fraction)) =
                (epoch, target, max, fraction)
            else {
                continue;
            };
            parsed.push((
                i,
                BlobFork {
                    epoch,
                    target,
                    max,
                    base_fee_update_fraction: fraction,
                },
            ));
        }
        if parsed.len() != raw.len() {
            return None;
        }
        let fulu = forks.at(Fork::Fulu);
        let mut previous: Option<u64> = None;
        let mut ok = true;
        for (i, fork) in &parsed {
            let field = |name: &str| format!("network.blobForks.{i}.{name}");
            if fork.target > fork.max {
                self.problem(
                    &field("target"),
                    format!(
                        "{} is above max {}; the target is at most the maximum",
                        fork.target, fork.max
                    ),
                );
                ok = false;
            }
            if ForkAt::Epoch(fork.epoch) < fulu {
                self.problem(
                    &field("epoch"),
                    format!(
                        "{} is before Fulu ({}): blob-parameter-only forks follow Fulu; \
                         schedule it at or after network.forks.fulu",
                        fork.epoch,
                        show_fork(fulu)
                    ),
                );
                ok = false;
            }
            if previous.is_some_and(|p| fork.epoch <= p) {
                self.problem(
                    &field("epoch"),
                    format!(
                        "{} is not after the previous blob fork's epoch {}: list them in \
                         increasing epochs, one per epoch",
                        fork.epoch,
                        previous.unwrap_or_default()
                    ),
                );
                ok = false;
            }
            previous = Some(fork.epoch);
        }
        ok.then(|| parsed.into_iter().map(|(_, fork)| fork).collect())
    }

    fn accounts(&mut self, raw: &RawAccounts) -> Option<Accounts> {
        let count = self.bounded(
            "accounts.count",
            &raw.count,
            limits::ACCOUNTS,
            "fund at most a million derived accounts; use accounts.alloc for more",
        );
        let balance = self.wei("accounts.balance", &raw.balance);
        let keystore_kdf = self.choice("accounts.keystoreKdf", &raw.keystore_kdf);
        let alloc = self.alloc(raw.alloc.as_ref());
        Some(Accounts {
            count: count? as u32,
            balance: balance?,
            keystore_kdf: keystore_kdf?,
            alloc: alloc?,
        })
    }

    /// A wei amount: a decimal or 0x-hex string, or a JSON integer small enough to be exact.
    fn wei(&mut self, field: &str, value: &Value) -> Option<U256> {
        let parsed = match value {
            Value::String(s) => parse_wei(s),
            Value::Number(n) if n.as_u64().is_some() => Ok(U256::from(n.as_u64().unwrap())),
            Value::Number(_) => Err("is not an exact integer (helm turns large numbers into \
                                     floats); quote it as a string, for example \
                                     \"1000000000000000000\""
                .to_string()),
            _ => Err("expected wei as a decimal or 0x-hex string".to_string()),
        };
        match parsed {
            Ok(wei) => Some(wei),
            Err(why) => {
                self.problem(field, format!("{} {why}", show(value)));
                None
            }
        }
    }

    fn alloc(
        &mut self,
        raw: Option<&BTreeMap<String, RawAllocAccount>>,
    ) -> Option<BTreeMap<Address, GenesisAccount>> {
        let mut alloc = BTreeMap::new();
        let mut ok = true;
        for (key, entry) in raw.into_iter().flatten() {
            let field = format!("accounts.alloc.{key}");
            let Some(address) = self.address(&field, key) else {
                ok = false;
                continue;
            };
            if alloc.contains_key(&address) {
                self.problem(
                    &field,
                    format!("duplicate address: {address} is already listed in another spelling; keep one entry"),
                );
                ok = false;
                continue;
            }
            match self.alloc_account(&field, entry) {
                Some(account) => {
                    alloc.insert(address, account);
                }
                None => ok = false,
            }
        }
        ok.then_some(alloc)
    }

    fn address(&mut self, field: &str, text: &str) -> Option<Address> {
        let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
        let Some(hex) = hex.filter(|h| h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        else {
            self.problem(
                field,
                format!("\"{text}\" is not an address; write 0x followed by 40 hex digits"),
            );
            return None;
        };
        let mixed_case = hex.bytes().any(|b| b.is_ascii_lowercase())
            && hex.bytes().any(|b| b.is_ascii_uppercase());
        if mixed_case && Address::parse_checksummed(text, None).is_err() {
            self.problem(
                field,
                format!(
                    "\"{text}\" fails its EIP-55 checksum (a typo?); check it, or write it in \
                     lower case"
                ),
            );
            return None;
        }
        hex.parse().ok()
    }

    fn alloc_account(&mut self, field: &str, raw: &RawAllocAccount) -> Option<GenesisAccount> {
        let balance = match &raw.balance {
            Some(value) => self.wei(&format!("{field}.balance"), value),
            None => {
                self.problem(
                    &format!("{field}.balance"),
                    "missing; give every alloc entry a balance in wei (\"0\" is fine)".into(),
                );
                None
            }
        };
        let nonce = match &raw.nonce {
            Some(value) => Some(self.nonce(&format!("{field}.nonce"), value)?),
            None => None,
        };
        let code = match &raw.code {
            Some(code) => Some(self.hex_bytes(&format!("{field}.code"), code)?),
            None => None,
        };
        let storage = match &raw.storage {
            Some(slots) => Some(self.storage(&format!("{field}.storage"), slots)?),
            None => None,
        };
        Some(
            GenesisAccount::default()
                .with_balance(balance?)
                .with_nonce(nonce)
                .with_code(code)
                .with_storage(storage),
        )
    }

    /// A nonce: a JSON number, or a decimal or 0x-hex string (as genesis files write it).
    fn nonce(&mut self, field: &str, value: &Value) -> Option<u64> {
        let Value::String(text) = value else {
            return self.integer(field, value);
        };
        match parse_wei(text).map(u64::try_from) {
            Ok(Ok(nonce)) => Some(nonce),
            Ok(Err(_)) => {
                self.problem(
                    field,
                    format!("\"{text}\" is larger than a nonce's 64 bits"),
                );
                None
            }
            Err(why) => {
                self.problem(
                    field,
                    format!("\"{text}\" {}", why.replace("wei", "a nonce")),
                );
                None
            }
        }
    }

    fn hex_bytes(&mut self, field: &str, text: &str) -> Option<Bytes> {
        match text.strip_prefix("0x").map(hex::decode) {
            Some(Ok(bytes)) => Some(bytes.into()),
            _ => {
                self.problem(
                    field,
                    "is not 0x-prefixed hex with an even number of digits".into(),
                );
                None
            }
        }
    }

    /// Storage slots; zero values are dropped because they do not exist in the state trie.
    fn storage(
        &mut self,
        field: &str,
        raw: &BTreeMap<String, String>,
    ) -> Option<BTreeMap<B256, B256>> {
        let mut slots = BTreeMap::new();
        for (key, value) in raw {
            let (Some(k), Some(v)) = (parse_word(key), parse_word(value)) else {
                self.problem(
                    &format!("{field}.{key}"),
                    format!(
                        "slot and value must be 0x-hex of at most 32 bytes (got {key}: {value})"
                    ),
                );
                return None;
            };
            if !v.is_zero() {
                slots.insert(k, v);
            }
        }
        Some(slots)
    }

    fn validators(&mut self, raw: &RawValidators) -> Option<Validators> {
        let count = self.bounded(
            "validators.count",
            &raw.count,
            limits::VALIDATORS,
            "a network needs at least one genesis validator",
        );
        let keystore_kdf = self.choice("validators.keystoreKdf", &raw.keystore_kdf);
        let withdrawal_credentials =
            self.withdrawal_credentials(raw.withdrawal_credentials.as_ref());
        Some(Validators {
            count: count? as u32,
            keystore_kdf: keystore_kdf?,
            withdrawal_credentials: withdrawal_credentials?,
        })
    }

    fn withdrawal_credentials(
        &mut self,
        raw: Option<&RawWithdrawalCredentials>,
    ) -> Option<WithdrawalCredentialsSpec> {
        let Some(raw) = raw else {
            return Some(WithdrawalCredentialsSpec::Bls);
        };
        let field = "validators.withdrawalCredentials";
        let kind = match raw.kind.as_str() {
            Some(kind) if limits::WITHDRAWAL_TYPES.contains(&kind) => kind,
            _ => {
                self.problem(
                    &format!("{field}.type"),
                    format!(
                        "{} is not one of {}",
                        show(&raw.kind),
                        limits::WITHDRAWAL_TYPES.join(", ")
                    ),
                );
                return None;
            }
        };
        let address = raw.address.as_deref().filter(|a| !a.is_empty());
        match (kind, address) {
            ("0x00", None) => Some(WithdrawalCredentialsSpec::Bls),
            ("0x00", Some(_)) => {
                self.problem(
                    &format!("{field}.address"),
                    "0x00 credentials use each validator's BLS withdrawal key, not an address; \
                     remove the address or use type 0x01"
                        .into(),
                );
                None
            }
            (_, None) => {
                self.problem(
                    &format!("{field}.address"),
                    format!("type {kind} withdraws to an execution address; set one"),
                );
                None
            }
            (kind, Some(text)) => {
                let address = self.address(&format!("{field}.address"), text)?;
                Some(if kind == "0x01" {
                    WithdrawalCredentialsSpec::Execution { address }
                } else {
                    WithdrawalCredentialsSpec::Compounding { address }
                })
            }
        }
    }

    fn nodes(&mut self, raw: &BTreeMap<String, RawNodeGroup>) -> Option<Vec<NodeGroup>> {
        let mut ok = true;
        for key in raw.keys() {
            if !Role::ALL.iter().any(|r| r.values_key() == key) {
                self.problem(
                    &format!("nodes.{key}"),
                    "unknown node group; use bootnodes, validators or rpc".into(),
                );
                ok = false;
            }
        }
        let mut groups = Vec::new();
        for role in Role::ALL {
            let field = format!("nodes.{}", role.values_key());
            let Some(g) = raw.get(role.values_key()) else {
                self.problem(&field, "missing; every network has this node group".into());
                ok = false;
                continue;
            };
            let replicas = self.bounded(
                &format!("{field}.replicas"),
                &g.replicas,
                limits::REPLICAS,
                "every network has at least one node of each group",
            );
            let el = self.choice(&format!("{field}.execution.client"), &g.execution.client);
            let cl = self.choice(&format!("{field}.consensus.client"), &g.consensus.client);
            match (replicas, el, cl) {
                (Some(replicas), Some(el), Some(cl)) => groups.push(NodeGroup {
                    role,
                    replicas: replicas as u32,
                    execution_client: el,
                    consensus_client: cl,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(groups)
    }
}

/// Parses wei from a decimal or 0x-hex string, rejecting overflow past 256 bits.
pub fn parse_wei(text: &str) -> Result<U256, String> {
    let (digits, radix) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (text, 10),
    };
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| {
            if radix == 16 {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return Err(
            "is not wei; write a decimal or 0x-hex whole number (no units, signs or \
                    decimal points)"
                .into(),
        );
    }
    U256::from_str_radix(digits, radix)
        .map_err(|_| "overflows 256 bits; the largest balance is 2^256 - 1 wei".into())
}

fn parse_word(text: &str) -> Option<B256> {
    let hex = text.strip_prefix("0x")?;
    if hex.is_empty() || hex.len() > 64 {
        return None;
    }
    U256::from_str_radix(hex, 16).ok().map(B256::from)
}

fn is_dns_label(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn show(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

fn show_fork(at: ForkAt) -> String {
    match at {
        ForkAt::Epoch(e) => format!("epoch {e}"),
        ForkAt::Never => "never".into(),
    }
}

#[cfg(test)]
mod tests;

/// Helpers for tests, here and in the crates that use this one (feature `test-support`): the
/// chart's default spec, edited.
#[cfg(any(test, feature = "test-support"))]
pub mod tests_support {
    use super::*;

    /// The chart's default spec with `edit` applied.
    pub fn spec_with(edit: impl FnOnce(&mut NetworkSpec)) -> NetworkSpec {
        let json = include_str!("../../tests/fixtures/default-spec.json");
        let mut spec = SpecFile::from_json(json).unwrap().validate().unwrap();
        edit(&mut spec);
        spec
    }
}
