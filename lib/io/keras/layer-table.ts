/**
 * The Keras layer types this kit reads and writes, one entry per type, each holding both
 * directions: `read` turns a Keras layer config into a tf.js layer (loadKerasModel), `write` turns a
 * tf.js layer's getConfig() into the Keras config (saveKerasModel). Adding a layer type is one new
 * entry here; config-to-layers.ts and write.ts only walk models and look types up in this table.
 *
 * Reading checks every setting: one tf.js cannot represent fails with a sentence that names the
 * layer. Some settings Keras accepts and tf.js refuses as they stand are translated into tf.js
 * layers that compute the same thing:
 * - Flatten right after a one-dimensional input: Keras passes (None, n) through unchanged; tf.js's
 *   Flatten insists on three dimensions. The course's own densemodel.h5 (R keras,
 *   `layer_flatten(input_shape = 1)`) is such a file; see kerasFlatten.
 * - Weight constraints (MaxNorm, NonNeg, ...): left out (see readKernelArgs in layer-settings.ts).
 * - Dropout with a noise_shape: carried over (it changes nothing at prediction time).
 * - Activation layers LeakyReLU, ReLU, ELU (alpha 1), Softmax (R keras
 *   `layer_activation_leaky_relu()` ...), with Keras 2's and Keras 3's spellings of their settings.
 */
import * as tf from "@tensorflow/tfjs";
import { kerasFlatten } from "./keras-translate";
import {
  allOnes, readActivation, readDataFormat, readKernelArgs, readNumber, readPadding, readTuple, refuseNonNull,
  writeActivation, writeDataFormat, writeKernelSettings, writeTuple,
  type Dialect, type Fail, type Json,
} from "./layer-settings";

/** What a `read` gets besides the Keras config. */
export interface ReadContext {
  /** Throws with the place in front: "<file>, layer 'x' (Class): ...". */
  fail: Fail;
  /** The tf.js settings every layer gets: name, trainable, and batchInputShape for a model's first layer. */
  base: Json;
}

/** What a `write` gets besides the tf.js layer's getConfig(). */
export interface WriteContext {
  /** Throws with the place in front: "saveKerasModel: layer 'x' (Class): ...". */
  fail: Fail;
  dialect: Dialect;
  /** The Keras settings every layer starts with: name, trainable, dtype. */
  base: Json;
}

/** One layer type in both directions. */
export interface LayerTableEntry {
  /** Keras's class name (what `class_name` says in a config Keras 3 writes). */
  kerasClass: string;
  /** Other spellings of the same layer in Keras 2 files. */
  kerasAliases?: readonly string[];
  /** tf.js's class name (getClassName()). */
  tfjsClass: string;
  /** Keras config -> tf.js layer (not yet connected). */
  read(conf: Json, ctx: ReadContext): tf.layers.Layer;
  /** tf.js layer's getConfig() -> Keras config, starting with ctx.base. */
  write(c: Json, ctx: WriteContext): Json;
}

/** An entry whose Keras and tf.js class names are the same. */
function entry(cls: string, read: LayerTableEntry["read"], write: LayerTableEntry["write"], kerasAliases?: readonly string[]): LayerTableEntry {
  return { kerasClass: cls, tfjsClass: cls, kerasAliases, read, write };
}

// ---------------------------------------------------------------- the input

/** Keras's input shape of a layer entry, if it carries one (an InputLayer, the first layer of a Keras 2 Sequential). */
export function batchShapeOf(conf: Json): (number | null)[] | undefined {
  const s = conf.batch_shape ?? conf.batch_input_shape;
  if (Array.isArray(s)) return s as (number | null)[];
  if (Array.isArray(conf.input_shape)) return [null, ...(conf.input_shape as number[])];
  return undefined;
}

/** The config of a Keras InputLayer (Keras 3 says batch_shape, Keras 2 batch_input_shape). */
export function kerasInputLayerConfig(dialect: Dialect, name: string, batchShape: (number | null)[]): Json {
  const key = dialect === "keras3" ? "batch_shape" : "batch_input_shape";
  return { [key]: batchShape, dtype: "float32", sparse: false, name };
}

const inputLayer = entry(
  "InputLayer",
  (conf, { fail, base }) => {
    const shape = batchShapeOf(conf);
    if (shape === undefined) fail("the input layer has no shape");
    return tf.layers.inputLayer({ batchInputShape: shape, name: base.name as string, dtype: "float32" });
  },
  (c, { dialect }) => kerasInputLayerConfig(dialect, c.name as string, c.batchInputShape as (number | null)[]),
);

// ---------------------------------------------------------------- layers with weights

