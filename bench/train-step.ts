/**
 * Training-step time of the course's models on every backend available here.
 *
 *   npm run bench                       all models; cpu only for the small ones
 *   npm run bench -- --quick            fewer steps, no autoencoder (about a minute)
 *   npm run bench -- --models=cnn-rick,dna --backends=wasm --steps=5 --cpu-all
 *
 * Each cell is the median of a few steps after warm-up steps (batch 100, the autoencoder 32). The peer
 * is Keras from the project's .venv, measured in the same run on the same models (rebuilt from the
 * tf.js model JSON by bench/keras_peer.py: same layers, loss, optimiser, batch); every backend's column
 * shows its ratio to Keras (to the fastest backend where Keras is missing). --backends may name keras.
 * A full run also times Keras in eager mode (run_eagerly=True: op by op, no graph optimisations, as
 * tf.js always runs), which shows how much of the gap to Keras is what its graph mode buys.
 * Keras runs with jit_compile="auto"; the bench also times it with XLA the other way, shows both
 * columns (keras-xla-off, keras-xla-on; the log says which one "auto" chose) and takes ratios to the faster.
 * The compiled column is tf.js with each step compiled into one TensorFlow graph (lib/training/compiled-fit.ts,
 * the compiled-fit addon), timed with compiledTrainOnBatch.
 */
import * as tf from "@tensorflow/tfjs";
import { courseModels, CourseModel } from "./course-models";
import { KerasPeerResult, runKerasPeer } from "./keras-peer";
import { BackendName, listBackends } from "../lib/backend/select-backend";
import { compiledTrainOnBatch, releaseCompiled, whyNotCompiled } from "../lib/training/compiled-fit";
import { readArgs } from "../scripts/args";

type KerasColumn = "keras-xla-off" | "keras-xla-on" | "keras-eager";
type Column = BackendName | "compiled" | KerasColumn;

interface BenchArgs {
  quick: boolean;
  cpuAll: boolean;
  models: string[] | null;
  backends: Column[] | null;
  steps: number | null;
}

const USAGE = "usage: npm run bench -- [--quick] [--cpu-all] [--models=cnn-rick,dna] [--backends=wasm,keras] [--steps=5]  (see the top of bench/train-step.ts)";

function readFlags(): BenchArgs {
  const args = readArgs({
    script: "bench/train-step",
    usage: USAGE,
    options: { quick: { type: "boolean" }, "cpu-all": { type: "boolean" }, models: { type: "string" }, backends: { type: "string" }, steps: { type: "string" } },
  });
  for (const name of ["models", "backends", "steps"] as const) if (args.values[name] === "") args.fail(`--${name} needs a value`);
  const models = args.values.models ? args.values.models.split(",") : null;
  const known = courseModels.map((m) => m.id);
  for (const id of models ?? []) {
    if (!known.includes(id)) args.fail(`unknown model '${id}'; known: ${known.join(", ")}`);
  }
  const steps = args.values.steps === undefined ? null : Math.floor(args.number("steps", 1, { min: 1 }));
  return {
    quick: args.values.quick,
    cpuAll: args.values["cpu-all"],
    models,
    backends: args.values.backends ? (args.values.backends.split(",") as Column[]) : null,
    steps,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

interface Timing {
  ms: number;
  steps: number;
  params: number;
}

/** Median step time. Slow models get fewer timed steps so the whole run stays short. */
async function timeSteps(m: CourseModel, steps: number | null, quick: boolean, compiled = false): Promise<Timing> {
  const tensorsBefore = tf.memory().numTensors;
  const model = m.build();
  const { xs, ys } = m.makeBatch(m.batch, 42);
  const trainStep = async () => (compiled ? compiledTrainOnBatch(model, xs, ys) : model.trainOnBatch(xs, ys));
  const t0 = performance.now();
  await trainStep(); // warm-up: kernel setup, XNNPACK operator creation, allocations (compiled: graph build, grappler)
  const first = performance.now() - t0;
  const warmups = first < 200 ? 3 : first < 2000 ? 1 : 0;
  for (let i = 0; i < warmups; i++) await trainStep();
  const n = steps ?? (first < 500 ? (quick ? 5 : 9) : first < 5000 ? (quick ? 2 : 5) : quick ? 1 : 3);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await trainStep();
    times.push(performance.now() - s);
  }
  const params = model.countParams();
  tf.dispose([xs, ys]);
  if (compiled) releaseCompiled(model);
  model.dispose();
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) console.warn(`  warning: ${m.label} on ${tf.getBackend()} left ${leaked} tensors behind`);
  return { ms: median(times), steps: n, params };
}

