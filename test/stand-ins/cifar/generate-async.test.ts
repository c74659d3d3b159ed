/**
 * Drawing the CIFAR stand-in: written aside and renamed into place under the folder's lock, the
 * async variant (live progress line in a notebook) writes the same bytes, and a folder of real
 * CIFAR-10 batches is never overwritten.
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CIFAR_TEST_FILE, CIFAR_TRAIN_FILES, writeCifarBatch } from "../../../lib/data/cifar/binary-batch";
import {
  CIFAR10_DIR_ENV, ensureCifarData, ensureCifarDataAsync, generateCifarStandIn, generateCifarStandInAsync,
  readCifarStandInManifest,
} from "../../../lib/stand-ins/cifar/generate";
import { lockPath, withFolderLockAsync } from "../../../lib/io/folder-lock";
import { captureDisplays } from "../../display/captured-displays";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cifar-stand-in-async-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const files = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE, "batches.meta.txt", "stand-in.json"];
const bytesOf = (root: string): Buffer[] => files.map((f) => fs.readFileSync(path.join(root, f)));
/** What a run leaves next to `root`: aside folders, a lock. */
const leftovers = (root: string): string[] => fs.readdirSync(path.dirname(root)).filter((n) => n.startsWith(`${path.basename(root)}.`));


test("the async variant draws the same bytes on one live line, letting timers run, and leaves nothing beside the folder", async () => {
  const a = path.join(dir, "sync");
  const b = path.join(dir, "async");
  // Enough pictures for about a second of work: Node runs due timers from the second turn on.
  const m = generateCifarStandIn(a, { seed: 5, scale: 0.15 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  let live: Awaited<ReturnType<typeof captureDisplays<unknown>>>;
  try {
    live = await captureDisplays(() => generateCifarStandInAsync(b, { seed: 5, scale: 0.15 }));
  } finally {
    clearInterval(timer);
  }
  assert.deepEqual(bytesOf(b), bytesOf(a));
  assert.deepEqual(live.value, m);
  assert.deepEqual(leftovers(a), []);
  assert.deepEqual(leftovers(b), []);
  const n = 3 * (m.perClass.train + m.perClass.test);
  const texts = live.sent.map((s) => s.message.data["text/plain"] as string);
  assert.equal(new Set(live.sent.map((s) => s.message.transient.display_id)).size, 1, "one display");
  assert.deepEqual(live.sent.map((s) => s.update), live.sent.map((_, i) => i > 0), "shown once, then updated in place");
  assert.match(texts[0], new RegExp(`^Drawing the stand-in pictures: .* 0/${n.toLocaleString("en-US")} pictures`));
  assert.match(texts[texts.length - 1], new RegExp(`^Drew ${n.toLocaleString("en-US")} pictures in [\\d.]+ m?s`));
  assert.ok(ticks > 0, "the event loop ran while drawing");
});

test("drawing again replaces the folder whole; a stale aside folder is cleared; progress: false shows nothing", async () => {
  const root = path.join(dir, "again");
  generateCifarStandIn(root, { seed: 1, scale: 0.01 });
  fs.writeFileSync(path.join(root, "stray.txt"), "left by hand");
  const dead = `${path.resolve(root)}.999999-deadbeef.tmp`; // a run whose process is gone
  fs.mkdirSync(dead);
  const quiet = await captureDisplays(() => ensureCifarDataAsync({ seed: 2, scale: 0.01, root, progress: false }));
  assert.equal(quiet.sent.length, 0);
  assert.equal(readCifarStandInManifest(root)!.seed, 2);
  assert.ok(!fs.existsSync(path.join(root, "stray.txt")), "the old folder was replaced, not written over");
  assert.deepEqual(leftovers(root), []);
  // Up to date: nothing drawn, nothing shown.
  const mtime = fs.statSync(path.join(root, CIFAR_TEST_FILE)).mtimeMs;
  const again = await captureDisplays(() => ensureCifarDataAsync({ seed: 2, scale: 0.01, root }));
  assert.equal(again.sent.length, 0);
  assert.equal(fs.statSync(path.join(root, CIFAR_TEST_FILE)).mtimeMs, mtime);
});

test("a run waits for another that is drawing the same folder, then uses what it drew", async () => {
  const root = path.join(dir, "shared");
  let holderDone = 0;
  const holder = generateCifarStandInAsync(root, { seed: 7, scale: 0.02, progress: false }).then(() => {
    holderDone = fs.statSync(path.join(root, CIFAR_TEST_FILE)).mtimeMs;
  });
  const waiter = ensureCifarDataAsync({ seed: 7, scale: 0.02, root, progress: false });
  await Promise.all([holder, waiter]);
  assert.ok(holderDone > 0);
  assert.equal(fs.statSync(path.join(root, CIFAR_TEST_FILE)).mtimeMs, holderDone, "the waiter did not draw again");
  assert.equal(readCifarStandInManifest(root)!.seed, 7);
  assert.ok(!fs.existsSync(lockPath(root)), "the lock is released");
  // A synchronous call while an async run holds the lock fails at once instead of waiting forever.
  await withFolderLockAsync(root, () => {
    assert.throws(() => generateCifarStandIn(root, { seed: 8, scale: 0.01 }), /being written by an unfinished async call/);
  });
});

test("a folder of CIFAR-10 batches this kit did not draw is never overwritten, only read", async () => {
  const real = path.join(dir, "real");
  fs.mkdirSync(real);
  for (const f of [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE]) writeCifarBatch(path.join(real, f), [4], new Uint8Array(3072).fill(9));
  const before = fs.readFileSync(path.join(real, CIFAR_TEST_FILE));
  assert.throws(() => generateCifarStandIn(real, { seed: 1, scale: 0.01 }), /did not draw .*not overwriting them.*CIFAR10_DIR/);
  await assert.rejects(generateCifarStandInAsync(real, { seed: 1, scale: 0.01 }), /not overwriting/);
  // ensure... reads them as they are, like the other stand-ins' folders of data this kit did not write.
  const log: string[] = [];
  assert.equal(ensureCifarData({ seed: 1, scale: 0.01, root: real, log: (m) => log.push(m) }).status, "existing");
  assert.equal((await ensureCifarDataAsync({ seed: 1, scale: 0.01, root: real })).status, "existing");
  assert.match(log.join("\n"), /did not draw; using them as they are/);
  assert.deepEqual(fs.readFileSync(path.join(real, CIFAR_TEST_FILE)), before);
  const saved = process.env[CIFAR10_DIR_ENV];
  process.env[CIFAR10_DIR_ENV] = real;
  try {
    const r = await ensureCifarDataAsync({ seed: 1 });
    assert.deepEqual([r.root, r.status, r.generated], [real, "existing", false]);
  } finally {
    if (saved === undefined) delete process.env[CIFAR10_DIR_ENV];
    else process.env[CIFAR10_DIR_ENV] = saved;
  }
});
