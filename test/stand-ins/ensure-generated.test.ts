/**
 * ensureGenerated's own contract, with a toy generator (a few numbered files): it writes only what
 * is missing, on first use only; aside, then renamed into place; a failure leaves nothing behind;
 * dead runs' aside folders are cleared; calls waiting for the lock use what the first one wrote.
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import {
  EnsuredFolder, ensureGenerated, ensureGeneratedAsync, generateInFolder, replaceFolder, standInResult,
} from "../../lib/stand-ins/ensure-generated";
import { lockPath } from "../../lib/io/folder-lock";
import { WorkSteps } from "../../lib/kernel/work-progress";
import { captureDisplays, displayText } from "../display/captured-displays";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ensure-generated-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Everything beside `target` that starts with its name: aside folders, a lock. */
function leftovers(target: string): string[] {
  const base = path.basename(target);
  return fs.readdirSync(path.dirname(target)).filter((n) => n.startsWith(`${base}.`));
}

interface Toy {
  /** How many times `write` began. */
  writes: number;
  /** The folders `write` was given. */
  asides: string[];
  folder: EnsuredFolder<number, string[]>;
}

/**
 * A toy data set: `n` files 1.txt … n.txt and `done.txt` last. Missing when done.txt is absent.
 * `failAfter` makes `write` throw after that many files.
 */
function toy(target: string, n: number, options: { failAfter?: number; log?: (m: string) => void } = {}): Toy {
  const t: Toy = {
    writes: 0,
    asides: [],
    folder: {
      target,
      log: options.log,
      missing: (root) => (fs.existsSync(path.join(root, "done.txt")) ? null : n),
      write: function* (aside: string, count: number): WorkSteps<string[]> {
        t.writes++;
        t.asides.push(aside);
        assert.deepEqual(fs.readdirSync(aside), [], "write gets an empty folder");
        assert.notEqual(path.resolve(aside), path.resolve(target));
        const names: string[] = [];
        for (let i = 1; i <= count; i++) {
          if (options.failAfter !== undefined && i > options.failAfter) throw new Error(`toy: failed after ${options.failAfter} files`);
          fs.writeFileSync(path.join(aside, `${i}.txt`), `file ${i}\n`);
          names.push(`${i}.txt`);
          yield { done: i, total: count };
        }
        fs.writeFileSync(path.join(aside, "done.txt"), "ok\n");
        return names;
      },
    },
  };
  return t;
}

test("first call writes (aside, then renamed into place); the second finds it complete and writes nothing", () => {
  const target = path.join(dir, "first", "toy");
  const t = toy(target, 3);
  const first = ensureGenerated(t.folder);
  assert.equal(first.generated, true);
  assert.equal(first.todo, 3);
  assert.deepEqual(first.made, ["1.txt", "2.txt", "3.txt"]);
  assert.deepEqual(fs.readdirSync(target).sort(), ["1.txt", "2.txt", "3.txt", "done.txt"]);
  assert.equal(path.dirname(t.asides[0]), path.dirname(path.resolve(target)), "the aside folder is a sibling (same file system)");
  assert.equal(fs.existsSync(t.asides[0]), false, "renamed away");
  assert.deepEqual(leftovers(target), [], "no aside folder or lock left");
  const mtime = fs.statSync(path.join(target, "done.txt")).mtimeMs;

  const second = ensureGenerated(t.folder);
  assert.deepEqual([second.generated, second.todo, second.made], [false, null, null]);
  assert.equal(t.writes, 1, "not written again");
  assert.equal(fs.statSync(path.join(target, "done.txt")).mtimeMs, mtime);
  assert.deepEqual(standInResult(second, () => ["x"]).status, "up to date");
  assert.deepEqual(standInResult(first, (todo) => [String(todo)]).written, ["3"]);
});

test("a write that throws midway leaves no target, aside folder or lock; the next call writes it whole", () => {
  const target = path.join(dir, "failing", "toy");
  const broken = toy(target, 5, { failAfter: 2 });
  assert.throws(() => ensureGenerated(broken.folder), /toy: failed after 2 files/);
  assert.equal(fs.existsSync(target), false, "no half-written target");
  assert.deepEqual(leftovers(target), []);
  assert.equal(fs.existsSync(lockPath(target)), false);

  const good = toy(target, 5);
  assert.equal(ensureGenerated(good.folder).generated, true);
  assert.deepEqual(fs.readdirSync(target).sort(), ["1.txt", "2.txt", "3.txt", "4.txt", "5.txt", "done.txt"]);
});

