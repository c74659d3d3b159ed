/**
 * Streaming labelled frames from class folders, in the spirit of Keras's `flow_from_directory`
 * (R keras: `flow_images_from_directory`): a folder holding one sub-folder per class becomes batches
 * of decoded images plus labels, read from disk as they are needed instead of all at once.
 *
 *   const flows = flowFromDirectory({ directory: "data/RickandMorty/altdata", classMode: "binary",
 *                                     validationSplit: 0.2, batchSize: 100, seed: 1 });
 *   await model.fitDataset(flows.training.dataset(), { epochs: 5, validationData: flows.validation!.dataset() });
 *
 * Only one batch of pixels is held at a time (plus what tf.js keeps while training on it), so memory
 * does not grow with the number of files. Labels come from the folder names: the class folders sorted by
 * name (as Keras does), or the order given in `classes`.
 *
 * The validation split follows Keras's rule, class by class: of each class's files (sorted by name),
 * the first `validationSplit` share is the validation subset and the rest the training subset, so the
 * two never share a file. Shuffling and augmentation apply to the training subset only; the validation
 * subset is always read in file order, unchanged, so its `classes` line up with predictions.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random/rng";
import { ImageDataGenerator } from "./image-generator";
import { readJpeg, rgbToUnitFloats } from "../data/images/codecs/jpeg";
import { checkFolder, listFiles } from "../data/images/list-files";
import { fitSize, JPEG_PATTERN, WrongSizePolicy } from "../data/images/loaders/load-images";

/**
 * How labels are delivered (Keras's class_mode):
 * - "categorical": one-hot rows [batch, classes];
 * - "binary": one number per image, [batch, 1], 0 for the first class and 1 for the second (two classes only);
 * - "none": images only (for prediction).
 */
export type ClassMode = "categorical" | "binary" | "none";

export interface FlowFromDirectoryArgs {
  /** The folder that holds one sub-folder per class. */
  directory: string;
  /**
   * Class sub-folders to use, in label order (label 0 first). Default: every sub-folder, sorted by
   * name. Sub-folders not named here are left out.
   */
  classes?: readonly string[];
  /** [height, width] every image must have. Default: the size of the first file. */
  targetSize?: readonly [number, number];
  /** What to do with an image of another size (as the loaders: "error", "resize", "crop"). Default "error". */
  onWrongSize?: WrongSizePolicy;
  /** Where notes about resized or cropped files go. Default `console.warn`. */
  warn?: (message: string) => void;
  /** Default "categorical". */
  classMode?: ClassMode;
  /** Default 32; the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** A new seeded order of the training files every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling. Default 1. */
  seed?: number;
  /** Share of each class held out as the validation subset, strictly between 0 and 1. Default: none. */
  validationSplit?: number;
  /** Random distortions for the training subset (it carries its own seed). Default: none. */
  augment?: ImageDataGenerator;
  /** File names to take (default: .jpg / .jpeg, any case). */
  pattern?: RegExp;
}

export interface FlowBatch {
  /** [batch, height, width, 3], float32 in [0, 1] (before any augmentation). Owned by the caller. */
  xs: tf.Tensor4D;
  /** Labels as the class mode says; absent for "none". Owned by the caller. */
  ys?: tf.Tensor2D;
}

export type FlowSubset = "training" | "validation";

/** One subset's stream of batches. */
export interface DirectoryFlow {
  subset: FlowSubset;
  directory: string;
  classNames: string[];
  classMode: ClassMode;
  /** The files of this subset, in reading order when not shuffled (class by class, sorted by name). */
  files: string[];
  /** The class index of each of `files`. */
  classes: number[];
  /** Files per class in this subset. */
  counts: number[];
  count: number;
  batchSize: number;
  /** Batches in one epoch (the last may be smaller). */
  batchesPerEpoch: number;
  /** [height, width]. */
  targetSize: [number, number];
  /** Whether the order changes every epoch (training subset with shuffle on). */
  shuffled: boolean;
  /** Whether images are distorted (training subset with an `augment` generator). */
  augmented: boolean;
  /** One epoch of batches; each call starts a new epoch (new order when shuffled). */
  batches(): Generator<FlowBatch>;
  /** The same epochs as a tf.data.Dataset of {xs, ys} for `model.fitDataset` / `evaluateDataset`. */
  dataset(): tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }>;
}

export interface DirectoryFlows {
  /** Every file when there is no validation split. */
  training: DirectoryFlow;
  /** Null without `validationSplit`. */
  validation: DirectoryFlow | null;
  classNames: string[];
  /** Label of each class name. */
  classIndices: Record<string, number>;
}

function fail(message: string): never {
  throw new Error(`flowFromDirectory: ${message}`);
}

