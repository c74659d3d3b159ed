/**
 * Writing the generated Rick and Morty stand-in to disk, in the course's layout (see layout.ts),
 * and `ensureRickMortyData`, which does so on first use only.
 *
 * A manifest `.stand-in.json` at the root records the seed, the scale and whether the last run
 * finished. Folders holding JPEGs without a manifest are taken to be someone's real course data and
 * are never written to. A second file, `.characters.json` (see cast-record.ts), records where each
 * character was drawn in every file.
 *
 * Runs never clobber each other (see ../ensure-generated.ts, which all three stand-ins share): a
 * run holds `<root>.lock` while it writes, so a second run for the same folder waits and then finds
 * it up to date; and it writes the frames into a folder beside the root first and renames them
 * into place only when all are written. A new root appears in one rename; in an existing one each redone layout folder is swapped in, and the
 * manifest is marked incomplete before the swaps and complete (by renaming the new one in) after,
 * so a run killed at any point is noticed and redone. A run that dies leaves at most its aside
 * folder, which the next run removes.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../random/rng";
import { encodeJpeg } from "../../data/images/codecs/jpeg-encode";
import { listFiles } from "../../data/images/list-files";
import { AsyncProgressOptions, ProgressLabel, WorkSteps } from "../../kernel/work-progress";
import {
  EnsuredFolder, GeneratedFolder, StandInOptions, StandInResult, ensureGenerated, ensureGeneratedAsync, generateInFolder, generateInFolderAsync,
  standInResult, standInUnchanged,
} from "../ensure-generated";
import { DrawnCharacter, drawFrameWithCast } from "./scene";
import { buildCastRecord, castRecordPath, readCastRecord, writeCastRecord } from "./cast-record";
import { GENERATOR_NAME, GENERATOR_VERSION, MANIFEST_FILE, StandInManifest, manifestPath, readManifest, writeManifest } from "../../data/rick-morty/manifest";
import { DATA_ENV, rickMortyRoot } from "../../data/rick-morty/source";
import { Original, RickMortyPlan, originalKey, originalSeed, planRickMorty } from "./plan";
import {
  FOLDER_SPECS, standInRoot, RICK_MORTY_FOLDERS, RickMortyFolder, frameFileName, generatedNamePattern, rickMortyCounts, rickMortyPaths,
} from "../../data/rick-morty/layout";

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
  /** Longest wait for another run writing the same folder, in ms (default 30 minutes). */
  lockTimeoutMs?: number;
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

/** Moves the files of `from` that this generator did not name (a user's additions) into `to`. */
function keepOthers(from: string, to: string, folder: RickMortyFolder): void {
  if (!fs.existsSync(from)) return;
  const ours = generatedNamePattern(folder);
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (!ours.test(e.name)) fs.renameSync(path.join(from, e.name), path.join(to, e.name));
  }
}

function isEmptyDir(dir: string): boolean {
  return fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0;
}

/**
 * Moves what was written in `aside` into `root`: the whole folder at once when `root` is new, else
 * folder by folder (see the module comment). User files in a replaced folder are kept.
 */
function installAside(aside: string, root: string, folders: readonly RickMortyFolder[], incomplete: StandInManifest): void {
  if (fs.existsSync(root) && isEmptyDir(root)) fs.rmdirSync(root);
  if (!fs.existsSync(root)) {
    fs.mkdirSync(path.dirname(path.resolve(root)), { recursive: true });
    fs.renameSync(aside, root);
    return;
  }
  writeManifest(root, incomplete);
  const fresh = rickMortyPaths(aside);
  const target = rickMortyPaths(root);
  const replaced = path.join(aside, ".replaced");
  for (const folder of folders) {
    keepOthers(target[folder], fresh[folder], folder);
    if (fs.existsSync(target[folder])) {
      const parked = path.join(replaced, FOLDER_SPECS[folder].dir);
      fs.mkdirSync(path.dirname(parked), { recursive: true });
      fs.renameSync(target[folder], parked);
    }
    fs.mkdirSync(path.dirname(target[folder]), { recursive: true });
    fs.renameSync(fresh[folder], target[folder]);
  }
  fs.renameSync(castRecordPath(aside), castRecordPath(root));
  fs.renameSync(manifestPath(aside), manifestPath(root)); // complete: true, last
  fs.rmSync(aside, { recursive: true, force: true });
}

