/**
 * Runs every chapter headless through real Jupyter (nbclient, the repo's tslab kernel) in fast
 * mode, and proves the runner really fails by feeding it a deliberately broken notebook.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";

const root = path.resolve(__dirname, "..", "..");
const python = path.join(root, ".venv", "bin", "python");
const runner = path.join(root, "scripts", "run_notebooks.py");

function run(notebook: string, timeoutSeconds: number) {
  const r = spawnSync(python, [runner, "--fast", "--timeout", String(timeoutSeconds), notebook], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env },
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test("the notebook runner fails on a broken notebook and shows the failing cell and its error", () => {
  const r = run(path.join(root, "test", "fixtures", "broken.ipynb"), 60);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /NOTEBOOK FAILED: test\/fixtures\/broken.ipynb/);
  assert.match(r.out, /code cell 2/);
  assert.match(r.out, /throw new Error\("deliberate failure " \+ answer\)/);
  assert.match(r.out, /deliberate failure 42/);
});

test("a kernel that dies is reported with the cell it died in", () => {
  const r = run(path.join(root, "test", "fixtures", "kernel-dies.ipynb"), 60);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /code cell 2/);
  assert.match(r.out, /process\.exit\(3\)/);
  assert.match(r.out, /kernel (died|stopped unexpectedly)/);
});

const chapters = fs
  .readdirSync(path.join(root, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

test("there are chapters to run", () => assert.ok(chapters.length > 0));

for (const chapter of chapters) {
  test(`chapter runs clean in fast mode: ${chapter}`, () => {
    const r = run(path.join(root, "notebooks", chapter), 600);
    assert.equal(r.status, 0, r.out);
  });
}
