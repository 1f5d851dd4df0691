//! `ethnet seed DIR --release NAME`: the artifact objects as Kubernetes manifests on stdout,
//! for `kubectl apply -f -` or a GitOps repository. Applying them through the API server
//! directly arrives with `helm ethnet install`.

use std::path::Path;

use anyhow::Context;

use crate::{cli::SeedArgs, kube::objects, output};

pub(super) fn run(args: SeedArgs) -> anyhow::Result<()> {
    let manifest = output::read_manifest(&args.dir)?;
    // Helm passes `-n/--namespace` to plugins as HELM_NAMESPACE only.
    let namespace = std::env::var("HELM_NAMESPACE")
        .ok()
        .filter(|ns| !ns.is_empty());
    let read = |path: &str| std::fs::read(Path::new(&args.dir).join(path));
    let objects = objects::objects(&manifest, &args.release, namespace.as_deref(), read)
        .with_context(|| format!("reading the artifacts in {}", args.dir.display()))?;
    super::print(&objects::to_yaml(&objects)?)
}
