//! Spec → artifacts: the whole pure pipeline, and the file layout the chart consumes.
//!
//! [`generate`] takes a validated spec, the genesis time and a random source, and returns
//! every genesis file, key and secret in memory. [`Artifacts::files`] lays them out as the
//! files of docs/artifacts.md; writing them to disk or seeding them into a cluster is the
//! edges' job. Nothing here reads the clock, the disk or the OS random source.

use std::{collections::BTreeMap, ops::Range};

use alloy_genesis::Genesis;
use alloy_primitives::{Address, B256};
use bip39::Mnemonic;
use rand::{CryptoRng, Rng, RngCore};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{
    accounts::{self, FundedAccount},
    cl_config,
    cl_genesis::{
        self, BlsPubkey, ClGenesis, ClGenesisInput, GenesisValidator, WithdrawalCredentials,
    },
    clients::{ConsensusClient, ExecutionClient},
    el_genesis,
    error::{CoreError, ManifestError},
    genesis_hash,
    identity::{self, NodeIdentity, NodeKeys},
    keystore::{self, Keystore, KeystoreNonces, ScryptParams},
    spec::{NetworkSpec, NodeGroup, Role, WithdrawalCredentialsSpec},
    validator_keys::{self, Eip2335Keystore, KeystoreInputs, ValidatorKey},
};

/// Name of the manifest file at the top of an artifacts directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Helm values file carrying the public identities (`-f DIR/ethnet-values.yaml`).
pub const VALUES_FILE: &str = "ethnet-values.yaml";
/// Directory of the Secret sets.
pub const SECRETS_DIR: &str = "secrets";

/// The artifact sets: each is one ConfigMap or Secret `<release>-<set>` and one directory of
/// the artifacts directory (`<set>/`, or `secrets/<set>/` for a Secret).
pub mod sets {
    /// The public genesis files (a ConfigMap).
    pub const GENESIS: &str = "genesis";
    /// The engine API's JWT secret.
    pub const JWT: &str = "jwt";
    /// The mnemonic and the funded accounts' keystores.
    pub const ACCOUNTS: &str = "accounts";
    /// The ethstats dashboard's secret.
    pub const ETHSTATS: &str = "ethstats";
    /// Prefix of the sets holding one node's keys: `node-<name>`.
    pub const NODE_PREFIX: &str = "node-";
}

/// The keys (file names) inside the sets, as the chart's templates and init script read them;
/// ci/chart-test.sh checks every name they read against objects made from these.
pub mod keys {
    /// Execution genesis (`genesis`).
    pub const GENESIS_JSON: &str = "genesis.json";
    /// Genesis block hash (`genesis`).
    pub const GENESIS_HASH: &str = "genesis-hash";
    /// Consensus config (`genesis`; lighthouse's testnet-dir name).
    pub const CL_CONFIG: &str = "config.yaml";
    /// Gzipped genesis state (`genesis`; a ConfigMap's binaryData).
    pub const GENESIS_SSZ_GZ: &str = "genesis.ssz.gz";
    /// Genesis validators root (`genesis`).
    pub const GENESIS_VALIDATORS_ROOT: &str = "genesis-validators-root";
    /// lighthouse --testnet-dir reads these three beside config.yaml (`genesis`).
    pub const DEPLOY_BLOCK: &str = "deploy_block.txt";
    /// Block of the deposit contract (`genesis`).
    pub const DEPOSIT_CONTRACT_BLOCK: &str = "deposit_contract_block.txt";
    /// Hash of that block (`genesis`).
    pub const DEPOSIT_CONTRACT_BLOCK_HASH: &str = "deposit_contract_block_hash.txt";
    /// Engine API secret, hex (`jwt`).
    pub const JWT: &str = "jwt.hex";
    /// BIP-39 mnemonic (`accounts`).
    pub const MNEMONIC: &str = "mnemonic";
    /// Ethstats secret (`ethstats`).
    pub const ETHSTATS_SECRET: &str = "secret";
    /// geth's node key, hex (`node-<name>`).
    pub const EL_NODEKEY: &str = "el-nodekey";
    /// The consensus libp2p secp256k1 key, raw (`node-<name>`).
    pub const CL_NETWORK_KEY: &str = "cl-network-key";
    /// lodestar's peer-id.json (`node-<name>`).
    pub const CL_PEER_ID: &str = "cl-peer-id.json";

    /// Ending of a keystore's key: `<address>.json` (`accounts`), `<0xpubkey>.json`
    /// (`node-<name>`, where the init script finds a validator's keystores by it).
    pub const KEYSTORE_SUFFIX: &str = ".json";

    /// A funded account's keystore (`accounts`).
    pub fn account_keystore(checksummed_address: &str) -> String {
        format!("{checksummed_address}{KEYSTORE_SUFFIX}")
    }

    /// A funded account's keystore password (`accounts`).
    pub fn account_password(checksummed_address: &str) -> String {
        format!("{checksummed_address}.password")
    }

    /// A validator's EIP-2335 keystore (`node-<name>`); `pubkey` is 0x-hex.
    pub fn validator_keystore(pubkey: &str) -> String {
        format!("{pubkey}{KEYSTORE_SUFFIX}")
    }

    /// A validator keystore's password (`node-<name>`).
    pub fn validator_password(pubkey: &str) -> String {
        format!("{pubkey}.txt")
    }
}
/// The uncompressed genesis state, beside the sets, for running clients from the directory.
pub const GENESIS_SSZ: &str = "genesis.ssz";
/// Room left in each object for its metadata (names, labels, annotations).
const OBJECT_METADATA_ALLOWANCE: usize = 16 << 10;
/// Validator balance at genesis, in gwei.
const VALIDATOR_BALANCE_GWEI: u64 = cl_genesis::MIN_ACTIVATION_BALANCE;

/// Characters of generated passwords and the stats secret: unambiguous in any shell or YAML.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const PASSWORD_LEN: usize = 32;

/// One node of the network.
#[derive(Debug, Clone)]
pub struct Node {
    /// `<role>-<ordinal>`, for example `validator-0`.
    pub name: String,
    /// What the node does.
    pub role: Role,
    /// Ordinal within its group.
    pub ordinal: u32,
    /// Execution client.
    pub execution_client: ExecutionClient,
    /// Consensus client.
    pub consensus_client: ConsensusClient,
    /// Validator indices held by this node (empty for non-validator nodes).
    pub validators: Range<u32>,
    /// P2P keys.
    pub keys: NodeKeys,
}

/// A funded account with its keystore.
#[derive(Clone)]
pub struct AccountArtifact {
    /// Address and key.
    pub account: FundedAccount,
    /// The encrypted keystore.
    pub keystore: Keystore,
    /// Random keystore password.
    pub password: Zeroizing<String>,
}

/// A genesis validator with its keystore.
pub struct ValidatorArtifact {
    /// Signing and withdrawal keys.
    pub key: ValidatorKey,
    /// The EIP-2335 keystore of the signing key.
    pub keystore: Eip2335Keystore,
    /// Random keystore password.
    pub password: Zeroizing<String>,
}

