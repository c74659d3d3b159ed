/**
 * scripts/setup-compiled-fit.ts: where the wheel is in .venv the setup has built the addon into
 * native/compiled-fit (not into the shared node_modules), a second run keeps it, and it loads.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ADDON_FILE, buildCompiledFitAddon } from "../../scripts/setup-compiled-fit";
import { GRAPH_ADDON_FILE, loadGraphAddon } from "../../lib/backend/graph-addon";

const root = path.resolve(__dirname, "..", "..");
const wheel = fs.existsSync(path.join(root, ".venv", "lib")) &&
  fs.readdirSync(path.join(root, ".venv", "lib")).some((py) => fs.existsSync(path.join(root, ".venv", "lib", py, "site-packages", "tensorflow", "libtensorflow_cc.so.2")));

test("the compiled-fit addon is built in native/compiled-fit, kept by a second setup run, and loads", { skip: wheel ? false : "no TensorFlow wheel in .venv" }, () => {
  assert.equal(ADDON_FILE, GRAPH_ADDON_FILE);
  assert.ok(ADDON_FILE.startsWith(path.join(root, "native", "compiled-fit") + path.sep));
  assert.equal(buildCompiledFitAddon(), "already built");
  const addon = loadGraphAddon();
  assert.notEqual(typeof addon, "string", String(addon));
});
