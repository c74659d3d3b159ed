/**
 * `file://` saving and loading for every tf.js backend, in tfjs-node's on-disk format: a folder
 * with `model.json` (topology + weights manifest) next to the binary weights. Files written here
 * load with tfjs-node's `tf.loadLayersModel("file://.../model.json")` and the other way round.
 *
 * Writes are crash-safe: the weights go to a new uniquely named file first, then `model.json` is
 * replaced by an atomic rename. Whatever moment a run dies, `model.json` names a complete weights
 * file, so a checkpoint is never left half written; stale weight files are removed afterwards.
 */
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";

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

/** Write `file` so that readers see either the old or the new content, never a partial one. */
function writeAtomically(file: string, content: Buffer | string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.${writeCounter++}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

class FolderModelIO implements tf.io.IOHandler {
  constructor(private readonly folder: string) {}

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new Error("file:// saving supports layers models (JSON topology), not binary graphs");
    }
    fs.mkdirSync(this.folder, { recursive: true });
    const weightsName = `weights-${Date.now().toString(36)}-${process.pid}-${writeCounter++}.bin`;
    const weights = toBuffer(artifacts.weightData);
    writeAtomically(path.join(this.folder, weightsName), weights);
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
    writeAtomically(path.join(this.folder, MODEL_FILE), jsonText);
    removeUnreferencedWeights(this.folder, weightsName);
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
    if (!fs.existsSync(jsonPath)) {
      throw new Error(`No saved model at ${this.folder}: ${MODEL_FILE} is missing`);
    }
    let modelJson: tf.io.ModelJSON;
    try {
      modelJson = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
    } catch (e) {
      throw new Error(`${jsonPath} is not valid JSON (${(e as Error).message})`);
    }
    if (modelJson.modelTopology == null || !Array.isArray(modelJson.weightsManifest)) {
      throw new Error(`${jsonPath} is not a tf.js model file (no modelTopology or weightsManifest)`);
    }
    return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
      const specs: tf.io.WeightsManifestEntry[] = [];
      const parts: Buffer[] = [];
      for (const group of manifest) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const file = path.join(this.folder, p);
          if (!fs.existsSync(file)) throw new Error(`Weights file ${file} named in ${jsonPath} is missing`);
          parts.push(fs.readFileSync(file));
        }
      }
      const all = Buffer.concat(parts);
      const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPer(s.dtype), 0);
      if (all.length !== expected) {
        throw new Error(`Weights in ${this.folder} hold ${all.length} bytes but the manifest needs ${expected}`);
      }
      return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.length)];
    });
  }
}

function bytesPer(dtype: string): number {
  if (dtype === "float32" || dtype === "int32") return 4;
  if (dtype === "bool") return 1;
  throw new Error(`Unsupported weight dtype ${dtype}`);
}

function removeUnreferencedWeights(folder: string, keep: string): void {
  for (const f of fs.readdirSync(folder)) {
    const stale = (f.startsWith("weights-") && f.endsWith(".bin") && f !== keep) || f.endsWith(".tmp");
    if (stale) fs.rmSync(path.join(folder, f), { force: true });
  }
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
  return tf.loadLayersModel(fileModelIO(folder));
}
