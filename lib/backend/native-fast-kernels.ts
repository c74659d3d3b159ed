/**
 * Faster replacements for tfjs-node kernels that the training step spends its time in (measured with
 * tf.profile on the course's models; see bench/profile-step.ts):
 *
 * - Step. tf.js differentiates every fused conv/dense + ReLU as dy * step(y). tfjs-node computes step
 *   with six full-size TensorFlow ops (isNaN, greater, ones, fill, two selects), about a quarter of the
 *   Rick CNN's step. For alpha = 0, step(x) = sign(relu(x)) is two ops with the same result, NaN included.
 *
 * Registered once for the 'tensorflow' backend; other backends keep their kernels.
 */
import * as tf from "@tensorflow/tfjs";

interface NodeBackend {
  executeSingleOutput(name: string, opAttrs: unknown[], inputs: tf.Tensor[]): tf.Tensor;
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
}

let registered = false;

/** Replaces the kernels above on the 'tensorflow' backend; returns their names (empty when done before). */
export function registerNativeFastKernels(): string[] {
  if (registered) return [];
  const original = tf.getKernel("Step", "tensorflow");
  if (original === undefined) throw new Error("registerNativeFastKernels: tfjs-node's kernels are not registered");
  tf.unregisterKernel("Step", "tensorflow");
  tf.registerKernel({
    kernelName: "Step",
    backendName: "tensorflow",
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.Tensor };
      const alpha = (args.attrs as { alpha?: number } | undefined)?.alpha ?? 0;
      if (alpha !== 0 || x.dtype !== "float32") return original.kernelFunc(args);
      const backend = args.backend as unknown as NodeBackend;
      const attrs = [{ name: "T", type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT }];
      return tf.tidy(() => backend.executeSingleOutput("Sign", attrs, [backend.executeSingleOutput("Relu", attrs, [x])]));
    },
  });
  registered = true;
  return ["Step"];
}
