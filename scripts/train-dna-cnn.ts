/**
 * Trains chapter 5's 1D CNN on the ChIP stand-in for as long as the course did (about 300 epochs),
 * which is longer than a notebook cell should take, and saves the best model by validation
 * categorical accuracy where chapter 5 and solutions-05 load it:
 *
 *   npx tsx scripts/train-dna-cnn.ts [--epochs 300] [--minutes 60] [--out models/dna-cnn] [--seed 12345]
 *                                    [--state data/models/dna-cnn-state.bin] [--from models/dna-cnn]
 *
 * Resuming: after every epoch the full training state (weights, optimizer, random stream, batch
 * order) goes to --state; run the same command with a larger --epochs and training goes on from
 * there as if it had not stopped. --from DIR starts, when there is no state file yet, from a model
 * folder this script wrote earlier (its weights and history; the batch order of that earlier run is
 * not known, so that one step is not exact; plain SGD has no other state).
 *
 * Data: always the generated stand-in at full scale (data/ChIP, made first if missing), never
 * $CHIP_DATA, so the committed model can be reproduced from this repository alone. The split and
 * training settings are the notebook's: setSeed(seed) then a permutation of all 57,241 sequences, the
 * first 40,000 for training; setSeed(42) before building and fitting; SGD (learning rate 0.01),
 * categorical cross-entropy, batches of 1000. `--optimizer adam --batch 100` trains the same network
 * with Adam instead (what models/dna-cnn holds; its README says why).
 *
 * `--readme-only` rewrites README.md from training.json (whose optional "notes" become extra lines).
 *
 * Training stops after --epochs, or earlier when one more epoch would overrun --minutes. The model is
 * saved whenever validation accuracy improves; training.json and README.md next to it are rewritten
 * after every epoch, so stopping the run at any moment leaves a usable, documented model.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../lib/backend/select-backend";
import { registerFileRouters } from "../lib/io/model-files";
import { setSeed } from "../lib/random/rng";
import { ensureChipData, CHIP_DEFAULT_SEED } from "../lib/stand-ins/chip/generate";
import { chipStandInRoot } from "../lib/data/dna/layout";
import { loadChipData } from "../lib/data/dna/load-chip";
import { splitIndices, takeRows } from "../lib/data/split";
import { majorityBaseline, toCategorical } from "../lib/data/labels";
import { modelCheckpoint } from "../lib/training/model-checkpoint";
import { EpochBudget } from "../lib/training/epoch-budget";
import { dnaCnn } from "../lib/models/course-architectures";
import { resumableTraining } from "../lib/training/resumable";
import { loadModel } from "../lib/io/model-files";
import { readArgs } from "./args";

interface Args {
  epochs: number;
  minutes: number;
  out: string;
  seed: number;
  state: string;
  from: string | null;
  optimizer: "sgd" | "adam";
  batch: number;
  readmeOnly: boolean;
}

const USAGE = "usage: train-dna-cnn [--epochs N] [--minutes M] [--out DIR] [--seed N] [--state FILE] [--from DIR] [--optimizer sgd|adam] [--batch N] [--readme-only]";

function readFlags(): Args {
  const args = readArgs({
    script: "train-dna-cnn",
    usage: USAGE,
    options: {
      epochs: { type: "string" }, minutes: { type: "string" }, out: { type: "string" }, seed: { type: "string" },
      state: { type: "string" }, from: { type: "string" }, optimizer: { type: "string" }, batch: { type: "string" },
      "readme-only": { type: "boolean" },
    },
  });
  const optimizer = args.choice("optimizer", ["sgd", "adam"], "sgd");
  return {
    epochs: args.number("epochs", 300, { integer: true, min: 1 }),
    minutes: args.number("minutes", 60, { positive: true }),
    out: args.values.out ?? path.join("models", "dna-cnn"),
    seed: args.number("seed", 12345, { integer: true }),
    state: args.values.state || path.join("data", "models", `dna-cnn-${optimizer}-state.bin`),
    from: args.values.from ?? null,
    optimizer,
    batch: args.number("batch", 1000, { integer: true, min: 1 }),
    readmeOnly: args.values["readme-only"],
  };
}

const N_TRAIN = 40000;
const OPTIMIZER_WORDS = { sgd: "SGD (learning rate 0.01)", adam: "Adam (learning rate 0.001)" };

function readme(info: Record<string, any>, out: string): string {
  const f = (v: number | null | undefined): string => (v === null || v === undefined ? "n/a" : v.toFixed(4));
  const h = info.history as Record<string, number[]>;
  const rows = (h.val_categoricalAccuracy ?? []).map((v, i) =>
    `| ${i + 1} | ${f(h.loss?.[i])} | ${f(h.categoricalAccuracy?.[i])} | ${f(h.val_loss?.[i])} | ${f(v)} |`);
  const opt = info.optimizer === "adam" ? ` --optimizer adam --batch ${info.batchSize}` : "";
  return [
    `# ${out.split(path.sep).join("/")} — chapter 5's DNA CNN, trained for longer`,
    "",
    "Written by `scripts/train-dna-cnn.ts`; `notebooks/05-dna-motifs.ipynb` and `notebooks/solutions-05.ipynb` load this folder.",
    "",
    "- Network: conv1d 20×5 ReLU, max-pool 2, conv1d 64×5 ReLU, max-pool 2, flatten, dense 100, dropout 0.3, 3 softmax (308,087 parameters)",
    `- Data: ${info.data}`,
    `- Split: ${info.split}`,
    `- Seed: ${info.seed} (split), 42 (weights, batch order); backend: ${info.backend}; batch size ${info.batchSize}; ${info.optimizerWords}, categorical cross-entropy`,
    `- Epochs: ${info.epochsRun} run (of up to ${info.epochsPlanned}), ${info.minutes.toFixed(1)} minutes in all` +
      (info.secondsPerEpoch ? `; ${info.secondsPerEpoch.toFixed(1)} s per epoch (median of the last run, on a shared 2-core machine)` : ""),
    `- Saved weights: epoch ${info.bestEpoch}, the best validation accuracy, **${f(info.bestValAccuracy)}** ` +
      `(training accuracy then ${f(info.trainAccuracyAtBest)}); always answering the biggest class scores ${f(info.majorityBaselineVal)}`,
    ...(info.recall ? [`- Recall per class on the validation set at the saved epoch: ` +
      Object.entries(info.recall as Record<string, number>).map(([c, r]) => `${c} ${(100 * r).toFixed(1)}%`).join(", ")] : []),
    ...(info.notes ?? []).map((line: string) => `- ${line}`),
    "",
    "| epoch | loss | categoricalAccuracy | val_loss | val_categoricalAccuracy |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    "Reproduce (the stand-in is generated first if missing; `--minutes` stops early on a slower machine):",
    "",
    "```bash",
    ...(info.continuedAfter
      ? [`npx tsx scripts/train-dna-cnn.ts --epochs ${info.continuedAfter} --minutes 600 --seed ${info.seed}${opt} --out /tmp/dna-first`,
        `npx tsx scripts/train-dna-cnn.ts --epochs ${info.epochsRun} --minutes 600 --seed ${info.seed}${opt} --from /tmp/dna-first`,
        `# stopped early? run the second command again: it resumes from ${info.state} (weights, optimizer, batch order)`]
      : [`npx tsx scripts/train-dna-cnn.ts --epochs ${info.epochsRun} --minutes 600 --seed ${info.seed}${opt}`]),
    "```",
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const args = readFlags();
  if (args.readmeOnly) {
    // Rewrite README.md from training.json (e.g. after adding "notes" there by hand).
    const info = JSON.parse(fs.readFileSync(path.join(args.out, "training.json"), "utf8"));
    fs.writeFileSync(path.join(args.out, "README.md"), readme(info, args.out));
    console.log(`wrote ${path.join(args.out, "README.md")} from training.json`);
    return;
  }
  const started = Date.now();
  const backend = await selectBackend();
  registerFileRouters();

  const root = chipStandInRoot(1);
  ensureChipData({ root, seed: CHIP_DEFAULT_SEED, scale: 1, log: (m) => console.log(m) });
  const data = loadChipData({ root });
  const n = data.labels.length;
  const y = toCategorical(data.labels, 3);
  const split = splitIndices(n, N_TRAIN, setSeed(args.seed));
  const trainX = takeRows(data.x, split.train);
  const trainY = takeRows(y, split.train);
  const valX = takeRows(data.x, split.validation);
  const valY = takeRows(y, split.validation);
  tf.dispose([data.x, y]);
  const baseline = majorityBaseline(split.validation.map((i) => data.labels[i]));
  console.log(`${n} sequences: ${split.train.length} training, ${split.validation.length} validation`);

  setSeed(42);
  const model = dnaCnn();
  model.compile({ loss: "categoricalCrossentropy", optimizer: args.optimizer, metrics: ["categoricalAccuracy"] });
  console.log(`${model.countParams()} parameters; up to ${args.epochs} epochs or ${args.minutes} minutes`);

  fs.mkdirSync(args.out, { recursive: true });
  const resume = resumableTraining({ file: args.state });
  let initialEpoch = await resume.restore(model);
  let earlier: { minutes: number; recall?: Record<string, number>; continuedAfter?: number } = { minutes: 0 };
  const earlierInfo = (dir: string): Record<string, any> | null => {
    const f = path.join(dir, "training.json");
    return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : null;
  };
  if (initialEpoch > 0) {
    earlier = (earlierInfo(args.out) as typeof earlier | null) ?? earlier;
    console.log(`resuming from ${args.state} after epoch ${initialEpoch}`);
  } else if (args.from !== null) {
    const info = earlierInfo(args.from);
    if (info === null) throw new Error(`--from ${args.from}: no training.json there`);
    const saved = await loadModel(args.from);
    model.setWeights(saved.getWeights());
    saved.dispose();
    resume.history = info.history;
    initialEpoch = resume.epochsDone = info.epochsRun;
    earlier = { minutes: info.minutes, recall: info.recall, continuedAfter: initialEpoch };
    setSeed(42 + initialEpoch); // the earlier run's stream was not saved: go on with a stated one
    console.log(`continuing ${args.from} after its epoch ${initialEpoch} (weights and history; new batch order)`);
  }
  const checkpoint = modelCheckpoint({ filepath: args.out, monitor: "val_categoricalAccuracy" });
  const prevVal = resume.history.val_categoricalAccuracy ?? [];
  if (prevVal.length > 0) {
    checkpoint.best = Math.max(...prevVal);
    checkpoint.bestEpoch = prevVal.indexOf(checkpoint.best);
  }
  const runStarted = Date.now();
  // Lines a person added to training.json ("notes") survive the rewrites of a resumed run.
  const earlierNotes: string[] | undefined = initialEpoch > 0 ? (earlierInfo(args.out)?.notes as string[] | undefined) : undefined;
  const budget = new EpochBudget({
    epochs: args.epochs, minutes: args.minutes, startedAt: started, judgeBy: "last", onEpoch: () => writeInfo(),
  });
  let recall: Record<string, number> | undefined = earlier.recall;
  const valLabels = split.validation.map((i) => data.labels[i]);
  const recallNow = (): Record<string, number> => {
    const pred = tf.tidy(() => (model.predict(valX, { batchSize: 2000 }) as tf.Tensor).argMax(1).dataSync());
    const out: Record<string, number> = {};
    data.classNames.forEach((c, k) => {
      const idx = valLabels.map((l, i) => (l === k ? i : -1)).filter((i) => i >= 0);
      out[c] = idx.filter((i) => pred[i] === k).length / idx.length;
    });
    return out;
  };
  const writeInfo = (): void => {
    const history = resume.history;
    const best = checkpoint.bestEpoch;
    if (best === budget.epochsRun - 1) recall = recallNow();
    const info = {
      notes: earlierNotes,
      description: "Chapter 5 DNA CNN trained by scripts/train-dna-cnn.ts on the generated ChIP stand-in",
      data: `generated ChIP stand-in, seed ${CHIP_DEFAULT_SEED}, scale 1 (` +
        data.classNames.map((c, k) => `${data.counts[k]} ${c}`).join(", ") + ")",
      split: `setSeed(${args.seed}); permutation of ${n} sequences; first ${N_TRAIN} training, ${n - N_TRAIN} validation`,
      seed: args.seed,
      backend: backend.name,
      batchSize: args.batch,
      optimizerWords: OPTIMIZER_WORDS[args.optimizer],
      optimizer: args.optimizer,
      epochsPlanned: args.epochs,
      epochsRun: budget.epochsRun || initialEpoch,
      bestEpoch: best + 1,
      bestValAccuracy: history.val_categoricalAccuracy?.[best] ?? null,
      trainAccuracyAtBest: history.categoricalAccuracy?.[best] ?? null,
      majorityBaselineVal: baseline.accuracy,
      recall,
      continuedAfter: earlier.continuedAfter,
      state: args.state,
      minutes: (earlier.minutes ?? 0) + (Date.now() - runStarted) / 60_000,
      secondsPerEpoch: budget.medianEpochSeconds() ?? null,
      history,
    };
    fs.writeFileSync(path.join(args.out, "training.json"), JSON.stringify(info, null, 1) + "\n");
    fs.writeFileSync(path.join(args.out, "README.md"), readme(info, args.out));
  };
  const [fitX, fitY] = resume.inBatchOrder([trainX, trainY]);
  await model.fit(fitX, fitY, {
    epochs: args.epochs,
    initialEpoch,
    batchSize: args.batch,
    validationData: [valX, valY],
    verbose: 0,
    callbacks: [checkpoint, resume, budget],
  });
  tf.dispose([fitX, fitY]);
  writeInfo();
  console.log(`best val_categoricalAccuracy ${checkpoint.best.toFixed(4)} at epoch ${checkpoint.bestEpoch + 1}; ` +
    `saved in ${args.out}; ${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
  tf.dispose([trainX, trainY, valX, valY]);
  model.dispose();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
