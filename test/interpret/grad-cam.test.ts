import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { argMax2d, gradCam, gradCamBatch, lastConvLayerName } from "../../lib/interpret/grad-cam";

tf.enableProdMode();
const init = (seed: number) => tf.initializers.glorotUniform({ seed });

// ---------------------------------------------------------------------------------------------
// A hand-built model whose class 0 reads only the top-left quadrant of the image and class 1 only
// the bottom-right one. "features" passes the three colour channels through; "gate" keeps what is
// above 0.5 (so faint background does not count); the dense layer sums the gated values of every
// channel inside its quadrant. Neither class prefers a colour: only the region matters.
// ---------------------------------------------------------------------------------------------
const S = 12; // image side
const HALF = S / 2;
const inTopLeft = (r: number, c: number): boolean => r < HALF && c < HALF;
const inBottomRight = (r: number, c: number): boolean => r >= HALF && c >= HALF;

function identity1x1(bias: number): tf.Tensor[] {
  return [tf.eye(3).reshape([1, 1, 3, 3]), tf.fill([3], bias)];
}

function regionModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [S, S, 3], filters: 3, kernelSize: 1, activation: "relu", name: "features" }));
  m.add(tf.layers.conv2d({ filters: 3, kernelSize: 1, activation: "relu", name: "gate" }));
  m.add(tf.layers.flatten({ name: "flat" }));
  m.add(tf.layers.dense({ units: 2, name: "classes" }));
  const readout = new Float32Array(S * S * 3 * 2);
  for (let r = 0; r < S; r++) {
    for (let c = 0; c < S; c++) {
      for (let ch = 0; ch < 3; ch++) {
        const row = (r * S + c) * 3 + ch; // Flatten's order: row, column, channel
        if (inTopLeft(r, c)) readout[row * 2 + 0] = 1;
        if (inBottomRight(r, c)) readout[row * 2 + 1] = 1;
      }
    }
  }
  const w = [...identity1x1(0), ...identity1x1(-0.5), tf.tensor2d(readout, [S * S * 3, 2]), tf.zeros([2])];
  m.setWeights(w);
  tf.dispose(w);
  return m;
}

/** Faint noise everywhere, a red 4×4 square in the top-left quadrant and a green one in the bottom-right. */
function twoSquares(): tf.Tensor3D {
  const v = new Float32Array(S * S * 3);
  let s = 7;
  for (let i = 0; i < v.length; i++) {
    s = (s * 16807) % 2147483647;
    v[i] = 0.1 * (s / 2147483647); // 0..0.1
  }
  for (let r = 1; r <= 4; r++) for (let c = 1; c <= 4; c++) v[(r * S + c) * 3 + 0] = 1;
  for (let r = 7; r <= 10; r++) for (let c = 7; c <= 10; c++) v[(r * S + c) * 3 + 1] = 1;
  return tf.tensor3d(v, [S, S, 3]);
}

function massShare(map: number[][], inside: (r: number, c: number) => boolean): number {
  let all = 0;
  let there = 0;
  map.forEach((row, r) => row.forEach((v, c) => {
    all += v;
    if (inside(r, c)) there += v;
  }));
  return there / all;
}

test("a class that reads one region only: the heatmap's mass and peak are in that region", () => {
  const model = regionModel();
  const image = twoSquares();
  for (const [k, inside, other] of [[0, inTopLeft, inBottomRight], [1, inBottomRight, inTopLeft]] as const) {
    const cam = gradCam(model, image, { layer: "features", classIndex: k });
    assert.equal(cam.layerName, "features");
    assert.deepEqual([cam.height, cam.width], [S, S]);
    assert.ok(inside(cam.peak.row, cam.peak.col), `class ${k}: peak at ${JSON.stringify(cam.peak)}`);
    // The region is a quarter of the image; the faint noise elsewhere keeps the share near 0.75.
    const share = massShare(cam.heatmap, inside);
    assert.ok(share > 0.7, `class ${k}: only ${share.toFixed(3)} of the mass in its region`);
    // The other square is just as bright, but outside what this class reads: it stays dark.
    const otherMax = Math.max(...cam.heatmap.flatMap((row, r) => row.filter((_, c) => other(r, c))));
    assert.ok(otherMax < 0.11, `class ${k}: the other region reaches ${otherMax}`);
    assert.equal(Math.max(...cam.heatmap.flat()), 1);
    assert.ok(Math.min(...cam.heatmap.flat()) >= 0);
  }
  // By hand: class 0's gradient is 1 at the 16 red pixels of channel 0 (the only gated values in
  // its quadrant), so channel weights are [16/144, 0, 0] and the map is the red channel / its max.
  const cam0 = gradCam(model, image, { layer: "features", classIndex: 0 });
  assert.deepEqual(cam0.channelWeights.map((w) => Number(w.toFixed(6))), [Number((16 / 144).toFixed(6)), 0, 0]);
  const red = tf.tidy(() => image.slice([0, 0, 0], [S, S, 1]).reshape([S, S]).arraySync() as number[][]);
  cam0.heatmap.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - red[r][c]) < 1e-6)));
  assert.ok(Math.abs(cam0.rawMax - 16 / 144) < 1e-6);
  assert.ok(Math.abs(cam0.score - 16 * 0.5) < 1e-5); // 16 red pixels, each 1 − 0.5 after the gate
  image.dispose();
  model.dispose();
});

