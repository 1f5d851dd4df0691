//! The Kubernetes edge: the objects artifacts become (pure builders), the store that reads
//! and writes them, the pods of a release, and reaching pods through the API server's pod
//! proxy.

pub mod objects;
pub mod pods;
pub mod store;
pub mod workloads;

#[cfg(test)]
pub mod fake;
#[cfg(test)]
mod tests;

use anyhow::Context;
use kube::config::{KubeConfigOptions, Kubeconfig};

/// Helm's cluster and identity flags, as helm hands them to a plugin: `--kube-apiserver`,
/// `--kube-token`, `--kube-as-user`, `--kube-as-group`, `--kube-ca-file`,
/// `--kube-insecure-skip-tls-verify` and `--kube-tls-server-name` (the child `helm install`
/// reads the same variables, so ethnet's own requests must honour them too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmKubeFlags {
    /// HELM_KUBECONTEXT: the kubeconfig context.
    pub context: Option<String>,
    /// HELM_KUBEAPISERVER: the API server URL.
    pub api_server: Option<String>,
    /// HELM_KUBETOKEN: a bearer token.
    pub token: Option<String>,
    /// HELM_KUBEASUSER: the user to impersonate.
    pub as_user: Option<String>,
    /// HELM_KUBEASGROUPS: the groups to impersonate, comma-separated.
    pub as_groups: Vec<String>,
    /// HELM_KUBECAFILE: the certificate authority file.
    pub ca_file: Option<String>,
    /// HELM_KUBEINSECURE_SKIP_TLS_VERIFY: do not verify the server's certificate.
    pub insecure_skip_tls_verify: bool,
    /// HELM_KUBETLS_SERVER_NAME: the name to verify the server's certificate against.
    pub tls_server_name: Option<String>,
}

impl HelmKubeFlags {
    /// Reads the flags from `var` (the process environment in production).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let text = |name: &str| var(name).filter(|v| !v.is_empty());
        let insecure = match text("HELM_KUBEINSECURE_SKIP_TLS_VERIFY").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => anyhow::bail!(
                "HELM_KUBEINSECURE_SKIP_TLS_VERIFY is {other:?}; it must be true or false"
            ),
        };
        Ok(Self {
            context: text("HELM_KUBECONTEXT"),
            api_server: text("HELM_KUBEAPISERVER"),
            token: text("HELM_KUBETOKEN"),
            as_user: text("HELM_KUBEASUSER"),
            as_groups: text("HELM_KUBEASGROUPS")
                .map(|g| {
                    g.split(',')
                        .map(str::trim)
                        .filter(|g| !g.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            ca_file: text("HELM_KUBECAFILE"),
            insecure_skip_tls_verify: insecure,
            tls_server_name: text("HELM_KUBETLS_SERVER_NAME"),
        })
    }

    /// Whether any flag besides the context is given.
    fn overrides_anything(&self) -> bool {
        *self
            != Self {
                context: self.context.clone(),
                ..Default::default()
            }
    }

    /// Applies the flags to the cluster and user of the chosen context of `kubeconfig`, as
    /// helm (client-go) applies its flags over a kubeconfig. Without a kubeconfig,
    /// `--kube-apiserver` names the cluster alone.
    pub fn apply_to(&self, kubeconfig: Option<Kubeconfig>) -> anyhow::Result<Kubeconfig> {
        use kube::config::{AuthInfo, Cluster, Context, NamedAuthInfo, NamedCluster, NamedContext};
        let mut kubeconfig = match kubeconfig {
            Some(kubeconfig) => kubeconfig,
            None if self.api_server.is_some() => Kubeconfig {
                clusters: vec![NamedCluster {
                    name: "helm".into(),
                    cluster: Some(Cluster::default()),
                    other: Default::default(),
                }],
                auth_infos: vec![NamedAuthInfo {
                    name: "helm".into(),
                    auth_info: Some(AuthInfo::default()),
                    other: Default::default(),
                }],
                contexts: vec![NamedContext {
                    name: "helm".into(),
                    context: Some(Context {
                        cluster: "helm".into(),
                        user: Some("helm".into()),
                        ..Default::default()
                    }),
                    other: Default::default(),
                }],
                current_context: Some("helm".into()),
                ..Default::default()
            },
            None => anyhow::bail!(
                "helm's cluster flags (HELM_KUBETOKEN, HELM_KUBECAFILE, …) were given without a \
                 kubeconfig or --kube-apiserver; pass --kubeconfig or --kube-apiserver to helm"
            ),
        };
        let context_name = self
            .context
            .clone()
            .or(kubeconfig.current_context.clone())
            .context("the kubeconfig names no current context; pass --kube-context to helm")?;
        let context = kubeconfig
            .contexts
            .iter()
            .find(|c| c.name == context_name)
            .and_then(|c| c.context.clone())
            .with_context(|| format!("the kubeconfig has no context {context_name}"))?;
        let cluster = kubeconfig
            .clusters
            .iter_mut()
            .find(|c| c.name == context.cluster)
            .and_then(|c| c.cluster.as_mut())
            .with_context(|| {
                format!(
                    "the kubeconfig has no cluster {} (context {context_name})",
                    context.cluster
                )
            })?;
        if let Some(server) = &self.api_server {
            cluster.server = Some(server.clone());
        }
        if let Some(ca_file) = &self.ca_file {
            // The file replaces any inline authority, which would otherwise take precedence.
            cluster.certificate_authority = Some(ca_file.clone());
            cluster.certificate_authority_data = None;
        }
        if self.insecure_skip_tls_verify {
            cluster.insecure_skip_tls_verify = Some(true);
        }
        if let Some(name) = &self.tls_server_name {
            cluster.tls_server_name = Some(name.clone());
        }
        let user_name = context.user.clone().unwrap_or_default();
        let needs_user =
            self.token.is_some() || self.as_user.is_some() || !self.as_groups.is_empty();
        if !needs_user {
            return Ok(kubeconfig);
        }
        if !kubeconfig.auth_infos.iter().any(|a| a.name == user_name) {
            kubeconfig.auth_infos.push(NamedAuthInfo {
                name: user_name.clone(),
                auth_info: Some(AuthInfo::default()),
                other: Default::default(),
            });
        }
        let user = kubeconfig
            .auth_infos
            .iter_mut()
            .find(|a| a.name == user_name)
            .expect("added above")
            .auth_info
            .get_or_insert_with(AuthInfo::default);
        if let Some(token) = &self.token {
            // The token is the identity asked for: no other credential source may win over it.
            user.token = Some(token.clone().into());
            user.token_file = None;
            user.exec = None;
            user.auth_provider = None;
            user.username = None;
            user.password = None;
        }
        if let Some(as_user) = &self.as_user {
            user.impersonate = Some(as_user.clone());
        }
        if !self.as_groups.is_empty() {
            user.impersonate_groups = Some(self.as_groups.clone());
        }
        Ok(kubeconfig)
    }
}

/// A client for the cluster helm would talk to: helm hands a plugin `--kubeconfig`,
/// `--kube-context` and its other cluster flags only as KUBECONFIG and HELM_KUBE* variables,
/// and `-n` as HELM_NAMESPACE. Returns the client and the namespace to use.
pub async fn client_from_helm_env() -> anyhow::Result<(kube::Client, String)> {
    let flags = HelmKubeFlags::from_vars(|name| std::env::var(name).ok())?;
    let config = config_for(&flags).await?;
    let namespace = std::env::var("HELM_NAMESPACE")
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| config.default_namespace.clone());
    let client = kube::Client::try_from(config).context("building the Kubernetes client")?;
    Ok((client, namespace))
}

