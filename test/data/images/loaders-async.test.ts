/**
 * The async loaders (live progress line in a notebook) against the synchronous ones: the same
 * frames, labels, files and errors; one display updated in place; the event loop runs meanwhile.
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { encodeJpeg } from "../../../lib/data/images/codecs/jpeg-encode";
import { LoadedImages, loadImageFiles, loadImageFilesAsync, loadImageFolder, loadImageFolderAsync } from "../../../lib/data/images/loaders/load-images";
import { LabelledImages, loadLabelledFolders, loadLabelledFoldersAsync } from "../../../lib/data/images/loaders/load-labelled";
import { captureDisplays, displayText as text, SentDisplay } from "../../display/captured-displays";
import { requestInterrupt } from "../../../lib/kernel/interrupt";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "images-async-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A folder of `n` noisy 160×90 frames (noise makes decoding take a few ms each, like real frames). */
function noisyFolder(name: string, n: number, seed: number): string {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  for (let k = 0; k < n; k++) {
    const px = new Uint8Array(160 * 90 * 3).map((_, i) => (i * 7919 + (k + 1) * seed * 104729) % 251);
    fs.writeFileSync(path.join(d, `frame_${k + 1}.jpg`), encodeJpeg(px, 160, 90, 90));
  }
  return d;
}


function assertSameImages(a: LoadedImages, b: LoadedImages): void {
  assert.deepEqual(a.x.shape, b.x.shape);
  assert.deepEqual(a.x.dataSync(), b.x.dataSync());
  assert.deepEqual(a.files, b.files);
  assert.deepEqual(a.hashes, b.hashes);
  assert.deepEqual(a.adjusted, b.adjusted);
  assert.deepEqual(a.skipped, b.skipped);
}

function disposeAll(...rs: (LoadedImages | LabelledImages)[]): void {
  for (const r of rs) tf.dispose(["y" in r ? r.y : [], r.x].flat());
}

test("loadLabelledFoldersAsync: the same frames and labels as loadLabelledFolders, shown on one progress line", async () => {
  const rick = noisyFolder("Rick", 12, 3);
  const other = noisyFolder("Other", 9, 5);
  fs.writeFileSync(path.join(other, "frame_5b_broken.jpg"), "not a picture");
  const options = { folders: [{ path: rick, label: 0 }, { path: other, label: 1, name: "not Rick" }], onBadFile: "skip" as const, warn: () => undefined };
  const before = tf.memory().numTensors;
  const sync = loadLabelledFolders(options);
  const { value: live, sent } = await captureDisplays(() => loadLabelledFoldersAsync(options));
  assertSameImages(sync, live);
  assert.deepEqual(live.y.dataSync(), sync.y.dataSync());
  assert.deepEqual(live.labels, sync.labels);
  assert.deepEqual(live.folderIndex, sync.folderIndex);
  assert.deepEqual(live.classNames, ["Rick", "not Rick"]);
  assert.deepEqual(live.counts, [12, 9]);
  assert.equal(live.skipped.length, 1);

  assert.ok(sent.length >= 2, `${sent.length} messages`);
  assert.equal(new Set(sent.map((s) => s.message.transient.display_id)).size, 1, "one display");
  assert.deepEqual(sent.map((s) => s.update), sent.map((_, i) => i > 0), "a new output first, then updates of it");
  assert.match(text(sent[0]), /^Decoding JPEGs: ░+ 0\/22 JPEGs \(0%\)$/);
  assert.match(text(sent[sent.length - 1]), /^Decoded 22 JPEGs in [\d.]+ m?s \([\d,.]+ per s\)$/);

  // progress: false: no display, the same result.
  const { value: quiet, sent: none } = await captureDisplays(() => loadLabelledFoldersAsync({ ...options, progress: false }));
  assertSameImages(sync, quiet);
  assert.equal(none.length, 0);
  disposeAll(sync, live, quiet);
  assert.equal(tf.memory().numTensors, before);
});

