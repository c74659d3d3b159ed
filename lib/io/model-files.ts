/**
 * `file://` saving and loading for every tf.js backend, in tfjs-node's on-disk format: a folder
 * with `model.json` (topology + weights manifest) next to the binary weights. Files written here
 * load with tfjs-node's `tf.loadLayersModel("file://.../model.json")` and the other way round.
 *
 * Writes are crash-safe: the weights go to a new uniquely named file first, then `model.json` is
 * replaced by an atomic rename, each read back before it is renamed into place (lib/io/safe-write).
 * Whatever moment a run dies or a disk fills, `model.json` names a complete weights file. Afterwards
 * only the weights files the previous `model.json` named are removed: other files in the folder are
 * never touched. Loading refuses manifest paths that lead out of the folder and checks sizes first.
 */
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { fsCause, replaceFileOrThrow, saveError } from "./safe-write";

const MODEL_FILE = "model.json";
const SCHEME = "file://";

function folderOf(url: string): string {
  const p = url.startsWith(SCHEME) ? url.slice(SCHEME.length) : url;
  if (p.length === 0) throw new Error("file:// path is empty");
  return path.basename(p) === MODEL_FILE ? path.dirname(p) : p;
}

function toBuffer(data: tf.io.WeightData | undefined): Buffer {
  if (data === undefined) return Buffer.alloc(0);
  const joined = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return Buffer.from(new Uint8Array(joined));
}

let writeCounter = 0;

/** The most a model.json may hold (a topology with a weights manifest is far smaller). */
const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

/**
 * A manifest path as a file inside `folder`, or an error: absolute paths, `..` and links that lead
 * out of the folder are refused, so a model.json cannot make us read (or delete) other files.
 */
function insideFolder(folder: string, p: unknown, jsonPath: string): string {
  if (typeof p !== "string" || p.length === 0 || p.includes("\0")) {
    throw new Error(`${jsonPath}: the weights manifest names a file as ${JSON.stringify(p)}, which is not a file name`);
  }
  const resolved = path.resolve(folder, p);
  const rel = path.relative(path.resolve(folder), resolved);
  if (path.isAbsolute(p) || rel.startsWith("..") || path.isAbsolute(rel) || rel === "") {
    throw new Error(`${jsonPath}: the weights manifest points outside the model folder (${p}); weights must sit beside model.json`);
  }
  if (fs.existsSync(resolved)) {
    const real = fs.realpathSync(resolved);
    const realRel = path.relative(fs.realpathSync(folder), real);
    if (realRel.startsWith("..") || path.isAbsolute(realRel)) {
      throw new Error(`${jsonPath}: weights file ${p} is a link that leads outside the model folder (to ${real})`);
    }
  }
  return resolved;
}

/** The weights files the folder's current model.json names (plain names inside the folder), or none. */
function previousWeights(folder: string): string[] {
  const jsonPath = path.join(folder, MODEL_FILE);
  try {
    if (!fs.statSync(jsonPath).isFile() || fs.statSync(jsonPath).size > MAX_MODEL_JSON_BYTES) return [];
    const json = JSON.parse(fs.readFileSync(jsonPath, "utf8")) as tf.io.ModelJSON;
    const names: string[] = [];
    for (const group of Array.isArray(json.weightsManifest) ? json.weightsManifest : []) {
      for (const p of Array.isArray(group?.paths) ? group.paths : []) {
        // Only plain names beside model.json: a save never deletes anything elsewhere.
        if (typeof p === "string" && p === path.basename(p) && p !== MODEL_FILE && !p.startsWith(".")) names.push(p);
      }
    }
    return names;
  } catch {
    return [];
  }
}

