/**
 * Trains the Rick and Morty CNN for longer than a notebook cell can, and saves the best model (by
 * validation accuracy) where the chapters load it:
 *
 *   --task binary       Rick or not Rick (chapter 2): 1 sigmoid output, into models/rick-cnn/ (default)
 *   --task categorical  Rick / Morty / neither (chapter 3): 3 softmax outputs, no class weights,
 *                       into models/rick-morty-cat/
 *
 *   npx tsx scripts/train-rick-cnn.ts [--task binary] [--epochs 50] [--minutes 35] [--out DIR] [--seed 12345]
 *   npx tsx scripts/train-rick-cnn.ts [--task T] --readme-only   (rewrite README.md from an existing training.json)
 *
 * Data: always the generated stand-in at full scale (made first if missing), never $RICK_MORTY_DATA,
 * so that the committed model is reproducible from this repository alone. The split is the
 * notebook's: setSeed(seed), then a permutation of all frames, the first 4,001 (binary: altdata's
 * two folders) or 3,001 (categorical: ThreeClassModel without Both) for training.
 *
 * Training stops after --epochs, or earlier when one more epoch would overrun --minutes. The model
 * is saved after every epoch that improves the validation accuracy, and training.json next to it
 * is rewritten after every epoch (epochs run, best epoch, accuracies, history, time), so stopping
 * the run at any moment still leaves a usable, documented model. README.md, rewritten with it, says
 * the same for people: epochs, seed, data, best validation accuracy and how to reproduce the run.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../lib/backend/select-backend";
import { registerFileRouters } from "../lib/io/model-files";
import { setSeed } from "../lib/random/rng";
import { ensureRickMortyData, DEFAULT_SEED } from "../lib/data/rick-morty/generate";
import { DEFAULT_ROOT, rickMortyPaths } from "../lib/data/rick-morty/layout";
import { loadLabelledFolders } from "../lib/data/images/load-labelled";
import { splitIndices, takeRows } from "../lib/data/split";
import { modelCheckpoint, resolveLogs } from "../lib/training/model-checkpoint";
import { majorityBaseline, toCategorical } from "../lib/data/labels";

type Task = "binary" | "categorical";

interface Args {
  task: Task;
  epochs: number;
  minutes: number;
  out: string;
  seed: number;
  batchSize: number;
  nTrain: number;
  readmeOnly: boolean;
}

/** What training.json holds (the fields README.md uses). */
interface TrainingInfo {
  task?: Task;
  data: string;
  split: string;
  seed: number;
  backend: string;
  batchSize: number;
  epochsPlanned: number;
  epochsRun: number;
  bestEpoch: number;
  bestValAccuracy: number | null;
  trainAccuracyAtBest: number | null;
  majorityBaselineVal: number;
  minutes: number;
  history: Record<string, number[]>;
}

/** README.md for the model folder, from the numbers in training.json. */
export function readmeText(info: TrainingInfo, out = path.join("models", "rick-cnn")): string {
  const binary = (info.task ?? "binary") === "binary";
  const metric = binary ? "binaryAccuracy" : "categoricalAccuracy";
  const f = (v: number | null | undefined): string => (v === null || v === undefined ? "n/a" : v.toFixed(4));
  const rows = (info.history[`val_${metric}`] ?? []).map((v, i) =>
    `| ${i + 1} | ${f(info.history.loss?.[i])} | ${f(info.history[metric]?.[i])} | ${f(info.history.val_loss?.[i])} | ${f(v)} |`);
  const taskFlag = binary ? "" : " --task categorical";
  return [
    binary
      ? `# ${out.split(path.sep).join("/")} — chapter 2's CNN, trained for longer`
      : `# ${out.split(path.sep).join("/")} — chapter 3's categorical CNN, trained for longer`,
    "",
    binary
      ? "Written by `scripts/train-rick-cnn.ts`; chapter 2 (`notebooks/02-rick-or-not-rick.ipynb`) loads this folder."
      : "Written by `scripts/train-rick-cnn.ts --task categorical`; chapter 3 (`notebooks/03-more-than-two-classes.ipynb`) loads this folder.",
    "",
    binary
      ? `- Network: 3 × (conv 5×5 ReLU + max-pool 2) with 20/20/64 filters, dense 100 ReLU, dropout 0.3, 1 sigmoid (760,605 parameters)`
      : `- Network: 3 × (conv 5×5 ReLU + max-pool 2) with 20/20/64 filters, dense 100 ReLU, dropout 0.3, 3 softmax (760,807 parameters); no class weights`,
    `- Data: ${info.data}`,
    `- Split: ${info.split}`,
    `- Seed: ${info.seed}; backend: ${info.backend}; batch size ${info.batchSize}; optimiser Adam, ` +
      (binary ? "binary cross-entropy" : "categorical cross-entropy"),
    `- Epochs: ${info.epochsRun} run (of up to ${info.epochsPlanned}), ${info.minutes.toFixed(1)} minutes`,
    `- Saved weights: epoch ${info.bestEpoch}, the best validation accuracy, **${f(info.bestValAccuracy)}** ` +
      `(training accuracy then ${f(info.trainAccuracyAtBest)}); always answering ` +
      (binary ? `"not Rick"` : `"Neither"`) + ` scores ${f(info.majorityBaselineVal)}`,
    "",
    `| epoch | loss | ${metric} | val_loss | val_${metric} |`,
    "|---|---|---|---|---|",
    ...rows,
    "",
    "Reproduce (the stand-in data is generated first if missing; `--minutes` stops early on a slower machine,",
    "and the wasm backend's multi-threaded sums may differ in the last digits between machines):",
    "",
    "```bash",
    `npx tsx scripts/train-rick-cnn.ts${taskFlag} --epochs ${info.epochsRun} --minutes 600 --seed ${info.seed}`,
    "```",
    "",
  ].join("\n");
}

