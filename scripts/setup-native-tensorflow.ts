/**
 * Builds @tensorflow/tfjs-node's native addon against the libtensorflow inside the pip
 * `tensorflow-cpu` wheel in .venv, offline. (tfjs-node's own install script downloads libtensorflow
 * 2.9 from a bucket that no longer serves it; the wheel carries a complete, newer one: its
 * libtensorflow_cc.so.2 exports the C API the addon calls, and include/ has the headers.)
 *
 *   npx tsx scripts/setup-native-tensorflow.ts [--force] [--venv .venv]
 *
 * Steps: keep a tfjs-node that already works (the user's own, or our earlier build of the same wheel);
 * otherwise check platform, CPU (AVX), wheel, compiler and Node's headers; link the wheel's headers and
 * libraries into tfjs-node's deps/; compile with the node-gyp that ships with npm (no header download);
 * load the result in a child process. Where any step cannot work it prints one line saying why and
 * exits 0: the chapters then fall back to WebAssembly and their backend line repeats the reason,
 * which is kept in node_modules/.course-native-tensorflow.json (see lib/backend/native-status.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { NativeStatus, writeNativeStatus } from "../lib/backend/native-status";
import { readArgs } from "./args";

const ROOT = path.resolve(__dirname, "..");
const PKG = path.join(ROOT, "node_modules", "@tensorflow", "tfjs-node");

interface Args {
  force: boolean;
  venv: string;
}

function readFlags(): Args {
  const args = readArgs({
    script: "setup-native-tensorflow",
    usage: "usage: setup-native-tensorflow [--force] [--venv .venv]",
    options: { force: { type: "boolean" }, venv: { type: "string" } },
  });
  return { force: args.values.force, venv: args.values.venv ? path.resolve(args.values.venv) : path.join(ROOT, ".venv") };
}

export class CannotBuild extends Error {}

/** The wheel's tensorflow/ folder inside the venv, or why there is none. */
export function findWheel(venv: string): string {
  const lib = path.join(venv, "lib");
  if (!fs.existsSync(lib)) throw new CannotBuild(`no Python venv at ${path.relative(ROOT, venv) || venv}`);
  for (const py of fs.readdirSync(lib).filter((d) => d.startsWith("python")).sort()) {
    const dir = path.join(lib, py, "site-packages", "tensorflow");
    const ok = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2", "include/tensorflow/c/c_api.h"].every((f) =>
      fs.existsSync(path.join(dir, f)),
    );
    if (ok) return dir;
  }
  throw new CannotBuild("the TensorFlow wheel is not in .venv (pip found no tensorflow-cpu for this Python or platform)");
}

/** The wheel's version from its dist-info folder name (tensorflow_cpu-2.21.0.dist-info). */
function wheelVersion(wheelDir: string): string {
  const site = path.dirname(wheelDir);
  const info = fs.readdirSync(site).find((d) => /^tensorflow(_cpu)?-[\d.]+.*\.dist-info$/.test(d));
  return info ? info.replace(/^tensorflow(_cpu)?-/, "").replace(/\.dist-info$/, "") : "unknown";
}

function checkPlatform(): void {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new CannotBuild(`this build is for Linux x86-64; here it is ${process.platform} ${process.arch}`);
  }
  const cpu = fs.readFileSync("/proc/cpuinfo", "utf8");
  if (!/^flags\s*:.*\bavx\b/m.test(cpu)) throw new CannotBuild("this CPU lacks AVX, which the TensorFlow wheel needs");
}

function commandWorks(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return r.status === 0;
}

/** Node's headers: npm's nodedir setting, else the prefix node runs from. Both come with Node: nothing is downloaded. */
export function findNodeDir(): string {
  const fromNpm = spawnSync("npm", ["config", "get", "nodedir"], { encoding: "utf8" }).stdout?.trim();
  const candidates = [fromNpm, path.dirname(path.dirname(process.execPath))].filter(
    (d): d is string => !!d && d !== "undefined" && d !== "null",
  );
  const found = candidates.find((d) => fs.existsSync(path.join(d, "include", "node", "node_api.h")));
  if (!found) throw new CannotBuild(`Node's headers (include/node/node_api.h) are not under ${candidates.join(" or ")}`);
  return found;
}

/** The node-gyp that ships inside npm (npm names it in npm_config_node_gyp when it runs a script). */
export function findNodeGyp(): string {
  const candidates = [process.env.npm_config_node_gyp ?? ""];
  const npm = spawnSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
  if (npm) candidates.push(path.resolve(path.dirname(fs.realpathSync(npm)), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  const found = candidates.find((c) => c !== "" && fs.existsSync(c));
  if (!found) throw new CannotBuild("npm's bundled node-gyp was not found");
  return found;
}

/** The N-API version tfjs-node's binding is built for: the highest it lists that this Node supports. */
export function napiVersion(pkgJson: { binary?: { napi_versions?: number[] } }, nodeNapi: number): number {
  const listed = (pkgJson.binary?.napi_versions ?? []).filter((v) => v <= nodeNapi);
  if (listed.length === 0) throw new CannotBuild(`tfjs-node supports no N-API version this Node (N-API ${nodeNapi}) has`);
  return Math.max(...listed);
}

function bindingPath(): string {
  const pkgJson = JSON.parse(fs.readFileSync(path.join(PKG, "package.json"), "utf8"));
  const v = napiVersion(pkgJson, Number(process.versions.napi));
  return path.join(PKG, "lib", `napi-v${v}`, "tfjs_binding.node");
}

/**
 * Loads tfjs-node in a fresh process and returns TensorFlow's version, or throws with the first error
 * line. It loads it the way the chapters do (lib/backend/tfjs-node.ts, under tsx), so the check holds
 * on every Node the course supports.
 */
function probe(): string {
  const code =
    "const tf = require('./lib/backend/tfjs-node').loadTfjsNode();" +
    "const r = tf.tidy(() => tf.matMul(tf.tensor2d([[1,2],[3,4]]), tf.tensor2d([[5],[6]])).dataSync());" +
    "if (r[0] !== 17 || r[1] !== 39) throw new Error('wrong answer from a 2x2 product');" +
    "process.stdout.write(String(tf.backend().binding.TF_Version));";
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", code], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" } });
  if (r.status !== 0) {
    const err = (r.stderr || "").split("\n").find((l) => /Error/.test(l)) ?? (r.stderr || "").split("\n")[0];
    throw new CannotBuild(`the built addon does not load: ${err.trim()}`);
  }
  return r.stdout.trim();
}

