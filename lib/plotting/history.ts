/**
 * The training history plot of R keras's `plot(history)`: one panel per metric (loss first),
 * training and validation points with a LOESS smooth through each, epochs on the x axis; and the
 * "Final epoch" lines R prints for a history.
 *
 *   const h = await model.fit(...);
 *   dl.printHistory(h);
 *   await dl.plot(h);
 */
import * as tf from "@tensorflow/tfjs";
import { evenGrid, loess } from "./loess";
import { showVegaLite, VegaLiteSpec } from "./vegalite";

/** What `model.fit` returns, its `.history`, or the same shape written by hand. */
export type HistoryLike = tf.History | { history: Record<string, Array<number | tf.Tensor>> } | Record<string, Array<number | tf.Tensor>>;

export interface HistoryPlotOptions {
  /** Metrics to show (names without "val_"); default all, loss first. */
  metrics?: string[];
  title?: string;
  /** A LOESS smooth through each series of ten epochs or more, as R draws (default true). */
  smooth?: boolean;
  /** Size of one panel in pixels (default 420 x 160). */
  width?: number;
  height?: number;
}

/** The per-epoch values of every key in a history, as plain numbers. */
export function historyValues(history: HistoryLike): Record<string, number[]> {
  if (history === null || typeof history !== "object") throw new Error("plotHistory: expected the result of model.fit or its .history");
  const raw = ("history" in history && typeof history.history === "object" && history.history !== null && !Array.isArray(history.history)
    ? history.history
    : history) as Record<string, unknown>;
  const out: Record<string, number[]> = {};
  for (const [key, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) throw new Error(`plotHistory: '${key}' should be a list of per-epoch values`);
    out[key] = list.map((v, i) => {
      const x = v instanceof tf.Tensor ? (v.dataSync() as ArrayLike<number>)[0] : v;
      if (typeof x !== "number") throw new Error(`plotHistory: '${key}' epoch ${i + 1} is not a number`);
      return x;
    });
  }
  if (Object.keys(out).length === 0) throw new Error("plotHistory: the history is empty (did fit run any epoch?)");
  return out;
}