test("loadImageFilesAsync lets the event loop run while it decodes, and redraws the line in place", async () => {
  const d = noisyFolder("many", 6, 7);
  const one = fs.readdirSync(d).map((f) => path.join(d, f));
  const files = Array.from({ length: 240 }, (_, i) => one[i % one.length]); // about 1 s of decoding
  const before = tf.memory().numTensors;
  const sync = loadImageFiles(files);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  let result: { value: LoadedImages; sent: SentDisplay[] };
  try {
    result = await captureDisplays(() => loadImageFilesAsync(files));
  } finally {
    clearInterval(timer);
  }
  assertSameImages(sync, result.value);
  const live = result.sent.slice(1, -1);
  assert.ok(live.length >= 2, `${live.length} live updates between the first line and the last`);
  // Node runs due timers from the second turn on (libuv's timers come after the check phase).
  assert.ok(ticks >= 1, `a 5 ms timer ran ${ticks} times during the decoding`);
  // The rate and time left join in after the first second.
  for (const s of live) assert.match(text(s), /^Decoding JPEGs: [█░]{20} [\d,]+\/240 JPEGs \(\d+%\)( · [\d,.]+ per s · .+ left)?$/);
  assert.match(text(result.sent[result.sent.length - 1]), /^Decoded 240 JPEGs in /);
  disposeAll(sync, result.value);

  const folderSync = loadImageFolder(d, { height: 45, width: 80, onWrongSize: "resize", warn: () => undefined });
  const { value: folderLive } = await captureDisplays(() => loadImageFolderAsync(d, { height: 45, width: 80, onWrongSize: "resize", warn: () => undefined }));
  assertSameImages(folderSync, folderLive);
  assert.equal(folderLive.adjusted.length, 6);
  disposeAll(folderSync, folderLive);
  assert.equal(tf.memory().numTensors, before);
});

test("bad input gives the same errors, sync or async, and an interrupt stops decoding without leaking", async () => {
  const good = path.join(dir, "Rick");
  const broken = path.join(dir, "broken");
  fs.mkdirSync(broken, { recursive: true });
  fs.writeFileSync(path.join(broken, "a.jpg"), "");
  fs.writeFileSync(path.join(broken, "b.jpg"), Buffer.from([0xff, 0xd8, 0xff]));
  const before = tf.memory().numTensors;
  const cases: [string, () => unknown, () => Promise<unknown>][] = [
    ["no files", () => loadImageFiles([]), () => loadImageFilesAsync([])],
    ["bad height", () => loadImageFolder(good, { height: -1 }), () => loadImageFolderAsync(good, { height: -1 })],
    ["bad policy", () => loadImageFolder(good, { onWrongSize: "stretch" as never }), () => loadImageFolderAsync(good, { onWrongSize: "stretch" as never })],
    ["wrong size", () => loadImageFolder(good, { height: 10, width: 10 }), () => loadImageFolderAsync(good, { height: 10, width: 10 })],
    ["broken files", () => loadImageFolder(broken), () => loadImageFolderAsync(broken)],
    ["missing folder", () => loadImageFolder(path.join(dir, "nope")), () => loadImageFolderAsync(path.join(dir, "nope"))],
    ["no folders", () => loadLabelledFolders({ folders: [] }), () => loadLabelledFoldersAsync({ folders: [] })],
    ["labels", () => loadLabelledFolders({ folders: [{ path: good, label: [1, 0] }, { path: broken, label: 1 }] }),
      () => loadLabelledFoldersAsync({ folders: [{ path: good, label: [1, 0] }, { path: broken, label: 1 }] })],
    ["broken among labelled", () => loadLabelledFolders({ folders: [{ path: good, label: 0 }, { path: broken, label: 1 }] }),
      () => loadLabelledFoldersAsync({ folders: [{ path: good, label: 0 }, { path: broken, label: 1 }] })],
  ];
  for (const [name, sync, live] of cases) {
    let message = "";
    assert.throws(sync, (e: Error) => ((message = e.message), true), name);
    assert.ok(message !== "", name);
    await captureDisplays(async () => {
      await assert.rejects(live(), (e: Error) => (assert.equal(e.message, message, name), true));
    });
  }
  assert.equal(tf.memory().numTensors, before);

  // Kernel ▸ Interrupt at the 3rd frame: the promise fails at once, with no tensor left behind.
  let last = 0;
  const { sent } = await captureDisplays(async () => {
    await assert.rejects(loadImageFolderAsync(good, { onProgress: (done) => { last = done; if (done === 3) requestInterrupt(); } }),
      /Decoding JPEGs: interrupted after 3 of 12 JPEGs/);
  });
  assert.equal(last, 3, "decoding went on after the interrupt");
  assert.match(text(sent[sent.length - 1]), /^Decoding JPEGs: stopped \(interrupted\) after 3\/12 JPEGs/);
  assert.equal(tf.memory().numTensors, before);
});
