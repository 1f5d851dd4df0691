//! A release's artifacts in its namespace: read back, checked for ownership, written by
//! server-side apply (field manager `ethnet`) and purged. All through kube-rs, so the same code
//! talks to a cluster, to ci/apiserver.sh's local API server and to the tests' API double.
//!
//! Writes are ordered so an interruption never leaves a network that looks complete: every
//! Secret and ConfigMap first, each in one request (an object is written whole or not at all),
//! and the manifest ConfigMap last. Without a manifest nothing was ever installed from those
//! objects, so the next install may replace them; with one, they are the network and are reused.

use std::collections::BTreeMap;

use k8s_openapi::{
    api::core::v1::{ConfigMap, Namespace, PersistentVolumeClaim, Secret},
    apimachinery::pkg::apis::meta::v1::ObjectMeta,
};
use kube::{
    api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams},
    Client,
};

use super::objects::{object_name, ArtifactObject, MANAGER, MANIFEST_KEY, MANIFEST_SET};
use crate::core::{artifacts::ObjectKind, Manifest};

/// Errors talking to the API server about a release's artifacts.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An object ethnet would write exists and belongs to someone else.
    #[error(
        "{kind} {namespace}/{name} already exists and is not one of ethnet's objects for \
         release {release} ({owner}); delete or rename it, or choose another release name"
    )]
    Conflict {
        /// ConfigMap or Secret.
        kind: &'static str,
        /// Namespace.
        namespace: String,
        /// Object name.
        name: String,
        /// Release asked for.
        release: String,
        /// Who the object says it belongs to.
        owner: String,
    },
    /// The API server refused or failed a request.
    #[error("{action} {kind} {namespace}/{name}: {source}")]
    Api {
        /// What ethnet was doing (`reading`, `applying`, `deleting`).
        action: &'static str,
        /// Object kind.
        kind: &'static str,
        /// Namespace.
        namespace: String,
        /// Object name, or the label selector of a list.
        name: String,
        /// The API error.
        #[source]
        source: Box<kube::Error>,
    },
    /// The manifest ConfigMap does not hold a readable manifest.
    #[error("ConfigMap {namespace}/{name} does not hold a readable {MANIFEST_KEY}: {reason}")]
    BadManifest {
        /// Namespace.
        namespace: String,
        /// Object name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// Objects the manifest lists are gone.
    #[error(
        "release {release} in namespace {namespace} is missing {}; its keys cannot be made \
         again without forking the chain: restore them from a saved artifacts directory \
         (`helm ethnet seed DIR --release {release} --apply`), or remove the network with \
         `helm ethnet uninstall {release} --purge` and install a new one",
        .missing.join(", ")
    )]
    Missing {
        /// Release.
        release: String,
        /// Namespace.
        namespace: String,
        /// `Secret name` entries.
        missing: Vec<String>,
    },
}

/// What a purge deleted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Purged {
    /// Secret names.
    pub secrets: Vec<String>,
    /// ConfigMap names.
    pub config_maps: Vec<String>,
    /// PersistentVolumeClaim names.
    pub volume_claims: Vec<String>,
}

/// One release's artifacts in one namespace.
#[derive(Clone)]
pub struct ArtifactStore {
    client: Client,
    namespace: String,
    release: String,
}

