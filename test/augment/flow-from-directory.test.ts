import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { encodeJpeg } from "../../lib/data/images/codecs/jpeg-encode";
import { flowFromDirectory, type DirectoryFlow } from "../../lib/augment/flow-from-directory";
import { ImageDataGenerator } from "../../lib/augment/image-generator";

tf.enableProdMode();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Each class is a flat colour whose red value tells the class and green value the file number, so a batch row can be traced to its file. */
function writeClasses(root: string, counts: Record<string, number>, size: [number, number] = [6, 8]): void {
  const [h, w] = size;
  Object.entries(counts).forEach(([name, n], k) => {
    fs.mkdirSync(path.join(root, name), { recursive: true });
    for (let i = 0; i < n; i++) {
      const px = new Uint8Array(h * w * 3);
      for (let p = 0; p < px.length; p += 3) px.set([40 + 60 * k, 10 * i, 128], p);
      fs.writeFileSync(path.join(root, name, `img_${String(i).padStart(2, "0")}.jpg`), encodeJpeg(px, w, h, 100));
    }
  });
}

/** Every batch of one epoch: per row the class decoded from its pixels, the label row, and the file index from green. */
function readEpoch(flow: DirectoryFlow): { pixelClass: number[]; label: number[][]; fileNo: number[]; sizes: number[] } {
  const out = { pixelClass: [] as number[], label: [] as number[][], fileNo: [] as number[], sizes: [] as number[] };
  for (const b of flow.batches()) {
    out.sizes.push(b.xs.shape[0]);
    const means = tf.tidy(() => b.xs.mean([1, 2]).arraySync() as number[][]);
    for (const [r, g] of means) {
      out.pixelClass.push(Math.round((r * 255 - 40) / 60) + 0);
      out.fileNo.push(Math.round((g * 255) / 10) + 0);
    }
    if (b.ys) out.label.push(...(b.ys.arraySync() as number[][]));
    tf.dispose([b.xs, b.ys ?? []]);
  }
  return out;
}

const root = path.join(dir, "three");
writeClasses(root, { cat: 7, dog: 5, emu: 10 });

test("class folders become labels (sorted by name), every file once per epoch, labels travel with their images", () => {
  const before = tf.memory().numTensors;
  const flows = flowFromDirectory({ directory: root, batchSize: 4, seed: 3 });
  assert.deepEqual(flows.classNames, ["cat", "dog", "emu"]);
  assert.deepEqual(flows.classIndices, { cat: 0, dog: 1, emu: 2 });
  assert.equal(flows.validation, null);
  const t = flows.training;
  assert.equal(t.count, 22);
  assert.deepEqual(t.counts, [7, 5, 10]);
  assert.deepEqual(t.targetSize, [6, 8]);
  assert.equal(t.batchesPerEpoch, 6);
  const e = readEpoch(t);
  assert.deepEqual(e.sizes, [4, 4, 4, 4, 4, 2]);
  e.label.forEach((row, i) => {
    assert.equal(row.length, 3);
    assert.equal(row.indexOf(1), e.pixelClass[i], `row ${i}: one-hot label matches the pixels`);
  });
  const seen = e.pixelClass.map((c, i) => `${c}:${e.fileNo[i]}`).sort();
  const expected = [...Array(7).keys()].map((i) => `0:${i}`).concat([...Array(5).keys()].map((i) => `1:${i}`), [...Array(10).keys()].map((i) => `2:${i}`)).sort();
  assert.deepEqual(seen, expected);
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
});

test("shuffling is seeded: same seed same order, a new order each epoch, another seed another order", () => {
  const order = (seed: number, epochs: number): string[] => {
    const t = flowFromDirectory({ directory: root, batchSize: 5, seed, classMode: "none" }).training;
    return Array.from({ length: epochs }, () => {
      const e = readEpoch(t);
      return e.pixelClass.map((c, i) => `${c}:${e.fileNo[i]}`).join(" ");
    });
  };
  const a = order(7, 2);
  assert.deepEqual(a, order(7, 2));
  assert.notEqual(a[0], a[1], "each epoch is reshuffled");
  assert.notEqual(a[0], order(8, 1)[0]);
  const plain = flowFromDirectory({ directory: root, shuffle: false, classMode: "none" }).training;
  const e = readEpoch(plain);
  assert.deepEqual(e.pixelClass, [...Array(7).fill(0), ...Array(5).fill(1), ...Array(10).fill(2)], "unshuffled: class by class");
});

