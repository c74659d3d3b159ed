/**
 * Native TensorFlow (tfjs-node built against the pip wheel) against tf.js's reference cpu backend on
 * the operations the course's models use, forward and backward, and training on native.
 * Tolerance: max |native - cpu| <= 1e-4 * (1 + max |cpu|) per result. oneDNN sums in other orders than
 * the cpu kernels, so float32 results differ in the last bits; a wrong kernel is off by far more.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { listBackends } from "../../lib/backend/select-backend";
import { setSeed } from "../../lib/random/rng";
import { rickCnn } from "../../lib/models/course-architectures";

const root = path.resolve(__dirname, "..", "..");
const TOLERANCE = 1e-4;

function wheelInVenv(): boolean {
  const lib = path.join(root, ".venv", "lib");
  if (!fs.existsSync(lib)) return false;
  return fs.readdirSync(lib).some((py) => fs.existsSync(path.join(lib, py, "site-packages", "tensorflow", "libtensorflow_cc.so.2")));
}

let nativeAvailable: boolean | null = null;
async function native(): Promise<boolean> {
  if (nativeAvailable === null) {
    const all = await listBackends();
    nativeAvailable = all.some((b) => b.name === "tensorflow" && b.available);
  }
  return nativeAvailable;
}

test("native TensorFlow is available wherever .venv holds the TensorFlow wheel", async (t) => {
  if (!wheelInVenv()) return t.skip("no TensorFlow wheel in .venv on this machine");
  const all = await listBackends();
  const tfBackend = all.find((b) => b.name === "tensorflow");
  assert.ok(tfBackend?.available, `tensorflow backend unavailable: ${tfBackend?.detail}`);
  assert.match(tfBackend.detail, /native TensorFlow \d+\.\d+\.\d+ via tfjs-node; libtensorflow from /);
});

/** Seeded inputs as plain arrays, so each backend makes its own tensors from the same numbers. */
function seeded(shape: number[], seed: number): { shape: number[]; values: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = s / 2 ** 32 - 0.5;
  }
  return { shape, values };
}

type Inputs = { shape: number[]; values: Float32Array }[];
interface OpCase {
  name: string;
  inputs: Inputs;
  /** Returns the results to compare: the forward value and gradients w.r.t. every input. */
  run(...xs: tf.Tensor[]): tf.Tensor[];
}

/** Forward result plus the gradient of sum(result * fixed weights) w.r.t. each input. */
function withGrads(f: (...xs: tf.Tensor[]) => tf.Tensor): (...xs: tf.Tensor[]) => tf.Tensor[] {
  return (...xs) => {
    const y = f(...xs);
    const w = tf.tensor(seeded(y.shape, 99).values, y.shape);
    const grads = tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(f(...ins), w)))(xs);
    return [y, ...grads];
  };
}

const x4 = (h: number, w: number, c: number, seed = 1) => seeded([2, h, w, c], seed);

