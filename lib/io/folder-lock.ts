/**
 * Writing a generated folder safely when several runs may want it at once (the tests and the main
 * job, two notebooks, a fast and a full run sharing a scale):
 *
 *  - `withFolderLock(target, fn)`: runs `fn` while holding `<target>.lock`, a folder made with
 *    mkdir (which only one process can win) holding `owner.json` (pid, host, time). Others wait
 *    for it, checking every `pollMs`. A lock whose owner process is gone (a run that was killed)
 *    is taken over. Re-entrant within one process.
 *  - `asideFolder(target)`: a fresh empty folder beside `target` (same file system, so a rename
 *    into place is atomic), named `<target>.<pid>-<random>.tmp`; `clearStaleAside(target)` removes
 *    those left by runs that died (their pid is gone).
 *
 * `withFolderLockAsync` is the same lock for work that awaits (the generators' async variants, which
 * show a live progress line in a notebook).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface FolderLockOptions {
  /** Give up waiting after this long (default 30 minutes) with an error naming the lock's owner. */
  timeoutMs?: number;
  /** How often to look again while waiting (default 250 ms). */
  pollMs?: number;
  /** Told once when this run has to wait for another. */
  log?: (message: string) => void;
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

const held = new Set<string>();

export function lockPath(target: string): string {
  return `${path.resolve(target)}.lock`;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True when a process with this id exists (EPERM: it exists but is someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(lock: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(lock, "owner.json"), "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

/** True when the lock's owner is certainly gone: a dead pid on this host, or no owner file for a minute. */
function isStale(lock: string): boolean {
  const owner = readOwner(lock);
  if (owner === null) {
    // Made by mkdir but its owner file not written yet, or a run died in between.
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > 60_000;
    } catch {
      return false; // gone meanwhile: try again
    }
  }
  return owner.host === os.hostname() && owner.pid !== process.pid && !processAlive(owner.pid);
}

/**
 * Takes the lock of `target`: tries, and yields the milliseconds to wait before trying again (so
 * the same loop serves the synchronous and the async variant). Returns the owner record written.
 */
function* acquire(target: string, lock: string, options: FolderLockOptions): Generator<number, LockOwner, undefined> {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const pollMs = options.pollMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (isStale(lock)) {
      // Rename first, so that two runs finding the same stale lock cannot both remove a fresh one.
      const grave = `${lock}.${process.pid}-${uniqueSuffix()}.stale`;
      try {
        fs.renameSync(lock, grave);
        fs.rmSync(grave, { recursive: true, force: true });
      } catch {
        // someone else took it over first
      }
      continue;
    }
    const owner = readOwner(lock);
    if (!told) {
      options.log?.(`waiting for another run${owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.since})` : ""} that is writing ${target}`);
      told = true;
    }
    if (Date.now() > deadline) {
      throw new Error(`${target} is locked by another run${owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.since})` : ""} ` +
        `for more than ${Math.round(timeoutMs / 1000)} s. If no such run exists any more, remove ${lock} and try again.`);
    }
    yield pollMs;
  }
  const me: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  fs.writeFileSync(path.join(lock, "owner.json"), JSON.stringify(me) + "\n");
  return me;
}

/** Frees the lock if it is still ours (it may have been taken over meanwhile). */
function release(lock: string, me: LockOwner): void {
  const owner = readOwner(lock);
  if (owner !== null && owner.pid === process.pid && owner.host === me.host) fs.rmSync(lock, { recursive: true, force: true });
}

/** Locks held by `withFolderLockAsync` calls of this process, each with a promise that settles when it is freed. */
const heldAsync = new Map<string, Promise<void>>();

/** Runs `fn` holding the lock of `target` (see the module comment); the lock is freed however `fn` ends. */
export function withFolderLock<T>(target: string, fn: () => T, options: FolderLockOptions = {}): T {
  const lock = lockPath(target);
  if (held.has(lock)) return fn();
  if (heldAsync.has(lock)) {
    // Waiting would block the event loop that the holder needs to finish: it could never end.
    throw new Error(`${target} is being written by an unfinished async call in this process (an interrupted notebook cell?). ` +
      "Run this again once it is done, or restart the kernel.");
  }
  const taking = acquire(target, lock, options);
  let step = taking.next();
  while (step.done !== true) {
    sleepSync(step.value);
    step = taking.next();
  }
  const me = step.value;
  held.add(lock);
  try {
    return fn();
  } finally {
    held.delete(lock);
    release(lock, me);
  }
}

/**
 * `withFolderLock` for work that awaits (e.g. shows a live progress line): the same lock, stale-lock
 * takeover and owner record, but it waits without blocking the event loop. Calls in the same
 * process take turns. Not re-entrant: `fn` must not ask for the same lock again.
 */
export async function withFolderLockAsync<T>(target: string, fn: () => Promise<T> | T, options: FolderLockOptions = {}): Promise<T> {
  const lock = lockPath(target);
  if (held.has(lock)) throw new Error(`withFolderLockAsync: ${target} is already locked by a synchronous call in this process`);
  for (let other = heldAsync.get(lock); other !== undefined; other = heldAsync.get(lock)) await other;
  let freed: () => void = () => undefined;
  heldAsync.set(lock, new Promise<void>((resolve) => (freed = resolve)));
  try {
    const taking = acquire(target, lock, options);
    let step = taking.next();
    while (step.done !== true) {
      const ms = step.value;
      await new Promise((resolve) => setTimeout(resolve, ms));
      step = taking.next();
    }
    const me = step.value;
    try {
      return await fn();
    } finally {
      release(lock, me);
    }
  } finally {
    heldAsync.delete(lock);
    freed();
  }
}

const ASIDE = /^(.*)\.(\d+)-[a-z0-9]+\.tmp$/;

/**
 * A random name part from the operating system, never from Math.random: after setSeed, Math.random
 * is the chapter's seeded stream, and a draw here would make a run that generates its data train
 * differently from one that finds the data already there.
 */
function uniqueSuffix(): string {
  return crypto.randomBytes(5).toString("hex");
}

/** A new empty folder beside `target`, for writing into before renaming into place. */
export function asideFolder(target: string): string {
  const abs = path.resolve(target);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const dir = `${abs}.${process.pid}-${uniqueSuffix()}.tmp`;
  fs.mkdirSync(dir);
  return dir;
}

/** Removes aside folders of `target` whose run is gone. Call it while holding the lock. */
export function clearStaleAside(target: string): string[] {
  const abs = path.resolve(target);
  const parent = path.dirname(abs);
  if (!fs.existsSync(parent)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(parent)) {
    const m = ASIDE.exec(name);
    if (m === null || m[1] !== path.basename(abs)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    removed.push(path.join(parent, name));
  }
  return removed;
}
