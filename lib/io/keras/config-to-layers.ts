/**
 * A Keras model config (the `model_config` of an .h5 file or the `config.json` of a .keras archive)
 * turned into a TensorFlow.js model, layer by layer through `tf.layers.*`, so every setting is checked
 * and a file tf.js cannot represent fails with a sentence that names the layer.
 *
 * Both dialects are read: Keras 2 / R keras (`batch_input_shape`, dtype strings, inbound nodes as
 * nested lists, Sequential configs that may be a bare list) and Keras 3 (`batch_shape`, dtype
 * policies, an explicit InputLayer, inbound nodes as serialized call arguments).
 */
import * as tf from "@tensorflow/tfjs";
import { TRANSLATED_LAYER_TYPES, translateKerasLayer } from "./keras-translate";

type Json = Record<string, unknown>;

export interface KerasLayerJson {
  class_name: string;
  config: Json;
  name?: string;
  inbound_nodes?: unknown;
  module?: string;
}

/** The Keras layer types this reader turns into tf.js layers. */
export const KERAS_LAYER_TYPES = [
  "InputLayer", "Dense", "Conv1D", "Conv2D", "Conv2DTranspose", "MaxPooling1D", "MaxPooling2D",
  "AveragePooling1D", "AveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
  "GlobalAveragePooling1D", "GlobalAveragePooling2D", "Flatten", "Dropout", "Activation", "Reshape",
  "BatchNormalization", "UpSampling2D", "Add", "Concatenate", "Multiply", "Average", "Maximum", "Minimum",
] as const;

/** Keras 2 spellings of the same layers. */
const ALIASES: Record<string, string> = {
  Convolution1D: "Conv1D", Convolution2D: "Conv2D", Conv2DTranspose: "Conv2DTranspose",
  Deconvolution2D: "Conv2DTranspose", MaxPool1D: "MaxPooling1D", MaxPool2D: "MaxPooling2D",
  AvgPool1D: "AveragePooling1D", AvgPool2D: "AveragePooling2D", AveragePool2D: "AveragePooling2D",
  GlobalMaxPool1D: "GlobalMaxPooling1D", GlobalMaxPool2D: "GlobalMaxPooling2D",
  GlobalAvgPool1D: "GlobalAveragePooling1D", GlobalAvgPool2D: "GlobalAveragePooling2D",
};

/** Keras activation names and the tf.js names for the same function. */
const ACTIVATIONS: Record<string, string> = {
  linear: "linear", relu: "relu", sigmoid: "sigmoid", softmax: "softmax", tanh: "tanh", elu: "elu",
  selu: "selu", softplus: "softplus", softsign: "softsign", relu6: "relu6", swish: "swish", silu: "swish",
  gelu: "gelu", mish: "mish",
};

export class KerasConfigError extends Error {}

function fail(where: string, what: string): never {
  throw new KerasConfigError(`${where}: ${what}`);
}

function layerWhere(source: string, name: string, cls: string): string {
  return `${source}, layer '${name}' (${cls})`;
}

/** Keras 3 wraps a dtype in a policy object; Keras 2 writes a string. */
function dtypeName(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  const c = (v as Json).config as Json | undefined;
  return typeof c?.name === "string" ? (c.name as string) : undefined;
}

function checkDtype(where: string, conf: Json): void {
  const d = dtypeName(conf.dtype);
  if (d !== undefined && d !== "float32") {
    fail(where, `dtype '${d}' is not supported (TensorFlow.js layers compute in float32)`);
  }
}

function activationOf(where: string, v: unknown): string {
  let name: unknown = v;
  if (v !== null && typeof v === "object") {
    const o = v as Json;
    name = typeof o.config === "string" ? o.config : o.class_name;
  }
  if (name === undefined || name === null) return "linear";
  if (typeof name !== "string") fail(where, `activation ${JSON.stringify(v)} is not a named activation`);
  const tfName = ACTIVATIONS[name];
  if (tfName === undefined) {
    fail(where, `activation '${name}' has no TensorFlow.js counterpart here (known: ${Object.keys(ACTIVATIONS).join(", ")})`);
  }
  return tfName;
}

