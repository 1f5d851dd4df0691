//! `ethnet health DIR --endpoint NODE=EL_URL,CL_URL …`: the health verdict for nodes reached
//! directly (a local devnet, port-forwards). `helm ethnet status` will reach pods through the
//! API server and use the same checks.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::{
    cli::{HealthArgs, OutputFormat},
    health::{check_network, Expectations, NodeEndpoints, Verdict},
    output,
};

const TABLE: &str = "{{#each checks}}{{#if ok}}ok  {{else}}FAIL{{/if}}  {{node}}  {{check}}  expected {{expected}}, seen {{seen}}\n{{/each}}{{#if healthy}}healthy{{else}}UNHEALTHY{{/if}}: {{passed}} passed, {{failed}} failed\n";

pub(super) fn run(args: HealthArgs) -> anyhow::Result<bool> {
    let manifest = output::read_manifest(&args.dir)?;
    let nodes = args
        .endpoint
        .iter()
        .map(|spec| parse_endpoint(spec))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if nodes.is_empty() {
        bail!("no --endpoint given; pass NODE=EXECUTION_URL,BEACON_URL for each node to check");
    }
    for node in &nodes {
        if !manifest.nodes.iter().any(|n| n.name == node.name) {
            bail!(
                "--endpoint {}: the manifest has no node of that name",
                node.name
            );
        }
    }
    let flags = &args.verdict;
    let expect = Expectations::for_manifest(&manifest, flags.min_peers, flags.wait_finality);
    let slot_seconds = expect.head_window.as_secs() / 2;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let deadline = super::deadline_after(flags.wait);
    let verdict = loop {
        let verdict = runtime.block_on(check_network(&nodes, &expect));
        if verdict.healthy || Instant::now() >= deadline {
            break verdict;
        }
        std::thread::sleep(Duration::from_secs(slot_seconds.max(2)));
    };
    report(&verdict, flags.output)?;
    Ok(verdict.healthy)
}

/// Prints a verdict as a table or JSON.
pub(super) fn report(verdict: &Verdict, output: OutputFormat) -> anyhow::Result<()> {
    match output {
        OutputFormat::Json => super::print_json(verdict),
        OutputFormat::Table => super::print(&table(verdict)?),
    }
}

fn parse_endpoint(spec: &str) -> anyhow::Result<NodeEndpoints> {
    let (name, urls) = spec
        .split_once('=')
        .with_context(|| format!("--endpoint {spec}: write NODE=EXECUTION_URL,BEACON_URL"))?;
    let mut urls = urls
        .split(',')
        .map(str::trim)
        .map(|u| (!u.is_empty()).then(|| u.to_string()));
    Ok(NodeEndpoints {
        name: name.into(),
        execution: urls.next().flatten(),
        beacon: urls.next().flatten(),
    })
}

fn table(verdict: &Verdict) -> anyhow::Result<String> {
    let mut context = serde_json::to_value(verdict)?;
    let failed = verdict.failures().count();
    context["failed"] = failed.into();
    context["passed"] = (verdict.checks.len() - failed).into();
    let mut handlebars = handlebars::Handlebars::new();
    handlebars.register_escape_fn(handlebars::no_escape);
    Ok(handlebars.render_template(TABLE, &context)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_parse() {
        let node = parse_endpoint("rpc-0=http://127.0.0.1:8545,http://127.0.0.1:5052").unwrap();
        assert_eq!(node.execution.as_deref(), Some("http://127.0.0.1:8545"));
        assert_eq!(node.beacon.as_deref(), Some("http://127.0.0.1:5052"));
        let el_only = parse_endpoint("rpc-0=http://127.0.0.1:8545").unwrap();
        assert_eq!(el_only.beacon, None);
        let err = parse_endpoint("http://x").unwrap_err().to_string();
        assert!(err.contains("NODE=EXECUTION_URL,BEACON_URL"), "{err}");
    }
}
