/**
 * dl.summary against Keras's own: the same models built here with tf.js and in Keras (.venv, one fresh
 * session, same order: scripts/keras-summaries.py), compared row by row: Keras's layer names (conv2d_3,
 * not tf.js's conv2d_Conv2D4), classes, output shapes, parameters, Connected to, and the three counts.
 * Keras 3 draws its table with box characters and Keras 2 (what R keras printed for the course) with
 * rules, so the content is compared; the layout is checked against the course's printed summary.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as path from "path";
import { spawnSync } from "child_process";
import { selectBackend } from "../../lib/backend/select-backend";
import * as arch from "../../lib/models/course-architectures";
import { summary, summaryHtml, summaryOf, summaryText, type ModelSummary } from "../../lib/display/summary";
import { setDisplaySink, type DisplayMessage } from "../../lib/kernel/mime";
import { kerasUnavailable } from "../io/keras-fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const skip = kerasUnavailable() ?? false;

before(async () => {
  await selectBackend({ prefer: "cpu", quiet: true });
});

/** The models of scripts/keras-summaries.py, built in the same order (layer numbering depends on it). */
function buildAll(): { id: string; model: tf.LayersModel }[] {
  const models: { id: string; model: tf.LayersModel }[] = [];
  models.push({ id: "regression-dense", model: arch.regressionDense() });
  models.push({ id: "rick-cnn", model: arch.rickCnn() });
  const ae = tf.sequential();
  const convs: [boolean, number][] = [[false, 20], [false, 20], [false, 64], [true, 64], [true, 20], [true, 20]];
  convs.forEach(([transpose, filters], i) => {
    const args = { filters, kernelSize: 5, ...(i === 0 ? { inputShape: [90, 160, 3] } : {}) };
    ae.add(transpose ? tf.layers.conv2dTranspose(args) : tf.layers.conv2d(args));
    ae.add(tf.layers.activation({ activation: "relu" }));
  });
  ae.add(tf.layers.conv2d({ filters: 3, kernelSize: 5, padding: "same" }));
  ae.add(tf.layers.activation({ activation: "sigmoid" }));
  models.push({ id: "course-autoencoder", model: ae });
  {
    const x = tf.input({ shape: [784] });
    const h = tf.layers.activation({ activation: "relu" }).apply(tf.layers.dense({ units: 128 }).apply(x)) as tf.SymbolicTensor;
    models.push({ id: "functional-chain", model: tf.model({ inputs: x, outputs: tf.layers.dense({ units: 10, activation: "softmax" }).apply(h) as tf.SymbolicTensor }) });
  }
  {
    const x = tf.input({ shape: [200, 4] });
    const branches = [5, 11, 21].map((w) => tf.layers.globalMaxPooling1d().apply(tf.layers.conv1d({ filters: 8, kernelSize: w, activation: "relu" }).apply(x)) as tf.SymbolicTensor);
    const c = tf.layers.concatenate().apply(branches) as tf.SymbolicTensor;
    models.push({ id: "functional-branched", model: tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3, activation: "softmax" }).apply(c) as tf.SymbolicTensor }) });
  }
  const bn = tf.sequential();
  bn.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3 }));
  bn.add(tf.layers.batchNormalization());
  bn.add(tf.layers.flatten());
  bn.add(tf.layers.dense({ units: 10 }));
  bn.layers[0].trainable = false;
  models.push({ id: "batch-norm-frozen", model: bn });
  return models;
}

/** Keras 3's table read back: rows of [name (type), shape, params, connected to], and the counts. */
function parseKeras3(text: string): { name: string; rows: string[][]; counts: number[] } {
  const name = /Model: "([^"]+)"/.exec(text)![1];
  const rows: string[][] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("│")) continue;
    const cells = line.split("│").slice(1, -1).map((c) => c.trim());
    if (cells[0] === "" && rows.length > 0) {
      cells.forEach((c, i) => {
        if (c !== "") rows[rows.length - 1][i] += ` ${c}`;
      });
    } else rows.push(cells);
  }
  const counts = ["Total", "Trainable", "Non-trainable"].map((k) => Number(new RegExp(`${k} params: ([\\d,]+)`).exec(text)![1].replace(/,/g, "")));
  return { name, rows, counts };
}

/**
 * Input layers are numbered differently by design: Keras 2 (and we) count only functional inputs
 * (input_1, ...; a Sequential's is named after its first layer), Keras 3 counts every keras.Input
 * (input_layer, input_layer_1, ...). Both become <input> for the comparison.
 */
function anyInput(text: string): string {
  return text.replace(/\binput_layer(_\d+)?\b|\binput_\d+\b/g, "<input>");
}

function ourRows(s: ModelSummary): string[][] {
  return s.rows.map((r) => {
    const cells = [`${r.name} (${r.type})`, r.outputShape.replace(/^\[(.*)\]$/, "$1"), r.params.toLocaleString("en-US")];
    if (!s.sequentialLike) cells.push(r.connectedTo!.length === 0 ? "-" : r.connectedTo!.join(", "));
    return cells;
  });
}

