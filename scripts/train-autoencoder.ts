/**
 * Trains chapter 7's convolutional autoencoder (or, with --task denoising, the denoising autoencoder
 * of exercise 2.4) for longer than a notebook cell can, and saves the best model (lowest validation
 * MSE, the quantity the course's checkpoint watched) where the chapter and its solutions find it:
 *
 *   npx tsx scripts/train-autoencoder.ts [--task autoencoder|denoising] [--minutes 25] [--epochs 25]
 *        [--train-frames 1024] [--val-frames 128] [--batch-size 32] [--seed 12345]
 *        [--noise-sd 0.15] [--noise-seed 7] [--out DIR]
 *   npx tsx scripts/train-autoencoder.ts [--task T] --out DIR --readme-only
 *        [--state FILE] [--continue]
 *
 * Resuming: after every epoch the whole training state (weights, Adam's moments, the random stream,
 * the batch order) goes to --state (default data/models/<out folder's name>-state.bin); run the same
 * command with a larger --epochs and training goes on as if it had not stopped. --continue starts,
 * when there is no state file yet, from the model already in --out (its weights and history; Adam's
 * moments and that run's batch order were not saved, so that one step restarts them).
 *
 * Data: chapter 3's frames (Rick only, Morty only, neither), which are what the course's autoencoder
 * learnt from: the course's own when $RICK_MORTY_DATA points at them, else the generated stand-in at
 * full scale (made first if missing). The split is the chapters': setSeed(seed) with R 3.5's "Rounding"
 * sample kind, a permutation of all frames, the first 3,001 for training (scaled if there are fewer).
 * One step over 32 frames of 90×160 takes 2–3 s on native TensorFlow on a 2-core machine, so by default
 * the run uses the first --train-frames of the training part and the first --val-frames of the
 * validation part, and stops after --epochs or earlier when another epoch would overrun --minutes.
 *
 * Output: models/<name>/ for the stand-in (committed; ~0.8 MB of weights), data/models/<name>-<fingerprint>/
 * for real frames (git-ignored). The model is saved (crash-safe) after each epoch that lowers the
 * validation MSE; training.json and README.md are rewritten after every epoch, so a run stopped at any
 * moment leaves a usable, documented model.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../lib/backend/select-backend";
import { registerFileRouters } from "../lib/io/model-files";
import { setSeed } from "../lib/random/rng";
import { ensureRickMortyData } from "../lib/stand-ins/rick-morty/generate";
import { describeRickMortySource } from "../lib/data/rick-morty/source";
import { convAutoencoder } from "../lib/models/course-architectures";
import { AutoencoderRecord, AutoencoderTask, autoencoderFingerprint, autoencoderModelDir, rickTaskFolders } from "../lib/course/trained-models";
import { loadLabelledFolders } from "../lib/data/images/loaders/load-labelled";
import { splitIndices, takeRows } from "../lib/data/split";
import { modelCheckpoint } from "../lib/training/model-checkpoint";
import { EpochBudget } from "../lib/training/epoch-budget";
import { addGaussianNoise } from "../lib/augment/noise";
import { resumableTraining } from "../lib/training/resumable";
import { loadModel } from "../lib/io/model-files";
import { readArgs } from "./args";

interface Args {
  task: AutoencoderTask;
  epochs: number;
  minutes: number;
  trainFrames: number;
  valFrames: number;
  batchSize: number;
  seed: number;
  noiseSd: number;
  noiseSeed: number;
  out: string;
  readmeOnly: boolean;
  state: string;
  continueFrom: boolean;
}

interface TrainingInfo extends AutoencoderRecord {
  description: string;
  /** Epochs of an earlier run this one continued from (its Adam moments and batch order were not saved). */
  continuedAfter?: number;
  state?: string;
  epochsPlanned: number;
  minutesPlanned: number;
  valMseOfInputs: number | null;
}

const USAGE = "usage: train-autoencoder [--task autoencoder|denoising] [--minutes M] [--epochs N] [--train-frames N] " +
  "[--val-frames N] [--batch-size N] [--seed N] [--noise-sd S] [--noise-seed N] [--out DIR] [--readme-only] [--state FILE] [--continue]";

