/**
 * Transfer learning: the convolutional base of a trained network (everything before the layers that
 * turn its feature maps into an answer) as a model of its own, which a new head is put on.
 *
 * The base is a copy (its own weights), so the network it came from can be disposed. It takes frames of
 * `frameShape`; when the pretrained network expects another size or value range, an InputAdapter in
 * front resizes and rescales (a MobileNet saved in tf.js layers format expects 224 × 224 in [-1, 1]).
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { loadModel } from "../io/model-files";
import { InputAdapter } from "./input-adapter";

/** Layers that end the convolutional part: they drop the grid of positions or mix every position. */
const HEAD_START = new Set(["Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Dense", "Reshape"]);
const CONV = new Set(["Conv2D", "SeparableConv2D", "DepthwiseConv2D"]);

export interface ConvolutionalBaseArgs {
  /** The trained network. It is not changed. */
  model: tf.LayersModel;
  /** The last layer to keep. Default: the one before the first Flatten, global pooling or Dense layer. */
  upTo?: string;
  /** Shape of one frame the base will be given (default the network's own input shape). */
  frameShape?: readonly number[];
  /** The value range the network was trained on, when it is not [0, 1] (the frames' range). */
  inputRange?: readonly [number, number];
  /** Name of the base model (default "conv_base"). */
  name?: string;
}

export interface ConvolutionalBase {
  /** Frames in, feature maps out. Set `base.model.trainable = false` to freeze it. */
  model: tf.LayersModel;
  /** The pretrained network's own input shape [height, width, channels]. */
  networkInputShape: number[];
  /** The frame shape the base takes. */
  frameShape: number[];
  /** Shape of the feature maps (without the batch axis). */
  outputShape: number[];
  /** The layers kept, by name, from input to output (without the input layer and the adapter). */
  layerNames: string[];
  /** The convolutional layers among them; the last is the one fine-tuning unfreezes first. */
  convLayers: string[];
  /** Whether an InputAdapter resizes or rescales frames in front of the network. */
  adapted: boolean;
  /** One line saying what was kept. */
  description: string;
}

function shapeOf(t: tf.SymbolicTensor): number[] {
  return t.shape.slice(1) as number[];
}

/** The convolutional base of `args.model` (see the module comment). */
export async function convolutionalBase(args: ConvolutionalBaseArgs): Promise<ConvolutionalBase> {
  const { model } = args;
  if (!(model instanceof tf.LayersModel)) throw new Error("convolutionalBase: model must be a tf.js layers model");
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`convolutionalBase: expected a network with one input and one output, got ${model.inputs.length} and ${model.outputs.length}`);
  }
  const inputShape = shapeOf(model.inputs[0]);
  if (inputShape.length !== 3 || inputShape.some((d) => d === null)) {
    throw new Error(`convolutionalBase: expected an image network with a fixed input [height, width, channels], got [${inputShape.join(", ")}]`);
  }
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  let cutIndex: number;
  if (args.upTo !== undefined) {
    cutIndex = layers.findIndex((l) => l.name === args.upTo);
    if (cutIndex < 0) {
      throw new Error(`convolutionalBase: the network has no layer '${args.upTo}'; its layers are ${layers.map((l) => l.name).join(", ")}`);
    }
  } else {
    const head = layers.findIndex((l) => HEAD_START.has(l.getClassName()));
    if (head === 0) throw new Error(`convolutionalBase: the network starts with ${layers[0].getClassName()}: it has no convolutional base`);
    cutIndex = head < 0 ? layers.length - 1 : head - 1;
  }
  const kept = layers.slice(0, cutIndex + 1);
  const convLayers = kept.filter((l) => CONV.has(l.getClassName())).map((l) => l.name);
  if (convLayers.length === 0) throw new Error(`convolutionalBase: no convolutional layer up to '${kept[kept.length - 1].name}'`);
  const cutOutput = kept[kept.length - 1].output;
  if (Array.isArray(cutOutput)) throw new Error(`convolutionalBase: layer '${kept[kept.length - 1].name}' has several outputs; pick another with upTo`);

  // A copy with its own weights: rebuild from the JSON of the cut network, then copy the values in.
  const name = args.name ?? "conv_base";
  const cut = tf.model({ inputs: model.inputs, outputs: cutOutput as tf.SymbolicTensor });
  const topology = JSON.parse(cut.toJSON(null, true) as string) as { config: { name: string } };
  const sameSizeAndRange = (args.frameShape === undefined || (args.frameShape[0] === inputShape[0] && args.frameShape[1] === inputShape[1])) &&
    args.inputRange === undefined;
  topology.config.name = sameSizeAndRange ? name : `${name}_network`;
  const copy = await tf.models.modelFromJSON({ modelTopology: topology });
  copy.setWeights(cut.getWeights());

  const frameShape = args.frameShape !== undefined ? [...args.frameShape] : inputShape;
  if (frameShape.length !== 3 || frameShape[2] !== inputShape[2]) {
    throw new Error(`convolutionalBase: frames [${frameShape.join(", ")}] and network input [${inputShape.join(", ")}] must have the same number of channels`);
  }
  let scale = 1;
  let offset = 0;
  if (args.inputRange !== undefined) {
    const [lo, hi] = args.inputRange;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new Error(`convolutionalBase: inputRange must be [low, high], got ${JSON.stringify(args.inputRange)}`);
    scale = hi - lo;
    offset = lo;
  }
  const sameSize = frameShape[0] === inputShape[0] && frameShape[1] === inputShape[1];
  const adapted = !sameSize || scale !== 1 || offset !== 0;
  let base: tf.LayersModel;
  if (!adapted) {
    base = copy;
  } else {
    const input = tf.input({ shape: frameShape });
    const adapter = new InputAdapter({ height: inputShape[0], width: inputShape[1], scale, offset, name: `${name}_input_adapter` });
    const features = copy.apply(adapter.apply(input)) as tf.SymbolicTensor;
    base = tf.model({ inputs: input, outputs: features, name });
  }
  const outputShape = shapeOf(base.outputs[0]);
  const layerNames = kept.map((l) => l.name);
  const fit = adapted ? `; frames [${frameShape.join(", ")}] are ${sameSize ? "" : `resized to ${inputShape[0]} × ${inputShape[1]}`}` +
    `${!sameSize && (scale !== 1 || offset !== 0) ? " and " : ""}${scale !== 1 || offset !== 0 ? `rescaled to [${offset}, ${offset + scale}]` : ""} first` : "";
  const description = `convolutional base: ${layerNames.length} layers up to '${layerNames[layerNames.length - 1]}' ` +
    `(${convLayers.length} convolutional), input [${inputShape.join(", ")}], feature maps [${outputShape.join(", ")}]${fit}`;
  return { model: base, networkInputShape: inputShape, frameShape, outputShape, layerNames, convLayers, adapted, description };
}

