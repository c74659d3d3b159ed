/**
 * The pieces a "variational" classifier needs in tf.js, where Keras would use a Lambda layer and a
 * loss that reaches into the graph (tf.js has neither `layer_lambda` for this nor `add_loss`):
 *
 *  - `GaussianSampling`, a layer that takes [z_mean, z_log_var] and returns
 *    z = z_mean + exp(z_log_var / 2) · ε with ε ~ N(0, epsilonStd²) (the reparameterisation trick, so
 *    gradients flow through z_mean and z_log_var). Like the course's Lambda it samples every time it
 *    runs, at prediction too, so repeated predictions of one image differ;
 *  - `klTerm`, the course's KL term per example:  −½ · mean_j (1 + log σ²_j − μ_j² − σ²_j);
 *  - `variationalLoss`, the course's `vnn_loss`: categorical cross-entropy + the KL term.
 *
 * The training loop that uses them is lib/training/fit-variational.ts.
 */
import * as tf from "@tensorflow/tfjs";

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