/// Everything `ethnet generate` produces.
pub struct Artifacts {
    /// The spec they were generated from.
    pub spec: NetworkSpec,
    /// Unix time of genesis.
    pub genesis_time: u64,
    /// Execution genesis.
    pub el_genesis: Genesis,
    /// Its block hash.
    pub genesis_hash: B256,
    /// Root of every derived key.
    pub mnemonic: Mnemonic,
    /// Funded accounts.
    pub accounts: Vec<AccountArtifact>,
    /// Every node, bootnodes first.
    pub nodes: Vec<Node>,
    /// Engine API JWT secret.
    pub jwt_secret: Zeroizing<[u8; 32]>,
    /// Stats dashboard secret.
    pub ethstats_secret: Zeroizing<String>,
    /// Genesis validators, in index order.
    pub validators: Vec<ValidatorArtifact>,
    /// Consensus config.yaml.
    pub cl_config_yaml: String,
    /// Consensus genesis state.
    pub cl_genesis: ClGenesis,
    /// The genesis state, gzipped for a ConfigMap.
    pub cl_genesis_gz: Vec<u8>,
}

/// Inputs of [`generate`] besides the spec.
pub struct GenerateOptions {
    /// Unix time of genesis.
    pub genesis_time: u64,
    /// A user-supplied mnemonic; a fresh one is generated when `None`.
    pub mnemonic: Option<Mnemonic>,
    /// Bytes one object (a ConfigMap or Secret) may hold: the store's limit, which the edge
    /// that writes the objects knows.
    pub object_size_limit: usize,
}

/// Builds every artifact. `on_keystore` is called once per keystore encrypted, account or
/// validator (from worker threads), so the caller can show progress for the slow standard KDFs.
/// Fails when an object would not fit in Kubernetes: the Secrets holding keystores before any
/// key is derived, the genesis ConfigMap before any keystore is encrypted.
pub fn generate(
    spec: &NetworkSpec,
    options: GenerateOptions,
    rng: &mut (impl RngCore + CryptoRng),
    on_keystore: &(dyn Fn() + Sync),
) -> Result<Artifacts, CoreError> {
    // Every object that grows with a count must fit before any key is derived or encrypted.
    let limit = options.object_size_limit;
    check_sizes(spec, &planned_secret_sizes(spec), limit)?;
    let mnemonic = match options.mnemonic {
        Some(m) => m,
        None => accounts::generate_mnemonic(rng),
    };
    let funded = accounts::derive_accounts(&mnemonic, spec.accounts.count)?;
    let addresses: Vec<Address> = funded.iter().map(|a| a.address).collect();
    let el_genesis = el_genesis::build(spec, options.genesis_time, &addresses)?;
    // Once: its state root hashes the whole alloc.
    let el_header = genesis_hash::genesis_header(&el_genesis)?;
    let genesis_hash = el_header.hash_slow();

    let nodes = plan_nodes(spec, rng);
    let mut jwt_secret = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(jwt_secret.as_mut());
    let ethstats_secret = random_password(rng);

    // Draw every random input in order first, so a seeded run is reproducible however the
    // parallel KDF work below is scheduled.
    let account_inputs: Vec<(FundedAccount, Zeroizing<String>, KeystoreNonces)> = funded
        .into_iter()
        .map(|account| (account, random_password(rng), KeystoreNonces::generate(rng)))
        .collect();
    let validator_inputs: Vec<KeystoreInputs> = (0..spec.validators.count)
        .map(|_| KeystoreInputs::generate(rng))
        .collect();

    // The genesis state needs the validators' public keys only: it is built, and its
    // ConfigMap measured, before the keystores' KDF work.
    let validator_keys = validator_keys::derive_validator_keys(&mnemonic, 0..spec.validators.count);
    let config = cl_config::cl_config(spec, options.genesis_time);
    let cl_config_yaml = cl_config::render(&config);
    let cl_genesis = cl_genesis::build(
        &ClGenesisInput {
            preset: spec.network.preset,
            genesis_time: options.genesis_time,
            fork_version: config.fork_version_at_genesis(),
            el_header: &el_header,
            el_hash: genesis_hash,
        },
        &genesis_validators(spec, &validator_keys),
    )?;
    let cl_genesis_gz = gzip(&cl_genesis.ssz);
    let genesis = GenesisFiles {
        el_genesis: &el_genesis,
        genesis_hash,
        cl_config_yaml: &cl_config_yaml,
        cl_genesis: &cl_genesis,
        cl_genesis_gz: &cl_genesis_gz,
    };
    check_sizes(spec, &set_sizes(&genesis.files()), limit)?;

    let params = ScryptParams::of(spec.accounts.keystore_kdf);
    let accounts = account_inputs
        .into_par_iter()
        .map(|(account, password, nonces)| {
            let keystore = keystore::encrypt(&account.secret, &password, params, &nonces);
            on_keystore();
            AccountArtifact {
                account,
                keystore,
                password,
            }
        })
        .collect();
    let validators = validator_artifacts(spec, validator_keys, validator_inputs, on_keystore);

    let artifacts = Artifacts {
        spec: spec.clone(),
        genesis_time: options.genesis_time,
        el_genesis,
        genesis_hash,
        mnemonic,
        accounts,
        nodes,
        jwt_secret,
        ethstats_secret,
        validators,
        cl_config_yaml,
        cl_genesis,
        cl_genesis_gz,
    };
    // Exact, on what was made (the plan above allows a little for the small files).
    check_sizes(spec, &set_sizes(&artifacts.data_files()), limit)?;
    Ok(artifacts)
}

fn validator_artifacts(
    spec: &NetworkSpec,
    keys: Vec<ValidatorKey>,
    inputs: Vec<KeystoreInputs>,
    on_keystore: &(dyn Fn() + Sync),
) -> Vec<ValidatorArtifact> {
    keys.into_par_iter()
        .zip(inputs)
        .map(|(key, input)| {
            let keystore = validator_keys::encrypt(
                &Zeroizing::new(key.secret.to_bytes()),
                &key.pubkey,
                &validator_keys::validator_path(key.index),
                &input.password,
                spec.validators.keystore_kdf,
                &input.nonces,
            );
            on_keystore();
            ValidatorArtifact {
                key,
                keystore,
                password: input.password,
            }
        })
        .collect()
}

fn genesis_validators(spec: &NetworkSpec, keys: &[ValidatorKey]) -> Vec<GenesisValidator> {
    keys.iter()
        .map(|key| {
            let credentials = match spec.validators.withdrawal_credentials {
                WithdrawalCredentialsSpec::Bls => {
                    WithdrawalCredentials::Bls(BlsPubkey::from(key.withdrawal_pubkey))
                }
                WithdrawalCredentialsSpec::Execution { address } => {
                    WithdrawalCredentials::Execution(address)
                }
                WithdrawalCredentialsSpec::Compounding { address } => {
                    WithdrawalCredentials::Compounding(address)
                }
            };
            GenesisValidator {
                pubkey: BlsPubkey::from(key.pubkey),
                withdrawal_credentials: credentials.to_bytes(),
                balance: VALIDATOR_BALANCE_GWEI,
            }
        })
        .collect()
}

