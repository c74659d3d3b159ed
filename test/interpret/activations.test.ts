import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { activationModel, activations, featureMaps, findLayer, range01, realLayers } from "../../lib/interpret/activations";

tf.enableProdMode();
const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** A small copy of the course's MNIST convnet (conv/pool/conv/pool/conv/flatten/dense/dense). */
function smallConvnet(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: init(1) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: "relu", kernelInitializer: init(2) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: init(3) }));
  return m;
}

test("outputs of the first k layers have the layers' output shapes", () => {
  const model = smallConvnet();
  const sub = activationModel(model, 3);
  const x = tf.randomUniform([2, 12, 12, 1], 0, 1, "float32", 5);
  const outs = sub.predict(x) as tf.Tensor[];
  assert.equal(outs.length, 3);
  realLayers(model)
    .slice(0, 3)
    .forEach((layer, i) => assert.deepEqual(outs[i].shape, [2, ...(layer.outputShape as number[]).slice(1)]));
  assert.deepEqual(outs.map((o) => o.shape), [[2, 10, 10, 4], [2, 5, 5, 4], [2, 3, 3, 6]]);
  tf.dispose([x, ...outs]);
});

test("the activation model shares the weights: its last layer equals the model's prediction", () => {
  const model = smallConvnet();
  const x = tf.randomUniform([3, 12, 12, 1], 0, 1, "float32", 6);
  const all = activations(model, x, realLayers(model).length);
  const direct = model.predict(x) as tf.Tensor;
  const diff = tf.tidy(() => all[all.length - 1].values.sub(direct).abs().max().dataSync()[0]);
  assert.ok(diff < 1e-6);
  assert.deepEqual(all.map((a) => a.layerClass), ["Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dense"]);
  tf.dispose([x, direct, ...all.map((a) => a.values)]);
});

test("functional models and named layers work; the InputLayer is not counted", () => {
  const input = tf.input({ shape: [8, 8, 2] });
  const c1 = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", name: "first_conv" }).apply(input) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, name: "conv_last" }).apply(c1) as tf.SymbolicTensor;
  const out = tf.layers.globalAveragePooling2d({}).apply(c2) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  assert.equal(model.layers[0].getClassName(), "InputLayer");
  assert.equal(findLayer(model, 0).name, "first_conv");
  const x = tf.ones([1, 8, 8, 2]);
  const acts = activations(model, x, ["conv_last", 0]);
  assert.deepEqual(acts.map((a) => [a.layerName, a.values.shape]), [["conv_last", [1, 3, 3, 5]], ["first_conv", [1, 8, 8, 3]]]);
  tf.dispose([x, ...acts.map((a) => a.values)]);
});

test("feature maps are [h][w] arrays per channel, read from the right place", () => {
  // values[b, r, c, ch] = 1000 b + 100 r + 10 c + ch
  const t = tf.tidy(() => {
    const vals: number[] = [];
    for (let b = 0; b < 2; b++) for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) for (let ch = 0; ch < 5; ch++) vals.push(1000 * b + 100 * r + 10 * c + ch);
    return tf.tensor4d(vals, [2, 3, 4, 5]);
  });
  const before = tf.memory().numTensors;
  const maps = featureMaps(t, { example: 1, channels: [4, 0] });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(maps.length, 2);
  assert.equal(maps[0].length, 3);
  assert.equal(maps[0][0].length, 4);
  assert.equal(maps[0][2][3], 1234);
  assert.equal(maps[1][1][2], 1120);
  const scaled = featureMaps(t, { rescale: true })[0];
  assert.equal(scaled[0][0], 0);
  assert.equal(scaled[2][3], 1);
  assert.throws(() => featureMaps(t, { example: 2 }), /example 2 is outside 0..1/);
  assert.throws(() => featureMaps(t, { channels: [5] }), /channel 5 is outside 0..4/);
  assert.throws(() => featureMaps(tf.zeros([2, 3])), /expected a \[batch, height, width, channels\]/);
  t.dispose();
  assert.deepEqual(range01([[2, 2]]), [[0, 0]]);
});

test("no tensors are left behind by building and running activation models", () => {
  const model = smallConvnet();
  const x = tf.ones([1, 12, 12, 1]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const acts = activations(model, x, [0, 2]);
    featureMaps(acts[0].values);
    tf.dispose(acts.map((a) => a.values));
  }
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

test("bad layer choices are explained", () => {
  const model = smallConvnet();
  assert.throws(() => activationModel(model, 9), /first 9 layers of a model with 5/);
  assert.throws(() => activationModel(model, 0), /first 0 layers/);
  assert.throws(() => activationModel(model, []), /no layers chosen/);
  assert.throws(() => findLayer(model, 5), /layer index 5 is outside 0..4/);
  assert.throws(() => findLayer(model, "conv_9"), /no layer named "conv_9"; the layers are: conv2d/);
});
