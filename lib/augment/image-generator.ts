/**
 * A seeded, Keras-like image data generator: random rotations, shifts, shear, zoom and flips of
 * NHWC images, delivered in batches either by hand (`flow(...).next()`, the original's
 * `generator_next`) or as a tf.data.Dataset for `model.fitDataset`.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random/rng";
import type { PixelImage } from "./image";
import { applyTransform, checkRanges, drawTransform, type AugmentRanges, type TransformParams } from "./random-transform";
import type { FillMode, Interpolation } from "./resample";
import { FrameBytes } from "../data/images/loaders/frame-bytes";

export interface ImageGeneratorArgs extends AugmentRanges {
  /** Default "nearest", as in the course. */
  fillMode?: FillMode;
  /** Value outside the image for fillMode "constant" (default 0). */
  cval?: number;
  /** Default "bilinear" (Keras's default). */
  interpolation?: Interpolation;
  /** Multiply every value by this after transforming (Keras's `rescale`; default 1). */
  rescale?: number;
  /** Seed of the transforms and of the batch order (default 1). */
  seed?: number;
}

export interface FlowOptions {
  /** Default 32. */
  batchSize?: number;
  /** Visit the images in a new seeded order each epoch (default true). */
  shuffle?: boolean;
}

export interface Batch {
  xs: tf.Tensor4D;
  /** Present when labels were given to `flow`. */
  ys?: tf.Tensor;
}

export class ImageDataGenerator {
  private readonly args: ImageGeneratorArgs;
  private readonly rng: Rng;

  constructor(args: ImageGeneratorArgs = {}) {
    checkRanges(args);
    if (args.rescale !== undefined && !Number.isFinite(args.rescale)) throw new Error(`rescale must be a finite number, got ${args.rescale}`);
    this.args = { ...args };
    this.rng = new Rng(args.seed ?? 1);
  }

  /** Parameters for the next image, drawn from this generator's stream. */
  nextParams(height: number, width: number): TransformParams {
    return drawTransform(this.args, this.rng, height, width);
  }

  /** One randomly transformed (and rescaled) copy of `img`. */
  randomTransform(img: PixelImage): PixelImage {
    const out = applyTransform(img, this.nextParams(img.height, img.width), this.args);
    const k = this.args.rescale ?? 1;
    if (k !== 1) for (let i = 0; i < out.data.length; i++) out.data[i] *= k;
    return out;
  }

  /** Every image of an NHWC batch transformed once, in order; returns a new tensor. */
  transformBatch(x: tf.Tensor): tf.Tensor4D {
    const images = readImages(x);
    return this.makeBatch(images, Array.from({ length: images.n }, (_, i) => i));
  }

  /**
   * One epoch of augmented batches (the last may be smaller). Labels are passed through unchanged.
   * The tensors in each batch belong to the caller (`fitDataset` disposes them itself).
   */
  flow(x: tf.Tensor | FrameBytes, y?: tf.Tensor, options: FlowOptions = {}): Generator<Batch> {
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`flow: batchSize must be a positive whole number, got ${batchSize}`);
    const images = readImages(x);
    if (y !== undefined && y.shape[0] !== images.n) throw new Error(`flow: ${images.n} images but ${y.shape[0]} labels`);
    const labels = y === undefined ? undefined : { values: Float32Array.from(y.dataSync()), shape: y.shape.slice(1), dtype: y.dtype };
    return this.batches(images, labels, batchSize, options.shuffle ?? true);
  }

  private *batches(
    images: ReturnType<typeof readImages>,
    labels: { values: Float32Array; shape: number[]; dtype: tf.DataType } | undefined,
    batchSize: number,
    shuffle: boolean,
  ): Generator<Batch> {
    const { n } = images;
    // The order is drawn when the first batch is asked for, so epochs interleave with transforms predictably.
    const order = shuffle ? this.rng.sample(n) : Array.from({ length: n }, (_, i) => i);
    for (let start = 0; start < n; start += batchSize) {
      const ids = order.slice(start, start + batchSize);
      const xs = this.makeBatch(images, ids);
      if (labels === undefined) {
        yield { xs };
        continue;
      }
      const per = labels.shape.reduce((a, b) => a * b, 1);
      const ys = new Float32Array(ids.length * per);
      ids.forEach((id, k) => ys.set(labels.values.subarray(id * per, (id + 1) * per), k * per));
      yield { xs, ys: tf.tensor(ys, [ids.length, ...labels.shape], labels.dtype === "int32" ? "int32" : "float32") };
    }
  }

  /**
   * The same batches as a tf.data.Dataset of {xs, ys}: each epoch of `fitDataset` gets a fresh
   * pass with new transforms (and a new order when shuffling). The values of `x` and `y` are read
   * once, here; the tensors may be disposed afterwards.
   */
  dataset(x: tf.Tensor | FrameBytes, y: tf.Tensor, options: FlowOptions = {}): tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor }> {
    // Read the pixels once, not once per epoch (a training set can be hundreds of MB).
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`dataset: batchSize must be a positive whole number, got ${batchSize}`);
    const images = readImages(x);
    if (y.shape[0] !== images.n) throw new Error(`dataset: ${images.n} images but ${y.shape[0]} labels`);
    const labels = { values: Float32Array.from(y.dataSync()), shape: y.shape.slice(1), dtype: y.dtype };
    return tf.data.generator(() => {
      const it = this.batches(images, labels, batchSize, options.shuffle ?? true);
      return {
        next: () => {
          const r = it.next();
          return r.done ? { done: true, value: null } : { done: false, value: { xs: r.value.xs, ys: r.value.ys as tf.Tensor } };
        },
      };
    }) as unknown as tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor }>;
  }

  private makeBatch(images: Images, ids: number[]): tf.Tensor4D {
    const { h, w, c } = images;
    const size = h * w * c;
    const out = new Float32Array(ids.length * size);
    ids.forEach((id, k) => {
      const img: PixelImage = { data: images.frame(id), height: h, width: w, channels: c };
      out.set(this.randomTransform(img).data, k * size);
    });
    return tf.tensor4d(out, [ids.length, h, w, c]);
  }
}

/** Images to draw batches from: `frame(i)` gives image i's values (height × width × channels). */
interface Images {
  n: number;
  h: number;
  w: number;
  c: number;
  frame: (i: number) => Float32Array;
}

/**
 * A float tensor's values are read once (one copy, in JavaScript); frames kept as bytes
 * (FrameBytes) become floats one image at a time, so a big training set is never held twice.
 */
function readImages(x: tf.Tensor | FrameBytes): Images {
  if (x instanceof FrameBytes) {
    return { n: x.count, h: x.height, w: x.width, c: 3, frame: (i) => x.frameFloats(i) };
  }
  if (x.rank !== 4) throw new Error(`expected images as [count, height, width, channels], got shape [${x.shape.join(", ")}]`);
  const [n, h, w, c] = x.shape;
  const data = x.dataSync();
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  const size = h * w * c;
  return { n, h, w, c, frame: (i) => values.subarray(i * size, (i + 1) * size) };
}