function writeReadme(out: string, info: TrainingInfo): void {
  fs.writeFileSync(path.join(out, "README.md"), readmeText(info, out));
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { task: "binary", epochs: 50, minutes: 35, out: "", seed: 12345, batchSize: 100, nTrain: 0, readmeOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--task") {
      const t = value();
      if (t !== "binary" && t !== "categorical") throw new Error(`--task must be binary or categorical, got ${t}`);
      a.task = t;
    } else if (flag === "--epochs") a.epochs = Number(value());
    else if (flag === "--minutes") a.minutes = Number(value());
    else if (flag === "--out") a.out = value();
    else if (flag === "--seed") a.seed = Number(value());
    else if (flag === "--batch-size") a.batchSize = Number(value());
    else if (flag === "--readme-only") a.readmeOnly = true;
    else if (flag === "--help" || flag === "-h") {
      console.log("usage: train-rick-cnn [--task binary|categorical] [--epochs N] [--minutes M] [--out DIR] [--seed N] [--batch-size N] [--readme-only]");
      process.exit(0);
    } else throw new Error(`unknown argument ${flag} (try --help)`);
  }
  if (a.out === "") a.out = path.join("models", a.task === "binary" ? "rick-cnn" : "rick-morty-cat");
  a.nTrain = a.task === "binary" ? 4001 : 3001;
  return a;
}

