/**
 * What every fuzz case asserts, and the tools to make hostile conditions:
 * - `tryBadFile`: the reader either reads the damaged file (a flipped bit in weight values is still a
 *   valid file) or throws one Error that names the file, with no raw runtime error (TypeError,
 *   ENOENT: ..., HDF5's "error - name not defined!") and nothing printed to stderr; no tensors leak;
 * - `injectFaults`: a full disk (ENOSPC after a byte budget) or a refused permission (EACCES), made by
 *   wrapping `fs` for paths under one folder only (CI runs as root, so permissions cannot be relied on);
 * - `smallTmpfs`: a real full disk, a 64 KiB tmpfs, where `mount` works (null elsewhere);
 * - `treeState`: a fingerprint of a folder, to show that nothing outside a save's target changed;
 * - `expectLinearTime`: time on an input and one twice its size (not a wall-clock limit);
 * - `Tally`: counts per category for the report.
 */
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { baseSeed } from "./mutator";

/** Messages that show a raw runtime error escaped instead of a sentence about the file. */
const RAW = [
  /\bTypeError\b/, /Cannot read propert/, /is not a function/, /is not iterable/, /error - name not defined/, /HDF5-DIAG/,
  /Aborted\(/, /^E[A-Z]+: /m, /Maximum call stack/, /Invalid array length/, /Array buffer allocation failed/,
  /RuntimeError/, /memory access out of bounds/, /Offset is outside the bounds/, /out of range/,
];

export interface CaseOutcome {
  loaded: boolean;
  message?: string;
}

/** Counts for the report: cases, clear errors, files that still loaded. */
export class Tally {
  cases = 0;
  clearErrors = 0;
  loaded = 0;
  constructor(readonly category: string) {}
  add(o: CaseOutcome): void {
    this.cases++;
    if (o.loaded) this.loaded++;
    else this.clearErrors++;
  }
  line(): string {
    return `fuzz ${this.category}: ${this.cases} cases, ${this.clearErrors} refused with a clear error naming the file, ${this.loaded} still valid and loaded`;
  }
}

/** Runs `fn` with process.stderr captured; returns what it printed. */
export async function captureStderr<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; printed: string }> {
  const stderr = process.stderr as unknown as { write: (...a: unknown[]) => boolean };
  const original = stderr.write;
  let printed = "";
  stderr.write = (chunk: unknown, ...rest: unknown[]) => {
    printed += String(chunk);
    (rest.find((r) => typeof r === "function") as (() => void) | undefined)?.();
    return true;
  };
  try {
    return { result: await fn(), printed };
  } catch (error) {
    return { error, printed };
  } finally {
    stderr.write = original;
  }
}

/**
 * The common assertion. `context` (what was done, with the seed) goes into every failure message.
 * `mustFail`: the damage is such that reading must be refused (a truncation, a bomb).
 * `names`: what the error must contain (default: the file's path).
 */
export async function tryBadFile(
  context: string,
  file: string,
  read: () => Promise<unknown> | unknown,
  opts: { mustFail?: boolean; names?: string; dispose?: (v: unknown) => void } = {},
): Promise<CaseOutcome> {
  const tensorsBefore = tf.memory().numTensors;
  const run = await captureStderr(async () => read());
  const where = `${context}\n  file: ${file}`;
  if (run.error === undefined) {
    opts.dispose?.(run.result);
    if (run.result instanceof tf.LayersModel) run.result.dispose();
    assert.ok(!opts.mustFail, `${where}\n  expected an error, but it was read`);
  } else {
    assert.ok(run.error instanceof Error, `${where}\n  threw a non-Error: ${String(run.error)}`);
    const message = run.error.message;
    const names = opts.names ?? file;
    assert.ok(message.includes(names), `${where}\n  the error does not name ${names}:\n  ${message}`);
    for (const raw of RAW) assert.ok(!raw.test(message), `${where}\n  the error shows a raw failure (${raw}):\n  ${message}`);
  }
  assert.ok(!/HDF5-DIAG|Aborted\(/.test(run.printed), `${where}\n  printed diagnostics on stderr:\n${run.printed.slice(0, 400)}`);
  assert.equal(tf.memory().numTensors, tensorsBefore, `${where}\n  leaked tensors`);
  return run.error === undefined ? { loaded: true } : { loaded: false, message: (run.error as Error).message };
}

/** Wraps a case so that a failure says its seed and how to run it again. */
export async function withSeed<T>(seed: number, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const hint = seed >= 0 ? `fuzz case seed ${seed} (${what}); the run's base seed is FUZZ_SEED=${baseSeed()}` : `fixed case (${what})`;
    console.error(`FAILED ${hint}`);
    if (e instanceof Error) e.message = `[${hint}] ${e.message}`;
    throw e;
  }
}