/** Loads a tf.js layers model folder (model.json + weights) named by the user, with errors that say what is wrong. */
export async function loadPretrainedNetwork(folder: string): Promise<tf.LayersModel> {
  if (typeof folder !== "string" || folder.trim() === "") throw new Error("loadPretrainedNetwork: give the folder that holds model.json");
  const dir = path.basename(folder) === "model.json" ? path.dirname(folder) : folder;
  if (!fs.existsSync(dir)) throw new Error(`pretrained network: no folder ${dir} (resolved from ${process.cwd()})`);
  if (!fs.statSync(dir).isDirectory()) throw new Error(`pretrained network: ${dir} is not a folder; give the folder that holds model.json`);
  const json = path.join(dir, "model.json");
  if (!fs.existsSync(json)) {
    const h5 = fs.readdirSync(dir).filter((f) => /\.(h5|keras)$/i.test(f));
    const hint = h5.length > 0 ? ` (it holds ${h5.join(", ")}: load Keras files with dl.loadKerasModel)` : "";
    throw new Error(`pretrained network: ${dir} has no model.json, so it is not a tf.js layers model folder${hint}`);
  }
  try {
    const parsed = JSON.parse(fs.readFileSync(json, "utf8")) as { format?: string; modelTopology?: unknown };
    if (parsed.format === "graph-model") {
      throw new Error(`pretrained network: ${json} is a tf.js graph model, which cannot be cut or retrained; ` +
        "convert the network with --output_format=tfjs_layers_model");
    }
  } catch (e) {
    if (e instanceof SyntaxError) throw new Error(`pretrained network: ${json} is not valid JSON (${e.message})`);
    throw e;
  }
  return loadModel(dir);
}

/** Trainable and frozen parameter counts of a model (after a change of `trainable`, compile again). */
export function parameterCounts(model: tf.LayersModel): { trainable: number; nonTrainable: number; total: number } {
  const count = (ws: tf.LayerVariable[]): number => ws.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}

/**
 * Freezes every layer of a base except the named ones (fine-tuning: unfreeze the top convolutional
 * layer). The base itself stays trainable so those layers can learn. Compile the model again afterwards.
 */
export function unfreezeOnly(base: tf.LayersModel, layerNames: readonly string[]): void {
  const all = allLayers(base);
  for (const n of layerNames) {
    if (!all.some((l) => l.name === n)) throw new Error(`unfreezeOnly: the base has no layer '${n}'`);
  }
  base.trainable = true;
  // Nested models (the copied network inside an adapted base) first: setting theirs cascades to their layers.
  for (const l of all) if (l instanceof tf.LayersModel) l.trainable = true;
  for (const l of all) if (!(l instanceof tf.LayersModel)) l.trainable = layerNames.includes(l.name);
}

function allLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = [];
  for (const l of model.layers) {
    out.push(l);
    if (l instanceof tf.LayersModel) out.push(...allLayers(l));
  }
  return out;
}
