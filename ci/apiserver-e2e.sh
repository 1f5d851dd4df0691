#!/usr/bin/env bash
# helm ethnet against a real API server: ci/apiserver.sh runs etcd + kube-apiserver on
# 127.0.0.1 with no kubelet, scheduler or controllers. So objects are stored, validated,
# admitted and authorized as on a cluster, but StatefulSets never get pods or volume claims:
# where a check needs a pod or a PVC, the test creates it the way the controller would, and
# pods stay Pending.
#
# Usage: bash ci/apiserver-e2e.sh [ETHNET_BINARY]   (default target/debug/ethnet)
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/tools.sh # HELM_3_16, HELM_4_1 (with kubectl beside it)
ethnet=$(realpath "${1:-target/debug/ethnet}")
kubectl=$(dirname "$HELM_4_1")/kubectl
command -v jq >/dev/null || { echo "apiserver-e2e: jq is needed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ethnet-apiserver-e2e.XXXXXX")
export ETHNET_APISERVER_DIR=$work/apiserver
cleanup() { bash ci/apiserver.sh stop || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$SECONDS
bash ci/apiserver.sh start
eval "$(bash ci/apiserver.sh env)" # KUBECONFIG
echo "apiserver-e2e: API server ready after $((SECONDS - started)) s (build included when cold)"

# shellcheck source=ci/checks.sh
source ci/checks.sh
out=$work/out err=$work/err
keep() { cp "$out" "$work/last.out"; cp "$err" "$work/last.err"; } # before the next check overwrites them
expect() { # <what> <command…>: passes when the command succeeds
  local what=$1; shift
  if "$@" >"$out" 2>"$err"; then pass "$what"; else fail "$what"; tail -n 20 "$err" "$out" | sed 's/^/     | /'; fi
}
expect_fail() { # <what> <stderr+stdout must contain> <command…>: passes when it fails saying so
  local what=$1 needle=$2; shift 2
  if "$@" >"$out" 2>"$err"; then fail "$what (it succeeded)"; return; fi
  if grep -qF -- "$needle" "$out" "$err"; then pass "$what"; else
    fail "$what (no \"$needle\" in its output)"; tail -n 20 "$err" "$out" | sed 's/^/     | /'; fi
}
k() { "$kubectl" "$@"; }

# The plugin exactly as helm starts it: helm's -n/--kube-context arrive as environment.
plugin() { # <helm> <namespace> <ethnet args…>
  local helm=$1 namespace=$2; shift 2
  HELM_BIN=$helm HELM_NAMESPACE=$namespace "$ethnet" "$@"
}
# Fast keystores; pods never become Ready here, so no health wait after helm.
fast=(--chart chart --set accounts.keystoreKdf=light --set validators.keystoreKdf=fast --no-health)
ours() { echo "app.kubernetes.io/managed-by=ethnet,app.kubernetes.io/instance=$1"; }
count() { # <kind> <namespace> <selector>
  k get "$1" -n "$2" -l "$3" -o name | wc -l
}
manifest_of() { # <namespace> <release>
  k get configmap "$2-manifest" -n "$1" -o jsonpath='{.data.manifest\.json}'
}
revision() { # <helm> <namespace> <release>
  "$1" status "$3" -n "$2" -o json | jq -r .version
}

echo "== install seeds the artifacts, then helm installs the chart (Helm 4.1)"
expect "install devnet --create-namespace" plugin "$HELM_4_1" chain install devnet --create-namespace "${fast[@]}"
grep -h "ethnet's own work" "$err" | sed 's/^/     /' || true
manifest=$(manifest_of chain devnet)
secrets=$(jq '[.objects[] | select(.kind == "Secret")] | length' <<<"$manifest")
expect "every Secret the manifest lists exists, labelled ethnet's ($secrets)" \
  test "$(count secrets chain "$(ours devnet)")" -eq "$secrets"
expect "artifacts are applied by field manager ethnet" \
  bash -c "'$kubectl' get secret devnet-jwt -n chain -o jsonpath='{.metadata.managedFields[*].manager}' | grep -qx ethnet"
expect "the helm release is deployed (revision 1)" test "$(revision "$HELM_4_1" chain devnet)" = 1
expect "the chart's StatefulSets passed server-side validation" \
  test "$(count statefulsets chain app.kubernetes.io/instance=devnet)" -ge 3
genesis_hash=$(jq -r .el.genesisHash <<<"$manifest")
expect "pods carry the manifest's genesis hash" bash -c \
  "'$kubectl' get statefulsets -n chain -o json | jq -e --arg h '$genesis_hash' '[.items[].spec.template.metadata.annotations[\"ethnet.io/genesis-hash\"]] | all(. == \$h)'"

echo "== status on a cluster without a scheduler: not ready, per node, with the reason"
# What the StatefulSet controller would create for validator-0 (its claim becomes a volume);
# no scheduler will place it.
sts=$(k get statefulsets -n chain -l ethnet.io/node=validator-0 -o name)
k get "$sts" -n chain -o json | jq '(.metadata.name + "-0") as $pod | {apiVersion: "v1", kind: "Pod",
  metadata: {name: $pod, labels: .spec.template.metadata.labels},
  spec: (.spec.template.spec | .volumes += [{name: "data",
    persistentVolumeClaim: {claimName: ("data-" + $pod)}}])}' | k create -n chain -f - >/dev/null
