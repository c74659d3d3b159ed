/**
 * ReLU's gradient as TensorFlow's ReluGrad on native (lib/backend/native-relu-grad.ts), with the lean
 * backward pass (lib/backend/lean-backprop.ts): training on native gives exactly the numbers of tf.js's
 * own gradient and tape, and one step holds less memory.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { listBackends } from "../../lib/backend/select-backend";
import { registerNativeReluGrad, unregisterNativeReluGrad } from "../../lib/backend/native-relu-grad";
import { installLeanBackprop, uninstallLeanBackprop } from "../../lib/backend/lean-backprop";
import { setSeed } from "../../lib/random/rng";

function cnn(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [30, 40, 3], filters: 8, kernelSize: 5, activation: "relu" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: "relu" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 16, activation: "relu" }));
  m.add(tf.layers.dropout({ rate: 0.3 }));
  m.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
  m.compile({ loss: "binaryCrossentropy", optimizer: "adam", metrics: ["binaryAccuracy"] });
  return m;
}

async function train(): Promise<{ history: unknown; weights: number[][]; peakBytes: number }> {
  setSeed(11);
  const x = tf.randomUniform([60, 30, 40, 3], -1, 1, "float32", 3);
  const y = tf.tensor2d(Array.from({ length: 60 }, (_, i) => [i % 2]));
  const m = cnn();
  const h = await m.fit(x, y, { epochs: 3, batchSize: 20, validationSplit: 0.2, verbose: 0 });
  const profile = await tf.profile(async () => {
    await m.trainOnBatch(x, y);
  });
  const weights = m.getWeights().map((w) => Array.from(w.dataSync()));
  m.dispose();
  tf.dispose([x, y]);
  return { history: h.history, weights, peakBytes: profile.peakBytes };
}

test("on native TensorFlow, ReluGrad and the lean backward pass train to exactly the same numbers with less memory", async (t) => {
  const all = await listBackends();
  if (!all.some((b) => b.name === "tensorflow" && b.available)) return t.skip("native TensorFlow is not available here");
  assert.ok(await tf.setBackend("tensorflow"));
  const plain = await train();
  assert.ok(registerNativeReluGrad());
  installLeanBackprop();
  try {
    const lean = await train();
    assert.deepEqual(lean.history, plain.history);
    assert.deepEqual(lean.weights, plain.weights);
    assert.ok(lean.peakBytes < plain.peakBytes * 0.85, `peak of one step: ${lean.peakBytes} bytes now, ${plain.peakBytes} before`);
  } finally {
    uninstallLeanBackprop();
    unregisterNativeReluGrad();
  }
});
