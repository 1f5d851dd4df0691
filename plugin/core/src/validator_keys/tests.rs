//! Validator keys against the published EIP-2333 and EIP-2335 vectors, plus round trips.

use super::*;
use rand::SeedableRng;

/// The BIP-39 test mnemonic of the Trezor vectors.
const ABANDON_MNEMONIC: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/// An EIP-2333 test case: seed → master SK, then child `index` of the master → child SK.
struct Eip2333Case {
    seed: &'static str,
    master_sk: &'static str,
    child_index: u32,
    child_sk: &'static str,
}

/// The four test cases of https://eips.ethereum.org/EIPS/eip-2333#test-cases (secret keys as
/// decimal integers, as the EIP gives them).
const EIP2333_CASES: [Eip2333Case; 4] = [
    Eip2333Case {
        seed: "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
        master_sk: "6083874454709270928345386274498605044986640685124978867557563392430687146096",
        child_index: 0,
        child_sk: "20397789859736650942317412262472558107875392172444076792671091975210932703118",
    },
    Eip2333Case {
        seed: "3141592653589793238462643383279502884197169399375105820974944592",
        master_sk: "29757020647961307431480504535336562678282505419141012933316116377660817309383",
        child_index: 3141592653,
        child_sk: "25457201688850691947727629385191704516744796114925897962676248250929345014287",
    },
    Eip2333Case {
        seed: "0099FF991111002299DD7744EE3355BBDD8844115566CC55663355668888CC00",
        master_sk: "27580842291869792442942448775674722299803720648445448686099262467207037398656",
        child_index: 4294967295,
        child_sk: "29358610794459428860402234341874281240803786294062035874021252734817515685787",
    },
    Eip2333Case {
        seed: "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
        master_sk: "19022158461524446591288038168518313374041767046816487870552872741050760015818",
        child_index: 42,
        child_sk: "31372231650479070279774297061823572166496564838472787488249775572789064611981",
    },
];

/// A decimal integer below 2^256 as 32 big-endian bytes (blst's secret-key encoding).
fn decimal_to_be32(decimal: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for digit in decimal.bytes() {
        assert!(digit.is_ascii_digit(), "{decimal} is not decimal");
        let mut carry = u32::from(digit - b'0');
        for byte in out.iter_mut().rev() {
            let value = u32::from(*byte) * 10 + carry;
            *byte = value as u8;
            carry = value >> 8;
        }
        assert_eq!(carry, 0, "{decimal} does not fit 256 bits");
    }
    out
}

#[test]
fn decimal_conversion() {
    let mut expected = [0u8; 32];
    expected[29..].copy_from_slice(&[0x01, 0x00, 0x01]);
    assert_eq!(decimal_to_be32("65537"), expected);
    assert_eq!(decimal_to_be32("0"), [0u8; 32]);
}

#[test]
fn eip2333_test_cases() {
    for case in &EIP2333_CASES {
        let seed = hex::decode(case.seed).unwrap();
        let master = SecretKey::derive_master_eip2333(&seed).unwrap();
        assert_eq!(
            master.to_bytes(),
            decimal_to_be32(case.master_sk),
            "master SK of seed {}",
            case.seed
        );
        let child = master.derive_child_eip2333(case.child_index);
        assert_eq!(
            child.to_bytes(),
            decimal_to_be32(case.child_sk),
            "child {} of seed {}",
            case.child_index,
            case.seed
        );
    }
}

/// EIP-2333 test case 0's seed is the BIP-39 Trezor vector of the abandon mnemonic with
/// passphrase "TREZOR", so the bip39 crate's seed feeds blst exactly as the EIP intends.
#[test]
fn eip2333_case_0_seed_is_the_bip39_trezor_seed() {
    let mnemonic = Mnemonic::parse(ABANDON_MNEMONIC).unwrap();
    assert_eq!(
        hex::encode(mnemonic.to_seed("TREZOR")),
        EIP2333_CASES[0].seed
    );
}

#[test]
fn validator_paths_follow_eip2334() {
    assert_eq!(validator_path(0), "m/12381/3600/0/0/0");
    assert_eq!(validator_path(4294967295), "m/12381/3600/4294967295/0/0");
}