/// Input bytes per gzip member of [`gzip`].
const GZIP_MEMBER: usize = 1 << 20;

/// Gzip on every core: one member per [`GZIP_MEMBER`] bytes of input, compressed in parallel
/// and concatenated (RFC 1952 allows several members; gunzip, busybox's too, reads them as one
/// stream). Members cut at fixed offsets, so the output does not depend on the core count.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    // An empty input is one empty member, not an empty file.
    let chunks: Vec<&[u8]> = match bytes.is_empty() {
        true => vec![bytes],
        false => bytes.chunks(GZIP_MEMBER).collect(),
    };
    let members: Vec<Vec<u8>> = chunks
        .into_par_iter()
        .map(|chunk| {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            encoder.write_all(chunk).expect("writing to memory");
            encoder.finish().expect("writing to memory")
        })
        .collect();
    members.concat()
}

fn plan_nodes(spec: &NetworkSpec, rng: &mut (impl RngCore + CryptoRng)) -> Vec<Node> {
    let split = spec.validator_split();
    let mut nodes = Vec::new();
    for group in &spec.nodes {
        for ordinal in 0..group.replicas {
            let validators = match group.role {
                Role::Validator => split[ordinal as usize].clone(),
                _ => 0..0,
            };
            nodes.push(Node {
                name: group.role.node_name(ordinal),
                role: group.role,
                ordinal,
                execution_client: group.execution_client,
                consensus_client: group.consensus_client,
                validators,
                keys: NodeKeys::generate(rng),
            });
        }
    }
    nodes
}

fn random_password(rng: &mut impl RngCore) -> Zeroizing<String> {
    Zeroizing::new(
        (0..PASSWORD_LEN)
            .map(|_| PASSWORD_ALPHABET[rng.gen_range(0..PASSWORD_ALPHABET.len())] as char)
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// The public manifest and the file layout.
// ---------------------------------------------------------------------------------------------

/// The manifest format this release writes and reads: `apiVersion` of manifest.json.
pub const MANIFEST_API_VERSION: &str = "ethnet.io/v1";

/// The public summary of a network, written as manifest.json. Never holds a secret.
/// Read it with [`Manifest::from_json`], which checks the format version first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Manifest {
    /// Format of this document: [`MANIFEST_API_VERSION`].
    pub api_version: String,
    /// Version of ethnet that generated the artifacts.
    pub ethnet_version: String,
    /// The validated spec (its notes are not kept).
    pub spec: NetworkSpec,
    /// Unix time of genesis.
    pub genesis_time: u64,
    /// Execution layer summary.
    pub el: ElSummary,
    /// Every node and its public identity.
    pub nodes: Vec<NodeSummary>,
    /// Consensus layer summary.
    pub cl: ClSummary,
    /// Funded account addresses, in derivation order.
    pub accounts: Vec<AccountSummary>,
    /// The Kubernetes objects the artifacts become.
    pub objects: Vec<ObjectSummary>,
}

/// Execution-layer facts every node must agree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElSummary {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Block 0 hash.
    pub genesis_hash: B256,
    /// Newest execution fork active at genesis.
    pub genesis_fork: String,
}

/// Consensus-layer facts every node must agree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClSummary {
    /// `hash_tree_root(state.validators)`.
    pub genesis_validators_root: B256,
    /// `hash_tree_root(genesis state)`.
    pub state_root: B256,
    /// Genesis time, unix seconds.
    pub genesis_time: u64,
    /// Consensus fork of the genesis state.
    pub genesis_fork: String,
    /// Number of genesis validators.
    pub validator_count: u32,
    /// Validator ranges per validator node.
    pub split: Vec<NodeValidators>,
    /// Block number of the deposit contract (in the genesis alloc, so 0).
    pub deposit_contract_block: u64,
    /// Hash of that block: the execution genesis hash.
    pub deposit_contract_block_hash: B256,
}

/// The validators one node holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeValidators {
    /// Node name.
    pub node: String,
    /// First index.
    pub start: u32,
    /// How many.
    pub count: u32,
}

/// A node's public identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSummary {
    /// `<role>-<ordinal>`.
    pub name: String,
    /// What the node does.
    pub role: Role,
    /// Execution client.
    pub execution_client: ExecutionClient,
    /// Consensus client.
    pub consensus_client: ConsensusClient,
    /// Enode id and peer id.
    #[serde(flatten)]
    pub identity: NodeIdentity,
    /// Validator index range, for validator nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validators: Option<ValidatorRange>,
}

/// A contiguous range of validator indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorRange {
    /// First index.
    pub start: u32,
    /// How many.
    pub count: u32,
}

/// A funded account, public part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Derivation index.
    pub index: u32,
    /// Address, EIP-55.
    pub address: Address,
    /// BIP-44 derivation path.
    pub path: String,
}

/// Whether an object's files are secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ObjectKind {
    /// Public files: genesis, configs.
    ConfigMap,
    /// Keys, passwords, secrets.
    Secret,
}

impl ObjectKind {
    /// The Kubernetes kind.
    pub fn name(self) -> &'static str {
        match self {
            Self::ConfigMap => "ConfigMap",
            Self::Secret => "Secret",
        }
    }
}

/// One Kubernetes object: `<release>-<set>` holding the files of one directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectSummary {
    /// Set name; the object is named `<release>-<set>`.
    pub set: String,
    /// ConfigMap or Secret.
    pub kind: ObjectKind,
    /// File names (object keys) in it.
    pub keys: Vec<String>,
    /// [`object_digest`] of its contents as written, so an object edited or replaced by hand
    /// is noticed (reuse, status, `seed`). Absent in manifests written before ethnet recorded
    /// it; the next install or upgrade records it from the object as stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// `sha256:<hex>` over an object's entries in key order, each as the key's length (u64, big
/// endian), the key, the value's length and the value: a ConfigMap's `data` and `binaryData`
/// and a Secret's `data` give the same digest as the files they came from.
pub fn object_digest<'a>(entries: &BTreeMap<&'a str, &'a [u8]>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for (key, value) in entries {
        hasher.update((key.len() as u64).to_be_bytes());
        hasher.update(key.as_bytes());
        hasher.update((value.len() as u64).to_be_bytes());
        hasher.update(value);
    }
    format!(
        "sha256:{}",
        alloy_primitives::hex::encode(hasher.finalize())
    )
}

/// `sha256:<hex>` of a validator node's keystore key names (`0x<pubkey>.json`), sorted, one per
/// line, each line `0x<pubkey>` and a newline: what the init container computes with
/// `sort | sha256sum` from the keystores it finds, to refuse a node that holds other keys.
pub fn validator_keys_digest<'a>(keys: impl IntoIterator<Item = &'a String>) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut pubkeys: Vec<&str> = keys
        .into_iter()
        .filter_map(|key| key.strip_suffix(keys::KEYSTORE_SUFFIX))
        .filter(|stem| stem.starts_with("0x"))
        .collect();
    if pubkeys.is_empty() {
        return None;
    }
    pubkeys.sort_unstable();
    let mut hasher = Sha256::new();
    for pubkey in pubkeys {
        hasher.update(pubkey.as_bytes());
        hasher.update(b"\n");
    }
    Some(format!(
        "sha256:{}",
        alloy_primitives::hex::encode(hasher.finalize())
    ))
}

