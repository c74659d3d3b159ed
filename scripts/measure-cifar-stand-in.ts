/**
 * Measures how hard the CIFAR stand-in is: draws it (seed 2020, as chapter 8) into a scratch folder,
 * trains chapter 8's CNN as the chapter does (Adam, batches of 256, last 20% for validation, early
 * stopping on the validation loss with patience 10, at most 50 epochs) and prints the test accuracy,
 * per kind of picture (clear, far, crop, camo, dark), and the confusion table. Used to tune
 * stand-in-pictures.ts (HARD_SHARE and the hard kinds) against the course's 0.88-0.91; about 3 min
 * at scale 1 on native TensorFlow.
 *   node --import tsx scripts/measure-cifar-stand-in.ts [--scale 1] [--out tmp/cifar-measure]
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../lib/backend/select-backend";
import { setSeed } from "../lib/random/rng";
import { generateCifarStandIn } from "../lib/stand-ins/cifar/generate";
import { DEER_FROG_TRUCK, loadCifarClasses } from "../lib/data/cifar/cifar-classes";
import { DIFFICULTIES } from "../lib/stand-ins/cifar/pictures";
import { earlyStopping } from "../lib/training/early-stopping";
import { confusionMatrix, formatConfusion } from "../lib/evaluate/confusion";
import { cifarCnn } from "../lib/models/course-architectures";
import { readArgs } from "./args";

async function main(): Promise<void> {
  const args = readArgs({
    script: "measure-cifar-stand-in",
    usage: "usage: measure-cifar-stand-in [--scale 1] [--out tmp/cifar-measure]",
    options: { scale: { type: "string" }, out: { type: "string" } },
  });
  const scale = args.number("scale", 1, { positive: true });
  const root = args.values.out ?? "tmp/cifar-measure";
  console.log((await selectBackend()).reason);
  let t = Date.now();
  const manifest = generateCifarStandIn(root, { seed: 2020, scale });
  console.log(`drawn in ${((Date.now() - t) / 1000).toFixed(1)} s; kinds: ${JSON.stringify(manifest.difficulties)}`);
  const data = loadCifarClasses(root, { classes: DEER_FROG_TRUCK });
  setSeed(2020);
  const cnn = cifarCnn();
  cnn.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const stop = earlyStopping({ monitor: "val_loss", minDelta: 0, patience: 10, mode: "auto", restoreBestWeights: true });
  t = Date.now();
  const history = await cnn.fit(data.train.x, data.train.y, {
    epochs: 50, batchSize: 256, validationSplit: 0.2, verbose: 0, callbacks: [stop],
  });
  const probs = tf.tidy(() => (cnn.predict(data.test.x, { batchSize: 500 }) as tf.Tensor).arraySync() as number[][]);
  const predicted = probs.map((row) => row.indexOf(Math.max(...row)));
  const right = predicted.map((p, i) => p === data.test.labels[i]);
  const share = (idx: number[]): string => (idx.filter((i) => right[i]).length / Math.max(1, idx.length)).toFixed(3);
  console.log(`${history.epoch.length} epochs in ${((Date.now() - t) / 1000).toFixed(0)} s; test accuracy ${share(right.map((_, i) => i))} (course 0.88-0.91)`);
  for (const d of DIFFICULTIES) {
    const idx = manifest.test.map((x, i) => (x.difficulty === d ? i : -1)).filter((i) => i >= 0);
    console.log(`  ${d.padEnd(5)} ${String(idx.length).padStart(5)} pictures, accuracy ${share(idx)}`);
  }
  console.log(formatConfusion(confusionMatrix(data.test.labels, predicted, { classNames: data.classNames })));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
