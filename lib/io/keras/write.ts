/**
 * tf.js models written as Keras files, so a model trained here opens in Python or R:
 *
 * - `.keras`: a Keras 3 archive (config.json in Keras 3's serialization, model.weights.h5 in its
 *   `layers/<path>/vars/<i>` layout, metadata.json), what `keras.models.load_model` reads today;
 * - `.h5`: the legacy HDF5 layout of Keras 2 / R keras (`model_config` with Keras 2 layer configs,
 *   `model_weights/<layer>/<layer>/kernel:0`), which Keras 2 reads natively and Keras 3 through
 *   its legacy loader.
 *
 * Each layer's settings are written by its entry in the layer table (layer-table.ts, the same
 * entries loadKerasModel reads with); a layer without a Keras translation stops the save with its
 * name and the file's. Files are written beside the target, read back and renamed into place, so a
 * crash or a full disk never leaves a broken model under the real name.
 */
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { checkWritten, flushFile, saveError, scratchNameFor, writeAndFlush } from "../safe-write";
import { datasetAt, readFloat32, stringAttr, withHdf5, writeHdf5, type H5Group } from "./hdf5";
import { writeZip } from "./keras-archive";
import { entryForTfjs, kerasInputLayerConfig, type LayerTableEntry } from "./layer-table";
import { kerasDtype, kerasObject, type Dialect, type Fail, type Json } from "./layer-settings";
import { keras3LayerPaths, modelLayersAsKeras, shortWeightName } from "./weights";

/** Throws about one layer, naming the target file when there is one. */
function failFor(layer: tf.layers.Layer, target?: string): Fail {
  const file = target === undefined ? "" : `${target}, `;
  return (what) => {
    throw new Error(`saveKerasModel: ${file}layer '${layer.name}' (${layer.getClassName()}): ${what}`);
  };
}

/** One tf.js layer's settings in Keras's words, by its entry in the layer table. */
export function kerasLayerConfig(layer: tf.layers.Layer, dialect: Dialect, target?: string): Json {
  const c = layer.getConfig() as Json;
  const fail: Fail = failFor(layer, target);
  const entry = entryForTfjs(layer.getClassName());
  if (entry === undefined) fail("this layer type has no Keras translation in saveKerasModel");
  return entry.write(c, { fail, dialect, base: { name: layer.name, trainable: layer.trainable, dtype: kerasDtype(dialect) } });
}

function shapeOf(t: tf.SymbolicTensor): (number | null)[] {
  return t.shape.map((d) => (d === null || d === undefined ? null : d));
}

function inputLayerEntry(dialect: Dialect, name: string, batchShape: (number | null)[]): Json {
  return kerasObject(dialect, "keras.layers", "InputLayer", kerasInputLayerConfig(dialect, name, batchShape));
}

function layerEntry(layer: tf.layers.Layer, dialect: Dialect, target?: string): Json {
  const config = kerasLayerConfig(layer, dialect, target);
  const kerasClass = (entryForTfjs(layer.getClassName()) as LayerTableEntry).kerasClass;
  const entry = kerasObject(dialect, "keras.layers", kerasClass, config);
  if (dialect === "keras3" && layer.getClassName() !== "InputLayer") {
    const node = layer.inboundNodes[0];
    if (node !== undefined) {
      const shapes = node.inputTensors.map(shapeOf);
      entry.build_config = { input_shape: shapes.length === 1 ? shapes[0] : shapes };
    }
  }
  return entry;
}

