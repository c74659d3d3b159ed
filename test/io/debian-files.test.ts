import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { debianPath } from "../../lib/io/debian-files";

const root = path.resolve(__dirname, "..", "..");

test("a Debian file is taken from the system first, then from the copy unpacked without root", () => {
  const local = fs.mkdtempSync(path.join(os.tmpdir(), "debian-root-"));
  const absent = "/nonexistent-course-package/share/thing.ttf";
  assert.equal(debianPath(absent, local), absent, "neither: the usual place, so errors name it");
  fs.mkdirSync(path.join(local, path.dirname(absent)), { recursive: true });
  fs.writeFileSync(path.join(local, absent), "");
  assert.equal(debianPath(absent, local), path.join(local, absent));
  fs.mkdirSync(path.join(local, "etc"), { recursive: true });
  fs.writeFileSync(path.join(local, "etc", "hostname"), "");
  const present = fs.existsSync("/etc/hostname") ? "/etc/hostname" : process.execPath;
  assert.equal(debianPath(present, local), present, "the system's copy wins");
  assert.throws(() => debianPath("usr/share/x", local), /absolute path/);
  fs.rmSync(local, { recursive: true, force: true });
});

test("Fashion-MNIST and the plot font are found in COURSE_DEBIAN_ROOT when the system lacks them", () => {
  const local = fs.mkdtempSync(path.join(os.tmpdir(), "debian-root-"));
  // In a child: the two constants are read when the modules load.
  const code =
    "const { DEBIAN_FASHION_DIR } = require('./lib/data/mnist/mnist');" +
    "const { LOCAL_DEBIAN_ROOT } = require('./lib/io/debian-files');" +
    "console.log(JSON.stringify({ fashion: DEBIAN_FASHION_DIR, local: LOCAL_DEBIAN_ROOT }));";
  const fashion = "/usr/share/datasets/fashion-mnist";
  fs.mkdirSync(path.join(local, fashion), { recursive: true });
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", code], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, COURSE_DEBIAN_ROOT: local },
  });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.equal(got.local, local);
  assert.equal(got.fashion, fs.existsSync(fashion) ? fashion : path.join(local, fashion));
  fs.rmSync(local, { recursive: true, force: true });
});
