/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly, which reads and writes files on
 * the real file system under Node). Loaded on first use only: chapters that never touch a Keras file
 * do not pay for it.
 *
 * h5wasm ships as an ES module whose package exports have no `require` entry, while this project
 * compiles to CommonJS; so we locate its Node build ourselves and load it with `require` (Node 20.19+
 * loads ES modules that way), falling back to a real dynamic `import()` on older Node.
 */
import * as fs from "fs";
import * as path from "path";
import type * as H5 from "h5wasm";

export type H5Module = typeof H5;
export type H5Group = H5.Group;
export type H5Dataset = H5.Dataset;
export type H5File = H5.File;

let loading: Promise<H5Module> | null = null;
/** How many instances were loaded: a fresh one replaces an instance that aborted. */
let instances = 0;

function h5wasmNodeBuild(): string {
  const tried: string[] = [];
  for (const dir of require.resolve.paths("h5wasm") ?? []) {
    const file = path.join(dir, "h5wasm", "dist", "node", "hdf5_hl.js");
    tried.push(file);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`h5wasm is not installed (run npm ci); looked for ${tried.slice(0, 3).join(", ")}`);
}

const dynamicImport = new Function("u", "return import(u)") as (u: string) => Promise<H5Module>;

/**
 * The h5wasm module, initialised, with HDF5's error stack turned into thrown errors (h5wasm's own
 * handler) instead of `HDF5-DIAG` lines on stderr and negative return codes. After an instance has
 * aborted (a damaged file can make the C library call abort()), the next call loads a fresh one.
 */
export function h5wasm(): Promise<H5Module> {
  if (loading === null) {
    loading = (async () => {
      const file = h5wasmNodeBuild();
      let mod: H5Module;
      if (instances++ === 0) {
        try {
          mod = require(file) as H5Module;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ERR_REQUIRE_ESM") throw e;
          mod = await dynamicImport(`file://${file}`);
        }
      } else {
        // A new URL is a new module record, so the module's top level makes a new wasm instance.
        mod = await dynamicImport(`file://${file}?instance=${instances}`);
      }
      await mod.ready;
      (mod.Module as unknown as { activate_throwing_error_handler(): void }).activate_throwing_error_handler();
      return mod;
    })();
    loading.catch(() => (loading = null));
  }
  return loading;
}

/** True when `e` came from the wasm instance itself (abort, trap): its state can no longer be trusted. */
function isInstanceFailure(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /Aborted\(|RuntimeError|unreachable|memory access out of bounds|table index is out of bounds/.test(m) ||
    (e instanceof Error && e.name === "RuntimeError");
}

/** Drop an instance that failed, so the next `h5wasm()` loads a fresh one. */
function retire(e: unknown): void {
  if (isInstanceFailure(e)) loading = null;
}

/**
 * Run `fn` with what the wasm module prints to stderr (its abort message, any diagnostics the error
 * handler does not catch) held back; it is returned instead, for the error message.
 */
export function quietly<T>(fn: () => T): { value?: T; error?: unknown; printed: string } {
  const stderr = process.stderr as unknown as { write: (...args: unknown[]) => boolean };
  const original = stderr.write;
  let printed = "";
  stderr.write = (chunk: unknown, ...rest: unknown[]) => {
    printed += String(chunk);
    const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    done?.();
    return true;
  };
  try {
    return { value: fn(), printed };
  } catch (error) {
    return { error, printed };
  } finally {
    stderr.write = original;
  }
}

/** System errors HDF5 quotes ("error message = 'No space left on device'"), in our words. */
const SYSTEM_CAUSES: [RegExp, string][] = [
  [/No space left on device/i, "the disk is full (no space left on device)"],
  [/Disk quota exceeded/i, "the disk quota is used up"],
  [/Permission denied/i, "permission denied"],
  [/Operation not permitted/i, "the operation is not permitted"],
  [/Read-only file system/i, "the file system is read-only"],
  [/Input\/output error|I\/O error/i, "an input/output error (the disk or network share failed)"],
  [/No such file or directory/i, "the file or its folder does not exist"],
];

/** The innermost cause in an HDF5 error stack ("#006: ... in H5F__super_read(): truncated file: ..."). */
export function hdf5Cause(text: string, doing = "reading"): string {
  const causes = [...text.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)$/gm)].map((m) => m[1].trim());
  const inner = causes.length > 0 ? causes[causes.length - 1] : text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  for (const [pattern, words] of SYSTEM_CAUSES) if (pattern.test(text)) return words;
  const truncated = /truncated file: eof = (\d+).*stored_eof = (\d+)/.exec(inner);
  if (truncated) return `the file is truncated (it has ${truncated[1]} bytes, its header says ${truncated[2]})`;
  if (/file signature not found/.test(inner)) return "it is not an HDF5 file (no HDF5 signature where one should be)";
  if (/Aborted\(/.test(text)) return "it is damaged (the HDF5 library gave up on it)";
  const says = inner.replace(/, (buf|addr|flags|o_flags|file descriptor|total write size|bytes this sub-write|offset) = [^,]*/g, "").slice(0, 300);
  if (doing !== "reading" && doing !== "opening") return `HDF5 says: ${says}`;
  return `it is damaged or not a complete HDF5 file (HDF5 says: ${says})`;
}

