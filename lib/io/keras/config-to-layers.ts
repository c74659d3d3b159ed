/**
 * A Keras model config (the `model_config` of an .h5 file or the `config.json` of a .keras archive)
 * turned into a TensorFlow.js model. This file walks the model (Sequential or functional, the inputs,
 * the calls between layers); each layer is read by its entry in the layer table (layer-table.ts),
 * through `tf.layers.*`, so every setting is checked and a file tf.js cannot represent fails with a
 * sentence that names the file and the layer.
 *
 * Both dialects are read: Keras 2 / R keras (`batch_input_shape`, dtype strings, inbound nodes as
 * nested lists, Sequential configs that may be a bare list) and Keras 3 (`batch_shape`, dtype
 * policies, an explicit InputLayer, inbound nodes as serialized call arguments).
 */
import * as tf from "@tensorflow/tfjs";
import { batchShapeOf, canonicalKerasClass, entryForKeras, kerasLayerTypes, type LayerTableEntry, type ReadContext } from "./layer-table";
import { checkDtype, KerasConfigError, type Fail, type Json } from "./layer-settings";

export interface KerasLayerJson {
  class_name: string;
  config: Json;
  name?: string;
  inbound_nodes?: unknown;
  module?: string;
}

function fail(where: string, what: string): never {
  throw new KerasConfigError(`${where}: ${what}`);
}

function layerWhere(source: string, name: string, cls: string): string {
  return `${source}, layer '${name}' (${cls})`;
}

/** The canonical Keras class name of a layer entry. */
export function kerasClassName(layer: KerasLayerJson): string {
  return canonicalKerasClass(layer.class_name);
}

/** The place of one layer, its dtype checked, and the settings every tf.js layer gets. */
function readContext(conf: Json, where: string, name: string, batchInputShape?: (number | null)[]): ReadContext {
  const failHere: Fail = (what) => fail(where, what);
  checkDtype(failHere, conf);
  const base: Json = { name, trainable: conf.trainable !== false };
  if (batchInputShape !== undefined) base.batchInputShape = batchInputShape;
  return { fail: failHere, base };
}

/**
 * One Keras layer as a tf.js layer (not yet connected), by its entry in the layer table.
 * `batchInputShape` is given to the first layer of a Sequential model.
 */
export function layerFromKeras(layer: KerasLayerJson, source: string, batchInputShape?: (number | null)[]): tf.layers.Layer {
  const cls = kerasClassName(layer);
  const conf = (layer.config ?? {}) as Json;
  const name = String(conf.name ?? layer.name ?? cls.toLowerCase());
  const where = layerWhere(source, name, cls);
  const ctx = readContext(conf, where, name, batchInputShape);
  if (cls === "InputLayer") fail(where, "an InputLayer belongs at the start of the model");
  const entry = entryForKeras(cls);
  if (entry !== undefined) return entry.read(conf, ctx);
  if (cls === "Sequential" || cls === "Functional" || cls === "Model") {
    fail(where, "a model nested inside a model is not supported; save the inner layers flat");
  }
  const tfjsHasIt = tf.serialization.SerializationMap.getMap().classNameMap[cls] !== undefined;
  return fail(
    where,
    tfjsHasIt
      ? `layer type ${cls} is not among the types loadKerasModel translates (${kerasLayerTypes().join(", ")})`
      : `layer type ${cls} has no TensorFlow.js counterpart, so this model cannot be rebuilt here`,
  );
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
    const where = layerWhere(source, String(layers[0].config.name), "InputLayer");
    checkDtype((what) => fail(where, what), layers[0].config);
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
      // The table's InputLayer is what tf.input() makes; its one output is the model's input tensor.
      const input = (entryForKeras(cls) as LayerTableEntry).read(l.config, readContext(l.config, where, name));
      produced.set(key([name, 0, 0]), input.inboundNodes[0].outputTensors[0]);
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
