//! ConfigMaps and Secrets from an artifacts directory, as docs/artifacts.md lays them out:
//! one object per set, named `<release>-<set>`, labelled as ethnet's and kept by helm.

use std::collections::BTreeMap;

use k8s_openapi::{
    api::core::v1::{ConfigMap, Secret},
    apimachinery::pkg::apis::meta::v1::ObjectMeta,
    ByteString,
};

use crate::core::artifacts::{file_path, object_digest, ArtifactFile, Manifest, ObjectKind};

/// Field manager and `app.kubernetes.io/managed-by` value of every object ethnet writes.
pub const MANAGER: &str = "ethnet";
/// Label naming the artifact set an object holds.
pub const SET_LABEL: &str = "ethnet.io/set";
/// What Kubernetes stores at most in one ConfigMap or Secret (its data, 1 MiB): the limit
/// `generate` sizes every artifact object against.
pub const OBJECT_SIZE_LIMIT: usize = 1 << 20;

/// One artifact object.
#[derive(Debug, Clone, PartialEq)]
pub enum ArtifactObject {
    /// Public files.
    ConfigMap(ConfigMap),
    /// Keys and passwords.
    Secret(Secret),
}

/// Set name of the ConfigMap holding manifest.json. It is written last: its presence means
/// every other object of the release is complete.
pub const MANIFEST_SET: &str = "manifest";
/// Key of the manifest in that ConfigMap.
pub const MANIFEST_KEY: &str = "manifest.json";

impl ArtifactObject {
    /// The object's name.
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    /// `ConfigMap` or `Secret`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ConfigMap(_) => "ConfigMap",
            Self::Secret(_) => "Secret",
        }
    }

    /// The object's metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Self::ConfigMap(o) => &o.metadata,
            Self::Secret(o) => &o.metadata,
        }
    }
}

/// Name of the object holding `set` for `release`.
pub fn object_name(release: &str, set: &str) -> String {
    format!("{release}-{set}")
}

/// Labels of every artifact object of `release`.
pub fn labels(release: &str, set: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/managed-by".into(), MANAGER.into()),
        ("app.kubernetes.io/instance".into(), release.into()),
        ("app.kubernetes.io/part-of".into(), "ethnet".into()),
        (SET_LABEL.into(), set.into()),
    ])
}

fn metadata(release: &str, namespace: Option<&str>, set: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(object_name(release, set)),
        namespace: namespace.map(String::from),
        labels: Some(labels(release, set)),
        // Keys and genesis outlive `helm uninstall`: losing them would lose the chain.
        annotations: Some(BTreeMap::from([(
            "helm.sh/resource-policy".into(),
            "keep".into(),
        )])),
        ..Default::default()
    }
}

