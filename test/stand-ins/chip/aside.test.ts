/**
 * The ChIP stand-in is drawn aside and renamed into place under the folder's lock (see
 * lib/stand-ins/ensure-generated.ts): a run that fails or is interrupted midway leaves no
 * half-written folder (nor spoils an older complete one), and two runs at once make one folder.
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureChipData, ensureChipDataAsync, generateChipStandIn } from "../../../lib/stand-ins/chip/generate";
import { readChipManifest } from "../../../lib/data/dna/chip-manifest";
import { CHIP_CLASSES } from "../../../lib/data/dna/layout";
import { lockPath } from "../../../lib/io/folder-lock";
import { requestInterrupt } from "../../../lib/kernel/interrupt";
import { captureDisplays } from "../../display/captured-displays";
import { treeHash } from "../../data/tree-hash";
import { runJsonChild } from "../../fixtures/run-child";

const repo = path.resolve(__dirname, "..", "..", "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chip-aside-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const SCALE = 0.02;

/** Everything beside `root` that starts with its name: aside folders, a lock. */
function leftovers(root: string): string[] {
  const base = path.basename(root);
  return fs.readdirSync(path.dirname(root)).filter((n) => n.startsWith(`${base}.`));
}

/** A log that throws once the first FASTA file is written: a run that fails midway. */
function failAfterFirstFile(m: string): void {
  if (m.startsWith("SOX17.fa:")) throw new Error("stopped midway on purpose");
}

test("a run that fails midway leaves no ChIP folder; the next run generates it whole", () => {
  const reference = path.join(dir, "reference");
  generateChipStandIn({ root: reference, seed: 5, scale: SCALE });
  const root = path.join(dir, "fails", "ChIP");
  assert.throws(() => ensureChipData({ root, seed: 5, scale: SCALE, log: failAfterFirstFile }), /stopped midway on purpose/);
  assert.equal(fs.existsSync(root), false, "no half-written folder (it used to hold SOX17.fa and an incomplete manifest)");
  assert.deepEqual(leftovers(root), [], "no aside folder or lock");
  const r = ensureChipData({ root, seed: 5, scale: SCALE });
  assert.deepEqual([r.status, r.generated, r.written], ["generated", true, [...CHIP_CLASSES]]);
  assert.equal(treeHash(root), treeHash(reference));
  assert.equal(ensureChipData({ root, seed: 5, scale: SCALE }).status, "up to date");
});

test("a failed or interrupted redraw with another seed leaves the older complete folder as it was", async () => {
  const root = path.join(dir, "older", "ChIP");
  ensureChipData({ root, seed: 5, scale: SCALE });
  const before = treeHash(root);
  assert.throws(() => ensureChipData({ root, seed: 6, scale: SCALE, log: failAfterFirstFile }), /stopped midway/);
  assert.equal(treeHash(root), before);
  assert.throws(() => generateChipStandIn({ root, seed: 6, scale: SCALE, log: failAfterFirstFile }), /stopped midway/);
  assert.equal(treeHash(root), before);
  // Kernel > Interrupt as the progress line first shows.
  await captureDisplays(async () => {
    await assert.rejects(ensureChipDataAsync({ root, seed: 6, scale: SCALE }), /Generating the ChIP regions: interrupted after/);
  }, (s) => {
    if (!s.update) requestInterrupt();
  });
  assert.equal(treeHash(root), before);
  assert.equal(readChipManifest(root)!.seed, 5);
  assert.deepEqual(leftovers(root), []);
  assert.equal(fs.existsSync(lockPath(root)), false);
  assert.equal(ensureChipData({ root, seed: 6, scale: SCALE }).status, "generated");
  assert.equal(readChipManifest(root)!.seed, 6);
});

interface ChildReport { status: string; root: string; waited: boolean; hash: string; log: string[] }

function runChild(root: string, startAt: number): Promise<ChildReport> {
  return runJsonChild<ChildReport>(path.join(repo, "test", "fixtures", "ensure-chip-child.ts"), [root, String(startAt)], repo);
}

test("two processes ensuring the same new ChIP folder at once: one generates, the other waits and uses it", async () => {
  const reference = path.join(dir, "reference-7");
  generateChipStandIn({ root: reference, seed: 7, scale: 0.2 }); // about 2 s of drawing: the two runs overlap
  const root = path.join(dir, "together", "ChIP");
  const startAt = Date.now() + 6000;
  const [a, b] = await Promise.all([runChild(root, startAt), runChild(root, startAt)]);
  assert.deepEqual([a.status, b.status].sort(), ["generated", "up to date"], JSON.stringify([a.log, b.log]));
  const waiter = a.status === "up to date" ? a : b;
  assert.equal(waiter.waited, true, `the second run waited for the first: ${JSON.stringify(waiter.log)}`);
  assert.equal(a.hash, treeHash(reference));
  assert.equal(b.hash, treeHash(reference));
  assert.equal(treeHash(root), treeHash(reference));
  assert.deepEqual(leftovers(root), [], "one folder, nothing beside it");
});
