import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { findWheel, napiVersion } from "../../scripts/setup-native-tensorflow";

const root = path.resolve(__dirname, "..", "..");

test("where native cannot be built, setup says why in one line, records it and exits 0", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "native-setup-"));
  const status = path.join(dir, "status.json");
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/setup-native-tensorflow.ts", "--venv", path.join(dir, "no-venv")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, COURSE_NATIVE_STATUS_FILE: status },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  if (/ready/.test(r.stdout)) {
    // only a tfjs-node of the user's own (not built by us) works without the venv: it is kept
    assert.match(r.stdout, /libtensorflow from the libtensorflow your tfjs-node install brought/);
  } else {
    assert.equal(lines.length, 1, r.stdout);
    assert.match(lines[0], /^Native TensorFlow not available, chapters will use WebAssembly: .*(no Python venv|not in node_modules)/);
    const recorded = JSON.parse(fs.readFileSync(status, "utf8"));
    assert.equal(recorded.ok, false);
    assert.match(recorded.reason, /no Python venv|not in node_modules/);
  }
});

test("the wheel is found in any python folder of the venv, and its absence is explained", () => {
  const venv = fs.mkdtempSync(path.join(os.tmpdir(), "venv-"));
  assert.throws(() => findWheel(venv), /no Python venv/);
  const tfDir = path.join(venv, "lib", "python3.12", "site-packages", "tensorflow");
  fs.mkdirSync(path.join(tfDir, "include", "tensorflow", "c"), { recursive: true });
  assert.throws(() => findWheel(venv), /TensorFlow wheel is not in .venv/);
  for (const f of ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2", "include/tensorflow/c/c_api.h"]) {
    fs.writeFileSync(path.join(tfDir, f), "");
  }
  assert.equal(findWheel(venv), tfDir);
});

test("the binding is built for the highest N-API version both tfjs-node and this Node support", () => {
  const pkg = { binary: { napi_versions: [3, 4, 5, 6, 7, 8] } };
  assert.equal(napiVersion(pkg, 9), 8);
  assert.equal(napiVersion(pkg, 6), 6);
  assert.throws(() => napiVersion(pkg, 2), /supports no N-API version/);
});
