/**
 * Fuzz: the data readers. JPEG folders (damaged frames, huge header claims, links that dangle or loop,
 * a pipe, a folder named like a frame, unreadable files), FASTA, IDX (plain and gzipped, with bombs)
 * and CIFAR batches. Each damaged file is read or refused with an error that names it; skipped frames
 * are listed; work grows in proportion to the input (an input and one twice its size are compared).
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { spawnSync } from "child_process";
import { encodeJpeg } from "../../lib/data/images/codecs/jpeg-encode";
import { decodeJpeg } from "../../lib/data/images/codecs/jpeg";
import { loadImageFiles, loadImageFolder } from "../../lib/data/images/loaders/load-images";
import { loadLabelledFolders } from "../../lib/data/images/loaders/load-labelled";
import { flowFromDirectory } from "../../lib/augment/flow-from-directory";
import { parseFasta, readFasta } from "../../lib/data/dna/fasta";
import { encodeIdx, parseIdx, readIdxFile, readIdxLabels } from "../../lib/data/mnist/idx";
import { loadMnist } from "../../lib/data/mnist/mnist";
import { encodeCifarBatch, parseCifarBatch, readCifarBatch, CIFAR_IMAGE_BYTES } from "../../lib/data/cifar/binary-batch";
import { baseSeed, caseCount, fixedTruncations, mutants, Rng } from "./mutator";
import { expectLinearTime, injectFaults, scratch, Tally, tryBadFile, withSeed } from "./harness";

const root = scratch("data");
const tallies = {
  jpeg: new Tally("JPEG folders"), fasta: new Tally("FASTA"), idx: new Tally("IDX"), cifar: new Tally("CIFAR batches"),
};
const timings: string[] = [];

after(() => {
  fs.rmSync(root, { recursive: true, force: true });
  for (const t of Object.values(tallies)) if (t.cases > 0) console.log(t.line());
  for (const t of timings) console.log(t);
});

function picture(seed: number, width = 24, height = 16): Buffer {
  const rng = new Rng(seed);
  const px = new Uint8Array(width * height * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7 + rng.int(40)) & 0xff;
  return encodeJpeg(px, width, height, 85);
}

const quiet = () => undefined;

test("JPEG folders: damaged frames are listed by name; with onBadFile 'skip' the rest loads", async () => {
  const base = picture(1);
  const cases = [...fixedTruncations(base), ...mutants(base, baseSeed() + 8000, caseCount(40))];
  for (const [i, c] of cases.entries()) {
    await withSeed(c.seed, `JPEG: ${c.what}`, async () => {
      const dir = path.join(root, `jpeg-${i}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "a-good.jpg"), picture(2));
      const bad = path.join(dir, "b-bad.jpg");
      fs.writeFileSync(bad, c.bytes);
      const o = await tryBadFile(`jpeg ${c.what}`, bad, () => {
        const r = loadImageFolder(dir, { warn: quiet });
        r.x.dispose();
      });
      tallies.jpeg.add(o);
      if (!o.loaded) {
        const r = loadImageFolder(dir, { onBadFile: "skip", warn: quiet });
        assert.deepEqual(r.skipped.map((s) => s.file), [bad], "the bad frame is listed as skipped");
        assert.equal(r.x.shape[0], 1);
        r.x.dispose();
      }
      fs.rmSync(dir, { recursive: true });
    });
  }
});

/** A baseline JPEG header (SOF0) claiming `width`×`height`, followed by nothing useful. */
function claimHeader(width: number, height: number, padTo: number): Buffer {
  const good = picture(3);
  const out = Buffer.from(good);
  // Find the SOF0 marker and rewrite the size it claims.
  for (let p = 2; p + 9 < out.length; p++) {
    if (out[p] === 0xff && out[p + 1] === 0xc0) {
      out.writeUInt16BE(height, p + 5);
      out.writeUInt16BE(width, p + 7);
      break;
    }
  }
  return padTo > out.length ? Buffer.concat([out, Buffer.alloc(padTo - out.length)]) : out;
}

