/**
 * Oxford's 17 Category Flower Dataset (80 photos of each of 17 British flowers), as the original
 * course used it: every photo shrunk to 64×64×3, then 40 train / 20 valid / 20 test per class.
 * Not redistributable, so nothing is embedded: the loader reads a user's own copy, in either layout
 *   - Oxford's archive: `jpg/image_0001.jpg` … `image_1360.jpg` (classes in blocks of 80, in the order of
 *     FLOWER17_NAMES), with or without the `jpg/` level;
 *   - one folder per class: `<dir>/<class name>/*.jpg` (classes sorted by folder name).
 */
import * as fs from "fs";
import * as path from "path";
import { readJpeg } from "../images/codecs/jpeg";
import { resizeBilinear } from "../images/codecs/resize";
import { Rng } from "../../random/rng";
import { checkImageSet, type ImageSet } from "../mnist/image-set";
import { stratifiedSubset, type PerClass } from "../mnist/stratified";

export const FLOWER17_NAMES = [
  "Daffodil",
  "Snowdrop",
  "Lily Valley",
  "Bluebell",
  "Crocus",
  "Iris",
  "Tigerlily",
  "Tulip",
  "Fritillary",
  "Sunflower",
  "Daisy",
  "Colts' Foot",
  "Dandelion",
  "Cowslip",
  "Buttercup",
  "Windflower",
  "Pansy",
];

const PER_CLASS_IN_ARCHIVE = 80;
const ARCHIVE_NAME = /^image_(\d{4})\.jpg$/i;
const JPEG_NAME = /\.jpe?g$/i;

export interface LoadFlowers17Args {
  /** The folder holding `jpg/` (or the images), or one sub-folder per class. Default: FLOWERS17_DIR. */
  dir?: string;
  /** Side of the square the photos are resized to (default 64, as in the original). */
  size?: number;
  seed?: number;
  /** Default 40 / 20 / 20, the original's split. */
  perClass?: PerClass;
}

interface LabelledFile {
  file: string;
  label: number;
}

export function loadFlowers17(args: LoadFlowers17Args = {}): ImageSet {
  const dir = args.dir ?? process.env.FLOWERS17_DIR;
  if (dir === undefined || dir === "") {
    throw new Error("loadFlowers17: give `dir` (or set FLOWERS17_DIR) to a folder with the 17-flowers JPEG files");
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`loadFlowers17: no such folder: ${dir}`);
  const size = args.size ?? 64;
  if (!Number.isInteger(size) || size < 1) throw new Error(`loadFlowers17: size must be a positive whole number, got ${size}`);
  const seed = args.seed ?? 1;
  const perClass = args.perClass ?? { train: 40, valid: 20, test: 20 };

  const { files, classNames, layout } = listFlowerFiles(dir);
  const images = new Uint8Array(files.length * size * size * 3);
  files.forEach((f, k) => images.set(readJpegResized(f.file, size), k * size * size * 3));
  const all = checkImageSet({
    images,
    labels: Int32Array.from(files, (f) => f.label),
    n: files.length,
    height: size,
    width: size,
    channels: 3,
    trainId: files.map(() => "train" as const),
    classNames,
    description: `17-flowers (${layout}) in ${dir}: ${files.length} photos resized to ${size}×${size}×3`,
  });
  return stratifiedSubset(all, perClass, new Rng(seed), `${perClass.train} train / ${perClass.valid} valid / ${perClass.test} test per class (seed ${seed})`);
}

/** The labelled JPEG files of either layout. */
export function listFlowerFiles(dir: string): { files: LabelledFile[]; classNames: string[]; layout: string } {
  const archiveDir = fs.existsSync(path.join(dir, "jpg")) ? path.join(dir, "jpg") : dir;
  const archived = fs.readdirSync(archiveDir).filter((n) => ARCHIVE_NAME.test(n)).sort();
  if (archived.length > 0) {
    const files = archived.map((n) => {
      const number = Number(ARCHIVE_NAME.exec(n)![1]);
      const label = Math.floor((number - 1) / PER_CLASS_IN_ARCHIVE);
      if (number < 1 || label >= FLOWER17_NAMES.length) {
        throw new Error(`loadFlowers17: ${n} is outside image_0001..image_1360 of Oxford's archive`);
      }
      return { file: path.join(archiveDir, n), label };
    });
    return { files, classNames: FLOWER17_NAMES, layout: "Oxford archive layout" };
  }
  const classDirs = fs
    .readdirSync(dir)
    .filter((n) => fs.statSync(path.join(dir, n)).isDirectory())
    .sort();
  const files: LabelledFile[] = [];
  classDirs.forEach((c, label) => {
    for (const n of fs.readdirSync(path.join(dir, c)).filter((f) => JPEG_NAME.test(f)).sort()) {
      files.push({ file: path.join(dir, c, n), label });
    }
  });
  if (files.length === 0) {
    throw new Error(`loadFlowers17: found neither jpg/image_NNNN.jpg files nor class folders of .jpg files in ${dir}`);
  }
  return { files, classNames: classDirs, layout: "one folder per class" };
}

/** Decode a JPEG (clear errors from the shared reader) and resize it (bilinear) to size×size RGB bytes. */
export function readJpegResized(file: string, size: number): Uint8Array {
  return resizeBilinear(readJpeg(file), size, size).data;
}