function readFlags(): Args {
  const args = readArgs({
    script: "train-autoencoder",
    usage: USAGE,
    options: {
      task: { type: "string" }, epochs: { type: "string" }, minutes: { type: "string" }, "train-frames": { type: "string" },
      "val-frames": { type: "string" }, "batch-size": { type: "string" }, seed: { type: "string" }, "noise-sd": { type: "string" },
      "noise-seed": { type: "string" }, out: { type: "string" }, "readme-only": { type: "boolean" }, state: { type: "string" },
      continue: { type: "boolean" },
    },
  });
  const count = { integer: true, min: 1 };
  return {
    task: args.choice<AutoencoderTask>("task", ["autoencoder", "denoising"], "autoencoder"),
    epochs: args.number("epochs", 25, count),
    minutes: args.number("minutes", 25, { positive: true }),
    trainFrames: args.number("train-frames", 1024, count),
    valFrames: args.number("val-frames", 128, count),
    batchSize: args.number("batch-size", 32, count),
    seed: args.number("seed", 12345, count),
    noiseSd: args.number("noise-sd", 0.15, { positive: true }),
    noiseSeed: args.number("noise-seed", 7, count),
    out: args.values.out ?? "",
    readmeOnly: args.values["readme-only"],
    state: args.values.state ?? "",
    continueFrom: args.values.continue,
  };
}

