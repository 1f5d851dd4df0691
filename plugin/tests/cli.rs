//! The `ethnet` binary end to end: values through helm, exit codes, refusals, inspect.
//! Needs a helm binary: $HELM_BIN, or the one ci/tools.sh caches.

use std::{
    path::PathBuf,
    process::{Command, Output, Stdio},
};

fn helm() -> Option<PathBuf> {
    let cached = std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".cache/ethnet/helm-4.1/helm"));
    let found = std::env::var_os("HELM_BIN")
        .map(PathBuf::from)
        .or(cached)
        .filter(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "no helm binary; run through ci/test.sh"
        );
        eprintln!("skipped: no helm binary (source ci/tools.sh)");
    }
    found
}

fn ethnet(helm: &PathBuf, args: &[&str]) -> Output {
    // The repository root stands in for the installed plugin directory, which holds chart/.
    Command::new(env!("CARGO_BIN_EXE_ethnet"))
        .args(args)
        .env("HELM_BIN", helm)
        .env(
            "HELM_PLUGIN_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/.."),
        )
        .env_remove("HELM_NAMESPACE")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Generates a network with fast keystores into `out`, plus `extra` flags; panics on failure.
fn generate_fast(helm: &PathBuf, out: &std::path::Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--set",
        "accounts.keystoreKdf=light",
        "--set",
        "validators.keystoreKdf=fast",
    ];
    args.extend_from_slice(extra);
    let generated = ethnet(helm, &args);
    assert!(generated.status.success(), "{}", stderr(&generated));
    generated
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn generate_then_inspect() {
    let Some(helm) = helm() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("net");
    let out_str = out.to_str().unwrap();
    let generated = generate_fast(
        &helm,
        &out,
        &[
            "--set",
            "accounts.count=2",
            "--set",
            "nodes.rpc.replicas=2",
            "--genesis-time",
            "1800000000",
            "--output",
            "json",
        ],
    );
    let summary: serde_json::Value = serde_json::from_slice(&generated.stdout).unwrap();
    assert_eq!(summary["nodes"], 5, "--set reached the spec through helm");

    let inspected = ethnet(&helm, &["inspect", out_str, "--output", "json"]);
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    let view: serde_json::Value = serde_json::from_slice(&inspected.stdout).unwrap();
    assert_eq!(view["el"]["chainId"], 3151908);
    assert_eq!(view["el"]["genesisHash"], summary["el"]["genesisHash"]);
    assert_eq!(view["el"]["genesisHashVerified"], true);
    assert_eq!(view["fundedAddresses"].as_array().unwrap().len(), 2);
    assert!(view["enodes"][0].as_str().unwrap().starts_with("enode://"));
    let text = String::from_utf8_lossy(&inspected.stdout);
    let mnemonic = std::fs::read_to_string(out.join("secrets/accounts/mnemonic")).unwrap();
    assert!(!text.contains(
        mnemonic
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
            .as_str()
    ));

    // The chart renders with the generated identities, and the peer lists carry them.
    let rendered = Command::new(&helm)
        .args([
            "template",
            "devnet",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../chart"),
            "-f",
        ])
        .arg(out.join("ethnet-values.yaml"))
        .args(["--set", "nodes.rpc.replicas=2", "--set", "accounts.count=2"])
        .output()
        .unwrap();
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    let enode_id = view["nodes"][0]["enodeId"].as_str().unwrap();
    assert!(String::from_utf8_lossy(&rendered.stdout).contains(enode_id));

    // Private keys only on request, and each one is the key of its address.
    assert!(view.get("privateKeys").is_none());
    let shown = ethnet(
        &helm,
        &[
            "inspect",
            out_str,
            "--output",
            "json",
            "--show-private-keys",
        ],
    );
    assert!(shown.status.success(), "{}", stderr(&shown));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    for entry in shown["privateKeys"].as_array().unwrap() {
        let secret: [u8; 32] = hex::decode(&entry["privateKey"].as_str().unwrap()[2..])
            .unwrap()
            .try_into()
            .unwrap();
        let address = ethnet::core::keystore::secret_to_address(&secret).unwrap();
        assert_eq!(address.to_string(), entry["address"].as_str().unwrap());
    }

    // The health verdict names an unreachable node and exits 1.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("validator-0=http://127.0.0.1:{port},http://127.0.0.1:{port}");
    let health = ethnet(&helm, &["health", out_str, "--endpoint", &endpoint]);
    assert_eq!(health.status.code(), Some(1));
    let report = String::from_utf8_lossy(&health.stdout);
    assert!(
        report.contains("FAIL  validator-0  el.reachable"),
        "{report}"
    );
    assert!(report.contains("UNHEALTHY: 0 passed, 2 failed"), "{report}");
    let unknown = ethnet(
        &helm,
        &["health", out_str, "--endpoint", "archive-0=http://x"],
    );
    assert!(
        stderr(&unknown).contains("no node of that name"),
        "{}",
        stderr(&unknown)
    );

    // A second generate into the same directory is refused and changes nothing.
    let again = ethnet(&helm, &["generate", "--out", out_str]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    assert_eq!(
        std::fs::read_to_string(out.join("secrets/accounts/mnemonic")).unwrap(),
        mnemonic
    );

    // A hand-edited genesis is caught by inspect.
    let genesis_path = out.join("genesis/genesis.json");
    let edited = std::fs::read_to_string(&genesis_path)
        .unwrap()
        .replace("\"gasLimit\": \"0x3938700\"", "\"gasLimit\": \"0x3938701\"");
    std::fs::write(&genesis_path, edited).unwrap();
    let tampered = ethnet(&helm, &["inspect", out_str]);
    assert_eq!(tampered.status.code(), Some(1));
    assert!(
        stderr(&tampered).contains("changed after generation"),
        "{}",
        stderr(&tampered)
    );
}

#[test]
fn bad_values_fail_with_the_field_and_write_nothing() {
    let Some(helm) = helm() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("net");
    // One value out of its pattern: the chart's schema refuses it, through helm; a rule across
    // values (a public chain id without allowPublicChainId): ethnet's validation.
    for (flags, field) in [
        (
            ["--set-string", "accounts.balance=lots"],
            "accounts/balance",
        ),
        (
            ["--set", "network.chainId=1"],
            "network.chainId: 1 is the chain id of mainnet",
        ),
    ] {
        let mut args = vec!["generate", "--out", out.to_str().unwrap()];
        args.extend(flags);
        let result = ethnet(&helm, &args);
        assert_eq!(result.status.code(), Some(1));
        let message = stderr(&result);
        assert!(message.contains(field), "{message}");
        assert!(!out.exists(), "nothing written on bad input");
    }
}

#[test]
fn usage_errors_exit_2() {
    let Some(helm) = helm() else { return };
    let result = ethnet(&helm, &["generate", "--no-such-flag"]);
    assert_eq!(result.status.code(), Some(2));
    let result = ethnet(&helm, &["--version"]);
    assert!(result.status.success());
    assert!(String::from_utf8_lossy(&result.stdout).starts_with("ethnet "));
}

#[test]
fn missing_chart_is_explained() {
    let Some(helm) = helm() else { return };
    let result = Command::new(env!("CARGO_BIN_EXE_ethnet"))
        .args(["generate", "--out", "x"])
        .env("HELM_BIN", &helm)
        .env_remove("HELM_PLUGIN_DIR")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    assert!(
        stderr(&result).contains("--chart PATH"),
        "{}",
        stderr(&result)
    );
}

#[test]
fn a_closed_stdout_is_not_a_failure() {
    let Some(helm) = helm() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("net");
    let out_str = out.to_str().unwrap();
    generate_fast(&helm, &out, &[]);
    // `ethnet seed … | head -c 1`: the reader goes away after one byte.
    let mut child = Command::new(env!("CARGO_BIN_EXE_ethnet"))
        .args(["seed", out_str, "--release", "devnet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status:?}");
}

/// A manifest edited by hand, reread through `seed` and `inspect`.
fn edit_manifest(dir: &std::path::Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut manifest);
    std::fs::write(&path, serde_json::to_string(&manifest).unwrap()).unwrap();
}

#[test]
fn seed_reads_only_files_inside_the_directory() {
    let Some(helm) = helm() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("net");
    generate_fast(&helm, &out, &["--set", "accounts.count=1"]);
    std::fs::write(tmp.path().join("outside"), "not for the cluster").unwrap();
    let seed =
        |out: &std::path::Path| ethnet(&helm, &["seed", out.to_str().unwrap(), "--release", "x"]);
    assert!(seed(&out).status.success());

    // A set name that climbs out of the directory.
    let hostile = tmp.path().join("hostile");
    std::fs::rename(&out, &hostile).unwrap();
    edit_manifest(&hostile, |m| {
        m["objects"][0]["set"] = "../..".into();
        m["objects"][0]["keys"] = serde_json::json!([tmp.path().join("outside")]);
    });
    let refused = seed(&hostile);
    assert!(!refused.status.success(), "a path outside DIR was read");
    assert!(
        stderr(&refused).contains("DNS label"),
        "{}",
        stderr(&refused)
    );
    assert!(!String::from_utf8_lossy(&refused.stdout).contains("bm90IGZvciB0aGUgY2x1c3Rlcg"));

    // A listed file that is a symlink out of the directory.
    let linked = tmp.path().join("linked");
    generate_fast(&helm, &linked, &["--set", "accounts.count=1"]);
    let target = linked.join("genesis/genesis-hash");
    std::fs::remove_file(&target).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("outside"), &target).unwrap();
    let refused = seed(&linked);
    assert!(
        !refused.status.success(),
        "a symlink out of DIR was followed"
    );
    assert!(stderr(&refused).contains("outside"), "{}", stderr(&refused));
}