test("rows, shapes, parameters, connections and counts match Keras's own summary of the same models", { skip }, () => {
  const ours = buildAll();
  const r = spawnSync(path.join(ROOT, ".venv", "bin", "python"), [path.join(ROOT, "scripts", "keras-summaries.py")], {
    encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3", CUDA_VISIBLE_DEVICES: "" }, maxBuffer: 1 << 24,
  });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const keras = JSON.parse(r.stdout.trim().split("\n").pop()!) as { id: string; text: string }[];
  assert.deepEqual(keras.map((k) => k.id), ours.map((o) => o.id));
  for (const [i, { id, model }] of ours.entries()) {
    const k = parseKeras3(keras[i].text);
    const s = summaryOf(model);
    const norm = (rows: string[][]) => rows.map((row) => row.map(anyInput));
    assert.deepEqual(norm(ourRows(s)), norm(k.rows), `${id}: rows`);
    assert.deepEqual([s.total, s.trainable, s.nonTrainable], k.counts, `${id}: counts`);
    if (model instanceof tf.Sequential) assert.equal(s.name, k.name, `${id}: model name`);
  }
  const cnn = summaryOf(ours[1].model);
  assert.equal(cnn.rows[0].name, "conv2d", "the first Conv2D of the session is Keras's conv2d");
  assert.equal(summaryOf(ours[2].model).rows[0].name, "conv2d_3", "numbered on across models, as in one Keras session");
  ours.forEach((o) => o.model.dispose());
});

test("the text is laid out as R keras prints it (Keras 2, 80 columns), with Keras 2's input row and Connected to", () => {
  const m = tf.sequential({ name: "my_sequential" });
  m.add(tf.layers.conv2d({ inputShape: [90, 160, 3], filters: 20, kernelSize: 5, name: "conv2d_3" }));
  m.add(tf.layers.conv2dTranspose({ filters: 20, kernelSize: 5, name: "conv2d_transpose_1" }));
  const text = summaryText(m);
  const expected = [
    'Model: "my_sequential"',
    "_".repeat(80),
    " Layer (type)                       Output Shape                    Param #",
    "=".repeat(80),
    " conv2d_3 (Conv2D)                  (None, 86, 156, 20)             1520",
    "",
    " conv2d_transpose_1 (Conv2DTranspos  (None, 90, 160, 20)            10020",
    " e)",
    "=".repeat(80),
    "Total params: 11,540",
    "Trainable params: 11,540",
    "Non-trainable params: 0",
    "_".repeat(80),
  ];
  assert.deepEqual(text.split("\n"), expected);
  m.dispose();

  const x = tf.input({ shape: [4], name: "input_1" });
  const a = tf.layers.dense({ units: 2, name: "dense" }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 2, name: "dense_1" }).apply(x) as tf.SymbolicTensor;
  const fn = tf.model({ inputs: x, outputs: tf.layers.add({ name: "add" }).apply([a, b]) as tf.SymbolicTensor, name: "model" });
  const lines = summaryText(fn).split("\n");
  // Keras 2's columns for a branched model: 33%, 55%, 67% of the width (26, 44, 53 of 80).
  const row = (a: string, b: string, c: string, d: string) => ` ${a}`.padEnd(26) + b.padEnd(18) + c.padEnd(9) + d;
  assert.equal(lines[2], row("Layer (type)", "Output Shape", "Param #", "Connected to"));
  assert.equal(lines[4], row("input_1 (InputLayer)", "[(None, 4)]", "0", "[]"));
  const add = lines.indexOf(row("add (Add)", "(None, 2)", "0", "['dense[0][0]',"));
  assert.ok(add > 0, lines.join("\n"));
  assert.equal(lines[add + 1], " ".repeat(53) + " 'dense_1[0][0]']");
  fn.dispose();
});

test("in a notebook it is an HTML table with the text beside it; a cell ending in it echoes nothing", () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: 2 }));
  const sent: DisplayMessage[] = [];
  setDisplaySink((msg) => sent.push(msg));
  try {
    assert.equal(summary(m), undefined);
  } finally {
    setDisplaySink(null);
  }
  assert.equal(sent.length, 1);
  assert.match(sent[0].data["text/plain"] as string, /^Model: "sequential(_\d+)?"/);
  assert.match(sent[0].data["text/html"] as string, /<table.*Layer \(type\).*\(None, 2\).*Total params: 8/s);
  assert.equal(summaryHtml(m), sent[0].data["text/html"]);
  m.dispose();
});

test("a model used as a layer is a Functional row with all its parameters; frozen ones count as non-trainable", () => {
  const x = tf.input({ shape: [4] });
  const base = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3 }).apply(x) as tf.SymbolicTensor, name: "conv_base" });
  base.trainable = false;
  const top = tf.sequential({ layers: [base, tf.layers.dense({ units: 1 })] });
  const s = summaryOf(top);
  assert.deepEqual(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params]), [["conv_base", "Functional", "(None, 3)", 15], [s.rows[1].name, "Dense", "(None, 1)", 4]]);
  assert.deepEqual([s.total, s.trainable, s.nonTrainable], [19, 4, 15]);
  top.dispose();
});
