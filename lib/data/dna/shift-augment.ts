/**
 * Sequence augmentation by random shifts: the 200 bp window of a one-hot sequence moves a random
 * number of bases up- or downstream, and the bases that slide in from outside the window are unknown,
 * so they are all-zero columns (an N). The window keeps its length, and a binding site near the middle
 * stays inside it as long as the shift is smaller than its distance to the edge; a base is never
 * changed, so the sequence keeps its class (unlike random point changes, which can destroy a site).
 *
 * A positive shift moves the content downstream (to higher positions): out[j] = in[j - shift].
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../random/rng";

export interface SequenceShifterArgs {
  /** Largest shift in bases; each shift is drawn uniformly from -maxShift..maxShift. */
  maxShift: number;
  /** Seed of the shifts and of the batch order (default 1). */
  seed?: number;
}

export interface ShiftDatasetOptions {
  /** Default 32; the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** A new seeded order every epoch (default true). */
  shuffle?: boolean;
}

function checkShift(shift: number, length: number, what: string): void {
  if (!Number.isInteger(shift)) throw new Error(`${what}: shifts must be whole numbers of bases, got ${shift}`);
  if (Math.abs(shift) >= length) throw new Error(`${what}: a shift of ${shift} moves a ${length} bp sequence entirely out of its window`);
}

/** Shifts one sequence given as text; the bases that come in are 'N'. */
export function shiftSequence(sequence: string, shift: number): string {
  checkShift(shift, sequence.length, "shiftSequence");
  const n = sequence.length;
  if (shift >= 0) return "N".repeat(shift) + sequence.slice(0, n - shift);
  return sequence.slice(-shift) + "N".repeat(-shift);
}

/** Shifts rows of one-hot values (n × length × 4, row-major) by shifts[i] each, into a new array. */
export function shiftOneHotValues(values: Float32Array, length: number, shifts: readonly number[]): Float32Array {
  const per = length * 4;
  if (values.length !== shifts.length * per) {
    throw new Error(`shiftOneHot: ${values.length} values do not make ${shifts.length} sequences of ${length} × 4`);
  }
  const out = new Float32Array(values.length);
  shifts.forEach((s, i) => {
    checkShift(s, length, "shiftOneHot");
    const src = i * per;
    // content of positions [max(0,-s), length - max(0,s)) moves to [max(0,s), length - max(0,-s))
    const from = Math.max(0, -s);
    const to = length - Math.max(0, s);
    out.set(values.subarray(src + from * 4, src + to * 4), src + (from + s) * 4);
  });
  return out;
}

/** A one-hot tensor [n, length, 4] with every sequence shifted by its own amount; returns a new tensor. */
export function shiftOneHot(x: tf.Tensor, shifts: readonly number[]): tf.Tensor3D {
  if (x.rank !== 3 || x.shape[2] !== 4) throw new Error(`shiftOneHot: expected one-hot DNA [n, length, 4], got [${x.shape.join(", ")}]`);
  const [n, length] = x.shape;
  if (shifts.length !== n) throw new Error(`shiftOneHot: ${n} sequences but ${shifts.length} shifts`);
  return tf.tensor3d(shiftOneHotValues(Float32Array.from(x.dataSync()), length, shifts), [n, length, 4]);
}

/** Seeded random shifts, for single batches or as a tf.data.Dataset for `model.fitDataset`. */
export class SequenceShifter {
  readonly maxShift: number;
  private readonly rng: Rng;

  constructor(args: SequenceShifterArgs) {
    if (args === null || typeof args !== "object") throw new Error("SequenceShifter: give { maxShift, seed }");
    if (!Number.isInteger(args.maxShift) || args.maxShift < 0) {
      throw new Error(`SequenceShifter: maxShift must be a whole number of bases >= 0, got ${args.maxShift}`);
    }
    this.maxShift = args.maxShift;
    this.rng = new Rng(args.seed ?? 1);
  }

  /** The next n shifts of this generator's stream, each in -maxShift..maxShift. */
  drawShifts(n: number): number[] {
    return Array.from({ length: n }, () => this.rng.index(2 * this.maxShift + 1) - this.maxShift);
  }

  /** Every sequence of a batch shifted by a fresh random amount; returns a new tensor. */
  shiftBatch(x: tf.Tensor): tf.Tensor3D {
    if (x.rank !== 3) throw new Error(`SequenceShifter: expected [n, length, 4], got [${x.shape.join(", ")}]`);
    const length = x.shape[1] as number;
    if (this.maxShift >= length) throw new Error(`SequenceShifter: maxShift ${this.maxShift} is not shorter than the ${length} bp sequences`);
    return shiftOneHot(x, this.drawShifts(x.shape[0]));
  }

  /**
   * Batches of freshly shifted sequences with their labels (unchanged) as a tf.data.Dataset: each
   * epoch of `fitDataset` gets new shifts and, when shuffling, a new order. The values of `x` and `y`
   * are read once here; the tensors can be disposed afterwards.
   */
  dataset(x: tf.Tensor, y: tf.Tensor, options: ShiftDatasetOptions = {}): tf.data.Dataset<{ xs: tf.Tensor3D; ys: tf.Tensor }> {
    if (x.rank !== 3 || x.shape[2] !== 4) throw new Error(`SequenceShifter.dataset: expected one-hot DNA [n, length, 4], got [${x.shape.join(", ")}]`);
    const n = x.shape[0] as number;
    const length = x.shape[1] as number;
    if (y.shape[0] !== n) throw new Error(`SequenceShifter.dataset: ${n} sequences but ${y.shape[0]} labels`);
    if (this.maxShift >= length) throw new Error(`SequenceShifter: maxShift ${this.maxShift} is not shorter than the ${length} bp sequences`);
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`SequenceShifter.dataset: batchSize must be a positive whole number, got ${batchSize}`);
    const shuffle = options.shuffle ?? true;
    const xv = Float32Array.from(x.dataSync());
    const yv = Float32Array.from(y.dataSync());
    const yShape = y.shape.slice(1);
    const yPer = yShape.reduce((a, b) => a * b, 1);
    const per = length * 4;
    const self = this;
    function* epoch(): Generator<{ xs: tf.Tensor3D; ys: tf.Tensor }> {
      const order = shuffle ? self.rng.sample(n) : Array.from({ length: n }, (_, i) => i);
      for (let start = 0; start < n; start += batchSize) {
        const ids = order.slice(start, start + batchSize);
        const xb = new Float32Array(ids.length * per);
        const yb = new Float32Array(ids.length * yPer);
        ids.forEach((id, k) => {
          xb.set(xv.subarray(id * per, (id + 1) * per), k * per);
          yb.set(yv.subarray(id * yPer, (id + 1) * yPer), k * yPer);
        });
        const shifted = shiftOneHotValues(xb, length, self.drawShifts(ids.length));
        yield { xs: tf.tensor3d(shifted, [ids.length, length, 4]), ys: tf.tensor(yb, [ids.length, ...yShape]) };
      }
    }
    return tf.data.generator(() => {
      const it = epoch();
      return { next: () => { const r = it.next(); return r.done ? { done: true, value: null } : { done: false, value: r.value }; } };
    }) as unknown as tf.data.Dataset<{ xs: tf.Tensor3D; ys: tf.Tensor }>;
  }
}