/** The whole model's config in one dialect; `target`, the file being saved, is named in errors. */
export function kerasModelConfig(model: tf.LayersModel, dialect: Dialect, target?: string): Json {
  for (const l of model.layers) {
    if (l instanceof tf.LayersModel) failFor(l, target)("a model nested inside a model cannot be saved; build the layers flat");
  }
  if (model instanceof tf.Sequential) {
    const layers = modelLayersAsKeras(model);
    const batchShape = shapeOf(model.inputs[0]);
    // An explicit InputLayer entry first, as tf.keras 2.x wrote it and Keras 2.2 / 3 both read it (Keras 3
    // misreads a batch_input_shape on the first real layer as an input shape without the batch axis).
    const entries = [inputLayerEntry(dialect, `${model.name}_input`, batchShape), ...layers.map((l) => layerEntry(l, dialect, target))];
    if (dialect === "keras2") return { class_name: "Sequential", config: { name: model.name, layers: entries } };
    return {
      module: "keras", class_name: "Sequential", registered_name: null, build_config: { input_shape: batchShape },
      config: { name: model.name, trainable: true, dtype: kerasDtype(dialect), layers: entries },
    };
  }
  // Functional: the graph as tf.js describes it ([layer, node, tensor] references), rewritten per dialect.
  const graph = (model as unknown as { getConfig(): Json }).getConfig() as {
    layers: { name: string; className: string; inboundNodes: [string, number, number, Json][][] }[];
    inputLayers: [string, number, number][];
    outputLayers: [string, number, number][];
  };
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const tensorOf = (r: [string, number, number]) => {
    const l = byName.get(r[0]);
    const t = l?.inboundNodes[r[1]]?.outputTensors[r[2]];
    if (l === undefined || t === undefined) throw new Error(`saveKerasModel: the graph refers to ${r.join(":")}, which is not in the model`);
    return t;
  };
  const layers = graph.layers.map((g) => {
    const entry = layerEntry(byName.get(g.name) as tf.layers.Layer, dialect, target);
    entry.name = g.name;
    if (dialect === "keras2") {
      entry.inbound_nodes = g.inboundNodes.map((node) => node.map((r) => [r[0], r[1], r[2], {}]));
    } else {
      entry.inbound_nodes = g.inboundNodes.map((node) => {
        const tensors = node.map((r) => ({
          class_name: "__keras_tensor__",
          config: { shape: shapeOf(tensorOf([r[0], r[1], r[2]])), dtype: "float32", keras_history: [r[0], r[1], r[2]] },
        }));
        return { args: [tensors.length === 1 ? tensors[0] : tensors], kwargs: {} };
      });
    }
    return entry;
  });
  const refs = (rs: [string, number, number][]) => {
    const plain = rs.map((r) => [r[0], r[1], r[2]]);
    return dialect === "keras3" && plain.length === 1 ? plain[0] : plain;
  };
  const config = { name: model.name, trainable: true, layers, input_layers: refs(graph.inputLayers), output_layers: refs(graph.outputLayers) };
  if (dialect === "keras2") return { class_name: "Model", config };
  return { module: "keras.src.models.functional", class_name: "Functional", config, registered_name: "Functional", build_config: { input_shape: null } };
}

/**
 * The oldest HDF5 file format that holds what we write (superblock 0, as h5py writes by default), so
 * that old HDF5 libraries (R keras setups of the course's era) read our files too.
 */
const H5_FILE_OPTIONS = { libver: ["earliest", "v108"] as ["earliest", "v108"] };

async function layerValues(layer: tf.layers.Layer): Promise<{ name: string; shape: number[]; values: Float32Array }[]> {
  return Promise.all(
    layer.weights.map(async (w) => ({
      name: shortWeightName(w.originalName),
      shape: w.shape as number[],
      values: (await w.read().data()) as Float32Array,
    })),
  );
}

function writeStrings(g: H5Group, name: string, values: string[]): void {
  if (values.length === 0) g.create_attribute(name, new Float64Array(0), [0], "<d");
  else g.create_attribute(name, values, [values.length]);
}