test("JPEG headers that claim 9000×9000 or 65535×65535 pixels are refused from the header, before decoding", async () => {
  const dir = path.join(root, "claims");
  fs.mkdirSync(dir);
  for (const [w, h] of [[9000, 9000], [65535, 65535], [20000, 100]]) {
    const file = path.join(dir, `claim-${w}x${h}.jpg`);
    fs.writeFileSync(file, claimHeader(w, h, 4000));
    const before = process.memoryUsage().arrayBuffers;
    const o = await tryBadFile(`header ${w}×${h}`, file, () => decodeJpeg(fs.readFileSync(file), file), { mustFail: true });
    assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, "memory was allocated for the claim");
    assert.match(o.message ?? "", /header says/);
    tallies.jpeg.add(o);
  }
  // Work follows the file, not the claim: a file twice as long (same claim) is refused as fast.
  const t = expectLinearTime("JPEG header check", (n) => claimHeader(9000, 9000, n), (b) => {
    try {
      decodeJpeg(b, "claim.jpg");
    } catch {
      // refused, as asserted above
    }
  }, 4000, 1 << 20);
  timings.push(`JPEG 9000×9000 claim: ${t.t1.toFixed(2)} ms at ${t.n} bytes, ${t.t2.toFixed(2)} ms at ${2 * t.n}`);
});

test("links, pipes, folders and unreadable files in an image folder are named, skipped and listed", async () => {
  const dir = path.join(root, "links");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "a.jpg"), picture(4));
  fs.symlinkSync(path.join(dir, "nowhere.jpg"), path.join(dir, "dangling.jpg"));
  fs.symlinkSync("loop2.jpg", path.join(dir, "loop1.jpg"));
  fs.symlinkSync("loop1.jpg", path.join(dir, "loop2.jpg"));
  fs.symlinkSync(path.join(dir, "a.jpg"), path.join(dir, "b-link.jpg")); // a good link: loads
  fs.mkdirSync(path.join(dir, "folder.jpg"));
  const fifo = spawnSync("mkfifo", [path.join(dir, "pipe.jpg")]).status === 0;
  fs.writeFileSync(path.join(dir, "secret.jpg"), picture(5));
  const expectedBad = ["dangling.jpg", "loop1.jpg", "loop2.jpg", "secret.jpg"].map((f) => path.join(dir, f));
  await injectFaults({ under: path.join(dir, "secret.jpg"), refuseReads: true }, async () => {
    const o = await tryBadFile("links", dir, () => loadImageFolder(dir, { warn: quiet }), { mustFail: true });
    for (const f of expectedBad) assert.ok(o.message?.includes(f), `${f} is not named in:\n${o.message}`);
    assert.match(o.message ?? "", /symbolic link that loops/);
    assert.match(o.message ?? "", /broken symbolic link/);
    assert.match(o.message ?? "", /permission denied/);
    tallies.jpeg.add(o);
    const r = loadImageFolder(dir, { onBadFile: "skip", warn: quiet });
    assert.deepEqual(r.files, [path.join(dir, "a.jpg"), path.join(dir, "b-link.jpg")]);
    assert.deepEqual(r.skipped.map((s) => s.file).sort(), expectedBad.sort());
    r.x.dispose();
  });
  if (fifo) {
    // A pipe given by name would block a plain read forever: it is refused as not a regular file.
    const pipe = path.join(dir, "pipe.jpg");
    const o = await tryBadFile("pipe", pipe, () => loadImageFiles([path.join(dir, "a.jpg"), pipe], { warn: quiet }), { mustFail: true });
    tallies.jpeg.add(o);
  }
  // Class folders for the labelled loaders and flowFromDirectory, one a dangling link, one a loop.
  const classes = path.join(root, "classes");
  fs.mkdirSync(path.join(classes, "cats"), { recursive: true });
  fs.mkdirSync(path.join(classes, "dogs"));
  fs.writeFileSync(path.join(classes, "cats", "c.jpg"), picture(6));
  fs.writeFileSync(path.join(classes, "dogs", "d.jpg"), picture(7));
  fs.symlinkSync(path.join(classes, "gone"), path.join(classes, "birds"));
  fs.symlinkSync("loopy", path.join(classes, "loopy"));
  fs.symlinkSync(path.join(dir, "dangling.jpg"), path.join(classes, "dogs", "e.jpg"));
  const flows = flowFromDirectory({ directory: classes, warn: quiet, batchSize: 4 });
  assert.deepEqual(flows.classNames, ["cats", "dogs"]);
  const labelled = await tryBadFile("labelled folders", path.join(classes, "dogs", "e.jpg"), () =>
    loadLabelledFolders({ folders: [{ path: path.join(classes, "cats"), label: 0 }, { path: path.join(classes, "dogs"), label: 1 }], warn: quiet }), { mustFail: true });
  tallies.jpeg.add(labelled);
  const r = loadLabelledFolders({ folders: [{ path: path.join(classes, "cats"), label: 0 }, { path: path.join(classes, "dogs"), label: 1 }], onBadFile: "skip", warn: quiet });
  assert.equal(r.skipped.length, 1);
  tf.dispose([r.x, r.y]);
});

