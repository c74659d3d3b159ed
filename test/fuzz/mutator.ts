/**
 * A seeded mutator: damaged copies of valid files (truncations, bit flips, overwritten and zeroed
 * runs, inserted and repeated bytes). Every case has its own seed, derived from one base seed
 * (FUZZ_SEED, else a fixed one, so CI runs the same cases each time); a failing case says its seed
 * and how to run it again.
 */

/** The base seed of this run: FUZZ_SEED when set (to explore), else a fixed one. */
export function baseSeed(): number {
  const env = process.env.FUZZ_SEED;
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isSafeInteger(n)) throw new Error(`FUZZ_SEED must be a whole number, got ${env}`);
    return n;
  }
  return 20261203;
}

/** How many random cases per base file: FUZZ_CASES when set, else `fallback`. */
export function caseCount(fallback: number): number {
  const env = Number(process.env.FUZZ_CASES);
  return Number.isSafeInteger(env) && env > 0 ? env : fallback;
}

/** mulberry32: small, fast, good enough to pick offsets. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

export interface Mutant {
  /** What was done, e.g. "truncate to 512 of 14440 bytes". */
  what: string;
  seed: number;
  bytes: Buffer;
}

export type MutationKind = "truncate" | "flip" | "overwrite" | "zero" | "insert" | "repeat";

export const ALL_KINDS: readonly MutationKind[] = ["truncate", "flip", "overwrite", "zero", "insert", "repeat"];

/** One damaged copy of `base`, chosen by `seed`. */
export function mutate(base: Buffer, seed: number, kinds: readonly MutationKind[] = ALL_KINDS): Mutant {
  const rng = new Rng(seed);
  const kind = rng.pick(kinds);
  const n = base.length;
  const out = Buffer.from(base);
  switch (kind) {
    case "truncate": {
      const at = rng.int(n);
      return { what: `truncate to ${at} of ${n} bytes`, seed, bytes: out.subarray(0, at) };
    }
    case "flip": {
      const flips = 1 + rng.int(8);
      const where: number[] = [];
      for (let i = 0; i < flips; i++) {
        const at = rng.int(n);
        out[at] ^= 1 << rng.int(8);
        where.push(at);
      }
      return { what: `flip ${flips} bit(s) at ${where.join(",")}`, seed, bytes: out };
    }
    case "overwrite": {
      const at = rng.int(n);
      const len = Math.min(n - at, 1 + rng.int(64));
      for (let i = 0; i < len; i++) out[at + i] = rng.int(256);
      return { what: `overwrite ${len} bytes at ${at}`, seed, bytes: out };
    }
    case "zero": {
      const at = rng.int(n);
      const len = Math.min(n - at, 1 + rng.int(512));
      out.fill(0, at, at + len);
      return { what: `zero ${len} bytes at ${at}`, seed, bytes: out };
    }
    case "insert": {
      const at = rng.int(n);
      const junk = Buffer.from(Array.from({ length: 1 + rng.int(32) }, () => rng.int(256)));
      return { what: `insert ${junk.length} bytes at ${at}`, seed, bytes: Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]) };
    }
    case "repeat": {
      const at = rng.int(n);
      const len = Math.min(n - at, 1 + rng.int(256));
      return { what: `repeat ${len} bytes at ${at}`, seed, bytes: Buffer.concat([out.subarray(0, at + len), out.subarray(at)]) };
    }
  }
}

/** `count` damaged copies, seeds base+0, base+1, ... (stable: one case's seed does not depend on the others). */
export function mutants(base: Buffer, seed: number, count: number, kinds: readonly MutationKind[] = ALL_KINDS): Mutant[] {
  return Array.from({ length: count }, (_, i) => mutate(base, seed + i, kinds));
}

/** Cuts at fixed fractions (the 10 %, 50 %, 99 %) and at the first and last byte. */
export function fixedTruncations(base: Buffer): Mutant[] {
  const at = [0, 1, Math.floor(base.length * 0.1), Math.floor(base.length * 0.5), Math.floor(base.length * 0.99), base.length - 1];
  return at.map((n) => ({ what: `truncate to ${n} of ${base.length} bytes`, seed: -1, bytes: base.subarray(0, n) }));
}
