/**
 * compiledFit (one TensorFlow graph per training step, through the compiled-fit addon) against tf.js's
 * own eager training: one-step updates per layer type, loss and optimizer; whole short fits (shuffled,
 * partial last batch, validation, classWeight); dropout determinism; the fallback and the switch;
 * interrupts; no tensor leaks. Skipped where the addon is not built (no TensorFlow wheel).
 * Tolerance: |compiled - eager| <= 1e-4 * (1 + max |eager|): oneDNN sums in other orders than the
 * eager kernels, so float32 results differ in the last bits; a wrong formula is off by far more.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { DT, GraphBuilder, loadGraphAddon } from "../../lib/backend/graph-addon";
import { selectBackend } from "../../lib/backend/select-backend";
import { setSeed } from "../../lib/random/rng";
import {
  compiledEvaluate, compiledFit, compiledFitDataset, compiledPredict, compiledTrainOnBatch, eagerFit, eagerFitDataset, installCompiledFit, releaseCompiled,
  setCompiledFit, syncCompiledWeights, trainingMode, trainsCompiled, whyNotCompiled,
} from "../../lib/training/compiled-fit";
import { requestInterrupt } from "../../lib/kernel/interrupt";
import { earlyStopping } from "../../lib/training/early-stopping";
import { fitVariational } from "../../lib/training/fit-variational";
import { GaussianSampling } from "../../lib/models/variational";

const TOLERANCE = 1e-4;
const addon = loadGraphAddon();
const skip = typeof addon === "string" ? addon : false;

let backendReady = false;
async function ready(): Promise<void> {
  if (backendReady) return;
  await selectBackend({ prefer: "tensorflow", quiet: true });
  tf.enableProdMode();
  backendReady = true;
}

function assertClose(actual: number[] | Float32Array, expected: number[] | Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(d <= TOLERANCE * (1 + scale), `${what}[${i}]: compiled ${actual[i]} vs eager ${expected[i]}`);
  }
}

function assertSameWeights(a: tf.LayersModel, b: tf.LayersModel, what: string): void {
  const wa = a.getWeights();
  const wb = b.getWeights();
  wa.forEach((w, i) => assertClose(wb[i].dataSync() as Float32Array, w.dataSync() as Float32Array, `${what} ${a.weights[i].name}`));
}

/** Two identical compiled models (same initial weights). */
function twins(build: () => tf.Sequential, loss: string, optimizer: () => tf.Optimizer, metrics: string[] = []): [tf.Sequential, tf.Sequential] {
  const a = build();
  const b = build();
  a.compile({ loss, optimizer: optimizer(), metrics });
  b.compile({ loss, optimizer: optimizer(), metrics });
  b.setWeights(a.getWeights());
  return [a, b];
}

function onehot(n: number, classes: number, seed: number): tf.Tensor {
  return tf.tidy(() => tf.oneHot(tf.randomUniform([n], 0, classes, "float32", seed).floor().cast("int32") as tf.Tensor1D, classes).cast("float32"));
}

interface Case {
  name: string;
  build: () => tf.Sequential;
  inputShape: number[];
  loss: "meanSquaredError" | "binaryCrossentropy" | "categoricalCrossentropy";
  classes: number;
  optimizer: () => tf.Optimizer;
}

