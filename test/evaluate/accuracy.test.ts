import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { accuracy, accuracyBySplit, predictedClasses } from "../../lib/evaluate/accuracy";

tf.enableProdMode();

test("accuracy is the share of matches", () => {
  assert.equal(accuracy([1, 2, 3, 4], [1, 2, 0, 4]), 0.75);
  assert.throws(() => accuracy([1], [1, 2]), /1 true labels but 2 predictions/);
  assert.throws(() => accuracy([], []), /no labels/);
});

test("accuracy per split, unlabelled parts give NaN (the original's test: NA)", () => {
  const truth = [0, 1, 1, 0, 2, null, null];
  const pred = [0, 1, 0, 0, 1, 2, 2];
  const parts = ["train", "train", "valid", "train", "valid", "test", "test"];
  const acc = accuracyBySplit(truth, pred, parts);
  assert.deepEqual(Object.keys(acc), ["train", "valid", "test"]);
  assert.equal(acc.train, 1);
  assert.equal(acc.valid, 0);
  assert.ok(Number.isNaN(acc.test));
  assert.throws(() => accuracyBySplit([0], [0], []), /lengths differ/);
});

test("predicted classes are the row-wise argmax, without leaking tensors", () => {
  const probs = tf.tensor2d([
    [0.1, 0.7, 0.2],
    [0.5, 0.3, 0.2],
    [0.0, 0.1, 0.9],
  ]);
  const before = tf.memory().numTensors;
  assert.deepEqual(predictedClasses(probs), [1, 0, 2]);
  assert.equal(tf.memory().numTensors, before);
  probs.dispose();
  assert.throws(() => predictedClasses(tf.tensor1d([1, 2])), /expected \[examples, classes\]/);
});
