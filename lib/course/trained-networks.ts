/**
 * The one way a chapter loads a longer-trained network. In this order:
 *
 *   1. the course's own Keras file (data/models/*.h5 in the course's data folder), when the user has it;
 *   2. a network trained on these very frames: the record whose fingerprint matches (lib/course/trained-models.ts);
 *   3. otherwise (fast mode draws other frames; the user's own frames without a model of theirs)
 *      the chapter's fallback if it names one (a network it trained in an earlier cell), else the
 *      committed one, said to be NOT trained on these frames.
 *
 * Chapter 5's DNA CNN has no course file and no fingerprint (it is always trained on the full ChIP
 * stand-in): it is the committed one, else the fallback.
 *
 * The result carries the model, its typed record (every field a chapter prints), where it came from,
 * a short name, and the description the chapter prints.
 */
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { loadCourseModel } from "../io/keras/course-models";
import { loadModel } from "../io/model-files";
import { imageFilesIn } from "../data/images/loaders/load-images";
import { isFastMode } from "./fast-mode";
import {
  AutoencoderRecord, AutoencoderTask, DnaCnnRecord, RickCnnRecord, RickTask, TRAINED_MODEL_ROOTS, TrainedTask, TrainingRecord,
  autoencoderFingerprint, describeMissingAutoencoder, describeMissingModel, findTrainedRecord, readTrainingRecord,
  rickTaskFingerprint, rickTaskFolders, taskModelName,
} from "./trained-models";

/** The course's Keras file for each task (under its data folder's data/models/); chapter 5's has none. */
export const COURSE_MODEL_FILES: Record<TrainedTask, string | null> = {
  binary: "modelCNN.h5",
  categorical: "modelCNNCat.h5",
  autoencoder: "modelAE.h5",
  denoising: "modelAEND.h5",
  dna: null,
};

/** Where a loaded network came from. */
export type TrainedSource = "course" | "fingerprint" | "committed" | "fallback";

/** A network the chapter trained itself in an earlier cell: its folder (a checkpoint) or the model. */
export interface FallbackNetwork {
  dir?: string;
  model?: tf.LayersModel;
  /** What the chapter calls it, e.g. "the brief run". */
  name: string;
  /** Where it was trained, said after "Going on with <name> from ...", e.g. "above". */
  from?: string;
}

export interface LoadTrainedNetworkOptions {
  /** The Rick and Morty data folder in use: its frames' fingerprint, and the course's files under it. Not needed for "dna". */
  root?: string;
  /** What to go on with when neither the course's file nor a matching network is there. Default: the committed one. */
  fallback?: FallbackNetwork | "none";
  /** Folders holding trained model folders (default models/ then data/models/). */
  roots?: string[];
}

export interface TrainedNetwork<T extends TrainedTask = TrainedTask> {
  model: tf.LayersModel;
  /** How it was trained; null for the course's Keras file and for a chapter's own network. */
  record: TrainingRecord<T> | null;
  source: TrainedSource;
  /** The model folder or Keras file it was loaded from; null for a model handed in as the fallback. */
  path: string | null;
  /** Short: "the course's modelAE.h5", "models/rick-autoencoder (5 epochs)", or the fallback's name. */
  name: string;
  /** What was loaded and why, as the chapter prints it (one or a few lines). */
  description: string;
}

/** With fallback "none" and nothing found: no model, and the description says how to make one. */
export interface NoTrainedNetwork {
  model: null;
  record: null;
  source: "none";
  path: null;
  name: string;
  description: string;
}

const FAST_NOTE = "(Fast mode draws a smaller, different set of frames, so no saved model matches them.)";

function fixed(v: number | null | undefined, digits: number): string {
  return typeof v === "number" ? v.toFixed(digits) : "n/a";
}