const cases: Case[] = [
  {
    name: "Dense relu/tanh + linear, MSE, Adam",
    build: () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 8, activation: "relu" }), tf.layers.dense({ units: 6, activation: "tanh" }), tf.layers.dense({ units: 1 })] }),
    inputShape: [3], loss: "meanSquaredError", classes: 0, optimizer: () => tf.train.adam(0.01),
  },
  {
    name: "Dense sigmoid, binary crossentropy, SGD",
    build: () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 7, activation: "elu" }), tf.layers.dense({ units: 1, activation: "sigmoid" })] }),
    inputShape: [5], loss: "binaryCrossentropy", classes: 1, optimizer: () => tf.train.sgd(0.1),
  },
  {
    name: "Dense + Activation softmax, categorical crossentropy, RMSprop",
    build: () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 8 }), tf.layers.activation({ activation: "relu" }), tf.layers.dense({ units: 4 }), tf.layers.activation({ activation: "softmax" })] }),
    inputShape: [6], loss: "categoricalCrossentropy", classes: 4, optimizer: () => tf.train.rmsprop(0.01),
  },
  {
    name: "Conv2D valid + MaxPooling2D + Flatten, SGD with Nesterov momentum",
    build: () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [9, 10, 2], filters: 4, kernelSize: 3, activation: "relu" }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: "softmax" })] }),
    inputShape: [9, 10, 2], loss: "categoricalCrossentropy", classes: 3, optimizer: () => tf.train.momentum(0.05, 0.9, true),
  },
  {
    name: "Conv2D same, strides 2 + MaxPooling2D same, Adam",
    build: () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 5, kernelSize: 3, strides: 2, padding: "same", activation: "sigmoid" }), tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: "same" }), tf.layers.flatten(), tf.layers.dense({ units: 1, activation: "sigmoid" })] }),
    inputShape: [8, 8, 3], loss: "binaryCrossentropy", classes: 1, optimizer: () => tf.train.adam(),
  },
  {
    name: "Conv1D + MaxPooling1D (as 2-D ops), Adam",
    build: () => tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [20, 4], filters: 6, kernelSize: 5, activation: "relu" }), tf.layers.maxPooling1d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: "softmax" })] }),
    inputShape: [20, 4], loss: "categoricalCrossentropy", classes: 3, optimizer: () => tf.train.adam(0.01),
  },
  {
    name: "Conv2DTranspose (valid, strides 1 and 2), Adam",
    build: () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, activation: "relu" }), tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, activation: "relu" }), tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, activation: "sigmoid" }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] }),
    inputShape: [8, 8, 2], loss: "meanSquaredError", classes: 0, optimizer: () => tf.train.adam(0.01),
  },
  {
    name: "UpSampling2D (nearest) between convolutions, Adam",
    build: () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [6, 5, 2], filters: 3, kernelSize: 3, activation: "relu" }), tf.layers.upSampling2d({ size: [2, 3] }), tf.layers.conv2d({ filters: 2, kernelSize: 2, activation: "relu" }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] }),
    inputShape: [6, 5, 2], loss: "meanSquaredError", classes: 0, optimizer: () => tf.train.adam(0.01),
  },
];

function dataFor(c: Case, n: number, seed: number): [tf.Tensor, tf.Tensor] {
  const x = tf.randomUniform([n, ...c.inputShape], 0, 1, "float32", seed);
  const y = c.classes === 0 ? tf.randomUniform([n, 1], -1, 1, "float32", seed + 1) : c.classes === 1 ? tf.tidy(() => tf.randomUniform([n, 1], 0, 1, "float32", seed + 1).round()) : onehot(n, c.classes, seed + 1);
  return [x, y];
}

for (const c of cases) {
  test(`one step: ${c.name}: same loss and weights as model.trainOnBatch`, { skip }, async () => {
    await ready();
    const [eager, compiled] = twins(c.build, c.loss, c.optimizer);
    const [x, y] = dataFor(c, 12, 7);
    const lossesEager: number[] = [];
    for (let i = 0; i < 3; i++) lossesEager.push((await eager.trainOnBatch(x, y)) as number);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const [lossCompiled] = compiledTrainOnBatch(compiled, x, y);
      assertClose([lossCompiled], [lossesEager[i]], `${c.name} loss at step ${i + 1}`);
    }
    syncCompiledWeights(compiled);
    releaseCompiled(compiled);
    assert.equal(tf.memory().numTensors, before, "tensors left behind");
    assertSameWeights(eager, compiled, `${c.name} after 3 steps`);
    tf.dispose([x, y]);
    eager.dispose();
    compiled.dispose();
  });
}

