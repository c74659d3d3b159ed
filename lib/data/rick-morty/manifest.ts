/**
 * The manifest `.stand-in.json` that marks a folder as holding the generated stand-in: the seed,
 * the scale, whether the run finished, and what each held-out frame shows.
 */
import * as fs from "fs";
import * as path from "path";
import { RickMortyFolder } from "./layout";

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
  const file = manifestPath(root);
  if (!fs.existsSync(file)) return null;
  try {
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as StandInManifest;
    return m.generator === GENERATOR_NAME ? m : null;
  } catch {
    return null;
  }
}

export function writeManifest(root: string, manifest: StandInManifest): void {
  fs.writeFileSync(manifestPath(root), JSON.stringify(manifest, null, 1) + "\n");
}