/** README.md for the model folder, from training.json. */
export function readmeText(info: TrainingInfo, out: string): string {
  const f = (v: number | null | undefined, d = 5): string => (v === null || v === undefined ? "n/a" : v.toFixed(d));
  const db = (m: number | null | undefined): string => (m ? (10 * Math.log10(1 / m)).toFixed(1) + " dB" : "n/a");
  const denoise = info.task === "denoising";
  const rows = (info.history.val_mse ?? []).map((v, i) =>
    `| ${i + 1} | ${f(info.history.loss?.[i], 4)} | ${f(info.history.mse?.[i])} | ${f(info.history.val_loss?.[i], 4)} | ${f(v)} |`);
  const flags = (denoise ? " --task denoising" : "") +
    ` --train-frames ${info.trainFrames} --val-frames ${info.valFrames} --batch-size ${info.batchSize} --seed ${info.seed}` +
    (denoise && info.noise ? ` --noise-sd ${info.noise.stddev} --noise-seed ${info.noise.seed}` : "") +
    ` --epochs ${info.epochsRun} --minutes 600`;
  const firstFlags = flags.replace(/ --epochs \d+/, ` --epochs ${info.continuedAfter}`);
  return [
    `# ${out.split(path.sep).join("/")} — chapter 7's ${denoise ? "denoising autoencoder (exercise 2.4)" : "convolutional autoencoder"}, trained for longer`,
    "",
    `Written by \`scripts/train-autoencoder.ts${denoise ? " --task denoising" : ""}\`; ` +
      (denoise ? "`notebooks/solutions-07.ipynb` loads this folder." : "chapter 7 (`notebooks/07-autoencoders.ipynb`) loads this folder."),
    "",
    "- Network: conv 20/20/64 (5×5, ReLU, valid) → conv-transpose 64/20/20 (5×5, ReLU) → conv 3 (5×5, same, sigmoid); " +
      "189,611 parameters, code 78×148×64",
    denoise && info.noise
      ? `- Task: input = frame + Gaussian noise (sd ${info.noise.stddev}; seed ${info.noise.seed} for the training frames, ${info.noise.seed + 1} ` +
        `for the validation frames; clipped to [${info.noise.clip.join(", ")}]); target = the clean frame`
      : "- Task: input = target = the frame",
    `- Data: ${info.data}` + ` (fingerprint ${info.fingerprint})`,
    `- Split: ${info.split}`,
    `- Seed ${info.seed}; backend ${info.backend}; batch size ${info.batchSize}; Adam; binary cross-entropy; metric MSE`,
    `- Epochs: ${info.epochsRun} run (of up to ${info.epochsPlanned}, stopping before ${info.minutesPlanned} minutes), ` +
      `${info.minutes.toFixed(1)} minutes in all` + (info.secondsPerEpoch ? `, about ${info.secondsPerEpoch.toFixed(0)} s per epoch` : ""),
    `- Saved weights: epoch ${info.bestEpoch}, the lowest validation MSE, **${f(info.bestValMse)}** (PSNR ${db(info.bestValMse)})` +
      (denoise ? `; the noisy inputs themselves are at MSE ${f(info.valMseOfInputs)} (${db(info.valMseOfInputs)}) from the clean frames` : ""),
    ...(info.continuedAfter ? [`- Epochs 1–${info.continuedAfter} come from a first run; the rest continued from its saved model ` +
      "(`--continue`: weights and history; Adam's moments and the batch order of that first run had not been saved, so they " +
      `started afresh at epoch ${info.continuedAfter + 1}); from then on every epoch saved the full training state, so later runs resumed exactly`] : []),
    "",
    "| epoch | loss | mse | val_loss | val_mse |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    "This is far less training than the course's 25 epochs over 3,001 frames (a few hours). One step of 32 frames takes",
    "1–3 s with native TensorFlow on an idle 2-core machine" +
      (info.secondsPerEpoch ? `; this run, on a shared one, took about ${(info.secondsPerEpoch / Math.ceil(info.trainFrames / info.batchSize)).toFixed(0)} s ` +
        "per step (validation included)" : "") + ", so the run was bounded in frames and minutes.",
    "Reproduce (the stand-in is generated first if missing; native TensorFlow repeats a run exactly on one machine, other",
    "CPUs may differ in the last digits; `--epochs` alone fixes the length, `--minutes` is only a ceiling):",
    "",
    "```bash",
    ...(info.continuedAfter
      ? [`npx tsx scripts/train-autoencoder.ts${firstFlags}`,
        `npx tsx scripts/train-autoencoder.ts${flags} --continue`,
        `# stopped early? run the second command again: it resumes from ${info.state} (weights, Adam, batch order)`]
      : [`npx tsx scripts/train-autoencoder.ts${flags}`]),
    "```",
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const args = readFlags();
  if (args.readmeOnly) {
    if (args.out === "") throw new Error("--readme-only needs --out DIR");
    const info = JSON.parse(fs.readFileSync(path.join(args.out, "training.json"), "utf8")) as TrainingInfo;
    fs.writeFileSync(path.join(args.out, "README.md"), readmeText(info, args.out));
    console.log(`wrote ${path.join(args.out, "README.md")} from training.json`);
    return;
  }
  const started = Date.now();
  const backend = await selectBackend();
  registerFileRouters();
  const denoise = args.task === "denoising";

  const data = ensureRickMortyData({ scale: 1, log: (m) => console.log(m) });
  const standIn = data.status !== "existing";
  const source = describeRickMortySource(data.root);
  console.log(source);
  const fingerprint = autoencoderFingerprint(data.root);
  if (args.out === "") args.out = autoencoderModelDir(args.task, fingerprint, standIn);
  if (!standIn && path.resolve(args.out).startsWith(path.resolve("models") + path.sep)) {
    throw new Error(`--out ${args.out}: models/ is committed, and nothing derived from the course's frames may be; use data/models/`);
  }
  console.log(`frames fingerprint ${fingerprint}; the model goes to ${args.out}`);

  const all = loadLabelledFolders({ folders: rickTaskFolders(data.root, "categorical") });
  all.y.dispose();
  const n = all.x.shape[0];
  const nTrain = n === 3957 ? 3001 : Math.round((n * 3001) / 3957);
  const split = splitIndices(n, nTrain, setSeed(args.seed, { sampleKind: "Rounding" }));
  const trainIdx = split.train.slice(0, Math.min(args.trainFrames, split.train.length));
  const valIdx = split.validation.slice(0, Math.min(args.valFrames, split.validation.length));
  const trainY = takeRows(all.x, trainIdx);
  const valY = takeRows(all.x, valIdx);
  all.x.dispose();
  const noise = { stddev: args.noiseSd, seed: args.noiseSeed, clip: [0, 1] as [number, number] };
  const trainX = denoise ? addGaussianNoise(trainY, noise) : trainY;
  const valX = denoise ? addGaussianNoise(valY, { ...noise, seed: noise.seed + 1 }) : valY;
  const valMseOfInputs = denoise ? tf.tidy(() => tf.mean(tf.square(tf.sub(valX, valY))).dataSync()[0]) : null;
  console.log(`${n} frames; split ${split.train.length} / ${split.validation.length}; using the first ${trainIdx.length} training ` +
    `and ${valIdx.length} validation frames` + (denoise ? `; noisy validation inputs are at MSE ${valMseOfInputs!.toFixed(5)}` : ""));

  const model = convAutoencoder([90, 160, 3]);
  model.compile({ loss: "binaryCrossentropy", optimizer: "adam", metrics: ["mse"] });
  console.log(`autoencoder with ${model.countParams()} parameters; up to ${args.epochs} epochs or ${args.minutes} minutes`);

  fs.mkdirSync(args.out, { recursive: true });
  if (args.state === "") args.state = path.join("data", "models", `${path.basename(path.resolve(args.out))}-state.bin`);
  const resume = resumableTraining({ file: args.state });
  setSeed(args.seed); // the batch order's stream (a resumed run restores the saved one instead)
  let initialEpoch = await resume.restore(model);
  const earlierFile = path.join(args.out, "training.json");
  const earlier = fs.existsSync(earlierFile) ? (JSON.parse(fs.readFileSync(earlierFile, "utf8")) as TrainingInfo) : null;
  let continuedAfter = initialEpoch > 0 ? earlier?.continuedAfter : undefined;
  if (initialEpoch > 0) console.log(`resuming from ${args.state} after epoch ${initialEpoch}`);
  else if (args.continueFrom) {
    if (earlier === null || !fs.existsSync(path.join(args.out, "model.json"))) throw new Error(`--continue: no model and training.json in ${args.out}`);
    const saved = await loadModel(args.out);
    model.setWeights(saved.getWeights());
    saved.dispose();
    resume.history = earlier.history;
    initialEpoch = resume.epochsDone = earlier.epochsRun;
    continuedAfter = initialEpoch;
    setSeed(args.seed + initialEpoch); // that run's stream was not saved: go on with a stated one
    console.log(`continuing ${args.out} after its epoch ${initialEpoch} (weights and history; Adam and batch order afresh)`);
  }
  const minutesBefore = initialEpoch > 0 && earlier ? earlier.minutes : 0;
  const runStarted = Date.now();
  const checkpoint = modelCheckpoint({ filepath: args.out, monitor: "val_mse", verbose: true });
  const prevVal = resume.history.val_mse ?? [];
  if (prevVal.length > 0) {
    checkpoint.best = Math.min(...prevVal);
    checkpoint.bestEpoch = prevVal.indexOf(checkpoint.best);
  }
  // The machine may be shared: judge the next epoch by the last one, not by the slowest so far.
  const budget = new EpochBudget({
    epochs: args.epochs, minutes: args.minutes, startedAt: started, onEpoch: () => writeInfo(), judgeBy: "last", digits: 5, firstEpochEvery: 4,
  });
  const writeInfo = (): void => {
    const history = resume.history;
    const best = checkpoint.bestEpoch;
    const info: TrainingInfo = {
      description: `Chapter 7 ${denoise ? "denoising autoencoder" : "autoencoder"} trained by scripts/train-autoencoder.ts on ` +
        (standIn ? "the generated stand-in" : "the course's frames"),
      task: args.task,
      fingerprint,
      frames: n,
      trainFrames: trainIdx.length,
      valFrames: valIdx.length,
      data: `${source.replace(/^Data: /, "").replace(/\.$/, "")}; ThreeClassModel Rick only / Morty only / Neither (` +
        all.classNames.map((c, k) => `${all.counts[k]} ${c}`).join(", ") + ")",
      split: `setSeed(${args.seed}, { sampleKind: "Rounding" }); permutation of ${n} frames; first ${nTrain} training, ` +
        `${n - nTrain} validation; this run used the first ${trainIdx.length} and ${valIdx.length} of them`,
      seed: args.seed,
      backend: backend.name,
      batchSize: args.batchSize,
      epochsPlanned: args.epochs,
      minutesPlanned: args.minutes,
      epochsRun: budget.epochsRun || initialEpoch,
      bestEpoch: best + 1,
      bestValMse: history.val_mse?.[best] ?? null,
      valMseOfInputs,
      minutes: minutesBefore + (Date.now() - runStarted) / 60_000,
      continuedAfter,
      state: args.state,
      secondsPerEpoch: budget.medianEpochSeconds(),
      ...(denoise ? { noise } : {}),
      history,
    };
    fs.writeFileSync(path.join(args.out, "training.json"), JSON.stringify(info, null, 1) + "\n");
    fs.writeFileSync(path.join(args.out, "README.md"), readmeText(info, args.out));
  };


  // The rows in the order the earlier run's shuffles left them (input = target for the plain autoencoder).
  const [fitX] = resume.inBatchOrder([trainX]);
  const fitY = denoise ? resume.inBatchOrder([trainY])[0] : fitX;
  await model.fit(fitX, fitY, {
    epochs: args.epochs,
    initialEpoch,
    batchSize: args.batchSize,
    validationData: [valX, valY],
    shuffle: true,
    verbose: 0,
    callbacks: [checkpoint, resume, budget],
  });
  tf.dispose(denoise ? [fitX, fitY] : [fitX]);
  writeInfo();
  console.log(`best val_mse ${checkpoint.best.toFixed(5)} at epoch ${checkpoint.bestEpoch + 1}; saved in ${args.out}; ` +
    `${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
  tf.dispose(denoise ? [trainX, trainY, valX, valY] : [trainY, valY]);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
