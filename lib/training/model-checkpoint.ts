/**
 * keras's `callback_model_checkpoint` for tf.js: after each epoch, look at one logged quantity and
 * save the model when it improved (or every epoch). A filepath ending in `.h5` or `.keras` saves a
 * Keras file (as the course's `callback_model_checkpoint(filepath = "....h5")` does), anything else a
 * tf.js model folder. Both writers are crash-safe, so a run killed mid-save, or a save that fails on a
 * full disk, still leaves the previous best model loadable; a failed save stops `fit` with an error
 * that names the file and the epoch.
 */
import * as tf from "@tensorflow/tfjs";
import { saveModel } from "../io/model-files";
import { saveKerasModel } from "../io/keras/write";

/** True when a checkpoint path names a Keras file rather than a tf.js model folder. */
export function isKerasFilePath(p: string): boolean {
  return /\.(h5|hdf5|keras)$/i.test(p);
}

export type MonitorMode = "auto" | "min" | "max";

export interface ModelCheckpointArgs {
  /**
   * Where to save: a Keras file (`....h5`, `....keras`) or a tf.js model folder (any other path); may
   * hold `{epoch}` or `{name}` / `{name:.2f}` for a logged value.
   */
  filepath: string;
  /** The logged quantity to watch, e.g. "val_loss", "val_acc", "val_binaryAccuracy". */
  monitor?: string;
  /** "min" for losses, "max" for accuracies; "auto" decides from the name like keras. */
  mode?: MonitorMode;
  /** Save only when the monitored value improves (default true, as the course uses it). */
  saveBestOnly?: boolean;
  /** Print a line whenever the model is saved or not. */
  verbose?: boolean;
}

/** keras's "auto": quantities that sound like accuracy or AUC are maximised, the rest minimised. */
export function resolveMode(monitor: string, mode: MonitorMode): "min" | "max" {
  if (mode !== "auto") return mode;
  return /acc|auc|precision|recall/i.test(monitor) ? "max" : "min";
}

/** Fill `{epoch}` (1-based, like keras) and `{metric}` / `{metric:.Nf}` placeholders. */
export function formatCheckpointPath(template: string, epoch: number, logs: Record<string, number>): string {
  return template.replace(/\{(\w+)(?::\.(\d+)f)?\}/g, (whole, key: string, digits?: string) => {
    if (key === "epoch") return String(epoch + 1).padStart(2, "0");
    const value = logs[key];
    if (value === undefined) throw new Error(`checkpoint path ${template}: no logged value "${key}"`);
    return digits === undefined ? String(value) : value.toFixed(Number(digits));
  });
}

/**
 * fit() hands plain tf.Callback subclasses logs that may still hold scalar tensors (only
 * CustomCallback resolves them), so read them into numbers first.
 */
export async function resolveLogs(logs?: tf.Logs): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(logs ?? {})) {
    const v = value as number | tf.Scalar;
    out[key] = typeof v === "number" ? v : (await v.data())[0];
  }
  return out;
}

export class ModelCheckpoint extends tf.Callback {
  readonly monitor: string;
  readonly mode: "min" | "max";
  readonly saveBestOnly: boolean;
  /** The best monitored value seen so far (Infinity / -Infinity before the first epoch). */
  best: number;
  /** Epoch (0-based) of the last save, -1 if nothing was saved yet. */
  bestEpoch = -1;
  private readonly verbose: boolean;
  /** A save that failed: fit stops after that epoch and rejects with it. */
  private failure: Error | null = null;

  constructor(readonly args: ModelCheckpointArgs) {
    super();
    if (!args || typeof args.filepath !== "string" || args.filepath.length === 0) {
      throw new Error("ModelCheckpoint: give a filepath (a .h5 / .keras file, or a folder, to save the model into)");
    }
    this.monitor = args.monitor ?? "val_loss";
    const mode = args.mode ?? "auto";
    if (!["auto", "min", "max"].includes(mode)) {
      throw new Error(`ModelCheckpoint: mode must be "auto", "min" or "max", got "${mode}"`);
    }
    this.mode = resolveMode(this.monitor, mode);
    this.saveBestOnly = args.saveBestOnly ?? true;
    this.verbose = args.verbose ?? false;
    this.best = this.mode === "min" ? Infinity : -Infinity;
  }

  async onTrainBegin(): Promise<void> {
    this.failure = null;
  }

  async onTrainEnd(): Promise<void> {
    const failure = this.failure;
    this.failure = null;
    if (failure === null) return;
    // fit reads its History's log tensors into numbers after onTrainEnd; rejecting skips that, so do it here.
    const history = (this.model as unknown as { history?: { syncData?: () => Promise<void> } }).history;
    await history?.syncData?.();
    throw failure;
  }

  async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const values = await resolveLogs(logs);
    const current = values[this.monitor];
    if (this.saveBestOnly && current === undefined) {
      const known = Object.keys(values).join(", ") || "none";
      throw new Error(
        `ModelCheckpoint: "${this.monitor}" was not logged (logged: ${known}). ` +
          `Validation metrics need validationData or validationSplit in fit().`,
      );
    }
    const improved = current !== undefined && (this.mode === "min" ? current < this.best : current > this.best);
    if (this.saveBestOnly && !improved) {
      if (this.verbose) console.log(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best.toFixed(5)}`);
      return;
    }
    const folder = formatCheckpointPath(this.args.filepath, epoch, values);
    try {
      if (isKerasFilePath(folder)) await saveKerasModel(this.model as tf.LayersModel, folder);
      else await saveModel(this.model as tf.LayersModel, folder);
    } catch (e) {
      // The savers' errors name the file and say the previous one is unchanged; add when it happened.
      // Training stops at the end of this epoch and fit rejects with the error from onTrainEnd: thrown
      // here, inside tf.js's epoch loop, it would leave that epoch's log tensors undisposed.
      this.failure = new Error(`ModelCheckpoint, epoch ${epoch + 1}: ${e instanceof Error ? e.message : String(e)}`);
      (this.model as tf.LayersModel).stopTraining = true;
      return;
    }
    if (improved) {
      this.best = current;
      this.bestEpoch = epoch;
    }
    if (this.verbose) {
      const what = current === undefined ? "" : `${this.monitor} = ${current.toFixed(5)}, `;
      console.log(`Epoch ${epoch + 1}: ${what}saved to ${folder}`);
    }
  }
}

/** Factory in the style of R keras: `modelCheckpoint({filepath, monitor: "val_loss"})`. */
export function modelCheckpoint(args: ModelCheckpointArgs): ModelCheckpoint {
  return new ModelCheckpoint(args);
}