function errnoError(code: string, syscall: string, file: string): NodeJS.ErrnoException {
  const words: Record<string, string> = { ENOSPC: "no space left on device", EACCES: "permission denied", EIO: "i/o error" };
  return Object.assign(new Error(`${code}: ${words[code] ?? code}, ${syscall} '${file}'`), { code, syscall, path: file, errno: -1 });
}

export interface FaultOptions {
  /** Only paths under this folder fail. */
  under: string;
  /** ENOSPC: writes fail once this many bytes were written (0: the first write fails). */
  writeBudget?: number;
  /** EACCES on opening for writing (and on creating folders). */
  refuseWrites?: boolean;
  /** EACCES on opening or reading for reading. */
  refuseReads?: boolean;
}

/**
 * Runs `fn` with `fs` failing as a full disk or a refused permission would, for paths under
 * `opts.under` only (the writers and h5wasm's file system look these functions up on the module at
 * each call, so wrapping them reaches every write).
 */
export async function injectFaults<T>(opts: FaultOptions, fn: () => Promise<T>): Promise<T> {
  const real = nodeFs();
  const saved = { openSync: real.openSync, writeSync: real.writeSync, readFileSync: real.readFileSync, mkdirSync: real.mkdirSync, writeFileSync: real.writeFileSync };
  const root = path.resolve(opts.under);
  const inside = (p: unknown) => typeof p === "string" && (path.resolve(p) === root || path.resolve(p).startsWith(root + path.sep));
  const watched = new Set<number>();
  let budget = opts.writeBudget ?? Infinity;
  const isWrite = (flags: unknown) => typeof flags === "string" ? /[wa+]/.test(flags) : typeof flags === "number" && (flags & 3) !== 0;
  real.openSync = (p: unknown, flags: unknown, ...rest: unknown[]) => {
    if (inside(p) && opts.refuseWrites && isWrite(flags)) throw errnoError("EACCES", "open", String(p));
    if (inside(p) && opts.refuseReads && !isWrite(flags)) throw errnoError("EACCES", "open", String(p));
    const fd = saved.openSync.call(fs, p, flags, ...rest) as number;
    if (inside(p)) watched.add(fd);
    return fd;
  };
  real.writeSync = (fd: unknown, buf: unknown, ...rest: unknown[]) => {
    if (typeof fd === "number" && watched.has(fd)) {
      const length = typeof rest[1] === "number" ? rest[1] : (buf as { length: number }).length;
      if (length > budget) {
        budget = 0;
        throw errnoError("ENOSPC", "write", `fd ${fd}`);
      }
      budget -= length;
    }
    return saved.writeSync.call(fs, fd, buf, ...rest);
  };
  real.writeFileSync = (p: unknown, ...rest: unknown[]) => {
    if (inside(p) && opts.refuseWrites) throw errnoError("EACCES", "open", String(p));
    if (inside(p) && budget !== Infinity) throw errnoError("ENOSPC", "write", String(p));
    return saved.writeFileSync.call(fs, p, ...rest);
  };
  real.readFileSync = (p: unknown, ...rest: unknown[]) => {
    if (inside(p) && opts.refuseReads) throw errnoError("EACCES", "open", String(p));
    return saved.readFileSync.call(fs, p, ...rest);
  };
  real.mkdirSync = (p: unknown, ...rest: unknown[]) => {
    if (inside(p) && opts.refuseWrites && !fs.existsSync(String(p))) throw errnoError("EACCES", "mkdir", String(p));
    return saved.mkdirSync.call(fs, p, ...rest);
  };
  try {
    return await fn();
  } finally {
    Object.assign(real, saved);
  }
}

