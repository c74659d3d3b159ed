import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { modelCheckpoint, resolveMode, formatCheckpointPath } from "../../lib/training/model-checkpoint";
import { loadModel } from "../../lib/io/model-files";
import { setSeed, restoreMathRandom } from "../../lib/random/rng";

test("auto mode and path templates follow keras", () => {
  assert.equal(resolveMode("val_loss", "auto"), "min");
  assert.equal(resolveMode("val_acc", "auto"), "max");
  assert.equal(resolveMode("val_binaryAccuracy", "auto"), "max");
  assert.equal(resolveMode("val_acc", "min"), "min");
  assert.equal(formatCheckpointPath("m/{epoch}-{val_loss:.2f}", 4, { val_loss: 0.12345 }), "m/05-0.12");
  assert.throws(() => formatCheckpointPath("m/{val_acc}", 0, {}), /no logged value "val_acc"/);
  assert.throws(() => modelCheckpoint({ filepath: "" }), /give a filepath/);
  assert.throws(() => modelCheckpoint({ filepath: "x", mode: "up" as never }), /mode must be/);
});

test("keeps the model of the best validation epoch", async () => {
  setSeed(12345);
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-ckpt-"));
    const xs = tf.tensor2d(Array.from({ length: 64 }, (_, i) => [i / 64]));
    const ys = tf.tidy(() => xs.sqrt());
    const vx = tf.tensor2d([[0.1], [0.5], [0.9]]);
    const vy = tf.tidy(() => vx.sqrt());
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 8, activation: "relu", inputShape: [1] }));
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: tf.train.adam(0.05), loss: "meanSquaredError" });
    const ckpt = modelCheckpoint({ filepath: dir, monitor: "val_loss" });
    // One epoch first so Adam's moment estimates (state, not a leak) exist before counting.
    await model.fit(xs, ys, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const h = await model.fit(xs, ys, { epochs: 12, validationData: [vx, vy], verbose: 0, callbacks: [ckpt] });
    assert.equal(tf.memory().numTensors, before);
    const vals = h.history.val_loss as number[];
    const best = Math.min(...vals);
    assert.equal(ckpt.best, best);
    assert.equal(ckpt.bestEpoch, vals.indexOf(best));
    const saved = await loadModel(dir);
    saved.compile({ optimizer: "adam", loss: "meanSquaredError" });
    const loss = saved.evaluate(vx, vy) as tf.Scalar;
    assert.ok(Math.abs(loss.dataSync()[0] - best) < 1e-5, `${loss.dataSync()[0]} vs ${best}`);
    tf.dispose([xs, ys, vx, vy, loss]);
  } finally {
    restoreMathRandom();
  }
});

test("a monitor that is never logged is a clear error", async () => {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [1] }));
  model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  const x = tf.ones([4, 1]);
  await assert.rejects(
    model.fit(x, x, { epochs: 1, verbose: 0, callbacks: [modelCheckpoint({ filepath: os.tmpdir() + "/n", monitor: "val_acc" })] }),
    /"val_acc" was not logged \(logged: loss\)/,
  );
  x.dispose();
});
