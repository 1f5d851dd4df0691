#!/usr/bin/env python3
"""Assertions on the objects `helm template` renders from the ethnet chart.

Usage: ci/chart_asserts.py RENDERED.yaml --release NAME --namespace NS [--values FILE]
       ci/chart_asserts.py ... --mutate KIND   (self-test: exit 0 only if the checks catch KIND)

Prints one line per check, `PASS <scenario> <check>` or `FAIL <scenario> <check>: <detail>`, and
exits 1 when any check fails. ci/chart-test.sh counts the lines. The node topology is read back
from the rendered spec ConfigMap (data["spec.json"]), the public identities from the ethnet:
section of the values file, so the checks follow whatever the scenario asks for.
"""
import argparse
import json
import re
import sys

import yaml

PREFIX = {"bootnodes": "bootnode", "validators": "validator", "rpc": "rpc"}
ENGINE_PORT = 8551
METRICS_PORTS = {6060, 5054, 5064}
USER_PORT_NAMES = {"http-rpc", "ws-rpc", "http-beacon", "http"}
RPC_NAMESPACES = {"eth", "net", "web3", "txpool"}
SELECTOR_KEYS = {"app.kubernetes.io/name", "app.kubernetes.io/instance",
                 "app.kubernetes.io/component", "ethnet.io/node"}
STANDARD_LABELS = {"app.kubernetes.io/name", "app.kubernetes.io/instance",
                   "app.kubernetes.io/managed-by", "helm.sh/chart"}
KNOWN_WEAK_SECRETS = ("changeme", "strongpassword", "WS_SECRET=", "password123")


def _sub1(pattern, repl):
    return lambda text: re.sub(pattern, repl, text, count=1, flags=re.M)


# Self-test mutations: each breaks one property the checks guard.
MUTATIONS = {
    "engine-on-service": _sub1(r"^(    - \{name: http-rpc, port: \d+, targetPort: http-rpc, protocol: TCP\})$",
                               r"\1\n    - {name: engine, port: 8551, targetPort: 8551, protocol: TCP}"),
    "admin-namespace": _sub1(r"--http\.api=eth,net,web3,txpool$", "--http.api=eth,net,web3,txpool,admin"),
    "foreign-validator-keys": _sub1(r"(secretName: \S+-node-validator-)1$", r"\g<1>0"),
    "literal-secret": _sub1(r"^(\s+)- \{name: ETHNET_GROUP,", r"\1- {name: JWT_SECRET, value: " + "ab" * 32 + r"}\n\1- {name: ETHNET_GROUP,"),
    "bootnode-dns": _sub1(r"(EL_BOOTNODES, value: \"enode://[0-9a-f]{128}@)([^.]+?)-0\.", r"\1\2-9."),
    "token-automount": _sub1(r"^(\s+)automountServiceAccountToken: false$", r"\1automountServiceAccountToken: true"),
    "vc-keys-shared": _sub1(r"^(\s+)- \{name: jwt, mountPath: /ethnet/jwt, readOnly: true\}$",
                            r"\1- {name: jwt, mountPath: /ethnet/jwt, readOnly: true}\n\1- {name: data, mountPath: /data/vc, subPath: vc}"),
    "data-root-mount": _sub1(r"^(\s+)- \{name: data, mountPath: /data/geth, subPath: geth\}$", r"\1- {name: data, mountPath: /data}"),
    "peer-id-swap": _sub1(r"((?:--libp2p-addresses=|--peer=)/dns4/[^,\s]+/p2p/)16Uiu2HAm", r"\g<1>16Uiu2HAmX"),
}


class Checker:
    def __init__(self, scenario):
        self.scenario = scenario
        self.failed = 0
        self.passed = 0

    def check(self, name, problems):
        """Record one check; problems is a list of strings (empty means pass)."""
        if problems:
            self.failed += 1
            shown = "; ".join(problems[:5]) + (f"; (+{len(problems) - 5} more)" if len(problems) > 5 else "")
            print(f"FAIL {self.scenario} {name}: {shown}")
        else:
            self.passed += 1
            print(f"PASS {self.scenario} {name}")


