/**
 * What scripts/setup-native-tensorflow.ts found out, kept where the chapters can read it: whether
 * tfjs-node's addon was built here, against which libtensorflow, or why it could not be. The file
 * lives in node_modules, so a fresh `npm ci` (which removes the build) removes it too.
 */
import * as path from "path";
import { readJsonFile, writeJsonFile } from "../io/json-file";

/** COURSE_NATIVE_STATUS_FILE moves it (the tests use that, so as not to touch the real one). */
export const NATIVE_STATUS_FILE =
  process.env.COURSE_NATIVE_STATUS_FILE ?? path.resolve(__dirname, "..", "..", "node_modules", ".course-native-tensorflow.json");

export type NativeStatus =
  | {
      ok: true;
      /** "course": built by the setup script from the pip wheel; "user": a tfjs-node that already worked, kept. */
      builtBy: "course" | "user";
      tensorflowVersion: string;
      /** Where libtensorflow came from, in words. */
      libtensorflow: string;
      /** Size and mtime of the wheel's library at build time: a changed wheel means a rebuild. */
      wheelStamp?: string;
    }
  | { ok: false; reason: string };

export function readNativeStatus(file = NATIVE_STATUS_FILE): NativeStatus | null {
  return readJsonFile<NativeStatus>(file);
}

export function writeNativeStatus(status: NativeStatus, file = NATIVE_STATUS_FILE): void {
  writeJsonFile(file, status, 2);
}
