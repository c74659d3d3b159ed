/**
 * What the first convolution layer of a DNA network has learnt, read as motifs: for each filter,
 * collect the stretches of input (as wide as the filter) where it fires above a share of its
 * strongest response, and count their bases into a position frequency matrix. Then slide it along a
 * known motif (both strands) to see where and how well it matches.
 */
import * as tf from "@tensorflow/tfjs";
import { activationModel, findLayer, type LayerRef } from "./activations";
import { reverseComplementMatrix } from "../data/dna/motifs";

export interface FilterMotifArgs {
  model: tf.LayersModel;
  /** One-hot sequences [N, L, 4]. */
  x: tf.Tensor3D;
  /** The conv1d layer (default: the model's first layer). */
  layer?: LayerRef;
  /** A stretch counts when the filter's output there exceeds this share of its maximum over x (default 0.5). */
  threshold?: number;
  /** Sequences per prediction (default 1000). */
  batchSize?: number;
}

export interface FilterMotif {
  filter: number;
  /** counts[j][b]: base b (A, C, G, T) at filter position j among the stretches it fired on. */
  counts: number[][];
  /** counts as probabilities per position (uniform where nothing was collected). */
  probs: number[][];
  /** How many stretches were collected. */
  sites: number;
  /** The filter's largest output over x. */
  maxActivation: number;
}

/** Position frequency matrices of every filter of a conv1d layer, from where it fires on x. */
export function filterMotifs(args: FilterMotifArgs): FilterMotif[] {
  const { model, x } = args;
  const threshold = args.threshold ?? 0.5;
  const batchSize = args.batchSize ?? 1000;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`filterMotifs: threshold must be in (0, 1], got ${threshold}`);
  if (x.rank !== 3 || x.shape[2] !== 4) throw new Error(`filterMotifs: x must be one-hot sequences [N, L, 4], got [${x.shape.join(", ")}]`);
  const layer = findLayer(model, args.layer ?? 0);
  if (layer.getClassName() !== "Conv1D") throw new Error(`filterMotifs: layer "${layer.name}" is a ${layer.getClassName()}, not a Conv1D`);
  const k = (layer.getConfig().kernelSize as number[])[0];
  const filters = (layer.outputShape as number[])[2];
  const sub = activationModel(model, [layer.name]);
  const [n, L] = x.shape;
  const batches: [number, number][] = [];
  for (let s = 0; s < n; s += batchSize) batches.push([s, Math.min(batchSize, n - s)]);
  const outputOf = (s: number, size: number): Float32Array => tf.tidy(() =>
    (sub.predict(x.slice([s, 0, 0], [size, L, 4])) as tf.Tensor).dataSync() as Float32Array);
  {
    // Pass 1: each filter's maximum. Pass 2: collect the stretches above threshold * maximum.
    const max = new Array<number>(filters).fill(0);
    for (const [s, size] of batches) {
      const a = outputOf(s, size);
      for (let i = 0; i < a.length; i++) {
        const f = i % filters;
        if (a[i] > max[f]) max[f] = a[i];
      }
    }
    const counts = Array.from({ length: filters }, () => Array.from({ length: k }, () => [0, 0, 0, 0]));
    const sites = new Array<number>(filters).fill(0);
    const P = L - k + 1;
    for (const [s, size] of batches) {
      const a = outputOf(s, size);
      const seq = tf.tidy(() => x.slice([s, 0, 0], [size, L, 4]).dataSync() as Float32Array);
      for (let b = 0; b < size; b++) {
        for (let p = 0; p < P; p++) {
          for (let f = 0; f < filters; f++) {
            if (max[f] <= 0 || a[(b * P + p) * filters + f] <= threshold * max[f]) continue;
            sites[f]++;
            for (let j = 0; j < k; j++) {
              const o = (b * L + p + j) * 4;
              for (let c = 0; c < 4; c++) counts[f][j][c] += seq[o + c];
            }
          }
        }
      }
    }
    return counts.map((cm, f) => ({
      filter: f,
      counts: cm,
      probs: cm.map((col) => {
        const t = col[0] + col[1] + col[2] + col[3];
        return t > 0 ? col.map((c) => c / t) : [0.25, 0.25, 0.25, 0.25];
      }),
      sites: sites[f],
      maxActivation: max[f],
    }));
  }
}

export interface MotifMatch {
  /** Position in the known motif (0-based) where the filter's first column lands. */
  offset: number;
  /** "+" when the filter reads the motif's own strand, "-" for its reverse complement. */
  strand: "+" | "-";
  /** Mean Pearson correlation of the aligned columns, in [-1, 1]. */
  score: number;
  /** Columns compared (the overlap). */
  overlap: number;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = (a[0] + a[1] + a[2] + a[3]) / 4;
  const mb = (b[0] + b[1] + b[2] + b[3]) / 4;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < 4; i++) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) ** 2;
    db += (b[i] - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

/**
 * The best placement of a filter's matrix along a known motif (probabilities per position, [m][4]),
 * on either strand, allowing the filter to overhang by up to `minOverlap` less than its width.
 */
export function matchMotif(filterProbs: readonly (readonly number[])[], motif: readonly (readonly number[])[], minOverlap?: number): MotifMatch {
  const k = filterProbs.length;
  const m = motif.length;
  const need = minOverlap ?? Math.min(k, m);
  if (k === 0 || m === 0) throw new Error("matchMotif: empty matrix");
  if (!Number.isInteger(need) || need < 1 || need > Math.min(k, m)) throw new Error(`matchMotif: minOverlap must be 1..${Math.min(k, m)}, got ${need}`);
  let best: MotifMatch = { offset: 0, strand: "+", score: -Infinity, overlap: 0 };
  for (const strand of ["+", "-"] as const) {
    const target = strand === "+" ? motif : reverseComplementMatrix(motif);
    for (let offset = need - k; offset <= m - need; offset++) {
      let sum = 0;
      let overlap = 0;
      for (let j = 0; j < k; j++) {
        const t = offset + j;
        if (t < 0 || t >= m) continue;
        sum += pearson(filterProbs[j], target[t]);
        overlap++;
      }
      const score = sum / overlap;
      if (score > best.score) best = { offset, strand, score, overlap };
    }
  }
  return best;
}
