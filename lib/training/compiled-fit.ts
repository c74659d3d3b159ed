/**
 * `compiledFit(model, x, y, args)`: `model.fit` with each training step compiled into one TensorFlow
 * graph (lib/training/compiled-graph.ts) and run with one native call per batch, through the
 * compiled-fit addon. Same arguments and the same History as `model.fit`.
 *
 * Whatever it cannot compile (a layer, loss, metric or optimizer outside its table, several inputs,
 * arguments it does not handle) trains with `model.fit` exactly as before, and says so once per reason.
 * One switch turns it off: `setCompiledFit(false)`, or COURSE_COMPILED_FIT=0 in the environment.
 *
 * The graph keeps its own copy of the weights and optimizer state between calls: the tf.js weights
 * are pushed in at the start of each call and copied back before every onEpochEnd callback and at the
 * end. onBatchEnd callbacks see the weights of the last epoch end. The tf.js optimizer's own state is
 * not updated (a later eager `model.fit` starts its Adam moments afresh).
 */
import * as tf from "@tensorflow/tfjs";
import { DT, loadGraphAddon, Output, Value } from "../backend/graph-addon";
import { adamFeeds, buildCompiledStep, cannotCompile, CompiledStep, pullWeights, pushWeights, stepSignature } from "./compiled-graph";
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
function sayOnce(line: string): void {
  if (said.has(line)) return;
  said.add(line);
  console.log(line);
}

const steps = new WeakMap<tf.LayersModel, CompiledStep>();

export interface CompiledFitArgs extends tf.ModelFitArgs {
  /** Seed of the dropout masks (TensorFlow's generator). Default: drawn from Math.random, which the chapters seed. */
  seed?: number;
}

/** Why this call trains eagerly, or null when it compiles. */
export function whyNotCompiled(model: tf.LayersModel, x: unknown, y: unknown, args: CompiledFitArgs = {}): string | null {
  if (!enabled) return "compiled training is switched off";
  const addon = loadGraphAddon();
  if (typeof addon === "string") return addon;
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor)) return "only one input tensor and one target tensor are compiled";
  if (args.validationData && (args.validationData.length !== 2 || !(args.validationData[0] instanceof tf.Tensor))) {
    return "validationData with sample weights or several inputs is not compiled";
  }
  if (args.shuffle === ("batch" as unknown)) return "shuffle 'batch' is not compiled";
  if (args.stepsPerEpoch || args.validationSteps) return "stepsPerEpoch / validationSteps are not compiled";
  return cannotCompile(model);
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
  const hasDropout = model.layers.some((l) => l.getClassName() === "Dropout");
  // Only a model with dropout draws from Math.random: a model without trains with the same shuffles as model.fit.
  const s = seed ?? (hasDropout ? 1 + Math.floor(Math.random() * 2 ** 30) : 1);
  const step = buildCompiledStep(addon, model, { seed: s });
  steps.set(model, step);
  return step;
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

/** Rows `rows` of x and y, as values to feed. */
function batchOf(x: tf.Tensor, y: tf.Tensor, rows: number[]): [Value, Value] {
  const idx = tf.tensor1d(rows, "int32");
  const [xb, yb] = [tf.gather(x, idx), tf.gather(y, idx)];
  const out: [Value, Value] = [floatData(xb), floatData(yb)];
  tf.dispose([idx, xb, yb]);
  return out;
}

function toCallbacks(cbs: CompiledFitArgs["callbacks"]): tf.Callback[] {
  const list = cbs === undefined ? [] : Array.isArray(cbs) ? cbs : [cbs];
  return list.map((c) => (typeof (c as tf.Callback).setParams === "function" ? (c as tf.Callback) : (new tf.CustomCallback(c as tf.CustomCallbackArgs) as unknown as tf.Callback)));
}

