import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadWasmBackendPackage, registerWasmTrainingKernels } from "../../lib/backend/wasm-training-kernels";

/** Plain numbers for tensors, so the same inputs can be rebuilt on each backend. */
interface Arr {
  shape: number[];
  values: Float32Array;
}

/** Seeded uniform values in [-1, 1) (tf's seeded generator runs in JS, the same on every backend). */
function rand(shape: number[], seed: number): Arr {
  const t = tf.randomUniform(shape, -1, 1, "float32", seed);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return { shape, values: Float32Array.from(values) };
}

const toTensor = (a: Arr): tf.Tensor => tf.tensor(a.values, a.shape);

/** Runs `f` on a backend and returns the outputs as plain arrays. */
async function on(backend: string, f: () => tf.Tensor[]): Promise<Arr[]> {
  assert.ok(await tf.setBackend(backend), `backend ${backend} must start`);
  const outs = tf.tidy(f);
  const arrays = outs.map((t) => ({ shape: t.shape, values: Float32Array.from(t.dataSync() as Float32Array) }));
  tf.dispose(outs);
  return arrays;
}

/** Largest difference relative to the largest magnitude of the reference. */
function relError(got: Arr, want: Arr): number {
  assert.deepEqual(got.shape, want.shape);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.values.length; i++) {
    diff = Math.max(diff, Math.abs(got.values[i] - want.values[i]));
    scale = Math.max(scale, Math.abs(want.values[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

/** Computes `f` on cpu and on wasm and checks every output agrees to a relative 1e-5. */
async function sameAsCpu(label: string, f: () => tf.Tensor[]): Promise<void> {
  const want = await on("cpu", f);
  const got = await on("wasm", f);
  assert.equal(got.length, want.length);
  want.forEach((w, i) => {
    const err = relError(got[i], w);
    assert.ok(err <= 1e-5, `${label}, output ${i}: relative error ${err.toExponential(2)} > 1e-5`);
    assert.ok(w.values.some((v) => v !== 0), `${label}, output ${i}: the reference is all zeros (useless test)`);
  });
}

type Pad = "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  x: number[];
  filter: number[];
  strides: number | [number, number];
  pad: Pad;
}

const convCases: ConvCase[] = [
  { x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: "same" },
  { x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: "valid" },
  { x: [3, 9, 11, 2], filter: [3, 3, 2, 5], strides: 2, pad: "same" },
  { x: [1, 10, 8, 3], filter: [4, 2, 3, 2], strides: 2, pad: "valid" },
  { x: [2, 11, 13, 3], filter: [3, 3, 3, 2], strides: [2, 3], pad: "valid" },
  { x: [2, 8, 10, 1], filter: [2, 2, 1, 3], strides: 2, pad: "same" },
  { x: [2, 16, 20, 3], filter: [5, 5, 3, 6], strides: 1, pad: "valid" },
  { x: [4, 5, 6, 4], filter: [1, 1, 4, 3], strides: 1, pad: "valid" },
  { x: [2, 6, 7, 2], filter: [3, 3, 2, 3], strides: 1, pad: 1 },
  { x: [2, 6, 7, 2], filter: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  // padding wider than the filter: Conv2DBackpropInput falls back to wasm's own kernel
  { x: [1, 5, 5, 2], filter: [2, 2, 2, 2], strides: 1, pad: [[0, 0], [3, 3], [0, 2], [0, 0]] },
];

test("registerWasmTrainingKernels adds the missing training kernels and is idempotent", async () => {
  loadWasmBackendPackage();
  assert.equal(tf.getKernel("Conv2DBackpropFilter", "wasm"), undefined, "stock wasm lacks Conv2DBackpropFilter");
  const stockInput = tf.getKernel("Conv2DBackpropInput", "wasm");
  const names = registerWasmTrainingKernels();
  assert.deepEqual([...names].sort(), ["Conv2DBackpropFilter", "Conv2DBackpropInput", "UnsortedSegmentSum"]);
  for (const n of names) assert.ok(tf.getKernel(n, "wasm"), `${n} is registered`);
  assert.notEqual(tf.getKernel("Conv2DBackpropInput", "wasm").kernelFunc, stockInput.kernelFunc);
  const again = registerWasmTrainingKernels();
  assert.deepEqual(again, names);
  assert.ok(await tf.setBackend("wasm"));
});

for (const c of convCases) {
  const label = `conv2d x[${c.x}] filter[${c.filter}] strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}`;
  test(`gradients of ${label} match cpu`, async () => {
    registerWasmTrainingKernels();
    const x = rand(c.x, 1);
    const w = rand(c.filter, 2);
    const yShape = await on("cpu", () => [tf.conv2d(toTensor(x) as tf.Tensor4D, toTensor(w) as tf.Tensor4D, c.strides, c.pad)]);
    const weights = rand(yShape[0].shape, 3); // makes dy vary from pixel to pixel
    await sameAsCpu(label, () => {
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), toTensor(weights)));
      return tf.grads(loss)([toTensor(x), toTensor(w)]);
    });
  });
}

test("gradients of conv1d (stride 1 valid, stride 2 same) match cpu", async () => {
  registerWasmTrainingKernels();
  for (const [stride, pad] of [[1, "valid"], [2, "same"]] as const) {
    const x = rand([3, 23, 4], 4);
    const w = rand([5, 4, 6], 5);
    const [y] = await on("cpu", () => [tf.conv1d(toTensor(x) as tf.Tensor3D, toTensor(w) as tf.Tensor3D, stride, pad)]);
    const weights = rand(y.shape, 6);
    await sameAsCpu(`conv1d stride ${stride} ${pad}`, () =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, stride, pad), toTensor(weights))),
      )([toTensor(x), toTensor(w)]),
    );
  }
});

