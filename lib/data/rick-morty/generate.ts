/**
 * Writing the generated Rick and Morty stand-in to disk, in the course's layout (see layout.ts),
 * and `ensureRickMortyData`, which does so on first use only.
 *
 * A manifest `.stand-in.json` at the root records the seed, the scale and whether the last run
 * finished. It is written before the first frame (complete: false) and again at the end, so a run
 * that dies half-way is noticed and redone. Folders holding JPEGs without a manifest are taken to
 * be someone's real course data and are never written to. A second file, `.characters.json`
 * (see cast-record.ts), records where each character was drawn in every file.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../random/rng";
import { encodeJpeg } from "../images/jpeg-encode";
import { listFiles } from "../images/list-files";
import { DrawnCharacter, drawFrameWithCast } from "./scene";
import { buildCastRecord, readCastRecord, writeCastRecord } from "./cast-record";
import { GENERATOR_NAME, GENERATOR_VERSION, MANIFEST_FILE, StandInManifest, readManifest, writeManifest } from "./manifest";
import { DATA_ENV, rickMortyRoot } from "./source";
import { Original, RickMortyPlan, originalKey, originalSeed, planRickMorty } from "./plan";
import {
  FOLDER_SPECS, standInRoot, RICK_MORTY_FOLDERS, RickMortyFolder, frameFileName, generatedNamePattern, rickMortyCounts, rickMortyPaths,
} from "./layout";

export const DEFAULT_SEED = 12345;
export const JPEG_QUALITY = 90;

export interface GenerateOptions {
  /** Folder to write into (it is created). */
  root: string;
  /** Same seed, same bytes. Default 12345. */
  seed?: number;
  /** Fraction of the course's frame counts, in (0, 1]; e.g. 0.1 for a fast run. Default 1. */
  scale?: number;
  /** Only these folders (the others are left as they are). Default: all. */
  folders?: readonly RickMortyFolder[];
  /** Progress messages. Default: none. */
  log?: (message: string) => void;
}

/** Draws one original picture and encodes it as JPEG bytes. */
export function renderOriginal(seed: number, o: Original): Buffer {
  return renderOriginalWithCast(seed, o).jpeg;
}

/** `renderOriginal`, also saying where each character was drawn (the same bytes either way). */
export function renderOriginalWithCast(seed: number, o: Original): { jpeg: Buffer; cast: DrawnCharacter[] } {
  const rng = new Rng(originalSeed(seed, o.set, o.index));
  const { canvas, cast } = drawFrameWithCast(rng, o.content, o.width, o.height);
  return { jpeg: encodeJpeg(canvas.toRgbBytes(), o.width, o.height, JPEG_QUALITY), cast };
}

function manifestFor(seed: number, scale: number, plan: RickMortyPlan, complete: boolean): StandInManifest {
  return {
    generator: GENERATOR_NAME,
    version: GENERATOR_VERSION,
    seed,
    scale,
    complete,
    counts: rickMortyCounts(scale),
    predictions: plan.predictions.map((o, i) => ({
      file: frameFileName("predictions", i), rick: o.content.rick, morty: o.content.morty, width: o.width, height: o.height,
    })),
  };
}

/** Removes the files this generator names in a folder (and nothing else). */
function clearGenerated(dir: string, folder: RickMortyFolder): void {
  if (!fs.existsSync(dir)) return;
  const ours = generatedNamePattern(folder);
  for (const name of listFiles(dir)) if (ours.test(name)) fs.unlinkSync(path.join(dir, name));
}

/**
 * Writes the stand-in (or some of its folders) under `options.root`, replacing earlier generated
 * files there. Refuses a root that holds JPEGs but no manifest (someone's own frames, whose names
 * may be the same as ours). Returns the number of files written and the seconds taken.
 */