test("validation split: Keras's rule per class, the subsets never overlap and together hold every file", () => {
  const flows = flowFromDirectory({ directory: root, validationSplit: 0.3, batchSize: 3, seed: 1 });
  const v = flows.validation!;
  const t = flows.training;
  // floor(0.3 * 7) = 2, floor(0.3 * 5) = 1, floor(0.3 * 10) = 3: the first files of each class
  assert.deepEqual(v.counts, [2, 1, 3]);
  assert.deepEqual(t.counts, [5, 4, 7]);
  assert.deepEqual(v.files.map((f) => path.relative(root, f)), ["cat/img_00.jpg", "cat/img_01.jpg", "dog/img_00.jpg", "emu/img_00.jpg", "emu/img_01.jpg", "emu/img_02.jpg"]);
  const overlap = t.files.filter((f) => v.files.includes(f));
  assert.deepEqual(overlap, []);
  assert.equal(new Set([...t.files, ...v.files]).size, 22);
  // what the batches deliver agrees with the lists
  const ve = readEpoch(v);
  assert.deepEqual(ve.pixelClass, v.classes, "validation is read in file order");
  const te = readEpoch(t);
  const trainSeen = new Set(te.pixelClass.map((c, i) => `${c}:${te.fileNo[i]}`));
  const valSeen = new Set(ve.pixelClass.map((c, i) => `${c}:${ve.fileNo[i]}`));
  assert.equal(trainSeen.size, 16);
  assert.ok([...valSeen].every((k) => !trainSeen.has(k)), "no image is in both subsets");
});

test("binary mode gives one 0/1 column for two classes, and refuses three", () => {
  const flows = flowFromDirectory({ directory: root, classes: ["emu", "cat"], classMode: "binary", batchSize: 50, shuffle: false });
  assert.deepEqual(flows.classNames, ["emu", "cat"]);
  const b = flows.training.batches().next().value!;
  assert.deepEqual(b.ys!.shape, [17, 1]);
  assert.deepEqual(Array.from(b.ys!.dataSync()), [...Array(10).fill(0), ...Array(7).fill(1)]);
  tf.dispose([b.xs, b.ys!]);
  assert.throws(() => flowFromDirectory({ directory: root, classMode: "binary" }), /exactly 2 classes.*gives 3 \(cat, dog, emu\)/);
});

test("bad arguments and bad folders get clear errors", () => {
  for (const s of [0, 1, -0.2, 1.5, Number.NaN]) {
    assert.throws(() => flowFromDirectory({ directory: root, validationSplit: s }), /validationSplit must lie strictly between 0 and 1/);
  }
  assert.throws(() => flowFromDirectory({ directory: path.join(dir, "nope") }), /folder not found: .*nope/);
  const flat = path.join(dir, "flat");
  fs.mkdirSync(flat);
  fs.copyFileSync(path.join(root, "cat", "img_00.jpg"), path.join(flat, "a.jpg"));
  assert.throws(() => flowFromDirectory({ directory: flat }), /holds no class folders.*1 file\(s\) directly/);
  const withEmpty = path.join(dir, "with-empty");
  writeClasses(withEmpty, { a: 2 });
  fs.mkdirSync(path.join(withEmpty, "b"));
  assert.throws(() => flowFromDirectory({ directory: withEmpty }), /class folder .*with-empty\/b holds no files .*it is empty/);
  assert.throws(() => flowFromDirectory({ directory: root, classes: ["cat", "cow"] }), /no class folder .*cow; the sub-folders there are: cat, dog, emu/);
  assert.throws(() => flowFromDirectory({ directory: root, batchSize: 0 }), /batchSize must be a positive whole number/);
  assert.throws(() => flowFromDirectory({ directory: root, classMode: "sparse" as never }), /classMode must be/);
  assert.throws(() => flowFromDirectory({ directory: withEmpty, classes: ["a"], validationSplit: 0.2 }), /leaves no file for validation/);
});

test("a corrupt file stops the stream with an error naming it, and no tensor is left behind", () => {
  const bad = path.join(dir, "bad");
  writeClasses(bad, { x: 3, y: 3 });
  const victim = path.join(bad, "y", "img_01.jpg");
  fs.writeFileSync(victim, fs.readFileSync(victim).subarray(0, 200));
  const before = tf.memory().numTensors;
  const t = flowFromDirectory({ directory: bad, batchSize: 2, shuffle: false }).training;
  assert.throws(() => readEpoch(t), (e: Error) => e.message.includes(victim) && /truncated|damaged/.test(e.message));
  assert.equal(tf.memory().numTensors, before);
});

