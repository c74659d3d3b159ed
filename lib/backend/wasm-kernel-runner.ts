/**
 * A small helper for writing a wasm kernel out of other wasm kernels.
 *
 * Inside a kernel we must not call `tf.*` ops: they would create `Tensor` objects the engine tracks,
 * and a kernel has to hand back a bare `TensorInfo`. So we call the registered wasm kernel functions
 * directly on `TensorInfo`s, remember every result we made, and free all of them except the answer.
 */
import * as tf from "@tensorflow/tfjs";

/** Runs one registered wasm kernel and returns its (single) output. */
/** What tf.js hands a kernel function. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

export type RunKernel = (
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs?: tf.NamedAttrMap,
) => tf.TensorInfo;

/**
 * Calls `body` with a `run` function for wasm kernels; every tensor `run` makes is freed afterwards,
 * except the one `body` returns (which must be made by `run`, never one of the kernel's inputs).
 */
export function composeWasmKernels(
  backend: tf.KernelBackend,
  body: (run: RunKernel) => tf.TensorInfo,
): tf.TensorInfo {
  const made: tf.TensorInfo[] = [];
  const run: RunKernel = (kernelName, inputs, attrs = {}) => {
    const kernel = tf.getKernel(kernelName, "wasm");
    if (kernel == null) {
      throw new Error(`wasm training kernels: the wasm backend has no '${kernelName}' kernel to build on`);
    }
    const out = kernel.kernelFunc({ inputs, attrs, backend });
    if (Array.isArray(out)) {
      out.forEach((t) => made.push(t));
      throw new Error(`wasm training kernels: '${kernelName}' returned ${out.length} outputs, expected one`);
    }
    made.push(out);
    return out;
  };
  let result: tf.TensorInfo | undefined;
  try {
    result = body(run);
    if (!made.includes(result)) {
      throw new Error("wasm training kernels: a composed kernel must return a tensor it made itself");
    }
    return result;
  } finally {
    // Reshape shares its input's data (it bumps a reference count), so freeing one reference per
    // result is right even when the answer is a reshaped intermediate.
    for (const t of made) {
      if (t !== result) backend.disposeData(t.dataId);
    }
  }
}

/** One named input of a kernel call, or a clear error when it is missing. */
export function kernelInput(inputs: tf.NamedTensorInfoMap, name: string, kernelName: string): tf.TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`${kernelName} (wasm): missing input '${name}'`);
  return t;
}
