/**
 * A layer that makes frames fit a pretrained network's input: bilinear resize to its height × width,
 * then `x * scale + offset` (e.g. scale 2, offset -1 for a network that expects values in [-1, 1]).
 * tf.js's own `tf.layers.resizing` reports an output shape without the batch axis (4.22), which breaks
 * every layer after it in a model, hence this one.
 */
import * as tf from "@tensorflow/tfjs";

export interface InputAdapterArgs {
  height: number;
  width: number;
  /** Default 1. */
  scale?: number;
  /** Default 0. */
  offset?: number;
  name?: string;
  inputShape?: number[];
}

export class InputAdapter extends tf.layers.Layer {
  static className = "InputAdapter";
  readonly height: number;
  readonly width: number;
  readonly scale: number;
  readonly offset: number;

  constructor(args: InputAdapterArgs) {
    super({ name: args.name, inputShape: args.inputShape });
    for (const [k, v] of [["height", args.height], ["width", args.width]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`InputAdapter: ${k} must be a positive whole number, got ${v}`);
    }
    this.height = args.height;
    this.width = args.width;
    this.scale = args.scale ?? 1;
    this.offset = args.offset ?? 0;
    if (!Number.isFinite(this.scale) || !Number.isFinite(this.offset)) throw new Error("InputAdapter: scale and offset must be finite numbers");
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (s.length !== 4) throw new Error(`InputAdapter: expected images [batch, height, width, channels], got [${s.join(", ")}]`);
    return [s[0], this.height, this.width, s[3]];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const sized = x.shape[1] === this.height && x.shape[2] === this.width ? x : tf.image.resizeBilinear(x, [this.height, this.width], false, true);
      return this.scale === 1 && this.offset === 0 ? sized.clone() : sized.mul(this.scale).add(this.offset);
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width, scale: this.scale, offset: this.offset };
  }
}
tf.serialization.registerClass(InputAdapter);