function tuple(where: string, key: string, v: unknown, n: number): number[] {
  if (typeof v === "number") return Array(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number")) return v as number[];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === "number") return Array(n).fill(v[0]);
  return fail(where, `${key} ${JSON.stringify(v)} is not ${n} integer(s)`);
}

function allOnes(v: unknown): boolean {
  return v === undefined || v === null || v === 1 || (Array.isArray(v) && v.every((x) => x === 1));
}

function padding(where: string, v: unknown, allowCausal = false): "valid" | "same" | "causal" {
  if (v === undefined || v === "valid" || v === "same" || (allowCausal && v === "causal")) return (v ?? "valid") as "valid";
  return fail(where, `padding '${String(v)}' is not supported`);
}

function dataFormat(where: string, v: unknown): "channelsLast" | "channelsFirst" {
  if (v === undefined || v === null || v === "channels_last") return "channelsLast";
  if (v === "channels_first") return "channelsFirst";
  return fail(where, `data_format '${String(v)}' is not known`);
}

function refuseNonNull(where: string, conf: Json, keys: string[]): void {
  for (const k of keys) {
    if (conf[k] !== undefined && conf[k] !== null) {
      fail(where, `${k} is set (${JSON.stringify(conf[k])}); loadKerasModel does not carry ${k} over`);
    }
  }
}

function regularizer(where: string, key: string, v: unknown): ReturnType<typeof tf.regularizers.l1l2> | undefined {
  if (v === undefined || v === null) return undefined;
  const o = v as Json;
  const c = (o.config ?? {}) as Json;
  const num = (x: unknown) => (typeof x === "number" ? x : 0);
  if (o.class_name === "L1L2" || o.class_name === "L1" || o.class_name === "L2") {
    const l1 = o.class_name === "L2" ? 0 : num(c.l1);
    const l2 = o.class_name === "L1" ? 0 : num(c.l2);
    return tf.regularizers.l1l2({ l1, l2 });
  }
  return fail(where, `${key} ${JSON.stringify(o.class_name)} is not supported (L1, L2, L1L2 are)`);
}

/** The settings every tf.js layer takes: name, trainable, an input shape for the first layer. */
function baseArgs(conf: Json, name: string, batchInputShape?: (number | null)[]): Json {
  const args: Json = { name, trainable: conf.trainable !== false };
  if (batchInputShape !== undefined) args.batchInputShape = batchInputShape;
  return args;
}

/** Keras's input shape of a layer entry, if it carries one (first layer of a Keras 2 Sequential). */
export function batchShapeOf(conf: Json): (number | null)[] | undefined {
  const s = conf.batch_shape ?? conf.batch_input_shape;
  if (Array.isArray(s)) return s as (number | null)[];
  if (Array.isArray(conf.input_shape)) return [null, ...(conf.input_shape as number[])];
  return undefined;
}

/** The canonical Keras class name of a layer entry. */
export function kerasClassName(layer: KerasLayerJson): string {
  return ALIASES[layer.class_name] ?? layer.class_name;
}

/**
 * One Keras layer as a tf.js layer (not yet connected). `batchInputShape` is given to the first layer
 * of a Sequential model.
 */
export function layerFromKeras(layer: KerasLayerJson, source: string, batchInputShape?: (number | null)[]): tf.layers.Layer {
  const cls = kerasClassName(layer);
  const conf = (layer.config ?? {}) as Json;
  const name = String(conf.name ?? layer.name ?? cls.toLowerCase());
  const where = layerWhere(source, name, cls);
  checkDtype(where, conf);
  const base = baseArgs(conf, name, batchInputShape);
  const translated = translateKerasLayer(layer, cls, { where, base, plain: (l) => layerFromKeras(l, source, batchInputShape) });
  if (translated !== null) return translated;
  const num = (k: string): number => {
    const v = conf[k];
    if (typeof v !== "number") fail(where, `${k} ${JSON.stringify(v)} is not a number`);
    return v;
  };
  const useBias = conf.use_bias !== false;
  const common = () => ({
    activation: activationOf(where, conf.activation) as never,
    useBias,
    kernelRegularizer: regularizer(where, "kernel_regularizer", conf.kernel_regularizer),
    biasRegularizer: regularizer(where, "bias_regularizer", conf.bias_regularizer),
    activityRegularizer: regularizer(where, "activity_regularizer", conf.activity_regularizer),
  });
  switch (cls) {
    case "Dense":
      refuseNonNull(where, conf, ["kernel_constraint", "bias_constraint", "lora_rank"]);
      return tf.layers.dense({ ...base, units: num("units"), ...common() });
    case "Conv1D":
    case "Conv2D": {
      const rank = cls === "Conv1D" ? 1 : 2;
      refuseNonNull(where, conf, ["kernel_constraint", "bias_constraint", "lora_rank"]);
      if (conf.groups !== undefined && conf.groups !== 1) fail(where, `groups = ${conf.groups} (grouped convolution) has no TensorFlow.js counterpart`);
      const args = {
        ...base, ...common(), filters: num("filters"),
        padding: padding(where, conf.padding, rank === 1), dataFormat: dataFormat(where, conf.data_format),
      };
      if (rank === 1) {
        return tf.layers.conv1d({
          ...args, kernelSize: tuple(where, "kernel_size", conf.kernel_size, 1)[0],
          strides: tuple(where, "strides", conf.strides ?? 1, 1)[0],
          dilationRate: tuple(where, "dilation_rate", conf.dilation_rate ?? 1, 1)[0],
        });
      }
      return tf.layers.conv2d({
        ...args, kernelSize: tuple(where, "kernel_size", conf.kernel_size, 2),
        strides: tuple(where, "strides", conf.strides ?? 1, 2),
        dilationRate: tuple(where, "dilation_rate", conf.dilation_rate ?? 1, 2) as [number, number],
      });
    }
    case "Conv2DTranspose":
      refuseNonNull(where, conf, ["kernel_constraint", "bias_constraint", "output_padding"]);
      if (!allOnes(conf.dilation_rate)) fail(where, "dilation_rate other than 1 has no TensorFlow.js counterpart for Conv2DTranspose");
      return tf.layers.conv2dTranspose({
        ...base, ...common(), filters: num("filters"), kernelSize: tuple(where, "kernel_size", conf.kernel_size, 2),
        strides: tuple(where, "strides", conf.strides ?? 1, 2), padding: padding(where, conf.padding) as "valid",
        dataFormat: dataFormat(where, conf.data_format),
      });
    case "MaxPooling1D":
    case "AveragePooling1D": {
      const poolSize = tuple(where, "pool_size", conf.pool_size ?? 2, 1)[0];
      const strides = conf.strides === null || conf.strides === undefined ? poolSize : tuple(where, "strides", conf.strides, 1)[0];
      const args = { ...base, poolSize, strides, padding: padding(where, conf.padding) as "valid", dataFormat: dataFormat(where, conf.data_format) };
      return cls === "MaxPooling1D" ? tf.layers.maxPooling1d(args) : tf.layers.averagePooling1d(args);
    }
    case "MaxPooling2D":
    case "AveragePooling2D": {
      const poolSize = tuple(where, "pool_size", conf.pool_size ?? 2, 2) as [number, number];
      const strides = conf.strides === null || conf.strides === undefined ? poolSize : (tuple(where, "strides", conf.strides, 2) as [number, number]);
      const args = { ...base, poolSize, strides, padding: padding(where, conf.padding) as "valid", dataFormat: dataFormat(where, conf.data_format) };
      return cls === "MaxPooling2D" ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
    }
    case "GlobalMaxPooling1D":
    case "GlobalAveragePooling1D":
    case "GlobalMaxPooling2D":
    case "GlobalAveragePooling2D": {
      if (conf.keepdims === true) fail(where, "keepdims = true has no TensorFlow.js counterpart");
      const args = { ...base, dataFormat: dataFormat(where, conf.data_format) };
      if (cls === "GlobalMaxPooling1D") return tf.layers.globalMaxPooling1d(base);
      if (cls === "GlobalAveragePooling1D") return tf.layers.globalAveragePooling1d(base);
      return cls === "GlobalMaxPooling2D" ? tf.layers.globalMaxPooling2d(args) : tf.layers.globalAveragePooling2d(args);
    }
    case "Flatten":
      return tf.layers.flatten({ ...base, dataFormat: dataFormat(where, conf.data_format) });
    case "Dropout":
      if (conf.noise_shape !== undefined && conf.noise_shape !== null) fail(where, "noise_shape is not supported");
      return tf.layers.dropout({ ...base, rate: num("rate") });
    case "Activation":
      return tf.layers.activation({ ...base, activation: activationOf(where, conf.activation) as never });
    case "Reshape":
      if (!Array.isArray(conf.target_shape)) fail(where, "target_shape is missing");
      return tf.layers.reshape({ ...base, targetShape: conf.target_shape as number[] });
    case "BatchNormalization": {
      refuseNonNull(where, conf, ["beta_constraint", "gamma_constraint"]);
      if (conf.renorm === true) fail(where, "batch renormalisation has no TensorFlow.js counterpart");
      const axis = Array.isArray(conf.axis) ? (conf.axis.length === 1 ? conf.axis[0] : fail(where, "more than one axis")) : (conf.axis ?? -1);
      return tf.layers.batchNormalization({
        ...base, axis: axis as number, momentum: (conf.momentum as number) ?? 0.99, epsilon: (conf.epsilon as number) ?? 1e-3,
        center: conf.center !== false, scale: conf.scale !== false,
      });
    }
    case "UpSampling2D": {
      const interpolation = (conf.interpolation ?? "nearest") as string;
      if (interpolation !== "nearest" && interpolation !== "bilinear") fail(where, `interpolation '${interpolation}' is not supported`);
      return tf.layers.upSampling2d({
        ...base, size: tuple(where, "size", conf.size ?? 2, 2), dataFormat: dataFormat(where, conf.data_format),
        interpolation: interpolation as "nearest",
      });
    }
    case "Add": return tf.layers.add(base);
    case "Multiply": return tf.layers.multiply(base);
    case "Average": return tf.layers.average(base);
    case "Maximum": return tf.layers.maximum(base);
    case "Minimum": return tf.layers.minimum(base);
    case "Concatenate": return tf.layers.concatenate({ ...base, axis: (conf.axis as number) ?? -1 });
    case "InputLayer":
      return fail(where, "an InputLayer belongs at the start of the model");
    default: {
      if (cls === "Sequential" || cls === "Functional" || cls === "Model") {
        fail(where, "a model nested inside a model is not supported; save the inner layers flat");
      }
      const tfjsHasIt = tf.serialization.SerializationMap.getMap().classNameMap[cls] !== undefined;
      return fail(
        where,
        tfjsHasIt
          ? `layer type ${cls} is not among the types loadKerasModel translates (${[...KERAS_LAYER_TYPES, ...TRANSLATED_LAYER_TYPES].join(", ")})`
          : `layer type ${cls} has no TensorFlow.js counterpart, so this model cannot be rebuilt here`,
      );
    }
  }
}

/** A reference to one output of one call of a layer: [layer name, node index, tensor index]. */
type TensorRef = [string, number, number];

/** The inbound tensors of each call ("node") of a layer, in either dialect. */
export function inboundRefs(layer: KerasLayerJson, where: string): TensorRef[][] {
  const nodes = layer.inbound_nodes;
  if (nodes === undefined || nodes === null) return [];
  if (!Array.isArray(nodes)) fail(where, "inbound_nodes is not a list");
  const refs: TensorRef[][] = [];
  for (const node of nodes) {
    if (Array.isArray(node)) {
      // Keras 2: a node is a list of [name, nodeIndex, tensorIndex, kwargs].
      refs.push(node.map((r) => [String(r[0]), Number(r[1]), Number(r[2])] as TensorRef));
      continue;
    }
    // Keras 3: a node is {args, kwargs}; the tensors are __keras_tensor__ objects anywhere in args.
    const found: TensorRef[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === "object") {
        const o = v as Json;
        if (o.class_name === "__keras_tensor__") {
          const h = (o.config as Json).keras_history as unknown[];
          found.push([String(h[0]), Number(h[1]), Number(h[2])]);
        } else Object.values(o).forEach(walk);
      }
    };
    walk((node as Json).args);
    const kwargs = (node as Json).kwargs as Json | undefined;
    const extra = Object.keys(kwargs ?? {}).filter((k) => k !== "training" && k !== "mask");
    if (extra.length > 0) fail(where, `call arguments ${extra.join(", ")} are not supported`);
    refs.push(found);
  }
  return refs;
}

