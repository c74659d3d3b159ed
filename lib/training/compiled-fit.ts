/**
 * `compiledFit(model, x, y, args)`: `model.fit` with each training step compiled into one TensorFlow
 * graph (lib/training/compiled-graph.ts) and run with one native call per batch, through the
 * compiled-fit addon. Same arguments and the same History as `model.fit`.
 *
 * Sequential and functional models (several inputs, nested models) compile; whatever it cannot compile
 * (a layer, loss, metric or optimizer outside its table, several outputs, arguments it does not
 * handle) trains with tf.js's own `model.fit` exactly as before, and says so once per reason.
 * `installCompiledFit()` (called by `startChapter`) puts it behind `model.fit` and `model.fitDataset`.
 * One switch turns it off: `setCompiledFit(false)`, or COURSE_COMPILED_FIT=0 in the environment.
 *
 * The graph keeps its own copy of the weights and optimizer state between calls: the tf.js weights
 * are pushed in at the start of each call and copied back before every onEpochEnd callback and at the
 * end. onBatchEnd callbacks see the weights of the last epoch end. The tf.js optimizer's own state is
 * not updated (a later eager `model.fit` starts its Adam moments afresh).
 */
import * as tf from "@tensorflow/tfjs";
import { DT, GraphAddon, loadGraphAddon, Output, Value } from "../backend/graph-addon";
import { adamFeeds, buildCompiledStep, cannotCompile, cannotCompileLayers, cannotCompileOptimizer, drawsRandomly, CompiledStep, pullWeights, pushWeights, stepSignature } from "./compiled-graph";
import { StopOnInterrupt } from "../kernel/interrupt";

let enabled = process.env.COURSE_COMPILED_FIT !== "0";

/** Turns compiled training on or off for later `compiledFit` calls (off: plain `model.fit`). */
export function setCompiledFit(on: boolean): void {
  enabled = on;
}

export function compiledFitEnabled(): boolean {
  return enabled;
}

const said = new Set<string>();
/** Says why a call falls back, once per reason; a kernel-wide reason already shown by trainingMode() is not repeated. */
export function sayOnce(line: string, why: string): void {
  if (said.has(line) || said.has(why)) return;
  said.add(line);
  console.log(line);
}

/**
 * The line `startChapter` prints: how this kernel trains (one compiled graph per step, or op by op
 * and why). A kernel-wide reason shown here is not repeated by every later fit.
 */
export function trainingMode(): string {
  const why = whyNotCompiledAtAll();
  if (why === null) return "Training: model.fit runs each step as one compiled TensorFlow graph, as Keras does (dl.setCompiledFit(false) trains op by op)";
  said.add(why);
  return `Training: op by op (${why})`;
}

const steps = new WeakMap<tf.LayersModel, CompiledStep>();

// tf.js's own fit and fitDataset, kept before installCompiledFit replaces them. A Sequential's fit
// calls its inner LayersModel's, which must then stay eager too (`eagerInside`).
const eager = {
  sequentialFit: tf.Sequential.prototype.fit,
  sequentialFitDataset: tf.Sequential.prototype.fitDataset,
  fit: tf.LayersModel.prototype.fit,
  fitDataset: tf.LayersModel.prototype.fitDataset,
};
const eagerInside = new WeakSet<tf.LayersModel>();

function innerModel(model: tf.LayersModel): tf.LayersModel | undefined {
  return model instanceof tf.Sequential ? (model as unknown as { model?: tf.LayersModel }).model : undefined;
}

/** tf.js's own `model.fit`, whether or not installCompiledFit has replaced it. */
export function eagerFit(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[], y: tf.Tensor | tf.Tensor[], args?: tf.ModelFitArgs): Promise<tf.History> {
  const inner = innerModel(model);
  if (inner) eagerInside.add(inner);
  return (model instanceof tf.Sequential ? eager.sequentialFit : eager.fit).call(model, x, y, args);
}