/**
 * The `fs` module object itself (a TypeScript `import * as fs` is a read-only view of it): the one
 * object whose functions the library and h5wasm look up at each call.
 */
export function nodeFs(): Record<string, (...a: unknown[]) => unknown> {
  return require("node:fs") as Record<string, (...a: unknown[]) => unknown>;
}

/**
 * A 64 KiB tmpfs mounted at a new folder, or null where mounting is not allowed (not root, a
 * container without CAP_SYS_ADMIN). `unmount` takes it away again.
 */
export function smallTmpfs(sizeKiB = 64): { dir: string; unmount: () => void } | null {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fuzz-tmpfs-"));
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKiB}k`, "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount: () => {
      spawnSync("umount", [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Names, sizes and content hashes of everything under `dir` (hidden files and links included). */
export function treeState(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (skip(rel)) continue;
      if (e.isSymbolicLink()) out.set(rel, `link ${fs.readlinkSync(p)}`);
      else if (e.isDirectory()) {
        out.set(rel, "dir");
        walk(p);
      } else if (e.isFile()) out.set(rel, crypto.createHash("sha1").update(fs.readFileSync(p)).digest("hex"));
      else out.set(rel, "other");
    }
  };
  walk(dir);
  return out;
}

/** Asserts two tree states are equal, listing what differs. */
export function assertSameTree(before: Map<string, string>, after: Map<string, string>, what: string): void {
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
  assert.deepEqual(changed, [], `${what}: files outside the target changed: ${changed.join(", ")}`);
}

/**
 * Milliseconds of this process's user CPU time for one run, best of `tries`: CPU time, not wall time,
 * so that other work on a shared machine (nine sessions on two cores) does not count; user time only,
 * because the kernel's zeroing of freshly mapped pages (system time) grows with a machine's memory
 * pressure, not with our algorithm (CIFAR parse at 16,384 records once took 8x its time at 8,192
 * while an image build ran beside it).
 */
function bestTime(run: () => void, tries: number): number {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    const t0 = process.cpuUsage();
    run();
    const used = process.cpuUsage(t0);
    best = Math.min(best, used.user / 1000);
  }
  return best;
}

/**
 * Work that grows in proportion to the input: the time for an input twice as large must be less than
 * 3 times the time for the first (linear work gives 2, quadratic 4). `make(n)` builds an input of
 * size n; `n` doubles until a run takes 5 ms (or n reaches `maxN`: work that does not grow at all
 * passes), so timer noise does not decide. Best of 5 runs each; under 2 ms is below the noise.
 */
export function expectLinearTime<T>(what: string, make: (n: number) => T, run: (input: T) => void, start = 1000, maxN = 1 << 22): { n: number; t1: number; t2: number } {
  let n = start;
  let small = make(n);
  while (bestTime(() => run(small), 3) < 5 && 2 * n <= maxN) {
    n *= 2;
    small = make(n);
  }
  // Small and large runs alternate (so a slow spell of a shared machine hits both), best of 7 each.
  // A failing pair is measured again at twice and four times the size: a cache or garbage-collector
  // step sits at one size, while quadratic work fails at every size.
  let t1 = Infinity;
  let t2 = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) {
      n *= 2;
      small = make(n);
    }
    const big = make(2 * n);
    t1 = Infinity;
    t2 = Infinity;
    for (let i = 0; i < 7; i++) {
      t1 = Math.min(t1, bestTime(() => run(small), 1));
      t2 = Math.min(t2, bestTime(() => run(big), 1));
    }
    if (t2 < 3 * t1 || t2 < 2) break;
  }
  assert.ok(t2 < 3 * t1 || t2 < 2, `${what}: an input twice as large (n = ${2 * n}) took ${t2.toFixed(1)} ms, vs ${t1.toFixed(1)} ms for n = ${n}, ` +
    `at three sizes in a row: work grows faster than the input`);
  return { n, t1, t2 };
}

/** A fresh scratch folder for one test file (removed by the caller's `after`). */
export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `fuzz-${prefix}-`));
}
