/**
 * The chapter's embedded default: a seeded stand-in for CIFAR-10's deer, frogs and trucks, drawn by
 * `stand-in-pictures.ts` and written as real CIFAR-10 binary batches (data_batch_1.bin …
 * data_batch_5.bin, test_batch.bin, batches.meta.txt), so the same reader serves it and the real
 * set. Only labels 4 (deer), 6 (frog) and 9 (truck) occur. Beside the batches, `stand-in.json`
 * records the seed, the scale, and per test image its scene and how hard it was drawn.
 *
 * Scale 1 has the course's counts (5,000 training and 1,000 test images per class); smaller scales
 * (fast mode) live in their own folder, data/deer-frogs-trucks-scale-<scale>, so fast and full runs
 * never regenerate each other's files; each is drawn aside and renamed into place under a lock.
 * The real set is used when CIFAR10_DIR names its folder.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../random/rng";
import {
  CIFAR10_CLASSES, CIFAR_IMAGE_BYTES, CIFAR_META_FILE, CIFAR_TEST_FILE, CIFAR_TRAIN_FILES, rgbToPlanes, writeCifarBatch,
} from "../../data/cifar/binary-batch";
import { DEER_FROG_TRUCK, missingCifarFiles } from "../../data/cifar/cifar-classes";
import { drawStandInPicture, STAND_IN_CLASSES, type Difficulty, type Scene } from "./pictures";
import { asideFolder, clearStaleAside, withFolderLock, withFolderLockAsync } from "../../io/folder-lock";
import { AsyncProgressOptions, ProgressLabel, WorkSteps, driveSteps, runSteps } from "../../kernel/work-progress";

export const CIFAR10_DIR_ENV = "CIFAR10_DIR";
export const CIFAR_STAND_IN_ROOT = path.join("data", "deer-frogs-trucks");
export const CIFAR_STAND_IN_MANIFEST = "stand-in.json";
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

/**
 * Draws the stand-in into `root`, replacing an earlier stand-in there: written into a folder beside
 * it and renamed into place under the folder's lock, so a run that dies leaves no half-written
 * batches and two runs never write the same folder at once. Classes are shuffled within each split,
 * and the training images are spread over five batch files as CIFAR-10 does.
 */
export function generateCifarStandIn(root: string, args: { seed: number; scale?: number }): CifarStandInManifest {
  return withFolderLock(root, () => runSteps(generateSteps(root, args)));
}

/** `generateCifarStandIn` with a live progress line in a notebook; the same files. `await` it. */
export function generateCifarStandInAsync(root: string, args: { seed: number; scale?: number } & AsyncProgressOptions): Promise<CifarStandInManifest> {
  return withFolderLockAsync(root, () => driveSteps(generateSteps(root, args), args.progress === false ? null : DRAWING_PICTURES_LABEL));
}

/** The work of `generateCifarStandIn` (the caller holds the lock), one step per picture drawn. */
function* generateSteps(root: string, args: { seed: number; scale?: number }): WorkSteps<CifarStandInManifest> {
  const scale = args.scale ?? 1;
  const counts = cifarStandInCounts(scale);
  if (readCifarStandInManifest(root) === null && fs.existsSync(path.join(root, CIFAR_TEST_FILE))) {
    throw new Error(`${root} holds CIFAR-10 batches that this kit did not draw (no ${CIFAR_STAND_IN_MANIFEST}); not overwriting them. ` +
      `Point ${CIFAR10_DIR_ENV} at that folder to use it, or draw the stand-in into another folder.`);
  }
  clearStaleAside(root);
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
  const aside = asideFolder(root);
  try {
    const train = yield* draw(counts.train, "train");
    const perFile = Math.ceil(train.labels.length / CIFAR_TRAIN_FILES.length);
    CIFAR_TRAIN_FILES.forEach((file, b) => {
      const from = b * perFile;
      const to = Math.min(train.labels.length, from + perFile);
      writeCifarBatch(path.join(aside, file), train.labels.slice(from, to), train.planes.subarray(from * CIFAR_IMAGE_BYTES, to * CIFAR_IMAGE_BYTES));
    });
    const test = yield* draw(counts.test, "test");
    writeCifarBatch(path.join(aside, CIFAR_TEST_FILE), test.labels, test.planes);
    fs.writeFileSync(path.join(aside, CIFAR_META_FILE), CIFAR10_CLASSES.join("\n") + "\n");
    const manifest: CifarStandInManifest = {
      version: CIFAR_STAND_IN_VERSION, seed: args.seed, scale, perClass: counts, difficulties, test: testInfo,
    };
    fs.writeFileSync(path.join(aside, CIFAR_STAND_IN_MANIFEST), JSON.stringify(manifest));
    replaceFolder(root, aside);
    return manifest;
  } finally {
    fs.rmSync(aside, { recursive: true, force: true });
  }
}

/** Puts the complete folder `fresh` where `root` is; the old one is parked aside first, then removed. */
function replaceFolder(root: string, fresh: string): void {
  if (!fs.existsSync(root)) {
    fs.renameSync(fresh, root);
    return;
  }
  const parked = asideFolder(root);
  fs.renameSync(root, parked); // onto the empty aside folder, which rename replaces
  fs.renameSync(fresh, root);
  fs.rmSync(parked, { recursive: true, force: true });
}

/** True when `root` holds a complete stand-in drawn with this seed, scale and generator version. */
function standInIsFresh(root: string, seed: number, scale: number): boolean {
  const m = readCifarStandInManifest(root);
  return m !== null && m.version === CIFAR_STAND_IN_VERSION && m.seed === seed && m.scale === scale && missingCifarFiles(root).length === 0;
}

/**
 * The stand-in at `scale` in its own folder, drawn only when it is missing or was drawn
 * differently. When another run is drawing the same folder, it waits and uses what that run drew.
 */
export function ensureCifarStandIn(args: { seed: number; scale?: number; root?: string }): string {
  const scale = args.scale ?? 1;
  const root = args.root ?? cifarStandInRoot(scale);
  if (!standInIsFresh(root, args.seed, scale)) {
    withFolderLock(root, () => {
      if (!standInIsFresh(root, args.seed, scale)) runSteps(generateSteps(root, { seed: args.seed, scale }));
    });
  }
  return root;
}

/** `ensureCifarStandIn` with a live progress line in a notebook while it draws (none when the folder is up to date). */
export async function ensureCifarStandInAsync(args: { seed: number; scale?: number; root?: string } & AsyncProgressOptions): Promise<string> {
  const scale = args.scale ?? 1;
  const root = args.root ?? cifarStandInRoot(scale);
  if (!standInIsFresh(root, args.seed, scale)) {
    await withFolderLockAsync(root, async () => {
      if (!standInIsFresh(root, args.seed, scale)) {
        await driveSteps(generateSteps(root, { seed: args.seed, scale }), args.progress === false ? null : DRAWING_PICTURES_LABEL);
      }
    });
  }
  return root;
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

/**
 * Which folder a chapter reads: the one CIFAR10_DIR names (checked: it must hold the six batches),
 * otherwise the stand-in at `scale`, drawn on first use.
 */
export function cifarDataRoot(args: { seed: number; scale?: number }): string {
  return cifarFolderFromEnv() ?? ensureCifarStandIn(args);
}

/** `cifarDataRoot` with a live progress line while the stand-in is drawn. `await` it. */
export async function cifarDataRootAsync(args: { seed: number; scale?: number } & AsyncProgressOptions): Promise<string> {
  return cifarFolderFromEnv() ?? ensureCifarStandInAsync(args);
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