/// Why a manifest's objects cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ObjectsError {
    /// A set name that is not a DNS label (it names an object and a directory).
    #[error(
        "manifest.json lists the set {set:?}; a set name must be a DNS label (lower-case \
         letters, digits and '-', at most 63, alphanumeric at both ends): regenerate the \
         directory with `ethnet generate` instead of editing its manifest"
    )]
    BadSet {
        /// The set name.
        set: String,
    },
    /// A key that Kubernetes does not allow in a ConfigMap or Secret (it names a file too).
    #[error(
        "manifest.json lists the key {key:?} in set {set}; a key must be letters, digits, \
         '-', '_' and '.' (at most 253, not '.' or '..'), as Kubernetes requires: regenerate \
         the directory with `ethnet generate` instead of editing its manifest"
    )]
    BadKey {
        /// The set.
        set: String,
        /// The key.
        key: String,
    },
    /// A set's files differ from the digest the manifest records for them.
    #[error(
        "the files of set {set} differ from what ethnet generated (their digest is not the one \
         manifest.json records): they were edited or mixed with another network's; use the \
         directory as `ethnet generate` wrote it"
    )]
    Changed {
        /// The set.
        set: String,
    },
    /// A listed file could not be read.
    #[error("reading {path}")]
    Read {
        /// Path inside the artifacts directory.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Whether `set` is a DNS label (RFC 1123), as Kubernetes names and ethnet's sets are.
pub fn is_set_name(set: &str) -> bool {
    let bytes = set.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// Whether `key` is a valid ConfigMap/Secret key (`[-._a-zA-Z0-9]+`, at most 253, not `.` or
/// `..`): never a path separator or a parent directory.
pub fn is_object_key(key: &str) -> bool {
    (1..=253).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && key != "."
        && key != ".."
}

/// Builds every object the manifest lists, reading each key's file with `read(path)`, where
/// `path` is relative to the artifacts directory. Text goes to `data`, other bytes (the gzipped
/// genesis state) to a ConfigMap's `binaryData`. Every set name and key is checked before the
/// first read, so a hostile manifest cannot name a path outside the directory.
pub fn objects(
    manifest: &Manifest,
    release: &str,
    namespace: Option<&str>,
    mut read: impl FnMut(&str) -> std::io::Result<Vec<u8>>,
) -> Result<Vec<ArtifactObject>, ObjectsError> {
    for object in &manifest.objects {
        if !is_set_name(&object.set) {
            return Err(ObjectsError::BadSet {
                set: object.set.clone(),
            });
        }
        if let Some(key) = object.keys.iter().find(|key| !is_object_key(key)) {
            return Err(ObjectsError::BadKey {
                set: object.set.clone(),
                key: key.clone(),
            });
        }
    }
    let mut objects = Vec::new();
    for object in &manifest.objects {
        let meta = metadata(release, namespace, &object.set);
        let mut files = BTreeMap::new();
        for key in &object.keys {
            let path = file_path(object.kind, &object.set, key);
            let contents = read(&path).map_err(|source| ObjectsError::Read {
                path: path.clone(),
                source,
            })?;
            files.insert(key.clone(), contents);
        }
        if let Some(recorded) = &object.digest {
            let entries = files
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_slice()))
                .collect();
            if object_digest(&entries) != *recorded {
                return Err(ObjectsError::Changed {
                    set: object.set.clone(),
                });
            }
        }
        objects.push(match object.kind {
            ObjectKind::ConfigMap => {
                let (mut data, mut binary_data) = (BTreeMap::new(), BTreeMap::new());
                for (key, bytes) in files {
                    match String::from_utf8(bytes) {
                        Ok(text) => {
                            data.insert(key, text);
                        }
                        Err(bytes) => {
                            binary_data.insert(key, ByteString(bytes.into_bytes()));
                        }
                    }
                }
                ArtifactObject::ConfigMap(ConfigMap {
                    metadata: meta,
                    data: Some(data),
                    binary_data: (!binary_data.is_empty()).then_some(binary_data),
                    // Written once: nothing (and nobody) changes a network's artifacts.
                    immutable: Some(true),
                })
            }
            ObjectKind::Secret => ArtifactObject::Secret(Secret {
                metadata: meta,
                type_: Some("Opaque".into()),
                data: Some(files.into_iter().map(|(k, v)| (k, ByteString(v))).collect()),
                immutable: Some(true),
                ..Default::default()
            }),
        });
    }
    Ok(objects)
}

/// The objects of `files` (as `Artifacts::files` or `Reuse::new_files` make them) that
/// `manifest` lists, built without touching the disk.
pub fn objects_from_files(
    manifest: &Manifest,
    files: &[ArtifactFile],
    release: &str,
    namespace: Option<&str>,
) -> Vec<ArtifactObject> {
    let by_path: BTreeMap<&str, &[u8]> = files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_slice()))
        .collect();
    let mut present = manifest.clone();
    // Only the objects these files hold (a reuse writes just its new nodes' Secrets).
    present.objects.retain(|object| {
        object
            .keys
            .iter()
            .all(|key| by_path.contains_key(file_path(object.kind, &object.set, key).as_str()))
    });
    objects(&present, release, namespace, |path| {
        by_path
            .get(path)
            .map(|bytes| bytes.to_vec())
            .ok_or_else(|| std::io::ErrorKind::NotFound.into())
    })
    .expect("ethnet's own sets and keys are valid, and every listed file is present")
}

/// Metadata of the ConfigMap holding the manifest.
pub fn manifest_metadata(release: &str, namespace: Option<&str>) -> ObjectMeta {
    metadata(release, namespace, MANIFEST_SET)
}

/// The ConfigMap holding the manifest: the record of what the release's artifacts are.
pub fn manifest_object(
    manifest: &Manifest,
    release: &str,
    namespace: Option<&str>,
) -> ArtifactObject {
    let json = serde_json::to_string_pretty(manifest).expect("the manifest serializes");
    ArtifactObject::ConfigMap(ConfigMap {
        metadata: metadata(release, namespace, MANIFEST_SET),
        data: Some(BTreeMap::from([(MANIFEST_KEY.to_string(), json)])),
        ..Default::default()
    })
}

