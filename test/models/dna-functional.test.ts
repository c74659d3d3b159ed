/**
 * Chapter 5 builds its functional DNA networks layer by layer in its cells; lib/models/dna-functional.ts
 * holds the definitions the Keras round-trip test uses. This runs the notebook's building code (its
 * TypeScript casts removed) and checks both models match the library's, layer for layer (type,
 * output shape, parameters) and input for input.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { architectureSignature } from "../../lib/models/course-architectures";
import { dnaContextCnn, dnaMultiWidthCnn } from "../../lib/models/dna-functional";

const NOTEBOOK = path.join(__dirname, "..", "..", "notebooks", "05-dna-motifs.ipynb");

function notebookCode(): string {
  const nb = JSON.parse(fs.readFileSync(NOTEBOOK, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells.filter((c) => c.cell_type === "code").map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source)).join("\n");
}

/** The statements from `const <first> = tf.input(` up to and including `const <model> = tf.model(...);`, as plain JS. */
export function functionalBuild(code: string, first: string, model: string): string {
  const from = code.indexOf(`const ${first} = tf.input(`);
  const end = code.indexOf(`const ${model} = tf.model(`, from);
  if (from < 0 || end < 0) throw new Error(`no 'const ${first} = tf.input(' ... 'const ${model} = tf.model(' in the notebook`);
  const to = code.indexOf(";", end) + 1;
  return code.slice(from, to).replace(/ as tf\.SymbolicTensor/g, "").replace(/^.*\bconsole\.log\(.*$/gm, "");
}

function signature(m: tf.LayersModel): string[] {
  return [...architectureSignature(m), ...m.inputLayers.map((l) => `input ${l.name} ${JSON.stringify(l.outputShape)}`)].sort();
}

const CASES: [string, string, () => tf.LayersModel][] = [
  ["sequenceIn", "multiWidth", () => dnaMultiWidthCnn()],
  ["seqInput", "withContext", () => dnaContextCnn()],
];

for (const [first, name, expected] of CASES) {
  test(`chapter 5's '${name}' is built as lib/models/dna-functional defines it`, () => {
    const body = functionalBuild(notebookCode(), first, name);
    const fromNotebook = new Function("tf", `${body}\nreturn ${name};`)(tf) as tf.LayersModel;
    const lib = expected();
    assert.deepEqual(signature(fromNotebook), signature(lib));
    assert.equal(fromNotebook.countParams(), lib.countParams());
    fromNotebook.dispose();
    lib.dispose();
  });
}

test("the comparison notices a changed width", () => {
  const body = functionalBuild(notebookCode(), "sequenceIn", "multiWidth").replace("kernelSize: 21", "kernelSize: 19");
  const changed = new Function("tf", `${body}\nreturn multiWidth;`)(tf) as tf.LayersModel;
  const lib = dnaMultiWidthCnn();
  assert.notDeepEqual(signature(changed), signature(lib));
  changed.dispose();
  lib.dispose();
});
