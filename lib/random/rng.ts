/**
 * Seeded random numbers that follow R's defaults, so `setSeed(12345)` here and `set.seed(12345)` in R
 * draw the same uniforms (Mersenne-Twister, R's seed scrambling) and the same `sample()` permutations.
 * Normals use Box-Muller on that stream: seeded and repeatable, but not R's inversion method, so
 * `rnorm` values differ from R's.
 *
 * `sample()` follows R >= 3.6 ("Rejection" sampling) unless told `sampleKind: "Rounding"`, the method
 * of R 3.5 and earlier (`RNGkind(sample.kind = "Rounding")` in R today). Same seed, different
 * permutation: a course rendered with R 3.5 splits its data the Rounding way.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_M32 = 2.3283064365386963e-10;
const I2_32M1 = 2.328306437080797e-10; // 1 / (2^32 - 1), R's guard against returning exactly 0 or 1

/**
 * How `sample()` turns uniforms into indices, as R's `RNGkind(sample.kind = ...)`:
 * "Rejection" (R >= 3.6, the default) draws random bits and rejects those out of range;
 * "Rounding" (R <= 3.5) takes floor(n * u), slightly biased for large n but what older R printed.
 */
export type SampleKind = "Rejection" | "Rounding";

export interface RngOptions {
  /** Default "Rejection" (R >= 3.6); "Rounding" reproduces R 3.5 and earlier. */
  sampleKind?: SampleKind;
}

/** Everything a generator needs to go on exactly where it stopped (for resumable training). */
export interface RngState {
  mt: number[];
  mti: number;
  spareNormal: number | null;
  sampleKind: SampleKind;
}

/** A generator with its own state; pass one around wherever code needs injectable randomness. */
export class Rng {
  private readonly mt = new Uint32Array(N);
  private mti = N;
  private spareNormal: number | null = null;
  readonly sampleKind: SampleKind;

  constructor(seed: number, options: RngOptions = {}) {
    const kind = options.sampleKind ?? "Rejection";
    if (kind !== "Rejection" && kind !== "Rounding") {
      throw new Error(`Rng: sampleKind must be "Rejection" or "Rounding", got ${JSON.stringify(kind)}`);
    }
    this.sampleKind = kind;
    if (!Number.isInteger(seed)) {
      throw new Error(`Rng: the seed must be an integer, got ${seed}`);
    }
    // R's RNG_Init: 50 rounds of an LCG scramble the seed, then the LCG fills the state.
    let s = seed >>> 0;
    for (let j = 0; j < 50; j++) s = (Math.imul(69069, s) + 1) >>> 0;
    s = (Math.imul(69069, s) + 1) >>> 0; // R's first state word is the position counter, overwritten below
    for (let j = 0; j < N; j++) {
      s = (Math.imul(69069, s) + 1) >>> 0;
      this.mt[j] = s;
    }
    this.mti = N;
  }

  /** A copy of the generator's state; `Rng.fromState` continues the same stream. */
  getState(): RngState {
    return { mt: Array.from(this.mt), mti: this.mti, spareNormal: this.spareNormal, sampleKind: this.sampleKind };
  }

