/**
 * Reading Keras configs whose settings Keras accepts and tf.js's own layers refuse (the entries of
 * lib/io/keras/layer-table.ts translate them; the ones with no counterpart are named in the error). No Keras needed.
 * The same settings in files written by real Keras are in keras-load.test.ts (course-densemodel,
 * flatten-functional, keras-only-settings).
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../lib/backend/select-backend";
import { modelFromKerasConfig } from "../../lib/io/keras/config-to-layers";
import { kerasFlatten } from "../../lib/io/keras/keras-translate";

before(async () => {
  await selectBackend({ prefer: "cpu", quiet: true });
});

function sequentialConfig(layers: { class_name: string; config: Record<string, unknown> }[]) {
  return { class_name: "Sequential", config: { name: "s", layers } };
}

test("tf.js's own Flatten refuses a flat input; the translated one passes it through as Keras does", () => {
  assert.throws(() => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [1] })] }), /min_ndim=3, found ndim=2/);
  const m = tf.sequential({ layers: [kerasFlatten({ inputShape: [3] })] });
  assert.deepEqual(m.outputs[0].shape, [null, 3]);
  assert.equal(m.layers[0].getClassName(), "Flatten");
  const y = tf.tidy(() => Array.from((m.predict(tf.tensor2d([[1, 2, 3]])) as tf.Tensor).dataSync()));
  assert.deepEqual(y, [1, 2, 3]);
  // Still flattens what it should.
  const img = tf.sequential({ layers: [kerasFlatten({ inputShape: [2, 3, 4] })] });
  assert.deepEqual(img.outputs[0].shape, [null, 24]);
  m.dispose();
  img.dispose();
});

test("the course's densemodel.h5 config (R keras: layer_flatten(input_shape = 1) first) rebuilds with 261 parameters", () => {
  const cfg = sequentialConfig([
    { class_name: "Flatten", config: { name: "flatten", batch_input_shape: [null, 1], data_format: "channels_last" } },
    { class_name: "Dense", config: { name: "dense", units: 10, activation: "relu" } },
    { class_name: "Dense", config: { name: "dense_1", units: 20, activation: "relu" } },
    { class_name: "Dense", config: { name: "dense_2", units: 1, activation: "linear" } },
  ]);
  const m = modelFromKerasConfig(cfg, "densemodel.h5");
  assert.equal(m.countParams(), 261);
  assert.deepEqual(m.layers.map((l) => l.name), ["flatten", "dense", "dense_1", "dense_2"]);
  m.dispose();
});

test("constraints are left out (they act only in Keras's training steps); a Dropout noise shape and Keras 2 / Keras 3 spellings of activation layers are carried over", () => {
  const cfg = sequentialConfig([
    { class_name: "Dense", config: { name: "d", units: 4, batch_input_shape: [null, 3], kernel_constraint: { class_name: "MaxNorm", config: { max_value: 2, axis: 0 } } } },
    { class_name: "LeakyReLU", config: { name: "k2", alpha: 0.25 } },
    { class_name: "LeakyReLU", config: { name: "k3", negative_slope: 0.1 } },
    { class_name: "Dropout", config: { name: "drop", rate: 0.5, noise_shape: [null, 1] } },
    { class_name: "ReLU", config: { name: "r", max_value: 6, negative_slope: 0, threshold: 0 } },
    { class_name: "Softmax", config: { name: "sm", axis: -1 } },
  ]);
  const m = modelFromKerasConfig(cfg, "cfg");
  const leaky = m.layers.slice(1, 3).map((l) => (l.getConfig() as { alpha: number }).alpha);
  assert.deepEqual(leaky, [0.25, 0.1]);
  assert.equal((m.layers[0].getConfig() as { kernelConstraint: unknown }).kernelConstraint, null);
  assert.deepEqual((m.layers[3].getConfig() as { noiseShape: unknown }).noiseShape, [null, 1]);
  m.dispose();
});

test("settings with no tf.js counterpart are named, with the layer", () => {
  const one = (layer: { class_name: string; config: Record<string, unknown> }) =>
    modelFromKerasConfig(sequentialConfig([{ class_name: "Dense", config: { name: "d0", units: 2, batch_input_shape: [null, 3] } }, layer]), "f.h5");
  assert.throws(() => one({ class_name: "ELU", config: { name: "e", alpha: 0.7 } }), /f\.h5, layer 'e' \(ELU\): ELU with alpha 0\.7 has no TensorFlow\.js counterpart/);
  assert.throws(() => one({ class_name: "ReLU", config: { name: "r", negative_slope: 0.1 } }), /layer 'r' \(ReLU\): ReLU with negative_slope 0\.1/);
  assert.throws(() => one({ class_name: "Dense", config: { name: "d", units: 2, activation: "leaky_relu" } }), /layer 'd' \(Dense\): activation 'leaky_relu' has no TensorFlow\.js counterpart/);
});
