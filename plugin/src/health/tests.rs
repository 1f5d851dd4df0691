//! The verdict against local HTTP doubles of an execution client's JSON-RPC and a beacon
//! node's API: healthy, wrong genesis, no peers, stalled head, unreachable, not finalized.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use serde_json::{json, Value};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

use super::*;

const GENESIS_HASH: B256 = B256::repeat_byte(0x11);
const VALIDATORS_ROOT: B256 = B256::repeat_byte(0x22);

/// How a fake node behaves.
#[derive(Clone)]
struct Behaviour {
    chain_id: u64,
    genesis_hash: B256,
    validators_root: B256,
    peers: u64,
    advancing: bool,
    finalized_epoch: u64,
    health_status: u16,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            chain_id: 3151908,
            genesis_hash: GENESIS_HASH,
            validators_root: VALIDATORS_ROOT,
            peers: 3,
            advancing: true,
            finalized_epoch: 2,
            health_status: 200,
        }
    }
}

/// Serves both APIs on one 127.0.0.1 port until the test ends; returns its base URL.
async fn fake_node(behaviour: Behaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let head = Arc::new(AtomicU64::new(10));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (behaviour, head) = (behaviour.clone(), head.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut reader = BufReader::new(read);
                let mut request_line = String::new();
                reader.read_line(&mut request_line).await.unwrap();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).await.unwrap();
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).await.unwrap();
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_string();
                let (status, reply) = respond(&behaviour, &head, &path, &body);
                let text = reply.to_string();
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                    text.len()
                );
                let _ = write.write_all(response.as_bytes()).await;
            });
        }
    });
    url
}

fn respond(b: &Behaviour, head: &AtomicU64, path: &str, body: &[u8]) -> (u16, Value) {
    let next_head = || {
        if b.advancing {
            head.fetch_add(1, Ordering::SeqCst)
        } else {
            head.load(Ordering::SeqCst)
        }
    };
    if path == "/" {
        let request: Value = serde_json::from_slice(body).unwrap();
        let result = match request["method"].as_str().unwrap() {
            "eth_chainId" => json!(format!("{:#x}", b.chain_id)),
            "eth_getBlockByNumber" => json!({"number": "0x0", "hash": b.genesis_hash}),
            "net_peerCount" => json!(format!("{:#x}", b.peers)),
            "eth_blockNumber" => json!(format!("{:#x}", next_head())),
            other => {
                return (
                    200,
                    json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32601, "message": other}}),
                )
            }
        };
        return (200, json!({"jsonrpc": "2.0", "id": 1, "result": result}));
    }
    match path {
        "/eth/v1/node/health" => (b.health_status, json!({})),
        "/eth/v1/beacon/genesis" => (
            200,
            json!({"data": {"genesis_validators_root": b.validators_root, "genesis_time": "1"}}),
        ),
        "/eth/v1/node/peer_count" => (200, json!({"data": {"connected": b.peers.to_string()}})),
        "/eth/v1/beacon/headers/head" => (
            200,
            json!({"data": {"header": {"message": {"slot": next_head().to_string()}}}}),
        ),
        "/eth/v1/beacon/states/head/finality_checkpoints" => (
            200,
            json!({"data": {"finalized": {"epoch": b.finalized_epoch.to_string(), "root": "0x00"}}}),
        ),
        _ => (404, json!({"message": "not found"})),
    }
}

fn expectations(finality: bool) -> Expectations {
    Expectations {
        chain_id: 3151908,
        genesis_hash: GENESIS_HASH,
        genesis_validators_root: VALIDATORS_ROOT,
        min_peers: 1,
        head_window: Duration::from_millis(30),
        finality,
        request_timeout: Duration::from_secs(2),
    }
}

async fn verdict_for(behaviour: Behaviour, finality: bool) -> Verdict {
    let url = fake_node(behaviour).await;
    let node = NodeEndpoints {
        name: "validator-0".into(),
        execution: Some(url.clone()),
        beacon: Some(url),
    };
    check_network(&[node], &expectations(finality)).await
}

fn failed_checks(verdict: &Verdict) -> Vec<&'static str> {
    verdict.failures().map(|c| c.check).collect()
}

