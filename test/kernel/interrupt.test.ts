import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { spawnSync } from "child_process";
import * as tf from "@tensorflow/tfjs";
import { StopOnInterrupt, interruptCount, interruptedSince, lastInterruptStop, requestInterrupt } from "../../lib/kernel/interrupt";

const root = path.resolve(__dirname, "..", "..");

test("a real SIGINT stops a running fit after a batch or two; the next fit runs in full; no tensors leak", () => {
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "test", "fixtures", "interrupt-fit.ts")], {
    cwd: root, encoding: "utf8", timeout: 120_000,
  });
  assert.equal(run.status, 0, `child failed (signal ${run.signal}): ${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split("\n").pop()!);
  assert.equal(r.listening, true);
  assert.equal(r.interrupts, 1);
  // 1000 epochs of 2,000 batches were asked for: the fit stopped in the epoch the signal came in
  // (the first or, on a fast machine, a later one), within a few batches of the signal and well
  // under a second after it.
  assert.ok(r.first.batchesAtSignal > 0, `the timer fired during the fit (batches then: ${r.first.batchesAtSignal})`);
  assert.ok(r.first.epochAtSignal >= 1 && r.first.epochAtSignal < 1000, `epoch at the signal: ${r.first.epochAtSignal}`);
  assert.equal(r.first.epochs, r.first.epochAtSignal);
  assert.ok(r.first.batches - r.first.batchesAtSignal <= 3, `batches after the signal: ${r.first.batches - r.first.batchesAtSignal}`);
  assert.ok(r.first.stoppedAfterMs < 1000, `stopped ${r.first.stoppedAfterMs} ms after the signal`);
  assert.equal(r.second.epochs, 3);
  assert.equal(r.leaked, 0);
});

test("StopOnInterrupt passed by hand: requestInterrupt during a fit stops it; one before the fit does not", async () => {
  requestInterrupt(); // an old interrupt must not stop a fit that starts later
  const since = interruptCount();
  assert.equal(interruptedSince(since), false);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [2], units: 1 }));
  model.compile({ loss: "meanSquaredError", optimizer: "sgd" });
  const x = tf.ones([20, 2]);
  const y = tf.ones([20, 1]);
  const before = tf.memory().numTensors;
  const stop = new StopOnInterrupt();
  const trigger = new tf.CustomCallback({ onBatchEnd: async (batch) => { if (batch === 4) requestInterrupt(); } });
  // The trigger runs before StopOnInterrupt in the list, so the stop comes at the same batch.
  const h = await model.fit(x, y, { epochs: 50, batchSize: 2, verbose: 0, callbacks: [trigger, stop] });
  assert.equal(h.epoch.length, 1);
  assert.deepEqual(stop.stoppedAt, { epoch: 0, batch: 4 });
  const last = lastInterruptStop();
  assert.ok(last !== null && last.batch === 4 && last.epoch === 0 && Date.now() - last.at < 10_000);
  assert.ok(interruptedSince(since));
  const h2 = await model.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, callbacks: [new StopOnInterrupt()] });
  assert.equal(h2.epoch.length, 2);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
  model.dispose();
});
