/**
 * A Flatten layer that behaves as Keras's does on a flat input. Keras passes (None, n) through
 * unchanged; tf.js's Flatten insists on three dimensions ("expected min_ndim=3, found ndim=2"). The
 * course's own densemodel.h5 (R keras, `layer_flatten(input_shape = 1)`) is such a file, so the
 * layer table (layer-table.ts) reads every Keras Flatten as this one.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * A Flatten layer that, like Keras's, also takes a (batch, n) input and passes it through as it is.
 * Its class name stays Flatten, so summaries and saved files read as Keras's do.
 */
export function kerasFlatten(args: Parameters<typeof tf.layers.flatten>[0] = {}): tf.layers.Layer {
  const layer = tf.layers.flatten(args);
  // tf.js checks inputSpec before calling; batchFlatten itself is fine with rank 2.
  layer.inputSpec = [{ minNDim: 2 } as (typeof layer.inputSpec)[number]];
  return layer;
}
