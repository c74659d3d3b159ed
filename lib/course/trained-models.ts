/**
 * Longer-trained models that belong to the data in use. scripts/train-rick-cnn.ts trains on whichever
 * Rick and Morty frames are in use and writes, beside the model, a training.json with the fingerprint
 * of those frames (lib/data/images/checks/fingerprint.ts). A chapter asks for the model of its task whose
 * fingerprint matches its frames: the committed one in models/ for the generated stand-in, or one the
 * user trained into data/models/ for the course's real frames (never committed).
 */
import * as fs from "fs";
import * as path from "path";
import { fingerprintFolders } from "../data/images/checks/fingerprint";
import { rickMortyPaths } from "../data/rick-morty/layout";
import { readJsonFile } from "../io/json-file";

export type RickTask = "binary" | "categorical";

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

/** What training.json records (the fields the lookup and the chapters use). */
export interface TrainedModelInfo {
  task: RickTask;
  fingerprint: string;
  frames: number;
  data: string;
  backend: string;
  epochsRun: number;
  bestEpoch: number;
  bestValAccuracy: number | null;
  secondsPerEpoch?: number;
}

export interface TrainedModel {
  dir: string;
  info: TrainedModelInfo;
}

/** Committed models (stand-in only) first, then the user's own. */
export const TRAINED_MODEL_ROOTS = ["models", path.join("data", "models")];

/** The name of the folder a task's model lives in: models/<name> (committed) or data/models/<name>-<fingerprint>. */
export function taskModelName(task: RickTask): string {
  return task === "binary" ? "rick-cnn" : "rick-morty-cat";
}

/** Where the training script writes: committed models only for the generated stand-in. */
export function trainedModelDir(task: RickTask, fingerprint: string, standIn: boolean): string {
  return standIn ? path.join("models", taskModelName(task)) : path.join("data", "models", `${taskModelName(task)}-${fingerprint}`);
}

/**
 * Every folder under the roots that holds a model.json and a training.json that `accept` takes, with
 * the record. Shared by the lookups of each kind of trained model (CNNs here, autoencoders in
 * trained-autoencoders.ts).
 */
export function listModelRecords<T>(roots: string[], accept: (info: Partial<T>) => boolean): { dir: string; info: T }[] {
  const found: { dir: string; info: T }[] = [];
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    for (const name of fs.readdirSync(root).sort()) {
      const dir = path.join(root, name);
      if (!fs.statSync(dir).isDirectory() || !fs.existsSync(path.join(dir, "model.json"))) continue;
      const info = readJsonFile<Partial<T>>(path.join(dir, "training.json"), accept);
      if (info) found.push({ dir, info: info as T });
    }
  }
  return found;
}

/** Every trained Rick CNN folder under the roots, with its record. */
export function listTrainedModels(roots: string[] = TRAINED_MODEL_ROOTS): TrainedModel[] {
  return listModelRecords<TrainedModelInfo>(
    roots,
    (info) => typeof info.fingerprint === "string" && (info.task === "binary" || info.task === "categorical"),
  );
}

/** The model trained for `task` on exactly these frames, or null. */
export function findTrainedModel(task: RickTask, fingerprint: string, roots: string[] = TRAINED_MODEL_ROOTS): TrainedModel | null {
  return listTrainedModels(roots).find((m) => m.info.task === task && m.info.fingerprint === fingerprint) ?? null;
}

/** Rough speed of the backends relative to native TensorFlow for this CNN (npm run bench). */
const SLOWDOWN: Record<string, number> = { tensorflow: 1, wasm: 4.6, cpu: 150 };

/**
 * What to tell the user when no model matches: the command that makes one, and how long it takes here,
 * estimated from a model of the same task trained on other frames (its seconds per epoch, scaled by
 * frame count and backend).
 */
export function describeMissingModel(task: RickTask, fingerprint: string, frames: number, backend: string): string {
  const flag = task === "binary" ? "" : " --task categorical";
  const known = listTrainedModels().find((m) => m.info.task === task && m.info.secondsPerEpoch !== undefined);
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
