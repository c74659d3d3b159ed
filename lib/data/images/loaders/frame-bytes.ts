/**
 * Frames kept as bytes: `count × height × width × 3` values 0..255 in one Uint8Array, a quarter of
 * the memory of the same frames as float32 (5,257 frames of 90×160: 227 MB instead of 908 MB).
 * Pixels become floats in [0, 1] (value / 255, exactly as `loadImageFiles` gives them) only for the
 * frames asked for: a batch while training, a handful to show.
 *
 *   const all = await dl.loadLabelledFramesAsync({ folders: [...] });
 *   const trainX = all.x.take(split.train);                // a view: no pixels copied
 *   const shown = dl.takeRows(all.x, [0, 1, 2]);            // three frames as a float tensor
 *   await model.fitDataset(trainX.batches(trainY, { batchSize: 100, shuffle: true }), { epochs: 5 });
 *
 * `batches(...)` gives `model.fitDataset` the same batches `model.fit(x, y, { batchSize, shuffle })`
 * would take from the float tensor: the same order (tf.js's own shuffle, drawn from `Math.random`, which
 * `dl.setSeed` seeds), the same values, so a seeded run prints the same numbers either way.
 */
import * as tf from "@tensorflow/tfjs";
import { rgbToUnitFloats } from "../codecs/jpeg";

export interface FrameBatchOptions {
  /** Frames per batch (the last may be smaller). Default 32, as `model.fit`. */
  batchSize?: number;
  /**
   * A new order every epoch, drawn as `model.fit` draws it (tf.util.shuffle of one index list that
   * is reshuffled each epoch). Default false: in order, as for validation or prediction.
   */
  shuffle?: boolean;
}

/** Labels for `batches`: a tensor with one row per frame, or the rows themselves. */
export type FrameLabels = tf.Tensor | readonly (readonly number[])[];

export class FrameBytes {
  /** Every frame read, as bytes; shared by all views, so `dispose` on any of them frees it for all. */
  private readonly store: { pixels: Uint8Array | null };
  readonly height: number;
  readonly width: number;
  /** The frames of this view: rows of `pixels`, in order. */
  readonly rows: readonly number[];

  constructor(pixels: Uint8Array | { pixels: Uint8Array | null }, height: number, width: number, rows?: readonly number[]) {
    const store = pixels instanceof Uint8Array ? { pixels } : pixels;
    if (store.pixels === null) throw new Error("FrameBytes: these frames were disposed");
    pixels = store.pixels;
    const size = height * width * 3;
    if (!(size > 0) || pixels.length % size !== 0) {
      throw new Error(`FrameBytes: ${pixels.length} bytes is not a whole number of ${height}×${width}×3 frames`);
    }
    const stored = pixels.length / size;
    const own = rows ?? Array.from({ length: stored }, (_, i) => i);
    own.forEach((r) => {
      if (!Number.isInteger(r) || r < 0 || r >= stored) throw new Error(`FrameBytes: row ${r} is outside 0..${stored - 1}`);
    });
    this.store = store;
    this.height = height;
    this.width = width;
    this.rows = own;
    // tf.dispose and tf.tidy walk every enumerable property of what they are given, element by element:
    // hidden, the bytes cannot turn a stray tf.dispose([frames, ...]) into a walk over millions of pixels.
    Object.defineProperty(this, "store", { enumerable: false });
    Object.defineProperty(this, "rows", { enumerable: false });
  }

  /** Every frame read, as bytes (all views share them). */
  get pixels(): Uint8Array {
    if (this.store.pixels === null) throw new Error("FrameBytes: these frames were disposed; load them again to use them");
    return this.store.pixels;
  }

  /** Whether `dispose` was called on these frames or on a view of the same bytes. */
  get isDisposed(): boolean {
    return this.store.pixels === null;
  }

  /**
   * Lets go of the bytes, for this view and every other view of them (like `tensor.dispose()`): the
   * memory goes back once nothing else holds them. Using any of the views afterwards is an error.
   */
  dispose(): void {
    this.store.pixels = null;
  }

  /** Frames in this view. */
  get count(): number {
    return this.rows.length;
  }

  /** `[count, height, width, 3]`, the shape of `toTensor()`. */
  get shape(): [number, number, number, number] {
    return [this.count, this.height, this.width, 3];
  }

  /** Megabytes these frames would take as float32 (what `toTensor()` allocates). */
  get floatMegabytes(): number {
    return (this.count * this.height * this.width * 3 * 4) / 1e6;
  }

  /** Megabytes of bytes held by all views of these frames together. */
  get byteMegabytes(): number {
    return this.store.pixels === null ? 0 : this.store.pixels.length / 1e6;
  }

