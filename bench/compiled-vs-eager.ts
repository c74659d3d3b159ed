/**
 * Compiled against eager training steps on native TensorFlow, interleaved (eager step, compiled step,
 * eager, compiled, ...) so that both see the same machine load: on a shared machine a ratio of medians
 * taken minutes apart can be off by several times, a median of paired ratios much less.
 *
 *   npx tsx bench/compiled-vs-eager.ts [--models=dense-sqrt,cifar] [--pairs=7]
 */
import * as tf from "@tensorflow/tfjs";
import { courseModels } from "./course-models";
import { selectBackend } from "../lib/backend/select-backend";
import { compiledTrainOnBatch, releaseCompiled, whyNotCompiled } from "../lib/training/compiled-fit";
import { readArgs } from "../scripts/args";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const args = readArgs({
    script: "compiled-vs-eager",
    usage: "usage: compiled-vs-eager [--models=dense-sqrt,cifar] [--pairs=7]",
    options: { models: { type: "string" }, pairs: { type: "string" } },
  });
  const ids = args.values.models?.split(",") ?? courseModels.map((m) => m.id).filter((id) => id !== "autoencoder");
  const pairs = args.number("pairs", 7, { integer: true, min: 1 });
  const backend = await selectBackend({ prefer: "tensorflow", quiet: true });
  tf.enableProdMode();
  console.log(`eager on ${backend.name}; ${pairs} interleaved pairs per model after one warm-up step each`);
  console.log("| model | eager ms | compiled ms | eager / compiled (median of pairs) |\n|---|---:|---:|---:|");
  for (const m of courseModels.filter((c) => ids.includes(c.id))) {
    const eager = m.build();
    const compiled = m.build();
    compiled.setWeights(eager.getWeights());
    const { xs, ys } = m.makeBatch(m.batch, 42);
    const why = whyNotCompiled(compiled, xs, ys);
    if (why) {
      console.log(`| ${m.label} | | | not compiled: ${why} |`);
      continue;
    }
    await eager.trainOnBatch(xs, ys);
    compiledTrainOnBatch(compiled, xs, ys);
    const te: number[] = [];
    const tc: number[] = [];
    for (let i = 0; i < pairs; i++) {
      let t = performance.now();
      await eager.trainOnBatch(xs, ys);
      te.push(performance.now() - t);
      t = performance.now();
      compiledTrainOnBatch(compiled, xs, ys);
      tc.push(performance.now() - t);
    }
    const ratio = median(te.map((e, i) => e / tc[i]));
    console.log(`| ${m.label} | ${median(te).toFixed(1)} | ${median(tc).toFixed(1)} | ${ratio.toFixed(2)} |`);
    releaseCompiled(compiled);
    tf.dispose([xs, ys]);
    eager.dispose();
    compiled.dispose();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
