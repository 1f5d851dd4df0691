//! BLS validator keys derived from the network mnemonic, and the [EIP-2335] keystores that
//! validator clients import.
//!
//! Every validator key comes from the network's one BIP-39 mnemonic, so a network can be
//! regenerated, and any key recovered with standard tools (staking-deposit-cli, ethdo), from
//! the mnemonic alone: its seed goes through [EIP-2333] tree derivation to the [EIP-2334]
//! signing-key path `m/12381/3600/i/0/0`. The derivation itself is blst's, not ours.
//!
//! Validator clients never read raw keys: they import [EIP-2335] keystores (PBKDF2 or scrypt,
//! AES-128-CTR and a SHA-256 checksum) plus one password file per key.
//!
//! Like [`super::keystore`], nothing here draws randomness, reads a clock or touches the file
//! system: passwords, salts, IVs and UUIDs are handed in by the caller ([`KeystoreInputs`]),
//! so output is reproducible from a seeded source and every key's PBKDF2 run (a fraction of a
//! second at the standard cost) can go to its own core.
//!
//! [EIP-2333]: https://eips.ethereum.org/EIPS/eip-2333
//! [EIP-2334]: https://eips.ethereum.org/EIPS/eip-2334
//! [EIP-2335]: https://eips.ethereum.org/EIPS/eip-2335

use std::fmt;
use std::ops::Range;

use bip39::Mnemonic;
use blst::min_pk::SecretKey;
use rand::{CryptoRng, RngCore};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

pub use super::keystore::KdfParams;
use super::{
    keystore::{aes_128_ctr, derive_key, KeystoreNonces},
    spec::ValidatorKdf,
};

/// The [EIP-2334](https://eips.ethereum.org/EIPS/eip-2334) `purpose` level: 12381, after the
/// BLS12-381 curve.
pub const EIP2334_PURPOSE: u32 = 12381;
/// The [EIP-2334](https://eips.ethereum.org/EIPS/eip-2334) `coin_type` of Ethereum: 3600.
pub const EIP2334_COIN_TYPE: u32 = 3600;

/// PBKDF2-HMAC-SHA256 iterations of [`ValidatorKdf::Standard`]: 2^18, the cost of the
/// [EIP-2335](https://eips.ethereum.org/EIPS/eip-2335) PBKDF2 test vector and of
/// staking-deposit-cli's keystores.
pub const STANDARD_PBKDF2_ROUNDS: u32 = 262_144;
/// PBKDF2-HMAC-SHA256 iterations of [`ValidatorKdf::Fast`]: 2. **Insecure**: the keystore
/// then protects nothing beyond its password file. Only for devnets, where keys are public
/// anyway and thousands of keystores must unlock in seconds; lighthouse and lodestar accept any
/// iteration count.
pub const FAST_PBKDF2_ROUNDS: u32 = 2;

/// The PBKDF2 iteration count ethnet writes for `kdf`.
pub const fn pbkdf2_rounds(kdf: ValidatorKdf) -> u32 {
    match kdf {
        ValidatorKdf::Standard => STANDARD_PBKDF2_ROUNDS,
        ValidatorKdf::Fast => FAST_PBKDF2_ROUNDS,
    }
}

/// The [EIP-2334](https://eips.ethereum.org/EIPS/eip-2334) signing-key path of validator
/// `index`: `m/12381/3600/{index}/0/0`.
pub fn validator_path(index: u32) -> String {
    format!("m/{EIP2334_PURPOSE}/{EIP2334_COIN_TYPE}/{index}/0/0")
}

/// One validator's BLS signing key.
pub struct ValidatorKey {
    /// Validator index i in `m/12381/3600/i/0/0`.
    pub index: u32,
    /// The BLS secret key (blst zeroizes it on drop).
    pub secret: SecretKey,
    /// The compressed 48-byte BLS public key.
    pub pubkey: [u8; 48],
    /// Public key of the withdrawal key `m/12381/3600/i/0`, the parent of the signing key,
    /// for 0x00 (BLS) withdrawal credentials.
    pub withdrawal_pubkey: [u8; 48],
}

impl fmt::Debug for ValidatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidatorKey")
            .field("index", &self.index)
            .field("pubkey", &format_args!("0x{}", hex::encode(self.pubkey)))
            .finish_non_exhaustive()
    }
}

/// Derives the signing keys of validators `indices` from the mnemonic (no passphrase), per
/// [EIP-2333](https://eips.ethereum.org/EIPS/eip-2333) at
/// [EIP-2334](https://eips.ethereum.org/EIPS/eip-2334) paths, in parallel and in index order.
pub fn derive_validator_keys(mnemonic: &Mnemonic, indices: Range<u32>) -> Vec<ValidatorKey> {
    let seed = Zeroizing::new(mnemonic.to_seed(""));
    let master = SecretKey::derive_master_eip2333(seed.as_ref())
        .expect("a BIP-39 seed is 64 bytes, above EIP-2333's 32-byte minimum");
    // m/12381/3600 is shared by every validator: derive it once.
    let coin = master
        .derive_child_eip2333(EIP2334_PURPOSE)
        .derive_child_eip2333(EIP2334_COIN_TYPE);
    indices
        .into_par_iter()
        .map(|index| {
            let withdrawal = coin.derive_child_eip2333(index).derive_child_eip2333(0);
            let secret = withdrawal.derive_child_eip2333(0);
            ValidatorKey {
                index,
                pubkey: secret.sk_to_pk().to_bytes(),
                withdrawal_pubkey: withdrawal.sk_to_pk().to_bytes(),
                secret,
            }
        })
        .collect()
}

