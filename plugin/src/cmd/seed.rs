//! `ethnet seed DIR --release NAME`: the artifact objects as Kubernetes manifests on stdout,
//! for `kubectl apply -f -` or a GitOps repository; `helm ethnet install` applies the same
//! objects through the API server itself.

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
    let mut objects = objects::objects(&manifest, &args.release, namespace.as_deref(), read)
        .with_context(|| format!("reading the artifacts in {}", args.dir.display()))?;
    // Last, as `helm ethnet install` writes it: the record that the set is complete, which
    // lets `helm ethnet upgrade` and `status` work on a network seeded this way.
    objects.push(objects::manifest_object(
        &manifest,
        &args.release,
        namespace.as_deref(),
    ));
    super::print(&objects::to_yaml(&objects)?)
}
