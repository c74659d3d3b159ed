/**
 * Loading many JPEG frames into one `[N, height, width, 3]` tensor of floats in [0, 1].
 *
 * Memory: the frames are decoded one at a time straight into a single preallocated Float32Array,
 * which becomes the tensor. 5,257 frames of 90×160 take 908 MB that way (R's double array
 * takes twice that); nothing else of that size is ever held.
 */
import * as tf from "@tensorflow/tfjs";
import { RgbImage, readJpeg, rgbToUnitFloats } from "./jpeg";
import { cropTopLeft, resizeBilinear } from "./resize";
import { listFiles } from "./list-files";
import { hashPixels } from "./duplicates";

/**
 * What to do with a frame whose size differs from the expected one:
 * - "error" (default): stop with an error that names the file and these options;
 * - "resize": resample it bilinearly to the expected size, with a warning;
 * - "crop": keep its top-left corner (what the course's R code does), with a warning.
 */
export type WrongSizePolicy = "error" | "resize" | "crop";

/** The default file-name pattern: names ending in .jpg or .jpeg, any case. */
export const JPEG_PATTERN = /\.jpe?g$/i;

export interface LoadImagesOptions {
  /** Expected frame height in pixels. Default: the height of the first file. */
  height?: number;
  /** Expected frame width in pixels. Default: the width of the first file. */
  width?: number;
  /** See `WrongSizePolicy`. Default "error". */
  onWrongSize?: WrongSizePolicy;
  /** Where warnings go (resized or cropped frames). Default `console.warn`. */
  warn?: (message: string) => void;
  /** Called after each frame with (frames done, total), e.g. for a progress line. */
  onProgress?: (done: number, total: number) => void;
}

export interface LoadedImages {
  /** `[N, height, width, 3]`, float32 in [0, 1]. The caller owns it (dispose when done). */
  x: tf.Tensor4D;
  /** The file of each row of `x`. */
  files: string[];
  /** A hash of each file's decoded pixels (as stored, before any resize): equal hash = same frame. */
  hashes: string[];
  /** Files that were resized or cropped to fit. */
  adjusted: string[];
}

function checkOption(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v <= 0)) {
    throw new Error(`loadImages: ${name} must be a positive whole number, got ${v}`);
  }
}

/** Makes `img` the expected size according to the policy, or throws a helpful error. */
function fitSize(img: RgbImage, file: string, height: number, width: number, policy: WrongSizePolicy,
  warn: (m: string) => void): { img: RgbImage; adjusted: boolean } {
  if (img.height === height && img.width === width) return { img, adjusted: false };
  const found = `${img.height}×${img.width}`;
  const wanted = `${height}×${width}`;
  if (policy === "resize") {
    warn(`${file}: ${found} (height×width) resized to ${wanted}`);
    return { img: resizeBilinear(img, height, width), adjusted: true };
  }
  if (policy === "crop" && img.height >= height && img.width >= width) {
    warn(`${file}: ${found} (height×width) cropped to its top-left ${wanted}`);
    return { img: cropTopLeft(img, height, width), adjusted: true };
  }
  const why = policy === "crop" ? "; it is too small to crop" : "";
  throw new Error(
    `${file} is ${found} (height×width) but the frames should be ${wanted}${why}. ` +
      `Pass onWrongSize: "resize" to resample it, or "crop" to keep its top-left corner, or remove the file.`,
  );
}

/** Loads the given JPEG files, in order, into one tensor (see the module comment). */
export function loadImageFiles(files: readonly string[], options: LoadImagesOptions = {}): LoadedImages {
  if (files.length === 0) throw new Error("loadImages: no files given");
  checkOption("height", options.height);
  checkOption("width", options.width);
  const policy = options.onWrongSize ?? "error";
  if (!["error", "resize", "crop"].includes(policy)) {
    throw new Error(`loadImages: onWrongSize must be "error", "resize" or "crop", got ${JSON.stringify(policy)}`);
  }
  const warn = options.warn ?? ((m: string) => console.warn(m));

  const first = readJpeg(files[0]);
  const height = options.height ?? first.height;
  const width = options.width ?? first.width;
  const frameSize = height * width * 3;
  const values = new Float32Array(files.length * frameSize);
  const hashes: string[] = [];
  const adjusted: string[] = [];

  for (let i = 0; i < files.length; i++) {
    const decoded = i === 0 ? first : readJpeg(files[i]);
    hashes.push(hashPixels(decoded.data));
    const fitted = fitSize(decoded, files[i], height, width, policy, warn);
    if (fitted.adjusted) adjusted.push(files[i]);
    rgbToUnitFloats(fitted.img.data, values, i * frameSize);
    options.onProgress?.(i + 1, files.length);
  }
  const x = tf.tensor4d(values, [files.length, height, width, 3]);
  return { x, files: [...files], hashes, adjusted };
}

export interface LoadFolderOptions extends LoadImagesOptions {
  /** File-name pattern as in R's `list.files` (a string is a regular expression). Default `JPEG_PATTERN`. */
  pattern?: string | RegExp;
}

/** The files of `folder` that match the pattern, with an error if there are none. */
export function imageFilesIn(folder: string, pattern: string | RegExp = JPEG_PATTERN): string[] {
  const files = listFiles(folder, { pattern, fullNames: true });
  if (files.length === 0) {
    const others = listFiles(folder).length;
    const held = others === 0 ? "the folder is empty" : `it holds ${others} other file(s)`;
    throw new Error(`no files matching ${String(pattern)} in ${folder}: ${held}`);
  }
  return files;
}

/** Loads every matching JPEG in `folder` (sorted by name) into one tensor. */
export function loadImageFolder(folder: string, options: LoadFolderOptions = {}): LoadedImages {
  return loadImageFiles(imageFilesIn(folder, options.pattern), options);
}

