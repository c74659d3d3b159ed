import { test } from "node:test";
import * as assert from "node:assert/strict";
import { confusionMatrix, formatConfusion, mostConfused, mostConfusedPairs } from "../../lib/evaluate/confusion";

// Hand-made: 7 items, 3 classes.
//   truth:     0 0 1 1 2 2 2
//   predicted: 0 1 1 1 2 0 2
const truth = [0, 0, 1, 1, 2, 2, 2];
const predicted = [0, 1, 1, 1, 2, 0, 2];

test("counts have rows = truth, columns = prediction", () => {
  const cm = confusionMatrix(truth, predicted);
  assert.deepEqual(cm.counts, [
    [1, 1, 0],
    [0, 2, 0],
    [1, 0, 2],
  ]);
  assert.equal(cm.total, 7);
  assert.equal(cm.correct, 5);
  assert.equal(cm.accuracy, 5 / 7);
  assert.deepEqual(
    cm.perClass.map((c) => [c.n, c.correct, c.accuracy]),
    [
      [2, 1, 0.5],
      [2, 2, 1],
      [3, 2, 2 / 3],
    ],
  );
});

test("most confused cells and pairs", () => {
  const cm = confusionMatrix(truth, predicted, { classNames: ["cat", "dog", "fox"] });
  assert.deepEqual(
    mostConfused(cm).map((p) => `${p.truthName}->${p.predictedName}:${p.count}`),
    ["cat->dog:1", "fox->cat:1"],
  );
  const big = confusionMatrix([4, 4, 4, 9, 9, 3, 8, 8, 8, 7], [9, 9, 4, 4, 9, 8, 3, 3, 8, 9], { numClasses: 10 });
  assert.deepEqual(mostConfused(big, 2).map((p) => [p.truth, p.predicted, p.count]), [[4, 9, 2], [8, 3, 2]]);
  assert.deepEqual(mostConfusedPairs(big), [
    { a: 3, b: 8, count: 3 },
    { a: 4, b: 9, count: 3 },
    { a: 7, b: 9, count: 1 },
  ]);
});

test("a class absent from the truth gets NaN accuracy; numClasses can exceed the labels", () => {
  const cm = confusionMatrix([0, 0], [0, 2], { numClasses: 4 });
  assert.equal(cm.counts.length, 4);
  assert.ok(Number.isNaN(cm.perClass[1].accuracy));
  assert.equal(cm.perClass[0].accuracy, 0.5);
});

test("text table", () => {
  const text = formatConfusion(confusionMatrix(truth, predicted));
  assert.equal(text, ["    0 1 2", " 0  1 1 0", " 1  0 2 0", " 2  1 0 2"].join("\n"));
});

test("bad input is refused with a reason", () => {
  assert.throws(() => confusionMatrix([0, 1], [0]), /2 true labels but 1 predictions/);
  assert.throws(() => confusionMatrix([], []), /no labels/);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], { numClasses: 3 }), /true label 3 at position 1 is outside the classes 0..2/);
  assert.throws(() => confusionMatrix([0, 1], [0, -1]), /prediction -1 at position 1/);
  assert.throws(() => confusionMatrix([0, 1.5], [0, 1]), /true label 1.5/);
  assert.throws(() => confusionMatrix([0, 1], [0, 1], { numClasses: 2, classNames: ["a"] }), /1 class names for 2 classes/);
  assert.throws(() => confusionMatrix([0, 1], [0, 1], { numClasses: 0 }), /numClasses must be a positive/);
});
