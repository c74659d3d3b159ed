/**
 * The IDX file format of MNIST and Fashion-MNIST: a 4-byte magic number (two zero bytes, a type code,
 * the number of dimensions), one big-endian uint32 per dimension, then the values, big-endian, in
 * row-major order. Files are often gzipped; we recognise that by gzip's own magic bytes (1f 8b).
 */
import * as fs from "fs";
import * as zlib from "zlib";

export type IdxDtype = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

interface DtypeInfo {
  dtype: IdxDtype;
  code: number;
  bytes: number;
}

const DTYPES: DtypeInfo[] = [
  { dtype: "uint8", code: 0x08, bytes: 1 },
  { dtype: "int8", code: 0x09, bytes: 1 },
  { dtype: "int16", code: 0x0b, bytes: 2 },
  { dtype: "int32", code: 0x0c, bytes: 4 },
  { dtype: "float32", code: 0x0d, bytes: 4 },
  { dtype: "float64", code: 0x0e, bytes: 8 },
];

/** Magic numbers of the two files kinds MNIST uses: 3-D unsigned bytes and 1-D unsigned bytes. */
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

const GZIP_MAGIC = [0x1f, 0x8b];

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Decode IDX bytes (already un-gzipped). `name` only labels error messages. */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  if (bytes.length < 4) throw new Error(`${name}: too short for an IDX header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const info = DTYPES.find((d) => d.code === bytes[2]);
  if (bytes[0] !== 0 || bytes[1] !== 0 || info === undefined || bytes[3] === 0) {
    throw new Error(
      `${name}: bad magic number ${magic} (0x${magic.toString(16).padStart(8, "0")}); ` +
        `an IDX file starts with 00 00, a type code (08 for unsigned bytes) and the number of dimensions ` +
        `(MNIST images: ${IDX_IMAGES_MAGIC}, labels: ${IDX_LABELS_MAGIC})`,
    );
  }
  const ndim = bytes[3];
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated header: ${ndim} dimensions need ${headerBytes} bytes, file has ${bytes.length}`);
  }
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * info.bytes;
  if (bytes.length < expected) {
    throw new Error(
      `${name}: truncated: the header announces ${shape.join("×")} ${info.dtype} values ` +
        `(${expected} bytes with the header) but there are only ${bytes.length} bytes`,
    );
  }
  if (bytes.length > expected) {
    throw new Error(`${name}: ${bytes.length - expected} unexpected bytes after the ${shape.join("×")} values`);
  }
  return { dtype: info.dtype, shape, data: decodeValues(view, headerBytes, count, info) };
}

function decodeValues(view: DataView, offset: number, count: number, info: DtypeInfo): IdxData {
  switch (info.dtype) {
    case "uint8":
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case "int8":
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case "int16": {
      // Plain loops: TypedArray.from with a mapping function was 5 times slower per value past 64k values.
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** Encode an array as IDX bytes (the inverse of `parseIdx`). */
export function encodeIdx(arr: IdxArray): Uint8Array {
  const info = DTYPES.find((d) => d.dtype === arr.dtype);
  if (info === undefined) throw new Error(`encodeIdx: unknown dtype ${arr.dtype}`);
  if (arr.shape.length === 0 || arr.shape.length > 255) {
    throw new Error(`encodeIdx: an IDX array needs 1 to 255 dimensions, got ${arr.shape.length}`);
  }
  const count = arr.shape.reduce((a, b) => a * b, 1);
  if (count !== arr.data.length) {
    throw new Error(`encodeIdx: shape ${arr.shape.join("×")} holds ${count} values but data has ${arr.data.length}`);
  }
  const headerBytes = 4 + 4 * arr.shape.length;
  const out = new Uint8Array(headerBytes + count * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = arr.shape.length;
  arr.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const setters: Record<IdxDtype, (pos: number, v: number) => void> = {
    uint8: (p, v) => view.setUint8(p, v),
    int8: (p, v) => view.setInt8(p, v),
    int16: (p, v) => view.setInt16(p, v, false),
    int32: (p, v) => view.setInt32(p, v, false),
    float32: (p, v) => view.setFloat32(p, v, false),
    float64: (p, v) => view.setFloat64(p, v, false),
  };
  const set = setters[arr.dtype];
  for (let i = 0; i < count; i++) set(headerBytes + i * info.bytes, arr.data[i]);
  return out;
}

/**
 * The most a gzipped IDX file may inflate to: 64 MiB plus 20 times its size (MNIST's images inflate
 * 5-fold; a "gzip bomb" 1000-fold).
 */
export function gunzipLimit(gzBytes: number): number {
  return 64 * 2 ** 20 + 20 * gzBytes;
}

/** The largest plain IDX file read (MNIST's training images are 47 MB). */
export const MAX_IDX_BYTES = 2 * 2 ** 30;

/** Bytes the IDX header at the start of `head` announces (header included), or null when it cannot tell. */
function announcedBytes(head: Uint8Array): number | null {
  if (head.length < 4) return null;
  const info = DTYPES.find((d) => d.code === head[2]);
  const ndim = head[3];
  if (info === undefined || head.length < 4 + 4 * ndim) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let i = 0; i < ndim; i++) count *= view.getUint32(4 + 4 * i, false);
  return 4 + 4 * ndim + count * info.bytes;
}

/**
 * Inflate a gzipped IDX file without trusting it: the first few KB are inflated to read the IDX
 * header, the size it announces is checked against `gunzipLimit` before the rest is inflated, and
 * inflating stops one byte past the announced size. So a bomb costs neither memory nor time.
 */
function gunzipBounded(bytes: Uint8Array, path: string): Uint8Array {
  const limit = gunzipLimit(bytes.length);
  let head: Buffer;
  try {
    // A sync flush returns what the first 4 KB hold without complaining that the rest is missing.
    head = zlib.gunzipSync(bytes.subarray(0, 4096), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 8 * 2 ** 20 });
  } catch (e) {
    throw new Error(`${path}: gzip data is damaged or truncated (${(e as Error).message})`);
  }
  const announced = announcedBytes(head);
  if (announced !== null && announced > limit) {
    throw new Error(
      `${path}: its IDX header announces ${announced} bytes, more than a gzipped file of ${bytes.length} bytes may hold ` +
        `(${limit}); refused before inflating (a damaged file, or a gzip bomb)`,
    );
  }
  const cap = announced === null ? limit : announced + 1;
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: cap });
  } catch (e) {
    const over = (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError;
    if (over && announced !== null) throw new Error(`${path}: the gzip data inflates to more than the ${announced} bytes its IDX header announces`);
    if (over) throw new Error(`${path}: the gzip data inflates to more than ${limit} bytes; refused (a damaged file, or a gzip bomb)`);
    throw new Error(`${path}: gzip data is damaged or truncated (${(e as Error).message})`);
  }
}

