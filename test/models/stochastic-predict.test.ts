import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { stochasticPredict } from "../../lib/models/stochastic-predict";
import { GaussianSampling } from "../../lib/models/variational";
import { setSeed, restoreMathRandom } from "../../lib/random/rng";
import { DisplayMessage, setDisplaySink } from "../../lib/kernel/mime";
import { requestInterrupt } from "../../lib/kernel/interrupt";

function dropoutNet(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, activation: "relu" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 16, activation: "relu" }));
  m.add(tf.layers.dropout({ rate: 0.5 }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax" }));
  return m;
}

test("MC dropout: draws differ, are valid probabilities, and match the whole model run with dropout on", async () => {
  setSeed(3);
  try {
    const m = dropoutNet();
    const x = tf.randomUniform([5, 6, 6, 1], 0, 1, "float32", 1);
    const before = tf.memory().numTensors;
    const p = await stochasticPredict(m, x, { samples: 400, batchSize: 2, maxRows: 50 });
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    assert.equal(p.n, 5);
    assert.equal(p.samples, 400);
    for (let i = 0; i < 5; i++) {
      const sums = Array.from({ length: 400 }, (_, s) => [0, 1, 2].reduce((a, c) => a + p.draws(i, c)[s], 0));
      assert.ok(sums.every((v) => Math.abs(v - 1) < 1e-5));
      assert.ok(p.sd()[i].some((v) => v > 1e-3), `image ${i} varies`);
    }
    // Reference: the whole model called with training on (dropout drops) many times; the means agree.
    const ref = tf.tidy(() => tf.stack(Array.from({ length: 400 }, () => m.apply(x, { training: true }) as tf.Tensor)).mean(0));
    const refMean = ref.arraySync() as number[][];
    ref.dispose();
    const mean = p.mean();
    mean.forEach((row, i) => row.forEach((v, c) => assert.ok(Math.abs(v - refMean[i][c]) < 0.03, `mean ${v} vs ${refMean[i][c]}`)));
    // Dropout off: the plain prediction lies inside the cloud of draws' range.
    const plain = (m.predict(x) as tf.Tensor).arraySync() as number[][];
    plain.forEach((row, i) => row.forEach((v, c) => {
      const d = Array.from(p.draws(i, c));
      assert.ok(v >= Math.min(...d) - 1e-6 && v <= Math.max(...d) + 1e-6);
    }));
    assert.equal(p.draw(0).length, 5);
    assert.equal(p.entropy().length, 5);
    tf.dispose(x);
    m.dispose();
  } finally {
    restoreMathRandom();
  }
});

test("seeded: the same seed gives the same draws", async () => {
  const once = async () => {
    setSeed(11);
    const m = dropoutNet();
    const x = tf.ones([2, 6, 6, 1]);
    const p = await stochasticPredict(m, x, { samples: 20 });
    tf.dispose(x);
    m.dispose();
    return Array.from(p.data);
  };
  try {
    assert.deepEqual(await once(), await once());
  } finally {
    restoreMathRandom();
  }
});

test("a sampling layer in a functional graph: only the head runs per draw, results match the full model", async () => {
  setSeed(5);
  try {
    const input = tf.input({ shape: [4] });
    const h = tf.layers.dense({ units: 6, activation: "relu" }).apply(input) as tf.SymbolicTensor;
    const zm = tf.layers.dense({ units: 2 }).apply(h) as tf.SymbolicTensor;
    const zl = tf.layers.dense({ units: 2, biasInitializer: "ones" }).apply(h) as tf.SymbolicTensor;
    const sampler = new GaussianSampling({ seed: 100 });
    const z = sampler.apply([zm, zl]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(z) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const x = tf.tensor2d([[1, 0, 0, 1], [0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5]]);
    const p = await stochasticPredict(model, x, { samples: 8 });
    // The same ε stream through the whole model: with the seed reset and one call of 8 × 3 rows
    // ordered image-major, the fast path must give exactly what the full model gives.
    sampler.reseed(100);
    const tiled = tf.tidy(() => tf.tile(x.expandDims(1), [1, 8, 1]).reshape([24, 4]));
    const full = tf.tidy(() => (model.predict(tiled) as tf.Tensor).arraySync() as number[][]);
    tiled.dispose();
    for (let i = 0; i < 3; i++) for (let s = 0; s < 8; s++) for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(p.draws(i, c)[s] - full[i * 8 + s][c]) < 1e-5);
    }
    tf.dispose(x);
    model.dispose();
  } finally {
    restoreMathRandom();
  }
});

