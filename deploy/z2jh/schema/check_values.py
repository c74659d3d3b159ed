#!/usr/bin/env python3
"""Checks a Zero to JupyterHub values file against the chart schema's key list.

    python3 check_values.py values.yaml [--keys z2jh-4.4.0-keys.json]

Every key path in the values file must be one the chart's schema names (where the schema closes an
object: additionalProperties false), and every value must have a type the schema allows there
(integer counts as number). Below a free-form object (hub.config.JupyterHub, extraEnv, ...) nothing
more is checked, as the chart does not either. Prints one line per problem, naming the file and the
key path, and exits 1 when there is any; 0 and "ok" otherwise.
"""
import argparse
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def type_ok(value, allowed):
    t = json_type(value)
    return allowed is None or t in allowed or (t == "integer" and "number" in allowed)


class Schema:
    def __init__(self, keys):
        self.by_path = {tuple(k["path"]): k for k in keys}

    def child(self, path, key):
        """The schema path for `key` under `path`: a named property, else a matching pattern; None if neither."""
        if path + (key,) in self.by_path:
            return path + (key,)
        for p in self.by_path:
            if len(p) == len(path) + 1 and p[:-1] == path and p[-1].startswith("{") and p[-1].endswith("}"):
                if re.search(p[-1][1:-1], key):
                    return p
        return None

    def check(self, value, spath, shown, problems):
        entry = self.by_path[spath]
        if not type_ok(value, entry.get("type")):
            problems.append("%s: %s is %s, the schema allows %s" % (shown, json_type(value), value, " or ".join(entry["type"])))
            return
        if "enum" in entry and value not in entry["enum"]:
            problems.append("%s: %r is not one of %s" % (shown, value, entry["enum"]))
        if isinstance(value, dict):
            for key, v in value.items():
                sub = self.child(spath, str(key))
                if sub is None:
                    if entry.get("closed"):
                        problems.append("%s.%s: no such key in the chart's schema" % (shown, key) if shown else "%s: no such key in the chart's schema" % key)
                    continue  # free-form object: the chart passes it on unchecked
                self.check(v, sub, "%s.%s" % (shown, key) if shown else str(key), problems)
        elif isinstance(value, list) and spath + ("[]",) in self.by_path:
            for i, v in enumerate(value):
                self.check(v, spath + ("[]",), "%s[%d]" % (shown, i), problems)


def check_file(values_file, keys_file):
    with open(keys_file, encoding="utf-8") as f:
        schema = Schema(json.load(f)["keys"])
    try:
        with open(values_file, encoding="utf-8") as f:
            values = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        return ["%s: cannot be read as YAML: %s" % (values_file, e)]
    if not isinstance(values, dict):
        return ["%s: the top level is not a mapping of keys" % values_file]
    problems = []
    schema.check(values, (), "", problems)
    return ["%s: %s" % (values_file, p) for p in problems]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("values")
    ap.add_argument("--keys", default=os.path.join(HERE, "z2jh-4.4.0-keys.json"))
    a = ap.parse_args()
    problems = check_file(a.values, a.keys)
    for p in problems:
        print(p)
    if not problems:
        print("ok: %s matches the chart schema's keys and types (%s)" % (a.values, os.path.basename(a.keys)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
