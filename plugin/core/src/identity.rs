//! Node identities, generated before install so every enode URL and libp2p peer id is known up
//! front and no node waits for another to announce itself.
//!
//! Each node has two secp256k1 keys: a devp2p node key for its execution client (the enode id
//! is the uncompressed public key) and a libp2p key for its beacon node (the peer id is the
//! identity multihash of the protobuf-encoded compressed public key, per the
//! [libp2p peer-id spec](https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md)).

use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use k256::{elliptic_curve::sec1::ToEncodedPoint, SecretKey};
use rand::{CryptoRng, RngCore};
use serde::Serialize;

/// libp2p `KeyType.Secp256k1` in the key protobuf.
const LIBP2P_KEY_TYPE_SECP256K1: u8 = 2;
/// Multihash code of the identity "hash", used for keys up to 42 bytes.
const MULTIHASH_IDENTITY: u8 = 0x00;

/// The keys of one node.
#[derive(Clone)]
pub struct NodeKeys {
    /// devp2p key of the execution client.
    pub execution: SecretKey,
    /// libp2p key of the beacon node.
    pub consensus: SecretKey,
}

impl NodeKeys {
    /// Fresh keys from `rng`.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        Self {
            execution: SecretKey::random(rng),
            consensus: SecretKey::random(rng),
        }
    }

    /// The public identity of these keys.
    pub fn identity(&self) -> NodeIdentity {
        NodeIdentity {
            enode_id: enode_id(&self.execution),
            peer_id: peer_id(&self.consensus),
        }
    }
}

impl std::fmt::Debug for NodeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secrets, even in debug output.
        f.debug_struct("NodeKeys")
            .field("identity", &self.identity())
            .finish()
    }
}

/// What other nodes need to know to reach a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeIdentity {
    /// Execution node id: 128 hex characters (`enode://<id>@host:port`).
    pub enode_id: String,
    /// Beacon node libp2p peer id (`16Uiu2…`).
    pub peer_id: String,
}

/// The devp2p node id: the 64-byte uncompressed public key without its 0x04 prefix, in hex.
pub fn enode_id(key: &SecretKey) -> String {
    let point = key.public_key().to_encoded_point(false);
    hex::encode(&point.as_bytes()[1..])
}

/// The libp2p public key protobuf (`PublicKey { Type: Secp256k1, Data: compressed key }`).
fn libp2p_public_key_protobuf(key: &SecretKey) -> Vec<u8> {
    let compressed = key.public_key().to_encoded_point(true);
    let data = compressed.as_bytes();
    let mut pb = vec![0x08, LIBP2P_KEY_TYPE_SECP256K1, 0x12, data.len() as u8];
    pb.extend_from_slice(data);
    pb
}

/// The libp2p private key protobuf (`PrivateKey { Type: Secp256k1, Data: 32 bytes }`).
fn libp2p_private_key_protobuf(key: &SecretKey) -> Vec<u8> {
    let mut pb = vec![0x08, LIBP2P_KEY_TYPE_SECP256K1, 0x12, 32];
    pb.extend_from_slice(&key.to_bytes());
    pb
}

/// The libp2p peer id of a secp256k1 key, base58btc-encoded.
pub fn peer_id(key: &SecretKey) -> String {
    let pb = libp2p_public_key_protobuf(key);
    let mut multihash = vec![MULTIHASH_IDENTITY, pb.len() as u8];
    multihash.extend_from_slice(&pb);
    bs58::encode(multihash).into_string()
}

/// The node key file geth reads with `--nodekey`: the secret as 64 hex characters.
pub fn geth_nodekey_file(key: &SecretKey) -> String {
    hex::encode(key.to_bytes())
}

/// The peer-id JSON lodestar reads with `--peerIdFile`.
pub fn lodestar_peer_id_json(key: &SecretKey) -> String {
    serde_json::json!({
        "id": peer_id(key),
        "privKey": BASE64.encode(libp2p_private_key_protobuf(key)),
        "pubKey": BASE64.encode(libp2p_public_key_protobuf(key)),
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn key(hex_secret: &str) -> SecretKey {
        SecretKey::from_slice(&hex::decode(hex_secret).unwrap()).unwrap()
    }

    #[test]
    fn peer_id_matches_rust_libp2p() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        for _ in 0..16 {
            let secret = SecretKey::random(&mut rng);
            let theirs =
                libp2p_identity::secp256k1::SecretKey::try_from_bytes(secret.to_bytes()).unwrap();
            let keypair =
                libp2p_identity::Keypair::from(libp2p_identity::secp256k1::Keypair::from(theirs));
            let expected = keypair.public().to_peer_id().to_base58();
            assert_eq!(peer_id(&secret), expected);
            assert!(expected.starts_with("16Uiu2"));
            let json: serde_json::Value =
                serde_json::from_str(&lodestar_peer_id_json(&secret)).unwrap();
            let private = BASE64.decode(json["privKey"].as_str().unwrap()).unwrap();
            let decoded = libp2p_identity::Keypair::from_protobuf_encoding(&private).unwrap();
            assert_eq!(decoded.public().to_peer_id().to_base58(), expected);
        }
    }

    #[test]
    fn enode_id_of_a_known_key() {
        // go-ethereum p2p/enode: the node key b71c71…291 has this well-known enode id.
        let secret = key("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291");
        assert_eq!(
            enode_id(&secret),
            "ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd31387574077f301b421bc84df7266c44e9e6d569fc56be00812904767bf5ccd1fc7f"
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let secret = key("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291");
        let keys = NodeKeys {
            execution: secret.clone(),
            consensus: secret,
        };
        let debug = format!("{keys:?}");
        assert!(!debug.contains("b71c71"), "{debug}");
        assert!(debug.contains("ca634cae"));
    }
}
