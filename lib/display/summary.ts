/**
 * `summary(model)`: the table R keras prints for `summary(model)` (Keras 2's `print_summary`, 80
 * characters wide as R's console): `Model: "sequential"`, then Layer (type) / Output Shape / Param #
 * (and Connected to for a branched functional model), an input row where Keras shows one, and the
 * total, trainable and non-trainable counts. In a notebook it is also an HTML table.
 *
 * Names are written as Keras gives them. tf.js names an unnamed layer `dense_Dense3` from a counter
 * per class that lasts the whole session, which is how Keras numbers them too (`dense`, `dense_1`,
 * `dense_2`, ...), so `dense_Dense3` is Keras's `dense_2`. Names set by hand or read from a file stay.
 */
import * as tf from "@tensorflow/tfjs";
import { displayBundle, richOutput } from "../kernel/mime";

/** One row of the table. */
export interface SummaryRow {
  /** The layer's name as Keras gives it. */
  name: string;
  /** The layer's class, e.g. Conv2D. */
  type: string;
  /** As Keras writes it: `(None, 86, 156, 20)`; an input layer of a functional model `[(None, 784)]`. */
  outputShape: string;
  params: number;
  /** For a branched functional model: the inputs of each call, as `dense[0][0]`. */
  connectedTo?: string[];
}

export interface ModelSummary {
  /** The model's name as Keras gives it: sequential, sequential_1, model, ... */
  name: string;
  rows: SummaryRow[];
  total: number;
  trainable: number;
  nonTrainable: number;
  /** False for a functional model with branches, merges or shared layers (it gets a Connected to column). */
  sequentialLike: boolean;
}

export interface SummaryOptions {
  /** Characters per line of the text table (R keras uses the console width, 80 by default). */
  lineLength?: number;
  /** Text only, even in a notebook. */
  textOnly?: boolean;
}

/** Keras's number for a tf.js counter: the first of a kind has none, the second is _1, ... */
function kerasNumbered(base: string, n: number): string {
  return n <= 1 ? base : `${base}_${n - 1}`;
}

/** The name Keras would have given this layer (see the file's comment). */
export function kerasLayerName(layer: tf.layers.Layer): string {
  const cls = layer.getClassName();
  const auto = new RegExp(`^(.+)_${cls}(\\d+)$`).exec(layer.name);
  if (auto !== null) return kerasNumbered(auto[1], Number(auto[2]));
  // tf.js numbers input layers input1, input2, ...; Keras 2 numbers them input_1, input_2, ...
  const input = /^input(\d+)$/.exec(layer.name);
  if (cls === "InputLayer" && input !== null) return `input_${input[1]}`;
  return layer.name;
}

/** The name Keras would have given this model: sequential, sequential_1, ...; model, model_1, ... */
export function kerasModelName(model: tf.LayersModel): string {
  const seq = /^sequential_(\d+)$/.exec(model.name);
  if (seq !== null && model instanceof tf.Sequential) return kerasNumbered("sequential", Number(seq[1]));
  const fn = /^model(\d+)$/.exec(model.name);
  if (fn !== null) return kerasNumbered("model", Number(fn[1]));
  return model.name;
}

type Shape = (number | null)[];

function tupleText(shape: Shape): string {
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
}

function shapeText(layer: tf.layers.Layer, isInput: boolean): string {
  let s: Shape | Shape[];
  try {
    s = layer.outputShape as Shape | Shape[];
  } catch {
    // A layer shared by several models with different shapes (Keras writes "multiple" too).
    return "multiple";
  }
  const many = Array.isArray(s[0]);
  if (many) return `[${(s as Shape[]).map(tupleText).join(", ")}]`;
  // Keras 2 (TensorFlow 2.x) writes an input layer's shape as a one-element list.
  return isInput ? `[${tupleText(s as Shape)}]` : tupleText(s as Shape);
}

function countOf(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

/** The calls of `layer` that belong to `model` (a layer may also be used in other models). */
function nodesIn(model: tf.LayersModel, layer: tf.layers.Layer): { inboundLayers: tf.layers.Layer[]; nodeIndices: number[]; tensorIndices: number[] }[] {
  const own = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
  return layer.inboundNodes.filter((_, i) => own === undefined || own.has(`${layer.name}_ib-${i}`));
}

/** As Keras 2 decides it: one input, every call takes one tensor, no layer called twice, no branch. */
function isSequentialLike(model: tf.LayersModel): boolean {
  if (model instanceof tf.Sequential) return true;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return false;
  const consumers = new Map<string, number>();
  for (const layer of model.layers) {
    const nodes = nodesIn(model, layer);
    if (layer.getClassName() === "InputLayer") continue;
    if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1) return false;
    const from = nodes[0].inboundLayers[0].name;
    consumers.set(from, (consumers.get(from) ?? 0) + 1);
  }
  return [...consumers.values()].every((n) => n === 1);
}

