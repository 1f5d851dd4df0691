//! Execution-layer checks over JSON-RPC.

use serde_json::{json, Value};

use super::{advances, Check, Expectations, Transport};

/// A minimal JSON-RPC client for the checks.
#[derive(Debug, Clone)]
pub struct RpcClient {
    transport: Transport,
    url: String,
}

impl RpcClient {
    /// A client for the endpoint `url` (a URL, or an API server path for
    /// [`Transport::ApiServer`]).
    pub fn new(transport: Transport, url: &str) -> Self {
        Self {
            transport,
            url: url.into(),
        }
    }

    /// Calls `method` and returns its `result`, or a readable error.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let reply = self.transport.post_json(&self.url, &body).await?;
        let reply: Value = reply
            .json()
            .map_err(|e| format!("{method}: HTTP {}, {e}", reply.status))?;
        match (reply.get("result"), reply.get("error")) {
            (Some(result), None) => Ok(result.clone()),
            (_, Some(error)) => Err(format!("{method}: {error}")),
            _ => Err(format!("{method}: no result in {reply}")),
        }
    }

    async fn quantity(&self, method: &str) -> Result<u64, String> {
        let value = self.call(method, json!([])).await?;
        parse_quantity(&value).ok_or_else(|| format!("{method}: not a quantity: {value}"))
    }
}

fn parse_quantity(value: &Value) -> Option<u64> {
    u64::from_str_radix(value.as_str()?.strip_prefix("0x")?, 16).ok()
}

/// Runs the execution checks of one node.
pub(super) async fn check(client: &RpcClient, node: &str, expect: &Expectations) -> Vec<Check> {
    let chain_id = match client.quantity("eth_chainId").await {
        Ok(id) => id,
        // Nothing else can pass when the node does not answer: report that once.
        Err(error) => {
            return vec![Check::failed(
                node,
                "el.reachable",
                "answers eth_chainId",
                error,
            )]
        }
    };
    let mut checks = vec![Check::compare(
        node,
        "el.chainId",
        expect.chain_id,
        chain_id,
    )];
    checks.push(
        match client
            .call("eth_getBlockByNumber", json!(["0x0", false]))
            .await
        {
            Ok(block) => Check::compare(
                node,
                "el.genesisHash",
                expect.genesis_hash,
                block["hash"].as_str().unwrap_or("no block 0"),
            ),
            Err(error) => Check::failed(node, "el.genesisHash", expect.genesis_hash, error),
        },
    );
    checks.push(match client.quantity("net_peerCount").await {
        Ok(peers) => Check::at_least(node, "el.peers", expect.min_peers, peers),
        Err(error) => Check::failed(node, "el.peers", format!(">= {}", expect.min_peers), error),
    });
    let block = || client.quantity("eth_blockNumber");
    checks.push(advances(node, "el.headAdvancing", "block", expect.head_window, block).await);
    checks
}