def pod_spec(obj):
    if obj["kind"] in ("StatefulSet", "Deployment"):
        return obj["spec"]["template"]["spec"]
    if obj["kind"] == "Pod":
        return obj["spec"]
    return None


def containers(spec):
    return list(spec.get("initContainers", [])) + list(spec.get("containers", []))


def arg_values(container, flag):
    """Values of --flag=value among a container's args (and a sh -c script's words)."""
    out = []
    for a in container.get("args", []) or []:
        for word in str(a).split():
            word = word.strip('"')
            if word.startswith(flag + "="):
                out.append(word.split("=", 1)[1])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rendered")
    ap.add_argument("--release", required=True)
    ap.add_argument("--namespace", required=True)
    ap.add_argument("--values", help="scenario values file, for its ethnet: identities")
    ap.add_argument("--scenario", default=None)
    ap.add_argument("--cluster-domain", default="cluster.local")
    ap.add_argument("--mutate", choices=sorted(MUTATIONS),
                    help="self-test: break the rendered output this way first (the checks must then fail)")
    args = ap.parse_args()

    text = open(args.rendered).read()
    if args.mutate:
        broken = MUTATIONS[args.mutate](text)
        if broken == text:
            print(f"mutation {args.mutate} did not apply")
            return 2
        text = broken
    objs = [o for o in yaml.safe_load_all(text) if o]
    c = Checker(args.scenario or args.rendered)
    ethnet = {}
    if args.values:
        ethnet = (yaml.safe_load(open(args.values)) or {}).get("ethnet") or {}
    ids = ethnet.get("nodes") or {}

    by_kind = {}
    for o in objs:
        by_kind.setdefault(o["kind"], []).append(o)
    spec_cm = [o for o in by_kind.get("ConfigMap", []) if "spec.json" in o.get("data", {})]
    spec = json.loads(spec_cm[0]["data"]["spec.json"]) if spec_cm else {}
    c.check("spec-configmap-renders", [] if spec else ["no ConfigMap with data.spec.json"])
    replicas = {g: spec["nodes"][g]["replicas"] for g in PREFIX} if spec else {}

    services = by_kind.get("Service", [])
    stss = by_kind.get("StatefulSet", [])
    workloads = [o for o in objs if pod_spec(o) is not None]

    # 1. No Service exposes the engine API; metrics only on metrics Services; no admin/debug.
    problems = []
    for s in services:
        name = s["metadata"]["name"]
        exposure = s["metadata"].get("labels", {}).get("ethnet.io/exposure", "")
        for p in s["spec"].get("ports", []):
            pname = str(p.get("name", ""))
            nums = {p.get("port"), p.get("targetPort")}
            if ENGINE_PORT in nums or "engine" in pname or "auth" in pname:
                problems.append(f"Service {name} exposes the engine API ({pname})")
            if re.search(r"admin|debug", pname):
                problems.append(f"Service {name} port {pname} looks like admin/debug")
            if (nums & METRICS_PORTS or "metrics" in pname) and exposure != "metrics":
                problems.append(f"Service {name} ({exposure or 'unlabelled'}) exposes metrics port {pname}")
            if exposure == "user" and pname not in USER_PORT_NAMES:
                problems.append(f"user Service {name} exposes unexpected port {pname}")
        if exposure not in ("user", "internal", "metrics"):
            problems.append(f"Service {name} has no ethnet.io/exposure label")
    for ing in by_kind.get("Ingress", []):
        for rule in ing["spec"].get("rules", []):
            for path in rule["http"]["paths"]:
                port = path["backend"]["service"]["port"]
                if port.get("name") not in ("http-rpc", "ws-rpc", "http-beacon"):
                    problems.append(f"Ingress {ing['metadata']['name']} routes to port {port}")
                if port.get("name") == "http-beacon" and path["path"] != "/eth/":
                    problems.append(f"Ingress {ing['metadata']['name']} routes beacon path {path['path']}, not /eth/")
    c.check("no-engine-admin-debug-metrics-on-user-services", problems)

    # 2. JSON-RPC namespaces and engine binding of every execution client.
    problems = []
    for w in workloads:
        for ct in containers(pod_spec(w)):
            for flag in ("--http.api", "--ws.api"):
                for v in arg_values(ct, flag):
                    extra = set(v.split(",")) - RPC_NAMESPACES
                    if extra:
                        problems.append(f"{w['metadata']['name']}/{ct['name']} {flag} has {sorted(extra)}")
            for flag in ("--authrpc.addr", "--rpcEngineAddr"):
                for v in arg_values(ct, flag):
                    if v != "127.0.0.1":
                        problems.append(f"{w['metadata']['name']}/{ct['name']} {flag}={v}")
            for v in arg_values(ct, "--rest.namespace"):
                if v in ("*", "all", "debug", "lodestar"):
                    problems.append(f"{w['metadata']['name']}/{ct['name']} --rest.namespace={v}")
            for v in arg_values(ct, "--execution-endpoint") + arg_values(ct, "--execution.urls"):
                if not v.startswith("http://127.0.0.1:"):
                    problems.append(f"{w['metadata']['name']}/{ct['name']} engine endpoint {v}")
    c.check("rpc-namespaces-and-engine-bound-to-pod", problems)

    # 3. Each validator pod mounts only its own key Secret; group pods mount no validator keys.
    problems = []
    seen_validator_nodes = []
    for w in workloads:
        ps = pod_spec(w)
        labels = w["spec"]["template"]["metadata"]["labels"] if w["kind"] != "Pod" else w["metadata"]["labels"]
        comp = labels.get("app.kubernetes.io/component")
        node = labels.get("ethnet.io/node")
        secrets, items = [], []
        for vol in ps.get("volumes", []):
            if "secret" in vol:
                secrets.append(vol["secret"]["secretName"])
            for src in vol.get("projected", {}).get("sources", []):
                if "secret" in src:
                    secrets.append(src["secret"]["name"])
                    items += [i["key"] for i in src["secret"].get("items") or [{"key": "<all>"}]]
        node_secrets = [s for s in secrets if re.search(r"-node-(bootnode|validator|rpc)-\d+$", s)]
        val_secrets = [s for s in node_secrets if re.search(r"-node-validator-\d+$", s)]
        if comp == "validator":
            seen_validator_nodes.append(node)
            want = f"-node-{node}"
            if w["kind"] != "StatefulSet" or w["spec"]["replicas"] != 1:
                problems.append(f"validator workload {w['metadata']['name']} is not a 1-replica StatefulSet")
            if len(node_secrets) != 1 or not node_secrets[0].endswith(want):
                problems.append(f"{w['metadata']['name']} ({node}) mounts {node_secrets}")
        else:
            if val_secrets:
                problems.append(f"{w['metadata']['name']} ({comp}) mounts validator Secrets {val_secrets}")
            if any(i not in ("el-nodekey", "cl-network-key", "cl-peer-id.json") for i in items):
                problems.append(f"{w['metadata']['name']} projects keys {sorted(set(items))}")
            if comp in ("bootnode", "rpc"):
                # Every ordinal up to the next multiple of 8, so that adding a node leaves the
                # pod template alone: the group's own nodes, in order, and no other group's.
                count = replicas.get("bootnodes" if comp == "bootnode" else "rpc")
                if count is not None:
                    slots = -(-count // 8) * 8
                    got = [re.search(r"-node-(.+)$", s).group(1) for s in node_secrets]
                    if got != [f"{comp}-{i}" for i in range(slots)]:
                        problems.append(f"{w['metadata']['name']} projects {got}, want {comp}-0..{comp}-{slots - 1}")
                if any(f"-node-{comp}-" not in s for s in node_secrets):
                    problems.append(f"{w['metadata']['name']} projects another group's Secrets")
    if replicas:
        want_nodes = [f"validator-{i}" for i in range(replicas["validators"])]
        if sorted(seen_validator_nodes) != sorted(want_nodes):
            problems.append(f"validator StatefulSets for {sorted(seen_validator_nodes)}, want {want_nodes}")
        for n in want_nodes:
            w = [x for x in workloads if x["spec"].get("template", {}).get("metadata", {}).get("labels", {}).get("ethnet.io/node") == n]
            env = {e["name"]: e.get("value") for ct in containers(pod_spec(w[0])) for e in ct.get("env", [])} if w else {}
            rng = (ids.get(n) or {}).get("validators")
            if rng and env.get("EXPECTED_KEYS") != str(rng["count"]):
                problems.append(f"{n} EXPECTED_KEYS={env.get('EXPECTED_KEYS')}, manifest range count {rng['count']}")
            if rng and env.get("EXPECTED_KEYS_DIGEST") != rng.get("keysDigest"):
                problems.append(f"{n} EXPECTED_KEYS_DIGEST={env.get('EXPECTED_KEYS_DIGEST')}, values {rng.get('keysDigest')}")
    c.check("each-validator-pod-mounts-only-its-own-keys", problems)

    # 3b. Inside a pod, the validator client's secrets reach no other client: the node Secret is
    # mounted into init-layout alone; the keystore directory (data subPath vc) and the passwords
    # (vc-secrets) into the validator client and its wallet step only; no other container mounts
    # the whole data volume, and what a container's args name under /data or /ethnet is mounted.
    problems = []
    validator_roles = {"validator", "init-prysm-wallet"}
    for w in workloads:
        if w["kind"] != "StatefulSet":
            continue  # node pods only; Dora's own data volume is no node's
        ps = pod_spec(w)
        wname = w["metadata"]["name"]
        secret_volumes = {v["name"] for v in ps.get("volumes", []) if "secret" in v or any(
            "secret" in src for src in v.get("projected", {}).get("sources", []))}
        for ct in containers(ps):
            mounts = ct.get("volumeMounts", [])
            for m in mounts:
                where = f"{wname}/{ct['name']} mounts {m['name']}:{m.get('subPath', '/')}"
                if m["name"] in secret_volumes and m["name"] != "jwt" and ct["name"] != "init-layout":
                    problems.append(f"{where} (a node Secret)")
                if m["name"] == "data" and not m.get("subPath") and ct["name"] not in ("init-layout", "volume-permissions"):
                    problems.append(f"{where} (the whole data volume)")
                if m["name"] == "data" and m.get("subPath") == "testnet" and not m.get("readOnly"):
                    problems.append(f"{where} writable")
                secret_part = m["name"] == "vc-secrets" or (m["name"] == "data" and m.get("subPath") == "vc")
                if secret_part and ct["name"] not in validator_roles | {"init-layout"}:
                    problems.append(f"{where} (the validator client's keys)")
            paths = [m["mountPath"].rstrip("/") for m in mounts]
            for word in (ct.get("args") or []) + (ct.get("command") or []):
                for path in re.findall(r"(?:^|=)(/(?:data|ethnet)/[^\s,\"']*)", str(word)):
                    if not any(path == mp or path.startswith(mp + "/") for mp in paths):
                        problems.append(f"{wname}/{ct['name']} names {path} but mounts {paths}")
    c.check("validator-secrets-reach-the-validator-client-only", problems)

    # 4. No literal secret values: no Secret objects, secret-ish env only via valueFrom, no bare keys.
    problems = []
    if by_kind.get("Secret"):
        problems.append(f"chart renders Secrets {[s['metadata']['name'] for s in by_kind['Secret']]}")
    for w in workloads:
        for ct in containers(pod_spec(w)):
            for e in ct.get("env", []):
                if re.search(r"SECRET|PASSWORD|TOKEN|KEY$", e["name"]) and "value" in e:
                    problems.append(f"{w['metadata']['name']}/{ct['name']} env {e['name']} has a literal value")
            for v in arg_values(ct, "--ethstats"):
                if "$(ETHSTATS_SECRET)" not in v:
                    problems.append(f"{w['metadata']['name']} --ethstats carries a literal secret")
    # A bare 64-hex string (a private key or JWT) anywhere; public 0x-hashes, 128-hex enode ids
    # and sha256:-prefixed digests (the validator keys digest) are fine.
    for m in re.finditer(r"(?<![0-9a-fA-Fx])[0-9a-fA-F]{64}(?![0-9a-fA-F])", text):
        ctx = text[max(0, m.start() - 40):m.start()]
        if "checksum/" in ctx or ctx.endswith("sha256:"):
            continue
        problems.append(f"bare 64-hex value near ...{ctx[-30:]!r}")
    for weak in KNOWN_WEAK_SECRETS:
        if weak in text:
            problems.append(f"rendered output contains {weak!r}")
    c.check("no-literal-secret-values", problems)

    # 5. Bootnode lists name real pod DNS names of rendered StatefulSets and headless Services.
    problems = []
    headless = {s["metadata"]["name"] for s in services if s["spec"].get("clusterIP") == "None"}
    pods = {}  # pod name -> (headless service, node name)
    for s in stss:
        labels = s["spec"]["template"]["metadata"]["labels"]
        comp, node = labels.get("app.kubernetes.io/component"), labels.get("ethnet.io/node")
        for i in range(s["spec"]["replicas"]):
            pods[f"{s['metadata']['name']}-{i}"] = (s["spec"]["serviceName"], node or f"{comp}-{i}")
        if s["spec"]["serviceName"] not in headless:
            problems.append(f"StatefulSet {s['metadata']['name']} serviceName {s['spec']['serviceName']} is no headless Service")
    suffix = f".{args.namespace}.svc.{args.cluster_domain}"
    n_enodes = n_addrs = 0

    def check_host(host, want_id, kind):
        if not host.endswith(suffix):
            problems.append(f"{kind} host {host} is not in {suffix}")
            return
        pod, _, svc = host[: -len(suffix)].partition(".")
        if pod not in pods:
            problems.append(f"{kind} host {host}: no rendered pod {pod}")
        elif pods[pod][0] != svc:
            problems.append(f"{kind} host {host}: pod {pod} is governed by {pods[pod][0]}, not {svc}")
        elif want_id is not None:
            node = pods[pod][1]
            key = "enodeId" if kind == "enode" else "peerId"
            if (ids.get(node) or {}).get(key) != want_id:
                problems.append(f"{kind} {host} carries an id that is not {node}'s {key}")

    for w in workloads:
        for ct in containers(pod_spec(w)):
            env = {e["name"]: e.get("value", "") for e in ct.get("env", [])}
            for v in arg_values(ct, "--bootnodes") + ([env["EL_BOOTNODES"]] if env.get("EL_BOOTNODES") else []):
                if "$(" in v:
                    continue
                for enode in filter(None, v.split(",")):
                    m = re.fullmatch(r"enode://([0-9a-f]{128})@([^:]+):30303", enode)
                    if not m:
                        problems.append(f"malformed enode {enode[:40]}...")
                        continue
                    n_enodes += 1
                    check_host(m.group(2), m.group(1), "enode")
            for v in arg_values(ct, "--libp2p-addresses") + arg_values(ct, "--directPeers") + arg_values(ct, "--peer"):
                for addr in filter(None, v.split(",")):
                    m = re.fullmatch(r"/dns4/([^/]+)/tcp/9000/p2p/(\w+)", addr)
                    if not m:
                        problems.append(f"malformed multiaddr {addr}")
                        continue
                    n_addrs += 1
                    check_host(m.group(1), m.group(2), "multiaddr")
            for host in env.get("WAIT_HOSTS", "").split():
                check_host(host, None, "wait-host")
    for cm in by_kind.get("ConfigMap", []):
        for enode in (cm.get("data") or {}).get("enodes", "").split():
            m = re.fullmatch(r"enode://([0-9a-f]{128})@([^:]+):30303", enode)
            if not m:
                problems.append(f"malformed enode in ConfigMap {cm['metadata']['name']}")
            else:
                check_host(m.group(2), m.group(1), "enode")
    if ids and replicas and n_enodes == 0:
        problems.append("identities given but no enode bootnode list rendered")
    if ids and replicas and n_addrs == 0:
        problems.append("identities given but no consensus peer list rendered")
    c.check("bootnode-lists-name-real-pod-dns", problems)

    # 6. Names: <= 63 characters, StatefulSets <= 52 (controller-revision-hash), pod names <= 63.
    problems = []
    for o in objs:
        n = o["metadata"]["name"]
        if len(n) > 63:
            problems.append(f"{o['kind']} {n} is {len(n)} chars")
        if o["kind"] == "StatefulSet" and len(n) > 52:
            problems.append(f"StatefulSet {n} is {len(n)} chars (> 52)")
    for p in pods:
        if len(p) > 63:
            problems.append(f"pod {p} is {len(p)} chars")
    names = [(o["kind"], o["metadata"]["name"]) for o in objs]
    dups = {x for x in names if names.count(x) > 1}
    if dups:
        problems.append(f"duplicate names {sorted(dups)}")
    c.check("names-within-63-chars-and-unique", problems)

    # 7. Labels: standard labels everywhere; selectors only name+instance(+component, node).
    problems = []
    for o in objs:
        missing = STANDARD_LABELS - set(o["metadata"].get("labels", {}))
        if missing:
            problems.append(f"{o['kind']} {o['metadata']['name']} lacks {sorted(missing)}")
        sel = None
        if o["kind"] in ("StatefulSet", "Deployment", "PodDisruptionBudget"):
            sel = o["spec"]["selector"]["matchLabels"]
        elif o["kind"] == "Service":
            sel = o["spec"].get("selector", {})
        if sel is not None:
            extra = set(sel) - SELECTOR_KEYS
            if extra or not {"app.kubernetes.io/name", "app.kubernetes.io/instance"} <= set(sel):
                problems.append(f"{o['kind']} {o['metadata']['name']} selector {sorted(sel)}")
        if o["kind"] in ("StatefulSet", "Deployment"):
            tl = o["spec"]["template"]["metadata"]["labels"]
            if any(tl.get(k) != v for k, v in o["spec"]["selector"]["matchLabels"].items()):
                problems.append(f"{o['kind']} {o['metadata']['name']} template labels miss its selector")
    c.check("standard-labels-and-stable-selectors", problems)

    # 8. Pods: non-root, checksum annotations on node pods, data PVCs kept.
    problems = []
    for w in workloads:
        ps = pod_spec(w)
        if not ps.get("securityContext", {}).get("runAsNonRoot"):
            problems.append(f"{w['kind']} {w['metadata']['name']} is not runAsNonRoot")
        for ct in containers(ps):
            if ct.get("securityContext", {}).get("allowPrivilegeEscalation") is not False:
                problems.append(f"{w['metadata']['name']}/{ct['name']} allows privilege escalation")
            if ":" not in ct["image"] or ct["image"].endswith((":latest", ":stable", ":master")):
                problems.append(f"{w['metadata']['name']}/{ct['name']} image {ct['image']} is not pinned")
    for s in stss:
        ann = s["spec"]["template"]["metadata"].get("annotations", {})
        if not any(k.startswith("checksum/") for k in ann):
            problems.append(f"StatefulSet {s['metadata']['name']} has no checksum annotation")
        for t in s["spec"].get("volumeClaimTemplates", []):
            if t["metadata"].get("annotations", {}).get("helm.sh/resource-policy") != "keep":
                problems.append(f"StatefulSet {s['metadata']['name']} claim {t['metadata']['name']} not kept")
            # `uninstall --purge` finds node volumes by these marks (plugin/src/kube/store.rs,
            # is_node_volume): claims named data-<statefulset>-<i>, a node component label.
            component = t["metadata"].get("labels", {}).get("app.kubernetes.io/component")
            if t["metadata"]["name"] != "data" or component not in PREFIX.values():
                problems.append(f"StatefulSet {s['metadata']['name']} claim {t['metadata']['name']} ({component}) lacks the marks purge selects by")
    c.check("non-root-pinned-checksummed-kept", problems)

    # 9. Topology: one StatefulSet per group for bootnodes and rpc, replicas as the spec says.
    problems = []
    if replicas:
        for g in ("bootnodes", "rpc"):
            got = [s for s in stss if s["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component") == PREFIX[g]]
            if len(got) != 1 or got[0]["spec"]["replicas"] != replicas[g]:
                problems.append(f"{g}: {[(s['metadata']['name'], s['spec']['replicas']) for s in got]}, want 1 x {replicas[g]}")
    c.check("topology-matches-spec", problems)

    # 10. RBAC least privilege: no cluster-wide roles; Roles may only read named ConfigMaps.
    problems = []
    for o in by_kind.get("ClusterRole", []) + by_kind.get("ClusterRoleBinding", []):
        problems.append(f"{o['kind']} {o['metadata']['name']}")
    for r in by_kind.get("Role", []):
        for rule in r.get("rules", []):
            if rule.get("resources") != ["configmaps"] or not rule.get("resourceNames") \
                    or set(rule.get("verbs", [])) - {"get", "list", "watch"}:
                problems.append(f"Role {r['metadata']['name']} rule {rule}")
    # No pod automounts an API token; only a peer-sidecar container mounts the projected one.
    for w in workloads:
        spec = pod_spec(w)
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{w['metadata']['name']} automounts the service-account token")
        token_volumes = {v["name"] for v in spec.get("volumes", [])
                         if any("serviceAccountToken" in src for src in v.get("projected", {}).get("sources", []))}
        for ct in containers(spec):
            mounts = any(m["name"] in token_volumes for m in ct.get("volumeMounts", []))
            if mounts != (ct["name"] == "peer-sidecar"):
                problems.append(f"{w['metadata']['name']}/{ct['name']} {'mounts' if mounts else 'lacks'} the API token")
    c.check("rbac-least-privilege", problems)

    # 10b. Every long-running container requests CPU and memory (the scheduler then places the
    # nodes where they fit; no limits by default).
    problems = []
    for w in workloads:
        if w["kind"] == "Pod":
            continue  # the helm test pod runs for a moment
        for ct in pod_spec(w).get("containers", []):
            requests = ct.get("resources", {}).get("requests", {})
            if not (requests.get("cpu") and requests.get("memory")):
                problems.append(f"{w['metadata']['name']}/{ct['name']} requests {requests or 'nothing'}")
    c.check("every-container-requests-resources", problems)

    # 11. With NetworkPolicies on, every pod of the release is selected by one (Dora and
    # ethstats included), so none is open to the whole cluster.
    problems = []
    policies = by_kind.get("NetworkPolicy", [])
    if policies:
        for w in workloads:
            labels = w["spec"].get("template", {}).get("metadata", {}).get("labels") or w.get("metadata", {}).get("labels", {})
            if w["kind"] == "Pod":
                continue  # the helm test pod only sends
            def selects(policy):
                sel = policy["spec"]["podSelector"]
                ok = all(labels.get(k) == v for k, v in sel.get("matchLabels", {}).items())
                for e in sel.get("matchExpressions", []):
                    ok = ok and e["operator"] == "In" and labels.get(e["key"]) in e["values"]
                return ok
            if not any(selects(pol) for pol in policies):
                problems.append(f"{w['kind']} {w['metadata']['name']} is selected by no NetworkPolicy")
    c.check("network-policies-cover-every-pod", problems)

    print(f"asserts {c.scenario}: {c.passed} passed, {c.failed} failed")
    if args.mutate:
        # Self-test: the broken output must be caught.
        print(f"mutation {args.mutate}: {'caught' if c.failed else 'NOT caught'}")
        return 0 if c.failed else 1
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
