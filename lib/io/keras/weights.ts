/**
 * Keras weights read from HDF5 and set into a tf.js model by layer name and weight name.
 *
 * Two layouts exist:
 * - Keras 2 / R keras (and Keras 3's legacy .h5): a group per layer, listed in the `layer_names`
 *   attribute; each group lists its weights in `weight_names` ("dense_1/kernel:0", or Keras 3's
 *   "sequential/dense/kernel") and holds them as datasets under those paths.
 * - Keras 3 (`model.weights.h5` in a .keras archive, `*.weights.h5`): `layers/<path>/vars/0, 1, ...`,
 *   where the path comes from the class name (`conv2d`, `conv2d_1`, ...) and the `vars` group's
 *   `name` attribute holds the layer's own name. Weights are in the layer's variable order (kernel,
 *   bias, ...), which tf.js shares for every layer type we translate.
 */
import * as tf from "@tensorflow/tfjs";
import { datasetAt, groupAt, readFloat32, stringAttr, stringListAttr, type H5Group } from "./hdf5";

export interface StoredWeight {
  /** Short name ("kernel", "bias", "gamma", ...) or the variable's index in Keras 3 files. */
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface StoredLayer {
  /** The layer's name as the file knows it. */
  layer: string;
  /** For Keras 3 files: the class-based path (`conv2d_1`), used when the layer name is not stored. */
  path?: string;
  weights: StoredWeight[];
  /** True when the file names weights only by position (Keras 3). */
  positional: boolean;
}

/** "sequential/dense/kernel:0" -> "kernel". */
export function shortWeightName(full: string): string {
  const last = full.split("/").pop() ?? full;
  return last.replace(/:\d+$/, "");
}

/** True when `g` is laid out as Keras 2 weights (a `layer_names` list). */
export function hasKeras2Layout(g: H5Group): boolean {
  return g.attrs["layer_names"] !== undefined || g.attrs["layer_names0"] !== undefined;
}

/** True when `g` is laid out as Keras 3 weights (a `layers` group). */
export function hasKeras3Layout(g: H5Group): boolean {
  return groupAt(g, "layers") !== null;
}

/** Weights in the Keras 2 layout, from the `model_weights` group or a weights-only file's root. */
export function readKeras2Weights(g: H5Group, source: string): StoredLayer[] {
  const layerNames = stringListAttr(g, "layer_names") ?? [];
  return layerNames.map((layer) => {
    const lg = groupAt(g, layer);
    if (lg === null) throw new Error(`${source}: layer_names lists '${layer}' but the file has no group for it`);
    const names = stringListAttr(lg, "weight_names") ?? [];
    const weights = names.map((wn) => {
      const ds = datasetAt(lg, wn);
      if (ds === null) throw new Error(`${source}: weight '${wn}' of layer '${layer}' is listed but missing`);
      const { values, shape } = readFloat32(ds);
      return { name: shortWeightName(wn), shape, values };
    });
    return { layer, weights, positional: false };
  });
}

/** Weights in the Keras 3 layout (`layers/<path>/vars/<i>`). */
export function readKeras3Weights(g: H5Group, source: string): StoredLayer[] {
  const layers = groupAt(g, "layers");
  if (layers === null) throw new Error(`${source}: no 'layers' group, so these are not Keras 3 weights`);
  const out: StoredLayer[] = [];
  for (const p of layers.keys()) {
    const vars = groupAt(layers, `${p}/vars`);
    if (vars === null) continue;
    const indices = vars.keys().filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
    const weights = indices.map((k) => {
      const ds = datasetAt(vars, k);
      if (ds === null) throw new Error(`${source}: layers/${p}/vars/${k} is not a dataset`);
      const { values, shape } = readFloat32(ds);
      return { name: k, shape, values };
    });
    for (const sub of groupAt(layers, p)?.keys() ?? []) {
      if (sub !== "vars" && groupAt(layers, `${p}/${sub}/vars`) !== null) {
        throw new Error(`${source}: layer ${p} holds nested layers (${sub}); only flat models are supported`);
      }
    }
    out.push({ layer: stringAttr(vars, "name") ?? p, path: p, weights, positional: true });
  }
  return out;
}

/** Keras's snake_case of a class name, as its weight paths use: MaxPooling2D -> max_pooling2d. */
export function kerasSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * The Keras 3 weight path of each layer: class name in snake case, numbered from the second of a
 * kind (`dense`, `dense_1`, ...), in the order of `model.layers` as Keras lists them (a Sequential
 * model leaves its input layer out, a functional one keeps it).
 */
export function keras3LayerPaths(model: tf.LayersModel): Map<tf.layers.Layer, string> {
  const used = new Map<string, number>();
  const paths = new Map<tf.layers.Layer, string>();
  for (const layer of modelLayersAsKeras(model)) {
    const base = kerasSnakeCase(layer.getClassName());
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    paths.set(layer, n === undefined ? base : `${base}_${n + 1}`);
  }
  return paths;
}

/** `model.layers` in Keras's sense: a functional model's input layers are included. */
export function modelLayersAsKeras(model: tf.LayersModel): tf.layers.Layer[] {
  if (model instanceof tf.Sequential) return model.layers.filter((l) => l.getClassName() !== "InputLayer");
  return model.layers;
}

export interface AssignOptions {
  /**
   * "name": match layers by their names; "order": the n-th layer with weights in the file goes to the
   * n-th in the model (Keras's default for load_weights); "auto": by name when every layer with
   * weights is found by name, else by Keras 3's class-based weight path (`dense`, `dense_1`, ...)
   * when the file has those, else by order.
   */
  match?: "name" | "order" | "auto";
}

export type MatchedBy = "name" | "path" | "order";

function describeShape(s: readonly (number | null)[]): string {
  return `[${s.join(", ")}]`;
}

/** Set `stored` into `model`. Tensors made here are disposed; nothing is left allocated. */
export function assignWeights(model: tf.LayersModel, stored: StoredLayer[], source: string, options: AssignOptions = {}): MatchedBy {
  const wanted = modelLayersAsKeras(model).filter((l) => l.weights.length > 0);
  const given = stored.filter((s) => s.weights.length > 0);
  const byName = new Map(given.map((s) => [s.layer, s]));
  const paths = keras3LayerPaths(model);
  const byPath = new Map(given.filter((s) => s.path !== undefined).map((s) => [s.path as string, s]));
  const findByName = (l: tf.layers.Layer) => byName.get(l.name);
  const findByPath = (l: tf.layers.Layer) => (paths.has(l) ? byPath.get(paths.get(l) as string) : undefined);
  const mode = options.match ?? "name";
  const everyOne = (find: (l: tf.layers.Layer) => StoredLayer | undefined) => wanted.every((l) => find(l) !== undefined);
  let pairs: [tf.layers.Layer, StoredLayer][];
  let used: MatchedBy;
  if (mode === "name" || (mode === "auto" && everyOne(findByName))) {
    const missing = wanted.filter((l) => findByName(l) === undefined).map((l) => l.name);
    if (missing.length > 0) {
      throw new Error(
        `${source}: no weights for layer(s) ${missing.join(", ")} (the file has ${given.map((s) => s.layer).join(", ") || "none"}); ` +
          `to match layers by position instead, pass {match: "order"}`,
      );
    }
    pairs = wanted.map((l) => [l, findByName(l) as StoredLayer]);
    used = "name";
  } else if (mode === "auto" && byPath.size > 0 && everyOne(findByPath)) {
    pairs = wanted.map((l) => [l, findByPath(l) as StoredLayer]);
    used = "path";
  } else {
    if (wanted.length !== given.length) {
      throw new Error(`${source}: the file has ${given.length} layers with weights, the model ${wanted.length}; they cannot be matched by position`);
    }
    pairs = wanted.map((l, i) => [l, given[i]]);
    used = "order";
  }
  if (used !== "order") {
    const extra = given.filter((s) => !pairs.some(([, p]) => p === s)).map((s) => s.layer);
    if (extra.length > 0) throw new Error(`${source}: the file has weights for layer(s) ${extra.join(", ")} that the model lacks`);
  }
  const tensors: tf.Tensor[] = [];
  try {
    const plan: [tf.layers.Layer, tf.Tensor[]][] = [];
    for (const [layer, s] of pairs) {
      const modelWeights = layer.weights;
      const where = `${source}: layer '${layer.name}' (${layer.getClassName()})`;
      if (s.weights.length !== modelWeights.length) {
        throw new Error(`${where} has ${modelWeights.length} weights in the model but ${s.weights.length} in the file (file layer '${s.layer}')`);
      }
      const ordered = modelWeights.map((w, i) => {
        const short = shortWeightName(w.originalName);
        if (s.positional) return s.weights[i];
        const hit = s.weights.find((x) => x.name === short);
        if (hit === undefined) {
          throw new Error(`${where}: the file has no weight '${short}' (it has ${s.weights.map((x) => x.name).join(", ")})`);
        }
        return hit;
      });
      const values = ordered.map((x, i) => {
        const want = modelWeights[i].shape;
        if (x.shape.length !== want.length || x.shape.some((d, j) => d !== want[j])) {
          throw new Error(
            `${where}: weight '${shortWeightName(modelWeights[i].originalName)}' has shape ${describeShape(x.shape)} in the file ` +
              `but ${describeShape(want)} in the model`,
          );
        }
        const t = tf.tensor(x.values, x.shape, "float32");
        tensors.push(t);
        return t;
      });
      plan.push([layer, values]);
    }
    for (const [layer, values] of plan) layer.setWeights(values);
  } finally {
    tf.dispose(tensors);
  }
  return used;
}