const CASES: OpCase[] = [
  {
    name: "conv2d valid 5x5",
    inputs: [x4(12, 14, 3), seeded([5, 5, 3, 4], 2)],
    run: withGrads((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "valid")),
  },
  {
    name: "conv2d same 3x3",
    inputs: [x4(9, 11, 2), seeded([3, 3, 2, 5], 3)],
    run: withGrads((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "same")),
  },
  {
    name: "conv2d stride 2",
    inputs: [x4(11, 13, 3), seeded([3, 3, 3, 4], 4)],
    run: withGrads((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, "valid")),
  },
  {
    name: "conv2d same stride 2",
    inputs: [x4(10, 12, 3), seeded([3, 3, 3, 2], 5)],
    run: withGrads((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, "same")),
  },
  {
    name: "conv1d valid 5",
    inputs: [seeded([3, 30, 4], 6), seeded([5, 4, 6], 7)],
    run: withGrads((x, f) => tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, 1, "valid")),
  },
  {
    name: "conv2dTranspose valid 5x5",
    inputs: [x4(6, 7, 4), seeded([5, 5, 3, 4], 8)],
    run: withGrads((x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 10, 11, 3], 1, "valid")),
  },
  {
    // what conv layers with a ReLU run; its gradient goes through step() (lib/backend/native-fast-kernels.ts)
    name: "fused conv2d + bias + relu",
    inputs: [x4(10, 12, 3), seeded([3, 3, 3, 4], 15), seeded([4], 16)],
    run: withGrads((x, f, b) =>
      tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: "valid", bias: b, activation: "relu" }),
    ),
  },
  {
    name: "fused matMul + bias + relu (dense layers)",
    inputs: [seeded([8, 30], 17), seeded([30, 7], 18), seeded([7], 19)],
    run: withGrads((a, b, bias) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: "relu" })),
  },
  {
    name: "step, with zeros and NaN",
    inputs: [{ shape: [6], values: new Float32Array([-1, 0, 2, NaN, 1e-30, -1e-30]) }],
    run: (x) => [tf.step(x), tf.step(x, 0.3)],
  },
  {
    name: "maxPool 2x2",
    inputs: [x4(8, 10, 3)],
    run: withGrads((x) => tf.maxPool(x as tf.Tensor4D, 2, 2, "valid")),
  },
  {
    name: "avgPool 2x2",
    inputs: [x4(8, 10, 3)],
    run: withGrads((x) => tf.avgPool(x as tf.Tensor4D, 2, 2, "valid")),
  },
  {
    name: "maxPool1d (as the layer does it)",
    inputs: [seeded([2, 20, 4], 9)],
    run: withGrads((x) => tf.squeeze(tf.maxPool(tf.expandDims(x, 2) as tf.Tensor4D, [2, 1], [2, 1], "valid"), [2])),
  },
  {
    name: "dense: matMul + bias + relu",
    inputs: [seeded([8, 30], 10), seeded([30, 7], 11), seeded([7], 12)],
    run: withGrads((x, w, b) => tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b))),
  },
  {
    name: "sigmoid and softmax",
    inputs: [seeded([6, 5], 13)],
    run: withGrads((x) => tf.add(tf.sigmoid(x), tf.softmax(x))),
  },
  {
    name: "binary and categorical cross-entropy",
    inputs: [seeded([6, 3], 14)],
    run: withGrads((x) =>
      tf.add(
        tf.losses.sigmoidCrossEntropy(tf.tensor2d([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0], [1, 0, 0], [0, 1, 1]]), x),
        tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0, 2, 1, 1, 0, 2], "int32"), 3), x),
      ),
    ),
  },
];

async function compute(backend: string, c: OpCase): Promise<number[][]> {
  assert.ok(await tf.setBackend(backend));
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => c.run(...c.inputs.map((i) => tf.tensor(i.values, i.shape))).map((t) => Array.from(t.dataSync())));
  assert.equal(tf.memory().numTensors, before, `${c.name} on ${backend} left tensors behind`);
  return out;
}

for (const c of CASES) {
  test(`native matches cpu: ${c.name} (value and gradients)`, async (t) => {
    if (!(await native())) return t.skip("native TensorFlow not available here");
    const expected = await compute("cpu", c);
    const got = await compute("tensorflow", c);
    assert.equal(got.length, expected.length);
    got.forEach((g, k) => {
      assert.equal(g.length, expected[k].length, `result ${k}: length`);
      const scale = 1 + Math.max(...expected[k].map((v) => (Number.isNaN(v) ? 0 : Math.abs(v))));
      const nanMismatch = g.findIndex((v, i) => Number.isNaN(v) !== Number.isNaN(expected[k][i]));
      assert.equal(nanMismatch, -1, `${c.name}, result ${k}: NaN at ${nanMismatch} on one side only`);
      const worst = Math.max(0, ...g.map((v, i) => (Number.isNaN(v) ? 0 : Math.abs(v - expected[k][i]))));
      assert.ok(worst <= TOLERANCE * scale, `${c.name}, result ${k}: max difference ${worst} > ${TOLERANCE * scale}`);
    });
  });
}

