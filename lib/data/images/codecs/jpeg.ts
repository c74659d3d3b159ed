/**
 * Reading JPEG files (jpeg-js, pure JavaScript) into RGB pixels, with errors that say which file is
 * broken and how: empty, another format under a .jpg name, truncated, or damaged.
 */
import * as fs from "fs";
import * as jpeg from "jpeg-js";
import * as tf from "@tensorflow/tfjs";
import { MAX_JPEG_PIXELS, checkJpegHeader } from "./jpeg-header";

/** Decoded pixels: `height × width × 3` bytes (R, G, B; 0..255), row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

// Signatures of formats that end up renamed to .jpg, so the error can name them.
const SIGNATURES: ReadonlyArray<{ name: string; bytes: number[] }> = [
  { name: "PNG", bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: "GIF", bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: "BMP", bytes: [0x42, 0x4d] },
  { name: "WebP (RIFF)", bytes: [0x52, 0x49, 0x46, 0x46] },
  { name: "TIFF", bytes: [0x49, 0x49, 0x2a, 0x00] },
  { name: "TIFF", bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { name: "HTML/XML text", bytes: [0x3c] },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** True when the bytes start with the JPEG start-of-image marker FF D8. */
export function looksLikeJpeg(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0xff, 0xd8]);
}

/**
 * Decodes JPEG bytes to RGB. `source` (usually the file name) goes into every error message.
 * Greyscale and CMYK JPEGs come out as RGB too.
 */
export function decodeJpeg(bytes: Uint8Array, source = "<bytes>"): RgbImage {
  if (bytes.length === 0) throw new Error(`${source}: the file is empty (0 bytes), not a JPEG`);
  if (!looksLikeJpeg(bytes)) {
    const other = SIGNATURES.find((s) => startsWith(bytes, s.bytes));
    const what = other ? `it is a ${other.name} file` : "it does not start with the JPEG marker FF D8";
    throw new Error(`${source} is not a JPEG: ${what}. Convert it to JPEG or move it out of the folder.`);
  }
  checkJpegHeader(bytes, source);
  let img: { width: number; height: number; data: Uint8Array };
  try {
    // The header was checked above; these bounds are the decoder's own second line.
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_JPEG_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    // jpeg-js fails on some damage with a TypeError or RangeError from inside its tables: say that plainly.
    const internal = e instanceof TypeError || e instanceof RangeError;
    const reason = internal ? "its coded data does not fit together" : e instanceof Error ? e.message : String(e);
    // A complete JPEG ends with the end-of-image marker FF D9; a cut-off download does not.
    const n = bytes.length;
    const truncated = !(bytes[n - 2] === 0xff && bytes[n - 1] === 0xd9);
    const what = truncated ? "is truncated (no JPEG end marker at the end of the file)" : "is a damaged JPEG";
    throw new Error(`${source} ${what}; the decoder said: ${reason}. Replace or remove the file.`);
  }
  if (!(img.width > 0 && img.height > 0) || img.data.length !== img.width * img.height * 3) {
    throw new Error(`${source} decoded to an unusable image (${img.width}×${img.height})`);
  }
  return { width: img.width, height: img.height, data: img.data };
}

/** The largest JPEG file read (a 50 MP photo at the highest quality is about 30 MB). */
export const MAX_JPEG_FILE_BYTES = 256 * 2 ** 20;

/** Why `file` cannot be read as a file, in words that name it (links that dangle or loop, pipes, sizes). */
function unreadable(file: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const link = fs.lstatSync(file, { throwIfNoEntry: false });
  if (link?.isSymbolicLink()) {
    const target = fs.readlinkSync(file);
    if (code === "ELOOP") return new Error(`${file} is a symbolic link that loops (it points to ${target}, which leads back to it)`);
    if (code === "ENOENT") return new Error(`${file} is a broken symbolic link: its target ${target} does not exist`);
  }
  if (code === "ENOENT") return new Error(`image file not found: ${file}`);
  if (code === "EISDIR") return new Error(`${file} is a folder, not an image file`);
  if (code === "EACCES" || code === "EPERM") return new Error(`${file} cannot be read: permission denied`);
  return new Error(`${file} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
}

/** Reads and decodes one JPEG file. */
export function readJpeg(file: string): RgbImage {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw Object.assign(new Error("folder"), { code: "EISDIR" });
    // A pipe or device would block or never end: only regular files are read.
    if (!stat.isFile()) throw new Error(`${file} is not a regular file (a pipe or a device?), so not an image file`);
    if (stat.size > MAX_JPEG_FILE_BYTES) {
      throw new Error(`${file} holds ${stat.size} bytes, more than any picture this loader takes (${MAX_JPEG_FILE_BYTES}); it was not read`);
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === undefined && e instanceof Error && e.message.includes(file)) throw e;
    throw unreadable(file, e);
  }
  return decodeJpeg(bytes, file);
}

/**
 * Copies RGB bytes into `out` as floats in [0, 1] (value / 255, as R's `readJPEG` gives),
 * starting at `offset`. Used to fill one big preallocated array frame by frame.
 */
export function rgbToUnitFloats(rgb: Uint8Array, out: Float32Array, offset = 0): void {
  if (offset < 0 || offset + rgb.length > out.length) {
    throw new Error(`rgbToUnitFloats: ${rgb.length} values do not fit at offset ${offset} of ${out.length}`);
  }
  const scale = 1 / 255;
  for (let i = 0; i < rgb.length; i++) out[offset + i] = rgb[i] * scale;
}

/** One JPEG file as a `[height, width, 3]` float tensor in [0, 1] (R's `readJPEG(file)`). */
export function readJpegTensor(file: string): tf.Tensor3D {
  const img = readJpeg(file);
  const values = new Float32Array(img.data.length);
  rgbToUnitFloats(img.data, values);
  return tf.tensor3d(values, [img.height, img.width, 3]);
}