/// One file of the artifacts directory.
pub struct ArtifactFile {
    /// Path relative to the artifacts directory.
    pub path: String,
    /// Contents.
    pub contents: Zeroizing<Vec<u8>>,
    /// Whether it holds a secret (written 0600, seeded as a Secret).
    pub secret: bool,
}

/// Where `key` of the set `set` lives in the artifacts directory: `<set>/<key>` for a
/// ConfigMap's, `secrets/<set>/<key>` for a Secret's. [`ArtifactFile::set_and_key`] inverts it.
pub fn file_path(kind: ObjectKind, set: &str, key: &str) -> String {
    match kind {
        ObjectKind::ConfigMap => format!("{set}/{key}"),
        ObjectKind::Secret => format!("{SECRETS_DIR}/{set}/{key}"),
    }
}

impl ArtifactFile {
    /// `key` of the public set `set` (a ConfigMap).
    pub fn public(set: &str, key: &str, contents: Vec<u8>) -> Self {
        Self {
            path: file_path(ObjectKind::ConfigMap, set, key),
            contents: Zeroizing::new(contents),
            secret: false,
        }
    }

    /// `key` of the secret set `set` (a Secret).
    pub fn secret(set: &str, key: &str, contents: Vec<u8>) -> Self {
        Self {
            path: file_path(ObjectKind::Secret, set, key),
            contents: Zeroizing::new(contents),
            secret: true,
        }
    }

    /// The set and key of a file in a set; `None` for the files beside the sets (the manifest,
    /// the values file, the uncompressed state).
    pub fn set_and_key(&self) -> Option<(&str, &str)> {
        let path = match self.secret {
            true => self.path.strip_prefix(SECRETS_DIR)?.strip_prefix('/')?,
            false => self.path.as_str(),
        };
        path.split_once('/')
    }

    fn object_kind(&self) -> ObjectKind {
        if self.secret {
            ObjectKind::Secret
        } else {
            ObjectKind::ConfigMap
        }
    }
}

impl Artifacts {
    /// Public identity of each node, in node order.
    pub fn node_summaries(&self) -> Vec<NodeSummary> {
        self.nodes.iter().map(NodeSummary::of).collect()
    }

    /// The public manifest.
    pub fn manifest(&self) -> Manifest {
        self.manifest_of(&self.data_files())
    }

    fn manifest_of(&self, files: &[ArtifactFile]) -> Manifest {
        Manifest {
            api_version: MANIFEST_API_VERSION.into(),
            ethnet_version: env!("CARGO_PKG_VERSION").into(),
            spec: self.spec.without_notes(),
            genesis_time: self.genesis_time,
            el: ElSummary {
                chain_id: self.spec.network.chain_id,
                genesis_hash: self.genesis_hash,
                genesis_fork: self
                    .spec
                    .network
                    .forks
                    .genesis_fork()
                    .execution_name()
                    .into(),
            },
            nodes: self.node_summaries(),
            cl: ClSummary {
                genesis_validators_root: self.cl_genesis.genesis_validators_root,
                state_root: self.cl_genesis.state_root,
                genesis_time: self.genesis_time,
                genesis_fork: self.spec.network.forks.genesis_fork().name().into(),
                validator_count: self.spec.validators.count,
                split: self
                    .nodes
                    .iter()
                    .filter(|n| n.role == Role::Validator)
                    .map(|n| NodeValidators {
                        node: n.name.clone(),
                        start: n.validators.start,
                        count: n.validators.end - n.validators.start,
                    })
                    .collect(),
                deposit_contract_block: 0,
                deposit_contract_block_hash: self.genesis_hash,
            },
            accounts: self
                .accounts
                .iter()
                .map(|a| AccountSummary {
                    index: a.account.index,
                    address: a.account.address,
                    path: accounts::account_path(a.account.index),
                })
                .collect(),
            objects: objects_of(files),
        }
    }

    /// The helm values section with the public identities the chart templates need.
    pub fn helm_values(&self) -> serde_json::Value {
        self.manifest().helm_values()
    }

    /// Files of the object sets (everything but the manifest and values file).
    fn data_files(&self) -> Vec<ArtifactFile> {
        let genesis = GenesisFiles {
            el_genesis: &self.el_genesis,
            genesis_hash: self.genesis_hash,
            cl_config_yaml: &self.cl_config_yaml,
            cl_genesis: &self.cl_genesis,
            cl_genesis_gz: &self.cl_genesis_gz,
        };
        let mut files = genesis.files();
        files.extend([
            ArtifactFile::secret(
                sets::JWT,
                keys::JWT,
                hex::encode(self.jwt_secret.as_ref()).into_bytes(),
            ),
            ArtifactFile::secret(
                sets::ACCOUNTS,
                keys::MNEMONIC,
                self.mnemonic.to_string().into_bytes(),
            ),
            ArtifactFile::secret(
                sets::ETHSTATS,
                keys::ETHSTATS_SECRET,
                self.ethstats_secret.as_bytes().to_vec(),
            ),
        ]);
        for a in &self.accounts {
            let name = a.account.address.to_checksum(None);
            let keystore = serde_json::to_vec(&a.keystore).expect("keystores serialize");
            files.push(ArtifactFile::secret(
                sets::ACCOUNTS,
                &keys::account_keystore(&name),
                keystore,
            ));
            files.push(ArtifactFile::secret(
                sets::ACCOUNTS,
                &keys::account_password(&name),
                a.password.as_bytes().to_vec(),
            ));
        }
        for node in &self.nodes {
            let dir = node_set(&node.name);
            for v in &self.validators[node.validators.start as usize..node.validators.end as usize]
            {
                let pubkey = format!("0x{}", hex::encode(v.key.pubkey));
                let keystore = serde_json::to_vec(&v.keystore).expect("keystores serialize");
                files.push(ArtifactFile::secret(
                    &dir,
                    &keys::validator_keystore(&pubkey),
                    keystore,
                ));
                files.push(ArtifactFile::secret(
                    &dir,
                    &keys::validator_password(&pubkey),
                    v.password.as_bytes().to_vec(),
                ));
            }
            files.extend(node_identity_files(node));
        }
        files
    }

    /// Every file of the artifacts directory, as laid out in docs/artifacts.md.
    pub fn files(&self) -> Vec<ArtifactFile> {
        let mut files = self.data_files();
        // JSON is YAML too, and keeps every 0x-hex string quoted for YAML 1.1 readers.
        let manifest = self.manifest_of(&files);
        let values = format!(
            "# Public identities of this network for the ethnet chart: helm install -f {VALUES_FILE}\n{}\n",
            serde_json::to_string_pretty(&manifest.helm_values()).expect("values serialize")
        );
        let manifest = serde_json::to_vec_pretty(&manifest).expect("the manifest serializes");
        files.push(ArtifactFile {
            path: MANIFEST_FILE.into(),
            contents: Zeroizing::new(manifest),
            secret: false,
        });
        files.push(ArtifactFile {
            path: VALUES_FILE.into(),
            contents: Zeroizing::new(values.into_bytes()),
            secret: false,
        });
        files.push(ArtifactFile {
            path: GENESIS_SSZ.into(),
            contents: Zeroizing::new(self.cl_genesis.ssz.clone()),
            secret: false,
        });
        files
    }
}

