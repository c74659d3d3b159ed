import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { installLeanBackprop, uninstallLeanBackprop } from "../../lib/backend/lean-backprop";
import { setSeed } from "../../lib/random/rng";

function cnn(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [18, 24, 3], filters: 6, kernelSize: 3, activation: "relu" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: "relu" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 10, activation: "relu" }));
  m.add(tf.layers.dropout({ rate: 0.3 }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax" }));
  m.compile({ loss: "categoricalCrossentropy", optimizer: "adam", metrics: ["categoricalAccuracy"] });
  return m;
}

async function run(lean: boolean): Promise<{ history: unknown; weights: number[][]; peakBytes: number; tensorsAfter: number }> {
  if (lean) installLeanBackprop();
  else uninstallLeanBackprop();
  setSeed(7);
  const x = tf.randomUniform([40, 18, 24, 3], 0, 1, "float32", 1);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 3), "int32"), 3);
  const m = cnn();
  const before = tf.memory().numTensors;
  const h = await m.fit(x, y, { epochs: 3, batchSize: 10, validationSplit: 0.25, verbose: 0 });
  const profile = await tf.profile(async () => {
    await m.trainOnBatch(x, y);
  });
  const weights = m.getWeights().map((w) => Array.from(w.dataSync()));
  const tensorsAfter = tf.memory().numTensors - before;
  m.dispose();
  tf.dispose([x, y]);
  return { history: h.history, weights, peakBytes: profile.peakBytes, tensorsAfter };
}

test("training with the lean backward pass gives exactly the same numbers and peaks lower", async () => {
  const plain = await run(false);
  const lean = await run(true);
  uninstallLeanBackprop();
  assert.deepEqual(lean.history, plain.history);
  assert.deepEqual(lean.weights, plain.weights);
  assert.equal(lean.tensorsAfter, plain.tensorsAfter, "no tensor left behind or lost");
  assert.ok(lean.peakBytes < plain.peakBytes * 0.9, `peak of one step: ${lean.peakBytes} bytes with, ${plain.peakBytes} without`);
});

test("gradients of gradients and a caller's dy are left alone", () => {
  installLeanBackprop();
  try {
    const f = (x: tf.Tensor) => x.square().mul(x).sum(); // x³
    const g2 = tf.grad(tf.grad(f)); // 6x
    const x = tf.tensor1d([1, 2, 3]);
    assert.deepEqual(Array.from(g2(x).dataSync()), [6, 12, 18]);
    const dy = tf.tensor1d([1, 1, 1]);
    const g = tf.grad((v: tf.Tensor) => v.square());
    assert.deepEqual(Array.from(g(x, dy).dataSync()), [2, 4, 6]);
    assert.equal(dy.isDisposed, false);
    tf.dispose([x, dy]);
  } finally {
    uninstallLeanBackprop();
  }
});
