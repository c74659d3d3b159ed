/**
 * Loading many JPEG frames into one `[N, height, width, 3]` tensor of floats in [0, 1].
 *
 * Memory: the frames are decoded one at a time straight into a single preallocated Float32Array,
 * which becomes the tensor. 5,257 frames of 90×160 take 908 MB that way (R's double array
 * takes twice that); nothing else of that size is ever held.
 */
import * as tf from "@tensorflow/tfjs";
import { RgbImage, readJpeg, rgbToUnitFloats } from "../codecs/jpeg";
import { cropTopLeft, resizeBilinear } from "../codecs/resize";
import { listFiles } from "../list-files";
import { hashPixels } from "../checks/duplicates";
import { AsyncProgressOptions, ProgressLabel, WorkSteps, driveSteps, runSteps } from "../../../kernel/work-progress";

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
  /** See `BadFilePolicy`. Default "error". */
  onBadFile?: BadFilePolicy;
}

/**
 * What to do with files that cannot be read as JPEG (empty, truncated, damaged, another format):
 * - "error" (default): read all the others first, then stop with one error that names every bad
 *   file and what is wrong with it, so they can all be fixed at once;
 * - "skip": leave them out, say so with one warning, and list them in `skipped`.
 */
export type BadFilePolicy = "error" | "skip";

/** A file left out by `onBadFile: "skip"`. */
export interface SkippedFile {
  file: string;
  /** Its position in the list of files asked for. */
  index: number;
  /** What is wrong with it (the reader's message, which names the file). */
  reason: string;
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
  /** Files left out because they could not be read (only with `onBadFile: "skip"`; else empty). */
  skipped: SkippedFile[];
}

function checkOption(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v <= 0)) {
    throw new Error(`loadImages: ${name} must be a positive whole number, got ${v}`);
  }
}