test("sign -1 explains what lowers the score; an image with nothing for the class gives an all-zero map", () => {
  const model = regionModel();
  const image = twoSquares();
  const against = gradCam(model, image, { layer: "features", classIndex: 0, sign: -1 });
  assert.equal(against.rawMax, 0);
  assert.ok(against.heatmap.flat().every((v) => v === 0));
  const dark = tf.fill([S, S, 3], 0.05) as tf.Tensor3D; // all below the gate
  const none = gradCam(model, dark, { layer: "features", classIndex: 1 });
  assert.equal(none.rawMax, 0);
  assert.ok(none.heatmap.flat().every((v) => v === 0));
  tf.dispose([image, dark]);
  model.dispose();
});

/** conv → pool → conv → pool → flatten → dense → dropout → softmax, random weights (seeded). */
function smallCnn(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [14, 18, 3], filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: init(1), name: "c1" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: "p1" }));
  m.add(tf.layers.conv2d({ filters: 5, kernelSize: 3, activation: "relu", kernelInitializer: init(2), name: "c2" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: "p2" }));
  m.add(tf.layers.flatten({ name: "f" }));
  m.add(tf.layers.dense({ units: 8, activation: "relu", kernelInitializer: init(3), name: "d1" }));
  m.add(tf.layers.dropout({ rate: 0.5, name: "drop" }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: init(4), name: "out" }));
  return m;
}

/** Grad-CAM computed another way: a separate head model with copied weights, differentiated with tf.grad. */
function referenceCam(model: tf.Sequential, x: tf.Tensor4D, k: number): { weights: number[]; map: number[][] } {
  return tf.tidy(() => {
    const a = (tf.model({ inputs: model.inputs[0], outputs: model.getLayer("c2").output as tf.SymbolicTensor }).predict(x) as tf.Tensor4D);
    const head = tf.sequential();
    head.add(tf.layers.maxPooling2d({ inputShape: a.shape.slice(1) as number[], poolSize: 2 }));
    head.add(tf.layers.flatten());
    head.add(tf.layers.dense({ units: 8, activation: "relu" }));
    head.add(tf.layers.dense({ units: 3, activation: "softmax" }));
    head.layers[2].setWeights(model.getLayer("d1").getWeights());
    head.layers[3].setWeights(model.getLayer("out").getWeights());
    const g = tf.grad((t: tf.Tensor) => (head.predict(t) as tf.Tensor).slice([0, k], [1, 1]).sum())(a);
    const w = g.mean([0, 1, 2]);
    const cam = a.mul(w).sum(3).squeeze([0]).relu();
    const top = cam.max().dataSync()[0];
    const map = (top > 0 ? cam.div(top) : cam).arraySync() as number[][];
    const weights = Array.from(w.dataSync());
    head.dispose();
    return { weights, map };
  });
}

test("matches an independent computation on a small CNN (inner conv layer, softmax, dropout off)", () => {
  const model = smallCnn();
  const x = tf.randomUniform([1, 14, 18, 3], 0, 1, "float32", 11) as tf.Tensor4D;
  for (const k of [0, 1, 2]) {
    const cam = gradCam(model, x, { layer: "c2", classIndex: k });
    const ref = referenceCam(model, x, k);
    assert.deepEqual([cam.height, cam.width], [4, 6]);
    cam.channelWeights.forEach((w, c) => assert.ok(Math.abs(w - ref.weights[c]) < 1e-6, `class ${k} channel ${c}: ${w} vs ${ref.weights[c]}`));
    cam.heatmap.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - ref.map[r][c]) < 1e-5)));
    const p = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()[k]);
    assert.ok(Math.abs(cam.score - p) < 1e-6);
    // Dropout must not make two runs differ.
    assert.deepEqual(gradCam(model, x, { layer: "c2", classIndex: k }).heatmap, cam.heatmap);
  }
  x.dispose();
  model.dispose();
});

