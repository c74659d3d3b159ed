/**
 * The embedded stand-in for the course's ChIP-seq regions: seeded random 200 bp sequences
 * (GC about 43%, as in the human genome) written as real FASTA files in the course's layout, with
 * binding sites drawn from the JASPAR matrices planted at random positions and strands:
 *
 *   SOX17.fa   most regions hold one Sox17 (MA0078.1) site, the rest none
 *   PRDM1.fa   most regions hold one PRDM1 (MA0508.1) site, the rest none
 *   random.fa  background only, a few with a site of either factor (chance matches), plus some
 *              regions with a run of N (assembly gaps) that the reader drops
 *
 * Some regions have a lower-case (soft-masked) stretch, as in sequence extracted from hg38.
 * `planted-sites.bed` records every site. `ensureChipData` generates on first use only, drawing
 * into a folder beside the target and renaming it into place under the folder's lock (see
 * ../ensure-generated.ts), and never writes into a folder that holds .fa files without our manifest.
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../random/rng";
import { writeFasta } from "../../data/dna/fasta";
import { CountMatrix, PRDM1_MA0508_1, SOX17_MA0078_1, drawBase, drawSite, motifProbabilities, reverseComplement } from "../../data/dna/motifs";
import { CHIP_CLASSES, CHIP_FILES, ChipClass, chipCounts, chipPaths, chipStandInRoot, checkChipScale, CHIP_SEQUENCE_LENGTH } from "../../data/dna/layout";
import { PLANTED_SITES_FILE, PlantedSite, writePlantedSites } from "../../data/dna/planted-sites";
import {
  CHIP_GENERATOR_NAME, CHIP_GENERATOR_VERSION, CHIP_MANIFEST_FILE, ChipManifest, ChipStandInSettings, readChipManifest, writeChipManifest,
} from "../../data/dna/chip-manifest";
import { CHIP_DATA_ENV, chipDataRoot } from "../../data/dna/chip-source";
import { AsyncProgressOptions, ProgressLabel, WorkSteps, runSteps } from "../../kernel/work-progress";
import {
  EnsuredFolder, GeneratedFolder, StandInOptions, StandInResult, ensureGenerated, ensureGeneratedAsync, generateInFolder, generateInFolderAsync,
  standInResult, standInUnchanged,
} from "../ensure-generated";

export const CHIP_DEFAULT_SEED = 2022;

export const CHIP_DEFAULT_SETTINGS: ChipStandInSettings = {
  gc: 0.43,
  siteFraction: 0.8,
  decoyFraction: 0.04,
  softMaskFraction: 0.1,
  withN: 79,
};

/** The motif each class plants. */
export const CHIP_MOTIFS: Record<"SOX17" | "PRDM1", CountMatrix> = { SOX17: SOX17_MA0078_1, PRDM1: PRDM1_MA0508_1 };

export function motifLabel(m: CountMatrix): string {
  return `${m.name}_${m.id}`;
}

export interface GenerateChipArgs {
  /** Folder to write into (created). */
  root: string;
  /** Same seed, same files. Default 2022. */
  seed?: number;
  /** Fraction of the course's counts, in (0, 1]. Default 1. */
  scale?: number;
  /** Override some of the generator's settings (tests). */
  settings?: Partial<ChipStandInSettings>;
  log?: (message: string) => void;
}

export interface GeneratedRecord {
  header: string;
  sequence: string;
}

/** Seed of one class's stream, so each file depends only on the seed and its class. */
function classSeed(seed: number, k: number): number {
  return (((seed >>> 0) % 1000003) * 7919 + 104729 * (k + 1)) % 2147483647;
}

function pad(i: number): string {
  return String(i).padStart(5, "0");
}

/** How many records a class's file gets (random.fa also has the records with N). */
export function chipRecordCount(cls: ChipClass, scale: number, settings: ChipStandInSettings): number {
  return chipCounts(scale)[cls] + (cls === "random" ? Math.round(settings.withN * scale) : 0);
}

type ClassRecords = { records: GeneratedRecord[]; sites: PlantedSite[] };

/** One class's records and the sites planted in them; a pure function of (seed, scale, settings). */
export function generateChipClass(cls: ChipClass, seed: number, scale: number, settings: ChipStandInSettings): ClassRecords {
  return runSteps(chipClassSteps(cls, seed, scale, settings, 0, chipRecordCount(cls, scale, settings)));
}