test("the wrong-size policy of the loaders: error naming the file by default, or resize", () => {
  const odd = path.join(dir, "odd");
  writeClasses(odd, { a: 2, b: 2 });
  writeClasses(path.join(dir, "odd-big"), { b: 1 }, [12, 16]);
  const big = path.join(odd, "b", "img_zz.jpg");
  fs.copyFileSync(path.join(dir, "odd-big", "b", "img_00.jpg"), big);
  const t = flowFromDirectory({ directory: odd, targetSize: [6, 8], shuffle: false, batchSize: 10 }).training;
  assert.throws(() => readEpoch(t), (e: Error) => e.message.includes(big) && /12×16 \(height×width\) but the frames should be 6×8/.test(e.message));
  const notes: string[] = [];
  const r = flowFromDirectory({ directory: odd, targetSize: [6, 8], onWrongSize: "resize", warn: (m) => notes.push(m), shuffle: false, batchSize: 10 }).training;
  const e1 = readEpoch(r);
  readEpoch(r);
  assert.deepEqual(e1.sizes, [5]);
  assert.equal(notes.length, 1, "one note per file, not per epoch");
  assert.match(notes[0], /img_zz\.jpg: 12×16 \(height×width\) resized to 6×8/);
});

test("augmentation changes the training images only, seeded, and validation stays as on disk", () => {
  const ranges = { rotationRange: 30, widthShiftRange: 0.3, zoomRange: 0.3, horizontalFlip: true };
  const grad = path.join(dir, "grad");
  // images with structure (a gradient), so that distortions show
  for (const c of ["a", "b"]) {
    fs.mkdirSync(path.join(grad, c), { recursive: true });
    for (let i = 0; i < 5; i++) {
      const px = new Uint8Array(10 * 12 * 3);
      for (let p = 0; p < 120; p++) px.set([(p % 12) * 20, Math.floor(p / 12) * 25, i * 40], p * 3);
      fs.writeFileSync(path.join(grad, c, `g${i}.jpg`), encodeJpeg(px, 12, 10, 100));
    }
  }
  const run = (seed: number): { train: number[]; val: number[] } => {
    const flows = flowFromDirectory({ directory: grad, validationSplit: 0.4, shuffle: false, batchSize: 10, augment: new ImageDataGenerator({ ...ranges, seed }) });
    const tb = flows.training.batches().next().value!;
    const vb = flows.validation!.batches().next().value!;
    const out = { train: Array.from(tb.xs.dataSync() as Float32Array), val: Array.from(vb.xs.dataSync() as Float32Array) };
    tf.dispose([tb.xs, tb.ys!, vb.xs, vb.ys!]);
    return out;
  };
  const plain = flowFromDirectory({ directory: grad, validationSplit: 0.4, shuffle: false, batchSize: 10 });
  const pb = plain.training.batches().next().value!;
  const pv = plain.validation!.batches().next().value!;
  const a = run(5);
  assert.ok(plain.training.augmented === false);
  assert.deepEqual(a, run(5), "same seed, same distortions");
  assert.notDeepEqual(a.train, run(6).train);
  assert.notDeepEqual(a.train, Array.from(pb.xs.dataSync()), "training images are distorted");
  assert.deepEqual(a.val, Array.from(pv.xs.dataSync()), "validation images are not");
  tf.dispose([pb.xs, pb.ys!, pv.xs, pv.ys!]);
});

test("fitDataset trains from the stream with the validation subset, without leaking tensors", async () => {
  const flows = flowFromDirectory({ directory: root, validationSplit: 0.25, batchSize: 4, seed: 2, augment: new ImageDataGenerator({ widthShiftRange: 0.2, seed: 2 }) });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 8, 3], filters: 2, kernelSize: 3, activation: "relu" }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["categoricalAccuracy"] });
  await model.fitDataset(flows.training.dataset(), { epochs: 1, verbose: 0, validationData: flows.validation!.dataset() });
  const before = tf.memory().numTensors;
  const h = await model.fitDataset(flows.training.dataset(), { epochs: 2, verbose: 0, validationData: flows.validation!.dataset() });
  assert.equal(h.history.loss.length, 2);
  assert.ok(Number.isFinite(h.history.val_loss[1] as number));
  assert.equal(tf.memory().numTensors, before, "fitDataset disposes every streamed batch");
  model.dispose();
});
