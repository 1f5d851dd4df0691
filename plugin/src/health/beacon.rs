//! Consensus-layer checks over the standard Beacon API.

use serde_json::Value;

use super::{advances, Check, Expectations, Transport};

/// A minimal Beacon API client for the checks.
#[derive(Debug, Clone)]
pub struct BeaconClient {
    transport: Transport,
    base: String,
}

impl BeaconClient {
    /// A client for the API at `base` (`http://host:5052`, or an API server path for
    /// [`Transport::ApiServer`]).
    pub fn new(transport: Transport, base: &str) -> Self {
        Self {
            transport,
            base: base.trim_end_matches('/').into(),
        }
    }

    /// GETs `path` and returns its JSON body's `data`.
    pub async fn data(&self, path: &str) -> Result<Value, String> {
        let reply = self.transport.get(&format!("{}{path}", self.base)).await?;
        let status = reply.status;
        if !status.is_success() {
            return Err(format!("GET {path}: HTTP {status}"));
        }
        let body: Value = reply.json().map_err(|e| format!("GET {path}: {e}"))?;
        body.get("data")
            .cloned()
            .ok_or_else(|| format!("GET {path}: no data in {body}"))
    }

    /// `/eth/v1/node/health`: 200 ready, 206 syncing; anything else is unhealthy.
    async fn health(&self) -> Result<u16, String> {
        let url = format!("{}/eth/v1/node/health", self.base);
        Ok(self.transport.get(&url).await?.status.as_u16())
    }

    async fn number(&self, path: &str, pointer: &str) -> Result<u64, String> {
        let data = self.data(path).await?;
        data.pointer(pointer)
            .and_then(|v| {
                v.as_str()
                    .and_then(|s| s.parse().ok())
                    .or_else(|| v.as_u64())
            })
            .ok_or_else(|| format!("GET {path}: no number at {pointer} in {data}"))
    }
}

/// Runs the consensus checks of one node.
pub(super) async fn check(client: &BeaconClient, node: &str, expect: &Expectations) -> Vec<Check> {
    let status = match client.health().await {
        Ok(status) => status,
        Err(error) => {
            return vec![Check::failed(
                node,
                "cl.reachable",
                "answers /eth/v1/node/health",
                error,
            )]
        }
    };
    let mut checks = vec![Check {
        node: node.into(),
        check: "cl.health",
        ok: status == 200,
        expected: "HTTP 200 (ready)".into(),
        seen: match status {
            206 => "HTTP 206 (syncing)".into(),
            other => format!("HTTP {other}"),
        },
    }];
    checks.push(match client.data("/eth/v1/beacon/genesis").await {
        Ok(genesis) => Check::compare(
            node,
            "cl.genesisValidatorsRoot",
            expect.genesis_validators_root,
            genesis["genesis_validators_root"]
                .as_str()
                .unwrap_or("missing"),
        ),
        Err(error) => Check::failed(
            node,
            "cl.genesisValidatorsRoot",
            expect.genesis_validators_root,
            error,
        ),
    });
    checks.push(
        match client.number("/eth/v1/node/peer_count", "/connected").await {
            Ok(peers) => Check::at_least(node, "cl.peers", expect.min_peers, peers),
            Err(error) => {
                Check::failed(node, "cl.peers", format!(">= {}", expect.min_peers), error)
            }
        },
    );
    let slot = || client.number("/eth/v1/beacon/headers/head", "/header/message/slot");
    checks.push(advances(node, "cl.headAdvancing", "slot", expect.head_window, slot).await);
    if expect.finality {
        let path = "/eth/v1/beacon/states/head/finality_checkpoints";
        checks.push(match client.number(path, "/finalized/epoch").await {
            Ok(epoch) => Check::at_least(node, "cl.finalizedEpoch", 1, epoch),
            Err(error) => Check::failed(node, "cl.finalizedEpoch", ">= 1", error),
        });
    }
    checks
}
