/**
 * The training history plot of R keras's `plot(history)`: one panel per metric (loss first),
 * training and validation as two coloured lines with points, epochs on the x axis.
 *
 *   const h = await model.fit(...);
 *   await plotHistory(h);
 */
import * as tf from "@tensorflow/tfjs";
import { showVegaLite, VegaLiteSpec } from "./vegalite";

/** What `model.fit` returns, its `.history`, or the same shape written by hand. */
export type HistoryLike = tf.History | { history: Record<string, Array<number | tf.Tensor>> } | Record<string, Array<number | tf.Tensor>>;

export interface HistoryPlotOptions {
  /** Metrics to show (names without "val_"); default all, loss first. */
  metrics?: string[];
  title?: string;
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

/** A Vega-Lite spec for a training history (show it with showVegaLite, or use plotHistory). */
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
  const rows: { epoch: number; value: number; metric: string; data: string }[] = [];
  for (const m of metrics) {
    for (const [key, data] of [[m, "training"], [`val_${m}`, "validation"]] as const) {
      (values[key] ?? []).forEach((v, i) => {
        if (Number.isFinite(v)) rows.push({ epoch: i + 1, value: v, metric: m, data });
      });
    }
  }
  const encoding = {
    x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1, format: "d" } },
    y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
    color: { field: "data", type: "nominal", title: null, scale: { domain: ["training", "validation"] } },
  };
  const spec: VegaLiteSpec = {
    data: { values: rows },
    facet: { row: { field: "metric", type: "nominal", sort: metrics, title: null, header: { labelAngle: 0, labelAlign: "left", labelFontSize: 13 } } },
    spec: {
      width: options.width ?? 420,
      height: options.height ?? 160,
      layer: [{ mark: "line", encoding }, { mark: { type: "point", filled: true, size: 30 }, encoding }],
    },
    resolve: { scale: { y: "independent" } },
  };
  if (options.title) spec.title = options.title;
  return spec;
}

/** Shows the training history, one panel per metric. Remember to `await` it. */
export async function plotHistory(history: HistoryLike, options: HistoryPlotOptions = {}): Promise<void> {
  await showVegaLite(historyChart(history, options));
}