#[test]
fn hostile_numbers_and_waits_do_not_panic() {
    let Some(helm) = helm() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("net");
    generate_fast(&helm, &out, &["--set", "accounts.count=1"]);

    // --wait of 2^64-1 must wait (unhealthy, nothing listens), not overflow the clock.
    let mut waiting = Command::new(env!("CARGO_BIN_EXE_ethnet"))
        .args([
            "health",
            out.to_str().unwrap(),
            "--endpoint",
            "rpc-0=http://127.0.0.1:9,",
            "--wait",
            "18446744073709551615",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3));
    let exited = waiting.try_wait().unwrap();
    if exited.is_none() {
        waiting.kill().unwrap();
    }
    let output = waiting.wait_with_output().unwrap();
    assert!(
        exited.is_none() && !stderr(&output).contains("panicked"),
        "exited {exited:?}: {}",
        stderr(&output)
    );

    // A validator range past u32::MAX in an edited manifest is an error, not a panic.
    edit_manifest(&out, |m| {
        let node = m["nodes"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|n| n["validators"].is_object())
            .unwrap();
        node["validators"] = serde_json::json!({"start": 4294967295u32, "count": 2});
    });
    let inspected = ethnet(&helm, &["inspect", out.to_str().unwrap()]);
    assert_eq!(inspected.status.code(), Some(1), "{}", stderr(&inspected));
    assert!(
        stderr(&inspected).contains("past the largest index"),
        "{}",
        stderr(&inspected)
    );
}

