/**
 * The pieces a "variational" classifier needs in tf.js, where Keras would use a Lambda layer and a
 * loss that reaches into the graph (tf.js has neither `layer_lambda` for this nor `add_loss`):
 *
 *  - `GaussianSampling`, a layer that takes [z_mean, z_log_var] and returns
 *    z = z_mean + exp(z_log_var / 2) · ε with ε ~ N(0, epsilonStd²) (the reparameterisation trick, so
 *    gradients flow through z_mean and z_log_var). Like the course's Lambda it samples every time it
 *    runs, at prediction too, so repeated predictions of one image differ;
 *  - `klTerm`, the course's KL term per example:  −½ · mean_j (1 + log σ²_j − μ_j² − σ²_j);
 *  - `fitVariational`, a training loop (Adam by default, seeded shuffling, mini-batches) whose loss is
 *    categorical cross-entropy + the KL term, as the course's `vnn_loss`; each step takes the
 *    gradients with `tf.variableGrads` and applies them with `optimizer.applyGradients`.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../random/rng";

export interface GaussianSamplingArgs {
  /** Standard deviation of ε (the course's epsilon_std, default 1). */
  epsilonStd?: number;
  /** Seed of the first draw; each later call uses the next seed. Default: drawn from Math.random (seeded by setSeed). */
  seed?: number;
  name?: string;
}

export class GaussianSampling extends tf.layers.Layer {
  static className = "GaussianSampling";
  readonly epsilonStd: number;
  private seed: number | undefined;
  private draws = 0;

  constructor(args: GaussianSamplingArgs = {}) {
    super({ name: args.name });
    this.epsilonStd = args.epsilonStd ?? 1;
    if (!(this.epsilonStd > 0)) throw new Error(`GaussianSampling: epsilonStd must be > 0, got ${this.epsilonStd}`);
    if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new Error(`GaussianSampling: seed must be a whole number, got ${args.seed}`);
    this.seed = args.seed;
  }

  /** Start the draws again from `seed` (same ε as after construction with that seed). */
  reseed(seed: number): void {
    this.seed = seed;
    this.draws = 0;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    if (!Array.isArray(inputShape[0]) || (inputShape as tf.Shape[]).length !== 2) {
      throw new Error("GaussianSampling: call it on two tensors, [z_mean, z_log_var]");
    }
    const [a, b] = inputShape as tf.Shape[];
    if (a.length !== b.length || a.some((d, i) => d !== null && b[i] !== null && d !== b[i])) {
      throw new Error(`GaussianSampling: z_mean [${a}] and z_log_var [${b}] must have the same shape`);
    }
    return a;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error("GaussianSampling: call it on two tensors, [z_mean, z_log_var]");
      const [zMean, zLogVar] = inputs;
      const seed = this.seed === undefined ? undefined : this.seed + this.draws;
      this.draws++;
      const eps = tf.randomNormal(zMean.shape, 0, this.epsilonStd, "float32", seed);
      return zMean.add(zLogVar.div(2).exp().mul(eps));
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), epsilonStd: this.epsilonStd };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(GaussianSampling);

/** The course's KL term, one value per example: −½ · mean over the latent units of (1 + lv − μ² − exp(lv)). */
export function klTerm(zMean: tf.Tensor, zLogVar: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    if (zMean.rank !== 2 || !tf.util.arraysEqual(zMean.shape, zLogVar.shape)) {
      throw new Error(`klTerm: z_mean and z_log_var must both be [batch, latent], got [${zMean.shape}] and [${zLogVar.shape}]`);
    }
    return tf.scalar(1).add(zLogVar).sub(zMean.square()).sub(zLogVar.exp()).mean(-1).mul(-0.5) as tf.Tensor1D;
  });
}

/** Keras's categorical cross-entropy per example (probabilities clipped to [1e-7, 1 − 1e-7]). */
export function categoricalCrossentropyPerExample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => yTrue.mul(yPred.clipByValue(1e-7, 1 - 1e-7).log()).sum(-1).neg() as tf.Tensor1D);
}

/** The course's vnn_loss averaged over a batch: cross-entropy + KL, and the two parts. */
export function variationalLoss(yTrue: tf.Tensor, yPred: tf.Tensor, zMean: tf.Tensor, zLogVar: tf.Tensor): { loss: tf.Scalar; ce: tf.Scalar; kl: tf.Scalar } {
  return tf.tidy(() => {
    const ce = categoricalCrossentropyPerExample(yTrue, yPred).mean() as tf.Scalar;
    const kl = klTerm(zMean, zLogVar).mean() as tf.Scalar;
    return { loss: ce.add(kl) as tf.Scalar, ce, kl };
  });
}

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

function accuracyOf(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.equal(yTrue.argMax(-1), yPred.argMax(-1)).toFloat().mean() as tf.Scalar);
}

/**
 * Trains `model` (one input, its output the class probabilities) with loss = cross-entropy + KL of
 * the named z_mean / z_log_var layers. The returned history has loss, ce, kl, acc per epoch (mean
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
  // One graph, three outputs, the same layers: what the loss needs to see.
  const parts = tf.model({ inputs: model.inputs, outputs: [model.outputs[0], zMeanLayer.output as tf.SymbolicTensor, zLogVarLayer.output as tf.SymbolicTensor] });
  const optimizer = args.optimizer ?? tf.train.adam();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = new Rng(args.seed ?? 1);
  const history: Record<string, number[]> = { loss: [], ce: [], kl: [], acc: [] };
  if (args.validationData) Object.assign(history, { val_loss: [], val_acc: [] });
  const epochs: number[] = [];
  for (let epoch = 0; epoch < args.epochs; epoch++) {
    const order = rng.sample(n);
    const sums = { loss: 0, ce: 0, kl: 0, acc: 0 };
    for (let from = 0; from < n; from += args.batchSize) {
      const idx = order.slice(from, from + args.batchSize);
      const parts4 = tf.tidy(() => {
        const ids = tf.tensor1d(idx, "int32");
        const xb = tf.gather(x, ids);
        const yb = tf.gather(y, ids);
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
      const [l, c, k, a] = await Promise.all(parts4.map((t) => t.data()));
      tf.dispose(parts4);
      const w = idx.length / n;
      sums.loss += l[0] * w;
      sums.ce += c[0] * w;
      sums.kl += k[0] * w;
      sums.acc += a[0] * w;
    }
    const logs: Record<string, number> = { ...sums };
    if (args.validationData) {
      const [vx, vy] = args.validationData;
      const v = tf.tidy(() => {
        const [p, m, lv] = parts.predict(vx, { batchSize: 500 }) as tf.Tensor[];
        return [variationalLoss(vy, p, m, lv).loss, accuracyOf(vy, p)];
      });
      logs.val_loss = (await v[0].data())[0];
      logs.val_acc = (await v[1].data())[0];
      tf.dispose(v);
    }
    for (const [key, value] of Object.entries(logs)) history[key].push(value);
    epochs.push(epoch);
    if (args.onEpochEnd) await args.onEpochEnd(epoch, logs);
  }
  return { epoch: epochs, history };
}