/** What one run draws: these folders, with this seed and scale. */
interface RickMortyDraw {
  seed: number;
  scale: number;
  folders: readonly RickMortyFolder[];
}

/**
 * How the stand-in reaches `root` (see ../ensure-generated.ts and the module comment): the frames
 * are written aside and moved into place by `installAside`, under the folder's lock. `announce`
 * says what is generated, before drawing.
 */
function rickMortyFolder(root: string, log: (message: string) => void, lockTimeoutMs: number | undefined,
  announce?: (draw: RickMortyDraw) => string): GeneratedFolder<RickMortyDraw, number> {
  return {
    target: root,
    log,
    lockTimeoutMs,
    write: function* (aside: string, draw: RickMortyDraw): WorkSteps<number> {
      if (readManifest(root) === null && holdsJpegs(root)) {
        throw new Error(`${root} holds JPEG frames that this kit did not generate (no ${MANIFEST_FILE}); ` +
          `not overwriting them. Generate into another folder, or move those frames away first.`);
      }
      if (announce !== undefined) log(announce(draw));
      return yield* drawSteps(aside, draw, readCastRecord(root), log);
    },
    install: (aside, target, draw) => installAside(aside, target, draw.folders, manifestFor(draw.seed, draw.scale, planRickMorty(draw.seed, draw.scale), false)),
  };
}

function drawOf(options: { seed?: number; scale?: number; folders?: readonly RickMortyFolder[] }): RickMortyDraw {
  return { seed: options.seed ?? DEFAULT_SEED, scale: options.scale ?? 1, folders: options.folders ?? RICK_MORTY_FOLDERS };
}

/**
 * Writes the stand-in (or some of its folders) under `options.root`, replacing earlier generated
 * files there, atomically and under the folder's lock (see the module comment). Refuses a root
 * that holds JPEGs but no manifest (someone's own frames, whose names may be the same as ours).
 * Returns the number of files written and the seconds taken (waiting for a lock included).
 */
export function generateRickMorty(options: GenerateOptions): { files: number; seconds: number } {
  const start = Date.now();
  const files = generateInFolder(rickMortyFolder(options.root, options.log ?? (() => undefined), options.lockTimeoutMs), drawOf(options));
  return { files, seconds: (Date.now() - start) / 1000 };
}

/** How the generators' progress line reads: "Generated 7,590 frames in 1 min 3 s (120 per s)". */
export const GENERATING_FRAMES_LABEL: ProgressLabel = { title: "Generating the Rick and Morty frames", unit: "frames", doneVerb: "Generated" };

/**
 * `generateRickMorty` with a live progress line in a notebook (see kernel/work-progress.ts): the
 * same files, written under the same lock, but the kernel can show the line while it draws.
 */
export async function generateRickMortyAsync(options: GenerateOptions & AsyncProgressOptions): Promise<{ files: number; seconds: number }> {
  const start = Date.now();
  const label = options.progress === false ? null : GENERATING_FRAMES_LABEL;
  const files = await generateInFolderAsync(rickMortyFolder(options.root, options.log ?? (() => undefined), options.lockTimeoutMs), drawOf(options), label);
  return { files, seconds: (Date.now() - start) / 1000 };
}

/**
 * The drawing of `draw.folders` into the (empty) folder `aside`, one step per file written, with
 * the cast record (entries of the folders not redone kept from `previousCast`) and the manifest
 * (complete). Returns the number of files.
 */