test("clear errors: no random layer, bad sample count, bad indices", async () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [2], units: 3, activation: "softmax" }));
  const x = tf.ones([1, 2]);
  await assert.rejects(stochasticPredict(m, x, { samples: 10 }), /no random layer/);
  const d = dropoutNet();
  const x6 = tf.ones([1, 6, 6, 1]);
  await assert.rejects(stochasticPredict(d, x6, { samples: 0 }), /samples must be/);
  const p = await stochasticPredict(d, x6, { samples: 3 });
  assert.throws(() => p.draws(1, 0), /image 1 is outside 0..0/);
  assert.throws(() => p.draws(0, 3), /class 3 is outside/);
  tf.dispose([x, x6]);
  m.dispose();
  d.dispose();
});

test("a live progress line: one display ending on the closing line, and the same draws as without it", async () => {
  const run = async (progress: boolean) => {
    setSeed(21);
    const m = dropoutNet();
    const x = tf.ones([6, 6, 6, 1]);
    const sent: { message: DisplayMessage; update: boolean }[] = [];
    setDisplaySink((message, update) => sent.push({ message, update }));
    try {
      const p = await stochasticPredict(m, x, { samples: 50, batchSize: 4, maxRows: 40, progress: progress });
      return { data: Array.from(p.data), sent };
    } finally {
      setDisplaySink(null);
      tf.dispose(x);
      m.dispose();
    }
  };
  try {
    const quiet = await run(false);
    const live = await run(true);
    assert.deepEqual(live.data, quiet.data);
    assert.equal(quiet.sent.length, 0);
    assert.ok(live.sent.length >= 2);
    assert.equal(new Set(live.sent.map((s) => s.message.transient.display_id)).size, 1);
    assert.deepEqual(live.sent.map((s) => s.update), live.sent.map((_, i) => i > 0));
    assert.match(live.sent[0].message.data["text/plain"] as string, /^Predicting 6 images × 50 draws: ░+ 0\/300 predictions \(0%\)$/);
    assert.match(live.sent[live.sent.length - 1].message.data["text/plain"] as string, /^Made 300 predictions in [\d.]+ m?s \([\d,.]+ per s\)$/);
  } finally {
    restoreMathRandom();
  }
});

test("an interrupt stops the predictions with an error and leaves no tensor behind", async () => {
  const m = dropoutNet();
  const x = tf.ones([8, 6, 6, 1]);
  const before = tf.memory().numTensors;
  const sent: string[] = [];
  // The interrupt arrives as the line first shows, after the first chunk of 20 predictions.
  setDisplaySink((message, update) => {
    sent.push(message.data["text/plain"] as string);
    if (!update) requestInterrupt();
  });
  try {
    await assert.rejects(stochasticPredict(m, x, { samples: 100, batchSize: 2, maxRows: 20 }),
      /^Error: Predicting 8 images × 100 draws: interrupted after 20 of 800 predictions/);
  } finally {
    setDisplaySink(null);
  }
  assert.equal(tf.memory().numTensors, before);
  assert.match(sent[sent.length - 1], /^Predicting 8 images × 100 draws: stopped \(interrupted\) after 20\/800 predictions/);
  tf.dispose(x);
  m.dispose();
});
