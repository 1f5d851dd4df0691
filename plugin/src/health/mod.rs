//! The health verdict: is every node on the chain ethnet generated, connected, and moving?
//!
//! Per node, the execution client (JSON-RPC) must answer with the right chain id and block 0
//! hash, have peers and an advancing head; the beacon node (Beacon API) must be healthy, report
//! the genesis validators root ethnet computed, have peers and an advancing head slot, and, when
//! asked, a finalized epoch. Every check of every node runs concurrently, each request bounded
//! by a timeout; a failure names the node, the check, what was expected and what was seen.
//! `helm ethnet status` reaches nodes through the API server; the real-client test points the
//! same code at 127.0.0.1.

mod beacon;
mod rpc;
mod transport;

use std::time::Duration;

use alloy_primitives::B256;
use serde::Serialize;

pub use beacon::BeaconClient;
pub use rpc::RpcClient;
pub use transport::Transport;

/// Where to reach one node.
#[derive(Debug, Clone)]
pub struct NodeEndpoints {
    /// Node name (`validator-0`).
    pub name: String,
    /// Execution JSON-RPC URL.
    pub execution: Option<String>,
    /// Beacon API URL.
    pub beacon: Option<String>,
}

/// What a healthy network looks like.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Block 0 hash.
    pub genesis_hash: B256,
    /// `genesis_validators_root`.
    pub genesis_validators_root: B256,
    /// Fewest peers a node may have.
    pub min_peers: u64,
    /// How long to watch heads for progress (a few slots).
    pub head_window: Duration,
    /// Require a finalized epoch >= 1.
    pub finality: bool,
    /// Limit of each request.
    pub request_timeout: Duration,
}

impl Expectations {
    /// What the network a manifest describes should look like: heads watched over two slots
    /// (long enough for a block on a live chain, short enough to wait for).
    pub fn for_manifest(manifest: &crate::core::Manifest, min_peers: u64, finality: bool) -> Self {
        // The spec allows 1 to 60 s; a manifest edited beyond that must not overflow the
        // window (or make the wait endless).
        let slot_seconds = manifest.spec.network.slot_seconds.clamp(1, 60);
        Self {
            chain_id: manifest.el.chain_id,
            genesis_hash: manifest.el.genesis_hash,
            genesis_validators_root: manifest.cl.genesis_validators_root,
            min_peers,
            head_window: Duration::from_secs(2 * slot_seconds),
            finality,
            request_timeout: Duration::from_secs(5),
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Node name.
    pub node: String,
    /// What was checked (`el.genesisHash`).
    pub check: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// What a healthy node reports.
    pub expected: String,
    /// What this node reported (or the error reaching it).
    pub seen: String,
}

impl Check {
    fn compare(
        node: &str,
        check: &'static str,
        expected: impl ToString,
        seen: impl ToString,
    ) -> Self {
        let (expected, seen) = (expected.to_string(), seen.to_string());
        Self {
            node: node.into(),
            check,
            ok: expected == seen,
            expected,
            seen,
        }
    }

    fn at_least(node: &str, check: &'static str, min: u64, seen: u64) -> Self {
        Self {
            node: node.into(),
            check,
            ok: seen >= min,
            expected: format!(">= {min}"),
            seen: seen.to_string(),
        }
    }

    /// The network-wide check that the release's Secrets and ConfigMaps hold what the
    /// manifest records: `problem` says what differs, or why they could not be read.
    pub fn artifacts(problem: Option<String>) -> Self {
        let expected = "as recorded in the manifest";
        match problem {
            None => Self::compare("network", "artifacts.unchanged", expected, expected),
            Some(problem) => Self::failed("network", "artifacts.unchanged", expected, problem),
        }
    }

    fn failed(
        node: &str,
        check: &'static str,
        expected: impl ToString,
        error: impl ToString,
    ) -> Self {
        Self {
            node: node.into(),
            check,
            ok: false,
            expected: expected.to_string(),
            seen: error.to_string(),
        }
    }
}

/// Reads a head position twice, `window` apart, and checks it moved forward. Shared by the
/// execution (block number) and consensus (slot) head checks.
async fn advances<F, Fut>(
    node: &str,
    check: &'static str,
    what: &str,
    window: Duration,
    read: F,
) -> Check
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<u64, String>>,
{
    let expected = format!("head {what} advances within {window:?}");
    let first = match read().await {
        Ok(value) => value,
        Err(error) => return Check::failed(node, check, expected, error),
    };
    tokio::time::sleep(window).await;
    match read().await {
        Ok(second) => Check {
            node: node.into(),
            check,
            ok: second > first,
            expected,
            seen: format!("{what} {first} then {second}"),
        },
        Err(error) => Check::failed(node, check, expected, error),
    }
}

/// Every check of every node.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Whether every check passed.
    pub healthy: bool,
    /// The checks, node by node.
    pub checks: Vec<Check>,
}

impl Verdict {
    /// This verdict with one more check.
    pub fn with_check(mut self, check: Check) -> Self {
        self.healthy &= check.ok;
        self.checks.push(check);
        self
    }

    /// The verdict of these checks.
    /// No check at all is a failure, never a healthy network: it means nothing was looked at.
    pub fn new(mut checks: Vec<Check>) -> Self {
        if checks.is_empty() {
            checks.push(Check::failed(
                "network",
                "nodes.checked",
                "at least one node checked",
                "no node to check",
            ));
        }
        Self {
            healthy: checks.iter().all(|c| c.ok),
            checks,
        }
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.ok)
    }
}

/// Checks every node, reached by URL over plain HTTP, concurrently; checks come back in node
/// order.
pub async fn check_network(nodes: &[NodeEndpoints], expect: &Expectations) -> Verdict {
    check_network_via(&Transport::http(expect.request_timeout), nodes, expect).await
}

/// [`check_network`] with the requests sent through `transport`.
pub async fn check_network_via(
    transport: &Transport,
    nodes: &[NodeEndpoints],
    expect: &Expectations,
) -> Verdict {
    let mut tasks = tokio::task::JoinSet::new();
    for (index, node) in nodes.iter().cloned().enumerate() {
        let (transport, expect) = (transport.clone(), expect.clone());
        tasks.spawn(async move { (index, check_node(&transport, &node, &expect).await) });
    }
    let mut per_node = tasks.join_all().await;
    per_node.sort_by_key(|(index, _)| *index);
    Verdict::new(
        per_node
            .into_iter()
            .flat_map(|(_, checks)| checks)
            .collect(),
    )
}

async fn check_node(
    transport: &Transport,
    node: &NodeEndpoints,
    expect: &Expectations,
) -> Vec<Check> {
    let execution = async {
        match &node.execution {
            Some(url) => {
                rpc::check(&RpcClient::new(transport.clone(), url), &node.name, expect).await
            }
            None => Vec::new(),
        }
    };
    let beacon = async {
        match &node.beacon {
            Some(url) => {
                beacon::check(
                    &BeaconClient::new(transport.clone(), url),
                    &node.name,
                    expect,
                )
                .await
            }
            None => Vec::new(),
        }
    };
    let (mut checks, beacon_checks) = tokio::join!(execution, beacon);
    checks.extend(beacon_checks);
    checks
}

#[cfg(test)]
mod tests;
