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

function h5wasmNodeBuild(): string {
  const tried: string[] = [];
  for (const dir of require.resolve.paths("h5wasm") ?? []) {
    const file = path.join(dir, "h5wasm", "dist", "node", "hdf5_hl.js");
    tried.push(file);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`h5wasm is not installed (run npm ci); looked for ${tried.slice(0, 3).join(", ")}`);
}

/** The h5wasm module, initialised. */
export function h5wasm(): Promise<H5Module> {
  if (loading === null) {
    loading = (async () => {
      const file = h5wasmNodeBuild();
      let mod: H5Module;
      try {
        mod = require(file) as H5Module;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ERR_REQUIRE_ESM") throw e;
        const dynamicImport = new Function("u", "return import(u)") as (u: string) => Promise<H5Module>;
        mod = await dynamicImport(`file://${file}`);
      }
      await mod.ready;
      return mod;
    })();
    loading.catch(() => (loading = null));
  }
  return loading;
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** True when `head` (the file's first bytes) starts an HDF5 file (no user block, as Keras writes them). */
export function isHdf5Signature(head: Uint8Array): boolean {
  return head.length >= 8 && Buffer.from(head.subarray(0, 8)).equals(HDF5_SIGNATURE);
}

/**
 * Open an HDF5 file for reading, run `use` on it, close it whatever happens. h5wasm opens by path
 * on the real file system.
 */
export async function withHdf5<T>(file: string, use: (f: H5File, h5: H5Module) => T | Promise<T>): Promise<T> {
  const h5 = await h5wasm();
  let f: H5File;
  try {
    f = new h5.File(path.resolve(file), "r");
  } catch (e) {
    throw new Error(`${file}: HDF5 could not open it (${(e as Error).message})`);
  }
  try {
    return await use(f, h5);
  } finally {
    f.close();
  }
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

/** A float dataset's values as float32, with its shape (scalars have shape []). */
export function readFloat32(ds: H5Dataset): { values: Float32Array; shape: number[] } {
  const shape = ds.shape ?? [];
  const v = ds.value;
  if (v instanceof Float32Array) return { values: v, shape };
  if (v instanceof Float64Array || v instanceof Int32Array || v instanceof Int16Array || v instanceof Uint8Array ||
      v instanceof Int8Array || v instanceof Uint16Array || v instanceof Uint32Array) {
    return { values: Float32Array.from(v), shape };
  }
  if (typeof v === "number") return { values: Float32Array.of(v), shape };
  throw new Error(`dataset ${ds.path} holds ${JSON.stringify(ds.dtype)}, not numbers`);
}