/** tf.js's own `model.fitDataset`, whether or not installCompiledFit has replaced it. */
export function eagerFitDataset<T extends tf.TensorContainer>(model: tf.LayersModel, dataset: tf.data.Dataset<T>, args: tf.ModelFitDatasetArgs<T>): Promise<tf.History> {
  const inner = innerModel(model);
  if (inner) eagerInside.add(inner);
  return (model instanceof tf.Sequential ? eager.sequentialFitDataset : eager.fitDataset).call(model, dataset, args) as Promise<tf.History>;
}

let installed = false;

/**
 * Makes every `model.fit` and `model.fitDataset` train through the compiled graph where it can (and
 * eagerly, saying why once, where it cannot), as Keras compiles `fit` by default. `startChapter` calls
 * it, so the chapters' cells keep the plain tf.js calls; `setCompiledFit(false)` trains eagerly again.
 */
export function installCompiledFit(): void {
  if (installed) return;
  installed = true;
  const fit = function (this: tf.LayersModel, x: tf.Tensor | tf.Tensor[], y: tf.Tensor | tf.Tensor[], args?: tf.ModelFitArgs) {
    return eagerInside.has(this) ? eager.fit.call(this, x, y, args) : compiledFit(this, x, y, args);
  };
  const fitDataset = function <T extends tf.TensorContainer>(this: tf.LayersModel, dataset: tf.data.Dataset<T>, args: tf.ModelFitDatasetArgs<T>) {
    return eagerInside.has(this) ? eager.fitDataset.call(this, dataset, args) : compiledFitDataset(this, dataset, args);
  };
  for (const proto of [tf.LayersModel.prototype, tf.Sequential.prototype]) {
    Object.assign(proto, { fit, fitDataset });
  }
}

export interface CompiledFitArgs extends tf.ModelFitArgs {
  /** Seed of the dropout masks (TensorFlow's generator). Default: drawn from Math.random, which the chapters seed. */
  seed?: number;
}

/** Why this call trains eagerly, or null when it compiles. */
export function whyNotCompiled(model: tf.LayersModel, x: unknown, y: unknown, args: CompiledFitArgs = {}): string | null {
  const why = whyNotCompiledModel(model);
  if (why) return why;
  if (!inputsFit(model, x) || !(y instanceof tf.Tensor)) return `the inputs must be ${model.inputs.length} tensor(s) and the target one tensor`;
  if (args.validationData && (args.validationData.length !== 2 || !inputsFit(model, args.validationData[0]))) {
    return "validationData with sample weights is not compiled";
  }
  if (args.shuffle === ("batch" as unknown)) return "shuffle 'batch' is not compiled";
  if (args.stepsPerEpoch || args.validationSteps) return "stepsPerEpoch / validationSteps are not compiled";
  return null;
}

/** Why no model compiles in this kernel (switched off, another backend, no addon), or null. */
export function whyNotCompiledAtAll(): string | null {
  if (!enabled) return "compiled training is switched off";
  if (tf.getBackend() !== "tensorflow") return `compiled training needs the native TensorFlow backend; this kernel runs ${tf.getBackend()}`;
  const addon = loadGraphAddon();
  return typeof addon === "string" ? addon : null;
}

/** Whether x gives the model's inputs: one tensor for one input, else an array of one tensor each. */
function inputsFit(model: tf.LayersModel, x: unknown): boolean {
  const list = x instanceof tf.Tensor ? [x] : Array.isArray(x) ? x : [];
  return list.length === model.inputs.length && list.every((t) => t instanceof tf.Tensor);
}

function asList(x: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(x) ? x : [x];
}

/** Why this model trains eagerly whatever the data, or null. */
function whyNotCompiledModel(model: tf.LayersModel): string | null {
  return whyNotCompiledAtAll() ?? cannotCompile(model);
}

/** The compiled step for this model, built or rebuilt (after trainable or the optimizer changed). */
function stepFor(model: tf.LayersModel, seed: number | undefined): CompiledStep {
  const addon = loadGraphAddon();
  if (typeof addon === "string") throw new Error(addon);
  const old = steps.get(model);
  if (old && old.signature === stepSignature(model)) {
    pushWeights(old);
    return old;
  }
  if (old) addon.closeSession(old.session);
  const hasDropout = drawsRandomly(model);
  // Only a model with random layers draws from Math.random: a model without trains with the same shuffles as model.fit.
  const s = seed ?? (hasDropout ? 1 + Math.floor(Math.random() * 2 ** 30) : 1);
  const step = buildCompiledStep(addon, model, { seed: s });
  steps.set(model, step);
  return step;
}