function* drawSteps(aside: string, draw: RickMortyDraw, previousCast: ReturnType<typeof readCastRecord>, log: (message: string) => void): WorkSteps<number> {
  const { seed, scale, folders } = draw;
  const plan = planRickMorty(seed, scale);
  const dirs = rickMortyPaths(aside);
  // Originals shared by several files (altdata, duplicates) are encoded once per run.
  const cache = new Map<string, Buffer>();
  const casts = new Map<string, DrawnCharacter[]>();
  const total = folders.reduce((sum, folder) => sum + plan[folder].length, 0);
  let files = 0;
  for (const folder of folders) {
    const dir = dirs[folder];
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < plan[folder].length; i++) {
      const o = plan[folder][i];
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
      yield { done: files, total };
    }
    log(`${FOLDER_SPECS[folder].dir}: ${plan[folder].length} frames`);
  }
  // Where each character was drawn, for every folder (those not redone now keep their entries).
  writeCastRecord(aside, buildCastRecord(seed, scale, plan, casts, previousCast, folders));
  writeManifest(aside, manifestFor(seed, scale, plan, true));
  return files;
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

/**
 * Makes sure the stand-in is complete under `root`: $RICK_MORTY_DATA (checked, never written) when
 * set and no `root` is given, else `root` (default standInRoot(scale)), generated on first use
 * only (see ../ensure-generated.ts). It redoes only the folders that are incomplete, and everything
 * when the seed or scale asked for differ from what is there. Frames it did not write are never
 * touched ("existing"). When another run is writing the same folder, it waits for it and uses what
 * that run wrote.
 */
export function ensureRickMortyData(options: StandInOptions = {}): StandInResult<RickMortyFolder> {
  const job = ensureJob(options);
  return "done" in job ? job.done : standInResult(ensureGenerated(job.folder), (draw) => [...draw.folders]);
}

/**
 * `ensureRickMortyData` with a live progress line in a notebook while it generates (nothing is
 * shown when the frames are already there). Same checks, lock and files; `await` it.
 */
export async function ensureRickMortyDataAsync(options: StandInOptions & AsyncProgressOptions = {}): Promise<StandInResult<RickMortyFolder>> {
  const job = ensureJob(options);
  if ("done" in job) return job.done;
  const label = options.progress === false ? null : GENERATING_FRAMES_LABEL;
  return standInResult(await ensureGeneratedAsync(job.folder, label), (draw) => [...draw.folders]);
}

/** What `ensureRickMortyData` and its async variant share: the answer when nothing may be written, else the folder to ensure. */
function ensureJob(options: StandInOptions): { done: StandInResult<RickMortyFolder> } | { folder: EnsuredFolder<RickMortyDraw, number> } {
  const start = Date.now();
  if (options.root === undefined && (process.env[DATA_ENV] ?? "").trim() !== "") {
    // The user points at their own frames: check the path, never write there.
    const root = rickMortyRoot();
    options.log?.(`using the frames in ${root} (${DATA_ENV}); nothing generated`);
    return { done: standInUnchanged(root, "existing", start) };
  }
  const scale = options.scale ?? 1;
  const root = options.root ?? standInRoot(scale);
  const seed = options.seed ?? DEFAULT_SEED;
  if (readManifest(root) === null && holdsJpegs(root)) {
    options.log?.(`${root} already holds JPEG frames that this kit did not generate; using them as they are`);
    return { done: standInUnchanged(root, "existing", start) };
  }
  /** The folders to redo: after a complete earlier run with the same settings, those with missing or extra files; otherwise all. */
  const missing = (dir: string): RickMortyDraw | null => {
    const manifest = readManifest(dir);
    const expected = rickMortyCounts(scale);
    const same = manifest !== null && manifest.version === GENERATOR_VERSION && manifest.seed === seed && manifest.scale === scale;
    const have = countGenerated(dir);
    const todo = same && manifest.complete ? RICK_MORTY_FOLDERS.filter((k) => have[k] !== expected[k]) : [...RICK_MORTY_FOLDERS];
    return todo.length === 0 ? null : { seed, scale, folders: todo };
  };
  const announce = (draw: RickMortyDraw): string =>
    `generating the Rick and Morty stand-in (seed ${seed}, scale ${scale}) in ${root}: ${draw.folders.join(", ")}`;
  return { folder: { ...rickMortyFolder(root, options.log ?? (() => undefined), options.lockTimeoutMs, announce), missing } };
}
