/**
 * The gradient of ReLU as one native TensorFlow op on the 'tensorflow' backend.
 *
 * tf.js differentiates ReLU as dy * cast(step(x)): three tensors the size of the layer's output, all alive
 * at once (for the first convolution of chapter 2's CNN on 100 frames, 3 × 107 MB). TensorFlow's own
 * `ReluGrad(dy, x)` gives the same values (dy where x > 0, else 0) in one output. The only difference is
 * the sign of a zero (dy * 0 is -0 for a negative dy), which no sum, product or optimizer step can
 * tell apart from +0, so training gives identical numbers (tested against the original gradient).
 * It also keeps ReLU's *output* for the backward pass instead of its input (y > 0 exactly where x > 0):
 * a layer's output is kept anyway, as the next layer's input, while the input to ReLU (the convolution
 * plus bias) would otherwise be held for nothing until the step ends. On other backends the gradient
 * is tf.js's formula, dy * step(y), which is the same as dy * step(x).
 */
import * as tf from "@tensorflow/tfjs";

const KERNEL = "CourseReluGrad";

interface NodeBackend {
  executeSingleOutput(name: string, opAttrs: unknown[], inputs: tf.Tensor[]): tf.Tensor;
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
}

let original: tf.GradConfig | undefined;

/** Replaces ReLU's gradient (see the module comment); returns false when already done. */
export function registerNativeReluGrad(): boolean {
  if (original !== undefined) return false;
  const tfjs = tf.getGradient("Relu");
  if (tfjs === undefined) return false;
  if (tf.getKernel(KERNEL, "tensorflow") === undefined) {
    tf.registerKernel({
      kernelName: KERNEL,
      backendName: "tensorflow",
      kernelFunc: (args) => {
        const { dy, x } = args.inputs as { dy: tf.Tensor; x: tf.Tensor };
        const backend = args.backend as unknown as NodeBackend;
        const attrs = [{ name: "T", type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT }];
        return backend.executeSingleOutput("ReluGrad", attrs, [dy, x]) as unknown as tf.TensorInfo;
      },
    });
  }
  original = tfjs;
  tf.registerGradient({
    kernelName: "Relu",
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved;
      const single = Array.isArray(dy) ? dy[0] : dy;
      if (tf.getBackend() !== "tensorflow" || single.dtype !== "float32" || y.dtype !== "float32") {
        return { x: () => tf.mul(single, tf.cast(tf.step(y), "float32")) };
      }
      return { x: () => tf.engine().runKernel(KERNEL, { dy: single, x: y }) as tf.Tensor };
    },
  });
  return true;
}

/** Puts tf.js's own ReLU gradient back (for comparisons). */
export function unregisterNativeReluGrad(): void {
  if (original === undefined) return;
  tf.registerGradient(original);
  original = undefined;
}
