import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../../../lib/random/rng";
import { stratifiedTrainId } from "../../../lib/data/mnist/stratified";

const labels = Array.from({ length: 30 }, (_, i) => i % 3); // 10 of each of 3 classes

test("each class gives the asked number to each part, the rest is left out", () => {
  const parts = stratifiedTrainId(labels, 3, { train: 4, valid: 2, test: 1 }, new Rng(1));
  for (let y = 0; y < 3; y++) {
    const mine = parts.filter((_, i) => labels[i] === y);
    assert.equal(mine.filter((p) => p === "train").length, 4);
    assert.equal(mine.filter((p) => p === "valid").length, 2);
    assert.equal(mine.filter((p) => p === "test").length, 1);
    assert.equal(mine.filter((p) => p === null).length, 3);
  }
});

test("seeded: same seed same parts, another seed other parts", () => {
  const per = { train: 5, valid: 3, test: 2 };
  assert.deepEqual(stratifiedTrainId(labels, 3, per, new Rng(4)), stratifiedTrainId(labels, 3, per, new Rng(4)));
  assert.notDeepEqual(stratifiedTrainId(labels, 3, per, new Rng(4)), stratifiedTrainId(labels, 3, per, new Rng(5)));
  // a class used whole goes entirely to train
  assert.deepEqual(stratifiedTrainId(labels, 3, { train: 10, valid: 0, test: 0 }, new Rng(1)), new Array(30).fill("train"));
});

test("bad requests are explained", () => {
  assert.throws(() => stratifiedTrainId(labels, 3, { train: 8, valid: 2, test: 1 }, new Rng(1)), /class 0 has 10 items, fewer than the 11/);
  assert.throws(() => stratifiedTrainId(labels, 2, { train: 1, valid: 0, test: 0 }, new Rng(1)), /label 2 .* outside 0..1/);
  assert.throws(() => stratifiedTrainId(labels, 3, { train: 0, valid: 1, test: 0 }, new Rng(1)), /perClass.train must be at least 1/);
  assert.throws(() => stratifiedTrainId(labels, 3, { train: 1.5, valid: 1, test: 0 }, new Rng(1)), /perClass.train must be a whole number/);
});
