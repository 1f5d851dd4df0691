//! Seeding a release's artifacts: generate them the first time, reuse them ever after.
//!
//! `helm ethnet install` and `upgrade` both come here before helm runs. The stored manifest
//! decides: none means a new network (generate, check no foreign object is in the way, write
//! everything, manifest last); one means the network exists (refuse forking changes, write only
//! the identities of added nodes, then the updated manifest). Every refusal happens before the
//! first write, and the writes of one run exclude every other run's: each run claims the
//! manifest ConfigMap before writing and finishes it under the resourceVersion it claimed
//! (see `kube::store`), so two installs started together never mix two networks' keys.

use rand::{CryptoRng, RngCore};

use crate::{
    core::{artifacts::ObjectSummary, reuse::reuse, Artifacts, CoreError, Manifest, NetworkSpec},
    kube::{
        objects::{object_name, objects_from_files, ArtifactObject, MANIFEST_SET},
        store::{ArtifactStore, ManifestRecord, SeedingClaim, StoreError},
    },
};

/// Which command is seeding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// `install`: a new network, or an existing one reused.
    Install,
    /// `upgrade`: the network must exist.
    Upgrade,
}

/// Errors of seeding.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The API server refused, or objects are in the way or missing.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The spec or the change is not acceptable.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// Generating a new network failed.
    #[error(transparent)]
    Generate(anyhow::Error),
    /// `seed --apply` of artifacts of another network than the release's.
    #[error(
        "release {release} in namespace {namespace} already holds the network with genesis hash \
         {stored}; refusing to replace its keys with those of {given} (choose another release \
         name, or purge the old network first)"
    )]
    OtherNetwork {
        /// Release.
        release: String,
        /// Namespace.
        namespace: String,
        /// Genesis hash stored in the namespace.
        stored: String,
        /// Genesis hash of the artifacts given.
        given: String,
    },
    /// `upgrade` of a release that has no artifacts.
    #[error(
        "release {release} has no ethnet artifacts in namespace {namespace}; install it first \
         (helm ethnet install {release})"
    )]
    NotInstalled {
        /// Release.
        release: String,
        /// Namespace.
        namespace: String,
    },
}

/// What seeding did.
#[derive(Debug)]
pub struct Seeded {
    /// The network's manifest as stored now.
    pub manifest: Manifest,
    /// Whether the artifacts already existed.
    pub reused: bool,
    /// Names of the objects written.
    pub written: Vec<String>,
}

/// Makes sure the release's artifacts exist for `spec` and returns its manifest.
/// `generate` is called only when there is no network yet.
pub async fn seed(
    store: &ArtifactStore,
    release: &str,
    spec: &NetworkSpec,
    intent: Intent,
    generate: impl FnOnce() -> anyhow::Result<Artifacts>,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Seeded, SeedError> {
    let namespace = Some(store.namespace());
    let record = store.manifest_record().await?;
    // Before any slow work: another run is writing this release right now.
    store.refuse_live_claim(record.as_ref())?;
    let stored = record.as_ref().and_then(|r| r.manifest.clone());
    let (manifest, objects, reused) = match stored {
        Some(stored) => {
            let digests = store.verify_stored(&stored).await?;
            // A manifest from before digests were recorded: record them from the objects as
            // stored (and, once the request is accepted, make those objects immutable).
            let mut recorded = stored.clone();
            let undigested: Vec<ObjectSummary> = stored
                .objects
                .iter()
                .filter(|o| o.digest.is_none())
                .cloned()
                .collect();
            for object in recorded.objects.iter_mut().filter(|o| o.digest.is_none()) {
                object.digest = digests.get(&object.set).cloned();
            }
            let plan = reuse(&recorded, spec, rng)?;
            for object in &undigested {
                store.make_immutable(object).await?;
            }
            if !plan.changes_artifacts(&stored) {
                return Ok(Seeded {
                    manifest: stored,
                    reused: true,
                    written: Vec::new(),
                });
            }
            let objects = objects_from_files(&plan.manifest, &plan.new_files(), release, namespace);
            (plan.manifest, objects, true)
        }
        None if intent == Intent::Upgrade => {
            return Err(SeedError::NotInstalled {
                release: release.into(),
                namespace: store.namespace().into(),
            })
        }
        None => {
            let artifacts = generate().map_err(SeedError::Generate)?;
            let manifest = artifacts.manifest();
            let objects = objects_from_files(&manifest, &artifacts.files(), release, namespace);
            (manifest, objects, false)
        }
    };
    let written = write_claimed(store, release, record.as_ref(), &objects, &manifest).await?;
    Ok(Seeded {
        manifest,
        reused,
        written,
    })
}

/// Applies artifacts made elsewhere (`ethnet generate`, a backup) to the release: onto an
/// empty namespace, or onto the same network to restore objects that went missing. Refuses a
/// different network before any write. `objects` are the artifact objects; the manifest is
/// written after them.
pub async fn apply_artifacts(
    store: &ArtifactStore,
    release: &str,
    manifest: &Manifest,
    objects: &[ArtifactObject],
) -> Result<Vec<String>, SeedError> {
    let record = store.manifest_record().await?;
    store.refuse_live_claim(record.as_ref())?;
    if let Some(stored) = record.as_ref().and_then(|r| r.manifest.as_ref()) {
        if stored.el.genesis_hash != manifest.el.genesis_hash {
            return Err(SeedError::OtherNetwork {
                release: release.into(),
                namespace: store.namespace().into(),
                stored: stored.el.genesis_hash.to_string(),
                given: manifest.el.genesis_hash.to_string(),
            });
        }
    }
    write_claimed(store, release, record.as_ref(), objects, manifest).await
}

/// Once none of `objects` belongs to someone else: claims the release, applies `objects` in
/// order, then stores `manifest`; the names written. A failure releases the claim, leaving
/// no manifest for a new network, so the next run replaces the partial objects.
async fn write_claimed(
    store: &ArtifactStore,
    release: &str,
    record: Option<&ManifestRecord>,
    objects: &[ArtifactObject],
    manifest: &Manifest,
) -> Result<Vec<String>, SeedError> {
    store.check_ownership(objects).await?;
    let mut claim = store.claim(record).await?;
    let mut written = Vec::new();
    let result = write_under_claim(store, &mut claim, objects, manifest, &mut written).await;
    if let Err(error) = result {
        // Best effort: a claim left behind only delays the next run until it goes stale.
        let _ = store.release_claim(&mut claim).await;
        return Err(error.into());
    }
    written.push(object_name(release, MANIFEST_SET));
    Ok(written)
}

async fn write_under_claim(
    store: &ArtifactStore,
    claim: &mut SeedingClaim,
    objects: &[ArtifactObject],
    manifest: &Manifest,
    written: &mut Vec<String>,
) -> Result<(), StoreError> {
    for object in objects {
        store.renew_if_due(claim).await?;
        store.apply(object).await?;
        written.push(object.name().to_string());
    }
    store.finish(claim, manifest).await
}