function checkArgs(args: FlowFromDirectoryArgs): void {
  if (args === null || typeof args !== "object") fail("give the arguments as { directory, ... }");
  if (typeof args.directory !== "string" || args.directory === "") fail("directory must be a folder path");
  const { batchSize, validationSplit, targetSize } = args;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
    fail(`batchSize must be a positive whole number, got ${batchSize}`);
  }
  if (validationSplit !== undefined && !(validationSplit > 0 && validationSplit < 1)) {
    fail(`validationSplit must lie strictly between 0 and 1 (e.g. 0.2), got ${validationSplit}; ` +
      "leave it out for no validation subset");
  }
  if (targetSize !== undefined) {
    const ok = Array.isArray(targetSize) && targetSize.length === 2 && targetSize.every((v) => Number.isInteger(v) && v > 0);
    if (!ok) fail(`targetSize must be [height, width] in whole pixels, got ${JSON.stringify(targetSize)}`);
  }
  const mode = args.classMode ?? "categorical";
  if (!["categorical", "binary", "none"].includes(mode)) {
    fail(`classMode must be "categorical", "binary" or "none", got ${JSON.stringify(mode)}`);
  }
  const policy = args.onWrongSize ?? "error";
  if (!["error", "resize", "crop"].includes(policy)) {
    fail(`onWrongSize must be "error", "resize" or "crop", got ${JSON.stringify(policy)}`);
  }
  if (args.augment !== undefined && !(args.augment instanceof ImageDataGenerator)) {
    fail("augment must be an ImageDataGenerator (new dl.ImageDataGenerator({...}))");
  }
  if (args.seed !== undefined && !Number.isInteger(args.seed)) fail(`seed must be a whole number, got ${args.seed}`);
}

