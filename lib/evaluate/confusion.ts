/**
 * Confusion matrix as plain data: counts[t][p] = how many items of true class t were predicted as p
 * (rows = truth, like R's `table(truth, predicted)`).
 */

export interface ClassAccuracy {
  /** Class index (0-based). */
  label: number;
  name: string;
  /** Items whose true class is this one. */
  n: number;
  correct: number;
  /** correct / n; NaN when the class never occurs in the truth. */
  accuracy: number;
}

export interface ConfusedPair {
  truth: number;
  predicted: number;
  truthName: string;
  predictedName: string;
  count: number;
}

export interface ConfusionMatrix {
  classNames: string[];
  /** counts[truth][predicted]. */
  counts: number[][];
  total: number;
  correct: number;
  accuracy: number;
  perClass: ClassAccuracy[];
}

export interface ConfusionOptions {
  /** Number of classes (default: from `classNames`, else the largest label + 1). */
  numClasses?: number;
  /** Names for the rows/columns (default "0", "1", …). */
  classNames?: string[];
}

export function confusionMatrix(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: ConfusionOptions = {},
): ConfusionMatrix {
  if (truth.length !== predicted.length) {
    throw new Error(`confusionMatrix: ${truth.length} true labels but ${predicted.length} predictions`);
  }
  if (truth.length === 0) throw new Error("confusionMatrix: no labels given");
  const k = numClassesOf(truth, predicted, options);
  for (let i = 0; i < truth.length; i++) {
    checkLabel("true label", truth[i], i, k);
    checkLabel("prediction", predicted[i], i, k);
  }
  const classNames = options.classNames ?? Array.from({ length: k }, (_, i) => String(i));
  if (classNames.length !== k) {
    throw new Error(`confusionMatrix: ${classNames.length} class names for ${k} classes`);
  }
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) counts[truth[i]][predicted[i]]++;
  const correct = counts.reduce((s, row, t) => s + row[t], 0);
  const perClass = counts.map((row, t) => {
    const n = row.reduce((a, b) => a + b, 0);
    return { label: t, name: classNames[t], n, correct: row[t], accuracy: n === 0 ? NaN : row[t] / n };
  });
  return { classNames, counts, total: truth.length, correct, accuracy: correct / truth.length, perClass };
}

/** The off-diagonal cells, largest first (ties: by truth, then predicted); `top` limits how many. */
export function mostConfused(cm: ConfusionMatrix, top = 5): ConfusedPair[] {
  const pairs: ConfusedPair[] = [];
  cm.counts.forEach((row, t) =>
    row.forEach((count, p) => {
      if (t !== p && count > 0) {
        pairs.push({ truth: t, predicted: p, truthName: cm.classNames[t], predictedName: cm.classNames[p], count });
      }
    }),
  );
  pairs.sort((a, b) => b.count - a.count || a.truth - b.truth || a.predicted - b.predicted);
  return pairs.slice(0, top);
}

/**
 * Confusions between two classes counted both ways (a→b plus b→a), largest first: the original's
 * "9s and 4s, 8s and 3s, 7s and 9s".
 */
export function mostConfusedPairs(cm: ConfusionMatrix, top = 3): { a: number; b: number; count: number }[] {
  const out: { a: number; b: number; count: number }[] = [];
  for (let a = 0; a < cm.counts.length; a++) {
    for (let b = a + 1; b < cm.counts.length; b++) {
      const count = cm.counts[a][b] + cm.counts[b][a];
      if (count > 0) out.push({ a, b, count });
    }
  }
  out.sort((x, y) => y.count - x.count || x.a - y.a || x.b - y.b);
  return out.slice(0, top);
}

/** The matrix as text: a header of predicted classes, one row per true class. */
export function formatConfusion(cm: ConfusionMatrix): string {
  const width = Math.max(...cm.classNames.map((n) => n.length), ...cm.counts.flat().map((c) => String(c).length)) + 1;
  const pad = (s: string) => s.padStart(width);
  const lines = [pad("") + " " + cm.classNames.map(pad).join("")];
  cm.counts.forEach((row, t) => lines.push(pad(cm.classNames[t]) + " " + row.map((c) => pad(String(c))).join("")));
  return lines.join("\n");
}

function numClassesOf(truth: ArrayLike<number>, predicted: ArrayLike<number>, options: ConfusionOptions): number {
  if (options.numClasses !== undefined) {
    if (!Number.isInteger(options.numClasses) || options.numClasses < 1) {
      throw new Error(`confusionMatrix: numClasses must be a positive whole number, got ${options.numClasses}`);
    }
    return options.numClasses;
  }
  if (options.classNames !== undefined) return options.classNames.length;
  // Without a given size, labels must still be whole numbers >= 0 before the largest one sets it.
  let max = 0;
  for (let i = 0; i < truth.length; i++) {
    checkLabel("true label", truth[i], i, Infinity);
    checkLabel("prediction", predicted[i], i, Infinity);
    max = Math.max(max, truth[i], predicted[i]);
  }
  return max + 1;
}

function checkLabel(what: string, v: number, i: number, k: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= k) {
    throw new Error(`confusionMatrix: ${what} ${v} at position ${i} is outside the classes 0..${k - 1}`);
  }
}
