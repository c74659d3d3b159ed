/**
 * Where one training step spends its time on native TensorFlow: tf.profile over one trainOnBatch,
 * kernels summed by name, slowest first. This is how the slow Step kernel was found
 * (lib/backend/native-fast-kernels.ts).
 *
 *   npx tsx bench/profile-step.ts cifar,cnn-rick        (ids as in bench/course-models.ts)
 */
import * as tf from "@tensorflow/tfjs";
import { courseModels } from "./course-models";
import { listBackends } from "../lib/backend/select-backend";
import { readArgs } from "../scripts/args";
async function main() {
  const args = readArgs({ script: "profile-step", usage: "usage: profile-step [cifar,cnn-rick,...]  (ids as in bench/course-models.ts)", options: {}, maxPositionals: 1 });
  const ids = (args.positionals[0] ?? "cifar").split(",");
  const known = courseModels.map((m) => m.id);
  for (const id of ids) if (!known.includes(id)) args.fail(`unknown model '${id}'; known: ${known.join(", ")}`);
  await listBackends();
  await tf.setBackend("tensorflow");
  for (const id of ids) {
    const m = courseModels.find((x) => x.id === id)!;
    const model = m.build();
    const { xs, ys } = m.makeBatch(m.batch, 42);
    for (let i = 0; i < 3; i++) await model.trainOnBatch(xs, ys);
    const t0 = performance.now();
    const info = await tf.profile(async () => { await model.trainOnBatch(xs, ys); });
    const wall = performance.now() - t0;
    const by = new Map<string, { n: number; ms: number }>();
    let total = 0;
    for (const k of info.kernels) {
      const ms = (await k.kernelTimeMs) as number;
      const e = by.get(k.name) ?? { n: 0, ms: 0 };
      e.n++; e.ms += ms; total += ms; by.set(k.name, e);
    }
    const t1 = performance.now(); for (let i=0;i<5;i++) await model.trainOnBatch(xs, ys); const plain = (performance.now()-t1)/5;
    console.log(`${id}: ${info.kernels.length} kernels, kernel sum ${total.toFixed(1)} ms, profiled wall ${wall.toFixed(1)} ms, plain step ${plain.toFixed(1)} ms`);
    [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14).forEach(([n, e]) => console.log(`  ${n.padEnd(28)} ${String(e.n).padStart(4)} ${e.ms.toFixed(2).padStart(9)} ms`));
  }
}
main();