function refList(v: unknown): TensorRef[] {
  if (!Array.isArray(v)) return [];
  if (v.length > 0 && typeof v[0] === "string") return [[String(v[0]), Number(v[1]), Number(v[2])]];
  return v.map((r) => [String(r[0]), Number(r[1]), Number(r[2])] as TensorRef);
}

function sequentialFromKeras(conf: Json | unknown[], source: string): tf.Sequential {
  const layers = (Array.isArray(conf) ? conf : (conf as Json).layers) as KerasLayerJson[] | undefined;
  if (!Array.isArray(layers) || layers.length === 0) fail(source, "the Sequential model has no layers");
  let shape: (number | null)[] | undefined;
  let rest = layers;
  if (kerasClassName(layers[0]) === "InputLayer") {
    shape = batchShapeOf(layers[0].config);
    checkDtype(layerWhere(source, String(layers[0].config.name), "InputLayer"), layers[0].config);
    rest = layers.slice(1);
  } else {
    shape = batchShapeOf(layers[0].config);
  }
  if (shape === undefined && !Array.isArray(conf)) shape = (conf as Json).build_input_shape as (number | null)[] | undefined;
  if (shape === undefined) fail(source, "the Sequential model does not say its input shape (it was saved before being built)");
  if (rest.length === 0) fail(source, "the Sequential model has only an input layer");
  const model = tf.sequential({ name: Array.isArray(conf) ? undefined : ((conf as Json).name as string | undefined) });
  try {
    rest.forEach((l, i) => model.add(layerFromKeras(l, source, i === 0 ? shape : undefined)));
  } catch (e) {
    disposeBuilt(model.layers); // layers added before the failing one already hold weights
    throw e;
  }
  return model;
}

