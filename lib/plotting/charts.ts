/**
 * Small ggplot-like chart builders. Each returns a plain Vega-Lite spec (so a chapter can still
 * tweak it) and is shown with `await showVegaLite(spec)`.
 *
 *   lineChart  - several named series as lines and/or points, colour legend, zoom, shaded bands
 *   boxPlot    - one box per group (e.g. class probabilities over 1,000 stochastic predictions)
 *   heatmap    - a matrix with its values written in (e.g. a confusion table)
 *   rocChart   - ROC curves with the chance diagonal
 */
import * as tf from "@tensorflow/tfjs";
import { VegaLiteSpec } from "./vegalite";

/** Numbers as an array, typed array or 1-D tensor. */
export type Numbers = ArrayLike<number> | tf.Tensor;

/** Shared layout options. */
export interface ChartLayout {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Plot area size in pixels (default 480 x 300). */
  width?: number;
  height?: number;
}

function numbers(v: Numbers, what: string): number[] {
  let out: number[];
  if (v instanceof tf.Tensor) {
    if (v.isDisposed) throw new Error(`${what}: the tensor has been disposed`);
    if (v.shape.filter((d) => d !== 1).length > 1) {
      throw new Error(`${what}: expected a 1-D tensor, got shape [${v.shape.join(", ")}]`);
    }
    out = Array.from(v.dataSync() as ArrayLike<number>);
  } else if (v !== null && typeof v === "object" && typeof (v as ArrayLike<number>).length === "number") {
    out = Array.from(v);
  } else {
    throw new Error(`${what}: expected an array of numbers or a 1-D tensor`);
  }
  out.forEach((x, i) => {
    if (typeof x !== "number" || Number.isNaN(x)) throw new Error(`${what}: element ${i} is not a number (${x})`);
  });
  return out;
}

function checkDomain(d: [number, number] | undefined, what: string): void {
  if (d === undefined) return;
  if (!Array.isArray(d) || d.length !== 2 || !Number.isFinite(d[0]) || !Number.isFinite(d[1]) || d[0] >= d[1]) {
    throw new Error(`${what}: must be [min, max] with min < max, got ${JSON.stringify(d)}`);
  }
}

function base(layout: ChartLayout): VegaLiteSpec {
  const spec: VegaLiteSpec = { width: layout.width ?? 480, height: layout.height ?? 300 };
  if (layout.title) spec.title = layout.title;
  return spec;
}

/** One named series of (x, y) points. */
export interface Series {
  name: string;
  x: Numbers;
  y: Numbers;
  /** "line" (default), "point", or "both". */
  mark?: "line" | "point" | "both";
}

/** A shaded x-interval, e.g. where a motif was planted. */
export interface Band {
  from: number;
  to: number;
  label?: string;
}

export interface LineChartArgs extends ChartLayout {
  series: Series[];
  /** Zoom: only this x / y range is shown (points outside are clipped). */
  xDomain?: [number, number];
  yDomain?: [number, number];
  bands?: Band[];
}

/** Several series as lines and/or points on one pair of axes, coloured by series name.
 * Lines join the points in the order given, so pass x sorted for a function plot. */
