import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import * as jpeg from "jpeg-js";
import { listFiles } from "../../../lib/data/images/list-files";
import { decodeJpeg, readJpeg, readJpegTensor } from "../../../lib/data/images/codecs/jpeg";
import { encodeJpeg } from "../../../lib/data/images/codecs/jpeg-encode";
import { loadImageFiles, loadImageFolder } from "../../../lib/data/images/loaders/load-images";
import { loadLabelledFolders } from "../../../lib/data/images/loaders/load-labelled";
import { encodePng } from "../../../lib/display/png";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "images-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A flat-colour RGB image (flat colours survive JPEG almost exactly). */
function flat(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const px = new Uint8Array(width * height * 3);
  for (let i = 0; i < px.length; i += 3) px.set(rgb, i);
  return px;
}

function writeFlat(file: string, width: number, height: number, rgb: [number, number, number]): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodeJpeg(flat(width, height, rgb), width, height, 95));
  return file;
}

function folder(name: string): string {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

test("listFiles filters by a regular expression and sorts by name, like list.files", () => {
  const d = folder("list");
  for (const n of ["b.jpg", "a.JPG", "c.png", "Rick_10.jpg", "Rick_2.jpg", ".hidden.jpg"]) fs.writeFileSync(path.join(d, n), "x");
  fs.mkdirSync(path.join(d, "sub.jpg"));
  assert.deepEqual(listFiles(d, { pattern: "jpg" }), ["Rick_10.jpg", "Rick_2.jpg", "b.jpg"]);
  assert.deepEqual(listFiles(d, { pattern: /jpg/i }), ["Rick_10.jpg", "Rick_2.jpg", "a.JPG", "b.jpg"]);
  assert.deepEqual(listFiles(d, { pattern: /jpg$/g }), listFiles(d, { pattern: /jpg$/g })); // no lastIndex state
  assert.equal(listFiles(d).length, 5); // not the hidden file, not the folder
  assert.equal(listFiles(d, { pattern: "png", fullNames: true })[0], path.join(d, "c.png"));
  assert.throws(() => listFiles(path.join(dir, "nope")), /folder not found: .*nope/);
  assert.throws(() => listFiles(path.join(d, "b.jpg")), /not a folder/);
  assert.throws(() => listFiles(d, { pattern: "(" }), /not a valid regular expression/);
});

test("readJpeg decodes real JPEG bytes of odd sizes to RGB, same as jpeg-js", () => {
  for (const [w, h] of [[1, 1], [7, 13], [161, 91]]) {
    const px = new Uint8Array(w * h * 3).map((_, i) => (i * 37 + w) % 256);
    const bytes = encodeJpeg(px, w, h, 90);
    const file = path.join(folder("odd"), `odd_${w}x${h}.jpg`);
    fs.writeFileSync(file, bytes);
    const img = readJpeg(file);
    assert.equal(img.width, w);
    assert.equal(img.height, h);
    const ref = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
    assert.deepEqual(img.data, ref.data);
  }
  const file = writeFlat(path.join(dir, "flat", "red.jpg"), 9, 5, [200, 30, 60]);
  const before = tf.memory().numTensors;
  const t = readJpegTensor(file);
  assert.deepEqual(t.shape, [5, 9, 3]);
  const v = t.dataSync();
  assert.ok(Math.abs(v[0] - 200 / 255) < 0.02 && Math.abs(v[1] - 30 / 255) < 0.02 && Math.abs(v[2] - 60 / 255) < 0.02);
  assert.ok(Math.max(...v) <= 1 && Math.min(...v) >= 0);
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("broken files give errors that name the file and the problem", () => {
  const d = folder("broken");
  const good = encodeJpeg(flat(16, 16, [10, 200, 30]), 16, 16);
  const truncated = path.join(d, "truncated.jpg");
  fs.writeFileSync(truncated, good.subarray(0, Math.floor(good.length * 0.6)));
  assert.throws(() => readJpeg(truncated), /truncated\.jpg is truncated/);

  const garbled = Buffer.from(good);
  for (let i = 200; i < garbled.length - 2; i += 3) garbled[i] ^= 0x55;
  const damaged = path.join(d, "damaged.jpg");
  fs.writeFileSync(damaged, garbled);
  assert.throws(() => readJpeg(damaged), /damaged\.jpg is a damaged JPEG/);

  const png = path.join(d, "really-a-png.jpg");
  fs.writeFileSync(png, encodePng(new Uint8Array(4 * 4 * 4).fill(255), 4, 4));
  assert.throws(() => readJpeg(png), /really-a-png\.jpg is not a JPEG: it is a PNG file/);

  const text = path.join(d, "notes.jpg");
  fs.writeFileSync(text, "just some text");
  assert.throws(() => readJpeg(text), /notes\.jpg is not a JPEG: it does not start with the JPEG marker/);

  const empty = path.join(d, "empty.jpg");
  fs.writeFileSync(empty, "");
  assert.throws(() => readJpeg(empty), /empty\.jpg: the file is empty/);
  assert.throws(() => readJpeg(path.join(d, "missing.jpg")), /image file not found: .*missing\.jpg/);
  assert.throws(() => decodeJpeg(new Uint8Array([0xff, 0xd8, 0, 0]), "mem"), /mem is truncated/);
});

test("loadImageFolder fills one [N,h,w,3] tensor in name order, without leaking", () => {
  const d = folder("frames");
  writeFlat(path.join(d, "f_2.jpg"), 16, 8, [0, 0, 255]);
  writeFlat(path.join(d, "f_1.jpg"), 16, 8, [255, 0, 0]);
  writeFlat(path.join(d, "f_3.jpeg"), 16, 8, [0, 255, 0]);
  fs.writeFileSync(path.join(d, "readme.txt"), "not an image");
  const before = tf.memory().numTensors;
  const progress: number[] = [];
  const r = loadImageFolder(d, { onProgress: (done) => progress.push(done) });
  assert.deepEqual(r.x.shape, [3, 8, 16, 3]);
  assert.deepEqual(r.files.map((f) => path.basename(f)), ["f_1.jpg", "f_2.jpg", "f_3.jpeg"]);
  assert.deepEqual(progress, [1, 2, 3]);
  const means = tf.tidy(() => r.x.mean([1, 2]).arraySync() as number[][]);
  const expected = [[1, 0, 0], [0, 0, 1], [0, 1, 0]];
  means.forEach((m, i) => m.forEach((v, c) => assert.ok(Math.abs(v - expected[i][c]) < 0.03, `frame ${i} channel ${c}: ${v}`)));
  assert.equal(new Set(r.hashes).size, 3);
  r.x.dispose();
  assert.equal(tf.memory().numTensors, before);
  // R's pattern "jpg" leaves out the .jpeg file.
  const jpgOnly = loadImageFolder(d, { pattern: "jpg" });
  assert.equal(jpgOnly.files.length, 2);
  jpgOnly.x.dispose();
});

test("empty, missing and non-matching folders are clear errors", () => {
  const empty = folder("empty");
  assert.throws(() => loadImageFolder(empty), /no files matching .* in .*empty: the folder is empty/);
  const other = folder("other");
  fs.writeFileSync(path.join(other, "a.png"), "x");
  assert.throws(() => loadImageFolder(other, { pattern: "jpg" }), /no files matching jpg in .*other: it holds 1 other file/);
  assert.throws(() => loadImageFolder(path.join(dir, "does-not-exist")), /folder not found: .*does-not-exist/);
  assert.throws(() => loadImageFiles([]), /no files given/);
});

test("a frame of the wrong size: an error by default, resized or cropped on request", () => {
  const d = folder("mixed");
  writeFlat(path.join(d, "a.jpg"), 16, 9, [250, 250, 0]);
  writeFlat(path.join(d, "b_square.jpg"), 22, 22, [0, 0, 250]);
  const before = tf.memory().numTensors;
  assert.throws(() => loadImageFolder(d, { height: 9, width: 16 }),
    /b_square\.jpg is 22×22 \(height×width\) but the frames should be 9×16.*onWrongSize: "resize"/);
  assert.equal(tf.memory().numTensors, before);

  const warnings: string[] = [];
  const r = loadImageFolder(d, { height: 9, width: 16, onWrongSize: "resize", warn: (m) => warnings.push(m) });
  assert.deepEqual(r.x.shape, [2, 9, 16, 3]);
  assert.equal(r.adjusted.length, 1);
  assert.match(warnings[0], /b_square\.jpg: 22×22 \(height×width\) resized to 9×16/);
  const blue = tf.tidy(() => r.x.slice([1, 0, 0, 0], [1, 9, 16, 3]).mean([0, 1, 2]).arraySync() as number[]);
  assert.ok(blue[2] > 0.95 && blue[0] < 0.05, `resized frame keeps its colour: ${blue}`);
  r.x.dispose();

  const c = loadImageFolder(d, { height: 9, width: 16, onWrongSize: "crop", warn: () => undefined });
  assert.deepEqual(c.x.shape, [2, 9, 16, 3]);
  c.x.dispose();
  // A frame too small to crop is still an error.
  assert.throws(() => loadImageFolder(d, { height: 30, width: 30, onWrongSize: "crop", warn: () => undefined }), /too small to crop/);
  assert.throws(() => loadImageFolder(d, { onWrongSize: "stretch" as never }), /onWrongSize must be/);
  // Same height, other width: still the wrong size.
  const wide = folder("wide");
  writeFlat(path.join(wide, "a.jpg"), 16, 9, [0, 0, 0]);
  writeFlat(path.join(wide, "b.jpg"), 20, 9, [0, 0, 0]);
  assert.throws(() => loadImageFolder(wide), /b\.jpg is 9×20 \(height×width\) but the frames should be 9×16/);
  assert.throws(() => loadImageFolder(d, { height: 0 }), /height must be a positive whole number/);
  assert.equal(tf.memory().numTensors, before);
});

test("loadLabelledFolders labels each frame by its folder (binary and multi-label)", () => {
  const rick = folder("lab/Rick");
  const morty = folder("lab/Morty");
  const both = folder("lab/Both");
  for (let i = 1; i <= 3; i++) writeFlat(path.join(rick, `Rick_${i}.jpg`), 12, 6, [200, 220, 240]);
  for (let i = 1; i <= 2; i++) writeFlat(path.join(morty, `Morty_${i}.jpg`), 12, 6, [250, 220, 60 + i]);
  writeFlat(path.join(both, "Both_1.jpg"), 12, 6, [10, 10, 10]);
  const before = tf.memory().numTensors;

  const bin = loadLabelledFolders({ folders: [{ path: rick, label: 0 }, { path: morty, label: 1, name: "not Rick" }], pattern: "jpg" });
  assert.deepEqual(bin.x.shape, [5, 6, 12, 3]);
  assert.deepEqual(bin.y.shape, [5, 1]);
  assert.deepEqual(Array.from(bin.y.dataSync()), [0, 0, 0, 1, 1]);
  assert.deepEqual(bin.folderIndex, [0, 0, 0, 1, 1]);
  assert.deepEqual(bin.counts, [3, 2]);
  assert.deepEqual(bin.classNames, ["Rick", "not Rick"]);
  bin.x.dispose();
  bin.y.dispose();

  const multi = loadLabelledFolders({ folders: [{ path: rick, label: [1, 0] }, { path: morty, label: [0, 1] }, { path: both, label: [1, 1] }] });
  assert.deepEqual(multi.y.arraySync(), [[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [1, 1]]);
  multi.x.dispose();
  multi.y.dispose();
  assert.equal(tf.memory().numTensors, before);

  assert.throws(() => loadLabelledFolders({ folders: [] }), /at least one folder/);
  assert.throws(() => loadLabelledFolders({ folders: [{ path: rick, label: [1, 0] }, { path: morty, label: 1 }] }), /same length/);
  assert.throws(() => loadLabelledFolders({ folders: [{ path: rick, label: [] }] }), /non-empty list/);
  assert.throws(() => loadLabelledFolders({ folders: [{ path: rick, label: 0 }, { path: path.join(dir, "lab/None"), label: 1 }] }), /folder not found: .*None/);
  assert.equal(tf.memory().numTensors, before);
});

/** A folder of good 12×6 frames with three broken ones among them (each broken another way). */
function folderWithThreeBroken(name: string): { d: string; broken: string[] } {
  const d = folder(name);
  for (let i = 1; i <= 5; i++) writeFlat(path.join(d, `good_${i}.jpg`), 12, 6, [40 * i, 100, 200]);
  const good = encodeJpeg(flat(12, 6, [1, 2, 3]), 12, 6);
  fs.writeFileSync(path.join(d, "good_2b_truncated.jpg"), good.subarray(0, Math.floor(good.length / 2)));
  fs.writeFileSync(path.join(d, "good_4b_empty.jpg"), "");
  fs.writeFileSync(path.join(d, "a_first_is_png.jpg"), encodePng(new Uint8Array(4 * 4 * 4).fill(255), 4, 4));
  return { d, broken: ["a_first_is_png.jpg", "good_2b_truncated.jpg", "good_4b_empty.jpg"] };
}

test("three broken JPEGs in a folder: one error names all three; the good frames are not loaded", () => {
  const { d } = folderWithThreeBroken("three-broken");
  const before = tf.memory().numTensors;
  let err: Error | null = null;
  try {
    loadImageFolder(d).x.dispose();
  } catch (e) {
    err = e as Error;
  }
  assert.ok(err, "loading must fail");
  assert.match(err!.message, /3 of 8 files cannot be used/);
  assert.match(err!.message, /a_first_is_png\.jpg is not a JPEG: it is a PNG file/);
  assert.match(err!.message, /good_2b_truncated\.jpg is truncated/);
  assert.match(err!.message, /good_4b_empty\.jpg: the file is empty/);
  assert.match(err!.message, /onBadFile: "skip"/);
  assert.equal(tf.memory().numTensors, before);

  // Across several folders too, and a wrong-size frame is named in the same error.
  const other = folder("three-broken-other");
  writeFlat(path.join(other, "big.jpg"), 30, 20, [0, 0, 0]);
  fs.writeFileSync(path.join(other, "cut.jpg"), Buffer.from([0xff, 0xd8, 0xff]));
  assert.throws(() => loadLabelledFolders({ folders: [{ path: d, label: 0 }, { path: other, label: 1 }] }), (e: Error) => {
    assert.match(e.message, /5 of 10 files cannot be used/);
    for (const n of ["a_first_is_png", "good_2b_truncated", "good_4b_empty", "cut"]) assert.match(e.message, new RegExp(`${n}\\.jpg`));
    assert.match(e.message, /big\.jpg is 20×30 \(height×width\) but the frames should be 6×12/);
    assert.match(e.message, /onWrongSize: "resize"/);
    return true;
  });
  assert.equal(tf.memory().numTensors, before);
});

test("onBadFile: \"skip\" loads the good frames, lists the bad ones and warns once", () => {
  const { d, broken } = folderWithThreeBroken("skip-broken");
  const before = tf.memory().numTensors;
  const warnings: string[] = [];
  const progress: number[] = [];
  // The first file is one of the broken ones: the frame size comes from the first good one.
  const r = loadImageFolder(d, { onBadFile: "skip", warn: (m) => warnings.push(m), onProgress: (n) => progress.push(n) });
  assert.deepEqual(r.x.shape, [5, 6, 12, 3]);
  assert.deepEqual(r.files.map((f) => path.basename(f)), [1, 2, 3, 4, 5].map((i) => `good_${i}.jpg`));
  assert.deepEqual(r.skipped.map((s) => path.basename(s.file)), broken);
  assert.deepEqual(r.skipped.map((s) => s.index), [0, 3, 6]);
  assert.match(r.skipped[1].reason, /is truncated/);
  assert.equal(r.hashes.length, 5);
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /left out 3 of 8 files/);
  for (const b of broken) assert.ok(warnings[0].includes(b), `the warning names ${b}`);
  // Each good frame is where it belongs (red channel 40·i / 255).
  const reds = tf.tidy(() => (r.x.slice([0, 0, 0, 0], [5, 6, 12, 1]).mean([1, 2, 3]).arraySync() as number[]));
  reds.forEach((v, k) => assert.ok(Math.abs(v - (40 * (k + 1)) / 255) < 0.03, `frame ${k}: ${v}`));
  r.x.dispose();

  // Labels follow the frames that were kept.
  const other = folder("skip-broken-other");
  writeFlat(path.join(other, "x_1.jpg"), 12, 6, [0, 0, 0]);
  fs.writeFileSync(path.join(other, "x_2.jpg"), "not a picture");
  writeFlat(path.join(other, "x_3.jpg"), 12, 6, [0, 0, 0]);
  const l = loadLabelledFolders({ folders: [{ path: d, label: 0 }, { path: other, label: 1 }], onBadFile: "skip", warn: () => undefined });
  assert.deepEqual(l.x.shape, [7, 6, 12, 3]);
  assert.deepEqual(Array.from(l.y.dataSync()), [0, 0, 0, 0, 0, 1, 1]);
  assert.deepEqual(l.folderIndex, [0, 0, 0, 0, 0, 1, 1]);
  assert.deepEqual(l.counts, [5, 2]);
  assert.deepEqual(l.skipped.map((s) => path.basename(s.file)), [...broken, "x_2.jpg"]);
  l.x.dispose();
  l.y.dispose();

  // Nothing readable at all is still an error, and so is an unknown policy.
  const none = folder("skip-none");
  fs.writeFileSync(path.join(none, "a.jpg"), "");
  fs.writeFileSync(path.join(none, "b.jpg"), "x");
  assert.throws(() => loadImageFolder(none, { onBadFile: "skip", warn: () => undefined }), /none of the 2 files could be read.*\n.*a\.jpg.*\n.*b\.jpg/);
  assert.throws(() => loadImageFolder(d, { onBadFile: "ignore" as never }), /onBadFile must be "error" or "skip"/);
  // One bad file alone keeps its own message, with the way out.
  const one = folder("one-bad");
  writeFlat(path.join(one, "a.jpg"), 12, 6, [0, 0, 0]);
  fs.writeFileSync(path.join(one, "b.jpg"), "");
  assert.throws(() => loadImageFolder(one), /^Error: .*b\.jpg: the file is empty \(0 bytes\), not a JPEG\. Or pass onBadFile: "skip"/);
  assert.equal(tf.memory().numTensors, before);
});