test("conv2dTranspose and its gradients match cpu (stride 1 valid, stride 2 same)", async () => {
  registerWasmTrainingKernels();
  const cases = [
    { x: [2, 5, 6, 4], filter: [3, 3, 2, 4], out: [2, 7, 8, 2], stride: 1, pad: "valid" as const },
    { x: [2, 5, 6, 4], filter: [5, 5, 3, 4], out: [2, 9, 10, 3], stride: 1, pad: "valid" as const },
    { x: [3, 4, 5, 3], filter: [3, 3, 2, 3], out: [3, 8, 10, 2], stride: 2, pad: "same" as const },
  ];
  for (const c of cases) {
    const x = rand(c.x, 7);
    const w = rand(c.filter, 8);
    const weights = rand(c.out, 9);
    const outShape = c.out as [number, number, number, number];
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, c.stride, c.pad);
    await sameAsCpu(`conv2dTranspose ${JSON.stringify(c)}`, () => [
      f(toTensor(x), toTensor(w)),
      ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), toTensor(weights))))([toTensor(x), toTensor(w)]),
    ]);
  }
});

test("stride-1 Conv2DBackpropInput runs on wasm's Conv2D; stride 2 uses wasm's own kernel", async () => {
  registerWasmTrainingKernels();
  assert.ok(await tf.setBackend("wasm"));
  const conv = tf.getKernel("Conv2D", "wasm");
  let calls = 0;
  tf.unregisterKernel("Conv2D", "wasm");
  tf.registerKernel({ ...conv, kernelFunc: (args) => (calls++, conv.kernelFunc(args)) });
  try {
    const countFor = (stride: number): number => {
      calls = 0;
      tf.tidy(() => tf.conv2dTranspose(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 3, 2]) as tf.Tensor4D, [1, 4 * stride, 4 * stride, 3], stride, "same"));
      return calls;
    };
    assert.equal(countFor(1), 1);
    assert.equal(countFor(2), 0);
  } finally {
    tf.unregisterKernel("Conv2D", "wasm");
    tf.registerKernel(conv);
  }
});