function disposeBuilt(layers: tf.layers.Layer[]): void {
  for (const l of layers) if (l.built) l.dispose();
}

function functionalFromKeras(conf: Json, source: string): tf.LayersModel {
  const created: tf.layers.Layer[] = [];
  try {
    return buildFunctional(conf, source, created);
  } catch (e) {
    disposeBuilt(created);
    throw e;
  }
}

function buildFunctional(conf: Json, source: string, created: tf.layers.Layer[]): tf.LayersModel {
  const layers = conf.layers as KerasLayerJson[] | undefined;
  if (!Array.isArray(layers) || layers.length === 0) fail(source, "the model has no layers");
  const produced = new Map<string, tf.SymbolicTensor>();
  const key = (r: TensorRef) => `${r[0]}\u0000${r[1]}\u0000${r[2]}`;
  type Pending = { layer: KerasLayerJson; name: string; tfLayer: tf.layers.Layer | null; nodes: TensorRef[][]; done: number };
  const pending: Pending[] = [];
  for (const l of layers) {
    const name = String(l.name ?? l.config.name);
    const cls = kerasClassName(l);
    const where = layerWhere(source, name, cls);
    if (cls === "InputLayer") {
      checkDtype(where, l.config);
      const shape = batchShapeOf(l.config);
      if (shape === undefined) fail(where, "the input layer has no shape");
      produced.set(key([name, 0, 0]), tf.input({ batchShape: shape, name }));
      continue;
    }
    const nodes = inboundRefs(l, where);
    if (nodes.length === 0) fail(where, "the layer is not connected to anything");
    const tfLayer = layerFromKeras(l, source);
    created.push(tfLayer);
    pending.push({ layer: l, name, tfLayer, nodes, done: 0 });
  }
  // Apply each call once its inputs exist (configs list layers in call order, but do not rely on it).
  let progress = true;
  while (progress) {
    progress = false;
    for (const p of pending) {
      while (p.done < p.nodes.length && p.nodes[p.done].every((r) => produced.has(key(r)))) {
        const inputs = p.nodes[p.done].map((r) => produced.get(key(r)) as tf.SymbolicTensor);
        const out = p.tfLayer!.apply(inputs.length === 1 ? inputs[0] : inputs);
        const outs = Array.isArray(out) ? out : [out];
        outs.forEach((t, i) => produced.set(key([p.name, p.done, i]), t as tf.SymbolicTensor));
        p.done++;
        progress = true;
      }
    }
  }
  const stuck = pending.find((p) => p.done < p.nodes.length);
  if (stuck) {
    const missing = stuck.nodes[stuck.done].filter((r) => !produced.has(key(r))).map((r) => r[0]);
    fail(layerWhere(source, stuck.name, kerasClassName(stuck.layer)), `its inputs (${missing.join(", ")}) are never produced`);
  }
  const lookup = (refs: TensorRef[], what: string) => {
    if (refs.length === 0) fail(source, `the model lists no ${what}`);
    return refs.map((r) => produced.get(key(r)) ?? fail(source, `${what} ${r[0]} is not produced by any layer`));
  };
  const inputs = lookup(refList(conf.input_layers), "input layers");
  const outputs = lookup(refList(conf.output_layers), "output layers");
  return tf.model({ inputs, outputs, name: conf.name as string | undefined });
}

/** The whole model: `{class_name, config}` as Keras stores it. */
export function modelFromKerasConfig(modelConfig: unknown, source: string): tf.LayersModel {
  if (modelConfig === null || typeof modelConfig !== "object") fail(source, "the model config is not a JSON object");
  const m = modelConfig as Json;
  const cls = m.class_name;
  if (cls === "Sequential") return sequentialFromKeras(m.config as Json, source);
  if (cls === "Functional" || cls === "Model") return functionalFromKeras(m.config as Json, source);
  return fail(source, `the model is a ${String(cls)}; only Sequential and functional models can be rebuilt (subclassed models keep their code in Python)`);
}