test("a failure while replacing an older folder keeps the older folder as it was", () => {
  const target = path.join(dir, "keep-old", "toy");
  generateInFolder(toy(target, 2).folder, 2);
  const before = fs.readdirSync(target).sort();
  assert.throws(() => generateInFolder(toy(target, 4, { failAfter: 3 }).folder, 4), /failed after 3/);
  assert.deepEqual(fs.readdirSync(target).sort(), before);
  assert.deepEqual(leftovers(target), []);
  // A write that succeeds replaces the folder whole (an old stray file does not survive).
  fs.writeFileSync(path.join(target, "stray.txt"), "by hand");
  generateInFolder(toy(target, 1).folder, 1);
  assert.deepEqual(fs.readdirSync(target).sort(), ["1.txt", "done.txt"]);
});

test("aside folders of runs that died are cleared (and said so); a live run's are not", () => {
  const target = path.join(dir, "stale", "toy");
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const deadPid = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
  const dead = `${path.resolve(target)}.${deadPid}-abc123.tmp`;
  fs.mkdirSync(dead);
  fs.writeFileSync(path.join(dead, "1.txt"), "half");
  const alive = `${path.resolve(target)}.${process.ppid}-def456.tmp`; // a process that is certainly running
  fs.mkdirSync(alive);
  const log: string[] = [];
  const t = toy(target, 2, { log: (m) => log.push(m) });
  assert.equal(ensureGenerated(t.folder).generated, true);
  assert.equal(fs.existsSync(dead), false, "the dead run's aside folder is gone");
  assert.ok(log.some((m) => m.includes(dead) && m.includes("left by a run that did not finish")), JSON.stringify(log));
  assert.equal(fs.existsSync(alive), true, "a live run's aside folder is left alone");
  fs.rmSync(alive, { recursive: true });
  // Nothing missing: the lock is not even taken, so nothing is cleared either.
  fs.mkdirSync(dead);
  assert.equal(ensureGenerated(t.folder).generated, false);
  assert.equal(fs.existsSync(dead), true);
});

test("async: a live progress line while it writes, none when complete; two calls at once write once", async () => {
  const target = path.join(dir, "async", "toy");
  const t = toy(target, 4);
  const label = { title: "Writing the toy", unit: "files", doneVerb: "Wrote" };
  const [a, b] = await Promise.all([ensureGeneratedAsync(t.folder, label), ensureGeneratedAsync(t.folder, label)]);
  assert.deepEqual([a.generated, b.generated].sort(), [false, true], "the second waited for the lock and found it complete");
  assert.equal(t.writes, 1);
  assert.deepEqual(leftovers(target), []);
  const again = await captureDisplays(() => ensureGeneratedAsync(t.folder, label));
  assert.equal(again.value.generated, false);
  assert.equal(again.sent.length, 0, "nothing shown when complete");

  const other = path.join(dir, "async", "shown");
  const shown = await captureDisplays(() => ensureGeneratedAsync(toy(other, 4).folder, label));
  assert.equal(shown.value.generated, true);
  assert.match(displayText(shown.sent[shown.sent.length - 1]), /^Wrote 4 files in /);

  const failing = path.join(dir, "async", "failing");
  await assert.rejects(ensureGeneratedAsync(toy(failing, 4, { failAfter: 1 }).folder, null), /failed after 1/);
  assert.equal(fs.existsSync(failing), false);
  assert.deepEqual(leftovers(failing), []);
});

test("replaceFolder: a new target in one rename; an existing one swapped whole", () => {
  const target = path.join(dir, "replace", "deep", "toy");
  const fresh = path.join(dir, "replace-fresh");
  fs.mkdirSync(fresh);
  fs.writeFileSync(path.join(fresh, "a.txt"), "a");
  replaceFolder(fresh, target);
  assert.deepEqual(fs.readdirSync(target), ["a.txt"]);
  assert.equal(fs.existsSync(fresh), false);
  fs.mkdirSync(fresh);
  fs.writeFileSync(path.join(fresh, "b.txt"), "b");
  replaceFolder(fresh, target);
  assert.deepEqual(fs.readdirSync(target), ["b.txt"]);
  assert.deepEqual(leftovers(target), []);
});
