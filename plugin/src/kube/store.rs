//! A release's artifacts in its namespace: read back, checked for ownership, written by
//! server-side apply (field manager `ethnet`) and purged. All through kube-rs, so the same code
//! talks to a cluster, to ci/apiserver.sh's local API server and to the tests' API double.
//!
//! Writes are ordered so an interruption never leaves a network that looks complete: every
//! Secret and ConfigMap first, each in one request (an object is written whole or not at all),
//! and the manifest ConfigMap last. Without a manifest nothing was ever installed from those
//! objects, so the next install may replace them; with one, they are the network and are reused.
//!
//! Writes are also exclusive. Server-side apply lets the last writer win per object, so two
//! runs seeding one release at once could leave one network's genesis with the other's
//! validator keys. Before its first write a run therefore claims the manifest ConfigMap: it
//! creates it (a new network) or replaces it with the resourceVersion it read (a reuse),
//! marked with its run id. A second run's create or replace then fails with a conflict, and a
//! live mark stops any run before it writes. The writing run renews its mark as it goes, and
//! finishes by replacing the ConfigMap with the complete manifest, again under the
//! resourceVersion it last wrote: a run whose claim was taken over cannot finish.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use k8s_openapi::{
    api::core::v1::{ConfigMap, Namespace, PersistentVolumeClaim, Secret},
    apimachinery::pkg::apis::meta::v1::ObjectMeta,
};
use kube::{
    api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions},
    Client,
};
use rand::RngCore;

use super::objects::{
    manifest_metadata, object_name, ArtifactObject, MANAGER, MANIFEST_KEY, MANIFEST_SET,
};
use crate::core::{
    artifacts::{object_digest, ObjectKind, ObjectSummary},
    spec::Role,
    Manifest,
};

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
    /// Another run is writing the release's artifacts right now.
    #[error(
        "another ethnet run ({run}) is seeding release {release} in namespace {namespace} \
         (last progress {age} s ago); this run wrote nothing. Wait for it to finish and run \
         again; the mark of a run that died expires {stale} s after its last progress",
        stale = SEEDING_STALE_AFTER.as_secs()
    )]
    Busy {
        /// Release.
        release: String,
        /// Namespace.
        namespace: String,
        /// The other run's id.
        run: String,
        /// Seconds since its last progress.
        age: u64,
    },
    /// Another run claimed the release between this run's read and its first write.
    #[error(
        "another ethnet run claimed release {release} in namespace {namespace} at the same \
         time as this one; this run wrote nothing. Check the result with `helm ethnet status \
         {release}`, or run again"
    )]
    Raced {
        /// Release.
        release: String,
        /// Namespace.
        namespace: String,
    },
    /// This run's claim was taken over while it wrote (it was stalled past the stale time).
    #[error(
        "another ethnet run took over seeding release {release} in namespace {namespace} while \
         this one was stalled; this run stopped writing. Run again once that run finished: a \
         complete network is reused, a partial one replaced"
    )]
    ClaimLost {
        /// Release.
        release: String,
        /// Namespace.
        namespace: String,
    },
    /// Objects the manifest lists hold other contents than ethnet wrote.
    #[error(
        "release {release} in namespace {namespace}: {} changed since ethnet wrote them (their \
         contents no longer match the digests in the manifest). A changed key or a validator \
         key copied between nodes risks double signing or a split network: restore them from \
         a saved artifacts directory (`helm ethnet seed DIR --release {release} --apply`), or \
         remove the network with `helm ethnet uninstall {release} --purge`",
        .changed.join(", ")
    )]
    Changed {
        /// Release.
        release: String,
        /// Namespace.
        namespace: String,
        /// `Secret name` entries.
        changed: Vec<String>,
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

/// Annotation on the manifest ConfigMap naming the run that is writing the release's artifacts.
pub const SEEDING_RUN_ANNOTATION: &str = "ethnet.io/seeding-run";
/// Annotation with the unix time that run last showed progress.
pub const SEEDING_RENEWED_ANNOTATION: &str = "ethnet.io/seeding-renewed";
/// A seeding mark older than this belongs to a run that died; another run may take it over.
pub const SEEDING_STALE_AFTER: Duration = Duration::from_secs(120);
/// How often a writing run renews its mark (well inside [`SEEDING_STALE_AFTER`]).
const SEEDING_RENEW_EVERY: Duration = Duration::from_secs(15);

/// The manifest ConfigMap as stored.
#[derive(Debug, Clone)]
pub struct ManifestRecord {
    /// The complete manifest; absent while a new network is being seeded.
    pub manifest: Option<Manifest>,
    /// The run writing the release's artifacts, if one has claimed them.
    pub seeding: Option<SeedingMark>,
    object: ConfigMap,
}

/// A run's mark on the manifest ConfigMap while it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedingMark {
    /// Run id.
    pub run: String,
    /// Unix seconds of the run's last progress.
    pub renewed: u64,
}

