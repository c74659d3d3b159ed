/**
 * Runs every chapter headless through real Jupyter (nbclient, the repo's tslab kernel) in fast
 * mode, and proves the runner really fails by feeding it a deliberately broken notebook. The runner
 * also holds each chapter's kernel to its fast-mode memory budget (notebooks/memory-budgets.json,
 * fast_mb), so a chapter that needs more memory than it did fails here with its figure
 * (test/notebooks/memory-budget.test.ts shows that failure).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { spawnSync } from "child_process";
import { checkCells } from "./check-cells";

const root = path.resolve(__dirname, "..", "..");
const python = path.join(root, ".venv", "bin", "python");
const runner = path.join(root, "scripts", "run_notebooks.py");

function run(notebook: string, timeoutSeconds: number, env: Record<string, string> = {}) {
  const executed = fs.mkdtempSync(path.join(os.tmpdir(), "executed-"));
  const r = spawnSync(python, [runner, "--fast", "--timeout", String(timeoutSeconds), "--executed-dir", executed, notebook], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  const file = path.join(executed, path.basename(notebook));
  const nb = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  fs.rmSync(executed, { recursive: true, force: true });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}`, backendLine: backendLine(nb), warnings: nodeWarnings(nb), executed: nb };
}

/** Warnings that reached the executed notebook's outputs: Node's (deprecations and the like), and ours when plots would lack text. */
function nodeWarnings(executedJson: string): string[] {
  if (executedJson === "") return [];
  const nb = JSON.parse(executedJson) as { cells: { outputs?: { text?: string | string[] }[] }[] };
  const lines = nb.cells.flatMap((c) => (c.outputs ?? []).flatMap((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "").split("\n")));
  return lines.filter((l) => /\b(DEP\d{4}|DeprecationWarning|ExperimentalWarning)\b|\(node:\d+\)|no usable font/.test(l));
}

/** The "Backend: ..." line a chapter printed, from its executed notebook. */
function backendLine(executedJson: string): string {
  if (executedJson === "") return "";
  const nb = JSON.parse(executedJson) as { cells: { outputs?: { text?: string | string[] }[] }[] };
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      const text = Array.isArray(o.text) ? o.text.join("") : o.text ?? "";
      const line = text.split("\n").find((l) => l.startsWith("Backend: "));
      if (line) return line;
    }
  }
  return "";
}

/** Native TensorFlow is expected wherever the setup put the TensorFlow wheel into .venv. */
function nativeExpected(): boolean {
  const lib = path.join(root, ".venv", "lib");
  return fs.existsSync(lib) && fs.readdirSync(lib).some((py) => fs.existsSync(path.join(lib, py, "site-packages", "tensorflow", "libtensorflow_cc.so.2")));
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
    assert.deepEqual(r.warnings, [], `Node printed warnings into ${chapter}`);
    assert.match(r.backendLine, nativeExpected() ? /^Backend: tensorflow \(native TensorFlow/ : /^Backend: /, "backend line");
    // The chapters are the teacher's edition: every exercise check must pass on the worked answer.
    for (const { source, output } of checkCells(r.executed)) {
      assert.match(output, /^Exercise [\d.A-Z]+ \(.*\): (all \d+ checks pass|the check passes)\./m, `${chapter}: ${source}\n${output}`);
    }
  });
}

// The fallback must not rot: one chapter on WebAssembly, the backend used where native TensorFlow cannot be built.
test("chapter 1 runs clean on the wasm fallback", () => {
  const r = run(path.join(root, "notebooks", "01-regression.ipynb"), 600, { COURSE_BACKEND: "wasm" });
  assert.equal(r.status, 0, r.out);
  assert.match(r.backendLine, /^Backend: wasm \(forced by COURSE_BACKEND=wasm; wasm SIMD/);
});
