/**
 * Listing the files of a folder, like R's `list.files(path, pattern = "jpg")`.
 */
import * as fs from "fs";
import * as path from "path";

export interface ListFilesOptions {
  /**
   * Keep names that match this regular expression (R semantics: a search anywhere in the name,
   * so "jpg" matches "Rick_1.jpg"). A string is compiled with `new RegExp`. Default: every file.
   */
  pattern?: string | RegExp;
  /** Return `folder/name` instead of the bare name (R's `full.names = TRUE`). Default false. */
  fullNames?: boolean;
}

/**
 * The plain files in `folder` whose names match `pattern`, sorted by code point (R sorts by the
 * locale's collation, which may order names with "_" or digits differently). Sub-folders and
 * hidden files (starting with ".") are skipped; symbolic links to files are followed, and links that
 * dangle or loop are listed (reading them then fails with an error that says so). Throws when the folder is missing or not a folder.
 */
export function listFiles(folder: string, options: ListFilesOptions = {}): string[] {
  checkFolder(folder);
  const pattern = toRegExp(options.pattern);
  const names = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && isFile(folder, e))
    .map((e) => e.name)
    .filter((name) => pattern === null || pattern.test(name))
    .sort(byCodePoint);
  return options.fullNames ? names.map((n) => path.join(folder, n)) : names;
}

/** Throws a clear error unless `folder` exists and is a folder. */
export function checkFolder(folder: string): void {
  if (typeof folder !== "string" || folder.length === 0) {
    throw new Error("listFiles: the folder path is empty");
  }
  if (!fs.existsSync(folder)) {
    throw new Error(`folder not found: ${folder} (resolved from ${process.cwd()})`);
  }
  if (!fs.statSync(folder).isDirectory()) {
    throw new Error(`not a folder: ${folder}`);
  }
}

function isFile(folder: string, e: fs.Dirent): boolean {
  if (e.isFile()) return true;
  if (!e.isSymbolicLink()) return false;
  // Follow symbolic links, so a folder of links to frames elsewhere still lists. A link that dangles
  // or loops is listed too (as R's list.files lists it), so the reader names it as a bad file instead
  // of it vanishing, or a raw ELOOP stopping the whole listing.
  try {
    const target = fs.statSync(path.join(folder, e.name), { throwIfNoEntry: false });
    return target === undefined || target.isFile();
  } catch {
    return true;
  }
}

function toRegExp(pattern: string | RegExp | undefined): RegExp | null {
  if (pattern === undefined) return null;
  if (pattern instanceof RegExp) {
    // A global regexp's `test` is stateful (lastIndex); use a fresh, non-global copy.
    return new RegExp(pattern.source, pattern.flags.replace("g", "").replace("y", ""));
  }
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new Error(`listFiles: pattern ${JSON.stringify(pattern)} is not a valid regular expression`);
  }
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
