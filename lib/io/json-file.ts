/**
 * Small JSON records beside data and models (manifests, training records, status files): read back only
 * when they parse and pass a check, written aside, read back and renamed into place so a reader never sees half a file (lib/io/safe-write).
 */
import * as fs from "fs";
import { replaceFile } from "./safe-write";

const MAX_RECORD_BYTES = 64 * 2 ** 20;

/** The parsed file, or null when it is missing, is not JSON, or `accept` rejects it. */
export function readJsonFile<T>(file: string, accept: (value: T) => boolean = () => true): T | null {
  if (!fs.existsSync(file)) return null;
  try {
    // A record of ours is small; something huge under its name is not one, and is not read.
    if (fs.statSync(file).size > MAX_RECORD_BYTES) return null;
    const value = JSON.parse(fs.readFileSync(file, "utf8")) as T;
    return value !== null && accept(value) ? value : null;
  } catch {
    return null;
  }
}

/** Writes `value` as indented JSON, atomically. */
export function writeJsonFile(file: string, value: unknown, indent = 1): void {
  replaceFile("writeJsonFile", file, JSON.stringify(value, null, indent) + "\n");
}
