/**
 * Where the generator drew each character: a record `.characters.json` next to the manifest, one
 * entry per generated file ("data/ThreeClassModel/AllRickImages/Rick_1.jpg" → the characters in
 * that frame with their pixel boxes). It is what lets a chapter check whether a network looks at
 * Rick: the course's own frames carry no such key.
 *
 * The generator writes it with the frames. For a stand-in generated before the record existed, or
 * when the record is missing, `characterRecord` rebuilds it by drawing the frames again (every frame
 * is a pure function of seed, set and index) without writing any image.
 */
import * as path from "path";
import { Rng } from "../../random/rng";
import { DrawnCharacter, drawFrameWithCast } from "./scene";
import { GENERATOR_NAME, GENERATOR_VERSION, readManifest } from "../../data/rick-morty/manifest";
import { Original, RickMortyPlan, originalKey, originalSeed, planRickMorty } from "./plan";
import { FOLDER_SPECS, RICK_MORTY_FOLDERS, RickMortyFolder, frameFileName } from "../../data/rick-morty/layout";
import { rickMortyRoot } from "../../data/rick-morty/source";
import { readJsonFile, writeJsonFile } from "../../io/json-file";

export type { DrawnCharacter } from "./scene";
export type { PixelBox } from "../raster";

export const CAST_FILE = ".characters.json";

export interface CharacterRecord {
  generator: string;
  version: number;
  seed: number;
  scale: number;
  /** Relative path of each generated file under the root ("/"-separated) → who is in it, in drawing order. */
  frames: Record<string, DrawnCharacter[]>;
}

/** The characters drawn in one original picture (draws it again; encodes nothing). */
export function castOfOriginal(seed: number, o: Original): DrawnCharacter[] {
  return drawFrameWithCast(new Rng(originalSeed(seed, o.set, o.index)), o.content, o.width, o.height).cast;
}

/** The key of a file in `frames`: its path relative to the root, with "/" separators. */
export function castKey(folder: RickMortyFolder, index: number): string {
  return `${FOLDER_SPECS[folder].dir}/${frameFileName(folder, index)}`;
}

export function castRecordPath(root: string): string {
  return path.join(root, CAST_FILE);
}

/** The record file as it is on disk, or null when there is none or it is not ours. */
export function readCastRecord(root: string): CharacterRecord | null {
  return readJsonFile<CharacterRecord>(
    castRecordPath(root),
    (r) => r.generator === GENERATOR_NAME && typeof r.frames === "object" && r.frames !== null,
  );
}

function sameSettings(r: CharacterRecord | null, seed: number, scale: number): r is CharacterRecord {
  return r !== null && r.version === GENERATOR_VERSION && r.seed === seed && r.scale === scale;
}

/**
 * A complete record for every folder of `plan`. Casts already known (`known`, by original key, e.g.
 * from the frames just rendered) are used as they are; entries of `previous` with the same settings
 * are kept for folders not in `redo`; everything else is drawn again.
 */
export function buildCastRecord(
  seed: number,
  scale: number,
  plan: RickMortyPlan,
  known: ReadonlyMap<string, DrawnCharacter[]>,
  previous: CharacterRecord | null,
  redo: readonly RickMortyFolder[] = RICK_MORTY_FOLDERS,
): CharacterRecord {
  const keep = sameSettings(previous, seed, scale) ? previous.frames : {};
  const cache = new Map(known);
  const frames: Record<string, DrawnCharacter[]> = {};
  for (const folder of RICK_MORTY_FOLDERS) {
    plan[folder].forEach((o, i) => {
      const key = castKey(folder, i);
      const kept = redo.includes(folder) ? undefined : keep[key];
      if (kept !== undefined) {
        frames[key] = kept;
        return;
      }
      const ok = originalKey(o);
      let cast = cache.get(ok);
      if (cast === undefined) {
        cast = castOfOriginal(seed, o);
        cache.set(ok, cast);
      }
      frames[key] = cast;
    });
  }
  return { generator: GENERATOR_NAME, version: GENERATOR_VERSION, seed, scale, frames };
}

export function writeCastRecord(root: string, record: CharacterRecord): void {
  writeJsonFile(castRecordPath(root), record, 0);
}

/**
 * The record of where each character is in the generated stand-in under `root` (default: the
 * chapters' data folder). Rebuilt and saved when it is missing or does not match the manifest.
 * Throws for frames this kit did not generate (the course's own frames come with no such record).
 */
export function characterRecord(root: string = rickMortyRoot()): CharacterRecord {
  const manifest = readManifest(root);
  if (manifest === null) {
    throw new Error(`${root} holds no generated stand-in (no manifest): only the generated frames come with a record of ` +
      "where each character was drawn, the course's own frames do not");
  }
  if (!manifest.complete) throw new Error(`the stand-in in ${root} is incomplete: run ensureRickMortyData() first`);
  const onDisk = readCastRecord(root);
  const plan = planRickMorty(manifest.seed, manifest.scale);
  const complete = sameSettings(onDisk, manifest.seed, manifest.scale) && manifest.version === GENERATOR_VERSION &&
    RICK_MORTY_FOLDERS.every((f) => plan[f].every((_, i) => onDisk.frames[castKey(f, i)] !== undefined));
  if (complete) return onDisk;
  const record = buildCastRecord(manifest.seed, manifest.scale, plan, new Map(), onDisk);
  writeCastRecord(root, record);
  return record;
}

/** The characters in one generated file (a path under `root`, as the loaders return it); throws for any other file. */
export function charactersIn(record: CharacterRecord, root: string, file: string): DrawnCharacter[] {
  const rel = path.relative(root, file).split(path.sep).join("/");
  const cast = record.frames[rel];
  if (cast === undefined) throw new Error(`no record of the characters in ${file}: it is not a generated frame under ${root}`);
  return cast;
}