#[test]
fn derives_deterministic_validator_keys() {
    let mnemonic = Mnemonic::parse(ABANDON_MNEMONIC).unwrap();
    let keys = derive_validator_keys(&mnemonic, 0..4);
    let again = derive_validator_keys(&mnemonic, 0..4);
    assert_eq!(keys.len(), 4);
    for (i, (key, same)) in keys.iter().zip(&again).enumerate() {
        assert_eq!(key.index, i as u32);
        assert_eq!(key.pubkey, key.secret.sk_to_pk().to_bytes());
        assert_eq!(key.secret.to_bytes(), same.secret.to_bytes());
        assert_eq!(key.pubkey, same.pubkey);
    }
    let distinct: std::collections::BTreeSet<_> = keys.iter().map(|k| k.pubkey).collect();
    assert_eq!(distinct.len(), 4);

    // A sub-range derives the same keys, and the shared m/12381/3600 prefix is the full path.
    let tail = derive_validator_keys(&mnemonic, 2..4);
    assert_eq!(tail[0].index, 2);
    assert_eq!(tail[1].pubkey, keys[3].pubkey);
    let seed = mnemonic.to_seed("");
    let mut full = SecretKey::derive_master_eip2333(&seed).unwrap();
    for step in [12381, 3600, 3, 0, 0] {
        full = full.derive_child_eip2333(step);
    }
    assert_eq!(full.to_bytes(), keys[3].secret.to_bytes());

    // A different mnemonic gives different keys.
    let other = Mnemonic::parse("test test test test test test test test test test test junk");
    assert_ne!(
        derive_validator_keys(&other.unwrap(), 0..1)[0].pubkey,
        keys[0].pubkey
    );
}

#[test]
fn debug_never_prints_the_secret() {
    let mnemonic = Mnemonic::parse(ABANDON_MNEMONIC).unwrap();
    let key = &derive_validator_keys(&mnemonic, 0..1)[0];
    let debug = format!("{key:?}");
    assert!(debug.contains(&hex::encode(key.pubkey)), "{debug}");
    assert!(
        !debug.contains(&hex::encode(key.secret.to_bytes())),
        "{debug}"
    );
    assert!(!debug.contains("secret"), "{debug}");
    let inputs = KeystoreInputs::generate(&mut rand_chacha::ChaCha20Rng::seed_from_u64(1));
    let debug = format!("{inputs:?}");
    assert!(!debug.contains(inputs.password.as_str()), "{debug}");
}

/// The secret, public key and password of https://eips.ethereum.org/EIPS/eip-2335#test-cases.
const EIP2335_SECRET: &str = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
const EIP2335_PUBKEY: &str = "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";
const EIP2335_PASSWORD: &str = "𝔱𝔢𝔰𝔱𝔭𝔞𝔰𝔰𝔴𝔬𝔯𝔡🔑";

/// EIP-2335's scrypt test vector.
const EIP2335_SCRYPT: &str = r#"{
    "crypto": {
        "kdf": {
            "function": "scrypt",
            "params": {
                "dklen": 32,
                "n": 262144,
                "p": 1,
                "r": 8,
                "salt": "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"
            },
            "message": ""
        },
        "checksum": {
            "function": "sha256",
            "params": {},
            "message": "d2217fe5f3e9a1e34581ef8a78f7c9928e436d36dacc5e846690a5581e8ea484"
        },
        "cipher": {
            "function": "aes-128-ctr",
            "params": {
                "iv": "264daa3f303d7259501c93d997d84fe6"
            },
            "message": "06ae90d55fe0a6e9c5c3bc5b170827b2e5cce3929ed3f116c2811e6366dfe20f"
        }
    },
    "description": "This is a test keystore that uses scrypt to secure the secret.",
    "pubkey": "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07",
    "path": "m/12381/60/3141592653/589793238",
    "uuid": "1d85ae20-35c5-4611-98e8-aa14a633906f",
    "version": 4
}"#;

/// EIP-2335's PBKDF2 test vector.
const EIP2335_PBKDF2: &str = r#"{
    "crypto": {
        "kdf": {
            "function": "pbkdf2",
            "params": {
                "dklen": 32,
                "c": 262144,
                "prf": "hmac-sha256",
                "salt": "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"
            },
            "message": ""
        },
        "checksum": {
            "function": "sha256",
            "params": {},
            "message": "8a9f5d9912ed7e75ea794bc5a89bca5f193721d30868ade6f73043c6ea6febf1"
        },
        "cipher": {
            "function": "aes-128-ctr",
            "params": {
                "iv": "264daa3f303d7259501c93d997d84fe6"
            },
            "message": "cee03fde2af33149775b7223e7845e4fb2c8ae1792e5f99fe9ecf474cc8c16ad"
        }
    },
    "description": "This is a test keystore that uses PBKDF2 to secure the secret.",
    "pubkey": "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07",
    "path": "m/12381/60/0/0",
    "uuid": "64625def-3331-4eea-ab6f-782f3ed16a83",
    "version": 4
}"#;

