/**
 * Labels from folders: every frame in a folder gets that folder's label, as the course builds its
 * Rick (0) / not Rick (1) labels, its two-output [Rick, Morty] labels and its class indices.
 */
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { DECODING_LABEL, LoadFolderOptions, LoadedImages, imageFilesIn, loadImageFilesSteps } from "./load-images";
import { AsyncProgressOptions, WorkSteps, driveSteps, runSteps } from "../../display/work-progress";

export interface LabelledFolder {
  /** The folder holding this class's frames. */
  path: string;
  /** The label of its frames: a number (binary or class index) or a vector (multi-label, e.g. [1, 0]). */
  label: number | readonly number[];
  /** A name for reports. Default: the folder's own name. */
  name?: string;
}

export interface LoadLabelledOptions extends LoadFolderOptions {
  folders: readonly LabelledFolder[];
}

export interface LabelledImages extends LoadedImages {
  /** `[N, k]` labels, one row per frame (k = 1 for a number label). The caller disposes it. */
  y: tf.Tensor2D;
  /** The same labels as plain rows. */
  labels: number[][];
  /** Which folder (index into `folders`) each frame came from: a class index per frame. */
  folderIndex: number[];
  /** The name of each folder. */
  classNames: string[];
  /** Frames per folder. */
  counts: number[];
}

function labelRow(folder: LabelledFolder): number[] {
  const row = typeof folder.label === "number" ? [folder.label] : [...folder.label];
  if (row.length === 0 || row.some((v) => !Number.isFinite(v))) {
    throw new Error(`loadLabelledFolders: the label of ${folder.path} must be a number or a non-empty list of numbers`);
  }
  return row;
}

/**
 * Loads every folder's frames (in the order given, each sorted by name) into one tensor `x`
 * and labels `y`. Folders that are missing or hold no matching file are errors; unreadable files in
 * any folder are named together in one error, or left out with `onBadFile: "skip"` (see load-images.ts).
 */
export function loadLabelledFolders(options: LoadLabelledOptions): LabelledImages {
  return runSteps(loadLabelledSteps(options));
}

/**
 * `loadLabelledFolders` with a live progress line in a notebook (count, rate, time left; see
 * display/work-progress.ts). Same result; `await` it.
 */
export function loadLabelledFoldersAsync(options: LoadLabelledOptions & AsyncProgressOptions): Promise<LabelledImages> {
  return driveSteps(loadLabelledSteps(options), options?.progress === false ? null : DECODING_LABEL);
}

/** The work of `loadLabelledFolders`, one step per file. */
export function* loadLabelledSteps(options: LoadLabelledOptions): WorkSteps<LabelledImages> {
  const { folders } = options;
  if (!Array.isArray(folders) || folders.length === 0) {
    throw new Error("loadLabelledFolders: give at least one folder as { path, label }");
  }
  const rows = folders.map(labelRow);
  const width = rows[0].length;
  rows.forEach((r, i) => {
    if (r.length !== width) {
      throw new Error(`loadLabelledFolders: all labels need the same length; ${folders[i].path} has ${r.length}, the first has ${width}`);
    }
  });

  const perFolder = folders.map((f) => imageFilesIn(f.path, options.pattern));
  const files = perFolder.flat();
  const folderIndex = perFolder.flatMap((fs, k) => fs.map(() => k));
  const labels = folderIndex.map((k) => [...rows[k]]);

  const images = yield* loadImageFilesSteps(files, options);
  // Files left out by onBadFile: "skip" take their labels with them.
  const skipped = new Set(images.skipped.map((s) => s.index));
  const keptIndex = folderIndex.filter((_, i) => !skipped.has(i));
  const keptLabels = labels.filter((_, i) => !skipped.has(i));
  const y = tf.tensor2d(keptLabels.flat(), [keptLabels.length, width]);
  return {
    ...images,
    y,
    labels: keptLabels,
    folderIndex: keptIndex,
    classNames: folders.map((f) => f.name ?? path.basename(path.resolve(f.path))),
    counts: folders.map((_, k) => keptIndex.filter((j) => j === k).length),
  };
}
