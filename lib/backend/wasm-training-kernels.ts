/**
 * Teaches the wasm backend to train the course's models.
 *
 * Out of the box (tfjs-backend-wasm 4.22) a training step fails on wasm as soon as a model has a
 * convolution ("Kernel 'Conv2DBackpropFilter' not registered") or an Embedding layer
 * ('UnsortedSegmentSum'). This module adds those kernels, composed from wasm's own fast kernels, and
 * swaps wasm's slow Conv2DBackpropInput for a Conv2D-based one where it can.
 */
import * as tf from "@tensorflow/tfjs";
import { wasmConv2DBackpropFilter } from "./wasm-conv2d-backprop-filter";
import { makeWasmConv2DBackpropInput } from "./wasm-conv2d-backprop-input";
import { wasmUnsortedSegmentSum } from "./wasm-unsorted-segment-sum";

/** Kernel functions this module registered, to recognise them on a second call. */
const ours = new Set<tf.KernelFunc>();
let registered: string[] | null = null;

/**
 * Loads the wasm backend package. Deliberately lazy: once it is loaded, wasm is the highest-priority
 * backend, and tf ops throw until someone awaits tf.setBackend / tf.ready. Only code that is about
 * to select a backend should pay that.
 */
export function loadWasmBackendPackage(): void {
  require("@tensorflow/tfjs-backend-wasm");
}

function register(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, "wasm") != null) tf.unregisterKernel(config.kernelName, "wasm");
  tf.registerKernel(config);
  ours.add(config.kernelFunc);
}

/**
 * Registers, on the 'wasm' backend, the kernels it lacks for training (Conv2DBackpropFilter,
 * UnsortedSegmentSum) and a faster Conv2DBackpropInput. Idempotent: later calls change nothing and
 * return the same list. Returns the names of the kernels it added or replaced.
 */
export function registerWasmTrainingKernels(): string[] {
  if (registered != null) return [...registered];
  loadWasmBackendPackage();
  const names: string[] = [];
  // A kernel wasm already has (a newer wasm release, say) is left alone.
  for (const config of [wasmConv2DBackpropFilter, wasmUnsortedSegmentSum]) {
    if (tf.getKernel(config.kernelName, "wasm") == null) {
      register(config);
      names.push(config.kernelName);
    }
  }
  const original = tf.getKernel(tf.Conv2DBackpropInput, "wasm");
  if (original == null) {
    throw new Error("registerWasmTrainingKernels: the wasm backend has no Conv2DBackpropInput kernel to speed up");
  }
  if (!ours.has(original.kernelFunc)) {
    register(makeWasmConv2DBackpropInput(original));
    names.push(tf.Conv2DBackpropInput);
  }
  registered = names;
  return [...names];
}