/// The public files of the `genesis` set: what [`generate`] measures before the KDF work.
struct GenesisFiles<'a> {
    el_genesis: &'a Genesis,
    genesis_hash: B256,
    cl_config_yaml: &'a str,
    cl_genesis: &'a ClGenesis,
    cl_genesis_gz: &'a [u8],
}

impl GenesisFiles<'_> {
    fn files(&self) -> Vec<ArtifactFile> {
        let public =
            |key: &str, contents: Vec<u8>| ArtifactFile::public(sets::GENESIS, key, contents);
        let genesis_json =
            serde_json::to_vec_pretty(self.el_genesis).expect("the genesis serializes");
        let hash = self.genesis_hash.to_string().into_bytes();
        vec![
            public(keys::GENESIS_JSON, genesis_json),
            public(keys::GENESIS_HASH, hash.clone()),
            public(keys::CL_CONFIG, self.cl_config_yaml.as_bytes().to_vec()),
            public(keys::GENESIS_SSZ_GZ, self.cl_genesis_gz.to_vec()),
            public(
                keys::GENESIS_VALIDATORS_ROOT,
                self.cl_genesis
                    .genesis_validators_root
                    .to_string()
                    .into_bytes(),
            ),
            public(keys::DEPLOY_BLOCK, b"0".to_vec()),
            public(keys::DEPOSIT_CONTRACT_BLOCK, b"0".to_vec()),
            public(keys::DEPOSIT_CONTRACT_BLOCK_HASH, hash),
        ]
    }
}

/// Bytes of one object: its set, its kind and the sum of its files' sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SetSize {
    set: String,
    kind: ObjectKind,
    size: usize,
}

/// The size of each object the files make (grouped as [`objects_of`] groups them).
fn set_sizes(files: &[ArtifactFile]) -> Vec<SetSize> {
    let mut sizes: BTreeMap<(String, ObjectKind), usize> = BTreeMap::new();
    for file in files {
        if let Some((set, _)) = file.set_and_key() {
            *sizes
                .entry((set.to_string(), file.object_kind()))
                .or_default() += file.contents.len();
        }
    }
    sizes
        .into_iter()
        .map(|((set, kind), size)| SetSize { set, kind, size })
        .collect()
}

/// What the small files of a growing Secret take at most: a mnemonic (24 words of at most 8
/// letters), a node's P2P identity files (about 350 bytes).
const SMALL_FILES_ALLOWANCE: usize = 1 << 10;

/// The sizes of the Secrets that grow with a count (the accounts Secret, each validator node's),
/// from the spec alone: every keystore's length is known without its KDF work
/// ([`keystore::keystore_json_len`], [`validator_keys::keystore_json_len`]).
fn planned_secret_sizes(spec: &NetworkSpec) -> Vec<SetSize> {
    let account =
        keystore::keystore_json_len(ScryptParams::of(spec.accounts.keystore_kdf)) + PASSWORD_LEN;
    let mut sizes = vec![SetSize {
        set: sets::ACCOUNTS.into(),
        kind: ObjectKind::Secret,
        size: SMALL_FILES_ALLOWANCE
            .saturating_add((spec.accounts.count as usize).saturating_mul(account)),
    }];
    // A keystore's length varies with its path alone (the index's digits).
    let kdf = spec.validators.keystore_kdf;
    let first_path = validator_keys::validator_path(0).len();
    let keystore = validator_keys::keystore_json_len(&validator_keys::validator_path(0), kdf)
        + validator_keys::PASSWORD_LEN;
    for (ordinal, range) in (0..).zip(spec.validator_split()) {
        let keys: usize = range
            .map(|index| keystore + validator_keys::validator_path(index).len() - first_path)
            .sum();
        sizes.push(SetSize {
            set: node_set(&Role::Validator.node_name(ordinal)),
            kind: ObjectKind::Secret,
            size: SMALL_FILES_ALLOWANCE + keys,
        });
    }
    sizes
}

/// Fails when an object would exceed what Kubernetes stores, naming the limit, the size, the
/// value that makes it large and how many would fit.
fn check_sizes(spec: &NetworkSpec, sizes: &[SetSize], limit: usize) -> Result<(), CoreError> {
    let budget = limit.saturating_sub(OBJECT_METADATA_ALLOWANCE);
    let split = spec.validator_split();
    for &SetSize {
        ref set,
        kind,
        size,
    } in sizes
    {
        if size <= budget {
            continue;
        }
        // What makes the object this large, and how many of those fit, from the share of its
        // size each one takes.
        let validators = spec.validators.count as usize;
        let (field, count, held, spread, advice) = if set == sets::ACCOUNTS {
            let accounts = spec.accounts.count as usize;
            (
                "accounts.count",
                accounts,
                accounts,
                1,
                "lower accounts.count",
            )
        } else if let Some(node) = set.strip_prefix(sets::NODE_PREFIX) {
            let held = (0..)
                .zip(&split)
                .find(|&(ordinal, _)| Role::Validator.node_name(ordinal) == node)
                .map_or(0, |(_, range)| range.len());
            (
                "validators.count",
                validators,
                held,
                split.len(),
                "add validator nodes to spread keystores, or lower validators.count",
            )
        } else {
            (
                "validators.count",
                validators,
                validators,
                1,
                "lower validators.count",
            )
        };
        let fits = held.max(1).saturating_mul(budget) / size * spread;
        return Err(CoreError::ObjectTooLarge {
            object: set.clone(),
            kind: kind.name(),
            size,
            limit,
            field,
            count,
            fits,
            advice,
        });
    }
    Ok(())
}

/// Name of the set (Secret `<release>-node-<name>`) holding one node's keys.
pub fn node_set(node: &str) -> String {
    format!("{}{node}", sets::NODE_PREFIX)
}

/// The Secret files of one node's P2P identity (its validator keystores aside).
pub fn node_identity_files(node: &Node) -> Vec<ArtifactFile> {
    let set = node_set(&node.name);
    let secret = |key: &str, contents: Vec<u8>| ArtifactFile::secret(&set, key, contents);
    vec![
        secret(
            keys::EL_NODEKEY,
            identity::geth_nodekey_file(&node.keys.execution).into_bytes(),
        ),
        secret(
            keys::CL_NETWORK_KEY,
            node.keys.consensus.to_bytes().to_vec(),
        ),
        secret(
            keys::CL_PEER_ID,
            identity::lodestar_peer_id_json(&node.keys.consensus).into_bytes(),
        ),
    ]
}