test("whole fit without dropout: shuffled batches, a partial last batch, validationSplit: same history as model.fit", { skip }, async () => {
  await ready();
  const c = cases[3];
  const [eager, compiled] = twins(c.build, c.loss, c.optimizer, ["accuracy"]);
  const [x, y] = dataFor(c, 50, 3);
  const args = { epochs: 3, batchSize: 16, validationSplit: 0.2, verbose: 0 as const };
  setSeed(11);
  const he = await eager.fit(x, y, args);
  setSeed(11); // the same shuffles: compiledFit shuffles with tf.util.shuffle as model.fit does
  const before = tf.memory().numTensors;
  const hc = await compiledFit(compiled, x, y, args);
  assert.equal(tf.memory().numTensors, before, "tensors left behind by compiledFit");
  assert.deepEqual(Object.keys(hc.history).sort(), Object.keys(he.history).sort());
  for (const k of Object.keys(he.history)) assertClose(hc.history[k] as number[], he.history[k] as number[], `history ${k}`);
  assert.deepEqual(hc.epoch, he.epoch);
  assertSameWeights(eager, compiled, "after the fit");
  // A second call continues from the same optimizer state, as a second model.fit does.
  setSeed(12);
  const he2 = await eager.fit(x, y, { ...args, epochs: 1 });
  setSeed(12);
  const hc2 = await compiledFit(compiled, x, y, { ...args, epochs: 1 });
  assertClose(hc2.history.loss as number[], he2.history.loss as number[], "second fit loss");
  releaseCompiled(compiled);
  tf.dispose([x, y]);
});

test("validationData and classWeight: same history as model.fit", { skip }, async () => {
  await ready();
  const c = cases[1];
  const [eager, compiled] = twins(c.build, c.loss, c.optimizer, ["accuracy"]);
  const [x, y] = dataFor(c, 30, 5);
  const [xv, yv] = dataFor(c, 9, 50);
  const args = { epochs: 2, batchSize: 8, shuffle: false, validationData: [xv, yv] as [tf.Tensor, tf.Tensor], classWeight: { 0: 1, 1: 3 }, verbose: 0 as const };
  const he = await eager.fit(x, y, args);
  const hc = await compiledFit(compiled, x, y, args);
  for (const k of ["loss", "acc", "val_loss", "val_acc"]) assertClose(hc.history[k] as number[], he.history[k] as number[], `history ${k}`);
  assertSameWeights(eager, compiled, "after the fit");
  releaseCompiled(compiled);
  tf.dispose([x, y, xv, yv]);
});

/** The lines `run` prints with console.log, captured instead of shown. */
async function printedBy(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    await run();
  } finally {
    console.log = log;
  }
  return lines;
}

/** Every key of the eager History, the same in the compiled one, value by value. */
function assertSameHistory(hc: tf.History, he: tf.History, what: string): void {
  assert.deepEqual(Object.keys(hc.history).sort(), Object.keys(he.history).sort(), `${what}: logged names`);
  for (const k of Object.keys(he.history)) assertClose(hc.history[k] as number[], he.history[k] as number[], `${what}: history ${k}`);
}

test("metrics binaryAccuracy, categoricalAccuracy and mse: logged under tf.js's names, with tf.js's values", { skip }, async () => {
  await ready();
  for (const [c, metrics] of [[cases[1], ["binaryAccuracy", "mse"]], [cases[2], ["categoricalAccuracy"]], [cases[0], ["mse"]]] as [Case, string[]][]) {
    const [eager, compiled] = twins(c.build, c.loss, c.optimizer, metrics);
    const [x, y] = dataFor(c, 24, 4);
    const args = { epochs: 2, batchSize: 8, shuffle: false, validationSplit: 0.25, verbose: 0 as const };
    assertSameHistory(await compiledFit(compiled, x, y, args), await eagerFit(eager, x, y, args), `${c.name} with ${metrics}`);
    releaseCompiled(compiled);
    tf.dispose([x, y]);
  }
});

