/**
 * The one way the generated stand-ins (the Rick and Morty frames, the ChIP regions, the CIFAR
 * pictures) reach the disk, so that a run that is killed or fails never leaves a half-written
 * folder that a later run takes for a complete one, and two runs never write the same folder:
 *
 *   1. `missing(target)` says what is left to write (null: nothing, the folder is complete).
 *   2. If something is, the folder's lock is taken (lib/io/folder-lock.ts) and `missing` is asked
 *      again: another run may have written the folder while this one waited.
 *   3. Aside folders left by runs that died are removed, and `write` fills a fresh aside folder
 *      beside the target (same file system).
 *   4. `install` renames what was written into place: by default the whole folder in one rename
 *      (an older folder there is first parked aside, then removed). The aside folder is removed
 *      however `write` ends (an error, Kernel > Interrupt).
 *
 * `generateInFolder` is steps 3 and 4 under the lock, for the generators' "write it again anyway"
 * functions. Each step has a synchronous form and an async one that can show a live progress line
 * in a notebook (the work is written once, as `WorkSteps`).
 *
 * Below that, what the three data sets' `ensure...Data` functions share: one options shape
 * (`StandInOptions`) and one result (`StandInResult`).
 */
import * as fs from "fs";
import * as path from "path";
import { asideFolder, clearStaleAside, withFolderLock, withFolderLockAsync } from "../io/folder-lock";
import { ProgressLabel, WorkSteps, driveSteps, runSteps } from "../kernel/work-progress";

/** How to write one generated folder (see the module comment). */
export interface GeneratedFolder<Todo, Made> {
  /** The folder to make. */
  target: string;
  /** Writes `todo` into `aside`, an empty folder beside the target, yielding one step per item written. */
  write(aside: string, todo: Todo): WorkSteps<Made>;
  /** Moves the finished `aside` folder into place (default `replaceFolder`). */
  install?(aside: string, target: string, todo: Todo): void;
  /** Messages (waiting for another run, removing a dead run's aside folder). Default: none. */
  log?: (message: string) => void;
  /** Longest wait for another run writing the same folder, in ms (default 30 minutes). */
  lockTimeoutMs?: number;
}

/** `GeneratedFolder` for `ensureGenerated`: it also says what is missing. */
export interface EnsuredFolder<Todo, Made> extends GeneratedFolder<Todo, Made> {
  /** What is left to write in `target`; null when it is complete. Asked before and again under the lock. */
  missing(target: string): Todo | null;
}

/** What `ensureGenerated` did. */
export interface EnsureGeneratedResult<Todo, Made> {
  target: string;
  /** True when this call wrote (part of) the folder. */
  generated: boolean;
  /** What was missing and written; null when nothing was (then `made` is null too). */
  todo: Todo | null;
  /** What `write` returned; null when nothing was written. */
  made: Made | null;
  /** Seconds taken, waiting for the lock included. */
  seconds: number;
}

/**
 * Puts the complete folder `fresh` where `target` is, in one rename when there is none yet; an
 * older folder is first renamed aside (onto an empty aside folder, which rename replaces), then removed.
 */
export function replaceFolder(fresh: string, target: string): void {
  if (!fs.existsSync(target)) {
    fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    fs.renameSync(fresh, target);
    return;
  }
  const parked = asideFolder(target);
  fs.renameSync(target, parked);
  fs.renameSync(fresh, target);
  fs.rmSync(parked, { recursive: true, force: true });
}

/** Removes the aside folders of runs that died and makes a fresh one; the caller holds the lock. */
function startAside(job: GeneratedFolder<unknown, unknown>): string {
  for (const dead of clearStaleAside(job.target)) job.log?.(`removed ${dead}, left by a run that did not finish`);
  return asideFolder(job.target);
}

function install<Todo>(job: GeneratedFolder<Todo, unknown>, aside: string, todo: Todo): void {
  if (job.install !== undefined) job.install(aside, job.target, todo);
  else replaceFolder(aside, job.target);
}

/** Steps 3 and 4 of the module comment, the caller holding the lock. */
function writeAsideSync<Todo, Made>(job: GeneratedFolder<Todo, Made>, todo: Todo): Made {
  const aside = startAside(job);
  try {
    const made = runSteps(job.write(aside, todo));
    install(job, aside, todo);
    return made;
  } finally {
    fs.rmSync(aside, { recursive: true, force: true });
  }
}

/** `writeAsideSync` with a live progress line (none when `label` is null). */
async function writeAsideAsync<Todo, Made>(job: GeneratedFolder<Todo, Made>, todo: Todo, label: ProgressLabel | null): Promise<Made> {
  const aside = startAside(job);
  try {
    const made = await driveSteps(job.write(aside, todo), label);
    install(job, aside, todo);
    return made;
  } finally {
    fs.rmSync(aside, { recursive: true, force: true });
  }
}

