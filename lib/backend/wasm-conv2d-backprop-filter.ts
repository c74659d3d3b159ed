/**
 * Conv2DBackpropFilter (the weight gradient of a 2-D convolution) for the wasm backend, which ships
 * without one, built from wasm's own fast Conv2D.
 *
 * The forward pass computes y[b,i,j,o] = sum over p,q,c of xp[b, i*s+p, j*s+q, c] * W[p,q,c,o], where
 * xp is x with its padding. So the gradient is
 *   dW[p,q,c,o] = sum over b,i,j of xp[b, i*s+p, j*s+q, c] * dy[b,i,j,o].
 * Read c as a batch, b as an input channel and dy as a (big) filter of size outHeight x outWidth:
 * that is an ordinary convolution of xp with dy whose taps are s apart, i.e. dilation = stride.
 *   x  [b,H,W,c]   -> transpose -> [c,H,W,b]
 *   dy [b,oh,ow,o] -> transpose -> [oh,ow,b,o]
 *   conv2d(stride 1, dilation s, the forward padding) -> [c,fh,fw,o] -> transpose -> [fh,fw,c,o]
 */
import * as tf from "@tensorflow/tfjs";
import { composeWasmKernels, kernelInput, KernelArgs } from "./wasm-kernel-runner";

type Shape4 = [number, number, number, number];

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const x = kernelInput(args.inputs, "x", "Conv2DBackpropFilter");
  const dy = kernelInput(args.inputs, "dy", "Conv2DBackpropFilter");
  const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropFilterAttrs & { dilations?: number | number[] };
  const dilations = attrs.dilations ?? 1;
  if ((Array.isArray(dilations) ? dilations : [dilations]).some((d) => d !== 1)) {
    throw new Error(
      `Conv2DBackpropFilter (wasm): dilations other than 1 are not supported, got ${JSON.stringify(dilations)}`,
    );
  }
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? "NHWC");
  if (dataFormat !== "channelsLast") {
    throw new Error("Conv2DBackpropFilter (wasm): only the NHWC (channels last) data format is supported");
  }
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(`Conv2DBackpropFilter (wasm): x and dy must be rank 4, got [${x.shape}] and [${dy.shape}]`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, dataFormat,
  );
  if (dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth || dy.shape[3] !== info.outChannels) {
    throw new Error(
      `Conv2DBackpropFilter (wasm): dy has shape [${dy.shape}], expected [${info.batchSize},${info.outHeight},` +
        `${info.outWidth},${info.outChannels}]`,
    );
  }
  const { top, left } = info.padInfo;
  // Rows/columns of the padded input the forward pass actually read: pad the far side only up to there;
  // rows past it (the remainder of a strided 'valid' conv) are cut off by the slice below.
  const usedHeight = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
  const usedWidth = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
  const bottom = Math.max(0, usedHeight - top - info.inHeight);
  const right = Math.max(0, usedWidth - left - info.inWidth);

  return composeWasmKernels(args.backend, (run) => {
    const xT = run("Transpose", { x }, { perm: [3, 1, 2, 0] });
    const dyT = run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
    let dW = run("Conv2D", { x: xT, filter: dyT }, {
      strides: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: "NHWC",
      dilations: [info.strideHeight, info.strideWidth],
    } as unknown as tf.NamedAttrMap);
    if (dW.shape[1] !== info.filterHeight || dW.shape[2] !== info.filterWidth) {
      dW = run("Slice", { x: dW }, {
        begin: [0, 0, 0, 0],
        size: [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels],
      });
    }
    return run("Transpose", { x: dW }, { perm: [1, 2, 0, 3] });
  });
}

export const wasmConv2DBackpropFilter: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