class FolderModelIO implements tf.io.IOHandler {
  constructor(private readonly folder: string) {}

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new Error("file:// saving supports layers models (JSON topology), not binary graphs");
    }
    const jsonPath = path.join(this.folder, MODEL_FILE);
    if (fs.existsSync(this.folder) && !fs.statSync(this.folder).isDirectory()) {
      throw new Error(`saveModel: could not save into ${this.folder}: it is a file, not a folder; nothing was written`);
    }
    const before = previousWeights(this.folder);
    const weightsName = `weights-${Date.now().toString(36)}-${process.pid}-${writeCounter++}.bin`;
    const weightsPath = path.join(this.folder, weightsName);
    const weights = toBuffer(artifacts.weightData);
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
    };
    if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
    if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
    const jsonText = JSON.stringify(modelJson);
    // The weights first under a new name, then model.json: whatever fails, model.json names complete weights.
    const existed = fs.existsSync(jsonPath);
    try {
      replaceFileOrThrow(weightsPath, weights);
      replaceFileOrThrow(jsonPath, jsonText);
    } catch (e) {
      fs.rmSync(weightsPath, { force: true });
      throw saveError("saveModel", this.folder, e, existed);
    }
    // Only what the previous model.json named, and never the file just written.
    for (const old of before) if (old !== weightsName) fs.rmSync(path.join(this.folder, old), { force: true });
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: "JSON",
        modelTopologyBytes: Buffer.byteLength(JSON.stringify(modelJson.modelTopology)),
        weightSpecsBytes: Buffer.byteLength(JSON.stringify(modelJson.weightsManifest)),
        weightDataBytes: weights.length,
      },
    };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const jsonPath = path.join(this.folder, MODEL_FILE);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(jsonPath);
    } catch (e) {
      if (!fs.existsSync(this.folder)) throw new Error(`No saved model at ${this.folder}: the folder does not exist`);
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`No saved model at ${this.folder}: ${MODEL_FILE} is missing`);
      throw new Error(`${jsonPath} cannot be read: ${fsCause(e)}`);
    }
    if (!stat.isFile()) throw new Error(`${jsonPath} is not a file`);
    if (stat.size > MAX_MODEL_JSON_BYTES) {
      throw new Error(`${jsonPath} holds ${stat.size} bytes, more than a model.json ever needs (${MAX_MODEL_JSON_BYTES}); it is not a model file`);
    }
    let modelJson: tf.io.ModelJSON;
    try {
      modelJson = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
    } catch (e) {
      throw new Error(`${jsonPath} is not valid JSON (${(e as Error).message})`);
    }
    const topology = (modelJson as { modelTopology?: unknown } | null)?.modelTopology;
    if (topology === null || typeof topology !== "object" || !Array.isArray(modelJson.weightsManifest)) {
      throw new Error(`${jsonPath} is not a tf.js model file (no modelTopology or weightsManifest)`);
    }
    const specs: tf.io.WeightsManifestEntry[] = [];
    const files: string[] = [];
    for (const group of modelJson.weightsManifest) {
      if (group === null || typeof group !== "object" || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
        throw new Error(`${jsonPath}: the weights manifest is damaged (each entry needs "paths" and "weights" lists)`);
      }
      for (const w of group.weights) specs.push(checkSpec(w, jsonPath));
      for (const p of group.paths) files.push(insideFolder(this.folder, p, jsonPath));
    }
    // Sizes are compared before anything is read, so a manifest cannot make us allocate what is not there.
    const expected = specs.reduce((n, s) => n + specBytes(s), 0);
    let total = 0;
    for (const file of files) {
      let st: fs.Stats;
      try {
        st = fs.statSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`Weights file ${file} named in ${jsonPath} is missing`);
        throw new Error(`Weights file ${file} named in ${jsonPath} cannot be read: ${fsCause(e)}`);
      }
      if (!st.isFile()) throw new Error(`Weights file ${file} named in ${jsonPath} is not a file`);
      total += st.size;
    }
    if (total !== expected) {
      const names = files.map((f) => path.basename(f)).join(", ");
      throw new Error(
        `Weights in ${this.folder} (${names}) hold ${total} bytes but the manifest needs ${expected}` +
          `${total < expected ? ": a weights file is truncated" : ""}`,
      );
    }
    const all = Buffer.concat(files.map((f) => fs.readFileSync(f)));
    try {
      return await tf.io.getModelArtifactsForJSON(modelJson, async () => [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.length)]);
    } catch (e) {
      throw new Error(`${jsonPath}: ${(e as Error).message}`);
    }
  }
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** One manifest entry, checked: a name, a shape of whole numbers, a dtype we know. */
function checkSpec(w: unknown, jsonPath: string): tf.io.WeightsManifestEntry {
  const s = w as tf.io.WeightsManifestEntry;
  const ok = s !== null && typeof s === "object" && typeof s.name === "string" && Array.isArray(s.shape) &&
    s.shape.every((d) => Number.isSafeInteger(d) && d >= 0) && typeof s.dtype === "string";
  if (!ok) throw new Error(`${jsonPath}: the weights manifest has a damaged entry ${JSON.stringify(w)?.slice(0, 120)}`);
  const stored = s.quantization?.dtype ?? s.dtype;
  if (BYTES[stored] === undefined || (s.dtype !== "float32" && s.dtype !== "int32" && s.dtype !== "bool")) {
    throw new Error(`${jsonPath}: weight ${s.name} has dtype ${stored}, which is not supported`);
  }
  return s;
}

function specBytes(s: tf.io.WeightsManifestEntry): number {
  return s.shape.reduce((a, b) => a * b, 1) * BYTES[s.quantization?.dtype ?? s.dtype];
}

/** An IO handler for `model.save(...)` / `tf.loadLayersModel(...)` on a folder. */
export function fileModelIO(urlOrPath: string): tf.io.IOHandler {
  return new FolderModelIO(folderOf(urlOrPath));
}

let routersRegistered = false;

/**
 * Make `model.save("file://dir")` and `tf.loadLayersModel("file://dir/model.json")` work on any
 * backend. Skipped where something (tfjs-node) already handles `file://`, so the two never clash.
 */
export function registerFileRouters(): void {
  if (routersRegistered) return;
  routersRegistered = true;
  const probe = `${SCHEME}${path.join(process.cwd(), "probe")}`;
  if (tf.io.getSaveHandlers(probe).length > 0) return;
  // A router answers null for URLs it does not handle (tf.js's own routers do the same).
  const route = ((url: string | string[]): tf.io.IOHandler | null => {
    const u = Array.isArray(url) ? url[0] : url;
    return typeof u === "string" && u.startsWith(SCHEME) ? fileModelIO(u) : null;
  }) as Parameters<typeof tf.io.registerSaveRouter>[0];
  tf.io.registerSaveRouter(route);
  tf.io.registerLoadRouter(route);
}

/** Save a model to a folder (`file://` optional), creating the folder. */
export async function saveModel(model: tf.LayersModel, folder: string): Promise<void> {
  await model.save(fileModelIO(folder));
}

/** Load a model saved by `saveModel`, `model.save("file://...")` or tfjs-node. */
export async function loadModel(folder: string): Promise<tf.LayersModel> {
  const dir = folderOf(folder);
  try {
    return await tf.loadLayersModel(fileModelIO(folder));
  } catch (e) {
    // tf.js's own messages (an unknown layer, a topology it cannot build) do not say which model.
    const message = e instanceof Error ? e.message : String(e);
    if (message.includes(dir)) throw e;
    throw new Error(`${path.join(dir, MODEL_FILE)}: the model cannot be built from it: ${message}`);
  }
}
