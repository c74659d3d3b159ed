/**
 * The teacher's home page links the student edition written by `scripts/course.sh student`: its home
 * page, each chapter's student handout and the zip, by relative links that resolve on disk.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

const root = path.resolve(__dirname, "..", "..");
const python = path.join(root, ".venv", "bin", "python");
const skip = !fs.existsSync(python) ? ".venv is missing (bash scripts/course.sh setup)" : false;

test("the home page links both editions and the zip, and the student home page says which edition it is", { skip }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "editions-"));
  try {
    const handouts = path.join(work, "handouts");
    const student = path.join(work, "student");
    for (const d of [path.join(handouts, "notebooks"), path.join(student, "handouts", "notebooks")]) fs.mkdirSync(d, { recursive: true });
    const chapter = path.join(root, "test", "fixtures", "home", "01-tiny.ipynb");
    fs.copyFileSync(chapter, path.join(handouts, "notebooks", "01-tiny.ipynb"));
    fs.copyFileSync(chapter, path.join(student, "handouts", "notebooks", "01-tiny.ipynb"));
    fs.writeFileSync(path.join(handouts, "01-tiny.html"), "<html></html>");
    fs.writeFileSync(path.join(student, "handouts", "01-tiny.html"), "<html></html>");
    fs.writeFileSync(path.join(student, "course-student-edition.zip"), "PK");
    const page = (args: string[]): string => {
      const r = spawnSync(python, [path.join(root, "scripts", "write_home_page.py"), ...args], { cwd: root, encoding: "utf8" });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      return fs.readFileSync(args[args.indexOf("--out") + 1] ?? "", "utf8");
    };
    const studentHome = page(["--executed-dir", path.join(student, "handouts", "notebooks"), "--html-dir", path.join(student, "handouts"),
      "--edition", "student", "--out", path.join(student, "handouts", "index.html")]);
    assert.match(studentHome, /<h1>[^<]*student edition<\/h1>/);
    assert.match(studentHome, /not done yet/);
    const home = page(["--executed-dir", path.join(handouts, "notebooks"), "--html-dir", handouts, "--student-dir", student,
      "--out", path.join(handouts, "index.html")]);
    const editions = /<section class="editions"[\s\S]*?<\/section>/.exec(home)?.[0] ?? "";
    const hrefs = [...editions.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(hrefs, ["../student/handouts/index.html", "../student/handouts/01-tiny.html", "../student/course-student-edition.zip"]);
    for (const h of hrefs) assert.ok(fs.existsSync(path.join(handouts, h)), h);
    // Without --student-dir the page has no editions section (the main job before `course.sh student` ran).
    const plain = page(["--executed-dir", path.join(handouts, "notebooks"), "--html-dir", handouts, "--out", path.join(handouts, "plain.html")]);
    assert.doesNotMatch(plain, /class="editions"/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
