/**
 * `loadKerasModel(path)`: a Keras model file, .h5 (Keras 2 / R keras / Keras 3 legacy) or .keras
 * (Keras 3 archive), as a tf.js model with the file's weights. `loadKerasWeights(model, path)`: the
 * weights of such a file, or of a weights-only file, into a model built here.
 *
 * The format is told from the file's first bytes, not its name.
 */
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { fsCause } from "../safe-write";
import { checkKerasConfigOutline } from "./config-check";
import { modelFromKerasConfig } from "./config-to-layers";
import { groupAt, isHdf5Signature, stringAttr, withHdf5, withHdf5Bytes, type H5Group } from "./hdf5";
import { isZipSignature, ZipReader } from "./keras-archive";
import {
  assignWeights, hasKeras2Layout, hasKeras3Layout, readKeras2Weights, readKeras3Weights, type AssignOptions, type MatchedBy, type StoredLayer,
} from "./weights";

export type KerasFileKind = "hdf5" | "keras-zip";

/** Which kind of Keras file `file` is, from its signature; throws a sentence when it is neither. */
export function kerasFileKind(file: string): KerasFileKind {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) {
    const hint = fs.existsSync(path.join(file, "model.json")) ? " (it holds a TensorFlow.js model.json: use loadModel)" : "";
    throw new Error(`${file} is a folder, not a Keras .h5 or .keras file${hint}`);
  }
  const head = Buffer.alloc(8);
  let n: number;
  try {
    const fd = fs.openSync(file, "r");
    try {
      n = fs.readSync(fd, head, 0, 8, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw new Error(`${file} cannot be read: ${fsCause(e)}`);
  }
  if (n === 0) throw new Error(`${file} is empty (0 bytes), not a Keras .h5 or .keras file`);
  const bytes = head.subarray(0, n);
  if (isHdf5Signature(bytes)) return "hdf5";
  if (isZipSignature(bytes)) return "keras-zip";
  const text = bytes.toString("latin1").replace(/[^\x20-\x7e]/g, ".");
  const hint = bytes[0] === 0x7b ? " (it looks like JSON: a TensorFlow.js model.json loads with loadModel)" : "";
  throw new Error(`${file} is neither an HDF5 file (.h5) nor a zip archive (.keras): it starts with "${text}"${hint}`);
}

function weightsOnlyError(file: string): Error {
  return new Error(
    `${file} holds weights only, no architecture (it was written by save_weights / callback_model_checkpoint with ` +
      `save_weights_only = TRUE). Build the model in code and load them into it: await loadKerasWeights(model, "${file}")`,
  );
}

function readWeightsOf(f: H5Group, file: string): StoredLayer[] {
  const mw = groupAt(f, "model_weights");
  if (mw !== null) return readKeras2Weights(mw, file);
  if (hasKeras2Layout(f)) return readKeras2Weights(f, file);
  if (hasKeras3Layout(f)) return readKeras3Weights(f, file);
  throw new Error(`${file} is an HDF5 file but holds no Keras weights (no model_weights, layer_names or layers)`);
}

/** Run `use` on the weights file inside a .keras archive (unpacked to a scratch file for HDF5). */
async function withArchiveWeights<T>(zip: ZipReader, file: string, use: (f: H5Group) => T): Promise<T> {
  if (!zip.has("model.weights.h5")) {
    const alt = zip.has("model.weights.npz") ? " (its weights are in .npz form, which is not supported)" : "";
    throw new Error(`${file}: the .keras archive has no model.weights.h5${alt}`);
  }
  return withHdf5Bytes(zip.read("model.weights.h5"), `${file} (its model.weights.h5)`, (f) => use(f));
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} is not valid JSON (${(e as Error).message})`);
  }
}

function buildThenFill(config: unknown, file: string, stored: StoredLayer[]): tf.LayersModel {
  checkKerasConfigOutline(config, file);
  let model: tf.LayersModel;
  try {
    model = modelFromKerasConfig(config, file);
  } catch (e) {
    // Our own messages name the file; a config with a field missing or of the wrong type can still
    // fail inside tf.js (its message says what) or with a TypeError (its message says nothing useful).
    const message = e instanceof Error ? e.message : String(e);
    if (message.includes(file)) throw e;
    const detail = e instanceof TypeError ? "a setting it needs is missing or has the wrong type" : message;
    throw new Error(`${file}: the model config is incomplete or not one Keras writes (${detail})`);
  }
  try {
    assignWeights(model, stored, file, { match: "name" });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/**
 * Load a Keras model file (.h5 or .keras) as a tf.js model, architecture and weights, ready to
 * predict (compile it to train further). Clear errors for files that are not Keras models, for
 * weights-only files, for layer types tf.js lacks, and for weights whose shapes do not fit.
 */
export async function loadKerasModel(file: string): Promise<tf.LayersModel> {
  const kind = kerasFileKind(file);
  if (kind === "hdf5") {
    const { config, stored } = await withHdf5(file, (f) => {
      const text = stringAttr(f, "model_config");
      if (text === undefined) {
        if (hasKeras2Layout(f) || hasKeras3Layout(f)) throw weightsOnlyError(file);
        throw new Error(`${file} is an HDF5 file but not a Keras model (no model_config attribute)`);
      }
      const cfg = parseJson(text, `${file}: model_config`);
      if (groupAt(f, "model_weights") === null) {
        throw new Error(`${file} has an architecture but no model_weights group (saved with include_optimizer only?)`);
      }
      return { config: cfg, stored: readWeightsOf(f, file) };
    });
    return buildThenFill(config, file, stored);
  }
  const zip = new ZipReader(fs.readFileSync(file), file);
  if (!zip.has("config.json")) {
    if (zip.has("model.weights.h5")) throw weightsOnlyError(file);
    throw new Error(`${file} is a zip archive but not a .keras model (no config.json; it has ${zip.names().join(", ") || "nothing"})`);
  }
  const config = parseJson(zip.read("config.json").toString("utf8"), `${file}: config.json`);
  const stored = await withArchiveWeights(zip, file, (f) => readKeras3Weights(f, file));
  return buildThenFill(config, file, stored);
}

/**
 * Load the weights of a Keras file into `model`: a full model (.h5 / .keras) or a weights-only file
 * (`save_weights`, Keras 2 or 3 layout). Layers are matched by name; when the names differ (tf.js
 * names its layers dense_Dense1, ...), by Keras 3's class-based weight paths, or else by position as
 * Keras's load_weights does. `{match: "name"}` insists on names. Returns how they matched.
 */
export async function loadKerasWeights(model: tf.LayersModel, file: string, options: AssignOptions = {}): Promise<MatchedBy> {
  const kind = kerasFileKind(file);
  const match = options.match ?? "auto";
  if (kind === "hdf5") {
    const stored = await withHdf5(file, (f) => readWeightsOf(f, file));
    return assignWeights(model, stored, file, { match });
  }
  const zip = new ZipReader(fs.readFileSync(file), file);
  const stored = await withArchiveWeights(zip, file, (f) => readKeras3Weights(f, file));
  return assignWeights(model, stored, file, { match });
}
