import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { exportedNames } from "./public-api";

const root = path.resolve(__dirname, "..", "..");
const indexSource = fs.readFileSync(path.join(root, "lib", "index.ts"), "utf8");
const NAMES_FILE = path.join(__dirname, "public-names.txt");

function listedNames(): string[] {
  return fs.readFileSync(NAMES_FILE, "utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

test("lib/index.ts exports by name only: no `export *`, no renaming, each name once", () => {
  assert.doesNotMatch(indexSource, /export \*/);
  for (const line of indexSource.split("\n").filter((l) => l.startsWith("export"))) assert.doesNotMatch(line, /\{[^}]*\bas\b/, line);
  const { values, types } = exportedNames(indexSource);
  const all = [...values, ...types];
  assert.equal(new Set(all).size, all.length, "a name exported twice");
  // Every export statement in the file is one the parser above read.
  const statements = indexSource.match(/^export /gm)?.length ?? 0;
  const parsed = indexSource.match(/^export (type )?\{[^}]*\} from "[^"]+";$/gm)?.length ?? 0;
  assert.equal(parsed, statements);
});

test("the public names are the ones listed in test/house/public-names.txt (change both on purpose)", () => {
  const { values, types } = exportedNames(indexSource);
  const expected = listedNames();
  const actual = [...values.map((v) => `value ${v}`), ...types.map((t) => `type ${t}`)].sort();
  const added = actual.filter((n) => !expected.includes(n));
  const removed = expected.filter((n) => !actual.includes(n));
  assert.deepEqual({ added, removed }, { added: [], removed: [] });
});

test("at run time the library has exactly the value names, each defined", async () => {
  const lib = (await import("../../lib/index")) as Record<string, unknown>;
  const { values } = exportedNames(indexSource);
  const runtime = Object.keys(lib).filter((k) => k !== "default" && k !== "__esModule").sort();
  assert.deepEqual(runtime, values);
  for (const v of values) assert.notEqual(lib[v], undefined, v);
});

test("every dl.<name> that a notebook (the chapters and the test fixtures), the README or a script uses is public", () => {
  const { values, types } = exportedNames(indexSource);
  const known = new Set([...values, ...types]);
  const sources = [
    ...fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).map((f) => path.join("notebooks", f)),
    "README.md",
    ...fs.readdirSync(path.join(root, "scripts")).filter((f) => /\.(ts|py)$/.test(f)).map((f) => path.join("scripts", f)),
    // The notebooks the tests run in JupyterLab and nbclient use the library as a user would.
    ...fs.readdirSync(path.join(root, "test", "fixtures"), { recursive: true }).map(String).filter((f) => f.endsWith(".ipynb")).map((f) => path.join("test", "fixtures", f)),
  ];
  const missing: string[] = [];
  for (const file of sources) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    for (const m of text.matchAll(/\bdl\.([A-Za-z_][A-Za-z0-9_]*)/g)) if (!known.has(m[1])) missing.push(`${file}: dl.${m[1]}`);
  }
  assert.deepEqual([...new Set(missing)], []);
});