/** One line about a trained autoencoder: how it was trained and how well it did. */
export function describeAutoencoderRecord(dir: string, i: AutoencoderRecord): string {
  const noise = i.noise ? `, inputs with Gaussian noise sd ${i.noise.stddev} (seed ${i.noise.seed}) clipped to [${i.noise.clip.join(", ")}]` : "";
  return `${dir}: trained by scripts/train-autoencoder.ts${i.task === "denoising" ? " --task denoising" : ""} on ${i.trainFrames} frames ` +
    `(validation ${i.valFrames}) for ${i.epochsRun} epoch${i.epochsRun === 1 ? "" : "s"} of batch ${i.batchSize} ` +
    `(${i.minutes.toFixed(0)} minutes, ${i.backend} backend, seed ${i.seed}${noise}); ` +
    `kept epoch ${i.bestEpoch}, validation MSE ${fixed(i.bestValMse, 5)}`;
}

/** How a Rick CNN was trained: epochs, seed, backend, time, and its best epoch. */
function rickDetails(i: RickCnnRecord): string {
  return i.task === "binary"
    ? `${i.epochsRun} epochs (seed ${i.seed}, ${i.backend} backend, ${Math.round(i.minutes)} minutes); ` +
        `best validation accuracy ${fixed(i.bestValAccuracy, 3)} at epoch ${i.bestEpoch} ` +
        `(training accuracy then ${fixed(i.trainAccuracyAtBest, 3)})`
    : `${i.epochsRun} epochs (seed ${i.seed}, ${i.backend} backend, ${Math.round(i.minutes)} minutes, ` +
        `class weights ${JSON.stringify(i.classWeight)}); best validation accuracy ${fixed(i.bestValAccuracy, 3)} at epoch ${i.bestEpoch}`;
}

function dnaDescription(dir: string, i: DnaCnnRecord): string {
  return `loaded ${dir}: ${i.epochsRun} epochs (${i.backend} backend, ${Math.round(i.minutes)} minutes); ` +
    `best validation accuracy ${fixed(i.bestValAccuracy, 3)} at epoch ${i.bestEpoch} ` +
    `(training accuracy then ${fixed(i.trainAccuracyAtBest, 3)})`;
}

/** The line for a network trained on these very frames. */
function matchDescription(task: RickTask | AutoencoderTask, dir: string, record: RickCnnRecord | AutoencoderRecord): string {
  if (task === "binary" || task === "categorical") {
    const r = record as RickCnnRecord;
    return `loaded ${dir}, trained on these very frames (fingerprint ${r.fingerprint}):\n  ${rickDetails(r)}`;
  }
  return describeAutoencoderRecord(dir, record as AutoencoderRecord);
}

/** The line for the committed network when it was NOT trained on these frames. */
function committedDescription(task: RickTask | AutoencoderTask, dir: string, record: RickCnnRecord | AutoencoderRecord, fingerprint: string): string {
  const score = "bestValMse" in record
    ? `validation MSE ${fixed(record.bestValMse, 5)}`
    : `validation accuracy ${typeof record.bestValAccuracy === "number" ? record.bestValAccuracy.toFixed(3) : "?"}`;
  return `${task}: ${dir}, ${record.epochsRun} epochs on the ${record.backend} backend, kept epoch ${record.bestEpoch} (${score}); ` +
    `NOT trained on these frames (none matches their fingerprint ${fingerprint}): read its scores with care`;
}

/** Why nothing matched and how to make a network that does (with the fast-mode note when it applies). */
function missingDescription(task: TrainedTask, root: string, fingerprint: string, roots: string[]): string {
  let text: string;
  if (task === "binary" || task === "categorical") {
    const frames = rickTaskFolders(root, task).reduce((n, f) => n + imageFilesIn(f.path).length, 0);
    text = describeMissingModel(task, fingerprint, frames, tf.getBackend(), roots);
  } else if (task === "autoencoder" || task === "denoising") {
    text = describeMissingAutoencoder(task, fingerprint, roots);
  } else {
    return `No trained DNA CNN in ${path.join("models", taskModelName("dna"))}: make it with npx tsx scripts/train-dna-cnn.ts.`;
  }
  return isFastMode() ? `${text}\n${FAST_NOTE}` : text;
}

function hasModel(dir: string): boolean {
  return fs.existsSync(path.join(dir, "model.json"));
}

function recordName(dir: string, record: { epochsRun: number }): string {
  return `${dir} (${record.epochsRun} epochs)`;
}

