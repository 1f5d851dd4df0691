//! The pods of a release's nodes and whether they are Ready, said so a user knows why not.

use k8s_openapi::api::core::v1::Pod;
use kube::{
    api::{Api, ListParams},
    Client,
};

use crate::core::artifacts::NodeSummary;

/// Label the chart puts on one-node StatefulSets (validators) and their pods.
const NODE_LABEL: &str = "ethnet.io/node";

/// A node and its pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePod {
    /// Node name (`validator-0`).
    pub node: String,
    /// Pod name, when the node has a pod.
    pub pod: Option<String>,
    /// `Ok` when Ready, else why not.
    pub ready: Result<(), String>,
    /// The pod's containers have started (phase Running), Ready or not: its clients can be
    /// asked for their own checks even while another container of the pod is not ready.
    pub running: bool,
}

/// The API server path of a pod's port through its pod proxy, for
/// [`crate::health::Transport::ApiServer`]. Names come from the API server, ports are the
/// chart's, so the path stays within the release's own pods.
pub fn pod_proxy_path(namespace: &str, pod: &str, port: u16) -> String {
    format!("/api/v1/namespaces/{namespace}/pods/{pod}:{port}/proxy/")
}

/// Lists the release's pods and pairs them with `nodes`.
pub async fn node_pods<'a>(
    client: &Client,
    namespace: &str,
    release: &str,
    nodes: impl IntoIterator<Item = &'a NodeSummary>,
) -> Result<Vec<NodePod>, kube::Error> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let selector = format!("app.kubernetes.io/instance={release}");
    let pods = api
        .list(&ListParams::default().labels(&selector))
        .await?
        .items;
    Ok(nodes
        .into_iter()
        .map(|node| {
            match pods.iter().find(|pod| node_of(pod).as_deref() == Some(node.name.as_str())) {
                Some(pod) => NodePod {
                    node: node.name.clone(),
                    pod: pod.metadata.name.clone(),
                    ready: readiness(pod),
                    running: pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"),
                },
                None => NodePod {
                    node: node.name.clone(),
                    pod: None,
                    running: false,
                    ready: Err(format!(
                        "no pod (none labelled {selector} runs this node; is the release installed?)"
                    )),
                },
            }
        })
        .collect())
}

/// The node a pod runs: its `ethnet.io/node` label, else `<component>-<ordinal>` for the
/// pods of group StatefulSets (named `<statefulset>-<ordinal>`).
fn node_of(pod: &Pod) -> Option<String> {
    let labels = pod.metadata.labels.as_ref()?;
    if let Some(node) = labels.get(NODE_LABEL) {
        return Some(node.clone());
    }
    let component = labels.get("app.kubernetes.io/component")?;
    let (_, ordinal) = pod.metadata.name.as_deref()?.rsplit_once('-')?;
    ordinal
        .parse::<u32>()
        .ok()
        .map(|ordinal| format!("{component}-{ordinal}"))
}

/// `Ok` when the pod's Ready condition is true; otherwise the most telling reason: a waiting
/// container's reason, a false condition's message, or the phase.
pub fn readiness(pod: &Pod) -> Result<(), String> {
    let Some(status) = &pod.status else {
        return Err("no status yet".into());
    };
    let conditions = status.conditions.as_deref().unwrap_or_default();
    if conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
    {
        return Ok(());
    }
    let phase = status.phase.as_deref().unwrap_or("Unknown");
    let waiting = status
        .init_container_statuses
        .iter()
        .chain(&status.container_statuses)
        .flatten()
        .find_map(|c| {
            let waiting = c.state.as_ref()?.waiting.as_ref()?;
            Some(format!(
                "container {} waiting: {}{}",
                c.name,
                waiting.reason.as_deref().unwrap_or("unknown reason"),
                waiting
                    .message
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            ))
        });
    let condition = conditions.iter().find(|c| c.status == "False").map(|c| {
        format!(
            "{} false: {}",
            c.type_,
            c.message
                .as_deref()
                .or(c.reason.as_deref())
                .unwrap_or("no reason given")
        )
    });
    let unscheduled = phase == "Pending" && !conditions.iter().any(|c| c.type_ == "PodScheduled");
    Err(match (waiting, condition) {
        (Some(why), _) | (None, Some(why)) => format!("{phase}: {why}"),
        // No scheduler has looked at it: a cluster without one, or one that is overloaded.
        (None, None) if unscheduled => format!("{phase}: not scheduled to any node yet"),
        (None, None) => format!("{phase}: not Ready"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(value: serde_json::Value) -> Pod {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn ready_pods_pass_and_others_say_why() {
        let ready = pod(
            json!({"metadata": {"name": "p"}, "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}]}}),
        );
        assert_eq!(readiness(&ready), Ok(()));

        let pending = pod(json!({"metadata": {"name": "p"}, "status": {"phase": "Pending"}}));
        assert_eq!(
            readiness(&pending).unwrap_err(),
            "Pending: not scheduled to any node yet"
        );

        let unschedulable = pod(
            json!({"metadata": {"name": "p"}, "status": {"phase": "Pending",
            "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                            "message": "0/3 nodes are available: insufficient memory"}]}}),
        );
        assert_eq!(
            readiness(&unschedulable).unwrap_err(),
            "Pending: PodScheduled false: 0/3 nodes are available: insufficient memory"
        );

        let pulling = pod(
            json!({"metadata": {"name": "p"}, "status": {"phase": "Pending",
            "conditions": [{"type": "PodScheduled", "status": "True"}],
            "containerStatuses": [{"name": "geth", "image": "x", "imageID": "", "ready": false,
                "restartCount": 0, "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}}),
        );
        assert_eq!(
            readiness(&pulling).unwrap_err(),
            "Pending: container geth waiting: ImagePullBackOff"
        );
    }

    #[test]
    fn pods_map_to_nodes_by_label_or_ordinal() {
        let validator = pod(json!({"metadata": {"name": "devnet-ethnet-validator-3-0",
            "labels": {"ethnet.io/node": "validator-3", "app.kubernetes.io/component": "validator"}}}));
        assert_eq!(node_of(&validator).as_deref(), Some("validator-3"));
        let rpc = pod(json!({"metadata": {"name": "devnet-ethnet-rpc-2",
            "labels": {"app.kubernetes.io/component": "rpc"}}}));
        assert_eq!(node_of(&rpc).as_deref(), Some("rpc-2"));
        let other = pod(json!({"metadata": {"name": "devnet-dora-abc12", "labels": {}}}));
        assert_eq!(node_of(&other), None);
    }
}