/** The loop of `generateChipClass`, one step per record, counted from `before` of `total` (several files, one line). */
function* chipClassSteps(cls: ChipClass, seed: number, scale: number, settings: ChipStandInSettings, before: number, total: number): WorkSteps<ClassRecords> {
  checkChipScale(scale);
  const k = CHIP_CLASSES.indexOf(cls);
  const rng = new Rng(classSeed(seed, k));
  const at = (1 - settings.gc) / 2;
  const background = [at, settings.gc / 2, settings.gc / 2, at];
  const L = CHIP_SEQUENCE_LENGTH;
  const n = chipCounts(scale)[cls];
  const nWithN = cls === "random" ? Math.round(settings.withN * scale) : 0;
  const sox = motifProbabilities(SOX17_MA0078_1);
  const prdm = motifProbabilities(PRDM1_MA0508_1);
  const records: GeneratedRecord[] = [];
  const sites: PlantedSite[] = [];
  // Records with N are spread through the file, as gaps fall anywhere in the genome.
  const nPositions = new Set(rng.sample(n + nWithN, nWithN));
  for (let i = 0; i < n + nWithN; i++) {
    const name = `${cls}_${pad(i + 1)}`;
    const bases: string[] = [];
    for (let j = 0; j < L; j++) bases.push(drawBase(rng, background));
    let motif: CountMatrix | null = null;
    let probs: number[][] = [];
    if (cls !== "random" && rng.unif() < settings.siteFraction) {
      motif = CHIP_MOTIFS[cls];
      probs = cls === "SOX17" ? sox : prdm;
    } else if (cls === "random" && rng.unif() < settings.decoyFraction) {
      const pickSox = rng.unif() < 0.5;
      motif = pickSox ? SOX17_MA0078_1 : PRDM1_MA0508_1;
      probs = pickSox ? sox : prdm;
    }
    if (motif !== null) {
      const len = probs.length;
      const start = rng.index(L - len + 1);
      const strand = rng.unif() < 0.5 ? "+" : "-";
      const site = drawSite(rng, probs);
      const written = strand === "+" ? site : reverseComplement(site);
      for (let j = 0; j < len; j++) bases[start + j] = written[j];
      sites.push({ record: name, start, end: start + len, motif: motifLabel(motif), strand });
    }
    if (nPositions.has(i)) {
      const len = 1 + rng.index(60);
      const start = rng.index(L - len + 1);
      for (let j = start; j < start + len; j++) bases[j] = "N";
    }
    if (rng.unif() < settings.softMaskFraction) {
      const len = 20 + rng.index(61);
      const start = rng.index(L - len + 1);
      for (let j = start; j < start + len; j++) bases[j] = bases[j].toLowerCase();
    }
    records.push({ header: `${name} generated stand-in (${cls === "random" ? "random region" : `${cls} peak`})`, sequence: bases.join("") });
    yield { done: before + i + 1, total };
  }
  return { records, sites };
}

/** True when `root` holds any .fa / .fasta file. */
function holdsFasta(root: string): boolean {
  return fs.existsSync(root) && fs.readdirSync(root).some((f) => /\.(fa|fasta|fna)$/i.test(f));
}

/** What the generator draws: a pure function of these. */
interface ChipDraw {
  seed: number;
  scale: number;
  settings: ChipStandInSettings;
}

/** The draw `args` ask for, checked. */
function chipDraw(args: { seed?: number; scale?: number; settings?: Partial<ChipStandInSettings> }): ChipDraw {
  const scale = args.scale ?? 1;
  checkChipScale(scale);
  return { seed: args.seed ?? CHIP_DEFAULT_SEED, scale, settings: { ...CHIP_DEFAULT_SETTINGS, ...(args.settings ?? {}) } };
}

/**
 * How the stand-in reaches `root` (see ../ensure-generated.ts): drawn into a folder beside it and
 * renamed into place whole under the folder's lock, so a run that dies or fails leaves no
 * half-written folder, and two runs never write the same one. `announce` is said before drawing.
 */
function chipFolder(root: string, log: ((message: string) => void) | undefined, lockTimeoutMs?: number,
  announce?: string): GeneratedFolder<ChipDraw, GeneratedChip> {
  return {
    target: root,
    log,
    lockTimeoutMs,
    write: function* (aside: string, draw: ChipDraw): WorkSteps<GeneratedChip> {
      if (readChipManifest(root) === null && holdsFasta(root)) {
        throw new Error(`${root} holds FASTA files that this kit did not generate (no ${CHIP_MANIFEST_FILE}); ` +
          "not overwriting them. Generate into another folder, or move those files away first.");
      }
      if (announce !== undefined) log?.(announce);
      return yield* chipSteps(aside, draw, log);
    },
  };
}

/**
 * Writes the stand-in under `root` (SOX17.fa, PRDM1.fa, random.fa, planted-sites.bed, manifest),
 * replacing the folder (an earlier stand-in) whole: written aside, renamed into place under the
 * folder's lock. Refuses a folder with FASTA files but no manifest.
 */
export function generateChipStandIn(args: GenerateChipArgs): GeneratedChip {
  const t0 = Date.now();
  const out = generateInFolder(chipFolder(args.root, args.log), chipDraw(args));
  return { ...out, seconds: (Date.now() - t0) / 1000 };
}

/** What `generateChipStandIn` wrote. */
export interface GeneratedChip {
  records: Record<ChipClass, number>;
  sites: number;
  seconds: number;
}

/** How the ChIP generator's progress line reads: "Generated 57,241 regions in 9.8 s (5,841 per s)". */
export const GENERATING_REGIONS_LABEL: ProgressLabel = { title: "Generating the ChIP regions", unit: "regions", doneVerb: "Generated" };

