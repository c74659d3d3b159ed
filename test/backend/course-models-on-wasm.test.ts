import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels } from "../../lib/backend/wasm-training-kernels";
import { autoencoderModel, courseModels, extraModels } from "../../bench/course-models";

// One training step (batch 2) of every course model on wasm: fails with "Kernel '...' not registered
// for backend 'wasm'" if a kernel a model needs for training is missing.
const models = [
  ...courseModels.filter((m) => m.id !== "autoencoder"),
  autoencoderModel([30, 40, 3]), // the course's 90x160 frames cost seconds per step; the layers are the same
  ...extraModels,
];

for (const m of models) {
  test(`${m.label} takes a training step on wasm and leaks nothing`, async () => {
    registerWasmTrainingKernels();
    assert.ok(await tf.setBackend("wasm"));
    const before = tf.memory().numTensors;
    const model = m.build();
    const { xs, ys } = m.makeBatch(2, 7);
    const weightsBefore = model.weights.map((w) => w.read().dataSync().slice());
    const loss = (await model.trainOnBatch(xs, ys)) as number;
    assert.ok(Number.isFinite(loss), `loss is ${loss}`);
    // every weight moved: every layer got a gradient (batch-norm statistics move too, in training mode)
    model.weights.forEach((w, i) => {
      const changed = w.read().dataSync().some((v, j) => v !== weightsBefore[i][j]);
      assert.ok(changed, `${w.name} did not change`);
    });
    tf.dispose([xs, ys]);
    model.optimizer.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
}