test("a batch gives each image its own map; chunking and per-image classes change nothing", () => {
  const model = smallCnn();
  const xs = tf.randomUniform([5, 14, 18, 3], 0, 1, "float32", 12) as tf.Tensor4D;
  const ks = [0, 2, 1, 1, 0];
  const together = gradCamBatch(model, xs, { layer: "c1", classIndex: ks });
  const chunked = gradCamBatch(model, xs, { layer: "c1", classIndex: ks, batchSize: 2 });
  assert.equal(together.length, 5);
  for (let i = 0; i < 5; i++) {
    const one = tf.tidy(() => xs.slice([i, 0, 0, 0], [1, -1, -1, -1]));
    const single = gradCam(model, one, { layer: "c1", classIndex: ks[i] });
    one.dispose();
    assert.equal(together[i].classIndex, ks[i]);
    for (const other of [chunked[i], single]) {
      other.heatmap.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - together[i].heatmap[r][c]) < 1e-5)));
    }
  }
  xs.dispose();
  model.dispose();
});

test("functional model with a branch that skips the layer; the default layer is the last conv", () => {
  const input = tf.input({ shape: [10, 10, 2] });
  const c1 = tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: "relu", kernelInitializer: init(5), name: "conv_a" }).apply(input) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: init(6), name: "conv_b" }).apply(c1) as tf.SymbolicTensor;
  const g1 = tf.layers.globalAveragePooling2d({ name: "gap_b" }).apply(c2) as tf.SymbolicTensor;
  const g0 = tf.layers.globalAveragePooling2d({ name: "gap_in" }).apply(input) as tf.SymbolicTensor; // skips the conv layers
  const both = tf.layers.concatenate({ name: "cat" }).apply([g1, g0]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, kernelInitializer: init(7), name: "logits" }).apply(both) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  assert.equal(lastConvLayerName(model), "conv_b");

  const x = tf.randomUniform([1, 10, 10, 2], 0, 1, "float32", 13) as tf.Tensor4D;
  const cam = gradCam(model, x, { classIndex: 1 });
  assert.equal(cam.layerName, "conv_b");
  // By hand: through global average pooling, d(logit 1)/dA[i, j, c] = W[c, 1] / 36 at every position (6 × 6 map),
  // so the channel weights are exactly the first 4 rows of the dense kernel's column 1, over 36.
  const kernel = model.getLayer("logits").getWeights()[0].arraySync() as number[][];
  cam.channelWeights.forEach((w, c) => assert.ok(Math.abs(w - kernel[c][1] / 36) < 1e-7, `channel ${c}`));
  const p = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()[1]);
  assert.ok(Math.abs(cam.score - p) < 1e-6);
  x.dispose();
  model.dispose();
});

test("one sigmoid unit (P(not Rick)): sign -1 gives the evidence for the other answer", () => {
  // The region model's two scores folded into one unit: score = (bottom-right) − (top-left).
  const base = regionModel();
  const [k1, b1, k2, b2, dense] = base.getWeights();
  const d = dense.arraySync() as number[][];
  const one = tf.sequential();
  one.add(tf.layers.conv2d({ inputShape: [S, S, 3], filters: 3, kernelSize: 1, activation: "relu", name: "features" }));
  one.add(tf.layers.conv2d({ filters: 3, kernelSize: 1, activation: "relu", name: "gate" }));
  one.add(tf.layers.flatten());
  one.add(tf.layers.dense({ units: 1, activation: "sigmoid", name: "p" }));
  const w1 = tf.tensor2d(d.map((r) => [r[1] - r[0]]));
  const bias = tf.zeros([1]);
  one.setWeights([k1, b1, k2, b2, w1, bias]);
  tf.dispose([w1, bias]);
  const image = twoSquares();
  const forIt = gradCam(one, image, { layer: "features", classIndex: 0 });
  const against = gradCam(one, image, { layer: "features", classIndex: 0, sign: -1 });
  assert.ok(inBottomRight(forIt.peak.row, forIt.peak.col), JSON.stringify(forIt.peak));
  assert.ok(inTopLeft(against.peak.row, against.peak.col), JSON.stringify(against.peak));
  assert.ok(massShare(against.heatmap, inTopLeft) > 0.7);
  assert.throws(() => gradCam(one, image, { layer: "features", classIndex: 1 }), /class index 1 is outside 0\.\.0 \(the model has 1 output unit\)/);
  image.dispose();
  [base, one].forEach((m) => m.dispose());
});

test("no tensor is left behind, also when a call fails", () => {
  const model = smallCnn();
  const x = tf.randomUniform([3, 14, 18, 3], 0, 1, "float32", 14) as tf.Tensor4D;
  const one = tf.tidy(() => x.slice([0, 0, 0, 0], [1, -1, -1, -1]).squeeze([0])) as tf.Tensor3D;
  const warm = gradCamBatch(model, x, { layer: "c2", classIndex: 0 }); // layers build their weights on first use
  assert.equal(warm.length, 3);
  const before = tf.memory().numTensors;
  gradCamBatch(model, x, { layer: "c2", classIndex: [0, 1, 2], batchSize: 2 });
  gradCam(model, one, { layer: "c1", classIndex: 2 });
  gradCam(model, one, { classIndex: 1 });
  assert.throws(() => gradCam(model, one, { layer: "c2", classIndex: 7 }));
  assert.throws(() => gradCam(model, one, { layer: "d1", classIndex: 0 }));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, one]);
  model.dispose();
});

