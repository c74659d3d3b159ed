/**
 * Writing JPEG files with jpeg-js's baseline encoder.
 *
 * `jpeg.encode` builds a new encoder on every call, and building one fills two 65,535-entry
 * tables: about 15 ms, against 0.4 ms for the encoding itself of a 160×90 frame. To write
 * thousands of frames we build jpeg-js's own encoder once per quality and reuse it. jpeg-js does
 * not export the encoder's constructor, so it is taken from the module's source; if that ever
 * fails (another jpeg-js version), we fall back to `jpeg.encode`. Both give the same bytes (tested).
 */
import * as fs from "fs";
import * as jpeg from "jpeg-js";

interface ReusableEncoder {
  encode(image: { width: number; height: number; data: Uint8Array }, quality: number): Buffer;
}
type EncoderConstructor = new (quality: number) => ReusableEncoder;

let encoderClass: EncoderConstructor | null | undefined;
const encoders = new Map<number, ReusableEncoder>();

function loadEncoderClass(): EncoderConstructor | null {
  if (encoderClass !== undefined) return encoderClass;
  try {
    const source = fs.readFileSync(require.resolve("jpeg-js/lib/encoder.js"), "utf8");
    // Runs the module with a throw-away `module` object and hands back its constructor.
    const make = new Function("module", `${source}\nreturn JPEGEncoder;`) as (m: object) => EncoderConstructor;
    const found = make({});
    encoderClass = typeof found === "function" ? found : null;
  } catch {
    encoderClass = null;
  }
  return encoderClass;
}

function checkQuality(quality: number): void {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new Error(`encodeJpeg: quality must be a whole number in 1..100, got ${quality}`);
  }
}

/** Pixels as RGBA bytes, the layout jpeg-js reads (alpha is ignored). */
function toRgba(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  if (pixels.length === 4 * n) return pixels;
  if (pixels.length !== 3 * n) {
    throw new Error(`encodeJpeg: expected ${3 * n} (RGB) or ${4 * n} (RGBA) bytes for ${width}×${height}, got ${pixels.length}`);
  }
  const rgba = new Uint8Array(4 * n);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    rgba[4 * i] = pixels[j];
    rgba[4 * i + 1] = pixels[j + 1];
    rgba[4 * i + 2] = pixels[j + 2];
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

/**
 * Encodes `width × height` pixels, RGB (3 bytes each) or RGBA (4 bytes, alpha ignored), as a
 * baseline JPEG. The same pixels and quality always give the same bytes.
 */
export function encodeJpeg(pixels: Uint8Array, width: number, height: number, quality = 90): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`encodeJpeg: width and height must be positive whole numbers, got ${width}×${height}`);
  }
  checkQuality(quality);
  const image = { width, height, data: toRgba(pixels, width, height) };
  const Encoder = loadEncoderClass();
  if (Encoder === null) return jpeg.encode(image, quality).data;
  let encoder = encoders.get(quality);
  if (encoder === undefined) {
    encoder = new Encoder(quality);
    encoders.set(quality, encoder);
  }
  return encoder.encode(image, quality);
}

/** Encodes and writes one JPEG file (see `encodeJpeg`). */
export function writeJpeg(file: string, pixels: Uint8Array, width: number, height: number, quality = 90): void {
  fs.writeFileSync(file, encodeJpeg(pixels, width, height, quality));
}
