/**
 * Two runs generating the same stand-in folder at the same time (two real processes): the lock makes
 * one wait for the other, the frames are written aside and renamed into place, and both end up
 * with the complete folder, byte for byte what a run on its own writes.
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { ensureRickMortyData, generateRickMorty } from "../../../lib/stand-ins/rick-morty/generate";
import { readManifest } from "../../../lib/data/rick-morty/manifest";
import { RICK_MORTY_FOLDERS, rickMortyCounts, rickMortyPaths } from "../../../lib/data/rick-morty/layout";
import { listFiles } from "../../../lib/data/images/list-files";
import { asideFolder, lockPath, withFolderLock } from "../../../lib/io/folder-lock";
import { treeHash } from "../../fixtures/generate-rick-morty-child";
import { runJsonChild } from "../../fixtures/run-child";

const root = path.resolve(__dirname, "..", "..", "..");
const child = path.join(root, "test", "fixtures", "generate-rick-morty-child.ts");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rick-morty-concurrent-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface ChildReport { status: string; waited: boolean; began: number; ended: number; hash: string; log: string[] }

function runChild(target: string, mode: "ensure" | "force", startAt: number): Promise<ChildReport> {
  return runJsonChild<ChildReport>(child, [target, mode, String(startAt)], root);
}

/** Both children, started together (each waits for the same moment after loading). */
async function together(target: string, mode: "ensure" | "force"): Promise<ChildReport[]> {
  const startAt = Date.now() + 6000;
  return Promise.all([runChild(target, mode, startAt), runChild(target, mode, startAt)]);
}

function siblingsOf(target: string): string[] {
  return fs.readdirSync(path.dirname(target)).filter((n) => n.startsWith(path.basename(target)) && n !== path.basename(target));
}

function assertComplete(target: string): void {
  const m = readManifest(target);
  assert.ok(m !== null && m.complete, "manifest says complete");
  const counts = rickMortyCounts(0.02);
  const dirs = rickMortyPaths(target);
  for (const k of RICK_MORTY_FOLDERS) assert.equal(listFiles(dirs[k], { pattern: /\.jpg$/ }).length, counts[k], k);
}

const reference = path.join(dir, "reference");
let referenceHash = "";

test("reference: one run alone", () => {
  generateRickMorty({ root: reference, seed: 9, scale: 0.02 });
  assertComplete(reference);
  referenceHash = treeHash(reference);
});

test("two ensureRickMortyData at once on a new folder: one generates, the other waits and finds it up to date", async () => {
  const target = path.join(dir, "ensure", "RickandMorty-scale-0.02");
  const [a, b] = await together(target, "ensure");
  assert.deepEqual([a.status, b.status].sort(), ["generated", "up to date"], JSON.stringify([a.log, b.log]));
  const waiter = a.status === "up to date" ? a : b;
  const writer = a.status === "generated" ? a : b;
  // They really overlapped: the second asked while the first was writing, and returned after it.
  assert.ok(waiter.waited, `the second run waited for the lock: ${JSON.stringify(waiter.log)}`);
  assert.ok(waiter.ended >= writer.ended - 50);
  assert.equal(a.hash, referenceHash);
  assert.equal(b.hash, referenceHash);
  assertComplete(target);
  assert.deepEqual(siblingsOf(target), [], "no lock or aside folder left behind");
});

test("two forced generations at once into an existing folder: they take turns, both see the complete folder", async () => {
  const target = path.join(dir, "force", "RickandMorty");
  generateRickMorty({ root: target, seed: 1, scale: 0.01 }); // something else there first
  const user = path.join(rickMortyPaths(target).both, "my-notes.txt");
  fs.writeFileSync(user, "a user's own file in a generated folder");
  const [a, b] = await together(target, "force");
  assert.ok(a.waited || b.waited, "one of them waited for the other");
  // Each saw, when its call returned, the same complete folder as a run alone writes (plus the user's file).
  const withUser = path.join(dir, "reference-with-user");
  fs.cpSync(reference, withUser, { recursive: true });
  fs.writeFileSync(path.join(rickMortyPaths(withUser).both, "my-notes.txt"), "a user's own file in a generated folder");
  const expected = treeHash(withUser);
  assert.equal(a.hash, expected);
  assert.equal(b.hash, expected);
  assertComplete(target);
  assert.deepEqual(siblingsOf(target), []);
});

test("a lock left by a run that was killed is taken over; so is its half-written aside folder", () => {
  const target = path.join(dir, "stale", "RickandMorty");
  // A process id that certainly is not running any more: a child that has exited.
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const deadPid = Number(dead.stdout);
  fs.mkdirSync(lockPath(target), { recursive: true });
  fs.writeFileSync(path.join(lockPath(target), "owner.json"), JSON.stringify({ pid: deadPid, host: os.hostname(), since: "earlier" }));
  const half = `${path.resolve(target)}.${deadPid}-abc123.tmp`;
  fs.mkdirSync(path.join(half, "altdata", "AllRickImages"), { recursive: true });
  fs.writeFileSync(path.join(half, "altdata", "AllRickImages", "Rick_1.jpg"), "half");
  const log: string[] = [];
  const r = ensureRickMortyData({ root: target, seed: 9, scale: 0.02, log: (m) => log.push(m), lockTimeoutMs: 10_000 });
  assert.equal(r.status, "generated");
  assert.equal(treeHash(target), referenceHash);
  assert.ok(log.some((m) => m.includes("left by a run that did not finish")), JSON.stringify(log));
  assert.deepEqual(siblingsOf(target), []);
});

test("a lock held by a live run makes others wait, and they give up with a clear error after the timeout", () => {
  const target = path.join(dir, "busy", "RickandMorty");
  const me = withFolderLock(target, () => {
    // Re-entrant in the same process (ensure calls generate under the same lock).
    assert.equal(withFolderLock(target, () => 42), 42);
    // Another process (here: its pid is alive but not ours) holding it: written by hand.
    return fs.existsSync(lockPath(target));
  });
  assert.equal(me, true);
  assert.equal(fs.existsSync(lockPath(target)), false, "freed after use");
  fs.mkdirSync(lockPath(target), { recursive: true });
  fs.writeFileSync(path.join(lockPath(target), "owner.json"), JSON.stringify({ pid: process.ppid, host: os.hostname(), since: "now" }));
  const log: string[] = [];
  assert.throws(() => generateRickMorty({ root: target, seed: 9, scale: 0.02, lockTimeoutMs: 600, log: (m) => log.push(m) }),
    new RegExp(`locked by another run \\(pid ${process.ppid} .*remove .*RickandMorty\\.lock`));
  assert.equal(log.filter((m) => m.startsWith("waiting for another run")).length, 1);
  assert.equal(fs.existsSync(target), false, "nothing written while waiting");
  fs.rmSync(lockPath(target), { recursive: true });
  // An aside folder is a sibling of the target (same file system: rename is atomic).
  const aside = asideFolder(target);
  assert.equal(path.dirname(aside), path.dirname(path.resolve(target)));
  fs.rmSync(aside, { recursive: true });
});
