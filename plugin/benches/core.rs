//! Figures for ethnet's performance targets, printed as medians of several runs and as ratios
//! measured in the same run (the machines are noisy; ratios travel better than seconds).
//!
//!   cargo bench -p ethnet --bench core
//!
//! ETHNET_BENCH_ALLOC (default 1,000,000) sets the genesis alloc size, ETHNET_BENCH_KEYSTORES
//! (default 2 × cores) the number of standard-scrypt keystores per run.

use std::time::{Duration, Instant};

use alloy_genesis::GenesisAccount;
use alloy_primitives::{keccak256, Address, U256};
use ethnet::core::{
    accounts::generate_mnemonic,
    cl_genesis::{self, BlsPubkey, ClGenesisInput, GenesisValidator, WithdrawalCredentials},
    el_genesis, generate,
    genesis_hash::{genesis_hash, genesis_header},
    spec::{AccountKdf, Preset, ValidatorKdf},
    validator_keys::{derive_validator_keys, encrypt, validator_path, KeystoreInputs},
    GenerateOptions, SpecFile,
};
use rand::SeedableRng;

const RUNS: usize = 3;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn default_spec() -> ethnet::core::NetworkSpec {
    SpecFile::from_json(include_str!("../tests/fixtures/default-spec.json"))
        .unwrap()
        .validate()
        .unwrap()
}

fn el_genesis_with_large_alloc() {
    let count = env_usize("ETHNET_BENCH_ALLOC", 1_000_000);
    let spec = default_spec();
    let mut genesis = el_genesis::build(&spec, 1_800_000_000, &[]).unwrap();
    let funded = GenesisAccount::default().with_balance(U256::from(10u128.pow(21)));
    for i in 0..count as u64 {
        let address = Address::from_slice(&keccak256(i.to_be_bytes())[12..]);
        genesis.alloc.insert(address, funded.clone());
    }
    let samples = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(genesis_hash(&genesis).unwrap());
            start.elapsed()
        })
        .collect();
    println!(
        "el genesis: state root + block hash of {count} alloc accounts: median {:.2?} of {RUNS} runs (target < 5 s)",
        median(samples)
    );
}

fn keystore_scaling() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let keystores = env_usize("ETHNET_BENCH_KEYSTORES", 2 * cores);
    let mut spec = default_spec();
    spec.accounts.count = keystores as u32;
    spec.accounts.keystore_kdf = AccountKdf::Standard;
    let rate_with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let samples = (0..RUNS)
            .map(|seed| {
                let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed as u64);
                let options = GenerateOptions {
                    genesis_time: 1_800_000_000,
                    mnemonic: None,
                    object_size_limit: ethnet::kube::objects::OBJECT_SIZE_LIMIT,
                };
                let start = Instant::now();
                pool.install(|| generate(&spec, options, &mut rng, &|| {}).unwrap());
                start.elapsed()
            })
            .collect();
        keystores as f64 / median(samples).as_secs_f64()
    };
    let single = rate_with(1);
    let all = rate_with(cores);
    let efficiency = all / (single * cores as f64);
    println!(
        "account keystores (scrypt n=2^18), {keystores} per run, median of {RUNS}: \
         1 core {single:.2}/s, {cores} cores {all:.2}/s, efficiency {efficiency:.2} (target >= 0.90)"
    );
}

/// Validators end to end: EIP-2333 keys, fast-KDF EIP-2335 keystores, genesis state and root.
fn validators_end_to_end(count: u32, threads: usize) -> Duration {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let spec = default_spec();
    let el = el_genesis::build(&spec, 1_800_000_000, &[]).unwrap();
    let header = genesis_header(&el).unwrap();
    let el_hash = header.hash_slow();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let mnemonic = generate_mnemonic(&mut rng);
    let inputs: Vec<KeystoreInputs> = (0..count)
        .map(|_| KeystoreInputs::generate(&mut rng))
        .collect();
    let start = Instant::now();
    pool.install(|| {
        use rayon::prelude::*;
        let keys = derive_validator_keys(&mnemonic, 0..count);
        let keystores: Vec<_> = keys
            .par_iter()
            .zip(&inputs)
            .map(|(k, i)| {
                encrypt(
                    &k.secret.to_bytes(),
                    &k.pubkey,
                    &validator_path(k.index),
                    &i.password,
                    ValidatorKdf::Fast,
                    &i.nonces,
                )
            })
            .collect();
        std::hint::black_box(keystores);
        let validators: Vec<GenesisValidator> = keys
            .iter()
            .map(|k| GenesisValidator {
                pubkey: BlsPubkey::from(k.pubkey),
                withdrawal_credentials: WithdrawalCredentials::Bls(BlsPubkey::from(
                    k.withdrawal_pubkey,
                ))
                .to_bytes(),
                balance: cl_genesis::MIN_ACTIVATION_BALANCE,
            })
            .collect();
        let input = ClGenesisInput {
            preset: Preset::Mainnet,
            genesis_time: 1_800_000_000,
            fork_version: [0x70, 0, 0, 0],
            el_header: &header,
            el_hash,
        };
        std::hint::black_box(cl_genesis::build(&input, &validators).unwrap());
    });
    start.elapsed()
}

fn validator_scaling() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let counts: Vec<u32> = std::env::var("ETHNET_BENCH_VALIDATORS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    for count in counts {
        let runs = if count > 20_000 { 1 } else { RUNS };
        let all = median(
            (0..runs)
                .map(|_| validators_end_to_end(count, cores))
                .collect(),
        );
        let one = median((0..runs).map(|_| validators_end_to_end(count, 1)).collect());
        let efficiency = one.as_secs_f64() / (all.as_secs_f64() * cores as f64);
        println!(
            "validators end to end (EIP-2333 keys, fast-KDF keystores, mainnet state + root), {count}: \
             {cores} cores {all:.2?}, 1 core {one:.2?}, parallel efficiency {efficiency:.2} (median of {runs})"
        );
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing and must stay quick.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    el_genesis_with_large_alloc();
    keystore_scaling();
    validator_scaling();
}