  /** The frames at these positions of this view, as a new view (no pixels copied). */
  take(indices: readonly number[]): FrameBytes {
    const picked = indices.map((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= this.rows.length) throw new Error(`FrameBytes.take: index ${i} is outside 0..${this.rows.length - 1}`);
      return this.rows[i];
    });
    return new FrameBytes(this.store, this.height, this.width, picked);
  }

  /** These frames as a `[count, height, width, 3]` float32 tensor in [0, 1]; the caller disposes it. */
  toTensor(): tf.Tensor4D {
    return this.floats(this.rows.map((_, i) => i));
  }

  /** The smallest and largest value these frames have as floats (what `min()` and `max()` of `toTensor()` give). */
  valueRange(): [number, number] {
    const size = this.height * this.width * 3;
    let lo = 255;
    let hi = 0;
    for (const r of this.rows) {
      const frame = this.pixels.subarray(r * size, (r + 1) * size);
      for (let i = 0; i < frame.length; i++) {
        if (frame[i] < lo) lo = frame[i];
        if (frame[i] > hi) hi = frame[i];
      }
    }
    return [Math.fround(lo * (1 / 255)), Math.fround(hi * (1 / 255))];
  }

  /** Frame `i` of this view as floats in [0, 1] (`height × width × 3`, a new array). */
  frameFloats(i: number): Float32Array {
    const size = this.height * this.width * 3;
    const out = new Float32Array(size);
    const r = this.rows[i];
    rgbToUnitFloats(this.pixels.subarray(r * size, (r + 1) * size), out);
    return out;
  }

  /** Positions `ids` of this view as one float tensor. */
  private floats(ids: readonly number[]): tf.Tensor4D {
    const size = this.height * this.width * 3;
    const out = new Float32Array(ids.length * size);
    ids.forEach((id, k) => {
      const r = this.rows[id];
      rgbToUnitFloats(this.pixels.subarray(r * size, (r + 1) * size), out, k * size);
    });
    return tf.tensor4d(out, [ids.length, this.height, this.width, 3]);
  }

  /**
   * One epoch of `{xs, ys}` batches per pass, as a tf.data.Dataset for `model.fitDataset` and
   * `evaluateDataset` (see the module comment). Without labels the batches are `{xs}` only (for
   * `predictFrames`). Only one batch is held as floats at a time.
   */
  batches(labels: FrameLabels | null, options: FrameBatchOptions = {}): tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor }> {
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`FrameBytes.batches: batchSize must be a positive whole number, got ${batchSize}`);
    const table = labels === null ? null : labelTable(labels);
    if (table !== null && table.count !== this.count) {
      throw new Error(`FrameBytes.batches: ${this.count} frames but ${table.count} label rows`);
    }
    const n = this.count;
    const order = Array.from({ length: n }, (_, i) => i); // reshuffled in place each epoch, as model.fit does
    const shuffle = options.shuffle ?? false;
    const self = this;
    function* epoch(): Generator<{ xs: tf.Tensor4D; ys: tf.Tensor }> {
      // Drawn when the first batch is asked for: fitDataset asks for one iterator more than it uses.
      if (shuffle) tf.util.shuffle(order);
      for (let start = 0; start < n; start += batchSize) {
        const ids = order.slice(start, start + batchSize);
        const xs = self.floats(ids);
        yield { xs, ys: table === null ? (undefined as unknown as tf.Tensor) : table.rows(ids) };
      }
    }
    const ds = tf.data.generator(() => {
      const it = epoch();
      return { next: () => { const r = it.next(); return r.done ? { done: true, value: null } : { done: false, value: table === null ? { xs: r.value.xs } : r.value }; } };
    }) as unknown as tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor }>;
    // Lets fitDataset and the progress line know how many batches an epoch has.
    (ds as { size: number }).size = Math.ceil(n / batchSize);
    return ds;
  }
}

function labelTable(labels: FrameLabels): { count: number; rows: (ids: readonly number[]) => tf.Tensor } {
  let values: Float32Array;
  let shape: number[];
  let dtype: "float32" | "int32" = "float32";
  if (labels instanceof tf.Tensor) {
    values = Float32Array.from(labels.dataSync());
    shape = labels.shape.slice(1);
    if (labels.dtype === "int32") dtype = "int32";
  } else {
    const width = labels[0]?.length ?? 0;
    labels.forEach((row, i) => {
      if (row.length !== width) throw new Error(`FrameBytes.batches: label row ${i} has ${row.length} values, the first has ${width}`);
    });
    values = Float32Array.from(labels.flat());
    shape = [width];
  }
  const per = shape.reduce((a, b) => a * b, 1);
  return {
    count: per === 0 ? 0 : values.length / per,
    rows: (ids) => {
      const out = new Float32Array(ids.length * per);
      ids.forEach((id, k) => out.set(values.subarray(id * per, (id + 1) * per), k * per));
      return tf.tensor(out, [ids.length, ...shape], dtype);
    },
  };
}

/**
 * `model.predict` over frames kept as bytes, one batch at a time (only one batch is held as floats):
 * the same numbers as `model.predict(frames.toTensor(), { batchSize })` (a float tensor is simply
 * predicted). Returns the predictions
 * (one tensor, small next to the frames); the caller disposes it.
 */
export function predictFrames(model: tf.LayersModel, frames: FrameBytes | tf.Tensor, options: { batchSize?: number } = {}): tf.Tensor {
  const batchSize = options.batchSize ?? 32;
  if (frames instanceof tf.Tensor) return model.predict(frames, { batchSize }) as tf.Tensor; // frames already floats
  if (frames.count === 0) throw new Error("predictFrames: no frames");
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < frames.count; start += batchSize) {
    const part = frames.take(Array.from({ length: Math.min(batchSize, frames.count - start) }, (_, k) => start + k));
    const xs = part.toTensor();
    parts.push(tf.tidy(() => model.predict(xs, { batchSize }) as tf.Tensor));
    xs.dispose();
  }
  const all = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  if (parts.length > 1) tf.dispose(parts);
  return all;
}
