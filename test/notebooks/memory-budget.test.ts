/**
 * The memory guard of the main job and the notebook tests: scripts/run_notebooks.py fails a notebook
 * whose kernel peaks above its budget and says by how much and after which cells; the home page shows
 * the peak against the budget. A tiny notebook is run through real Jupyter with a budget it cannot meet.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

const root = path.resolve(__dirname, "..", "..");
const python = path.join(root, ".venv", "bin", "python");
const skip = fs.existsSync(python) ? false : ".venv is missing (bash scripts/course.sh setup)";

test("a notebook over its kernel memory budget fails the run with its figure, and the home page shows it", { skip, timeout: 5 * 60_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "memory-budget-"));
  try {
    const notebook = path.join(out, "01-tiny.ipynb");
    fs.copyFileSync(path.join(root, "test", "fixtures", "home", "01-tiny.ipynb"), notebook);
    const budgets = path.join(out, "budgets.json");
    fs.writeFileSync(budgets, JSON.stringify({ full_default_mb: 1792, fast_mb: { "01-tiny.ipynb": 50 } }));
    const executed = path.join(out, "executed");
    const run = spawnSync(python, [path.join(root, "scripts", "run_notebooks.py"), "--fast", "--timeout", "300", "--executed-dir", executed, notebook], {
      cwd: root, encoding: "utf8", env: { ...process.env, COURSE_MEMORY_BUDGETS: budgets },
    });
    const text = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 1, text);
    const m = /NOTEBOOK OVER ITS MEMORY BUDGET: 01-tiny\.ipynb: kernel peak memory (\d+) MB, budget 50 MB \(fast mode, .*budgets\.json\); the cells where it rose \(code cell: peak MB\): cell 1: \d+ MB/.exec(text);
    assert.ok(m, text);
    const meta = JSON.parse(fs.readFileSync(path.join(executed, "01-tiny.ipynb"), "utf8")).metadata.course_run;
    assert.equal(meta.memory_budget_mb, 50);
    assert.equal(meta.peak_memory_mb, Number(m![1]));
    assert.ok(meta.peak_memory_mb > 50 && meta.memory_by_cell.length > 0, JSON.stringify(meta));
    // The same run within a budget it meets passes.
    fs.writeFileSync(budgets, JSON.stringify({ fast_mb: { "01-tiny.ipynb": 100_000 } }));
    const ok = spawnSync(python, [path.join(root, "scripts", "run_notebooks.py"), "--fast", "--timeout", "300", notebook], {
      cwd: root, encoding: "utf8", env: { ...process.env, COURSE_MEMORY_BUDGETS: budgets },
    });
    assert.equal(ok.status, 0, `${ok.stdout}\n${ok.stderr}`);
    assert.match(ok.stdout, /ok {3}01-tiny\.ipynb {2}\([\d.]+ s, kernel peak memory \d+ MB of 100000 MB budget\)/);
    // Budgets measured on another Node major grow by fast_mb_other_node_pct under this one.
    fs.writeFileSync(budgets, JSON.stringify({ fast_mb: { "01-tiny.ipynb": 50_000 }, fast_mb_node: 1, fast_mb_other_node_pct: 100 }));
    const other = spawnSync(python, [path.join(root, "scripts", "run_notebooks.py"), "--fast", "--timeout", "300", notebook], {
      cwd: root, encoding: "utf8", env: { ...process.env, COURSE_MEMORY_BUDGETS: budgets },
    });
    assert.match(other.stdout, /kernel peak memory \d+ MB of 100000 MB budget/, `${other.stdout}\n${other.stderr}`);
    // The home page, from the failed run.
    const page = path.join(out, "index.html");
    const home = spawnSync(python, [path.join(root, "scripts", "write_home_page.py"), "--executed-dir", executed, "--html-dir", out, "--out", page], { cwd: root, encoding: "utf8" });
    assert.equal(home.status, 0, home.stderr);
    const html = fs.readFileSync(page, "utf8");
    assert.match(html, new RegExp(`kernel peak memory ${m![1]} MB of 50 MB budget \\(<span class="bad">over its budget</span>\\)`));
    assert.match(html, /1 went over their memory budget/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("under a cgroup memory limit below the budget, the first cell (dl.startChapter) says so", { skip, timeout: 5 * 60_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "memory-limit-"));
  try {
    const notebook = path.join(out, "01-tiny.ipynb");
    fs.copyFileSync(path.join(root, "test", "fixtures", "home", "01-tiny.ipynb"), notebook);
    // A fake cgroup v2 tree: the kernel's cgroup /pod has memory.max = 1 GiB.
    fs.mkdirSync(path.join(out, "cgroup", "pod"), { recursive: true });
    fs.writeFileSync(path.join(out, "cgroup", "pod", "memory.max"), String(1024 ** 3));
    fs.writeFileSync(path.join(out, "proc-cgroup"), "0::/pod\n");
    const executed = path.join(out, "executed");
    const run = spawnSync(python, [path.join(root, "scripts", "run_notebooks.py"), "--timeout", "300", "--no-memory-budget", "--executed-dir", executed, notebook], {
      cwd: root, encoding: "utf8",
      env: { ...process.env, COURSE_CGROUP_ROOT: path.join(out, "cgroup"), COURSE_PROC_CGROUP: path.join(out, "proc-cgroup") },
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const nb = JSON.parse(fs.readFileSync(path.join(executed, "01-tiny.ipynb"), "utf8")) as { cells: { cell_type: string; outputs?: { text?: string | string[] }[] }[] };
    const first = nb.cells.find((c) => c.cell_type === "code")!;
    const text = (first.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
    assert.match(text, /Memory: WARNING, this kernel may use at most 1,024 MB \(.*cgroup\/pod\/memory\.max\), less than the 1,792 MB this notebook needs at its peak in full mode/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

