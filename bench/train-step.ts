/**
 * Training-step time of the course's models on every backend available here.
 *
 *   npm run bench                       all models; cpu only for the small ones
 *   npm run bench -- --quick            fewer steps, no autoencoder (about a minute)
 *   npm run bench -- --models=cnn-rick,dna --backends=wasm --steps=5 --cpu-all
 *
 * Each cell is the median of a few steps after warm-up steps (batch 100, the autoencoder 32),
 * with the ratio to the fastest backend for that model.
 */
import * as tf from "@tensorflow/tfjs";
import { courseModels, CourseModel } from "./course-models";
import { BackendName, listBackends } from "../lib/backend/select-backend";

interface BenchArgs {
  quick: boolean;
  cpuAll: boolean;
  models: string[] | null;
  backends: BackendName[] | null;
  steps: number | null;
}

function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { quick: false, cpuAll: false, models: null, backends: null, steps: null };
  for (const a of argv) {
    const [key, value] = a.split("=", 2);
    if (key === "--quick") args.quick = true;
    else if (key === "--cpu-all") args.cpuAll = true;
    else if (key === "--models" && value) args.models = value.split(",");
    else if (key === "--backends" && value) args.backends = value.split(",") as BackendName[];
    else if (key === "--steps" && value && Number(value) >= 1) args.steps = Math.floor(Number(value));
    else throw new Error(`bench: unknown argument '${a}' (see the top of bench/train-step.ts)`);
  }
  const known = courseModels.map((m) => m.id);
  for (const id of args.models ?? []) {
    if (!known.includes(id)) throw new Error(`bench: unknown model '${id}'; known: ${known.join(", ")}`);
  }
  return args;
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
async function timeSteps(m: CourseModel, steps: number | null, quick: boolean): Promise<Timing> {
  const tensorsBefore = tf.memory().numTensors;
  const model = m.build();
  const { xs, ys } = m.makeBatch(m.batch, 42);
  const t0 = performance.now();
  await model.trainOnBatch(xs, ys); // warm-up: kernel setup, XNNPACK operator creation, allocations
  const first = performance.now() - t0;
  const warmups = first < 200 ? 3 : first < 2000 ? 1 : 0;
  for (let i = 0; i < warmups; i++) await model.trainOnBatch(xs, ys);
  const n = steps ?? (first < 500 ? (quick ? 5 : 9) : first < 5000 ? (quick ? 2 : 5) : quick ? 1 : 3);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await model.trainOnBatch(xs, ys);
    times.push(performance.now() - s);
  }
  const params = model.countParams();
  tf.dispose([xs, ys]);
  model.dispose();
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) console.warn(`  warning: ${m.label} on ${tf.getBackend()} left ${leaked} tensors behind`);
  return { ms: median(times), steps: n, params };
}

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  tf.enableProdMode();
  const available = (await listBackends()).filter((b) => {
    if (!b.available) console.log(`(${b.name} unavailable: ${b.detail})`);
    return b.available && (args.backends === null || args.backends.includes(b.name));
  });
  for (const b of available) console.log(`${b.name}: ${b.detail}`);
  const models = courseModels.filter((m) =>
    args.models ? args.models.includes(m.id) : !(args.quick && m.id === "autoencoder"),
  );

  const results = new Map<string, Map<BackendName, Timing>>();
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

  const names = available.map((b) => b.name);
  const header = ["model", "params", "batch", ...names.map((n) => `${n} ms (x fastest)`)];
  const rows = models.map((m) => {
    const r = results.get(m.id) ?? new Map<BackendName, Timing>();
    const best = Math.min(...[...r.values()].map((t) => t.ms));
    const params = [...r.values()][0]?.params;
    return [
      m.label,
      params === undefined ? "" : params.toLocaleString("en-US"),
      String(m.batch),
      ...names.map((n) => {
        const t = r.get(n);
        if (!t) return n === "cpu" && m.slowOnCpu ? "skipped (slow)" : "-";
        return `${formatMs(t.ms)} (x${(t.ms / best).toFixed(1)})`;
      }),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  console.log(`\nTraining step, median ms (ratio to the fastest backend); total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(line(header));
  console.log("|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const r of rows) console.log(line(r));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
