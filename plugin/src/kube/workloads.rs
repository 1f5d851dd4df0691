//! The validator nodes' StatefulSets, compared before an upgrade. A validator's slashing
//! protection lives on its data volume: a StatefulSet under a new name (`nameOverride`,
//! `fullnameOverride`) or with another volume would start the same keys with an empty
//! database, while the old pod still signs until helm removes it.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use kube::{api::ListParams, Api, Client};
use serde::Deserialize;

/// Label on a node's pod template naming the node (`validator-0`).
const NODE_LABEL: &str = "ethnet.io/node";
/// Component label of the validator nodes' objects.
const VALIDATOR_COMPONENT: &str = "validator";

/// What of a validator node's StatefulSet an upgrade must keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatorWorkload {
    /// StatefulSet name (its pods' and volume claims' names follow from it).
    pub statefulset: String,
    /// The data volume.
    pub volume: DataVolume,
}

/// A node's data volume as its StatefulSet declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataVolume {
    /// A claim per pod from the `data` claim template.
    Claim {
        /// StorageClass; `None` is the cluster default.
        storage_class: Option<String>,
        /// Requested size.
        size: Option<String>,
        /// Access modes.
        access_modes: Vec<String>,
    },
    /// No claim template: the pod's data dies with it.
    Ephemeral,
}

impl std::fmt::Display for DataVolume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Claim {
                storage_class,
                size,
                access_modes,
            } => write!(
                f,
                "a {} claim of class {} ({})",
                size.as_deref().unwrap_or("default-sized"),
                storage_class.as_deref().unwrap_or("<cluster default>"),
                access_modes.join(",")
            ),
            Self::Ephemeral => f.write_str("an emptyDir (persistence disabled)"),
        }
    }
}

/// The validator node a StatefulSet runs, if it runs one. Read as untyped JSON: rendered
/// charts write YAML 1.1 octals (`defaultMode: 0555`) that the typed objects refuse.
fn validator_of(statefulset: &serde_json::Value) -> Option<(String, ValidatorWorkload)> {
    let metadata = &statefulset["metadata"];
    if metadata["labels"]["app.kubernetes.io/component"] != VALIDATOR_COMPONENT {
        return None;
    }
    let spec = &statefulset["spec"];
    let node = spec["template"]["metadata"]["labels"][NODE_LABEL].as_str()?;
    let claim = spec["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["metadata"]["name"] == "data");
    let text = |v: &serde_json::Value| v.as_str().map(String::from);
    let volume = match claim {
        Some(claim) => DataVolume::Claim {
            storage_class: text(&claim["spec"]["storageClassName"]),
            size: text(&claim["spec"]["resources"]["requests"]["storage"]),
            access_modes: claim["spec"]["accessModes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(text)
                .collect(),
        },
        None => DataVolume::Ephemeral,
    };
    Some((
        node.to_string(),
        ValidatorWorkload {
            statefulset: text(&metadata["name"])?,
            volume,
        },
    ))
}

/// The validator StatefulSets of a rendered chart (`helm template` output), by node.
pub fn rendered_validators(rendered: &str) -> BTreeMap<String, ValidatorWorkload> {
    serde_yaml::Deserializer::from_str(rendered)
        .filter_map(|document| serde_json::Value::deserialize(document).ok())
        .filter(|value| value["kind"] == "StatefulSet")
        .filter_map(|value| validator_of(&value))
        .collect()
}

/// The release's running validator StatefulSets, by node.
pub async fn live_validators(
    client: &Client,
    namespace: &str,
    release: &str,
) -> Result<BTreeMap<String, ValidatorWorkload>, kube::Error> {
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), namespace);
    let selector = format!(
        "app.kubernetes.io/instance={release},app.kubernetes.io/component={VALIDATOR_COMPONENT}"
    );
    Ok(api
        .list(&ListParams::default().labels(&selector))
        .await?
        .items
        .iter()
        .filter_map(|statefulset| validator_of(&serde_json::to_value(statefulset).ok()?))
        .collect())
}

