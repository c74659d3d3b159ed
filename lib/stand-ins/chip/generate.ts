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
 * `planted-sites.bed` records every site. `ensureChipData` generates on first use only and never
 * writes into a folder that holds .fa files without our manifest.
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
import { AsyncProgressOptions, ProgressLabel, WorkSteps, driveSteps, runSteps } from "../../kernel/work-progress";

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

/**
 * Writes the stand-in under `root` (SOX17.fa, PRDM1.fa, random.fa, planted-sites.bed, manifest),
 * replacing an earlier stand-in there. Refuses a folder with FASTA files but no manifest.
 */
export function generateChipStandIn(args: GenerateChipArgs): GeneratedChip {
  return runSteps(generateChipSteps(args));
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
export function generateChipStandInAsync(args: GenerateChipArgs & AsyncProgressOptions): Promise<GeneratedChip> {
  return driveSteps(generateChipSteps(args), args.progress === false ? null : GENERATING_REGIONS_LABEL);
}

/** The work of `generateChipStandIn`, one step per record drawn. */
function* generateChipSteps(args: GenerateChipArgs): WorkSteps<GeneratedChip> {
  const t0 = Date.now();
  const { root } = args;
  const seed = args.seed ?? CHIP_DEFAULT_SEED;
  const scale = args.scale ?? 1;
  const settings = { ...CHIP_DEFAULT_SETTINGS, ...(args.settings ?? {}) };
  checkChipScale(scale);
  if (readChipManifest(root) === null && holdsFasta(root)) {
    throw new Error(`${root} holds FASTA files that this kit did not generate (no ${CHIP_MANIFEST_FILE}); ` +
      "not overwriting them. Generate into another folder, or move those files away first.");
  }
  fs.mkdirSync(root, { recursive: true });
  const records = {} as Record<ChipClass, number>;
  for (const c of CHIP_CLASSES) records[c] = 0;
  const manifest: ChipManifest = {
    generator: CHIP_GENERATOR_NAME, version: CHIP_GENERATOR_VERSION, seed, scale, complete: false, settings, records,
  };
  writeChipManifest(root, manifest);
  const paths = chipPaths(root);
  const allSites: PlantedSite[] = [];
  const total = CHIP_CLASSES.reduce((sum, c) => sum + chipRecordCount(c, scale, settings), 0);
  let before = 0;
  for (const c of CHIP_CLASSES) {
    const out = yield* chipClassSteps(c, seed, scale, settings, before, total);
    before += out.records.length;
    writeFasta({ file: paths[c], records: out.records, lineWidth: 60 });
    records[c] = out.records.length;
    allSites.push(...out.sites);
    args.log?.(`${CHIP_FILES[c]}: ${out.records.length} regions, ${out.sites.length} planted sites`);
  }
  writePlantedSites(path.join(root, PLANTED_SITES_FILE), allSites,
    `binding sites planted by the ${CHIP_GENERATOR_NAME} generator v${CHIP_GENERATOR_VERSION} (seed ${seed}, scale ${scale})`);
  writeChipManifest(root, { ...manifest, complete: true, records });
  return { records, sites: allSites.length, seconds: (Date.now() - t0) / 1000 };
}

export interface EnsureChipArgs {
  /** Folder; default $CHIP_DATA when set, else chipStandInRoot(scale). */
  root?: string;
  seed?: number;
  scale?: number;
  log?: (message: string) => void;
}

export interface EnsureChipResult {
  root: string;
  /** "generated": written now; "up to date": already there; "existing": FASTA files we did not write, left alone. */
  status: "generated" | "up to date" | "existing";
  seconds: number;
}

/**
 * Makes sure there is ChIP data to read: $CHIP_DATA (checked, never written) when set, else the
 * stand-in for this scale, generated when missing, incomplete, or made with another seed or version.
 */
export function ensureChipData(args: EnsureChipArgs = {}): EnsureChipResult {
  const job = ensureChipJob(args);
  if (job.done !== null) return job.done;
  generateChipStandIn(job.generateArgs);
  return job.generated();
}

/**
 * `ensureChipData` with a live progress line in a notebook while it generates (nothing is shown
 * when the files are already there). Same checks and files; `await` it.
 */
export async function ensureChipDataAsync(args: EnsureChipArgs & AsyncProgressOptions = {}): Promise<EnsureChipResult> {
  const job = ensureChipJob(args);
  if (job.done !== null) return job.done;
  await generateChipStandInAsync({ ...job.generateArgs, progress: args.progress });
  return job.generated();
}

/** The checks `ensureChipData` and its async variant share: done already, or what to generate. */
function ensureChipJob(args: EnsureChipArgs): { done: EnsureChipResult | null; generateArgs: GenerateChipArgs; generated: () => EnsureChipResult } {
  const t0 = Date.now();
  const seconds = (): number => (Date.now() - t0) / 1000;
  const nothing = (done: EnsureChipResult) => ({ done, generateArgs: { root: done.root }, generated: () => done });
  if (args.root === undefined && (process.env[CHIP_DATA_ENV] ?? "").trim() !== "") {
    const root = chipDataRoot();
    args.log?.(`using the FASTA files in ${root} (${CHIP_DATA_ENV}); nothing generated`);
    return nothing({ root, status: "existing", seconds: seconds() });
  }
  const scale = args.scale ?? 1;
  const seed = args.seed ?? CHIP_DEFAULT_SEED;
  const root = args.root ?? chipStandInRoot(scale);
  const manifest = readChipManifest(root);
  if (manifest === null && holdsFasta(root)) {
    args.log?.(`${root} holds FASTA files this kit did not generate; using them as they are`);
    return nothing({ root, status: "existing", seconds: seconds() });
  }
  const paths = chipPaths(root);
  const same = manifest !== null && manifest.complete && manifest.version === CHIP_GENERATOR_VERSION &&
    manifest.seed === seed && manifest.scale === scale &&
    CHIP_CLASSES.every((c) => fs.existsSync(paths[c])) && fs.existsSync(path.join(root, PLANTED_SITES_FILE));
  if (same) return nothing({ root, status: "up to date", seconds: seconds() });
  args.log?.(`generating the ChIP stand-in (seed ${seed}, scale ${scale}) in ${root}`);
  return { done: null, generateArgs: { root, seed, scale, log: args.log }, generated: () => ({ root, status: "generated", seconds: seconds() }) };
}