export function lineChart(args: LineChartArgs): VegaLiteSpec {
  if (!args || !Array.isArray(args.series) || args.series.length === 0) {
    throw new Error("lineChart: give at least one series {name, x, y}");
  }
  checkDomain(args.xDomain, "lineChart xDomain");
  checkDomain(args.yDomain, "lineChart yDomain");
  const rows: { series: string; x: number; y: number; i: number }[] = [];
  const names = new Set<string>();
  const lineNames: string[] = [];
  const pointNames: string[] = [];
  for (const s of args.series) {
    if (typeof s.name !== "string" || s.name === "") throw new Error("lineChart: every series needs a name");
    if (names.has(s.name)) throw new Error(`lineChart: two series are named '${s.name}'`);
    names.add(s.name);
    const x = numbers(s.x, `lineChart series '${s.name}' x`);
    const y = numbers(s.y, `lineChart series '${s.name}' y`);
    if (x.length !== y.length) {
      throw new Error(`lineChart: series '${s.name}' has ${x.length} x values but ${y.length} y values`);
    }
    const mark = s.mark ?? "line";
    if (!["line", "point", "both"].includes(mark)) throw new Error(`lineChart: unknown mark '${mark}'`);
    if (mark !== "point") lineNames.push(s.name);
    if (mark !== "line") pointNames.push(s.name);
    // Vega-Lite cannot draw infinities; drop them rather than fail (e.g. log of 0).
    x.forEach((xi, i) => {
      if (Number.isFinite(xi) && Number.isFinite(y[i])) rows.push({ series: s.name, x: xi, y: y[i], i });
    });
  }
  const order = args.series.map((s) => s.name);
  const scale = (d?: [number, number]) => (d ? { domain: d, nice: false, zero: false } : { zero: false });
  const encoding = {
    x: { field: "x", type: "quantitative", title: args.xLabel ?? "x", scale: scale(args.xDomain) },
    y: { field: "y", type: "quantitative", title: args.yLabel ?? "y", scale: scale(args.yDomain) },
    color: { field: "series", type: "nominal", title: null, sort: order, scale: { domain: order } },
  };
  const only = (list: string[]) => ({ filter: { field: "series", oneOf: list } });
  const layers: VegaLiteSpec[] = [];
  for (const b of args.bands ?? []) {
    if (!Number.isFinite(b.from) || !Number.isFinite(b.to) || b.from > b.to) {
      throw new Error(`lineChart: a band needs from <= to, got ${JSON.stringify(b)}`);
    }
    layers.push({
      data: { values: [b] },
      mark: { type: "rect", opacity: 0.15, color: "#888", clip: true },
      encoding: { x: { field: "from", type: "quantitative" }, x2: { field: "to" } },
    });
    if (b.label) {
      layers.push({
        data: { values: [{ x: (b.from + b.to) / 2, label: b.label }] },
        mark: { type: "text", baseline: "top", dy: 4, y: 0, color: "#555" },
        encoding: { x: { field: "x", type: "quantitative" }, text: { field: "label" } },
      });
    }
  }
  // Lines join points in the order given (like ggplot's geom_path), so ROC steps stay intact.
  const lineEncoding = { ...encoding, order: { field: "i", type: "quantitative" } };
  if (lineNames.length) layers.push({ transform: [only(lineNames)], mark: { type: "line", clip: true }, encoding: lineEncoding });
  if (pointNames.length) {
    layers.push({ transform: [only(pointNames)], mark: { type: "point", filled: true, size: 40, opacity: 0.8, clip: true }, encoding });
  }
  return { ...base(args), data: { values: rows }, layer: layers };
}

export interface BoxPlotArgs extends ChartLayout {
  /** Group name -> values, e.g. {deer: probs0, frog: probs1, truck: probs2}. */
  groups: Record<string, Numbers>;
  yDomain?: [number, number];
}

/** One Tukey box (median, quartiles, 1.5 IQR whiskers, outliers) per group, as in ggplot. */
export function boxPlot(args: BoxPlotArgs): VegaLiteSpec {
  if (!args || typeof args.groups !== "object" || args.groups === null || Object.keys(args.groups).length === 0) {
    throw new Error("boxPlot: give groups as {name: values, ...}");
  }
  checkDomain(args.yDomain, "boxPlot yDomain");
  const names = Object.keys(args.groups);
  const rows: { group: string; value: number }[] = [];
  for (const g of names) {
    const values = numbers(args.groups[g], `boxPlot group '${g}'`);
    if (values.length === 0) throw new Error(`boxPlot: group '${g}' has no values`);
    for (const v of values) rows.push({ group: g, value: v });
  }
  return {
    ...base({ width: 80 * names.length + 80, ...args }),
    data: { values: rows },
    mark: { type: "boxplot", extent: 1.5 },
    encoding: {
      x: { field: "group", type: "nominal", title: args.xLabel ?? null, sort: names, axis: { labelAngle: 0 } },
      y: { field: "value", type: "quantitative", title: args.yLabel ?? "value", scale: args.yDomain ? { domain: args.yDomain } : {} },
      color: { field: "group", type: "nominal", legend: null, sort: names },
    },
  };
}

export interface HeatmapArgs extends ChartLayout {
  /** values[row][column], e.g. a confusion table with true classes as rows. */
  values: number[][] | tf.Tensor;
  rowLabels?: string[];
  colLabels?: string[];
  /** Write each value in its cell (default true). */
  showValues?: boolean;
}

