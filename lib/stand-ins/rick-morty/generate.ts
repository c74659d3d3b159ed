/**
 * Writing the generated Rick and Morty stand-in to disk, in the course's layout (see layout.ts),
 * and `ensureRickMortyData`, which does so on first use only.
 *
 * A manifest `.stand-in.json` at the root records the seed, the scale and whether the last run
 * finished. Folders holding JPEGs without a manifest are taken to be someone's real course data and
 * are never written to. A second file, `.characters.json` (see cast-record.ts), records where each
 * character was drawn in every file.
 *
 * Runs never clobber each other (see ../folder-lock.ts): a run holds `<root>.lock` while it writes,
 * so a second run for the same folder waits and then finds it up to date; and it writes the frames
 * into a folder beside the root first and renames them into place only when all are written. A new
 * root appears in one rename; in an existing one each redone layout folder is swapped in, and the
 * manifest is marked incomplete before the swaps and complete (by renaming the new one in) after,
 * so a run killed at any point is noticed and redone. A run that dies leaves at most its aside
 * folder, which the next run removes.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../random/rng";
import { encodeJpeg } from "../../data/images/codecs/jpeg-encode";
import { listFiles } from "../../data/images/list-files";
import { asideFolder, clearStaleAside, withFolderLock, withFolderLockAsync } from "../../io/folder-lock";
import { AsyncProgressOptions, ProgressLabel, WorkSteps, driveSteps, runSteps } from "../../kernel/work-progress";
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

/**
 * Writes the stand-in (or some of its folders) under `options.root`, replacing earlier generated
 * files there, atomically and under the folder's lock (see the module comment). Refuses a root
 * that holds JPEGs but no manifest (someone's own frames, whose names may be the same as ours).
 * Returns the number of files written and the seconds taken (waiting for a lock included).
 */
export function generateRickMorty(options: GenerateOptions): { files: number; seconds: number } {
  const start = Date.now();
  const files = withFolderLock(options.root, () => runSteps(generateSteps(options)), { log: options.log, timeoutMs: options.lockTimeoutMs });
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
  const files = await withFolderLockAsync(options.root, () => driveSteps(generateSteps(options), label),
    { log: options.log, timeoutMs: options.lockTimeoutMs });
  return { files, seconds: (Date.now() - start) / 1000 };
}

/**
 * The work of `generateRickMorty` once the lock is held, one step per file written; returns the
 * number of files. An abandoned run (error, interrupt) removes its aside folder.
 */
function* generateSteps(options: GenerateOptions): WorkSteps<number> {
  const { root } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  const folders = options.folders ?? RICK_MORTY_FOLDERS;
  const log = options.log ?? (() => undefined);
  const plan = planRickMorty(seed, scale);
  if (readManifest(root) === null && holdsJpegs(root)) {
    throw new Error(`${root} holds JPEG frames that this kit did not generate (no ${MANIFEST_FILE}); ` +
      `not overwriting them. Generate into another folder, or move those frames away first.`);
  }
  for (const dead of clearStaleAside(root)) log(`removed ${dead}, left by a run that did not finish`);

  const previousCast = readCastRecord(root);
  const aside = asideFolder(root);
  const dirs = rickMortyPaths(aside);
  try {
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
    installAside(aside, root, folders, manifestFor(seed, scale, plan, false));
    return files;
  } finally {
    fs.rmSync(aside, { recursive: true, force: true });
  }
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
 * or scale asked for differ from what is there. Frames it did not write are never touched. When
 * another run is writing the same folder, it waits for it and uses what that run wrote.
 */
export function ensureRickMortyData(options: EnsureOptions = {}): EnsureResult {
  const job = ensureJob(options);
  if (job.done !== null) return job.done;
  return withFolderLock(job.root, () => {
    const todo = job.decide();
    if (!Array.isArray(todo)) return todo;
    runSteps(generateSteps(job.generateOptions(todo)));
    return job.generated(todo);
  }, { log: options.log, timeoutMs: options.lockTimeoutMs });
}

/**
 * `ensureRickMortyData` with a live progress line in a notebook while it generates (nothing is
 * shown when the frames are already there). Same checks, lock and files; `await` it.
 */
export async function ensureRickMortyDataAsync(options: EnsureOptions & AsyncProgressOptions = {}): Promise<EnsureResult> {
  const job = ensureJob(options);
  if (job.done !== null) return job.done;
  const label = options.progress === false ? null : GENERATING_FRAMES_LABEL;
  return withFolderLockAsync(job.root, async () => {
    const todo = job.decide();
    if (!Array.isArray(todo)) return todo;
    await driveSteps(generateSteps(job.generateOptions(todo)), label);
    return job.generated(todo);
  }, { log: options.log, timeoutMs: options.lockTimeoutMs });
}

interface EnsureJob {
  root: string;
  /** The answer when nothing is to be done (user's frames, or up to date at first look); else null. */
  done: EnsureResult | null;
  /** What needs doing; asked again once the lock is ours, since another run may have done it. */
  decide(): EnsureResult | RickMortyFolder[];
  /** The generator's options for these folders (and says what is being generated). */
  generateOptions(todo: RickMortyFolder[]): GenerateOptions;
  generated(todo: RickMortyFolder[]): EnsureResult;
}

/** What `ensureRickMortyData` and its async variant share: the checks before and after taking the lock. */
function ensureJob(options: EnsureOptions): EnsureJob {
  const start = Date.now();
  const seconds = (): number => (Date.now() - start) / 1000;
  if (options.root === undefined && (process.env[DATA_ENV] ?? "").trim() !== "") {
    // The user points at their own frames: check the path, never write there.
    const root = rickMortyRoot();
    options.log?.(`using the frames in ${root} (${DATA_ENV}); nothing generated`);
    const done: EnsureResult = { root, status: "existing", written: [], seconds: seconds() };
    return { root, done, decide: () => done, generateOptions: () => ({ root }), generated: () => done };
  }
  const scale = options.scale ?? 1;
  const root = options.root ?? standInRoot(scale);
  const seed = options.seed ?? DEFAULT_SEED;

  const decide = (): EnsureResult | RickMortyFolder[] => {
    const manifest = readManifest(root);
    if (manifest === null && holdsJpegs(root)) {
      options.log?.(`${root} already holds JPEG frames that this kit did not generate; using them as they are`);
      return { root, status: "existing", written: [], seconds: seconds() };
    }
    const expected = rickMortyCounts(scale);
    const same = manifest !== null && manifest.version === GENERATOR_VERSION && manifest.seed === seed && manifest.scale === scale;
    const have = countGenerated(root);
    // A complete earlier run with the same settings: redo only folders with missing or extra files.
    // Otherwise (other seed or scale, or a run that died part-way) redo everything.
    const todo = same && manifest.complete
      ? RICK_MORTY_FOLDERS.filter((k) => have[k] !== expected[k])
      : [...RICK_MORTY_FOLDERS];
    return todo.length === 0 ? { root, status: "up to date", written: [], seconds: seconds() } : todo;
  };
  const first = decide();
  return {
    root,
    done: Array.isArray(first) ? null : first,
    decide,
    generateOptions: (todo) => {
      options.log?.(`generating the Rick and Morty stand-in (seed ${seed}, scale ${scale}) in ${root}: ${todo.join(", ")}`);
      return { root, seed, scale, folders: todo, log: options.log };
    },
    generated: (todo) => ({ root, status: "generated", written: todo, seconds: seconds() }),
  };
}
