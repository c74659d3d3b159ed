/**
 * saveKerasModel, the way out: models saved here as .keras and .h5 are loaded by real Keras (the
 * venv's, in one Python process) and predict what they predict here, to 1e-5; our own loader reads
 * them back exactly. Covers every course architecture (with Keras's weights, so Keras's original
 * predictions are the reference too), models built in tf.js with tf.js's own layer names, a
 * functional graph, and the crash-safety of the write.
 */
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { selectBackend } from "../../lib/backend/select-backend";
import { loadKerasModel } from "../../lib/io/keras/load";
import { saveKerasModel } from "../../lib/io/keras/write";
import { ZipReader } from "../../lib/io/keras/keras-archive";
import * as arch from "../../lib/models/course-architectures";
import { ARCHITECTURES, ensureFixtures, fixture, kerasPredict, maxAbsDiff, skipReason } from "./keras-fixtures";

const skip = skipReason();
const TOLERANCE = 1e-5;
const out = fs.mkdtempSync(path.join(os.tmpdir(), "keras-save-"));

before(async () => {
  await selectBackend({ prefer: "wasm", quiet: true });
  if (!skip) ensureFixtures();
});
after(() => fs.rmSync(out, { recursive: true, force: true }));

async function predict(model: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

test("every course architecture saved here (.keras and .h5) loads in Keras and predicts the same", { skip }, async () => {
  const before = tf.memory().numTensors;
  const jobs: { model: string; input: tf.Tensor; ours: Float32Array; keras: Float32Array; layers: string[] }[] = [];
  for (const { id } of ARCHITECTURES) {
    const fx = fixture(id);
    const model = await loadKerasModel(path.join(fx.dir, "model.keras"));
    const x = fx.input();
    const ours = await predict(model, x);
    for (const ext of [".keras", ".h5"]) {
      const file = path.join(out, `${id}${ext}`);
      await saveKerasModel(model, file);
      // Our own loader reads our file back to the same numbers.
      const back = await loadKerasModel(file);
      assert.deepEqual(await predict(back, x), ours, `${id}${ext} read back here`);
      back.dispose();
      jobs.push({ model: file, input: x, ours, keras: fx.expected, layers: model.layers.map((l) => l.name) });
    }
    model.dispose();
  }
  const results = kerasPredict(jobs);
  const measured: string[] = [];
  results.forEach((r, i) => {
    const j = jobs[i];
    const name = path.basename(j.model);
    const d = maxAbsDiff(r.values, j.ours);
    measured.push(`${name} ${d.toExponential(1)}`);
    assert.ok(d <= TOLERANCE, `${name}: Keras predicts ${d} away from us`);
    assert.ok(maxAbsDiff(r.values, j.keras) <= TOLERANCE, `${name}: differs from Keras's original predictions`);
    assert.deepEqual(r.layers.filter((l) => j.layers.includes(l)), j.layers, `${name}: layer names kept`);
  });
  console.log(`max |Keras on our file - ours|: ${measured.join(", ")}`);
  tf.dispose(jobs.map((j) => j.input));
  assert.equal(tf.memory().numTensors, before, "tensors left behind");
});

test("models built here (tf.js layer names, Sequential and functional) go to Keras and back", { skip }, async () => {
  const seq = arch.mnistConvnet();
  const xIn = tf.input({ shape: [6, 6, 2], name: "frame" });
  const a = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", activation: "relu" }).apply(xIn) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 3, kernelSize: 1, useBias: false }).apply(xIn) as tf.SymbolicTensor;
  const s = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const p = tf.layers.maxPooling2d({ poolSize: 2 }).apply(s) as tf.SymbolicTensor;
  const g = tf.layers.globalAveragePooling2d({}).apply(p) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 2, activation: "softmax" }).apply(g) as tf.SymbolicTensor;
  const fn = tf.model({ inputs: xIn, outputs: y });
  const ae = arch.convAutoencoder([20, 24, 3]);
  const cases: [string, tf.LayersModel, tf.Tensor][] = [
    ["mnist-convnet-tfjs", seq, tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 1)],
    ["functional-tfjs", fn, tf.randomUniform([3, 6, 6, 2], 0, 1, "float32", 2)],
    ["autoencoder-tfjs", ae, tf.randomUniform([2, 20, 24, 3], 0, 1, "float32", 3)],
  ];
  const jobs: { model: string; input: tf.Tensor; ours: Float32Array }[] = [];
  for (const [name, model, x] of cases) {
    const ours = await predict(model, x);
    for (const ext of [".keras", ".h5"]) {
      const file = path.join(out, `${name}${ext}`);
      await saveKerasModel(model, file);
      jobs.push({ model: file, input: x, ours });
    }
  }
  const results = kerasPredict(jobs);
  results.forEach((r, i) => {
    const d = maxAbsDiff(r.values, jobs[i].ours);
    assert.ok(d <= TOLERANCE, `${path.basename(jobs[i].model)}: Keras predicts ${d} away from us`);
    assert.equal(r.params, cases[Math.floor(i / 2)][1].countParams());
  });
  cases.forEach(([, m, x]) => {
    m.dispose();
    x.dispose();
  });
});

test("the .keras archive holds what Keras writes: config.json, metadata.json, model.weights.h5", { skip }, async () => {
  const m = arch.regressionDense();
  const file = path.join(out, "layout.keras");
  await saveKerasModel(m, file);
  const zip = new ZipReader(fs.readFileSync(file), file);
  assert.deepEqual(zip.names().sort(), ["config.json", "metadata.json", "model.weights.h5"]);
  const config = JSON.parse(zip.read("config.json").toString("utf8"));
  assert.equal(config.class_name, "Sequential");
  assert.deepEqual(config.config.layers.map((l: { class_name: string }) => l.class_name), ["InputLayer", "Dense", "Dense", "Dense"]);
  m.dispose();
});

test("saving is crash-safe: written aside and renamed, an old file survives a failed save, no leftovers", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keras-safe-"));
  const file = path.join(dir, "best.h5");
  const good = arch.regressionDense();
  await saveKerasModel(good, file);
  const first = fs.readFileSync(file);
  // A model with a layer Keras files cannot describe here: the save fails and the old file stays.
  const odd = tf.sequential({ layers: [tf.layers.simpleRNN({ units: 2, inputShape: [3, 1] })] });
  for (const target of [file, path.join(dir, "best.keras")]) {
    await assert.rejects(saveKerasModel(odd, target), /layer 'simple_rnn_SimpleRNN\d+' \(SimpleRNN\): this layer type has no Keras translation/);
  }
  assert.deepEqual(fs.readFileSync(file), first);
  assert.deepEqual(fs.readdirSync(dir), ["best.h5"], "no temporary files left");
  await saveKerasModel(good, file);
  assert.deepEqual(fs.readdirSync(dir), ["best.h5"]);
  await assert.rejects(saveKerasModel(good, path.join(dir, "best.json")), /should end in \.keras .* or \.h5/);
  good.dispose();
  odd.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});
