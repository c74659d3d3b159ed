/**
 * Live training progress for `model.fit`, like R keras's live plot: one output that is replaced
 * after every epoch with the epoch count, elapsed time, the latest loss and metrics (training and
 * validation) and small curves of everything so far. The last state stays in the saved notebook.
 *
 *   await model.fit(x, y, { epochs: 20, validationData: [xv, yv], callbacks: [trainingProgress()] });
 *
 * The picture is a PNG (it shows everywhere, even in untrusted notebooks); the same numbers go
 * to text/plain. Outside a kernel it prints one short line per epoch instead.
 */
import * as tf from "@tensorflow/tfjs";
import { newDisplayHandle, DisplayHandle, MimeBundle, richOutput } from "../kernel/mime";
import { miniChartSvg, MiniPanel } from "./mini-chart";
import { svgToPng } from "./svg";
import { formatDuration as fmtTime } from "../kernel/duration";
import { interruptCount, interruptedSince, watchInterrupts } from "../kernel/interrupt";

export interface TrainingProgressOptions {
  /** Log keys to show (without "val_"); default: every number in the logs. */
  metrics?: string[];
  /** First header line; default "Training". */
  title?: string;
  /** Redraw at most this often (the last epoch is always drawn); default 500 ms. */
  minIntervalMs?: number;
  /** Draw the curves (default true); false shows the text line only. */
  chart?: boolean;
}

const TRAIN_COLOR = "#1f77b4";
const VAL_COLOR = "#ff7f0e";

type Logs = { [key: string]: unknown };

// Logs can hold numbers or scalar tensors (tf.js resolves them lazily); read both.
async function resolveLogs(logs: Logs | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs ?? {})) {
    if (typeof v === "number") out[k] = v;
    else if (v instanceof tf.Tensor && !v.isDisposed && v.size === 1) out[k] = (await v.data())[0];
  }
  return out;
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "-";
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-6)) return v.toExponential(3);
  // Four decimals, or four significant digits for small values (0.0008798, not 0.0009).
  return a >= 0.01 || a === 0 ? v.toFixed(4) : v.toPrecision(4);
}

/** A tf.js callback that shows training progress; pass it in `callbacks: [...]`. */
export class TrainingProgress extends tf.Callback {
  /** Every value seen so far, per log key (e.g. loss, val_loss, acc, val_acc), one per epoch. */
  readonly logs: Record<string, number[]> = {};
  private readonly options: Required<Omit<TrainingProgressOptions, "metrics">> & { metrics?: string[] };
  private handle: DisplayHandle | null = null;
  private start = 0;
  private lastDraw = -Infinity;
  private epochsDone = 0;
  private interruptsAtStart = 0;

  constructor(options: TrainingProgressOptions = {}) {
    super();
    // Kernel ▸ Interrupt stops the fit this callback watches (see kernel/interrupt.ts).
    watchInterrupts();
    const minIntervalMs = options.minIntervalMs ?? 500;
    if (!(minIntervalMs >= 0)) throw new Error(`trainingProgress: minIntervalMs must be >= 0, got ${minIntervalMs}`);
    if (options.metrics !== undefined && (!Array.isArray(options.metrics) || options.metrics.some((m) => typeof m !== "string"))) {
      throw new Error("trainingProgress: metrics must be a list of log names, e.g. ['loss', 'acc']");
    }
    this.options = { title: options.title ?? "Training", minIntervalMs, chart: options.chart ?? true, metrics: options.metrics };
  }

  /** Epochs planned for this fit (from the fit arguments). */
  private get totalEpochs(): number {
    const e = this.params?.epochs;
    return typeof e === "number" ? e : this.epochsDone;
  }

  /** The id of the display this callback updates (null before training starts). */
  get displayId(): string | null {
    return this.handle?.id ?? null;
  }

