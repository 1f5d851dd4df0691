//! Re-install and upgrade: the stored artifacts are the network, so a requested spec may only
//! change what does not fork the chain or move validator keys.
//!
//! Everything under `network`, `accounts` and `validators` is fixed at genesis. Node groups
//! may change, except the validator group's node count (it would move validator keys between
//! nodes) and its consensus client (slashing protection does not move between clients). Nodes
//! that a larger group needs get fresh identities; nodes a smaller group drops keep theirs in
//! the manifest, so scaling back up brings the same identities back.

use rand::{CryptoRng, RngCore};
use serde_json::Value;

use super::{
    artifacts::{node_identity_files, ArtifactFile, Manifest, Node, NodeSummary},
    error::{CoreError, RefusedChange},
    identity::NodeKeys,
    spec::{NetworkSpec, NodeGroup, Role},
};

/// Why a section cannot change after genesis.
const GENESIS_REASONS: [(&str, &str); 3] = [
    (
        "network",
        "fixed at genesis: a different value starts a different chain",
    ),
    (
        "accounts",
        "the funded accounts and their keystores were made at genesis",
    ),
    (
        "validators",
        "the validators and their keystores are in the genesis state",
    ),
];

/// The outcome of reusing stored artifacts for a requested spec.
#[derive(Debug)]
pub struct Reuse {
    /// The manifest to store: the requested spec, every node identity ever made.
    pub manifest: Manifest,
    /// Nodes the requested spec adds, with their fresh keys.
    pub new_nodes: Vec<Node>,
}

impl Reuse {
    /// Whether anything must be written before helm runs.
    pub fn changes_artifacts(&self, stored: &Manifest) -> bool {
        !self.new_nodes.is_empty() || self.manifest != *stored
    }

    /// The files of the new nodes' Secrets, laid out as `ethnet generate` writes them.
    pub fn new_files(&self) -> Vec<ArtifactFile> {
        self.new_nodes
            .iter()
            .flat_map(node_identity_files)
            .collect()
    }
}

