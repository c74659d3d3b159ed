import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { cellCentre, cellGeometry } from "../../lib/interpret/receptive-field";

tf.enableProdMode();
const ones = () => tf.initializers.ones();

/**
 * Independent check: with positive weights and average pooling, a cell's gradient with respect to
 * the input is non-zero exactly on the patch it sees. Returns that patch's rows and columns.
 */
function support(model: tf.LayersModel, layerName: string, row: number, col: number): { rows: [number, number]; cols: [number, number] } {
  const sub = tf.model({ inputs: model.inputs[0], outputs: model.getLayer(layerName).output as tf.SymbolicTensor });
  const shape = model.inputs[0].shape.slice(1) as number[];
  const g = tf.tidy(() => {
    const x = tf.ones([1, ...shape]);
    const grad = tf.grad((t: tf.Tensor) => (sub.apply(t) as tf.Tensor).slice([0, row, col, 0], [1, 1, 1, -1]).sum())(x);
    return grad.squeeze([0]).sum(2).arraySync() as number[][];
  });
  const rows = g.map((r, i) => (r.some((v) => v !== 0) ? i : -1)).filter((i) => i >= 0);
  const cols = g[0].map((_, j) => (g.some((r) => r[j] !== 0) ? j : -1)).filter((j) => j >= 0);
  return { rows: [rows[0], rows[rows.length - 1]], cols: [cols[0], cols[cols.length - 1]] };
}

function checkAgainstGradient(model: tf.LayersModel, layerName: string, cells: [number, number][]): void {
  const g = cellGeometry(model, layerName);
  for (const [r, c] of cells) {
    const s = support(model, layerName, r, c);
    assert.equal((s.rows[0] + s.rows[1]) / 2, g.offset[0] + g.stride[0] * r, `row centre of cell ${r},${c}`);
    assert.equal((s.cols[0] + s.cols[1]) / 2, g.offset[1] + g.stride[1] * c, `column centre of cell ${r},${c}`);
    assert.equal(s.rows[1] - s.rows[0] + 1, g.size[0], "patch height");
    assert.equal(s.cols[1] - s.cols[0] + 1, g.size[1], "patch width");
  }
}

test("the course's chain (3 × conv 5×5 valid + pool 2): cell centres 4·i + 15.5, patches of 32 × 32", () => {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [44, 52, 1], filters: 2, kernelSize: 5, kernelInitializer: ones(), name: "c1" }));
  m.add(tf.layers.averagePooling2d({ poolSize: 2, name: "p1" }));
  m.add(tf.layers.conv2d({ filters: 2, kernelSize: 5, kernelInitializer: ones(), activation: "relu", name: "c2" }));
  m.add(tf.layers.averagePooling2d({ poolSize: 2, name: "p2" }));
  m.add(tf.layers.conv2d({ filters: 2, kernelSize: 5, kernelInitializer: ones(), name: "c3" }));
  m.add(tf.layers.flatten({ name: "f" }));
  // By hand: c1 centre i + 2; p1 2i + 0.5 → 2i + 2.5; c2 → 2i + 6.5 (patch 14); p2 → 4i + 7.5; c3 → 4i + 15.5 (patch 32).
  const g = cellGeometry(m, "c3");
  assert.deepEqual(g, { layerName: "c3", stride: [4, 4], offset: [15.5, 15.5], size: [32, 32], inputHeight: 44, inputWidth: 52 });
  assert.deepEqual(cellGeometry(m, "c2"), { layerName: "c2", stride: [2, 2], offset: [6.5, 6.5], size: [14, 14], inputHeight: 44, inputWidth: 52 });
  checkAgainstGradient(m, "c3", [[0, 0], [1, 2], [0, 3]]);
  checkAgainstGradient(m, "c2", [[3, 5]]);
  assert.deepEqual(cellCentre(g, 0, 0), { x: 16, y: 16 });
  assert.deepEqual(cellCentre(g, 1, 3), { x: 28, y: 20 });
  assert.deepEqual(cellCentre(g, 100, -100), { x: 0, y: 43 }); // kept inside the image
  assert.throws(() => cellGeometry(m, "f"), /layer "f" \(Flatten\) has output shape \[null, \d+\]/);
  m.dispose();
});

test("strides, 'same' padding, dilation and size-keeping layers, checked against the gradient's support", () => {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [31, 29, 1], filters: 1, kernelSize: [3, 5], strides: 2, padding: "same", kernelInitializer: ones(), name: "a" }));
  m.add(tf.layers.batchNormalization({ name: "bn" }));
  m.add(tf.layers.activation({ activation: "relu", name: "act" }));
  m.add(tf.layers.conv2d({ filters: 1, kernelSize: 3, kernelInitializer: ones(), name: "b" }));
  m.add(tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: "same", name: "p" }));
  m.add(tf.layers.dropout({ rate: 0.5, name: "d" }));
  checkAgainstGradient(m, "b", [[2, 2], [4, 3]]);
  checkAgainstGradient(m, "d", [[3, 3]]);
  m.dispose();
  // tf.js has no gradient for dilated convolutions, so this one by hand: a 3×3 kernel with dilation 2
  // spans 5 pixels, and after a stride-2 layer the spans double.
  const d = tf.sequential();
  d.add(tf.layers.maxPooling2d({ inputShape: [20, 20, 1], poolSize: 2, name: "p" }));
  d.add(tf.layers.conv2d({ filters: 1, kernelSize: 3, dilationRate: 2, name: "dil" }));
  assert.deepEqual(cellGeometry(d, "dil"), { layerName: "dil", stride: [2, 2], offset: [4.5, 4.5], size: [10, 10], inputHeight: 20, inputWidth: 20 });
  d.dispose();
});

test("clear errors for branches and layers that move cells in other ways", () => {
  const input = tf.input({ shape: [8, 8, 1] });
  const a = tf.layers.conv2d({ filters: 1, kernelSize: 3, name: "a" }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 1, kernelSize: 3, name: "b" }).apply(input) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: "sum" }).apply([a, b]) as tf.SymbolicTensor;
  const branchy = tf.model({ inputs: input, outputs: sum });
  assert.throws(() => cellGeometry(branchy, "sum"), /does not simply follow the layer before it/);
  assert.throws(() => cellGeometry(branchy, "b"), /"b" does not simply follow/);

  const up = tf.sequential();
  up.add(tf.layers.upSampling2d({ inputShape: [4, 4, 1], size: [2, 2], name: "up" }));
  assert.throws(() => cellGeometry(up, "up"), /layer "up" \(UpSampling2D\) changes the map's size/);
  assert.throws(() => cellGeometry(up, "nope"), /no layer named "nope"/);
});
