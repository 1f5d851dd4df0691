#!/usr/bin/env python3
"""Every artifact file the chart reads is one ethnet makes.

Reads a chart render made with the values of a real `ethnet generate` run and the objects
`ethnet seed` makes from that run, then checks, pod by pod:
  - every ConfigMap or Secret a volume names is one ethnet or the chart makes, and every key
    that a volume's items or an env reference pick from one of ethnet's is in it;
  - every file the pod's containers and scripts name under a mounted artifact volume (literal
    paths, and paths through shell variables set to one) is a file that volume provides.
Prints PASS/FAIL lines and exits 1 on a failure. --drop KEY removes a key from the seeded
objects first: the check must then fail (its self-test).
"""
import argparse
import posixpath
import re
import sys

import yaml

PATH_CHARS = r"[A-Za-z0-9_.${}/-]"


def docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def pod_specs(rendered):
    for doc in rendered:
        spec = doc.get("spec") or {}
        template = spec.get("template") or (spec.get("jobTemplate") or {}).get("spec", {}).get("template")
        if template:
            yield f"{doc['kind']}/{doc['metadata']['name']}", template["spec"]


def volume_sources(volume):
    """(kind, object name, items, optional) of each ConfigMap or Secret a volume draws from."""
    sources = []
    if "configMap" in volume:
        sources.append(("ConfigMap", volume["configMap"]))
    if "secret" in volume:
        sources.append(("Secret", dict(volume["secret"], name=volume["secret"]["secretName"])))
    for source in (volume.get("projected") or {}).get("sources", []):
        sources += [(kind, source[field]) for kind, field in (("ConfigMap", "configMap"), ("Secret", "secret"))
                    if field in source]
    for kind, source in sources:
        yield kind, source["name"], source.get("items"), source.get("optional", False)


def shell_variables(text):
    """Variable -> every absolute path assigned to it (name=/p or name="/p…")."""
    found = {}
    for name, value in re.findall(r'(?m)(?:^|[\s;|&])([A-Za-z_][A-Za-z0-9_]*)="?(/' + PATH_CHARS + r'*)', text):
        found.setdefault(name, set()).add(value)
    return found


def references(text, mounts):
    """Reads under a mount that `text` names, each as the list of paths it may be: a literal
    path is one; $var/… is one per value the script gives var (`[ -d "$k" ] || k=/other`), and
    any of them will do."""
    reads = [[ref] for ref in set(re.findall(r"(/" + PATH_CHARS + r"+)", text))]
    for name, values in shell_variables(text).items():
        for rest in set(re.findall(r"\$\{?" + name + r"\}?(/" + PATH_CHARS + r"+)", text)):
            reads.append(sorted(value + rest for value in values))
    for alternatives in reads:
        under = [(mount, ref, ref[len(mount) + 1:]) for ref in alternatives for mount in mounts
                 if ref.startswith(mount + "/")]
        if under:
            yield under


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rendered")
    ap.add_argument("seeded")
    ap.add_argument("--drop", help="remove this key from every seeded object first")
    args = ap.parse_args()

    objects = {}
    for doc in docs(args.seeded):
        keys = set(doc.get("data") or {}) | set(doc.get("binaryData") or {}) | set(doc.get("stringData") or {})
        keys.discard(args.drop)
        objects[(doc["kind"], doc["metadata"]["name"])] = keys
    rendered = docs(args.rendered)
    chart_objects = {(doc["kind"], doc["metadata"]["name"]) for doc in rendered}
    scripts = {}
    for doc in rendered:
        if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"].endswith("-scripts"):
            scripts = doc.get("data") or {}

    failures, checked = [], 0
    for pod, spec in pod_specs(rendered):
        provided = {}  # volume name -> files it provides (relative paths)
        for volume in spec.get("volumes", []):
            for kind, name, items, optional in volume_sources(volume):
                if (kind, name) not in objects:
                    if (kind, name) not in chart_objects and name != "kube-root-ca.crt" and not optional:
                        failures.append(f"{pod}: volume {volume['name']} names {kind} {name}, which neither ethnet nor the chart makes")
                    continue
                keys = objects[(kind, name)]
                files = provided.setdefault(volume["name"], set())
                if items is None:
                    files.update(keys)
                for item in items or []:
                    checked += 1
                    if item["key"] not in keys:
                        failures.append(f"{pod}: volume {volume['name']} picks {item['key']}, which {kind} {name} does not hold")
                    files.add(item["path"])
        for container in spec.get("initContainers", []) + spec.get("containers", []):
            for env in container.get("env", []):
                for kind, field in (("Secret", "secretKeyRef"), ("ConfigMap", "configMapKeyRef")):
                    ref = (env.get("valueFrom") or {}).get(field)
                    if ref and (kind, ref["name"]) in objects:
                        checked += 1
                        if ref["key"] not in objects[(kind, ref["name"])]:
                            failures.append(f"{pod}/{container['name']}: env {env['name']} reads key {ref['key']}, which {kind} {ref['name']} does not hold")
            mounts = {m["mountPath"]: provided[m["name"]] for m in container.get("volumeMounts", []) if m["name"] in provided}
            words = container.get("command", []) + container.get("args", [])
            words += [e.get("value", "") for e in container.get("env", [])]
            texts = [" ".join(words)]
            texts += [scripts[name] for name in scripts if any("/scripts/" + name in w for w in words)]
            # init.sh runs each client's setup script (setup-<client>.sh) in the same container.
            if any("/scripts/init.sh" in w for w in words):
                texts += [text for name, text in scripts.items() if name.startswith("setup-")]
            for text in texts:
                for alternatives in references(text, mounts):
                    def provided_file(mount, rest):
                        last = posixpath.basename(rest)
                        if "$" not in rest:
                            return rest in mounts[mount]
                        return any(posixpath.basename(f) == last for f in mounts[mount])
                    readable = [(m, ref, rest) for m, ref, rest in alternatives
                                if posixpath.basename(rest) and "$" not in posixpath.basename(rest)]
                    if not readable:
                        continue  # a directory named by a variable
                    checked += 1
                    if not any(provided_file(m, rest) for m, _, rest in readable):
                        refs = " or ".join(ref for _, ref, _ in readable)
                        failures.append(f"{pod}/{container['name']}: reads {refs}, which no volume mounted there provides")
    for failure in sorted(set(failures)):
        print(f"FAIL {failure}")
    if not failures:
        print(f"PASS every artifact file the chart reads is one ethnet makes ({checked} reads checked)")
    if checked < 20:
        print(f"FAIL only {checked} reads found: the check no longer sees the chart's reads")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
