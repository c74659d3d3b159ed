/**
 * The one call at the top of every chapter: choose the fastest working tf.js backend, make
 * `file://` model saving work on it, and seed every random draw (like R's `set.seed`).
 */
import { selectBackend, BackendChoice } from "../backend/select-backend";
import { registerFileRouters } from "../io/model-files";
import { setSeed } from "../random/rng";
import { isFastMode } from "./fast-mode";
import { watchInterrupts } from "../kernel/interrupt";
import { memoryLimitWarning } from "./memory-limit";
import { installLeanBackprop } from "../backend/lean-backprop";
import { registerNativeReluGrad } from "../backend/native-relu-grad";
import { installCompiledFit, trainingMode } from "../training/compiled-fit";
import { trimHeapPeriodically } from "../memory/heap-trim";

export interface StartChapterArgs {
  /** Seed for R-style draws, tf.js initialisers, dropout and fit shuffling. */
  seed: number;
}

export interface ChapterSetup {
  backend: BackendChoice;
  seed: number;
  fast: boolean;
}

export async function startChapter(args: StartChapterArgs): Promise<ChapterSetup> {
  const backend = await selectBackend();
  // Less memory per training step, the same numbers: each layer's gradients freed during the backward
  // pass, and ReLU's gradient as one native op (lib/backend/lean-backprop.ts, native-relu-grad.ts).
  installLeanBackprop();
  registerNativeReluGrad();
  registerFileRouters();
  watchInterrupts(); // Kernel > Interrupt stops a running fit (kernel/interrupt.ts)
  // model.fit and fitDataset compile each training step into one TensorFlow graph, as Keras's fit does.
  installCompiledFit();
  trimHeapPeriodically(); // memory freed by a cell goes back to the system before the next one
  console.log(trainingMode());
  setSeed(args.seed);
  const fast = isFastMode();
  console.log(`Seed: ${args.seed} (same draws as R's set.seed(${args.seed}) for runif and sample)`);
  console.log(
    fast
      ? "Mode: FAST (COURSE_FAST=1): fewer samples and epochs, numbers will differ from the full run"
      : "Mode: full (set COURSE_FAST=1 for a quick run)",
  );
  const memory = memoryLimitWarning(); // a hub's or Binder's limit below this notebook's budget
  if (memory !== null) console.log(memory);
  return { backend, seed: args.seed, fast };
}