t0=$SECONDS
expect_fail "status exits 1: validator-0 Pending, not scheduled" \
  "validator-0  pod.ready  expected Ready, seen Pending: not scheduled to any node yet" \
  plugin "$HELM_4_1" chain status devnet
keep
expect "status answered in $((SECONDS - t0)) s (< 30 s, no hang)" test $((SECONDS - t0)) -lt 30
expect "status names nodes without pods" grep -q "rpc-0  pod.ready  expected Ready, seen no pod" "$work/last.out"
expect "status --output json is the same verdict" bash -c \
  "HELM_BIN='$HELM_4_1' HELM_NAMESPACE=chain '$ethnet' status devnet --output json | jq -e '.healthy == false and ([.checks[] | select(.check == \"pod.ready\")] | length) == 4'"

echo "== uninstall keeps keys and volumes; install again reuses them"
# The claim the StatefulSet controller would have made for rpc-0 (the chart's claim template
# labels), and one a GitOps tool labelled with the release that purge must leave alone.
k create -n chain -f - >/dev/null <<'EOF'
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
  "metadata": {"name": "data-devnet-ethnet-rpc-0", "labels": {"app.kubernetes.io/name": "ethnet",
    "app.kubernetes.io/instance": "devnet", "app.kubernetes.io/component": "rpc"}},
  "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}},
 {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
  "metadata": {"name": "postgres-data", "labels": {"app.kubernetes.io/instance": "devnet"}},
  "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}
EOF
jwt_before=$(k get secret devnet-jwt -n chain -o jsonpath='{.data}' | sha256sum)
expect_fail "uninstall --purge without --yes refuses when not on a terminal" "--yes" \
  plugin "$HELM_4_1" chain uninstall devnet --purge </dev/null
expect "uninstall devnet (no purge)" plugin "$HELM_4_1" chain uninstall devnet
expect "the helm release is gone" bash -c "! '$HELM_4_1' status devnet -n chain >/dev/null 2>&1"
expect "every Secret is kept" test "$(count secrets chain "$(ours devnet)")" -eq "$secrets"
expect "the volume claim is kept" k get pvc data-devnet-ethnet-rpc-0 -n chain
expect "install devnet again" plugin "$HELM_4_1" chain install devnet "${fast[@]}"
keep
expect "it reused the artifacts and wrote nothing" grep -q "reused artifacts in namespace chain: 0 object(s) written" "$work/last.err"
expect "the JWT secret is unchanged" test "$(k get secret devnet-jwt -n chain -o jsonpath='{.data}' | sha256sum)" = "$jwt_before"
expect "the genesis hash is unchanged" test "$(manifest_of chain devnet | jq -r .el.genesisHash)" = "$genesis_hash"

echo "== upgrade: what keeps the chain passes, what forks it is refused before anything changes"
expect "upgrade with nodes.rpc.replicas=2" plugin "$HELM_4_1" chain upgrade devnet "${fast[@]}" --set nodes.rpc.replicas=2
expect "rpc-1 got its own identity Secret" k get secret devnet-node-rpc-1 -n chain
expect "helm revision 2 runs 2 RPC replicas" bash -c \
  "test \"\$('$HELM_4_1' status devnet -n chain -o json | jq -r .version)\" = 2 && '$kubectl' get statefulsets -n chain -l app.kubernetes.io/component=rpc -o jsonpath='{.items[0].spec.replicas}' | grep -qx 2"
manifest_version=$(k get configmap devnet-manifest -n chain -o jsonpath='{.metadata.resourceVersion}')
expect_fail "upgrade with network.chainId=4242 is refused, naming the field" "network.chainId: 3151908 -> 4242" \
  plugin "$HELM_4_1" chain upgrade devnet "${fast[@]}" --set nodes.rpc.replicas=2 --set network.chainId=4242
expect_fail "upgrade with 3 validator nodes is refused with the reason" "double signing" \
  plugin "$HELM_4_1" chain upgrade devnet "${fast[@]}" --set nodes.validators.replicas=3
expect_fail "upgrade with fullnameOverride is refused: it would rename running validators" \
  "validator-0: StatefulSet devnet-ethnet-validator-0 would become renamed-validator-0" \
  plugin "$HELM_4_1" chain upgrade devnet "${fast[@]}" --set nodes.rpc.replicas=2 --set fullnameOverride=renamed
expect_fail "upgrade without persistence for validators is refused" \
  "would become an emptyDir (persistence disabled)" \
  plugin "$HELM_4_1" chain upgrade devnet "${fast[@]}" --set nodes.rpc.replicas=2 --set nodes.validators.persistence.enabled=false
expect "nothing changed: helm revision 2, manifest untouched" bash -c \
  "test \"\$('$HELM_4_1' status devnet -n chain -o json | jq -r .version)\" = 2 && test \"\$('$kubectl' get configmap devnet-manifest -n chain -o jsonpath='{.metadata.resourceVersion}')\" = '$manifest_version'"
expect_fail "install over an existing release points at upgrade" "helm ethnet upgrade devnet" \
  plugin "$HELM_4_1" chain install devnet "${fast[@]}"

echo "== artifacts are immutable; a Secret replaced by hand is refused by name"
expect "the artifact Secrets and the genesis ConfigMap are immutable, the manifest is not" bash -c \
  "test \"\$('$kubectl' get secrets,configmaps -n chain -l app.kubernetes.io/managed-by=ethnet,app.kubernetes.io/instance=devnet -o json |
    jq -c '[.items[] | {(.metadata.name): (.immutable // false)}] | add | [to_entries[] | select(.value != (.key != \"devnet-manifest\"))]')\" = '[]'"