/** The summary as data: rows, counts and the model's name, as Keras would give them. */
export function summaryOf(model: tf.LayersModel): ModelSummary {
  const sequentialLike = isSequentialLike(model);
  // A Sequential model's input layer is not one of its layers in Keras 2; a functional model's is.
  const layers = model instanceof tf.Sequential ? model.layers.filter((l) => l.getClassName() !== "InputLayer") : model.layers;
  const rows = layers.map((layer): SummaryRow => {
    const isInput = layer.getClassName() === "InputLayer";
    // A model used as a layer: tf.js's class "Model" is Keras 2's "Functional".
    const type = layer.getClassName() === "Model" ? "Functional" : layer.getClassName();
    const row: SummaryRow = { name: kerasLayerName(layer), type, outputShape: shapeText(layer, isInput && !(model instanceof tf.Sequential)), params: layer.countParams() };
    if (!sequentialLike) {
      row.connectedTo = nodesIn(model, layer).flatMap((n) =>
        n.inboundLayers.map((l, i) => `${kerasLayerName(l)}[${n.nodeIndices[i]}][${n.tensorIndices[i]}]`),
      );
    }
    return row;
  });
  const trainable = countOf(model.trainableWeights);
  const nonTrainable = countOf(model.nonTrainableWeights);
  return { name: kerasModelName(model), rows, total: trainable + nonTrainable, trainable, nonTrainable, sequentialLike };
}

/** Keras 2's print_row: each field cut to its column (2 spaces apart), the rest on following lines. */
function printRow(fields: string[], positions: number[]): string[] {
  const left = [...fields];
  const lines: string[] = [];
  while (left.some((f) => f.length > 0)) {
    let line = "";
    for (let col = 0; col < left.length; col++) {
      const start = col > 0 ? positions[col - 1] : 0;
      const space = col !== positions.length - 1 ? 2 : 0;
      let cutoff = positions[col] - start - space;
      let fit = left[col].slice(0, cutoff);
      // Keras breaks a long list after "),", "}," "]," or "',".
      const breaks = ["),", "},", "],", "',"].map((b) => (fit.indexOf(b) >= 0 ? fit.indexOf(b) + b.length : -1)).filter((i) => i >= 0);
      if (breaks.length > 0) {
        cutoff = Math.min(...breaks);
        fit = fit.slice(0, cutoff);
      }
      if (col === 0) line += " ";
      line += fit + " ".repeat(space);
      left[col] = left[col].slice(cutoff);
      line += " ".repeat(Math.max(0, positions[col] - line.length));
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Python's repr of a list of strings, as Keras 2 prints the Connected to column. */
function pyList(items: string[]): string {
  return `[${items.map((s) => `'${s}'`).join(", ")}]`;
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** The summary as the text R keras prints. */
export function summaryText(model: tf.LayersModel, options: SummaryOptions = {}): string {
  const s = summaryOf(model);
  const width = options.lineLength ?? 80;
  const fractions = s.sequentialLike ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1];
  const positions = fractions.map((p) => Math.floor(width * p));
  const header = s.sequentialLike ? ["Layer (type)", "Output Shape", "Param #"] : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
  const out: string[] = [`Model: "${s.name}"`, "_".repeat(width), ...printRow(header, positions), "=".repeat(width)];
  s.rows.forEach((r, i) => {
    const fields = [`${r.name} (${r.type})`, r.outputShape, String(r.params)];
    if (!s.sequentialLike) fields.push(pyList(r.connectedTo ?? []));
    out.push(...printRow(fields, positions));
    out.push(i === s.rows.length - 1 ? "=".repeat(width) : "");
  });
  out.push(`Total params: ${fmt(s.total)}`, `Trainable params: ${fmt(s.trainable)}`, `Non-trainable params: ${fmt(s.nonTrainable)}`, "_".repeat(width));
  return out.join("\n");
}

function escapeHtml(t: string): string {
  return t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The summary as an HTML table (what a notebook shows). */
export function summaryHtml(model: tf.LayersModel): string {
  const s = summaryOf(model);
  const cell = "padding:2px 12px;text-align:left;font-family:monospace;white-space:pre";
  const num = cell.replace("text-align:left", "text-align:right");
  const heads = ["Layer (type)", "Output Shape", "Param #", ...(s.sequentialLike ? [] : ["Connected to"])];
  const th = heads.map((h, i) => `<th style="${i === 2 ? num : cell};border-bottom:2px solid #444">${h}</th>`).join("");
  const body = s.rows
    .map((r) => {
      const tds = [
        `<td style="${cell}">${escapeHtml(r.name)} (${escapeHtml(r.type)})</td>`,
        `<td style="${cell}">${escapeHtml(r.outputShape)}</td>`,
        `<td style="${num}">${fmt(r.params)}</td>`,
        ...(s.sequentialLike ? [] : [`<td style="${cell}">${escapeHtml((r.connectedTo ?? []).join(", "))}</td>`]),
      ];
      return `<tr style="border-bottom:1px solid #ddd">${tds.join("")}</tr>`;
    })
    .join("");
  const totals =
    `<div style="font-family:monospace;margin-top:4px">Total params: ${fmt(s.total)}<br>` +
    `Trainable params: ${fmt(s.trainable)}<br>Non-trainable params: ${fmt(s.nonTrainable)}</div>`;
  return (
    `<div><div style="font-family:monospace;font-weight:bold">Model: "${escapeHtml(s.name)}"</div>` +
    `<table style="border-collapse:collapse;margin-top:4px"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>${totals}</div>`
  );
}

/**
 * Show the model's summary as R keras prints `summary(model)`: text, and an HTML table in a notebook.
 * Returns nothing, so a cell ending in it echoes nothing more.
 */
export function summary(model: tf.LayersModel, options: SummaryOptions = {}): void {
  const text = summaryText(model, options);
  if (options.textOnly || !richOutput()) {
    console.log(text);
    return;
  }
  displayBundle({ "text/plain": text, "text/html": summaryHtml(model) });
}
