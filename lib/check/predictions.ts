/**
 * Short "predict, then look" exercises: the student writes down a number (a parameter count, a
 * shape) before the library shows it, and, where the exercise asks for it, builds the changed network.
 * Each known wrong answer gets its own hint.
 */
import * as tf from "@tensorflow/tfjs";
import { createHash } from "crypto";
import { CheckItem, CheckReport, NOT_DONE, StopCheck, describeValue, n, runCheck } from "./report";
import { asModel } from "./values";

/** A wrong answer that is common enough to deserve its own hint. */
export interface KnownSlip {
  value: number | number[];
  hint: string;
}

/**
 * The answers are kept as short hashes, so that the library handed out with the student edition
 * does not spell them out: answerHash(5301) is what a check compares a prediction with.
 */
export function answerHash(v: number | number[]): string {
  const text = Array.isArray(v) ? v.join(",") : String(v);
  return createHash("sha256").update(`dl.check:${text}`).digest("hex").slice(0, 16);
}

function same(a: number | number[], b: number | number[] | string): boolean {
  if (typeof b === "string") return answerHash(a) === b;
  const x = Array.isArray(a) ? a : [a];
  const y = Array.isArray(b) ? b : [b];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function show(v: number | number[]): string {
  return Array.isArray(v) ? `[${v.join(", ")}]` : n(v);
}

/** Judges a predicted number or shape against the true one. */
function judgePrediction(predicted: unknown, truth: number | string, slips: KnownSlip[], what: string, list = false): CheckItem {
  const isNumberList = Array.isArray(predicted) && predicted.every((v) => typeof v === "number");
  if (typeof predicted !== "number" && !isNumberList) {
    return { ok: false, text: `your prediction should be ${list ? "a list of numbers such as [10, 20, 3]" : "a number"}; got ${describeValue(predicted)}` };
  }
  const p = predicted as number | number[];
  if (same(p, truth)) return { ok: true, text: `your prediction, ${show(p)}, is right: it is ${what}` };
  const slip = slips.find((s) => same(s.value, p));
  return { ok: false, text: `your prediction, ${show(p)}, is not ${what}${slip ? `: ${slip.hint}` : "; work it out layer by layer and try again"}` };
}

/** Weights without the biases: the count a student gets when forgetting one bias per unit. */
function countWithoutBiases(m: tf.LayersModel): number {
  return m.weights.filter((w) => !/bias/.test(w.originalName ?? w.name)).reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

export interface ParameterCountArgs {
  exercise: string;
  title: string;
  /** answerHash of the count of the network the exercise asks for. */
  expected: string;
  /** The change asked for, in words ("the second hidden layer with 50 units"). */
  change: string;
  /** The count before the change, a common slip. */
  before: number;
}

/** Predict the parameter count of a changed network, then build it: both are checked. */
export function parameterCountReport(predicted: unknown, model: unknown, a: ParameterCountArgs): CheckReport {
  return runCheck(a.exercise, a.title, (items) => {
    if ((predicted === undefined || predicted === null) && (model === undefined || model === null)) return NOT_DONE;
    const slips: KnownSlip[] = [{ value: a.before, hint: "that is the count before the change" }];
    if (model === undefined || model === null) {
      items.push(judgePrediction(predicted, a.expected, slips, "the count"));
      throw new StopCheck("build the changed network too, and pass it to the check");
    }
    const m = asModel(model, "the changed network");
    const count = m.countParams();
    items.push(same(count, a.expected)
      ? { ok: true, text: `your network, with ${a.change}, has ${n(count)} parameters` }
      : { ok: false, text: `your network has ${n(count)} parameters, not the count that ${a.change} gives: compare its summary with the chapter's layer by layer` });
    slips.push({ value: countWithoutBiases(m), hint: "that leaves out the biases: every unit (and every filter) has one more" });
    items.push(judgePrediction(predicted, count, slips, "your network's count"));
  });
}

export interface PredictionArgs {
  exercise: string;
  title: string;
  /** answerHash of the right answer. */
  truth: string;
  /** True when the answer is a list of numbers (a shape). */
  list?: boolean;
  /** What is predicted, for the messages ("the shape of that layer's output"). */
  what: string;
  slips: KnownSlip[];
}

/** A predicted number or shape against the known one. */
export function predictionReport(predicted: unknown, a: PredictionArgs): CheckReport {
  return runCheck(a.exercise, a.title, (items) => {
    if (predicted === undefined || predicted === null) return NOT_DONE;
    items.push(judgePrediction(predicted, a.truth, a.slips, a.what, a.list ?? false));
  });
}
