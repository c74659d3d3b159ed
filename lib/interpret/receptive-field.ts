/**
 * Where a cell of an inner feature map sits in the input image. Each conv or pooling layer maps its
 * output cell i to the input positions around s·i − padBefore + (k − 1)/2 (s the stride, k the
 * kernel or pool size, widened by any dilation, padBefore the "same" padding's top or left part).
 * Chaining the layers gives, for a cell (row, col) of the chosen layer's output, the centre of the
 * input patch it sees (`offset + stride · index`, in pixel indices) and the patch's size.
 *
 * This matters when a coarse map is compared with positions in the image: stretching a 15 × 33 map
 * over a 90 × 160 frame puts its first row at the frame's top edge, but after unpadded ("valid")
 * convolutions that row actually looks at a patch centred 15 or so pixels further in.
 *
 * Supported: a plain chain of layers (Sequential, or a functional model without branches up to the
 * layer) made of Conv2D, DepthwiseConv2D, SeparableConv2D, MaxPooling2D, AveragePooling2D and
 * layers that keep the height and width (activations, normalisation, dropout, noise).
 */
import * as tf from "@tensorflow/tfjs";
import { findLayer, realLayers, type LayerRef } from "./activations";

export interface CellGeometry {
  layerName: string;
  /** Input pixels between neighbouring cells, [rows, columns]. */
  stride: [number, number];
  /** Input position (pixel index, may be fractional) of the centre of cell (0, 0), [row, column]. */
  offset: [number, number];
  /** Height and width of the input patch one cell sees (its receptive field). */
  size: [number, number];
  inputHeight: number;
  inputWidth: number;
}

const CONV = new Set(["Conv2D", "DepthwiseConv2D", "SeparableConv2D"]);
const POOL = new Set(["MaxPooling2D", "AveragePooling2D"]);
const SAME_SIZE = new Set([
  "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax", "ThresholdedReLU", "BatchNormalization",
  "LayerNormalization", "Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
]);

function pair(v: unknown, fallback: [number, number]): [number, number] {
  if (v === undefined || v === null) return fallback;
  if (typeof v === "number") return [v, v];
  const a = v as number[];
  return [a[0], a.length > 1 ? a[1] : a[0]];
}

function spatial(shape: tf.Shape | tf.Shape[], layer: tf.layers.Layer, what: string): [number, number] {
  const s = (Array.isArray(shape[0]) ? null : shape) as (number | null)[] | null;
  if (s === null || s.length !== 4 || s[1] === null || s[2] === null) {
    throw new Error(`cellGeometry: layer "${layer.name}" (${layer.getClassName()}) has ${what} shape ` +
      `[${(shape as unknown[]).map(String).join(", ")}]; a fixed [batch, height, width, channels] is needed`);
  }
  return [s[1], s[2]];
}

/** Geometry of the cells of `layer`'s output in the model's input (see the module comment). */
export function cellGeometry(model: tf.LayersModel, layer: LayerRef): CellGeometry {
  if (model.inputs.length !== 1) throw new Error(`cellGeometry: the model has ${model.inputs.length} inputs; one is supported`);
  const target = findLayer(model, layer);
  const [inputHeight, inputWidth] = spatial(model.inputs[0].shape, target, "input");
  const layers = realLayers(model);
  const upTo = layers.indexOf(target);
  let stride: [number, number] = [1, 1];
  let offset: [number, number] = [0, 0];
  let size: [number, number] = [1, 1];
  let previous = model.inputs[0];
  for (const l of layers.slice(0, upTo + 1)) {
    const nodes = l.inboundNodes.filter((n) => n.inputTensors.length > 0);
    const ins = nodes.length === 1 ? nodes[0].inputTensors : [];
    if (ins.length !== 1 || ins[0].id !== previous.id) {
      throw new Error(`cellGeometry: layer "${l.name}" does not simply follow the layer before it; ` +
        "only a plain chain of layers up to the chosen one is supported");
    }
    const cls = l.getClassName();
    const inHW = spatial(previous.shape, l, "input");
    const outHW = spatial(l.outputShape, l, "output");
    if (CONV.has(cls) || POOL.has(cls)) {
      const cfg = l.getConfig();
      const k = CONV.has(cls) ? pair(cfg.kernelSize, [1, 1]) : pair(cfg.poolSize, [2, 2]);
      const s = pair(cfg.strides, CONV.has(cls) ? [1, 1] : k);
      const d = CONV.has(cls) ? pair(cfg.dilationRate, [1, 1]) : [1, 1];
      const padding = String(cfg.padding ?? "valid");
      if (padding !== "valid" && padding !== "same") throw new Error(`cellGeometry: layer "${l.name}" has padding "${padding}"; only "valid" and "same" are supported`);
      for (const a of [0, 1]) {
        const kEff = (k[a] - 1) * d[a] + 1;
        const padBefore = padding === "same" ? Math.floor(Math.max((outHW[a] - 1) * s[a] + kEff - inHW[a], 0) / 2) : 0;
        const local = (kEff - 1) / 2 - padBefore; // input index of output cell 0's centre
        size[a] += (kEff - 1) * stride[a];
        offset[a] += local * stride[a];
        stride[a] *= s[a];
      }
    } else if (SAME_SIZE.has(cls) || (inHW[0] === outHW[0] && inHW[1] === outHW[1] && cls !== "Flatten" && l.getWeights().length === 0)) {
      // keeps every cell where it is
    } else {
      throw new Error(`cellGeometry: layer "${l.name}" (${cls}) changes the map's size in a way this does not follow; ` +
        "supported: conv and pooling layers, and layers that keep height and width");
    }
    previous = l.output as tf.SymbolicTensor;
  }
  return { layerName: target.name, stride: [stride[0], stride[1]], offset: [offset[0], offset[1]], size: [size[0], size[1]], inputHeight, inputWidth };
}

/** The input pixel (nearest, kept inside the image) at the centre of what cell (row, col) sees. */
export function cellCentre(g: CellGeometry, row: number, col: number): { x: number; y: number } {
  const y = Math.min(g.inputHeight - 1, Math.max(0, Math.floor(g.offset[0] + g.stride[0] * row + 0.5)));
  const x = Math.min(g.inputWidth - 1, Math.max(0, Math.floor(g.offset[1] + g.stride[1] * col + 0.5)));
  return { x, y };
}
