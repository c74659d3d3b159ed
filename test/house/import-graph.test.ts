import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { circles, explain, folderGraph } from "./import-graph";

const lib = path.resolve(__dirname, "..", "..", "lib");

test("no folder of lib/ is part of an import circle, at any depth", () => {
  for (const depth of [1, 2, 3, 4]) {
    const graph = folderGraph(lib, depth);
    const found = circles(graph);
    assert.deepEqual(found.map((c) => explain(graph, c)), [], `depth ${depth}`);
  }
});

test("the graph sees the folders' imports (data uses io and random; kernel uses no other folder)", () => {
  const graph = folderGraph(lib, 1);
  assert.ok(graph.get("data")?.has("io") && graph.get("data")?.has("random"));
  assert.equal(graph.get("kernel"), undefined);
  // The rooms that sit below the others: nothing they import reaches back up.
  for (const low of ["kernel", "random", "io"]) {
    for (const high of ["data", "training", "course", "stand-ins"]) assert.ok(!graph.get(low)?.has(high), `${low} -> ${high}`);
  }
});

// The rooms from the bottom up, as the README's layout lists them: a room imports only rooms before it.
const LAYERS = ["kernel", "random", "io", "backend", "data", "stand-ins", "augment", "models", "training", "evaluate",
  "display", "interpret", "plotting", "memory", "course", "check"];

test("each room of lib/ imports only rooms below it (the README's layout order)", () => {
  const graph = folderGraph(lib, 1);
  const upward: string[] = [];
  for (const [a, targets] of graph) {
    if (a === ".") continue;
    assert.ok(LAYERS.includes(a), `lib/${a} is not in the list of rooms: add it to LAYERS and to the README's layout`);
    for (const [b, why] of targets) if (LAYERS.indexOf(b) > LAYERS.indexOf(a)) upward.push(`${a} -> ${b}: ${why[0]}`);
  }
  assert.deepEqual(upward, []);
});

test("circles: finds a long circle and ignores a chain", () => {
  const g = (edges: [string, string][]) => {
    const m = new Map<string, Map<string, string[]>>();
    for (const [a, b] of edges) (m.get(a) ?? m.set(a, new Map()).get(a)!).set(b, []);
    return m;
  };
  assert.deepEqual(circles(g([["a", "b"], ["b", "c"], ["c", "d"]])), []);
  assert.deepEqual(circles(g([["a", "b"], ["b", "c"], ["c", "d"], ["d", "b"]])), [["b", "c", "d"]]);
});