test("fitDataset: the same history and weights as tf.js's fitDataset (dataset and tensor validation, classWeight, batchesPerEpoch)", { skip }, async () => {
  await ready();
  const c = cases[2];
  const [x, y] = dataFor(c, 30, 6);
  const [xv, yv] = dataFor(c, 10, 60);
  const batches = (a: tf.Tensor, b: tf.Tensor, size: number) =>
    tf.data.zip({ xs: tf.data.array(tf.unstack(a)), ys: tf.data.array(tf.unstack(b)) }).batch(size) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
  const variants: [string, tf.ModelFitDatasetArgs<{ xs: tf.Tensor; ys: tf.Tensor }>][] = [
    ["dataset validation", { epochs: 3, validationData: batches(xv, yv, 4), verbose: 0 }],
    ["tensor validation and classWeight", { epochs: 2, validationData: [xv, yv], classWeight: { 0: 1, 1: 2, 2: 0.5, 3: 1 }, verbose: 0 }],
    ["batchesPerEpoch", { epochs: 2, batchesPerEpoch: 2, verbose: 0 }],
  ];
  for (const [name, args] of variants) {
    const [eager, compiled] = twins(c.build, c.loss, c.optimizer, ["accuracy"]);
    const he = await eagerFitDataset(eager, batches(x, y, 7), args);
    const training = batches(x, y, 7); // its 60 unstacked rows live as long as the dataset
    const before = tf.memory().numTensors;
    const hc = await compiledFitDataset(compiled, training, args);
    assert.equal(tf.memory().numTensors, before, `${name}: tensors left behind`);
    assert.ok(trainsCompiled(compiled), `${name}: trained through the graph`);
    assertSameHistory(hc, he, name);
    assertSameWeights(eager, compiled, `${name}: after the fit`);
    releaseCompiled(compiled);
  }
  tf.dispose([x, y, xv, yv]);
});

test("installCompiledFit: model.fit and fitDataset compile where they can and stay eager (saying why) where they cannot", { skip }, async () => {
  await ready();
  installCompiledFit();
  const c = cases[0];
  const [x, y] = dataFor(c, 20, 8);
  const [eager, compiled] = twins(c.build, c.loss, c.optimizer);
  const args = { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 as const };
  assertSameHistory(await compiled.fit(x, y, args), await eagerFit(eager, x, y, args), "Sequential model.fit");
  assert.ok(trainsCompiled(compiled), "the Sequential trained through the graph");
  // A model outside the table trains eagerly through tf.js's own fit: no recursion.
  const functional = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 }), tf.layers.batchNormalization(), tf.layers.dense({ units: 1 })] });
  functional.compile({ loss: "meanSquaredError", optimizer: "sgd" });
  const lines = await printedBy(async () => {
    const h = await functional.fit(x, y, args);
    assert.equal((h.history.loss as number[]).length, 2);
  });
  assert.ok(!trainsCompiled(functional), "the functional model trained eagerly");
  assert.ok(lines.some((l) => /^compiledFit: layer .*BatchNormalization is not in the compiled table/.test(l)), `said ${JSON.stringify(lines)}`);
  // With the switch off, a Sequential trains eagerly too.
  const [eager2, other] = twins(c.build, c.loss, c.optimizer);
  setCompiledFit(false);
  try {
    assertSameHistory(await other.fit(x, y, args), await eagerFit(eager2, x, y, args), "switched off");
  } finally {
    setCompiledFit(true);
  }
  assert.ok(!trainsCompiled(other), "switched off: eager");
  releaseCompiled(compiled);
  tf.dispose([x, y]);
});

