/**
 * Trains the Rick and Morty CNN for longer than a notebook cell can, and saves the best model (by
 * validation accuracy) where the chapters find it:
 *
 *   --task binary       Rick or not Rick (chapter 2): 1 sigmoid output
 *   --task categorical  Rick / Morty / neither (chapter 3): 3 softmax outputs, the course's class
 *                       weights 3, 3, 1 (--no-class-weights to leave them out)
 *
 *   npx tsx scripts/train-rick-cnn.ts [--task binary] [--epochs 50] [--minutes 60] [--out DIR] [--seed 12345]
 *   npx tsx scripts/train-rick-cnn.ts [--task T] --readme-only   (rewrite README.md from an existing training.json)
 *
 * Data: the frames in use — the course's own when $RICK_MORTY_DATA points at them, else the generated
 * stand-in at full scale (made first if missing). The model goes to models/<name>/ for the stand-in
 * (committed: reproducible from this repository alone) and to data/models/<name>-<fingerprint>/ for
 * real frames (git-ignored: nothing derived from the course's frames is committed). training.json
 * records the frames' fingerprint, and the chapters load the model whose fingerprint matches their
 * frames (lib/course/trained-models.ts). The split is the notebook's: setSeed(seed) with R 3.5's
 * "Rounding" sample kind (the course's exact split of its frames), then a
 * permutation of all frames, the first 4,001 (binary: altdata's two folders) or 3,001 (categorical:
 * ThreeClassModel without Both) for training; both scaled when there are fewer frames.
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
import { ensureRickMortyData } from "../lib/stand-ins/rick-morty/generate";
import { describeRickMortySource } from "../lib/data/rick-morty/source";
import { rickCnn } from "../lib/models/course-architectures";
import { rickTaskFingerprint, rickTaskFolders, trainedModelDir, RickCnnRecord } from "../lib/course/trained-models";
import { loadLabelledFolders } from "../lib/data/images/loaders/load-labelled";
import { splitIndices, takeRows } from "../lib/data/split";
import { modelCheckpoint } from "../lib/training/model-checkpoint";
import { EpochBudget } from "../lib/training/epoch-budget";
import { majorityBaseline, toCategorical } from "../lib/data/labels";
import { readArgs } from "./args";

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
  classWeights: boolean;
}

/** What training.json holds: the record lib/course/trained-networks.ts reads back for the chapters. */
type TrainingInfo = RickCnnRecord;

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
      : `- Network: 3 × (conv 5×5 ReLU + max-pool 2) with 20/20/64 filters, dense 100 ReLU, dropout 0.3, 3 softmax (760,807 parameters); ` +
        (info.classWeight ? `class weights ${JSON.stringify(info.classWeight)}` : "no class weights"),
    `- Data: ${info.data}` + (info.fingerprint ? ` (fingerprint ${info.fingerprint})` : ""),
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
    "Reproduce (the stand-in data is generated first if missing; `--minutes` stops early on a slower machine;",
    "native TensorFlow repeats a run exactly on one machine, other CPUs may differ in the last digits):",
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

const USAGE = "usage: train-rick-cnn [--task binary|categorical] [--epochs N] [--minutes M] [--out DIR] [--seed N] [--batch-size N] [--no-class-weights] [--readme-only]";

function readFlags(): Args {
  const args = readArgs({
    script: "train-rick-cnn",
    usage: USAGE,
    options: {
      task: { type: "string" }, epochs: { type: "string" }, minutes: { type: "string" }, out: { type: "string" },
      seed: { type: "string" }, "batch-size": { type: "string" }, "readme-only": { type: "boolean" }, "no-class-weights": { type: "boolean" },
    },
  });
  const task = args.choice<Task>("task", ["binary", "categorical"], "binary");
  return {
    task,
    epochs: args.number("epochs", 50, { integer: true, min: 1 }),
    minutes: args.number("minutes", 60, { positive: true }),
    out: args.values.out ?? "",
    seed: args.number("seed", 12345, { integer: true }),
    batchSize: args.number("batch-size", 100, { integer: true, min: 1 }),
    nTrain: task === "binary" ? 4001 : 3001,
    readmeOnly: args.values["readme-only"],
    classWeights: !args.values["no-class-weights"],
  };
}