test("gather gradients (UnsortedSegmentSum) match cpu, duplicates and other axes included", async () => {
  registerWasmTrainingKernels();
  const params = rand([10, 3], 10);
  const params3 = rand([4, 6, 2], 11);
  const w1 = rand([7, 3], 12);
  const w2 = rand([4, 2, 2, 2], 13);
  await sameAsCpu("gather", () => [
    tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, tf.tensor1d([0, 3, 3, 9, 0, 0, 5], "int32")), toTensor(w1))))(
      toTensor(params),
    ),
    tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, tf.tensor2d([[0, 5], [5, 5]], [2, 2], "int32"), 1), toTensor(w2))))(
      toTensor(params3),
    ),
  ]);
});

test("unsortedSegmentSum drops out-of-range ids like cpu", async () => {
  registerWasmTrainingKernels();
  const x = rand([6, 3], 14);
  await sameAsCpu("unsortedSegmentSum", () => [
    tf.unsortedSegmentSum(toTensor(x), tf.tensor1d([0, 2, -1, 2, 5, 1], "int32"), 4),
  ]);
  assert.ok(await tf.setBackend("wasm"));
  const got = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([1, 1, 0, 7], "int32"), 3).arraySync());
  assert.deepEqual(got, [3, 3, 0]);
});

test("unsortedSegmentSum takes ids that cover several leading axes", async () => {
  // (cpu's kernel cannot do this one, so the expected sums are written out)
  registerWasmTrainingKernels();
  assert.ok(await tf.setBackend("wasm"));
  const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
  const ids = tf.tensor2d([[1, 0, 1], [2, 2, 0]], [2, 3], "int32");
  const got = tf.tidy(() => tf.engine().runKernel("UnsortedSegmentSum", { x, segmentIds: ids }, { numSegments: 3 }) as tf.Tensor);
  assert.deepEqual(got.arraySync(), [[3 + 11, 4 + 12], [1 + 5, 2 + 6], [7 + 9, 8 + 10]]);
  tf.dispose([x, ids, got]);
});

test("the kernels leave no tensors and no wasm memory behind", async () => {
  registerWasmTrainingKernels();
  assert.ok(await tf.setBackend("wasm"));
  const backend = tf.backend();
  const x = tf.randomUniform([2, 9, 11, 3], -1, 1, "float32", 1) as tf.Tensor4D;
  const w = tf.randomUniform([3, 3, 3, 4], -1, 1, "float32", 2) as tf.Tensor4D;
  const tensorsBefore = tf.memory().numTensors;
  const dataBefore = backend.numDataIds();
  for (const [strides, pad] of [[1, "same"], [2, "valid"]] as const) {
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad)))([x, w]);
    tf.dispose([dx, dw]);
  }
  tf.dispose(tf.grad((p: tf.Tensor) => tf.sum(tf.gather(p, tf.tensor1d([1, 1, 0], "int32"))))(x));
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(backend.numDataIds(), dataBefore);
  tf.dispose([x, w]);
});

test("bad kernel inputs give clear errors", async () => {
  registerWasmTrainingKernels();
  assert.ok(await tf.setBackend("wasm"));
  const x = tf.zeros([1, 5, 5, 2]);
  const dy = tf.zeros([1, 3, 3, 4]);
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
    tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap);
  assert.throws(
    () => run("Conv2DBackpropFilter", { x, dy }, { strides: 1, pad: "valid", dataFormat: "NCHW", filterShape: [3, 3, 2, 4] }),
    /only the NHWC/,
  );
  assert.throws(
    () => run("Conv2DBackpropFilter", { x, dy }, { strides: 1, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 2, 4] }),
    /dy has shape \[1,3,3,4\], expected \[1,5,5,4\]/,
  );
  assert.throws(
    () => run("Conv2DBackpropFilter", { x, dy }, { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 2, 4], dilations: 2 }),
    /dilations other than 1/,
  );
  assert.throws(
    () => run("UnsortedSegmentSum", { x: tf.zeros([3]), segmentIds: tf.zeros([3]) }, { numSegments: 2 }),
    /segmentIds must be int32/,
  );
  assert.throws(
    () => run("UnsortedSegmentSum", { x: tf.zeros([3]), segmentIds: tf.zeros([4], "int32") }, { numSegments: 2 }),
    /must be a prefix of x's shape/,
  );
  tf.dispose([x, dy]);
});
