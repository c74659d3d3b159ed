import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { lockPath, withFolderLock, withFolderLockAsync } from "../../lib/io/folder-lock";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "folder-lock-async-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Makes `target`'s lock look held by process `pid` on this host. */
function lockAs(target: string, pid: number): string {
  const lock = lockPath(target);
  fs.mkdirSync(lock, { recursive: true });
  fs.writeFileSync(path.join(lock, "owner.json"), JSON.stringify({ pid, host: os.hostname(), since: "2020-01-01T00:00:00.000Z" }));
  return lock;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("async calls in one process take turns, and the lock is gone after each (also when fn fails)", async () => {
  const target = path.join(dir, "turns");
  const events: string[] = [];
  const job = (name: string, ms: number) => withFolderLockAsync(target, async () => {
    events.push(`${name} in`);
    assert.ok(fs.existsSync(lockPath(target)), "the lock folder exists while held");
    await sleep(ms);
    events.push(`${name} out`);
    return name;
  });
  assert.deepEqual(await Promise.all([job("a", 30), job("b", 5), job("c", 1)]), ["a", "b", "c"]);
  assert.deepEqual(events, ["a in", "a out", "b in", "b out", "c in", "c out"]);
  assert.equal(fs.existsSync(lockPath(target)), false);

  await assert.rejects(withFolderLockAsync(target, async () => {
    throw new Error("writing failed");
  }), /^Error: writing failed$/);
  assert.equal(fs.existsSync(lockPath(target)), false);
  assert.equal(await withFolderLockAsync(target, () => 7), 7, "usable again after a failure");
});

test("waiting for another run's lock keeps the event loop running; a dead owner's lock is taken over", async () => {
  const target = path.join(dir, "other");
  // A live process holds it (the parent of this test, which outlives it); it lets go after 150 ms.
  const lock = lockAs(target, process.ppid);
  const messages: string[] = [];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  setTimeout(() => fs.rmSync(lock, { recursive: true, force: true }), 150);
  const t0 = Date.now();
  try {
    assert.equal(await withFolderLockAsync(target, () => "mine", { pollMs: 10, log: (m) => messages.push(m) }), "mine");
  } finally {
    clearInterval(timer);
  }
  assert.ok(Date.now() - t0 >= 140, "it did not wait for the other run");
  assert.ok(ticks >= 5, `timers ran ${ticks} times while it waited`);
  assert.equal(messages.length, 1);
  assert.match(messages[0], new RegExp(`waiting for another run \\(pid ${process.ppid} on .*\\) that is writing .*other`));

  // A lock whose owner died is taken over at once.
  const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
  lockAs(target, dead);
  assert.equal(await withFolderLockAsync(target, () => "taken over", { pollMs: 10, timeoutMs: 1000 }), "taken over");
  assert.equal(fs.existsSync(lockPath(target)), false);
});

test("a lock held too long is an error naming its owner; a sync call during an async hold fails at once", async () => {
  const target = path.join(dir, "busy");
  const lock = lockAs(target, process.ppid);
  await assert.rejects(withFolderLockAsync(target, () => 1, { pollMs: 10, timeoutMs: 50 }),
    new RegExp(`busy is locked by another run \\(pid ${process.ppid} on .*\\) for more than 0 s\\. .*remove .*busy\\.lock`));
  fs.rmSync(lock, { recursive: true, force: true });

  await withFolderLockAsync(target, async () => {
    // Blocking here would stop the holder from ever finishing.
    assert.throws(() => withFolderLock(target, () => 1), /being written by an unfinished async call in this process/);
  });
  // Once it is free the synchronous lock works as before (and stays re-entrant).
  assert.equal(withFolderLock(target, () => withFolderLock(target, () => 42)), 42);
  await assert.rejects(withFolderLock(target, () => withFolderLockAsync(target, () => 1)), /already locked by a synchronous call/);
});
