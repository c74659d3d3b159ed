/**
 * Writing a file so that the one it replaces survives any failure: the new bytes go to a scratch file
 * beside the target (hidden, named after it and this process), are flushed to disk and read back and
 * compared, and only then renamed over the target. A full disk, a refused permission or a short
 * write leaves the previous file as it was and throws one error that names the target (not the
 * scratch file) and the cause in words.
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";

const CAUSES: Record<string, string> = {
  ENOSPC: "the disk is full (no space left on device)",
  EDQUOT: "the disk quota is used up",
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  EROFS: "the file system is read-only",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  ENOENT: "the folder does not exist",
  ENAMETOOLONG: "the name is too long",
  EMFILE: "too many files are open",
  EIO: "an input/output error (the disk or network share failed)",
  EFBIG: "the file is too large for this file system",
  ELOOP: "a symbolic link loops",
};

/** The cause of a file-system error in words ("the disk is full (no space left on device)"). */
export function fsCause(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code !== undefined && CAUSES[code] !== undefined) return CAUSES[code];
  return e instanceof Error ? e.message : String(e);
}

/** The error to throw when saving `target` failed: what, where, why, and that the old file is safe. */
export function saveError(what: string, target: string, e: unknown, existedBefore: boolean): Error {
  let cause = e instanceof Error && (e as NodeJS.ErrnoException).code === undefined ? e.message : fsCause(e);
  // A message that already starts with the target's name says it once only.
  if (cause.startsWith(target)) {
    const rest = cause.slice(target.length);
    const inner = /^ \(([^)]*)\): ([\s\S]*)$/.exec(rest);
    cause = inner ? `${inner[2]} (${inner[1]})` : rest.replace(/^:\s*/, "");
  }
  const after = existedBefore ? `the previous ${target} is unchanged` : "nothing was left behind";
  const err = new Error(`${what}: could not save ${target}: ${cause}; ${after}`);
  (err as NodeJS.ErrnoException).code = (e as NodeJS.ErrnoException)?.code;
  return err;
}

/** A scratch name beside `file`: hidden, tied to this process, never the name of anyone else's file. */
export function scratchNameFor(file: string, suffix = ".tmp"): string {
  const tag = `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  return path.join(path.dirname(file), `.${path.basename(file)}.${tag}${suffix}`);
}

const CHUNK = 1 << 20;

/** Throws unless `file` holds exactly `content` (read back in 1 MiB pieces, so memory stays small). */
export function checkWritten(file: string, content: Uint8Array): void {
  const size = fs.statSync(file).size;
  if (size !== content.length) {
    throw new Error(`the written file holds ${size} bytes instead of ${content.length} (the write was cut short)`);
  }
  const fd = fs.openSync(file, "r");
  try {
    const piece = Buffer.alloc(Math.min(CHUNK, Math.max(1, content.length)));
    for (let at = 0; at < content.length; at += CHUNK) {
      const n = Math.min(CHUNK, content.length - at);
      if (fs.readSync(fd, piece, 0, n, at) !== n) throw new Error("the written file could not be read back");
      if (!piece.subarray(0, n).equals(content.subarray(at, at + n))) throw new Error("the written file does not read back as written");
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Write `content` to `file` and flush it to disk (no rename, no check). */
export function writeAndFlush(file: string, content: Uint8Array | string): void {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const fd = fs.openSync(file, "w");
  try {
    // writeSync may write less than asked (and throws ENOSPC when the disk is full): loop until done.
    for (let at = 0; at < bytes.length;) {
      const n = fs.writeSync(fd, bytes, at, Math.min(CHUNK, bytes.length - at));
      if (n <= 0) throw Object.assign(new Error("the write made no progress"), { code: "EIO" });
      at += n;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flush an already written file to disk. */
export function flushFile(file: string): void {
  const fd = fs.openSync(file, "r+");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replace `file` with `content` safely (see the module comment), throwing the file system's own error
 * (for callers that describe the failure themselves, e.g. a model folder of several files).
 */
export function replaceFileOrThrow(file: string, content: Uint8Array | string): void {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = scratchNameFor(file);
  try {
    writeAndFlush(tmp, bytes);
    checkWritten(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Replace `file` with `content` safely (see the module comment). `what` names the caller in errors
 * ("saveWeights"). The parent folder is created when missing.
 */
export function replaceFile(what: string, file: string, content: Uint8Array | string): void {
  const existed = fs.existsSync(file);
  try {
    replaceFileOrThrow(file, content);
  } catch (e) {
    throw saveError(what, file, e, existed);
  }
}
