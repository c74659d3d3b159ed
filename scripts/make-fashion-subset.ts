/**
 * Writes a small, class-balanced, seeded sample of Fashion-MNIST (MIT licence) as the four standard
 * IDX .gz files, small enough to ship with the course (80 images per class ≈ 300 kB), so the
 * chapter-10 overfitting lesson runs without Debian's dataset-fashion-mnist package.
 *   node --import tsx scripts/make-fashion-subset.ts OUT_DIR [SOURCE_DIR]
 * Read it back with loadFashionSmall({ dir: OUT_DIR }) or loadFashionMnist({ dir: OUT_DIR, validation: 0 }).
 */
import * as fs from "fs";
import * as path from "path";
import { writeIdxFile } from "../lib/data/mnist/idx";
import { loadFashionSmall } from "../lib/data/mnist/fashion-small";
import type { ImageSet, SplitName } from "../lib/data/mnist/image-set";
import { readArgs } from "./args";

function writePart(set: ImageSet, parts: SplitName[], dir: string, prefix: string): number {
  const ids = set.trainId.flatMap((p, i) => (parts.includes(p) ? [i] : []));
  const size = set.height * set.width;
  const pixels = new Uint8Array(ids.length * size);
  ids.forEach((id, k) => pixels.set(set.images.subarray(id * size, (id + 1) * size), k * size));
  writeIdxFile(path.join(dir, `${prefix}-images-idx3-ubyte.gz`), { dtype: "uint8", shape: [ids.length, set.height, set.width], data: pixels });
  const labels = Uint8Array.from(ids, (id) => set.labels[id]);
  writeIdxFile(path.join(dir, `${prefix}-labels-idx1-ubyte.gz`), { dtype: "uint8", shape: [ids.length], data: labels });
  return ids.length;
}

const args = readArgs({ script: "make-fashion-subset", usage: "usage: make-fashion-subset.ts OUT_DIR [SOURCE_DIR]", options: {}, maxPositionals: 2 });
const [out, source] = args.positionals;
if (out === undefined) args.fail("OUT_DIR is missing");
const sample = loadFashionSmall({ dir: source, seed: 20240501, perClass: { train: 60, valid: 0, test: 20 } });
fs.mkdirSync(out, { recursive: true });
const nTrain = writePart(sample, ["train"], out, "train");
const nTest = writePart(sample, ["test"], out, "t10k");
const bytes = fs.readdirSync(out).reduce((s, f) => s + fs.statSync(path.join(out, f)).size, 0);
console.log(`wrote ${nTrain} training and ${nTest} test images to ${out} (${Math.round(bytes / 1024)} kB)`);
