/**
 * The chapters build their networks layer by layer in their cells; lib/models/course-architectures.ts
 * holds the one definition scripts, bench and tests use. This test reads the model-building statements
 * out of each notebook (`const m = tf.sequential();` and every `m.add(...)` after it), runs them, and
 * checks the result matches the library's definition layer for layer: type, output shape, parameters.
 * Add a row to CASES when a chapter builds a course architecture.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import * as arch from "../../lib/models/course-architectures";

interface Case {
  notebook: string;
  /** The variable the notebook builds the model in. */
  variable: string;
  /** Which occurrence of `<variable> = tf.sequential()` (0 = first), for notebooks that rebuild it. */
  occurrence?: number;
  expected: () => tf.Sequential;
}

const CASES: Case[] = [
  { notebook: "01-regression.ipynb", variable: "model", expected: arch.regressionDense },
  { notebook: "02-rick-or-not-rick.ipynb", variable: "dense", expected: arch.rickDense },
  { notebook: "02-rick-or-not-rick.ipynb", variable: "cnn", expected: () => arch.rickCnn() },
  { notebook: "03-more-than-two-classes.ipynb", variable: "multiModel", expected: () => arch.rickCnn({ outputs: 2 }) },
  {
    notebook: "03-more-than-two-classes.ipynb",
    variable: "catModel",
    expected: () => arch.rickCnn({ outputs: 3, activation: "softmax" }),
  },
  {
    notebook: "03-more-than-two-classes.ipynb",
    variable: "catWeighted",
    expected: () => arch.rickCnn({ outputs: 3, activation: "softmax" }),
  },
  { notebook: "05-dna-motifs.ipynb", variable: "model", expected: arch.dnaCnn },
  { notebook: "06-more-data.ipynb", variable: "cnn", expected: () => arch.rickCnn() },
  // exercise 2.3's answer (the Rick CNN trained from the folders)
  { notebook: "06-more-data.ipynb", variable: "net", expected: () => arch.rickCnn() },
  {
    notebook: "06-more-data.ipynb",
    variable: "scratch",
    expected: () => arch.rickCnn({ outputs: 3, activation: "softmax" }),
  },
  { notebook: "solutions-06.ipynb", variable: "streamed", expected: () => arch.rickCnn() },
  { notebook: "07-autoencoders.ipynb", variable: "ae", expected: () => arch.convAutoencoder() },
  { notebook: "solutions-07.ipynb", variable: "denoiser", expected: () => arch.convAutoencoder() },
  { notebook: "08-deer-frogs-trucks.ipynb", variable: "cnn", expected: arch.cifarCnn },
  { notebook: "09-convnets-mnist.ipynb", variable: "model", expected: arch.mnistConvnet },
  { notebook: "10-dense-mnist.ipynb", variable: "model", expected: arch.mnistDense },
];

const NOTEBOOKS = path.join(__dirname, "..", "..", "notebooks");

/** All code of a notebook, cells joined in order. */
function notebookCode(file: string): string {
  const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, file), "utf8")) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  return nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
    .join("\n");
}

/** From `<v> = tf.sequential(...)` on, every statement `<v>.add(...);` (balanced parentheses), up to the next rebuild. */
export function modelStatements(code: string, variable: string, occurrence = 0): string[] {
  const start = new RegExp(`(?:const|let)?\\s*\\b${variable}\\s*=\\s*tf\\.sequential\\(`, "g");
  const starts = [...code.matchAll(start)].map((m) => m.index ?? 0);
  if (starts.length <= occurrence) throw new Error(`no '${variable} = tf.sequential(' (occurrence ${occurrence})`);
  const from = starts[occurrence];
  const to = starts[occurrence + 1] ?? code.length;
  const body = code.slice(from, to);
  const statements: string[] = [];
  const add = new RegExp(`\\b${variable}\\.add\\(`, "g");
  for (const m of body.matchAll(add)) {
    let depth = 0;
    let i = (m.index ?? 0) + m[0].length - 1;
    for (; i < body.length; i++) {
      if (body[i] === "(") depth++;
      else if (body[i] === ")" && --depth === 0) break;
    }
    statements.push(body.slice(m.index, i + 1).replace(new RegExp(`^${variable}\\.add`), "m.add"));
  }
  return statements;
}

for (const c of CASES) {
  test(`${c.notebook}: '${c.variable}' is built as lib/models/course-architectures defines it`, () => {
    const statements = modelStatements(notebookCode(c.notebook), c.variable, c.occurrence);
    assert.ok(statements.length > 0, "no layers found");
    const build = new Function("tf", `const m = tf.sequential();\n${statements.join(";\n")};\nreturn m;`);
    const fromNotebook = build(tf) as tf.Sequential;
    const expected = c.expected();
    assert.deepEqual(arch.architectureSignature(fromNotebook), arch.architectureSignature(expected));
    fromNotebook.dispose();
    expected.dispose();
  });
}

test("the comparison notices a changed layer", () => {
  const code = "const m = tf.sequential();\nm.add(tf.layers.dense({ inputShape: [1], units: 100, activation: \"relu\" }));\nm.add(tf.layers.dense({ units: 7 }));";
  const m = new Function("tf", `const m = tf.sequential();\n${modelStatements(code, "m").join(";\n")};\nreturn m;`)(tf) as tf.Sequential;
  const expected = arch.regressionDense();
  assert.notDeepEqual(arch.architectureSignature(m), arch.architectureSignature(expected));
  m.dispose();
  expected.dispose();
});