expect_fail "the API server refuses a hand edit of the JWT Secret" "immutable" \
  k patch secret devnet-jwt -n chain -p '{"data":{"jwt.hex":"MDA="}}'
# Deleted and made again with validator-0's first keystore in place of validator-1's own: the
# same number of keys, as a copy between nodes would look.
k get secret devnet-node-validator-1 -n chain -o json >"$work/v1.json"
k get secret devnet-node-validator-0 -n chain -o json | jq -r '.data | to_entries | map(select(.key | test("^0x.*json$"))) | first | .key' >"$work/v0key"
jq --slurpfile v0 <(k get secret devnet-node-validator-0 -n chain -o json) --arg key "$(cat "$work/v0key")" '
  del(.metadata.resourceVersion, .metadata.uid, .metadata.creationTimestamp, .metadata.managedFields)
  | (.data | to_entries | map(select(.key | test("^0x.*json$"))) | first | .key) as $own
  | .data |= (del(.[$own]) + {($key): $v0[0].data[$key]})' "$work/v1.json" >"$work/v1-tampered.json"
k delete secret devnet-node-validator-1 -n chain >/dev/null
k create -f "$work/v1-tampered.json" >/dev/null
manifest_version=$(k get configmap devnet-manifest -n chain -o jsonpath='{.metadata.resourceVersion}')
expect_fail "upgrade refuses the replaced Secret, naming it" \
  "Secret devnet-node-validator-1 changed since ethnet wrote them" \
  plugin "$HELM_4_1" chain upgrade devnet "${fast[@]}" --set nodes.rpc.replicas=2
expect "the manifest is untouched" test \
  "$(k get configmap devnet-manifest -n chain -o jsonpath='{.metadata.resourceVersion}')" = "$manifest_version"
