/**
 * One live progress line for long work that is not training (generating a data set, decoding
 * thousands of JPEGs, thousands of stochastic predictions): a single output, replaced in place,
 *
 *   Decoding JPEGs: ████████░░░░░░░░░░░░ 2,103/5,257 JPEGs (40%) · 431 per s · 7.3 s left
 *
 * and at the end a closing line that stays in the saved notebook:
 *
 *   Decoded 5,257 JPEGs in 12.2 s (431 per s)
 *
 * Outside a kernel (scripts, tests) it prints one line per 30 s of work and the closing line, or
 * nothing at all for work done in under a second.
 *
 * A kernel sends display updates only when Node's event loop gets a turn, so long synchronous work
 * is written once as a generator of `WorkStep`s (one per item) and driven either synchronously
 * (`runSteps`, for the plain API) or by `runStepsWithProgress`, which yields to the event loop
 * whenever a redraw is due (every 200 ms by default, so the cost is tiny). Yielding also lets
 * Kernel ▸ Interrupt be noticed: the work then stops after its current item.
 */
import { DisplayHandle, newDisplayHandle, richOutput } from "./mime";
import { formatCount, formatDuration, formatRate } from "./duration";
import { interruptCount, interruptedSince, watchInterrupts } from "./interrupt";

export interface WorkProgressOptions {
  /** What is being done, shown while it runs, e.g. "Decoding JPEGs". */
  title: string;
  /** How many items there are in all (a whole number, 0 or more). */
  total: number;
  /** The items' name in the plural, e.g. "JPEGs". Default "items". */
  unit?: string;
  /** The closing line's verb: "Decoded" gives "Decoded 5,257 JPEGs in 12.2 s (431 per s)". Default: the title and a colon. */
  doneVerb?: string;
  /** Redraw (and let the event loop run) at most this often, in ms; default 200. */
  minIntervalMs?: number;
  /** Clock in ms (tests); default Date.now. */
  clock?: () => number;
}

/** How often, at most, a line is printed outside a kernel before the closing one. */
export const TEXT_INTERVAL_MS = 30_000;

/** Outside a kernel, work done faster than this prints no closing line (tests would fill up with them). */
export const QUIET_BELOW_MS = 1000;

/** The live line shows the rate and time left only after this long: the first items are slow (warm-up) and would mislead. */
export const ESTIMATE_AFTER_MS = 1000;

const BAR_WIDTH = 20;

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`WorkProgress: ${message}`);
}

/** A live progress line for one piece of work (see the module comment). */
export class WorkProgress {
  readonly title: string;
  readonly total: number;
  readonly unit: string;
  readonly doneVerb: string | null;
  private readonly minIntervalMs: number;
  private readonly clock: () => number;
  private readonly handle: DisplayHandle;
  private readonly start: number;
  private done = 0;
  private lastTurn: number;
  private lastText: number;
  private end: number | null = null;
  private stopReason: string | null = null;

  constructor(options: WorkProgressOptions) {
    check(options !== null && typeof options === "object", "give options like { title: 'Decoding JPEGs', total: 100 }");
    check(typeof options.title === "string" && options.title.trim() !== "", `title must be a non-empty string, got ${JSON.stringify(options.title)}`);
    check(Number.isInteger(options.total) && options.total >= 0, `total must be a whole number >= 0, got ${options.total}`);
    check(options.unit === undefined || (typeof options.unit === "string" && options.unit.trim() !== ""), `unit must be a non-empty string, got ${JSON.stringify(options.unit)}`);
    check(options.doneVerb === undefined || (typeof options.doneVerb === "string" && options.doneVerb.trim() !== ""),
      `doneVerb must be a non-empty string, got ${JSON.stringify(options.doneVerb)}`);
    const minIntervalMs = options.minIntervalMs ?? 200;
    check(typeof minIntervalMs === "number" && minIntervalMs >= 0 && Number.isFinite(minIntervalMs), `minIntervalMs must be a number >= 0, got ${minIntervalMs}`);
    check(options.clock === undefined || typeof options.clock === "function", "clock must be a function returning milliseconds");
    this.title = options.title;
    this.total = options.total;
    this.unit = options.unit ?? "items";
    this.doneVerb = options.doneVerb ?? null;
    this.minIntervalMs = minIntervalMs;
    this.clock = options.clock ?? Date.now;
    this.start = this.clock();
    this.lastTurn = this.start;
    this.lastText = this.start;
    this.handle = newDisplayHandle();
    // Show the line at once, so a slow first item does not leave the cell blank.
    if (richOutput()) this.handle.show({ "text/plain": this.statusLine() });
  }

  /** Items done so far. */
  get count(): number {
    return this.done;
  }

  /** The id of the one display this progress updates. */
  get displayId(): string {
    return this.handle.id;
  }

  /** True once `finish` or `stop` was called. */
  get ended(): boolean {
    return this.end !== null;
  }

  /** Milliseconds since the start (up to the end, once ended). */
  elapsedMs(): number {
    return (this.end ?? this.clock()) - this.start;
  }

  /** Items per second so far; null until some time has passed and an item is done. */
  rate(): number | null {
    const ms = this.elapsedMs();
    return ms > 0 && this.done > 0 ? (1000 * this.done) / ms : null;
  }

  /** Estimated milliseconds left at the rate so far; null while there is no rate. */
  remainingMs(): number | null {
    const r = this.rate();
    return r === null ? null : (1000 * (this.total - this.done)) / r;
  }

