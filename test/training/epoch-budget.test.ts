import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { EpochBudget } from "../../lib/training/epoch-budget";

async function fitWith(budget: EpochBudget, epochs: number): Promise<void> {
  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  m.compile({ loss: "meanSquaredError", optimizer: "sgd" });
  const xs = tf.ones([8, 2]);
  const ys = tf.zeros([8, 1]);
  const log = console.log;
  console.log = () => undefined;
  try {
    await m.fit(xs, ys, { epochs, batchSize: 4, verbose: 0, callbacks: [budget] });
  } finally {
    console.log = log;
  }
  tf.dispose([xs, ys]);
  m.dispose();
}

test("the budget records every epoch and calls onEpoch after each", async () => {
  let calls = 0;
  const budget = new EpochBudget({ epochs: 3, minutes: 60, startedAt: Date.now(), onEpoch: () => calls++ });
  await fitWith(budget, 3);
  assert.equal(budget.epochsRun, 3);
  assert.equal(calls, 3);
  assert.equal(budget.history.loss.length, 3);
  assert.equal(budget.epochSeconds.length, 3);
  assert.ok(budget.medianEpochSeconds()! >= 0);
});

test("training stops when another epoch would overrun the minutes", async () => {
  // started "an hour ago" with a one-hour budget: the first epoch is the last
  const budget = new EpochBudget({ epochs: 10, minutes: 60, startedAt: Date.now() - 3_600_000 });
  await fitWith(budget, 10);
  assert.equal(budget.epochsRun, 1);
  assert.equal(new EpochBudget({ epochs: 1, minutes: 1, startedAt: 0 }).medianEpochSeconds(), undefined);
});

test("the first epoch's batch lines name that epoch, also when a fit resumes past epoch 0", async () => {
  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  m.compile({ loss: "meanSquaredError", optimizer: "sgd" });
  const xs = tf.ones([8, 2]);
  const ys = tf.zeros([8, 1]);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    const budget = new EpochBudget({ epochs: 6, minutes: 60, startedAt: Date.now(), firstEpochEvery: 1 });
    await m.fit(xs, ys, { epochs: 6, initialEpoch: 3, batchSize: 4, verbose: 0, callbacks: [budget] });
  } finally {
    console.log = log;
  }
  const batchLines = lines.filter((l) => l.includes("per batch"));
  assert.deepEqual(batchLines.map((l) => l.trim().split(":")[0]), ["epoch 4, batch 1", "epoch 4, batch 2"]);
  tf.dispose([xs, ys]);
  m.dispose();
});
