import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { parseCifarBatch, readCifarBatch, writeCifarBatch, CIFAR_RECORD_BYTES, CIFAR_TRAIN_FILES } from "../../../lib/data/cifar/binary-batch";
import { disposeCifar, loadCifarClasses } from "../../../lib/data/cifar/cifar-classes";
import {
  cifarStandInCounts, cifarStandInRoot, describeCifarSource, ensureCifarData, generateCifarStandIn, readCifarStandInManifest,
} from "../../../lib/stand-ins/cifar/generate";
import { drawStandInPicture, DIFFICULTIES, HARD_SHARE } from "../../../lib/stand-ins/cifar/pictures";
import { Rng } from "../../../lib/random/rng";

/** The values of a tensor made by `f`, which is then freed. */
function readOnce(f: () => tf.Tensor): number[] {
  const t = f();
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `cifar-${name}-`));

/** One record written byte by byte as the CIFAR-10 page describes it: label, 1024 R, 1024 G, 1024 B. */
function record(label: number, r: (p: number) => number, g: (p: number) => number, b: (p: number) => number): number[] {
  const out = [label];
  for (const plane of [r, g, b]) for (let p = 0; p < 1024; p++) out.push(plane(p) & 255);
  return out;
}

/** A folder of six batch files, written without our writer; record k of file f has label labels[f][k]. */
function writeFolder(dir: string, labels: number[][]): void {
  const files = [...CIFAR_TRAIN_FILES, "test_batch.bin"];
  files.forEach((file, f) => {
    const bytes = labels[f].flatMap((l, k) => record(l, (p) => p + k, () => 10 * f + k, (p) => 255 - (p % 200)));
    fs.writeFileSync(path.join(dir, file), Uint8Array.from(bytes));
  });
}

test("a batch in the binary format: labels and planes R, G, B in order", () => {
  const bytes = Uint8Array.from([...record(4, (p) => p % 256, () => 7, (p) => (p >> 5) * 3), ...record(9, () => 1, () => 2, () => 3)]);
  const b = parseCifarBatch(bytes);
  assert.equal(b.count, 2);
  assert.deepEqual(Array.from(b.labels), [4, 9]);
  assert.equal(b.planes[5], 5);
  assert.equal(b.planes[1024 + 5], 7);
  assert.equal(b.planes[2048 + 33], 3);
  assert.equal(b.planes[3072 + 2048], 3);
});

test("bad batches are clear errors", () => {
  assert.throws(() => parseCifarBatch(new Uint8Array(0), "x.bin"), /x.bin: the file is empty/);
  assert.throws(() => parseCifarBatch(new Uint8Array(CIFAR_RECORD_BYTES + 5), "y.bin"), /y.bin: 3078 bytes is not a whole number of 3073-byte records \(1 records and 5 bytes left over\)/);
  const bad = Uint8Array.from([...record(3, () => 0, () => 0, () => 0), ...record(10, () => 0, () => 0, () => 0)]);
  assert.throws(() => parseCifarBatch(bad, "z.bin"), /z.bin: record 2 \(byte offset 3073\) has label 10; CIFAR-10 labels are 0..9/);
  assert.throws(() => readCifarBatch("/nonexistent/data_batch_1.bin"), /does not exist/);
  assert.throws(() => writeCifarBatch(path.join(tmp("w"), "a.bin"), [1, 2], new Uint8Array(3072)), /2 labels need 6144 image bytes/);
  assert.throws(() => writeCifarBatch(path.join(tmp("w"), "a.bin"), [12], new Uint8Array(3072)), /label 12 of record 1/);
});

test("our writer writes what the format says (round trip through hand-made bytes)", () => {
  const dir = tmp("rt");
  const hand = Uint8Array.from([...record(6, (p) => p, (p) => p * 2, (p) => p * 3), ...record(0, () => 9, () => 8, () => 7)]);
  const b = parseCifarBatch(hand);
  writeCifarBatch(path.join(dir, "t.bin"), b.labels, b.planes);
  assert.deepEqual(fs.readFileSync(path.join(dir, "t.bin")), Buffer.from(hand));
});