test("kernel and bias L2/L1 regularizers: the penalty in the training loss (not the validation loss), as model.fit", { skip }, async () => {
  await ready();
  const build = () => tf.sequential({ layers: [
    // (L2 on the biases: they start at 0, where an L1 gradient flips sign on the last bit of a float.)
    tf.layers.dense({ inputShape: [6], units: 8, activation: "relu", kernelRegularizer: tf.regularizers.l2({ l2: 0.05 }), biasRegularizer: tf.regularizers.l2({ l2: 0.02 }) }),
    tf.layers.dropout({ rate: 0 }),
    tf.layers.dense({ units: 3, activation: "softmax", kernelRegularizer: tf.regularizers.l1l2({ l1: 0.01, l2: 0.03 }) }),
  ] });
  const c: Case = { ...cases[2], build, inputShape: [6], classes: 3 };
  const [eager, compiled] = twins(build, c.loss, c.optimizer, ["accuracy"]);
  const [x, y] = dataFor(c, 24, 12);
  const args = { epochs: 3, batchSize: 8, shuffle: false, validationSplit: 0.25, verbose: 0 as const };
  const hc = await compiledFit(compiled, x, y, args);
  assert.ok(trainsCompiled(compiled), "trained through the graph");
  assertSameHistory(hc, await eagerFit(eager, x, y, args), "regularized");
  assertSameWeights(eager, compiled, "after the fit");
  releaseCompiled(compiled);
  tf.dispose([x, y]);
});

test("functional models: branches of several widths concatenated, and a second input: same history as model.fit", { skip }, async () => {
  await ready();
  const build = () => {
    const sequence = tf.input({ shape: [20, 4] });
    const context = tf.input({ shape: [3] });
    const widths = [3, 5].map((k) => tf.layers.conv1d({ filters: 4, kernelSize: k, padding: "same", activation: "relu" }).apply(sequence) as tf.SymbolicTensor);
    let h = tf.layers.concatenate().apply(widths) as tf.SymbolicTensor;
    h = tf.layers.maxPooling1d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
    h = tf.layers.concatenate().apply([h, context]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(h) as tf.SymbolicTensor;
    return tf.model({ inputs: [sequence, context], outputs: out });
  };
  const a = build();
  const b = build();
  for (const m of [a, b]) m.compile({ loss: "categoricalCrossentropy", optimizer: tf.train.adam(0.01), metrics: ["categoricalAccuracy"] });
  b.setWeights(a.getWeights());
  const xs = [tf.randomUniform([24, 20, 4], 0, 1, "float32", 1), tf.randomUniform([24, 3], 0, 1, "float32", 2)];
  const y = onehot(24, 3, 3);
  const args = { epochs: 2, batchSize: 8, validationSplit: 0.25, verbose: 0 as const };
  setSeed(5);
  const he = await eagerFit(a, xs, y, args);
  setSeed(5);
  const hc = await compiledFit(b, xs, y, args);
  assert.ok(trainsCompiled(b), "trained through the graph");
  assertSameHistory(hc, he, "two inputs, concatenated branches");
  assertSameWeights(a, b, "after the fit");
  const pe = a.predict(xs) as tf.Tensor;
  const pc = compiledPredict(b, xs);
  assertClose(pc.dataSync() as Float32Array, pe.dataSync() as Float32Array, "predictions");
  releaseCompiled(b);
  tf.dispose([...xs, y, pe, pc]);
});

test("a frozen base network inside a Sequential (transfer learning): same history as model.fit, the base untouched", { skip }, async () => {
  await ready();
  const buildBase = () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, activation: "relu" }), tf.layers.maxPooling2d({ poolSize: 2 })] });
  const build = (base: tf.LayersModel) => {
    const m = tf.sequential();
    m.add(tf.layers.inputLayer({ inputShape: [8, 8, 3] }));
    m.add(base);
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 2, activation: "softmax" }));
    return m;
  };
  const [baseA, baseB] = [buildBase(), buildBase()];
  baseB.setWeights(baseA.getWeights());
  const [a, b] = [build(baseA), build(baseB)];
  baseA.trainable = false;
  baseB.trainable = false;
  for (const m of [a, b]) m.compile({ loss: "categoricalCrossentropy", optimizer: tf.train.adam(0.01), metrics: ["acc"] });
  b.setWeights(a.getWeights());
  const x = tf.randomUniform([16, 8, 8, 3], 0, 1, "float32", 4);
  const y = onehot(16, 2, 5);
  const frozen = baseB.getWeights().map((w) => w.dataSync().slice());
  const args = { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 as const };
  const he = await eagerFit(a, x, y, args);
  const hc = await compiledFit(b, x, y, args);
  assert.ok(trainsCompiled(b), "trained through the graph");
  assertSameHistory(hc, he, "frozen base");
  assertSameWeights(a, b, "after the fit");
  baseB.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), frozen[i], "the frozen base changed"));
  // Unfreezing rebuilds the step (the signature changes) and then trains the base too.
  baseA.trainable = true;
  baseB.trainable = true;
  for (const m of [a, b]) m.compile({ loss: "categoricalCrossentropy", optimizer: tf.train.adam(0.001), metrics: ["acc"] });
  assertSameHistory(await compiledFit(b, x, y, args), await eagerFit(a, x, y, args), "unfrozen");
  assert.notDeepEqual(baseB.getWeights()[0].dataSync(), frozen[0], "the unfrozen base trained");
  releaseCompiled(b);
  tf.dispose([x, y]);
});

