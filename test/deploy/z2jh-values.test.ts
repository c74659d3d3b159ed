/**
 * deploy/z2jh/values.yaml against the key list of Zero to JupyterHub's own values schema (chart 4.4.0,
 * extracted into deploy/z2jh/schema/z2jh-4.4.0-keys.json): every key exists where it is written and
 * every value has a type the chart allows. The checker must also reject what the chart would.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

const root = path.resolve(__dirname, "..", "..");
const python = path.join(root, ".venv", "bin", "python");
const checker = path.join(root, "deploy", "z2jh", "schema", "check_values.py");
const values = path.join(root, "deploy", "z2jh", "values.yaml");

function check(file: string): { status: number | null; out: string } {
  const r = spawnSync(python, [checker, file], { encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

test("the class's values.yaml uses only keys and types the chart's schema has", () => {
  const r = check(values);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /^ok: /);
});

test("values.yaml pins the image, sets memory, CPU, culling, the pre-puller and /lab", () => {
  const text = fs.readFileSync(values, "utf8");
  const tag = /^\s+tag: "([^"]+)"/m.exec(text);
  assert.ok(tag && tag[1] !== "latest", "a fixed image tag");
  for (const line of [/guarantee: 1\.5G/, /limit: 2\.5G/, /^\s+guarantee: 0\.5$/m, /^cull:\n\s+enabled: true/m, /^prePuller:/m, /defaultUrl: \/lab/]) {
    assert.match(text, line);
  }
});

test("the checker names the file and key path of what the chart would refuse", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "z2jh-values-"));
  const cases: [string, RegExp][] = [
    ["singleuser:\n  memry:\n    limit: 2G\n", /bad\.yaml: singleuser\.memry: no such key/],
    ["singleuser:\n  cpu:\n    limit: \"2\"\n", /singleuser\.cpu\.limit: string .* allows null or number/],
    ["singleuser:\n  image:\n    pullPolicy: Sometimes\n", /singleuser\.image\.pullPolicy: 'Sometimes' is not one of/],
    ["cull:\n  timeout: 1h\n", /cull\.timeout: string/],
    ["prePuller:\n  hook:\n    enabled: yes-please\n", /prePuller\.hook\.enabled: string/],
    ["- just\n- a list\n", /top level is not a mapping/],
    ["singleuser: [unclosed\n", /cannot be read as YAML/],
  ];
  for (const [yaml, expected] of cases) {
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(file, yaml);
    const r = check(file);
    assert.equal(r.status, 1, `${yaml} should fail:\n${r.out}`);
    assert.match(r.out, expected);
  }
  // Free-form parts of the chart (traitlets config, extra environment) take any key.
  const free = path.join(dir, "free.yaml");
  fs.writeFileSync(free, "hub:\n  config:\n    JupyterHub:\n      admin_access: false\n    MyAuthenticator:\n      x: 1\nsingleuser:\n  extraEnv:\n    ANY_NAME: \"1\"\n");
  assert.equal(check(free).status, 0, check(free).out);
  fs.rmSync(dir, { recursive: true, force: true });
});
