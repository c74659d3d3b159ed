/**
 * The Keras-written fixtures of the keras*.test.ts files: made by scripts/make-keras-fixtures.py with
 * the project's .venv (TensorFlow + Keras) into data/cache/keras-fixtures/ when missing or older than
 * the script, and Keras itself run on files we write. When the venv has no Keras the tests skip with
 * the reason (CI's venv has it).
 */
import * as tf from "@tensorflow/tfjs";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import * as arch from "../../lib/models/course-architectures";
import { withFolderLock } from "../../lib/io/folder-lock";
import { kerasFlatten } from "../../lib/io/keras/keras-translate";

const ROOT = path.resolve(__dirname, "..", "..");
export const SCRIPT = path.join(ROOT, "scripts", "make-keras-fixtures.py");
export const FIXTURES = path.join(ROOT, "data", "cache", "keras-fixtures");
const PYTHON = path.join(ROOT, ".venv", "bin", "python");

/** Each fixture id and the library definition it mirrors (null for the functional ones). */
export const ARCHITECTURES: { id: string; build: (() => tf.Sequential) | null; sequential?: boolean }[] = [
  { id: "regression-dense", build: arch.regressionDense },
  { id: "rick-dense", build: arch.rickDense },
  { id: "rick-cnn", build: () => arch.rickCnn() },
  { id: "rick-cnn-multilabel", build: () => arch.rickCnn({ outputs: 2, activation: "sigmoid" }) },
  { id: "rick-cnn-categorical", build: () => arch.rickCnn({ outputs: 3, activation: "softmax" }) },
  { id: "conv-autoencoder", build: () => arch.convAutoencoder() },
  { id: "dna-cnn", build: arch.dnaCnn },
  { id: "cifar-cnn", build: arch.cifarCnn },
  { id: "mnist-dense", build: arch.mnistDense },
  { id: "mnist-convnet", build: arch.mnistConvnet },
  { id: "mnist-dense-functional", build: null },
  { id: "branched-functional", build: null },
  // Files Keras loads and tf.js's own layers refuse as they stand (lib/io/keras/keras-translate.ts).
  { id: "course-densemodel", build: courseDensemodel },
  { id: "flatten-functional", build: null },
  { id: "keras-only-settings", build: null, sequential: true },
];

/** The course's densemodel.h5 as R keras built it: a Flatten on the one-number input first. */
function courseDensemodel(): tf.Sequential {
  const m = tf.sequential();
  m.add(kerasFlatten({ inputShape: [1] }));
  m.add(tf.layers.dense({ units: 10, activation: "relu" }));
  m.add(tf.layers.dense({ units: 20, activation: "relu" }));
  m.add(tf.layers.dense({ units: 1, activation: "linear" }));
  return m;
}

let kerasCheck: string | null | undefined;

/** Why Keras cannot run here, or null when it can. */
export function kerasUnavailable(): string | null {
  if (kerasCheck !== undefined) return kerasCheck;
  if (!fs.existsSync(PYTHON)) {
    kerasCheck = `no ${path.relative(ROOT, PYTHON)} (make it with: bash scripts/course.sh test, which installs requirements-tensorflow.txt)`;
  } else {
    const r = spawnSync(PYTHON, ["-c", "import keras, h5py, tensorflow"], { encoding: "utf8", env: quietEnv() });
    kerasCheck = r.status === 0 ? null : `the venv's Python cannot import keras/h5py/tensorflow: ${(r.stderr || "").trim().split("\n").pop()}`;
  }
  return kerasCheck;
}

function quietEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3", CUDA_VISIBLE_DEVICES: "" };
}

function scriptHash(): string {
  return crypto.createHash("sha256").update(fs.readFileSync(SCRIPT)).digest("hex").slice(0, 16);
}

function fresh(): boolean {
  const stamp = path.join(FIXTURES, "stamp");
  return fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === scriptHash();
}