/// Checks that `requested` keeps the chain `stored` describes, and plans identities for nodes
/// it adds. Refuses with every forking change listed, each with its reason.
pub fn reuse(
    stored: &Manifest,
    requested: &NetworkSpec,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Reuse, CoreError> {
    // Compared as JSON, so a refusal names the values path of every differing leaf.
    let had = serde_json::to_value(&stored.spec).expect("the spec serializes");
    let wanted = serde_json::to_value(requested).expect("the spec serializes");
    let mut refused = Vec::new();
    for (section, reason) in GENESIS_REASONS {
        diff(
            section,
            &had[section],
            &wanted[section],
            reason,
            &mut refused,
        );
    }
    let validators =
        |groups: &[NodeGroup]| groups.iter().find(|g| g.role == Role::Validator).cloned();
    if let (Some(before), Some(after)) = (
        validators(stored.node_groups()),
        validators(&requested.nodes),
    ) {
        if before.replicas != after.replicas {
            refused.push(RefusedChange {
                field: "nodes.validators.replicas".into(),
                stored: before.replicas.to_string(),
                requested: after.replicas.to_string(),
                reason: "validator keys were split across the validator nodes at genesis; \
                         moving them between nodes risks double signing",
            });
        }
        if before.consensus_client != after.consensus_client {
            refused.push(RefusedChange {
                field: "nodes.validators.consensus.client".into(),
                stored: before.consensus_client.to_string(),
                requested: after.consensus_client.to_string(),
                reason: "a validator client's slashing-protection history does not move to \
                         another client",
            });
        }
    }
    if !refused.is_empty() {
        return Err(CoreError::Forking(refused));
    }

    let mut manifest = stored.clone();
    manifest.spec = requested.without_notes();
    let mut new_nodes = Vec::new();
    for group in &requested.nodes {
        for ordinal in 0..group.replicas {
            let name = group.role.node_name(ordinal);
            match manifest.nodes.iter_mut().find(|n| n.name == name) {
                Some(node) => {
                    node.execution_client = group.execution_client;
                    node.consensus_client = group.consensus_client;
                }
                None => new_nodes.push(Node {
                    name,
                    role: group.role,
                    ordinal,
                    execution_client: group.execution_client,
                    consensus_client: group.consensus_client,
                    validators: 0..0,
                    keys: NodeKeys::generate(rng),
                }),
            }
        }
    }
    for node in &new_nodes {
        manifest.nodes.push(NodeSummary::of(node));
    }
    manifest.add_objects(
        &new_nodes
            .iter()
            .flat_map(node_identity_files)
            .collect::<Vec<_>>(),
    );
    Ok(Reuse {
        manifest,
        new_nodes,
    })
}

/// Collects every leaf where `before` and `after` differ, named by its values path.
fn diff(
    path: &str,
    before: &Value,
    after: &Value,
    reason: &'static str,
    out: &mut Vec<RefusedChange>,
) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let (x, y) = (
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                );
                diff(&format!("{path}.{key}"), x, y, reason, out);
            }
        }
        _ if before != after => out.push(RefusedChange {
            field: path.into(),
            stored: shown(before),
            requested: shown(after),
            reason,
        }),
        _ => {}
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "(unset)".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::{
        clients::ConsensusClient,
        generate,
        spec::{tests_support::spec_with, AccountKdf, ValidatorKdf},
        GenerateOptions,
    };

    fn light(spec: &mut NetworkSpec) {
        spec.accounts.keystore_kdf = AccountKdf::Light;
        spec.accounts.count = 2;
        spec.validators.keystore_kdf = ValidatorKdf::Fast;
        spec.validators.count = 8;
    }

    fn stored() -> (NetworkSpec, Manifest) {
        let spec = spec_with(light);
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(5);
        let options = GenerateOptions {
            genesis_time: 1_800_000_000,
            mnemonic: None,
            object_size_limit: 1 << 20,
        };
        let manifest = generate(&spec, options, &mut rng, &|| {})
            .unwrap()
            .manifest();
        (spec, manifest)
    }

    fn rng() -> rand_chacha::ChaCha20Rng {
        rand_chacha::ChaCha20Rng::seed_from_u64(6)
    }

    fn group(spec: &mut NetworkSpec, role: Role) -> &mut NodeGroup {
        spec.nodes.iter_mut().find(|g| g.role == role).unwrap()
    }

    #[test]
    fn the_same_spec_reuses_everything() {
        let (spec, manifest) = stored();
        let reuse = reuse(&manifest, &spec, &mut rng()).unwrap();
        assert!(reuse.new_nodes.is_empty());
        assert!(!reuse.changes_artifacts(&manifest));
        assert_eq!(reuse.manifest, manifest);
    }

    #[test]
    fn more_rpc_nodes_get_new_identities_and_old_ones_stay() {
        let (mut spec, manifest) = stored();
        group(&mut spec, Role::Rpc).replicas = 3;
        group(&mut spec, Role::Rpc).consensus_client = ConsensusClient::Lodestar;
        let reuse = reuse(&manifest, &spec, &mut rng()).unwrap();
        let added: Vec<&str> = reuse.new_nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(added, ["rpc-1", "rpc-2"]);
        for old in &manifest.nodes {
            let kept = reuse
                .manifest
                .nodes
                .iter()
                .find(|n| n.name == old.name)
                .unwrap();
            assert_eq!(kept.identity, old.identity, "{} keeps its keys", old.name);
        }
        let rpc0 = reuse
            .manifest
            .nodes
            .iter()
            .find(|n| n.name == "rpc-0")
            .unwrap();
        assert_eq!(rpc0.consensus_client, ConsensusClient::Lodestar);
        assert_eq!(reuse.manifest.el, manifest.el);
        assert_eq!(reuse.manifest.cl, manifest.cl);
        // Each new node has its own Secret, listed in the manifest and among the new files.
        for name in ["node-rpc-1", "node-rpc-2"] {
            assert!(reuse.manifest.objects.iter().any(|o| o.set == name));
            let prefix = format!("secrets/{name}/");
            assert_eq!(
                reuse
                    .new_files()
                    .iter()
                    .filter(|f| f.path.starts_with(&prefix))
                    .count(),
                3
            );
        }
        assert!(reuse.changes_artifacts(&manifest));
    }

    #[test]
    fn fewer_rpc_nodes_keep_the_dropped_identities_for_later() {
        let (mut spec, manifest) = stored();
        group(&mut spec, Role::Rpc).replicas = 3;
        let grown = reuse(&manifest, &spec, &mut rng()).unwrap().manifest;
        group(&mut spec, Role::Rpc).replicas = 1;
        let shrunk = reuse(&grown, &spec, &mut rng()).unwrap();
        assert!(shrunk.new_nodes.is_empty());
        assert_eq!(shrunk.manifest.nodes, grown.nodes);
        let active: Vec<String> = shrunk
            .manifest
            .active_nodes()
            .map(|n| n.name.clone())
            .collect();
        assert!(active.contains(&"rpc-0".to_string()) && !active.contains(&"rpc-2".to_string()));
        group(&mut spec, Role::Rpc).replicas = 3;
        let regrown = reuse(&shrunk.manifest, &spec, &mut rng()).unwrap();
        assert!(
            regrown.new_nodes.is_empty(),
            "rpc-1 and rpc-2 come back with their keys"
        );
    }

    #[test]
    fn genesis_changes_are_refused_with_every_field_and_reason() {
        let (mut spec, manifest) = stored();
        spec.network.chain_id += 1;
        spec.accounts.count += 1;
        spec.validators.keystore_kdf = ValidatorKdf::Standard;
        let err = reuse(&manifest, &spec, &mut rng()).unwrap_err();
        let CoreError::Forking(refused) = &err else {
            panic!("{err}")
        };
        let fields: Vec<&str> = refused.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "network.chainId",
                "accounts.count",
                "validators.keystoreKdf"
            ]
        );
        let message = err.to_string();
        assert!(
            message.contains("network.chainId: 3151908 -> 3151909"),
            "{message}"
        );
        assert!(message.contains("different chain"), "{message}");
        assert!(
            message.contains("validators.keystoreKdf: fast -> standard"),
            "{message}"
        );
    }

    #[test]
    fn validator_nodes_and_their_client_cannot_change() {
        let (mut spec, manifest) = stored();
        group(&mut spec, Role::Validator).replicas = 4;
        group(&mut spec, Role::Validator).consensus_client = ConsensusClient::Lodestar;
        let message = reuse(&manifest, &spec, &mut rng()).unwrap_err().to_string();
        assert!(
            message.contains("nodes.validators.replicas: 2 -> 4"),
            "{message}"
        );
        assert!(message.contains("double signing"), "{message}");
        assert!(
            message.contains("nodes.validators.consensus.client: prysm -> lodestar"),
            "{message}"
        );
    }

    #[test]
    fn a_bootnode_consensus_client_may_change() {
        let (mut spec, manifest) = stored();
        group(&mut spec, Role::Bootnode).consensus_client = ConsensusClient::Lighthouse;
        let reuse = reuse(&manifest, &spec, &mut rng()).unwrap();
        assert!(reuse.new_nodes.is_empty());
        let bootnode = reuse
            .manifest
            .nodes
            .iter()
            .find(|n| n.role == Role::Bootnode);
        assert_eq!(
            bootnode.unwrap().consensus_client,
            ConsensusClient::Lighthouse,
            "the manifest records the new client"
        );
        assert!(reuse.changes_artifacts(&manifest));
    }
}