/** The feeds, values and fetches of one optimizer step on one batch. */
function trainFeeds(step: CompiledStep, model: tf.LayersModel, xb: Value, yb: Value, sampleWeight: Float32Array | null): [Output[], Value[], Output[]] {
  const size = xb.shape[0];
  const t = ++step.steps;
  const scalar = (v: number): Value => ({ dtype: DT.float, shape: [], data: Float32Array.of(v) });
  const feeds = [step.x, step.y, step.sampleWeight, step.learningRate];
  const learningRate = (model.optimizer as unknown as { learningRate: number }).learningRate;
  const values: Value[] = [xb, yb, { dtype: DT.float, shape: [size], data: sampleWeight ?? new Float32Array(size).fill(1) }, scalar(learningRate)];
  if (step.optimizer === "adam") {
    const [outs, vals] = adamFeeds(step, t, model.optimizer.getConfig() as { beta1: number; beta2: number; epsilon: number });
    feeds.push(...outs);
    values.push(...vals.map(scalar));
  }
  const fetches = step.trainMetric ? [step.trainLoss, step.trainMetric] : [step.trainLoss];
  return [feeds, values, fetches];
}

/** One optimizer step on one batch; returns the batch's loss (and accuracy). */
function trainBatch(step: CompiledStep, model: tf.LayersModel, xb: Value, yb: Value, sampleWeight: Float32Array | null): number[] {
  const [feeds, values, fetches] = trainFeeds(step, model, xb, yb, sampleWeight);
  return step.addon.run(step.session, feeds, values, fetches, [step.train]).map((v) => v.data[0]);
}

/** trainBatch on the addon's worker thread: the event loop runs during the step (interrupts, the live panel). */
async function trainBatchAsync(step: CompiledStep, model: tf.LayersModel, xb: Value, yb: Value, sampleWeight: Float32Array | null): Promise<number[]> {
  const [feeds, values, fetches] = trainFeeds(step, model, xb, yb, sampleWeight);
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
  return trainBatch(step, model, floatData(x), floatData(y), null);
}

/** Copies the compiled graph's weights back into the model (after compiledTrainOnBatch). */
export function syncCompiledWeights(model: tf.LayersModel): void {
  const step = steps.get(model);
  if (step) pullWeights(step);
}

/** Mean loss (and accuracy) of the graph's evaluation pass over x, y in batches, weighted by batch size. */
function evaluateCompiled(step: CompiledStep, x: tf.Tensor, y: tf.Tensor, batchSize: number): number[] {
  const n = x.shape[0];
  const fetches = step.evalMetric ? [step.evalLoss, step.evalMetric] : [step.evalLoss];
  const sums = fetches.map(() => 0);
  for (let start = 0; start < n; start += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const [xb, yb] = batchOf(x, y, rows);
    const out = step.addon.run(step.session, [step.x, step.y], [xb, yb], fetches, []);
    out.forEach((v, i) => (sums[i] += v.data[0] * rows.length));
  }
  return sums.map((s) => s / n);
}

/**
 * Trains `model` on x, y as `model.fit(x, y, args)` does, one graph call per batch; returns its History.
 * Falls back to `model.fit` (saying why, once) for whatever it cannot compile.
 */
