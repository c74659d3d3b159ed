/**
 * Looking inside a model: a second model that shares the first one's input and weights and whose
 * outputs are the outputs of chosen layers (the original's `keras_model(inputs = model$input,
 * outputs = list(layer1$output, ...))`), and helpers to cut its outputs into feature maps.
 */
import * as tf from "@tensorflow/tfjs";

/** A layer, by position among the model's layers (0-based, input layers not counted) or by name. */
export type LayerRef = number | string;

/** The model's layers without its InputLayer, so index 0 is the first real layer (R's `layers[[1]]`). */
export function realLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() !== "InputLayer");
}

/** Find one layer by index or name, with an error that lists what exists. */
export function findLayer(model: tf.LayersModel, ref: LayerRef): tf.layers.Layer {
  const layers = realLayers(model);
  if (typeof ref === "number") {
    if (!Number.isInteger(ref) || ref < 0 || ref >= layers.length) {
      throw new Error(`layer index ${ref} is outside 0..${layers.length - 1} (the model has ${layers.length} layers)`);
    }
    return layers[ref];
  }
  const layer = layers.find((l) => l.name === ref);
  if (layer === undefined) {
    throw new Error(`no layer named "${ref}"; the layers are: ${layers.map((l) => l.name).join(", ")}`);
  }
  return layer;
}

/** `k` (the first k layers) or a list of layers. */
export type LayerSelection = number | LayerRef[];

function selectLayers(model: tf.LayersModel, which: LayerSelection): tf.layers.Layer[] {
  if (typeof which === "number") {
    const all = realLayers(model);
    if (!Number.isInteger(which) || which < 1 || which > all.length) {
      throw new Error(`activationModel: asked for the first ${which} layers of a model with ${all.length}`);
    }
    return all.slice(0, which);
  }
  if (which.length === 0) throw new Error("activationModel: no layers chosen");
  return which.map((ref) => findLayer(model, ref));
}

function symbolicOutput(layer: tf.layers.Layer): tf.SymbolicTensor {
  let out: tf.SymbolicTensor | tf.SymbolicTensor[];
  try {
    out = layer.output;
  } catch {
    throw new Error(
      `layer "${layer.name}" has no symbolic output yet: give the model's first layer an inputShape ` +
        "(or build it with tf.input) before asking for activations",
    );
  }
  if (Array.isArray(out)) throw new Error(`layer "${layer.name}" has several outputs; pick a single-output layer`);
  return out;
}

/**
 * A model from the original model's input to the outputs of the chosen layers. It shares the weights,
 * so it reflects training done before or after it is made. Works for Sequential and functional models.
 */
export function activationModel(model: tf.LayersModel, which: LayerSelection): tf.LayersModel {
  if (model.inputs.length !== 1) throw new Error(`activationModel: the model has ${model.inputs.length} inputs; one is supported`);
  const layers = selectLayers(model, which);
  return tf.model({ inputs: model.inputs[0], outputs: layers.map(symbolicOutput) });
}

export interface LayerActivation {
  layerName: string;
  layerClass: string;
  /** The layer's output for the batch; the caller disposes it. */
  values: tf.Tensor;
}

/** Run `x` through the model and return the chosen layers' outputs, one per layer, in order. */
export function activations(model: tf.LayersModel, x: tf.Tensor, which: LayerSelection): LayerActivation[] {
  const layers = selectLayers(model, which);
  const sub = activationModel(model, layers.map((l) => l.name));
  const out = sub.predict(x);
  const tensors = Array.isArray(out) ? out : [out];
  return layers.map((l, i) => ({ layerName: l.name, layerClass: l.getClassName(), values: tensors[i] }));
}

export interface FeatureMapOptions {
  /** Which example of the batch (default 0). */
  example?: number;
  /** Which channels (default all). */
  channels?: number[];
  /** Stretch each map to [0, 1] (the original's `range01`); a constant map becomes all 0. Default false. */
  rescale?: boolean;
}

/**
 * Cut a conv-layer output [batch, h, w, channels] into one [h][w] array per channel, ready to draw
 * as a grid. Does not dispose `activation`.
 */
export function featureMaps(activation: tf.Tensor, options: FeatureMapOptions = {}): number[][][] {
  if (activation.rank !== 4) {
    throw new Error(`featureMaps: expected a [batch, height, width, channels] output, got shape [${activation.shape.join(", ")}]`);
  }
  const [batch, h, w, c] = activation.shape;
  const example = options.example ?? 0;
  if (!Number.isInteger(example) || example < 0 || example >= batch) {
    throw new Error(`featureMaps: example ${example} is outside 0..${batch - 1}`);
  }
  const channels = options.channels ?? Array.from({ length: c }, (_, i) => i);
  for (const ch of channels) {
    if (!Number.isInteger(ch) || ch < 0 || ch >= c) throw new Error(`featureMaps: channel ${ch} is outside 0..${c - 1}`);
  }
  const values = tf.tidy(() => activation.slice([example, 0, 0, 0], [1, h, w, c]).dataSync());
  return channels.map((ch) => {
    const map = Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, col) => values[(r * w + col) * c + ch]));
    return options.rescale ? range01(map) : map;
  });
}

/** Linearly stretch a 2-D array to [0, 1]; a constant array becomes zeros. */
export function range01(map: number[][]): number[][] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of map) for (const v of row) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  const span = hi - lo;
  return map.map((row) => row.map((v) => (span > 0 ? (v - lo) / span : 0)));
}
