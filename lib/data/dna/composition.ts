/**
 * Base composition of one-hot DNA, the "context" input of chapter 5's two-input network: per
 * region its G + C fraction and its CpG observed/expected ratio (CpG count × length / (C count ×
 * G count), Gardiner-Garden and Frommer's measure; about 0.2–0.25 in bulk human DNA, above 0.6 in
 * CpG islands, near 1 in sequence drawn base by base at random, as the generated stand-in is).
 */
import * as tf from "@tensorflow/tfjs";

/** Column names of `baseComposition`'s output, in order. */
export const COMPOSITION_FEATURES = ["GC fraction", "CpG observed/expected"] as const;

/**
 * [N, 2]: G + C fraction and CpG observed/expected for each region of a one-hot tensor [N, L, 4]
 * (columns A, C, G, T). A region without C or without G gets a CpG ratio of 0.
 */
export function baseComposition(x: tf.Tensor): tf.Tensor2D {
  if (x.rank !== 3 || x.shape[2] !== 4) throw new Error(`baseComposition: expected one-hot DNA [N, L, 4], got [${x.shape.join(", ")}]`);
  const length = x.shape[1] as number;
  if (length < 2) throw new Error(`baseComposition: regions must be at least 2 bases long, got ${length}`);
  return tf.tidy(() => {
    const c = x.slice([0, 0, 1], [-1, -1, 1]).reshape([-1, length]);
    const g = x.slice([0, 0, 2], [-1, -1, 1]).reshape([-1, length]);
    const cCount = c.sum(1);
    const gCount = g.sum(1);
    const gc = cCount.add(gCount).div(length);
    // A C followed by a G: position j is C and j + 1 is G.
    const cpg = c.slice([0, 0], [-1, length - 1]).mul(g.slice([0, 1], [-1, length - 1])).sum(1);
    const expected = cCount.mul(gCount).div(length);
    const ratio = tf.where(expected.greater(0), cpg.div(tf.maximum(expected, 1e-9)), tf.zerosLike(cpg));
    return tf.stack([gc, ratio], 1) as tf.Tensor2D;
  });
}
