import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { visualiseFilters } from "../../lib/interpret/filter-visualisation";

tf.enableProdMode();
const init = (seed: number) => tf.initializers.glorotUniform({ seed });

function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: init(1), name: "c1" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 5, kernelSize: 3, kernelInitializer: init(2), name: "c2" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 2 }));
  return m;
}

test("gradient ascent raises every filter's mean activation; images lie in [0, 1]", () => {
  const m = model();
  const before = tf.memory().numTensors;
  const out = visualiseFilters(m, "c2", { steps: 10, seed: 3 });
  assert.equal(tf.memory().numTensors, before, "no tensors leak");
  assert.deepEqual(out.map((f) => f.filter), [0, 1, 2, 3, 4]);
  for (const f of out) {
    assert.ok(f.finalActivation > f.startActivation + 0.1, `filter ${f.filter}: ${f.startActivation} -> ${f.finalActivation}`);
    const img = f.image as number[][];
    assert.equal(img.length, 12);
    assert.equal(img[0].length, 12);
    const flat = img.flat();
    assert.equal(Math.min(...flat), 0);
    assert.equal(Math.max(...flat), 1);
  }
});

test("more steps climb higher (first layer, chosen filters)", () => {
  const m = model();
  // Filters 1 and 2 of this layer are "dead" (ReLU output 0 on any grey image, so no gradient), as
  // the original notes for some filters; 0 and 3 respond.
  const short = visualiseFilters(m, 0, { filters: [0, 3], steps: 2, seed: 1 });
  const long = visualiseFilters(m, 0, { filters: [0, 3], steps: 20, seed: 1 });
  short.forEach((s, i) => {
    assert.equal(s.startActivation, long[i].startActivation, "same seed, same start");
    assert.ok(long[i].finalActivation > s.finalActivation);
  });
});

test("seeded and batch-independent: same seed same images, batching does not change them", () => {
  const m = model();
  const a = visualiseFilters(m, "c2", { steps: 5, seed: 9, batchSize: 5 });
  const b = visualiseFilters(m, "c2", { steps: 5, seed: 9, batchSize: 5 });
  assert.deepEqual(a, b);
  const c = visualiseFilters(m, "c2", { steps: 5, seed: 10, batchSize: 5 });
  assert.notDeepEqual(a[0].image, c[0].image);
  // One at a time draws the same noise in the same order, so results must match the batched run.
  const single = visualiseFilters(m, "c2", { steps: 5, seed: 9, batchSize: 1 });
  single.forEach((s, i) => {
    const diff = Math.max(...(s.image as number[][]).flat().map((v, j) => Math.abs(v - (a[i].image as number[][]).flat()[j])));
    assert.ok(diff < 1e-4, `filter ${i} differs by ${diff}`);
  });
});

test("a dead filter stays where it started and its image is plain noise, not an error", () => {
  const [dead] = visualiseFilters(model(), 0, { filters: [1], steps: 3 });
  assert.equal(dead.startActivation, 0);
  assert.equal(dead.finalActivation, 0);
});

test("bad requests are explained", () => {
  const m = model();
  assert.throws(() => visualiseFilters(m, "c2", { filters: [5] }), /filter 5 is outside 0..4 of layer "c2"/);
  assert.throws(() => visualiseFilters(m, 4), /outputs shape \[null,2\]|a conv layer's/);
  assert.throws(() => visualiseFilters(m, "nope"), /no layer named "nope"/);
  assert.throws(() => visualiseFilters(m, 0, { steps: -1 }), /steps must be/);
  assert.throws(() => visualiseFilters(m, 0, { stepSize: 0 }), /stepSize must be > 0/);
});