/** The chapters' CNN (lib/models/course-architectures.ts), compiled as the notebooks compile it. */
function buildCnn(task: Task): tf.Sequential {
  const binary = task === "binary";
  const model = binary ? rickCnn() : rickCnn({ outputs: 3, activation: "softmax" });
  model.compile({
    loss: binary ? "binaryCrossentropy" : "categoricalCrossentropy",
    optimizer: "adam",
    metrics: [binary ? "binaryAccuracy" : "categoricalAccuracy"],
  });
  return model;
}

async function main(): Promise<void> {
  const args = readFlags();
  if (args.readmeOnly) {
    if (args.out === "") throw new Error("--readme-only needs --out DIR");
    const info = JSON.parse(fs.readFileSync(path.join(args.out, "training.json"), "utf8")) as TrainingInfo;
    writeReadme(args.out, info);
    console.log(`wrote ${path.join(args.out, "README.md")} from training.json`);
    return;
  }
  const started = Date.now();
  const backend = await selectBackend();
  registerFileRouters();

  const data = ensureRickMortyData({ scale: 1, log: (m) => console.log(m) });
  const standIn = data.status !== "existing";
  const source = describeRickMortySource(data.root);
  console.log(source);
  const binary = args.task === "binary";
  const fingerprint = rickTaskFingerprint(data.root, args.task);
  if (args.out === "") args.out = trainedModelDir(args.task, fingerprint, standIn);
  if (!standIn && path.resolve(args.out).startsWith(path.resolve("models") + path.sep)) {
    throw new Error(`--out ${args.out}: models/ is committed, and nothing derived from the course's frames may be; use data/models/`);
  }
  console.log(`frames fingerprint ${fingerprint}; the model goes to ${args.out}`);
  const all = loadLabelledFolders({ folders: rickTaskFolders(data.root, args.task) });
  if (!binary) {
    all.y.dispose();
    all.y = toCategorical(all.folderIndex, 3);
  }
  const n = all.x.shape[0];
  const courseFrames = binary ? 5257 : 3957; // the course's frame counts: altdata, ThreeClassModel without Both
  if (n !== courseFrames) args.nTrain = Math.round((n * args.nTrain) / courseFrames);
  // R 3.5's sample() ("Rounding"), which the course ran on: with its frames, exactly its split.
  const split = splitIndices(n, args.nTrain, setSeed(args.seed, { sampleKind: "Rounding" }));
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
  const budget = new EpochBudget({ epochs: args.epochs, minutes: args.minutes, startedAt: started, onEpoch: () => writeInfo(), firstEpochEvery: 5 });
  const history = budget.history;
  const classWeight = !binary && args.classWeights ? { 0: 3, 1: 3, 2: 1 } : null;

  const writeInfo = (): void => {
    const best = checkpoint.bestEpoch;
    const info: TrainingInfo = {
      description: (binary ? "Chapter 2 CNN (Rick or not Rick)" : "Chapter 3 CNN (Rick / Morty / neither)") +
        ` trained by scripts/train-rick-cnn.ts on ${standIn ? "the generated stand-in" : "the course's frames"}`,
      task: args.task,
      fingerprint,
      frames: n,
      classWeight,
      data: `${source.replace(/^Data: /, "").replace(/\.$/, "")} (` + all.classNames.map((c, k) => `${all.counts[k]} ${c}`).join(", ") + ")",
      split: `setSeed(${args.seed}, { sampleKind: "Rounding" }); permutation of ${n} frames; first ${args.nTrain} training, ${n - args.nTrain} validation`,
      seed: args.seed,
      backend: backend.name,
      batchSize: args.batchSize,
      epochsPlanned: args.epochs,
      epochsRun: budget.epochsRun,
      bestEpoch: best + 1,
      bestValAccuracy: history[`val_${metric}`]?.[best] ?? null,
      trainAccuracyAtBest: history[metric]?.[best] ?? null,
      majorityBaselineVal: baseline.accuracy,
      minutes: (Date.now() - started) / 60_000,
      secondsPerEpoch: budget.medianEpochSeconds(),
      history,
    };
    fs.writeFileSync(path.join(args.out, "training.json"), JSON.stringify(info, null, 1) + "\n");
    writeReadme(args.out, info);
  };


  // The checkpoint first (saves the model), then the bookkeeping (writes training.json).
  await model.fit(trainX, trainY, {
    epochs: args.epochs,
    batchSize: args.batchSize,
    validationData: [valX, valY],
    shuffle: true,
    verbose: 0,
    ...(classWeight ? { classWeight } : {}),
    callbacks: [checkpoint, budget],
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
