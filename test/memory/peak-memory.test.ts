/**
 * Memory bound of streaming: reading 10 times as many frames through flowFromDirectory must not raise
 * the peak resident memory by more than a fraction of their size, while loading them into one tensor
 * raises it by at least their size. Each measurement runs in a fresh process.
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { encodeJpeg } from "../../lib/data/images/codecs/jpeg-encode";
import { measurePeakMemory, peakResidentBytes } from "../../lib/memory/peak-memory";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peak-memory-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const H = 90;
const W = 160;

function makeSet(name: string, perClass: number): string {
  const root = path.join(dir, name);
  for (const [k, c] of ["a", "b"].entries()) {
    fs.mkdirSync(path.join(root, c), { recursive: true });
    const px = new Uint8Array(H * W * 3);
    for (let p = 0; p < H * W; p++) px.set([(p * 7) % 256, (p >> 5) % 256, 100 + 50 * k], p * 3);
    const bytes = encodeJpeg(px, W, H, 90);
    for (let i = 0; i < perClass; i++) fs.writeFileSync(path.join(root, c, `f${i}.jpg`), bytes);
  }
  return root;
}

test("peakResidentBytes reads this process's high-water mark", () => {
  const before = peakResidentBytes();
  assert.ok(before > 10e6 && before < 64e9);
  const big = new Float64Array(40e6 / 8).fill(1); // touch 40 MB
  assert.ok(peakResidentBytes() >= before + 30e6, "the mark rises when memory is touched");
  assert.equal(big[0], 1);
});

test("streaming keeps peak memory flat as the frames grow; loading grows with them", { timeout: 300_000 }, () => {
  const small = makeSet("small", 30); // 60 frames
  const large = makeSet("large", 300); // 600 frames
  const extraBytes = (600 - 60) * H * W * 3 * 4; // float32 pixels of the extra frames, ≈ 93 MB
  const m = (mode: "stream" | "load", directory: string) => measurePeakMemory({ mode, directory, classes: ["a", "b"], batchSize: 50 });
  const s1 = m("stream", small);
  const s2 = m("stream", large);
  const l1 = m("load", small);
  const l2 = m("load", large);
  assert.equal(s2.frames, 600);
  assert.equal(l2.frames, 600);
  const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
  const detail = `stream ${mb(s1.peakBytes)} → ${mb(s2.peakBytes)}, load ${mb(l1.peakBytes)} → ${mb(l2.peakBytes)}, extra pixels ${mb(extraBytes)}`;
  assert.ok(s2.peakBytes - s1.peakBytes < 0.3 * extraBytes, `streaming grew too much: ${detail}`);
  assert.ok(l2.peakBytes - l1.peakBytes > 0.9 * extraBytes, `loading should hold every frame: ${detail}`);
  assert.ok(s2.peakBytes < l2.peakBytes, detail);
});

test("measurePeakMemory refuses an unknown mode and reports a failing read", () => {
  assert.throws(() => measurePeakMemory({ mode: "all" as never, directory: dir, classes: ["a"] }), /mode must be "stream", "load" or "baseline"/);
  assert.throws(() => measurePeakMemory({ mode: "stream", directory: path.join(dir, "missing"), classes: ["a"] }), /measurePeakMemory \(stream\) failed: .*folder not found/);
});
