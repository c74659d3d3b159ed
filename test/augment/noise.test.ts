import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { addGaussianNoise, frameSeed } from "../../lib/augment/noise";

/** A batch of n frames h×w×3 with values spread over 0..1 (each frame different). */
function frames(n: number, h = 6, w = 5): tf.Tensor4D {
  return tf.tidy(() => tf.linspace(0, 1, n * h * w * 3).reshape([n, h, w, 3]).reverse(3) as tf.Tensor4D);
}

test("the same seed gives the same noise, another seed other noise", () => {
  const x = frames(3);
  const before = tf.memory().numTensors;
  const a = addGaussianNoise(x, { stddev: 0.2, seed: 11 });
  const b = addGaussianNoise(x, { stddev: 0.2, seed: 11 });
  const c = addGaussianNoise(x, { stddev: 0.2, seed: 12 });
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  const differ = tf.tidy(() => tf.notEqual(a, c).sum().dataSync()[0]);
  assert.ok(differ > 0.9 * a.size, `only ${differ} of ${a.size} values differ with another seed`);
  tf.dispose([a, b, c]);
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  x.dispose();
});

test("noisy values stay in [0, 1] (or the range given), the input is untouched, the shape is kept", () => {
  const x = frames(4);
  const copy = Array.from(x.dataSync());
  const y = addGaussianNoise(x, { stddev: 0.5, seed: 1 });
  assert.deepEqual(y.shape, x.shape);
  assert.equal(y.dtype, "float32");
  const v = y.dataSync();
  assert.ok(Math.min(...v) >= 0 && Math.max(...v) <= 1, "clipped to [0, 1]");
  // With sd 0.5 many values must have hit the bounds exactly.
  assert.ok(v.filter((u) => u === 0).length > 0 && v.filter((u) => u === 1).length > 0, "some values clipped at each end");
  assert.deepEqual(Array.from(x.dataSync()), copy, "input unchanged");
  const z = addGaussianNoise(x, { stddev: 0.5, seed: 1, clip: [0.25, 0.75] });
  const zv = z.dataSync();
  assert.ok(Math.min(...zv) >= 0.25 && Math.max(...zv) <= 0.75);
  tf.dispose([x, y, z]);
});

test("the noise has the asked-for spread and no bias (mid-grey frames, where clipping is negligible)", () => {
  const grey = tf.fill([20, 30, 30, 3], 0.5) as tf.Tensor4D;
  const y = addGaussianNoise(grey, { stddev: 0.1, seed: 2024 });
  const { mean, variance } = tf.tidy(() => {
    const m = tf.moments(tf.sub(y, grey));
    return { mean: m.mean.dataSync()[0], variance: m.variance.dataSync()[0] };
  });
  // 54,000 draws: the sample mean is within ~4e-4 and the sd within ~3e-4 of the truth (1 sd of the estimate).
  assert.ok(Math.abs(mean) < 0.002, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(variance) - 0.1) < 0.002, `sd ${Math.sqrt(variance)}`);
  // Neighbouring frames get independent noise (not the same pattern repeated).
  const corr = tf.tidy(() => {
    const d = tf.sub(y, grey);
    const a = d.slice(0, 1).flatten();
    const b = d.slice(1, 1).flatten();
    return tf.sum(tf.mul(a, b)).dataSync()[0] / Math.sqrt(tf.sum(tf.square(a)).dataSync()[0] * tf.sum(tf.square(b)).dataSync()[0]);
  });
  assert.ok(Math.abs(corr) < 0.05, `noise of frames 0 and 1 correlates ${corr}`);
  tf.dispose([grey, y]);
});

test("a frame gets the same noise alone, in a bigger batch, or with another chunk size", () => {
  const x = frames(7);
  const all = addGaussianNoise(x, { stddev: 0.3, seed: 5 });
  const chunked = addGaussianNoise(x, { stddev: 0.3, seed: 5, chunk: 3 });
  assert.deepEqual(Array.from(chunked.dataSync()), Array.from(all.dataSync()));
  const firstTwo = tf.slice(x, 0, 2);
  const alone = addGaussianNoise(firstTwo, { stddev: 0.3, seed: 5 });
  const head = tf.slice(all, 0, 2);
  assert.deepEqual(Array.from(alone.dataSync()), Array.from(head.dataSync()));
  tf.dispose([x, all, chunked, firstTwo, alone, head]);
});

test("sd 0 leaves the frames as they are; bad arguments are refused with a clear message", () => {
  const x = frames(2);
  const y = addGaussianNoise(x, { stddev: 0, seed: 3 });
  assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
  assert.throws(() => addGaussianNoise(x, { stddev: -0.1, seed: 3 }), /stddev/);
  assert.throws(() => addGaussianNoise(x, { stddev: NaN, seed: 3 }), /stddev/);
  assert.throws(() => addGaussianNoise(x, { stddev: 0.1, seed: 1.5 }), /seed/);
  assert.throws(() => addGaussianNoise(x, { stddev: 0.1, seed: 1, clip: [1, 0] }), /clip/);
  const empty = tf.zeros([0, 2, 2, 3]);
  assert.throws(() => addGaussianNoise(empty, { stddev: 0.1, seed: 1 }), /non-empty/);
  tf.dispose([x, y, empty]);
});

test("frame seeds differ between frames and between seeds", () => {
  const seeds = new Set<number>();
  for (const s of [1, 2, 3]) for (let i = 0; i < 1000; i++) seeds.add(frameSeed(s, i));
  assert.equal(seeds.size, 3000);
  assert.equal(frameSeed(9, 4), frameSeed(9, 4));
});
