//! The Kubernetes edge: the objects artifacts become (pure builders), the store that reads
//! and writes them, the pods of a release, and reaching pods through the API server's pod
//! proxy.

pub mod objects;
pub mod pods;
pub mod store;

#[cfg(test)]
pub mod fake;
#[cfg(test)]
mod tests;

use anyhow::Context;

/// A client for the cluster helm would talk to: helm hands a plugin `--kubeconfig` and
/// `--kube-context` only as KUBECONFIG and HELM_KUBECONTEXT, and `-n` as HELM_NAMESPACE.
/// Returns the client and the namespace to use.
pub async fn client_from_helm_env() -> anyhow::Result<(kube::Client, String)> {
    let context = std::env::var("HELM_KUBECONTEXT")
        .ok()
        .filter(|c| !c.is_empty());
    let config = match &context {
        Some(context) => kube::Config::from_kubeconfig(&kube::config::KubeConfigOptions {
            context: Some(context.clone()),
            ..Default::default()
        })
        .await
        .with_context(|| format!("loading kube context {context} (HELM_KUBECONTEXT)"))?,
        None => kube::Config::infer()
            .await
            .context("no cluster configured: set KUBECONFIG or pass --kubeconfig to helm")?,
    };
    let namespace = std::env::var("HELM_NAMESPACE")
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| config.default_namespace.clone());
    let client = kube::Client::try_from(config).context("building the Kubernetes client")?;
    Ok((client, namespace))
}
