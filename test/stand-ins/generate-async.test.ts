/**
 * The generators' async variants (live progress line in a notebook) write the same bytes as the
 * synchronous ones, show one display, let the event loop run, and clean up when interrupted.
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureRickMortyData, ensureRickMortyDataAsync, generateRickMorty, generateRickMortyAsync } from "../../lib/stand-ins/rick-morty/generate";
import { rickMortyPaths } from "../../lib/data/rick-morty/layout";
import { ensureChipData, ensureChipDataAsync, generateChipStandIn, generateChipStandInAsync } from "../../lib/stand-ins/chip/generate";
import { lockPath } from "../../lib/io/folder-lock";
import { captureDisplays, displayText as text, SentDisplay } from "../display/captured-displays";
import { treeHash } from "../data/tree-hash";
import { requestInterrupt } from "../../lib/kernel/interrupt";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "generate-async-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const TINY = 0.01;



/** Files and folders next to `root` that a run leaves behind (aside folders, locks). */
function leftovers(root: string): string[] {
  const base = path.basename(root);
  return fs.readdirSync(path.dirname(root)).filter((n) => n.startsWith(`${base}.`));
}

test("generateRickMortyAsync writes the same bytes as generateRickMorty, on one live line, letting timers run", async () => {
  const a = path.join(dir, "rick-sync");
  const b = path.join(dir, "rick-async");
  // Enough frames for several redraws (about 1 s): Node runs due timers from the second turn on.
  const sync = generateRickMorty({ root: a, seed: 3, scale: 2.5 * TINY });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  let live: { value: { files: number; seconds: number }; sent: SentDisplay[] };
  try {
    live = await captureDisplays(() => generateRickMortyAsync({ root: b, seed: 3, scale: 2.5 * TINY }));
  } finally {
    clearInterval(timer);
  }
  assert.equal(live.value.files, sync.files);
  assert.equal(treeHash(b), treeHash(a));
  assert.deepEqual(leftovers(b), [], "no aside folder or lock left");
  const { sent } = live;
  const all = sent.map(text).join("\n");
  assert.ok(sent.length >= 3, `${sent.length} messages, want the first line, live updates and the closing line:\n${all}`);
  assert.equal(new Set(sent.map((s) => s.message.transient.display_id)).size, 1);
  assert.deepEqual(sent.map((s) => s.update), sent.map((_, i) => i > 0));
  assert.match(text(sent[1]), new RegExp(`^Generating the Rick and Morty frames: [█░]{20} [\\d,]+/${sync.files} frames \\(\\d+%\\)`));
  assert.match(text(sent[sent.length - 1]), new RegExp(`^Generated ${sync.files} frames in [\\d.]+ m?s \\([\\d,.]+ per s\\)$`));
  assert.ok(ticks >= 1, `a 5 ms timer ran ${ticks} times while it generated:\n${all}`);
});

test("ensureRickMortyDataAsync: same decisions and files as ensureRickMortyData; nothing shown when up to date", async () => {
  const a = path.join(dir, "ensure-sync");
  const b = path.join(dir, "ensure-async");
  assert.equal(ensureRickMortyData({ root: a, seed: 5, scale: TINY }).status, "generated");
  const first = await captureDisplays(() => ensureRickMortyDataAsync({ root: b, seed: 5, scale: TINY }));
  assert.equal(first.value.status, "generated");
  assert.equal(treeHash(b), treeHash(a));
  assert.match(text(first.sent[first.sent.length - 1]), /^Generated \d+ frames in /);

  const again = await captureDisplays(() => ensureRickMortyDataAsync({ root: b, seed: 5, scale: TINY }));
  assert.equal(again.value.status, "up to date");
  assert.equal(again.sent.length, 0);

  for (const root of [a, b]) fs.unlinkSync(path.join(rickMortyPaths(root).both, "Both_2.jpg"));
  const redoSync = ensureRickMortyData({ root: a, seed: 5, scale: TINY });
  const redo = await captureDisplays(() => ensureRickMortyDataAsync({ root: b, seed: 5, scale: TINY, progress: false }));
  assert.deepEqual(redo.value.written, redoSync.written);
  assert.deepEqual(redo.value.written, ["both"]);
  assert.equal(redo.sent.length, 0, "progress: false shows nothing");
  assert.equal(treeHash(b), treeHash(a));

  // Frames it did not write: left alone, the same answer as the synchronous call.
  const real = path.join(dir, "real");
  fs.mkdirSync(rickMortyPaths(real).altRick, { recursive: true });
  fs.copyFileSync(path.join(rickMortyPaths(a).altRick, "Rick_1.jpg"), path.join(rickMortyPaths(real).altRick, "Rick_1.jpg"));
  assert.equal((await ensureRickMortyDataAsync({ root: real, scale: TINY })).status, "existing");
  await assert.rejects(generateRickMortyAsync({ root: real, seed: 5, scale: TINY }), /did not generate .*not overwriting them/);
  assert.throws(() => generateRickMorty({ root: real, seed: 5, scale: TINY }), /did not generate .*not overwriting them/);
});