test("FASTA: damaged files are read or refused by name, and work is linear in long lines of spaces, letters or headers", async () => {
  const rng = new Rng(baseSeed() + 9000);
  const records = Array.from({ length: 20 }, (_, i) => `>seq${i} chr1:${i * 100}\n${Array.from({ length: 130 }, () => "ACGTN"[rng.int(5)]).join("").replace(/(.{60})/g, "$1\n")}\n`);
  const base = Buffer.from(records.join(""));
  for (const [i, c] of [...fixedTruncations(base), ...mutants(base, baseSeed() + 9100, caseCount(40))].entries()) {
    await withSeed(c.seed, `FASTA: ${c.what}`, async () => {
      const file = path.join(root, `f-${i}.fa`);
      fs.writeFileSync(file, c.bytes);
      tallies.fasta.add(await tryBadFile(`fasta ${c.what}`, file, () => readFasta({ file }), { mustFail: c.bytes.length === 0 }));
      fs.rmSync(file);
    });
  }
  const shapes: [string, (n: number) => string][] = [
    ["a run of spaces inside a line", (n) => `>s\nAC${" ".repeat(n)}GT\n`],
    ["a run of spaces at a line end", (n) => `>s\nACGT${" ".repeat(n)}\n`],
    ["one long sequence line", (n) => `>s\n${"ACGT".repeat(n / 4)}\n`],
    ["many short records", (n) => Array.from({ length: n / 8 }, (_, i) => `>r${i}\nACGT\n`).join("")],
    ["a long header", (n) => `>${"x ".repeat(n / 2)}\nACGT\n`],
    ["tabs and carriage returns", (n) => `>s\r\n${"A\t".repeat(n / 2)}\r\n`],
  ];
  for (const [what, make] of shapes) {
    const t = expectLinearTime(`FASTA, ${what}`, make, (text) => {
      try {
        parseFasta({ text, source: "fuzz.fa" });
      } catch {
        // a space in a sequence is refused; the time to say so is what is measured
      }
    }, 4000);
    timings.push(`FASTA ${what}: ${t.t1.toFixed(1)} ms at ${t.n} chars, ${t.t2.toFixed(1)} ms at ${2 * t.n}`);
  }
  // The case: one line with a million spaces is refused quickly, naming the file.
  const big = path.join(root, "spaces.fa");
  fs.writeFileSync(big, `>s\nAC${" ".repeat(1_000_000)}GT\n`);
  tallies.fasta.add(await tryBadFile("a million spaces", big, () => readFasta({ file: big }), { mustFail: true }));
});

