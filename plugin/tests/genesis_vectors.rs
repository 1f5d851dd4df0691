//! Genesis hashes of public networks, from their genesis files as go-ethereum embeds them
//! (exported by ci/genesis-vectors into $ETHNET_GENESIS_VECTORS), against the block 0 hashes
//! every client and block explorer publishes.

use std::path::PathBuf;

use ethnet::{
    core::{el_genesis::deposit_contract, genesis_hash::genesis_hash},
    output::read_genesis_file,
};

const PUBLISHED: &[(&str, &str)] = &[
    (
        "mainnet",
        "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
    ),
    (
        "sepolia",
        "0x25a5cc106eea7138acab33231d7160d69cb777ee0c2c553fcddf5138993e6dd9",
    ),
    (
        "holesky",
        "0xb5f7f912443c940f21fd611f12828d75b534364ed9e95ca4e307729a4661bde4",
    ),
    (
        "hoodi",
        "0xbbe312868b376a3001692a646dd2d7d1e4406380dfd86b98aa8a34d1557c971b",
    ),
];

fn vectors_dir() -> Option<PathBuf> {
    match std::env::var_os("ETHNET_GENESIS_VECTORS") {
        Some(dir) => Some(dir.into()),
        None if std::env::var_os("CI").is_some() => {
            panic!("ETHNET_GENESIS_VECTORS is not set; run the tests through ci/test.sh")
        }
        None => {
            eprintln!("skipped: set ETHNET_GENESIS_VECTORS (ci/test.sh does) to check public genesis hashes");
            None
        }
    }
}

#[test]
fn public_network_genesis_hashes() {
    let Some(dir) = vectors_dir() else { return };
    for (network, published) in PUBLISHED {
        let genesis = read_genesis_file(&dir.join(format!("{network}.json"))).unwrap();
        let hash = genesis_hash(&genesis).unwrap();
        assert_eq!(hash.to_string(), *published, "{network}");
    }
}

#[test]
fn a_changed_alloc_changes_the_hash() {
    let Some(dir) = vectors_dir() else { return };
    let mut genesis = read_genesis_file(&dir.join("hoodi.json")).unwrap();
    let before = genesis_hash(&genesis).unwrap();
    let account = genesis.alloc.values_mut().next().unwrap();
    account.balance += alloy_primitives::U256::from(1);
    assert_ne!(genesis_hash(&genesis).unwrap(), before);
}

/// Code without solc's metadata trailer (a CBOR map whose length is in the last two bytes);
/// the trailer hashes the source text, comments included, so builds of one contract differ there.
fn without_metadata(code: &[u8]) -> &[u8] {
    let (body, length) = code.split_at(code.len() - 2);
    &body[..body.len() - usize::from(u16::from_be_bytes([length[0], length[1]]))]
}

/// ethnet's deposit contract against Hoodi's as go-ethereum embeds it: the same executable code
/// and the storage its constructor leaves.
#[test]
fn deposit_contract_matches_hoodis() {
    let Some(dir) = vectors_dir() else { return };
    let hoodi = read_genesis_file(&dir.join("hoodi.json")).unwrap();
    let hoodis =
        &hoodi.alloc[&alloy_primitives::address!("00000000219ab540356cBB839Cbe05303d7705Fa")];
    let ours = deposit_contract();
    let (our_code, hoodi_code) = (ours.code.unwrap(), hoodis.code.clone().unwrap());
    assert_eq!(without_metadata(&our_code), without_metadata(&hoodi_code));
    assert!(
        without_metadata(&our_code).len() > 6000,
        "the trailer alone was stripped"
    );
    assert_eq!(ours.storage, hoodis.storage);
}
