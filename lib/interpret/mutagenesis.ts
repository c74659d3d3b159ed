/**
 * In-silico mutagenesis for one-hot sequences (exercise 2.2): blank out one position at a time
 * (its four one-hot values set to 0) and see how much the probability of a chosen class falls. The
 * positions where it falls most are the ones the network relies on, e.g. a binding site.
 *
 * All L blanked copies of a sequence go through the model in batches, so a 200 bp sequence costs
 * one prediction of 200 rows.
 */
import * as tf from "@tensorflow/tfjs";

export interface MutagenesisArgs {
  /** A model from [batch, L, 4] to class probabilities [batch, classes]. */
  model: tf.LayersModel;
  /** One sequence: [L, 4] or [1, L, 4]. */
  sequence: tf.Tensor;
  /** Class whose probability is followed (usually the true class). */
  classIndex: number;
  /** Rows per prediction (default 256). */
  batchSize?: number;
}

export interface MutagenesisResult {
  classIndex: number;
  /** Probability of the class for the sequence as it is. */
  original: number;
  /** mutated[j]: the probability with position j blanked. */
  mutated: number[];
  /** drop[j] = original - mutated[j]: positive where blanking hurts the class. */
  drop: number[];
  /** Position (0-based) of the largest drop. */
  peak: number;
}

function asSequence(t: tf.Tensor): tf.Tensor2D {
  if (t.rank === 3 && t.shape[0] === 1) return t.reshape([t.shape[1] as number, t.shape[2] as number]) as tf.Tensor2D;
  if (t.rank === 2) return t as tf.Tensor2D;
  throw new Error(`mutagenesis: expected one sequence [L, 4] or [1, L, 4], got shape [${t.shape.join(", ")}]`);
}

/** Probability drop of `classIndex` for each blanked position of one sequence. Leaves no tensors behind. */
export function mutagenesis(args: MutagenesisArgs): MutagenesisResult {
  const { model, classIndex } = args;
  const batchSize = args.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`mutagenesis: batchSize must be a whole number >= 1, got ${batchSize}`);
  if (args.sequence.isDisposed) throw new Error("mutagenesis: the sequence tensor has been disposed");
  const outShape = model.outputs[0].shape;
  const classes = outShape[outShape.length - 1] as number;
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= classes) {
    throw new Error(`mutagenesis: classIndex ${classIndex} is outside the model's classes 0..${classes - 1}`);
  }
  const [original, mutated] = tf.tidy(() => {
    const seq = asSequence(args.sequence);
    const [L, channels] = seq.shape;
    const inShape = model.inputs[0].shape;
    if (inShape[1] !== null && inShape[1] !== L) throw new Error(`mutagenesis: the model expects length ${inShape[1]}, the sequence has ${L}`);
    if (inShape[2] !== null && inShape[2] !== channels) throw new Error(`mutagenesis: the model expects ${inShape[2]} channels, the sequence has ${channels}`);
    const base = model.predict(seq.expandDims(0)) as tf.Tensor;
    const p0 = base.dataSync()[classIndex];
    // Row j of `keep` is 1 everywhere except at position j.
    const keep = tf.sub(1, tf.eye(L)).expandDims(2) as tf.Tensor3D;
    const copies = tf.mul(seq.expandDims(0), keep);
    const probs = model.predict(copies, { batchSize }) as tf.Tensor2D;
    const column = probs.slice([0, classIndex], [L, 1]);
    return [p0, Array.from(column.dataSync())];
  }) as [number, number[]];
  const drop = mutated.map((p) => original - p);
  let peak = 0;
  for (let j = 1; j < drop.length; j++) if (drop[j] > drop[peak]) peak = j;
  return { classIndex, original, mutated, drop, peak };
}

/** True when position `peak` lies in [start - margin, end + margin). */
export function peakInSite(peak: number, site: { start: number; end: number }, margin = 0): boolean {
  return peak >= site.start - margin && peak < site.end + margin;
}
