#!/usr/bin/env bash
# ethnet end-to-end on a real cluster: the recipe, not a check that runs here.
#
# THIS SCRIPT CANNOT RUN ON THE ETHNET BUILD MACHINES (no Docker, no cluster, no registry access
# beyond package registries) AND HAS NEVER BEEN RUN THERE. It is the documented way to run the full
# install where a cluster can exist: a laptop with Docker, or a CI runner. The offline subset
# (lint, template, schema, kubernetes-validate, rendered-object assertions) is ci/chart-test.sh.
#
# Needs: docker, kind, kubectl, ct (chart-testing), python3 + PyYAML, and the ethnet binary built
# (cargo build --release -p ethnet) so `helm plugin install .` finds it. Run from the repo root:
#   bash ci/kind-e2e.sh
#
# Two passes:
#   1. The plugin path: helm plugin install . ; helm ethnet install ; helm ethnet status ;
#      helm test ; helm ethnet uninstall --purge.
#   2. chart-testing: for each chart/ci/*-values.yaml scenario, generate real artifacts with
#      `ethnet generate`, seed them under a fixed prefix (artifactsPrefix), and `ct install` a copy
#      of the chart whose ci/ holds only that scenario with the real ethnet: identities.
# Assumptions to check against the plugin when its commands land (marked ASSUMED below):
# `helm ethnet install|status|uninstall` flags (those commands are not written yet). Seeding for
# pass 2 uses `ethnet seed DIR --release PREFIX | kubectl apply -f -`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/tools.sh
source ci/tools.sh

CLUSTER=${CLUSTER:-ethnet-e2e}
NS=${NS:-ethnet-ct}                     # must match ci/ct.yaml "namespace"
SCENARIOS=${SCENARIOS:-"minimal default"} # the fast ones first; large needs a big cluster
KEEP=${KEEP:-false}                     # true: leave the cluster for debugging
WORK=$(mktemp -d)

for tool in docker kind kubectl ct python3; do
  command -v "$tool" >/dev/null || { echo "kind-e2e: $tool is required" >&2; exit 2; }
done

cleanup() {
  rm -rf "$WORK"
  [ "$KEEP" = true ] || kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Values of a scenario without its fake ethnet: section (the plugin writes the real one).
strip_ethnet() { # <in> <out>
  python3 -c 'import sys, yaml
v = yaml.safe_load(open(sys.argv[1])) or {}
v.pop("ethnet", None)
yaml.safe_dump(v, open(sys.argv[2], "w"), sort_keys=False)' "$1" "$2"
}

echo "== kind cluster $CLUSTER"
kind create cluster --name "$CLUSTER" --wait 180s
kubectl create namespace "$NS"

echo "== pass 1: the plugin (helm plugin install . ; helm ethnet install)"
"$HELM_BIN" plugin install .
strip_ethnet chart/ci/minimal-values.yaml "$WORK/minimal.yaml"
# ASSUMED: install generates, seeds, then installs the chart and waits for the pods.
"$HELM_BIN" ethnet install devnet -n "$NS" -f "$WORK/minimal.yaml"
# ASSUMED: status exits 0 once healthy; poll it for up to 10 minutes (genesisDelay + finality).
deadline=$(($(date +%s) + 600))
until "$HELM_BIN" ethnet status devnet -n "$NS"; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "kind-e2e: devnet never became healthy" >&2; exit 1; }
  sleep 20
done
"$HELM_BIN" test devnet -n "$NS" --timeout 15m
"$HELM_BIN" ethnet uninstall devnet -n "$NS" --purge

echo "== pass 2: ct install per scenario, on artifacts generated and seeded up front"
for s in $SCENARIOS; do
  prefix="ct-$s"
  art="$WORK/artifacts-$s"
  strip_ethnet "chart/ci/$s-values.yaml" "$WORK/$s.yaml"
  ./target/release/ethnet generate --out "$art" --chart chart -f "$WORK/$s.yaml"
  # Seed: one object per artifact set, named <prefix>-<set> (docs/artifacts.md).
  HELM_NAMESPACE="$NS" ./target/release/ethnet seed "$art" --release "$prefix" | kubectl apply -f -
  kubectl -n "$NS" label configmaps,secrets -l app.kubernetes.io/instance="$prefix" \
    ethnet.io/e2e="$prefix" --overwrite
  # A copy of the chart whose ci/ holds just this scenario, with the real identities.
  chart="$WORK/chart-$s"
  cp -r chart "$chart"
  rm -f "$chart"/ci/*-values.yaml
  python3 -c 'import sys, yaml
v = yaml.safe_load(open(sys.argv[1])) or {}
v.update(yaml.safe_load(open(sys.argv[2])))
v["artifactsPrefix"] = sys.argv[4]
yaml.safe_dump(v, open(sys.argv[3], "w"), sort_keys=False)' \
    "$WORK/$s.yaml" "$art/ethnet-values.yaml" "$chart/ci/$s-values.yaml" "$prefix"
  ct install --config ci/ct.yaml --charts "$chart"
  kubectl -n "$NS" delete configmap,secret -l ethnet.io/e2e="$prefix"
done
echo "kind-e2e: all passes done"
