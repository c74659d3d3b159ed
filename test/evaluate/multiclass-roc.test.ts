/**
 * multiclassRoc against R's pROC::multiclass.roc: the cases, their inputs and pROC's answers are in
 * proc-multiclass.json, written by `Rscript scripts/golden/proc-multiclass.R` (CI has no R).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { mannWhitneyAuc, multiclassRoc } from "../../lib/evaluate/multiclass-roc";

interface GoldenCase {
  name: string;
  kind: "univariate" | "multivariate";
  response: number[];
  predictor: number[] | number[][];
  columns?: string[];
  auc: [number];
  pairs: string[];
  pairAuc?: number[];
  direction?: string[];
  pairAuc1?: number[];
  pairAuc2?: number[];
}

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, "proc-multiclass.json"), "utf8")) as { pROC: string; cases: GoldenCase[] };
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs pROC ${b}`);

test("golden file holds the cases the chapter relies on", () => {
  const names = golden.cases.map((c) => c.name);
  for (const n of ["hard_labels_3", "hard_labels_confused", "score_ties_4", "probabilities_3", "probabilities_ties_4"]) assert.ok(names.includes(n), n);
});

for (const c of golden.cases) {
  test(`pROC ${golden.pROC}: ${c.name} (${c.kind})`, () => {
    const columns = c.columns?.map(Number);
    const r = multiclassRoc(c.response, c.predictor, columns ? { columns } : {});
    assert.equal(r.kind, c.kind);
    close(r.auc, c.auc[0], "multiclass AUC");
    assert.deepEqual(r.pairs.map((p) => p.levels.join("/")), c.pairs);
    r.pairs.forEach((p, k) => {
      if (c.kind === "univariate") {
        close(p.auc, c.pairAuc![k], `pair ${c.pairs[k]}`);
        assert.equal(p.direction, c.direction![k], `direction of ${c.pairs[k]}`);
      } else {
        close(p.aucs![0], c.pairAuc1![k], `Â(${c.pairs[k]})`);
        close(p.aucs![1], c.pairAuc2![k], `Â(reverse ${c.pairs[k]})`);
      }
    });
  });
}

test("tensors in, same answer, nothing left behind", () => {
  const c = golden.cases.find((g) => g.name === "probabilities_3")!;
  const before = tf.memory().numTensors;
  const y = tf.tensor1d(c.response);
  const p = tf.tensor2d(c.predictor as number[][]);
  const r = multiclassRoc(y, p);
  tf.dispose([y, p]);
  assert.equal(tf.memory().numTensors, before);
  close(r.auc, c.auc[0], "from tensors");
});

test("probabilities rank better than their own arg-max labels (the chapter's contrast)", () => {
  const probs = golden.cases.find((g) => g.name === "contrast_probabilities")!;
  const labels = golden.cases.find((g) => g.name === "contrast_labels")!;
  assert.ok(probs.auc[0] > labels.auc[0]);
  const hard = (probs.predictor as number[][]).map((row) => row.indexOf(Math.max(...row)) + 1);
  close(multiclassRoc(probs.response, hard).auc, labels.auc[0], "labels from the probabilities");
});

test("Mann-Whitney AUC by hand; clear errors", () => {
  assert.equal(mannWhitneyAuc([1, 2], [3, 4]), 1);
  assert.equal(mannWhitneyAuc([3, 4], [1, 2]), 0);
  assert.equal(mannWhitneyAuc([1, 2], [2, 3]), (1 + 1 + 0.5 + 1) / 4);
  assert.throws(() => mannWhitneyAuc([], [1]), /no control/);
  assert.throws(() => multiclassRoc([1, 1, 1], [1, 2, 3]), /at least two classes/);
  assert.throws(() => multiclassRoc([1, 2, 3], [1, 2]), /3 responses but 2 predictor values/);
  assert.throws(() => multiclassRoc([1, 2, 3], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), /2 columns but there are 3 classes/);
  assert.throws(() => multiclassRoc([1, 2], [[1, 0], [0, 1]], { columns: [1, 3] }), /no probability column for class\(es\) 2/);
  assert.throws(() => multiclassRoc([1, 2, 3], [1, NaN, 3]), /not a finite number/);
});