/// The client configuration for helm's flags.
pub async fn config_for(flags: &HelmKubeFlags) -> anyhow::Result<kube::Config> {
    if !flags.overrides_anything() {
        return match &flags.context {
            Some(context) => kube::Config::from_kubeconfig(&KubeConfigOptions {
                context: Some(context.clone()),
                ..Default::default()
            })
            .await
            .with_context(|| format!("loading kube context {context} (HELM_KUBECONTEXT)")),
            None => kube::Config::infer()
                .await
                .context("no cluster configured: set KUBECONFIG or pass --kubeconfig to helm"),
        };
    }
    let kubeconfig = match Kubeconfig::read() {
        Ok(kubeconfig) => Some(kubeconfig),
        Err(_) if flags.api_server.is_some() && flags.context.is_none() => None,
        Err(error) => return Err(error).context("reading the kubeconfig (KUBECONFIG)"),
    };
    let kubeconfig = flags.apply_to(kubeconfig)?;
    let options = KubeConfigOptions {
        context: flags.context.clone(),
        ..Default::default()
    };
    kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .context("configuring the Kubernetes client from helm's cluster flags")
}

#[cfg(test)]
mod flag_tests {
    use super::*;

    /// The bearer token of a config (its serde form is the only way to read it back).
    fn token(config: &kube::Config) -> Option<String> {
        serde_json::to_value(&config.auth_info).unwrap()["token"]
            .as_str()
            .map(String::from)
    }

    const KUBECONFIG: &str = r#"
apiVersion: v1
kind: Config
current-context: dev
clusters:
  - name: dev-cluster
    cluster: {server: "https://dev.example:6443", certificate-authority-data: "bm90IGEgY2VydA=="}
  - name: other
    cluster: {server: "https://other.example:6443"}
contexts:
  - name: dev
    context: {cluster: dev-cluster, user: dev-user}
  - name: other
    context: {cluster: other, user: other-user}
users:
  - name: dev-user
    user:
      exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token}
  - name: other-user
    user: {token: other-token}
