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
    el_genesis, generate, genesis_hash::genesis_hash, spec::AccountKdf, GenerateOptions, SpecFile,
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

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing and must stay quick.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    el_genesis_with_large_alloc();
    keystore_scaling();
}
