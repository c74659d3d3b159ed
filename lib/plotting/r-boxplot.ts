/**
 * Box plots drawn as R's `boxplot()` draws them, with the numbers of R's `boxplot.stats()`:
 *
 *  - the box runs between Tukey's hinges from `fivenum()` (not the type-7 quartiles of
 *    `quantile()`, and not Vega-Lite's own boxplot, which uses those), with a line at the median;
 *  - each whisker reaches the most extreme value within `coef` (1.5) times the box's height of the
 *    box;
 *  - values beyond the whiskers are drawn one by one as outliers.
 *
 * The statistics are computed here and handed to Vega-Lite as ready-made bars, rules and points.
 */
import * as tf from "@tensorflow/tfjs";
import type { VegaLiteSpec } from "./vegalite";

/** R's `fivenum`: minimum, lower hinge, median, upper hinge, maximum of finite values. */
export function fivenum(values: ArrayLike<number>): [number, number, number, number, number] {
  const x = Array.from(values).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const n = x.length;
  if (n === 0) throw new Error("fivenum: no values");
  const n4 = Math.floor((n + 3) / 2) / 2;
  const d = [1, n4, (n + 1) / 2, n + 1 - n4, n];
  return d.map((k) => 0.5 * (x[Math.floor(k) - 1] + x[Math.ceil(k) - 1])) as [number, number, number, number, number];
}

export interface BoxplotStats {
  /** Lower whisker, lower hinge, median, upper hinge, upper whisker (R's `$stats`). */
  stats: [number, number, number, number, number];
  /** Number of values (R's `$n`). */
  n: number;
  /** The notch: median ± 1.58 · IQR / √n (R's `$conf`). */
  conf: [number, number];
  /** Values beyond the whiskers, in input order (R's `$out`). */
  out: number[];
}

/** R's `boxplot.stats(x, coef)`; NaN values are dropped as R drops NA. */
export function boxplotStats(values: ArrayLike<number>, coef = 1.5): BoxplotStats {
  if (!(coef >= 0)) throw new Error(`boxplotStats: coef must be >= 0, got ${coef}`);
  const x = Array.from(values).filter((v) => !Number.isNaN(v));
  if (x.length === 0) throw new Error("boxplotStats: no values");
  for (const v of x) if (!Number.isFinite(v)) throw new Error(`boxplotStats: ${v} is not a finite number`);
  const stats = fivenum(x);
  const iqr = stats[3] - stats[1];
  const out = coef > 0 ? x.filter((v) => v < stats[1] - coef * iqr || v > stats[3] + coef * iqr) : [];
  if (out.length > 0) {
    const inside = x.filter((v) => !(v < stats[1] - coef * iqr || v > stats[3] + coef * iqr));
    stats[0] = Math.min(...inside);
    stats[4] = Math.max(...inside);
  }
  const half = (1.58 * iqr) / Math.sqrt(x.length);
  return { stats, n: x.length, conf: [stats[2] - half, stats[2] + half], out };
}

export interface RBoxplotArgs {
  /** Group name -> values, drawn left to right in this order. */
  groups: Record<string, ArrayLike<number> | tf.Tensor>;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  yDomain?: [number, number];
  width?: number;
  height?: number;
  coef?: number;
  /** Draw at most this many outliers per group (default all); the count is kept in the tooltip. */
  maxOutliers?: number;
}

/** A Vega-Lite spec of R-style box plots, one per group; the statistics are in each box's data row. */
export function rBoxplot(args: RBoxplotArgs): VegaLiteSpec {
  if (!args || typeof args.groups !== "object" || args.groups === null || Object.keys(args.groups).length === 0) {
    throw new Error("rBoxplot: give groups as {name: values, ...}");
  }
  if (args.yDomain && !(args.yDomain.length === 2 && args.yDomain[0] < args.yDomain[1])) {
    throw new Error(`rBoxplot: yDomain must be [min, max] with min < max, got ${JSON.stringify(args.yDomain)}`);
  }
  const names = Object.keys(args.groups);
  const boxes: Record<string, unknown>[] = [];
  const outliers: { group: string; value: number }[] = [];
  for (const g of names) {
    const v = args.groups[g];
    const values = v instanceof tf.Tensor ? Array.from(v.dataSync()) : Array.from(v);
    if (values.length === 0) throw new Error(`rBoxplot: group '${g}' has no values`);
    const s = boxplotStats(values, args.coef ?? 1.5);
    boxes.push({ group: g, lower: s.stats[0], q1: s.stats[1], median: s.stats[2], q3: s.stats[3], upper: s.stats[4], n: s.n, outliers: s.out.length });
    for (const o of s.out.slice(0, args.maxOutliers ?? s.out.length)) outliers.push({ group: g, value: o });
  }
  const x = { field: "group", type: "nominal", title: args.xLabel ?? null, sort: names, axis: { labelAngle: 0 }, scale: { domain: names } };
  const y = { type: "quantitative", title: args.yLabel ?? "value", scale: args.yDomain ? { domain: args.yDomain } : { zero: false } };
  const spec: VegaLiteSpec = {
    width: args.width ?? 70 * names.length + 60,
    height: args.height ?? 260,
    layer: [
      { data: { values: boxes }, mark: { type: "rule", color: "black" }, encoding: { x, y: { ...y, field: "lower" }, y2: { field: "q1" } } },
      { data: { values: boxes }, mark: { type: "rule", color: "black" }, encoding: { x, y: { ...y, field: "q3" }, y2: { field: "upper" } } },
      { data: { values: boxes }, mark: { type: "tick", color: "black", size: 14 }, encoding: { x, y: { ...y, field: "lower" } } },
      { data: { values: boxes }, mark: { type: "tick", color: "black", size: 14 }, encoding: { x, y: { ...y, field: "upper" } } },
      {
        data: { values: boxes },
        mark: { type: "bar", size: 36, stroke: "black", strokeWidth: 1 },
        encoding: {
          x, y: { ...y, field: "q1" }, y2: { field: "q3" },
          color: { field: "group", type: "nominal", legend: null, sort: names },
          tooltip: ["group", "lower", "q1", "median", "q3", "upper", "n", "outliers"].map((f) => ({ field: f })),
        },
      },
      { data: { values: boxes }, mark: { type: "tick", color: "black", size: 36, thickness: 2.5 }, encoding: { x, y: { ...y, field: "median" } } },
      {
        data: { values: outliers },
        mark: { type: "point", shape: "circle", filled: false, color: "black", size: 24 },
        encoding: { x, y: { ...y, field: "value" } },
      },
    ],
  };
  if (args.title) spec.title = args.title;
  return spec;
}