/** The chapters' CNN, layer for layer as in notebooks/02-rick-or-not-rick.ipynb (3 softmax outputs for categorical). */
function buildCnn(task: Task): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [90, 160, 3], filters: 20, kernelSize: 5, activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 20, kernelSize: 5, activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 5, activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 100, activation: "relu" }));
  model.add(tf.layers.dropout({ rate: 0.3 }));
  if (task === "binary") {
    model.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
    model.compile({ loss: "binaryCrossentropy", optimizer: "adam", metrics: ["binaryAccuracy"] });
  } else {
    model.add(tf.layers.dense({ units: 3, activation: "softmax" }));
    model.compile({ loss: "categoricalCrossentropy", optimizer: "adam", metrics: ["categoricalAccuracy"] });
  }
  return model;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.readmeOnly) {
    const info = JSON.parse(fs.readFileSync(path.join(args.out, "training.json"), "utf8")) as TrainingInfo;
    writeReadme(args.out, info);
    console.log(`wrote ${path.join(args.out, "README.md")} from training.json`);
    return;
  }
  const started = Date.now();
  const backend = await selectBackend();
  registerFileRouters();

  const data = ensureRickMortyData({ root: DEFAULT_ROOT, seed: DEFAULT_SEED, scale: 1, log: (m) => console.log(m) });
  const dirs = rickMortyPaths(data.root);
  const binary = args.task === "binary";
  const all = loadLabelledFolders({
    folders: binary
      ? [
        { path: dirs.altRick, label: 0, name: "Rick" },
        { path: dirs.altNotRick, label: 1, name: "not Rick" },
      ]
      : [
        { path: dirs.rickOnly, label: 0, name: "Rick" },
        { path: dirs.mortyOnly, label: 1, name: "Morty" },
        { path: dirs.neither, label: 2, name: "Neither" },
      ],
  });
  if (!binary) {
    all.y.dispose();
    all.y = toCategorical(all.folderIndex, 3);
  }
  const n = all.x.shape[0];
  const split = splitIndices(n, args.nTrain, setSeed(args.seed));
  const trainX = takeRows(all.x, split.train);
  const trainY = takeRows(all.y, split.train);
  const valX = takeRows(all.x, split.validation);
  const valY = takeRows(all.y, split.validation);
  all.x.dispose();
  all.y.dispose();
  const baseline = majorityBaseline(split.validation.map((i) => all.folderIndex[i]));
  console.log(`${n} frames: ${split.train.length} training, ${split.validation.length} validation ` +
    `(always "${all.classNames[baseline.label]}" would score ${baseline.accuracy.toFixed(4)} on validation)`);

  const model = buildCnn(args.task);
  console.log(`CNN with ${model.countParams()} parameters; up to ${args.epochs} epochs or ${args.minutes} minutes`);

  fs.mkdirSync(args.out, { recursive: true });
  const metric = binary ? "binaryAccuracy" : "categoricalAccuracy";
  const checkpoint = modelCheckpoint({ filepath: args.out, monitor: `val_${metric}`, verbose: true });
  const history: Record<string, number[]> = {};
  const budgetMs = args.minutes * 60_000;
  let epochStart = Date.now();
  let longestEpochMs = 0;
  let epochsRun = 0;

  const writeInfo = (): void => {
    const best = checkpoint.bestEpoch;
    const info = {
      description: binary
        ? "Chapter 2 CNN (Rick or not Rick) trained by scripts/train-rick-cnn.ts on the generated stand-in"
        : "Chapter 3 CNN (Rick / Morty / neither, no class weights) trained by scripts/train-rick-cnn.ts on the generated stand-in",
      task: args.task,
      data: `generated Rick and Morty stand-in, seed ${DEFAULT_SEED}, scale 1 (` +
        all.classNames.map((c, k) => `${all.counts[k]} ${c}`).join(", ") + ")",
      split: `setSeed(${args.seed}); permutation of ${n} frames; first ${args.nTrain} training, ${n - args.nTrain} validation`,
      seed: args.seed,
      backend: backend.name,
      batchSize: args.batchSize,
      epochsPlanned: args.epochs,
      epochsRun,
      bestEpoch: best + 1,
      bestValAccuracy: history[`val_${metric}`]?.[best] ?? null,
      trainAccuracyAtBest: history[metric]?.[best] ?? null,
      majorityBaselineVal: baseline.accuracy,
      minutes: (Date.now() - started) / 60_000,
      history,
    };
    fs.writeFileSync(path.join(args.out, "training.json"), JSON.stringify(info, null, 1) + "\n");
    writeReadme(args.out, info);
  };

  class Budget extends tf.Callback {
    async onEpochBegin(): Promise<void> {
      epochStart = Date.now();
    }
    async onBatchEnd(batch: number): Promise<void> {
      if (epochsRun === 0 && batch % 5 === 0) {
        console.log(`  epoch 1, batch ${batch + 1}: ${((Date.now() - epochStart) / 1000 / (batch + 1)).toFixed(2)} s per batch`);
      }
    }
    async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
      const values = await resolveLogs(logs);
      for (const [k, v] of Object.entries(values)) (history[k] ??= []).push(v);
      epochsRun = epoch + 1;
      const ms = Date.now() - epochStart;
      longestEpochMs = Math.max(longestEpochMs, ms);
      const line = Object.entries(values).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ");
      console.log(`epoch ${epoch + 1}/${args.epochs} (${(ms / 1000).toFixed(0)} s): ${line}`);
      writeInfo();
      if (Date.now() - started + longestEpochMs > budgetMs) {
        console.log(`stopping: another epoch would overrun ${args.minutes} minutes`);
        this.model.stopTraining = true;
      }
    }
  }

  // The checkpoint first (saves the model), then the bookkeeping (writes training.json).
  await model.fit(trainX, trainY, {
    epochs: args.epochs,
    batchSize: args.batchSize,
    validationData: [valX, valY],
    shuffle: true,
    verbose: 0,
    callbacks: [checkpoint, new Budget()],
  });
  writeInfo();
  console.log(`best val_${metric} ${checkpoint.best.toFixed(4)} at epoch ${checkpoint.bestEpoch + 1}; ` +
    `saved in ${args.out}; ${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
  tf.dispose([trainX, trainY, valX, valY]);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
