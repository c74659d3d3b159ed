import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as jpeg from "jpeg-js";
import * as tf from "@tensorflow/tfjs";
import { FLOWER17_NAMES, listFlowerFiles, loadFlowers17, readJpegResized } from "../../../lib/data/flowers/flowers17";
import { splitLabels, splitSizes } from "../../../lib/data/mnist/image-set";

tf.enableProdMode();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "flowers-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A solid-colour 12×10 JPEG. */
function writeJpeg(file: string, rgb: [number, number, number]): void {
  const width = 12;
  const height = 10;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  fs.writeFileSync(file, jpeg.encode({ data, width, height }, 95).data);
}

test("Oxford's layout: jpg/image_NNNN.jpg in blocks of 80 per class", () => {
  const dir = path.join(tmp, "oxford");
  fs.mkdirSync(path.join(dir, "jpg"), { recursive: true });
  // 4 photos of each class: numbers 1-4, 81-84, ...; class k is coloured (10k, 255 - 10k, 128)
  for (let k = 0; k < 17; k++) {
    for (let j = 1; j <= 4; j++) {
      const number = String(k * 80 + j).padStart(4, "0");
      writeJpeg(path.join(dir, "jpg", `image_${number}.jpg`), [10 * k, 255 - 10 * k, 128]);
    }
  }
  const set = loadFlowers17({ dir, size: 8, seed: 1, perClass: { train: 2, valid: 1, test: 1 } });
  assert.deepEqual(set.classNames, FLOWER17_NAMES);
  assert.equal(set.channels, 3);
  assert.equal(set.height, 8);
  assert.deepEqual(splitSizes(set), { train: 34, valid: 17, test: 17 });
  assert.equal(new Set(splitLabels(set, "test")).size, 17);
  // colours survive decoding and resizing (JPEG is lossy: allow a few levels)
  for (let i = 0; i < set.n; i++) {
    const k = set.labels[i];
    const px = Array.from(set.images.subarray(i * 192, i * 192 + 3));
    [10 * k, 255 - 10 * k, 128].forEach((want, c) => assert.ok(Math.abs(px[c] - want) <= 6, `image ${i} class ${k}: ${px} vs ${want}`));
  }
  assert.match(set.description, /Oxford archive layout.*2 train \/ 1 valid \/ 1 test per class \(seed 1\)/);
});

test("one folder per class, classes sorted by folder name", () => {
  const dir = path.join(tmp, "folders");
  for (const [name, rgb] of [["tulip", [200, 0, 0]], ["daisy", [250, 250, 250]], ["bluebell", [0, 0, 200]]] as const) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    for (let j = 0; j < 3; j++) writeJpeg(path.join(dir, name, `${j}.jpg`), [...rgb]);
  }
  const listed = listFlowerFiles(dir);
  assert.deepEqual(listed.classNames, ["bluebell", "daisy", "tulip"]);
  const set = loadFlowers17({ dir, size: 4, perClass: { train: 2, valid: 1, test: 0 } });
  assert.deepEqual(splitSizes(set), { train: 6, valid: 3, test: 0 });
  const tulip = set.labels.indexOf(2);
  assert.ok(set.images[tulip * 48] > 180 && set.images[tulip * 48 + 2] < 30);
});

test("clear errors: no folder, no photos, a damaged JPEG", () => {
  assert.throws(() => loadFlowers17({ dir: path.join(tmp, "nothing-here") }), /no such folder/);
  const saved = process.env.FLOWERS17_DIR;
  delete process.env.FLOWERS17_DIR;
  assert.throws(() => loadFlowers17({}), /give `dir` \(or set FLOWERS17_DIR\)/);
  if (saved !== undefined) process.env.FLOWERS17_DIR = saved;
  fs.mkdirSync(path.join(tmp, "empty"));
  assert.throws(() => loadFlowers17({ dir: path.join(tmp, "empty") }), /found neither jpg\/image_NNNN.jpg/);
  fs.writeFileSync(path.join(tmp, "bad.jpg"), "not a jpeg");
  assert.throws(() => readJpegResized(path.join(tmp, "bad.jpg"), 4), /bad.jpg is not a JPEG/);
});

test("resizing leaves no tensors behind", () => {
  const file = path.join(tmp, "one.jpg");
  writeJpeg(file, [1, 2, 3]);
  const before = tf.memory().numTensors;
  assert.equal(readJpegResized(file, 5).length, 75);
  assert.equal(tf.memory().numTensors, before);
});
