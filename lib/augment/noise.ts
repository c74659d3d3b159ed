/**
 * Noisy copies of images for a denoising autoencoder (the course's exercise 2.4): Gaussian noise
 * added to every pixel value, then the result clipped back into the pixel range, so the noisy frame
 * is still a valid picture. The noise comes from its own seed, not from the shared generator, so the
 * same frames with the same seed get the same noise whatever ran before.
 */
import * as tf from "@tensorflow/tfjs";

export interface GaussianNoiseOptions {
  /** Standard deviation of the noise, in pixel units (pixels are 0..1): e.g. 0.15. */
  stddev: number;
  /** Seed of the noise; the same seed gives the same noise for the same shape. */
  seed: number;
  /** The range the noisy values are clipped to; default [0, 1]. */
  clip?: [number, number];
  /**
   * Frames drawn per call to the generator (default 256): bounds the extra memory for big sets.
   * Frame i always gets the same noise for a given seed, whatever the chunk size.
   */
  chunk?: number;
}

function check(x: tf.Tensor, o: GaussianNoiseOptions): [number, number] {
  if (!(x instanceof tf.Tensor)) throw new Error("addGaussianNoise: expected a tensor of images");
  if (x.rank < 1 || x.shape[0] === 0) throw new Error(`addGaussianNoise: expected a non-empty batch, got shape [${x.shape.join(", ")}]`);
  if (!(Number.isFinite(o.stddev) && o.stddev >= 0)) throw new Error(`addGaussianNoise: stddev must be a number >= 0, got ${o.stddev}`);
  if (!Number.isInteger(o.seed)) throw new Error(`addGaussianNoise: seed must be a whole number, got ${o.seed}`);
  const clip = o.clip ?? [0, 1];
  if (!(clip[0] < clip[1])) throw new Error(`addGaussianNoise: clip range must have min < max, got [${clip.join(", ")}]`);
  return clip;
}

/**
 * `x` (a batch: frames along the first axis) plus seeded N(0, stddev²) noise, clipped to `clip`.
 * Returns a new float32 tensor; `x` is left as it is. Each frame's noise is drawn from a seed derived
 * from `seed` and the frame's position, so a frame gets the same noise in a batch of 10 or of 10,000.
 */
export function addGaussianNoise<T extends tf.Tensor>(x: T, options: GaussianNoiseOptions): T {
  const [lo, hi] = check(x, options);
  const n = x.shape[0];
  const frameShape = x.shape.slice(1);
  const chunk = Math.max(1, Math.floor(options.chunk ?? 256));
  const parts: tf.Tensor[] = [];
  let done = false;
  try {
    for (let start = 0; start < n; start += chunk) {
      const size = Math.min(chunk, n - start);
      parts.push(tf.tidy(() => {
        const frames = tf.slice(x, start, size).toFloat();
        const noise = tf.stack(
          Array.from({ length: size }, (_, k) => tf.randomNormal(frameShape, 0, options.stddev, "float32", frameSeed(options.seed, start + k))),
        );
        return tf.clipByValue(tf.add(frames, noise), lo, hi);
      }));
    }
    const out = (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as T;
    done = true;
    return out;
  } finally {
    if (!done || parts.length > 1) tf.dispose(parts);
  }
}

/** The seed of frame `i`'s noise: a fixed mix of the user's seed and the index. */
export function frameSeed(seed: number, i: number): number {
  // 32-bit mix (the generator takes any number; keep it a small positive integer).
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return (h ^ (h >>> 13)) % 2147483647;
}
