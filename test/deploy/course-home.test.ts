/**
 * deploy/image/course_home.py, which the image's start script runs before the server: it brings the
 * course into a student's home folder (a volume the hub mounts over /home/jovyan) and must never
 * overwrite what the student changed, on the first start or after the teacher ships a newer image.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

const root = path.resolve(__dirname, "..", "..");
const script = path.join(root, "deploy", "image", "course_home.py");
// The image runs it with Debian's python3; any Python 3 will do.
const python = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

function sync(template: string, dest: string): string {
  const r = spawnSync(python, [script, template, dest], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return r.stdout;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

test("first start copies the course; a newer image updates only what the student left untouched", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-home-"));
  const image = path.join(dir, "opt-course");
  const template = path.join(dir, "template");
  const home = path.join(dir, "home", "course");
  fs.mkdirSync(path.join(image, "lib"), { recursive: true });
  write(path.join(template, "notebooks", "01.ipynb"), "chapter 1, v1");
  write(path.join(template, "notebooks", "02.ipynb"), "chapter 2, v1");
  write(path.join(template, "jupyter", "kernels", "tslab", "kernel.json"), "{}");
  fs.mkdirSync(path.join(template, "data"));
  fs.symlinkSync(path.join(image, "lib"), path.join(template, "lib"));
  fs.symlinkSync(path.join(image, "data", "RickandMorty"), path.join(template, "data", "RickandMorty"));

  const first = sync(template, home);
  assert.match(first, /5 copied, 0 updated, 0 of yours kept/);
  assert.equal(fs.readFileSync(path.join(home, "notebooks", "01.ipynb"), "utf8"), "chapter 1, v1");
  assert.equal(fs.readlinkSync(path.join(home, "lib")), path.join(image, "lib"));
  assert.equal(fs.readlinkSync(path.join(home, "data", "RickandMorty")), path.join(image, "data", "RickandMorty"));

  // The student works in chapter 1, adds a file of their own and deletes chapter 2.
  write(path.join(home, "notebooks", "01.ipynb"), "chapter 1, my answers");
  write(path.join(home, "notebooks", "mine.ipynb"), "my own notebook");
  fs.rmSync(path.join(home, "notebooks", "02.ipynb"));
  // A restart with the same image: nothing of theirs changes; the deleted chapter comes back fresh.
  const again = sync(template, home);
  assert.match(again, /1 copied, 0 updated, 1 of yours kept/);
  assert.match(again, /kept your notebooks\/01\.ipynb/);
  assert.equal(fs.readFileSync(path.join(home, "notebooks", "01.ipynb"), "utf8"), "chapter 1, my answers");
  assert.equal(fs.readFileSync(path.join(home, "notebooks", "02.ipynb"), "utf8"), "chapter 2, v1");

  // The teacher ships a newer image: both chapters changed, and a third one is new.
  write(path.join(template, "notebooks", "01.ipynb"), "chapter 1, v2");
  write(path.join(template, "notebooks", "02.ipynb"), "chapter 2, v2");
  write(path.join(template, "notebooks", "03.ipynb"), "chapter 3, v2");
  const newer = sync(template, home);
  assert.match(newer, /1 copied, 1 updated, 1 of yours kept/);
  assert.equal(fs.readFileSync(path.join(home, "notebooks", "01.ipynb"), "utf8"), "chapter 1, my answers");
  assert.equal(fs.readFileSync(path.join(home, "notebooks", "02.ipynb"), "utf8"), "chapter 2, v2");
  assert.equal(fs.readFileSync(path.join(home, "notebooks", "03.ipynb"), "utf8"), "chapter 3, v2");
  assert.equal(fs.readFileSync(path.join(home, "notebooks", "mine.ipynb"), "utf8"), "my own notebook");
  // Nothing half-written is left beside the files.
  assert.deepEqual(fs.readdirSync(path.join(home, "notebooks")).filter((f) => f.endsWith(".tmp")), []);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a lost or damaged record never lets the image overwrite a changed file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-home-"));
  const template = path.join(dir, "template");
  const home = path.join(dir, "home");
  write(path.join(template, "notebooks", "01.ipynb"), "v1");
  sync(template, home);
  write(path.join(home, "notebooks", "01.ipynb"), "my work");
  fs.writeFileSync(path.join(home, ".course-sync.json"), "{ not json");
  write(path.join(template, "notebooks", "01.ipynb"), "v2");
  assert.match(sync(template, home), /0 copied, 0 updated, 1 of yours kept/);
  assert.equal(fs.readFileSync(path.join(home, "notebooks", "01.ipynb"), "utf8"), "my work");
  // A folder where the image has a file is the student's too: left alone, and the start goes on.
  fs.mkdirSync(path.join(home, "notebooks", "02.ipynb"));
  write(path.join(template, "notebooks", "02.ipynb"), "chapter 2");
  assert.match(sync(template, home), /kept your notebooks\/02\.ipynb/);
  assert.ok(fs.statSync(path.join(home, "notebooks", "02.ipynb")).isDirectory());
  fs.rmSync(dir, { recursive: true, force: true });
});
