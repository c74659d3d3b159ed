import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { earlyStopping, EarlyStopping, type EarlyStoppingArgs } from "../../lib/training/early-stopping";
import { setSeed, restoreMathRandom } from "../../lib/random/rng";

function tinyModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 4, activation: "relu", inputShape: [1] }));
  m.add(tf.layers.dense({ units: 1 }));
  return m;
}

/** Feeds a sequence of logged values to the callback as fit would; returns the last epoch run (0-based). */
async function drive(args: EarlyStoppingArgs, values: number[], key = args.monitor ?? "val_loss"): Promise<{ cb: EarlyStopping; last: number; model: tf.Sequential }> {
  const model = tinyModel();
  model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  const cb = earlyStopping(args);
  cb.setModel(model);
  model.stopTraining = false;
  await cb.onTrainBegin();
  let last = -1;
  for (let e = 0; e < values.length; e++) {
    await cb.onEpochEnd(e, { [key]: values[e] });
    last = e;
    if (model.stopTraining) break;
  }
  await cb.onTrainEnd();
  return { cb, last, model };
}

test("stops when patience epochs pass without improvement (val_loss, min)", async () => {
  const { cb, last, model } = await drive({ patience: 2 }, [1, 0.9, 0.91, 0.92, 0.5]);
  assert.equal(last, 3);
  assert.equal(cb.stoppedEpoch, 3);
  assert.equal(cb.best, 0.9);
  assert.equal(cb.bestEpoch, 1);
  assert.equal(model.stopTraining, true);
  model.dispose();
});

test("runs to the end while it keeps improving; patience 0 stops at the first epoch that does not improve", async () => {
  const a = await drive({ patience: 3 }, [5, 4, 3, 2, 1]);
  assert.equal(a.last, 4);
  assert.equal(a.cb.stoppedEpoch, -1);
  assert.equal(a.cb.best, 1);
  const b = await drive({}, [1, 1.1, 0.5]);
  assert.equal(b.cb.stoppedEpoch, 1);
  const equal = await drive({ patience: 0 }, [1, 1]);
  assert.equal(equal.cb.stoppedEpoch, 1, "an equal value is not an improvement");
  tf.dispose([a.model, b.model, equal.model].flatMap((m) => m.getWeights()));
});

test("minDelta: a change must be larger than it; its sign does not matter", async () => {
  for (const minDelta of [0.05, -0.05]) {
    const { cb } = await drive({ patience: 2, minDelta }, [1, 0.97, 0.96, 0.9]);
    assert.equal(cb.stoppedEpoch, 2, `minDelta ${minDelta}`);
    assert.equal(cb.best, 1);
  }
  const { cb } = await drive({ patience: 1, minDelta: 0.05 }, [1, 0.94, 0.9]);
  assert.equal(cb.best, 0.94);
  assert.equal(cb.stoppedEpoch, 2);
});

test("auto mode maximises accuracies; explicit max and min", async () => {
  const acc = await drive({ monitor: "val_acc", patience: 1 }, [0.5, 0.6, 0.55, 0.7]);
  assert.equal(acc.cb.mode, "max");
  assert.equal(acc.cb.stoppedEpoch, 2);
  assert.equal(acc.cb.best, 0.6);
  const loss = await drive({ monitor: "loss", mode: "max", patience: 1 }, [1, 2, 1.5]);
  assert.equal(loss.cb.best, 2);
  assert.equal(loss.cb.stoppedEpoch, 2);
});

test("baseline: improvements that do not beat it leave the count running, as in Keras", async () => {
  const { cb } = await drive({ patience: 2, baseline: 0.5 }, [1, 0.9, 0.95, 0.2]);
  assert.equal(cb.stoppedEpoch, 2);
  assert.equal(cb.best, 0.9);
  const beat = await drive({ patience: 2, baseline: 0.5 }, [0.4, 0.45, 0.46, 0.47]);
  assert.equal(beat.cb.stoppedEpoch, 2);
  assert.equal(beat.cb.bestEpoch, 0);
});

test("startFromEpoch: earlier epochs are not watched", async () => {
  const { cb } = await drive({ patience: 0, startFromEpoch: 2 }, [1, 2, 3, 4, 5]);
  assert.equal(cb.best, 3);
  assert.equal(cb.stoppedEpoch, 3);
});

test("a value that was never logged, and bad arguments, are clear errors", async () => {
  await assert.rejects(drive({ monitor: "val_loss" }, [1], "loss"), /"val_loss" was not logged \(logged: loss\).*validationSplit/);
  assert.throws(() => earlyStopping({ patience: -1 }), /patience must be a whole number/);
  assert.throws(() => earlyStopping({ patience: 1.5 }), /patience/);
  assert.throws(() => earlyStopping({ mode: "down" as never }), /mode must be/);
  assert.throws(() => earlyStopping({ minDelta: NaN }), /minDelta/);
  assert.throws(() => earlyStopping({ monitor: "" }), /monitor/);
});

test("in fit: stops, and restoreBestWeights puts back the weights of the best epoch without leaking tensors", async () => {
  setSeed(2024);
  try {
    const xs = tf.tensor2d(Array.from({ length: 32 }, (_, i) => [i / 32]));
    const ys = tf.tidy(() => xs.square());
    // A validation set the model cannot fit for long: its loss has a minimum and then rises.
    const vx = tf.tensor2d([[0.2], [0.5], [0.8]]);
    const vy = tf.tensor2d([[0.3], [0.1], [0.9]]);
    const model = tinyModel();
    model.compile({ optimizer: tf.train.adam(0.1), loss: "meanSquaredError" });
    await model.fit(xs, ys, { epochs: 1, verbose: 0 });
    const snapshots: number[][] = [];
    const record = new (class extends tf.Callback {
      async onEpochEnd(): Promise<void> {
        snapshots.push(Array.from(await (this.model as tf.LayersModel).getWeights()[0].data()));
      }
    })();
    const stop = earlyStopping({ patience: 3, restoreBestWeights: true });
    const before = tf.memory().numTensors;
    const h = await model.fit(xs, ys, { epochs: 60, validationData: [vx, vy], verbose: 0, callbacks: [record, stop] });
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    const vals = h.history.val_loss as number[];
    assert.ok(vals.length < 60, `stopped early (ran ${vals.length} epochs)`);
    assert.equal(stop.stoppedEpoch, vals.length - 1);
    const bestEpoch = vals.indexOf(Math.min(...vals));
    assert.equal(stop.bestEpoch, bestEpoch);
    assert.equal(vals.length - 1 - bestEpoch, 3, "stopped patience epochs after the best one");
    assert.equal(stop.restored, true);
    assert.notDeepEqual(snapshots[snapshots.length - 1], snapshots[bestEpoch]);
    assert.deepEqual(Array.from(await model.getWeights()[0].data()), snapshots[bestEpoch]);
    tf.dispose([xs, ys, vx, vy]);
    model.dispose();
  } finally {
    restoreMathRandom();
  }
});
