//! The cluster commands: `install`, `upgrade`, `uninstall`, `status` and `accounts` of a
//! release. Each reads the release's manifest from its namespace; install and upgrade seed
//! artifacts (see `lifecycle`) before handing the chart to helm.

use std::{
    ffi::OsString,
    io::{BufRead, IsTerminal, Write},
    time::{Duration, Instant},
};

use anyhow::{bail, Context};

use crate::{
    cli::{AccountsArgs, OutputFormat, ReleaseArgs, StatusArgs, UninstallArgs, VerdictArgs},
    core::{artifacts::sets, Manifest},
    health::{
        check_network_via, Check, Expectations, NodeEndpoints, RpcClient, Transport, Verdict,
    },
    helm::Helm,
    kube::{
        client_from_helm_env,
        pods::{node_pods, pod_proxy_path},
        store::{ArtifactStore, StoreError},
    },
    lifecycle::{seed, Intent},
};

/// Ports the chart's node containers serve JSON-RPC and the Beacon API on.
const EL_HTTP_PORT: u16 = 8545;
const CL_HTTP_PORT: u16 = 5052;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("starting the async runtime")
}

fn step(message: &str) {
    eprintln!("ethnet: {message}");
}

/// `install` and `upgrade`. Returns whether the network ended healthy.
pub(super) fn install(args: ReleaseArgs, intent: Intent) -> anyhow::Result<bool> {
    let started = Instant::now();
    if args.keys.seed.is_some() {
        step(
            "warning: --seed derives every key of a new network from the seed text, so anyone \
             who knows it knows them all; use it for tests only",
        );
    }
    let helm = Helm::from_env();
    // helm renders and schema-checks the values; the spec is validated before anything else.
    let spec = super::generate::load_spec(&args.chart)?;
    let rendered = helm.render_release(&args.release, &args.chart)?;
    refuse_foreign_artifacts(&rendered, &args.release)?;
    let exists = helm.release_exists(&args.release)?;
    match (intent, exists) {
        (Intent::Install, true) => bail!(
            "release {0} already exists; change it with `helm ethnet upgrade {0}`",
            args.release
        ),
        (Intent::Upgrade, false) => bail!(
            "release {0} does not exist; create it with `helm ethnet install {0}`",
            args.release
        ),
        _ => {}
    }
    runtime()?.block_on(async {
        let (client, namespace) = client_from_helm_env().await?;
        if crate::helm::debug_enabled() {
            step(&format!("namespace {namespace}"));
        }
        refuse_moved_validators(&client, &namespace, &args.release, &rendered).await?;
        let store = ArtifactStore::new(client.clone(), &namespace, &args.release);
        if args.create_namespace {
            store.create_namespace().await?;
        }
        let mut generating = Duration::ZERO;
        let generate = || {
            step("generating genesis, keys and secrets");
            let t = Instant::now();
            let artifacts = super::generate::build_artifacts(&spec, &args.keys);
            generating = t.elapsed();
            artifacts
        };
        let seeded = match &args.keys.seed {
            Some(text) => {
                let mut rng = super::generate::seeded_rng(&format!("{text}/{}", args.release));
                seed(&store, &args.release, &spec, intent, generate, &mut rng).await?
            }
            None => seed(&store, &args.release, &spec, intent, generate, &mut rand::rngs::OsRng).await?,
        };
        step(&format!(
            "{} artifacts in namespace {namespace}: {} object(s) written{}",
            if seeded.reused { "reused" } else { "new" },
            seeded.written.len(),
            if seeded.written.is_empty() { String::new() } else { format!(" ({})", seeded.written.join(", ")) },
        ));
        let own = started.elapsed().saturating_sub(generating);
        step(&format!(
            "ready for helm after {:.2} s of ethnet's own work (+ {:.2} s generating keys and genesis)",
            own.as_secs_f64(),
            generating.as_secs_f64()
        ));
        let mut extra: Vec<OsString> = Vec::new();
        if args.wait {
            extra.push("--wait".into());
        }
        if let Some(timeout) = &args.timeout {
            extra.extend(["--timeout".into(), timeout.into()]);
        }
        extra.extend(args.helm_flags.iter().map(OsString::from));
        let command = if intent == Intent::Install { "install" } else { "upgrade" };
        step(&format!("helm {command} {}", args.release));
        helm.install_or_upgrade(command, &args.release, &args.chart, &seeded.manifest.helm_values()["ethnet"], &extra)?;
        if args.no_health {
            return Ok(true);
        }
        step("checking the network's health (--no-health skips this)");
        let flags = VerdictArgs {
            min_peers: 1,
            wait_finality: false,
            wait: args.health_timeout,
            output: args.output,
        };
        let verdict = watch(&client, &namespace, &args.release, &seeded.manifest, &flags).await?;
        super::health::report(&verdict, args.output)?;
        Ok(verdict.healthy)
    })
}