/** The same models, timed in Keras by bench/keras_peer.py; null (with a line saying why) when Keras is missing. */
function timeInKeras(
  models: CourseModel[],
  steps: number | null,
  quick: boolean,
): { version: string; columns: Map<KerasColumn, Map<string, Timing>> } | null {
  let peer: KerasPeerResult;
  try {
    const n = (m: CourseModel) => steps ?? (m.id === "autoencoder" ? (quick ? 1 : 3) : quick ? 5 : 9);
    peer = runKerasPeer(models, { steps: n, eager: !quick, xla: true });
  } catch (e) {
    console.log(`(keras unavailable: ${e instanceof Error ? e.message : e})`);
    return null;
  }
  const columns = new Map<KerasColumn, Map<string, Timing>>();
  for (const l of peer.lines) {
    const column: KerasColumn = l.eager ? "keras-eager" : l.jit ? "keras-xla-on" : "keras-xla-off";
    if (!columns.has(column)) columns.set(column, new Map());
    columns.get(column)!.set(l.id, { ms: l.ms ?? NaN, steps: l.steps ?? 0, params: l.params });
    const label = models.find((m) => m.id === l.id)?.label ?? l.id;
    const asked = l.eager ? "run_eagerly" : `jit_compile=${l.jitAsked === "auto" ? `"auto" (chose XLA ${l.jit ? "on" : "off"})` : String(l.jitAsked)}`;
    console.log(`  ${column.padEnd(13)} ${label.padEnd(28)} ${formatMs(l.ms ?? NaN).padStart(8)} ms (median of ${l.steps}; ${asked})`);
  }
  return { version: peer.version, columns };
}

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

async function main(): Promise<void> {
  const args = readFlags();
  tf.enableProdMode();
  const available = (await listBackends()).filter((b) => {
    if (!b.available) console.log(`(${b.name} unavailable: ${b.detail})`);
    return b.available && (args.backends === null || args.backends.includes(b.name));
  });
  for (const b of available) console.log(`${b.name}: ${b.detail}`);
  const models = courseModels.filter((m) =>
    args.models ? args.models.includes(m.id) : !(args.quick && m.id === "autoencoder"),
  );

  const results = new Map<string, Map<Column, Timing>>();
  const started = performance.now();
  for (const b of available) {
    if (!(await tf.setBackend(b.name))) throw new Error(`bench: backend ${b.name} failed to start`);
    for (const m of models) {
      if (b.name === "cpu" && m.slowOnCpu && !args.cpuAll) continue;
      const t = await timeSteps(m, args.steps, args.quick);
      if (!results.has(m.id)) results.set(m.id, new Map());
      results.get(m.id)!.set(b.name, t);
      console.log(`  ${b.name.padEnd(10)} ${m.label.padEnd(28)} ${formatMs(t.ms).padStart(8)} ms (median of ${t.steps})`);
    }
  }

  // Compiled: one TensorFlow graph per step through the compiled-fit addon (on the native backend's data).
  let compiledRan = false;
  if (args.backends === null || args.backends.includes("compiled")) {
    if (available.some((b) => b.name === "tensorflow")) await tf.setBackend("tensorflow");
    for (const m of models) {
      const probe = m.build();
      const z = tf.zeros([1]);
      const why = whyNotCompiled(probe, z, z);
      z.dispose();
      probe.dispose();
      if (why) {
        console.log(`  (compiled ${m.label}: ${why})`);
        continue;
      }
      const t = await timeSteps(m, args.steps, args.quick, true);
      results.get(m.id)?.set("compiled", t) ?? results.set(m.id, new Map([["compiled", t]]));
      compiledRan = true;
      console.log(`  ${"compiled".padEnd(10)} ${m.label.padEnd(28)} ${formatMs(t.ms).padStart(8)} ms (median of ${t.steps})`);
    }
  }

  const keras = args.backends === null || args.backends.some((b) => b.startsWith("keras")) ? timeInKeras(models, args.steps, args.quick) : null;
  const kerasColumns: KerasColumn[] = [];
  if (keras) {
    console.log(`keras: ${keras.version}`);
    for (const column of ["keras-xla-off", "keras-xla-on", "keras-eager"] as const) {
      const timings = keras.columns.get(column);
      if (!timings) continue;
      kerasColumns.push(column);
      for (const [id, t] of timings) {
        if (!results.has(id)) results.set(id, new Map());
        results.get(id)!.set(column, t);
      }
    }
  }
  const names: Column[] = [...available.map((b) => b.name), ...(compiledRan ? (["compiled"] as Column[]) : []), ...kerasColumns];
  const ref = keras ? "the faster Keras (XLA off or on)" : "the fastest";
  const header = ["model", "params", "batch", ...names.map((n) => `${n} ms`)];
  const rows = models.map((m) => {
    const r = results.get(m.id) ?? new Map<Column, Timing>();
    const kerasMs = (["keras-xla-off", "keras-xla-on"] as const).map((c) => r.get(c)?.ms).filter((v): v is number => v !== undefined && !isNaN(v));
    const base = keras ? (kerasMs.length ? Math.min(...kerasMs) : undefined) : Math.min(...[...r.values()].map((t) => t.ms));
    const params = [...r.values()][0]?.params;
    return [
      m.label,
      params === undefined ? "" : params.toLocaleString("en-US"),
      String(m.batch),
      ...names.map((n) => {
        const t = r.get(n);
        if (!t) return n === "cpu" && m.slowOnCpu ? "skipped (slow)" : "-";
        return base === undefined ? formatMs(t.ms) : `${formatMs(t.ms)} (x${(t.ms / base).toFixed(2)})`;
      }),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  console.log(`\nTraining step, median ms (ratio to ${ref}); total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(line(header));
  console.log("|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const r of rows) console.log(line(r));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