expect_fail "status fails its artifacts check" "artifacts.unchanged" plugin "$HELM_4_1" chain status devnet
keep
expect "status says what changed" grep -q "changed: Secret devnet-node-validator-1" "$work/last.out"
k delete secret devnet-node-validator-1 -n chain >/dev/null
jq 'del(.metadata.resourceVersion, .metadata.uid, .metadata.creationTimestamp, .metadata.managedFields)' "$work/v1.json" |
  k create -f - >/dev/null
expect "with the original restored, upgrade passes again" \
  plugin "$HELM_4_1" chain upgrade devnet "${fast[@]}" --set nodes.rpc.replicas=2

echo "== a foreign object with a release's name stops install before any write"
k create namespace other >/dev/null
k create secret generic mine-jwt -n other --from-literal=jwt.hex=not-ethnets >/dev/null
expect_fail "install mine refuses: Secret other/mine-jwt is not ethnet's" "Secret other/mine-jwt already exists" \
  plugin "$HELM_4_1" other install mine "${fast[@]}"
expect "nothing of release mine was written" test "$(count secrets other "$(ours mine)")" -eq 0

echo "== an API error half-way leaves no manifest, and the next install completes"
k create namespace flaky >/dev/null
# An admission policy (evaluated inside the API server) rejects one of the node Secrets.
k apply -f - >/dev/null <<'EOF'
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ethnet-e2e-reject-one-secret}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [secrets]}
  validations:
    - expression: "object.metadata.name != 'flaky-node-rpc-0'"
      message: "injected failure: flaky-node-rpc-0 is rejected"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: ethnet-e2e-reject-one-secret}
spec:
  policyName: ethnet-e2e-reject-one-secret
  validationActions: [Deny]
  matchResources:
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: flaky}}
EOF
for _ in $(seq 1 30); do # the policy takes effect once the server has compiled it
  k create secret generic flaky-node-rpc-0 -n flaky --dry-run=server >/dev/null 2>&1 || break
  sleep 1
done
expect_fail "install flaky fails at the rejected Secret" "injected failure" \
  plugin "$HELM_4_1" flaky install flaky "${fast[@]}"
expect "no manifest was written" bash -c "! '$kubectl' get configmap flaky-manifest -n flaky >/dev/null 2>&1"
expect "no helm release was made" bash -c "! '$HELM_4_1' status flaky -n flaky >/dev/null 2>&1"
expect "some objects were written before the failure" test "$(count secrets flaky "$(ours flaky)")" -gt 0
k delete validatingadmissionpolicybinding ethnet-e2e-reject-one-secret >/dev/null
for _ in $(seq 1 30); do
  k create secret generic flaky-node-rpc-0 -n flaky --dry-run=server >/dev/null 2>&1 && break
  sleep 1
done
expect "install flaky again completes" plugin "$HELM_4_1" flaky install flaky "${fast[@]}"
manifest_of flaky flaky >"$work/flaky-manifest.json"
expect "every object the manifest lists exists" test "$(count secrets flaky "$(ours flaky)")" -eq \
  "$(jq '[.objects[] | select(.kind == "Secret")] | length' "$work/flaky-manifest.json")"
rpc0_peer_id=$(jq -r '.nodes[] | select(.name == "rpc-0") | .peerId' "$work/flaky-manifest.json")
expect "the node Secrets hold the manifest's identities (rpc-0 peer id)" bash -c \
  "'$kubectl' get secret flaky-node-rpc-0 -n flaky -o json | jq -r '.data[\"cl-peer-id.json\"]' | base64 -d | jq -r .id | grep -qx '$rpc0_peer_id'"

echo "== two installs of one release at once: one network's keys, the loser says why"
k create namespace race >/dev/null
race=(--chart chart --set accounts.keystoreKdf=light --set validators.keystoreKdf=fast --no-health
  --genesis-time 1800000000)
