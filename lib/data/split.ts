import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random/rng";
import { FrameBytes } from "./images/loaders/frame-bytes";

export interface Split {
  train: number[];
  validation: number[];
}

/**
 * The course's split: shuffle 0..n-1 with a seeded permutation (R's `sample(n)`), keep the first
 * `nTrain` indices for training and the rest for validation.
 */
export function splitIndices(n: number, nTrain: number, rng: Rng): Split {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`splitIndices: need a non-empty data set, got n = ${n}`);
  if (!Number.isInteger(nTrain) || nTrain <= 0 || nTrain >= n) {
    throw new Error(`splitIndices: nTrain must be between 1 and ${n - 1} so both parts hold data, got ${nTrain}`);
  }
  const order = rng.sample(n);
  return { train: order.slice(0, nTrain), validation: order.slice(nTrain) };
}

/**
 * Rows `indices` of `x` along the first axis (a typed `tf.gather` that cleans up its index tensor).
 * From frames kept as bytes (`FrameBytes`) it gives those frames as a new float tensor in [0, 1].
 */
export function takeRows(x: FrameBytes, indices: readonly number[]): tf.Tensor4D;
export function takeRows<T extends tf.Tensor>(x: T, indices: readonly number[]): T;
export function takeRows<T extends tf.Tensor>(x: T | FrameBytes, indices: readonly number[]): T | tf.Tensor4D {
  if (x instanceof FrameBytes) return x.take(indices).toTensor();
  const n = x.shape[0];
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new Error(`takeRows: index ${i} is outside 0..${n - 1}`);
    }
  }
  return tf.tidy(() => tf.gather(x, tf.tensor1d(indices as number[], "int32"))) as T;
}

/** Items of a plain array at `indices` (labels, file names) in the same order as `takeRows`. */
export function pick<T>(xs: readonly T[], indices: readonly number[]): T[] {
  return indices.map((i) => {
    if (i < 0 || i >= xs.length) throw new Error(`pick: index ${i} is outside 0..${xs.length - 1}`);
    return xs[i];
  });
}
