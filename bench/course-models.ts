/**
 * The course's models, as far as the training backends care: architecture (from the one definition in
 * lib/models/course-architectures.ts), loss, optimiser, batch and input shape. Used by the training-step
 * benchmark (tf.js backends and, through bench/keras_peer.py, Keras) and by the test that checks every
 * one of them can train on wasm.
 * Inputs and labels are random (seeded): only the arithmetic matters here, not what is learnt.
 */
import * as tf from "@tensorflow/tfjs";
import * as arch from "../lib/models/course-architectures";

export type Target = "regression" | "binary" | "onehot" | "input";

/** How the course trains one model: enough to rebuild the same step in tf.js or in Keras. */
export interface CourseModelSpec {
  /** Short id used on the bench command line. */
  id: string;
  /** What the table prints. */
  label: string;
  /** Shape of one example. */
  inputShape: number[];
  /** Batch size the course trains with. */
  batch: number;
  /** True when one training step on the pure-JS cpu backend takes about ten seconds or more (convolutions). */
  slowOnCpu: boolean;
  architecture: () => tf.Sequential;
  loss: "meanSquaredError" | "binaryCrossentropy" | "categoricalCrossentropy";
  optimizer: "adam" | "sgd";
  target: Target;
  /** Number of classes for one-hot targets. */
  classes?: number;
}

export interface CourseModel extends CourseModelSpec {
  /** A fresh, compiled model. */
  build(): tf.LayersModel;
  /** A seeded random batch of inputs and matching targets. */
  makeBatch(batch: number, seed: number): { xs: tf.Tensor; ys: tf.Tensor };
}

const relu = "relu" as const;

/** Uniform inputs and labels of the right kind for the loss. */
function batchOf(inputShape: number[], target: Target, classes = 1) {
  return (batch: number, seed: number): { xs: tf.Tensor; ys: tf.Tensor } =>
    tf.tidy(() => {
      const xs = tf.randomUniform([batch, ...inputShape], 0, 1, "float32", seed);
      let ys: tf.Tensor;
      if (target === "regression") ys = tf.sqrt(tf.mul(xs.reshape([batch, -1]).slice([0, 0], [batch, 1]), 100));
      else if (target === "binary") ys = tf.randomUniform([batch, 1], 0, 1, "float32", seed + 1).round();
      else if (target === "onehot") {
        const labels = tf.randomUniform([batch], 0, classes, "float32", seed + 1).floor().cast("int32");
        ys = tf.oneHot(labels as tf.Tensor1D, classes).cast("float32");
      } else ys = xs.clone();
      return { xs, ys };
    });
}

function courseModel(spec: CourseModelSpec): CourseModel {
  return {
    ...spec,
    build: () => {
      const m = spec.architecture();
      m.compile({ loss: spec.loss, optimizer: spec.optimizer });
      return m;
    },
    makeBatch: batchOf(spec.inputShape, spec.target, spec.classes),
  };
}

export const courseModels: CourseModel[] = [
  courseModel({
    id: "dense-sqrt",
    label: "dense 1-100-120-1",
    inputShape: [1],
    batch: 100,
    slowOnCpu: false,
    architecture: arch.regressionDense,
    loss: "meanSquaredError",
    optimizer: "adam",
    target: "regression",
  }),
  courseModel({
    id: "dense-rick",
    label: "dense on 90x160x3",
    inputShape: [90, 160, 3],
    batch: 100,
    slowOnCpu: false,
    architecture: arch.rickDense,
    loss: "binaryCrossentropy",
    optimizer: "adam",
    target: "binary",
  }),
  courseModel({
    id: "cnn-rick",
    label: "CNN 90x160x3",
    inputShape: [90, 160, 3],
    batch: 100,
    slowOnCpu: true,
    architecture: () => arch.rickCnn(),
    loss: "binaryCrossentropy",
    optimizer: "adam",
    target: "binary",
  }),
  autoencoderModel([90, 160, 3]),
  courseModel({
    id: "dna",
    label: "DNA 1D CNN 200x4",
    inputShape: [200, 4],
    batch: 100,
    slowOnCpu: true,
    architecture: arch.dnaCnn,
    loss: "categoricalCrossentropy",
    optimizer: "sgd",
    target: "onehot",
    classes: 3,
  }),
  courseModel({
    id: "cifar",
    label: "CIFAR CNN 32x32x3",
    inputShape: [32, 32, 3],
    batch: 100,
    slowOnCpu: true,
    architecture: arch.cifarCnn,
    loss: "categoricalCrossentropy",
    optimizer: "adam",
    target: "onehot",
    classes: 3,
  }),
  courseModel({
    id: "mnist-dense",
    label: "MNIST dense 784-128-10",
    inputShape: [784],
    batch: 100,
    slowOnCpu: false,
    architecture: arch.mnistDense,
    loss: "categoricalCrossentropy",
    optimizer: "adam",
    target: "onehot",
    classes: 10,
  }),
  courseModel({
    id: "mnist-cnn",
    label: "MNIST convnet",
    inputShape: [28, 28, 1],
    batch: 100,
    slowOnCpu: true,
    architecture: arch.mnistConvnet,
    loss: "categoricalCrossentropy",
    optimizer: "adam",
    target: "onehot",
    classes: 10,
  }),
];

/**
 * The course's convolutional autoencoder (lib/models/course-architectures.ts). The course uses
 * 90x160x3 frames; tests use a smaller image.
 */
export function autoencoderModel(inputShape: number[]): CourseModel {
  const [h, w, c] = inputShape;
  return courseModel({
    id: "autoencoder",
    label: `conv autoencoder ${h}x${w}x${c}`,
    inputShape,
    batch: 32,
    slowOnCpu: true,
    architecture: () => arch.convAutoencoder(inputShape),
    loss: "binaryCrossentropy",
    optimizer: "adam",
    target: "input",
  });
}

/** Models with layers the course uses beyond the list above: Embedding (gather) and BatchNormalization. */
export const extraModels: CourseModel[] = [
  {
    ...courseModel({
      id: "embedding",
      label: "embedding 1000x16, 20 tokens",
      inputShape: [20],
      batch: 100,
      slowOnCpu: false,
      architecture: () =>
        tf.sequential({
          layers: [
            tf.layers.embedding({ inputDim: 1000, outputDim: 16, inputLength: 20 }),
            tf.layers.flatten(),
            tf.layers.dense({ units: 1, activation: "sigmoid" }),
          ],
        }),
      loss: "binaryCrossentropy",
      optimizer: "adam",
      target: "binary",
    }),
    // token ids, not uniform floats
    makeBatch: (batch, seed) =>
      tf.tidy(() => ({
        xs: tf.randomUniform([batch, 20], 0, 1000, "float32", seed).floor(),
        ys: tf.randomUniform([batch, 1], 0, 1, "float32", seed + 1).round(),
      })),
  },
  courseModel({
    id: "batchnorm",
    label: "conv + batchNormalization",
    inputShape: [16, 16, 3],
    batch: 100,
    slowOnCpu: true,
    architecture: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, activation: relu }),
          tf.layers.batchNormalization(),
          tf.layers.averagePooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 1, activation: "sigmoid" }),
        ],
      }),
    loss: "binaryCrossentropy",
    optimizer: "adam",
    target: "binary",
  }),
];