test("dropout: the same seed gives the same run twice; another seed a different one", { skip }, async () => {
  await ready();
  const build = () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 16, activation: "relu" }), tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 4, activation: "softmax" })] });
  const c: Case = { ...cases[2], build };
  const [x, y] = dataFor(c, 40, 9);
  const initial = build();
  const weights = initial.getWeights().map((w) => w.clone());
  // twins() draws fresh initial weights; pin them so only the dropout seed differs
  const pinned = async (seed: number) => {
    const m = build();
    m.compile({ loss: c.loss, optimizer: c.optimizer() });
    m.setWeights(weights);
    setSeed(1);
    const h = await compiledFit(m, x, y, { epochs: 2, batchSize: 10, seed, verbose: 0 });
    releaseCompiled(m);
    return h.history.loss as number[];
  };
  const a = await pinned(5);
  const b = await pinned(5);
  const d = await pinned(6);
  assert.deepEqual(a, b, "same seed, same losses");
  assert.notDeepEqual(a, d, "another seed, other masks");
  tf.dispose([x, y, ...weights]);
  initial.dispose();
});

test("a layer outside the table trains with model.fit and says why, once", { skip }, async () => {
  await ready();
  const build = () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5 }), tf.layers.batchNormalization(), tf.layers.dense({ units: 1 })] });
  const m = build();
  m.compile({ loss: "meanSquaredError", optimizer: "sgd" });
  const x = tf.randomUniform([10, 4], 0, 1, "float32", 1);
  const y = tf.randomUniform([10, 1], 0, 1, "float32", 2);
  const lines = await printedBy(async () => {
    await compiledFit(m, x, y, { epochs: 1, verbose: 0 });
    await compiledFit(m, x, y, { epochs: 1, verbose: 0 });
  });
  const said = lines.filter((l) => l.startsWith("compiledFit:"));
  assert.equal(said.length, 1, `said ${JSON.stringify(lines)}`);
  assert.match(said[0], /BatchNormalization is not in the compiled table; training with tf\.js's model\.fit/);
  tf.dispose([x, y]);
  m.dispose();
});

test("one switch turns compiling off", { skip }, async () => {
  await ready();
  const c = cases[0];
  const m = c.build();
  m.compile({ loss: c.loss, optimizer: "adam" });
  const x = tf.zeros([2, 3]);
  const y = tf.zeros([2, 1]);
  assert.equal(whyNotCompiled(m, x, y), null);
  setCompiledFit(false);
  try {
    assert.equal(whyNotCompiled(m, x, y), "compiled training is switched off");
  } finally {
    setCompiledFit(true);
  }
  tf.dispose([x, y]);
  m.dispose();
});

test("an interrupt stops a compiled fit after the batch it came in", { skip }, async () => {
  await ready();
  const c = cases[0];
  const m = c.build();
  m.compile({ loss: c.loss, optimizer: "adam" });
  const [x, y] = dataFor(c, 40, 2);
  let batches = 0;
  const h = await compiledFit(m, x, y, {
    epochs: 5, batchSize: 4, verbose: 0,
    callbacks: { onBatchEnd: async (batch) => { batches++; if (batch === 2) requestInterrupt(); } },
  });
  assert.equal(batches, 3, "batches run");
  assert.equal(h.epoch.length, 1, "epochs recorded");
  releaseCompiled(m);
  tf.dispose([x, y]);
  m.dispose();
});

