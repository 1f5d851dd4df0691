//! `ethnet inspect DIR`: the public summary of an artifacts directory. It recomputes the
//! genesis hash from genesis.json, so a hand-edited genesis shows up as a mismatch. Private
//! keys of the funded accounts appear only with `--show-private-keys`.

use anyhow::Context;
use serde::Serialize;

use crate::{
    cli::{InspectArgs, OutputFormat},
    core::{
        artifacts::{sets, ClSummary, NodeSummary, SECRETS_DIR},
        genesis_hash::genesis_hash,
    },
    output,
};

/// Devp2p port every execution node listens on in the chart.
const EL_P2P_PORT: u16 = 30303;
const TABLE: &str = include_str!("templates/inspect.hbs");

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    network: String,
    el: ElView,
    cl: ClSummary,
    genesis_time: u64,
    /// Enode URLs with the node name as host; the chart puts each pod's DNS name there.
    enodes: Vec<String>,
    nodes: Vec<NodeSummary>,
    funded_addresses: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_keys: Option<Vec<PrivateKey>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ElView {
    chain_id: u64,
    genesis_hash: String,
    genesis_fork: String,
    genesis_hash_verified: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PrivateKey {
    address: String,
    private_key: String,
}

pub(super) fn run(args: InspectArgs) -> anyhow::Result<()> {
    let manifest = output::read_manifest(&args.dir)?;
    let genesis = output::read_genesis(&args.dir)?;
    let recomputed = genesis_hash(&genesis)?;
    let funded_addresses: Vec<String> = manifest
        .accounts
        .iter()
        .map(|a| a.address.to_string())
        .collect();
    let private_keys = match args.show_private_keys {
        true => Some(private_keys(&args.dir, &funded_addresses)?),
        false => None,
    };
    let summary = Summary {
        network: manifest.spec.network.name.clone(),
        el: ElView {
            chain_id: manifest.el.chain_id,
            genesis_hash: manifest.el.genesis_hash.to_string(),
            genesis_fork: manifest.el.genesis_fork.clone(),
            genesis_hash_verified: recomputed == manifest.el.genesis_hash,
        },
        cl: manifest.cl.clone(),
        genesis_time: manifest.genesis_time,
        enodes: manifest
            .nodes
            .iter()
            .map(|n| format!("enode://{}@{}:{EL_P2P_PORT}", n.identity.enode_id, n.name))
            .collect(),
        nodes: manifest.nodes.clone(),
        funded_addresses,
        private_keys,
    };
    match args.output {
        OutputFormat::Json => super::print_json(&summary)?,
        OutputFormat::Table => super::print(&table(&summary)?)?,
    }
    if !summary.el.genesis_hash_verified {
        anyhow::bail!(
            "genesis/genesis.json hashes to {recomputed}, not the manifest's {}: the file was \
             changed after generation",
            summary.el.genesis_hash
        );
    }
    Ok(())
}

/// Decrypts each funded account's keystore with its password file.
fn private_keys(dir: &std::path::Path, addresses: &[String]) -> anyhow::Result<Vec<PrivateKey>> {
    let accounts = dir.join(SECRETS_DIR).join(sets::ACCOUNTS);
    addresses
        .iter()
        .map(|address| {
            let private_key = super::account_private_key(address, |key| {
                let path = accounts.join(key);
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
            })?;
            Ok(PrivateKey {
                address: address.clone(),
                private_key,
            })
        })
        .collect()
}

/// The human summary, rendered from templates/inspect.hbs.
fn table(summary: &Summary) -> anyhow::Result<String> {
    let mut rows = vec![format!(
        "{:<15} {:<10} {:<11} {:<11} {:<12} {}",
        "NODE", "ROLE", "EL", "CL", "VALIDATORS", "PEER ID"
    )];
    for n in &summary.nodes {
        let validators = match n.validators {
            None => String::new(),
            Some(r) => match r.start.checked_add(r.count) {
                Some(end) => format!("{}..{end}", r.start),
                None => anyhow::bail!(
                    "manifest.json: node {} lists validators from {} with count {}, past the \
                     largest index; the manifest was edited or damaged",
                    n.name,
                    r.start,
                    r.count
                ),
            },
        };
        rows.push(format!(
            "{:<15} {:<10} {:<11} {:<11} {:<12} {}",
            n.name,
            n.role.name(),
            n.execution_client,
            n.consensus_client,
            validators,
            n.identity.peer_id
        ));
    }
    let mut context = serde_json::to_value(summary)?;
    context["rows"] = serde_json::json!(rows);
    context["accountCount"] = serde_json::json!(summary.funded_addresses.len());
    let mut handlebars = handlebars::Handlebars::new();
    handlebars.register_escape_fn(handlebars::no_escape);
    Ok(handlebars.render_template(TABLE, &context)?)
}
