/**
 * Keras ImageDataGenerator's random transforms: draw the parameters for one image from the ranges,
 * then apply them (one affine resampling, then flips), the same order Keras uses.
 */
import { Rng } from "../random/rng";
import { aboutCentre, identity, multiply, rotationMatrix, shearMatrix, shiftMatrix, zoomMatrix, type Matrix3 } from "./affine";
import { flipHorizontal, flipVertical } from "./flip";
import type { PixelImage } from "./image";
import { resample, type FillMode, type Interpolation } from "./resample";

export interface AugmentRanges {
  /** Degrees: the turn is drawn from [-r, r]. */
  rotationRange?: number;
  /** Below 1: a fraction of the width; 1 or more: pixels. Drawn from [-r, r]. */
  widthShiftRange?: number;
  heightShiftRange?: number;
  /** Shear angle in degrees (Keras's unit, so 0.2 is a very slight shear), drawn from [-r, r]. */
  shearRange?: number;
  /** z means factors in [1 - z, 1 + z]; or give [lo, hi]. Rows and columns are drawn separately. */
  zoomRange?: number | [number, number];
  horizontalFlip?: boolean;
  verticalFlip?: boolean;
}

export interface TransformParams {
  /** Degrees, counter-clockwise as displayed. */
  rotation: number;
  /** Pixels the content moves down / right. */
  shiftRows: number;
  shiftCols: number;
  /** Degrees. */
  shear: number;
  zoomRows: number;
  zoomCols: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
}

export const NO_TRANSFORM: TransformParams = {
  rotation: 0,
  shiftRows: 0,
  shiftCols: 0,
  shear: 0,
  zoomRows: 1,
  zoomCols: 1,
  flipHorizontal: false,
  flipVertical: false,
};

export interface ApplyOptions {
  fillMode?: FillMode;
  cval?: number;
  interpolation?: Interpolation;
}

/** Zoom range as [lo, hi], checked. */
export function zoomBounds(zoomRange: number | [number, number] = 0): [number, number] {
  const [lo, hi] = typeof zoomRange === "number" ? [1 - zoomRange, 1 + zoomRange] : zoomRange;
  if (!(lo > 0) || !(hi >= lo)) {
    throw new Error(`zoomRange must give 0 < lo <= hi (a number in [0, 1) or [lo, hi]), got ${JSON.stringify(zoomRange)}`);
  }
  return [lo, hi];
}

/** Checks every range; the generator calls it once at construction. */
export function checkRanges(r: AugmentRanges): void {
  for (const key of ["rotationRange", "widthShiftRange", "heightShiftRange", "shearRange"] as const) {
    const v = r[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new Error(`${key} must be a finite number >= 0, got ${v}`);
  }
  zoomBounds(r.zoomRange);
}

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.unif();

function drawShift(rng: Rng, range: number | undefined, size: number): number {
  if (!range) return 0;
  const v = uniform(rng, -range, range);
  return range < 1 ? v * size : v;
}

/** Draw one image's parameters; ranges left out stay at "no change" and use no random numbers. */
export function drawTransform(r: AugmentRanges, rng: Rng, height: number, width: number): TransformParams {
  const rotation = r.rotationRange ? uniform(rng, -r.rotationRange, r.rotationRange) : 0;
  const shiftRows = drawShift(rng, r.heightShiftRange, height);
  const shiftCols = drawShift(rng, r.widthShiftRange, width);
  const shear = r.shearRange ? uniform(rng, -r.shearRange, r.shearRange) : 0;
  const [lo, hi] = zoomBounds(r.zoomRange);
  const zoomRows = lo === 1 && hi === 1 ? 1 : uniform(rng, lo, hi);
  const zoomCols = lo === 1 && hi === 1 ? 1 : uniform(rng, lo, hi);
  const flipH = r.horizontalFlip ? rng.unif() < 0.5 : false;
  const flipV = r.verticalFlip ? rng.unif() < 0.5 : false;
  return { rotation, shiftRows, shiftCols, shear, zoomRows, zoomCols, flipHorizontal: flipH, flipVertical: flipV };
}

/** The affine part as one matrix about the image centre (rotation · shift · shear · zoom, as Keras). */
export function transformMatrix(p: TransformParams, height: number, width: number): Matrix3 {
  let m = identity();
  m = multiply(m, rotationMatrix(p.rotation));
  m = multiply(m, shiftMatrix(p.shiftRows, p.shiftCols));
  m = multiply(m, shearMatrix(p.shear));
  m = multiply(m, zoomMatrix(p.zoomRows, p.zoomCols));
  return aboutCentre(m, height, width);
}

function isAffineIdentity(p: TransformParams): boolean {
  return p.rotation === 0 && p.shiftRows === 0 && p.shiftCols === 0 && p.shear === 0 && p.zoomRows === 1 && p.zoomCols === 1;
}

/** Apply drawn (or hand-made) parameters to one image. */
export function applyTransform(img: PixelImage, p: TransformParams, options: ApplyOptions = {}): PixelImage {
  let out: PixelImage = isAffineIdentity(p) ? { ...img, data: img.data.slice() } : resample(img, transformMatrix(p, img.height, img.width), options);
  if (p.flipHorizontal) out = flipHorizontal(out);
  if (p.flipVertical) out = flipVertical(out);
  return out;
}