/** Makes `img` the expected size according to the policy, or throws a helpful error. */
export function fitSize(img: RgbImage, file: string, height: number, width: number, policy: WrongSizePolicy,
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

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One error for several unusable files: each file's own message, then what can be done. */
function problemsError(total: number, bad: readonly SkippedFile[], wrongSize: readonly string[]): Error {
  const all = [...bad.map((b) => ({ index: b.index, text: b.reason })), ...wrongSize.map((text, k) => ({ index: total + k, text }))];
  if (all.length === 1) {
    // One problem: its own message, which already says what to do about a wrong size.
    const text = all[0].text;
    const hint = bad.length === 1 ? `${/[.!]$/.test(text) ? "" : "."} Or pass onBadFile: "skip" to load the other files without it.` : "";
    return new Error(text + hint);
  }
  const lines = all.map((p) => `  - ${p.text}`);
  const hints: string[] = [];
  if (bad.length > 0) {
    hints.push(`Replace or remove the ${bad.length} unreadable file(s), or pass onBadFile: "skip" to load the others without them.`);
  }
  if (wrongSize.length > 0) {
    hints.push(`For the ${wrongSize.length} file(s) of the wrong size, pass onWrongSize: "resize" or "crop", or remove them.`);
  }
  return new Error(`loadImages: ${all.length} of ${total} files cannot be used:\n${lines.join("\n")}\n${hints.join(" ")}`);
}

/**
 * Loads the given JPEG files, in order, into one tensor (see the module comment). Every file is
 * tried before any error is thrown, so one error names every unusable file (see `BadFilePolicy`).
 */
export function loadImageFiles(files: readonly string[], options: LoadImagesOptions = {}): LoadedImages {
  return runSteps(loadImageFilesSteps(files, options));
}

/** How the JPEG loaders' progress line reads: "Decoded 5,257 JPEGs in 12.2 s (431 per s)". */
export const DECODING_LABEL: ProgressLabel = { title: "Decoding JPEGs", unit: "JPEGs", doneVerb: "Decoded" };

/**
 * `loadImageFiles` with a live progress line in a notebook (count, rate, time left; see
 * kernel/work-progress.ts): the same result, but the kernel can show the line while it decodes.
 */
export function loadImageFilesAsync(files: readonly string[], options: LoadImagesOptions & AsyncProgressOptions = {}): Promise<LoadedImages> {
  return driveSteps(loadImageFilesSteps(files, options), options.progress === false ? null : DECODING_LABEL);
}

/** The loop of `loadImageFiles`, one step per file (for the synchronous and the async variants). */
export function* loadImageFilesSteps(files: readonly string[], options: LoadImagesOptions = {}): WorkSteps<LoadedImages> {
  const read = yield* decodeFramesSteps(files, options, (n) => new Float32Array(n), rgbToUnitFloats);
  const x = tf.tensor4d(read.values, [read.files.length, read.height, read.width, 3]);
  return { x, files: read.files, hashes: read.hashes, adjusted: read.adjusted, skipped: read.skipped };
}

/** What `decodeFramesSteps` read: the frames' pixels, stored one after the other, and the file lists. */
export interface DecodedFrames<T> extends Omit<LoadedImages, "x"> {
  values: T;
  height: number;
  width: number;
}

/**
 * Decodes the files into one preallocated array, frame after frame: floats for `loadImageFiles`,
 * bytes for `loadFrameFiles` (frame-bytes.ts). `put(rgb, out, offset)` stores one frame.
 */
export function* decodeFramesSteps<T extends Float32Array | Uint8Array>(files: readonly string[], options: LoadImagesOptions,
  allocate: (n: number) => T, put: (rgb: Uint8Array, out: T, offset: number) => void): WorkSteps<DecodedFrames<T>> {
  if (files.length === 0) throw new Error("loadImages: no files given");
  checkOption("height", options.height);
  checkOption("width", options.width);
  const policy = options.onWrongSize ?? "error";
  if (!["error", "resize", "crop"].includes(policy)) {
    throw new Error(`loadImages: onWrongSize must be "error", "resize" or "crop", got ${JSON.stringify(policy)}`);
  }
  const badPolicy = options.onBadFile ?? "error";
  if (!["error", "skip"].includes(badPolicy)) {
    throw new Error(`loadImages: onBadFile must be "error" or "skip", got ${JSON.stringify(badPolicy)}`);
  }
  const warn = options.warn ?? ((m: string) => console.warn(m));

  // The frame size: as given, else that of the first file that can be read.
  let height = options.height;
  let width = options.width;
  let values: T | null = null;
  let frameSize = 0;
  const kept: string[] = [];
  const hashes: string[] = [];
  const adjusted: string[] = [];
  const bad: SkippedFile[] = [];
  const wrongSize: string[] = [];

  const take = (i: number): void => {
    let decoded: RgbImage;
    try {
      decoded = readJpeg(files[i]);
    } catch (e) {
      bad.push({ file: files[i], index: i, reason: message(e) });
      return;
    }
    height ??= decoded.height;
    width ??= decoded.width;
    if (values === null) {
      frameSize = height * width * 3;
      values = allocate(files.length * frameSize);
    }
    let fitted: { img: RgbImage; adjusted: boolean };
    try {
      fitted = fitSize(decoded, files[i], height, width, policy, warn);
    } catch (e) {
      wrongSize.push(message(e));
      return;
    }
    hashes.push(hashPixels(decoded.data));
    if (fitted.adjusted) adjusted.push(files[i]);
    put(fitted.img.data, values, kept.length * frameSize);
    kept.push(files[i]);
  };
  for (let i = 0; i < files.length; i++) {
    take(i);
    options.onProgress?.(i + 1, files.length);
    yield { done: i + 1, total: files.length };
  }

  if (wrongSize.length > 0 || (bad.length > 0 && badPolicy === "error")) throw problemsError(files.length, bad, wrongSize);
  if (values === null || kept.length === 0) {
    throw new Error(`loadImages: none of the ${files.length} files could be read:\n${bad.map((b) => `  - ${b.reason}`).join("\n")}`);
  }
  if (bad.length > 0) {
    warn(`loadImages: left out ${bad.length} of ${files.length} files that cannot be read:\n${bad.map((b) => `  - ${b.reason}`).join("\n")}`);
  }
  const all = values as unknown as T; // assigned in take(), which TypeScript does not follow
  const data = (kept.length === files.length ? all : all.subarray(0, kept.length * frameSize)) as T;
  return { values: data, height: height!, width: width!, files: kept, hashes, adjusted, skipped: bad };
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

/** `loadImageFolder` with a live progress line in a notebook (see `loadImageFilesAsync`). */
export async function loadImageFolderAsync(folder: string, options: LoadFolderOptions & AsyncProgressOptions = {}): Promise<LoadedImages> {
  return loadImageFilesAsync(imageFilesIn(folder, options.pattern), options);
}

