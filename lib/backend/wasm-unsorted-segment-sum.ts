/**
 * UnsortedSegmentSum for the wasm backend (missing there). It is what the gradient of `gather` uses,
 * so an Embedding layer cannot train without it.
 *
 * out[k, ...] = sum of x[i, ...] over all i with segmentIds[i] == k. Wasm's ScatterNd adds updates that
 * land on the same index, which is exactly this sum. Ids outside [0, numSegments) are dropped, as the
 * cpu backend does: they are sent to one extra row that is sliced off at the end.
 */
import * as tf from "@tensorflow/tfjs";
import { composeWasmKernels, kernelInput, KernelArgs } from "./wasm-kernel-runner";

function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const x = kernelInput(args.inputs, "x", "UnsortedSegmentSum");
  const segmentIds = kernelInput(args.inputs, "segmentIds", "UnsortedSegmentSum");
  const numSegments = Number((args.attrs ?? {}).numSegments);
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum (wasm): numSegments must be a non-negative integer, got ${numSegments}`);
  }
  if (segmentIds.dtype !== "int32") {
    throw new Error(`UnsortedSegmentSum (wasm): segmentIds must be int32, got ${segmentIds.dtype}`);
  }
  const idsRank = segmentIds.shape.length;
  if (idsRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(
      `UnsortedSegmentSum (wasm): segmentIds shape [${segmentIds.shape}] must be a prefix of x's shape [${x.shape}]`,
    );
  }
  const rest = x.shape.slice(idsRank);
  const n = segmentIds.shape.reduce((a, b) => a * b, 1);
  const width = rest.reduce((a, b) => a * b, 1);

  return composeWasmKernels(args.backend, (run) => {
    const ids = run("Reshape", { x: segmentIds }, { shape: [n] });
    const zero = run("Fill", {}, { shape: [], value: 0, dtype: "int32" });
    const extra = run("Fill", {}, { shape: [], value: numSegments, dtype: "int32" });
    const valid = run("LogicalAnd", {
      a: run("GreaterEqual", { a: ids, b: zero }),
      b: run("Less", { a: ids, b: extra }),
    });
    const safeIds = run("Select", { condition: valid, t: ids, e: run("Fill", {}, { shape: [n], value: numSegments, dtype: "int32" }) });
    const indices = run("Reshape", { x: safeIds }, { shape: [n, 1] });
    const updates = run("Reshape", { x }, { shape: [n, width] });
    const summed = run("ScatterNd", { indices, updates }, { shape: [numSegments + 1, width] });
    const kept = run("Slice", { x: summed }, { begin: [0, 0], size: [numSegments, width] });
    return run("Reshape", { x: kept }, { shape: [numSegments, ...rest] });
  });
}

export const wasmUnsortedSegmentSum: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: "wasm",
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
