import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { perFrameMse, psnr, reconstructionError } from "../../lib/evaluate/reconstruction";

test("per-frame MSE by hand: two 1×2×1 frames", () => {
  const a = tf.tensor4d([0, 1, 0.5, 0.5], [2, 1, 2, 1]);
  const b = tf.tensor4d([0.1, 0.7, 0.5, 0.5], [2, 1, 2, 1]);
  const before = tf.memory().numTensors;
  const m = perFrameMse(a, b);
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  assert.equal(m.length, 2);
  assert.ok(Math.abs(m[0] - (0.01 + 0.09) / 2) < 1e-7, `frame 0: ${m[0]}`);
  assert.equal(m[1], 0);
  tf.dispose([a, b]);
});

test("PSNR: 10·log10(1/MSE), Infinity for a perfect copy, other peaks", () => {
  assert.ok(Math.abs(psnr(0.01) - 20) < 1e-12);
  assert.ok(Math.abs(psnr(0.001) - 30) < 1e-12);
  assert.equal(psnr(0), Infinity);
  assert.ok(Math.abs(psnr(65.025, 255) - 30) < 1e-9);
  assert.throws(() => psnr(-1), /must be >= 0/);
  assert.throws(() => psnr(NaN), /must be >= 0/);
  assert.throws(() => psnr(0.1, 0), /peak/);
});

test("summary of a reconstruction: means of per-frame errors, and bad inputs refused", () => {
  const a = tf.tidy(() => tf.linspace(0, 1, 3 * 4 * 5 * 3).reshape([3, 4, 5, 3]));
  const b = tf.tidy(() => tf.add(a, tf.tensor1d([0.1, 0.2, 0.05]).reshape([3, 1, 1, 1])));
  const s = reconstructionError(a, b);
  const expected = [0.01, 0.04, 0.0025];
  s.perFrame.forEach((m, i) => assert.ok(Math.abs(m - expected[i]) < 1e-6, `frame ${i}: ${m}`));
  assert.ok(Math.abs(s.mse - expected.reduce((x, y) => x + y) / 3) < 1e-6);
  s.perFramePsnr.forEach((p, i) => assert.ok(Math.abs(p - 10 * Math.log10(1 / expected[i])) < 1e-3));
  assert.ok(Math.abs(s.meanPsnr - s.perFramePsnr.reduce((x, y) => x + y) / 3) < 1e-12);
  const c = tf.zeros([3, 4, 5, 1]);
  assert.throws(() => perFrameMse(a, c), /shapes differ/);
  tf.dispose([a, b, c]);
});