const dense = entry(
  "Dense",
  (conf, { fail, base }) => {
    refuseNonNull(fail, conf, ["lora_rank"]);
    return tf.layers.dense({ ...base, units: readNumber(fail, conf, "units"), ...readKernelArgs(fail, conf) });
  },
  (c, { fail, dialect, base }) => ({ ...base, units: c.units, ...writeKernelSettings(fail, dialect, c) }),
);

/** Conv1D and Conv2D. */
function conv(cls: "Conv1D" | "Conv2D", aliases: string[]): LayerTableEntry {
  const rank = cls === "Conv1D" ? 1 : 2;
  return entry(
    cls,
    (conf, { fail, base }) => {
      refuseNonNull(fail, conf, ["lora_rank"]);
      if (conf.groups !== undefined && conf.groups !== 1) fail(`groups = ${conf.groups} (grouped convolution) has no TensorFlow.js counterpart`);
      const args = {
        ...base, ...readKernelArgs(fail, conf), filters: readNumber(fail, conf, "filters"),
        padding: readPadding(fail, conf.padding, rank === 1), dataFormat: readDataFormat(fail, conf.data_format),
      };
      const kernelSize = readTuple(fail, "kernel_size", conf.kernel_size, rank);
      const strides = readTuple(fail, "strides", conf.strides ?? 1, rank);
      const dilationRate = readTuple(fail, "dilation_rate", conf.dilation_rate ?? 1, rank);
      if (rank === 1) return tf.layers.conv1d({ ...args, kernelSize: kernelSize[0], strides: strides[0], dilationRate: dilationRate[0] });
      return tf.layers.conv2d({ ...args, kernelSize, strides, dilationRate: dilationRate as [number, number] });
    },
    (c, { fail, dialect, base }) => ({
      ...base, ...convShape(c, rank), ...(dialect === "keras3" ? { groups: 1 } : {}), ...writeKernelSettings(fail, dialect, c),
    }),
    aliases,
  );
}

/** The shape settings every convolution writes, in Keras's order. */
function convShape(c: Json, rank: number): Json {
  return {
    filters: c.filters,
    kernel_size: writeTuple(c.kernelSize, rank),
    strides: writeTuple(c.strides ?? 1, rank),
    padding: c.padding ?? "valid",
    data_format: writeDataFormat(c.dataFormat),
    dilation_rate: writeTuple(c.dilationRate ?? 1, rank),
  };
}

const conv2dTranspose = entry(
  "Conv2DTranspose",
  (conf, { fail, base }) => {
    refuseNonNull(fail, conf, ["output_padding"]);
    if (!allOnes(conf.dilation_rate)) fail("dilation_rate other than 1 has no TensorFlow.js counterpart for Conv2DTranspose");
    return tf.layers.conv2dTranspose({
      ...base, ...readKernelArgs(fail, conf), filters: readNumber(fail, conf, "filters"),
      kernelSize: readTuple(fail, "kernel_size", conf.kernel_size, 2), strides: readTuple(fail, "strides", conf.strides ?? 1, 2),
      padding: readPadding(fail, conf.padding) as "valid", dataFormat: readDataFormat(fail, conf.data_format),
    });
  },
  (c, { fail, dialect, base }) => ({ ...base, ...convShape(c, 2), output_padding: null, ...writeKernelSettings(fail, dialect, c) }),
  ["Deconvolution2D"],
);

const batchNormalization = entry(
  "BatchNormalization",
  (conf, { fail, base }) => {
    if (conf.renorm === true) fail("batch renormalisation has no TensorFlow.js counterpart");
    const axis = Array.isArray(conf.axis) ? (conf.axis.length === 1 ? conf.axis[0] : fail("more than one axis")) : (conf.axis ?? -1);
    return tf.layers.batchNormalization({
      ...base, axis: axis as number, momentum: (conf.momentum as number) ?? 0.99, epsilon: (conf.epsilon as number) ?? 1e-3,
      center: conf.center !== false, scale: conf.scale !== false,
    });
  },
  (c, { base }) => ({ ...base, axis: c.axis ?? -1, momentum: c.momentum, epsilon: c.epsilon, center: c.center !== false, scale: c.scale !== false }),
);

// ---------------------------------------------------------------- pooling

type PoolArgs = { poolSize: number | [number, number]; strides: number | [number, number]; padding: "valid"; dataFormat: "channelsLast" | "channelsFirst" };