/** Whether `model` has a compiled step (it trained, evaluated or predicted through the graph). */
export function trainsCompiled(model: tf.LayersModel): boolean {
  return steps.has(model);
}

/** Frees the graph's variables and session for this model (the next compiledFit rebuilds). */
export function releaseCompiled(model: tf.LayersModel): void {
  const step = steps.get(model);
  if (!step) return;
  step.addon.closeSession(step.session);
  steps.delete(model);
}

/** Per-example weights from classWeight, as tf.js computes them: class = argmax of one-hot targets, else the target. */
function classWeights(y: tf.Tensor, classWeight: Record<string, number>): Float32Array {
  const classes = tf.tidy(() => (y.rank === 2 && y.shape[1]! > 1 ? tf.argMax(y, 1) : y.reshape([-1]).round()).dataSync());
  return Float32Array.from(classes, (c) => {
    const w = classWeight[String(c)];
    if (w === undefined) throw new Error(`compiledFit: classWeight has no weight for class ${c}`);
    return w;
  });
}

function floatData(t: tf.Tensor): Value {
  const data = t.dtype === "float32" ? (t.dataSync() as Float32Array) : Float32Array.from(t.dataSync());
  return { dtype: DT.float, shape: t.shape, data };
}

/** Rows `rows` of the inputs and of y, as values to feed. */
function batchOf(xs: tf.Tensor[], y: tf.Tensor, rows: number[]): [Value[], Value] {
  const idx = tf.tensor1d(rows, "int32");
  const parts = [...xs, y].map((t) => tf.gather(t, idx));
  const values = parts.map(floatData);
  tf.dispose([idx, ...parts]);
  return [values.slice(0, -1), values[values.length - 1]];
}

function toCallbacks(cbs: CompiledFitArgs["callbacks"]): tf.Callback[] {
  const list = cbs === undefined ? [] : Array.isArray(cbs) ? cbs : [cbs];
  return list.map((c) => (typeof (c as tf.Callback).setParams === "function" ? (c as tf.Callback) : (new tf.CustomCallback(c as tf.CustomCallbackArgs) as unknown as tf.Callback)));
}

/** The feeds, values and fetches of one optimizer step on one batch. */
function trainFeeds(step: CompiledStep, xb: Value[], yb: Value, sampleWeight: Float32Array | null): [Output[], Value[], Output[]] {
  const size = yb.shape[0];
  const t = ++step.steps;
  const scalar = (v: number): Value => ({ dtype: DT.float, shape: [], data: Float32Array.of(v) });
  const feeds = [...step.xs, step.y, step.sampleWeight, step.learningRate];
  const learningRate = (step.optimizerObject as unknown as { learningRate: number }).learningRate;
  const values: Value[] = [...xb, yb, { dtype: DT.float, shape: [size], data: sampleWeight ?? new Float32Array(size).fill(1) }, scalar(learningRate)];
  if (step.optimizer === "adam") {
    const [outs, vals] = adamFeeds(step, t, step.optimizerObject.getConfig() as { beta1: number; beta2: number; epsilon: number });
    feeds.push(...outs);
    values.push(...vals.map(scalar));
  }
  return [feeds, values, step.trainFetches];
}

/** One optimizer step on one batch; returns the batch's loss (and accuracy). */
function trainBatch(step: CompiledStep, xb: Value[], yb: Value, sampleWeight: Float32Array | null): number[] {
  const [feeds, values, fetches] = trainFeeds(step, xb, yb, sampleWeight);
  return step.addon.run(step.session, feeds, values, fetches, [step.train]).map((v) => v.data[0]);
}

/** trainBatch on the addon's worker thread: the event loop runs during the step (interrupts, the live panel). */
async function trainBatchAsync(step: CompiledStep, xb: Value[], yb: Value, sampleWeight: Float32Array | null): Promise<number[]> {
  const [feeds, values, fetches] = trainFeeds(step, xb, yb, sampleWeight);
  return (await step.addon.runAsync(step.session, feeds, values, fetches, [step.train])).map((v) => v.data[0]);
}

