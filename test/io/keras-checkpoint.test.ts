/**
 * ModelCheckpoint with a Keras file target, as the course writes it:
 * callback_model_checkpoint(filepath = ".../densemodel.h5", monitor = "val_mse", save_best_only).
 * The best epoch's model lands in the .h5 / .keras file, loads back with loadKerasModel and
 * predicts what the model predicted right after that epoch.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { selectBackend } from "../../lib/backend/select-backend";
import { modelCheckpoint, isKerasFilePath } from "../../lib/training/model-checkpoint";
import { loadKerasModel } from "../../lib/io/keras/load";
import { Rng } from "../../lib/random/rng";

before(async () => {
  await selectBackend({ prefer: "wasm", quiet: true });
});

function data(seed: number, n: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const r = new Rng(seed);
  const xs = r.runif(n, 0, 4);
  return { x: tf.tensor2d(xs, [n, 1]), y: tf.tensor2d(xs.map(Math.sqrt), [n, 1]) };
}

for (const ext of [".h5", ".keras"]) {
  test(`the best epoch is saved to a Keras ${ext} file and loads back predicting the same`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keras-ckpt-"));
    const file = path.join(dir, `densemodel${ext}`);
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [1], units: 8, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    model.compile({ optimizer: tf.train.adam(0.05), loss: "meanSquaredError", metrics: ["mse"] });
    const train = data(1, 64);
    const val = data(2, 32);
    const probe = tf.tensor2d([[0.5], [1], [2], [3.5]]);
    const atEpoch: Float32Array[] = [];
    const ckpt = modelCheckpoint({ filepath: file, monitor: "val_mse" });
    const record = new tf.CustomCallback({
      onEpochEnd: async () => {
        const p = model.predict(probe) as tf.Tensor;
        atEpoch.push((await p.data()) as Float32Array);
        p.dispose();
      },
    });
    await model.fit(train.x, train.y, { epochs: 6, batchSize: 16, validationData: [val.x, val.y], callbacks: [ckpt, record], verbose: 0, shuffle: false });
    assert.ok(ckpt.bestEpoch >= 0);
    assert.ok(fs.existsSync(file));
    assert.deepEqual(fs.readdirSync(dir), [path.basename(file)], "only the checkpoint file, no temporary files");
    const before = tf.memory().numTensors;
    const back = await loadKerasModel(file);
    const p = back.predict(probe) as tf.Tensor;
    assert.deepEqual(await p.data(), atEpoch[ckpt.bestEpoch], `the model of epoch ${ckpt.bestEpoch + 1}`);
    p.dispose();
    back.dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([train.x, train.y, val.x, val.y, probe]);
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

test("which checkpoint paths are Keras files", () => {
  assert.ok(isKerasFilePath("data/RickandMorty/data/models/densemodel.h5"));
  assert.ok(isKerasFilePath("best-{epoch}.keras"));
  assert.ok(isKerasFilePath("m.HDF5"));
  assert.ok(!isKerasFilePath("models/best"));
  assert.ok(!isKerasFilePath("models/best.h5/"));
});