test("the tolerance check catches a wrong kernel (a conv with a flipped filter)", () => {
  // A correct comparison must fail when one side computes something slightly different.
  const x = tf.tensor(x4(6, 6, 1).values, [2, 6, 6, 1]) as tf.Tensor4D;
  const f = tf.tensor(seeded([3, 3, 1, 1], 2).values, [3, 3, 1, 1]) as tf.Tensor4D;
  const a = tf.conv2d(x, f, 1, "valid").dataSync();
  const b = tf.conv2d(x, tf.reverse(f, [0]), 1, "valid").dataSync();
  const worst = Math.max(...Array.from(a).map((v, i) => Math.abs(v - b[i])));
  assert.ok(worst > TOLERANCE * 2);
  tf.dispose([x, f]);
});

test("dropout is off at prediction time on native", async (t) => {
  if (!(await native())) return t.skip("native TensorFlow not available here");
  assert.ok(await tf.setBackend("tensorflow"));
  const layer = tf.layers.dropout({ rate: 0.5 });
  const x = tf.ones([4, 10]);
  const y = layer.apply(x, { training: false }) as tf.Tensor;
  assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
  tf.dispose([x, y]);
});

/** A small Rick-style CNN on noisy 24x40 frames whose label says where a bright band is. */
async function trainSmallCnn(seed: number): Promise<{ losses: number[]; weights: Float32Array[]; prediction: Float32Array }> {
  setSeed(seed);
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [24, 40, 3], filters: 6, kernelSize: 5, activation: "relu" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: "relu" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 16, activation: "relu" }));
  m.add(tf.layers.dropout({ rate: 0.3 }));
  m.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
  m.compile({ optimizer: tf.train.adam(0.01), loss: "binaryCrossentropy" });
  const n = 64;
  const { xs, ys } = tf.tidy(() => {
    // label 1: a bright band in the top half; label 0: in the bottom half; plus noise
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const band = tf.stack(labels.map((l) => tf.pad(tf.ones([8, 40, 3]), [[l === 1 ? 2 : 14, l === 1 ? 14 : 2], [0, 0], [0, 0]])));
    const noise = tf.tensor(seeded([n, 24, 40, 3], 21).values, [n, 24, 40, 3]);
    return { xs: tf.add(tf.mul(band, 0.6), noise.add(0.5).mul(0.4)), ys: tf.tensor2d(labels, [n, 1]) };
  });
  const h = await m.fit(xs, ys, { epochs: 8, batchSize: 16, shuffle: true, verbose: 0 });
  const weights = m.getWeights().map((w) => w.dataSync() as Float32Array);
  const prediction = tf.tidy(() => (m.predict(xs) as tf.Tensor).dataSync() as Float32Array);
  tf.dispose([xs, ys]);
  m.optimizer.dispose();
  m.dispose();
  return { losses: h.history.loss as number[], weights, prediction };
}

test("a small CNN trains on native, and the same seed gives the same weights and outputs", async (t) => {
  if (!(await native())) return t.skip("native TensorFlow not available here");
  assert.ok(await tf.setBackend("tensorflow"));
  const before = tf.memory().numTensors;
  const a = await trainSmallCnn(12345);
  const b = await trainSmallCnn(12345);
  const c = await trainSmallCnn(777);
  assert.equal(tf.memory().numTensors, before, "training left tensors behind");
  assert.ok(a.losses[a.losses.length - 1] < a.losses[0] * 0.8, `loss did not fall: ${a.losses.join(", ")}`);
  a.weights.forEach((w, i) => assert.deepEqual(w, b.weights[i], `weight ${i} differs between two runs with one seed`));
  assert.deepEqual(a.prediction, b.prediction);
  assert.notDeepEqual(a.weights[0], c.weights[0], "another seed should give other initial weights");
});

test("the course's Rick CNN takes a training step on native", async (t) => {
  if (!(await native())) return t.skip("native TensorFlow not available here");
  assert.ok(await tf.setBackend("tensorflow"));
  const m = rickCnn();
  m.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
  const xs = tf.randomUniform([4, 90, 160, 3], 0, 1, "float32", 3);
  const ys = tf.tensor2d([[0], [1], [1], [0]]);
  const loss = (await m.trainOnBatch(xs, ys)) as number;
  assert.ok(Number.isFinite(loss));
  tf.dispose([xs, ys]);
  m.optimizer.dispose();
  m.dispose();
});