/**
 * `model.trainOnBatch(x, y)` compiled: one step on one batch, returns [loss] or [loss, acc]. The weights
 * stay in the graph until `syncCompiledWeights(model)` or a `compiledFit` copies them back.
 */
export function compiledTrainOnBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): number[] {
  const why = whyNotCompiled(model, x, y);
  if (why) throw new Error(`compiledTrainOnBatch: ${why}`);
  const step = steps.get(model) ?? stepFor(model, undefined);
  return trainBatch(step, [floatData(x)], floatData(y), null);
}

/** Copies the compiled graph's weights back into the model (after compiledTrainOnBatch). */
export function syncCompiledWeights(model: tf.LayersModel): void {
  const step = steps.get(model);
  if (step) pullWeights(step);
}

/** Loss and metrics of the graph's evaluation pass on one batch. */
function evaluateBatch(step: CompiledStep, xb: Value[], yb: Value): number[] {
  return step.addon.run(step.session, [...step.xs, step.y], [...xb, yb], step.evalFetches, []).map((v) => v.data[0]);
}

/** Mean loss and metrics of the graph's evaluation pass over x, y in batches, weighted by batch size. */
function evaluateCompiled(step: CompiledStep, x: tf.Tensor[], y: tf.Tensor, batchSize: number): number[] {
  const n = y.shape[0];
  const sums = step.evalFetches.map(() => 0);
  for (let start = 0; start < n; start += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const [xb, yb] = batchOf(x, y, rows);
    evaluateBatch(step, xb, yb).forEach((v, i) => (sums[i] += v * rows.length));
  }
  return sums.map((s) => s / n);
}

/** One training batch: inputs, targets, per-example weights (null: all 1). */
interface Batch {
  x: Value[];
  y: Value;
  weights: Float32Array | null;
}

interface EpochLoop {
  epochs: number;
  initialEpoch: number;
  callbacks: CompiledFitArgs["callbacks"];
  /** fit's samples and batch size, for callbacks' params (fitDataset leaves them out, as tf.js does). */
  samples?: number;
  batchSize?: number;
  /** The batches of one epoch; the loop stops early when a callback sets model.stopTraining. */
  batches: (epoch: number) => AsyncIterable<Batch>;
  /** Validation loss and metrics after a complete epoch, or null when there is no validation. */
  validate: (() => Promise<number[]>) | null;
  /** Whether an epoch that stopped early is still validated (fitDataset: yes; fit: no, as tf.js). */
  validatePartialEpoch: boolean;
}

