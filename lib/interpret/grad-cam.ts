/**
 * Grad-CAM (gradient-weighted class activation maps): which parts of an image raise one class's
 * score, seen through one convolutional layer.
 *
 * For an image x, a layer with output A (height × width × channels) and a class score y:
 *   1. the gradient dy/dA, one value per position and channel;
 *   2. a weight per channel: that gradient averaged over all positions;
 *   3. the weighted sum of A's channels, one value per position;
 *   4. ReLU (keep only what speaks for the class), then divide by the largest value, so the map
 *      lies in [0, 1]. A map with no positive value stays all zero (`rawMax` is then 0).
 *
 * The gradient with respect to an inner layer's output is taken by running the model's graph layer
 * by layer with that output replaced by a tensor we differentiate against; layers that do not depend
 * on it are evaluated once. This works for Sequential and functional models with one input and one
 * output, any image size, and any layer whose output is a [batch, height, width, channels] map
 * (a conv layer, or the pooling/activation layer after one). Everything runs inside `tf.tidy`.
 */
import * as tf from "@tensorflow/tfjs";
import { findLayer, realLayers, type LayerRef } from "./activations";

export interface GradCamOptions {
  /** The layer whose output is explained, by name or index. Default: the last conv layer (`lastConvLayerName`). */
  layer?: LayerRef;
  /** Which output unit is the class score; one for all images, or one per image. */
  classIndex: number | readonly number[];
  /**
   * +1 (default) explains what raises the score; -1 what lowers it. With a single sigmoid unit giving
   * P(not Rick), -1 shows the evidence for Rick.
   */
  sign?: 1 | -1;
  /** Images processed together (default 16); lower it for big images or models. */
  batchSize?: number;
}

export interface GradCamMap {
  /** The map, [height][width] of the layer's output, each value in [0, 1]. */
  heatmap: number[][];
  height: number;
  width: number;
  layerName: string;
  classIndex: number;
  /** The largest value of the map before dividing (0 when nothing in the image spoke for the class). */
  rawMax: number;
  /** The model's output for this class on this image (before `sign`). */
  score: number;
  /** The channel weights: the mean gradient of each channel. */
  channelWeights: number[];
  /** Where the map is largest (the first such cell in reading order). */
  peak: { row: number; col: number };
}

/** The name of the last layer whose class is a convolution and whose output is a 4-D feature map. */
export function lastConvLayerName(model: tf.LayersModel): string {
  const convs = realLayers(model).filter((l) => /conv/i.test(l.getClassName()) && outputRank(l) === 4);
  if (convs.length === 0) {
    throw new Error(`the model has no convolutional layer with a [batch, height, width, channels] output; its layers are: ` +
      realLayers(model).map((l) => `${l.name} (${l.getClassName()})`).join(", "));
  }
  return convs[convs.length - 1].name;
}

function outputRank(layer: tf.layers.Layer): number {
  const shape = layer.outputShape;
  return Array.isArray(shape[0]) ? -1 : (shape as (number | null)[]).length;
}

type Node = tf.layers.Layer["inboundNodes"][number];

/** The layer's node in this model's graph: the one whose inputs the model computes (checked by the walk). */
interface Step {
  layer: tf.layers.Layer;
  node: Node;
}

/** The model's layers in the order they run, each with the node that belongs to this model. */
function graphSteps(model: tf.LayersModel): Step[] {
  const known = new Set<number>(model.inputs.map((t) => t.id));
  const steps: Step[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    for (const node of layer.inboundNodes) {
      if (node.inputTensors.length === 0) continue;
      if (!node.inputTensors.every((t) => known.has(t.id))) continue; // a node of another model
      if (node.outputTensors.every((t) => known.has(t.id))) continue;
      steps.push({ layer, node });
      for (const t of node.outputTensors) known.add(t.id);
    }
  }
  const out = model.outputs[0];
  if (!known.has(out.id)) throw new Error("gradCam: could not follow the model's graph from its input to its output");
  return steps;
}