/// One line per validator node whose StatefulSet the upgrade would rename or give another
/// data volume; empty when the upgrade keeps every running validator where it is.
pub fn refused_changes(
    live: &BTreeMap<String, ValidatorWorkload>,
    rendered: &BTreeMap<String, ValidatorWorkload>,
) -> Vec<String> {
    let mut refused = Vec::new();
    for (node, running) in live {
        let Some(wanted) = rendered.get(node) else {
            continue; // the validator node count is checked against the manifest
        };
        if wanted.statefulset != running.statefulset {
            refused.push(format!(
                "{node}: StatefulSet {} would become {} (nameOverride or fullnameOverride \
                 changed), a new pod with an empty slashing-protection database beside the \
                 one still signing",
                running.statefulset, wanted.statefulset
            ));
        } else if wanted.volume != running.volume {
            refused.push(format!(
                "{node}: its data volume, {}, would become {} (nodes.validators.persistence \
                 changed), where its slashing-protection database does not follow",
                running.volume, wanted.volume
            ));
        }
    }
    refused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statefulset(name: &str, node: &str, claim: Option<&str>) -> String {
        let claims = match claim {
            Some(size) => format!(
                "  volumeClaimTemplates:\n    - metadata: {{name: data}}\n      spec:\n        \
                 accessModes: [ReadWriteOnce]\n        resources: {{requests: {{storage: {size}}}}}\n"
            ),
            None => String::new(),
        };
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\n  labels:\n    \
             app.kubernetes.io/component: validator\nspec:\n  selector: {{}}\n  serviceName: x\n  \
             template:\n    metadata:\n      labels: {{ethnet.io/node: {node}}}\n    spec:\n      \
             containers: []\n      volumes: [{{name: s, configMap: {{name: s, defaultMode: 0555}}}}]\n{claims}"
        )
    }

    fn rendered(docs: &[String]) -> BTreeMap<String, ValidatorWorkload> {
        rendered_validators(&docs.join("---\n"))
    }

    #[test]
    fn rendered_validators_are_found_by_node_with_their_volume() {
        let found = rendered(&[
            statefulset("devnet-ethnet-validator-0", "validator-0", Some("20Gi")),
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n".into(),
            statefulset("devnet-ethnet-validator-1", "validator-1", None),
        ]);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found["validator-0"].statefulset,
            "devnet-ethnet-validator-0"
        );
        assert_eq!(
            found["validator-0"].volume,
            DataVolume::Claim {
                storage_class: None,
                size: Some("20Gi".into()),
                access_modes: vec!["ReadWriteOnce".into()],
            }
        );
        assert_eq!(found["validator-1"].volume, DataVolume::Ephemeral);
    }

    #[test]
    fn a_renamed_or_moved_validator_is_refused_and_the_same_one_passes() {
        let live = rendered(&[statefulset(
            "devnet-ethnet-validator-0",
            "validator-0",
            Some("20Gi"),
        )]);
        assert!(refused_changes(&live, &live).is_empty());

        let renamed = rendered(&[statefulset(
            "devnet-chain-validator-0",
            "validator-0",
            Some("20Gi"),
        )]);
        let refused = refused_changes(&live, &renamed);
        assert_eq!(refused.len(), 1);
        assert!(
            refused[0].contains("devnet-ethnet-validator-0 would become devnet-chain-validator-0"),
            "{}",
            refused[0]
        );

        let ephemeral = rendered(&[statefulset(
            "devnet-ethnet-validator-0",
            "validator-0",
            None,
        )]);
        let refused = refused_changes(&live, &ephemeral);
        assert!(
            refused[0].contains("would become an emptyDir"),
            "{}",
            refused[0]
        );

        let resized = rendered(&[statefulset(
            "devnet-ethnet-validator-0",
            "validator-0",
            Some("40Gi"),
        )]);
        assert_eq!(refused_changes(&live, &resized).len(), 1);
    }
}