/** The epoch loop that fit and fitDataset share: callbacks, logs and History as tf.js's. */
async function trainEpochs(step: CompiledStep, model: tf.LayersModel, loop: EpochLoop): Promise<tf.History> {
  const names = step.metricNames;
  const history = new tf.History();
  const callbacks = new tf.CallbackList([...toCallbacks(loop.callbacks), new StopOnInterrupt() as tf.Callback, history as unknown as tf.Callback]);
  callbacks.setModel(model);
  callbacks.setParams({
    epochs: loop.epochs, initialEpoch: loop.initialEpoch, verbose: 0,
    ...(loop.samples === undefined ? {} : { samples: loop.samples, batchSize: loop.batchSize ?? 32 }),
    doValidation: loop.validate !== null, metrics: loop.validate ? [...names, ...names.map((m) => `val_${m}`)] : names,
  });
  model.stopTraining = false;
  try {
    await callbacks.onTrainBegin();
    for (let epoch = loop.initialEpoch; epoch < loop.epochs; epoch++) {
      await callbacks.onEpochBegin(epoch);
      const sums = names.map(() => 0);
      let seen = 0;
      let b = 0;
      let complete = true;
      const source = loop.batches(epoch)[Symbol.asyncIterator]();
      let upcoming = source.next();
      for (let next = await upcoming; !next.done; next = await upcoming) {
        const batch = next.value;
        const size = batch.y.shape[0];
        await callbacks.onBatchBegin(b, { batch: b, size });
        // The step runs on the addon's worker thread; meanwhile the main thread makes the next batch
        // (decoding, augmenting, gathering), so the two overlap instead of taking turns.
        const training = trainBatchAsync(step, batch.x, batch.y, batch.weights);
        upcoming = source.next();
        upcoming.catch(() => undefined); // a failing batch surfaces at its await below, not as an unhandled rejection
        const out = await training;
        const logs: tf.Logs = { batch: b, size };
        names.forEach((m, i) => {
          logs[m] = out[i];
          sums[i] += out[i] * size;
        });
        seen += size;
        await callbacks.onBatchEnd(b++, logs);
        if (model.stopTraining) {
          complete = false;
          break;
        }
      }
      const epochLogs: tf.Logs = {};
      names.forEach((m, i) => (epochLogs[m] = sums[i] / Math.max(seen, 1)));
      if (loop.validate && (complete || loop.validatePartialEpoch)) {
        (await loop.validate()).forEach((v, i) => (epochLogs[`val_${names[i]}`] = v));
      }
      pullWeights(step); // callbacks (checkpoints, early stopping, plots) read the weights here
      step.addon.trimMemory(); // the epoch's freed activations go back to the system, not just to the heap
      await callbacks.onEpochEnd(epoch, epochLogs);
      if (model.stopTraining) break;
    }
    // Before onTrainEnd: a callback may set the weights there (early stopping restoring the best ones).
    pullWeights(step);
    await callbacks.onTrainEnd();
  } catch (e) {
    pullWeights(step);
    throw e;
  }
  return history;
}

/**
 * Trains `model` on x, y as `model.fit(x, y, args)` does, one graph call per batch; returns its History.
 * Falls back to `model.fit` (saying why, once) for whatever it cannot compile.
 */
export async function compiledFit(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[], y: tf.Tensor | tf.Tensor[], args: CompiledFitArgs = {}): Promise<tf.History> {
  const why = whyNotCompiled(model, x, y, args);
  if (why) {
    sayOnce(`compiledFit: ${why}; training with tf.js's model.fit.`, why);
    return eagerFit(model, x, y, args);
  }
  const xs = asList(x);
  const ys = y as tf.Tensor;
  const step = stepFor(model, args.seed);
  const batchSize = args.batchSize ?? 32;
  const owned: tf.Tensor[] = [];
  let [xTrain, yTrain] = [xs, ys];
  let validation: [tf.Tensor[], tf.Tensor] | null = args.validationData ? [asList(args.validationData[0]), args.validationData[1] as tf.Tensor] : null;
  if (!validation && args.validationSplit && args.validationSplit > 0 && args.validationSplit < 1) {
    // tf.js takes the last fraction, unshuffled.
    const splitAt = Math.floor(ys.shape[0] * (1 - args.validationSplit));
    xTrain = xs.map((t) => t.slice(0, splitAt));
    yTrain = ys.slice(0, splitAt);
    validation = [xs.map((t) => t.slice(splitAt)), ys.slice(splitAt)];
    owned.push(...xTrain, yTrain, ...validation[0], validation[1]);
  }
  const n = yTrain.shape[0];
  const weights = args.classWeight ? classWeights(yTrain, args.classWeight as Record<string, number>) : null;
  const indexArray = Array.from({ length: n }, (_, i) => i);
  async function* batches(): AsyncIterable<Batch> {
    if (args.shuffle !== false) tf.util.shuffle(indexArray);
    for (let start = 0; start < n; start += batchSize) {
      const rows = indexArray.slice(start, Math.min(n, start + batchSize));
      const [xb, yb] = batchOf(xTrain, yTrain, rows);
      yield { x: xb, y: yb, weights: weights ? Float32Array.from(rows, (r) => weights[r]) : null };
    }
  }
  try {
    return await trainEpochs(step, model, {
      epochs: args.epochs ?? 1, initialEpoch: args.initialEpoch ?? 0, callbacks: args.callbacks, samples: n, batchSize, batches,
      validate: validation ? async () => evaluateCompiled(step, validation![0], validation![1], batchSize) : null, validatePartialEpoch: false,
    });
  } finally {
    tf.dispose(owned);
  }
}

