/**
 * A faster Conv2DBackpropInput (the input gradient of a 2-D convolution, and the forward pass of a
 * transposed convolution) for the wasm backend. Wasm has one, but it is a plain loop about ten times
 * slower than its XNNPACK Conv2D.
 *
 * For stride 1 the input gradient is itself a convolution:
 *   dx[b,h,w,c] = sum over p,q,o of dy[b, h+top-p, w+left-q, o] * W[p,q,c,o]
 * i.e. dy padded by (filter size - 1 - forward padding), convolved with W flipped in both spatial axes
 * and with its in/out channels swapped. Other strides (and NCHW) go to wasm's own kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { composeWasmKernels, kernelInput, KernelArgs } from "./wasm-kernel-runner";

type Shape4 = [number, number, number, number];

/**
 * Builds the kernel config. `original` is wasm's own Conv2DBackpropInput (taken with tf.getKernel
 * before this one replaces it); it still serves the cases the fast path does not cover.
 */
export function makeWasmConv2DBackpropInput(original: tf.KernelConfig): tf.KernelConfig {
  const fallback = (args: KernelArgs): tf.TensorInfo =>
    original.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;

  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const dy = kernelInput(args.inputs, "dy", "Conv2DBackpropInput");
    const filter = kernelInput(args.inputs, "filter", "Conv2DBackpropInput");
    const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropInputAttrs;
    const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? "NHWC");
    if (dataFormat !== "channelsLast" || dy.shape.length !== 4 || filter.shape.length !== 4) {
      return fallback(args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape, filter.shape as Shape4, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false,
      dataFormat,
    );
    if (info.strideHeight !== 1 || info.strideWidth !== 1) return fallback(args);
    // Padding of dy so that the stride-1 convolution lands exactly on the input's height and width.
    const top = info.filterHeight - 1 - info.padInfo.top;
    const left = info.filterWidth - 1 - info.padInfo.left;
    const bottom = info.inHeight + info.filterHeight - 1 - info.outHeight - top;
    const right = info.inWidth + info.filterWidth - 1 - info.outWidth - left;
    // An explicit padding wider than the filter would need cropping instead: rare, leave it to wasm.
    if (Math.min(top, left, bottom, right) < 0) return fallback(args);

    return composeWasmKernels(args.backend, (run) => {
      const flipped = run("Reverse", { x: filter }, { dims: [0, 1] });
      const swapped = run("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
      return run("Conv2D", { x: dy, filter: swapped }, {
        strides: [1, 1],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dataFormat: "NHWC",
        dilations: [1, 1],
      } as unknown as tf.NamedAttrMap);
    });
  };

  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName: "wasm",
    // The original's setup binds its wasm function; it must still run for the fallback to work.
    setupFunc: original.setupFunc,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  };
}
