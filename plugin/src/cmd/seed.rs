//! `ethnet seed DIR --release NAME`: the artifact objects as Kubernetes manifests on stdout,
//! for `kubectl apply -f -` or a GitOps repository, or with `--apply` straight to the cluster
//! (also how a saved artifacts directory restores objects a network lost).

use std::path::Path;

use anyhow::Context;

use crate::{cli::SeedArgs, kube::objects, output};

pub(super) fn run(args: SeedArgs) -> anyhow::Result<()> {
    let manifest = output::read_manifest(&args.dir)?;
    // Helm passes `-n/--namespace` to plugins as HELM_NAMESPACE only.
    let namespace = std::env::var("HELM_NAMESPACE")
        .ok()
        .filter(|ns| !ns.is_empty());
    let read = |path: &str| output::read_inside(Path::new(&args.dir), path);
    let objects = objects::objects(&manifest, &args.release, namespace.as_deref(), read)
        .with_context(|| format!("reading the artifacts in {}", args.dir.display()))?;
    if !args.apply {
        // Last, as `helm ethnet install` writes it: the record that the set is complete, which
        // lets `helm ethnet upgrade` and `status` work on a network seeded this way.
        let mut stream = objects;
        stream.push(objects::manifest_object(
            &manifest,
            &args.release,
            namespace.as_deref(),
        ));
        return super::print(&objects::to_yaml(&stream)?);
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let (client, namespace) = crate::kube::client_from_helm_env().await?;
        // The objects were built for HELM_NAMESPACE; the store writes to the resolved one.
        let store = crate::kube::store::ArtifactStore::new(client, &namespace, &args.release);
        let written =
            crate::lifecycle::apply_artifacts(&store, &args.release, &manifest, &objects).await?;
        eprintln!(
            "ethnet: applied {} object(s) to namespace {namespace}",
            written.len()
        );
        Ok(())
    })
}