/** The inputs and target of one dataset element ({xs, ys} or [xs, ys]; xs a tensor or an array of them), or null. */
function elementTensors(e: unknown): [tf.Tensor[], tf.Tensor] | null {
  const [xs, ys] = Array.isArray(e) ? e : [(e as { xs?: unknown }).xs, (e as { ys?: unknown }).ys];
  const list = xs instanceof tf.Tensor ? [xs] : Array.isArray(xs) && xs.every((t) => t instanceof tf.Tensor) ? (xs as tf.Tensor[]) : null;
  return list && ys instanceof tf.Tensor ? [list, ys] : null;
}

/**
 * Trains `model` on a tf.data Dataset of batches as `model.fitDataset(dataset, args)` does, one graph
 * call per batch. Each element is `{xs, ys}` (or `[xs, ys]`), xs one tensor per model input (an array
 * when there are several); validationData is a Dataset of such batches or [x, y] tensors (batches of
 * validationBatchSize, default 32). Falls back to `model.fitDataset` (saying why, once) for whatever it
 * cannot compile: several outputs, sample weights, or a model outside the table.
 */
export async function compiledFitDataset<T extends tf.TensorContainer>(model: tf.LayersModel, dataset: tf.data.Dataset<T>, args: tf.ModelFitDatasetArgs<T> & { seed?: number }): Promise<tf.History> {
  const vd = args.validationData as unknown;
  const why = whyNotCompiledModel(model) ??
    (Array.isArray(vd) && (vd.length !== 2 || !inputsFit(model, vd[0]) || !(vd[1] instanceof tf.Tensor)) ? "validationData with sample weights is not compiled" : null);
  if (why) {
    sayOnce(`compiledFitDataset: ${why}; training with tf.js's model.fitDataset.`, why);
    return eagerFitDataset(model, dataset, args);
  }
  const step = stepFor(model, args.seed);
  const classWeight = args.classWeight as Record<string, number> | undefined;
  /** One element as a batch to feed; its tensors are the dataset's to dispose. */
  const toBatch = (e: unknown): Batch => {
    const pair = elementTensors(e);
    if (!pair || pair[0].length !== model.inputs.length) {
      throw new Error(`compiledFitDataset: each dataset element must be {xs, ys} (or [xs, ys]), xs ${model.inputs.length} tensor(s) and ys one`);
    }
    const batch = { x: pair[0].map(floatData), y: floatData(pair[1]), weights: classWeight ? classWeights(pair[1], classWeight) : null };
    tf.dispose(e as tf.TensorContainer);
    return batch;
  };
  // As tf.js: without batchesPerEpoch every epoch is one pass over a fresh iterator; with it, one
  // iterator runs on across epochs, and training ends when it runs dry.
  let shared: Awaited<ReturnType<tf.data.Dataset<T>["iterator"]>> | null = null;
  async function* batches(): AsyncIterable<Batch> {
    const perEpoch = args.batchesPerEpoch;
    const it = perEpoch === undefined ? await dataset.iterator() : (shared ??= await dataset.iterator());
    for (let b = 0; perEpoch === undefined || b < perEpoch; b++) {
      const next = await it.next();
      if (next.done) {
        if (perEpoch !== undefined) model.stopTraining = true;
        return;
      }
      yield toBatch(next.value);
    }
  }
  const validate = async (): Promise<number[]> => {
    if (Array.isArray(vd)) return evaluateCompiled(step, asList(vd[0]), vd[1] as tf.Tensor, args.validationBatchSize ?? 32);
    const it = await (vd as tf.data.Dataset<T>).iterator();
    const sums = step.evalFetches.map(() => 0);
    let n = 0;
    for (let b = 0; args.validationBatches === undefined || b < args.validationBatches; b++) {
      const next = await it.next();
      if (next.done) break;
      const batch = toBatch(next.value);
      evaluateBatch(step, batch.x, batch.y).forEach((v, i) => (sums[i] += v * batch.y.shape[0]));
      n += batch.y.shape[0];
    }
    return sums.map((s) => s / Math.max(n, 1));
  };
  return trainEpochs(step, model, {
    epochs: args.epochs, initialEpoch: args.initialEpoch ?? 0, callbacks: args.callbacks, batches,
    validate: vd === undefined ? null : validate, validatePartialEpoch: true,
  });
}