/** The class folders to read, checked. */
function classFolders(directory: string, classes: readonly string[] | undefined): string[] {
  checkFolder(directory);
  const subfolders = fs
    .readdirSync(directory, { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && (e.isDirectory() || (e.isSymbolicLink() && linksToFolder(path.join(directory, e.name)))))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (classes === undefined) {
    if (subfolders.length === 0) {
      const files = listFiles(directory).length;
      fail(`${directory} holds no class folders (it should hold one sub-folder per class, e.g. ` +
        `${path.join(directory, "cats")} and ${path.join(directory, "dogs")}; it holds ${files} file(s) directly)`);
    }
    return subfolders;
  }
  if (!Array.isArray(classes) || classes.length === 0) fail("classes must be a non-empty list of sub-folder names");
  const seen = new Set<string>();
  for (const c of classes) {
    if (seen.has(c)) fail(`class ${JSON.stringify(c)} is named twice in classes`);
    seen.add(c);
    if (!subfolders.includes(c)) {
      fail(`no class folder ${path.join(directory, c)}; the sub-folders there are: ${subfolders.join(", ") || "(none)"}`);
    }
  }
  return [...classes];
}

/**
 * Lists the class folders of `args.directory` and returns a stream of batches for the training
 * subset and, with `validationSplit`, one for the validation subset. Nothing is decoded yet: files
 * are read as batches are asked for, and a broken file stops the stream with an error naming it.
 */
export function flowFromDirectory(args: FlowFromDirectoryArgs): DirectoryFlows {
  checkArgs(args);
  const { directory } = args;
  const classNames = classFolders(directory, args.classes);
  const classMode = args.classMode ?? "categorical";
  if (classMode === "binary" && classNames.length !== 2) {
    fail(`classMode "binary" needs exactly 2 classes, ${directory} gives ${classNames.length} (${classNames.join(", ")}); ` +
      'use "categorical" or pick two with classes: [...]');
  }
  const pattern = args.pattern ?? JPEG_PATTERN;
  const perClass = classNames.map((name) => {
    const folder = path.join(directory, name);
    const files = listFiles(folder, { pattern, fullNames: true });
    if (files.length === 0) {
      const others = listFiles(folder).length;
      fail(`class folder ${folder} holds no files matching ${String(pattern)} (${others === 0 ? "it is empty" : `it holds ${others} other file(s)`})`);
    }
    return files;
  });

  const split = args.validationSplit;
  const training: { files: string[]; classes: number[] } = { files: [], classes: [] };
  const validation: { files: string[]; classes: number[] } = { files: [], classes: [] };
  perClass.forEach((files, k) => {
    // Keras's rule: the first share of each class (in name order) is validation.
    const nVal = split === undefined ? 0 : Math.floor(split * files.length);
    files.forEach((f, i) => {
      const part = i < nVal ? validation : training;
      part.files.push(f);
      part.classes.push(k);
    });
  });
  if (training.files.length === 0) fail(`validationSplit ${split} leaves no file for training`);
  if (split !== undefined && validation.files.length === 0) {
    fail(`validationSplit ${split} leaves no file for validation (the classes hold ${perClass.map((f) => f.length).join(", ")} files)`);
  }

  const targetSize: [number, number] = args.targetSize !== undefined ? [args.targetSize[0], args.targetSize[1]] : firstSize(training.files[0]);
  const common = {
    directory,
    classNames,
    classMode,
    batchSize: args.batchSize ?? 32,
    targetSize,
    policy: args.onWrongSize ?? "error",
    warn: args.warn ?? ((m: string) => console.warn(m)),
  };
  const seed = args.seed ?? 1;
  const shuffle = args.shuffle ?? true;
  const classIndices: Record<string, number> = {};
  classNames.forEach((c, k) => (classIndices[c] = k));
  return {
    training: makeFlow({ ...common, subset: "training", part: training, shuffle, seed, augment: args.augment }),
    validation: split === undefined ? null : makeFlow({ ...common, subset: "validation", part: validation, shuffle: false, seed, augment: undefined }),
    classNames,
    classIndices,
  };
}

function firstSize(file: string): [number, number] {
  const img = readJpeg(file);
  return [img.height, img.width];
}

interface FlowSpec {
  subset: FlowSubset;
  directory: string;
  classNames: string[];
  classMode: ClassMode;
  batchSize: number;
  targetSize: [number, number];
  policy: WrongSizePolicy;
  warn: (message: string) => void;
  part: { files: string[]; classes: number[] };
  shuffle: boolean;
  seed: number;
  augment: ImageDataGenerator | undefined;
}

function makeFlow(spec: FlowSpec): DirectoryFlow {
  const { files, classes } = spec.part;
  const [height, width] = spec.targetSize;
  const k = spec.classNames.length;
  const rng = new Rng(spec.seed);
  const frameSize = height * width * 3;
  const counts = spec.classNames.map((_, c) => classes.filter((x) => x === c).length);
  // Files already reported as resized or cropped (one note per file, not one per epoch).
  const noted = new Set<string>();
  const warnOnce = (m: string, file: string): void => {
    if (!noted.has(file)) spec.warn(m);
    noted.add(file);
  };

  function readBatch(ids: number[]): FlowBatch {
    const values = new Float32Array(ids.length * frameSize);
    ids.forEach((id, j) => {
      const file = files[id];
      const fitted = fitSize(readJpeg(file), file, height, width, spec.policy, (m) => warnOnce(m, file)).img;
      if (spec.augment === undefined) {
        rgbToUnitFloats(fitted.data, values, j * frameSize);
        return;
      }
      const unit = new Float32Array(frameSize);
      rgbToUnitFloats(fitted.data, unit);
      values.set(spec.augment.randomTransform({ data: unit, height, width, channels: 3 }).data, j * frameSize);
    });
    const xs = tf.tensor4d(values, [ids.length, height, width, 3]);
    if (spec.classMode === "none") return { xs };
    const ys = spec.classMode === "binary"
      ? tf.tensor2d(ids.map((id) => classes[id]), [ids.length, 1])
      : tf.tensor2d(oneHotRows(ids.map((id) => classes[id]), k), [ids.length, k]);
    return { xs, ys };
  }

  function* batches(): Generator<FlowBatch> {
    const order = spec.shuffle ? rng.sample(files.length) : files.map((_, i) => i);
    for (let start = 0; start < order.length; start += spec.batchSize) {
      yield readBatch(order.slice(start, start + spec.batchSize));
    }
  }

  function dataset(): tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }> {
    if (spec.classMode === "none") fail('dataset() needs labels; with classMode "none" read batches() and predict on each');
    return tf.data.generator(() => {
      const it = batches();
      return {
        next: () => {
          const r = it.next();
          return r.done ? { done: true, value: null } : { done: false, value: { xs: r.value.xs, ys: r.value.ys as tf.Tensor2D } };
        },
      };
    }) as unknown as tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }>;
  }

  return {
    subset: spec.subset,
    directory: spec.directory,
    classNames: spec.classNames,
    classMode: spec.classMode,
    files: [...files],
    classes: [...classes],
    counts,
    count: files.length,
    batchSize: spec.batchSize,
    batchesPerEpoch: Math.ceil(files.length / spec.batchSize),
    targetSize: [height, width],
    shuffled: spec.shuffle,
    augmented: spec.augment !== undefined,
    batches,
    dataset,
  };
}

function oneHotRows(labels: number[], k: number): Float32Array {
  const out = new Float32Array(labels.length * k);
  labels.forEach((c, i) => (out[i * k + c] = 1));
  return out;
}

/** True when the link leads to a folder; a link that dangles or loops leads nowhere. */
function linksToFolder(p: string): boolean {
  try {
    return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}
