/**
 * Accuracy, overall and per part of a split: the original's `tapply(y == y_pred, train_id, mean)`.
 */
import * as tf from "@tensorflow/tfjs";

/** Fraction of positions where `predicted` equals `truth`. */
export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (truth.length !== predicted.length) {
    throw new Error(`accuracy: ${truth.length} true labels but ${predicted.length} predictions`);
  }
  if (truth.length === 0) throw new Error("accuracy: no labels given");
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hits++;
  return hits / truth.length;
}

/**
 * Accuracy within each group named in `parts` (e.g. the train_id column), in order of first
 * appearance. A group whose truth is unknown (null, like the original's unlabelled test rows) gets NaN.
 */
export function accuracyBySplit(
  truth: ArrayLike<number | null>,
  predicted: ArrayLike<number>,
  parts: readonly string[],
): Record<string, number> {
  if (truth.length !== predicted.length || truth.length !== parts.length) {
    throw new Error(
      `accuracyBySplit: lengths differ (${truth.length} true labels, ${predicted.length} predictions, ${parts.length} parts)`,
    );
  }
  const hits = new Map<string, { n: number; hits: number; unknown: boolean }>();
  for (let i = 0; i < parts.length; i++) {
    const g = hits.get(parts[i]) ?? { n: 0, hits: 0, unknown: false };
    const t = truth[i];
    if (t === null) g.unknown = true;
    else if (t === predicted[i]) g.hits++;
    g.n++;
    hits.set(parts[i], g);
  }
  const out: Record<string, number> = {};
  for (const [part, g] of hits) out[part] = g.unknown ? NaN : g.hits / g.n;
  return out;
}

/** The most probable class of each row of a [N, classes] probability tensor (keras's `predict_classes`). */
export function predictedClasses(probabilities: tf.Tensor): number[] {
  if (probabilities.rank !== 2) {
    throw new Error(`predictedClasses: expected [examples, classes] probabilities, got shape [${probabilities.shape.join(", ")}]`);
  }
  return tf.tidy(() => Array.from(probabilities.argMax(1).dataSync()));
}