plugin "$HELM_4_1" race install race "${race[@]}" --seed one >"$work/race-one.out" 2>"$work/race-one.err" &
one=$!
plugin "$HELM_4_1" race install race "${race[@]}" --seed two >"$work/race-two.out" 2>"$work/race-two.err" &
two=$!
rc_one=0 rc_two=0
wait "$one" || rc_one=$?
wait "$two" || rc_two=$?
winner=none loser=none
if [ "$rc_one" -eq 0 ] && [ "$rc_two" -ne 0 ]; then winner=one loser=two; fi
if [ "$rc_two" -eq 0 ] && [ "$rc_one" -ne 0 ]; then winner=two loser=one; fi
expect "exactly one install succeeded (one: exit $rc_one, two: exit $rc_two)" test "$winner" != none
# Started together, both usually read "no network" and race for the claim; if one finished
# before the other read, the other reused it and lost at helm instead. Either way it says why.
expect "the loser ($loser) failed with a clear message" \
  grep -qE 'another ethnet run|cannot re-use a name' "$work/race-$loser.err"
grep -hE 'another ethnet run|cannot re-use a name' "$work/race-$loser.err" 2>/dev/null | head -n1 | cut -c1-200 | sed 's/^/     /' || true
# The winner's keys regenerated locally (same seed, values and genesis time) must be exactly
# what the namespace holds: every key of every Secret byte for byte, and the genesis hash.
expect "the winner's network regenerates locally" plugin "$HELM_4_1" race generate \
  --out "$work/race-$winner" --chart chart --set accounts.keystoreKdf=light \
  --set validators.keystoreKdf=fast --genesis-time 1800000000 --seed "$winner"
race_diff=$work/race-diff
: >"$race_diff"
for secret in $(k get secrets -n race -l "$(ours race)" -o name); do
  set=${secret#secret/race-}
  k get "$secret" -n race -o json | jq -r '.data | to_entries[] | "\(.key) \(.value)"' |
    while read -r key value; do
      cmp -s <(base64 -d <<<"$value") "$work/race-$winner/secrets/$set/$key" || echo "$set/$key" >>"$race_diff"
    done
done
race_secrets=$(count secrets race "$(ours race)")
race_listed=$(jq '[.objects[] | select(.kind == "Secret")] | length' "$work/race-$winner/manifest.json" 2>/dev/null || echo none)
expect "every one of the $race_secrets Secrets holds the winner's keys, and no other Secret exists" \
  bash -c "test ! -s '$race_diff' && test '$race_secrets' = '$race_listed'"
sed 's/^/     differs: /' "$race_diff" | head -n 5
expect "the stored manifest is the winner's (genesis hash)" test \
  "$(manifest_of race race | jq -r .el.genesisHash)" = "$(cat "$work/race-$winner/genesis/genesis-hash" 2>/dev/null)"

echo "== a live seeding mark stops install before any write; a stale one is taken over"
k create namespace marked >/dev/null
mark() { # <unix seconds>: the manifest ConfigMap as a run that is seeding leaves it
  k apply -n marked -f - >/dev/null <<EOF
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "marked-manifest",
 "labels": {"app.kubernetes.io/managed-by": "ethnet", "app.kubernetes.io/instance": "marked"},
 "annotations": {"ethnet.io/seeding-run": "hand-made", "ethnet.io/seeding-renewed": "$1"}}}
EOF
}
mark "$(date +%s)"
expect_fail "install marked refuses, naming the other run" "another ethnet run (hand-made) is seeding" \
  plugin "$HELM_4_1" marked install marked "${fast[@]}"
expect "nothing of release marked was written" test "$(count secrets marked "$(ours marked)")" -eq 0
mark "$(($(date +%s) - 1000))"
expect "install marked takes over a mark 1000 s old and completes" plugin "$HELM_4_1" marked install marked "${fast[@]}"
expect "the manifest is complete, without a mark" bash -c \
  "'$kubectl' get configmap marked-manifest -n marked -o json | jq -e '(.data[\"manifest.json\"] | length > 0) and (.metadata.annotations[\"ethnet.io/seeding-run\"] == null)'"

echo "== GitOps: generate, seed --apply, then install finds the network complete"
k create namespace gitops >/dev/null
expect "generate into a directory" plugin "$HELM_4_1" gitops generate --out "$work/gitops" \
  --chart chart --set accounts.keystoreKdf=light --set validators.keystoreKdf=fast
expect "seed --apply writes it to the namespace" \
  plugin "$HELM_4_1" gitops seed "$work/gitops" --release gitops --apply