/** MaxPooling1D/2D, AveragePooling1D/2D. A missing stride is the pool size. */
function pooling(cls: string, rank: 1 | 2, make: (args: Json & PoolArgs) => tf.layers.Layer, aliases: string[]): LayerTableEntry {
  return entry(
    cls,
    (conf, { fail, base }) => {
      const pool = readTuple(fail, "pool_size", conf.pool_size ?? 2, rank);
      const strides = conf.strides === null || conf.strides === undefined ? pool : readTuple(fail, "strides", conf.strides, rank);
      const one = (v: number[]) => (rank === 1 ? v[0] : (v as [number, number]));
      return make({
        ...base, poolSize: one(pool), strides: one(strides),
        padding: readPadding(fail, conf.padding) as "valid", dataFormat: readDataFormat(fail, conf.data_format),
      });
    },
    (c, { base }) => ({
      ...base, pool_size: writeTuple(c.poolSize, rank), strides: writeTuple(c.strides ?? c.poolSize, rank),
      padding: c.padding ?? "valid", data_format: writeDataFormat(c.dataFormat),
    }),
    aliases,
  );
}

/** GlobalMaxPooling1D/2D, GlobalAveragePooling1D/2D (tf.js's 1D ones take no data format). */
function globalPooling(cls: string, rank: 1 | 2, make: (args: Json) => tf.layers.Layer, aliases: string[]): LayerTableEntry {
  return entry(
    cls,
    (conf, { fail, base }) => {
      if (conf.keepdims === true) fail("keepdims = true has no TensorFlow.js counterpart");
      const dataFormat = readDataFormat(fail, conf.data_format);
      return make(rank === 1 ? base : { ...base, dataFormat });
    },
    (c, { dialect, base }) => ({ ...base, data_format: writeDataFormat(c.dataFormat), ...(dialect === "keras3" ? { keepdims: false } : {}) }),
    aliases,
  );
}

// ---------------------------------------------------------------- shape and activation layers

const flatten = entry(
  "Flatten",
  (conf, { fail, base }) => kerasFlatten({ ...base, dataFormat: readDataFormat(fail, conf.data_format) }),
  (c, { base }) => ({ ...base, data_format: writeDataFormat(c.dataFormat) }),
);

const dropout = entry(
  "Dropout",
  (conf, { fail, base }) => {
    const layer = tf.layers.dropout({ ...base, rate: readNumber(fail, conf, "rate") });
    if (conf.noise_shape !== undefined && conf.noise_shape !== null) {
      (layer as unknown as { noiseShape: (number | null)[] }).noiseShape = conf.noise_shape as (number | null)[];
    }
    return layer;
  },
  (c, { base }) => ({ ...base, rate: c.rate, noise_shape: c.noiseShape ?? null, seed: null }),
);

const activation = entry(
  "Activation",
  (conf, { fail, base }) => tf.layers.activation({ ...base, activation: readActivation(fail, conf.activation) as never }),
  (c, { fail, base }) => ({ ...base, activation: writeActivation(fail, c.activation) }),
);

const reshape = entry(
  "Reshape",
  (conf, { fail, base }) => {
    if (!Array.isArray(conf.target_shape)) fail("target_shape is missing");
    return tf.layers.reshape({ ...base, targetShape: conf.target_shape as number[] });
  },
  (c, { base }) => ({ ...base, target_shape: c.targetShape }),
);

const upSampling2d = entry(
  "UpSampling2D",
  (conf, { fail, base }) => {
    const interpolation = (conf.interpolation ?? "nearest") as string;
    if (interpolation !== "nearest" && interpolation !== "bilinear") fail(`interpolation '${interpolation}' is not supported`);
    return tf.layers.upSampling2d({
      ...base, size: readTuple(fail, "size", conf.size ?? 2, 2), dataFormat: readDataFormat(fail, conf.data_format),
      interpolation: interpolation as "nearest",
    });
  },
  (c, { base }) => ({ ...base, size: writeTuple(c.size ?? 2, 2), data_format: writeDataFormat(c.dataFormat), interpolation: c.interpolation ?? "nearest" }),
);

/** The first number among `keys` (spellings differ between Keras 2 and 3), else the fallback. */
function firstNumber(conf: Json, keys: string[], fallback: number): number {
  for (const k of keys) if (typeof conf[k] === "number") return conf[k] as number;
  return fallback;
}

const leakyReLU = entry(
  "LeakyReLU",
  // Keras 2 calls the slope alpha (default 0.3), Keras 3 negative_slope (default 0.3).
  (conf, { base }) => tf.layers.leakyReLU({ ...base, alpha: firstNumber(conf, ["negative_slope", "alpha"], 0.3) }),
  (c, { dialect, base }) => ({ ...base, ...(dialect === "keras3" ? { negative_slope: c.alpha } : { alpha: c.alpha }) }),
);

