//! [Web3 Secret Storage v3](https://ethereum.org/en/developers/docs/data-structures-and-encoding/web3-secret-storage/)
//! keystores for funded accounts: scrypt, AES-128-CTR and a keccak MAC, with the `address`
//! field geth expects when it scans a keystore directory.
//!
//! Encryption draws no randomness itself: the caller hands in the salt, IV and id, so many
//! keystores can be encrypted in parallel from one seeded or OS random source.

use aes::Aes128;
use alloy_primitives::{keccak256, Address};
use ctr::cipher::{KeyIvInit, StreamCipher};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::spec::AccountKdf;

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// Scrypt parameters of a keystore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScryptParams {
    /// log2 of the CPU/memory cost n.
    pub log_n: u8,
    /// Block size r.
    pub r: u32,
    /// Parallelism p.
    pub p: u32,
}

impl ScryptParams {
    /// geth's standard parameters: n = 2^18, r = 8, p = 1.
    pub const STANDARD: Self = Self {
        log_n: 18,
        r: 8,
        p: 1,
    };
    /// geth's `--lightkdf` parameters: n = 2^12, r = 8, p = 6. Devnets only.
    pub const LIGHT: Self = Self {
        log_n: 12,
        r: 8,
        p: 6,
    };

    /// The parameters ethnet writes for `kdf`.
    pub const fn of(kdf: AccountKdf) -> Self {
        match kdf {
            AccountKdf::Standard => Self::STANDARD,
            AccountKdf::Light => Self::LIGHT,
        }
    }
}

/// The random inputs of one keystore encryption, account (v3) or validator (EIP-2335).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoreNonces {
    /// KDF salt.
    pub salt: [u8; 32],
    /// AES-128-CTR initial counter.
    pub iv: [u8; 16],
    /// Random bytes of the keystore's version-4 UUID.
    pub uuid: [u8; 16],
}

impl KeystoreNonces {
    /// All zero: for computing a keystore's size, never for encrypting.
    pub(crate) const ZERO: Self = Self {
        salt: [0; 32],
        iv: [0; 16],
        uuid: [0; 16],
    };

    /// Fresh salt, IV and UUID.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut nonces = Self {
            salt: [0; 32],
            iv: [0; 16],
            uuid: [0; 16],
        };
        rng.fill_bytes(&mut nonces.salt);
        rng.fill_bytes(&mut nonces.iv);
        rng.fill_bytes(&mut nonces.uuid);
        nonces
    }
}

/// A v3 keystore file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keystore {
    /// Address of the key, lower-case hex without 0x (geth's format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Cipher, KDF and MAC.
    pub crypto: CryptoSection,
    /// Random UUID.
    pub id: String,
    /// Always 3.
    pub version: u32,
}

/// The `crypto` object of a v3 keystore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CryptoSection {
    /// Always `aes-128-ctr`.
    pub cipher: String,
    /// Encrypted private key, hex.
    pub ciphertext: String,
    /// The IV.
    pub cipherparams: CipherParams,
    /// `scrypt` or `pbkdf2`.
    pub kdf: String,
    /// KDF parameters.
    pub kdfparams: KdfParams,
    /// keccak256(derived key[16..32] ++ ciphertext), hex.
    pub mac: String,
}

/// `cipherparams` of a v3 keystore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CipherParams {
    /// 16-byte IV, hex.
    pub iv: String,
}

/// KDF parameters, shared by v3 and EIP-2335 keystores; which fields are present depends on
/// the KDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KdfParams {
    /// scrypt.
    Scrypt {
        /// Derived key length, 32.
        dklen: usize,
        /// Cost, a power of two.
        n: u64,
        /// Parallelism.
        p: u32,
        /// Block size.
        r: u32,
        /// Salt, hex.
        salt: String,
    },
    /// PBKDF2-HMAC-SHA256.
    Pbkdf2 {
        /// Derived key length, 32.
        dklen: usize,
        /// Iterations.
        c: u32,
        /// Must be `hmac-sha256`.
        prf: String,
        /// Salt, hex.
        salt: String,
    },
}