test("clear errors: unknown layer, a layer without a feature map, class index, image size, no conv layer", () => {
  const model = smallCnn();
  const x = tf.zeros([14, 18, 3]) as tf.Tensor3D;
  assert.throws(() => gradCam(model, x, { layer: "conv9", classIndex: 0 }), /no layer named "conv9"; the layers are: c1, p1, c2/);
  assert.throws(() => gradCam(model, x, { layer: "d1", classIndex: 0 }),
    /layer "d1" \(Dense\) outputs shape \[null, 8\], not a \[batch, height, width, channels\] feature map; pick a convolutional layer \(the last one is "c2"\)/);
  assert.throws(() => gradCam(model, x, { layer: "f", classIndex: 0 }), /layer "f" \(Flatten\)/);
  assert.throws(() => gradCam(model, x, { layer: 12, classIndex: 0 }), /layer index 12 is outside 0\.\.7/);
  assert.throws(() => gradCam(model, x, { layer: "c2", classIndex: 3 }), /class index 3 is outside 0\.\.2 \(the model has 3 output units\)/);
  assert.throws(() => gradCam(model, x, { layer: "c2", classIndex: -1 }), /class index -1 is outside 0\.\.2/);
  assert.throws(() => gradCam(model, x, { layer: "c2", classIndex: 0.5 }), /class index 0\.5 is outside/);
  const xs = tf.zeros([2, 14, 18, 3]) as tf.Tensor4D;
  assert.throws(() => gradCamBatch(model, xs, { layer: "c2", classIndex: [0, 1, 2] }), /3 class indices for 2 images/);
  assert.throws(() => gradCam(model, xs, { layer: "c2", classIndex: 0 }), /one image expected, got a batch of 2; use gradCamBatch/);
  const wrong = tf.zeros([14, 20, 3]) as tf.Tensor3D;
  assert.throws(() => gradCam(model, wrong, { layer: "c2", classIndex: 0 }), /the images are \[14, 20, 3\] but the model takes \[14, 18, 3\]/);
  assert.throws(() => gradCam(model, x, { layer: "c2", classIndex: 0, sign: 2 as 1 }), /sign must be 1 or -1/);

  const dense = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 2 })] });
  assert.throws(() => lastConvLayerName(dense), /no convolutional layer .* its layers are: flatten_Flatten\d+ \(Flatten\), dense_Dense\d+ \(Dense\)/);
  const img = tf.zeros([4, 4, 1]) as tf.Tensor3D;
  assert.throws(() => gradCam(dense, img, { classIndex: 0 }), /no convolutional layer/);
  tf.dispose([x, xs, wrong, img]);
  model.dispose();
  dense.dispose();
});

test("argMax2d picks the first largest cell in reading order", () => {
  assert.deepEqual(argMax2d([[0, 0.5], [1, 1]]), { row: 1, col: 0 });
  assert.deepEqual(argMax2d([[0, 0], [0, 0]]), { row: 0, col: 0 });
});

test("the course's Keras layout (conv, separate ReLU, pool): the last conv is found and explained through the ReLU layer", () => {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [20, 24, 3], filters: 4, kernelSize: 5, kernelInitializer: init(21), name: "conv2d_1" }));
  m.add(tf.layers.activation({ activation: "relu", name: "activation_1" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: "max_pooling2d_1" }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, kernelInitializer: init(22), name: "conv2d_2" }));
  m.add(tf.layers.activation({ activation: "relu", name: "activation_2" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: init(23) }));
  assert.equal(lastConvLayerName(m), "conv2d_2");
  const x = tf.randomUniform([1, 20, 24, 3], 0, 1, "float32", 24) as tf.Tensor4D;
  const atConv = gradCam(m, x, { classIndex: 2 });
  const atRelu = gradCam(m, x, { layer: "activation_2", classIndex: 2 });
  assert.equal(atConv.layerName, "conv2d_2");
  assert.deepEqual([atConv.height, atConv.width], [6, 8]);
  assert.deepEqual([atRelu.height, atRelu.width], [6, 8]);
  for (const cam of [atConv, atRelu]) assert.ok(cam.heatmap.flat().every((v) => v >= 0 && v <= 1));
  // Both explain the same output.
  assert.equal(atConv.score, atRelu.score);
  x.dispose();
  m.dispose();
});
