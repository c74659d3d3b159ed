/**
 * The shape every exercise check shares: a list of plain-words findings, each holding or not, and a
 * status. A check never throws at the student: whatever goes wrong while looking at an answer
 * becomes one finding that says so (no stack trace), and an empty answer reads "not done yet".
 */

export interface CheckItem {
  ok: boolean;
  /** What holds, or what is missing and how to get there. */
  text: string;
}

export type CheckStatus = "not done" | "incomplete" | "passed";

export interface CheckReport {
  /** "2.1", "1.A", … */
  exercise: string;
  title: string;
  status: CheckStatus;
  items: CheckItem[];
}

/** Thrown inside a check to stop looking further; its message becomes the last finding. */
export class StopCheck extends Error {}

export const NOT_DONE = Symbol("not done");

/** Runs the body; turns "not done", a StopCheck or any error into a report instead of throwing. */
export function runCheck(exercise: string, title: string, body: (items: CheckItem[]) => void | typeof NOT_DONE): CheckReport {
  const items: CheckItem[] = [];
  try {
    if (body(items) === NOT_DONE) return { exercise, title, status: "not done", items: [] };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    items.push({ ok: false, text: e instanceof StopCheck ? message : `the check could not go on with this answer: ${firstLine(message)}` });
  }
  const status: CheckStatus = items.length > 0 && items.every((i) => i.ok) ? "passed" : "incomplete";
  return { exercise, title, status, items };
}

function firstLine(s: string): string {
  return s.split("\n")[0].slice(0, 300);
}

/** The report as the lines a student reads under the check cell. */
export function formatReport(r: CheckReport): string {
  const head = `Exercise ${r.exercise} (${r.title})`;
  if (r.status === "not done") {
    return `${head}: not done yet. Write your answer where the cell above says YOUR CODE HERE, run that cell, then run this one again.`;
  }
  const passed = r.items.filter((i) => i.ok).length;
  const one = r.items.length === 1;
  const first = r.status === "passed"
    ? (one ? `${head}: the check passes.` : `${head}: all ${r.items.length} checks pass.`)
    : (one ? `${head}: the check does not pass yet; see the ✗ line.` : `${head}: ${passed} of ${r.items.length} checks pass; see the ✗ lines.`);
  return [first, ...r.items.map((i) => `  ${i.ok ? "✓" : "✗"} ${i.text}`)].join("\n");
}

/**
 * Prints the report (the cell's output) and returns nothing, so tslab echoes nothing more. Under
 * nbgrader's autograder and validator (which set NBGRADER_EXECUTION) an answer that does not pass also fails the
 * cell, since nbgrader scores a test cell by whether it raises; students never see that.
 */
export function show(r: CheckReport): void {
  const text = formatReport(r);
  console.log(text);
  const grading = ["autograde", "validate"].includes((process.env.NBGRADER_EXECUTION ?? "").toLowerCase());
  if (grading && r.status !== "passed") throw new Error(text);
}

/** "an array of 3 numbers", "the number 4", "undefined", … for messages about a wrong value. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? "" : "s"}`;
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "string") return `the text "${v.slice(0, 40)}"`;
  if (typeof v === "object") {
    const name = (v as object).constructor?.name;
    if (name === "Tensor" || (v as { shape?: unknown }).shape !== undefined && (v as { dataSync?: unknown }).dataSync !== undefined) {
      return `a tensor of shape [${((v as { shape: number[] }).shape).join(", ")}]`;
    }
    return name && name !== "Object" ? `a ${name}` : "an object";
  }
  return `a ${typeof v}`;
}

/** A number formatted with thousands separators. */
export function n(x: number): string {
  return x.toLocaleString("en-US");
}
