import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { convolutionalBase, loadPretrainedNetwork, parameterCounts, unfreezeOnly } from "../../lib/models/transfer";
import { InputAdapter } from "../../lib/models/input-adapter";
import { saveModel, loadModel } from "../../lib/io/model-files";

tf.enableProdMode();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "transfer-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A small "pretrained" image network: two conv stages and a dense head, on 12 × 16 × 3 inputs. */
function smallNet(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [12, 16, 3], filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 5, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return m;
}

function weightsByName(m: tf.LayersModel): Map<string, Float32Array> {
  return new Map(m.weights.map((w) => [w.originalName, Float32Array.from(w.read().dataSync())]));
}

function changed(a: Map<string, Float32Array>, b: Map<string, Float32Array>): string[] {
  return [...a.keys()].filter((k) => a.get(k)!.some((v, i) => v !== b.get(k)![i])).sort();
}

/** Input layer, base, new head of 3 classes: how the chapter builds its transfer model. */
function withHead(base: tf.LayersModel, frameShape: number[]): tf.Sequential {
  const t = tf.sequential();
  t.add(tf.layers.inputLayer({ inputShape: frameShape }));
  t.add(base);
  t.add(tf.layers.flatten());
  t.add(tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  return t;
}

test("the base stops before Flatten, is an independent copy, and predicts what the original's layers compute", async () => {
  const before = tf.memory().numTensors;
  const net = smallNet();
  const b = await convolutionalBase({ model: net });
  assert.equal(b.adapted, false);
  assert.deepEqual(b.networkInputShape, [12, 16, 3]);
  assert.deepEqual(b.outputShape, [3, 5, 6]);
  assert.equal(b.convLayers.length, 2);
  assert.equal(b.layerNames.length, 3);
  const x = tf.randomUniform([2, 12, 16, 3], 0, 1, "float32", 5);
  const cut = tf.model({ inputs: net.inputs, outputs: net.layers[2].output as tf.SymbolicTensor });
  const want = cut.predict(x) as tf.Tensor;
  const got = b.model.predict(x) as tf.Tensor;
  assert.deepEqual(Array.from(got.dataSync()), Array.from(want.dataSync()));
  tf.dispose([want, got]);
  net.dispose();
  const again = b.model.predict(x) as tf.Tensor;
  assert.equal(again.shape[3], 6, "still works after the original is disposed");
  tf.dispose([x, again]);
  b.model.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
});

test("freezing keeps the base's weights fixed during fit while the head learns; fine-tuning moves only the top conv layer", async () => {
  const net = smallNet();
  const b = await convolutionalBase({ model: net });
  net.dispose();
  const model = withHead(b.model, [12, 16, 3]);
  b.model.trainable = false;
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  const counts = parameterCounts(model);
  const baseParams = (3 * 3 * 3 * 4 + 4) + (3 * 3 * 4 * 6 + 6);
  assert.deepEqual(counts, { trainable: 3 * 5 * 6 * 3 + 3, nonTrainable: baseParams, total: baseParams + 273 });
  const x = tf.randomUniform([16, 12, 16, 3], 0, 1, "float32", 6);
  const y = tf.oneHot(tf.tensor1d([...Array(16).keys()].map((i) => i % 3), "int32"), 3).toFloat();
  const w0 = weightsByName(model);
  await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
  const w1 = weightsByName(model);
  const head = [...w0.keys()].filter((k) => k.startsWith("dense"));
  assert.deepEqual(changed(w0, w1), head.sort(), "only the head changed");

  unfreezeOnly(b.model, [b.convLayers[1]]);
  model.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy" });
  assert.equal(parameterCounts(model).trainable, 273 + 3 * 3 * 4 * 6 + 6);
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // creates Adam's slots for the new weights
  const before = tf.memory().numTensors;
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  assert.equal(tf.memory().numTensors, before, "fit leaks no tensors");
  const w2 = weightsByName(model);
  const conv2 = [...w0.keys()].filter((k) => k.startsWith(b.convLayers[1]));
  assert.deepEqual(changed(w1, w2), [...head, ...conv2].sort(), "head and top conv changed, the first conv did not");
  assert.throws(() => unfreezeOnly(b.model, ["nope"]), /the base has no layer 'nope'/);
  tf.dispose([x, y]);
  model.dispose();
});

test("a network saved in a folder the user names: loaded, cut, adapted to other frames and value range, frozen, trained", async () => {
  const folder = path.join(dir, "my-pretrained-net");
  const net = smallNet();
  await saveModel(net, folder);
  const reference = weightsByName(net);
  net.dispose();
  const loaded = await loadPretrainedNetwork(folder);
  const b = await convolutionalBase({ model: loaded, frameShape: [9, 20, 3], inputRange: [-1, 1] });
  loaded.dispose();
  assert.equal(b.adapted, true);
  assert.match(b.description, /frames \[9, 20, 3\] are resized to 12 × 16 and rescaled to \[-1, 1\] first/);
  const model = withHead(b.model, [9, 20, 3]);
  b.model.trainable = false;
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  const x = tf.randomUniform([6, 9, 20, 3], 0, 1, "float32", 8);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], "int32"), 3).toFloat();
  const w0 = weightsByName(model);
  await model.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 });
  const w1 = weightsByName(model);
  const convNames = [...w0.keys()].filter((k) => k.startsWith("conv"));
  assert.ok(convNames.length === 4);
  assert.deepEqual(changed(w0, w1).filter((k) => convNames.includes(k)), [], "the loaded convolutions stay as saved");
  for (const k of convNames) assert.deepEqual(w1.get(k), reference.get(k), `${k} equals the saved weights`);
  // the adapter is a registered layer: the whole transfer model saves and loads
  const again = path.join(dir, "transfer-saved");
  await saveModel(model, again);
  const reloaded = await loadModel(again);
  const p1 = model.predict(x) as tf.Tensor;
  const p2 = reloaded.predict(x) as tf.Tensor;
  assert.deepEqual(Array.from(p2.dataSync()), Array.from(p1.dataSync()));
  tf.dispose([x, y, p1, p2]);
  model.dispose();
  reloaded.dispose();
});

