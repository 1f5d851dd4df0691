//! The network mnemonic and the funded accounts derived from it.
//!
//! One BIP-39 mnemonic is the root of every derived key: funded accounts at the BIP-44 path
//! m/44'/60'/0'/0/i (what wallets and hardhat/anvil use), validator keys at EIP-2334 paths.

use alloy_primitives::Address;
use bip39::Mnemonic;
use coins_bip32::prelude::XPriv;
use rand::{CryptoRng, RngCore};
use rayon::prelude::*;
use zeroize::Zeroizing;

use super::{error::CoreError, keystore::public_key_to_address};

/// A fresh 24-word English mnemonic from 256 bits of `rng`.
pub fn generate_mnemonic(rng: &mut (impl RngCore + CryptoRng)) -> Mnemonic {
    let mut entropy = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(entropy.as_mut());
    Mnemonic::from_entropy(entropy.as_ref()).expect("32 bytes is valid BIP-39 entropy")
}

/// Parses a user-supplied mnemonic, checking its words and checksum.
pub fn parse_mnemonic(phrase: &str) -> Result<Mnemonic, CoreError> {
    let words = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    Mnemonic::parse(words).map_err(|e| CoreError::Mnemonic(e.to_string()))
}

/// A funded account: its address and private key.
#[derive(Clone)]
pub struct FundedAccount {
    /// Derivation index i in m/44'/60'/0'/0/i.
    pub index: u32,
    /// The account address.
    pub address: Address,
    /// The private key.
    pub secret: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for FundedAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FundedAccount")
            .field("index", &self.index)
            .field("address", &self.address)
            .finish()
    }
}

/// The BIP-44 path of funded account `index`.
pub fn account_path(index: u32) -> String {
    format!("m/44'/60'/0'/0/{index}")
}

/// Derives accounts `0..count` from the mnemonic (no passphrase), in parallel.
pub fn derive_accounts(mnemonic: &Mnemonic, count: u32) -> Result<Vec<FundedAccount>, CoreError> {
    let seed = Zeroizing::new(mnemonic.to_seed(""));
    let derivation_error = |path: String| {
        move |e: coins_bip32::Bip32Error| CoreError::Derivation {
            path,
            reason: e.to_string(),
        }
    };
    let parent_path = "m/44'/60'/0'/0";
    let parent = XPriv::root_from_seed(seed.as_ref(), None)
        .and_then(|root| root.derive_path(parent_path))
        .map_err(derivation_error(parent_path.into()))?;
    (0..count)
        .into_par_iter()
        .map(|index| {
            let child = parent
                .derive_path(vec![index])
                .map_err(derivation_error(account_path(index)))?;
            let signing: &k256::ecdsa::SigningKey = child.as_ref();
            let secret = Zeroizing::new(<[u8; 32]>::from(signing.to_bytes()));
            let public = k256::PublicKey::from(signing.verifying_key());
            Ok(FundedAccount {
                index,
                address: public_key_to_address(&public),
                secret,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    /// The well-known development mnemonic of hardhat, anvil and ganache.
    const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";

    #[test]
    fn derives_the_published_development_accounts() {
        let accounts = derive_accounts(&parse_mnemonic(DEV_MNEMONIC).unwrap(), 3).unwrap();
        assert_eq!(
            accounts[0].address,
            address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        );
        assert_eq!(
            hex::encode(accounts[0].secret.as_ref()),
            "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
        );
        assert_eq!(
            accounts[1].address,
            address!("70997970C51812dc3A010C7d01b50e0d17dc79C8")
        );
        assert_eq!(
            accounts[2].address,
            address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
        );
    }

    #[test]
    fn rejects_a_bad_mnemonic() {
        let err = parse_mnemonic("test test test").unwrap_err().to_string();
        assert!(err.contains("mnemonic") && err.contains("BIP-39"), "{err}");
        let bad_checksum = "test test test test test test test test test test test test";
        assert!(parse_mnemonic(bad_checksum).is_err());
    }

    #[test]
    fn generated_mnemonics_have_24_words_and_round_trip() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        let mnemonic = generate_mnemonic(&mut rng);
        assert_eq!(mnemonic.word_count(), 24);
        assert_eq!(parse_mnemonic(&mnemonic.to_string()).unwrap(), mnemonic);
    }
}