/** Training steps on batches the caller picks, through a compiled graph of its own (fitVariational's). */
export interface CompiledTrainer {
  /** One optimizer step on one batch; the logged values, in the step's metric order. */
  train(x: tf.Tensor[], y: tf.Tensor): Promise<number[]>;
  /** The evaluation pass's loss and metrics over x, y, in batches. */
  evaluate(x: tf.Tensor[], y: tf.Tensor, batchSize: number): number[];
  /** Copies the graph's weights into the model. */
  syncWeights(): void;
  /** Copies the weights back and frees the graph. */
  close(): void;
}

/**
 * A compiled trainer for the course's variational objective (cross-entropy + the KL term of the two
 * named outputs, see BuildArgs.variational), or why there is none; fitVariational uses it. Each call
 * builds a fresh graph, whose optimizer state starts at zero as a fresh tf.js optimizer's does.
 */
export function compiledVariationalTrainer(model: tf.LayersModel, optimizer: tf.Optimizer, zMean: tf.SymbolicTensor, zLogVar: tf.SymbolicTensor, seed: number): CompiledTrainer | string {
  const why = whyNotCompiledAtAll() ?? cannotCompileOptimizer(optimizer) ?? cannotCompileLayers(model) ?? (model.outputs.length === 1 ? null : "only models with one output are compiled");
  if (why) return why;
  const step = buildCompiledStep(loadGraphAddon() as GraphAddon, model, { seed, optimizer, variational: { zMean, zLogVar } });
  const values = (xs: tf.Tensor[], y: tf.Tensor): [Value[], Value] => [xs.map(floatData), floatData(y)];
  return {
    train: (x, y) => trainBatchAsync(step, ...values(x, y), null),
    evaluate: (x, y, batchSize) => evaluateCompiled(step, x, y, batchSize),
    syncWeights: () => {
      pullWeights(step);
      step.addon.trimMemory();
    },
    close: () => {
      pullWeights(step);
      step.addon.closeSession(step.session);
      step.addon.trimMemory();
    },
  };
}

/**
 * `model.evaluate(x, y)` through the graph's evaluation pass (dropout off), batch by batch: the loss as
 * a scalar, or [loss, acc] when the model was compiled with accuracy. Falls back to `model.evaluate`.
 */
export function compiledEvaluate(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[], y: tf.Tensor, args: { batchSize?: number } = {}): tf.Scalar | tf.Scalar[] {
  const why = whyNotCompiled(model, x, y);
  if (why) {
    sayOnce(`compiledEvaluate: ${why}; evaluating with tf.js's model.evaluate.`, why);
    return model.evaluate(x, y, args);
  }
  const values = evaluateCompiled(stepFor(model, undefined), asList(x), y, args.batchSize ?? 32).map((v) => tf.scalar(v));
  return values.length === 1 ? values[0] : values;
}

/** `model.predict(x)` through the graph's evaluation pass, batch by batch. Falls back to `model.predict`. */
export function compiledPredict(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[], args: { batchSize?: number } = {}): tf.Tensor {
  const why = whyNotCompiled(model, x, asList(x)[0]);
  if (why) {
    sayOnce(`compiledPredict: ${why}; predicting with tf.js's model.predict.`, why);
    return model.predict(x, args) as tf.Tensor;
  }
  const step = stepFor(model, undefined);
  const batchSize = args.batchSize ?? 32;
  const xs = asList(x);
  const n = xs[0].shape[0];
  const parts: Float32Array[] = [];
  let shape: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const rows = xs.map((t) => t.slice(start, Math.min(batchSize, n - start)));
    const [out] = step.addon.run(step.session, step.xs, rows.map(floatData), [step.prediction], []);
    tf.dispose(rows);
    parts.push(out.data as Float32Array);
    shape = out.shape;
  }
  const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0);
  return tf.tensor(all, [n, ...shape.slice(1)]);
}

