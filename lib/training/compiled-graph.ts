/**
 * One training step of a tf.js model (Sequential or functional) as one TensorFlow graph: forward pass,
 * loss and metrics, gradients (TF_AddGradientsWithPrefix), optimizer updates on resource variables;
 * plus the same forward pass without dropout for validation. Built with the compiled-fit addon
 * (lib/backend/graph-addon.ts); lib/training/compiled-fit.ts runs it once per batch.
 *
 * Each formula copies tf.js's own (tfjs-layers losses.js, metrics.js, tfjs-core optimizers), so a
 * model without dropout trains the same as with `model.fit`; docs in bench/COMPILED-FIT.md.
 */
import * as tf from "@tensorflow/tfjs";
import { attr, DT, GraphAddon, GraphBuilder, OpHandle, Output, SessionHandle } from "../backend/graph-addon";

type Layer = tf.layers.Layer;
type LayerVariable = tf.LayerVariable;

/** tf.js's epsilon() (float32 backends), used by its losses. */
const EPSILON = 1e-7;

const ACTIVATIONS: Record<string, string | null> = {
  linear: null, relu: "Relu", sigmoid: "Sigmoid", tanh: "Tanh", softmax: "Softmax", elu: "Elu", selu: "Selu",
  softplus: "Softplus", softsign: "Softsign", relu6: "Relu6",
};
const LOSSES: Record<string, "mse" | "binary" | "categorical"> = {
  meanSquaredError: "mse", mse: "mse", MSE: "mse", mean_squared_error: "mse",
  binaryCrossentropy: "binary", binary_crossentropy: "binary",
  categoricalCrossentropy: "categorical", categorical_crossentropy: "categorical",
};
type OptimizerKind = "adam" | "sgd" | "momentum" | "rmsprop";
const OPTIMIZERS: Record<string, OptimizerKind> = { Adam: "adam", SGD: "sgd", Momentum: "momentum", RMSProp: "rmsprop" };
/** Metrics by the name tf.js logs them under (model.metricsNames); "acc" is binary or categorical as tf.js picks. */
type MetricKind = "acc" | "binaryAccuracy" | "categoricalAccuracy" | "mse";
const METRICS: Record<string, MetricKind> = { acc: "acc", binaryAccuracy: "binaryAccuracy", categoricalAccuracy: "categoricalAccuracy", mse: "mse" };
/** How many slot variables each optimizer keeps per weight. */
const SLOTS: Record<OptimizerKind, number> = { adam: 2, sgd: 0, momentum: 1, rmsprop: 2 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = Record<string, any>;

/** Why this model cannot be compiled (one sentence), or null when it can. */
export function cannotCompile(model: tf.LayersModel): string | null {
  if (model.outputs.length !== 1) return "only models with one output are compiled";
  if (typeof model.loss !== "string" || !(model.loss in LOSSES)) return `loss ${JSON.stringify(String(model.loss))} is not in the compiled table`;
  const why = cannotCompileOptimizer(model.optimizer);
  if (why) return why;
  const unknown = model.metricsNames.slice(1).filter((m) => !(m in METRICS));
  if (unknown.length > 0) return `metric ${unknown.join(", ")} is not in the compiled table (${Object.keys(METRICS).join(", ")} are)`;
  return cannotCompileLayers(model);
}

export function cannotCompileOptimizer(optimizer: tf.Optimizer | undefined): string | null {
  const opt = optimizer?.getClassName();
  if (!optimizer || !opt || !(opt in OPTIMIZERS)) return `optimizer ${opt} is not in the compiled table`;
  if (opt === "RMSProp" && optimizer.getConfig().centered) return "centered RMSprop is not in the compiled table";
  return null;
}

/** The first layer (nested models' layers included) outside the table, as a sentence, or null. */
export function cannotCompileLayers(model: tf.LayersModel): string | null {
  for (const l of model.layers) {
    const why = l instanceof tf.LayersModel ? cannotCompileLayers(l) : cannotCompileLayer(l);
    if (why) return l instanceof tf.LayersModel ? why : `layer ${l.name}: ${why}`;
  }
  return null;
}

/** The ranks of the inputs each call of the layer received (a layer may be called more than once). */
function inputRanks(l: Layer): number[] {
  return l.inboundNodes.flatMap((n) => n.inputTensors.map((t) => t.shape.length));
}

function cannotCompileLayer(l: Layer): string | null {
  const c: Config = l.getConfig();
  const kind = l.getClassName();
  if (c.activityRegularizer) return "activity regularizers are not in the compiled table";
  for (const key of ["kernelRegularizer", "biasRegularizer"]) {
    if (c[key] && c[key].className !== "L1L2") return `${key} ${c[key].className} is not in the compiled table (L1L2, l1 and l2 are)`;
  }
  if (c.kernelConstraint || c.biasConstraint) return "constraints are not in the compiled table";
  if (c.activation !== undefined && !(c.activation in ACTIVATIONS)) return `activation ${c.activation} is not in the compiled table`;
  if (c.dataFormat !== undefined && c.dataFormat !== "channelsLast") return "only channelsLast is compiled";
  if (c.dilationRate !== undefined && [c.dilationRate].flat().some((d: number) => d !== 1)) return "dilated convolutions are not compiled";
  if (c.padding !== undefined && c.padding !== "valid" && c.padding !== "same") return `padding ${c.padding} is not compiled`;
  switch (kind) {
    case "Dense":
      return inputRanks(l).every((r) => r === 2) ? null : "Dense on input of rank > 2 is not compiled";
    case "Dropout":
      return c.noiseShape ? "Dropout with noiseShape is not compiled" : null;
    case "Activation": case "Flatten": case "Conv2D": case "Conv1D": case "MaxPooling2D": case "MaxPooling1D":
    case "Conv2DTranspose": case "InputLayer": case "Concatenate": case "GaussianSampling":
      return null;
    case "UpSampling2D":
      return c.interpolation === "nearest" ? null : "UpSampling2D with bilinear interpolation is not compiled";
    default:
      return `${kind} is not in the compiled table`;
  }
}

/** One model weight as a TensorFlow resource variable. */
interface GraphVariable {
  variable: LayerVariable;
  handle: Output;
  read: Output;
  feed: Output;
  assign: OpHandle;
  trainable: boolean;
  /** Optimizer slots (Adam m and v, ...), each with its zero-initialising assign. */
  slots: { handle: Output; feed: Output; assign: OpHandle }[];
}

/** The built graph and its session; what lib/training/compiled-fit.ts feeds and fetches. */
export interface CompiledStep {
  addon: GraphAddon;
  session: SessionHandle;
  optimizer: OptimizerKind;
  /** The tf.js optimizer whose settings (learning rate, Adam's betas) each step is fed. */
  optimizerObject: tf.Optimizer;
  /** One placeholder per model input. */
  xs: Output[];
  y: Output;
  sampleWeight: Output;
  learningRate: Output;
  /** Adam: beta1^t and beta2^t of the coming step, and epsilon * sqrt(1 - beta2^t) (see adamFeeds). */
  beta1Power: Output;
  beta2Power: Output;
  adamEpsilon: Output;
  /** The names History logs, as model.metricsNames: "loss" first, then each metric. */
  metricNames: string[];
  /** Loss and metrics of the training pass (dropout on), in metricNames' order. */
  trainFetches: Output[];
  /** The same of the evaluation pass (dropout off). */
  evalFetches: Output[];
  prediction: Output;
  train: OpHandle;
  variables: GraphVariable[];
  /** Signature of what the graph was built for (trainable flags, optimizer): a change means a rebuild. */
  signature: string;
  /** Steps applied by this graph's optimizer (Adam's bias correction counts them). */
  steps: number;
}

export function stepSignature(model: tf.LayersModel, optimizer: tf.Optimizer = model.optimizer): string {
  return JSON.stringify([model.weights.map((w) => [w.name, w.trainable]), optimizer.getClassName(), optimizer.getConfig(), model.loss]);
}

/** What the forward pass needs: the graph, the weight reads per layer, dropout on or off, a seed. */
interface ForwardContext {
  g: GraphBuilder;
  reads: Map<LayerVariable, Output>;
  training: boolean;
  seed: number;
  /** Each random layer's op seed (seed2), numbered in the order the walk first meets it. */
  randomOps: Map<Layer, number>;
  /** The batch size, from the first input's placeholder (not from weights: see GaussianSampling). */
  batch: Output;
}

/** Whether training draws random numbers (dropout masks, sampled codes), nested models included. */
export function drawsRandomly(model: tf.LayersModel): boolean {
  return model.layers.some((l) => (l instanceof tf.LayersModel ? drawsRandomly(l) : ["Dropout", "GaussianSampling"].includes(l.getClassName())));
}

function opSeed(ctx: ForwardContext, l: Layer): number {
  if (!ctx.randomOps.has(l)) ctx.randomOps.set(l, ctx.randomOps.size + 1);
  return ctx.randomOps.get(l)!;
}

/**
 * The model's outputs as graph values, given its inputs': each symbolic tensor is computed once from
 * the layer that made it and that layer's inputs, so branches, merges and nested models (a base
 * network inside a Sequential) come out as in tf.js.
 */
export function modelForward(ctx: ForwardContext, model: tf.LayersModel, inputs: Output[], extra: tf.SymbolicTensor[] = []): Output[] {
  const values = new Map<number, Output>();
  model.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  const value = (t: tf.SymbolicTensor): Output => {
    let v = values.get(t.id);
    if (v === undefined) {
      const layer = t.sourceLayer as Layer;
      const ins = t.inputs.map(value);
      v = layer instanceof tf.LayersModel ? modelForward(ctx, layer, ins)[t.outputTensorIndex ?? 0] : layerForward(ctx, layer, ins);
      values.set(t.id, v);
    }
    return v;
  };
  return [...model.outputs, ...extra].map(value);
}

function activation(g: GraphBuilder, x: Output, name: string): Output {
  const op = ACTIVATIONS[name];
  return op ? g.f(op, x) : x;
}

function biasAndActivation(ctx: ForwardContext, l: Layer, x: Output, c: Config): Output {
  const g = ctx.g;
  const y = c.useBias ? g.f("BiasAdd", x, ctx.reads.get(l.weights[1])!) : x;
  return activation(g, y, c.activation);
}

const pair = (v: number | number[]): [number, number] => (Array.isArray(v) ? (v.length === 1 ? [v[0], v[0]] : [v[0], v[1]]) : [v, v]);

function layerForward(ctx: ForwardContext, l: Layer, inputs: Output[]): Output {
  const { g } = ctx;
  const x = inputs[0];
  const c: Config = l.getConfig();
  const kernel = () => ctx.reads.get(l.weights[0])!;
  const conv = (input: Output, filter: Output, strides: [number, number]) =>
    g.op("Conv2D", [input, filter], { T: attr.type(DT.float), strides: attr.ints([1, strides[0], strides[1], 1]), padding: attr.str(c.padding.toUpperCase()) });
  switch (l.getClassName()) {
    case "InputLayer":
      return x;
    case "Dense":
      return biasAndActivation(ctx, l, g.op("MatMul", [x, kernel()], { T: attr.type(DT.float) }), c);
    case "Activation":
      return activation(g, x, c.activation);
    case "Flatten": {
      const size = (l.outputShape as number[])[1];
      return g.op("Reshape", [x, g.constInt([-1, size])], { T: attr.type(DT.float) });
    }
    case "Dropout": {
      if (!ctx.training || c.rate === 0) return x;
      const shape = g.op("Shape", [x], { T: attr.type(DT.float), out_type: attr.type(DT.int32) });
      // Stateful, seeded: the same seed gives the same masks in the same order.
      const u = g.op("RandomUniform", [shape], { dtype: attr.type(DT.float), T: attr.type(DT.int32), seed: attr.int(ctx.seed), seed2: attr.int(opSeed(ctx, l)) });
      const keep = g.op("Cast", [g.op("GreaterEqual", [u, g.constFloat(c.rate)], { T: attr.type(DT.float) })], { SrcT: attr.type(DT.bool), DstT: attr.type(DT.float) });
      return g.f("Mul", g.f("Mul", x, keep), g.constFloat(1 / (1 - c.rate)));
    }
    case "Conv2D":
      return biasAndActivation(ctx, l, conv(x, kernel(), pair(c.strides)), c);
    case "Conv1D": {
      // As Conv2D on a height-1 image: [b, L, c] -> [b, 1, L, c]; kernel [k, in, out] -> [1, k, in, out].
      const x4 = g.op("ExpandDims", [x, g.constInt(1)], { T: attr.type(DT.float) });
      const k4 = g.op("ExpandDims", [kernel(), g.constInt(0)], { T: attr.type(DT.float) });
      const y4 = conv(x4, k4, [1, pair(c.strides)[0]]);
      const y = g.op("Squeeze", [y4], { T: attr.type(DT.float), squeeze_dims: attr.ints([1]) });
      return biasAndActivation(ctx, l, y, c);
    }
    case "MaxPooling2D": {
      const p = pair(c.poolSize);
      const s = pair(c.strides ?? c.poolSize);
      return g.op("MaxPool", [x], { T: attr.type(DT.float), ksize: attr.ints([1, p[0], p[1], 1]), strides: attr.ints([1, s[0], s[1], 1]), padding: attr.str(c.padding.toUpperCase()) });
    }
    case "MaxPooling1D": {
      const p = pair(c.poolSize)[0];
      const s = pair(c.strides ?? c.poolSize)[0];
      const x4 = g.op("ExpandDims", [x, g.constInt(1)], { T: attr.type(DT.float) });
      const y4 = g.op("MaxPool", [x4], { T: attr.type(DT.float), ksize: attr.ints([1, 1, p, 1]), strides: attr.ints([1, 1, s, 1]), padding: attr.str(c.padding.toUpperCase()) });
      return g.op("Squeeze", [y4], { T: attr.type(DT.float), squeeze_dims: attr.ints([1]) });
    }
    case "UpSampling2D": {
      const [, h, w] = l.outputShape as number[];
      return g.op("ResizeNearestNeighbor", [x, g.constInt([h, w])], { T: attr.type(DT.float), align_corners: attr.bool(false), half_pixel_centers: attr.bool(false) });
    }
    case "Conv2DTranspose": {
      // The gradient of a convolution with respect to its input; tf.js's kernel is [h, w, out, in] as TF's.
      const [, h, w, f] = l.outputShape as number[];
      const batch = g.op("StridedSlice", [g.op("Shape", [x], { T: attr.type(DT.float), out_type: attr.type(DT.int32) }), g.constInt([0]), g.constInt([1]), g.constInt([1])],
        { T: attr.type(DT.int32), Index: attr.type(DT.int32), shrink_axis_mask: attr.int(1) });
      const sizes = g.op("Pack", [[batch, g.constInt(h), g.constInt(w), g.constInt(f)]], { T: attr.type(DT.int32), N: attr.int(4) });
      const s = pair(c.strides);
      const y = g.op("Conv2DBackpropInput", [sizes, kernel(), x], { T: attr.type(DT.float), strides: attr.ints([1, s[0], s[1], 1]), padding: attr.str(c.padding.toUpperCase()) });
      return biasAndActivation(ctx, l, y, c);
    }
    case "Concatenate": {
      const axis = c.axis ?? -1;
      return g.op("ConcatV2", [inputs, g.constInt(axis)], { T: attr.type(DT.float), N: attr.int(inputs.length), Tidx: attr.type(DT.int32) });
    }
    case "GaussianSampling": {
      // z = mean + exp(log_var / 2) * eps, eps ~ N(0, epsilonStd²), drawn at every call as the tf.js layer does.
      // The noise's shape comes from the batch size, not from `mean`: TensorFlow's C++ gradients have
      // none for RandomStandardNormal, so it must not lie on a path from the weights to the loss.
      const [mean, logVar] = inputs;
      const units = (l.outputShape as number[]).slice(1);
      const shape = g.op("Pack", [[ctx.batch, ...units.map((u) => g.constInt(u))]], { T: attr.type(DT.int32), N: attr.int(1 + units.length) });
      const normal = g.op("RandomStandardNormal", [shape], { dtype: attr.type(DT.float), T: attr.type(DT.int32), seed: attr.int(ctx.seed), seed2: attr.int(opSeed(ctx, l)) });
      const eps = g.f("Mul", normal, g.constFloat((l as unknown as { epsilonStd: number }).epsilonStd));
      return g.f("AddV2", mean, g.f("Mul", g.f("Exp", g.f("Mul", logVar, g.constFloat(0.5))), eps));
    }
    default:
      throw new Error(`compiled fit: no graph for layer ${l.name} (${l.getClassName()})`);
  }
}

/**
 * The weight penalties tf.js adds to the training loss (not to the validation loss): for each kernel
 * and bias regularizer, l1·Σ|w| + l2·Σw², nested models included.
 */
function regularization(g: GraphBuilder, model: tf.LayersModel, reads: Map<LayerVariable, Output>): Output | null {
  const terms: Output[] = [];
  const visit = (m: tf.LayersModel): void => {
    for (const l of m.layers) {
      if (l instanceof tf.LayersModel) {
        visit(l);
        continue;
      }
      const c: Config = l.getConfig();
      ([["kernelRegularizer", 0], ["biasRegularizer", 1]] as [string, number][]).forEach(([key, index]) => {
        const reg = c[key]?.config as { l1?: number; l2?: number } | undefined;
        const w = reads.get(l.weights[index]);
        if (!reg || !w) return;
        const all = g.constInt(Array.from({ length: l.weights[index].shape.length }, (_, i) => i));
        const sum = (v: Output) => g.op("Sum", [v, all], { T: attr.type(DT.float), Tidx: attr.type(DT.int32) });
        if (reg.l1) terms.push(g.f("Mul", g.constFloat(reg.l1), sum(g.f("Abs", w))));
        if (reg.l2) terms.push(g.f("Mul", g.constFloat(reg.l2), sum(g.f("Square", w))));
      });
    }
  };
  visit(model);
  return terms.length === 0 ? null : terms.reduce((a, b) => g.f("AddV2", a, b));
}

/** Mean over every axis but the first: per-example values from per-element ones. */
function perExample(g: GraphBuilder, v: Output, rank: number): Output {
  if (rank <= 1) return v;
  const axes = Array.from({ length: rank - 1 }, (_, i) => i + 1);
  return g.op("Mean", [v, g.constInt(axes)], { T: attr.type(DT.float), Tidx: attr.type(DT.int32) });
}

/** tf.js's loss per example (losses.js), before sample weights. */
function lossPerExample(g: GraphBuilder, kind: "mse" | "binary" | "categorical", yTrue: Output, yPred: Output, rank: number): Output {
  const last = g.constInt(-1);
  const mean = (v: Output) => g.op("Mean", [v, last], { T: attr.type(DT.float), Tidx: attr.type(DT.int32) });
  const clip = (v: Output) => g.f("ClipByValue", v, g.constFloat(EPSILON), g.constFloat(1 - EPSILON));
  let perElement: Output;
  if (kind === "mse") {
    perElement = mean(g.f("Square", g.f("Sub", yPred, yTrue)));
  } else if (kind === "binary") {
    const p = clip(yPred);
    const logits = g.f("Log", g.f("RealDiv", p, g.f("Sub", g.constFloat(1), p)));
    const l = g.f("AddV2", g.f("Sub", g.f("Relu", logits), g.f("Mul", logits, yTrue)), g.f("Log1p", g.f("Exp", g.f("Neg", g.f("Abs", logits)))));
    perElement = mean(l);
  } else {
    const sum = g.op("Sum", [yPred, last], { T: attr.type(DT.float), Tidx: attr.type(DT.int32), keep_dims: attr.bool(true) });
    const p = clip(g.f("RealDiv", yPred, sum));
    perElement = g.f("Neg", g.op("Sum", [g.f("Mul", yTrue, g.f("Log", p)), last], { T: attr.type(DT.float), Tidx: attr.type(DT.int32) }));
  }
  return perExample(g, perElement, rank - 1);
}

/** tf.js's accuracy per example: binary when the loss is binary crossentropy or there is one output, else categorical. */
function accuracyPerExample(g: GraphBuilder, binary: boolean, yTrue: Output, yPred: Output, rank: number): Output {
  const toFloat = (v: Output) => g.op("Cast", [v], { SrcT: attr.type(DT.bool), DstT: attr.type(DT.float) });
  if (binary) {
    const predicted = g.op("Cast", [g.f("Greater", yPred, g.constFloat(0.5))], { SrcT: attr.type(DT.bool), DstT: attr.type(DT.float) });
    const hit = toFloat(g.f("Equal", yTrue, predicted));
    return perExample(g, g.op("Mean", [hit, g.constInt(-1)], { T: attr.type(DT.float), Tidx: attr.type(DT.int32) }), rank - 1);
  }
  const argmax = (v: Output) => g.op("ArgMax", [v, g.constInt(-1)], { T: attr.type(DT.float), Tidx: attr.type(DT.int32), output_type: attr.type(DT.int32) });
  return perExample(g, toFloat(g.op("Equal", [argmax(yTrue), argmax(yPred)], { T: attr.type(DT.int32) })), rank - 1);
}

/** One metric per example, as tf.js's metrics.js; `accIsBinary`: whether "acc" means binary accuracy for this model. */
function metricPerExample(g: GraphBuilder, kind: MetricKind, accIsBinary: boolean, yTrue: Output, yPred: Output, rank: number): Output {
  if (kind === "mse") return lossPerExample(g, "mse", yTrue, yPred, rank);
  const binary = kind === "binaryAccuracy" || (kind === "acc" && accIsBinary);
  return accuracyPerExample(g, binary, yTrue, yPred, rank);
}

function mean0(g: GraphBuilder, v: Output): Output {
  return g.op("Mean", [v, g.constInt([0])], { T: attr.type(DT.float), Tidx: attr.type(DT.int32) });
}

export interface BuildArgs {
  /** Seed for dropout masks and sampled codes (TensorFlow's random ops, an op seed per layer). */
  seed: number;
  /** Default: the model's compiled optimizer. */
  optimizer?: tf.Optimizer;
  /**
   * Instead of the model's compiled loss and metrics, the course's variational objective: categorical
   * cross-entropy of the output plus the KL term of these two outputs (z_mean, z_log_var). Logs loss,
   * ce, kl, acc; validation loss and acc.
   */
  variational?: { zMean: tf.SymbolicTensor; zLogVar: tf.SymbolicTensor };
}

/** The variational objective's pieces per example: Keras's clipped cross-entropy and −½·mean(1 + lv − μ² − e^lv). */
function variationalPerExample(g: GraphBuilder, y: Output, p: Output, zMean: Output, zLogVar: Output): { ce: Output; kl: Output } {
  const last = g.constInt(-1);
  const clipped = g.f("ClipByValue", p, g.constFloat(EPSILON), g.constFloat(1 - EPSILON));
  const ce = g.f("Neg", g.op("Sum", [g.f("Mul", y, g.f("Log", clipped)), last], { T: attr.type(DT.float), Tidx: attr.type(DT.int32) }));
  const inner = g.f("Sub", g.f("Sub", g.f("AddV2", g.constFloat(1), zLogVar), g.f("Square", zMean)), g.f("Exp", zLogVar));
  const kl = g.f("Mul", g.op("Mean", [inner, last], { T: attr.type(DT.float), Tidx: attr.type(DT.int32) }), g.constFloat(-0.5));
  return { ce, kl };
}

/** Builds the graph and a session for `model` (check cannotCompile first); variables start from the model's weights. */
export function buildCompiledStep(addon: GraphAddon, model: tf.LayersModel, args: BuildArgs): CompiledStep {
  const g = new GraphBuilder(addon);
  const shapeOf = (t: tf.SymbolicTensor) => (t.shape as (number | null)[]).map((d) => d ?? -1);
  const outputShape = (model.outputs[0].shape as (number | null)[]).map((d) => d ?? -1);
  const optimizerObject = args.optimizer ?? model.optimizer;
  const optimizer = OPTIMIZERS[optimizerObject.getClassName()];
  const oc: Config = optimizerObject.getConfig();

  const trainableWeights = new Set(model.trainableWeights); // a frozen nested model's weights are not in it
  const variables: GraphVariable[] = model.weights.map((w, i) => {
    const shape = w.shape as number[];
    const variable = (hint: string) => {
      const handle = g.op("VarHandleOp", [], { dtype: attr.type(DT.float), shape: attr.shape(shape), shared_name: attr.str(`${hint}_${i}`) }, hint);
      const feed = g.placeholder(DT.float, shape, `${hint}_value`);
      const assign = g.node("AssignVariableOp", [handle, feed], { dtype: attr.type(DT.float) }, `${hint}_assign`);
      return { handle, feed, assign };
    };
    const main = variable("w");
    const read = g.op("ReadVariableOp", [main.handle], { dtype: attr.type(DT.float) }, "read");
    const trainable = trainableWeights.has(w);
    const slots = trainable ? Array.from({ length: SLOTS[optimizer] }, (_, s) => variable(`slot${s}`)) : [];
    return { variable: w, ...main, read, trainable, slots };
  });
  const reads = new Map(variables.map((v) => [v.variable, v.read] as [LayerVariable, Output]));

  const xs = model.inputs.map((t, i) => g.placeholder(DT.float, shapeOf(t), `x${i}`));
  const y = g.placeholder(DT.float, outputShape, "y");
  const sampleWeight = g.placeholder(DT.float, [-1], "sample_weight");
  const extra = args.variational ? [args.variational.zMean, args.variational.zLogVar] : [];
  const batch = g.op("StridedSlice", [g.op("Shape", [xs[0]], { T: attr.type(DT.float), out_type: attr.type(DT.int32) }), g.constInt([0]), g.constInt([1]), g.constInt([1])],
    { T: attr.type(DT.int32), Index: attr.type(DT.int32), shrink_axis_mask: attr.int(1) });
  const forward = (training: boolean) => modelForward({ g, reads, training, seed: args.seed, randomOps: new Map(), batch }, model, xs, extra);
  const rank = outputShape.length;
  let metricNames: string[];
  let trainLoss: Output;
  let trainFetches: Output[];
  let evalFetches: Output[];
  let prediction: Output;
  if (args.variational) {
    const pieces = ([p, m, lv]: Output[]) => {
      const { ce, kl } = variationalPerExample(g, y, p, m, lv);
      const [ceMean, klMean] = [mean0(g, ce), mean0(g, kl)];
      return { loss: g.f("AddV2", ceMean, klMean), ce: ceMean, kl: klMean, acc: mean0(g, accuracyPerExample(g, false, y, p, rank)) };
    };
    const train = pieces(forward(true));
    trainLoss = train.loss;
    metricNames = ["loss", "ce", "kl", "acc"];
    trainFetches = [train.loss, train.ce, train.kl, train.acc];
    const outs = forward(false);
    const evaluation = pieces(outs);
    evalFetches = [evaluation.loss, evaluation.acc];
    prediction = outs[0];
  } else {
    const lossKind = LOSSES[model.loss as string];
    metricNames = [...model.metricsNames];
    const accIsBinary = lossKind === "binary" || outputShape[outputShape.length - 1] === 1;
    // Metrics are not weighted by classWeight, as in tf.js.
    const metrics = (out: Output) => metricNames.slice(1).map((m) => mean0(g, metricPerExample(g, METRICS[m], accIsBinary, y, out, rank)));
    // Training: per-example loss times sample weight (1 unless classWeight), mean over the batch, as tf.js.
    const [trainOut] = forward(true);
    const dataLoss = mean0(g, g.f("Mul", lossPerExample(g, lossKind, y, trainOut, rank), sampleWeight));
    const penalty = regularization(g, model, reads);
    trainLoss = penalty ? g.f("AddV2", dataLoss, penalty) : dataLoss;
    trainFetches = [trainLoss, ...metrics(trainOut)];
    // Validation and prediction: dropout off.
    [prediction] = forward(false);
    evalFetches = [mean0(g, lossPerExample(g, lossKind, y, prediction, rank)), ...metrics(prediction)];
  }

  const trainable = variables.filter((v) => v.trainable);
  const grads = g.gradients([trainLoss], trainable.map((v) => v.read));
  const learningRate = g.placeholder(DT.float, [], "learning_rate");
  const beta1Power = g.placeholder(DT.float, [], "beta1_power");
  const beta2Power = g.placeholder(DT.float, [], "beta2_power");
  const adamEpsilon = g.placeholder(DT.float, [], "adam_epsilon");
  const T = { T: attr.type(DT.float), use_locking: attr.bool(false) };
  const updates = trainable.map((v, i) => {
    const grad = grads[i];
    const [s0, s1] = v.slots.map((s) => s.handle);
    switch (optimizer) {
      case "adam":
        return g.node("ResourceApplyAdam", [v.handle, s0, s1, beta1Power, beta2Power, learningRate, g.constFloat(oc.beta1), g.constFloat(oc.beta2), adamEpsilon, grad], { ...T, use_nesterov: attr.bool(false) }, "adam");
      case "sgd":
        return g.node("ResourceApplyGradientDescent", [v.handle, learningRate, grad], T, "sgd");
      case "momentum":
        return g.node("ResourceApplyMomentum", [v.handle, s0, learningRate, grad, g.constFloat(oc.momentum)], { ...T, use_nesterov: attr.bool(!!oc.useNesterov) }, "momentum");
      case "rmsprop":
        return g.node("ResourceApplyRMSProp", [v.handle, s0, s1, learningRate, g.constFloat(oc.decay), g.constFloat(oc.momentum), g.constFloat(oc.epsilon), grad], T, "rmsprop");
    }
  });
  const train = g.group(updates, "train");
  const session = addon.newSession(g.handle);
  const step: CompiledStep = {
    addon, session, optimizer, optimizerObject, xs, y, sampleWeight, learningRate, beta1Power, beta2Power, adamEpsilon, metricNames, trainFetches, evalFetches,
    prediction, train, variables, signature: stepSignature(model, optimizerObject), steps: 0,
  };
  pushWeights(step);
  // Optimizer slots start at zero, as a fresh tf.js optimizer's.
  const slots = variables.flatMap((v) => v.slots);
  const zeros = variables.flatMap((v) => v.slots.map(() => {
    const shape = v.variable.shape as number[];
    return { dtype: DT.float, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
  }));
  if (slots.length > 0) addon.run(session, slots.map((s) => s.feed), zeros, [], slots.map((s) => s.assign));
  return step;
}

/**
 * Adam's step-dependent feeds for step t (1-based). ResourceApplyAdam computes
 * lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps); tf.js computes lr * m^ / (sqrt(v^) + eps) with
 * m^ = m / (1 - b1^t), v^ = v / (1 - b2^t). Feeding eps * sqrt(1 - b2^t) as epsilon makes the two equal.
 */
export function adamFeeds(step: CompiledStep, t: number, config: { beta1: number; beta2: number; epsilon: number }): [Output[], number[]] {
  const b2t = config.beta2 ** t;
  return [[step.beta1Power, step.beta2Power, step.adamEpsilon], [config.beta1 ** t, b2t, config.epsilon * Math.sqrt(1 - b2t)]];
}

/** Copies the tf.js model's weights into the graph's variables. */
export function pushWeights(step: CompiledStep): void {
  const vs = step.variables;
  const values = vs.map((v) => ({ dtype: DT.float, shape: v.variable.shape as number[], data: v.variable.read().dataSync() as Float32Array }));
  step.addon.run(step.session, vs.map((v) => v.feed), values, [], vs.map((v) => v.assign));
}

/** Copies the graph's variables back into the tf.js model's weights. */
export function pullWeights(step: CompiledStep): void {
  const vs = step.variables;
  const values = step.addon.run(step.session, [], [], vs.map((v) => v.read), []);
  vs.forEach((v, i) => {
    const t = tf.tensor(values[i].data as Float32Array, values[i].shape);
    v.variable.write(t);
    t.dispose();
  });
}