/// Largest scrypt cost n a keystore may ask for: 2^20, four times geth's standard 2^18.
pub const MAX_SCRYPT_N: u64 = 1 << 20;
/// Largest scrypt block size r (geth and EIP-2335 use 8).
pub const MAX_SCRYPT_R: u32 = 32;
/// Largest scrypt parallelism p (geth uses 1, its light KDF 6).
pub const MAX_SCRYPT_P: u32 = 16;
/// Most memory scrypt may use, 128·n·r bytes: 1 GiB (geth's standard takes 256 MiB).
pub const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
/// Most PBKDF2 iterations c: 2^24, 64 times EIP-2335's 2^18.
pub const MAX_PBKDF2_C: u32 = 1 << 24;

/// Fails unless the KDF parameters read from a keystore are within what ethnet opens: a file
/// may ask for any cost, and scrypt n = 2^45 would abort the process on allocation.
fn check_kdf_bounds(params: &KdfParams) -> Result<(), String> {
    let refuse = |what: String| {
        Err(format!(
            "{what}; ethnet opens keystores with scrypt n <= 2^20, r <= {MAX_SCRYPT_R}, p <= \
             {MAX_SCRYPT_P} and 128*n*r <= 1 GiB, or pbkdf2 c <= 2^24, and dklen 32"
        ))
    };
    match *params {
        KdfParams::Scrypt { dklen, .. } | KdfParams::Pbkdf2 { dklen, .. } if dklen != 32 => {
            refuse(format!("kdf dklen {dklen}"))
        }
        KdfParams::Scrypt { n, r, p, .. }
            if n > MAX_SCRYPT_N
                || r == 0
                || r > MAX_SCRYPT_R
                || p == 0
                || p > MAX_SCRYPT_P
                || 128 * n * u64::from(r) > MAX_SCRYPT_MEMORY =>
        {
            refuse(format!("scrypt n {n}, r {r}, p {p}"))
        }
        KdfParams::Pbkdf2 { c, .. } if c == 0 || c > MAX_PBKDF2_C => {
            refuse(format!("pbkdf2 c {c}"))
        }
        _ => Ok(()),
    }
}

/// Runs the KDF `function` with `params` over `password`, giving the 32-byte derived key both
/// keystore formats use (cipher key in the first half, checksum/MAC key in the second). KDF
/// parameters beyond the bounds above are refused before any work.
pub(crate) fn derive_key(
    function: &str,
    params: &KdfParams,
    password: &[u8],
) -> Result<Zeroizing<[u8; 32]>, String> {
    check_kdf_bounds(params)?;
    let mut derived = Zeroizing::new([0u8; 32]);
    let salt = |salt: &str| hex::decode(salt).map_err(|_| format!("salt {salt:?} is not hex"));
    match (function, params) {
        (
            "scrypt",
            KdfParams::Scrypt {
                dklen: 32,
                n,
                p,
                r,
                salt: s,
            },
        ) if n.is_power_of_two() && *n > 1 => {
            let params = scrypt::Params::new(n.trailing_zeros() as u8, *r, *p)
                .map_err(|e| format!("scrypt parameters: {e}"))?;
            scrypt::scrypt(password, &salt(s)?, &params, derived.as_mut())
                .expect("32 bytes is a valid scrypt output length");
        }
        (
            "pbkdf2",
            KdfParams::Pbkdf2 {
                dklen: 32,
                c,
                prf,
                salt: s,
            },
        ) if prf == "hmac-sha256" => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &salt(s)?, *c, derived.as_mut());
        }
        (function, params) => {
            return Err(format!(
                "kdf {function} {params:?}; expected pbkdf2 (hmac-sha256) or scrypt (n a power of \
                 two) with dklen 32"
            ))
        }
    }
    Ok(derived)
}

/// Applies AES-128-CTR with `key` (16 bytes) and `iv` to `data`, in place; encryption and
/// decryption are the same operation.
pub(crate) fn aes_128_ctr(key: &[u8], iv: &[u8; 16], data: &mut [u8]) {
    Aes128Ctr::new_from_slices(key, iv)
        .expect("a 16-byte key and IV fit AES-128-CTR")
        .apply_keystream(data);
}

/// Why a keystore could not be opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeystoreError {
    /// The MAC did not match: wrong password or a damaged file.
    #[error("wrong password or damaged keystore (MAC mismatch)")]
    MacMismatch,
    /// A field is not what v3 allows.
    #[error("unsupported keystore: {0}")]
    Unsupported(String),
}