/** What an HDF5 file we wrote must read back as: attributes at the root, and every dataset's values. */
interface Expected {
  attrs: Record<string, string>;
  datasets: Map<string, Float32Array>;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Open the file just written and compare it with what was meant to be there. h5wasm reports some
 * write failures (a full disk while flushing) only on stderr, so this is the check that counts.
 */
async function readBack(file: string, expected: Expected, label: string): Promise<void> {
  await withHdf5(file, (f) => {
    for (const [name, value] of Object.entries(expected.attrs)) {
      if (stringAttr(f, name) !== value) throw new Error(`attribute ${name} does not read back as written`);
    }
    for (const [p, values] of expected.datasets) {
      const ds = datasetAt(f, p);
      if (ds === null) throw new Error(`dataset ${p} is missing when read back`);
      if (!sameValues(readFloat32(ds).values, values)) throw new Error(`dataset ${p} does not read back as written`);
    }
  }, `${label} (read back after writing)`);
}

async function writeH5(model: tf.LayersModel, file: string, label: string): Promise<void> {
  const config = kerasModelConfig(model, "keras2");
  const layers = modelLayersAsKeras(model);
  const values = await Promise.all(layers.map(layerValues));
  const expected: Expected = { attrs: { model_config: JSON.stringify(config) }, datasets: new Map() };
  await writeHdf5(file, (f) => {
    f.create_attribute("keras_version", "2.15.0");
    f.create_attribute("backend", "tensorflow");
    f.create_attribute("model_config", JSON.stringify(config));
    f.create_attribute("written_by", `tsdl-course with TensorFlow.js ${tf.version.tfjs}`);
    const mw = f.create_group("model_weights");
    writeStrings(mw, "layer_names", layers.map((l) => l.name));
    mw.create_attribute("keras_version", "2.15.0");
    mw.create_attribute("backend", "tensorflow");
    layers.forEach((layer, i) => {
      const g = mw.create_group(layer.name);
      const names = values[i].map((w) => `${layer.name}/${w.name}:0`);
      writeStrings(g, "weight_names", names);
      if (values[i].length === 0) return;
      const inner = g.create_group(layer.name);
      values[i].forEach((w) => {
        inner.create_dataset({ name: `${w.name}:0`, data: w.values, shape: w.shape, dtype: "<f" });
        expected.datasets.set(`model_weights/${layer.name}/${layer.name}/${w.name}:0`, w.values);
      });
    });
  }, H5_FILE_OPTIONS, label);
  await readBack(file, expected, label);
}

async function writeKeras3Weights(model: tf.LayersModel, file: string, label: string): Promise<void> {
  const paths = keras3LayerPaths(model);
  const layers = modelLayersAsKeras(model);
  const values = await Promise.all(layers.map(layerValues));
  const expected: Expected = { attrs: {}, datasets: new Map() };
  await writeHdf5(file, (f) => {
    const top = f.create_group("layers");
    layers.forEach((layer, i) => {
      const p = paths.get(layer) as string;
      const vars = top.create_group(p).create_group("vars");
      vars.create_attribute("name", layer.name);
      values[i].forEach((w, j) => {
        vars.create_dataset({ name: String(j), data: w.values, shape: w.shape, dtype: "<f" });
        expected.datasets.set(`layers/${p}/vars/${j}`, w.values);
      });
    });
    f.create_group("vars").create_attribute("name", model.name);
  }, H5_FILE_OPTIONS, label);
  await readBack(file, expected, label);
}

async function writeKeras(model: tf.LayersModel, file: string, target: string): Promise<void> {
  const config = kerasModelConfig(model, "keras3");
  // The weights' scratch file sits beside the target too, so a save touches no other folder.
  const scratch = scratchNameFor(target, ".weights.h5");
  try {
    await writeKeras3Weights(model, scratch, `${target} (its model.weights.h5)`);
    const weights = fs.readFileSync(scratch);
    const now = new Date();
    const stamp = now.toISOString().slice(0, 19).replace("T", "@");
    const metadata = { keras_version: "3.15.1", date_saved: stamp, written_by: `tsdl-course with TensorFlow.js ${tf.version.tfjs}` };
    const zip = writeZip([
      { name: "metadata.json", data: Buffer.from(JSON.stringify(metadata)) },
      { name: "config.json", data: Buffer.from(JSON.stringify(config)) },
      { name: "model.weights.h5", data: weights },
    ], now);
    writeAndFlush(file, zip);
    checkWritten(file, zip);
  } finally {
    fs.rmSync(scratch, { force: true });
  }
}

/**
 * Save `model` as a Keras file: `.keras` (Keras 3 archive) or `.h5` (Keras 2 / R keras HDF5), by the
 * file's extension. The model is saved without optimizer state (Keras loads it ready to predict or
 * to compile again). The new file is written beside the target, read back and compared, and only
 * then renamed over it: a full disk or any other failure leaves the previous file as it was and
 * throws an error that names the target.
 */
export async function saveKerasModel(model: tf.LayersModel, file: string): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== ".keras" && ext !== ".h5" && ext !== ".hdf5") {
    throw new Error(`saveKerasModel: ${file} should end in .keras (Keras 3) or .h5 (Keras 2 / R keras)`);
  }
  // Layers without a Keras translation fail here, before anything is written.
  kerasModelConfig(model, ext === ".keras" ? "keras3" : "keras2", file);
  const target = path.resolve(file);
  const existed = fs.existsSync(target);
  if (existed && fs.statSync(target).isDirectory()) {
    throw new Error(`saveKerasModel: could not save ${file}: it is a folder; nothing was written`);
  }
  let tmp: string | null = null;
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    tmp = scratchNameFor(target);
    if (ext === ".keras") await writeKeras(model, tmp, file);
    else await writeH5(model, tmp, file);
    flushFile(tmp);
    fs.renameSync(tmp, target);
    tmp = null;
  } catch (e) {
    throw saveError("saveKerasModel", file, e, existed);
  } finally {
    if (tmp !== null) fs.rmSync(tmp, { force: true });
  }
}
