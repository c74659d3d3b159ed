/**
 * The manifest `.stand-in.json` that marks a folder as holding the generated ChIP stand-in: seed,
 * scale, the generator's settings, and whether the last run finished. A folder with .fa files and
 * no manifest is someone's real data and is never written to.
 */
import * as path from "path";
import { ChipClass } from "./layout";
import { readJsonFile, writeJsonFile } from "../../io/json-file";

export const CHIP_MANIFEST_FILE = ".stand-in.json";
export const CHIP_GENERATOR_NAME = "chip-stand-in";
/** Bump when the generated sequences change, so older sets are redone. */
export const CHIP_GENERATOR_VERSION = 1;

export interface ChipStandInSettings {
  /** Share of G and C in the background. */
  gc: number;
  /** Share of peak regions (SOX17, PRDM1) that get a site of their factor; the rest have none. */
  siteFraction: number;
  /** Share of random regions that get a site of either factor anyway (chance matches in the genome). */
  decoyFraction: number;
  /** Share of regions with a lower-case (soft-masked) stretch. */
  softMaskFraction: number;
  /** Random regions with a run of N written on top of the kept count (dropped when reading). */
  withN: number;
}

export interface ChipManifest {
  generator: string;
  version: number;
  seed: number;
  scale: number;
  complete: boolean;
  settings: ChipStandInSettings;
  /** Records written per file (random.fa includes the ones with N). */
  records: Record<ChipClass, number>;
}

export function chipManifestPath(root: string): string {
  return path.join(root, CHIP_MANIFEST_FILE);
}

/** The manifest at `root`, or null when there is none (or it is not ours). */
export function readChipManifest(root: string): ChipManifest | null {
  return readJsonFile<ChipManifest>(chipManifestPath(root), (m) => m.generator === CHIP_GENERATOR_NAME);
}

export function writeChipManifest(root: string, m: ChipManifest): void {
  writeJsonFile(chipManifestPath(root), m);
}
