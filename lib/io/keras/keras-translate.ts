/**
 * Keras layer settings that Keras accepts and tf.js refuses as they stand, translated into tf.js
 * layers that compute the same thing. `loadKerasModel` asks here first; what is not handled here goes
 * through the plain translation in config-to-layers.ts.
 *
 * - Flatten right after a one-dimensional input: Keras passes (None, n) through unchanged; tf.js's
 *   Flatten insists on three dimensions ("expected min_ndim=3, found ndim=2"). The course's own
 *   densemodel.h5 (R keras, `layer_flatten(input_shape = 1)`) is such a file.
 * - Weight constraints (MaxNorm, NonNeg, ...): left out. Keras applies them after each training step
 *   and never to a prediction; tf.js never applies them in fit and would apply them to the loaded
 *   weights, changing the predictions. A model trained further here is not held to them.
 * - Dropout with a noise_shape: carried over (it changes nothing at prediction time).
 * - Activation layers LeakyReLU, ReLU, ELU (alpha 1), Softmax (R keras `layer_activation_leaky_relu()` ...),
 *   with Keras 2's and Keras 3's spellings of their settings; a setting tf.js has no counterpart for
 *   is named in the error.
 */
import * as tf from "@tensorflow/tfjs";
import type { KerasLayerJson } from "./config-to-layers";

type Json = Record<string, unknown>;

export class KerasTranslateError extends Error {}

/** Layer types read only here (config-to-layers.ts lists the others). */
export const TRANSLATED_LAYER_TYPES = ["LeakyReLU", "ReLU", "ELU", "Softmax"] as const;

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

const CONSTRAINTS = ["kernel_constraint", "bias_constraint", "beta_constraint", "gamma_constraint", "depthwise_constraint", "pointwise_constraint"];

/** True when the layer sets a weight constraint. */
function hasConstraints(conf: Json): boolean {
  return CONSTRAINTS.some((k) => conf[k] !== undefined && conf[k] !== null);
}

/** A plain Keras layer config with the settings translated here removed, for the ordinary translation. */
function withoutKeys(layer: KerasLayerJson, keys: string[]): KerasLayerJson {
  const config = { ...(layer.config ?? {}) };
  for (const k of keys) delete config[k];
  return { ...layer, config };
}

function num(conf: Json, keys: string[], fallback: number): number {
  for (const k of keys) if (typeof conf[k] === "number") return conf[k] as number;
  return fallback;
}

export interface TranslateContext {
  /** Where the layer sits, for error messages: "<file>, layer 'x' (Class)". */
  where: string;
  /** The tf.js settings every layer gets (name, trainable, batchInputShape of a first layer). */
  base: Json;
  /** The ordinary translation, for a layer config with the translated settings taken out. */
  plain: (layer: KerasLayerJson) => tf.layers.Layer;
}

/**
 * The tf.js layer for a Keras layer whose settings tf.js refuses as they stand, or null when the
 * layer needs nothing from here. `cls` is the canonical Keras class name.
 */
export function translateKerasLayer(layer: KerasLayerJson, cls: string, ctx: TranslateContext): tf.layers.Layer | null {
  const conf = (layer.config ?? {}) as Json;
  const { where, base } = ctx;
  switch (cls) {
    case "Flatten": {
      const df = conf.data_format;
      if (df !== undefined && df !== null && df !== "channels_last" && df !== "channels_first") return null;
      return kerasFlatten({ ...base, dataFormat: df === "channels_first" ? "channelsFirst" : "channelsLast" });
    }
    case "Dropout": {
      if (conf.noise_shape === undefined || conf.noise_shape === null) return null;
      const plain = ctx.plain(withoutKeys(layer, ["noise_shape"]));
      (plain as unknown as { noiseShape: (number | null)[] }).noiseShape = conf.noise_shape as (number | null)[];
      return plain;
    }
    case "LeakyReLU":
      // Keras 2 calls the slope alpha (default 0.3), Keras 3 negative_slope (default 0.3).
      return tf.layers.leakyReLU({ ...base, alpha: num(conf, ["negative_slope", "alpha"], 0.3) });
    case "ELU": {
      const alpha = num(conf, ["alpha"], 1);
      if (alpha !== 1) throw new KerasTranslateError(`${where}: ELU with alpha ${alpha} has no TensorFlow.js counterpart (its ELU layer takes only alpha = 1)`);
      return tf.layers.elu({ ...base, alpha });
    }
    case "Softmax":
      return tf.layers.softmax({ ...base, axis: num(conf, ["axis"], -1) });
    case "ReLU": {
      const slope = num(conf, ["negative_slope"], 0);
      const threshold = num(conf, ["threshold"], 0);
      if (slope !== 0 || threshold !== 0) {
        throw new KerasTranslateError(`${where}: ReLU with negative_slope ${slope} / threshold ${threshold} has no TensorFlow.js counterpart (only max_value does)`);
      }
      const maxValue = typeof conf.max_value === "number" ? conf.max_value : undefined;
      return tf.layers.reLU({ ...base, maxValue });
    }
    default:
      // Keras applies a constraint after each training step; it plays no part in a prediction. tf.js
      // does the opposite (it never applies one in fit, and applies it to weights set from a file,
      // which would change a model's predictions), so the constraints are left out.
      return hasConstraints(conf) ? ctx.plain(withoutKeys(layer, CONSTRAINTS)) : null;
  }
}

/**
 * The Keras settings of a tf.js LeakyReLU / ReLU / ELU / Softmax layer (its getConfig() as `c`), for
 * saveKerasModel; null for other layer types. Keras 3 calls LeakyReLU's slope negative_slope.
 */
export function kerasActivationLayerSettings(cls: string, c: Json, dialect: string): Json | null {
  switch (cls) {
    case "LeakyReLU":
      return dialect === "keras3" ? { negative_slope: c.alpha } : { alpha: c.alpha };
    case "ReLU":
      return { max_value: c.maxValue ?? null, negative_slope: 0, threshold: 0 };
    case "ELU":
      return { alpha: c.alpha ?? 1 };
    case "Softmax":
      return { axis: c.axis ?? -1 };
    default:
      return null;
  }
}
