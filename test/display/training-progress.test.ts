import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { DisplayMessage, setDisplaySink, setTextSink } from "../../lib/kernel/mime";
import { trainingProgress, TrainingProgress } from "../../lib/display/training-progress";
import { pngSize } from "./png-decode";

tf.enableProdMode();

function tinyModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 4, activation: "relu", inputShape: [1] }), tf.layers.dense({ units: 1 })],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError", metrics: ["mae"] });
  return model;
}

test("one display updated in place every epoch, with the real logs of model.fit", async () => {
  const model = tinyModel();
  const x = tf.tensor2d([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], [8, 1]);
  const y = x.sqrt();
  const sent: { message: DisplayMessage; update: boolean }[] = [];
  const progress = trainingProgress({ minIntervalMs: 0 });
  // Adam creates its slot variables on the first fit; warm up so the count below is only ours.
  await model.fit(x, y, { epochs: 1, validationSplit: 0.25, verbose: 0 });
  const before = tf.memory().numTensors;
  setDisplaySink((message, update) => sent.push({ message, update }));
  let history: tf.History;
  try {
    history = await model.fit(x, y, { epochs: 3, batchSize: 4, validationSplit: 0.25, callbacks: [progress], verbose: 0 });
  } finally {
    setDisplaySink(null);
  }
  assert.equal(tf.memory().numTensors, before, "fit with the progress callback leaked tensors");

  // start + 3 epochs + final state, all on the same display id; only the first is a new output.
  assert.equal(sent.length, 5);
  const id = progress.displayId;
  assert.ok(id);
  assert.ok(sent.every((s) => s.message.transient.display_id === id));
  assert.deepEqual(sent.map((s) => s.update), [false, true, true, true, true]);
  for (const s of sent.slice(1)) {
    assert.deepEqual(Object.keys(s.message.data).sort(), ["image/png", "text/plain"]);
    const size = pngSize(Buffer.from(s.message.data["image/png"] as string, "base64"));
    assert.equal(size.width, 2 * (s.message.metadata["image/png"] as { width: number }).width);
  }
  assert.match(sent[3].message.data["text/plain"] as string, /^Epoch 3\/3 - .* - loss [\d.e+-]+ - val_loss [\d.e+-]+ - mae [\d.e+-]+ - val_mae [\d.e+-]+$/);
  assert.match(sent[4].message.data["text/plain"] as string, /^Done: 3 epochs/);

  // The values shown are the ones fit reports.
  for (const key of ["loss", "val_loss", "mae", "val_mae"]) {
    const want = history.history[key] as number[];
    assert.equal(progress.logs[key].length, 3);
    progress.logs[key].forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${key}[${i}] ${v} vs ${want[i]}`));
  }
  // The status line shows the last epoch's loss (rounded for display, so compare loosely).
  const shown = Number(/ - loss ([\d.e+-]+)/.exec(sent[3].message.data["text/plain"] as string)![1]);
  const loss = (history.history.loss as number[])[2];
  assert.ok(Math.abs(shown - loss) <= 1e-3 * Math.max(1, Math.abs(loss)) + 5e-5, `shown ${shown} vs ${loss}`);
  tf.dispose([x, y]);
  model.dispose();
});

test("outside a kernel it prints one short line per epoch", async () => {
  const model = tinyModel();
  const x = tf.tensor2d([0, 0.5, 1, 1.5], [4, 1]);
  // Capture through the text sink: replacing process.stdout.write would also swallow the
  // test runner's own report, which it writes asynchronously.
  const lines: string[] = [];
  setTextSink((line) => lines.push(line));
  try {
    await model.fit(x, x, { epochs: 2, callbacks: [trainingProgress()], verbose: 0 });
  } finally {
    setTextSink(null);
  }
  assert.equal(lines.length, 3, lines.join("\n"));
  assert.match(lines[0], /^Epoch 1\/2 - .* - loss \d/);
  assert.match(lines[1], /^Epoch 2\/2 /);
  assert.match(lines[2], /^Done: 2 epochs/);
  x.dispose();
  model.dispose();
});

test("an early stop is reported, and tensors in the logs are read", async () => {
  const p = new TrainingProgress({ chart: false });
  p.setParams({ epochs: 10 });
  const sent: DisplayMessage[] = [];
  setDisplaySink((m) => sent.push(m));
  try {
    await p.onTrainBegin();
    const loss = tf.scalar(0.5);
    await p.onEpochEnd(0, { loss });
    await p.onEpochEnd(1, { loss: 0.25 });
    await p.onTrainEnd();
    loss.dispose();
  } finally {
    setDisplaySink(null);
  }
  assert.deepEqual(p.logs.loss, [0.5, 0.25]);
  assert.match(sent[sent.length - 1].data["text/plain"] as string, /^Stopped after epoch 2\/10 .* loss 0\.2500$/);
  assert.ok(sent.every((m) => !("image/png" in m.data)));
});

test("bad options are rejected", () => {
  assert.throws(() => trainingProgress({ minIntervalMs: -1 }), /minIntervalMs must be >= 0/);
  assert.throws(() => trainingProgress({ metrics: "loss" as unknown as string[] }), /metrics must be a list/);
});
