#!/usr/bin/env python3
"""Extracts the key list of Zero to JupyterHub's values schema into a small JSON file of our own.

    python3 extract_keys.py values.schema.yaml --chart 4.4.0 --commit <sha> > z2jh-4.4.0-keys.json

The chart's schema (jupyterhub/values.schema.yaml in github.com/jupyterhub/zero-to-jupyterhub-k8s,
BSD 3-Clause, Project Jupyter Contributors) is 3,000 lines, mostly descriptions. What check_values.py
needs of it is only which keys exist where, their JSON types and which objects take no other keys:
that is all this keeps (no descriptions), with where it came from. Path segments: a property name,
`{regex}` for patternProperties, `[]` for the items of an array.
"""
import argparse
import hashlib
import json
import sys

import yaml


def types(node):
    t = node.get("type")
    if t is None:
        return None
    return sorted(t) if isinstance(t, list) else [t]


def walk(node, path, out):
    if not isinstance(node, dict):
        return
    entry = {"path": path}
    t = types(node)
    if t is not None:
        entry["type"] = t
    if "enum" in node:
        entry["enum"] = node["enum"]
    if node.get("additionalProperties") is False:
        entry["closed"] = True
    out.append(entry)
    for name, child in (node.get("properties") or {}).items():
        walk(child, path + [name], out)
    for pattern, child in (node.get("patternProperties") or {}).items():
        walk(child, path + ["{%s}" % pattern], out)
    if isinstance(node.get("items"), dict):
        walk(node["items"], path + ["[]"], out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("schema")
    ap.add_argument("--chart", required=True, help="the chart version (git tag) the schema is from")
    ap.add_argument("--commit", required=True, help="the commit of that tag")
    a = ap.parse_args()
    raw = open(a.schema, "rb").read()
    out = []
    walk(yaml.safe_load(raw), [], out)
    doc = {
        "source": "jupyterhub/values.schema.yaml of https://github.com/jupyterhub/zero-to-jupyterhub-k8s",
        "licence": "the schema is BSD 3-Clause, Copyright (c) 2017, Project Jupyter Contributors; this file keeps only its key names and types",
        "chart": a.chart,
        "commit": a.commit,
        "schemaSha256": hashlib.sha256(raw).hexdigest(),
        "made by": "deploy/z2jh/schema/extract_keys.py",
        "keys": out,
    }
    # One key per line, so that a new chart version's changes read as a diff.
    head = {k: v for k, v in doc.items() if k != "keys"}
    sys.stdout.write(json.dumps(head, indent=1, ensure_ascii=False)[:-2] + ',\n "keys": [\n')
    sys.stdout.write(",\n".join("  " + json.dumps(k, ensure_ascii=False) for k in out))
    sys.stdout.write("\n ]\n}\n")


if __name__ == "__main__":
    main()
