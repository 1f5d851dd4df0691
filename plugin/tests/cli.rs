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
    let result = ethnet(
        &helm,
        &[
            "generate",
            "--out",
            out.to_str().unwrap(),
            "--set",
            "network.chainId=1",
            "--set-string",
            "accounts.balance=lots",
        ],
    );
    assert_eq!(result.status.code(), Some(1));
    let message = stderr(&result);
    // Either the chart's schema (through helm) or ethnet's validation names the field.
    assert!(message.contains("chainId"), "{message}");
    assert!(!out.exists(), "nothing written on bad input");
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
