/**
 * Picks the fastest TensorFlow.js backend that works on this machine, for training:
 *   1. 'tensorflow' — native TensorFlow through @tensorflow/tfjs-node, whose addon
 *                     scripts/setup-native-tensorflow.ts builds against the pip TensorFlow wheel;
 *   2. 'wasm'       — WebAssembly, with the kernels it lacks for training added;
 *   3. 'cpu'        — plain JavaScript: always there, slow for convolutions.
 * The environment variable COURSE_BACKEND=tensorflow|wasm|cpu forces one.
 */
import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels } from "./wasm-training-kernels";
import { readNativeStatus } from "./native-status";
import { registerNativeFastKernels } from "./native-fast-kernels";
import { loadTfjsNode } from "./tfjs-node";

export type BackendName = "tensorflow" | "wasm" | "cpu";

export const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

/** The backend in use and, in words, why. */
export interface BackendChoice {
  name: BackendName;
  reason: string;
}

export interface SelectBackendOptions {
  /** Try this backend first; the others remain fallbacks. COURSE_BACKEND, when set, wins over this. */
  prefer?: BackendName;
  /** Skip the one-line report on stdout. */
  quiet?: boolean;
}

/** Whether one backend can be used here, and the details (or what went wrong). */
export interface BackendAvailability {
  name: BackendName;
  available: boolean;
  detail: string;
}

export const BACKEND_ENV_VAR = "COURSE_BACKEND";

function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}

/** The backend COURSE_BACKEND names, if it is set. */
function forcedBackend(): BackendName | undefined {
  const value = (process.env[BACKEND_ENV_VAR] ?? "").trim();
  if (value === "") return undefined;
  if (!isBackendName(value)) {
    throw new Error(`${BACKEND_ENV_VAR} must be one of ${BACKEND_NAMES.join(", ")}; got '${value}'`);
  }
  return value;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split("\n")[0];
}

/** A tiny computation whose answer we know: a backend that gets it wrong is not used. */
function smokeTestPasses(): boolean {
  const got = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync());
  return got.length === 2 && got[0] === 17 && got[1] === 39;
}

/**
 * Makes `name` the active backend and checks it computes correctly; returns what went wrong, or null.
 * setBackend can throw, or resolve false (wasm does when its binary fails to load), and then leaves
 * tf with no working backend: on failure the one active before (or cpu) is put back.
 */
async function activate(name: BackendName): Promise<string | null> {
  const before = tf.engine().backendName as string | null | undefined;
  const problem = await tryActivate(name);
  if (problem !== null) {
    const fallback = before && before !== name && tf.engine().registry[before] != null ? before : "cpu";
    if (fallback !== name) await tf.setBackend(fallback);
  }
  return problem;
}

async function tryActivate(name: BackendName): Promise<string | null> {
  try {
    if (!(await tf.setBackend(name))) return "failed to start";
  } catch (e) {
    return `failed to start: ${firstLine(e)}`;
  }
  if (tf.getBackend() !== name) return `did not become active (got '${tf.getBackend()}')`;
  try {
    return smokeTestPasses() ? null : "gave a wrong answer on a 2x2 matrix product";
  } catch (e) {
    return `failed a 2x2 matrix product: ${firstLine(e)}`;
  }
}

/** Why tfjs-node is not there, from what the setup script recorded. */
function whyNoNative(e: unknown): string {
  const status = readNativeStatus();
  if (status && status.ok === false) return `native TensorFlow not built: ${status.reason}`;
  const missing = (e as { code?: string }).code === "MODULE_NOT_FOUND" && firstLine(e).includes("@tensorflow/tfjs-node'");
  if (missing) return "tfjs-node not installed (bash scripts/course.sh setup builds it)";
  if (/tfjs_binding\.node/.test(firstLine(e))) return "tfjs-node's native addon is not built (bash scripts/course.sh setup builds it)";
  return `tfjs-node failed to load: ${firstLine(e)}`;
}

/** "native TensorFlow 2.21.0 via tfjs-node (libtensorflow from ...)". */
function describeNative(): string {
  const backend = tf.engine().findBackend("tensorflow") as unknown as { binding?: { TF_Version?: string } } | null;
  const version = backend?.binding?.TF_Version ?? "(version unknown)";
  const status = readNativeStatus();
  const from = status && status.ok === true ? `; libtensorflow from ${status.libtensorflow}` : "";
  return `native TensorFlow ${version} via tfjs-node${from}`;
}

