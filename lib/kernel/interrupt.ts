/**
 * Interrupting `model.fit` from the notebook (Kernel ▸ Interrupt, or ■ in the toolbar).
 *
 * Jupyter interrupts a kernel with SIGINT. tslab answers it by abandoning the cell's promise: the
 * cell ends with "Interrupted asynchronously" and the next cell may run, but a `fit` that was
 * running goes on in the background, using the CPU and writing into whatever cell runs next. tf.js
 * has no way to cancel a `fit` from outside; a callback can stop it by setting `model.stopTraining`.
 *
 * So `watchInterrupts()` (called by `startChapter` and by every `trainingProgress()`) does two things:
 *  - inside a kernel, it listens for SIGINT too and counts the interrupts;
 *  - it registers `StopOnInterrupt` with tf.js, which then adds one to every `fit` / `fitDataset`
 *    call, whatever its callbacks: after each batch it stops the fit if an interrupt came since the
 *    fit began. A fit started after the interrupt is not affected.
 *
 * A signal handler only runs when Node's event loop gets a turn, and a fit on the native backend
 * can run for minutes on promise callbacks alone; so the callback also yields to the event loop
 * (setImmediate) at most every YIELD_EVERY_MS, which costs well under a millisecond each time.
 *
 * Outside a kernel nothing listens for SIGINT: Ctrl-C still ends a plain script as usual.
 */
import * as tf from "@tensorflow/tfjs";
import { insideKernel } from "./mime";

/** How often, at most, a running fit lets the event loop handle signals and timers. */
export const YIELD_EVERY_MS = 100;

interface InterruptState {
  /** Interrupts seen so far (SIGINTs in a kernel, or `requestInterrupt` calls). */
  count: number;
  /** True once the SIGINT listener is installed. */
  listening: boolean;
  /** True once StopOnInterrupt is registered with tf.js. */
  registered: boolean;
  /** The last fit stopped by an interrupt: when (ms since 1970), in which epoch and batch. */
  lastStop?: InterruptStop;
}

export interface InterruptStop {
  at: number;
  epoch: number;
  batch: number;
}

// One state per process, even if this module is loaded twice (e.g. from two paths).
const KEY = Symbol.for("tsdl-course.training.interrupt");

function state(): InterruptState {
  const g = globalThis as unknown as Record<symbol, InterruptState | undefined>;
  return (g[KEY] ??= { count: 0, listening: false, registered: false });
}

/** How many interrupts this process has seen. */
export function interruptCount(): number {
  return state().count;
}

/** Counts one interrupt, as a SIGINT to the kernel does: every running fit stops after its current batch. */
export function requestInterrupt(): void {
  state().count++;
}

/** The last fit that an interrupt stopped, or null: when it stopped and where (batch -1: between epochs). */
export function lastInterruptStop(): InterruptStop | null {
  return state().lastStop ?? null;
}

/** True when an interrupt came after `since` (a value of `interruptCount()` taken earlier). */
export function interruptedSince(since: number): boolean {
  return state().count > since;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A tf.js callback that stops the fit it belongs to when an interrupt arrives while it runs.
 * `watchInterrupts` adds it to every fit; it can also be passed in `callbacks` by hand.
 */
export class StopOnInterrupt extends tf.Callback {
  private since = 0;
  private lastTurn = 0;
  /** The epoch (0-based) and batch during which the interrupt was noticed, or null. */
  stoppedAt: { epoch: number; batch: number } | null = null;
  private epoch = 0;

  override async onTrainBegin(): Promise<void> {
    this.since = interruptCount();
    this.stoppedAt = null;
    this.lastTurn = Date.now();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    await this.check(-1);
  }

  override async onBatchEnd(batch: number): Promise<void> {
    await this.check(batch);
  }

  override async onEpochEnd(): Promise<void> {
    await this.check(-1);
  }

  private async check(batch: number): Promise<void> {
    const now = Date.now();
    if (now - this.lastTurn >= YIELD_EVERY_MS) {
      await nextTurn(); // lets a pending SIGINT handler run
      this.lastTurn = Date.now();
    }
    if (interruptedSince(this.since) && this.model !== undefined && !this.model.stopTraining) {
      this.model.stopTraining = true;
      this.stoppedAt = { epoch: this.epoch, batch };
      state().lastStop = { at: Date.now(), ...this.stoppedAt };
    }
  }
}

export interface WatchInterruptsOptions {
  /** Listen for SIGINT even outside a kernel (tests; a script that wants Ctrl-C to stop only the fit). */
  signal?: boolean;
}

/**
 * Makes every later `fit` stop on an interrupt (see the module comment). Safe to call any number
 * of times. Returns true when SIGINT is being listened for.
 */
export function watchInterrupts(options: WatchInterruptsOptions = {}): boolean {
  const s = state();
  if (!s.registered) {
    // Verbosity level 0: tf.js creates one for every fit, whatever `verbose` it is given.
    tf.registerCallbackConstructor(0, StopOnInterrupt as unknown as Parameters<typeof tf.registerCallbackConstructor>[1]);
    s.registered = true;
  }
  if (!s.listening && (options.signal === true || insideKernel())) {
    process.on("SIGINT", () => requestInterrupt());
    s.listening = true;
  }
  return s.listening;
}
