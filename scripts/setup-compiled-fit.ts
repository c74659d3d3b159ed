/**
 * Builds the compiled-fit addon (native/compiled-fit: TensorFlow's graph C API for
 * lib/training/compiled-fit.ts) against the pip wheel's libtensorflow, offline, with npm's node-gyp.
 *
 *   npx tsx scripts/setup-compiled-fit.ts [--force] [--venv .venv]
 *
 * Its output stays in native/compiled-fit/ (deps/ links to the wheel, build/ holds graph_addon.node;
 * both ignored by git), never in the shared node_modules. Where it cannot build it prints one line
 * saying why and exits 0: `compiledFit` then trains with tf.js's own fit and says so once.
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { CannotBuild, findNodeDir, findNodeGyp, findWheel } from "./setup-native-tensorflow";
import { readArgs } from "./args";

const ROOT = path.resolve(__dirname, "..");
export const ADDON_DIR = path.join(ROOT, "native", "compiled-fit");
export const ADDON_FILE = path.join(ADDON_DIR, "build", "Release", "graph_addon.node");
const STAMP = path.join(ADDON_DIR, "build", "course-build.json");

function linkWheel(wheel: string): void {
  const deps = path.join(ADDON_DIR, "deps");
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, "lib"), { recursive: true });
  // Relative links: the addon's rpath ($ORIGIN/../../deps/lib) then finds the wheel wherever the project lives.
  fs.symlinkSync(path.relative(deps, path.join(wheel, "include")), path.join(deps, "include"));
  for (const lib of ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"]) {
    fs.symlinkSync(path.relative(path.join(deps, "lib"), path.join(wheel, lib)), path.join(deps, "lib", lib));
  }
}

/** Sources and wheel library, by size and mtime: a change means a rebuild. */
function stamp(wheel: string): string {
  return ["graph_addon.cc", "binding.gyp"]
    .map((f) => path.join(ADDON_DIR, f))
    .concat(path.join(wheel, "libtensorflow_cc.so.2"))
    .map((f) => `${fs.statSync(f).size}:${Math.floor(fs.statSync(f).mtimeMs)}`)
    .join(",");
}

function probe(): void {
  const code = `const a = require(${JSON.stringify(ADDON_FILE)}); const g = a.newGraph(); a.addOp(g, "NoOp", "n", [], {});`;
  const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" } });
  if (r.status !== 0) throw new CannotBuild(`the built addon does not load: ${(r.stderr || "").trim().split("\n")[0]}`);
}

export function buildCompiledFitAddon(opts: { force?: boolean; venv?: string } = {}): string {
  const wheel = findWheel(opts.venv ?? path.join(ROOT, ".venv"));
  const want = stamp(wheel);
  if (!opts.force && fs.existsSync(ADDON_FILE) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === want) {
    probe();
    return "already built";
  }
  const nodeDir = findNodeDir();
  const nodeGyp = findNodeGyp();
  linkWheel(wheel);
  const r = spawnSync(process.execPath, [nodeGyp, "rebuild", `--nodedir=${nodeDir}`], { cwd: ADDON_DIR, encoding: "utf8" });
  const log = path.join(ADDON_DIR, "build-native.log");
  fs.writeFileSync(log, `${r.stdout ?? ""}\n${r.stderr ?? ""}`);
  if (r.status !== 0 || !fs.existsSync(ADDON_FILE)) throw new CannotBuild(`compiling the addon failed (log: ${path.relative(ROOT, log)})`);
  probe();
  fs.writeFileSync(STAMP, want);
  return "built";
}

function main(): void {
  const args = readArgs({
    script: "setup-compiled-fit",
    usage: "usage: setup-compiled-fit [--force] [--venv .venv]",
    options: { force: { type: "boolean" }, venv: { type: "string" } },
  });
  const force = args.values.force;
  const venv = args.values.venv ? path.resolve(args.values.venv) : undefined;
  const t0 = Date.now();
  try {
    const what = buildCompiledFitAddon({ force, venv });
    console.log(`Compiled-fit addon ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    if (!(e instanceof CannotBuild)) throw e;
    console.log(`Compiled-fit addon not available, fit will run eagerly: ${e.message}`);
  }
}

if (require.main === module) main();
