/**
 * The bookkeeping callback of the long training scripts: keeps the history of every logged value and
 * each epoch's seconds, prints one line per epoch, calls `onEpoch` (they rewrite training.json there),
 * and stops training when one more epoch would overrun the time budget.
 */
import * as tf from "@tensorflow/tfjs";
import { resolveLogs } from "./model-checkpoint";

export interface EpochBudgetArgs {
  /** Epochs planned (for the "epoch 3/50" lines). */
  epochs: number;
  /** Stop before this many minutes since `startedAt` would pass. */
  minutes: number;
  /** Date.now() when the run started. */
  startedAt: number;
  /** Called after every epoch, once the history holds it. */
  onEpoch?: () => void;
  /** Judge the next epoch by the slowest so far (default) or by the last (on a shared, changing machine). */
  judgeBy?: "longest" | "last";
  /** Decimals of the printed values. Default 4. */
  digits?: number;
  /** Print the time per batch every this many batches of the first epoch; 0 = never. Default 0. */
  firstEpochEvery?: number;
}

export class EpochBudget extends tf.Callback {
  readonly history: Record<string, number[]> = {};
  readonly epochSeconds: number[] = [];
  epochsRun = 0;
  private epochStart = Date.now();
  private longestMs = 0;

  constructor(private readonly args: EpochBudgetArgs) {
    super();
  }

  /** Median seconds per epoch so far, or undefined before the first. */
  medianEpochSeconds(): number | undefined {
    const s = [...this.epochSeconds].sort((a, b) => a - b);
    return s.length ? s[Math.floor(s.length / 2)] : undefined;
  }

  private firstEpoch: number | null = null;

  async onEpochBegin(epoch: number): Promise<void> {
    this.epochStart = Date.now();
    this.firstEpoch ??= epoch; // a resumed fit starts past 0
  }

  async onBatchEnd(batch: number): Promise<void> {
    const every = this.args.firstEpochEvery ?? 0;
    if (every > 0 && this.epochSeconds.length === 0 && batch % every === 0) {
      console.log(`  epoch ${(this.firstEpoch ?? 0) + 1}, batch ${batch + 1}: ${((Date.now() - this.epochStart) / 1000 / (batch + 1)).toFixed(2)} s per batch`);
    }
  }

  async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const values = await resolveLogs(logs);
    for (const [k, v] of Object.entries(values)) (this.history[k] ??= []).push(v);
    this.epochsRun = epoch + 1;
    const ms = Date.now() - this.epochStart;
    this.longestMs = Math.max(this.longestMs, ms);
    this.epochSeconds.push(ms / 1000);
    const digits = this.args.digits ?? 4;
    console.log(`epoch ${epoch + 1}/${this.args.epochs} (${(ms / 1000).toFixed(0)} s): ` +
      Object.entries(values).map(([k, v]) => `${k} ${v.toFixed(digits)}`).join(", "));
    this.args.onEpoch?.();
    const next = this.args.judgeBy === "last" ? ms : this.longestMs;
    if (Date.now() - this.args.startedAt + next > this.args.minutes * 60_000) {
      console.log(`stopping: another epoch would overrun ${this.args.minutes} minutes`);
      this.model.stopTraining = true;
    }
  }
}
