/**
 * loadKerasModel / loadKerasWeights on files written by real Keras (scripts/make-keras-fixtures.py):
 * every course architecture, as Keras 3 .keras, Keras's legacy .h5 and the Keras 2 / R keras .h5
 * layout, rebuilt layer for layer as lib/models/course-architectures defines it and predicting what
 * Keras predicted to 1e-5. Then the error paths, each with the sentence a user sees.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { selectBackend } from "../../lib/backend/select-backend";
import { architectureSignature } from "../../lib/models/course-architectures";
import { loadKerasModel, loadKerasWeights } from "../../lib/io/keras/load";
import { modelFromKerasConfig } from "../../lib/io/keras/config-to-layers";
import { ARCHITECTURES, ensureFixtures, fixture, maxAbsDiff, skipReason, FIXTURES } from "./keras-fixtures";

const skip = skipReason();
const TOLERANCE = 1e-5;
const measured: string[] = [];

before(async () => {
  await selectBackend({ prefer: "wasm", quiet: true });
  if (!skip) ensureFixtures();
});

async function predictions(model: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

for (const { id, build, sequential } of ARCHITECTURES) {
  for (const file of ["model.keras", "model.h5", "model-k2.h5"]) {
    const sequentialOnly = file === "model-k2.h5" && build === null && sequential !== true;
    test(`${id}/${file}: rebuilt as Keras built it, predictions within ${TOLERANCE}`, { skip: skip || sequentialOnly }, async () => {
      const fx = fixture(id);
      const x = fx.input();
      const before = tf.memory().numTensors;
      const model = await loadKerasModel(path.join(fx.dir, file));
      assert.equal(model.countParams(), fx.meta.params, "parameter count");
      if (build !== null) {
        const ours = build();
        assert.deepEqual(architectureSignature(model), architectureSignature(ours), "layer types, shapes and parameters");
        ours.dispose();
      }
      assert.deepEqual(model.outputs[0].shape.slice(1), fx.meta.output_shape.slice(1));
      const got = await predictions(model, x);
      const d = maxAbsDiff(got, fx.expected);
      measured.push(`${id}/${file} ${d.toExponential(1)}`);
      assert.ok(d <= TOLERANCE, `largest difference from Keras ${d}`);
      model.dispose();
      assert.equal(tf.memory().numTensors, before, "tensors left behind");
      x.dispose();
    });
  }
}

test("Keras layer names come through (the course's Conv_last, functional names)", { skip }, async () => {
  const cifar = await loadKerasModel(path.join(FIXTURES, "cifar-cnn", "model.keras"));
  assert.deepEqual(cifar.layers.map((l) => l.name), fixture("cifar-cnn").meta.layers);
  assert.ok(cifar.getLayer("Conv_last") !== undefined);
  cifar.dispose();
  const fn = await loadKerasModel(path.join(FIXTURES, "mnist-dense-functional", "model.h5"));
  assert.deepEqual(fn.layers.map((l) => l.name), fixture("mnist-dense-functional").meta.layers);
  assert.deepEqual(fn.inputLayers.map((l) => l.name), ["pixels"]);
  fn.dispose();
});

test("a .keras archive packed with deflate loads like a stored one", { skip }, async () => {
  const fx = fixture("mnist-convnet");
  const x = fx.input();
  const model = await loadKerasModel(path.join(FIXTURES, "extras", "deflated.keras"));
  assert.ok(maxAbsDiff(await predictions(model, x), fx.expected) <= TOLERANCE);
  model.dispose();
  x.dispose();
});

test("weights-only files: loadKerasModel says so, loadKerasWeights loads them into our own build", { skip }, async () => {
  for (const file of ["weights.weights.h5", "weights-k2.h5"]) {
    await assert.rejects(loadKerasModel(path.join(FIXTURES, "cifar-cnn", file)), /holds weights only.*loadKerasWeights\(model/s);
  }
  for (const { id, build } of ARCHITECTURES.filter((a) => ["cifar-cnn", "dna-cnn", "mnist-dense"].includes(a.id))) {
    const fx = fixture(id);
    const x = fx.input();
    for (const file of ["weights.weights.h5", "weights-k2.h5", "model.keras", "model.h5"]) {
      const model = build!();
      const before = tf.memory().numTensors;
      // tf.js names its layers dense_Dense1, ...: they differ from Keras's, so layers match by Keras 3's
      // class-based paths (conv2d, conv2d_1, ...) where the file has them, else by position.
      const how = await loadKerasWeights(model, path.join(fx.dir, file));
      const expected: Record<string, string> = { "weights.weights.h5": "path", "model.keras": "path", "weights-k2.h5": "order", "model.h5": "order" };
      assert.equal(how, expected[file], `${id}/${file}`);
      assert.equal(tf.memory().numTensors, before, "loading weights replaces, not adds, tensors");
      assert.ok(maxAbsDiff(await predictions(model, x), fx.expected) <= TOLERANCE, `${id}/${file}`);
      model.dispose();
    }
    x.dispose();
  }
});

test("weights by name: a model with Keras's layer names matches by name; insisting on names fails clearly otherwise", { skip }, async () => {
  const file = path.join(FIXTURES, "dna-cnn", "weights.weights.h5");
  const same = await loadKerasModel(path.join(FIXTURES, "dna-cnn", "model.keras"));
  assert.equal(await loadKerasWeights(same, file), "name");
  same.dispose();
  const ours = ARCHITECTURES.find((a) => a.id === "dna-cnn")!.build!();
  await assert.rejects(loadKerasWeights(ours, file, { match: "name" }), /no weights for layer\(s\) conv1d_Conv1D\d+.*match: "order"/s);
  ours.dispose();
});

test("shapes that do not match name the layer, the weight and both shapes", { skip }, async () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [1], units: 100, activation: "relu" }));
  m.add(tf.layers.dense({ units: 99, activation: "relu" }));
  m.add(tf.layers.dense({ units: 1 }));
  const before = tf.memory().numTensors;
  await assert.rejects(
    loadKerasWeights(m, path.join(FIXTURES, "regression-dense", "model.h5")),
    /layer 'dense_Dense\d+' \(Dense\): weight 'kernel' has shape \[100, 120\] in the file but \[100, 99\] in the model/,
  );
  assert.equal(tf.memory().numTensors, before, "a failed load leaves no tensors behind");
  const wrongCount = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 3 })] });
  await assert.rejects(loadKerasWeights(wrongCount, path.join(FIXTURES, "regression-dense", "model.h5")), /3 layers with weights, the model 1/);
  m.dispose();
  wrongCount.dispose();
});

test("a layer type tf.js lacks is named, with the layer, in real Keras files and in configs", { skip }, async () => {
  for (const file of ["unit-normalization.keras", "unit-normalization.h5"]) {
    const before = tf.memory().numTensors;
    await assert.rejects(
      loadKerasModel(path.join(FIXTURES, "extras", file)),
      /layer 'unit_normalization' \(UnitNormalization\): layer type UnitNormalization has no TensorFlow\.js counterpart/,
    );
    assert.equal(tf.memory().numTensors, before);
  }
  const lstm = {
    class_name: "Sequential",
    config: { name: "s", layers: [{ class_name: "LSTM", config: { name: "lstm_1", units: 4, batch_input_shape: [null, 3, 2] } }] },
  };
  assert.throws(() => modelFromKerasConfig(lstm, "cfg"), /layer 'lstm_1' \(LSTM\): layer type LSTM is not among the types loadKerasModel translates/);
  const act = {
    class_name: "Sequential",
    config: { layers: [{ class_name: "Dense", config: { name: "d", units: 2, activation: "exponential", batch_input_shape: [null, 3] } }] },
  };
  assert.throws(() => modelFromKerasConfig(act, "cfg"), /layer 'd' \(Dense\): activation 'exponential' has no TensorFlow\.js counterpart/);
  assert.throws(() => modelFromKerasConfig({ class_name: "MyNet", config: {} }, "cfg"), /MyNet; only Sequential and functional/);
});

test("files that are not Keras models get a sentence saying what they are", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keras-bad-"));
  const text = path.join(dir, "model.h5");
  fs.writeFileSync(text, "hello, not hdf5");
  await assert.rejects(loadKerasModel(text), /neither an HDF5 file \(\.h5\) nor a zip archive \(\.keras\): it starts with "hello, n"/);
  const json = path.join(dir, "model.keras");
  fs.writeFileSync(json, '{"modelTopology": {}}');
  await assert.rejects(loadKerasModel(json), /looks like JSON.*loadModel/);
  await assert.rejects(loadKerasModel(path.join(dir, "missing.h5")), /no such file/);
  fs.mkdirSync(path.join(dir, "tfjs"));
  fs.writeFileSync(path.join(dir, "tfjs", "model.json"), "{}");
  await assert.rejects(loadKerasModel(path.join(dir, "tfjs")), /is a folder.*TensorFlow\.js model\.json: use loadModel/);
  // A zip that is not a .keras archive, and a truncated one.
  const { writeZip } = await import("../../lib/io/keras/keras-archive");
  const zip = path.join(dir, "other.keras");
  fs.writeFileSync(zip, writeZip([{ name: "readme.txt", data: Buffer.from("hi") }]));
  await assert.rejects(loadKerasModel(zip), /zip archive but not a \.keras model \(no config\.json; it has readme\.txt\)/);
  const cut = path.join(dir, "cut.keras");
  fs.writeFileSync(cut, fs.readFileSync(zip).subarray(0, 40));
  await assert.rejects(loadKerasModel(cut), /no end-of-archive record.*truncated/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("differences measured against Keras (printed for the record)", { skip }, () => {
  console.log(`max |ours - Keras| per file: ${measured.join(", ")}`);
  assert.ok(measured.length > 0);
});
