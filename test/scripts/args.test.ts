/**
 * scripts/args.ts (parseArgs in strict mode for scripts/ and bench/): the helper itself, then real
 * scripts run with good and bad flags. Every bad command line must stop before the script's work with
 * exit code 2, the script's name and its usage line; --help prints the usage line and exits 0.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { readArgs, UsageError, type FlagSpecs, type ArgsSpec } from "../../scripts/args";

const root = path.resolve(__dirname, "..", "..");
/**
 * An empty scratch folder. The bad command lines below also carry flags that keep a script that
 * wrongly accepted them harmless and short (--readme-only with an --out holding no training.json,
 * --root in here): a broken parser then fails the test instead of training into models/.
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "script-args-"));
test.after(() => fs.rmSync(scratch, { recursive: true, force: true }));
const safeDna = ["--readme-only", "--out", path.join(scratch, "no-model"), "--state", path.join(scratch, "state.bin")];

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: root, encoding: "utf8", timeout: 120_000, env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** readArgs with a usage error that throws instead of exiting, for checks in this process. */
function parse<F extends FlagSpecs>(options: F, argv: string[], more: Partial<ArgsSpec<F>> = {}) {
  return readArgs({ script: "demo", usage: "usage: demo [flags]", options, argv, onUsageError: (e) => { throw e; }, ...more });
}

const demoFlags = { epochs: { type: "string" }, out: { type: "string" }, force: { type: "boolean" }, task: { type: "string" } } as const;

test("flags are read with their values, both --flag value and --flag=value; absent ones fall back", () => {
  const a = parse(demoFlags, ["--epochs", "12", "--out=models/x", "--force"]);
  assert.equal(a.values.out, "models/x");
  assert.equal(a.values.force, true);
  assert.equal(a.number("epochs", 300, { integer: true, min: 1 }), 12);
  assert.equal(a.choice("task", ["binary", "categorical"], "binary"), "binary");
  const none = parse(demoFlags, []);
  assert.equal(none.values.force, false);
  assert.equal(none.values.out, undefined);
  assert.equal(none.number("epochs", 300), 300);
});

test("unknown flags, missing values, stray arguments and bad numbers are usage errors naming the script", () => {
  const bad = (argv: string[], pattern: RegExp, read: (a: ReturnType<typeof parse<typeof demoFlags>>) => unknown = () => 0) =>
    assert.throws(() => read(parse(demoFlags, argv)), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /^demo: /);
      assert.match(e.message, pattern);
      assert.match(e.message, /\nusage: demo \[flags\]$/);
      return true;
    });
  bad(["--bogus"], /--bogus/);
  bad(["--epochs"], /--epochs/);
  bad(["--out", "--force"], /--out/);
  bad(["stray"], /stray/);
  bad(["--force=yes"], /--force/);
  bad(["--epochs", "0"], /--epochs must be a whole number >= 1, got 0/, (a) => a.number("epochs", 1, { integer: true, min: 1 }));
  bad(["--epochs", "2.5"], /whole number/, (a) => a.number("epochs", 1, { integer: true }));
  bad(["--epochs", "abc"], /got abc/, (a) => a.number("epochs", 1));
  bad(["--epochs", "0"], /must be a number > 0/, (a) => a.number("epochs", 1, { positive: true }));
  bad(["--task", "multi"], /--task must be binary or categorical, got multi/, (a) => a.choice("task", ["binary", "categorical"], "binary"));
  assert.deepEqual(parse({}, ["a", "b"], { maxPositionals: 2 }).positionals, ["a", "b"]);
  assert.throws(() => parse({}, ["a", "b", "c"], { maxPositionals: 2 }), /^UsageError: demo: too many arguments: a b c/);
});

test("train-dna-cnn: --help prints its usage; a bad flag or value stops it with exit 2 before any training", () => {
  const usage = /^usage: train-dna-cnn \[--epochs N\] \[--minutes M\] \[--out DIR\] .*\[--optimizer sgd\|adam\] \[--batch N\] \[--readme-only\]$/m;
  const help = run("scripts/train-dna-cnn.ts", [...safeDna, "--help"]);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, usage);
  for (const [argv, why] of [
    [["--bogus"], /--bogus/],
    [["--epochs"], /--epochs/],
    [["--epochs", "0"], /--epochs must be a whole number >= 1, got 0/],
    [["--optimizer", "rmsprop"], /--optimizer must be sgd or adam, got rmsprop/],
  ] as [string[], RegExp][]) {
    const r = run("scripts/train-dna-cnn.ts", [...safeDna, ...argv]);
    assert.equal(r.status, 2, `${argv.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^train-dna-cnn: /);
    assert.match(r.stderr, why);
    assert.match(r.stderr, usage);
    assert.equal(r.stdout, "", "nothing of the script's work may start");
  }
});

test("train-rick-cnn: good flags parse (--task categorical --readme-only --out DIR rewrites README.md); a bad --task is refused", () => {
  const out = fs.mkdtempSync(path.join(scratch, "rick-readme-"));
  fs.copyFileSync(path.join(root, "models", "rick-morty-cat", "training.json"), path.join(out, "training.json"));
  const r = run("scripts/train-rick-cnn.ts", ["--task", "categorical", "--readme-only", `--out=${out}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*README\.md from training\.json/);
  const readme = fs.readFileSync(path.join(out, "README.md"), "utf8");
  assert.match(readme, /chapter 3's categorical CNN/);
  assert.match(readme, /npx tsx scripts\/train-rick-cnn\.ts --task categorical --epochs \d+ --minutes 600 --seed 12345/);
  const bad = run("scripts/train-rick-cnn.ts", ["--task", "multi", "--readme-only", `--out=${out}`]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^train-rick-cnn: --task must be binary or categorical, got multi/);
  assert.match(bad.stderr, /^usage: train-rick-cnn \[--task binary\|categorical\]/m);
});

test("other scripts: a missing value, a bad number or a missing argument gives their own usage error", () => {
  const frames = ["--root", path.join(scratch, "frames"), "--scale", "0.01"];
  const noVenv = ["--venv", path.join(scratch, "no-venv")];
  const cases: [string, string[], RegExp][] = [
    ["scripts/generate-rick-morty.ts", [...frames, "--seed"], /^generate-rick-morty: .*--seed[\s\S]*^usage: generate-rick-morty \[--root DIR\] \[--seed N\] \[--scale F in \(0,1\]\] \[--force\]$/m],
    ["scripts/generate-rick-morty.ts", [...frames, "--scale", "0"], /^generate-rick-morty: --scale must be a number > 0, got 0$/m],
    ["scripts/make-fashion-subset.ts", [], /^make-fashion-subset: OUT_DIR is missing\nusage: make-fashion-subset\.ts OUT_DIR \[SOURCE_DIR\]$/m],
    ["scripts/setup-native-tensorflow.ts", [...noVenv, "--bogus"], /^setup-native-tensorflow: .*--bogus[\s\S]*^usage: setup-native-tensorflow /m],
    ["bench/train-step.ts", ["--backends=cpu", "--models=dense-sqrt", "--steps=0"], /^bench\/train-step: --steps must be a number >= 1, got 0\nusage: npm run bench -- /m],
    ["bench/train-step.ts", ["--backends=cpu", "--models=nope"], /^bench\/train-step: unknown model 'nope'; known: .*cnn-rick/m],
  ];
  for (const [script, argv, why] of cases) {
    const r = run(script, argv, { COURSE_NATIVE_STATUS_FILE: path.join(scratch, "native-status.json") });
    assert.equal(r.status, 2, `${script} ${argv.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, why, `${script} ${argv.join(" ")}`);
  }
});