  /** The text shown for the current state (live, closing or stopped). */
  statusLine(): string {
    const n = formatCount(this.done);
    const total = formatCount(this.total);
    const time = formatDuration(this.elapsedMs());
    const rate = this.rate();
    if (this.stopReason !== null) return `${this.title}: stopped (${this.stopReason}) after ${n}/${total} ${this.unit}, ${time}`;
    if (this.end !== null) {
      const head = this.doneVerb === null ? `${this.title}: ${n} ${this.unit}` : `${this.doneVerb} ${n} ${this.unit}`;
      return `${head} in ${time}${rate === null ? "" : ` (${formatRate(rate)} per s)`}`;
    }
    const share = this.total === 0 ? 1 : this.done / this.total;
    const filled = Math.floor(share * BAR_WIDTH);
    const parts = [`${this.title}: ${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)} ${n}/${total} ${this.unit} (${Math.floor(100 * share)}%)`];
    const left = this.remainingMs();
    if (rate !== null && left !== null && this.elapsedMs() >= ESTIMATE_AFTER_MS) parts.push(`${formatRate(rate)} per s`, `${formatDuration(left)} left`);
    return parts.join(" · ");
  }

  /**
   * Records that `done` items (of `total`) are finished and redraws when due. Returns true when
   * the caller should let the event loop run (at most every `minIntervalMs`), so the redraw is sent.
   */
  update(done: number): boolean {
    check(!this.ended, `update after the work ${this.stopReason === null ? "finished" : "stopped"}`);
    check(Number.isInteger(done) && done >= 0 && done <= this.total, `done must be a whole number from 0 to ${this.total}, got ${done}`);
    this.done = done;
    const now = this.clock();
    if (now - this.lastTurn < this.minIntervalMs) return false;
    this.lastTurn = now;
    if (richOutput()) this.handle.show({ "text/plain": this.statusLine() });
    else if (now - this.lastText >= TEXT_INTERVAL_MS) {
      this.lastText = now;
      this.handle.show({ "text/plain": this.statusLine() });
    }
    return true;
  }

  /** Ends the work: the closing line replaces the live one. */
  finish(): void {
    if (this.ended) return;
    this.end = this.clock();
    if (richOutput() || this.elapsedMs() >= QUIET_BELOW_MS) this.handle.show({ "text/plain": this.statusLine() });
  }

  /** Ends the work early, saying why (e.g. "interrupted") and how far it got. */
  stop(reason: string): void {
    if (this.ended) return;
    this.end = this.clock();
    this.stopReason = reason;
    this.handle.show({ "text/plain": this.statusLine() });
  }
}

/** What a stepwise job yields after each item: how many of how many items are done. */
export interface WorkStep {
  done: number;
  total: number;
}

/** Long work written once as a generator: it yields a `WorkStep` per item and returns its result. */
export type WorkSteps<T> = Generator<WorkStep, T, undefined>;

/** The same for work that awaits between items (e.g. reading tensors back with `data()`). */
export type AsyncWorkSteps<T> = AsyncGenerator<WorkStep, T, undefined>;

function isAsyncSteps<T>(steps: WorkSteps<T> | AsyncWorkSteps<T>): steps is AsyncWorkSteps<T> {
  return Symbol.asyncIterator in steps;
}

/** The progress line's wording for `runStepsWithProgress` (the total comes from the steps). */
export type ProgressLabel = Omit<WorkProgressOptions, "total">;

/** The option of the async variants of long loaders and generators (loadLabelledFoldersAsync, ...). */
export interface AsyncProgressOptions {
  /** Show a live progress line (default true); false runs the work without one, like the synchronous variant. */
  progress?: boolean;
}

/** Runs the steps to the end synchronously (no display) and returns the result. */
export function runSteps<T>(steps: WorkSteps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs the steps with a live progress line (created at the first step, with that step's total),
 * letting the event loop run whenever a redraw is due. An interrupt (Kernel ▸ Interrupt) stops the
 * work there with an error; an error from the work leaves a "stopped" line. Either way the
 * generator's `finally` blocks run.
 */
export async function runStepsWithProgress<T>(steps: WorkSteps<T> | AsyncWorkSteps<T>, label: ProgressLabel): Promise<T> {
  watchInterrupts();
  const since = interruptCount();
  let progress: WorkProgress | null = null;
  try {
    for (;;) {
      const r = await steps.next();
      if (r.done === true) {
        progress?.finish();
        return r.value;
      }
      progress ??= new WorkProgress({ ...label, total: r.value.total });
      if (progress.update(r.value.done)) await nextTurn(); // a SIGINT handler runs here too
      if (interruptedSince(since)) {
        progress.stop("interrupted");
        throw new Error(`${label.title}: interrupted after ${formatCount(progress.count)} of ${formatCount(progress.total)} ${progress.unit}`);
      }
    }
  } catch (e) {
    progress?.stop("error");
    await steps.return(undefined as never); // runs the generator's finally blocks (no-op if it already ended)
    throw e;
  }
}

/** `runStepsWithProgress` when `label` is given, else the steps run to the end with no display (no yielding for synchronous ones). */
export async function driveSteps<T>(steps: WorkSteps<T> | AsyncWorkSteps<T>, label: ProgressLabel | null): Promise<T> {
  if (label !== null) return runStepsWithProgress(steps, label);
  if (!isAsyncSteps(steps)) return runSteps(steps);
  for (;;) {
    const r = await steps.next();
    if (r.done === true) return r.value;
  }
}