/// A random keystore password: 32 lower-case hex digits (128 bits), free of anything EIP-2335
/// normalisation, a password file or a shell could alter.
pub fn generate_password(rng: &mut (impl RngCore + CryptoRng)) -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; PASSWORD_LEN / 2]);
    rng.fill_bytes(bytes.as_mut());
    Zeroizing::new(hex::encode(bytes.as_ref()))
}

/// Characters of a [`generate_password`] password.
pub const PASSWORD_LEN: usize = 32;

/// Everything the caller chooses for one key's keystore: its password and nonces.
#[derive(Clone)]
pub struct KeystoreInputs {
    /// The keystore password, also written to the key's password file.
    pub password: Zeroizing<String>,
    /// Salt, IV and UUID.
    pub nonces: KeystoreNonces,
}

impl KeystoreInputs {
    /// A fresh random password ([`generate_password`]) and fresh nonces.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let password = generate_password(rng);
        let nonces = KeystoreNonces::generate(rng);
        Self { password, nonces }
    }
}

impl fmt::Debug for KeystoreInputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeystoreInputs")
            .field("nonces", &self.nonces)
            .finish_non_exhaustive()
    }
}

/// An [EIP-2335](https://eips.ethereum.org/EIPS/eip-2335) keystore file (version 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eip2335Keystore {
    /// KDF, checksum and cipher modules.
    pub crypto: Eip2335Crypto,
    /// Free text for the user; ethnet leaves it empty.
    #[serde(default)]
    pub description: String,
    /// Compressed BLS public key, lower-case hex without 0x.
    pub pubkey: String,
    /// EIP-2334 path the key was derived at (may be empty).
    pub path: String,
    /// Random version-4 UUID.
    pub uuid: String,
    /// Always 4.
    pub version: u32,
}

/// The `crypto` object of an EIP-2335 keystore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eip2335Crypto {
    /// Password → decryption key.
    pub kdf: KdfModule,
    /// Password check.
    pub checksum: ChecksumModule,
    /// The encrypted secret.
    pub cipher: CipherModule,
}

/// The `kdf` module: `pbkdf2` or `scrypt`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfModule {
    /// `pbkdf2` or `scrypt`.
    pub function: String,
    /// Parameters of `function`.
    pub params: KdfParams,
    /// Always empty.
    #[serde(default)]
    pub message: String,
}

/// The `checksum` module: SHA-256 of the second half of the derived key and the ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecksumModule {
    /// Always `sha256`.
    pub function: String,
    /// Always empty.
    pub params: EmptyParams,
    /// The checksum, hex.
    pub message: String,
}

/// An empty `params` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmptyParams {}

/// The `cipher` module: AES-128-CTR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CipherModule {
    /// Always `aes-128-ctr`.
    pub function: String,
    /// The IV.
    pub params: CipherParams,
    /// The encrypted secret key, hex.
    pub message: String,
}

/// `params` of the cipher module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CipherParams {
    /// 16-byte IV, hex.
    pub iv: String,
}

/// Why an EIP-2335 keystore could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Eip2335Error {
    /// The checksum did not match: wrong password or a damaged file.
    #[error("wrong password or damaged keystore (checksum mismatch)")]
    ChecksumMismatch,
    /// A field holds something ethnet does not read.
    #[error("unsupported keystore: {field} is {found:?}, expected {expected}")]
    Unsupported {
        /// Dotted path of the field in the keystore JSON.
        field: &'static str,
        /// What it holds.
        found: String,
        /// What ethnet reads there.
        expected: &'static str,
    },
}

/// The password as EIP-2335 feeds it to the KDF: NFKD-normalised, with the C0 (U+0000 to
/// U+001F), DEL (U+007F) and C1 (U+0080 to U+009F) control codes removed; its UTF-8 bytes
/// are the KDF input.
pub fn process_password(password: &str) -> Zeroizing<String> {
    let mut processed = Zeroizing::new(String::with_capacity(4 * password.len()));
    processed.extend(
        password
            .nfkd()
            .filter(|c| !matches!(c, '\u{00}'..='\u{1F}' | '\u{7F}'..='\u{9F}')),
    );
    processed
}

/// Encrypts a BLS `secret` under `password` with PBKDF2-HMAC-SHA256 at the cost `kdf` names.
pub fn encrypt(
    secret: &[u8; 32],
    pubkey: &[u8; 48],
    path: &str,
    password: &str,
    kdf: ValidatorKdf,
    nonces: &KeystoreNonces,
) -> Eip2335Keystore {
    let rounds = pbkdf2_rounds(kdf);
    let mut derived = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<Sha256>(
        process_password(password).as_bytes(),
        &nonces.salt,
        rounds,
        derived.as_mut(),
    );
    seal(&derived, secret, pubkey, path, rounds, nonces)
}

