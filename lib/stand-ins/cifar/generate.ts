/**
 * The chapter's embedded default: a seeded stand-in for CIFAR-10's deer, frogs and trucks, drawn by
 * `pictures.ts` and written as real CIFAR-10 binary batches (data_batch_1.bin …
 * data_batch_5.bin, test_batch.bin, batches.meta.txt), so the same reader serves it and the real
 * set. Only labels 4 (deer), 6 (frog) and 9 (truck) occur. Beside the batches, `stand-in.json`
 * records the seed, the scale, and per test image its scene and how hard it was drawn.
 *
 * Scale 1 has the course's counts (5,000 training and 1,000 test images per class); smaller scales
 * (fast mode) live in their own folder, data/deer-frogs-trucks-scale-<scale>, so fast and full runs
 * never regenerate each other's files; each is drawn aside and renamed into place under a lock
 * (see ../ensure-generated.ts). The real set is used when CIFAR10_DIR names its folder.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../random/rng";
import {
  CIFAR10_CLASSES, CIFAR_IMAGE_BYTES, CIFAR_META_FILE, CIFAR_TEST_FILE, CIFAR_TRAIN_FILES, rgbToPlanes, writeCifarBatch,
} from "../../data/cifar/binary-batch";
import { DEER_FROG_TRUCK, missingCifarFiles } from "../../data/cifar/cifar-classes";
import { drawStandInPicture, STAND_IN_CLASSES, type Difficulty, type Scene } from "./pictures";
import { AsyncProgressOptions, ProgressLabel, WorkSteps } from "../../kernel/work-progress";
import {
  EnsuredFolder, GeneratedFolder, StandInOptions, StandInResult, ensureGenerated, ensureGeneratedAsync, generateInFolder, generateInFolderAsync,
  standInResult, standInUnchanged,
} from "../ensure-generated";

export const CIFAR10_DIR_ENV = "CIFAR10_DIR";
export const CIFAR_STAND_IN_ROOT = path.join("data", "deer-frogs-trucks");
export const CIFAR_STAND_IN_MANIFEST = "stand-in.json";
/** The seed chapter 8 draws its pictures with. */
export const CIFAR_DEFAULT_SEED = 2020;
/** Bumped whenever the pictures change, so an old folder is drawn again. */
export const CIFAR_STAND_IN_VERSION = 2;
/** Images per class in the course: 5,000 training, 1,000 test. */
export const CIFAR_COURSE_PER_CLASS = { train: 5000, test: 1000 } as const;

export function checkCifarScale(scale: number): void {
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 1)) throw new Error(`CIFAR stand-in: scale must be in (0, 1], got ${scale}`);
}

/** The stand-in's folder at a scale: data/deer-frogs-trucks at 1, data/deer-frogs-trucks-scale-<s> below. */
export function cifarStandInRoot(scale = 1): string {
  checkCifarScale(scale);
  return scale === 1 ? CIFAR_STAND_IN_ROOT : `${CIFAR_STAND_IN_ROOT}-scale-${scale}`;
}

/** Images per class at a scale. */
export function cifarStandInCounts(scale = 1): { train: number; test: number } {
  checkCifarScale(scale);
  return {
    train: Math.max(5, Math.round(CIFAR_COURSE_PER_CLASS.train * scale)),
    test: Math.max(1, Math.round(CIFAR_COURSE_PER_CLASS.test * scale)),
  };
}

export interface CifarStandInManifest {
  version: number;
  seed: number;
  scale: number;
  perClass: { train: number; test: number };
  /** Share of pictures drawn hard on purpose, and how many of each kind, per split. */
  difficulties: { train: Record<Difficulty, number>; test: Record<Difficulty, number> };
  /** For each test image, in file order: its class name, scene and difficulty. */
  test: { cls: string; scene: Scene; difficulty: Difficulty }[];
}

