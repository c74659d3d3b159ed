/**
 * The course's models, as far as the training backends care: their layers, losses and input shapes.
 * Used by the training-step benchmark and by the test that checks every one of them can train on wasm.
 * Inputs and labels are random (seeded): only the arithmetic matters here, not what is learnt.
 */
import * as tf from "@tensorflow/tfjs";
import * as arch from "../lib/models/course-architectures";

export interface CourseModel {
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
  /** A fresh, compiled model. */
  build(): tf.LayersModel;
  /** A seeded random batch of inputs and matching targets. */
  makeBatch(batch: number, seed: number): { xs: tf.Tensor; ys: tf.Tensor };
}

type Layer = tf.layers.Layer;

/** The loss and optimiser the course trains each model with. */
function compiled(model: tf.Sequential, loss: string, optimizer: "adam" | "sgd" = "adam"): tf.LayersModel {
  model.compile({ loss, optimizer });
  return model;
}

function sequential(layers: Layer[], loss: string): tf.LayersModel {
  return compiled(tf.sequential({ layers }), loss);
}

const relu = "relu" as const;

/** Uniform inputs and labels of the right kind for the loss. */
function batchOf(inputShape: number[], target: "regression" | "binary" | "onehot" | "input", classes = 1) {
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

const conv = (filters: number, kernelSize: number, extra: object = {}): Layer =>
  tf.layers.conv2d({ filters, kernelSize, activation: relu, ...extra });

export const courseModels: CourseModel[] = [
  {
    id: "dense-sqrt",
    label: "dense 1-100-120-1",
    inputShape: [1],
    batch: 100,
    slowOnCpu: false,
    build: () => compiled(arch.regressionDense(), "meanSquaredError"),
    makeBatch: batchOf([1], "regression"),
  },
  {
    id: "dense-rick",
    label: "dense on 90x160x3",
    inputShape: [90, 160, 3],
    batch: 100,
    slowOnCpu: false,
    build: () => compiled(arch.rickDense(), "binaryCrossentropy"),
    makeBatch: batchOf([90, 160, 3], "binary"),
  },
  {
    id: "cnn-rick",
    label: "CNN 90x160x3",
    inputShape: [90, 160, 3],
    batch: 100,
    slowOnCpu: true,
    build: () => compiled(arch.rickCnn(), "binaryCrossentropy"),
    makeBatch: batchOf([90, 160, 3], "binary"),
  },
  autoencoderModel([90, 160, 3]),
  {
    id: "dna",
    label: "DNA 1D CNN 200x4",
    inputShape: [200, 4],
    batch: 100,
    slowOnCpu: true,
    build: () => compiled(arch.dnaCnn(), "categoricalCrossentropy", "sgd"),
    makeBatch: batchOf([200, 4], "onehot", 3),
  },
  {
    id: "cifar",
    label: "CIFAR CNN 32x32x3",
    inputShape: [32, 32, 3],
    batch: 100,
    slowOnCpu: true,
    build: () => compiled(arch.cifarCnn(), "categoricalCrossentropy"),
    makeBatch: batchOf([32, 32, 3], "onehot", 3),
  },
  {
    id: "mnist-dense",
    label: "MNIST dense 784-128-10",
    inputShape: [784],
    batch: 100,
    slowOnCpu: false,
    build: () => compiled(arch.mnistDense(), "categoricalCrossentropy"),
    makeBatch: batchOf([784], "onehot", 10),
  },
  {
    id: "mnist-cnn",
    label: "MNIST convnet",
    inputShape: [28, 28, 1],
    batch: 100,
    slowOnCpu: true,
    build: () => compiled(arch.mnistConvnet(), "categoricalCrossentropy"),
    makeBatch: batchOf([28, 28, 1], "onehot", 10),
  },
];

/**
 * The course's convolutional autoencoder (lib/models/course-architectures.ts). The course uses
 * 90x160x3 frames; tests use a smaller image.
 */
export function autoencoderModel(inputShape: number[]): CourseModel {
  const [h, w, c] = inputShape;
  return {
    id: "autoencoder",
    label: `conv autoencoder ${h}x${w}x${c}`,
    inputShape,
    batch: 32,
    slowOnCpu: true,
    build: () => compiled(arch.convAutoencoder(inputShape), "binaryCrossentropy"),
    makeBatch: batchOf(inputShape, "input"),
  };
}

/** Models with layers the course uses beyond the list above: Embedding (gather) and BatchNormalization. */
export const extraModels: CourseModel[] = [
  {
    id: "embedding",
    label: "embedding 1000x16, 20 tokens",
    inputShape: [20],
    batch: 100,
    slowOnCpu: false,
    build: () =>
      sequential(
        [
          tf.layers.embedding({ inputDim: 1000, outputDim: 16, inputLength: 20 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 1, activation: "sigmoid" }),
        ],
        "binaryCrossentropy",
      ),
    makeBatch: (batch, seed) =>
      tf.tidy(() => ({
        xs: tf.randomUniform([batch, 20], 0, 1000, "float32", seed).floor(),
        ys: tf.randomUniform([batch, 1], 0, 1, "float32", seed + 1).round(),
      })),
  },
  {
    id: "batchnorm",
    label: "conv + batchNormalization",
    inputShape: [16, 16, 3],
    batch: 100,
    slowOnCpu: true,
    build: () =>
      sequential(
        [
          conv(8, 3, { inputShape: [16, 16, 3] }),
          tf.layers.batchNormalization(),
          tf.layers.averagePooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 1, activation: "sigmoid" }),
        ],
        "binaryCrossentropy",
      ),
    makeBatch: batchOf([16, 16, 3], "binary"),
  },
];