/** `generateChipStandIn` with a live progress line in a notebook; the same files. */
export async function generateChipStandInAsync(args: GenerateChipArgs & AsyncProgressOptions): Promise<GeneratedChip> {
  const t0 = Date.now();
  const out = await generateInFolderAsync(chipFolder(args.root, args.log), chipDraw(args), args.progress === false ? null : GENERATING_REGIONS_LABEL);
  return { ...out, seconds: (Date.now() - t0) / 1000 };
}

/** The drawing, into the (empty) folder `dir`, one step per record drawn. */
function* chipSteps(dir: string, draw: ChipDraw, log: ((message: string) => void) | undefined): WorkSteps<GeneratedChip> {
  const t0 = Date.now();
  const { seed, scale, settings } = draw;
  const records = {} as Record<ChipClass, number>;
  for (const c of CHIP_CLASSES) records[c] = 0;
  const paths = chipPaths(dir);
  const allSites: PlantedSite[] = [];
  const total = CHIP_CLASSES.reduce((sum, c) => sum + chipRecordCount(c, scale, settings), 0);
  let before = 0;
  for (const c of CHIP_CLASSES) {
    const out = yield* chipClassSteps(c, seed, scale, settings, before, total);
    before += out.records.length;
    writeFasta({ file: paths[c], records: out.records, lineWidth: 60 });
    records[c] = out.records.length;
    allSites.push(...out.sites);
    log?.(`${CHIP_FILES[c]}: ${out.records.length} regions, ${out.sites.length} planted sites`);
  }
  writePlantedSites(path.join(dir, PLANTED_SITES_FILE), allSites,
    `binding sites planted by the ${CHIP_GENERATOR_NAME} generator v${CHIP_GENERATOR_VERSION} (seed ${seed}, scale ${scale})`);
  const manifest: ChipManifest = {
    generator: CHIP_GENERATOR_NAME, version: CHIP_GENERATOR_VERSION, seed, scale, complete: true, settings, records,
  };
  writeChipManifest(dir, manifest);
  return { records, sites: allSites.length, seconds: (Date.now() - t0) / 1000 };
}

/** The parts of the ChIP stand-in that `StandInResult.written` names: its classes (one FASTA file each). */
export type ChipPart = ChipClass;

/**
 * Makes sure there is ChIP data to read: $CHIP_DATA (checked, never written) when set and no
 * `root` is given, else the stand-in at `root` (default chipStandInRoot(scale)), generated on first
 * use only (see ../ensure-generated.ts): when missing, incomplete, or made with another seed or
 * version. A folder of FASTA files without our manifest is used as it is ("existing").
 */
export function ensureChipData(options: StandInOptions = {}): StandInResult<ChipPart> {
  const job = ensureChipJob(options);
  return "done" in job ? job.done : standInResult(ensureGenerated(job.folder), () => [...CHIP_CLASSES]);
}

/**
 * `ensureChipData` with a live progress line in a notebook while it generates (nothing is shown
 * when the files are already there). Same checks and files; `await` it.
 */
export async function ensureChipDataAsync(options: StandInOptions & AsyncProgressOptions = {}): Promise<StandInResult<ChipPart>> {
  const job = ensureChipJob(options);
  if ("done" in job) return job.done;
  const label = options.progress === false ? null : GENERATING_REGIONS_LABEL;
  return standInResult(await ensureGeneratedAsync(job.folder, label), () => [...CHIP_CLASSES]);
}

/** What `ensureChipData` and its async variant share: the answer when nothing may be written, else the folder to ensure. */
function ensureChipJob(options: StandInOptions): { done: StandInResult<ChipPart> } | { folder: EnsuredFolder<ChipDraw, GeneratedChip> } {
  const t0 = Date.now();
  if (options.root === undefined && (process.env[CHIP_DATA_ENV] ?? "").trim() !== "") {
    const root = chipDataRoot();
    options.log?.(`using the FASTA files in ${root} (${CHIP_DATA_ENV}); nothing generated`);
    return { done: standInUnchanged(root, "existing", t0) };
  }
  const draw = chipDraw(options);
  const root = options.root ?? chipStandInRoot(draw.scale);
  if (readChipManifest(root) === null && holdsFasta(root)) {
    options.log?.(`${root} holds FASTA files this kit did not generate; using them as they are`);
    return { done: standInUnchanged(root, "existing", t0) };
  }
  const announce = `generating the ChIP stand-in (seed ${draw.seed}, scale ${draw.scale}) in ${root}`;
  return {
    folder: {
      ...chipFolder(root, options.log, options.lockTimeoutMs, announce),
      missing: (dir) => (chipIsComplete(dir, draw) ? null : draw),
    },
  };
}

/** True when `root` holds a complete stand-in drawn with this seed, scale and generator version. */
function chipIsComplete(root: string, draw: ChipDraw): boolean {
  const manifest = readChipManifest(root);
  const paths = chipPaths(root);
  return manifest !== null && manifest.complete && manifest.version === CHIP_GENERATOR_VERSION &&
    manifest.seed === draw.seed && manifest.scale === draw.scale &&
    CHIP_CLASSES.every((c) => fs.existsSync(paths[c])) && fs.existsSync(path.join(root, PLANTED_SITES_FILE));
}
