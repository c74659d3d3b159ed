import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { encodeJpeg } from "../../../lib/data/images/codecs/jpeg-encode";
import { loadLabelledFolders } from "../../../lib/data/images/loaders/load-labelled";
import { describeDuplicates, findDuplicates, hashPixels } from "../../../lib/data/images/checks/duplicates";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dups-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function frame(seed: number): Buffer {
  const px = new Uint8Array(10 * 6 * 3).map((_, i) => (i * seed * 13 + seed) % 256);
  return encodeJpeg(px, 10, 6, 90);
}

test("hashPixels: equal pixels, equal hash; one changed value, another hash", () => {
  const a = new Uint8Array([1, 2, 3, 4]);
  assert.equal(hashPixels(a), hashPixels(Uint8Array.from(a)));
  assert.notEqual(hashPixels(a), hashPixels(new Uint8Array([1, 2, 3, 5])));
});

test("duplicates in real JPEG folders: within a class, across classes, across the split", () => {
  const rick = path.join(dir, "Rick");
  const not = path.join(dir, "NotRick");
  fs.mkdirSync(rick);
  fs.mkdirSync(not);
  // Rick: frames 1..4 with frame 3 = frame 1 (within class); not Rick: 1..3 with frame 2 = Rick's frame 4.
  fs.writeFileSync(path.join(rick, "r1.jpg"), frame(1));
  fs.writeFileSync(path.join(rick, "r2.jpg"), frame(2));
  fs.writeFileSync(path.join(rick, "r3.jpg"), frame(1));
  fs.writeFileSync(path.join(rick, "r4.jpg"), frame(4));
  fs.writeFileSync(path.join(not, "n1.jpg"), frame(5));
  fs.writeFileSync(path.join(not, "n2.jpg"), frame(4));
  fs.writeFileSync(path.join(not, "n3.jpg"), frame(7));
  const before = tf.memory().numTensors;
  const d = loadLabelledFolders({ folders: [{ path: rick, label: 0 }, { path: not, label: 1 }] });
  d.x.dispose();
  d.y.dispose();
  assert.equal(tf.memory().numTensors, before);

  // Frames: 0 r1, 1 r2, 2 r3, 3 r4, 4 n1, 5 n2, 6 n3.
  const split = { train: [0, 1, 3, 4], validation: [2, 5, 6] };
  const r = findDuplicates({ hashes: d.hashes, classes: d.folderIndex, classNames: d.classNames, split, files: d.files });
  assert.equal(r.groups.length, 2);
  assert.deepEqual(r.groups.map((g) => g.members), [[0, 2], [3, 5]]);
  assert.equal(r.extraCopies, 2);
  assert.equal(r.withinClass, 1);
  assert.equal(r.acrossClasses, 1);
  assert.deepEqual(r.groups[1].classes, [0, 1]);
  assert.equal(r.acrossSplits, 2);
  assert.equal(r.leakedValidation, 2);
  const text = describeDuplicates(r);
  assert.match(text, /7 frames: 2 groups of identical frames, 2 frames are copies/);
  assert.match(text, /across classes \(conflicting labels\): 1 groups/);
  assert.match(text, /2 validation frames also appear in training/);
  assert.match(text, /\[Rick, NotRick\]: .*r4\.jpg = .*n2\.jpg/);

  // Same copies, but both members of each group on the training side: no leak.
  const safe = findDuplicates({ hashes: d.hashes, classes: d.folderIndex, split: { train: [0, 2, 3, 5], validation: [1, 4, 6] } });
  assert.equal(safe.acrossSplits, 0);
  assert.equal(safe.leakedValidation, 0);
});

test("findDuplicates checks its input", () => {
  assert.equal(findDuplicates({ hashes: ["a", "b", "c"] }).groups.length, 0);
  assert.throws(() => findDuplicates({ hashes: ["a", "b"], classes: [0] }), /1 classes for 2 hashes/);
  assert.throws(() => findDuplicates({ hashes: ["a", "b"], split: { train: [0], validation: [2] } }), /validation index 2 is outside 0..1/);
  assert.throws(() => findDuplicates({ hashes: ["a", "b"], split: { train: [0], validation: [0] } }), /both training and validation/);
});
