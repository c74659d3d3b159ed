/**
 * Measures what chapters 9 and 10 reach on the data available offline: the dense net (784-128-10)
 * and the convnet (93,322 parameters) on the embedded MNIST digits, and the overfitting lesson's
 * dense net on the small Fashion-MNIST sample. Prints accuracies and seconds per epoch.
 *   node --import tsx scripts/measure-mnist.ts [dense|convnet|fashion ...]
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../lib/backend/select-backend";
import { loadMnist } from "../lib/data/mnist/mnist";
import { loadFashionSmall } from "../lib/data/mnist/fashion-small";
import { imageTensor, splitLabels, type ImageSet, type ImageLayout } from "../lib/data/mnist/image-set";
import { toCategorical } from "../lib/data/labels";
import { accuracyBySplit, predictedClasses } from "../lib/evaluate/accuracy";
import { setSeed } from "../lib/random/rng";
import { readArgs } from "./args";

const MEASURES = ["dense", "convnet", "fashion"];

async function train(name: string, set: ImageSet, layout: ImageLayout, model: tf.Sequential, fit: tf.ModelFitArgs): Promise<void> {
  const x = imageTensor(set, "train", { layout });
  const y = toCategorical(splitLabels(set, "train"), set.classNames.length);
  const epochTimes: number[] = [];
  let t0 = 0;
  const history = await model.fit(x, y, {
    ...fit,
    verbose: 0,
    callbacks: { onEpochBegin: async () => void (t0 = Date.now()), onEpochEnd: async () => void epochTimes.push((Date.now() - t0) / 1000) },
  });
  const all = imageTensor(set, "all", { layout });
  const probs = model.predict(all) as tf.Tensor;
  const acc = accuracyBySplit(set.labels, predictedClasses(probs), set.trainId);
  const last = (k: string) => ((history.history[k] ?? []) as number[]).slice(-1)[0]?.toFixed(3) ?? "-";
  console.log(
    `${name}: ${model.countParams()} params; fit acc ${last("acc")} / val_acc ${last("val_acc")}; ` +
      `accuracy by part ${JSON.stringify(Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, +v.toFixed(4)])))}; ` +
      `s/epoch: median ${median(epochTimes).toFixed(1)} (first ${epochTimes[0].toFixed(1)})`,
  );
  tf.dispose([x, y, all, probs]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const args = readArgs({ script: "measure-mnist", usage: "usage: measure-mnist [dense|convnet|fashion ...]", options: {}, maxPositionals: MEASURES.length });
  const which = args.positionals;
  for (const k of which) if (!MEASURES.includes(k)) args.fail(`unknown measure ${k}; known: ${MEASURES.join(", ")}`);
  const want = (k: string) => which.length === 0 || which.includes(k);
  tf.enableProdMode();
  const backend = await selectBackend();
  console.log(`backend: ${backend.name}`);
  setSeed(1);
  const digits = loadMnist({ seed: 1 });
  console.log(digits.description);
  if (want("dense")) {
    const m = tf.sequential({
      layers: [tf.layers.dense({ units: 128, inputShape: [784], activation: "relu" }), tf.layers.dense({ units: 10, activation: "softmax" })],
    });
    m.compile({ optimizer: "rmsprop", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    await train("dense rmsprop", digits, "flat", m, { epochs: 10, validationSplit: 0.2, batchSize: 32 });
    m.compile({ optimizer: tf.train.momentum(0.01, 0.9, true), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    await train("dense +SGD nesterov", digits, "flat", m, { epochs: 10, validationSplit: 0.2, batchSize: 32 });
  }
  if (want("convnet")) {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 64, activation: "relu" }));
    m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    m.compile({ optimizer: "rmsprop", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    await train("convnet", digits, "hwc", m, { epochs: 5, batchSize: 64 });
  }
  if (want("fashion")) {
    const small = loadFashionSmall({ seed: 1 });
    console.log(small.description);
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ units: 128, inputShape: [784], activation: "relu" }),
        tf.layers.dense({ units: 128, activation: "relu" }),
        tf.layers.dense({ units: 128, activation: "relu" }),
        tf.layers.dense({ units: 10, activation: "softmax" }),
      ],
    });
    m.compile({ optimizer: tf.train.momentum(0.003, 0.9, true), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    await train("fashion-small dense 3x128", small, "flat", m, { epochs: 100, validationSplit: 0.2, batchSize: 32 });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