impl NodeSummary {
    /// The public summary of `node`.
    pub fn of(node: &Node) -> Self {
        Self {
            name: node.name.clone(),
            role: node.role,
            execution_client: node.execution_client,
            consensus_client: node.consensus_client,
            identity: node.keys.identity(),
            validators: (node.role == Role::Validator).then(|| ValidatorRange {
                start: node.validators.start,
                count: node.validators.end - node.validators.start,
            }),
        }
    }
}

impl Manifest {
    /// Reads manifest.json. Manifests without `apiVersion` were written by ethnet 0.1 before
    /// the format carried a version; their layout is this one's, so they read unchanged (and
    /// are stored with the version on the next write). Any other version is refused: a newer
    /// format must never be read as if it were this one.
    pub fn from_json(text: &str) -> Result<Self, ManifestError> {
        let mut value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ManifestError::Invalid(e.to_string()))?;
        let object = value
            .as_object_mut()
            .ok_or_else(|| ManifestError::Invalid("not a JSON object".into()))?;
        match object.get("apiVersion") {
            None => {
                object.insert("apiVersion".into(), MANIFEST_API_VERSION.into());
            }
            Some(serde_json::Value::String(v)) if v == MANIFEST_API_VERSION => {}
            Some(other) => {
                return Err(ManifestError::UnknownVersion {
                    version: other.to_string(),
                    ethnet: object
                        .get("ethnetVersion")
                        .and_then(|v| v.as_str())
                        .unwrap_or("unknown")
                        .to_string(),
                })
            }
        }
        serde_json::from_value(value).map_err(|e| ManifestError::Invalid(e.to_string()))
    }

    /// The node groups of the stored spec.
    pub fn node_groups(&self) -> &[NodeGroup] {
        &self.spec.nodes
    }

    /// The nodes the current spec runs. The manifest also keeps identities of nodes a group
    /// scaled down from, so they come back unchanged when it scales up again.
    pub fn active_nodes(&self) -> impl Iterator<Item = &NodeSummary> {
        let groups = self.node_groups();
        self.nodes.iter().filter(move |node| {
            let replicas = groups
                .iter()
                .find(|g| g.role == node.role)
                .map_or(0, |g| g.replicas);
            node.name
                .rsplit_once('-')
                .and_then(|(_, ordinal)| ordinal.parse::<u32>().ok())
                .is_some_and(|ordinal| ordinal < replicas)
        })
    }

    /// Lists the objects that `files` add, merging keys into objects already listed.
    pub fn add_objects(&mut self, files: &[ArtifactFile]) {
        for added in objects_of(files) {
            match self
                .objects
                .iter_mut()
                .find(|o| o.set == added.set && o.kind == added.kind)
            {
                Some(object) => {
                    for key in added.keys {
                        if !object.keys.contains(&key) {
                            object.keys.push(key);
                        }
                    }
                    // Its contents are now partly elsewhere: the digest is recorded again
                    // from the object as stored.
                    object.digest = None;
                }
                None => self.objects.push(added),
            }
        }
    }

    /// The helm values section with the public identities the chart templates need, for the
    /// nodes the current spec runs.
    pub fn helm_values(&self) -> serde_json::Value {
        let nodes: serde_json::Map<String, serde_json::Value> = self
            .active_nodes()
            .map(|n| {
                let mut entry = serde_json::json!({
                    "enodeId": n.identity.enode_id,
                    "peerId": n.identity.peer_id,
                });
                if let Some(range) = &n.validators {
                    entry["validators"] = serde_json::json!(range);
                    let keys = self
                        .objects
                        .iter()
                        .find(|o| o.kind == ObjectKind::Secret && o.set == node_set(&n.name))
                        .and_then(|o| validator_keys_digest(&o.keys));
                    if let Some(digest) = keys {
                        entry["validators"]["keysDigest"] = digest.into();
                    }
                }
                (n.name.clone(), entry)
            })
            .collect();
        serde_json::json!({
            "ethnet": {
                "genesisHash": self.el.genesis_hash,
                "genesisValidatorsRoot": self.cl.genesis_validators_root,
                "genesisTime": self.genesis_time,
                "nodes": nodes,
            }
        })
    }
}

