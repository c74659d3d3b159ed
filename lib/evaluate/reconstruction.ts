/**
 * How close reconstructed (or denoised) images are to the originals: the mean squared error of each
 * frame over all its pixels and channels, and the peak signal-to-noise ratio that goes with it.
 * PSNR = 10·log10(peak² / MSE) in decibels, with peak 1 for pixels in 0..1: higher is closer, and
 * every halving of the error adds about 3 dB.
 */
import * as tf from "@tensorflow/tfjs";

function checkPair(a: tf.Tensor, b: tf.Tensor, fn: string): void {
  if (!(a instanceof tf.Tensor) || !(b instanceof tf.Tensor)) throw new Error(`${fn}: expected two tensors`);
  if (a.shape.join("x") !== b.shape.join("x")) {
    throw new Error(`${fn}: shapes differ, [${a.shape.join(", ")}] vs [${b.shape.join(", ")}]`);
  }
  if (a.rank < 2 || a.shape[0] === 0) throw new Error(`${fn}: expected a non-empty batch of frames, got [${a.shape.join(", ")}]`);
}

/** Mean squared error of each frame (first axis) of `a` against the same frame of `b`. */
export function perFrameMse(a: tf.Tensor, b: tf.Tensor): number[] {
  checkPair(a, b, "perFrameMse");
  return tf.tidy(() => {
    const d = tf.sub(a.toFloat(), b.toFloat());
    return Array.from(tf.mean(tf.square(d).reshape([a.shape[0], -1]), 1).dataSync());
  });
}

/** PSNR in dB for a mean squared error (Infinity for a perfect match). */
export function psnr(mse: number, peak = 1): number {
  if (!(mse >= 0)) throw new Error(`psnr: mean squared error must be >= 0, got ${mse}`);
  if (!(peak > 0)) throw new Error(`psnr: peak must be > 0, got ${peak}`);
  return mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse);
}

export interface ReconstructionSummary {
  /** One MSE per frame. */
  perFrame: number[];
  /** Mean of the per-frame errors (= the MSE over every value, as all frames have the same size). */
  mse: number;
  /** PSNR of each frame, in dB. */
  perFramePsnr: number[];
  /** Mean of the per-frame PSNRs, in dB. */
  meanPsnr: number;
}

/** Per-frame MSE and PSNR of `reconstructed` against `original`, with their means. */
export function reconstructionError(original: tf.Tensor, reconstructed: tf.Tensor, peak = 1): ReconstructionSummary {
  const perFrame = perFrameMse(original, reconstructed);
  const perFramePsnr = perFrame.map((m) => psnr(m, peak));
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  return { perFrame, mse: mean(perFrame), perFramePsnr, meanPsnr: mean(perFramePsnr) };
}
