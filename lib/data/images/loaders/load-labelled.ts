/**
 * Labels from folders: every frame in a folder gets that folder's label, as the course builds its
 * Rick (0) / not Rick (1) labels, its two-output [Rick, Morty] labels and its class indices.
 */
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { DECODING_LABEL, LoadFolderOptions, LoadedImages, SkippedFile, decodeFramesSteps, imageFilesIn, loadImageFilesSteps } from "./load-images";
import { FrameBytes } from "./frame-bytes";
import { AsyncProgressOptions, WorkSteps, driveSteps, runSteps } from "../../../kernel/work-progress";

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
 * kernel/work-progress.ts). Same result; `await` it.
 */
export function loadLabelledFoldersAsync(options: LoadLabelledOptions & AsyncProgressOptions): Promise<LabelledImages> {
  return driveSteps(loadLabelledSteps(options), options?.progress === false ? null : DECODING_LABEL);
}

/** The work of `loadLabelledFolders`, one step per file. */
export function* loadLabelledSteps(options: LoadLabelledOptions): WorkSteps<LabelledImages> {
  const plan = labelPlan(options);
  const images = yield* loadImageFilesSteps(plan.files, options);
  return { ...images, ...labelsKept(plan, images.skipped, options.folders) };
}

/** Labelled frames kept as bytes (see frame-bytes.ts): `x` is a `FrameBytes`, not a float tensor. */
export interface LabelledFrames extends Omit<LabelledImages, "x"> {
  /** Every frame read, as bytes: `x.take(indices)` picks some without copying, `dl.takeRows(x, indices)` gives them as floats. */
  x: FrameBytes;
}

/**
 * `loadLabelledFolders` with the frames kept as bytes, a quarter of the memory of the float tensor
 * (5,257 frames of 90×160: 227 MB instead of 908 MB); they become floats a batch at a time
 * (`x.batches`, `predictFrames`) or when asked for (`dl.takeRows(x, rows)`).
 */
export function loadLabelledFrames(options: LoadLabelledOptions): LabelledFrames {
  return runSteps(loadLabelledFramesSteps(options));
}

/** `loadLabelledFrames` with a live progress line in a notebook; `await` it. */
export function loadLabelledFramesAsync(options: LoadLabelledOptions & AsyncProgressOptions): Promise<LabelledFrames> {
  return driveSteps(loadLabelledFramesSteps(options), options?.progress === false ? null : DECODING_LABEL);
}

/** The work of `loadLabelledFrames`, one step per file. */
export function* loadLabelledFramesSteps(options: LoadLabelledOptions): WorkSteps<LabelledFrames> {
  const plan = labelPlan(options);
  const read = yield* decodeFramesSteps(plan.files, options, (n) => new Uint8Array(n), (rgb, out, offset) => out.set(rgb, offset));
  const x = new FrameBytes(read.values, read.height, read.width);
  return { x, files: read.files, hashes: read.hashes, adjusted: read.adjusted, skipped: read.skipped, ...labelsKept(plan, read.skipped, options.folders) };
}

interface LabelPlan {
  files: string[];
  folderIndex: number[];
  labels: number[][];
  width: number;
}

/** Checks the folders and their labels, and lists their files with the label of each. */
function labelPlan(options: LoadLabelledOptions): LabelPlan {
  const { folders } = options ?? {};
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
  return { files, folderIndex, labels, width };
}

/** The labels of the files that were read (files left out by onBadFile: "skip" take theirs with them). */
function labelsKept(plan: LabelPlan, skippedFiles: readonly SkippedFile[], folders: readonly LabelledFolder[]) {
  const skipped = new Set(skippedFiles.map((s) => s.index));
  const keptIndex = plan.folderIndex.filter((_, i) => !skipped.has(i));
  const keptLabels = plan.labels.filter((_, i) => !skipped.has(i));
  const y = tf.tensor2d(keptLabels.flat(), [keptLabels.length, plan.width]);
  return {
    y,
    labels: keptLabels,
    folderIndex: keptIndex,
    classNames: folders.map((f) => f.name ?? path.basename(path.resolve(f.path))),
    counts: folders.map((_, k) => keptIndex.filter((j) => j === k).length),
  };
}