/** A metric's name as Keras writes it: tf.js's binaryAccuracy is Keras's binary_accuracy. */
export function kerasMetricName(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** ggplot2's first two default colours, which R keras's plot(history) gives training and validation. */
export const HISTORY_COLOURS = { training: "#F8766D", validation: "#00BFC4" } as const;

/** R keras smooths only histories of ten epochs or more. */
const MIN_EPOCHS_TO_SMOOTH = 10;

type HistoryRow = { epoch: number; value: number; metric: string; data: "training" | "validation"; kind: "point" | "smooth" };

/**
 * A Vega-Lite spec for a training history drawn as R keras's `plot(history)` draws it with ggplot2:
 * one panel per metric stacked on a shared epoch axis (loss first, the metric's name at the left),
 * each epoch's training and validation value as a point, and a LOESS smooth through each (from ten
 * epochs on, as in R), on ggplot's grey panel. Show it with showVegaLite, or use plot / plotHistory.
 */
export function historyChart(history: HistoryLike, options: HistoryPlotOptions = {}): VegaLiteSpec {
  const values = historyValues(history);
  const all: string[] = [];
  for (const k of Object.keys(values)) {
    const base = k.startsWith("val_") ? k.slice(4) : k;
    if (!all.includes(base)) all.push(base);
  }
  all.sort((a, b) => (a === "loss" ? -1 : b === "loss" ? 1 : 0));
  const metrics = options.metrics ?? all;
  for (const m of metrics) {
    if (!all.includes(m)) throw new Error(`plotHistory: no metric '${m}' in the history; it has ${all.join(", ")}`);
  }
  const smooth = options.smooth ?? true;
  const rows: HistoryRow[] = [];
  for (const m of metrics) {
    for (const [key, data] of [[m, "training"], [`val_${m}`, "validation"]] as const) {
      const points: HistoryRow[] = [];
      (values[key] ?? []).forEach((v, i) => {
        if (Number.isFinite(v)) points.push({ epoch: i + 1, value: v, metric: kerasMetricName(m), data, kind: "point" });
      });
      rows.push(...points);
      if (smooth && points.length >= MIN_EPOCHS_TO_SMOOTH) {
        const xs = points.map((p) => p.epoch);
        const grid = evenGrid(xs[0], xs[xs.length - 1]);
        loess(xs, points.map((p) => p.value), grid).forEach((v, i) => {
          if (Number.isFinite(v)) rows.push({ epoch: grid[i], value: v, metric: kerasMetricName(m), data, kind: "smooth" });
        });
      }
    }
  }
  const present = (["training", "validation"] as const).filter((d) => rows.some((r) => r.data === d));
  const scale = { domain: present, range: present.map((d) => HISTORY_COLOURS[d]) };
  const x = { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1, format: "d" } };
  const y = { field: "value", type: "quantitative", title: null, scale: { zero: false } };
  const spec: VegaLiteSpec = {
    data: { values: rows },
    facet: {
      row: {
        field: "metric", type: "nominal", sort: metrics.map(kerasMetricName), title: null,
        header: { labelOrient: "left", labelFontSize: 13, labelColor: "black", labelPadding: 30 },
      },
    },
    spec: {
      width: options.width ?? 420,
      height: options.height ?? 160,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'smooth'" }],
          mark: { type: "line", strokeWidth: 2, interpolate: "monotone" },
          encoding: { x, y, color: { field: "data", type: "nominal", title: "data", scale } },
        },
        {
          // ggplot's shape 21: a filled circle with a dark outline.
          transform: [{ filter: "datum.kind === 'point'" }],
          mark: { type: "point", shape: "circle", filled: true, size: 45, stroke: "black", strokeWidth: 0.6, opacity: 1 },
          encoding: { x, y, fill: { field: "data", type: "nominal", title: "data", scale } },
        },
      ],
    },
    resolve: { scale: { y: "independent" } },
    config: {
      view: { fill: "#EBEBEB", stroke: null },
      axis: { gridColor: "#FFFFFF", domain: false, tickColor: "#333333", labelColor: "#4D4D4D" },
      header: { labelFontWeight: "normal" },
    },
  };
  if (options.title) spec.title = options.title;
  return spec;
}

/**
 * The lines R prints for a training history (`print(history)`, or a `fit` whose result is not
 * assigned): the last epoch's value of every metric, with Keras's names right-aligned, 4 significant
 * digits.
 */
export function finalEpochText(history: HistoryLike): string {
  const values = historyValues(history);
  const keys = Object.keys(values);
  // Keras lists the training metrics (loss first) and then their validation twins.
  const train = keys.filter((k) => !k.startsWith("val_")).sort((a, b) => (a === "loss" ? -1 : b === "loss" ? 1 : 0));
  const ordered = [...train, ...train.map((k) => `val_${k}`).filter((k) => k in values), ...keys.filter((k) => k.startsWith("val_") && !train.includes(k.slice(4)))];
  const width = Math.max(...ordered.map((k) => kerasMetricName(k).length));
  const lines = ordered.map((k) => {
    const v = values[k][values[k].length - 1];
    const text = v === undefined ? "NA" : v.toLocaleString("en-US", { maximumSignificantDigits: 4 });
    return `${kerasMetricName(k).padStart(width)}: ${text}`;
  });
  return ["", "Final epoch (plot to see history):", ...lines].join("\n");
}

/** Prints the "Final epoch" lines R shows for a training history. */
export function printHistory(history: HistoryLike): void {
  console.log(finalEpochText(history));
}

/** Shows the training history, one panel per metric. Remember to `await` it. */
export async function plotHistory(history: HistoryLike, options: HistoryPlotOptions = {}): Promise<void> {
  await showVegaLite(historyChart(history, options));
}

/** R's `plot(history)`: the same as plotHistory. Remember to `await` it. */
export async function plot(history: HistoryLike, options: HistoryPlotOptions = {}): Promise<void> {
  await plotHistory(history, options);
}