function applyStep(step: Step, values: Map<number, tf.Tensor>): void {
  const ins = step.node.inputTensors.map((t) => values.get(t.id)!);
  // Always inference mode (dropout off), whatever the graph was built with.
  const kwargs = { ...(step.node.callArgs ?? {}), training: false };
  const result = step.layer.apply(ins.length === 1 ? ins[0] : ins, kwargs) as tf.Tensor | tf.Tensor[];
  const outs = Array.isArray(result) ? result : [result];
  step.node.outputTensors.forEach((t, i) => values.set(t.id, outs[i]));
}

function checkModel(model: tf.LayersModel): void {
  if (model.inputs.length !== 1) throw new Error(`gradCam: the model has ${model.inputs.length} inputs; one is supported`);
  if (model.outputs.length !== 1) throw new Error(`gradCam: the model has ${model.outputs.length} outputs; one is supported`);
}

/** The target layer, checked: it must exist and give a [batch, height, width, channels] map. */
function targetLayer(model: tf.LayersModel, ref: LayerRef | undefined): tf.layers.Layer {
  const layer = ref === undefined ? findLayer(model, lastConvLayerName(model)) : findLayer(model, ref);
  const rank = outputRank(layer);
  if (rank !== 4) {
    throw new Error(`gradCam: layer "${layer.name}" (${layer.getClassName()}) outputs shape ` +
      `[${(layer.outputShape as (number | null)[]).map(String).join(", ")}], not a [batch, height, width, channels] ` +
      `feature map; pick a convolutional layer (the last one is "${lastConvLayerName(model)}")`);
  }
  return layer;
}

function numClasses(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  if (shape.length !== 2 || shape[1] === null) {
    throw new Error(`gradCam: the model's output has shape [${shape.map(String).join(", ")}]; a [batch, classes] output is needed`);
  }
  return shape[1];
}

function classIndices(option: number | readonly number[], n: number, classes: number): number[] {
  const list = typeof option === "number" ? Array.from({ length: n }, () => option) : [...option];
  if (list.length !== n) throw new Error(`gradCam: ${list.length} class indices for ${n} images; give one, or one per image`);
  for (const k of list) {
    if (!Number.isInteger(k) || k < 0 || k >= classes) {
      throw new Error(`gradCam: class index ${k} is outside 0..${classes - 1} (the model has ${classes} output unit${classes === 1 ? "" : "s"})`);
    }
  }
  return list;
}

