/**
 * `fitVariational`: the training loop of the course's "variational" classifier (chapter 8), whose loss
 * is categorical cross-entropy + the KL term of two inner layers (lib/models/variational.ts), which
 * `model.fit` cannot express. Adam by default, seeded shuffling, mini-batches.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random/rng";
import { variationalLoss } from "../models/variational";
import { CompiledTrainer, compiledVariationalTrainer, sayOnce } from "./compiled-fit";

export interface FitVariationalArgs {
  /** Names of the layers giving z_mean and z_log_var in `model`. */
  zMean: string;
  zLogVar: string;
  epochs: number;
  batchSize: number;
  /** Default tf.train.adam() (learning rate 0.001, as Keras's "adam"). */
  optimizer?: tf.Optimizer;
  /** Seed of the shuffling of each epoch (default 1). */
  seed?: number;
  validationData?: [tf.Tensor, tf.Tensor];
  /** Called after each epoch with that epoch's mean loss, cross-entropy, KL, accuracy (and val_ ones). */
  onEpochEnd?: (epoch: number, logs: Record<string, number>) => void | Promise<void>;
}

export interface VariationalHistory {
  epoch: number[];
  history: Record<string, number[]>;
}

/**
 * Trains `model` (one input, its output the class probabilities) with loss = cross-entropy + KL of
 * the named z_mean / z_log_var layers. On the native backend each step is one compiled TensorFlow
 * graph (lib/training/compiled-fit.ts); elsewhere, or with compiled training switched off, it takes
 * the gradients with `tf.variableGrads` and applies them with `optimizer.applyGradients`. The returned history has loss, ce, kl, acc per epoch (mean
 * over batches, weighted by batch size), and val_loss, val_acc when validationData is given.
 */
export async function fitVariational(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, args: FitVariationalArgs): Promise<VariationalHistory> {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error("fitVariational: the model needs one input and one output (the probabilities)");
  const layer = (name: string, what: string) => {
    const l = model.layers.find((k) => k.name === name);
    if (l === undefined) throw new Error(`fitVariational: no layer named "${name}" for ${what}; the layers are ${model.layers.map((k) => k.name).join(", ")}`);
    return l;
  };
  const zMeanLayer = layer(args.zMean, "z_mean");
  const zLogVarLayer = layer(args.zLogVar, "z_log_var");
  if (!Number.isInteger(args.epochs) || args.epochs < 1) throw new Error(`fitVariational: epochs must be a whole number >= 1, got ${args.epochs}`);
  if (!Number.isInteger(args.batchSize) || args.batchSize < 1) throw new Error(`fitVariational: batchSize must be a whole number >= 1, got ${args.batchSize}`);
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new Error(`fitVariational: ${n} inputs but ${y.shape[0]} targets`);
  const outShape = model.outputs[0].shape;
  if (y.rank !== 2 || y.shape[1] !== outShape[outShape.length - 1]) {
    throw new Error(`fitVariational: targets must be one-hot [n, ${outShape[outShape.length - 1]}], got [${y.shape}]`);
  }
  const zMean = zMeanLayer.output as tf.SymbolicTensor;
  const zLogVar = zLogVarLayer.output as tf.SymbolicTensor;
  const optimizer = args.optimizer ?? tf.train.adam();
  const rng = new Rng(args.seed ?? 1);
  // The graph's random ops (the sampled codes) take their seed from Math.random, which setSeed seeds.
  const compiled = compiledVariationalTrainer(model, optimizer, zMean, zLogVar, 1 + Math.floor(Math.random() * 2 ** 30));
  if (typeof compiled === "string") sayOnce(`fitVariational: ${compiled}; training op by op.`, compiled);
  const trainer = typeof compiled === "string" ? eagerTrainer(model, optimizer, zMean, zLogVar) : compiled;
  const history: Record<string, number[]> = { loss: [], ce: [], kl: [], acc: [] };
  if (args.validationData) Object.assign(history, { val_loss: [], val_acc: [] });
  const epochs: number[] = [];
  try {
    for (let epoch = 0; epoch < args.epochs; epoch++) {
      const order = rng.sample(n);
      const sums = { loss: 0, ce: 0, kl: 0, acc: 0 };
      for (let from = 0; from < n; from += args.batchSize) {
        const idx = order.slice(from, from + args.batchSize);
        const [xb, yb] = tf.tidy(() => {
          const ids = tf.tensor1d(idx, "int32");
          return [tf.gather(x, ids), tf.gather(y, ids)];
        });
        const [l, c, k, a] = await trainer.train([xb], yb);
        tf.dispose([xb, yb]);
        const w = idx.length / n;
        sums.loss += l * w;
        sums.ce += c * w;
        sums.kl += k * w;
        sums.acc += a * w;
      }
      const logs: Record<string, number> = { ...sums };
      if (args.validationData) {
        const [vx, vy] = args.validationData;
        [logs.val_loss, logs.val_acc] = trainer.evaluate([vx], vy, 500);
      }
      for (const [key, value] of Object.entries(logs)) history[key].push(value);
      epochs.push(epoch);
      trainer.syncWeights(); // onEpochEnd may read the model
      if (args.onEpochEnd) await args.onEpochEnd(epoch, logs);
    }
  } finally {
    trainer.close();
  }
  return { epoch: epochs, history };
}

function accuracyOf(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.equal(yTrue.argMax(-1), yPred.argMax(-1)).toFloat().mean() as tf.Scalar);
}

/** The op-by-op trainer: gradients with tf.variableGrads, applied by the tf.js optimizer. */
function eagerTrainer(model: tf.LayersModel, optimizer: tf.Optimizer, zMean: tf.SymbolicTensor, zLogVar: tf.SymbolicTensor): CompiledTrainer {
  // One graph, three outputs, the same layers: what the loss needs to see.
  const parts = tf.model({ inputs: model.inputs, outputs: [model.outputs[0], zMean, zLogVar] });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    async train([xb], yb) {
      const four = tf.tidy(() => {
        let ce: tf.Scalar | null = null;
        let kl: tf.Scalar | null = null;
        let acc: tf.Scalar | null = null;
        const { value, grads } = tf.variableGrads(() => {
          const [p, m, lv] = parts.apply(xb, { training: true }) as tf.Tensor[];
          const l = variationalLoss(yb, p, m, lv);
          ce = tf.keep(l.ce);
          kl = tf.keep(l.kl);
          acc = tf.keep(accuracyOf(yb, p));
          return l.loss;
        }, vars);
        optimizer.applyGradients(grads);
        return [value, ce!, kl!, acc!] as tf.Scalar[];
      });
      const values = await Promise.all(four.map((t) => t.data()));
      tf.dispose(four);
      return values.map((v) => v[0]);
    },
    evaluate([vx], vy, batchSize) {
      const v = tf.tidy(() => {
        const [p, m, lv] = parts.predict(vx, { batchSize }) as tf.Tensor[];
        return [variationalLoss(vy, p, m, lv).loss, accuracyOf(vy, p)];
      });
      const out = v.map((t) => t.dataSync()[0]);
      tf.dispose(v);
      return out;
    },
    syncWeights() {},
    close() {},
  };
}
