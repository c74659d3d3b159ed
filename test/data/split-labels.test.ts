import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../lib/random/rng";
import { splitIndices, takeRows, pick } from "../../lib/data/split";
import { toCategorical, classCounts, balancedClassWeights, majorityBaseline } from "../../lib/data/labels";

test("splitIndices is a seeded partition of 0..n-1", () => {
  const s = splitIndices(5257, 4001, new Rng(12345));
  assert.equal(s.train.length, 4001);
  assert.equal(s.validation.length, 1256);
  assert.equal(new Set([...s.train, ...s.validation]).size, 5257);
  assert.deepEqual(splitIndices(5257, 4001, new Rng(12345)), s);
  assert.throws(() => splitIndices(0, 0, new Rng(1)), /non-empty/);
  assert.throws(() => splitIndices(10, 10, new Rng(1)), /both parts/);
});

test("takeRows gathers along the first axis without leaking", () => {
  const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const before = tf.memory().numTensors;
  const y = takeRows(x, [2, 0]);
  assert.deepEqual(y.arraySync(), [[5, 6], [1, 2]]);
  y.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => takeRows(x, [3]), /outside 0..2/);
  assert.deepEqual(pick(["a", "b", "c"], [1, 1]), ["b", "b"]);
  x.dispose();
});

test("toCategorical follows keras: width max+1, 0-based (the extra column for labels 1..10)", () => {
  const before = tf.memory().numTensors;
  const a = toCategorical([0, 2, 1]);
  assert.deepEqual(a.arraySync(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  const b = toCategorical([1, 10]);
  assert.deepEqual(b.shape, [2, 11]);
  assert.equal((b.arraySync() as number[][])[0][0], 0);
  a.dispose();
  b.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => toCategorical([0, 3], 3), /too small/);
  assert.throws(() => toCategorical([0, -1]), /whole numbers/);
  assert.throws(() => toCategorical([]), /no labels/);
});

test("class counts, balanced weights and the majority baseline", () => {
  const y = [0, 0, 0, 1, 2, 2];
  assert.deepEqual(classCounts(y), [3, 1, 2]);
  assert.deepEqual(classCounts([1], 3), [0, 1, 0]);
  const w = balancedClassWeights(y);
  assert.ok(Math.abs(w[0] - 6 / 9) < 1e-12 && Math.abs(w[1] - 2) < 1e-12 && Math.abs(w[2] - 1) < 1e-12);
  assert.deepEqual(majorityBaseline(y), { label: 0, accuracy: 0.5 });
  assert.throws(() => classCounts([0, 1.5]), /whole numbers/);
});
