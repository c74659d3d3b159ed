/**
 * The student edition: written from the chapters by scripts/make_student_edition.py, it must hold none
 * of the answers (searched line by line), keep every check cell and nbgrader's cell records, carry no
 * outputs, and run clean in fast mode through real Jupyter with every check saying "not done yet".
 * The zip to hand out holds the student notebooks and the kit, and nothing of the teacher's.
 */
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { checkCells } from "./check-cells";

const root = path.resolve(__dirname, "..", "..");
const python = path.join(root, ".venv", "bin", "python");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "student-edition-"));
const studentDir = path.join(work, "student");
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Cell { cell_type: string; source: string[] | string; metadata: Record<string, unknown>; outputs?: unknown[]; execution_count?: number | null }
const text = (s: string[] | string): string => (Array.isArray(s) ? s.join("") : s);
const read = (file: string): { cells: Cell[]; metadata: Record<string, unknown> } => JSON.parse(fs.readFileSync(file, "utf8"));

const chapters = fs.readdirSync(path.join(root, "notebooks")).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();

/**
 * The answer lines of a teacher's chapter: what sits between BEGIN and END SOLUTION, less blank lines,
 * bare punctuation, and lines the chapter also has outside its answers (such as `dl.setSeed(42);`).
 */
function answerLines(file: string): string[] {
  const lines: string[] = [];
  const elsewhere = new Set<string>();
  for (const cell of read(file).cells) {
    let inside = false;
    for (const line of text(cell.source).split("\n")) {
      if (line.includes("BEGIN SOLUTION")) inside = true;
      else if (line.includes("END SOLUTION")) inside = false;
      else if (inside && /[A-Za-z0-9]/.test(line) && line.trim().length >= 8) lines.push(line.trim());
      else if (!inside) elsewhere.add(line.trim());
    }
  }
  const answers = lines.filter((l) => !elsewhere.has(l));
  assert.ok(answers.length >= 1, `${file}: no distinctive answer line to search for`);
  return answers;
}

