import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { categoricalCrossentropyPerExample, GaussianSampling, klTerm, variationalLoss } from "../../lib/models/variational";
import { fitVariational } from "../../lib/training/fit-variational";
import { setSeed, restoreMathRandom } from "../../lib/random/rng";

test("klTerm is -1/2 * mean(1 + lv - mu^2 - exp(lv)) per example, by hand", () => {
  const mu = [[0.5, -1, 2], [0, 0, 0]];
  const lv = [[0.1, -0.7, 1.2], [0, 0, 0]];
  const expected = mu.map((row, i) => -0.5 * row.reduce((s, m, j) => s + (1 + lv[i][j] - m * m - Math.exp(lv[i][j])), 0) / row.length);
  const before = tf.memory().numTensors;
  const m = tf.tensor2d(mu);
  const l = tf.tensor2d(lv);
  const k = klTerm(m, l);
  const got = Array.from(k.dataSync());
  tf.dispose([m, l, k]);
  assert.equal(tf.memory().numTensors, before);
  got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `${v} vs ${expected[i]}`));
  assert.ok(got[1] === 0, "a standard normal costs nothing");
  assert.throws(() => klTerm(tf.zeros([2, 3]), tf.zeros([2, 4])), /same|both/);
});

test("the loss is cross-entropy + KL, averaged over the batch", () => {
  tf.tidy(() => {
    const y = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
    const p = tf.tensor2d([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]]);
    const m = tf.tensor2d([[1, 0], [0, -1]]);
    const lv = tf.tensor2d([[0, 0.5], [-0.5, 0]]);
    const ce = (-Math.log(0.7) - Math.log(0.4)) / 2;
    const klRows = [[1, 0, 0, 0.5], [0, -1, -0.5, 0]].map(([a, b, c, d]) => -0.5 * ((1 + c - a * a - Math.exp(c)) + (1 + d - b * b - Math.exp(d))) / 2);
    const kl = (klRows[0] + klRows[1]) / 2;
    const l = variationalLoss(y, p, m, lv);
    assert.ok(Math.abs(l.ce.dataSync()[0] - ce) < 1e-6);
    assert.ok(Math.abs(l.kl.dataSync()[0] - kl) < 1e-6);
    assert.ok(Math.abs(l.loss.dataSync()[0] - (ce + kl)) < 1e-6);
    assert.ok(Math.abs(categoricalCrossentropyPerExample(y, tf.tensor2d([[0, 0.5, 0.5], [0, 0, 1]])).dataSync()[0] - -Math.log(1e-7)) < 1e-3, "clipped like Keras");
  });
});

test("GaussianSampling: z = mu + exp(lv/2) eps, seeded, fresh draws each call", () => {
  const layer = new GaussianSampling({ seed: 7 });
  const n = 20000;
  tf.tidy(() => {
    const mu = tf.fill([n, 2], 0).add(tf.tensor1d([1.5, -2]));
    const lv = tf.fill([n, 2], 0).add(tf.tensor1d([Math.log(0.25), Math.log(4)]));
    const z = layer.apply([mu, lv]) as tf.Tensor;
    const { mean, variance } = tf.moments(z, 0);
    const m = mean.dataSync();
    const v = variance.dataSync();
    assert.ok(Math.abs(m[0] - 1.5) < 0.02 && Math.abs(m[1] + 2) < 0.06, `means ${m}`);
    assert.ok(Math.abs(v[0] - 0.25) < 0.02 && Math.abs(v[1] - 4) < 0.2, `variances ${v}`);
    const z2 = layer.apply([mu, lv]) as tf.Tensor;
    assert.ok(z2.sub(z).abs().max().dataSync()[0] > 0.1, "a second call draws again");
    layer.reseed(7);
    const z3 = layer.apply([mu, lv]) as tf.Tensor;
    assert.equal(z3.sub(z).abs().max().dataSync()[0], 0, "same seed, same draws");
  });
  assert.throws(() => new GaussianSampling({ epsilonStd: 0 }), /epsilonStd/);
});

function toyVnn(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const h = tf.layers.dense({ units: 8, activation: "relu" }).apply(input) as tf.SymbolicTensor;
  const zMean = tf.layers.dense({ units: 2, name: "z_mean" }).apply(h) as tf.SymbolicTensor;
  const zLogVar = tf.layers.dense({ units: 2, name: "z_log_var" }).apply(h) as tf.SymbolicTensor;
  const z = new GaussianSampling({ name: "sampling" }).apply([zMean, zLogVar]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(z) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function toyData(): [tf.Tensor2D, tf.Tensor2D] {
  const rows = Array.from({ length: 90 }, (_, i) => i % 3);
  const x = tf.tensor2d(rows.map((c, i) => [c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0, (i % 7) / 7]));
  const y = tf.oneHot(tf.tensor1d(rows, "int32"), 3).toFloat() as tf.Tensor2D;
  return [x, y];
}

test("fitVariational learns, reports CE + KL, leaks nothing and repeats with the same seed", async () => {
  const run = async () => {
    setSeed(99);
    const model = toyVnn();
    const [x, y] = toyData();
    const optimizer = tf.train.adam(0.03);
    const before = tf.memory().numTensors;
    const h = await fitVariational(model, x, y, { zMean: "z_mean", zLogVar: "z_log_var", epochs: 30, batchSize: 16, optimizer, seed: 5, validationData: [x, y] });
    // Adam's moments are the only new tensors (two per trained weight).
    assert.equal(tf.memory().numTensors - before, 2 * model.trainableWeights.length);
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
    return { h, weights };
  };
  try {
    const a = await run();
    const loss = a.h.history.loss;
    assert.equal(loss.length, 30);
    assert.ok(loss[loss.length - 1] < loss[0] * 0.6, `loss fell: ${loss[0]} -> ${loss[loss.length - 1]}`);
    a.h.history.loss.forEach((l, i) => assert.ok(Math.abs(l - (a.h.history.ce[i] + a.h.history.kl[i])) < 1e-5));
    assert.ok(a.h.history.kl.every((k) => k >= 0), "KL is never negative");
    assert.ok(a.h.history.acc[29] > 0.75, `accuracy ${a.h.history.acc[29]}`);
    assert.ok(a.h.history.val_acc[29] > 0.75, `val accuracy ${a.h.history.val_acc[29]}`);
    const b = await run();
    assert.deepEqual(b.weights, a.weights, "same seed, same weights");
  } finally {
    restoreMathRandom();
  }
});

test("fitVariational: clear errors", async () => {
  const model = toyVnn();
  const [x, y] = toyData();
  await assert.rejects(fitVariational(model, x, y, { zMean: "mu", zLogVar: "z_log_var", epochs: 1, batchSize: 8 }), /no layer named "mu"/);
  await assert.rejects(fitVariational(model, x, y, { zMean: "z_mean", zLogVar: "z_log_var", epochs: 0, batchSize: 8 }), /epochs/);
  await assert.rejects(fitVariational(model, x, y.slice(0, 10), { zMean: "z_mean", zLogVar: "z_log_var", epochs: 1, batchSize: 8 }), /90 inputs but 10 targets/);
  tf.dispose([x, y]);
  model.dispose();
});