test("an interrupt stops the generation: no half-written folder, aside folder or lock; the next run completes it", async () => {
  const root = path.join(dir, "interrupted");
  const { sent } = await captureDisplays(async () => {
    await assert.rejects(ensureRickMortyDataAsync({ root, seed: 3, scale: TINY }), /Generating the Rick and Morty frames: interrupted after 1 of \d+ frames/);
  }, (s) => {
    if (!s.update) requestInterrupt(); // as the line first shows
  });
  assert.match(text(sent[sent.length - 1]), /stopped \(interrupted\) after 1\/\d+ frames/);
  assert.equal(fs.existsSync(root), false, "a new root appears only when complete");
  assert.deepEqual(leftovers(root), []);
  assert.equal(fs.existsSync(lockPath(root)), false);
  const done = await captureDisplays(() => ensureRickMortyDataAsync({ root, seed: 3, scale: TINY }));
  ensureRickMortyData({ root: path.join(dir, "ensure-tiny-seed-3"), seed: 3, scale: TINY });
  assert.equal(done.value.status, "generated");
  assert.equal(treeHash(root), treeHash(path.join(dir, "ensure-tiny-seed-3")));
});

test("the ChIP stand-in: the same files sync or async, one live line, nothing shown when up to date", async () => {
  const a = path.join(dir, "chip-sync");
  const b = path.join(dir, "chip-async");
  const sync = generateChipStandIn({ root: a, seed: 9, scale: 0.02 });
  const live = await captureDisplays(() => generateChipStandInAsync({ root: b, seed: 9, scale: 0.02 }));
  assert.deepEqual(live.value.records, sync.records);
  assert.equal(live.value.sites, sync.sites);
  assert.equal(treeHash(b), treeHash(a));
  const total = Object.values(sync.records).reduce((x, y) => x + y, 0);
  assert.equal(new Set(live.sent.map((s) => s.message.transient.display_id)).size, 1);
  assert.match(text(live.sent[0]), new RegExp(`^Generating the ChIP regions: ░{20} 0/${total.toLocaleString("en-US")} regions \\(0%\\)$`));
  assert.match(text(live.sent[live.sent.length - 1]), new RegExp(`^Generated ${total.toLocaleString("en-US")} regions in `));

  const c = path.join(dir, "chip-ensure-sync");
  const d = path.join(dir, "chip-ensure-async");
  assert.equal(ensureChipData({ root: c, seed: 9, scale: 0.02 }).status, "generated");
  assert.equal((await captureDisplays(() => ensureChipDataAsync({ root: d, seed: 9, scale: 0.02 }))).value.status, "generated");
  assert.equal(treeHash(d), treeHash(c));
  assert.equal(treeHash(d), treeHash(a));
  const again = await captureDisplays(() => ensureChipDataAsync({ root: d, seed: 9, scale: 0.02 }));
  assert.equal(again.value.status, "up to date");
  assert.equal(again.sent.length, 0);
  await assert.rejects(ensureChipDataAsync({ root: path.join(dir, "chip-bad"), scale: 2 }), /scale/);
  assert.throws(() => ensureChipData({ root: path.join(dir, "chip-bad"), scale: 2 }), /scale/);
});