/** A matrix as coloured cells, rows top to bottom, with the numbers written in. */
export function heatmap(args: HeatmapArgs): VegaLiteSpec {
  if (!args) throw new Error("heatmap: give {values: number[][]}");
  let m: number[][];
  if (args.values instanceof tf.Tensor) {
    if (args.values.rank !== 2) throw new Error(`heatmap: expected a 2-D tensor, got shape [${args.values.shape.join(", ")}]`);
    m = args.values.arraySync() as number[][];
  } else if (Array.isArray(args.values) && args.values.length > 0 && args.values.every(Array.isArray)) {
    m = args.values;
  } else {
    throw new Error("heatmap: values must be a non-empty 2-D array (array of rows) or a 2-D tensor");
  }
  const ncol = m[0].length;
  if (ncol === 0 || m.some((r) => r.length !== ncol)) throw new Error("heatmap: every row must have the same, non-zero length");
  const rowLabels = args.rowLabels ?? m.map((_, i) => String(i));
  const colLabels = args.colLabels ?? m[0].map((_, j) => String(j));
  if (rowLabels.length !== m.length) throw new Error(`heatmap: ${rowLabels.length} row labels for ${m.length} rows`);
  if (colLabels.length !== ncol) throw new Error(`heatmap: ${colLabels.length} column labels for ${ncol} columns`);
  const rows: { row: string; col: string; value: number }[] = [];
  m.forEach((r, i) =>
    r.forEach((v, j) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`heatmap: value [${i}][${j}] is not a finite number (${v})`);
      rows.push({ row: rowLabels[i], col: colLabels[j], value: v });
    }),
  );
  const max = Math.max(...rows.map((r) => r.value));
  const min = Math.min(...rows.map((r) => r.value));
  const enc = {
    x: { field: "col", type: "nominal", sort: colLabels, title: args.xLabel ?? null, axis: { labelAngle: 0, orient: "top" } },
    y: { field: "row", type: "nominal", sort: rowLabels, title: args.yLabel ?? null },
  };
  const layers: VegaLiteSpec[] = [
    { mark: "rect", encoding: { ...enc, color: { field: "value", type: "quantitative", title: null, scale: { scheme: "blues" } } } },
  ];
  if (args.showValues ?? true) {
    layers.push({
      mark: { type: "text", fontSize: 13 },
      encoding: {
        ...enc,
        text: { field: "value", type: "quantitative", format: Number.isInteger(max) && Number.isInteger(min) ? "d" : ".3~g" },
        // Dark cells get white text.
        color: { condition: { test: `datum.value > ${min + 0.6 * (max - min)}`, value: "white" }, value: "black" },
      },
    });
  }
  return {
    ...base({ width: 60 * ncol, height: 40 * m.length, ...args }),
    data: { values: rows },
    layer: layers,
  };
}

/** One ROC curve: false/true positive rates from threshold sweeps, optionally its AUC. */
export interface RocCurve {
  name: string;
  fpr: Numbers;
  tpr: Numbers;
  auc?: number;
}

export interface RocChartArgs extends ChartLayout {
  curves: RocCurve[];
}

/** ROC curves (legend shows the AUC when given) with the chance diagonal. */
export function rocChart(args: RocChartArgs): VegaLiteSpec {
  if (!args || !Array.isArray(args.curves) || args.curves.length === 0) throw new Error("rocChart: give at least one curve {name, fpr, tpr}");
  const series: Series[] = args.curves.map((c) => {
    const fpr = numbers(c.fpr, `rocChart '${c.name}' fpr`);
    const tpr = numbers(c.tpr, `rocChart '${c.name}' tpr`);
    for (const v of [...fpr, ...tpr]) {
      if (v < 0 || v > 1) throw new Error(`rocChart: '${c.name}' has a rate ${v} outside [0, 1]`);
    }
    const name = c.auc === undefined ? c.name : `${c.name} (AUC ${c.auc.toFixed(3)})`;
    return { name, x: fpr, y: tpr };
  });
  const spec = lineChart({
    width: 360,
    height: 360,
    ...args,
    xLabel: args.xLabel ?? "false positive rate (1 - specificity)",
    yLabel: args.yLabel ?? "true positive rate (sensitivity)",
    series,
    xDomain: [0, 1],
    yDomain: [0, 1],
  });
  const diagonal: VegaLiteSpec = {
    data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
    mark: { type: "line", strokeDash: [4, 4], color: "#999" },
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  };
  return { ...spec, layer: [diagonal, ...(spec.layer as VegaLiteSpec[])] };
}
