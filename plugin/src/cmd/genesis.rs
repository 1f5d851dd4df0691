//! `ethnet genesis hash FILE`: the block hash of any geth-format genesis.json.

use std::path::Path;

use anyhow::Context;

use crate::{core::genesis_hash::genesis_hash, output::read_genesis_file};

pub(super) fn hash(file: &Path) -> anyhow::Result<()> {
    let genesis = read_genesis_file(file)?;
    let hash = genesis_hash(&genesis).with_context(|| format!("hashing {}", file.display()))?;
    super::print(&format!("{hash}\n"))
}
