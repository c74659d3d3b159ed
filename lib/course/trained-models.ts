/**
 * Longer-trained models and their records. The training scripts (scripts/train-rick-cnn.ts,
 * train-autoencoder.ts, train-dna-cnn.ts) write a model folder with a training.json beside it; this file
 * says what such a record holds, where each script writes, and finds the records again. The Rick and
 * Morty networks record the fingerprint of the frames they learnt from (lib/data/images/checks/fingerprint.ts),
 * so a chapter can ask for the one trained on exactly its frames:
 *
 *   models/<name>/                      committed, for the generated stand-in
 *   data/models/<name>-<fingerprint>/   the user's own, for the course's frames (never committed)
 *
 * lib/course/trained-networks.ts loads them for the chapters.
 */
import * as fs from "fs";
import * as path from "path";
import { fingerprintFolders } from "../data/images/checks/fingerprint";
import { rickMortyPaths } from "../data/rick-morty/layout";

/** Chapter 2's Rick or not Rick, chapter 3's Rick / Morty / neither. */
export type RickTask = "binary" | "categorical";
/** Chapter 7's "autoencoder" (frames in, the same frames out) and "denoising" (noisy in, clean out). */
export type AutoencoderTask = "autoencoder" | "denoising";
/** Every task a chapter loads a longer-trained network for; "dna" is chapter 5's CNN. */
export type TrainedTask = RickTask | AutoencoderTask | "dna";

/** What every training.json of the training scripts holds. */
export interface TrainingRecordBase {
  /** One line: which network, trained by which script, on which data. */
  description?: string;
  /** The data it learnt from, in words. */
  data: string;
  /** How the frames or sequences were split, in words. */
  split: string;
  seed: number;
  backend: string;
  batchSize: number;
  epochsPlanned: number;
  epochsRun: number;
  /** Counted from 1: the epoch whose weights were kept. */
  bestEpoch: number;
  minutes: number;
  secondsPerEpoch?: number | null;
  history: Record<string, number[]>;
}

/** training.json of scripts/train-rick-cnn.ts. */
export interface RickCnnRecord extends TrainingRecordBase {
  task: RickTask;
  fingerprint: string;
  frames: number;
  classWeight: Record<number, number> | null;
  bestValAccuracy: number | null;
  trainAccuracyAtBest: number | null;
  majorityBaselineVal: number;
}

/** training.json of scripts/train-autoencoder.ts. */
export interface AutoencoderRecord extends TrainingRecordBase {
  task: AutoencoderTask;
  fingerprint: string;
  frames: number;
  trainFrames: number;
  valFrames: number;
  minutesPlanned?: number;
  bestValMse: number | null;
  /** Denoising only: the validation MSE of the noisy inputs themselves. */
  valMseOfInputs?: number | null;
  /** Denoising only: the noise the inputs got. */
  noise?: { stddev: number; seed: number; clip: [number, number] };
}

/** training.json of scripts/train-dna-cnn.ts (always the full ChIP stand-in, so no fingerprint). */
export interface DnaCnnRecord extends TrainingRecordBase {
  optimizer: string;
  optimizerWords: string;
  bestValAccuracy: number | null;
  trainAccuracyAtBest: number | null;
  majorityBaselineVal: number;
  recall?: Record<string, number>;
  continuedAfter?: number;
  state: string;
  notes?: string[];
}

/** The record type of each task. */
export type TrainingRecord<T extends TrainedTask = TrainedTask> =
  T extends RickTask ? RickCnnRecord : T extends AutoencoderTask ? AutoencoderRecord : DnaCnnRecord;

/** A model folder and its record. */
export interface TrainedModel<T extends TrainedTask = RickTask> {
  dir: string;
  info: TrainingRecord<T>;
}

export interface TaskFolder {
  path: string;
  label: number;
  name: string;
}

/** The folders each task learns from, with their labels: chapter 2's two classes, chapter 3's three. */
export function rickTaskFolders(root: string, task: RickTask): TaskFolder[] {
  const dirs = rickMortyPaths(root);
  return task === "binary"
    ? [
        { path: dirs.altRick, label: 0, name: "Rick" },
        { path: dirs.altNotRick, label: 1, name: "not Rick" },
      ]
    : [
        { path: dirs.rickOnly, label: 0, name: "Rick" },
        { path: dirs.mortyOnly, label: 1, name: "Morty" },
        { path: dirs.neither, label: 2, name: "Neither" },
      ];
}

