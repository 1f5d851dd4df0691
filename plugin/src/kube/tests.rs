//! The kube edge against the in-memory API double: seeding, reuse, refusals, conflicts,
//! failures half-way, purge, pods and the pod proxy.

use rand::SeedableRng;
use serde_json::json;

use super::{fake::FakeApi, objects::object_name, store::ArtifactStore};
use crate::{
    core::{
        artifacts::{ObjectKind, ObjectSummary},
        generate,
        identity::enode_id,
        spec::{tests_support::spec_with, AccountKdf, Role, ValidatorKdf},
        Artifacts, CoreError, GenerateOptions, NetworkSpec,
    },
    lifecycle::{seed, Intent, SeedError, Seeded},
};

const NS: &str = "chain";
const RELEASE: &str = "devnet";

fn spec() -> NetworkSpec {
    spec_with(|s| {
        s.accounts.keystore_kdf = AccountKdf::Light;
        s.accounts.count = 2;
        s.validators.keystore_kdf = ValidatorKdf::Fast;
        s.validators.count = 8;
    })
}

fn artifacts(spec: &NetworkSpec, seed: u64) -> Result<Artifacts, CoreError> {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    let options = GenerateOptions {
        genesis_time: 1_800_000_000,
        mnemonic: None,
        object_size_limit: crate::kube::objects::OBJECT_SIZE_LIMIT,
    };
    generate(spec, options, &mut rng, &|| {})
}

async fn run(
    fake: &FakeApi,
    spec: &NetworkSpec,
    intent: Intent,
    seed_value: u64,
) -> Result<Seeded, SeedError> {
    let store = ArtifactStore::new(fake.client(), NS, RELEASE);
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed_value + 1000);
    seed(
        &store,
        RELEASE,
        spec,
        intent,
        || Ok(artifacts(spec, seed_value)?),
        &mut rng,
    )
    .await
}

