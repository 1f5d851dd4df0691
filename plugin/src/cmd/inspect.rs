//! `ethnet inspect DIR`: the public summary of an artifacts directory. It recomputes the
//! genesis hash from genesis.json, so a hand-edited genesis shows up as a mismatch.

use serde::Serialize;

use crate::{
    cli::{InspectArgs, OutputFormat},
    core::{
        artifacts::{ClSummary, NodeSummary},
        genesis_hash::genesis_hash,
    },
    output,
};

/// Devp2p port every execution node listens on in the chart.
const EL_P2P_PORT: u16 = 30303;

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
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ElView {
    chain_id: u64,
    genesis_hash: String,
    genesis_fork: String,
    genesis_hash_verified: bool,
}

pub(super) fn run(args: InspectArgs) -> anyhow::Result<()> {
    let manifest = output::read_manifest(&args.dir)?;
    let genesis = output::read_genesis(&args.dir)?;
    let recomputed = genesis_hash(&genesis)?;
    let summary = Summary {
        network: manifest.spec["network"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
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
        funded_addresses: manifest
            .accounts
            .iter()
            .map(|a| a.address.to_string())
            .collect(),
    };
    match args.output {
        OutputFormat::Json => super::print_json(&summary)?,
        OutputFormat::Table => super::print(&table(&summary))?,
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

fn table(s: &Summary) -> String {
    let mut out = format!(
        "network                  {}\nchain id                 {}\ngenesis hash             {}{}\ngenesis fork             {} / {}\ngenesis time             {}\ngenesis validators root  {}\ngenesis state root       {}\nvalidators               {}\n\nNODE            ROLE        EL          CL          VALIDATORS   PEER ID\n",
        s.network,
        s.el.chain_id,
        s.el.genesis_hash,
        if s.el.genesis_hash_verified { "" } else { "  (MISMATCH)" },
        s.el.genesis_fork,
        s.cl.genesis_fork,
        s.genesis_time,
        s.cl.genesis_validators_root,
        s.cl.state_root,
        s.cl.validator_count,
    );
    for n in &s.nodes {
        let role = serde_json::to_value(n.role)
            .ok()
            .and_then(|v| v.as_str().map(String::from));
        let validators = n
            .validators
            .map(|r| format!("{}..{}", r.start, r.start + r.count))
            .unwrap_or_default();
        out += &format!(
            "{:<15} {:<11} {:<11} {:<11} {:<12} {}\n",
            n.name,
            role.unwrap_or_default(),
            n.execution_client,
            n.consensus_client,
            validators,
            n.identity.peer_id
        );
    }
    out += &format!("\nfunded accounts ({})\n", s.funded_addresses.len());
    for address in &s.funded_addresses {
        out += &format!("  {address}\n");
    }
    out
}
