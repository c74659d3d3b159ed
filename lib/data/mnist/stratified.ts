/**
 * A seeded split that takes the same number of images from every class for each part, the way the
 * original's flowers table was split (40 train / 20 valid / 20 test per class).
 */
import { Rng } from "../../random/rng";
import { splitIndices } from "../split";
import { checkImageSet, type ImageSet, type SplitName } from "./image-set";

export interface PerClass {
  train: number;
  valid: number;
  test: number;
}

/**
 * For each item, the part it goes to, or null when it is left out (classes bigger than the sum of
 * the per-class sizes are subsampled). Throws when a class is too small.
 */
export function stratifiedTrainId(
  labels: ArrayLike<number>,
  numClasses: number,
  perClass: PerClass,
  rng: Rng,
): (SplitName | null)[] {
  for (const [part, k] of Object.entries(perClass)) {
    if (!Number.isInteger(k) || k < 0) throw new Error(`stratifiedTrainId: perClass.${part} must be a whole number >= 0, got ${k}`);
  }
  if (perClass.train < 1) throw new Error("stratifiedTrainId: perClass.train must be at least 1");
  const want = perClass.train + perClass.valid + perClass.test;
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new Error(`stratifiedTrainId: label ${y} at position ${i} is outside 0..${numClasses - 1}`);
    }
    byClass[y].push(i);
  }
  const out: (SplitName | null)[] = new Array(labels.length).fill(null);
  byClass.forEach((members, y) => {
    if (members.length < want) {
      throw new Error(`stratifiedTrainId: class ${y} has ${members.length} items, fewer than the ${want} asked for per class`);
    }
    // Seeded order of this class's members: the first `train` go to train, and so on.
    const order =
      perClass.train === members.length
        ? members
        : (() => {
            const s = splitIndices(members.length, perClass.train, rng);
            return [...s.train, ...s.validation].map((j) => members[j]);
          })();
    order.forEach((id, k) => {
      if (k < perClass.train) out[id] = "train";
      else if (k < perClass.train + perClass.valid) out[id] = "valid";
      else if (k < want) out[id] = "test";
    });
  });
  return out;
}

/** The images of `set` kept by a stratified split, with their new parts; `note` is added to the description. */
export function stratifiedSubset(set: ImageSet, perClass: PerClass, rng: Rng, note: string): ImageSet {
  const parts = stratifiedTrainId(set.labels, set.classNames.length, perClass, rng);
  const keep: number[] = [];
  parts.forEach((p, i) => {
    if (p !== null) keep.push(i);
  });
  const size = set.height * set.width * set.channels;
  const images = new Uint8Array(keep.length * size);
  keep.forEach((id, k) => images.set(set.images.subarray(id * size, (id + 1) * size), k * size));
  return checkImageSet({
    ...set,
    images,
    labels: Int32Array.from(keep, (id) => set.labels[id]),
    n: keep.length,
    trainId: keep.map((id) => parts[id] as SplitName),
    description: `${set.description}; ${note}`,
  });
}