/// Encrypts `secret` (a 32-byte private key) under `password`.
pub fn encrypt(
    secret: &[u8; 32],
    password: &str,
    params: ScryptParams,
    nonces: &KeystoreNonces,
) -> Keystore {
    let scrypt_params = scrypt::Params::new(params.log_n, params.r, params.p)
        .expect("ethnet's scrypt parameters are valid");
    let mut derived = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(
        password.as_bytes(),
        &nonces.salt,
        &scrypt_params,
        derived.as_mut(),
    )
    .expect("32 bytes is a valid scrypt output length");
    let address = secret_to_address(secret).map(|a| hex::encode(a.as_slice()));
    seal(&derived, secret, address, params, nonces)
}

/// The length in bytes of the compact JSON of a keystore [`encrypt`] writes with `params`,
/// computed without running scrypt (every field has a fixed length): sizes are known before
/// any work.
pub fn keystore_json_len(params: ScryptParams) -> usize {
    let keystore = seal(
        &[0; 32],
        &[0; 32],
        Some(hex::encode(Address::ZERO)),
        params,
        &KeystoreNonces::ZERO,
    );
    serde_json::to_vec(&keystore)
        .expect("keystores serialize")
        .len()
}

/// The keystore of `secret` (whose address is `address`) under the scrypt output `derived`.
fn seal(
    derived: &[u8; 32],
    secret: &[u8; 32],
    address: Option<String>,
    params: ScryptParams,
    nonces: &KeystoreNonces,
) -> Keystore {
    let mut ciphertext = *secret;
    aes_128_ctr(&derived[..16], &nonces.iv, &mut ciphertext);
    let mac = mac(&derived[..], &ciphertext);
    Keystore {
        address,
        crypto: CryptoSection {
            cipher: "aes-128-ctr".into(),
            ciphertext: hex::encode(ciphertext),
            cipherparams: CipherParams {
                iv: hex::encode(nonces.iv),
            },
            kdf: "scrypt".into(),
            kdfparams: KdfParams::Scrypt {
                dklen: 32,
                n: 1 << params.log_n,
                p: params.p,
                r: params.r,
                salt: hex::encode(nonces.salt),
            },
            mac: hex::encode(mac),
        },
        id: uuid::Builder::from_random_bytes(nonces.uuid)
            .into_uuid()
            .to_string(),
        version: 3,
    }
}

/// Decrypts a keystore, checking the MAC first.
pub fn decrypt(keystore: &Keystore, password: &str) -> Result<Zeroizing<Vec<u8>>, KeystoreError> {
    let crypto = &keystore.crypto;
    if keystore.version != 3 || crypto.cipher != "aes-128-ctr" {
        return Err(KeystoreError::Unsupported(format!(
            "version {} with cipher {}",
            keystore.version, crypto.cipher
        )));
    }
    let hex_field = |name: &str, value: &str| {
        hex::decode(value).map_err(|_| KeystoreError::Unsupported(format!("{name} is not hex")))
    };
    let derived = derive_key(&crypto.kdf, &crypto.kdfparams, password.as_bytes())
        .map_err(KeystoreError::Unsupported)?;
    let mut plaintext = Zeroizing::new(hex_field("ciphertext", &crypto.ciphertext)?);
    if hex::encode(mac(&derived[..], &plaintext)) != crypto.mac.to_lowercase() {
        return Err(KeystoreError::MacMismatch);
    }
    let iv = hex_field("iv", &crypto.cipherparams.iv)?;
    let iv: [u8; 16] = iv
        .try_into()
        .map_err(|_| KeystoreError::Unsupported("iv is not 16 bytes".into()))?;
    aes_128_ctr(&derived[..16], &iv, &mut plaintext);
    Ok(plaintext)
}

fn mac(derived: &[u8], ciphertext: &[u8]) -> [u8; 32] {
    let mut input = Vec::with_capacity(16 + ciphertext.len());
    input.extend_from_slice(&derived[16..32]);
    input.extend_from_slice(ciphertext);
    keccak256(input).0
}