/** deps/include -> the wheel's headers; deps/lib holds the names binding.gyp links and the sonames loaded at run time. */
function linkWheel(wheelDir: string): void {
  const deps = path.join(PKG, "deps");
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, "lib"), { recursive: true });
  const rel = (from: string, to: string) => path.relative(from, to);
  fs.symlinkSync(rel(deps, path.join(wheelDir, "include")), path.join(deps, "include"));
  const libDir = path.join(deps, "lib");
  const links: [string, string][] = [
    ["libtensorflow.so", "libtensorflow_cc.so.2"],
    ["libtensorflow_cc.so.2", "libtensorflow_cc.so.2"],
    ["libtensorflow_framework.so", "libtensorflow_framework.so.2"],
    ["libtensorflow_framework.so.2", "libtensorflow_framework.so.2"],
  ];
  // Relative links: the binding's rpath ($ORIGIN/../../deps/lib) then finds the wheel wherever the project lives.
  for (const [name, target] of links) fs.symlinkSync(rel(libDir, path.join(wheelDir, target)), path.join(libDir, name));
}

function compile(nodeGyp: string, nodeDir: string): void {
  const binding = bindingPath();
  const napi = path.basename(path.dirname(binding)).replace("napi-v", "");
  const log = path.join(PKG, "build-native.log");
  const r = spawnSync(
    process.execPath,
    [nodeGyp, "rebuild", `--nodedir=${nodeDir}`, "--module_name=tfjs_binding", `--module_path=${path.dirname(binding)}`, `--napi_build_version=${napi}`],
    { cwd: PKG, encoding: "utf8" },
  );
  fs.writeFileSync(log, `${r.stdout ?? ""}\n${r.stderr ?? ""}`);
  if (r.status !== 0 || !fs.existsSync(binding)) {
    throw new CannotBuild(`compiling the addon failed (log: ${path.relative(ROOT, log)})`);
  }
}

function fileStamp(f: string): string {
  const s = fs.statSync(f);
  return `${s.size}:${Math.floor(s.mtimeMs)}`;
}

type BuiltStatus = Extract<NativeStatus, { ok: true }>;

/** Written into tfjs-node's deps/ after our build (linkWheel empties deps/ first): its presence means the addon is ours. */
const BUILD_RECORD = path.join(PKG, "deps", "course-build.json");

function ourBuild(): BuiltStatus | null {
  try {
    return JSON.parse(fs.readFileSync(BUILD_RECORD, "utf8")) as BuiltStatus;
  } catch {
    return null;
  }
}

function run(args: Args): NativeStatus {
  if (!fs.existsSync(path.join(PKG, "package.json"))) {
    throw new CannotBuild("@tensorflow/tfjs-node is not in node_modules (scripts/course.sh installs it with npm ci --ignore-scripts)");
  }
  const before = ourBuild();
  const hasBinding = fs.existsSync(bindingPath());
  // A tfjs-node that works and that we did not build is the user's own: keep it.
  if (!args.force && hasBinding && before === null) {
    try {
      const version = probe();
      return { ok: true, builtBy: "user", tensorflowVersion: version, libtensorflow: "the libtensorflow your tfjs-node install brought" };
    } catch {
      /* broken: rebuild below */
    }
  }
  checkPlatform();
  const wheel = findWheel(args.venv);
  const stamp = fileStamp(path.join(wheel, "libtensorflow_cc.so.2"));
  if (!args.force && hasBinding && before?.wheelStamp === stamp) {
    return { ...before, tensorflowVersion: probe() };
  }
  if (!commandWorks("c++", ["--version"]) || !commandWorks("make", ["--version"])) {
    throw new CannotBuild("no C++ compiler or make (Debian: apt-get install g++ make)");
  }
  const nodeDir = findNodeDir();
  const nodeGyp = findNodeGyp();
  linkWheel(wheel);
  compile(nodeGyp, nodeDir);
  const built: BuiltStatus = {
    ok: true,
    builtBy: "course",
    tensorflowVersion: probe(),
    libtensorflow: `the pip tensorflow-cpu ${wheelVersion(wheel)} wheel in ${path.relative(ROOT, args.venv) || args.venv}`,
    wheelStamp: stamp,
  };
  fs.writeFileSync(BUILD_RECORD, JSON.stringify(built, null, 2) + "\n");
  return built;
}

function main(): void {
  const args = readFlags();
  const t0 = Date.now();
  let status: NativeStatus;
  try {
    status = run(args);
  } catch (e) {
    if (!(e instanceof CannotBuild)) throw e;
    status = { ok: false, reason: e.message };
  }
  writeNativeStatus(status);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (status.ok) console.log(`Native TensorFlow ${status.tensorflowVersion} ready (libtensorflow from ${status.libtensorflow}; ${secs} s)`);
  else console.log(`Native TensorFlow not available, chapters will use WebAssembly: ${status.reason}`);
}

if (require.main === module) main();
