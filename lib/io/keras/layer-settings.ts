/**
 * The settings many Keras layers share (dtype, activation, tuples, padding, data format,
 * regularizers, initializers), each in both directions: read from a Keras config into tf.js
 * arguments, and written from a tf.js layer's getConfig() in Keras's words. The layer table
 * (layer-table.ts) builds its entries from these.
 *
 * Every helper that can refuse a value takes `fail`, which throws with the place already in front
 * ("<file>, layer 'x' (Dense): ..." when reading, "saveKerasModel: layer 'x' (Dense): ..." when
 * writing).
 */
import * as tf from "@tensorflow/tfjs";

export type Json = Record<string, unknown>;
export type Dialect = "keras2" | "keras3";
/** Throws an error about one layer; the place is already part of it. */
export type Fail = (what: string) => never;

/** A Keras config that cannot be rebuilt here. */
export class KerasConfigError extends Error {}

// ---------------------------------------------------------------- wrapping and dtype

/** A Keras serialized object: Keras 3 adds its module and registered name. */
export function kerasObject(dialect: Dialect, module: string, className: string, config: Json): Json {
  return dialect === "keras3"
    ? { module, class_name: className, config, registered_name: null }
    : { class_name: className, config };
}

/** Keras 3 wraps a dtype in a policy object; Keras 2 writes a string. */
export function dtypeName(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  const c = (v as Json).config as Json | undefined;
  return typeof c?.name === "string" ? (c.name as string) : undefined;
}

/** Refuses a layer that computes in anything but float32. */
export function checkDtype(fail: Fail, conf: Json): void {
  const d = dtypeName(conf.dtype);
  if (d !== undefined && d !== "float32") {
    fail(`dtype '${d}' is not supported (TensorFlow.js layers compute in float32)`);
  }
}

/** The float32 dtype as each dialect writes it. */
export function kerasDtype(dialect: Dialect): unknown {
  return dialect === "keras3"
    ? { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }
    : "float32";
}

// ---------------------------------------------------------------- activations

/** Keras activation names and the tf.js names for the same function. */
const KERAS_TO_TFJS_ACTIVATION: Record<string, string> = {
  linear: "linear", relu: "relu", sigmoid: "sigmoid", softmax: "softmax", tanh: "tanh", elu: "elu",
  selu: "selu", softplus: "softplus", softsign: "softsign", relu6: "relu6", swish: "swish", silu: "swish",
  gelu: "gelu", mish: "mish",
};

/** tf.js activation names and the Keras names written for them. */
const TFJS_TO_KERAS_ACTIVATION: Record<string, string> = {
  linear: "linear", relu: "relu", sigmoid: "sigmoid", softmax: "softmax", tanh: "tanh", elu: "elu", selu: "selu",
  softplus: "softplus", softsign: "softsign", relu6: "relu6", swish: "swish", gelu: "gelu", mish: "mish",
};

/** A Keras activation (a name, or a serialized function) as its tf.js name; none is linear. */
export function readActivation(fail: Fail, v: unknown): string {
  let name: unknown = v;
  if (v !== null && typeof v === "object") {
    const o = v as Json;
    name = typeof o.config === "string" ? o.config : o.class_name;
  }
  if (name === undefined || name === null) return "linear";
  if (typeof name !== "string") fail(`activation ${JSON.stringify(v)} is not a named activation`);
  const tfName = KERAS_TO_TFJS_ACTIVATION[name];
  if (tfName === undefined) {
    fail(`activation '${name}' has no TensorFlow.js counterpart here (known: ${Object.keys(KERAS_TO_TFJS_ACTIVATION).join(", ")})`);
  }
  return tfName;
}

/** A tf.js activation name as Keras writes it; none is linear. */
export function writeActivation(fail: Fail, v: unknown): string {
  const name = typeof v === "string" ? v : "linear";
  const k = TFJS_TO_KERAS_ACTIVATION[name];
  if (k === undefined) fail(`activation '${name}' has no Keras counterpart here`);
  return k;
}

// ---------------------------------------------------------------- tuples, padding, data format

