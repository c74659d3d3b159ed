/**
 * Inverse-mapping resampler: each output pixel is read from the input position the matrix gives,
 * by nearest-neighbour or bilinear interpolation; positions outside the image are filled by a rule.
 */
import type { Matrix3 } from "./affine";
import type { PixelImage } from "./image";

/**
 * What lies outside the image (Keras's fill_mode), for input "abcd":
 * nearest aaaa|abcd|dddd, constant kkkk|abcd|kkkk (k = cval), reflect dcba|abcd|dcba, wrap abcd|abcd|abcd.
 */
export type FillMode = "nearest" | "constant" | "reflect" | "wrap";
export type Interpolation = "nearest" | "bilinear";

export interface ResampleOptions {
  fillMode?: FillMode;
  /** Value used by fillMode "constant" (default 0). */
  cval?: number;
  /** Default "bilinear" (Keras's default interpolation order 1). */
  interpolation?: Interpolation;
}

// Positions this close to a whole number are taken as that number, so exact maps such as a 90°
// turn (cos 90° ≈ 6e-17 in floating point) copy pixels exactly instead of blending in a 1e-16 share.
const SNAP = 1e-6;

function snap(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < SNAP ? r : v;
}

/** Map an index that may lie outside 0..n-1 to one inside, or -1 for "use cval". */
export function fillIndex(i: number, n: number, mode: FillMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "nearest":
      return i < 0 ? 0 : n - 1;
    case "constant":
      return -1;
    case "wrap":
      return ((i % n) + n) % n;
    case "reflect": {
      const m = ((i % (2 * n)) + 2 * n) % (2 * n);
      return m < n ? m : 2 * n - 1 - m;
    }
  }
}

export function resample(img: PixelImage, m: Matrix3, options: ResampleOptions = {}): PixelImage {
  const mode = options.fillMode ?? "nearest";
  const cval = options.cval ?? 0;
  const interpolation = options.interpolation ?? "bilinear";
  if (!["nearest", "constant", "reflect", "wrap"].includes(mode)) throw new Error(`resample: unknown fillMode "${mode}"`);
  if (interpolation !== "nearest" && interpolation !== "bilinear") {
    throw new Error(`resample: unknown interpolation "${interpolation}"`);
  }
  const { height: h, width: w, channels: ch, data } = img;
  const out = new Float32Array(data.length);
  const read = (r: number, c: number, k: number): number => {
    const rr = fillIndex(r, h, mode);
    const cc = fillIndex(c, w, mode);
    return rr < 0 || cc < 0 ? cval : data[(rr * w + cc) * ch + k];
  };
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const inR = snap(m[0][0] * r + m[0][1] * c + m[0][2]);
      const inC = snap(m[1][0] * r + m[1][1] * c + m[1][2]);
      const base = (r * w + c) * ch;
      if (interpolation === "nearest") {
        const rr = Math.round(inR);
        const cc = Math.round(inC);
        for (let k = 0; k < ch; k++) out[base + k] = read(rr, cc, k);
        continue;
      }
      const r0 = Math.floor(inR);
      const c0 = Math.floor(inC);
      const fr = inR - r0;
      const fc = inC - c0;
      for (let k = 0; k < ch; k++) {
        // Neighbours with zero weight are skipped, so whole-number positions copy exactly.
        let v = (1 - fr) * (1 - fc) * read(r0, c0, k);
        if (fc > 0) v += (1 - fr) * fc * read(r0, c0 + 1, k);
        if (fr > 0) v += fr * (1 - fc) * read(r0 + 1, c0, k);
        if (fr > 0 && fc > 0) v += fr * fc * read(r0 + 1, c0 + 1, k);
        out[base + k] = v;
      }
    }
  }
  return { data: out, height: h, width: w, channels: ch };
}
