//! One module per subcommand, each exposing `run(args) -> anyhow::Result<()>`. This is the
//! only layer that reads the clock, the OS random source and stdout.

mod generate;
mod genesis;
mod health;
mod inspect;
mod release;
mod seed;

use std::io::Write;

use crate::{
    cli::{Cli, Command, GenesisCommand},
    lifecycle::Intent,
};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Seed(args) => seed::run(args),
        Command::Health(args) => verdict(health::run(args)?),
        Command::Install(args) => verdict(release::install(args, Intent::Install)?),
        Command::Upgrade(args) => verdict(release::install(args, Intent::Upgrade)?),
        Command::Uninstall(args) => release::uninstall(args),
        Command::Status(args) => verdict(release::status(args)?),
        Command::Accounts(args) => release::accounts(args),
        Command::Genesis(GenesisCommand::Hash { file }) => genesis::hash(&file),
    }
}

/// Exit 1 without another message when the printed verdict was unhealthy.
fn verdict(healthy: bool) -> anyhow::Result<()> {
    if healthy {
        Ok(())
    } else {
        Err(Unhealthy.into())
    }
}

/// The verdict was printed and it is unhealthy: exit 1 without another message.
#[derive(Debug, thiserror::Error)]
#[error("the network is not healthy")]
pub struct Unhealthy;

/// Whether `err` is only a closed stdout (`ethnet inspect d | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `text` to stdout, returning (not panicking on) a closed pipe.
fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The `0x`-hex private key of a funded account, decrypted from the `<address>.json` keystore
/// and `<address>.password` artifacts that `read(key)` returns (files or a Secret's data).
fn account_private_key(
    address: &str,
    read: impl Fn(&str) -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<String> {
    use crate::core::artifacts::keys;
    use anyhow::Context;
    let keystore: crate::core::keystore::Keystore =
        serde_json::from_slice(&read(&keys::account_keystore(address))?)
            .with_context(|| format!("parsing the keystore of {address}"))?;
    let password = String::from_utf8(read(&keys::account_password(address))?)
        .with_context(|| format!("the password of {address} is not UTF-8"))?;
    let secret = crate::core::keystore::decrypt(&keystore, &password)
        .with_context(|| format!("opening the keystore of {address}"))?;
    Ok(format!("0x{}", hex::encode(&secret[..])))
}

/// When a wait of `seconds` from now ends. A wait too long to represent (`--wait` of 2^64-1)
/// never ends rather than overflowing the clock.
fn deadline_after(seconds: u64) -> std::time::Instant {
    let now = std::time::Instant::now();
    // About 30 years: later than any wait anyone means, early enough for every platform clock.
    const FOREVER: std::time::Duration = std::time::Duration::from_secs(30 * 365 * 24 * 3600);
    now.checked_add(std::time::Duration::from_secs(seconds))
        .or_else(|| now.checked_add(FOREVER))
        .unwrap_or(now)
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    print(&format!("{}\n", serde_json::to_string_pretty(value)?))
}