test("the addon turns TensorFlow's errors into JavaScript errors that name the operation", { skip }, () => {
  const a = addon as Exclude<typeof addon, string>;
  const g = new GraphBuilder(a);
  assert.throws(() => g.op("NoSuchOp", []), /NoSuchOp 'NoSuchOp_0'.*NoSuchOp/);
  const x = g.placeholder(DT.float, [2]);
  const y = g.f("Square", x);
  const s = a.newSession(g.handle);
  assert.throws(() => a.run(s, [x], [{ dtype: DT.float, shape: [2], data: new Float32Array(3) }], [y], []), /data holds 12 bytes, the shape needs 8/);
  assert.deepEqual(Array.from(a.run(s, [x], [{ dtype: DT.float, shape: [2], data: Float32Array.of(2, -3) }], [y], [])[0].data), [4, 9]);
  a.closeSession(s);
  assert.throws(() => a.run(s, [], [], [y], []), /session is closed/);
});

test("the addon exports trimMemory (glibc malloc_trim), which the compiled fit calls after every epoch", { skip }, () => {
  // Its effect on resident memory is what the notebooks' memory budgets check (scripts/run_notebooks.py).
  const a = addon as Exclude<typeof addon, string>;
  assert.equal(typeof a.trimMemory, "function");
  assert.equal(typeof a.trimMemory(), "boolean");
});

test("evaluate and predict through the graph match model.evaluate and model.predict (dropout off)", { skip }, async () => {
  await ready();
  const build = () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, activation: "relu" }), tf.layers.flatten(), tf.layers.dropout({ rate: 0.4 }), tf.layers.dense({ units: 3, activation: "softmax" })] });
  const m = build();
  m.compile({ loss: "categoricalCrossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const x = tf.randomUniform([23, 8, 8, 2], 0, 1, "float32", 4);
  const y = onehot(23, 3, 5);
  await compiledFit(m, x, y, { epochs: 1, batchSize: 8, verbose: 0, seed: 3 });
  const before = tf.memory().numTensors;
  const eager = m.evaluate(x, y, { batchSize: 10 }) as tf.Scalar[];
  const compiled = compiledEvaluate(m, x, y, { batchSize: 10 }) as tf.Scalar[];
  assertClose(compiled.map((s) => s.dataSync()[0]), eager.map((s) => s.dataSync()[0]), "evaluate [loss, acc]");
  const pe = m.predict(x) as tf.Tensor;
  const pc = compiledPredict(m, x, { batchSize: 10 });
  assert.deepEqual(pc.shape, pe.shape);
  assertClose(pc.dataSync() as Float32Array, pe.dataSync() as Float32Array, "predict");
  tf.dispose([...eager, ...compiled, pe, pc]);
  assert.equal(tf.memory().numTensors, before, "tensors left behind");
  releaseCompiled(m);
  tf.dispose([x, y]);
  m.dispose();
});

test("early stopping with restoreBestWeights: the same epochs and restored weights as model.fit", { skip }, async () => {
  await ready();
  const c = cases[2];
  const [eager, compiled] = twins(c.build, c.loss, () => tf.train.adam(0.05), ["accuracy"]);
  const [x, y] = dataFor(c, 40, 21);
  const args = () => ({ epochs: 15, batchSize: 8, shuffle: false, validationSplit: 0.25, verbose: 0 as const, callbacks: [earlyStopping({ monitor: "val_loss", patience: 1, restoreBestWeights: true })] });
  const he = await eager.fit(x, y, args());
  const hc = await compiledFit(compiled, x, y, args());
  assert.ok(he.epoch.length < 15, "the eager fit stopped early (else this test proves nothing)");
  assert.deepEqual(hc.epoch, he.epoch);
  assertSameWeights(eager, compiled, "restored weights");
  releaseCompiled(compiled);
  tf.dispose([x, y]);
});

