import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { encodeJpeg } from "../../../lib/data/images/codecs/jpeg-encode";
import { loadLabelledFolders, loadLabelledFrames } from "../../../lib/data/images/loaders/load-labelled";
import { FrameBytes, predictFrames } from "../../../lib/data/images/loaders/frame-bytes";
import { setSeed } from "../../../lib/random/rng";
import { takeRows } from "../../../lib/data/split";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "frame-bytes-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const H = 6;
const W = 8;
function writeFolder(name: string, n: number, seed: number): string {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder);
  for (let i = 0; i < n; i++) {
    const px = new Uint8Array(H * W * 3).map((_, j) => (j * (i + 3) * 7 + seed * 31 + i * 11) % 256);
    fs.writeFileSync(path.join(folder, `f${String(i).padStart(2, "0")}.jpg`), encodeJpeg(px, W, H, 95));
  }
  return folder;
}
const a = writeFolder("a", 13, 1);
const b = writeFolder("b", 10, 2);
const folders = [{ path: a, label: 0 }, { path: b, label: 1 }];

test("frames as bytes hold the same pixels as the float loader, a quarter of the memory", () => {
  const floats = loadLabelledFolders({ folders });
  const bytes = loadLabelledFrames({ folders });
  assert.deepEqual(bytes.x.shape, floats.x.shape);
  assert.equal(bytes.x.pixels.byteLength * 4, floats.x.size * 4 * 1);
  assert.deepEqual(bytes.labels, floats.labels);
  assert.deepEqual(bytes.hashes, floats.hashes);
  const back = bytes.x.toTensor();
  assert.deepEqual(Array.from(back.dataSync()), Array.from(floats.x.dataSync()), "bit for bit the same floats");
  const some = bytes.x.take([5, 0, 17]).take([2, 0]);
  const want = tf.gather(floats.x, [17, 5]);
  assert.deepEqual(Array.from(some.toTensor().dataSync()), Array.from(want.dataSync()));
  const viaTakeRows = takeRows(bytes.x, [17, 5]);
  assert.deepEqual(Array.from(viaTakeRows.dataSync()), Array.from(want.dataSync()), "dl.takeRows on bytes gives floats");
  viaTakeRows.dispose();
  assert.throws(() => bytes.x.take([23]), /index 23 is outside 0\.\.22/);
  // tf.dispose / tf.tidy walk enumerable properties element by element: the bytes must not be among them.
  assert.deepEqual(Object.keys(bytes.x).sort(), ["height", "width"]);
  const view = bytes.x.take([1, 2]);
  bytes.x.dispose();
  assert.equal(view.isDisposed, true, "dispose frees the bytes for every view");
  assert.throws(() => view.toTensor(), /these frames were disposed/);
  tf.dispose([floats.x, floats.y, bytes.y, back, want]);
});

test("fitDataset over byte batches trains exactly as fit over the float tensor (same seed, same numbers)", async () => {
  const floats = loadLabelledFolders({ folders });
  const bytes = loadLabelledFrames({ folders });
  const rows = [3, 20, 7, 0, 15, 11, 9, 22, 1, 18, 5, 13, 2, 16, 8];
  const valRows = [4, 6, 10, 12, 14, 17, 19, 21];
  function model(): tf.Sequential {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [H, W, 3], filters: 3, kernelSize: 3, activation: "relu" }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dropout({ rate: 0.3 }));
    m.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
    m.compile({ loss: "binaryCrossentropy", optimizer: "adam", metrics: ["binaryAccuracy"] });
    return m;
  }
  const x = tf.gather(floats.x, rows);
  const y = tf.gather(floats.y, rows);
  const vx = tf.gather(floats.x, valRows);
  const vy = tf.gather(floats.y, valRows);
  setSeed(42);
  const m1 = model();
  const h1 = await m1.fit(x, y, { epochs: 3, batchSize: 4, validationData: [vx, vy], verbose: 0 });
  const before = tf.memory().numTensors;
  setSeed(42);
  const m2 = model();
  const train = bytes.x.take(rows);
  const trainY = tf.gather(bytes.y, rows);
  const val = bytes.x.take(valRows);
  const valY = valRows.map((r) => bytes.labels[r]);
  const h2 = await m2.fitDataset(train.batches(trainY, { batchSize: 4, shuffle: true }), {
    epochs: 3,
    validationData: val.batches(valY, { batchSize: 4 }),
    verbose: 0,
  });
  assert.deepEqual(h2.history, h1.history);
  const p1 = m1.predict(vx, { batchSize: 3 }) as tf.Tensor;
  const p2 = predictFrames(m2, val, { batchSize: 3 });
  assert.deepEqual(Array.from(p2.dataSync()), Array.from(p1.dataSync()));
  tf.dispose([p1, p2, trainY]);
  m2.dispose();
  assert.equal(tf.memory().numTensors, before, "the byte batches leave no tensor behind");
  m1.dispose();
  tf.dispose([x, y, vx, vy, floats.x, floats.y, bytes.y]);
});

test("bad arguments are named", () => {
  assert.throws(() => new FrameBytes(new Uint8Array(10), 2, 2), /10 bytes is not a whole number of 2×2×3 frames/);
  const f = new FrameBytes(new Uint8Array(24), 2, 2);
  assert.throws(() => f.batches([[0]], { batchSize: 1 }), /2 frames but 1 label rows/);
  assert.throws(() => f.batches(null, { batchSize: 0 }), /batchSize must be a positive whole number/);
});
