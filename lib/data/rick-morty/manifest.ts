/**
 * The manifest `.stand-in.json` that marks a folder as holding the generated stand-in: the seed,
 * the scale, whether the run finished, and what each held-out frame shows.
 */
import * as path from "path";
import { RickMortyFolder } from "./layout";
import { readJsonFile, writeJsonFile } from "../../io/json-file";

export const MANIFEST_FILE = ".stand-in.json";
export const GENERATOR_NAME = "rick-morty-stand-in";
/** Bump when the drawing changes, so older generated sets are redone. */
export const GENERATOR_VERSION = 1;

export interface StandInManifest {
  generator: string;
  version: number;
  seed: number;
  scale: number;
  complete: boolean;
  counts: Record<RickMortyFolder, number>;
  /** What each held-out frame shows (the course gives no such key for its own frames). */
  predictions: { file: string; rick: boolean; morty: boolean; width: number; height: number }[];
}

export function manifestPath(root: string): string {
  return path.join(root, MANIFEST_FILE);
}

/** The manifest at `root`, or null when there is none (or it is not one of ours). */
export function readManifest(root: string): StandInManifest | null {
  return readJsonFile<StandInManifest>(manifestPath(root), (m) => m.generator === GENERATOR_NAME);
}

export function writeManifest(root: string, manifest: StandInManifest): void {
  writeJsonFile(manifestPath(root), manifest);
}
