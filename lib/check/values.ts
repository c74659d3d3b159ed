/** Duck-typed views of what a student passes, so a check accepts any value and says what it got. */
import * as tf from "@tensorflow/tfjs";
import { StopCheck, describeValue } from "./report";

/** A tf.js layers model (Sequential or functional), or a StopCheck saying what was passed instead. */
export function asModel(v: unknown, what = "the model"): tf.LayersModel {
  const m = v as tf.LayersModel;
  if (v === null || typeof v !== "object" || !Array.isArray(m.inputs) || !Array.isArray(m.outputs) || typeof m.predict !== "function") {
    throw new StopCheck(`${what} should be a tf.js model (tf.sequential() with layers added, or tf.model(...)); got ${describeValue(v)}`);
  }
  if (m.inputs.length === 0 || m.outputs.length === 0) {
    throw new StopCheck(`${what} has no layers yet: add layers, the first with an inputShape`);
  }
  return m;
}

/** The per-sample shape of a model's first input or output, e.g. [5] or [90, 160, 3]. */
export function sampleShape(t: tf.SymbolicTensor): (number | null)[] {
  return t.shape.slice(1);
}

export function shapeText(s: readonly (number | null)[]): string {
  return `[${s.map((d) => (d === null ? "any" : String(d))).join(", ")}]`;
}

/** True for a live tf.js tensor. */
export function isTensor(v: unknown): v is tf.Tensor {
  return v instanceof tf.Tensor || (v !== null && typeof v === "object" && Array.isArray((v as tf.Tensor).shape) && typeof (v as tf.Tensor).dataSync === "function");
}

/** A tensor that has not been disposed, or a StopCheck naming what was passed. */
export function asTensor(v: unknown, what: string): tf.Tensor {
  if (!isTensor(v)) throw new StopCheck(`${what} should be a tensor; got ${describeValue(v)}`);
  if (v.isDisposed) throw new StopCheck(`${what} has been disposed already: run the cell that makes it again, and dispose it only after the check`);
  return v;
}

/** The per-epoch numbers of a History (what fit/fitDataset return) or of a plain {loss: [...]} record. */
export function historyRecord(v: unknown): Record<string, number[]> | null {
  if (v === null || typeof v !== "object") return null;
  const h = (v as { history?: unknown }).history ?? v;
  if (h === null || typeof h !== "object") return null;
  const out: Record<string, number[]> = {};
  for (const [k, vals] of Object.entries(h as Record<string, unknown>)) {
    if (Array.isArray(vals)) out[k] = vals.map((x) => (typeof x === "number" ? x : Number((x as { dataSync?: () => ArrayLike<number> })?.dataSync?.()[0] ?? NaN)));
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** A JavaScript array of numbers from a number[], a typed array or a 1-D tensor; null otherwise. */
export function asNumbers(v: unknown): number[] | null {
  if (Array.isArray(v)) return v.every((x) => typeof x === "number") ? (v as number[]) : null;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (isTensor(v) && !v.isDisposed) return Array.from(v.dataSync());
  return null;
}
