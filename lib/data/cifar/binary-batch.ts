/**
 * CIFAR-10's binary batches ("CIFAR-10 binary version"): `data_batch_1.bin` … `data_batch_5.bin`
 * (10,000 images each) and `test_batch.bin` (10,000), plus `batches.meta.txt` with the ten class
 * names one per line. Each record is 3,073 bytes: one label byte (0..9), then 1,024 red, 1,024
 * green and 1,024 blue bytes, each plane a 32 × 32 image in row-major order.
 *
 * The readers here check what they can and say what is wrong: a size that is not a whole number of
 * records, an empty file, a label outside 0..9.
 */
import * as fs from "fs";
import * as path from "path";
import { replaceFile } from "../../io/safe-write";

export const CIFAR_SIDE = 32;
export const CIFAR_PIXELS = CIFAR_SIDE * CIFAR_SIDE;
/** Bytes per image without the label: three planes of 32 × 32. */
export const CIFAR_IMAGE_BYTES = 3 * CIFAR_PIXELS;
/** Bytes per record: label byte + image. */
export const CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;
/** Records in each batch file of the real data set. */
export const CIFAR_BATCH_RECORDS = 10000;

/** The ten CIFAR-10 classes, in label order (what batches.meta.txt lists). */
export const CIFAR10_CLASSES = [
  "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
] as const;

export const CIFAR_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR_TEST_FILE = "test_batch.bin";
export const CIFAR_META_FILE = "batches.meta.txt";

/** One batch: labels and images (planes R, G, B per image, as in the file). */
export interface CifarBatch {
  /** Number of records. */
  count: number;
  /** Label of each record, 0..9. */
  labels: Uint8Array;
  /** `count × 3072` bytes: per record the R plane, then G, then B (32 × 32 each, row-major). */
  planes: Uint8Array;
}

/** Parses the bytes of one batch file; `name` is used in error messages. */
/** The largest batch file read: ten times a real batch. */
export const MAX_CIFAR_BATCH_BYTES = 10 * CIFAR_BATCH_RECORDS * CIFAR_RECORD_BYTES;

/** Throws, naming `name`, unless `length` bytes can be whole records. */
export function checkCifarSize(length: number, name: string): void {
  if (length === 0) throw new Error(`${name}: the file is empty (a CIFAR-10 batch holds records of ${CIFAR_RECORD_BYTES} bytes)`);
  if (length % CIFAR_RECORD_BYTES !== 0) {
    const whole = Math.floor(length / CIFAR_RECORD_BYTES);
    throw new Error(
      `${name}: ${length} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records ` +
        `(${whole} records and ${length - whole * CIFAR_RECORD_BYTES} bytes left over); ` +
        `is this the binary version of CIFAR-10 (not the Python or MATLAB one), and is the file complete?`,
    );
  }
}

export function parseCifarBatch(bytes: Uint8Array, name = "CIFAR batch"): CifarBatch {
  checkCifarSize(bytes.length, name);
  const count = bytes.length / CIFAR_RECORD_BYTES;
  const labels = new Uint8Array(count);
  const planes = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  for (let r = 0; r < count; r++) {
    const at = r * CIFAR_RECORD_BYTES;
    const label = bytes[at];
    if (label > 9) {
      throw new Error(`${name}: record ${r + 1} (byte offset ${at}) has label ${label}; CIFAR-10 labels are 0..9`);
    }
    labels[r] = label;
    planes.set(bytes.subarray(at + 1, at + CIFAR_RECORD_BYTES), r * CIFAR_IMAGE_BYTES);
  }
  return { count, labels, planes };
}