/// Fails, before anything is written, when the chart would mount artifacts under another
/// name than the release's (`artifactsPrefix`): ethnet seeds and reuses `<release>-*`, so the
/// pods would run another release's keys, or none.
fn refuse_foreign_artifacts(rendered: &str, release: &str) -> anyhow::Result<()> {
    match crate::kube::objects::mounted_genesis_prefixes(rendered)
        .into_iter()
        .find(|prefix| prefix != release)
    {
        None => Ok(()),
        Some(prefix) => bail!(
            "artifactsPrefix is {prefix:?}, but helm ethnet seeds and reuses release {release}'s \
             artifacts as {release}-*: the pods would mount {prefix}-genesis and the keys of \
             {prefix}, another network's. Remove artifactsPrefix from the values (or set it to \
             {release}); it is for installing the chart without the plugin, after \
             `ethnet seed DIR --release {prefix}`"
        ),
    }
}

/// Fails, before anything is written, when the chart would rename a running validator node's
/// StatefulSet or give it another data volume: its keys would start again with an empty
/// slashing-protection database while the old pod still signs.
async fn refuse_moved_validators(
    client: &kube::Client,
    namespace: &str,
    release: &str,
    rendered: &str,
) -> anyhow::Result<()> {
    use crate::kube::workloads::{live_validators, refused_changes, rendered_validators};
    let live = live_validators(client, namespace, release)
        .await
        .with_context(|| {
            format!("listing the validator StatefulSets of {release} in {namespace}")
        })?;
    let refused = refused_changes(&live, &rendered_validators(rendered));
    if refused.is_empty() {
        return Ok(());
    }
    bail!(
        "refusing to move running validators (double signing):\n  {}\nKeep nameOverride, \
         fullnameOverride and nodes.validators.persistence as installed",
        refused.join("\n  ")
    )
}

/// `uninstall`: helm uninstall, then with --purge the keys, genesis and volumes.
pub(super) fn uninstall(args: UninstallArgs) -> anyhow::Result<()> {
    let helm = Helm::from_env();
    if helm.release_exists(&args.release)? {
        let mut helm_args: Vec<OsString> = vec!["uninstall".into(), args.release.clone().into()];
        helm_args.extend(args.helm_flags.iter().map(OsString::from));
        helm.run_shown(&helm_args)?;
    } else {
        step(&format!(
            "no helm release {}; nothing to uninstall",
            args.release
        ));
    }
    if !args.purge {
        step(&format!(
            "kept the network's keys, genesis and volumes; `helm ethnet install {0}` brings the same chain back, `helm ethnet uninstall {0} --purge` deletes them",
            args.release
        ));
        return Ok(());
    }
    runtime()?.block_on(async {
        let (client, namespace) = client_from_helm_env().await?;
        let store = ArtifactStore::new(client, &namespace, &args.release);
        let plan = store.purge_plan().await?;
        if !args.yes && !confirm(&format!(
            "Delete every key, the genesis and the volumes of {} in namespace {namespace}? The chain cannot be recovered.\n{}[y/N] ",
            args.release,
            purge_listing(&plan)
        ))? {
            bail!("not purged (answer y, or pass --yes)");
        }
        let purged = store.purge(&plan).await?;
        step(&format!(
            "purged {} Secret(s), {} ConfigMap(s), {} PersistentVolumeClaim(s)",
            purged.secrets.len(),
            purged.config_maps.len(),
            purged.volume_claims.len()
        ));
        wait_claims_gone(&store, &plan.volume_claims, args.wait).await
    })
}