/**
 * The fixture folder, generated first if missing or stale. Throws when generation fails. Test files
 * running in parallel take turns through lib/io/folder-lock: one generates, the others wait for it.
 */
export function ensureFixtures(): string {
  if (fresh()) return FIXTURES;
  const why = kerasUnavailable();
  if (why !== null) throw new Error(`cannot make the Keras fixtures: ${why}`);
  fs.mkdirSync(path.dirname(FIXTURES), { recursive: true });
  // Test files running at once take turns: one generates, the others wait and then find them fresh.
  return withFolderLock(FIXTURES, () => {
    if (fresh()) return FIXTURES;
    // Generate aside and rename into place, so a crash never leaves half a set under the real name.
    const aside = fs.mkdtempSync(path.join(path.dirname(FIXTURES), ".keras-fixtures-"));
    const r = spawnSync(PYTHON, [SCRIPT, aside], { encoding: "utf8", env: quietEnv(), maxBuffer: 1 << 26 });
    if (r.status !== 0) {
      fs.rmSync(aside, { recursive: true, force: true });
      throw new Error(`scripts/make-keras-fixtures.py failed (exit ${r.status}):\n${(r.stderr || "").slice(-3000)}`);
    }
    const old = `${FIXTURES}.old-${process.pid}`;
    if (fs.existsSync(FIXTURES)) fs.renameSync(FIXTURES, old);
    fs.renameSync(aside, FIXTURES);
    fs.rmSync(old, { recursive: true, force: true });
    return FIXTURES;
  }, { timeoutMs: 10 * 60_000 });
}

/** Why the Keras tests must skip (no Keras and no fixtures), or false. */
export function skipReason(): string | false {
  if (fresh()) return false;
  const why = kerasUnavailable();
  return why === null ? false : `Keras fixtures cannot be made: ${why}`;
}

export function readF32(file: string): Float32Array {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

export function writeF32(file: string, values: Float32Array): void {
  fs.writeFileSync(file, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
}

export interface FixtureMeta {
  id: string;
  keras_version: string;
  sequential: boolean;
  input_shape: number[];
  output_shape: number[];
  layers: string[];
  params: number;
}

export function fixture(id: string): { dir: string; meta: FixtureMeta; input: () => tf.Tensor; expected: Float32Array } {
  const dir = path.join(FIXTURES, id);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "meta.json"), "utf8")) as FixtureMeta;
  return {
    dir,
    meta,
    input: () => tf.tensor(readF32(path.join(dir, "input.f32")), meta.input_shape),
    expected: readF32(path.join(dir, "output.f32")),
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

export interface KerasPrediction {
  model: string;
  output_shape: number[];
  layers: string[];
  params: number;
  values: Float32Array;
}

/** Load each model file in real Keras and predict on its input; one Python process for all. */
export function kerasPredict(jobs: { model: string; input: tf.Tensor }[]): KerasPrediction[] {
  const why = kerasUnavailable();
  if (why !== null) throw new Error(`Keras cannot run: ${why}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keras-predict-"));
  try {
    const list = jobs.map((j, i) => {
      const input = path.join(dir, `in-${i}.f32`);
      writeF32(input, j.input.dataSync() as Float32Array);
      return { model: j.model, input, shape: j.input.shape, output: path.join(dir, `out-${i}.f32`) };
    });
    const listFile = path.join(dir, "jobs.json");
    fs.writeFileSync(listFile, JSON.stringify(list));
    const r = spawnSync(PYTHON, [SCRIPT, "--predict", listFile], { encoding: "utf8", env: quietEnv(), maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`Keras failed to load or run our files (exit ${r.status}):\n${(r.stderr || "").slice(-4000)}`);
    const lines = r.stdout.trim().split("\n");
    const report = JSON.parse(lines[lines.length - 1]) as Omit<KerasPrediction, "values">[];
    return report.map((rep, i) => ({ ...rep, values: readF32(list[i].output) }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