/** The fingerprint of a task's frames under `root`. */
export function rickTaskFingerprint(root: string, task: RickTask): string {
  return fingerprintFolders({ folders: rickTaskFolders(root, task).map((f) => f.path) }).id;
}

/** The frames an autoencoder learns from are chapter 3's three folders (what the course's was trained on). */
export function autoencoderFingerprint(root: string): string {
  return rickTaskFingerprint(root, "categorical");
}

/** Committed models (stand-in only) first, then the user's own. */
export const TRAINED_MODEL_ROOTS = ["models", path.join("data", "models")];

const MODEL_NAMES: Record<TrainedTask, string> = {
  binary: "rick-cnn",
  categorical: "rick-morty-cat",
  autoencoder: "rick-autoencoder",
  denoising: "rick-denoiser",
  dna: "dna-cnn",
};

/** The name of a task's model folder: models/<name> (committed) or data/models/<name>-<fingerprint>. */
export function taskModelName(task: TrainedTask): string {
  return MODEL_NAMES[task];
}

/** Where a training script writes: committed models/ only for the generated stand-in. */
export function trainedModelDir(task: RickTask | AutoencoderTask, fingerprint: string, standIn: boolean): string {
  const name = taskModelName(task);
  return standIn ? path.join("models", name) : path.join("data", "models", `${name}-${fingerprint}`);
}

/** Where scripts/train-autoencoder.ts writes (the same rule as the CNNs'). */
export function autoencoderModelDir(task: AutoencoderTask, fingerprint: string, standIn: boolean): string {
  return trainedModelDir(task, fingerprint, standIn);
}

/** The fields each kind of record must have, and their types, for a chapter to print it. */
const BASE_FIELDS: Record<string, string> = {
  data: "string", split: "string", seed: "number", backend: "string", batchSize: "number",
  epochsRun: "number", bestEpoch: "number", minutes: "number", history: "object",
};
const REQUIRED_FIELDS: Record<"rick" | "autoencoder" | "dna", Record<string, string>> = {
  rick: { ...BASE_FIELDS, fingerprint: "string", frames: "number", bestValAccuracy: "number|null", trainAccuracyAtBest: "number|null" },
  autoencoder: { ...BASE_FIELDS, fingerprint: "string", frames: "number", trainFrames: "number", valFrames: "number", bestValMse: "number|null" },
  dna: { ...BASE_FIELDS, bestValAccuracy: "number|null", trainAccuracyAtBest: "number|null" },
};

function kindOf(task: TrainedTask): "rick" | "autoencoder" | "dna" {
  return task === "binary" || task === "categorical" ? "rick" : task === "dna" ? "dna" : "autoencoder";
}

/**
 * The parsed training.json of a model folder, or null when the folder has none. A file that is not
 * JSON is an error that names it: a record half written or edited by hand should not pass for "no model".
 */
export function readTrainingJson(dir: string): Record<string, unknown> | null {
  const file = path.join(dir, "training.json");
  if (!fs.existsSync(file)) return null;
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file} is damaged: it is not JSON (${(e as Error).message}). Retrain the model, or remove its folder ${dir}.`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${file} is damaged: it holds ${JSON.stringify(value)?.slice(0, 40)}, not a training record.`);
  }
  return value as Record<string, unknown>;
}

/**
 * The record of `task` in `dir`, checked: every field a chapter prints is there with its type, else an
 * error that names the file and the fields.
 */
export function readTrainingRecord<T extends TrainedTask>(dir: string, task: T): TrainingRecord<T> {
  const file = path.join(dir, "training.json");
  const value = readTrainingJson(dir);
  if (value === null) throw new Error(`${file} is missing: ${dir} holds no record of how its model was trained.`);
  if (task !== "dna" && value.task !== task) throw new Error(`${file} is the record of a ${String(value.task)} model, not of a ${task} one.`);
  const wrong = Object.entries(REQUIRED_FIELDS[kindOf(task)])
    .filter(([field, type]) => !type.split("|").includes(value[field] === null ? "null" : typeof value[field]))
    .map(([field, type]) => `${field} (${type})`);
  if (wrong.length > 0) throw new Error(`${file} is damaged: it lacks ${wrong.join(", ")}. Retrain the model, or remove its folder ${dir}.`);
  return value as unknown as TrainingRecord<T>;
}