test("the event loop runs while a compiled step computes (timers, the SIGINT handler, the live panel)", { skip }, async () => {
  await ready();
  const m = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [48, 48, 8], filters: 32, kernelSize: 5, activation: "relu" }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
  m.compile({ loss: "meanSquaredError", optimizer: "sgd" });
  const x = tf.randomUniform([64, 48, 48, 8], 0, 1, "float32", 1);
  const y = tf.zeros([64, 1]);
  const firedDuringStep: boolean[] = [];
  let fired = false;
  await compiledFit(m, x, y, {
    epochs: 3, batchSize: 64, verbose: 0,
    callbacks: {
      onBatchBegin: async () => { fired = false; setTimeout(() => (fired = true), 1); },
      onBatchEnd: async () => void firedDuringStep.push(fired),
    },
  });
  assert.deepEqual(firedDuringStep, [true, true, true]);
  releaseCompiled(m);
  tf.dispose([x, y]);
  m.dispose();
});

test("fitVariational through the graph: with the sampling noise made negligible, the same history as op by op", { skip }, async () => {
  await ready();
  const build = () => {
    const input = tf.input({ shape: [5] });
    const h = tf.layers.dense({ units: 8, activation: "relu" }).apply(input) as tf.SymbolicTensor;
    const zMean = tf.layers.dense({ units: 3, name: "z_mean" }).apply(h) as tf.SymbolicTensor;
    const zLogVar = tf.layers.dense({ units: 3, name: "z_log_var" }).apply(h) as tf.SymbolicTensor;
    // epsilonStd 1e-9: z = z_mean up to float rounding, so both paths follow the same trajectory.
    const z = new GaussianSampling({ epsilonStd: 1e-9, name: "sampling" }).apply([zMean, zLogVar]) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 4, activation: "softmax" }).apply(z) as tf.SymbolicTensor });
  };
  const a = build();
  const b = build();
  b.setWeights(a.getWeights());
  const x = tf.randomUniform([30, 5], 0, 1, "float32", 8);
  const y = onehot(30, 4, 9);
  const args = { zMean: "z_mean", zLogVar: "z_log_var", epochs: 3, batchSize: 8, seed: 3, validationData: [x, y] as [tf.Tensor, tf.Tensor] };
  setCompiledFit(false);
  let he;
  try {
    he = await fitVariational(a, x, y, { ...args, optimizer: tf.train.adam(0.01) });
  } finally {
    setCompiledFit(true);
  }
  const optimizer = tf.train.adam(0.01); // it holds two tensors of its own (beta1^t, beta2^t)
  const before = tf.memory().numTensors;
  const hc = await fitVariational(b, x, y, { ...args, optimizer });
  assert.equal(tf.memory().numTensors, before, "tensors left behind");
  for (const k of ["loss", "ce", "kl", "acc", "val_loss", "val_acc"]) assertClose(hc.history[k], he.history[k], `history ${k}`);
  assertSameWeights(a, b, "after fitVariational");
  tf.dispose([x, y]);
});

test("a kernel-wide reason (compiling switched off) is said once by trainingMode, not again by each fit", { skip }, async () => {
  await ready();
  const c = cases[0];
  const m = c.build();
  m.compile({ loss: c.loss, optimizer: "adam" });
  const [x, y] = dataFor(c, 8, 1);
  setCompiledFit(false);
  let lines: string[];
  try {
    lines = await printedBy(async () => {
      console.log(trainingMode());
      await compiledFit(m, x, y, { epochs: 1, verbose: 0 });
      await compiledFitDataset(m, tf.data.array([{ xs: x, ys: y }]), { epochs: 1, verbose: 0 });
    });
  } finally {
    setCompiledFit(true);
  }
  assert.deepEqual(lines, ["Training: op by op (compiled training is switched off)"]);
  assert.match(trainingMode(), /^Training: model\.fit runs each step as one compiled TensorFlow graph/);
  tf.dispose([x, y]);
  m.dispose();
});