/** Reads one batch file (e.g. `data_batch_1.bin`). */
export function readCifarBatch(file: string): CifarBatch {
  if (!fs.existsSync(file)) throw new Error(`CIFAR-10 batch ${file} does not exist`);
  const stat = fs.statSync(file);
  if (!stat.isFile()) throw new Error(`CIFAR-10 batch ${file} is not a regular file`);
  // The size alone says whether it can be a batch: checked before the file is read.
  if (stat.size > MAX_CIFAR_BATCH_BYTES) {
    throw new Error(`${file}: ${stat.size} bytes is far more than a CIFAR-10 batch (${CIFAR_BATCH_RECORDS} records of ${CIFAR_RECORD_BYTES} bytes)`);
  }
  checkCifarSize(stat.size, file);
  return parseCifarBatch(fs.readFileSync(file), file);
}

/** The bytes of a batch file for these labels and images (planes as in `CifarBatch`). */
export function encodeCifarBatch(labels: ArrayLike<number>, planes: Uint8Array): Uint8Array {
  const count = labels.length;
  if (planes.length !== count * CIFAR_IMAGE_BYTES) {
    throw new Error(`encodeCifarBatch: ${count} labels need ${count * CIFAR_IMAGE_BYTES} image bytes, got ${planes.length}`);
  }
  const out = new Uint8Array(count * CIFAR_RECORD_BYTES);
  for (let r = 0; r < count; r++) {
    const label = labels[r];
    if (!Number.isInteger(label) || label < 0 || label > 9) throw new Error(`encodeCifarBatch: label ${label} of record ${r + 1} is not in 0..9`);
    out[r * CIFAR_RECORD_BYTES] = label;
    out.set(planes.subarray(r * CIFAR_IMAGE_BYTES, (r + 1) * CIFAR_IMAGE_BYTES), r * CIFAR_RECORD_BYTES + 1);
  }
  return out;
}

/** Writes a batch file (written aside and renamed, so a reader never sees half a file). */
export function writeCifarBatch(file: string, labels: ArrayLike<number>, planes: Uint8Array): void {
  const bytes = encodeCifarBatch(labels, planes);
  replaceFile("writeCifarBatch", file, bytes);
}

/** Image `index` of a batch as interleaved RGB bytes, [32][32][3] row-major (what a tensor wants). */
export function planesToRgb(planes: Uint8Array, index: number, out = new Uint8Array(CIFAR_IMAGE_BYTES), outOffset = 0): Uint8Array {
  const at = index * CIFAR_IMAGE_BYTES;
  for (let p = 0; p < CIFAR_PIXELS; p++) {
    out[outOffset + p * 3] = planes[at + p];
    out[outOffset + p * 3 + 1] = planes[at + CIFAR_PIXELS + p];
    out[outOffset + p * 3 + 2] = planes[at + 2 * CIFAR_PIXELS + p];
  }
  return out;
}

/** Interleaved RGB bytes ([32][32][3]) of one image as the file's R, G, B planes. */
export function rgbToPlanes(rgb: Uint8Array, out = new Uint8Array(CIFAR_IMAGE_BYTES), outOffset = 0): Uint8Array {
  if (rgb.length !== CIFAR_IMAGE_BYTES) throw new Error(`rgbToPlanes: a 32×32 RGB image has ${CIFAR_IMAGE_BYTES} bytes, got ${rgb.length}`);
  for (let p = 0; p < CIFAR_PIXELS; p++) {
    out[outOffset + p] = rgb[p * 3];
    out[outOffset + CIFAR_PIXELS + p] = rgb[p * 3 + 1];
    out[outOffset + 2 * CIFAR_PIXELS + p] = rgb[p * 3 + 2];
  }
  return out;
}

/** Class names from `batches.meta.txt` (one per line, blank lines ignored); CIFAR10_CLASSES when the file is absent. */
export function readCifarClassNames(dir: string): string[] {
  const file = path.join(dir, CIFAR_META_FILE);
  if (!fs.existsSync(file)) return [...CIFAR10_CLASSES];
  const size = fs.statSync(file).size;
  if (size > 64 * 1024) throw new Error(`${file}: ${size} bytes is not a list of ten class names`);
  const names = fs.readFileSync(file, "utf8").split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== 10) throw new Error(`${file}: expected 10 class names, one per line, found ${names.length}`);
  return names;
}