/** One error for an HDF5 failure on `file`: the file's name and what is wrong, no diagnostics dump. */
export function hdf5Error(file: string, e: unknown, doing = "reading"): Error {
  const message = e instanceof Error ? e.message : String(e);
  // Our own errors (they already name the file) pass through.
  if (!/HDF5-DIAG|Aborted\(|RuntimeError|unreachable|memory access|Error code|bytes failed|exceeds maximum memory/.test(message) &&
      !(e instanceof Error && e.name === "RuntimeError")) {
    if (message.includes(file)) return e instanceof Error ? e : new Error(message);
    return new Error(`${file}: ${message}`);
  }
  return new Error(`${file}: HDF5 failed while ${doing} it: ${hdf5Cause(message, doing)}`);
}

/** Bytes of data the datasets of each open file may still hand out (see `readFloat32`). */
const budgets = new Map<string, { file: string; left: number }>();

/**
 * How many bytes of data a file of this size may decode to. Uncompressed data cannot be larger than
 * the file; compressed data (HDF5's gzip filter) is allowed to grow 64 times, plus 16 MiB: real weights
 * compress far less, a "compression bomb" far more.
 */
export function decodedBudget(fileBytes: number): number {
  return 16 * 2 ** 20 + 64 * fileBytes;
}

function keyOf(obj: { file_id: bigint | number }): string {
  return String(obj.file_id);
}

/**
 * Open an HDF5 file for reading, run `use` on it, close it whatever happens. h5wasm opens by path
 * on the real file system. Every failure inside HDF5 becomes one error that names `file` (or `label`,
 * for a file unpacked from an archive) and says what is wrong; nothing is printed.
 */
export async function withHdf5<T>(file: string, use: (f: H5File, h5: H5Module) => T, label = file): Promise<T> {
  const h5 = await h5wasm();
  return openAndUse(h5, path.resolve(file), fs.statSync(file).size, use, label);
}

let memoryFiles = 0;

/**
 * `withHdf5` on bytes held in memory (the weights inside a .keras archive): they are put in the wasm
 * module's own in-memory file system for the time of `use`, so nothing is written to disk.
 */
export async function withHdf5Bytes<T>(bytes: Uint8Array, label: string, use: (f: H5File, h5: H5Module) => T): Promise<T> {
  const h5 = await h5wasm();
  const fsys = (h5 as unknown as { FS: { writeFile(p: string, d: Uint8Array): void; unlink(p: string): void } }).FS;
  const where = `/in-memory-${process.pid}-${memoryFiles++}.h5`;
  fsys.writeFile(where, bytes);
  try {
    return openAndUse(h5, where, bytes.length, use, label);
  } finally {
    try {
      fsys.unlink(where);
    } catch {
      // an instance that aborted has no file system left to clean
    }
  }
}

function openAndUse<T>(h5: H5Module, where: string, size: number, use: (f: H5File, h5: H5Module) => T, label: string): T {
  const opened = quietly(() => new h5.File(where, "r"));
  if (opened.error !== undefined || opened.value === undefined) {
    retire(opened.error);
    throw hdf5Error(label, opened.error ?? opened.printed, "opening");
  }
  const f = opened.value;
  const key = keyOf(f as unknown as { file_id: bigint });
  budgets.set(key, { file: label, left: decodedBudget(size) });
  const ran = quietly(() => use(f, h5));
  budgets.delete(key);
  const closed = quietly(() => f.close());
  if (ran.error !== undefined) {
    retire(ran.error);
    throw hdf5Error(label, ran.error);
  }
  if (closed.error !== undefined) retire(closed.error);
  return ran.value as T;
}

/**
 * Create `file` (truncating it), run `fill` on it and close it. Throws one error that names `label`
 * when HDF5 fails at any point, a full disk included (h5wasm alone would only print it).
 */
export async function writeHdf5(file: string, fill: (f: H5File) => void, options: object, label = file): Promise<void> {
  const h5 = await h5wasm();
  const opened = quietly(() => new h5.File(file, "w", options as never));
  if (opened.error !== undefined || opened.value === undefined) {
    retire(opened.error);
    throw hdf5Error(label, opened.error ?? opened.printed, "writing");
  }
  const f = opened.value;
  const filled = quietly(() => fill(f));
  const closed = quietly(() => f.close());
  const failure = filled.error ?? closed.error;
  if (failure !== undefined) {
    retire(failure);
    throw hdf5Error(label, failure, "writing");
  }
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** True when `head` (the file's first bytes) starts an HDF5 file (no user block, as Keras writes them). */
export function isHdf5Signature(head: Uint8Array): boolean {
  return head.length >= 8 && Buffer.from(head.subarray(0, 8)).equals(HDF5_SIGNATURE);
}

/** The group at `p`, or null when there is nothing there or it is not a group. */
export function groupAt(f: H5Group, p: string): H5Group | null {
  const e = p === "" || p === "/" ? f : f.get(p);
  return e !== null && e !== undefined && (e as H5Group).type === "Group" ? (e as H5Group) : null;
}

export function datasetAt(f: H5Group, p: string): H5Dataset | null {
  const e = f.get(p);
  return e !== null && e !== undefined && (e as H5Dataset).type === "Dataset" ? (e as H5Dataset) : null;
}

function decode(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("utf8").replace(/\0+$/, "");
  return String(v);
}

/** A string attribute (variable or fixed length, as h5py writes either), or undefined when absent. */
export function stringAttr(obj: H5Group | H5Dataset, name: string): string | undefined {
  const a = obj.attrs[name];
  if (a === undefined) return undefined;
  const v = a.value;
  if (Array.isArray(v)) return v.length === 1 ? decode(v[0]) : v.map(decode).join("");
  return decode(v);
}

/**
 * A list-of-strings attribute such as `layer_names` or `weight_names`. Keras splits long lists over
 * `name0`, `name1`, ... when they do not fit one HDF5 attribute; both forms are read. An empty list is
 * stored by Keras as an empty float array.
 */
export function stringListAttr(obj: H5Group | H5Dataset, name: string): string[] | undefined {
  const attrs = obj.attrs;
  const one = (n: string): string[] => {
    const a = attrs[n];
    if (a.shape !== null && a.shape.length > 0 && a.shape.reduce((x, y) => x * y, 1) === 0) return [];
    const v = a.value;
    if (v === null) return [];
    if (Array.isArray(v)) return v.map(decode);
    if (typeof v === "string") return [v];
    if (ArrayBuffer.isView(v)) return v.byteLength === 0 ? [] : [decode(v)];
    return [decode(v)];
  };
  if (attrs[name] !== undefined) return one(name);
  if (attrs[`${name}0`] === undefined) return undefined;
  const out: string[] = [];
  for (let i = 0; attrs[`${name}${i}`] !== undefined; i++) out.push(...one(`${name}${i}`));
  return out;
}

/** A float dataset's values as float32, with its shape (scalars have shape []). Its size is checked before reading. */
export function readFloat32(ds: H5Dataset): { values: Float32Array; shape: number[] } {
  const shape = ds.shape ?? [];
  const meta = ds.metadata as { type: number; size: number; vlen?: boolean };
  // HDF5 type classes: 0 integer, 1 float. Anything else (strings, compounds, references) is not a weight.
  if ((meta.type !== 0 && meta.type !== 1) || meta.vlen === true) {
    throw new Error(`dataset ${ds.path} holds ${JSON.stringify(ds.dtype)}, not numbers`);
  }
  const bytes = shape.reduce((a, b) => a * b, 1) * meta.size;
  const budget = budgets.get(keyOf(ds as unknown as { file_id: bigint }));
  if (budget !== undefined) {
    if (bytes > budget.left) {
      throw new Error(
        `${budget.file}: dataset ${ds.path} would decode to ${bytes} bytes (shape [${shape.join(", ")}]), more than a file ` +
          `of this size can hold, even compressed; the file is damaged or built to exhaust memory`,
      );
    }
    budget.left -= bytes;
  }
  const v = ds.value;
  if (v instanceof Float32Array) return { values: v, shape };
  if (v instanceof Float64Array || v instanceof Int32Array || v instanceof Int16Array || v instanceof Uint8Array ||
      v instanceof Int8Array || v instanceof Uint16Array || v instanceof Uint32Array) {
    return { values: Float32Array.from(v), shape };
  }
  if (typeof v === "number") return { values: Float32Array.of(v), shape };
  throw new Error(`dataset ${ds.path} holds ${JSON.stringify(ds.dtype)}, not numbers`);
}
