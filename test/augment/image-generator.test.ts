import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ImageDataGenerator } from "../../lib/augment/image-generator";
import { makeImage } from "../../lib/augment/image";

tf.enableProdMode();

/** n images of 6×6×1 where every pixel of image i equals i (so an image can be recognised after any transform). */
function constantImages(n: number): tf.Tensor4D {
  return tf.tidy(() => tf.range(0, n).reshape([n, 1, 1, 1]).tile([1, 6, 6, 1]) as tf.Tensor4D);
}
const course = { rotationRange: 90, widthShiftRange: 0.2, heightShiftRange: 0.2, shearRange: 0.2, zoomRange: 0.2, fillMode: "nearest" as const };

test("with no ranges, the generator returns the images unchanged", () => {
  const x = tf.randomUniform([3, 5, 4, 2], 0, 1, "float32", 1) as tf.Tensor4D;
  const out = new ImageDataGenerator().transformBatch(x);
  assert.deepEqual(out.dataSync(), x.dataSync());
  tf.dispose([x, out]);
});

test("seeded: the same seed gives the same distortions, another seed others", () => {
  const x = tf.randomUniform([4, 8, 8, 1], 0, 1, "float32", 2) as tf.Tensor4D;
  const a = new ImageDataGenerator({ ...course, seed: 5 }).transformBatch(x);
  const b = new ImageDataGenerator({ ...course, seed: 5 }).transformBatch(x);
  const c = new ImageDataGenerator({ ...course, seed: 6 }).transformBatch(x);
  assert.deepEqual(a.dataSync(), b.dataSync());
  assert.notDeepEqual(a.dataSync(), c.dataSync());
  assert.notDeepEqual(a.dataSync(), x.dataSync(), "the course's ranges do change the images");
  tf.dispose([x, a, b, c]);
});

test("the original's preview: 4 copies of one digit give 4 different distortions", () => {
  const one = tf.randomUniform([1, 28, 28, 1], 0, 1, "float32", 3);
  const four = tf.tile(one, [4, 1, 1, 1]);
  const gen = new ImageDataGenerator({ ...course, seed: 1 });
  const batch = gen.flow(four, undefined, { batchSize: 4, shuffle: false }).next().value!;
  assert.deepEqual(batch.xs.shape, [4, 28, 28, 1]);
  const imgs = tf.tidy(() => tf.unstack(batch.xs).map((t) => Array.from(t.dataSync())));
  assert.equal(new Set(imgs.map((i) => i.join(","))).size, 4);
  tf.dispose([one, four, batch.xs]);
});

test("flow: one epoch of batches, labels stay with their images, order shuffled by seed", () => {
  const n = 10;
  const x = constantImages(n);
  const y = tf.oneHot(tf.range(0, n, 1, "int32"), n).toFloat();
  const gen = new ImageDataGenerator({ ...course, seed: 4 });
  const sizes: number[] = [];
  const seen: number[] = [];
  for (const batch of gen.flow(x, y, { batchSize: 4 })) {
    sizes.push(batch.xs.shape[0]);
    const ids = tf.tidy(() => Array.from(batch.ys!.argMax(1).dataSync()));
    const pixels = tf.tidy(() => Array.from(batch.xs.mean([1, 2, 3]).dataSync()));
    // constant images stay constant under any affine map with nearest fill
    ids.forEach((id, k) => assert.ok(Math.abs(pixels[k] - id) < 1e-5, `label ${id} travelled with image ${pixels[k]}`));
    seen.push(...ids);
    tf.dispose([batch.xs, batch.ys!]);
  }
  assert.deepEqual(sizes, [4, 4, 2]);
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  assert.notDeepEqual(seen, Array.from({ length: n }, (_, i) => i), "shuffled");
  tf.dispose([x, y]);
});

test("fitDataset trains on the stream without leaking tensors", async () => {
  const x = tf.randomUniform([12, 6, 6, 1], 0, 1, "float32", 7) as tf.Tensor4D;
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], "int32"), 3).toFloat();
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: "relu" }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
  const gen = new ImageDataGenerator({ ...course, seed: 2 });
  const data = gen.dataset(x, y, { batchSize: 5 });
  const h1 = await model.fitDataset(data, { epochs: 1, verbose: 0 });
  const after1 = tf.memory().numTensors;
  const h2 = await model.fitDataset(data, { epochs: 2, verbose: 0 });
  assert.equal(tf.memory().numTensors, after1, "a second run adds no tensors");
  assert.equal(h1.history.loss.length, 1);
  assert.equal(h2.history.loss.length, 2);
  model.dispose();
  tf.dispose([x, y]);
});

test("transformBatch and randomTransform leave nothing behind but their result", () => {
  const x = constantImages(3);
  const before = tf.memory().numTensors;
  const gen = new ImageDataGenerator({ ...course, rescale: 0.5 });
  const out = gen.transformBatch(x);
  assert.equal(tf.memory().numTensors, before + 1);
  assert.ok(Math.abs(tf.tidy(() => out.max().dataSync()[0]) - 1) < 1e-6, "rescale 0.5 halves the values (max 2 -> 1)");
  const one = gen.randomTransform(makeImage(new Array(36).fill(4), 6, 6, 1));
  assert.ok(one.data.every((v) => Math.abs(v - 2) < 1e-5));
  tf.dispose([x, out]);
});

test("bad settings are refused with a reason", () => {
  assert.throws(() => new ImageDataGenerator({ rotationRange: -5 }), /rotationRange must be a finite number >= 0/);
  assert.throws(() => new ImageDataGenerator({ zoomRange: 1 }), /zoomRange/);
  assert.throws(() => new ImageDataGenerator({ rescale: NaN }), /rescale/);
  const gen = new ImageDataGenerator();
  const x = tf.zeros([2, 3, 3, 1]);
  assert.throws(() => gen.flow(x, undefined, { batchSize: 0 }), /batchSize must be a positive whole number/);
  assert.throws(() => gen.flow(x, tf.zeros([3, 2])), /2 images but 3 labels/);
  assert.throws(() => gen.transformBatch(tf.zeros([3, 3])), /expected images as \[count, height, width, channels\]/);
});
