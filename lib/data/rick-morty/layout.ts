/**
 * The course's folder layout for the Rick and Morty frames, and how many frames each folder holds.
 *
 *   <root>/altdata/AllRickImages            2,211  frames with Rick            (chapter 2)
 *   <root>/altdata/AllMortyImages           3,046  frames without Rick ("not Rick")
 *   <root>/data/ThreeClassModel/AllRickImages 913  Rick, no Morty             (chapter 3)
 *   <root>/data/ThreeClassModel/AllMortyImages 858 Morty, no Rick
 *   <root>/data/ThreeClassModel/Both        1,300  Rick and Morty
 *   <root>/data/ThreeClassModel/Neither     2,186  neither
 *   <root>/data/predictions                    16  held-out frames, mixed
 *
 * The two sets hold the same frames regrouped (913 + 1,300 = 2,213 ≈ 2,211 Ricks), so the
 * generator builds the four-folder set and files those frames again under altdata/, leaving two
 * Rick frames out and adding two extra frames without Rick to match the counts exactly.
 */
import * as path from "path";

/** Where the stand-in goes by default: the course's own path, relative to the project root. */
export const DEFAULT_ROOT = path.join("data", "RickandMorty");

/** Where the stand-in of one scale lives: full scale in DEFAULT_ROOT, smaller ones beside it, so that a fast and a full run never regenerate each other's frames. */
export function standInRoot(scale: number): string {
  return scale === 1 ? DEFAULT_ROOT : `${DEFAULT_ROOT}-scale-${scale}`;
}

/** The folders, by a short key. */
export type RickMortyFolder = "altRick" | "altNotRick" | "rickOnly" | "mortyOnly" | "both" | "neither" | "predictions";

export const RICK_MORTY_FOLDERS: readonly RickMortyFolder[] = [
  "altRick", "altNotRick", "rickOnly", "mortyOnly", "both", "neither", "predictions",
];

/** Each folder's path under the root, and the prefix of the generated file names (Rick_1.jpg, …). */
export const FOLDER_SPECS: Record<RickMortyFolder, { dir: string; prefix: string }> = {
  altRick: { dir: "altdata/AllRickImages", prefix: "Rick_" },
  altNotRick: { dir: "altdata/AllMortyImages", prefix: "Morty_" },
  rickOnly: { dir: "data/ThreeClassModel/AllRickImages", prefix: "Rick_" },
  mortyOnly: { dir: "data/ThreeClassModel/AllMortyImages", prefix: "Morty_" },
  both: { dir: "data/ThreeClassModel/Both", prefix: "Both_" },
  neither: { dir: "data/ThreeClassModel/Neither", prefix: "Neither_" },
  predictions: { dir: "data/predictions", prefix: "frame_" },
};

/** The course's counts. */
export const COURSE_COUNTS = { rickOnly: 913, mortyOnly: 858, both: 1300, neither: 2186, predictions: 16 } as const;
/** Rick frames left out of altdata, and frames without Rick added to it, to match 2,211 / 3,046. */
export const ALTDATA_SWAP = 2;

/** Frames of the course that the generated set has at this scale (fast mode: scale < 1). */
export function scaledCount(count: number, scale: number): number {
  return Math.max(1, Math.round(count * scale));
}

export function checkScale(scale: number): void {
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 1)) {
    throw new Error(`Rick and Morty stand-in: scale must be in (0, 1], got ${scale}`);
  }
}

/** How many frames each folder holds at `scale` (1 = the course's numbers; predictions stay 16). */
export function rickMortyCounts(scale = 1): Record<RickMortyFolder, number> {
  checkScale(scale);
  const rickOnly = scaledCount(COURSE_COUNTS.rickOnly, scale);
  const mortyOnly = scaledCount(COURSE_COUNTS.mortyOnly, scale);
  const both = scaledCount(COURSE_COUNTS.both, scale);
  const neither = scaledCount(COURSE_COUNTS.neither, scale);
  const swap = Math.round(ALTDATA_SWAP * scale);
  return {
    altRick: rickOnly + both - swap,
    altNotRick: mortyOnly + neither + swap,
    rickOnly,
    mortyOnly,
    both,
    neither,
    predictions: COURSE_COUNTS.predictions,
  };
}

/** Absolute-or-relative paths of every folder under `root`. */
export function rickMortyPaths(root: string): Record<RickMortyFolder, string> {
  const out = {} as Record<RickMortyFolder, string>;
  for (const k of RICK_MORTY_FOLDERS) out[k] = path.join(root, FOLDER_SPECS[k].dir);
  return out;
}

/** The generated file name of frame `i` (0-based) in a folder: Rick_1.jpg, …; predictions are zero-padded. */
export function frameFileName(folder: RickMortyFolder, i: number): string {
  const n = folder === "predictions" ? String(i + 1).padStart(2, "0") : String(i + 1);
  return `${FOLDER_SPECS[folder].prefix}${n}.jpg`;
}

/** Matches exactly the names `frameFileName` gives in this folder (and nothing a user added). */
export function generatedNamePattern(folder: RickMortyFolder): RegExp {
  return new RegExp(`^${FOLDER_SPECS[folder].prefix}\\d+\\.jpg$`);
}