  override async onTrainBegin(): Promise<void> {
    for (const k of Object.keys(this.logs)) delete this.logs[k];
    this.epochsDone = 0;
    this.interruptsAtStart = interruptCount();
    this.start = Date.now();
    this.lastDraw = -Infinity;
    this.handle = newDisplayHandle();
    // Slow first epochs should not leave the cell blank; on stdout this line would be noise.
    if (richOutput()) this.handle.show({ "text/plain": `${this.options.title}: starting, ${this.totalEpochs} epochs` });
    await flush();
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const values = await resolveLogs(logs);
    this.epochsDone = epoch + 1 - ((this.params?.initialEpoch as number) ?? 0);
    const n = this.epochsDone;
    for (const k of Object.keys(values)) {
      // A key that appears late (or skips an epoch) is padded with NaN so indices stay epochs.
      const list = (this.logs[k] ??= []);
      while (list.length < n - 1) list.push(NaN);
      list.push(values[k]);
    }
    const now = Date.now();
    const last = n >= this.totalEpochs;
    // The throttle is for drawing; a plain-text line per epoch is cheap.
    if (last || !richOutput() || now - this.lastDraw >= this.options.minIntervalMs) {
      this.lastDraw = now;
      this.render(false);
    }
    await flush();
  }

  override async onTrainEnd(): Promise<void> {
    // Early stopping ends before the planned epochs: say so in the final state.
    this.render(true);
    await flush();
  }

  /** Base metric names to show, loss first. */
  private metricNames(): string[] {
    if (this.options.metrics) return this.options.metrics;
    const names: string[] = [];
    for (const k of Object.keys(this.logs)) {
      const base = k.startsWith("val_") ? k.slice(4) : k;
      if (!names.includes(base)) names.push(base);
    }
    return names.sort((a, b) => (a === "loss" ? -1 : b === "loss" ? 1 : 0));
  }

  private latest(key: string): number | undefined {
    const list = this.logs[key];
    return list === undefined ? undefined : list[list.length - 1];
  }

  /** The text shown for the current state, e.g. "Epoch 3/10 - 1.2 s - loss 0.1234 - val_loss 0.2". */
  statusLine(finished = false): string {
    const n = this.epochsDone;
    const total = this.totalEpochs;
    const parts = [
      finished && n < total && interruptedSince(this.interruptsAtStart) ? `Interrupted after epoch ${n}/${total}` :
      finished && n < total ? `Stopped after epoch ${n}/${total}` : finished ? `Done: ${n} epochs` : `Epoch ${n}/${total}`,
      fmtTime(Date.now() - this.start) + (n > 0 ? `, ${fmtTime((Date.now() - this.start) / n)}/epoch` : ""),
    ];
    for (const m of this.metricNames()) {
      for (const k of [m, `val_${m}`]) if (this.logs[k]) parts.push(`${k} ${fmt(this.latest(k))}`);
    }
    return parts.join(" - ");
  }

  private render(finished: boolean): void {
    if (this.handle === null) this.handle = newDisplayHandle();
    const line = this.statusLine(finished);
    const bundle: MimeBundle = { "text/plain": line };
    const metadata: Record<string, unknown> = {};
    if (this.options.chart && richOutput()) {
      const panels: MiniPanel[] = this.metricNames().map((m) => ({
        title: m,
        series: [
          ...(this.logs[m] ? [{ name: "training", values: this.logs[m], color: TRAIN_COLOR }] : []),
          ...(this.logs[`val_${m}`] ? [{ name: "validation", values: this.logs[`val_${m}`], color: VAL_COLOR }] : []),
        ],
      }));
      const [head, time, ...metrics] = line.split(" - ");
      const svg = miniChartSvg(panels, {
        xMax: Math.max(this.totalEpochs, this.epochsDone),
        header: [`${this.options.title}: ${head} - ${time}`, metrics.join(" · ")],
      });
      const width = Number(/width="(\d+)"/.exec(svg)![1]);
      bundle["image/png"] = svgToPng(svg, { width: 2 * width });
      metadata["image/png"] = { width };
    }
    this.handle.show(bundle, metadata);
  }
}

// Let the kernel's socket send the update now; a fit can otherwise run for a long time on
// microtasks alone and the live output would only appear at the end.
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A fresh progress callback for one `model.fit` call. */
export function trainingProgress(options: TrainingProgressOptions = {}): TrainingProgress {
  return new TrainingProgress(options);
}
