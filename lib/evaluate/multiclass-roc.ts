/**
 * The multiclass ROC AUC of Hand & Till (2001) computed the way R's `pROC::multiclass.roc` does,
 * for the two kinds of predictor it accepts:
 *
 *  - **one number per case** (a score, or, as the course passes it, the predicted class label):
 *    for every pair of classes (a, b) an ordinary two-class AUC with the cases of a as controls and
 *    those of b as cases; the direction is pROC's "auto": "<" (cases score higher) when the median
 *    of the controls is not above the median of the cases, else ">". The result is the mean over
 *    all pairs.
 *  - **a matrix of class probabilities**, one column per class: for every pair (a, b) two AUCs,
 *    Â(a|b) from column a (how well P(a) ranks the a cases above the b cases) and Â(b|a) from
 *    column b, averaged; the result is the mean over pairs, `2 / (c (c - 1)) · Σ (Â(a|b) + Â(b|a)) / 2`.
 *
 * Each two-class AUC is the Mann–Whitney statistic: the share of (control, case) pairs ordered the
 * right way, ties counted half, exactly what pROC's trapezoidal ROC area gives.
 */
import * as tf from "@tensorflow/tfjs";

export type RocDirection = "<" | ">";

export interface PairAuc {
  /** The two classes: [control, case] as pROC names them. */
  levels: [number, number];
  auc: number;
  /** Univariate: the direction used. Multivariate: the two AUCs that were averaged. */
  direction?: RocDirection;
  aucs?: [number, number];
}

export interface MulticlassRoc {
  /** Hand & Till's multiclass AUC. */
  auc: number;
  /** The classes, sorted (as R's factor levels of a numeric response). */
  levels: number[];
  pairs: PairAuc[];
  kind: "univariate" | "multivariate";
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * P(case > control) + ½ P(case = control) over all (control, case) pairs, by ranks (n log n).
 * This is the AUC with direction "<"; with ">" it is 1 minus this.
 */
export function mannWhitneyAuc(controls: ArrayLike<number>, cases: ArrayLike<number>): number {
  const n0 = controls.length;
  const n1 = cases.length;
  if (n0 === 0) throw new Error("AUC: no control observation");
  if (n1 === 0) throw new Error("AUC: no case observation");
  const all: { v: number; isCase: boolean }[] = [];
  for (let i = 0; i < n0; i++) all.push({ v: controls[i], isCase: false });
  for (let i = 0; i < n1; i++) all.push({ v: cases[i], isCase: true });
  for (const a of all) if (!Number.isFinite(a.v)) throw new Error(`AUC: predictor value ${a.v} is not a finite number`);
  all.sort((a, b) => a.v - b.v);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].v === all[i].v) j++;
    const rank = (i + j + 2) / 2; // 1-based average rank of the tie group
    for (let k = i; k <= j; k++) if (all[k].isCase) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n0 * n1);
}

function toNumbers(x: ArrayLike<number> | tf.Tensor, what: string): number[] {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 1) throw new Error(`multiclassRoc: ${what} must be one value per case (rank 1), got shape [${x.shape}]`);
    return Array.from(x.dataSync());
  }
  return Array.from(x);
}

function toRows(x: number[][] | tf.Tensor): number[][] {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new Error(`multiclassRoc: a probability matrix must be [cases, classes], got shape [${x.shape}]`);
    return x.arraySync() as number[][];
  }
  return x;
}

export interface MulticlassRocOptions {
  /**
   * For a probability matrix: the class each column belongs to (pROC matches column names to
   * levels). Default: the sorted classes of `response`, one per column.
   */
  columns?: readonly number[];
  /** Univariate only: force a direction for every pair instead of pROC's "auto". */
  direction?: "auto" | RocDirection;
}

/**
 * `pROC::multiclass.roc(response, predictor)`. `response`: the true class of each case (numbers,
 * e.g. 1, 2, 3 as the course's `which.max`). `predictor`: one number per case (univariate) or a
 * [cases][classes] probability matrix / 2-D tensor (multivariate). See the file comment.
 */