const reLU = entry(
  "ReLU",
  (conf, { fail, base }) => {
    const slope = firstNumber(conf, ["negative_slope"], 0);
    const threshold = firstNumber(conf, ["threshold"], 0);
    if (slope !== 0 || threshold !== 0) {
      fail(`ReLU with negative_slope ${slope} / threshold ${threshold} has no TensorFlow.js counterpart (only max_value does)`);
    }
    const maxValue = typeof conf.max_value === "number" ? conf.max_value : undefined;
    return tf.layers.reLU({ ...base, maxValue });
  },
  (c, { base }) => ({ ...base, max_value: c.maxValue ?? null, negative_slope: 0, threshold: 0 }),
);

const eLU = entry(
  "ELU",
  (conf, { fail, base }) => {
    const alpha = firstNumber(conf, ["alpha"], 1);
    if (alpha !== 1) fail(`ELU with alpha ${alpha} has no TensorFlow.js counterpart (its ELU layer takes only alpha = 1)`);
    return tf.layers.elu({ ...base, alpha });
  },
  (c, { base }) => ({ ...base, alpha: c.alpha ?? 1 }),
);

const softmax = entry(
  "Softmax",
  (conf, { base }) => tf.layers.softmax({ ...base, axis: firstNumber(conf, ["axis"], -1) }),
  (c, { base }) => ({ ...base, axis: c.axis ?? -1 }),
);

// ---------------------------------------------------------------- merging layers

/** Add, Multiply, Average, Maximum, Minimum: no settings of their own. */
function merge(cls: string, make: (args: Json) => tf.layers.Layer): LayerTableEntry {
  return entry(cls, (_conf, { base }) => make(base), (_c, { base }) => ({ ...base }));
}

const concatenate = entry(
  "Concatenate",
  (conf, { base }) => tf.layers.concatenate({ ...base, axis: (conf.axis as number) ?? -1 }),
  (c, { base }) => ({ ...base, axis: c.axis ?? -1 }),
);

// ---------------------------------------------------------------- the table

/** Every layer type, in the order error messages list them. */
export const LAYER_TABLE: readonly LayerTableEntry[] = [
  inputLayer,
  dense,
  conv("Conv1D", ["Convolution1D"]),
  conv("Conv2D", ["Convolution2D"]),
  conv2dTranspose,
  pooling("MaxPooling1D", 1, (a) => tf.layers.maxPooling1d(a as never), ["MaxPool1D"]),
  pooling("MaxPooling2D", 2, (a) => tf.layers.maxPooling2d(a as never), ["MaxPool2D"]),
  pooling("AveragePooling1D", 1, (a) => tf.layers.averagePooling1d(a as never), ["AvgPool1D"]),
  pooling("AveragePooling2D", 2, (a) => tf.layers.averagePooling2d(a as never), ["AvgPool2D", "AveragePool2D"]),
  globalPooling("GlobalMaxPooling1D", 1, (a) => tf.layers.globalMaxPooling1d(a), ["GlobalMaxPool1D"]),
  globalPooling("GlobalMaxPooling2D", 2, (a) => tf.layers.globalMaxPooling2d(a as never), ["GlobalMaxPool2D"]),
  globalPooling("GlobalAveragePooling1D", 1, (a) => tf.layers.globalAveragePooling1d(a), ["GlobalAvgPool1D"]),
  globalPooling("GlobalAveragePooling2D", 2, (a) => tf.layers.globalAveragePooling2d(a as never), ["GlobalAvgPool2D"]),
  flatten,
  dropout,
  activation,
  reshape,
  batchNormalization,
  upSampling2d,
  merge("Add", (a) => tf.layers.add(a)),
  concatenate,
  merge("Multiply", (a) => tf.layers.multiply(a)),
  merge("Average", (a) => tf.layers.average(a)),
  merge("Maximum", (a) => tf.layers.maximum(a)),
  merge("Minimum", (a) => tf.layers.minimum(a)),
  leakyReLU,
  reLU,
  eLU,
  softmax,
];

const BY_KERAS = new Map<string, LayerTableEntry>();
const BY_TFJS = new Map<string, LayerTableEntry>();
for (const e of LAYER_TABLE) {
  for (const name of [e.kerasClass, ...(e.kerasAliases ?? [])]) BY_KERAS.set(name, e);
  BY_TFJS.set(e.tfjsClass, e);
}

/** The canonical Keras class name for a class name from a file (Keras 2 spellings included). */
export function canonicalKerasClass(className: string): string {
  return BY_KERAS.get(className)?.kerasClass ?? className;
}

/** The entry for a Keras class name (any spelling), or undefined. */
export function entryForKeras(className: string): LayerTableEntry | undefined {
  return BY_KERAS.get(className);
}

/** The entry for a tf.js layer's class name, or undefined. */
export function entryForTfjs(className: string): LayerTableEntry | undefined {
  return BY_TFJS.get(className);
}

/** The Keras layer types read and written, in table order. */
export function kerasLayerTypes(): string[] {
  return LAYER_TABLE.map((e) => e.kerasClass);
}
