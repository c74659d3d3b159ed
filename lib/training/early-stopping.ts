/**
 * keras's `callback_early_stopping` for tf.js, with Keras's rules:
 *
 *  - after each epoch the monitored value is compared with the best so far; it counts as better
 *    when it beats the best by more than `minDelta` (lower for "min", higher for "max");
 *  - `wait` counts epochs since the last improvement; training stops at the end of the epoch where
 *    `wait` reaches `patience` (never after the first epoch);
 *  - with `baseline`, an improvement resets `wait` only when it also beats the baseline;
 *  - with `restoreBestWeights`, the weights of the best epoch are put back when training ends
 *    (Keras 3 does this whether or not training was stopped early); without it the model keeps
 *    the weights of the last epoch run.
 *
 * Unlike Keras, which only warns, a monitored value that was never logged is an error: a silent
 * early-stopping callback that never stops is the worse surprise.
 */
import * as tf from "@tensorflow/tfjs";
import { resolveLogs, resolveMode, type MonitorMode } from "./model-checkpoint";

export interface EarlyStoppingArgs {
  /** The logged quantity to watch (default "val_loss"). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0; its sign is ignored, as in Keras). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** "min", "max", or "auto" (default): maximise accuracy/AUC-like names, minimise the rest. */
  mode?: MonitorMode;
  /** A value the monitored quantity must beat for an improvement to reset the count. */
  baseline?: number;
  /** Put the best epoch's weights back when training ends (default false, as in Keras). */
  restoreBestWeights?: boolean;
  /** Epochs (0-based count) to wait before watching at all, e.g. a warm-up (default 0). */
  startFromEpoch?: number;
  /** Print a line when training is stopped and when weights are restored. */
  verbose?: boolean;
}

export class EarlyStopping extends tf.Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: "min" | "max";
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The best monitored value so far. */
  best = Infinity;
  /** Epoch (0-based) of the best value, -1 before any. */
  bestEpoch = -1;
  /** Epoch (0-based) at whose end training was stopped, -1 when it ran to the end. */
  stoppedEpoch = -1;
  /** Whether restoreBestWeights put weights back at the end of the last fit. */
  restored = false;
  private bestWeights: tf.Tensor[] | null = null;
  private readonly verbose: boolean;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? "val_loss";
    if (typeof this.monitor !== "string" || this.monitor.length === 0) throw new Error("EarlyStopping: monitor must name a logged quantity, e.g. \"val_loss\"");
    const minDelta = args.minDelta ?? 0;
    if (!Number.isFinite(minDelta)) throw new Error(`EarlyStopping: minDelta must be a finite number, got ${minDelta}`);
    this.minDelta = Math.abs(minDelta);
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new Error(`EarlyStopping: patience must be a whole number >= 0, got ${this.patience}`);
    const mode = args.mode ?? "auto";
    if (!["auto", "min", "max"].includes(mode)) throw new Error(`EarlyStopping: mode must be "auto", "min" or "max", got "${mode}"`);
    this.mode = resolveMode(this.monitor, mode);
    if (args.baseline !== undefined && !Number.isFinite(args.baseline)) throw new Error(`EarlyStopping: baseline must be a finite number, got ${args.baseline}`);
    this.baseline = args.baseline;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
    if (!Number.isInteger(this.startFromEpoch) || this.startFromEpoch < 0) {
      throw new Error(`EarlyStopping: startFromEpoch must be a whole number >= 0, got ${this.startFromEpoch}`);
    }
    this.verbose = args.verbose ?? false;
    this.reset();
  }

  /** Keras's test: `current` beats `reference` by more than minDelta in the monitored direction. */
  isImprovement(current: number, reference: number): boolean {
    return this.mode === "min" ? current + this.minDelta < reference : current - this.minDelta > reference;
  }

  private reset(): void {
    this.wait = 0;
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.restored = false;
    this.dropBestWeights();
  }

  private dropBestWeights(): void {
    if (this.bestWeights !== null) tf.dispose(this.bestWeights);
    this.bestWeights = null;
  }

  private keepWeights(): void {
    this.dropBestWeights();
    this.bestWeights = (this.model as tf.LayersModel).getWeights().map((w) => w.clone());
  }

  async onTrainBegin(): Promise<void> {
    this.reset();
  }

  async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const values = await resolveLogs(logs);
    const current = values[this.monitor];
    if (current === undefined) {
      const known = Object.keys(values).join(", ") || "none";
      throw new Error(
        `EarlyStopping: "${this.monitor}" was not logged (logged: ${known}). ` +
          `Validation metrics need validationData or validationSplit in fit().`,
      );
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.keepWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.keepWeights();
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      (this.model as tf.LayersModel).stopTraining = true;
      if (this.verbose) console.log(`Epoch ${epoch + 1}: early stopping (${this.monitor} best ${this.best.toFixed(5)} at epoch ${this.bestEpoch + 1})`);
    }
  }

  async onTrainEnd(): Promise<void> {
    if (this.restoreBestWeights && this.bestWeights !== null) {
      (this.model as tf.LayersModel).setWeights(this.bestWeights);
      this.restored = true;
      if (this.verbose) console.log(`Restoring the weights of epoch ${this.bestEpoch + 1}, the best one`);
    }
    this.dropBestWeights();
  }
}

/** Factory in the style of R keras: `earlyStopping({monitor: "val_loss", patience: 10})`. */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}
