/**
 * A few classes of CIFAR-10 as tensors for a chapter: reads the five training batches and the test
 * batch of a folder in the binary format (the real data set, or the stand-in this kit writes in the
 * same format), keeps the images of the classes asked for, in file order, and numbers those classes
 * 0, 1, 2, … in the order given. Deer (4), frog (6) and truck (9) give 15,000 training and 3,000
 * test images of the real set, as in the course.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import {
  CIFAR_IMAGE_BYTES, CIFAR_TEST_FILE, CIFAR_TRAIN_FILES, CifarBatch, planesToRgb, readCifarBatch, readCifarClassNames,
} from "./binary-batch";

/** CIFAR-10 labels of the course's three classes: deer, frog, truck. */
export const DEER_FROG_TRUCK = [4, 6, 9] as const;

export interface CifarSplit {
  /** Images [n, 32, 32, 3], values 0..1. */
  x: tf.Tensor4D;
  /** One-hot labels [n, classes] (the course's y_train / y_test). */
  y: tf.Tensor2D;
  /** Class of each image, 0-based in the order of `classes`. */
  labels: number[];
}

export interface CifarSelection {
  train: CifarSplit;
  test: CifarSplit;
  /** Names of the kept classes, in their new order (from batches.meta.txt when present). */
  classNames: string[];
  /** The kept CIFAR-10 labels, in the same order. */
  cifarLabels: number[];
  dir: string;
}

export interface LoadCifarOptions {
  /** CIFAR-10 labels to keep, in the order they are to be numbered (default deer, frog, truck). */
  classes?: readonly number[];
}

/** The batch files `dir` is missing, by name (empty when all six are there). */
export function missingCifarFiles(dir: string): string[] {
  return [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE].filter((f) => !fs.existsSync(path.join(dir, f)));
}

function select(batches: CifarBatch[], keep: readonly number[], what: string): CifarSplit {
  const index = new Map<number, number>(keep.map((c, i) => [c, i]));
  let n = 0;
  for (const b of batches) for (const l of b.labels) if (index.has(l)) n++;
  if (n === 0) throw new Error(`${what}: no image has one of the labels ${keep.join(", ")}`);
  const rgb = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  const labels: number[] = [];
  for (const b of batches) {
    for (let r = 0; r < b.count; r++) {
      const k = index.get(b.labels[r]);
      if (k === undefined) continue;
      planesToRgb(b.planes, r, rgb, labels.length * CIFAR_IMAGE_BYTES);
      labels.push(k);
    }
  }
  return tf.tidy(() => {
    const x = tf.tensor4d(rgb, [n, 32, 32, 3], "int32").toFloat().div(255) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d(labels, "int32"), keep.length).toFloat() as tf.Tensor2D;
    return { x, y, labels };
  });
}

/** Reads the six batches of `dir` and keeps the classes asked for (see the file comment). */
export function loadCifarClasses(dir: string, options: LoadCifarOptions = {}): CifarSelection {
  const keep = [...(options.classes ?? DEER_FROG_TRUCK)];
  if (keep.length === 0) throw new Error("loadCifarClasses: give at least one class");
  for (const c of keep) {
    if (!Number.isInteger(c) || c < 0 || c > 9) throw new Error(`loadCifarClasses: class ${c} is not a CIFAR-10 label (0..9)`);
  }
  if (new Set(keep).size !== keep.length) throw new Error(`loadCifarClasses: a class is listed twice in ${keep.join(", ")}`);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`CIFAR-10 folder ${dir} does not exist`);
  const missing = missingCifarFiles(dir);
  if (missing.length > 0) {
    throw new Error(
      `CIFAR-10 folder ${dir} lacks ${missing.join(", ")}; it needs data_batch_1.bin … data_batch_5.bin and ` +
        `test_batch.bin (the binary version, cifar-10-batches-bin)`,
    );
  }
  const names = readCifarClassNames(dir);
  const trainBatches = CIFAR_TRAIN_FILES.map((f) => readCifarBatch(path.join(dir, f)));
  const testBatch = readCifarBatch(path.join(dir, CIFAR_TEST_FILE));
  const train = select(trainBatches, keep, `${dir} (training batches)`);
  let test: CifarSplit;
  try {
    test = select([testBatch], keep, path.join(dir, CIFAR_TEST_FILE));
  } catch (e) {
    tf.dispose([train.x, train.y]);
    throw e;
  }
  return { train, test, classNames: keep.map((c) => names[c]), cifarLabels: keep, dir };
}

/** Frees the tensors of a selection. */
export function disposeCifar(s: CifarSelection): void {
  tf.dispose([s.train.x, s.train.y, s.test.x, s.test.y]);
}
