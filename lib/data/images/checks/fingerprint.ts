/**
 * A short fingerprint of the image files in some folders: the same files with the same bytes give the
 * same fingerprint on any machine; a changed, added, removed or renamed file changes it. Trained models
 * record the fingerprint of the frames they learnt from, so a chapter can tell whether a saved model
 * belongs to the frames in use (lib/course/trained-models.ts).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { listFiles } from "../list-files";

export interface FingerprintArgs {
  /** Folders whose image files count, in a fixed order (their names are part of the fingerprint). */
  folders: string[];
  /** Which files count; default: JPEGs. */
  pattern?: RegExp;
}

export interface Fingerprint {
  /** 16 hex digits of a SHA-256 over folder names, file names and file contents. */
  id: string;
  files: number;
}

export function fingerprintFolders(args: FingerprintArgs): Fingerprint {
  if (args.folders.length === 0) throw new Error("fingerprintFolders: no folders given");
  const hash = crypto.createHash("sha256");
  let files = 0;
  for (const folder of args.folders) {
    const names = listFiles(folder, { pattern: args.pattern ?? /\.jpe?g$/i });
    hash.update(`folder ${path.basename(folder)} ${names.length}\n`);
    for (const name of names) {
      const content = contentHash(path.join(folder, name));
      hash.update(`${name} ${content}\n`);
      files++;
    }
  }
  if (files === 0) throw new Error(`fingerprintFolders: no image files in ${args.folders.join(", ")}`);
  return { id: hash.digest("hex").slice(0, 16), files };
}

/** The file's SHA-256, or a marker for a link that dangles or loops (listFiles lists those too). */
function contentHash(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    return `unreadable ${(e as NodeJS.ErrnoException).code ?? "?"}`;
  }
  return crypto.createHash("sha256").update(bytes).digest("hex");
}