fn secret_text(fake: &FakeApi, name: &str, key: &str) -> String {
    let secret = fake
        .get("secrets", NS, name)
        .unwrap_or_else(|| panic!("Secret {name}"));
    let encoded = secret["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("{name}[{key}]"));
    use base64::Engine;
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap()
}

/// The enode id of the node key stored in a node's Secret.
fn stored_enode_id(fake: &FakeApi, node: &str) -> String {
    let hex_key = secret_text(
        fake,
        &object_name(RELEASE, &format!("node-{node}")),
        "el-nodekey",
    );
    let key = k256::SecretKey::from_slice(&hex::decode(hex_key.trim()).unwrap()).unwrap();
    enode_id(&key)
}

#[tokio::test]
async fn first_install_seeds_every_object_with_the_manifest_last() {
    let fake = FakeApi::with_namespaces(&[NS]);
    let seeded = run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    assert!(!seeded.reused);
    assert_eq!(seeded.written.last().unwrap(), "devnet-manifest");
    assert_eq!(seeded.written.len(), seeded.manifest.objects.len() + 1);
    // Claimed first (created, marked), every object applied, the manifest finished last.
    let writes = fake.writes();
    assert_eq!(writes[0], "POST /api/v1/namespaces/chain/configmaps");
    assert_eq!(
        writes.last().unwrap(),
        "PUT /api/v1/namespaces/chain/configmaps/devnet-manifest"
    );
    let manifest = fake.get("configmaps", NS, "devnet-manifest").unwrap();
    assert!(
        manifest["metadata"]["annotations"]["ethnet.io/seeding-run"].is_null(),
        "no seeding mark once complete"
    );
    for node in &seeded.manifest.nodes {
        assert_eq!(
            stored_enode_id(&fake, &node.name),
            node.identity.enode_id,
            "{}",
            node.name
        );
    }
    // Objects are labelled as ethnet's, applied by the field manager ethnet, and kept by helm.
    let jwt = fake.get("secrets", NS, "devnet-jwt").unwrap();
    assert_eq!(
        jwt["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "ethnet"
    );
    assert_eq!(
        jwt["metadata"]["labels"]["app.kubernetes.io/instance"],
        "devnet"
    );
    assert_eq!(
        jwt["metadata"]["annotations"]["helm.sh/resource-policy"],
        "keep"
    );
    assert_eq!(jwt["metadata"]["managedFields"][0]["manager"], "ethnet");
    assert_eq!(secret_text(&fake, "devnet-jwt", "jwt.hex").len(), 64);
}

#[tokio::test]
async fn reinstall_reuses_the_artifacts_and_writes_nothing() {
    let fake = FakeApi::with_namespaces(&[NS]);
    let first = run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    let writes = fake.writes().len();
    let jwt = secret_text(&fake, "devnet-jwt", "jwt.hex");
    // Another seed would make other keys; reuse must never call generate at all.
    let store = ArtifactStore::new(fake.client(), NS, RELEASE);
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
    let again = seed(
        &store,
        RELEASE,
        &spec(),
        Intent::Install,
        || panic!("regenerated"),
        &mut rng,
    )
    .await
    .unwrap();
    assert!(again.reused && again.written.is_empty());
    assert_eq!(again.manifest, first.manifest);
    assert_eq!(fake.writes().len(), writes, "no write on reuse");
    assert_eq!(secret_text(&fake, "devnet-jwt", "jwt.hex"), jwt);
}

#[tokio::test]
async fn a_forking_change_is_refused_before_any_write() {
    let fake = FakeApi::with_namespaces(&[NS]);
    run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    let writes = fake.writes().len();
    let mut changed = spec();
    changed.network.chain_id = 4242;
    let err = run(&fake, &changed, Intent::Upgrade, 2).await.unwrap_err();
    assert!(
        matches!(err, SeedError::Core(CoreError::Forking(_))),
        "{err}"
    );
    assert!(
        err.to_string().contains("network.chainId: 3151908 -> 4242"),
        "{err}"
    );
    assert_eq!(fake.writes().len(), writes);
}

#[tokio::test]
async fn upgrade_adds_identities_for_new_rpc_nodes_only() {
    let fake = FakeApi::with_namespaces(&[NS]);
    let first = run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    let mut more = spec();
    more.nodes
        .iter_mut()
        .find(|g| g.role == Role::Rpc)
        .unwrap()
        .replicas = 2;
    let upgraded = run(&fake, &more, Intent::Upgrade, 2).await.unwrap();
    assert_eq!(upgraded.written, ["devnet-node-rpc-1", "devnet-manifest"]);
    let rpc1 = upgraded
        .manifest
        .nodes
        .iter()
        .find(|n| n.name == "rpc-1")
        .unwrap();
    assert_eq!(stored_enode_id(&fake, "rpc-1"), rpc1.identity.enode_id);
    for node in &first.manifest.nodes {
        assert_eq!(stored_enode_id(&fake, &node.name), node.identity.enode_id);
    }
    let values = upgraded.manifest.helm_values();
    assert!(values["ethnet"]["nodes"]["rpc-1"]["enodeId"].is_string());
}

#[tokio::test]
async fn upgrade_of_a_release_that_was_never_installed_is_refused() {
    let fake = FakeApi::with_namespaces(&[NS]);
    let err = run(&fake, &spec(), Intent::Upgrade, 1).await.unwrap_err();
    assert!(err.to_string().contains("install it first"), "{err}");
    assert!(fake.writes().is_empty());
}

#[tokio::test]
async fn a_foreign_object_with_the_same_name_stops_install_before_any_write() {
    let fake = FakeApi::with_namespaces(&[NS]);
    fake.insert(
        "secrets",
        NS,
        json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "devnet-jwt", "labels": {"app": "someone-else"}}, "data": {}}),
    );
    let err = run(&fake, &spec(), Intent::Install, 1).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("Secret chain/devnet-jwt already exists"),
        "{message}"
    );
    assert!(message.contains("another release name"), "{message}");
    assert!(fake.writes().is_empty());
    assert_eq!(
        fake.get("secrets", NS, "devnet-jwt").unwrap()["metadata"]["labels"]["app"],
        "someone-else"
    );
}

