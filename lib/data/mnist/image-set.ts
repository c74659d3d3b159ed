/**
 * A labelled set of small images kept as bytes (0..255), with the original course's `train_id` idea:
 * every image carries the name of the part it belongs to. Tensors are made on request, scaled by
 * 1/255 as the course does, in the layout a model wants.
 */
import * as tf from "@tensorflow/tfjs";

export type SplitName = "train" | "valid" | "test";
export const SPLIT_NAMES: readonly SplitName[] = ["train", "valid", "test"];

export interface ImageSet {
  /** n × height × width × channels grey levels (or RGB values) 0..255, row-major. */
  images: Uint8Array;
  /** The class of each image, 0-based. */
  labels: Int32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
  /** The part each image belongs to (the original's `train_id` column). */
  trainId: SplitName[];
  classNames: string[];
  /** One line saying which data this is and how it was split. */
  description: string;
}

/** "flat": [N, h·w·c] for dense nets; "hw": [N, h, w] (one channel only); "hwc": [N, h, w, c] for convnets. */
export type ImageLayout = "flat" | "hw" | "hwc";

export interface TensorOptions {
  layout?: ImageLayout;
  /** Divide by 255 to get values in [0, 1] (default true, as the course does). */
  scale?: boolean;
}

/** Positions (in the set) of the images of one part, in set order, like `which(train_id == part)`. */
export function splitIds(set: ImageSet, part: SplitName): number[] {
  checkPart(part);
  const ids: number[] = [];
  set.trainId.forEach((p, i) => {
    if (p === part) ids.push(i);
  });
  return ids;
}

/** The labels of one part (or of every image with "all"). */
export function splitLabels(set: ImageSet, part: SplitName | "all" = "all"): number[] {
  const ids = part === "all" ? allIds(set) : splitIds(set, part);
  return ids.map((i) => set.labels[i]);
}

/** Images of one part (or "all") as a float32 tensor; the caller disposes it. */
export function imageTensor(set: ImageSet, part: SplitName | "all" = "all", options: TensorOptions = {}): tf.Tensor {
  const ids = part === "all" ? allIds(set) : splitIds(set, part);
  return imagesAt(set, ids, options);
}

/** The images at positions `ids` as a float32 tensor; the caller disposes it. */
export function imagesAt(set: ImageSet, ids: readonly number[], options: TensorOptions = {}): tf.Tensor {
  const layout = options.layout ?? "hwc";
  const scale = options.scale ?? true;
  if (layout === "hw" && set.channels !== 1) {
    throw new Error(`imagesAt: layout "hw" needs one channel, these images have ${set.channels}; use "hwc"`);
  }
  const size = set.height * set.width * set.channels;
  const values = new Float32Array(ids.length * size);
  const factor = scale ? 1 / 255 : 1;
  ids.forEach((id, k) => {
    if (!Number.isInteger(id) || id < 0 || id >= set.n) throw new Error(`imagesAt: index ${id} is outside 0..${set.n - 1}`);
    const from = id * size;
    for (let j = 0; j < size; j++) values[k * size + j] = set.images[from + j] * factor;
  });
  const shape =
    layout === "flat"
      ? [ids.length, size]
      : layout === "hw"
        ? [ids.length, set.height, set.width]
        : [ids.length, set.height, set.width, set.channels];
  return tf.tensor(values, shape, "float32");
}

/** One greyscale image as rows of values in [0, 1] (for drawing). */
export function greyImage(set: ImageSet, id: number): number[][] {
  if (set.channels !== 1) throw new Error(`greyImage: the images have ${set.channels} channels, not 1`);
  if (!Number.isInteger(id) || id < 0 || id >= set.n) throw new Error(`greyImage: index ${id} is outside 0..${set.n - 1}`);
  const size = set.height * set.width;
  return Array.from({ length: set.height }, (_, r) =>
    Array.from({ length: set.width }, (_, c) => set.images[id * size + r * set.width + c] / 255),
  );
}

/** How many images each part holds. */
export function splitSizes(set: ImageSet): Record<SplitName, number> {
  const sizes: Record<SplitName, number> = { train: 0, valid: 0, test: 0 };
  for (const p of set.trainId) sizes[p]++;
  return sizes;
}

/** Checks that the fields agree with each other; loaders call it before returning. */
export function checkImageSet(set: ImageSet): ImageSet {
  const size = set.height * set.width * set.channels;
  if (set.images.length !== set.n * size) {
    throw new Error(`image set: ${set.images.length} bytes do not make ${set.n} images of ${set.height}×${set.width}×${set.channels}`);
  }
  if (set.labels.length !== set.n) throw new Error(`image set: ${set.labels.length} labels for ${set.n} images`);
  if (set.trainId.length !== set.n) throw new Error(`image set: ${set.trainId.length} train_id entries for ${set.n} images`);
  for (let i = 0; i < set.n; i++) {
    const y = set.labels[i];
    if (y < 0 || y >= set.classNames.length) {
      throw new Error(`image set: label ${y} of image ${i} is outside 0..${set.classNames.length - 1}`);
    }
  }
  return set;
}

function allIds(set: ImageSet): number[] {
  return Array.from({ length: set.n }, (_, i) => i);
}

function checkPart(part: string): void {
  if (!(SPLIT_NAMES as readonly string[]).includes(part)) {
    throw new Error(`unknown part "${part}": use one of ${SPLIT_NAMES.join(", ")}`);
  }
}
