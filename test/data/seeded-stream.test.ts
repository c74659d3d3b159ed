/**
 * Making data must not draw from the chapter's seeded stream: after setSeed, Math.random feeds
 * TensorFlow.js's weight initialisers and shuffles, so a draw made while generating a stand-in
 * would make a first run (which generates) train differently from a second (which finds the data).
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { setSeed, restoreMathRandom } from "../../lib/random/rng";
import { asideFolder, withFolderLock, withFolderLockAsync } from "../../lib/io/folder-lock";
import { ensureCifarDataAsync, generateCifarStandIn } from "../../lib/stand-ins/cifar/generate";
import { ensureRickMortyData } from "../../lib/stand-ins/rick-morty/generate";
import { ensureChipData } from "../../lib/stand-ins/chip/generate";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seeded-stream-"));
after(() => {
  restoreMathRandom();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The next three draws of the seeded stream after `work`, and without it. */
async function drawsAfter(work: () => unknown): Promise<{ withWork: number[]; without: number[] }> {
  setSeed(2020);
  await work();
  const withWork = [Math.random(), Math.random(), Math.random()];
  setSeed(2020);
  const without = [Math.random(), Math.random(), Math.random()];
  return { withWork, without };
}

test("locks and aside folders take their random names from the OS, not the seeded Math.random", async () => {
  const r = await drawsAfter(async () => {
    asideFolder(path.join(dir, "a"));
    withFolderLock(path.join(dir, "b"), () => undefined);
    await withFolderLockAsync(path.join(dir, "c"), () => undefined);
  });
  assert.deepEqual(r.withWork, r.without);
});

test("generating the stand-ins leaves the seeded stream where it was", async () => {
  const r = await drawsAfter(async () => {
    generateCifarStandIn(path.join(dir, "cifar"), { seed: 1, scale: 0.01 });
    await ensureCifarDataAsync({ seed: 2, scale: 0.01, root: path.join(dir, "cifar"), progress: false });
    ensureRickMortyData({ root: path.join(dir, "rick"), seed: 3, scale: 0.01 });
    ensureChipData({ root: path.join(dir, "chip"), seed: 4, scale: 0.01 });
  });
  assert.deepEqual(r.withWork, r.without);
});
