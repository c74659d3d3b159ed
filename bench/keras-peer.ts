/**
 * Runs bench/keras_peer.py on course models: writes their tf.js JSON and training settings to a spec
 * file, and reads back one JSON line per model (a timed training step, or with paramsOnly the Keras
 * model's parameter count and layer shapes, which test/bench/keras-peer.test.ts compares with tf.js).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { CourseModel } from "./course-models";

export const VENV_PYTHON = path.resolve(__dirname, "..", ".venv", "bin", "python");

export interface KerasPeerLine {
  id: string;
  params: number;
  ms?: number;
  steps?: number;
  eager?: boolean;
  /** Whether Keras compiled the step with XLA, and what it was asked ("auto", true, false). */
  jit?: boolean;
  jitAsked?: boolean | "auto";
  layers?: [string, (number | null)[]][];
}

export interface KerasPeerResult {
  version: string;
  lines: KerasPeerLine[];
}

export interface KerasPeerOptions {
  /** Timed steps per model (after warm-up). */
  steps?: (m: CourseModel) => number;
  /** Build the models only, do not train. */
  paramsOnly?: boolean;
  /** Also time each model in Keras's eager mode (op by op, as tf.js runs). */
  eager?: boolean;
  /** Also time each model with XLA the other way from what jit_compile="auto" chose. */
  xla?: boolean;
}

/** Throws with a one-line reason when the venv or Keras is missing or the peer fails. */
export function runKerasPeer(models: CourseModel[], opts: KerasPeerOptions = {}): KerasPeerResult {
  if (!fs.existsSync(VENV_PYTHON)) throw new Error("no .venv (bash scripts/course.sh setup installs it)");
  const specs = models.map((m) => {
    const model = m.architecture();
    const topology = model.toJSON(null, false);
    model.dispose();
    return {
      id: m.id, topology, loss: m.loss, optimizer: m.optimizer, batch: m.batch, inputShape: m.inputShape,
      target: m.target, classes: m.classes ?? 1, steps: opts.steps ? opts.steps(m) : 5,
    };
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keras-peer-"));
  const file = path.join(dir, "spec.json");
  fs.writeFileSync(file, JSON.stringify(specs));
  const args = [path.join(__dirname, "keras_peer.py"), file, ...(opts.paramsOnly ? ["--params-only"] : []), ...(opts.eager ? ["--eager"] : []), ...(opts.xla ? ["--xla"] : [])];
  const r = spawnSync(VENV_PYTHON, args, { encoding: "utf8", maxBuffer: 1 << 24 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error((r.stderr || `exit ${r.status}`).trim().split("\n").pop());
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const head = lines.shift() as { keras: string; backend: string };
  return { version: `Keras ${head.keras} on ${head.backend}`, lines: lines as KerasPeerLine[] };
}