before(() => {
  const r = spawnSync(python, [path.join(root, "scripts", "make_student_edition.py"), "--out", path.join(studentDir, "notebooks")], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("every chapter has an exercise with a marked answer, nbgrader metadata and a check cell after it", () => {
  for (const chapter of chapters) {
    const cells = read(path.join(root, "notebooks", chapter)).cells;
    const answers = cells.filter((c) => text(c.source).includes("// ### BEGIN SOLUTION"));
    assert.ok(answers.length >= 1, `${chapter} has an exercise`);
    for (const cell of answers) {
      const nb = cell.metadata.nbgrader as Record<string, unknown>;
      assert.deepEqual({ solution: nb.solution, grade: nb.grade, locked: nb.locked, schema: nb.schema_version }, { solution: true, grade: false, locked: false, schema: 3 });
      const next = cells[cells.indexOf(cell) + 1];
      assert.match(text(next.source), /^dl\.check\.\w+\(/, `${chapter}: a check follows the answer`);
      const meta = next.metadata.nbgrader as Record<string, unknown>;
      assert.deepEqual({ grade: meta.grade, locked: meta.locked, solution: meta.solution }, { grade: true, locked: true, solution: false });
      assert.ok(typeof meta.points === "number" && typeof meta.grade_id === "string");
    }
  }
});

test("the student files hold none of the answers, and keep stubs, checks and nbgrader records", () => {
  for (const chapter of chapters) {
    const teacher = read(path.join(root, "notebooks", chapter));
    const file = path.join(studentDir, "notebooks", chapter);
    const raw = fs.readFileSync(file, "utf8");
    const student = read(file);
    const all = student.cells.map((c) => text(c.source)).join("\n");
    for (const line of answerLines(path.join(root, "notebooks", chapter))) {
      assert.ok(!all.includes(line), `${chapter}: an answer line is left in the student edition: ${line}`);
    }
    assert.doesNotMatch(raw, /BEGIN SOLUTION|END SOLUTION/);
    assert.equal(student.cells.length, teacher.cells.length, "same cells");
    const stubs = all.match(/^\s*\/\/ YOUR CODE HERE: \S.*$/gm) ?? [];
    assert.equal(stubs.length, answerRegions(teacher), `${chapter}: one stub per answer`);
    for (const c of student.cells) {
      assert.deepEqual(Object.keys(c.metadata).filter((k) => k !== "nbgrader"), []);
      if (c.cell_type === "code") {
        assert.deepEqual(c.outputs, []);
        assert.equal(c.execution_count, null);
      }
    }
    assert.equal(checkCells(raw).length, checkCells(JSON.stringify(teacher)).length, "every check kept");
    assert.deepEqual(Object.keys(student.metadata).sort(), Object.keys(teacher.metadata).filter((k) => ["kernelspec", "language_info"].includes(k)).sort());
  }
});

function answerRegions(nb: { cells: Cell[] }): number {
  return nb.cells.reduce((n, c) => n + (text(c.source).match(/BEGIN SOLUTION/g) ?? []).length, 0);
}

test("a broken marker stops the build with the notebook and cell named", () => {
  const bad = path.join(work, "bad.ipynb");
  const nb = read(path.join(root, "notebooks", chapters[0]));
  const cell = nb.cells.find((c) => text(c.source).includes("END SOLUTION"))!;
  cell.source = text(cell.source).replace(/.*END SOLUTION.*\n?/, "");
  fs.writeFileSync(bad, JSON.stringify(nb));
  const r = spawnSync(python, [path.join(root, "scripts", "make_student_edition.py"), "--out", path.join(work, "bad-out"), bad], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.ipynb, cell \d+: BEGIN SOLUTION is never closed by END SOLUTION/);
});

test("the zip holds the student notebooks and the kit, and no answers, solutions notebooks or tests", () => {
  const zip = path.join(work, "edition.zip");
  const r = spawnSync(python, [path.join(root, "scripts", "make_student_zip.py"), "--student-dir", studentDir, "--out", zip], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const listing = spawnSync(python, ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [print(n) for n in z.namelist()]", zip], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  const names = listing.map((n) => n.replace(/^course-student-edition\//, ""));
  for (const c of chapters) assert.ok(names.includes(`notebooks/${c}`), c);
  for (const need of ["lib/index.ts", "lib/check/index.ts", "scripts/course.sh", "jupyter/kernels/tslab/kernel.json", "package.json"]) assert.ok(names.includes(need), need);
  assert.deepEqual(names.filter((n) => /solutions-|^test\//.test(n)), []);
  const out = path.join(work, "unzipped");
  spawnSync(python, ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", zip, out]);
  for (const c of chapters) {
    const inZip = fs.readFileSync(path.join(out, "course-student-edition", "notebooks", c), "utf8");
    assert.doesNotMatch(inZip, /BEGIN SOLUTION/);
    for (const line of answerLines(path.join(root, "notebooks", c))) assert.ok(!inZip.includes(line), `${c}: ${line}`);
  }
});

// As handed out: every cell runs (fast mode), and every check says "not done yet" without a stack trace.
for (const chapter of chapters) {
  test(`student edition runs clean, each check 'not done yet': ${chapter}`, () => {
    const executed = path.join(work, "executed");
    const r = spawnSync(python, [path.join(root, "scripts", "run_notebooks.py"), "--fast", "--timeout", "600", "--executed-dir", executed, path.join(studentDir, "notebooks", chapter)], { cwd: root, encoding: "utf8" });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const checks = checkCells(fs.readFileSync(path.join(executed, chapter), "utf8"));
    assert.ok(checks.length >= 1);
    for (const { source, output } of checks) {
      assert.match(output, /^Exercise [\d.A-Z]+ \(.*\): not done yet\./m, `${source}\n${output}`);
      assert.doesNotMatch(output, /\n\s+at |Error:/);
    }
  });
}
