/**
 * Chapter 5's "more complex networks", built with the functional API: one definition each for the
 * scripts and tests (the chapter builds them layer by layer in its cells, and the test checks that
 * they match these).
 *
 * - `dnaMultiWidthCnn`: the first stage runs filters of several widths side by side over the
 *   sequence (20 each of 5, 11 and 21 bases, padded to keep the 200 positions) and concatenates
 *   their 60 channels, so motifs of different lengths each find a filter that fits; the rest is the
 *   sequential DNA CNN's.
 * - `dnaContextCnn`: the sequential DNA CNN's convolutions on the sequence, plus a second input of
 *   context (a few numbers per region, here its base composition) through a small dense layer,
 *   joined before the dense top.
 */
import * as tf from "@tensorflow/tfjs";

export const DNA_FILTER_WIDTHS = [5, 11, 21] as const;

/** The multi-width DNA network (input [200, 4], 3 softmax outputs). 329,887 parameters with the defaults. */
export function dnaMultiWidthCnn(widths: readonly number[] = DNA_FILTER_WIDTHS, filtersEach = 20): tf.LayersModel {
  const sequence = tf.input({ shape: [200, 4], name: "sequence" });
  const branches = widths.map((w) =>
    tf.layers.conv1d({ filters: filtersEach, kernelSize: w, padding: "same", activation: "relu", name: `width_${w}` }).apply(sequence) as tf.SymbolicTensor);
  let h = tf.layers.concatenate({ name: "all_widths" }).apply(branches) as tf.SymbolicTensor;
  h = tf.layers.maxPooling1d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv1d({ filters: 64, kernelSize: 5, activation: "relu" }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.maxPooling1d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 100 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: 0.3 }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: sequence, outputs: out, name: "dna_multi_width" });
}

/** The two-input DNA network: sequence [200, 4] and `contextSize` numbers of context; 3 softmax outputs. */
export function dnaContextCnn(contextSize = 2): tf.LayersModel {
  const sequence = tf.input({ shape: [200, 4], name: "sequence" });
  const context = tf.input({ shape: [contextSize], name: "context" });
  let h = tf.layers.conv1d({ filters: 20, kernelSize: 5, activation: "relu" }).apply(sequence) as tf.SymbolicTensor;
  h = tf.layers.maxPooling1d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv1d({ filters: 64, kernelSize: 5, activation: "relu" }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.maxPooling1d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  const c = tf.layers.dense({ units: 8, activation: "relu", name: "context_dense" }).apply(context) as tf.SymbolicTensor;
  let joined = tf.layers.concatenate({ name: "sequence_and_context" }).apply([h, c]) as tf.SymbolicTensor;
  joined = tf.layers.dense({ units: 100 }).apply(joined) as tf.SymbolicTensor;
  joined = tf.layers.dropout({ rate: 0.3 }).apply(joined) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(joined) as tf.SymbolicTensor;
  return tf.model({ inputs: [sequence, context], outputs: out, name: "dna_with_context" });
}