export function readCifarStandInManifest(root: string): CifarStandInManifest | null {
  const file = path.join(root, CIFAR_STAND_IN_MANIFEST);
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as CifarStandInManifest;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); delete the folder to draw the stand-in again`);
  }
}

function emptyCounts(): Record<Difficulty, number> {
  return { clear: 0, far: 0, crop: 0, camo: 0, dark: 0 };
}

/** How the stand-in's progress line reads in a notebook: "Drew 18,000 pictures in 6.6 s (2,727 per s)". */
export const DRAWING_PICTURES_LABEL: ProgressLabel = { title: "Drawing the stand-in pictures", unit: "pictures", doneVerb: "Drew" };

/** What the drawing depends on. */
interface CifarDraw {
  seed: number;
  scale: number;
}

/**
 * How the stand-in reaches `root` (see ../ensure-generated.ts): drawn into a folder beside it and
 * renamed into place whole under the folder's lock, so a run that dies leaves no half-written
 * batches and two runs never write the same folder at once.
 */
function cifarFolder(root: string, options: { log?: (message: string) => void; lockTimeoutMs?: number } = {}): GeneratedFolder<CifarDraw, CifarStandInManifest> {
  return {
    target: root,
    log: options.log,
    lockTimeoutMs: options.lockTimeoutMs,
    write: (aside, draw) => {
      if (readCifarStandInManifest(root) === null && fs.existsSync(path.join(root, CIFAR_TEST_FILE))) {
        throw new Error(`${root} holds CIFAR-10 batches that this kit did not draw (no ${CIFAR_STAND_IN_MANIFEST}); not overwriting them. ` +
          `Point ${CIFAR10_DIR_ENV} at that folder to use it, or draw the stand-in into another folder.`);
      }
      return drawSteps(aside, draw);
    },
  };
}

/**
 * Draws the stand-in into `root`, replacing the folder (an earlier stand-in) whole: written aside
 * and renamed into place under the folder's lock. Classes are shuffled within each split, and the
 * training images are spread over five batch files as CIFAR-10 does.
 */
export function generateCifarStandIn(root: string, args: { seed: number; scale?: number }): CifarStandInManifest {
  return generateInFolder(cifarFolder(root), { seed: args.seed, scale: args.scale ?? 1 });
}

/** `generateCifarStandIn` with a live progress line in a notebook; the same files. `await` it. */
export function generateCifarStandInAsync(root: string, args: { seed: number; scale?: number } & AsyncProgressOptions): Promise<CifarStandInManifest> {
  return generateInFolderAsync(cifarFolder(root), { seed: args.seed, scale: args.scale ?? 1 }, args.progress === false ? null : DRAWING_PICTURES_LABEL);
}

/** The drawing, into the (empty) folder `dir`, one step per picture drawn. */
function* drawSteps(dir: string, args: CifarDraw): WorkSteps<CifarStandInManifest> {
  const scale = args.scale;
  const counts = cifarStandInCounts(scale);
  const rng = new Rng(args.seed);
  const difficulties = { train: emptyCounts(), test: emptyCounts() };
  const testInfo: CifarStandInManifest["test"] = [];
  const total = STAND_IN_CLASSES.length * (counts.train + counts.test);
  let done = 0;
  function* draw(n: number, split: "train" | "test"): WorkSteps<{ labels: number[]; planes: Uint8Array }> {
    const classes = rng.shuffle(STAND_IN_CLASSES.flatMap((_, k) => Array.from({ length: n }, () => k)));
    const planes = new Uint8Array(classes.length * CIFAR_IMAGE_BYTES);
    for (let i = 0; i < classes.length; i++) {
      const k = classes[i];
      const pic = drawStandInPicture(STAND_IN_CLASSES[k], rng);
      rgbToPlanes(pic.rgb, planes, i * CIFAR_IMAGE_BYTES);
      difficulties[split][pic.difficulty]++;
      if (split === "test") testInfo.push({ cls: STAND_IN_CLASSES[k], scene: pic.scene, difficulty: pic.difficulty });
      yield { done: ++done, total };
    }
    return { labels: classes.map((k) => DEER_FROG_TRUCK[k]), planes };
  }
  const train = yield* draw(counts.train, "train");
  const perFile = Math.ceil(train.labels.length / CIFAR_TRAIN_FILES.length);
  CIFAR_TRAIN_FILES.forEach((file, b) => {
    const from = b * perFile;
    const to = Math.min(train.labels.length, from + perFile);
    writeCifarBatch(path.join(dir, file), train.labels.slice(from, to), train.planes.subarray(from * CIFAR_IMAGE_BYTES, to * CIFAR_IMAGE_BYTES));
  });
  const test = yield* draw(counts.test, "test");
  writeCifarBatch(path.join(dir, CIFAR_TEST_FILE), test.labels, test.planes);
  fs.writeFileSync(path.join(dir, CIFAR_META_FILE), CIFAR10_CLASSES.join("\n") + "\n");
  const manifest: CifarStandInManifest = {
    version: CIFAR_STAND_IN_VERSION, seed: args.seed, scale, perClass: counts, difficulties, test: testInfo,
  };
  fs.writeFileSync(path.join(dir, CIFAR_STAND_IN_MANIFEST), JSON.stringify(manifest));
  return manifest;
}

/** True when `root` holds a complete stand-in drawn with this seed, scale and generator version. */
function standInIsFresh(root: string, draw: CifarDraw): boolean {
  const m = readCifarStandInManifest(root);
  return m !== null && m.version === CIFAR_STAND_IN_VERSION && m.seed === draw.seed && m.scale === draw.scale && missingCifarFiles(root).length === 0;
}

/** The parts of the CIFAR stand-in that `StandInResult.written` names: its splits. */
export type CifarPart = "train" | "test";

/**
 * The pictures a chapter reads: the real set in the folder CIFAR10_DIR names (checked: it must hold
 * the six batches; never written) when it is set and no `root` is given, else the stand-in at
 * `root` (default cifarStandInRoot(scale)), drawn on first use only (see ../ensure-generated.ts):
 * when missing or drawn with another seed, scale or version. A folder of CIFAR-10 batches without
 * our manifest is used as it is ("existing"). When another run is drawing the same folder, it waits
 * and uses what that run drew.
 */
export function ensureCifarData(options: StandInOptions = {}): StandInResult<CifarPart> {
  const job = ensureCifarJob(options);
  return "done" in job ? job.done : standInResult(ensureGenerated(job.folder), () => ["train", "test"]);
}

/** `ensureCifarData` with a live progress line in a notebook while it draws (none when the folder is up to date). `await` it. */
export async function ensureCifarDataAsync(options: StandInOptions & AsyncProgressOptions = {}): Promise<StandInResult<CifarPart>> {
  const job = ensureCifarJob(options);
  if ("done" in job) return job.done;
  const label = options.progress === false ? null : DRAWING_PICTURES_LABEL;
  return standInResult(await ensureGeneratedAsync(job.folder, label), () => ["train", "test"]);
}

/** What `ensureCifarData` and its async variant share: the answer when nothing may be written, else the folder to ensure. */
function ensureCifarJob(options: StandInOptions): { done: StandInResult<CifarPart> } | { folder: EnsuredFolder<CifarDraw, CifarStandInManifest> } {
  const t0 = Date.now();
  if (options.root === undefined) {
    const fromEnv = cifarFolderFromEnv();
    if (fromEnv !== null) {
      options.log?.(`using the CIFAR-10 batches in ${fromEnv} (${CIFAR10_DIR_ENV}); nothing drawn`);
      return { done: standInUnchanged(fromEnv, "existing", t0) };
    }
  }
  const draw: CifarDraw = { seed: options.seed ?? CIFAR_DEFAULT_SEED, scale: options.scale ?? 1 };
  const root = options.root ?? cifarStandInRoot(draw.scale);
  checkCifarScale(draw.scale);
  if (readCifarStandInManifest(root) === null && fs.existsSync(path.join(root, CIFAR_TEST_FILE))) {
    options.log?.(`${root} holds CIFAR-10 batches this kit did not draw; using them as they are`);
    return { done: standInUnchanged(root, "existing", t0) };
  }
  return {
    folder: {
      ...cifarFolder(root, options),
      missing: (dir) => (standInIsFresh(dir, draw) ? null : draw),
    },
  };
}

/** The folder CIFAR10_DIR names, checked (it must hold the six batches); null when it is not set. */
function cifarFolderFromEnv(): string | null {
  const fromEnv = process.env[CIFAR10_DIR_ENV];
  if (fromEnv === undefined || fromEnv.trim() === "") return null;
  if (!fs.existsSync(fromEnv) || !fs.statSync(fromEnv).isDirectory()) {
    throw new Error(`${CIFAR10_DIR_ENV}=${fromEnv}: no such folder. Point it at cifar-10-batches-bin, or unset it to use the generated stand-in.`);
  }
  const missing = missingCifarFiles(fromEnv);
  if (missing.length > 0) {
    throw new Error(`${CIFAR10_DIR_ENV}=${fromEnv} lacks ${missing.join(", ")}: point it at the folder of the binary batches (cifar-10-batches-bin).`);
  }
  return fromEnv;
}

/** One line for the top of the chapter: which images are in use. */
export function describeCifarSource(root: string): string {
  const m = readCifarStandInManifest(root);
  if (m === null) return `Data: CIFAR-10 binary batches in ${root} (the real images).`;
  const t = m.difficulties.test;
  const hard = m.test.length - t.clear;
  return `Data: the generated stand-in in ${root} (seed ${m.seed}, scale ${m.scale}; ${m.perClass.train} training and ` +
    `${m.perClass.test} test pictures per class), drawn by this kit, not CIFAR-10's photographs; ` +
    `${hard} of the ${m.test.length} test pictures were drawn hard on purpose (far ${t.far}, cropped ${t.crop}, camouflaged ${t.camo}, dark ${t.dark}).`;
}