async function tryTensorflow(): Promise<BackendAvailability> {
  const fail = (detail: string): BackendAvailability => ({ name: "tensorflow", available: false, detail });
  try {
    loadTfjsNode();
  } catch (e) {
    return fail(whyNoNative(e));
  }
  if (tf.engine().findBackendFactory("tensorflow") == null) {
    // tfjs-node loaded but registered itself with another copy of tfjs-core.
    return fail("tfjs-node loaded but its backend is not registered here (two copies of @tensorflow/tfjs?)");
  }
  try {
    registerNativeFastKernels();
  } catch (e) {
    return fail(`tfjs-node's kernels could not be replaced: ${firstLine(e)}`);
  }
  const problem = await activate("tensorflow");
  return problem ? fail(`tfjs-node ${problem}`) : { name: "tensorflow", available: true, detail: describeNative() };
}

async function tryWasm(): Promise<BackendAvailability> {
  const fail = (detail: string): BackendAvailability => ({ name: "wasm", available: false, detail });
  let added: string[];
  try {
    added = registerWasmTrainingKernels();
  } catch (e) {
    return fail(`wasm could not be prepared: ${firstLine(e)}`);
  }
  const problem = await activate("wasm");
  if (problem) return fail(`wasm ${problem}`);
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  const flavour = `wasm ${simd ? "SIMD" : "without SIMD"}${threads ? " + threads" : ""}`;
  return { name: "wasm", available: true, detail: `${flavour} with ${added.length} training kernels added` };
}

async function tryCpu(): Promise<BackendAvailability> {
  const problem = await activate("cpu");
  return problem
    ? { name: "cpu", available: false, detail: `cpu ${problem}` }
    : { name: "cpu", available: true, detail: "plain JavaScript: convolutions train slowly" };
}

/** Makes `name` the active backend if it works here. */
function tryBackend(name: BackendName): Promise<BackendAvailability> {
  if (name === "tensorflow") return tryTensorflow();
  if (name === "wasm") return tryWasm();
  return tryCpu();
}

/** Remembers the last choice so that calling again costs nothing and changes nothing. */
let last: { key: string; choice: BackendChoice } | null = null;

/**
 * Selects and activates the training backend (see the top of this file for the order), calls
 * tf.enableProdMode(), and prints one line such as
 *   Backend: wasm (tfjs-node not installed; wasm SIMD with 3 training kernels added)
 * Throws when COURSE_BACKEND names an unknown backend or one that is not available.
 */
export async function selectBackend(opts: SelectBackendOptions = {}): Promise<BackendChoice> {
  if (opts.prefer !== undefined && !isBackendName(opts.prefer)) {
    throw new Error(`selectBackend: prefer must be one of ${BACKEND_NAMES.join(", ")}; got '${opts.prefer}'`);
  }
  const forced = forcedBackend();
  tf.enableProdMode();
  const key = forced ? `forced:${forced}` : `prefer:${opts.prefer ?? ""}`;
  let choice: BackendChoice;
  if (last && last.key === key && tf.engine().backendName === last.choice.name) {
    choice = last.choice;
  } else {
    choice = forced ? await selectForced(forced) : await selectInOrder(opts.prefer);
    last = { key, choice };
  }
  if (!opts.quiet) console.log(`Backend: ${choice.name} (${choice.reason})`);
  return choice;
}

async function selectForced(name: BackendName): Promise<BackendChoice> {
  const result = await tryBackend(name);
  if (!result.available) {
    throw new Error(`${BACKEND_ENV_VAR}=${name}, but that backend is not available: ${result.detail}`);
  }
  return { name, reason: `forced by ${BACKEND_ENV_VAR}=${name}; ${result.detail}` };
}

async function selectInOrder(prefer?: BackendName): Promise<BackendChoice> {
  const order = prefer ? [prefer, ...BACKEND_NAMES.filter((n) => n !== prefer)] : [...BACKEND_NAMES];
  const skipped: string[] = [];
  for (const name of order) {
    const result = await tryBackend(name);
    if (result.available) {
      const asked = name === prefer ? [`preferred`] : [];
      return { name, reason: [...asked, ...skipped, result.detail].join("; ") };
    }
    skipped.push(result.detail);
  }
  throw new Error(`selectBackend: no TensorFlow.js backend works here (${skipped.join("; ")})`);
}

/**
 * Tries every backend and reports which ones work here (and calls tf.enableProdMode()). Leaves the
 * backend that was active before active again (cpu if none was).
 */
export async function listBackends(): Promise<BackendAvailability[]> {
  tf.enableProdMode();
  const before = tf.engine().backendName as string | null | undefined;
  const results: BackendAvailability[] = [];
  for (const name of BACKEND_NAMES) results.push(await tryBackend(name));
  const restore = before && isBackendName(before) && results.some((r) => r.name === before && r.available) ? before : "cpu";
  await tf.setBackend(restore);
  return results;
}
