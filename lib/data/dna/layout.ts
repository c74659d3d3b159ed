/**
 * The course's ChIP-seq folder: three FASTA files of 200 bp regions, one per class.
 *
 *   <root>/SOX17.fa    13,065 regions around SOX17 peaks   (class 0, [1,0,0])
 *   <root>/PRDM1.fa    22,255 regions around PRDM1 peaks   (class 1, [0,1,0])
 *   <root>/random.fa   21,921 random genomic regions       (class 2, [0,0,1]) once those with N are dropped
 */
import * as path from "path";

export const CHIP_CLASSES = ["SOX17", "PRDM1", "random"] as const;
export type ChipClass = (typeof CHIP_CLASSES)[number];

/** File name of each class in the folder. */
export const CHIP_FILES: Record<ChipClass, string> = { SOX17: "SOX17.fa", PRDM1: "PRDM1.fa", random: "random.fa" };

/** Sequences per class in the course (after dropping those with N). */
export const CHIP_COURSE_COUNTS: Record<ChipClass, number> = { SOX17: 13065, PRDM1: 22255, random: 21921 };

/** Region length in the course: peak centre plus or minus 100 bp. */
export const CHIP_SEQUENCE_LENGTH = 200;

/** The course's path, relative to the project root. The full-size stand-in is generated here. */
export const CHIP_DEFAULT_ROOT = path.join("data", "ChIP");

export function checkChipScale(scale: number): void {
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 1)) {
    throw new Error(`ChIP stand-in: scale must be in (0, 1], got ${scale}`);
  }
}

/**
 * Where the generated stand-in lives at a given scale: data/ChIP at full size, data/ChIP-scale-0.1
 * (and so on) for smaller ones, so a fast run never replaces the full set.
 */
export function chipStandInRoot(scale = 1): string {
  checkChipScale(scale);
  return scale === 1 ? CHIP_DEFAULT_ROOT : `${CHIP_DEFAULT_ROOT}-scale-${scale}`;
}

/** Sequences per class (kept ones, without N) at a scale. */
export function chipCounts(scale = 1): Record<ChipClass, number> {
  checkChipScale(scale);
  const out = {} as Record<ChipClass, number>;
  for (const c of CHIP_CLASSES) out[c] = Math.max(1, Math.round(CHIP_COURSE_COUNTS[c] * scale));
  return out;
}

export function chipPaths(root: string): Record<ChipClass, string> {
  const out = {} as Record<ChipClass, string>;
  for (const c of CHIP_CLASSES) out[c] = path.join(root, CHIP_FILES[c]);
  return out;
}