test("deer, frogs and trucks: kept in file order, renumbered 0, 1, 2, pixels interleaved, no tensors left", () => {
  const dir = tmp("sel");
  const labels = [[4, 1, 6], [9, 9], [0], [6, 4], [2, 3], [9, 5, 4, 6]];
  writeFolder(dir, labels);
  fs.writeFileSync(path.join(dir, "batches.meta.txt"), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
  const before = tf.memory().numTensors;
  const s = loadCifarClasses(dir);
  assert.deepEqual(s.classNames, ["deer", "frog", "truck"]);
  assert.deepEqual(s.train.labels, [0, 1, 2, 2, 1, 0]);
  assert.deepEqual(s.test.labels, [2, 0, 1]);
  assert.deepEqual(s.train.x.shape, [6, 32, 32, 3]);
  assert.deepEqual(s.test.y.arraySync(), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
  // Test record k=0 of the test file (label 9): pixel p=40 is row 1, column 8: R = 40, G = 50, B = 215.
  const px = readOnce(() => s.test.x.slice([0, 1, 8, 0], [1, 1, 1, 3])).map((v) => Math.round(v * 255));
  assert.deepEqual(px, [40, 50, 215]);
  // Training image 4 is record 1 of data_batch_4 (label 4): G plane = 10 * 3 + 1.
  assert.equal(Math.round(readOnce(() => s.train.x.slice([5, 0, 0, 1], [1, 1, 1, 1]))[0] * 255), 31);
  disposeCifar(s);
  assert.equal(tf.memory().numTensors, before);
  const other = loadCifarClasses(dir, { classes: [9, 0] });
  assert.deepEqual(other.classNames, ["truck", "airplane"]);
  assert.deepEqual(other.train.labels, [0, 0, 1]);
  disposeCifar(other);
});

test("a folder that is not CIFAR-10: clear errors", () => {
  const dir = tmp("missing");
  writeFolder(dir, [[4], [6], [9], [4], [6], [9]]);
  fs.rmSync(path.join(dir, "data_batch_3.bin"));
  fs.rmSync(path.join(dir, "test_batch.bin"));
  assert.throws(() => loadCifarClasses(dir), /lacks data_batch_3.bin, test_batch.bin/);
  assert.throws(() => loadCifarClasses("/nonexistent-cifar"), /does not exist/);
  const none = tmp("none");
  writeFolder(none, [[1], [2], [3], [1], [2], [4]]);
  assert.throws(() => loadCifarClasses(none), /training batches\): no image has one of the labels 4, 6, 9/);
  assert.throws(() => loadCifarClasses(none, { classes: [4, 4] }), /listed twice/);
  assert.throws(() => loadCifarClasses(none, { classes: [10] }), /not a CIFAR-10 label/);
  fs.writeFileSync(path.join(none, "batches.meta.txt"), "a\nb\n");
  assert.throws(() => loadCifarClasses(none, { classes: [1] }), /expected 10 class names/);
});

test("CIFAR10_DIR picks a real folder, checked", () => {
  const saved = process.env.CIFAR10_DIR;
  try {
    const dir = tmp("env");
    writeFolder(dir, [[4], [6], [9], [4], [6], [9]]);
    process.env.CIFAR10_DIR = dir;
    const r = ensureCifarData({ seed: 1, scale: 0.01 });
    assert.deepEqual([r.root, r.status, r.generated, r.written], [dir, "existing", false, []]);
    assert.match(describeCifarSource(dir), /CIFAR-10 binary batches in .* \(the real images\)/);
    fs.rmSync(path.join(dir, "data_batch_5.bin"));
    assert.throws(() => ensureCifarData({ seed: 1 }), /CIFAR10_DIR=.* lacks data_batch_5.bin/);
    process.env.CIFAR10_DIR = "/nonexistent-cifar";
    assert.throws(() => ensureCifarData({ seed: 1 }), /no such folder/);
  } finally {
    if (saved === undefined) delete process.env.CIFAR10_DIR;
    else process.env.CIFAR10_DIR = saved;
  }
});

test("stand-in: each scale its own folder; counts follow the course", () => {
  assert.equal(cifarStandInRoot(1), path.join("data", "deer-frogs-trucks"));
  assert.equal(cifarStandInRoot(0.1), path.join("data", "deer-frogs-trucks") + "-scale-0.1");
  assert.deepEqual(cifarStandInCounts(1), { train: 5000, test: 1000 });
  assert.deepEqual(cifarStandInCounts(0.1), { train: 500, test: 100 });
  assert.throws(() => cifarStandInRoot(0), /scale must be in \(0, 1\]/);
  assert.throws(() => cifarStandInCounts(2), /scale/);
});

test("stand-in: real batch files with only deer, frogs and trucks, seeded, drawn again only when needed", () => {
  const root = tmp("standin");
  const m = generateCifarStandIn(root, { seed: 3, scale: 0.01 });
  assert.deepEqual(m.perClass, { train: 50, test: 10 });
  const s = loadCifarClasses(root);
  assert.equal(s.train.labels.length, 150);
  assert.equal(s.test.labels.length, 30);
  for (const k of [0, 1, 2]) assert.equal(s.train.labels.filter((l) => l === k).length, 50);
  disposeCifar(s);
  const labels = new Set<number>();
  for (const f of [...CIFAR_TRAIN_FILES, "test_batch.bin"]) for (const l of readCifarBatch(path.join(root, f)).labels) labels.add(l);
  assert.deepEqual([...labels].sort(), [4, 6, 9]);
  assert.equal(m.test.length, 30);
  const bytes = fs.readFileSync(path.join(root, "test_batch.bin"));
  // Same seed: same bytes; fresh folder is left alone; a new seed draws again.
  const again = tmp("standin2");
  generateCifarStandIn(again, { seed: 3, scale: 0.01 });
  assert.deepEqual(fs.readFileSync(path.join(again, "test_batch.bin")), bytes);
  const mtime = fs.statSync(path.join(root, "test_batch.bin")).mtimeMs;
  assert.equal(ensureCifarData({ seed: 3, scale: 0.01, root }).status, "up to date");
  assert.equal(fs.statSync(path.join(root, "test_batch.bin")).mtimeMs, mtime);
  assert.deepEqual(ensureCifarData({ seed: 4, scale: 0.01, root }).written, ["train", "test"]);
  assert.notDeepEqual(fs.readFileSync(path.join(root, "test_batch.bin")), bytes);
  assert.equal(readCifarStandInManifest(root)!.seed, 4);
  assert.match(describeCifarSource(root), /generated stand-in .*seed 4.*not CIFAR-10's photographs/);
});

test("stand-in pictures: every kind of difficulty can be drawn, and hard ones differ from clear ones", () => {
  const rng = new Rng(5);
  for (const cls of ["deer", "frog", "truck"] as const) {
    for (const d of DIFFICULTIES) {
      const p = drawStandInPicture(cls, rng, d);
      assert.equal(p.difficulty, d);
      assert.equal(p.rgb.length, 3072);
    }
  }
  // Dark pictures are dark.
  const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const dark = Array.from({ length: 10 }, () => mean(drawStandInPicture("truck", rng, "dark").rgb));
  const clear = Array.from({ length: 10 }, () => mean(drawStandInPicture("truck", rng, "clear").rgb));
  assert.ok(mean(Uint8Array.from(dark)) < 0.5 * mean(Uint8Array.from(clear)), `dark ${dark} vs clear ${clear}`);
});

test("stand-in pictures: HARD_SHARE of them are drawn hard, split about evenly between the four kinds", () => {
  assert.ok(HARD_SHARE >= 0.4 && HARD_SHARE <= 0.7, `a share of ${HARD_SHARE} leaves the chapter's nets too little or too much to doubt`);
  const rng = new Rng(11);
  const n = 2400;
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const d = drawStandInPicture((["deer", "frog", "truck"] as const)[i % 3], rng).difficulty;
    counts[d] = (counts[d] ?? 0) + 1;
  }
  const hard = n - (counts.clear ?? 0);
  assert.ok(Math.abs(hard / n - HARD_SHARE) < 0.04, `hard share ${hard / n} vs ${HARD_SHARE}`);
  for (const d of DIFFICULTIES.filter((k) => k !== "clear")) {
    assert.ok(Math.abs((counts[d] ?? 0) / hard - 0.25) < 0.05, `${d}: ${counts[d]} of ${hard} hard pictures`);
  }
});