/// Waits until the purged volume claims are gone: Kubernetes keeps a deleted claim while a pod
/// that mounts it is still stopping (the node pods have up to 120 s to shut their clients down).
async fn wait_claims_gone(
    store: &ArtifactStore,
    claims: &[String],
    wait_seconds: u64,
) -> anyhow::Result<()> {
    if claims.is_empty() || wait_seconds == 0 {
        return Ok(());
    }
    let started = Instant::now();
    let deadline = super::deadline_after(wait_seconds);
    let mut last_line = Instant::now();
    loop {
        let remaining = store.remaining_claims(claims).await?;
        if remaining.is_empty() {
            step(&format!(
                "the volume claims are gone ({} s)",
                started.elapsed().as_secs()
            ));
            return Ok(());
        }
        if Instant::now() >= deadline {
            bail!(
                "{} volume claim(s) still exist after {wait_seconds} s: {}. A pod that mounts one \
                 has not stopped; find it with `kubectl get pods -l app.kubernetes.io/instance={}` \
                 (the claims go once it has), or wait longer with --wait",
                remaining.len(),
                remaining.join(", "),
                store.release()
            );
        }
        if last_line.elapsed() >= Duration::from_secs(15) {
            step(&format!(
                "waiting for the node pods to stop: {} volume claim(s) remain",
                remaining.len()
            ));
            last_line = Instant::now();
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// One line per kind: what a purge would delete, by name.
fn purge_listing(plan: &crate::kube::store::Purged) -> String {
    [
        ("Secrets", &plan.secrets),
        ("ConfigMaps", &plan.config_maps),
        ("PersistentVolumeClaims", &plan.volume_claims),
    ]
    .iter()
    .map(|(kind, names)| {
        format!(
            "  {kind}: {}\n",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        )
    })
    .collect()
}

fn confirm(question: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "--purge deletes the chain's keys: confirm with --yes when not running in a terminal"
        );
    }
    eprint!("{question}");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// `status`: the verdict now (or within --wait).
pub(super) fn status(args: StatusArgs) -> anyhow::Result<bool> {
    runtime()?.block_on(async {
        let (client, namespace) = client_from_helm_env().await?;
        let manifest = stored_manifest(&client, &namespace, &args.release).await?;
        let verdict = watch(&client, &namespace, &args.release, &manifest, &args.verdict).await?;
        super::health::report(&verdict, args.verdict.output)?;
        Ok(verdict.healthy)
    })
}

async fn stored_manifest(
    client: &kube::Client,
    namespace: &str,
    release: &str,
) -> anyhow::Result<Manifest> {
    ArtifactStore::new(client.clone(), namespace, release)
        .manifest()
        .await?
        .with_context(|| {
            format!("no ethnet network {release} in namespace {namespace} (pass -n NAMESPACE?)")
        })
}

/// Repeats the verdict until healthy or `wait_seconds` passed.
async fn watch(
    client: &kube::Client,
    namespace: &str,
    release: &str,
    manifest: &Manifest,
    flags: &VerdictArgs,
) -> anyhow::Result<Verdict> {
    let expect = Expectations::for_manifest(manifest, flags.min_peers, flags.wait_finality);
    let deadline = super::deadline_after(flags.wait);
    // Once per wait: a Secret edited or replaced by hand (a changed JWT, a validator key
    // copied to a second node) fails the verdict even while every client looks healthy.
    let artifacts = Check::artifacts(
        ArtifactStore::new(client.clone(), namespace, release)
            .verify_stored(manifest)
            .await
            .err()
            .map(|error| match error {
                StoreError::Changed { changed, .. } => format!("changed: {}", changed.join(", ")),
                StoreError::Missing { missing, .. } => format!("missing: {}", missing.join(", ")),
                other => other.to_string(),
            }),
    );
    // Pods are reached through the API server's pod proxy by the kube client itself: no local
    // listener that other processes could use with the kubeconfig's credentials.
    let transport = Transport::ApiServer {
        client: client.clone(),
        timeout: expect.request_timeout,
    };
    // A spinner on stderr while waiting; indicatif hides it when stderr is not a terminal, so
    // there a progress line is printed every 30 s instead (a long wait never looks hung).
    let spinner = indicatif::ProgressBar::new_spinner();
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut last_line = Instant::now();
    loop {
        let verdict = cluster_verdict(client, &transport, namespace, release, manifest, &expect)
            .await?
            .with_check(artifacts.clone());
        let left = deadline.saturating_duration_since(Instant::now());
        if verdict.healthy || left.is_zero() {
            spinner.finish_and_clear();
            return Ok(verdict);
        }
        let progress = format!(
            "waiting for a healthy network: {} of {} checks failing ({} s left)",
            verdict.failures().count(),
            verdict.checks.len(),
            left.as_secs()
        );
        if !terminal && last_line.elapsed() >= Duration::from_secs(30) {
            let first = verdict
                .failures()
                .next()
                .map(|c| {
                    format!(
                        "; first: {} {} expected {}, seen {}",
                        c.node, c.check, c.expected, c.seen
                    )
                })
                .unwrap_or_default();
            eprintln!("ethnet: {progress}{first}");
            last_line = Instant::now();
        }
        spinner.set_message(progress);
        spinner.tick();
        tokio::time::sleep(expect.head_window / 2).await;
    }
}

/// Pod readiness of every node, then the client checks of the Ready ones through the API
/// server's pod proxy. A node whose pod is not Ready fails once, with the reason.
async fn cluster_verdict(
    client: &kube::Client,
    transport: &Transport,
    namespace: &str,
    release: &str,
    manifest: &Manifest,
    expect: &Expectations,
) -> anyhow::Result<Verdict> {
    let pods = node_pods(client, namespace, release, manifest.active_nodes())
        .await
        .with_context(|| format!("listing the pods of {release} in namespace {namespace}"))?;
    let ready: Vec<NodeEndpoints> = pods
        .iter()
        // A running pod's clients are checked even when the pod is not Ready: its verdict then
        // says which container is at fault, not only that the pod is not Ready.
        .filter(|p| p.ready.is_ok() || p.running)
        .filter_map(|p| {
            let pod = p.pod.as_deref()?;
            Some(NodeEndpoints {
                name: p.node.clone(),
                execution: Some(pod_proxy_path(namespace, pod, EL_HTTP_PORT)),
                beacon: Some(pod_proxy_path(namespace, pod, CL_HTTP_PORT)),
            })
        })
        .collect();
    let clients = check_network_via(transport, &ready, expect).await;
    let mut checks = Vec::new();
    for pod in &pods {
        checks.push(Check {
            node: pod.node.clone(),
            check: "pod.ready",
            ok: pod.ready.is_ok(),
            expected: "Ready".into(),
            seen: match &pod.ready {
                Ok(()) => "Ready".into(),
                Err(why) => why.clone(),
            },
        });
        checks.extend(
            clients
                .checks
                .iter()
                .filter(|c| c.node == pod.node)
                .cloned(),
        );
    }
    Ok(Verdict::new(checks))
}

/// `accounts`: funded addresses with balances read through an RPC node.
pub(super) fn accounts(args: AccountsArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let (client, namespace) = client_from_helm_env().await?;
        let manifest = stored_manifest(&client, &namespace, &args.release).await?;
        let pods = node_pods(&client, &namespace, &args.release, manifest.active_nodes()).await?;
        // Prefer an RPC node: that is what users' transactions go through.
        let pod = pods
            .iter()
            .filter(|p| p.ready.is_ok())
            .min_by_key(|p| !p.node.starts_with("rpc-"))
            .and_then(|p| p.pod.clone());
        let rpc = pod.as_ref().map(|pod| {
            let transport = Transport::ApiServer {
                client: client.clone(),
                timeout: Duration::from_secs(5),
            };
            RpcClient::new(transport, &pod_proxy_path(&namespace, pod, EL_HTTP_PORT))
        });
        let secrets = match args.show_private_keys {
            true => Some(
                ArtifactStore::new(client.clone(), &namespace, &args.release)
                    .secret_data(sets::ACCOUNTS)
                    .await?
                    .context("the accounts Secret is gone")?,
            ),
            false => None,
        };
        let mut rows = Vec::new();
        for account in &manifest.accounts {
            let address = account.address.to_checksum(None);
            let balance = match &rpc {
                Some(rpc) => rpc
                    .call("eth_getBalance", serde_json::json!([address, "latest"]))
                    .await
                    .map(|b| wei_to_eth(b.as_str().unwrap_or_default())),
                None => Err("no Ready node to ask".to_string()),
            };
            let private_key = match &secrets {
                Some(data) => Some(super::account_private_key(&address, |key| {
                    data.get(key)
                        .cloned()
                        .with_context(|| format!("the accounts Secret has no {key}"))
                })?),
                None => None,
            };
            rows.push(serde_json::json!({
                "index": account.index,
                "address": address,
                "path": account.path,
                "balance": balance.clone().unwrap_or_default(),
                "error": balance.err(),
                "privateKey": private_key,
            }));
        }
        match args.output {
            OutputFormat::Json => super::print_json(&rows),
            OutputFormat::Table => {
                let mut text = format!(
                    "{:<44} {:<28} {}\n",
                    "ADDRESS",
                    "BALANCE (ETH)",
                    if args.show_private_keys {
                        "PRIVATE KEY"
                    } else {
                        "PATH"
                    }
                );
                for row in &rows {
                    let balance = row["error"].as_str().map_or_else(
                        || row["balance"].as_str().unwrap_or_default().to_string(),
                        |e| format!("? ({e})"),
                    );
                    let last = row["privateKey"]
                        .as_str()
                        .or(row["path"].as_str())
                        .unwrap_or_default();
                    text.push_str(&format!(
                        "{:<44} {:<28} {last}\n",
                        row["address"].as_str().unwrap_or_default(),
                        balance
                    ));
                }
                super::print(&text)
            }
        }
    })
}

/// A hex wei quantity as decimal ether, exact.
fn wei_to_eth(hex_wei: &str) -> String {
    let wei = alloy_primitives::U256::from_str_radix(hex_wei.trim_start_matches("0x"), 16)
        .unwrap_or_default();
    alloy_primitives::utils::format_ether(wei)
}

#[cfg(test)]
mod tests {
    #[test]
    fn balances_print_in_ether() {
        assert_eq!(
            super::wei_to_eth("0xd3c21bcecceda1000000"),
            "1000000.000000000000000000"
        );
        assert_eq!(super::wei_to_eth("0x0"), "0.000000000000000000");
    }
}