/**
 * Every model folder under the roots (a model.json and a training.json) whose record is of `task`, read
 * and checked, in root order then name order. Folders with a model but no record (a chapter's own
 * checkpoints) are skipped; a record that is not JSON, or lacks fields, is an error naming its file.
 */
export function listTrainedRecords<T extends RickTask | AutoencoderTask>(task: T, roots: string[] = TRAINED_MODEL_ROOTS): TrainedModel<T>[] {
  const found: TrainedModel<T>[] = [];
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    for (const name of fs.readdirSync(root).sort()) {
      const dir = path.join(root, name);
      if (!fs.statSync(dir).isDirectory() || !fs.existsSync(path.join(dir, "model.json"))) continue;
      const raw = readTrainingJson(dir);
      if (raw === null || raw.task !== task) continue;
      found.push({ dir, info: readTrainingRecord(dir, task) });
    }
  }
  return found;
}

/** The model trained for `task` on exactly the frames with this fingerprint, or null. */
export function findTrainedRecord<T extends RickTask | AutoencoderTask>(task: T, fingerprint: string, roots: string[] = TRAINED_MODEL_ROOTS): TrainedModel<T> | null {
  return listTrainedRecords(task, roots).find((m) => m.info.fingerprint === fingerprint) ?? null;
}

/** Rough speed of the backends relative to native TensorFlow for this CNN (npm run bench). */
const SLOWDOWN: Record<string, number> = { tensorflow: 1, wasm: 4.6, cpu: 150 };

/**
 * What to tell the user when no CNN matches: the command that makes one, and how long it takes here,
 * estimated from a model of the same task trained on other frames (its seconds per epoch, scaled by
 * frame count and backend).
 */
export function describeMissingModel(task: RickTask, fingerprint: string, frames: number, backend: string, roots: string[] = TRAINED_MODEL_ROOTS): string {
  const flag = task === "binary" ? "" : " --task categorical";
  const known = listTrainedRecords(task, roots).find((m) => typeof m.info.secondsPerEpoch === "number");
  let time = "";
  if (known) {
    const perEpoch = known.info.secondsPerEpoch! * (frames / Math.max(1, known.info.frames)) *
      ((SLOWDOWN[backend] ?? 1) / (SLOWDOWN[known.info.backend] ?? 1));
    const epochs = known.info.epochsRun;
    const minutes = Math.max(1, Math.round((perEpoch * epochs) / 60));
    time = ` It takes about ${minutes} minute${minutes === 1 ? "" : "s"} for ${epochs} epochs on the ${backend} backend ` +
      `(${perEpoch.toFixed(0)} s per epoch).`;
  }
  return `No trained ${task} model matches these frames (fingerprint ${fingerprint}). ` +
    `Make one with: npx tsx scripts/train-rick-cnn.ts${flag} (it trains on the course's frames when RICK_MORTY_DATA ` +
    `points at them, writing under data/models/, else on the full stand-in).${time}`;
}

/** What to say when no autoencoder matches: the command that makes one and a time estimate. */
export function describeMissingAutoencoder(task: AutoencoderTask, fingerprint: string, roots: string[] = TRAINED_MODEL_ROOTS): string {
  const flag = task === "denoising" ? " --task denoising" : "";
  const known = listTrainedRecords(task, roots)[0];
  const time = known ? ` The committed one took ${known.info.minutes.toFixed(0)} minutes on the ${known.info.backend} backend.` : "";
  return `No trained ${task === "denoising" ? "denoising autoencoder" : "autoencoder"} matches these frames (fingerprint ${fingerprint}). ` +
    `Make one with: npx tsx scripts/train-autoencoder.ts${flag} --minutes 30 (it trains on the course's frames when ` +
    `RICK_MORTY_DATA points at them, writing under data/models/, else on the full stand-in).${time}`;
}