impl ArtifactStore {
    /// The artifacts of `release` in `namespace`.
    pub fn new(client: Client, namespace: &str, release: &str) -> Self {
        Self {
            client,
            namespace: namespace.into(),
            release: release.into(),
        }
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    fn secrets(&self) -> Api<Secret> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    fn config_maps(&self) -> Api<ConfigMap> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    fn api_error(
        &self,
        action: &'static str,
        kind: &'static str,
        name: &str,
    ) -> impl FnOnce(kube::Error) -> StoreError {
        let (namespace, name) = (self.namespace.clone(), name.to_string());
        move |source| StoreError::Api {
            action,
            kind,
            namespace,
            name,
            source: Box::new(source),
        }
    }

    /// Creates the namespace (for `--create-namespace`); one that exists is fine.
    pub async fn create_namespace(&self) -> Result<(), StoreError> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        let namespace = Namespace {
            metadata: ObjectMeta {
                name: Some(self.namespace.clone()),
                ..Default::default()
            },
            ..Default::default()
        };
        match api.create(&PostParams::default(), &namespace).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(status)) if status.code == 409 => Ok(()),
            Err(source) => Err(self.api_error(
                "creating",
                "Namespace",
                &self.namespace.clone(),
            )(source)),
        }
    }

    /// The stored manifest, or `None` when the release has no complete artifacts here.
    pub async fn manifest(&self) -> Result<Option<Manifest>, StoreError> {
        let name = object_name(&self.release, MANIFEST_SET);
        let Some(config_map) = self
            .config_maps()
            .get_opt(&name)
            .await
            .map_err(self.api_error("reading", "ConfigMap", &name))?
        else {
            return Ok(None);
        };
        self.check_owner("ConfigMap", &config_map.metadata)?;
        let bad = |reason: String| StoreError::BadManifest {
            namespace: self.namespace.clone(),
            name: name.clone(),
            reason,
        };
        let json = config_map
            .data
            .as_ref()
            .and_then(|d| d.get(MANIFEST_KEY))
            .ok_or_else(|| bad("the key is missing".into()))?;
        serde_json::from_str(json)
            .map(Some)
            .map_err(|e| bad(e.to_string()))
    }

    /// Fails, before anything is written, when an object ethnet would write exists and is not
    /// ethnet's object for this release.
    pub async fn check_ownership(&self, objects: &[ArtifactObject]) -> Result<(), StoreError> {
        for object in objects {
            let name = object.name();
            let existing = match object {
                ArtifactObject::ConfigMap(_) => self
                    .config_maps()
                    .get_metadata_opt(name)
                    .await
                    .map(|o| o.map(|o| o.metadata)),
                ArtifactObject::Secret(_) => self
                    .secrets()
                    .get_metadata_opt(name)
                    .await
                    .map(|o| o.map(|o| o.metadata)),
            }
            .map_err(self.api_error("reading", object.kind(), name))?;
            if let Some(metadata) = existing {
                self.check_owner(object.kind(), &metadata)?;
            }
        }
        Ok(())
    }

    fn check_owner(&self, kind: &'static str, metadata: &ObjectMeta) -> Result<(), StoreError> {
        let labels = metadata.labels.clone().unwrap_or_default();
        let label = |key: &str| labels.get(key).map(String::as_str);
        let manager = label("app.kubernetes.io/managed-by");
        let instance = label("app.kubernetes.io/instance");
        if manager == Some(MANAGER) && instance == Some(self.release.as_str()) {
            return Ok(());
        }
        Err(StoreError::Conflict {
            kind,
            namespace: self.namespace.clone(),
            name: metadata.name.clone().unwrap_or_default(),
            release: self.release.clone(),
            owner: match (manager, instance) {
                (Some(m), Some(i)) => format!("managed by {m}, instance {i}"),
                (Some(m), None) => format!("managed by {m}"),
                _ => "not labelled as ethnet's".into(),
            },
        })
    }

    /// Writes `objects` in order by server-side apply, one request each, calling `on_applied`
    /// after each. A failure stops at that object; those before it are complete.
    pub async fn apply(
        &self,
        objects: &[ArtifactObject],
        mut on_applied: impl FnMut(&ArtifactObject),
    ) -> Result<(), StoreError> {
        let params = PatchParams::apply(MANAGER);
        for object in objects {
            let name = object.name();
            let result = match object {
                ArtifactObject::ConfigMap(o) => self
                    .config_maps()
                    .patch(name, &params, &Patch::Apply(o))
                    .await
                    .map(drop),
                ArtifactObject::Secret(o) => self
                    .secrets()
                    .patch(name, &params, &Patch::Apply(o))
                    .await
                    .map(drop),
            };
            result.map_err(self.api_error("applying", object.kind(), name))?;
            on_applied(object);
        }
        Ok(())
    }

    /// Fails naming every object `manifest` lists that is gone from the namespace.
    pub async fn check_complete(&self, manifest: &Manifest) -> Result<(), StoreError> {
        let mut missing = Vec::new();
        for object in &manifest.objects {
            let name = object_name(&self.release, &object.set);
            let (kind, found) = match object.kind {
                ObjectKind::ConfigMap => (
                    "ConfigMap",
                    self.config_maps()
                        .get_metadata_opt(&name)
                        .await
                        .map(|o| o.is_some()),
                ),
                ObjectKind::Secret => (
                    "Secret",
                    self.secrets()
                        .get_metadata_opt(&name)
                        .await
                        .map(|o| o.is_some()),
                ),
            };
            if !found.map_err(self.api_error("reading", kind, &name))? {
                missing.push(format!("{kind} {name}"));
            }
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Missing {
                release: self.release.clone(),
                namespace: self.namespace.clone(),
                missing,
            })
        }
    }

    /// The data of the Secret holding `set`, if it exists.
    pub async fn secret_data(
        &self,
        set: &str,
    ) -> Result<Option<BTreeMap<String, Vec<u8>>>, StoreError> {
        let name = object_name(&self.release, set);
        let secret = self
            .secrets()
            .get_opt(&name)
            .await
            .map_err(self.api_error("reading", "Secret", &name))?;
        Ok(secret.map(|s| {
            s.data
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.0))
                .collect()
        }))
    }

    /// Deletes every Secret and ConfigMap ethnet made for the release, and the chart's volume
    /// claims of the release: the chain's keys and data. The manifest goes first, so an
    /// interrupted purge never leaves a manifest pointing at deleted keys.
    pub async fn purge(&self) -> Result<Purged, StoreError> {
        let ours = format!(
            "app.kubernetes.io/managed-by={MANAGER},app.kubernetes.io/instance={}",
            self.release
        );
        let mut purged = Purged::default();
        let params = DeleteParams::default();

        let manifest = object_name(&self.release, MANIFEST_SET);
        let mut config_maps = self
            .list_names(&self.config_maps(), "ConfigMap", &ours)
            .await?;
        config_maps.sort_by_key(|name| *name != manifest);
        for name in config_maps {
            self.delete(&self.config_maps(), "ConfigMap", &name, &params)
                .await?;
            purged.config_maps.push(name);
        }
        for name in self.list_names(&self.secrets(), "Secret", &ours).await? {
            self.delete(&self.secrets(), "Secret", &name, &params)
                .await?;
            purged.secrets.push(name);
        }
        let claims: Api<PersistentVolumeClaim> =
            Api::namespaced(self.client.clone(), &self.namespace);
        let release = format!("app.kubernetes.io/instance={}", self.release);
        for name in self
            .list_names(&claims, "PersistentVolumeClaim", &release)
            .await?
        {
            self.delete(&claims, "PersistentVolumeClaim", &name, &params)
                .await?;
            purged.volume_claims.push(name);
        }
        Ok(purged)
    }

    async fn list_names<K>(
        &self,
        api: &Api<K>,
        kind: &'static str,
        selector: &str,
    ) -> Result<Vec<String>, StoreError>
    where
        K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        let list = api
            .list_metadata(&ListParams::default().labels(selector))
            .await
            .map_err(self.api_error("listing", kind, selector))?;
        Ok(list
            .items
            .into_iter()
            .filter_map(|o| o.metadata.name)
            .collect())
    }

    async fn delete<K>(
        &self,
        api: &Api<K>,
        kind: &'static str,
        name: &str,
        params: &DeleteParams,
    ) -> Result<(), StoreError>
    where
        K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        match api.delete(name, params).await {
            Ok(_) => Ok(()),
            // Gone already (a purge run twice): that is the wanted state.
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
            Err(source) => Err(self.api_error("deleting", kind, name)(source)),
        }
    }
}
