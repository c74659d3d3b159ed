/**
 * The course's network architectures, each defined once. The chapters build theirs layer by layer in
 * their cells (that is the lesson); scripts, the benchmark, the Keras peer and the tests use these, and
 * test/models/notebook-architectures.test.ts checks that each chapter's model matches its definition
 * here layer for layer (type, output shape, parameters).
 *
 * Every builder returns a fresh, uncompiled model: the caller picks loss, optimiser and metrics.
 */
import * as tf from "@tensorflow/tfjs";

const relu = "relu" as const;

/** What one architecture is, for the tools that need more than the layers. */
export interface CourseArchitecture {
  /** Short id (bench command line, Keras peer, tests). */
  id: string;
  /** Human label. */
  label: string;
  /** The notebook(s) that build it layer by layer, and the summary they print. */
  notebooks: string[];
  /** Shape of one example. */
  inputShape: number[];
  /** A fresh, uncompiled model. */
  build(): tf.Sequential;
}

/** Chapter 1: y = sqrt(x) with two hidden layers. 12,441 parameters. */
export function regressionDense(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [1], units: 100, activation: relu }));
  m.add(tf.layers.dense({ units: 120, activation: relu }));
  m.add(tf.layers.dense({ units: 1, activation: "linear" }));
  return m;
}

/** Chapter 2: a dense network on raw 90x160x3 pixels. 4,332,341 parameters. */
export function rickDense(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape: [90, 160, 3] }));
  m.add(tf.layers.dense({ units: 100, activation: relu }));
  m.add(tf.layers.dense({ units: 120, activation: relu }));
  m.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
  return m;
}

export interface RickCnnArgs {
  /** Output units: 1 (Rick or not, chapter 2), 2 (multi-label Rick / Morty), 3 (categorical). Default 1. */
  outputs?: number;
  /** Output activation: sigmoid for 1 or 2 independent outputs, softmax for categorical. Default sigmoid. */
  activation?: "sigmoid" | "softmax";
}

/** Chapters 2 and 3: three 5x5 conv + 2x2 max-pool stages, dense 100, dropout 0.3. 760,605 parameters with 1 output. */
export function rickCnn(args: RickCnnArgs = {}): tf.Sequential {
  const outputs = args.outputs ?? 1;
  const activation = args.activation ?? "sigmoid";
  if (!Number.isInteger(outputs) || outputs < 1) throw new Error(`rickCnn: outputs must be a positive integer, got ${outputs}`);
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [90, 160, 3], filters: 20, kernelSize: 5, activation: relu }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 20, kernelSize: 5, activation: relu }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 5, activation: relu }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 100, activation: relu }));
  m.add(tf.layers.dropout({ rate: 0.3 }));
  m.add(tf.layers.dense({ units: outputs, activation }));
  return m;
}

/**
 * Chapter 7: the convolutional autoencoder. Three 5x5 'valid' convolutions shrink the frame, three 5x5
 * transposed convolutions grow it back, a 'same' convolution maps to 3 channels. 189,611 parameters.
 */
export function convAutoencoder(inputShape: number[] = [90, 160, 3]): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape, filters: 20, kernelSize: 5, activation: relu }));
  m.add(tf.layers.conv2d({ filters: 20, kernelSize: 5, activation: relu }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 5, activation: relu }));
  m.add(tf.layers.conv2dTranspose({ filters: 64, kernelSize: 5, activation: relu }));
  m.add(tf.layers.conv2dTranspose({ filters: 20, kernelSize: 5, activation: relu }));
  m.add(tf.layers.conv2dTranspose({ filters: 20, kernelSize: 5, activation: relu }));
  m.add(tf.layers.conv2d({ filters: 3, kernelSize: 5, padding: "same", activation: "sigmoid" }));
  return m;
}

/** Chapter 5: the 1D CNN on one-hot DNA (200 bp x 4), 3 classes. 308,087 parameters. */
export function dnaCnn(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv1d({ inputShape: [200, 4], filters: 20, kernelSize: 5, activation: relu }));
  m.add(tf.layers.maxPooling1d({ poolSize: 2 }));
  m.add(tf.layers.conv1d({ filters: 64, kernelSize: 5, activation: relu }));
  m.add(tf.layers.maxPooling1d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 100 }));
  m.add(tf.layers.dropout({ rate: 0.3 }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax" }));
  return m;
}

/** Chapter 8: the CIFAR CNN for deer, frogs and trucks; the second conv layer is named Conv_last. 331,331 parameters. */
export function cifarCnn(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 3, activation: relu }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: relu, name: "Conv_last" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 128, activation: relu }));
  m.add(tf.layers.dropout({ rate: 0.2 }));
  m.add(tf.layers.dense({ units: 128, activation: relu }));
  m.add(tf.layers.dropout({ rate: 0.2 }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax" }));
  return m;
}

/** Chapter 10: one hidden layer of 128 on flattened digits, activations as separate layers as the course writes them. 101,770 parameters. */
export function mnistDense(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [784], units: 128 }));
  m.add(tf.layers.activation({ activation: relu }));
  m.add(tf.layers.dense({ units: 10 }));
  m.add(tf.layers.activation({ activation: "softmax" }));
  return m;
}

/** Chapter 9: the MNIST convnet (32, 64, 64 filters of 3x3). 93,322 parameters. */
export function mnistConvnet(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: relu }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: relu }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: relu }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 64, activation: relu }));
  m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return m;
}

/** One line per layer: type, output shape and parameter count (names left out: they carry counters). */
export function architectureSignature(model: tf.LayersModel): string[] {
  return model.layers.map((l) => {
    const shape = JSON.stringify(l.outputShape).replace(/null/g, "None");
    return `${l.getClassName()} ${shape} ${l.countParams()}`;
  });
}