  /** A generator that continues the stream `getState` captured. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0, { sampleKind: state?.sampleKind });
    r.setState(state);
    return r;
  }

  /** Continue, in this generator, the stream `getState` captured (same sample kind). */
  setState(state: RngState): void {
    const ok = state !== null && typeof state === "object" && Array.isArray(state.mt) && state.mt.length === N &&
      state.mt.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff) &&
      Number.isInteger(state.mti) && state.mti >= 0 && state.mti <= N &&
      (state.spareNormal === null || Number.isFinite(state.spareNormal));
    if (!ok) throw new Error("Rng.fromState: not a generator state (expected mt: 624 words, mti in 0..624, spareNormal)");
    if (state.sampleKind !== this.sampleKind) throw new Error(`Rng.setState: a ${state.sampleKind} state for a ${this.sampleKind} generator`);
    this.mt.set(state.mt);
    this.mti = state.mti;
    this.spareNormal = state.spareNormal;
  }

  private nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      const mix = (a: number, b: number, c: number): number => {
        const y = (mt[a] & UPPER_MASK) | (mt[b] & LOWER_MASK);
        return (mt[c] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
      };
      for (; kk < N - M; kk++) mt[kk] = mix(kk, kk + 1, kk + M);
      for (; kk < N - 1; kk++) mt[kk] = mix(kk, kk + 1, kk + M - N);
      mt[N - 1] = mix(N - 1, 0, M - 1);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** One uniform in the open interval (0, 1), exactly R's `unif_rand()`. */
  unif(): number {
    const v = this.nextUint32() * TWO_POW_M32;
    if (v <= 0) return 0.5 * I2_32M1;
    if (1 - v <= 0) return 1 - 0.5 * I2_32M1;
    return v;
  }

  /** R's `runif(n, min, max)`. */
  runif(n: number, min = 0, max = 1): number[] {
    checkCount("runif", n);
    if (!(max >= min)) throw new Error(`runif: max (${max}) must not be below min (${min})`);
    return Array.from({ length: n }, () => min + (max - min) * this.unif());
  }

  /**
   * A uniform integer in [0, n), R's `R_unif_index`: rejection on random bits (no bias), or with
   * sampleKind "Rounding" floor(n * u) as R 3.5 did.
   */
  index(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`index: n must be a positive integer, got ${n}`);
    if (this.sampleKind === "Rounding") return Math.floor(n * this.unif());
    const bits = Math.ceil(Math.log2(n));
    for (;;) {
      let v = 0;
      for (let k = 0; k <= bits; k += 16) v = 65536 * v + Math.floor(this.unif() * 65536);
      v = v % 2 ** bits;
      if (v < n) return v;
    }
  }

  /**
   * R's `sample.int(n, size, replace)`, but 0-based: indices into an array of length n.
   * Without replacement and size = n this is a seeded permutation.
   */
  sample(n: number, size = n, replace = false): number[] {
    checkCount("sample", n);
    checkCount("sample", size);
    if (!replace && size > n) {
      throw new Error(`sample: cannot take ${size} items from ${n} without replacement`);
    }
    if (replace) return Array.from({ length: size }, () => this.index(n));
    const pool = Array.from({ length: n }, (_, i) => i);
    const out: number[] = [];
    let left = n;
    for (let i = 0; i < size; i++) {
      const j = this.index(left);
      out.push(pool[j]);
      pool[j] = pool[--left];
    }
    return out;
  }

  /** The items of `xs` in a seeded random order (R's `sample(x)`). */
  shuffle<T>(xs: readonly T[]): T[] {
    return this.sample(xs.length).map((i) => xs[i]);
  }

  /** A standard normal draw (Box-Muller; seeded, not R's inversion method). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.unif()));
    const theta = 2 * Math.PI * this.unif();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** `rnorm(n, mean, sd)` on this stream. */
  rnorm(n: number, mean = 0, sd = 1): number[] {
    checkCount("rnorm", n);
    if (!(sd >= 0)) throw new Error(`rnorm: sd must be >= 0, got ${sd}`);
    return Array.from({ length: n }, () => mean + sd * this.normal());
  }
}

function checkCount(fn: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${fn}: expected a whole number >= 0, got ${n}`);
}

let globalRng = new Rng(Date.now() % 2147483647);
const nativeMathRandom = Math.random;

/**
 * Like R's `set.seed`: reseeds the shared generator *and* routes `Math.random` through it.
 * TensorFlow.js draws its own seeds from `Math.random` when none is given (weight initialisers,
 * dropout masks, the shuffle in `model.fit`), so after `setSeed` a whole run repeats exactly.
 * `setSeed(12345, { sampleKind: "Rounding" })` is R's `set.seed(12345, sample.kind = "Rounding")`.
 */
export function setSeed(seed: number, options: RngOptions = {}): Rng {
  globalRng = new Rng(seed, options);
  Math.random = () => globalRng.unif();
  return globalRng;
}

/** Gives `Math.random` back to the JavaScript engine (undoes the routing done by `setSeed`). */
export function restoreMathRandom(): void {
  Math.random = nativeMathRandom;
}

/** The shared stream's state when `Math.random` is routed through it (after `setSeed`), else null. */
export function seededStreamState(): RngState | null {
  return Math.random === nativeMathRandom ? null : globalRng.getState();
}

/** Continues the shared stream from a state `seededStreamState` gave, and routes `Math.random` through it. */
export function restoreSeededStream(state: RngState): Rng {
  // In place when it can, so a generator someone holds (setSeed's return value) stays the shared one.
  if (state?.sampleKind === globalRng.sampleKind) globalRng.setState(state);
  else globalRng = Rng.fromState(state);
  Math.random = () => globalRng.unif();
  return globalRng;
}

/** The shared generator that `setSeed` resets; the R-like functions below draw from it. */
export function rng(): Rng {
  return globalRng;
}

export const runif = (n: number, min = 0, max = 1): number[] => globalRng.runif(n, min, max);
export const rnorm = (n: number, mean = 0, sd = 1): number[] => globalRng.rnorm(n, mean, sd);
export const sample = (n: number, size = n, replace = false): number[] => globalRng.sample(n, size, replace);