test("the input adapter resizes and rescales like tf.image", () => {
  const layer = new InputAdapter({ height: 4, width: 6, scale: 2, offset: -1 });
  const x = tf.randomUniform([2, 8, 3, 3], 0, 1, "float32", 3);
  const got = layer.apply(x) as tf.Tensor;
  const want = tf.tidy(() => tf.image.resizeBilinear(x as tf.Tensor4D, [4, 6], false, true).mul(2).sub(1));
  assert.deepEqual(got.shape, [2, 4, 6, 3]);
  assert.ok(tf.tidy(() => got.sub(want).abs().max().dataSync()[0]) < 1e-6);
  assert.deepEqual(layer.computeOutputShape([null, 8, 3, 3]), [null, 4, 6, 3]);
  tf.dispose([x, got, want]);
  assert.throws(() => new InputAdapter({ height: 0, width: 3 }), /height must be a positive whole number/);
});

test("clear errors for folders that hold no usable network and for networks without a convolutional base", async () => {
  await assert.rejects(loadPretrainedNetwork(path.join(dir, "absent")), /no folder .*absent/);
  const h5 = path.join(dir, "keras-only");
  fs.mkdirSync(h5);
  fs.writeFileSync(path.join(h5, "net.h5"), "x");
  await assert.rejects(loadPretrainedNetwork(h5), /has no model.json.*net\.h5: load Keras files with dl.loadKerasModel/);
  const graph = path.join(dir, "graph");
  fs.mkdirSync(graph);
  fs.writeFileSync(path.join(graph, "model.json"), JSON.stringify({ format: "graph-model", modelTopology: {} }));
  await assert.rejects(loadPretrainedNetwork(graph), /graph model, which cannot be cut or retrained/);
  const broken = path.join(dir, "broken");
  fs.mkdirSync(broken);
  fs.writeFileSync(path.join(broken, "model.json"), "{not json");
  await assert.rejects(loadPretrainedNetwork(broken), /model.json is not valid JSON/);
  const dense = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 3] }), tf.layers.dense({ units: 2 })] });
  await assert.rejects(convolutionalBase({ model: dense }), /starts with Flatten: it has no convolutional base/);
  const net = smallNet();
  await assert.rejects(convolutionalBase({ model: net, upTo: "nope" }), /no layer 'nope'; its layers are/);
  await assert.rejects(convolutionalBase({ model: net, frameShape: [12, 16, 1] }), /same number of channels/);
  dense.dispose();
  net.dispose();
});