/** Read an IDX file, gzipped or not. */
export function readIdxFile(path: string): IdxArray {
  if (!fs.existsSync(path)) throw new Error(`readIdxFile: no such file: ${path}`);
  const stat = fs.statSync(path);
  if (!stat.isFile()) throw new Error(`${path}: not a regular file, so not an IDX file`);
  if (stat.size > MAX_IDX_BYTES) throw new Error(`${path}: ${stat.size} bytes is larger than any IDX file this reader takes (${MAX_IDX_BYTES})`);
  let bytes: Uint8Array = fs.readFileSync(path);
  if (isGzip(bytes)) bytes = gunzipBounded(bytes, path);
  return parseIdx(bytes, path);
}

/** Throws, naming `path`, when a label is not a class index 0..classes-1. */
export function checkIdxLabels(labels: Uint8Array, classes: number, path: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) {
      throw new Error(`${path}: label ${labels[i]} of item ${i} is outside 0..${classes - 1}; is this the right label file?`);
    }
  }
}

/** Write an IDX file; gzip it when `gzip` is true (the usual `.gz` files). */
export function writeIdxFile(path: string, arr: IdxArray, gzip = path.endsWith(".gz")): void {
  const bytes = encodeIdx(arr);
  fs.writeFileSync(path, gzip ? zlib.gzipSync(bytes) : bytes);
}

export interface IdxImages {
  /** count × rows × cols grey levels 0..255, row-major. */
  pixels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** Read an MNIST-style image file: unsigned bytes, 3 dimensions (magic 2051). */
export function readIdxImages(path: string): IdxImages {
  const arr = readIdxFile(path);
  if (arr.dtype !== "uint8" || arr.shape.length !== 3) {
    throw new Error(
      `${path}: expected images (unsigned bytes, 3 dimensions: count × rows × cols, magic ${IDX_IMAGES_MAGIC}) ` +
        `but found ${arr.dtype} with ${arr.shape.length} dimension(s) [${arr.shape.join(", ")}]`,
    );
  }
  const [count, rows, cols] = arr.shape;
  return { pixels: arr.data as Uint8Array, count, rows, cols };
}

/** Read an MNIST-style label file: unsigned bytes, 1 dimension (magic 2049). */
export function readIdxLabels(path: string): Uint8Array {
  const arr = readIdxFile(path);
  if (arr.dtype !== "uint8" || arr.shape.length !== 1) {
    throw new Error(
      `${path}: expected labels (unsigned bytes, 1 dimension, magic ${IDX_LABELS_MAGIC}) ` +
        `but found ${arr.dtype} with ${arr.shape.length} dimension(s) [${arr.shape.join(", ")}]`,
    );
  }
  return arr.data as Uint8Array;
}

export interface IdxPair extends IdxImages {
  labels: Uint8Array;
}

/** Images and their labels, checked to be the same count. */
export function readIdxPair(imagesPath: string, labelsPath: string): IdxPair {
  const images = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath);
  if (labels.length !== images.count) {
    throw new Error(
      `image/label count mismatch: ${imagesPath} holds ${images.count} images but ${labelsPath} holds ${labels.length} labels`,
    );
  }
  return { ...images, labels };
}