/** Grad-CAM for each image of a batch [n, height, width, channels] (see the module comment). */
export function gradCamBatch(model: tf.LayersModel, images: tf.Tensor4D, options: GradCamOptions): GradCamMap[] {
  checkModel(model);
  if (images.rank !== 4) throw new Error(`gradCamBatch: expected images [n, height, width, channels], got shape [${images.shape.join(", ")}]`);
  const inShape = model.inputs[0].shape.slice(1);
  images.shape.slice(1).forEach((d, i) => {
    if (inShape[i] !== null && inShape[i] !== d) {
      throw new Error(`gradCam: the images are [${images.shape.slice(1).join(", ")}] but the model takes [${inShape.map(String).join(", ")}]`);
    }
  });
  const target = targetLayer(model, options.layer);
  const classes = numClasses(model);
  const n = images.shape[0];
  const ks = classIndices(options.classIndex, n, classes);
  const sign = options.sign ?? 1;
  if (sign !== 1 && sign !== -1) throw new Error(`gradCam: sign must be 1 or -1, got ${String(sign)}`);
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`gradCam: batchSize must be a whole number >= 1, got ${batchSize}`);

  const steps = graphSteps(model);
  const targetSteps = steps.filter((s) => s.layer === target);
  if (targetSteps.length !== 1) throw new Error(`gradCam: layer "${target.name}" is used ${targetSteps.length} times in the model; it must be used once`);
  const targetOut = targetSteps[0].node.outputTensors[0];
  const outId = model.outputs[0].id;

  const maps: GradCamMap[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const chunkKs = ks.slice(start, start + count);
    const part = tf.tidy(() => {
      const x = images.slice([start, 0, 0, 0], [count, -1, -1, -1]);
      // One pass through the whole graph; note which tensors depend on the target's output.
      const values = new Map<number, tf.Tensor>([[model.inputs[0].id, x]]);
      const downstream = new Set<number>([targetOut.id]);
      const after: Step[] = [];
      for (const step of steps) {
        const depends = step.node.inputTensors.some((t) => downstream.has(t.id));
        applyStep(step, values);
        if (depends) {
          after.push(step);
          step.node.outputTensors.forEach((t) => downstream.add(t.id));
        }
      }
      const a = values.get(targetOut.id)!;
      const output = values.get(outId)! as tf.Tensor2D;
      const pick = oneHotRows(chunkKs, classes); // [count, classes]: 1 at each image's class
      const mask = pick.mul(sign);
      // The score as a function of the target's output; everything not downstream of it is fixed.
      const score = (replacement: tf.Tensor): tf.Scalar => {
        const vals = new Map<number, tf.Tensor>();
        for (const [id, t] of values) if (!downstream.has(id)) vals.set(id, t);
        vals.set(targetOut.id, replacement);
        for (const step of after) applyStep(step, vals);
        return vals.get(outId)!.mul(mask).sum() as tf.Scalar;
      };
      const grads = tf.grad(score)(a); // [count, h, w, c]
      const weights = grads.mean([1, 2]); // [count, c]
      const cam = a.mul(weights.reshape([count, 1, 1, -1])).sum(3).relu(); // [count, h, w]
      const rawMax = cam.max([1, 2]);
      const safe = tf.where(rawMax.greater(0), rawMax, tf.onesLike(rawMax));
      const normalised = cam.div(safe.reshape([count, 1, 1]));
      const picked = output.mul(pick).sum(1);
      return {
        heat: normalised.arraySync() as number[][][],
        rawMax: Array.from(rawMax.dataSync()),
        score: Array.from(picked.dataSync()),
        weights: weights.arraySync() as number[][],
      };
    });
    for (let i = 0; i < count; i++) {
      const heat = part.heat[i];
      maps.push({
        heatmap: heat,
        height: heat.length,
        width: heat[0].length,
        layerName: target.name,
        classIndex: chunkKs[i],
        rawMax: part.rawMax[i],
        score: part.score[i],
        channelWeights: part.weights[i],
        peak: argMax2d(heat),
      });
    }
  }
  return maps;
}

/** Grad-CAM for one image [height, width, channels] (or a batch of one). */
export function gradCam(model: tf.LayersModel, image: tf.Tensor3D | tf.Tensor4D, options: GradCamOptions & { classIndex: number }): GradCamMap {
  if (image.rank === 4 && image.shape[0] !== 1) {
    throw new Error(`gradCam: one image expected, got a batch of ${image.shape[0]}; use gradCamBatch`);
  }
  if (image.rank !== 3 && image.rank !== 4) throw new Error(`gradCam: expected an image [height, width, channels], got shape [${image.shape.join(", ")}]`);
  const batch = (image.rank === 3 ? image.expandDims(0) : image) as tf.Tensor4D;
  try {
    return gradCamBatch(model, batch, options)[0];
  } finally {
    if (batch !== image) batch.dispose();
  }
}

/** [n, classes] rows with a 1 at each class (tf.oneHot needs at least 2 classes; a sigmoid unit has 1). */
function oneHotRows(ks: readonly number[], classes: number): tf.Tensor2D {
  const v = new Float32Array(ks.length * classes);
  ks.forEach((k, i) => (v[i * classes + k] = 1));
  return tf.tensor2d(v, [ks.length, classes]);
}

/** Row and column of the largest value (the first in reading order when several are equal). */
export function argMax2d(map: readonly (readonly number[])[]): { row: number; col: number } {
  let best = -Infinity;
  let at = { row: 0, col: 0 };
  map.forEach((r, row) => r.forEach((v, col) => {
    if (v > best) {
      best = v;
      at = { row, col };
    }
  }));
  return at;
}
