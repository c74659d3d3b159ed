/**
 * What a convolution filter responds to: start from a grey, slightly noisy image and climb the
 * gradient of the filter's mean activation with respect to the input pixels. The gradient is divided
 * by its root mean square so every step has the same size, whatever the layer's scale.
 * Several filters are optimised at once, one image per filter in a batch: examples in a batch do not
 * interact, so each image follows the gradient of its own filter only.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random/rng";
import { findLayer, type LayerRef } from "./activations";

export interface FilterVisualisationOptions {
  /** Which filters (default all of the layer's channels). */
  filters?: number[];
  /** Gradient-ascent steps (default 40, as in the original). */
  steps?: number;
  /** Size of each step on the RMS-normalised gradient (default 1, as in the original). */
  stepSize?: number;
  /** Seed of the starting noise (default 1). */
  seed?: number;
  /** Starting image: grey 0.5 plus uniform noise of this total width (default 0.2, i.e. 0.4..0.6). */
  noise?: number;
  /** Images optimised together (default 16); lower it for big inputs. */
  batchSize?: number;
}

export interface FilterImage {
  filter: number;
  /** The input that excites the filter, stretched to [0, 1]: [height][width] for one channel, else [height][width][channels]. */
  image: number[][] | number[][][];
  /** The filter's mean activation on the starting image and after the last step. */
  startActivation: number;
  finalActivation: number;
}

/** Gradient ascent for each chosen filter of a conv layer of a single-input model. */
export function visualiseFilters(
  model: tf.LayersModel,
  layer: LayerRef,
  options: FilterVisualisationOptions = {},
): FilterImage[] {
  const steps = options.steps ?? 40;
  const stepSize = options.stepSize ?? 1;
  const noise = options.noise ?? 0.2;
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`visualiseFilters: steps must be a whole number >= 0, got ${steps}`);
  if (!(stepSize > 0)) throw new Error(`visualiseFilters: stepSize must be > 0, got ${stepSize}`);
  if (!(noise >= 0 && noise <= 1)) throw new Error(`visualiseFilters: noise must be in [0, 1], got ${noise}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`visualiseFilters: batchSize must be >= 1, got ${batchSize}`);
  if (model.inputs.length !== 1) throw new Error("visualiseFilters: the model must have exactly one input");

  const target = findLayer(model, layer);
  const outShape = target.outputShape as (number | null)[];
  if (outShape.length !== 4) {
    throw new Error(`visualiseFilters: layer "${target.name}" outputs shape [${outShape.join(", ")}]; a conv layer's [batch, h, w, filters] is needed`);
  }
  const numFilters = outShape[3] as number;
  const filters = options.filters ?? Array.from({ length: numFilters }, (_, i) => i);
  for (const f of filters) {
    if (!Number.isInteger(f) || f < 0 || f >= numFilters) {
      throw new Error(`visualiseFilters: filter ${f} is outside 0..${numFilters - 1} of layer "${target.name}"`);
    }
  }
  const inShape = model.inputs[0].shape.slice(1);
  if (inShape.some((d) => d === null)) throw new Error("visualiseFilters: the model's input needs a fixed height, width and channels");
  const imageShape = inShape as number[];
  if (imageShape.length !== 3) {
    throw new Error(`visualiseFilters: expected an image input [height, width, channels], the model takes [${imageShape.join(", ")}]`);
  }

  const sub = tf.model({ inputs: model.inputs[0], outputs: target.output as tf.SymbolicTensor });
  const rng = new Rng(options.seed ?? 1);
  const results: FilterImage[] = [];
  for (let start = 0; start < filters.length; start += batchSize) {
    const chunk = filters.slice(start, start + batchSize);
    const initial = greyNoise(rng, chunk.length, imageShape, noise);
    results.push(...ascend(sub, chunk, initial, numFilters, steps, stepSize));
  }
  return results;
}

/** Grey images with uniform noise: 0.5 ± noise/2, drawn from the seeded generator. */
function greyNoise(rng: Rng, count: number, shape: number[], noise: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from(rng.runif(count * size), (u) => 0.5 + noise * (u - 0.5));
}

function ascend(
  sub: tf.LayersModel,
  filters: number[],
  initial: Float32Array,
  numFilters: number,
  steps: number,
  stepSize: number,
): FilterImage[] {
  const imageShape = sub.inputs[0].shape.slice(1) as number[];
  const batchShape = [filters.length, ...imageShape];
  // mask[i] selects filter filters[i] for image i.
  const mask = tf.tidy(() => tf.oneHot(tf.tensor1d(filters, "int32"), numFilters).reshape([filters.length, 1, 1, numFilters]));
  // Per-image mean activation of its own filter: [batch].
  const meanActivation = (x: tf.Tensor): tf.Tensor1D =>
    tf.tidy(() => (sub.apply(x) as tf.Tensor).mul(mask).sum(3).mean([1, 2]) as tf.Tensor1D);
  const gradient = tf.grad((x: tf.Tensor) => meanActivation(x).sum());

  let x = tf.tensor(initial, batchShape, "float32");
  const startActivation = meanActivation(x);
  for (let s = 0; s < steps; s++) {
    const next = tf.tidy(() => {
      const g = gradient(x);
      const axes = imageShape.map((_, i) => i + 1);
      const rms = g.square().mean(axes, true).sqrt().add(1e-5);
      return x.add(g.div(rms).mul(stepSize));
    });
    x.dispose();
    x = next;
  }
  const finalActivation = meanActivation(x);
  const starts = startActivation.dataSync();
  const finals = finalActivation.dataSync();
  const pixels = x.dataSync();
  const size = pixels.length / filters.length;
  const out = filters.map((filter, i) => ({
    filter,
    image: toImage(stretch01(pixels.subarray(i * size, (i + 1) * size)), imageShape),
    startActivation: starts[i],
    finalActivation: finals[i],
  }));
  tf.dispose([x, mask, startActivation, finalActivation]);
  return out;
}

/** Linear stretch to [0, 1] (the original's `range01`); a constant image becomes 0.5. */
function stretch01(values: ArrayLike<number>): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) (lo = Math.min(lo, values[i])), (hi = Math.max(hi, values[i]));
  const span = hi - lo;
  return Float32Array.from(values, (v) => (span > 0 ? (v - lo) / span : 0.5));
}

function toImage(values: Float32Array, shape: number[]): number[][] | number[][][] {
  const [h, w, c] = shape;
  if (c === 1) return Array.from({ length: h }, (_, r) => Array.from(values.subarray(r * w, (r + 1) * w)));
  return Array.from({ length: h }, (_, r) =>
    Array.from({ length: w }, (_, col) => Array.from(values.subarray((r * w + col) * c, (r * w + col + 1) * c))),
  );
}