function lockOptions(job: GeneratedFolder<unknown, unknown>): { log?: (m: string) => void; timeoutMs?: number } {
  return { log: job.log, timeoutMs: job.lockTimeoutMs };
}

/** Writes `todo` into the target again, whatever is there: aside, then renamed into place, under the lock. */
export function generateInFolder<Todo, Made>(job: GeneratedFolder<Todo, Made>, todo: Todo): Made {
  return withFolderLock(job.target, () => writeAsideSync(job, todo), lockOptions(job));
}

/** `generateInFolder` with a live progress line (none when `label` is null). `await` it. */
export function generateInFolderAsync<Todo, Made>(job: GeneratedFolder<Todo, Made>, todo: Todo, label: ProgressLabel | null): Promise<Made> {
  return withFolderLockAsync(job.target, () => writeAsideAsync(job, todo, label), lockOptions(job));
}

/** Generates what `job.missing` reports, on first use only (see the module comment). */
export function ensureGenerated<Todo, Made>(job: EnsuredFolder<Todo, Made>): EnsureGeneratedResult<Todo, Made> {
  const start = Date.now();
  const result = (todo: Todo | null, made: Made | null): EnsureGeneratedResult<Todo, Made> =>
    ({ target: job.target, generated: todo !== null, todo, made, seconds: (Date.now() - start) / 1000 });
  if (job.missing(job.target) === null) return result(null, null);
  return withFolderLock(job.target, () => {
    const todo = job.missing(job.target);
    return todo === null ? result(null, null) : result(todo, writeAsideSync(job, todo));
  }, lockOptions(job));
}

/** `ensureGenerated` with a live progress line while it writes (none when `label` is null, nor when nothing is missing). */
export async function ensureGeneratedAsync<Todo, Made>(job: EnsuredFolder<Todo, Made>, label: ProgressLabel | null): Promise<EnsureGeneratedResult<Todo, Made>> {
  const start = Date.now();
  const result = (todo: Todo | null, made: Made | null): EnsureGeneratedResult<Todo, Made> =>
    ({ target: job.target, generated: todo !== null, todo, made, seconds: (Date.now() - start) / 1000 });
  if (job.missing(job.target) === null) return result(null, null);
  return withFolderLockAsync(job.target, async () => {
    const todo = job.missing(job.target);
    return todo === null ? result(null, null) : result(todo, await writeAsideAsync(job, todo, label));
  }, lockOptions(job));
}

/** Options shared by `ensureRickMortyData`, `ensureChipData` and `ensureCifarData` (and their async forms). */
export interface StandInOptions {
  /** Folder to read (and write when it is missing). Default: the data set's environment variable when set (then nothing is written), else its stand-in folder for `scale`. */
  root?: string;
  /** Same seed, same bytes. Default: the data set's (12345, 2022, 2020). */
  seed?: number;
  /** Fraction of the course's counts, in (0, 1]; its own folder below 1. Default 1. */
  scale?: number;
  /** Progress messages (what is generated, waiting for another run). Default: none. */
  log?: (message: string) => void;
  /** Longest wait for another run writing the same folder, in ms (default 30 minutes). */
  lockTimeoutMs?: number;
}

/** "generated": written now; "up to date": complete already; "existing": data this kit did not write, read as it is and never written. */
export type StandInStatus = "generated" | "up to date" | "existing";

/** What `ensureRickMortyData`, `ensureChipData` and `ensureCifarData` (and their async forms) return. */
export interface StandInResult<Part extends string = string> {
  /** The folder to read. */
  root: string;
  status: StandInStatus;
  /** True exactly when `status` is "generated". */
  generated: boolean;
  /** The parts written by this call (Rick and Morty: layout folders; ChIP: classes; CIFAR: splits); empty when nothing was. */
  written: Part[];
  /** Seconds taken, waiting for another run included. */
  seconds: number;
}

/** The result for `root` when this call wrote nothing. */
export function standInUnchanged<Part extends string>(root: string, status: "up to date" | "existing", startMs: number): StandInResult<Part> {
  return { root, status, generated: false, written: [], seconds: (Date.now() - startMs) / 1000 };
}

/** The result of `ensureGenerated` for a stand-in whose `todo` lists (or implies) the parts written. */
export function standInResult<Todo, Part extends string>(done: EnsureGeneratedResult<Todo, unknown>, parts: (todo: Todo) => Part[]): StandInResult<Part> {
  return {
    root: done.target,
    status: done.generated ? "generated" : "up to date",
    generated: done.generated,
    written: done.todo === null ? [] : parts(done.todo),
    seconds: done.seconds,
  };
}