/// The Ethereum address of a secp256k1 private key, if it is a valid key.
pub fn secret_to_address(secret: &[u8; 32]) -> Option<Address> {
    let key = k256::SecretKey::from_slice(secret).ok()?;
    Some(public_key_to_address(&key.public_key()))
}

/// The Ethereum address of a public key: the last 20 bytes of keccak of its uncompressed form.
pub fn public_key_to_address(public: &k256::PublicKey) -> Address {
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    let point = public.to_encoded_point(false);
    Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The two vectors of the Web3 Secret Storage definition (also in go-ethereum's
    /// accounts/keystore/testdata/v3_test_vector.json).
    const SPEC_SECRET: &str = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
    const PBKDF2_VECTOR: &str = r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},"ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2","kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},"mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#;
    const SCRYPT_VECTOR: &str = r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},"ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"r":1,"p":8,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},"mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#;

    #[test]
    fn decrypts_the_spec_vectors() {
        for vector in [PBKDF2_VECTOR, SCRYPT_VECTOR] {
            let keystore: Keystore = serde_json::from_str(vector).unwrap();
            let secret = decrypt(&keystore, "testpassword").unwrap();
            assert_eq!(hex::encode(&secret[..]), SPEC_SECRET);
            assert_eq!(
                decrypt(&keystore, "testpassworD"),
                Err(KeystoreError::MacMismatch)
            );
        }
    }

    #[test]
    fn planned_length_is_the_written_length() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        for params in [ScryptParams::LIGHT, ScryptParams::STANDARD] {
            let mut secret = [0u8; 32];
            rng.fill_bytes(&mut secret);
            let nonces = KeystoreNonces::generate(&mut rng);
            let written = serde_json::to_vec(&encrypt(&secret, "pw", params, &nonces)).unwrap();
            assert_eq!(keystore_json_len(params), written.len(), "{params:?}");
        }
    }

    #[test]
    fn round_trip_with_address() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let secret: [u8; 32] = hex::decode(SPEC_SECRET).unwrap().try_into().unwrap();
        let nonces = KeystoreNonces::generate(&mut rng);
        let keystore = encrypt(&secret, "pässwörd", ScryptParams::LIGHT, &nonces);
        let json = serde_json::to_string(&keystore).unwrap();
        let parsed: Keystore = serde_json::from_str(&json).unwrap();
        assert_eq!(&decrypt(&parsed, "pässwörd").unwrap()[..], &secret);
        assert!(decrypt(&parsed, "password").is_err());
        // The spec vector key's address, as given in the Web3 Secret Storage definition.
        assert_eq!(
            parsed.address.as_deref(),
            Some("008aeeda4d805471df9b2a5b0f38a0c3bcba786b")
        );
        assert_eq!(parsed.id.len(), 36);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["crypto"]["kdfparams"]["n"], 4096);
        assert_eq!(value["crypto"]["kdfparams"]["dklen"], 32);
    }

    #[test]
    fn kdf_parameters_beyond_the_bounds_are_refused_before_any_work() {
        let with = |from: &str, to: &str| -> Keystore {
            serde_json::from_str(&SCRYPT_VECTOR.replace(from, to)).unwrap()
        };
        for (from, to) in [
            // 2^45: the allocation alone would abort the process.
            (r#""n":262144"#, r#""n":35184372088832"#),
            (r#""n":262144,"r":1"#, r#""n":262144,"r":64"#),
            (r#""n":262144,"r":1,"p":8"#, r#""n":1048576,"r":16,"p":8"#),
            (r#""p":8"#, r#""p":1000000"#),
            (r#""dklen":32"#, r#""dklen":1000000000"#),
        ] {
            let err = decrypt(&with(from, to), "testpassword").unwrap_err();
            assert!(
                matches!(&err, KeystoreError::Unsupported(m) if m.contains("ethnet opens keystores")),
                "{to}: {err}"
            );
        }
        let pbkdf2: Keystore =
            serde_json::from_str(&PBKDF2_VECTOR.replace(r#""c":262144"#, r#""c":4294967295"#))
                .unwrap();
        assert!(decrypt(&pbkdf2, "testpassword").is_err());
    }

    #[test]
    fn standard_params_are_geths() {
        assert_eq!(
            (
                1u64 << ScryptParams::STANDARD.log_n,
                ScryptParams::STANDARD.r
            ),
            (262144, 8)
        );
    }
}