/**
 * The longer-trained network for `task`: the course's Keras file, else one trained on these very frames,
 * else the fallback (see the top of this file). Loads one model only; the caller disposes it.
 * With `fallback: "none"` and nothing found, resolves to `{ model: null, ... }` whose description says
 * how to make one.
 */
export async function loadTrainedNetwork<T extends TrainedTask>(task: T, options: LoadTrainedNetworkOptions & { fallback: "none" }): Promise<TrainedNetwork<T> | NoTrainedNetwork>;
export async function loadTrainedNetwork<T extends TrainedTask>(task: T, options?: LoadTrainedNetworkOptions & { fallback?: FallbackNetwork }): Promise<TrainedNetwork<T>>;
export async function loadTrainedNetwork<T extends TrainedTask>(task: T, options: LoadTrainedNetworkOptions = {}): Promise<TrainedNetwork<T> | NoTrainedNetwork> {
  const roots = options.roots ?? TRAINED_MODEL_ROOTS;
  const committedDir = path.join(roots[0], taskModelName(task));

  if (task === "dna") {
    if (hasModel(committedDir)) {
      const record = readTrainingRecord(committedDir, "dna");
      return {
        model: await loadModel(committedDir), record: record as TrainingRecord<T>, source: "committed", path: committedDir,
        name: recordName(committedDir, record), description: dnaDescription(committedDir, record),
      };
    }
    return useFallback(task, options.fallback, missingDescription(task, "", "", roots));
  }

  const root = options.root;
  if (root === undefined) throw new Error(`loadTrainedNetwork("${task}"): give { root }, the Rick and Morty data folder whose frames it is for`);
  const courseFile = COURSE_MODEL_FILES[task];
  if (courseFile !== null) {
    const course = await loadCourseModel(root, courseFile, { quiet: true });
    if (course !== null) {
      return { model: course.model, record: null, source: "course", path: course.file, name: `the course's ${courseFile}`, description: course.message };
    }
  }

  const rickOrAe = task as RickTask | AutoencoderTask;
  const fingerprint = rickOrAe === "binary" || rickOrAe === "categorical" ? rickTaskFingerprint(root, rickOrAe) : autoencoderFingerprint(root);
  const match = findTrainedRecord(rickOrAe, fingerprint, roots);
  if (match !== null) {
    return {
      model: await loadModel(match.dir), record: match.info as TrainingRecord<T>, source: "fingerprint", path: match.dir,
      name: recordName(match.dir, match.info), description: matchDescription(rickOrAe, match.dir, match.info),
    };
  }

  if (options.fallback !== undefined) return useFallback(task, options.fallback, missingDescription(task, root, fingerprint, roots));
  if (!hasModel(committedDir)) {
    throw new Error(`${missingDescription(task, root, fingerprint, roots)} (There is no committed ${committedDir} either.)`);
  }
  const record = readTrainingRecord(committedDir, rickOrAe);
  return {
    model: await loadModel(committedDir), record: record as TrainingRecord<T>, source: "committed", path: committedDir,
    name: recordName(committedDir, record), description: committedDescription(rickOrAe, committedDir, record, fingerprint),
  };
}

/** The chapter's own network (or none), described after why nothing else was used. */
async function useFallback<T extends TrainedTask>(task: T, fallback: FallbackNetwork | "none" | undefined, missing: string): Promise<TrainedNetwork<T> | NoTrainedNetwork> {
  if (fallback === undefined) throw new Error(missing);
  if (fallback === "none") return { model: null, record: null, source: "none", path: null, name: "none", description: missing };
  const goingOn = `Going on with ${fallback.name}${fallback.from ? ` from ${fallback.from}` : ""}.`;
  let model: tf.LayersModel;
  if (fallback.model !== undefined) {
    model = fallback.model;
  } else if (fallback.dir !== undefined && hasModel(fallback.dir)) {
    model = await loadModel(fallback.dir);
  } else {
    throw new Error(`${missing}\nNor is ${fallback.name} there (${fallback.dir ?? "no folder given"}): run the cell that trains it first.`);
  }
  return { model, record: null, source: "fallback", path: fallback.dir ?? null, name: fallback.name, description: `${missing}\n${goingOn}` };
}