/// The length in bytes of the compact JSON of a keystore [`encrypt`] writes for the key at
/// `path`, computed without running the KDF (every other field has a fixed length): sizes are
/// known before any work.
pub fn keystore_json_len(path: &str, kdf: ValidatorKdf) -> usize {
    let keystore = seal(
        &[0; 32],
        &[0; 32],
        &[0; 48],
        path,
        pbkdf2_rounds(kdf),
        &KeystoreNonces::ZERO,
    );
    serde_json::to_vec(&keystore)
        .expect("keystores serialize")
        .len()
}

/// The keystore of `secret` under the PBKDF2 output `derived`.
fn seal(
    derived: &[u8; 32],
    secret: &[u8; 32],
    pubkey: &[u8; 48],
    path: &str,
    rounds: u32,
    nonces: &KeystoreNonces,
) -> Eip2335Keystore {
    let mut ciphertext = *secret;
    aes_128_ctr(&derived[..16], &nonces.iv, &mut ciphertext);
    Eip2335Keystore {
        crypto: Eip2335Crypto {
            kdf: KdfModule {
                function: "pbkdf2".into(),
                params: KdfParams::Pbkdf2 {
                    dklen: 32,
                    c: rounds,
                    prf: "hmac-sha256".into(),
                    salt: hex::encode(nonces.salt),
                },
                message: String::new(),
            },
            checksum: ChecksumModule {
                function: "sha256".into(),
                params: EmptyParams {},
                message: hex::encode(checksum(derived, &ciphertext)),
            },
            cipher: CipherModule {
                function: "aes-128-ctr".into(),
                params: CipherParams {
                    iv: hex::encode(nonces.iv),
                },
                message: hex::encode(ciphertext),
            },
        },
        description: String::new(),
        pubkey: hex::encode(pubkey),
        path: path.into(),
        uuid: uuid::Builder::from_random_bytes(nonces.uuid)
            .into_uuid()
            .to_string(),
        version: 4,
    }
}

/// Decrypts a version-4 keystore written with PBKDF2 or scrypt, checking the checksum first.
pub fn decrypt(
    keystore: &Eip2335Keystore,
    password: &str,
) -> Result<Zeroizing<[u8; 32]>, Eip2335Error> {
    let crypto = &keystore.crypto;
    expect_field("version", keystore.version.to_string(), "4", "4")?;
    expect_field(
        "crypto.cipher.function",
        crypto.cipher.function.clone(),
        "aes-128-ctr",
        "aes-128-ctr",
    )?;
    expect_field(
        "crypto.checksum.function",
        crypto.checksum.function.clone(),
        "sha256",
        "sha256",
    )?;
    let password = process_password(password);
    let derived = derive_key(
        &crypto.kdf.function,
        &crypto.kdf.params,
        password.as_bytes(),
    )
    .map_err(|found| Eip2335Error::Unsupported {
        field: "crypto.kdf",
        found,
        expected: "pbkdf2 (hmac-sha256) or scrypt (n a power of two), dklen 32",
    })?;
    let ciphertext: [u8; 32] = hex_field("crypto.cipher.message", &crypto.cipher.message)?
        .try_into()
        .map_err(|_| Eip2335Error::Unsupported {
            field: "crypto.cipher.message",
            found: crypto.cipher.message.clone(),
            expected: "a 32-byte BLS secret key, hex",
        })?;
    let expected = hex_field("crypto.checksum.message", &crypto.checksum.message)?;
    if checksum(&derived, &ciphertext)[..] != expected[..] {
        return Err(Eip2335Error::ChecksumMismatch);
    }
    let iv: [u8; 16] = hex_field("crypto.cipher.params.iv", &crypto.cipher.params.iv)?
        .try_into()
        .map_err(|_| Eip2335Error::Unsupported {
            field: "crypto.cipher.params.iv",
            found: crypto.cipher.params.iv.clone(),
            expected: "16 bytes, hex",
        })?;
    let mut secret = Zeroizing::new(ciphertext);
    aes_128_ctr(&derived[..16], &iv, secret.as_mut());
    Ok(secret)
}

fn expect_field(
    field: &'static str,
    found: String,
    wanted: &str,
    expected: &'static str,
) -> Result<(), Eip2335Error> {
    if found == wanted {
        Ok(())
    } else {
        Err(Eip2335Error::Unsupported {
            field,
            found,
            expected,
        })
    }
}

fn hex_field(field: &'static str, value: &str) -> Result<Vec<u8>, Eip2335Error> {
    hex::decode(value).map_err(|_| Eip2335Error::Unsupported {
        field,
        found: value.into(),
        expected: "hex without 0x",
    })
}

/// sha256(derived key[16..32] ++ ciphertext).
fn checksum(derived: &[u8; 32], ciphertext: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(&derived[16..]);
    hasher.update(ciphertext);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests;
