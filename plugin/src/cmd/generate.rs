//! `ethnet generate`: values from helm → validated spec → artifacts directory.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use sha2::{Digest, Sha256};

use crate::{
    cli::{GenerateArgs, KeySourceArgs, OutputFormat},
    core::{accounts::parse_mnemonic, generate, Artifacts, GenerateOptions, NetworkSpec, SpecFile},
    helm::{ChartArgs, Helm},
    output,
};

pub(super) fn run(args: GenerateArgs) -> anyhow::Result<()> {
    // Refuse an occupied target before any slow work.
    output::check_target(&args.out, args.force)?;
    let spec = load_spec(&args.chart)?;
    let artifacts = build_artifacts(&spec, &args.keys)?;
    output::write_artifacts(&args.out, &artifacts.files(), args.force)?;
    let manifest = artifacts.manifest();
    match args.output {
        OutputFormat::Json => super::print_json(&serde_json::json!({
            "out": args.out,
            "el": manifest.el,
            "genesisTime": manifest.genesis_time,
            "nodes": manifest.nodes.len(),
            "accounts": manifest.accounts.len(),
        })),
        OutputFormat::Table => super::print(&format!(
            "wrote {}\n  chain id      {}\n  genesis hash  {}\n  genesis time  {}\n  nodes         {}\n  accounts      {}\n",
            args.out.display(),
            manifest.el.chain_id,
            manifest.el.genesis_hash,
            manifest.genesis_time,
            manifest.nodes.len(),
            manifest.accounts.len(),
        )),
    }
}

/// Generates a network's artifacts, with a keystore progress bar. `--seed` replaces the OS
/// random source (tests only); the genesis time defaults to now + network.genesisDelay.
pub(super) fn build_artifacts(
    spec: &NetworkSpec,
    keys: &KeySourceArgs,
) -> anyhow::Result<Artifacts> {
    let mnemonic = match &keys.mnemonic_file {
        Some(path) => {
            let phrase = std::fs::read_to_string(path).map_err(|error| {
                // A value with spaces that is no file is most likely the phrase itself: it
                // must not end up in an error message, a terminal log or CI output.
                if path.to_string_lossy().split_whitespace().count() > 1 && !path.exists() {
                    anyhow::anyhow!(
                        "--mnemonic-file takes the path of a file holding the mnemonic, not the \
                         mnemonic itself (the value given is not shown)"
                    )
                } else {
                    anyhow::Error::new(error)
                        .context(format!("reading --mnemonic-file {}", path.display()))
                }
            })?;
            Some(parse_mnemonic(&phrase)?)
        }
        None => None,
    };
    let genesis_time = match keys.genesis_time {
        Some(t) => t,
        None => unix_now()? + spec.network.genesis_delay,
    };
    let options = GenerateOptions {
        genesis_time,
        mnemonic,
        object_size_limit: crate::kube::objects::OBJECT_SIZE_LIMIT,
    };
    let progress = keystore_progress(spec.accounts.count + spec.validators.count);
    let on_keystore = || progress.inc(1);
    let artifacts = match &keys.seed {
        Some(seed) => generate(spec, options, &mut seeded_rng(seed), &on_keystore),
        None => generate(spec, options, &mut rand::rngs::OsRng, &on_keystore),
    }?;
    progress.finish_and_clear();
    Ok(artifacts)
}

/// The random source of `--seed`: anyone who knows the seed knows every key.
pub(super) fn seeded_rng(seed: &str) -> rand_chacha::ChaCha20Rng {
    let digest: [u8; 32] = Sha256::digest(format!("ethnet-seed-v1:{seed}")).into();
    rand_chacha::ChaCha20Rng::from_seed(digest)
}

/// Asks helm for the merged values and validates them.
pub(super) fn load_spec(chart: &ChartArgs) -> anyhow::Result<NetworkSpec> {
    let json = Helm::from_env().render_spec(chart)?;
    let spec = SpecFile::from_json(&json)?.validate()?;
    for note in &spec.notes {
        eprintln!("note: {note}");
    }
    Ok(spec)
}

fn unix_now() -> anyhow::Result<u64> {
    Ok(SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("system clock before 1970")?
        .as_secs())
}

/// A keystore progress bar on stderr; invisible when stderr is not a terminal.
fn keystore_progress(count: u32) -> ProgressBar {
    let bar = ProgressBar::new(u64::from(count));
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_message("encrypting keystores");
    bar
}
