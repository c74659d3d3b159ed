import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { listBackends } from "../../lib/backend/select-backend";

/** 8x8 images: a bright vertical bar (label 1) or horizontal bar (label 0) at varying places. */
function barImages(n: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const pixels = new Float32Array(n * 64);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const vertical = i % 2;
    const at = 1 + ((i * 3) % 6);
    for (let k = 0; k < 8; k++) pixels[i * 64 + (vertical ? k * 8 + at : at * 8 + k)] = 1;
    labels.push(vertical);
  }
  return {
    xs: tf.tensor4d(pixels, [n, 8, 8, 1]),
    ys: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 2).cast("float32") as tf.Tensor2D),
  };
}

/** Trains a seeded small CNN for `steps` steps on the active backend; returns the losses. */
async function trainSmallCnn(steps: number): Promise<number[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const optimizer = tf.train.adam(0.02);
  model.compile({ optimizer, loss: "categoricalCrossentropy" });
  const { xs, ys } = barImages(24);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await model.trainOnBatch(xs, ys)) as number);
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose();
  return losses;
}

test("a small CNN trains on every available backend: loss falls, no tensors leak, backends agree", async () => {
  const backends = (await listBackends()).filter((b) => b.available).map((b) => b.name);
  assert.ok(backends.includes("wasm") && backends.includes("cpu"), `wasm and cpu should work here, got ${backends}`);
  const results = new Map<string, number[]>();
  for (const name of backends) {
    assert.ok(await tf.setBackend(name));
    const before = tf.memory().numTensors;
    const losses = await trainSmallCnn(12);
    assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
    const [first, last] = [losses[0], losses[losses.length - 1]];
    assert.ok(last < 0.7 * first, `${name}: loss went from ${first} to ${last}`);
    results.set(name, losses);
  }
  // The same seeded model and data follow the same path on every backend.
  const reference = results.get("cpu")!;
  for (const [name, losses] of results) {
    losses.forEach((l, i) =>
      assert.ok(Math.abs(l - reference[i]) <= 1e-3 * Math.abs(reference[i]) + 1e-5, `${name} step ${i}: ${l} vs cpu ${reference[i]}`),
    );
  }
});