fn vector_secret() -> [u8; 32] {
    hex::decode(EIP2335_SECRET).unwrap().try_into().unwrap()
}

#[test]
fn eip2335_password_processing() {
    // The EIP's encoded form of its test password.
    assert_eq!(
        hex::encode(process_password(EIP2335_PASSWORD).as_bytes()),
        "7465737470617373776f7264f09f9491"
    );
    assert_eq!(
        process_password(EIP2335_PASSWORD).as_str(),
        "testpassword🔑"
    );
}

#[test]
fn control_codes_are_stripped_after_nfkd() {
    // C0, DEL and C1 codes go; everything else stays.
    assert_eq!(
        process_password("\u{0}pa\u{1F}ss\u{7F}wo\u{80}rd\u{9F}\n\t").as_str(),
        "password"
    );
    assert_eq!(process_password(" \u{20}~\u{A1}").as_str(), "  ~\u{A1}");
    // NFKD: compatibility forms fold, composed letters decompose.
    assert_eq!(process_password("\u{FB01}").as_str(), "fi");
    assert_eq!(process_password("\u{E9}").as_str(), "e\u{301}");
    // A keystore encrypted under a password with control codes opens without them.
    let nonces = KeystoreNonces::generate(&mut rand_chacha::ChaCha20Rng::seed_from_u64(2));
    let pubkey = hex::decode(EIP2335_PUBKEY).unwrap().try_into().unwrap();
    let keystore = encrypt(
        &vector_secret(),
        &pubkey,
        "",
        "pass\u{7}word\u{85}",
        ValidatorKdf::Fast,
        &nonces,
    );
    assert_eq!(*decrypt(&keystore, "password").unwrap(), vector_secret());
}

#[test]
fn eip2335_vector_pubkey_is_the_secrets() {
    let secret = SecretKey::from_bytes(&vector_secret()).unwrap();
    assert_eq!(hex::encode(secret.sk_to_pk().to_bytes()), EIP2335_PUBKEY);
}

#[test]
fn decrypts_the_eip2335_scrypt_vector() {
    let keystore: Eip2335Keystore = serde_json::from_str(EIP2335_SCRYPT).unwrap();
    let secret = decrypt(&keystore, EIP2335_PASSWORD).unwrap();
    assert_eq!(hex::encode(*secret), EIP2335_SECRET);
    assert_eq!(
        decrypt(&keystore, "testpassword"),
        Err(Eip2335Error::ChecksumMismatch)
    );
}

#[test]
fn decrypts_the_eip2335_pbkdf2_vector() {
    let keystore: Eip2335Keystore = serde_json::from_str(EIP2335_PBKDF2).unwrap();
    let secret = decrypt(&keystore, EIP2335_PASSWORD).unwrap();
    assert_eq!(hex::encode(*secret), EIP2335_SECRET);
    // The normalised form is the same password.
    assert_eq!(
        hex::encode(*decrypt(&keystore, "testpassword🔑").unwrap()),
        EIP2335_SECRET
    );
    assert_eq!(
        decrypt(&keystore, "testpassword"),
        Err(Eip2335Error::ChecksumMismatch)
    );
}

/// The standard KDF is the EIP's PBKDF2 setting, so encrypting the vector's secret with the
/// vector's salt, IV and UUID must reproduce the published keystore.
#[test]
fn encrypt_reproduces_the_eip2335_pbkdf2_vector() {
    let mut expected: Eip2335Keystore = serde_json::from_str(EIP2335_PBKDF2).unwrap();
    let nonces = KeystoreNonces {
        salt: hex::decode("d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3")
            .unwrap()
            .try_into()
            .unwrap(),
        iv: hex::decode("264daa3f303d7259501c93d997d84fe6")
            .unwrap()
            .try_into()
            .unwrap(),
        uuid: hex::decode("64625def33314eeaab6f782f3ed16a83")
            .unwrap()
            .try_into()
            .unwrap(),
    };
    let pubkey = hex::decode(EIP2335_PUBKEY).unwrap().try_into().unwrap();
    let keystore = encrypt(
        &vector_secret(),
        &pubkey,
        "m/12381/60/0/0",
        EIP2335_PASSWORD,
        ValidatorKdf::Standard,
        &nonces,
    );
    expected.description = String::new();
    assert_eq!(keystore, expected);
}