export function multiclassRoc(
  response: ArrayLike<number> | tf.Tensor,
  predictor: ArrayLike<number> | number[][] | tf.Tensor,
  options: MulticlassRocOptions = {},
): MulticlassRoc {
  const y = toNumbers(response, "response");
  for (const v of y) if (!Number.isFinite(v)) throw new Error(`multiclassRoc: response value ${v} is not a class number`);
  const levels = [...new Set(y)].sort((a, b) => a - b);
  if (levels.length < 2) throw new Error("multiclassRoc: 'response' must have at least two classes");
  const isMatrix = (predictor instanceof tf.Tensor && predictor.rank === 2) ||
    (Array.isArray(predictor) && predictor.length > 0 && Array.isArray(predictor[0]));
  const byClass = (values: number[], cls: number) => values.filter((_, i) => y[i] === cls);

  if (!isMatrix) {
    const p = toNumbers(predictor as ArrayLike<number> | tf.Tensor, "predictor");
    if (p.length !== y.length) throw new Error(`multiclassRoc: ${y.length} responses but ${p.length} predictor values`);
    const force = options.direction ?? "auto";
    if (!["auto", "<", ">"].includes(force)) throw new Error(`multiclassRoc: direction must be "auto", "<" or ">", got "${force}"`);
    const pairs: PairAuc[] = [];
    for (let a = 0; a < levels.length; a++) {
      for (let b = a + 1; b < levels.length; b++) {
        const controls = byClass(p, levels[a]);
        const cases = byClass(p, levels[b]);
        const direction: RocDirection = force !== "auto" ? force : median(controls) <= median(cases) ? "<" : ">";
        const up = mannWhitneyAuc(controls, cases);
        pairs.push({ levels: [levels[a], levels[b]], auc: direction === "<" ? up : 1 - up, direction });
      }
    }
    return { auc: mean(pairs.map((q) => q.auc)), levels, pairs, kind: "univariate" };
  }

  if (options.direction !== undefined && options.direction !== ">") {
    throw new Error("multiclassRoc: a probability matrix is read with direction \">\" (higher probability = that class), as pROC does");
  }
  const rows = toRows(predictor as number[][] | tf.Tensor);
  if (rows.length !== y.length) throw new Error(`multiclassRoc: ${y.length} responses but ${rows.length} rows of probabilities`);
  const width = rows[0].length;
  rows.forEach((r, i) => {
    if (r.length !== width) throw new Error(`multiclassRoc: row ${i + 1} has ${r.length} columns, the first has ${width}`);
  });
  const columns = options.columns ? [...options.columns] : levels;
  if (columns.length !== width) {
    throw new Error(`multiclassRoc: the matrix has ${width} columns but there are ${columns.length} classes (${columns.join(", ")}); ` +
      `give options.columns, the class of each column`);
  }
  const missing = levels.filter((l) => !columns.includes(l));
  if (missing.length > 0) throw new Error(`multiclassRoc: no probability column for class(es) ${missing.join(", ")}`);
  const extra = columns.filter((c) => !levels.includes(c));
  if (extra.length > 0) throw new Error(`multiclassRoc: column class(es) ${extra.join(", ")} never occur in 'response'`);
  const col = (c: number) => rows.map((r) => r[columns.indexOf(c)]);
  const pairs: PairAuc[] = [];
  // Pairs in column order, as pROC's combn over the matched column names.
  for (let a = 0; a < columns.length; a++) {
    for (let b = a + 1; b < columns.length; b++) {
      const [i, j] = [columns[a], columns[b]];
      const pi = col(i);
      const pj = col(j);
      // Â(i|j): column i, controls = cases of class i, direction ">" (controls higher).
      const a1 = 1 - mannWhitneyAuc(byClass(pi, i), byClass(pi, j));
      const a2 = 1 - mannWhitneyAuc(byClass(pj, j), byClass(pj, i));
      pairs.push({ levels: [i, j], auc: (a1 + a2) / 2, aucs: [a1, a2] });
    }
  }
  return { auc: mean(pairs.map((q) => q.auc)), levels: columns, pairs, kind: "multivariate" };
}

function mean(xs: number[]): number {
  return xs.reduce((s, v) => s + v, 0) / xs.length;
}
