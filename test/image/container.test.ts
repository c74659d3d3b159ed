/**
 * The course image as a hub starts it: a container as uid 1000, no network, an empty volume over the
 * home folder (root-owned, group 100 may write: what Zero to JupyterHub's fsGid gives). The image's
 * entry point copies the course into ~/course and starts JupyterLab; chapter 1 then runs through that
 * server (REST sessions + the kernel's websocket, as JupyterLab does), must finish without an error,
 * on native TensorFlow, and its executed copy is saved into the student's home.
 *
 * Building the image takes far longer than CI allows, so this runs only when told which image to use:
 *   bash scripts/build-image.sh --edition teacher             (prints IMAGE:TAG)
 *   COURSE_IMAGE=IMAGE:TAG node --import tsx --test test/image/container.test.ts
 * It prints one JSON line with the measurements (chapter time, kernel and server peak memory, backend).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync, SpawnSyncReturns } from "child_process";

const root = path.resolve(__dirname, "..", "..");
const image = process.env.COURSE_IMAGE ?? "";
const podmanFound = spawnSync("sh", ["-c", "command -v podman"], { encoding: "utf8" }).status === 0;
const skip = !podmanFound ? "podman is not installed" : image === "" ? "COURSE_IMAGE is not set (see the top of this file)" : false;

function podmanArgs(): string[] {
  // As scripts/build-image.sh sets it up: no ulimit defaults, and runc where there is one.
  if (!process.env.CONTAINERS_CONF) {
    const conf = path.join(root, "tmp", "podman", "containers.conf");
    fs.mkdirSync(path.dirname(conf), { recursive: true });
    fs.writeFileSync(conf, "[containers]\ndefault_ulimits = []\n");
    process.env.CONTAINERS_CONF = conf;
  }
  const runc = spawnSync("sh", ["-c", "command -v runc"], { encoding: "utf8" }).status === 0;
  return runc ? ["--runtime", "runc"] : [];
}

function podman(args: string[], timeoutMs = 120_000): SpawnSyncReturns<string> {
  return spawnSync("podman", [...podmanArgs(), ...args], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
}

test("a student's container runs chapter 1 through JupyterLab, offline, on native TensorFlow", { skip }, () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "course-home-volume-"));
  fs.chownSync(home, 0, 100);
  fs.chmodSync(home, 0o2775);
  const name = `course-test-${process.pid}`;
  const token = crypto.randomBytes(16).toString("hex");
  const t0 = Date.now();
  const run = podman([
    "run", "-d", "--name", name, "--network", "none", "--user", "1000", "--group-add", "100",
    "-e", `JUPYTER_TOKEN=${token}`, "-v", `${home}:/home/jovyan`, "-v", `${path.join(root, "test", "image")}:/test:ro`, image,
  ]);
  assert.equal(run.status, 0, run.stderr);
  try {
    const exec = (cmd: string[], timeoutMs?: number) => podman(["exec", "-e", `JUPYTER_TOKEN=${token}`, name, ...cmd], timeoutMs);
    const chapter = exec(["python3", "/test/run_through_server.py", "course/notebooks/01-regression.ipynb", "--timeout", "1800"], 3_600_000);
    const logs = podman(["logs", name]);
    const report = JSON.parse(chapter.stdout.trim().split("\n").pop() || "{}");
    console.log(JSON.stringify({ image, startToEndSeconds: Math.round((Date.now() - t0) / 1000), ...report }));
    assert.equal(chapter.status, 0, `${chapter.stdout}\n${chapter.stderr}\n--- container log ---\n${logs.stdout}${logs.stderr}`);
    assert.deepEqual(report.errors, []);
    assert.match(report.backend ?? "", /^Backend: tensorflow \(native TensorFlow/);
    assert.deepEqual(report.stderr, [], "nothing on the notebook's stderr (warnings included)");
    assert.ok(report.kernels.includes("tslab"), "the course kernel is registered");
    // The course came into the home volume on start, and the run was saved there, owned by the student.
    assert.match(logs.stdout + logs.stderr, /Course in \/home\/jovyan\/course: \d+ copied/);
    const saved = path.join(home, "course", "notebooks", "01-regression.executed.ipynb");
    assert.ok(fs.existsSync(saved), "the executed notebook is in the student's home");
    assert.equal(fs.statSync(saved).uid, 1000);
    assert.equal(fs.readlinkSync(path.join(home, "course", "lib")), "/opt/course/lib");
    // The student runs as uid 1000 and cannot change the installed course.
    assert.equal(exec(["id", "-u"]).stdout.trim(), "1000");
    assert.notEqual(exec(["touch", "/opt/course/lib/x"]).status, 0, "/opt/course is read-only to the student");
    // The student edition carries no answers.
    const edition = exec(["cat", "/opt/course/.edition"]).stdout.trim();
    if (edition === "student") assert.equal(exec(["sh", "-c", "ls /opt/course/notebooks | grep -c solutions"]).stdout.trim(), "0");
  } finally {
    podman(["rm", "-f", name]);
    fs.rmSync(home, { recursive: true, force: true });
  }
});

/**
 * Runs a script of test/image inside the image, as the student, in ~/course (the entry point copies the
 * course onto an empty home volume first, as on a hub), with no network; gives its last stdout line's
 * JSON and the home folder, which is removed afterwards.
 */
function runScriptInImage<T>(script: string, timeoutMs: number, check: (report: T, home: string) => void): void {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "course-home-volume-"));
  fs.chownSync(home, 0, 100);
  fs.chmodSync(home, 0o2775);
  try {
    const r = podman([
      "run", "--rm", "--network", "none", "--user", "1000", "--group-add", "100", "-v", `${home}:/home/jovyan`,
      "-v", `${path.join(root, "test", "image")}:/test:ro`, image,
      "sh", "-c", `cd ~/course && cp /test/${script} . && node_modules/.bin/tsx ${script}`,
    ], timeoutMs);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    check(JSON.parse(r.stdout.trim().split("\n").pop() || "{}") as T, home);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

test("the stand-in data sets are in place for the student: found complete, nothing redrawn", { skip }, () => {
  runScriptInImage<{ rick: string; chip: string; cifar: string; cifarRoot: string }>("stand-ins-in-place.ts", 600_000, (report, home) => {
    assert.equal(report.rick, "up to date");
    assert.equal(report.chip, "up to date");
    assert.equal(report.cifar, "up to date");
    assert.equal(report.cifarRoot, "data/deer-frogs-trucks");
    // Nothing was written beside the linked data sets (no lock, no aside folder, no new scale).
    assert.deepEqual(fs.readdirSync(path.join(home, "course", "data")).sort(), ["ChIP", "README.md", "RickandMorty", "deer-frogs-trucks"]);
  });
});

test("the compiled-fit addon is built into the image and a fit runs through it", { skip }, () => {
  runScriptInImage<{ backend: string; why: string | null; epochs: number; loss: number[] }>("compiled-fit-in-place.ts", 300_000, (report) => {
    assert.equal(report.backend, "tensorflow");
    assert.equal(report.why, null, `not compiled: ${report.why}`);
    assert.equal(report.epochs, 3);
    assert.ok(report.loss[2] < report.loss[0], `the loss falls: ${report.loss}`);
  });
});