/// Groups files into objects by their directory: `genesis/x` → ConfigMap `genesis`,
/// `secrets/jwt/x` → Secret `jwt`.
fn objects_of(files: &[ArtifactFile]) -> Vec<ObjectSummary> {
    let mut objects: Vec<ObjectSummary> = Vec::new();
    let mut contents: BTreeMap<(String, ObjectKind), BTreeMap<&str, &[u8]>> = BTreeMap::new();
    for file in files {
        let Some((set, key)) = file.set_and_key() else {
            continue;
        };
        let kind = file.object_kind();
        contents
            .entry((set.to_string(), kind))
            .or_default()
            .insert(key, file.contents.as_slice());
        match objects.iter_mut().find(|o| o.set == set && o.kind == kind) {
            Some(object) => object.keys.push(key.into()),
            None => objects.push(ObjectSummary {
                set: set.into(),
                kind,
                keys: vec![key.into()],
                digest: None,
            }),
        }
    }
    for object in &mut objects {
        object.digest = contents
            .get(&(object.set.clone(), object.kind))
            .map(object_digest);
    }
    objects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::tests_support::spec_with;
    use rand::SeedableRng;

    /// Kubernetes' limit, as the plugin passes it.
    const OBJECT_SIZE_LIMIT: usize = 1 << 20;

    #[test]
    fn gzip_members_read_back_as_one_stream() {
        use std::io::Read;
        let state: Vec<u8> = (0..3 * GZIP_MEMBER + 12345)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let gz = gzip(&state);
        let mut back = Vec::new();
        flate2::read::MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, state);
        // Four members: the plain decoder stops after the first.
        let mut first = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut first)
            .unwrap();
        assert_eq!(first.len(), GZIP_MEMBER);
        assert_eq!(gzip(&state), gz, "deterministic");
        let mut empty = Vec::new();
        flate2::read::MultiGzDecoder::new(&gzip(&[])[..])
            .read_to_end(&mut empty)
            .unwrap();
        assert!(empty.is_empty());
    }

    fn light(spec: &mut NetworkSpec) {
        spec.accounts.keystore_kdf = crate::spec::AccountKdf::Light;
        spec.accounts.count = 3;
        spec.validators.keystore_kdf = crate::spec::ValidatorKdf::Fast;
    }

    fn generate_spec(spec: &NetworkSpec, seed: u64) -> Result<Artifacts, CoreError> {
        generate_counting(spec, seed).0
    }

    /// [`generate`], and how many keystores it encrypted.
    fn generate_counting(spec: &NetworkSpec, seed: u64) -> (Result<Artifacts, CoreError>, usize) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
        let options = GenerateOptions {
            genesis_time: 1_800_000_000,
            mnemonic: None,
            object_size_limit: OBJECT_SIZE_LIMIT,
        };
        let encrypted = AtomicUsize::new(0);
        let result = generate(spec, options, &mut rng, &|| {
            encrypted.fetch_add(1, Ordering::Relaxed);
        });
        (result, encrypted.into_inner())
    }

    /// 2000 validators on one node: its Secret exceeds 1 MiB.
    fn one_oversized_validator_node() -> NetworkSpec {
        spec_with(|s| {
            light(s);
            s.validators.count = 2000;
            s.nodes
                .iter_mut()
                .find(|g| g.role == Role::Validator)
                .unwrap()
                .replicas = 1;
        })
    }

    /// 2500 accounts: the accounts Secret exceeds 1 MiB.
    fn oversized_accounts() -> NetworkSpec {
        spec_with(|s| {
            light(s);
            s.accounts.count = 2500;
        })
    }

    fn generate_seeded(seed: u64) -> Artifacts {
        generate_spec(&spec_with(light), seed).unwrap()
    }

    // The expected digests were computed by Python's hashlib from the documented layouts (and
    // the keys digest by busybox `sort | sha256sum` too, as the init container computes it).
    #[test]
    fn object_digest_matches_an_independent_computation() {
        let entries = BTreeMap::from([("jwt.hex", &b"0x1234"[..]), ("b", &[0u8, 159, 255][..])]);
        assert_eq!(
            object_digest(&entries),
            "sha256:3b93340db6dd624b0d367b06aeb3f6aba7e42ef137367f3f781ed3f57eed601a"
        );
        // Length framing: moving a byte from a key to its value changes the digest.
        let shifted = BTreeMap::from([("ab", &b"c"[..])]);
        let unshifted = BTreeMap::from([("a", &b"bc"[..])]);
        assert_ne!(object_digest(&shifted), object_digest(&unshifted));
    }

    #[test]
    fn validator_keys_digest_is_what_the_init_container_computes() {
        let keys = [
            "0xbb.json",
            "el-nodekey",
            "0xaa.txt",
            "0xaa.json",
            "cl-peer-id.json",
        ]
        .map(String::from);
        assert_eq!(
            validator_keys_digest(&keys).as_deref(),
            Some("sha256:a8b9ab88a32c8e8421e04ccc1a18f5d0731d2e2a660f7d6f18e1553a045ae82e")
        );
        assert_eq!(validator_keys_digest(&["el-nodekey".to_string()]), None);
    }

    #[test]
    fn every_object_records_the_digest_of_its_files_and_validators_their_keys() {
        let artifacts = generate_seeded(7);
        let manifest = artifacts.manifest();
        let files = artifacts.files();
        for object in &manifest.objects {
            let prefix = match object.kind {
                ObjectKind::ConfigMap => format!("{}/", object.set),
                ObjectKind::Secret => format!("{SECRETS_DIR}/{}/", object.set),
            };
            let entries: BTreeMap<&str, &[u8]> = files
                .iter()
                .filter_map(|f| Some((f.path.strip_prefix(&prefix)?, f.contents.as_slice())))
                .collect();
            assert_eq!(
                object.digest,
                Some(object_digest(&entries)),
                "{}",
                object.set
            );
        }
        let values = manifest.helm_values();
        let node = &values["ethnet"]["nodes"]["validator-0"]["validators"];
        let secret = manifest
            .objects
            .iter()
            .find(|o| o.set == node_set("validator-0"))
            .unwrap();
        assert_eq!(
            node["keysDigest"],
            serde_json::json!(validator_keys_digest(&secret.keys))
        );
        assert!(values["ethnet"]["nodes"]["rpc-0"]
            .get("validators")
            .is_none());
    }

    #[test]
    fn seeded_generation_is_reproducible() {
        let (a, b) = (generate_seeded(9), generate_seeded(9));
        assert_eq!(a.genesis_hash, b.genesis_hash);
        assert_eq!(a.mnemonic, b.mnemonic);
        let contents = |x: &Artifacts| -> Vec<Vec<u8>> {
            x.files().into_iter().map(|f| f.contents.to_vec()).collect()
        };
        assert_eq!(contents(&a), contents(&b));
        assert_ne!(generate_seeded(10).genesis_hash, a.genesis_hash);
    }

    #[test]
    fn every_node_gets_distinct_keys_and_the_split() {
        let artifacts = generate_seeded(1);
        let names: Vec<_> = artifacts.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["bootnode-0", "validator-0", "validator-1", "rpc-0"]);
        let mut enodes: Vec<_> = artifacts
            .node_summaries()
            .into_iter()
            .map(|n| n.identity.enode_id)
            .collect();
        enodes.sort();
        enodes.dedup();
        assert_eq!(enodes.len(), 4);
        assert_eq!(artifacts.nodes[2].validators, 32..64);
    }

    #[test]
    fn keystores_open_with_their_passwords_and_fund_the_genesis() {
        let artifacts = generate_seeded(2);
        for a in &artifacts.accounts {
            let secret = keystore::decrypt(&a.keystore, &a.password).unwrap();
            assert_eq!(&secret[..], a.account.secret.as_ref());
            let funded = &artifacts.el_genesis.alloc[&a.account.address];
            assert_eq!(funded.balance, artifacts.spec.accounts.balance);
        }
    }

    #[test]
    fn secrets_stay_out_of_public_files() {
        let artifacts = generate_seeded(4);
        let public: Vec<Vec<u8>> = artifacts
            .files()
            .into_iter()
            .filter(|f| !f.secret)
            .map(|f| f.contents.to_vec())
            .collect();
        let mut secrets = vec![
            hex::encode(artifacts.jwt_secret.as_ref()),
            artifacts.mnemonic.to_string(),
            artifacts.ethstats_secret.to_string(),
        ];
        for a in &artifacts.accounts {
            secrets.push(hex::encode(a.account.secret.as_ref()));
            secrets.push(a.password.to_string());
        }
        for v in &artifacts.validators {
            secrets.push(hex::encode(v.key.secret.to_bytes()));
            secrets.push(v.password.to_string());
        }
        for node in &artifacts.nodes {
            secrets.push(hex::encode(node.keys.execution.to_bytes()));
            secrets.push(hex::encode(node.keys.consensus.to_bytes()));
        }
        for contents in &public {
            for secret in &secrets {
                let needle = secret.as_bytes();
                assert!(
                    !contents.windows(needle.len()).any(|w| w == needle),
                    "a secret leaked into a public file"
                );
            }
        }
    }

    #[test]
    fn manifest_lists_objects_by_directory() {
        let manifest = generate_seeded(5).manifest();
        let sets: Vec<_> = manifest
            .objects
            .iter()
            .map(|o| (o.set.as_str(), o.kind))
            .collect();
        assert_eq!(sets[0], ("genesis", ObjectKind::ConfigMap));
        assert!(sets.contains(&("jwt", ObjectKind::Secret)));
        assert!(sets.contains(&("node-validator-1", ObjectKind::Secret)));
        let genesis = &manifest.objects[0];
        assert_eq!(
            genesis.keys,
            [
                "genesis.json",
                "genesis-hash",
                "config.yaml",
                "genesis.ssz.gz",
                "genesis-validators-root",
                "deploy_block.txt",
                "deposit_contract_block.txt",
                "deposit_contract_block_hash.txt"
            ]
        );
        let validator_keys = &manifest
            .objects
            .iter()
            .find(|o| o.set == "node-validator-1")
            .unwrap()
            .keys;
        assert_eq!(
            validator_keys.len(),
            3 + 2 * 32,
            "p2p keys plus a keystore and password per validator"
        );
        assert_eq!(manifest.cl.validator_count, 64);
        assert_eq!(manifest.cl.split[1].start, 32);
        assert_eq!(manifest.accounts.len(), 3);
        assert_eq!(
            manifest.nodes[1].validators,
            Some(ValidatorRange {
                start: 0,
                count: 32
            })
        );
    }

    #[test]
    fn objects_over_the_kubernetes_limit_are_refused() {
        let err = generate_spec(&one_oversized_validator_node(), 8)
            .err()
            .expect("too large");
        let message = err.to_string();
        for part in [
            "Secret `node-validator-0`",
            "1048576-byte",
            "with validators.count 2000; about",
            "would fit (add validator nodes",
        ] {
            assert!(message.contains(part), "{message:?} lacks {part:?}");
        }
        let CoreError::ObjectTooLarge { size, fits, .. } = err else {
            panic!("{err}")
        };
        assert!(
            size > OBJECT_SIZE_LIMIT && fits > 1000 && fits < 2000,
            "size {size}, fits {fits}"
        );
    }

    #[test]
    fn oversized_secrets_are_refused_before_any_keystore() {
        for spec in [one_oversized_validator_node(), oversized_accounts()] {
            let (result, encrypted) = generate_counting(&spec, 1);
            assert!(matches!(result, Err(CoreError::ObjectTooLarge { .. })));
            assert_eq!(encrypted, 0, "keystores encrypted before the refusal");
        }
    }

    #[test]
    fn planned_sizes_bound_the_made_ones_closely() {
        for validators in [64, 1000] {
            let spec = spec_with(|s| {
                light(s);
                s.validators.count = validators;
                s.accounts.count = 40;
            });
            let made = set_sizes(&generate_spec(&spec, 5).unwrap().data_files());
            let planned = planned_secret_sizes(&spec);
            assert_eq!(planned.len(), 1 + spec.validator_split().len());
            for plan in &planned {
                let made = made
                    .iter()
                    .find(|m| m.set == plan.set && m.kind == plan.kind)
                    .unwrap_or_else(|| panic!("{} was not made", plan.set));
                assert!(
                    made.size <= plan.size && plan.size - made.size <= SMALL_FILES_ALLOWANCE,
                    "{}: planned {}, made {}",
                    plan.set,
                    plan.size,
                    made.size
                );
            }
        }
    }

    #[test]
    fn too_many_accounts_name_accounts_count() {
        let err = generate_spec(&oversized_accounts(), 8)
            .err()
            .expect("too large");
        let message = err.to_string();
        for part in [
            "Secret `accounts`",
            "with accounts.count 2500",
            "lower accounts.count",
        ] {
            assert!(message.contains(part), "{message:?} lacks {part:?}");
        }
        let CoreError::ObjectTooLarge { fits, .. } = err else {
            panic!("{err}")
        };
        assert!(fits > 500 && fits < 2500, "fits {fits}");
    }

    #[test]
    fn helm_values_carry_identities() {
        let artifacts = generate_seeded(6);
        let values = artifacts.helm_values();
        let node = &values["ethnet"]["nodes"]["validator-1"];
        assert_eq!(node["enodeId"].as_str().unwrap().len(), 128);
        assert_eq!(node["validators"]["start"].as_u64(), Some(32));
        assert_eq!(
            values["ethnet"]["genesisHash"].as_str().unwrap(),
            artifacts.genesis_hash.to_string()
        );
    }

    #[test]
    fn the_manifest_reads_back_typed() {
        let manifest = generate_seeded(7).manifest();
        let json = serde_json::to_string_pretty(&manifest).unwrap();
        assert!(json.contains(r#""apiVersion": "ethnet.io/v1""#), "{json}");
        assert_eq!(Manifest::from_json(&json).unwrap(), manifest);
    }

    #[test]
    fn every_spec_value_survives_the_manifest() {
        let spec = spec_with(|spec| {
            spec.network.forks = ForkScheduleForTests::late();
            spec.validators.withdrawal_credentials = WithdrawalCredentialsSpec::Compounding {
                address: Address::repeat_byte(0x11),
            };
            spec.accounts.alloc.insert(
                Address::repeat_byte(0x22),
                alloy_genesis::GenesisAccount::default()
                    .with_balance(alloy_primitives::U256::from(5))
                    .with_nonce(Some(3))
                    .with_code(Some(vec![0x60, 0x00].into())),
            );
        });
        let json = serde_json::to_string(&spec).unwrap();
        let back: NetworkSpec = serde_json::from_str(&json).unwrap();
        assert_eq!(back, spec.without_notes());
    }

    struct ForkScheduleForTests;
    impl ForkScheduleForTests {
        fn late() -> crate::spec::ForkSchedule {
            use crate::spec::{Fork, ForkAt, ForkSchedule};
            ForkSchedule::ALL_AT_GENESIS
                .with(Fork::Electra, ForkAt::Epoch(5))
                .with(Fork::Fulu, ForkAt::Never)
        }
    }

    #[test]
    fn a_manifest_of_ethnet_0_1_reads_unchanged() {
        // Written by ethnet 0.1 before manifests carried apiVersion (`ethnet generate` of
        // plugin/tests/fixtures/default-spec.json with light keys).
        let old = include_str!("../../tests/fixtures/manifest-0.1.json");
        assert!(!old.contains("apiVersion"));
        let manifest = Manifest::from_json(old).unwrap();
        assert_eq!(manifest.api_version, MANIFEST_API_VERSION);
        assert_eq!(manifest.spec.network.name, "ethnet");
        assert_eq!(manifest.active_nodes().count(), 4);
        let before: serde_json::Value = serde_json::from_str(old).unwrap();
        let mut after = serde_json::to_value(&manifest).unwrap();
        after.as_object_mut().unwrap().remove("apiVersion");
        assert_eq!(after, before, "nothing lost or changed in the reading");
    }

    #[test]
    fn unknown_manifest_versions_and_fields_are_refused() {
        let json = serde_json::to_value(generate_seeded(8).manifest()).unwrap();
        let mut newer = json.clone();
        newer["apiVersion"] = "ethnet.io/v2".into();
        let err = Manifest::from_json(&newer.to_string()).unwrap_err();
        assert!(
            matches!(&err, ManifestError::UnknownVersion { version, .. } if version == "\"ethnet.io/v2\""),
            "{err}"
        );
        assert!(err.to_string().contains("ethnet.io/v1"), "{err}");

        let mut extra = json.clone();
        extra["spec"]["network"]["surprise"] = 1.into();
        let err = Manifest::from_json(&extra.to_string()).unwrap_err();
        assert!(err.to_string().contains("surprise"), "{err}");

        let mut bad_fork = json;
        bad_fork["spec"]["network"]["forks"]["fulu"] = "soon".into();
        let err = Manifest::from_json(&bad_fork.to_string()).unwrap_err();
        assert!(err.to_string().contains("fulu"), "{err}");
        assert!(Manifest::from_json("[]").is_err());
    }
}