#[tokio::test]
async fn healthy_node_passes_every_check() {
    let verdict = verdict_for(Behaviour::default(), true).await;
    assert!(verdict.healthy, "{:#?}", verdict.checks);
    let names: Vec<_> = verdict.checks.iter().map(|c| c.check).collect();
    for check in [
        "el.chainId",
        "el.genesisHash",
        "el.peers",
        "el.headAdvancing",
        "cl.health",
        "cl.genesisValidatorsRoot",
        "cl.peers",
        "cl.headAdvancing",
        "cl.finalizedEpoch",
    ] {
        assert!(names.contains(&check), "{check} missing from {names:?}");
    }
}

#[tokio::test]
async fn wrong_genesis_is_named_with_both_hashes() {
    let wrong = B256::repeat_byte(0x99);
    let verdict = verdict_for(
        Behaviour {
            genesis_hash: wrong,
            ..Default::default()
        },
        false,
    )
    .await;
    assert!(!verdict.healthy);
    assert_eq!(failed_checks(&verdict), ["el.genesisHash"]);
    let failure = verdict.failures().next().unwrap();
    assert_eq!(failure.node, "validator-0");
    assert_eq!(failure.expected, GENESIS_HASH.to_string());
    assert_eq!(failure.seen, wrong.to_string());
}

#[tokio::test]
async fn wrong_chain_and_validators_root() {
    let verdict = verdict_for(
        Behaviour {
            chain_id: 5,
            validators_root: B256::ZERO,
            ..Default::default()
        },
        false,
    )
    .await;
    assert_eq!(
        failed_checks(&verdict),
        ["el.chainId", "cl.genesisValidatorsRoot"]
    );
}

#[tokio::test]
async fn no_peers_fails_both_layers() {
    let verdict = verdict_for(
        Behaviour {
            peers: 0,
            ..Default::default()
        },
        false,
    )
    .await;
    assert_eq!(failed_checks(&verdict), ["el.peers", "cl.peers"]);
    assert!(verdict
        .failures()
        .all(|c| c.expected == ">= 1" && c.seen == "0"));
}

#[tokio::test]
async fn stalled_head_fails() {
    let verdict = verdict_for(
        Behaviour {
            advancing: false,
            ..Default::default()
        },
        false,
    )
    .await;
    assert_eq!(
        failed_checks(&verdict),
        ["el.headAdvancing", "cl.headAdvancing"]
    );
    assert!(verdict
        .failures()
        .next()
        .unwrap()
        .seen
        .contains("block 10 then 10"));
}

#[tokio::test]
async fn syncing_and_unfinalized() {
    let verdict = verdict_for(
        Behaviour {
            health_status: 206,
            finalized_epoch: 0,
            ..Default::default()
        },
        true,
    )
    .await;
    assert_eq!(failed_checks(&verdict), ["cl.health", "cl.finalizedEpoch"]);
    assert!(verdict
        .checks
        .iter()
        .any(|c| c.seen == "HTTP 206 (syncing)"));
}

#[tokio::test]
async fn unreachable_node_is_reported_once_per_layer() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let node = NodeEndpoints {
        name: "rpc-0".into(),
        execution: Some(url.clone()),
        beacon: Some(url),
    };
    let verdict = check_network(&[node], &expectations(true)).await;
    assert_eq!(failed_checks(&verdict), ["el.reachable", "cl.reachable"]);
    assert!(verdict
        .failures()
        .all(|c| c.node == "rpc-0" && c.seen.contains("unreachable")));
}

#[tokio::test]
async fn nodes_are_checked_concurrently_and_reported_in_order() {
    let mut nodes = Vec::new();
    for i in 0..4 {
        let url = fake_node(Behaviour::default()).await;
        nodes.push(NodeEndpoints {
            name: format!("validator-{i}"),
            execution: Some(url.clone()),
            beacon: Some(url),
        });
    }
    let mut expect = expectations(false);
    expect.head_window = Duration::from_millis(500);
    let start = std::time::Instant::now();
    let verdict = check_network(&nodes, &expect).await;
    assert!(verdict.healthy);
    // Serially, 4 nodes × 2 layers would wait 8 head windows (4 s).
    assert!(
        start.elapsed() < Duration::from_millis(2500),
        "took {:?}",
        start.elapsed()
    );
    let order: Vec<_> = verdict.checks.iter().map(|c| c.node.as_str()).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[test]
fn a_verdict_of_no_checks_is_a_failure() {
    let verdict = Verdict::new(Vec::new());
    assert!(!verdict.healthy);
    let failure = verdict.failures().next().expect("a failure that says why");
    assert_eq!(
        (failure.node.as_str(), failure.check),
        ("network", "nodes.checked")
    );
}
