/**
 * The import graph of lib/ between folders, for test/house/import-graph.test.ts: which folder's
 * modules import which other folder's, at every depth (lib/data and lib/kernel; lib/data/images and
 * lib/data/mnist; ...), and the circles in it.
 */
import * as fs from "fs";
import * as path from "path";

export type FolderGraph = Map<string, Map<string, string[]>>;

const IMPORT = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*["'](\.{1,2}\/[^"']*)["']/g;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

function resolveModule(fromFile: string, spec: string): string {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [base + ".ts", path.join(base, "index.ts"), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${fromFile}: cannot resolve import "${spec}"`);
}

/** The folder of `file` cut to `depth` folders below `root` ("." for a file directly in root). */
function folderAt(root: string, file: string, depth: number): string {
  const parts = path.relative(root, path.dirname(file)).split(path.sep).filter((p) => p !== "");
  return parts.length === 0 ? "." : parts.slice(0, depth).join("/");
}

/**
 * Edges between folders at one depth: graph.get(a).get(b) lists the imports ("file -> file") by
 * which folder a uses folder b. Imports within a folder, and lib/index.ts, are left out.
 */
export function folderGraph(root: string, depth: number): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of tsFiles(root)) {
    if (path.relative(root, file) === "index.ts") continue;
    const src = fs.readFileSync(file, "utf8");
    for (const m of src.matchAll(IMPORT)) {
      const target = resolveModule(file, m[1]);
      if (!target.startsWith(root + path.sep)) continue;
      const a = folderAt(root, file, depth);
      const b = folderAt(root, target, depth);
      if (a === b) continue;
      const out = graph.get(a) ?? new Map<string, string[]>();
      graph.set(a, out);
      const why = out.get(b) ?? [];
      out.set(b, why);
      why.push(`${path.relative(root, file)} -> ${path.relative(root, target)}`);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan): each is a circle of imports. */
export function circles(graph: Map<string, Map<string, unknown>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The imports that make up a circle, for a failure message. */
export function explain(graph: FolderGraph, circle: string[]): string {
  const inCircle = new Set(circle);
  const lines: string[] = [];
  for (const a of circle) {
    for (const [b, why] of graph.get(a) ?? []) if (inCircle.has(b)) lines.push(...why.map((w) => `  ${w}`));
  }
  return `${circle.join(" <-> ")}:\n${lines.join("\n")}`;
}