export async function compiledFit(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[], y: tf.Tensor | tf.Tensor[], args: CompiledFitArgs = {}): Promise<tf.History> {
  const why = whyNotCompiled(model, x, y, args);
  if (why) {
    sayOnce(`compiledFit: ${why}; training with tf.js's model.fit.`);
    return model.fit(x, y, args);
  }
  const xs = x as tf.Tensor;
  const ys = y as tf.Tensor;
  const step = stepFor(model, args.seed);
  const batchSize = args.batchSize ?? 32;
  const epochs = args.epochs ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  const owned: tf.Tensor[] = [];
  let [xTrain, yTrain] = [xs, ys];
  let validation: [tf.Tensor, tf.Tensor] | null = args.validationData ? [args.validationData[0] as tf.Tensor, args.validationData[1] as tf.Tensor] : null;
  if (!validation && args.validationSplit && args.validationSplit > 0 && args.validationSplit < 1) {
    // tf.js takes the last fraction, unshuffled.
    const splitAt = Math.floor(xs.shape[0] * (1 - args.validationSplit));
    xTrain = xs.slice(0, splitAt);
    yTrain = ys.slice(0, splitAt);
    validation = [xs.slice(splitAt), ys.slice(splitAt)];
    owned.push(xTrain, yTrain, ...validation);
  }
  const n = xTrain.shape[0];
  const weights = args.classWeight ? classWeights(yTrain, args.classWeight as Record<string, number>) : null;
  const metricNames = step.trainMetric ? ["loss", "acc"] : ["loss"];
  const history = new tf.History();
  const stopper = new StopOnInterrupt();
  const callbacks = new tf.CallbackList([...toCallbacks(args.callbacks), stopper as tf.Callback, history as unknown as tf.Callback]);
  callbacks.setModel(model as tf.LayersModel);
  callbacks.setParams({
    epochs, initialEpoch, samples: n, batchSize, verbose: 0, doValidation: validation !== null,
    metrics: validation ? [...metricNames, ...metricNames.map((m) => `val_${m}`)] : metricNames,
  });
  model.stopTraining = false;
  const indexArray = Array.from({ length: n }, (_, i) => i);
  try {
    await callbacks.onTrainBegin();
    for (let epoch = initialEpoch; epoch < epochs; epoch++) {
      await callbacks.onEpochBegin(epoch);
      if (args.shuffle !== false) tf.util.shuffle(indexArray);
      const sums = metricNames.map(() => 0);
      let seen = 0;
      for (let b = 0, start = 0; start < n; b++, start += batchSize) {
        const rows = indexArray.slice(start, Math.min(n, start + batchSize));
        await callbacks.onBatchBegin(b, { batch: b, size: rows.length });
        const [xb, yb] = batchOf(xTrain, yTrain, rows);
        const sw = weights ? Float32Array.from(rows, (r) => weights[r]) : null;
        const out = await trainBatchAsync(step, model, xb, yb, sw);
        const logs: tf.Logs = { batch: b, size: rows.length };
        metricNames.forEach((m, i) => {
          logs[m] = out[i];
          sums[i] += out[i] * rows.length;
        });
        seen += rows.length;
        await callbacks.onBatchEnd(b, logs);
        if (model.stopTraining) break;
      }
      const epochLogs: tf.Logs = {};
      metricNames.forEach((m, i) => (epochLogs[m] = sums[i] / Math.max(seen, 1)));
      if (validation && seen === n) {
        evaluateCompiled(step, validation[0], validation[1], batchSize).forEach((v, i) => (epochLogs[`val_${metricNames[i]}`] = v));
      }
      pullWeights(step); // callbacks (checkpoints, early stopping, plots) read the weights here
      await callbacks.onEpochEnd(epoch, epochLogs);
      if (model.stopTraining) break;
    }
    // Before onTrainEnd: a callback may set the weights there (early stopping restoring the best ones).
    pullWeights(step);
    await callbacks.onTrainEnd();
  } catch (e) {
    pullWeights(step);
    throw e;
  } finally {
    tf.dispose(owned);
  }
  return history;
}

/**
 * `model.evaluate(x, y)` through the graph's evaluation pass (dropout off), batch by batch: the loss as
 * a scalar, or [loss, acc] when the model was compiled with accuracy. Falls back to `model.evaluate`.
 */
export function compiledEvaluate(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, args: { batchSize?: number } = {}): tf.Scalar | tf.Scalar[] {
  const why = whyNotCompiled(model, x, y);
  if (why) {
    sayOnce(`compiledEvaluate: ${why}; evaluating with tf.js's model.evaluate.`);
    return model.evaluate(x, y, args);
  }
  const values = evaluateCompiled(stepFor(model, undefined), x, y, args.batchSize ?? 32).map((v) => tf.scalar(v));
  return values.length === 1 ? values[0] : values;
}

/** `model.predict(x)` through the graph's evaluation pass, batch by batch. Falls back to `model.predict`. */
export function compiledPredict(model: tf.LayersModel, x: tf.Tensor, args: { batchSize?: number } = {}): tf.Tensor {
  const why = whyNotCompiled(model, x, x);
  if (why) {
    sayOnce(`compiledPredict: ${why}; predicting with tf.js's model.predict.`);
    return model.predict(x, args) as tf.Tensor;
  }
  const step = stepFor(model, undefined);
  const batchSize = args.batchSize ?? 32;
  const n = x.shape[0];
  const parts: Float32Array[] = [];
  let shape: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const rows = tf.tidy(() => x.slice(start, Math.min(batchSize, n - start)));
    const [out] = step.addon.run(step.session, [step.x], [floatData(rows)], [step.prediction], []);
    rows.dispose();
    parts.push(out.data as Float32Array);
    shape = out.shape;
  }
  const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0);
  return tf.tensor(all, [n, ...shape.slice(1)]);
}