impl SeedingMark {
    fn of(metadata: &ObjectMeta) -> Option<Self> {
        let annotations = metadata.annotations.as_ref()?;
        Some(Self {
            run: annotations.get(SEEDING_RUN_ANNOTATION)?.clone(),
            renewed: annotations
                .get(SEEDING_RENEWED_ANNOTATION)
                .and_then(|t| t.parse().ok())
                .unwrap_or(0),
        })
    }

    /// Seconds since the mark was renewed, at unix time `now`.
    pub fn age(&self, now: u64) -> u64 {
        now.saturating_sub(self.renewed)
    }

    /// Whether its run may still be writing, at unix time `now`.
    pub fn is_live(&self, now: u64) -> bool {
        self.age(now) < SEEDING_STALE_AFTER.as_secs()
    }
}

/// This run's claim on the release's artifacts: the manifest ConfigMap as it last wrote it.
#[derive(Debug)]
pub struct SeedingClaim {
    run: String,
    object: ConfigMap,
    renewed: Instant,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn new_run_id() -> String {
    let mut bytes = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{}-{}", std::process::id(), hex::encode(bytes))
}

fn set_mark(object: &mut ConfigMap, mark: Option<&SeedingMark>) {
    let annotations = object
        .metadata
        .annotations
        .get_or_insert_with(BTreeMap::new);
    match mark {
        Some(mark) => {
            annotations.insert(SEEDING_RUN_ANNOTATION.into(), mark.run.clone());
            annotations.insert(SEEDING_RENEWED_ANNOTATION.into(), mark.renewed.to_string());
        }
        None => {
            annotations.remove(SEEDING_RUN_ANNOTATION);
            annotations.remove(SEEDING_RENEWED_ANNOTATION);
        }
    }
}

/// The chart's node volume claims: `data-<statefulset>-<ordinal>` from the claim template named
/// `data`, labelled with a node component (bootnode, validator, rpc).
fn is_node_volume(metadata: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> bool {
    let component = metadata
        .labels
        .as_ref()
        .and_then(|labels| labels.get("app.kubernetes.io/component"));
    let is_node_component = component.is_some_and(|c| Role::ALL.iter().any(|r| r.name() == c));
    let name = metadata.name.as_deref().unwrap_or_default();
    is_node_component && name.starts_with(NODE_VOLUME_PREFIX)
}

/// Name prefix of the claims the node StatefulSets' `data` volume claim template makes.
pub const NODE_VOLUME_PREFIX: &str = "data-";

/// The API server's answer to a write of other data into an immutable ConfigMap or Secret.
fn is_immutable_refusal(status: &kube::core::Status) -> bool {
    status.code == 422 && status.message.contains("immutable")
}

/// [`object_digest`] of a ConfigMap as stored (`data` and `binaryData` together).
pub fn config_map_digest(config_map: &ConfigMap) -> String {
    let mut entries: BTreeMap<&str, &[u8]> = BTreeMap::new();
    for (key, value) in config_map.data.iter().flatten() {
        entries.insert(key, value.as_bytes());
    }
    for (key, value) in config_map.binary_data.iter().flatten() {
        entries.insert(key, &value.0);
    }
    object_digest(&entries)
}

/// [`object_digest`] of a Secret as stored.
pub fn secret_digest(secret: &Secret) -> String {
    let entries: BTreeMap<&str, &[u8]> = secret
        .data
        .iter()
        .flatten()
        .map(|(key, value)| (key.as_str(), value.0.as_slice()))
        .collect();
    object_digest(&entries)
}

fn is_conflict(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 409)
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

    /// The release.
    pub fn release(&self) -> &str {
        &self.release
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

    /// The manifest ConfigMap, or `None` when the release has no artifacts here.
    pub async fn manifest_record(&self) -> Result<Option<ManifestRecord>, StoreError> {
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
        let seeding = SeedingMark::of(&config_map.metadata);
        let json = config_map.data.as_ref().and_then(|d| d.get(MANIFEST_KEY));
        let manifest = match (json, &seeding) {
            (Some(json), _) => {
                Some(
                    Manifest::from_json(json).map_err(|e| StoreError::BadManifest {
                        namespace: self.namespace.clone(),
                        name: name.clone(),
                        reason: e.to_string(),
                    })?,
                )
            }
            // A new network whose first run is still writing (or died writing).
            (None, Some(_)) => None,
            (None, None) => {
                return Err(StoreError::BadManifest {
                    namespace: self.namespace.clone(),
                    name,
                    reason: "the key is missing".into(),
                })
            }
        };
        Ok(Some(ManifestRecord {
            manifest,
            seeding,
            object: config_map,
        }))
    }

    /// The stored manifest, or `None` when the release has no complete artifacts here. A new
    /// network that a run is seeding right now is reported as [`StoreError::Busy`].
    pub async fn manifest(&self) -> Result<Option<Manifest>, StoreError> {
        match self.manifest_record().await? {
            None => Ok(None),
            Some(ManifestRecord {
                manifest: Some(manifest),
                ..
            }) => Ok(Some(manifest)),
            Some(record) => {
                self.refuse_live_claim(Some(&record))?;
                Ok(None)
            }
        }
    }

    /// Fails when another run's live mark is on the release's artifacts.
    pub fn refuse_live_claim(&self, record: Option<&ManifestRecord>) -> Result<(), StoreError> {
        let now = unix_now();
        match record.and_then(|r| r.seeding.as_ref()) {
            Some(mark) if mark.is_live(now) => Err(StoreError::Busy {
                release: self.release.clone(),
                namespace: self.namespace.clone(),
                run: mark.run.clone(),
                age: mark.age(now),
            }),
            _ => Ok(()),
        }
    }

    /// Claims the release's artifacts for this run before its first write: creates the
    /// manifest ConfigMap, or replaces `record` (as read) under its resourceVersion. Fails
    /// when another run holds a live mark or got there first.
    pub async fn claim(&self, record: Option<&ManifestRecord>) -> Result<SeedingClaim, StoreError> {
        self.refuse_live_claim(record)?;
        let name = object_name(&self.release, MANIFEST_SET);
        let mark = SeedingMark {
            run: new_run_id(),
            renewed: unix_now(),
        };
        let params = PostParams {
            field_manager: Some(MANAGER.into()),
            ..Default::default()
        };
        let written = match record {
            None => {
                let mut object = ConfigMap {
                    metadata: manifest_metadata(&self.release, Some(&self.namespace)),
                    ..Default::default()
                };
                set_mark(&mut object, Some(&mark));
                self.config_maps().create(&params, &object).await
            }
            Some(record) => {
                let mut object = record.object.clone();
                object.metadata.managed_fields = None;
                set_mark(&mut object, Some(&mark));
                self.config_maps().replace(&name, &params, &object).await
            }
        };
        match written {
            Ok(object) => Ok(SeedingClaim {
                run: mark.run,
                object,
                renewed: Instant::now(),
            }),
            // Created or changed by someone else since this run read it.
            Err(kube::Error::Api(status)) if status.code == 409 => Err(StoreError::Raced {
                release: self.release.clone(),
                namespace: self.namespace.clone(),
            }),
            Err(source) => Err(self.api_error("claiming", "ConfigMap", &name)(source)),
        }
    }

    /// Replaces the claimed manifest ConfigMap under the resourceVersion this run last wrote.
    async fn replace_claimed(
        &self,
        claim: &mut SeedingClaim,
        object: ConfigMap,
    ) -> Result<(), StoreError> {
        let name = object_name(&self.release, MANIFEST_SET);
        let params = PostParams {
            field_manager: Some(MANAGER.into()),
            ..Default::default()
        };
        match self.config_maps().replace(&name, &params, &object).await {
            Ok(written) => {
                claim.object = written;
                claim.renewed = Instant::now();
                Ok(())
            }
            Err(error) if is_conflict(&error) => Err(StoreError::ClaimLost {
                release: self.release.clone(),
                namespace: self.namespace.clone(),
            }),
            Err(source) => Err(self.api_error("writing", "ConfigMap", &name)(source)),
        }
    }

    /// Renews this run's mark when it is due, and fails when the claim was taken over.
    pub async fn renew_if_due(&self, claim: &mut SeedingClaim) -> Result<(), StoreError> {
        if claim.renewed.elapsed() < SEEDING_RENEW_EVERY {
            return Ok(());
        }
        let mut object = claim.object.clone();
        let mark = SeedingMark {
            run: claim.run.clone(),
            renewed: unix_now(),
        };
        set_mark(&mut object, Some(&mark));
        self.replace_claimed(claim, object).await
    }

    /// Completes the claim: the manifest ConfigMap holds `manifest`, and no mark.
    pub async fn finish(
        &self,
        claim: &mut SeedingClaim,
        manifest: &Manifest,
    ) -> Result<(), StoreError> {
        let ArtifactObject::ConfigMap(complete) =
            super::objects::manifest_object(manifest, &self.release, Some(&self.namespace))
        else {
            unreachable!("the manifest is a ConfigMap")
        };
        let mut object = claim.object.clone();
        object.data = complete.data;
        object.binary_data = None;
        object.metadata.labels = complete.metadata.labels;
        set_mark(&mut object, None);
        self.replace_claimed(claim, object).await
    }

    /// Gives up a claim after a failed write, so the next run need not wait for it to go
    /// stale: a new network's ConfigMap is deleted, a reused one loses its mark. Only if it is
    /// still as this run left it.
    pub async fn release_claim(&self, claim: &mut SeedingClaim) -> Result<(), StoreError> {
        let name = object_name(&self.release, MANIFEST_SET);
        let has_manifest = claim
            .object
            .data
            .as_ref()
            .is_some_and(|d| d.contains_key(MANIFEST_KEY));
        if has_manifest {
            let mut object = claim.object.clone();
            set_mark(&mut object, None);
            return self.replace_claimed(claim, object).await;
        }
        let params = DeleteParams {
            preconditions: Some(Preconditions {
                resource_version: claim.object.metadata.resource_version.clone(),
                uid: claim.object.metadata.uid.clone(),
            }),
            ..Default::default()
        };
        match self.config_maps().delete(&name, &params).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
            Err(error) if is_conflict(&error) => Err(StoreError::ClaimLost {
                release: self.release.clone(),
                namespace: self.namespace.clone(),
            }),
            Err(source) => Err(self.api_error("deleting", "ConfigMap", &name)(source)),
        }
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

    /// Writes `object` whole by server-side apply (field manager `ethnet`). Artifact objects
    /// are immutable, so one that exists with other contents (left by a run that never wrote
    /// its manifest, or restored from a backup) is deleted and created again.
    pub async fn apply(&self, object: &ArtifactObject) -> Result<(), StoreError> {
        let name = object.name();
        match self.apply_once(object).await {
            Err(kube::Error::Api(status)) if is_immutable_refusal(&status) => {
                let deleted = match object {
                    ArtifactObject::ConfigMap(_) => {
                        self.delete(&self.config_maps(), "ConfigMap", name).await
                    }
                    ArtifactObject::Secret(_) => self.delete(&self.secrets(), "Secret", name).await,
                };
                deleted?;
                self.apply_once(object).await
            }
            result => result,
        }
        .map_err(self.api_error("applying", object.kind(), name))
    }

    async fn apply_once(&self, object: &ArtifactObject) -> Result<(), kube::Error> {
        let params = PatchParams::apply(MANAGER);
        let name = object.name();
        match object {
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
        }
    }

    /// Reads every object `manifest` lists and fails naming each one that is gone
    /// ([`StoreError::Missing`]) or whose contents differ from its recorded digest
    /// ([`StoreError::Changed`]). Returns the digest of every object as stored, for manifests
    /// that do not record them yet.
    pub async fn verify_stored(
        &self,
        manifest: &Manifest,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let (mut missing, mut changed) = (Vec::new(), Vec::new());
        let mut digests = BTreeMap::new();
        for object in &manifest.objects {
            let name = object_name(&self.release, &object.set);
            let kind = object.kind.name();
            let stored = match object.kind {
                ObjectKind::ConfigMap => self
                    .config_maps()
                    .get_opt(&name)
                    .await
                    .map(|o| o.map(|o| config_map_digest(&o))),
                ObjectKind::Secret => self
                    .secrets()
                    .get_opt(&name)
                    .await
                    .map(|o| o.map(|o| secret_digest(&o))),
            }
            .map_err(self.api_error("reading", kind, &name))?;
            match stored {
                None => missing.push(format!("{kind} {name}")),
                Some(digest) => {
                    if object
                        .digest
                        .as_ref()
                        .is_some_and(|recorded| *recorded != digest)
                    {
                        changed.push(format!("{kind} {name}"));
                    }
                    digests.insert(object.set.clone(), digest);
                }
            }
        }
        if !missing.is_empty() {
            return Err(StoreError::Missing {
                release: self.release.clone(),
                namespace: self.namespace.clone(),
                missing,
            });
        }
        if !changed.is_empty() {
            return Err(StoreError::Changed {
                release: self.release.clone(),
                namespace: self.namespace.clone(),
                changed,
            });
        }
        Ok(digests)
    }

    /// Makes the named artifact objects immutable (the ones written before ethnet marked them
    /// so). A merge patch: it touches nothing else.
    pub async fn make_immutable(&self, object: &ObjectSummary) -> Result<(), StoreError> {
        let name = object_name(&self.release, &object.set);
        let patch = Patch::Merge(serde_json::json!({ "immutable": true }));
        let params = PatchParams {
            field_manager: Some(MANAGER.into()),
            ..PatchParams::default()
        };
        match object.kind {
            ObjectKind::ConfigMap => self
                .config_maps()
                .patch(&name, &params, &patch)
                .await
                .map(drop),
            ObjectKind::Secret => self.secrets().patch(&name, &params, &patch).await.map(drop),
        }
        .map_err(self.api_error("marking immutable", object.kind.name(), &name))
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

    /// What a purge of the release deletes: every Secret and ConfigMap ethnet made for it, and
    /// the volume claims of its node StatefulSets (the chain's keys and data). A claim counts
    /// only when it carries all of a node volume's marks (the release's instance label, a node
    /// component label and the `data-` name of the chart's claim template): GitOps tools put the
    /// instance label on everything they deploy, and those objects are not ethnet's to delete.
    pub async fn purge_plan(&self) -> Result<Purged, StoreError> {
        let ours = format!(
            "app.kubernetes.io/managed-by={MANAGER},app.kubernetes.io/instance={}",
            self.release
        );
        let manifest = object_name(&self.release, MANIFEST_SET);
        let mut config_maps = self
            .list_names(&self.config_maps(), "ConfigMap", &ours)
            .await?;
        // The manifest goes first, so an interrupted purge never leaves a manifest pointing at
        // deleted keys.
        config_maps.sort_by_key(|name| *name != manifest);
        let secrets = self.list_names(&self.secrets(), "Secret", &ours).await?;

        let release = format!("app.kubernetes.io/instance={}", self.release);
        let volume_claims = self
            .claims()
            .list_metadata(&ListParams::default().labels(&release))
            .await
            .map_err(self.api_error("listing", "PersistentVolumeClaim", &release))?
            .items
            .into_iter()
            .filter(|claim| is_node_volume(&claim.metadata))
            .filter_map(|claim| claim.metadata.name)
            .collect();
        Ok(Purged {
            secrets,
            config_maps,
            volume_claims,
        })
    }

    /// Deletes what `plan` lists, manifest first; objects already gone are skipped. A claim
    /// is deleted at once but stays (Terminating) until no pod uses it: see
    /// [`Self::remaining_claims`].
    pub async fn purge(&self, plan: &Purged) -> Result<Purged, StoreError> {
        Ok(Purged {
            config_maps: self
                .delete_all(&self.config_maps(), "ConfigMap", &plan.config_maps)
                .await?,
            secrets: self
                .delete_all(&self.secrets(), "Secret", &plan.secrets)
                .await?,
            volume_claims: self
                .delete_all(&self.claims(), "PersistentVolumeClaim", &plan.volume_claims)
                .await?,
        })
    }

    /// Which of the named volume claims still exist (a deleted claim lingers while a pod that
    /// mounts it is still stopping). Listed like the purge plan, so it needs no further verb.
    pub async fn remaining_claims(&self, names: &[String]) -> Result<Vec<String>, StoreError> {
        let release = format!("app.kubernetes.io/instance={}", self.release);
        let existing = self
            .list_names(&self.claims(), "PersistentVolumeClaim", &release)
            .await?;
        Ok(names
            .iter()
            .filter(|name| existing.contains(name))
            .cloned()
            .collect())
    }

    fn claims(&self) -> Api<PersistentVolumeClaim> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// Deletes each named object in order; returns the names this call deleted.
    async fn delete_all<K>(
        &self,
        api: &Api<K>,
        kind: &'static str,
        names: &[String],
    ) -> Result<Vec<String>, StoreError>
    where
        K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        let mut deleted = Vec::new();
        for name in names {
            if self.delete(api, kind, name).await? {
                deleted.push(name.clone());
            }
        }
        Ok(deleted)
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
    ) -> Result<bool, StoreError>
    where
        K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        // Whether this call deleted it.
        match api.delete(name, &DeleteParams::default()).await {
            Ok(_) => Ok(true),
            // Gone already (a purge run twice): that is the wanted state.
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(false),
            Err(source) => Err(self.api_error("deleting", kind, name)(source)),
        }
    }
}