#[test]
fn wrong_password_is_a_checksum_mismatch() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(4);
    let pubkey = hex::decode(EIP2335_PUBKEY).unwrap().try_into().unwrap();
    let keystore = encrypt(
        &vector_secret(),
        &pubkey,
        "",
        "correct horse",
        ValidatorKdf::Fast,
        &KeystoreNonces::generate(&mut rng),
    );
    assert_eq!(
        decrypt(&keystore, "correct horsE"),
        Err(Eip2335Error::ChecksumMismatch)
    );
    assert_eq!(decrypt(&keystore, ""), Err(Eip2335Error::ChecksumMismatch));
    let mut damaged = keystore.clone();
    damaged.crypto.cipher.message.replace_range(0..2, "ff");
    assert_eq!(
        decrypt(&damaged, "correct horse"),
        Err(Eip2335Error::ChecksumMismatch)
    );
}

#[test]
fn rejects_unsupported_keystores() {
    let mut keystore: Eip2335Keystore = serde_json::from_str(EIP2335_PBKDF2).unwrap();
    keystore.version = 3;
    let err = decrypt(&keystore, EIP2335_PASSWORD).unwrap_err();
    assert!(
        matches!(
            err,
            Eip2335Error::Unsupported {
                field: "version",
                ..
            }
        ),
        "{err}"
    );
    let mut keystore: Eip2335Keystore = serde_json::from_str(EIP2335_PBKDF2).unwrap();
    keystore.crypto.kdf.function = "scrypt".into();
    let err = decrypt(&keystore, EIP2335_PASSWORD).unwrap_err();
    assert!(
        matches!(
            err,
            Eip2335Error::Unsupported {
                field: "crypto.kdf",
                ..
            }
        ),
        "{err}"
    );
}

/// Encrypts, serialises, parses and decrypts one key with `kdf`.
fn round_trip(kdf: ValidatorKdf, seed: u64) -> serde_json::Value {
    let mnemonic = Mnemonic::parse(ABANDON_MNEMONIC).unwrap();
    let key = &derive_validator_keys(&mnemonic, 7..8)[0];
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    let inputs = KeystoreInputs::generate(&mut rng);
    let keystore = encrypt(
        &key.secret.to_bytes(),
        &key.pubkey,
        &validator_path(key.index),
        &inputs.password,
        kdf,
        &inputs.nonces,
    );
    let json = serde_json::to_string(&keystore).unwrap();
    let parsed: Eip2335Keystore = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, keystore);
    assert_eq!(
        *decrypt(&parsed, &inputs.password).unwrap(),
        key.secret.to_bytes()
    );
    assert!(decrypt(&parsed, "not the password").is_err());
    assert_eq!(parsed.pubkey, hex::encode(key.pubkey));
    assert_eq!(parsed.path, "m/12381/3600/7/0/0");
    let uuid = uuid::Uuid::parse_str(&parsed.uuid).unwrap();
    assert_eq!(uuid.get_version_num(), 4);
    serde_json::from_str(&json).unwrap()
}

#[test]
fn round_trip_standard_kdf() {
    let value = round_trip(ValidatorKdf::Standard, 5);
    assert_eq!(value["version"], 4);
    assert_eq!(value["crypto"]["kdf"]["function"], "pbkdf2");
    assert_eq!(value["crypto"]["kdf"]["params"]["c"], 262144);
    assert_eq!(value["crypto"]["kdf"]["params"]["dklen"], 32);
    assert_eq!(value["crypto"]["kdf"]["params"]["prf"], "hmac-sha256");
    assert_eq!(value["crypto"]["checksum"]["params"], serde_json::json!({}));
}

#[test]
fn round_trip_fast_kdf() {
    let value = round_trip(ValidatorKdf::Fast, 6);
    assert_eq!(value["crypto"]["kdf"]["params"]["c"], 2);
    assert_eq!(value["crypto"]["cipher"]["function"], "aes-128-ctr");
}

#[test]
fn planned_length_is_the_written_length() {
    let mnemonic = Mnemonic::parse(ABANDON_MNEMONIC).unwrap();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
    for kdf in [ValidatorKdf::Fast, ValidatorKdf::Standard] {
        for index in [0, 10, 12_345] {
            let key = &derive_validator_keys(&mnemonic, index..index + 1)[0];
            let path = validator_path(index);
            let input = KeystoreInputs::generate(&mut rng);
            let secret = key.secret.to_bytes();
            let keystore = encrypt(
                &secret,
                &key.pubkey,
                &path,
                &input.password,
                kdf,
                &input.nonces,
            );
            let written = serde_json::to_vec(&keystore).unwrap().len();
            assert_eq!(keystore_json_len(&path, kdf), written, "{kdf:?} {index}");
            assert_eq!(input.password.len(), PASSWORD_LEN);
        }
    }
}

#[test]
fn generated_passwords_are_hex() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
    let password = generate_password(&mut rng);
    assert_eq!(password.len(), 32);
    assert!(password.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(*generate_password(&mut rng), *password);
}
