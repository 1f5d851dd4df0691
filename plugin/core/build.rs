//! Brings the deposit contract's runtime code into the build.
//!
//! Every network's deposit contract runs the same code, compiled by solc 0.6.11 from the
//! consensus specs' `deposit_contract.sol`. Instead of keeping a copy of that bytecode in this
//! repository, ethnet takes it from a published package it already depends on: the Holesky
//! genesis that the `alloy-genesis` crate ships (`dumpgenesis/holesky.json`), whose deposit
//! contract lives at the address ethnet uses too. Cargo.lock pins the exact package, and the
//! genesis-vector tests compare the code with go-ethereum's embedded Hoodi genesis.

use std::{env, fs, path::PathBuf, process::Command};

use serde_json::Value;

/// The crate whose package carries the Holesky genesis, and where in the package it is.
const SOURCE_CRATE: &str = "alloy-genesis";
const SOURCE_FILE: &str = "dumpgenesis/holesky.json";
/// Holesky placed the deposit contract at the address ethnet's devnets use.
const DEPOSIT_CONTRACT: &str = "4242424242424242424242424242424242424242";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let code = deposit_contract_code().unwrap_or_else(|problem| {
        panic!("cannot take the deposit contract's code from the {SOURCE_CRATE} package: {problem}")
    });
    fs::write(out.join("deposit_contract.bin"), code).expect("write OUT_DIR/deposit_contract.bin");
}

fn deposit_contract_code() -> Result<Vec<u8>, String> {
    let genesis_path = source_package_dir()?.join(SOURCE_FILE);
    println!("cargo:rerun-if-changed={}", genesis_path.display());
    let text = fs::read_to_string(&genesis_path)
        .map_err(|e| format!("{}: {e}", genesis_path.display()))?;
    let genesis: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", genesis_path.display()))?;
    let code = genesis["alloc"]
        .as_object()
        .and_then(|alloc| {
            alloc.iter().find(|(address, _)| {
                address
                    .trim_start_matches("0x")
                    .eq_ignore_ascii_case(DEPOSIT_CONTRACT)
            })
        })
        .and_then(|(_, account)| account["code"].as_str())
        .ok_or_else(|| {
            format!(
                "{} has no code at 0x{DEPOSIT_CONTRACT}",
                genesis_path.display()
            )
        })?;
    hex::decode(code.trim_start_matches("0x"))
        .map_err(|e| format!("code at 0x{DEPOSIT_CONTRACT}: {e}"))
}

/// The directory of the `alloy-genesis` package this crate is built against, asked of cargo.
fn source_package_dir() -> Result<PathBuf, String> {
    // Offline first: the packages are usually all present. `cargo metadata` also resolves
    // dev-dependencies, which `cargo install` does not download, so then it may fetch them.
    let output = cargo_metadata(true).or_else(|_| cargo_metadata(false))?;
    let metadata: Value =
        serde_json::from_slice(&output).map_err(|e| format!("cargo metadata: {e}"))?;
    let this_crate = env::var("CARGO_PKG_NAME").expect("cargo sets it");
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata lists no packages")?;
    // The alloy-genesis that this crate depends on directly (the graph may hold others).
    let source_id = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|node| {
            packages
                .iter()
                .any(|p| p["id"] == node["id"] && p["name"] == this_crate.as_str())
        })
        .flat_map(|node| node["deps"].as_array().into_iter().flatten())
        .find(|dep| dep["name"] == SOURCE_CRATE.replace('-', "_"))
        .map(|dep| dep["pkg"].clone())
        .ok_or_else(|| format!("{this_crate} does not depend on {SOURCE_CRATE}"))?;
    let manifest_path = packages
        .iter()
        .find(|p| p["id"] == source_id)
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or_else(|| format!("cargo metadata has no manifest for {source_id}"))?;
    Ok(PathBuf::from(manifest_path)
        .parent()
        .expect("a manifest path has a parent")
        .to_path_buf())
}

/// `cargo metadata` of this crate's workspace for the target being built; its JSON output.
fn cargo_metadata(offline: bool) -> Result<Vec<u8>, String> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("Cargo.toml");
    let mut metadata = Command::new(cargo);
    metadata
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(&manifest);
    if let Ok(target) = env::var("TARGET") {
        metadata.args(["--filter-platform", &target]);
    }
    if offline {
        metadata.arg("--offline");
    }
    let output = metadata
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}