#[tokio::test]
async fn another_releases_objects_are_foreign_too() {
    let fake = FakeApi::with_namespaces(&[NS]);
    fake.insert(
        "configmaps",
        NS,
        json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "devnet-genesis", "labels": {
            "app.kubernetes.io/managed-by": "ethnet", "app.kubernetes.io/instance": "other"}}}),
    );
    let err = run(&fake, &spec(), Intent::Install, 1).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("managed by ethnet, instance other"),
        "{err}"
    );
}

#[tokio::test]
async fn an_api_error_half_way_leaves_no_manifest_and_the_next_install_completes() {
    let fake = FakeApi::with_namespaces(&[NS]);
    // Write 0 is the claim; 1 and 2 apply objects; 3 fails.
    fake.state.lock().unwrap().fail_write = Some(3);
    let err = run(&fake, &spec(), Intent::Install, 1).await.unwrap_err();
    assert!(err.to_string().contains("injected failure"), "{err}");
    assert_eq!(
        fake.requests("PATCH").len(),
        3,
        "stopped at the failing object"
    );
    assert!(
        fake.get("configmaps", NS, "devnet-manifest").is_none(),
        "no manifest: not installed, and the claim released"
    );

    let seeded = run(&fake, &spec(), Intent::Install, 2).await.unwrap();
    assert!(!seeded.reused, "nothing was installed, so nothing to reuse");
    // The first attempt's objects are immutable: each was deleted and made again (the other
    // delete is the failed run giving its claim on the manifest back).
    let replaced: Vec<String> = fake
        .requests("DELETE")
        .into_iter()
        .filter(|r| !r.ends_with("/devnet-manifest"))
        .collect();
    assert_eq!(
        replaced,
        [
            "DELETE /api/v1/namespaces/chain/configmaps/devnet-genesis",
            "DELETE /api/v1/namespaces/chain/secrets/devnet-jwt"
        ]
    );
    let stored: crate::core::Manifest = serde_json::from_str(
        fake.get("configmaps", NS, "devnet-manifest").unwrap()["data"]["manifest.json"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(stored, seeded.manifest);
    // Every Secret now matches the manifest, including those the first attempt wrote.
    for node in &stored.nodes {
        assert_eq!(stored_enode_id(&fake, &node.name), node.identity.enode_id);
    }
    let genesis = fake.get("configmaps", NS, "devnet-genesis").unwrap();
    assert_eq!(
        genesis["data"]["genesis-hash"],
        json!(stored.el.genesis_hash.to_string())
    );
}

#[tokio::test]
async fn a_missing_namespace_is_named() {
    let fake = FakeApi::with_namespaces(&[]);
    let err = run(&fake, &spec(), Intent::Install, 1).await.unwrap_err();
    assert!(
        err.to_string().contains("namespaces \"chain\" not found"),
        "{err}"
    );
    ArtifactStore::new(fake.client(), NS, RELEASE)
        .create_namespace()
        .await
        .unwrap();
    run(&fake, &spec(), Intent::Install, 1).await.unwrap();
}

#[tokio::test]
async fn deleted_keys_are_reported_not_regenerated() {
    let fake = FakeApi::with_namespaces(&[NS]);
    run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    fake.state.lock().unwrap().objects.remove(&(
        "secrets".into(),
        NS.into(),
        "devnet-node-validator-1".into(),
    ));
    let err = run(&fake, &spec(), Intent::Install, 2).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("missing Secret devnet-node-validator-1"),
        "{message}"
    );
    assert!(message.contains("cannot be made again"), "{message}");
}

/// An artifact object as the double stores it.
fn stored_object(fake: &FakeApi, object: &ObjectSummary) -> serde_json::Value {
    let resource = match object.kind {
        ObjectKind::ConfigMap => "configmaps",
        ObjectKind::Secret => "secrets",
    };
    fake.get(resource, NS, &object_name(RELEASE, &object.set))
        .unwrap_or_else(|| panic!("{resource} {}", object.set))
}

/// Replaces an object in the double as someone with direct access would (deleted and made
/// again, which an immutable object allows).
fn replace_stored(
    fake: &FakeApi,
    resource: &str,
    name: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) {
    let mut state = fake.state.lock().unwrap();
    let object = state
        .objects
        .get_mut(&(resource.into(), NS.into(), name.into()))
        .unwrap_or_else(|| panic!("{resource} {name}"));
    edit(object);
}

#[tokio::test]
async fn artifact_objects_are_immutable_and_the_manifest_records_their_digests() {
    let fake = FakeApi::with_namespaces(&[NS]);
    let seeded = run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    for object in &seeded.manifest.objects {
        let stored = stored_object(&fake, object);
        assert_eq!(stored["immutable"], json!(true), "{}", object.set);
        assert!(object.digest.is_some(), "{}", object.set);
    }
    let manifest = fake.get("configmaps", NS, "devnet-manifest").unwrap();
    assert!(
        manifest["immutable"].is_null(),
        "the manifest changes with every upgrade"
    );
}

#[tokio::test]
async fn a_secret_replaced_by_hand_is_refused_on_reuse_and_named() {
    let fake = FakeApi::with_namespaces(&[NS]);
    run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    // validator-0's first keystore copied into validator-1's Secret, in place of its own.
    let node0 = fake.get("secrets", NS, "devnet-node-validator-0").unwrap();
    let (key, keystore) = node0["data"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, _)| k.starts_with("0x") && k.ends_with(".json"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    replace_stored(&fake, "secrets", "devnet-node-validator-1", |secret| {
        let data = secret["data"].as_object_mut().unwrap();
        let own = data
            .keys()
            .find(|k| k.ends_with(".json") && k.starts_with("0x"))
            .cloned()
            .unwrap();
        data.remove(&own);
        data.insert(key, keystore);
    });
    let writes = fake.writes().len();
    let err = run(&fake, &spec(), Intent::Upgrade, 2).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("Secret devnet-node-validator-1 changed since ethnet wrote them"),
        "{message}"
    );
    assert!(message.contains("double signing"), "{message}");
    assert_eq!(fake.writes().len(), writes, "refused before any write");
}

#[tokio::test]
async fn a_manifest_without_digests_gets_them_from_the_objects_once() {
    let fake = FakeApi::with_namespaces(&[NS]);
    let seeded = run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    // As an earlier release left it: no digests recorded, objects mutable.
    let mut old = seeded.manifest.clone();
    for object in &mut old.objects {
        object.digest = None;
        let resource = match object.kind {
            ObjectKind::ConfigMap => "configmaps",
            ObjectKind::Secret => "secrets",
        };
        replace_stored(&fake, resource, &object_name(RELEASE, &object.set), |o| {
            o.as_object_mut().unwrap().remove("immutable");
        });
    }
    replace_stored(&fake, "configmaps", "devnet-manifest", |o| {
        o["data"]["manifest.json"] = json!(serde_json::to_string(&old).unwrap());
    });

    let upgraded = run(&fake, &spec(), Intent::Upgrade, 2).await.unwrap();
    assert_eq!(
        upgraded.manifest, seeded.manifest,
        "the same digests, read back"
    );
    for object in &seeded.manifest.objects {
        let stored = stored_object(&fake, object);
        assert_eq!(stored["immutable"], json!(true), "{}", object.set);
    }
    let writes = fake.writes().len();
    let again = run(&fake, &spec(), Intent::Upgrade, 3).await.unwrap();
    assert!(again.written.is_empty());
    assert_eq!(fake.writes().len(), writes, "recorded once");
}

#[tokio::test]
async fn purge_deletes_the_releases_keys_and_volumes_and_nothing_else() {
    let fake = FakeApi::with_namespaces(&[NS]);
    run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    let claim = |name: &str, instance: &str, component: Option<&str>| {
        let mut labels = json!({"app.kubernetes.io/instance": instance});
        if let Some(component) = component {
            labels["app.kubernetes.io/component"] = json!(component);
        }
        json!({"metadata": {"name": name, "labels": labels}})
    };
    let claims = [
        claim("data-devnet-ethnet-rpc-0", "devnet", Some("rpc")),
        claim(
            "data-devnet-ethnet-validator-1-0",
            "devnet",
            Some("validator"),
        ),
        // Another release's node volume.
        claim("data-other-ethnet-rpc-0", "other", Some("rpc")),
        // A GitOps tool's instance label on a claim the chart did not make.
        claim("postgres-data", "devnet", None),
        claim("data-devnet-cache", "devnet", Some("cache")),
    ];
    for c in claims {
        fake.insert("persistentvolumeclaims", NS, c);
    }
    fake.insert("secrets", NS, json!({"metadata": {"name": "unrelated"}}));
    let before = fake.names("secrets", NS).len() + fake.names("configmaps", NS).len();

    let store = ArtifactStore::new(fake.client(), NS, RELEASE);
    let plan = store.purge_plan().await.unwrap();
    assert_eq!(
        fake.names("secrets", NS).len() + fake.names("configmaps", NS).len(),
        before,
        "planning deletes nothing"
    );
    let purged = store.purge(&plan).await.unwrap();
    assert_eq!(purged, plan, "the purge deletes exactly what it listed");
    assert_eq!(
        purged.config_maps[0], "devnet-manifest",
        "the manifest goes first"
    );
    let mut volumes = purged.volume_claims.clone();
    volumes.sort();
    assert_eq!(
        volumes,
        [
            "data-devnet-ethnet-rpc-0",
            "data-devnet-ethnet-validator-1-0"
        ]
    );
    assert_eq!(purged.secrets.len() + purged.config_maps.len(), before - 1);
    assert_eq!(fake.names("secrets", NS), ["unrelated"]);
    assert!(fake.names("configmaps", NS).is_empty());
    let mut kept = fake.names("persistentvolumeclaims", NS);
    kept.sort();
    assert_eq!(
        kept,
        [
            "data-devnet-cache",
            "data-other-ethnet-rpc-0",
            "postgres-data"
        ]
    );
    assert_eq!(
        store
            .purge(&store.purge_plan().await.unwrap())
            .await
            .unwrap(),
        Default::default(),
        "a second purge finds nothing"
    );
    assert_eq!(
        store.purge(&plan).await.unwrap(),
        Default::default(),
        "deleting what is gone already deletes nothing"
    );
}

#[tokio::test]
async fn pods_are_found_per_node_and_the_proxy_reaches_them() {
    let fake = FakeApi::with_namespaces(&[NS]);
    let seeded = run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    let pod = |name: &str, labels: serde_json::Value, ready: bool| {
        json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
        "status": {"phase": if ready {"Running"} else {"Pending"},
                   "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}, "message": "containers not ready"}]}})
    };
    fake.insert(
        "pods",
        NS,
        pod(
            "devnet-ethnet-validator-0-0",
            json!({"app.kubernetes.io/instance": "devnet", "ethnet.io/node": "validator-0"}),
            true,
        ),
    );
    fake.insert(
        "pods",
        NS,
        pod(
            "devnet-ethnet-rpc-0",
            json!({"app.kubernetes.io/instance": "devnet", "app.kubernetes.io/component": "rpc"}),
            false,
        ),
    );

    let client = fake.client();
    let pods = super::pods::node_pods(&client, NS, RELEASE, seeded.manifest.active_nodes())
        .await
        .unwrap();
    let by_node = |node: &str| pods.iter().find(|p| p.node == node).unwrap().clone();
    assert_eq!(by_node("validator-0").ready, Ok(()));
    assert_eq!(
        by_node("validator-0").pod.as_deref(),
        Some("devnet-ethnet-validator-0-0")
    );
    assert_eq!(
        by_node("rpc-0").ready,
        Err("Pending: Ready false: containers not ready".into())
    );
    assert!(by_node("validator-1")
        .ready
        .unwrap_err()
        .starts_with("no pod"));

    fake.state.lock().unwrap().proxy.insert(
        "devnet-ethnet-validator-0-0:5052/proxy/eth/v1/beacon/genesis".into(),
        json!({"data": {"genesis_validators_root": "0x01"}}),
    );
    // Through the kube client itself: no local listener, the request goes to the API server.
    let transport = crate::health::Transport::ApiServer {
        client,
        timeout: std::time::Duration::from_secs(5),
    };
    let base = super::pods::pod_proxy_path(NS, "devnet-ethnet-validator-0-0", 5052);
    let beacon = crate::health::BeaconClient::new(transport, &base);
    let data = beacon.data("/eth/v1/beacon/genesis").await.unwrap();
    assert_eq!(data["genesis_validators_root"], "0x01");
    let missing = beacon.data("/eth/v1/node/syncing").await.unwrap_err();
    assert!(missing.contains("503"), "{missing}");
    assert!(fake
        .requests("GET")
        .contains(&"GET /api/v1/namespaces/chain/pods/devnet-ethnet-validator-0-0:5052/proxy/eth/v1/beacon/genesis".to_string()));
}

fn directory_objects(
    artifacts: &Artifacts,
) -> (crate::core::Manifest, Vec<super::objects::ArtifactObject>) {
    let manifest = artifacts.manifest();
    let objects =
        super::objects::objects_from_files(&manifest, &artifacts.files(), RELEASE, Some(NS));
    (manifest, objects)
}

#[tokio::test]
async fn seed_apply_restores_the_same_network_and_refuses_another() {
    use crate::lifecycle::apply_artifacts;
    let fake = FakeApi::with_namespaces(&[NS]);
    let store = ArtifactStore::new(fake.client(), NS, RELEASE);
    let saved = artifacts(&spec(), 1).unwrap();
    let (manifest, objects) = directory_objects(&saved);
    let written = apply_artifacts(&store, RELEASE, &manifest, &objects)
        .await
        .unwrap();
    assert_eq!(written.last().unwrap(), "devnet-manifest");
    assert_eq!(written.len(), objects.len() + 1);

    // A lost Secret comes back from the saved directory, unchanged.
    let jwt = secret_text(&fake, "devnet-jwt", "jwt.hex");
    fake.state
        .lock()
        .unwrap()
        .objects
        .remove(&("secrets".into(), NS.into(), "devnet-jwt".into()));
    apply_artifacts(&store, RELEASE, &manifest, &objects)
        .await
        .unwrap();
    assert_eq!(secret_text(&fake, "devnet-jwt", "jwt.hex"), jwt);

    // Another network's artifacts may not replace these keys.
    let writes = fake.writes().len();
    let (other_manifest, other_objects) = directory_objects(&artifacts(&spec(), 2).unwrap());
    let err = apply_artifacts(&store, RELEASE, &other_manifest, &other_objects)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("refusing to replace its keys"),
        "{err}"
    );
    assert_eq!(fake.writes().len(), writes);
    assert_eq!(secret_text(&fake, "devnet-jwt", "jwt.hex"), jwt);
}

/// Every node's key Secret holds the identity the stored manifest lists, and the genesis
/// ConfigMap the manifest's genesis hash: the release holds exactly one network.
fn assert_one_network(fake: &FakeApi) -> crate::core::Manifest {
    let stored: crate::core::Manifest = serde_json::from_str(
        fake.get("configmaps", NS, "devnet-manifest").unwrap()["data"]["manifest.json"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    for node in &stored.nodes {
        assert_eq!(
            stored_enode_id(fake, &node.name),
            node.identity.enode_id,
            "{}",
            node.name
        );
    }
    let genesis = fake.get("configmaps", NS, "devnet-genesis").unwrap();
    assert_eq!(
        genesis["data"]["genesis-hash"],
        json!(stored.el.genesis_hash.to_string())
    );
    stored
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_installs_at_once_leave_one_network_and_the_loser_says_why() {
    let fake = FakeApi::with_namespaces(&[NS]);
    // Both runs read "no manifest" before either generates: the race of two installs started
    // together, made certain.
    let both_read = std::sync::Arc::new(std::sync::Barrier::new(2));
    let install = |seed_value: u64| {
        let (fake, both_read) = (fake.clone(), both_read.clone());
        tokio::spawn(async move {
            let spec = spec();
            let store = ArtifactStore::new(fake.client(), NS, RELEASE);
            let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed_value + 1000);
            let generate = || {
                both_read.wait();
                Ok(artifacts(&spec, seed_value)?)
            };
            seed(&store, RELEASE, &spec, Intent::Install, generate, &mut rng)
                .await
                .map(|seeded| seeded.manifest)
        })
    };
    let (a, b) = (install(1), install(2));
    let results = [a.await.unwrap(), b.await.unwrap()];
    let winners: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let losers: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| e.to_string())
        .collect();
    assert_eq!(winners.len(), 1, "exactly one install wins: {losers:?}");
    assert!(
        losers[0].contains("another ethnet run") && losers[0].contains("wrote nothing"),
        "{}",
        losers[0]
    );
    assert_eq!(assert_one_network(&fake), *winners[0]);
}

#[tokio::test]
async fn a_live_seeding_mark_stops_install_and_a_stale_one_is_taken_over() {
    let fake = FakeApi::with_namespaces(&[NS]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mark = |renewed: u64| {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
            "name": "devnet-manifest",
            "labels": {"app.kubernetes.io/managed-by": "ethnet", "app.kubernetes.io/instance": "devnet"},
            "annotations": {"ethnet.io/seeding-run": "other-run", "ethnet.io/seeding-renewed": renewed.to_string()}}})
    };
    fake.insert("configmaps", NS, mark(now - 5));
    let err = run(&fake, &spec(), Intent::Install, 1).await.unwrap_err();
    assert!(
        matches!(err, SeedError::Store(super::store::StoreError::Busy { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("(other-run)"), "{err}");
    assert!(fake.writes().is_empty(), "nothing written");
    // status says so too, rather than "no network".
    let store = ArtifactStore::new(fake.client(), NS, RELEASE);
    assert!(store
        .manifest()
        .await
        .unwrap_err()
        .to_string()
        .contains("is seeding"));

    // A run that died long ago: its mark is taken over and the install completes.
    fake.insert("configmaps", NS, mark(now - 1000));
    let seeded = run(&fake, &spec(), Intent::Install, 1).await.unwrap();
    assert_eq!(assert_one_network(&fake), seeded.manifest);
}

#[tokio::test]
async fn a_claim_changed_by_another_run_cannot_finish() {
    let fake = FakeApi::with_namespaces(&[NS]);
    let store = ArtifactStore::new(fake.client(), NS, RELEASE);
    let mut claim = store.claim(None).await.unwrap();
    // Someone else replaces the ConfigMap (a takeover): this run's resourceVersion is old now.
    let mut taken = fake.get("configmaps", NS, "devnet-manifest").unwrap();
    taken["metadata"]["annotations"]["ethnet.io/seeding-run"] = json!("thief");
    fake.insert("configmaps", NS, taken);
    let manifest = artifacts(&spec(), 1).unwrap().manifest();
    let err = store.finish(&mut claim, &manifest).await.unwrap_err();
    assert!(err.to_string().contains("took over"), "{err}");
    assert!(fake.get("configmaps", NS, "devnet-manifest").unwrap()["data"].is_null());
    // A second claim while the first is live is refused.
    let record = store.manifest_record().await.unwrap();
    let busy = store.claim(record.as_ref()).await.unwrap_err();
    assert!(busy.to_string().contains("(thief)"), "{busy}");
}