/// The prefixes of the genesis ConfigMaps (`<prefix>-genesis`) that the pods of a rendered
/// chart (`helm template` output) mount. The chart names every artifact object
/// `<artifactsPrefix or release>-<set>`, and every node mounts the genesis: a prefix other
/// than the release means the pods would run artifacts ethnet did not seed for the release.
pub fn mounted_genesis_prefixes(rendered: &str) -> std::collections::BTreeSet<String> {
    fn walk(value: &serde_yaml::Value, found: &mut std::collections::BTreeSet<String>) {
        match value {
            serde_yaml::Value::Mapping(map) => {
                if let Some(name) = map
                    .get("configMap")
                    .and_then(|c| c.get("name"))
                    .and_then(|n| n.as_str())
                {
                    if let Some(prefix) = name.strip_suffix("-genesis") {
                        found.insert(prefix.to_string());
                    }
                }
                map.values().for_each(|v| walk(v, found));
            }
            serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = std::collections::BTreeSet::new();
    for document in serde_yaml::Deserializer::from_str(rendered) {
        if let Ok(value) = <serde_yaml::Value as serde::Deserialize>::deserialize(document) {
            walk(&value, &mut found);
        }
    }
    found
}

/// The objects as one multi-document YAML stream, for `kubectl apply -f -` or a GitOps repo.
/// Each document is written in JSON form (valid YAML): every string stays quoted, so values
/// like the genesis hash (`0x…`) are never read back as numbers by YAML 1.1 parsers.
pub fn to_yaml(objects: &[ArtifactObject]) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    for object in objects {
        out.push_str("---\n");
        out.push_str(&match object {
            ArtifactObject::ConfigMap(o) => serde_json::to_string_pretty(o)?,
            ArtifactObject::Secret(o) => serde_json::to_string_pretty(o)?,
        });
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use rand::SeedableRng;

    use super::*;
    use crate::core::{
        generate,
        spec::{tests_support::spec_with, AccountKdf, ValidatorKdf},
        GenerateOptions,
    };

    fn seeded_objects() -> (Vec<ArtifactObject>, crate::core::Artifacts) {
        let spec = spec_with(|s| {
            s.accounts.keystore_kdf = AccountKdf::Light;
            s.accounts.count = 2;
            s.validators.keystore_kdf = ValidatorKdf::Fast;
        });
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
        let options = GenerateOptions {
            genesis_time: 1_800_000_000,
            mnemonic: None,
            object_size_limit: crate::kube::objects::OBJECT_SIZE_LIMIT,
        };
        let artifacts = generate(&spec, options, &mut rng, &|| {}).unwrap();
        let files: HashMap<String, Vec<u8>> = artifacts
            .files()
            .into_iter()
            .map(|f| (f.path, f.contents.to_vec()))
            .collect();
        let read = |path: &str| {
            files
                .get(path)
                .cloned()
                .ok_or_else(|| std::io::ErrorKind::NotFound.into())
        };
        (
            objects(&artifacts.manifest(), "devnet", Some("chain"), read).unwrap(),
            artifacts,
        )
    }

    /// The directory writer and seed's reader mirror each other: objects read back from a
    /// written directory are the ones built from the files in memory, the manifest reads back
    /// equal, and every file comes back with its bytes and its secrecy.
    #[test]
    fn a_written_directory_reads_back_as_the_same_objects() {
        let (from_memory, artifacts) = seeded_objects();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("net");
        let files = artifacts.files();
        crate::output::write_artifacts(&dir, &files, false).unwrap();

        let manifest = crate::output::read_manifest(&dir).unwrap();
        assert_eq!(manifest, artifacts.manifest());
        let read = |path: &str| crate::output::read_inside(&dir, path);
        let from_disk = objects(&manifest, "devnet", Some("chain"), read).unwrap();
        assert_eq!(to_yaml(&from_disk).unwrap(), to_yaml(&from_memory).unwrap());
        assert_eq!(
            from_disk,
            objects_from_files(&manifest, &files, "devnet", Some("chain"))
        );
        for file in &files {
            let on_disk = crate::output::read_inside(&dir, &file.path).unwrap();
            assert_eq!(on_disk, *file.contents, "{}", file.path);
            let listed = file.set_and_key().is_some_and(|(set, key)| {
                manifest.objects.iter().any(|o| {
                    o.set == set
                        && o.keys.iter().any(|k| k == key)
                        && (o.kind == ObjectKind::Secret) == file.secret
                })
            });
            let beside = [
                crate::core::artifacts::MANIFEST_FILE,
                crate::core::artifacts::VALUES_FILE,
                crate::core::artifacts::GENESIS_SSZ,
            ];
            assert!(
                listed || beside.contains(&file.path.as_str()),
                "{} is neither listed nor beside the sets",
                file.path
            );
        }
    }

    #[test]
    fn one_object_per_set_named_labelled_and_kept() {
        let (objects, _) = seeded_objects();
        let metas: Vec<&ObjectMeta> = objects
            .iter()
            .map(|o| match o {
                ArtifactObject::ConfigMap(c) => &c.metadata,
                ArtifactObject::Secret(s) => &s.metadata,
            })
            .collect();
        let names: Vec<&str> = metas.iter().map(|m| m.name.as_deref().unwrap()).collect();
        assert!(names.contains(&"devnet-genesis") && names.contains(&"devnet-jwt"));
        assert!(names.contains(&"devnet-node-validator-1") && names.contains(&"devnet-accounts"));
        for meta in metas {
            let labels = meta.labels.as_ref().unwrap();
            assert_eq!(labels["app.kubernetes.io/managed-by"], "ethnet");
            assert_eq!(labels["app.kubernetes.io/instance"], "devnet");
            assert_eq!(
                meta.annotations.as_ref().unwrap()["helm.sh/resource-policy"],
                "keep"
            );
            assert_eq!(meta.namespace.as_deref(), Some("chain"));
        }
    }

    #[test]
    fn genesis_is_public_and_binary_state_goes_to_binary_data() {
        let (objects, artifacts) = seeded_objects();
        let ArtifactObject::ConfigMap(genesis) = &objects[0] else {
            panic!("genesis first")
        };
        let data = genesis.data.as_ref().unwrap();
        assert!(data["config.yaml"].contains("PRESET_BASE"));
        assert_eq!(data["genesis-hash"], artifacts.genesis_hash.to_string());
        assert_eq!(
            genesis.binary_data.as_ref().unwrap()["genesis.ssz.gz"].0,
            artifacts.cl_genesis_gz
        );
        assert!(
            objects
                .iter()
                .filter(|o| matches!(o, ArtifactObject::ConfigMap(_)))
                .count()
                == 1
        );
    }

    #[test]
    fn each_validator_secret_holds_only_its_own_keys() {
        let (objects, artifacts) = seeded_objects();
        for node in artifacts.nodes.iter().filter(|n| !n.validators.is_empty()) {
            let name = object_name("devnet", &format!("node-{}", node.name));
            let secret = objects
                .iter()
                .find_map(|o| match o {
                    ArtifactObject::Secret(s) if s.metadata.name.as_deref() == Some(&name) => {
                        Some(s)
                    }
                    _ => None,
                })
                .unwrap();
            let keys: Vec<&String> = secret
                .data
                .as_ref()
                .unwrap()
                .keys()
                .filter(|k| k.ends_with(".json"))
                .collect();
            let own: Vec<String> = artifacts.validators
                [node.validators.start as usize..node.validators.end as usize]
                .iter()
                .map(|v| format!("0x{}.json", hex::encode(v.key.pubkey)))
                .collect();
            assert_eq!(
                keys.len() - 1,
                own.len(),
                "its keystores plus cl-peer-id.json"
            );
            assert!(own.iter().all(|k| keys.contains(&k)));
        }
    }

    #[test]
    fn hostile_set_names_and_keys_are_refused_before_any_read() {
        let (_, artifacts) = seeded_objects();
        for (set, key) in [
            ("../../etc", "passwd"),
            ("/etc", "passwd"),
            ("genesis", "../../../etc/passwd"),
            ("genesis", "/etc/passwd"),
            ("genesis", ".."),
            ("Genesis", "genesis.json"),
            ("a/b", "c"),
        ] {
            let mut manifest = artifacts.manifest();
            manifest.objects[0].set = set.into();
            manifest.objects[0].keys = vec![key.into()];
            let mut reads = 0;
            let err = objects(&manifest, "devnet", None, |_| {
                reads += 1;
                Ok(Vec::new())
            })
            .unwrap_err();
            assert!(
                matches!(
                    err,
                    ObjectsError::BadSet { .. } | ObjectsError::BadKey { .. }
                ),
                "{set}/{key}: {err}"
            );
            assert_eq!(reads, 0, "{set}/{key}: nothing read");
        }
        assert!(is_set_name("node-validator-12") && is_object_key("0xab.json"));
    }

    #[test]
    fn the_genesis_prefix_of_rendered_pods_is_found() {
        let rendered = "---\nkind: StatefulSet\nspec:\n  template:\n    spec:\n      volumes:\n        - name: genesis\n          configMap: {name: other-genesis}\n        - name: jwt\n          secret: {secretName: other-jwt}\n---\nkind: Pod\nspec:\n  volumes:\n    - projected:\n        sources:\n          - configMap: {name: devnet-genesis}\n";
        let found: Vec<String> = mounted_genesis_prefixes(rendered).into_iter().collect();
        assert_eq!(found, ["devnet", "other"]);
    }

    #[test]
    fn yaml_stream_has_kinds() {
        let (objects, _) = seeded_objects();
        let yaml = to_yaml(&objects).unwrap();
        let docs: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&yaml)
            .map(|d| serde::Deserialize::deserialize(d).unwrap())
            .collect();
        assert_eq!(docs.len(), objects.len());
        assert!(docs.iter().all(|d| d["apiVersion"] == "v1"));
        assert_eq!(docs[0]["kind"], "ConfigMap");
        assert_eq!(docs[1]["kind"], "Secret");
        // A 0x-hex string must stay a string through a YAML parser.
        assert!(docs[0]["data"]["genesis-hash"]
            .as_str()
            .unwrap()
            .starts_with("0x"));
    }
}
