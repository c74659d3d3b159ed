/**
 * The `util` shim that lets tfjs-node 4.22 run on Node 22, 24 and 26 (lib/backend/node-util-shim.ts).
 * The native checks run in a child process under the Node running this test (CI runs the unit tests
 * on Node 20 and on the active LTS), with --throw-deprecation so that any deprecation warning fails.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { spawnSync } from "child_process";
import { LEGACY_UTIL_HELPERS, restoreNodeUtilHelpers } from "../../lib/backend/node-util-shim";
import { readNativeStatus } from "../../lib/backend/native-status";

const root = path.resolve(__dirname, "..", "..");
const nodeMajor = Number(process.versions.node.split(".")[0]);

test("every removed util.is* helper is put back with Node's meaning, once", () => {
  const target: Record<string, unknown> = { isArray: () => "deprecated version" };
  const first = restoreNodeUtilHelpers(target);
  assert.deepEqual(first.replaced, ["isArray"]);
  assert.equal(first.added.length, 14);
  assert.deepEqual(restoreNodeUtilHelpers(target), { added: [], replaced: [] });
  const h = target as Record<string, (v: unknown) => boolean>;
  const cases: [string, unknown, boolean][] = [
    ["isNullOrUndefined", null, true], ["isNullOrUndefined", undefined, true], ["isNullOrUndefined", 0, false],
    ["isNullOrUndefined", "", false], ["isArray", [], true], ["isArray", { length: 0 }, false],
    ["isBoolean", false, true], ["isBoolean", 0, false], ["isBuffer", Buffer.alloc(1), true], ["isBuffer", new Uint8Array(1), false],
    ["isDate", new Date(0), true], ["isDate", 0, false], ["isError", new TypeError("x"), true], ["isError", { message: "x" }, false],
    ["isFunction", () => 1, true], ["isFunction", {}, false], ["isNull", null, true], ["isNull", undefined, false],
    ["isNumber", NaN, true], ["isNumber", "1", false], ["isObject", {}, true], ["isObject", null, false], ["isObject", () => 1, false],
    ["isPrimitive", "s", true], ["isPrimitive", null, true], ["isPrimitive", {}, false], ["isPrimitive", () => 1, false],
    ["isRegExp", /a/, true], ["isRegExp", "a", false], ["isString", "", true], ["isString", 1, false],
    ["isSymbol", Symbol("s"), true], ["isSymbol", "s", false], ["isUndefined", undefined, true], ["isUndefined", null, false],
  ];
  for (const [name, value, expected] of cases) assert.equal(h[name](value), expected, `${name}(${String(value)})`);
  assert.deepEqual(Object.keys(LEGACY_UTIL_HELPERS).sort(), [...new Set(cases.map((c) => c[0]))].sort());
});

/** Runs `code` (CommonJS, with tsx) in a child process on this Node, failing on any deprecation. */
function runChild(code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--throw-deprecation", "--import", "tsx", "-e", code], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test(`on Node ${process.versions.node}, Node's own util module gets the helpers and calling them does not warn`, () => {
  const r = runChild(
    "const util = require('node:util');" +
      "require('./lib/backend/node-util-shim').restoreNodeUtilHelpers();" +
      "console.log(util.isNullOrUndefined(null), util.isArray([1]), util.isPrimitive({}));",
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "true true false");
  assert.doesNotMatch(r.stderr, /DeprecationWarning|DEP0/);
});

/** A short native training step: tfjs-node calls util.isNullOrUndefined and util.isArray in it. */
const TRAIN =
  "const tf = LOAD;" +
  "(async () => {" +
  " if (tf.getBackend() !== 'tensorflow') throw new Error('backend ' + tf.getBackend());" +
  " const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'relu' }), tf.layers.dense({ units: 1 })] });" +
  " m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });" +
  " const h = await m.fit(tf.ones([4, 2]), tf.zeros([4, 1]), { epochs: 2, verbose: 0 });" +
  " const k = tf.topk(tf.tensor1d([1, 3, 2])).indices.arraySync();" +
  " console.log(tf.getBackend(), h.history.loss.length, JSON.stringify(k), tf.backend().binding.TF_Version);" +
  "})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });";

const nativeBuilt = readNativeStatus()?.ok === true;
const skipNative = nativeBuilt ? false : "native TensorFlow is not built here (bash scripts/course.sh setup builds it)";

test(`on Node ${process.versions.node}, native TensorFlow trains through loadTfjsNode with no warning`, { skip: skipNative }, () => {
  const r = runChild(TRAIN.replace("LOAD", "require('./lib/backend/tfjs-node').loadTfjsNode()"));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^tensorflow 2 \[1\] \d+\.\d+/);
  assert.doesNotMatch(r.stderr, /DeprecationWarning|DEP0/);
});

// The other side, so the test above can fail for the right reason: without the shim, Node 22 warns
// (which --throw-deprecation turns into an error) and Node 23 and later lack the helpers.
const skipUnshimmed = !nativeBuilt ? skipNative : nodeMajor < 22 ? `Node ${nodeMajor} still has util's helpers undeprecated` : false;
test(`on Node ${process.versions.node}, tfjs-node loaded without the shim fails its first kernels`, { skip: skipUnshimmed }, () => {
  const r = runChild(TRAIN.replace("LOAD", "require('@tensorflow/tfjs-node')"));
  assert.notEqual(r.status, 0, r.stdout);
  assert.match(r.stderr, /isNullOrUndefined|DEP0051|DEP0044/);
});
