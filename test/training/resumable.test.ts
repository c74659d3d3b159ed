import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { resumableTraining, readTrainingState } from "../../lib/training/resumable";
import { Rng, setSeed, restoreMathRandom, seededStreamState } from "../../lib/random/rng";

const EPOCHS = 6;

function data(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const r = new Rng(3);
  const x = tf.tensor2d(r.runif(40 * 4, -1, 1), [40, 4]);
  const y = tf.tidy(() => tf.oneHot(x.sum(1).greater(0).toInt().add(x.slice([0, 0], [-1, 1]).reshape([-1]).greater(0.5).toInt()), 3).toFloat() as tf.Tensor2D);
  return { x, y };
}

/** A small model without dropout, compiled with Adam so there is optimizer state to carry over. */
function build(seed: number): tf.LayersModel {
  setSeed(seed);
  const m = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: "relu" }), tf.layers.dense({ units: 3, activation: "softmax" })],
  });
  m.compile({ optimizer: tf.train.adam(0.05), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

function weightsOf(m: tf.LayersModel): number[][] {
  return m.getWeights().map((w) => Array.from(w.dataSync()));
}

function tmpFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "course-resume-")), "state.bin");
}

/** Trains the first half, then rebuilds everything (as a new run would) and resumes from the file. */
async function halfAndHalf(file: string, tamper?: (m: tf.LayersModel) => void): Promise<{ w: number[][]; history: Record<string, number[]> }> {
  const { x, y } = data();
  const first = build(42);
  await first.fit(x, y, { epochs: EPOCHS / 2, batchSize: 8, verbose: 0, callbacks: [resumableTraining({ file })] });
  first.dispose();
  const second = build(999); // other initial weights and another random stream: the file must bring both back
  const resume = resumableTraining({ file });
  const initialEpoch = await resume.restore(second);
  assert.equal(initialEpoch, EPOCHS / 2);
  tamper?.(second);
  const [xs, ys] = resume.inBatchOrder([x, y]);
  await second.fit(xs, ys, { epochs: EPOCHS, initialEpoch, batchSize: 8, verbose: 0, callbacks: [resume] });
  const w = weightsOf(second);
  second.dispose();
  tf.dispose([x, y, xs, ys]);
  return { w, history: resume.history };
}

test("N epochs straight and N/2 + resumed N/2 end on the same weights and history", async () => {
  try {
    const { x, y } = data();
    const straight = build(42);
    const h = await straight.fit(x, y, { epochs: EPOCHS, batchSize: 8, verbose: 0 });
    const expected = weightsOf(straight);
    straight.dispose();
    tf.dispose([x, y]);

    const before = tf.memory().numTensors;
    const file = tmpFile();
    const resumed = await halfAndHalf(file);
    assert.deepEqual(resumed.w, expected);
    assert.deepEqual(resumed.history.loss, h.history.loss);
    assert.equal(resumed.history.loss.length, EPOCHS);
    assert.equal(readTrainingState(file).header.epochsDone, EPOCHS);
    // Only Adam's kept state of the disposed models may remain (tf.js optimizers are not disposed with them).
    assert.ok(tf.memory().numTensors - before <= 2 * 2 * 4 + 4, `tensors left: ${tf.memory().numTensors - before}`);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["state.bin"], "no temporary files left");

    // The test can fail: without the optimizer's state, or with another batch order, the weights differ.
    const freshOptimizer = await halfAndHalf(tmpFile(), (m) =>
      m.compile({ optimizer: tf.train.adam(0.05), loss: "categoricalCrossentropy", metrics: ["accuracy"] }));
    assert.notDeepEqual(freshOptimizer.w, expected);
    const otherOrder = await halfAndHalf(tmpFile(), () => setSeed(7));
    assert.notDeepEqual(otherOrder.w, expected);
  } finally {
    restoreMathRandom();
  }
});

test("the random stream's state round-trips", () => {
  try {
    setSeed(5);
    Math.random();
    const s = seededStreamState()!;
    const a = [Math.random(), Math.random()];
    setSeed(6);
    const r = Rng.fromState(s);
    assert.deepEqual([r.unif(), r.unif()], a);
    restoreMathRandom();
    assert.equal(seededStreamState(), null);
    assert.throws(() => Rng.fromState({ ...s, mt: [1, 2] }), /not a generator state/);
  } finally {
    restoreMathRandom();
  }
});

test("a damaged file or another architecture is a clear error naming the file", async () => {
  try {
    const file = tmpFile();
    const { x, y } = data();
    const m = build(1);
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [resumableTraining({ file })] });
    const bytes = fs.readFileSync(file);
    const cut = file.replace("state.bin", "cut.bin");
    fs.writeFileSync(cut, bytes.subarray(0, bytes.byteLength - 10));
    await assert.rejects(resumableTraining({ file: cut }).restore(build(1)), (e: Error) => e.message.includes(cut) && /cut off/.test(e.message));
    const junk = file.replace("state.bin", "junk.bin");
    fs.writeFileSync(junk, "hello");
    await assert.rejects(resumableTraining({ file: junk }).restore(build(1)), /junk\.bin: not a usable training state/);
    setSeed(1);
    const other = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5 }), tf.layers.dense({ units: 3 })] });
    other.compile({ optimizer: "adam", loss: "meanSquaredError" });
    await assert.rejects(resumableTraining({ file }).restore(other), /do not fit this model/);
    const sgd = build(1);
    sgd.compile({ optimizer: "sgd", loss: "meanSquaredError" });
    await assert.rejects(resumableTraining({ file }).restore(sgd), /saved with the Adam optimizer/);
    assert.equal(await resumableTraining({ file: file + ".none" }).restore(build(1)), 0);
    tf.dispose([x, y]);
  } finally {
    restoreMathRandom();
  }
});
