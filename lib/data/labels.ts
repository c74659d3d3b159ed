import * as tf from "@tensorflow/tfjs";

function checkLabels(fn: string, labels: ArrayLike<number>): void {
  if (labels.length === 0) throw new Error(`${fn}: no labels given`);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0) {
      throw new Error(`${fn}: labels must be whole numbers >= 0, found ${y} at position ${i}`);
    }
  }
}

/**
 * One-hot encode integer labels, like keras's `to_categorical`. As in R keras the classes are
 * numbered from 0, and without `numClasses` the width is max(label) + 1: labels 1..10 therefore
 * get 11 columns, the first of them always 0.
 */
export function toCategorical(labels: ArrayLike<number>, numClasses?: number): tf.Tensor2D {
  checkLabels("toCategorical", labels);
  const max = Math.max(...Array.from(labels));
  const width = numClasses ?? max + 1;
  if (!Number.isInteger(width) || width <= max) {
    throw new Error(`toCategorical: numClasses = ${width} is too small for label ${max} (classes are 0..numClasses-1)`);
  }
  return tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(labels), "int32"), width).toFloat() as tf.Tensor2D);
}

/** How many times each class occurs: counts[k] is the number of labels equal to k. */
export function classCounts(labels: ArrayLike<number>, numClasses?: number): number[] {
  checkLabels("classCounts", labels);
  const width = numClasses ?? Math.max(...Array.from(labels)) + 1;
  const counts = new Array<number>(width).fill(0);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= width) throw new Error(`classCounts: label ${labels[i]} is outside 0..${width - 1}`);
    counts[labels[i]]++;
  }
  return counts;
}

/** Keras's `class_weight` argument: a weight per class index. */
export type ClassWeights = Record<number, number>;

/**
 * Weights that make each class count as much as the others overall: n / (k * count_k), as in
 * scikit-learn's "balanced". The course itself sets its weights by hand ({0: 3, 1: 3, 2: 1}).
 */
export function balancedClassWeights(labels: ArrayLike<number>): ClassWeights {
  const counts = classCounts(labels);
  const present = counts.filter((c) => c > 0).length;
  const weights: ClassWeights = {};
  counts.forEach((c, k) => {
    if (c > 0) weights[k] = labels.length / (present * c);
  });
  return weights;
}

/** The accuracy of always answering the most common class: the baseline a model must beat. */
export function majorityBaseline(labels: ArrayLike<number>): { label: number; accuracy: number } {
  const counts = classCounts(labels);
  const label = counts.indexOf(Math.max(...counts));
  return { label, accuracy: counts[label] / labels.length };
}