export function generateRickMorty(options: GenerateOptions): { files: number; seconds: number } {
  const start = Date.now();
  const { root } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  const folders = options.folders ?? RICK_MORTY_FOLDERS;
  const log = options.log ?? (() => undefined);
  const plan = planRickMorty(seed, scale);
  const dirs = rickMortyPaths(root);
  if (readManifest(root) === null && holdsJpegs(root)) {
    throw new Error(`${root} holds JPEG frames that this kit did not generate (no ${MANIFEST_FILE}); ` +
      `not overwriting them. Generate into another folder, or move those frames away first.`);
  }

  fs.mkdirSync(root, { recursive: true });
  const previousCast = readCastRecord(root);
  writeManifest(root, manifestFor(seed, scale, plan, false));
  // Originals shared by several files (altdata, duplicates) are encoded once per run.
  const cache = new Map<string, Buffer>();
  const casts = new Map<string, DrawnCharacter[]>();
  let files = 0;
  for (const folder of folders) {
    const dir = dirs[folder];
    fs.mkdirSync(dir, { recursive: true });
    clearGenerated(dir, folder);
    plan[folder].forEach((o, i) => {
      const key = originalKey(o);
      let bytes = cache.get(key);
      if (bytes === undefined) {
        const r = renderOriginalWithCast(seed, o);
        bytes = r.jpeg;
        cache.set(key, bytes);
        casts.set(key, r.cast);
      }
      fs.writeFileSync(path.join(dir, frameFileName(folder, i)), bytes);
      files++;
    });
    log(`${FOLDER_SPECS[folder].dir}: ${plan[folder].length} frames`);
  }
  // Where each character was drawn, for every folder (those not redone now keep their entries).
  writeCastRecord(root, buildCastRecord(seed, scale, plan, casts, previousCast, folders));
  writeManifest(root, manifestFor(seed, scale, plan, true));
  return { files, seconds: (Date.now() - start) / 1000 };
}

/** How many generated-looking files each folder holds now. */
function countGenerated(root: string): Record<RickMortyFolder, number> {
  const dirs = rickMortyPaths(root);
  const out = {} as Record<RickMortyFolder, number>;
  for (const k of RICK_MORTY_FOLDERS) {
    out[k] = fs.existsSync(dirs[k]) ? listFiles(dirs[k], { pattern: generatedNamePattern(k) }).length : 0;
  }
  return out;
}

/** True when any layout folder under `root` holds a JPEG. */
function holdsJpegs(root: string): boolean {
  const dirs = rickMortyPaths(root);
  return RICK_MORTY_FOLDERS.some((k) => fs.existsSync(dirs[k]) && listFiles(dirs[k], { pattern: /\.jpe?g$/i }).length > 0);
}

export type EnsureOptions = Partial<GenerateOptions>;

export interface EnsureResult {
  root: string;
  /** "generated": written now; "up to date": already complete; "existing": frames we did not write, left alone. */
  status: "generated" | "up to date" | "existing";
  /** Folders written in this call. */
  written: RickMortyFolder[];
  seconds: number;
}

/**
 * Makes sure the stand-in is complete under `root` (default standInRoot(scale)): generates it on
 * first use, redoes only the folders that are incomplete, and regenerates everything when the seed
 * or scale asked for differ from what is there. Frames it did not write are never touched.
 */
export function ensureRickMortyData(options: EnsureOptions = {}): EnsureResult {
  const start = Date.now();
  if (options.root === undefined && (process.env[DATA_ENV] ?? "").trim() !== "") {
    // The user points at their own frames: check the path, never write there.
    const root = rickMortyRoot();
    options.log?.(`using the frames in ${root} (${DATA_ENV}); nothing generated`);
    return { root, status: "existing", written: [], seconds: (Date.now() - start) / 1000 };
  }
  const scale = options.scale ?? 1;
  const root = options.root ?? standInRoot(scale);
  const seed = options.seed ?? DEFAULT_SEED;
  const expected = rickMortyCounts(scale);
  const manifest = readManifest(root);
  const seconds = (): number => (Date.now() - start) / 1000;

  if (manifest === null && holdsJpegs(root)) {
    options.log?.(`${root} already holds JPEG frames that this kit did not generate; using them as they are`);
    return { root, status: "existing", written: [], seconds: seconds() };
  }
  const same = manifest !== null && manifest.version === GENERATOR_VERSION && manifest.seed === seed && manifest.scale === scale;
  const have = countGenerated(root);
  // A complete earlier run with the same settings: redo only folders with missing or extra files.
  // Otherwise (other seed or scale, or a run that died part-way) redo everything.
  const todo = same && manifest.complete
    ? RICK_MORTY_FOLDERS.filter((k) => have[k] !== expected[k])
    : [...RICK_MORTY_FOLDERS];
  if (todo.length === 0) return { root, status: "up to date", written: [], seconds: seconds() };
  options.log?.(`generating the Rick and Morty stand-in (seed ${seed}, scale ${scale}) in ${root}: ${todo.join(", ")}`);
  generateRickMorty({ root, seed, scale, folders: todo, log: options.log });
  return { root, status: "generated", written: todo, seconds: seconds() };
}
