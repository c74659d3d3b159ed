/**
 * Small JSON records beside data and models (manifests, training records, status files): read back only
 * when they parse and pass a check, written aside and renamed into place so a reader never sees half a file.
 */
import * as fs from "fs";
import * as path from "path";

/** The parsed file, or null when it is missing, is not JSON, or `accept` rejects it. */
export function readJsonFile<T>(file: string, accept: (value: T) => boolean = () => true): T | null {
  if (!fs.existsSync(file)) return null;
  try {
    const value = JSON.parse(fs.readFileSync(file, "utf8")) as T;
    return value !== null && accept(value) ? value : null;
  } catch {
    return null;
  }
}

/** Writes `value` as indented JSON, atomically. */
export function writeJsonFile(file: string, value: unknown, indent = 1): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, indent) + "\n");
  fs.renameSync(tmp, file);
}