#[test]
fn messages_do_not_echo_secrets_or_accept_non_genesis_files() {
    let Some(helm) = helm() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("net");
    // The phrase itself where a file is expected: refused without showing it.
    let phrase = "test test test test test test test test test test test junk";
    let failed = ethnet(
        &helm,
        &[
            "generate",
            "--out",
            out.to_str().unwrap(),
            "--mnemonic-file",
            phrase,
        ],
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(!stderr(&failed).contains("junk"), "{}", stderr(&failed));
    assert!(
        stderr(&failed).contains("not the mnemonic itself"),
        "{}",
        stderr(&failed)
    );

    // genesis hash: a manifest or an empty object is no genesis.
    generate_fast(&helm, &out, &["--set", "accounts.count=1"]);
    let manifest = out.join("manifest.json");
    let hashed = ethnet(&helm, &["genesis", "hash", manifest.to_str().unwrap()]);
    assert_eq!(hashed.status.code(), Some(1), "a manifest was hashed");
    assert!(
        stderr(&hashed).contains("not a genesis file"),
        "{}",
        stderr(&hashed)
    );
    let genesis = out.join("genesis/genesis.json");
    assert!(
        ethnet(&helm, &["genesis", "hash", genesis.to_str().unwrap()])
            .status
            .success()
    );

    // A values file with a key twice: named, not silently resolved by helm.
    let values = tmp.path().join("dup.yaml");
    std::fs::write(&values, "accounts:\n  count: 1\n  count: 2\n").unwrap();
    let dup = ethnet(
        &helm,
        &[
            "generate",
            "--out",
            tmp.path().join("d").to_str().unwrap(),
            "-f",
            values.to_str().unwrap(),
        ],
    );
    assert_eq!(dup.status.code(), Some(1));
    assert!(
        stderr(&dup).contains("dup.yaml") && stderr(&dup).contains("count"),
        "{}",
        stderr(&dup)
    );
}

#[test]
fn install_refuses_another_artifacts_prefix_before_touching_a_cluster() {
    let Some(helm) = helm() else { return };
    let refused = ethnet(
        &helm,
        &["install", "b", "--set", "artifactsPrefix=a", "--no-health"],
    );
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr(&refused);
    assert!(
        message.contains("artifactsPrefix is \"a\"") && message.contains("b-*"),
        "{message}"
    );
}