"#;

    fn flags(vars: &[(&str, &str)]) -> HelmKubeFlags {
        HelmKubeFlags::from_vars(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
        .unwrap()
    }

    async fn config(flags: &HelmKubeFlags, kubeconfig: Option<&str>) -> kube::Config {
        let kubeconfig = kubeconfig.map(|text| Kubeconfig::from_yaml(text).unwrap());
        let options = KubeConfigOptions {
            context: flags.context.clone(),
            ..Default::default()
        };
        kube::Config::from_custom_kubeconfig(flags.apply_to(kubeconfig).unwrap(), &options)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn each_helm_flag_lands_in_the_client_config() {
        let ca = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(ca.path(), TEST_CA).unwrap();
        let flags = flags(&[
            ("HELM_KUBEAPISERVER", "https://elsewhere.example:8443"),
            ("HELM_KUBETOKEN", "t0ken"),
            ("HELM_KUBEASUSER", "alice"),
            ("HELM_KUBEASGROUPS", "devs,ops"),
            ("HELM_KUBECAFILE", ca.path().to_str().unwrap()),
            ("HELM_KUBEINSECURE_SKIP_TLS_VERIFY", "true"),
            ("HELM_KUBETLS_SERVER_NAME", "api.internal"),
        ]);
        let config = config(&flags, Some(KUBECONFIG)).await;
        assert_eq!(
            config.cluster_url.to_string(),
            "https://elsewhere.example:8443/"
        );
        let auth = &config.auth_info;
        assert_eq!(token(&config).as_deref(), Some("t0ken"));
        assert!(
            auth.exec.is_none(),
            "the token wins over the kubeconfig's exec plugin"
        );
        assert_eq!(auth.impersonate.as_deref(), Some("alice"));
        assert_eq!(
            auth.impersonate_groups.as_deref(),
            Some(&["devs".to_string(), "ops".to_string()][..])
        );
        assert_eq!(
            config.root_cert.as_ref().map(Vec::len),
            Some(1),
            "the CA file's one cert"
        );
        assert!(config.accept_invalid_certs);
        assert_eq!(config.tls_server_name.as_deref(), Some("api.internal"));
    }

    #[tokio::test]
    async fn the_context_flag_picks_the_cluster_the_others_change() {
        let flags = flags(&[("HELM_KUBECONTEXT", "other"), ("HELM_KUBEASUSER", "bob")]);
        let config = config(&flags, Some(KUBECONFIG)).await;
        assert_eq!(
            config.cluster_url.to_string(),
            "https://other.example:6443/"
        );
        assert_eq!(token(&config).as_deref(), Some("other-token"));
        assert_eq!(config.auth_info.impersonate.as_deref(), Some("bob"));
        assert!(!config.accept_invalid_certs);
    }

    #[tokio::test]
    async fn an_api_server_and_token_need_no_kubeconfig() {
        let flags = flags(&[
            ("HELM_KUBEAPISERVER", "https://127.0.0.1:6443"),
            ("HELM_KUBETOKEN", "t"),
        ]);
        let config = config(&flags, None).await;
        assert_eq!(config.cluster_url.to_string(), "https://127.0.0.1:6443/");
        assert_eq!(token(&config).as_deref(), Some("t"));
    }

    #[test]
    fn flags_that_cannot_be_honoured_are_refused() {
        let err = flags(&[("HELM_KUBETOKEN", "t")])
            .apply_to(None)
            .unwrap_err();
        assert!(err.to_string().contains("--kube-apiserver"), "{err}");
        let err = HelmKubeFlags::from_vars(|name| {
            (name == "HELM_KUBEINSECURE_SKIP_TLS_VERIFY").then(|| "yes".to_string())
        })
        .unwrap_err();
        assert!(err.to_string().contains("true or false"), "{err}");
        let unknown = flags(&[("HELM_KUBECONTEXT", "nope"), ("HELM_KUBETOKEN", "t")]);
        let err = unknown
            .apply_to(Some(Kubeconfig::from_yaml(KUBECONFIG).unwrap()))
            .unwrap_err();
        assert!(err.to_string().contains("no context nope"), "{err}");
    }

    /// A self-signed certificate, only parsed here.
    const TEST_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUWZJx44AbQoI+JJdE03gaKwYZInUwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOZXRobmV0LXRlc3QtY2EwHhcNMjYxMjAxMjEyOTE2WhcNMzYx
MTI4MjEyOTE2WjAZMRcwFQYDVQQDDA5ldGhuZXQtdGVzdC1jYTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABBpAkR5lcuH66G3qMwKBXO2+zHk9aOBQo2M/sI797Bmg
qxTJkKXO6L6+J6B+m1Lra9CMkthOOYE3K7gx/vHtA9+jUzBRMB0GA1UdDgQWBBSp
DXqvQju8nzvNffdBb8djF8yFOjAfBgNVHSMEGDAWgBSpDXqvQju8nzvNffdBb8dj
F8yFOjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIF8ygYs5E8BL
kC1lcIwTnd0lck8nGRnmeI4QLl8wfFtbAiEAuQMK/yt2HGSLNRgZhPOjeLwP6iFo
5D4GtE6+jK7TQ+w=
-----END CERTIFICATE-----
";
}