expect "install gitops reuses it" plugin "$HELM_4_1" gitops install gitops "${fast[@]}"
keep
expect "0 objects written, the directory's genesis hash" bash -c \
  "grep -q 'reused artifacts in namespace gitops: 0 object(s) written' '$work/last.err' && test \"\$('$kubectl' get configmap gitops-manifest -n gitops -o jsonpath='{.data.manifest\.json}' | jq -r .el.genesisHash)\" = \"\$(cat '$work/gitops/genesis/genesis-hash')\""

echo "== a restricted user with only docs/rbac.yaml's Role (Helm 3.16)"
k create namespace team >/dev/null
k apply -n team -f docs/rbac.yaml >/dev/null
k create rolebinding ethnet-deployer -n team --role ethnet-deployer --user ethnet-restricted >/dev/null
as_restricted() { HELM_KUBECONTEXT=restricted "$@"; }
expect "restricted: install" as_restricted plugin "$HELM_3_16" team install team "${fast[@]}"
expect_fail "restricted: status works (not ready, no permission error)" "pod.ready" \
  as_restricted plugin "$HELM_3_16" team status team
expect "restricted: status said nothing is forbidden" bash -c "! grep -qi forbidden '$out' '$err'"
expect "restricted: accounts lists the funded addresses" bash -c \
  "HELM_KUBECONTEXT=restricted HELM_BIN='$HELM_3_16' HELM_NAMESPACE=team '$ethnet' accounts team --output json | jq -e 'length == 10'"
expect "restricted: upgrade" as_restricted plugin "$HELM_3_16" team upgrade team "${fast[@]}" --set nodes.rpc.replicas=2
expect "restricted: uninstall --purge --yes" as_restricted plugin "$HELM_3_16" team uninstall team --purge --yes
expect "restricted: nothing of team is left" test "$(count secrets team "$(ours team)")$(count configmaps team "$(ours team)")" = 00
expect "restricted: cannot read another namespace's keys" bash -c \
  "test \"\$('$kubectl' --context restricted auth can-i get secrets -n chain)\" = no"
expect_fail "restricted: --create-namespace is beyond the Role and says so" "forbidden" \
  as_restricted plugin "$HELM_3_16" team2 install team2 --create-namespace "${fast[@]}"

echo "== uninstall --purge --yes removes keys, genesis and volumes"
# The pvc-protection finalizer holds a deleted claim until a controller releases it, and none
# runs here: the claim stays, as it does on a cluster while its pod is still stopping, and purge
# says so when its wait ends.
expect_fail "uninstall devnet --purge --yes --wait 3 names the claim that is still there" \
  "1 volume claim(s) still exist after 3 s: data-devnet-ethnet-rpc-0" \
  plugin "$HELM_4_1" chain uninstall devnet --purge --yes --wait 3
expect "no Secret or ConfigMap of devnet is left" \
  test "$(count secrets chain "$(ours devnet)")$(count configmaps chain "$(ours devnet)")" = 00
expect "the volume claim is deleted" bash -c \
  "! '$kubectl' get pvc data-devnet-ethnet-rpc-0 -n chain >/dev/null 2>&1 || test -n \"\$('$kubectl' get pvc data-devnet-ethnet-rpc-0 -n chain -o jsonpath='{.metadata.deletionTimestamp}')\""
expect "a claim with the release's instance label alone is left alone" bash -c \
  "ts=\$('$kubectl' get pvc postgres-data -n chain -o jsonpath='{.metadata.deletionTimestamp}') && test -z \"\$ts\""

echo "== server-side dry run of every chart/ci scenario"
k create namespace dry >/dev/null
# No Prometheus operator here: a permissive stand-in CRD lets ServiceMonitors be admitted.
k apply -f - >/dev/null <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: servicemonitors.monitoring.coreos.com}
spec:
  group: monitoring.coreos.com
  scope: Namespaced
  names: {plural: servicemonitors, singular: servicemonitor, kind: ServiceMonitor}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
EOF
k wait --for condition=established crd/servicemonitors.monitoring.coreos.com --timeout=60s >/dev/null
for values in chart/ci/*-values.yaml; do
  scenario=$(basename "$values" -values.yaml)
  expect "kubectl apply --dry-run=server: $scenario" bash -c \
    "'$HELM_4_1' template dry chart -n dry -f '$values' | '$kubectl' apply --dry-run=server -n dry -f -"
done

echo "apiserver-e2e: total ${SECONDS}s"
summary apiserver-e2e