test("IDX: damaged headers, truncations, gzip bombs and labels out of range name the file", async () => {
  const images = Buffer.from(encodeIdx({ dtype: "uint8", shape: [20, 7, 5], data: Uint8Array.from({ length: 700 }, (_, i) => i & 0xff) }));
  const labels = Buffer.from(encodeIdx({ dtype: "uint8", shape: [20], data: Uint8Array.from({ length: 20 }, (_, i) => i % 10) }));
  for (const [name, base] of [["images", images], ["labels", labels], ["images.gz", zlib.gzipSync(images)]] as const) {
    for (const [i, c] of [...fixedTruncations(base), ...mutants(base, baseSeed() + 9500, caseCount(25))].entries()) {
      await withSeed(c.seed, `IDX ${name}: ${c.what}`, async () => {
        const file = path.join(root, `idx-${i}-${name}`);
        fs.writeFileSync(file, c.bytes);
        tallies.idx.add(await tryBadFile(`idx ${name} ${c.what}`, file, () => readIdxFile(file), { mustFail: c.what.startsWith("truncate") }));
        fs.rmSync(file);
      });
    }
  }
  // A gzip bomb: 200 MiB of zeros (an IDX header claiming them) in about 200 KB; its trailer says so.
  const header = Buffer.from(encodeIdx({ dtype: "uint8", shape: [1], data: Uint8Array.of(0) })).subarray(0, 8);
  header.writeUInt32BE(200 * 2 ** 20, 4);
  const bombFile = path.join(root, "bomb-idx.gz");
  const bomb = zlib.gzipSync(Buffer.concat([header, Buffer.alloc(200 * 2 ** 20)]), { level: 9 });
  fs.writeFileSync(bombFile, bomb);
  const before = process.memoryUsage().arrayBuffers;
  const o = await tryBadFile(`gzip bomb (${bomb.length} bytes)`, bombFile, () => readIdxFile(bombFile), { mustFail: true });
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, "memory grew while refusing the bomb");
  assert.match(o.message ?? "", /refused before inflating/);
  tallies.idx.add(o);
  // The same bomb with a trailer that lies (says 1 KB): inflating stops at the limit.
  const lying = Buffer.from(bomb);
  lying.writeUInt32LE(1024, lying.length - 4);
  fs.writeFileSync(bombFile, lying);
  tallies.idx.add(await tryBadFile("gzip bomb, lying trailer", bombFile, () => readIdxFile(bombFile), { mustFail: true }));
  // Labels outside the classes, in an MNIST folder: the label file is named.
  const mnist = path.join(root, "mnist");
  fs.mkdirSync(mnist);
  const img = encodeIdx({ dtype: "uint8", shape: [12, 28, 28], data: new Uint8Array(12 * 784) });
  fs.writeFileSync(path.join(mnist, "train-images-idx3-ubyte"), img);
  fs.writeFileSync(path.join(mnist, "t10k-images-idx3-ubyte"), img);
  fs.writeFileSync(path.join(mnist, "t10k-labels-idx1-ubyte"), encodeIdx({ dtype: "uint8", shape: [12], data: new Uint8Array(12) }));
  const badLabels = path.join(mnist, "train-labels-idx1-ubyte");
  fs.writeFileSync(badLabels, encodeIdx({ dtype: "uint8", shape: [12], data: Uint8Array.from({ length: 12 }, (_, i) => (i === 5 ? 77 : 1)) }));
  tallies.idx.add(await tryBadFile("label 77", badLabels, () => loadMnist({ dir: mnist, validation: 2 }), { mustFail: true }));
  fs.writeFileSync(badLabels, encodeIdx({ dtype: "uint8", shape: [11], data: new Uint8Array(11) }));
  tallies.idx.add(await tryBadFile("11 labels for 12 images", badLabels, () => readIdxLabels(badLabels) && loadMnist({ dir: mnist, validation: 2 }), { mustFail: true }));
  const t = expectLinearTime("IDX parse", (n) => encodeIdx({ dtype: "int16", shape: [n], data: new Int16Array(n) }), (b) => parseIdx(b, "x.idx"), 1 << 16);
  timings.push(`IDX int16 parse: ${t.t1.toFixed(1)} ms at ${t.n} values, ${t.t2.toFixed(1)} ms at ${2 * t.n}`);
});

test("CIFAR batches: truncations, stray bytes, labels outside 0..9 and oversized files name the batch", async () => {
  const rng = new Rng(baseSeed() + 9900);
  const count = 6;
  const planes = Uint8Array.from({ length: count * CIFAR_IMAGE_BYTES }, () => rng.int(256));
  const base = Buffer.from(encodeCifarBatch(Array.from({ length: count }, (_, i) => i % 10), planes));
  for (const [i, c] of [...fixedTruncations(base), ...mutants(base, baseSeed() + 9950, caseCount(25))].entries()) {
    await withSeed(c.seed, `CIFAR: ${c.what}`, async () => {
      const file = path.join(root, `cifar-${i}.bin`);
      fs.writeFileSync(file, c.bytes);
      tallies.cifar.add(await tryBadFile(`cifar ${c.what}`, file, () => readCifarBatch(file), { mustFail: c.bytes.length % 3073 !== 0 || c.bytes.length === 0 }));
      fs.rmSync(file);
    });
  }
  // A sparse file of 2 GB is refused from its size, unread.
  const huge = path.join(root, "huge.bin");
  const fd = fs.openSync(huge, "w");
  fs.ftruncateSync(fd, 2 * 2 ** 30);
  fs.closeSync(fd);
  tallies.cifar.add(await tryBadFile("2 GB sparse batch", huge, () => readCifarBatch(huge), { mustFail: true }));
  fs.rmSync(huge);
  const t = expectLinearTime("CIFAR parse", (n) => encodeCifarBatch(new Array(n).fill(3), new Uint8Array(n * CIFAR_IMAGE_BYTES)), (b) => parseCifarBatch(b, "x.bin"), 16, 2048);
  timings.push(`CIFAR parse: ${t.t1.toFixed(1)} ms at ${t.n} records, ${t.t2.toFixed(1)} ms at ${2 * t.n}`);
});