/** Keras's `3`, `[3]` or `[3, 3]` as n numbers. */
export function readTuple(fail: Fail, key: string, v: unknown, n: number): number[] {
  if (typeof v === "number") return Array(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number")) return v as number[];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === "number") return Array(n).fill(v[0]);
  return fail(`${key} ${JSON.stringify(v)} is not ${n} integer(s)`);
}

/** tf.js's number or list as the list of n that Keras writes. */
export function writeTuple(v: unknown, n: number): unknown[] {
  return Array.isArray(v) ? v : Array(n).fill(v);
}

/** True when a dilation rate (or similar) is absent or all ones. */
export function allOnes(v: unknown): boolean {
  return v === undefined || v === null || v === 1 || (Array.isArray(v) && v.every((x) => x === 1));
}

export function readPadding(fail: Fail, v: unknown, allowCausal = false): "valid" | "same" | "causal" {
  if (v === undefined || v === "valid" || v === "same" || (allowCausal && v === "causal")) return (v ?? "valid") as "valid";
  return fail(`padding '${String(v)}' is not supported`);
}

export function readDataFormat(fail: Fail, v: unknown): "channelsLast" | "channelsFirst" {
  if (v === undefined || v === null || v === "channels_last") return "channelsLast";
  if (v === "channels_first") return "channelsFirst";
  return fail(`data_format '${String(v)}' is not known`);
}

export function writeDataFormat(v: unknown): "channels_first" | "channels_last" {
  return v === "channelsFirst" ? "channels_first" : "channels_last";
}

/** Refuses settings that are set although the reader does not carry them over. */
export function refuseNonNull(fail: Fail, conf: Json, keys: string[]): void {
  for (const k of keys) {
    if (conf[k] !== undefined && conf[k] !== null) {
      fail(`${k} is set (${JSON.stringify(conf[k])}); loadKerasModel does not carry ${k} over`);
    }
  }
}

/** A Keras number setting that must be there. */
export function readNumber(fail: Fail, conf: Json, key: string): number {
  const v = conf[key];
  if (typeof v !== "number") fail(`${key} ${JSON.stringify(v)} is not a number`);
  return v;
}

// ---------------------------------------------------------------- regularizers and initializers

type Regularizer = ReturnType<typeof tf.regularizers.l1l2>;

/** Keras's L1, L2 or L1L2 as a tf.js l1l2 regularizer. */
export function readRegularizer(fail: Fail, key: string, v: unknown): Regularizer | undefined {
  if (v === undefined || v === null) return undefined;
  const o = v as Json;
  const c = (o.config ?? {}) as Json;
  const num = (x: unknown) => (typeof x === "number" ? x : 0);
  if (o.class_name === "L1L2" || o.class_name === "L1" || o.class_name === "L2") {
    const l1 = o.class_name === "L2" ? 0 : num(c.l1);
    const l2 = o.class_name === "L1" ? 0 : num(c.l2);
    return tf.regularizers.l1l2({ l1, l2 });
  }
  return fail(`${key} ${JSON.stringify(o.class_name)} is not supported (L1, L2, L1L2 are)`);
}

/** A tf.js regularizer (serialized) as Keras's L1L2. */
export function writeRegularizer(fail: Fail, dialect: Dialect, v: unknown): Json | null {
  if (v === undefined || v === null) return null;
  const o = v as { className: string; config: Json };
  if (o.className !== "L1L2") fail(`regularizer ${o.className} has no Keras translation here`);
  return kerasObject(dialect, "keras.regularizers", "L1L2", { l1: o.config.l1 ?? 0, l2: o.config.l2 ?? 0 });
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A tf.js initializer (serialized) in Keras's words. The reader does not read initializers back:
 * a loaded model's weights come from the file.
 */
export function writeInitializer(fail: Fail, dialect: Dialect, v: unknown): Json | null {
  if (v === undefined || v === null) return null;
  const o = v as { className: string; config: Json };
  const c = o.config ?? {};
  const seed = c.seed ?? null;
  const mk = (name: string, config: Json) => kerasObject(dialect, "keras.initializers", name, config);
  switch (o.className) {
    case "Zeros": case "Ones": return mk(o.className, {});
    case "GlorotUniform": case "GlorotNormal": case "HeNormal": case "HeUniform": case "LeCunNormal": case "LeCunUniform":
      return mk(o.className, { seed });
    case "VarianceScaling": {
      // tf.js's "normal" is a truncated normal, as Keras 2's was.
      const distribution = c.distribution === "normal" ? "truncated_normal" : c.distribution;
      return mk("VarianceScaling", { scale: c.scale, mode: snake(String(c.mode)), distribution, seed });
    }
    case "RandomNormal": return mk("RandomNormal", { mean: c.mean, stddev: c.stddev, seed });
    case "RandomUniform": return mk("RandomUniform", { minval: c.minval, maxval: c.maxval, seed });
    case "TruncatedNormal": return mk("TruncatedNormal", { mean: c.mean, stddev: c.stddev, seed });
    case "Constant": return mk("Constant", { value: c.value });
    default: return fail(`initializer ${o.className} has no Keras translation here`);
  }
}

// ---------------------------------------------------------------- layers with a kernel and a bias

/**
 * What Dense and the convolutions share, read: activation, bias, regularizers. Weight constraints
 * are left out: Keras applies one after each training step and never to a prediction, while tf.js
 * never applies one in fit and would apply it to the weights loaded from the file, changing the
 * model's predictions. A model trained further here is not held to them.
 */
export function readKernelArgs(fail: Fail, conf: Json) {
  return {
    activation: readActivation(fail, conf.activation) as never,
    useBias: conf.use_bias !== false,
    kernelRegularizer: readRegularizer(fail, "kernel_regularizer", conf.kernel_regularizer),
    biasRegularizer: readRegularizer(fail, "bias_regularizer", conf.bias_regularizer),
    activityRegularizer: readRegularizer(fail, "activity_regularizer", conf.activity_regularizer),
  };
}

/** The same settings written, with the initializers; a tf.js weight constraint stops the save. */
export function writeKernelSettings(fail: Fail, dialect: Dialect, c: Json): Json {
  const out: Json = {
    activation: writeActivation(fail, c.activation),
    use_bias: c.useBias !== false,
    kernel_initializer: writeInitializer(fail, dialect, c.kernelInitializer),
    bias_initializer: writeInitializer(fail, dialect, c.biasInitializer),
    kernel_regularizer: writeRegularizer(fail, dialect, c.kernelRegularizer),
    bias_regularizer: writeRegularizer(fail, dialect, c.biasRegularizer),
    activity_regularizer: writeRegularizer(fail, dialect, c.activityRegularizer),
  };
  if ((c.kernelConstraint ?? null) !== null || (c.biasConstraint ?? null) !== null) fail("weight constraints are not carried over");
  out.kernel_constraint = null;
  out.bias_constraint = null;
  return out;
}
