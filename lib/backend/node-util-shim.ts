/**
 * Puts back the old `util.is*` type checks that Node deprecated and has since removed, so that
 * @tensorflow/tfjs-node 4.22 (the last release) runs on every current Node LTS.
 *
 * tfjs-node calls `util.isNullOrUndefined` and `util.isArray` each time it runs a kernel. On Node 20
 * they are there; Node 22 warns when they are called (DEP0051, DEP0044: a line in a notebook's
 * output); Node 23 removed `isNullOrUndefined` and the other helpers below, so tfjs-node throws
 * "(0 , util_1.isNullOrUndefined) is not a function" on its first kernel and the course falls back to
 * WebAssembly. Each helper is set on `node:util` as a plain function with the meaning it had in Node
 * (same answers, no warning), whether it is missing or only deprecated. tfjs-node looks the helpers
 * up on that object when it calls them, so this must run before its first kernel: loadTfjsNode()
 * (./tfjs-node.ts), the one place that loads tfjs-node, runs it first.
 */
// The module object itself (what tfjs-node's require("util") returns), not a read-only namespace copy of it.
const util: typeof import("node:util") = require("node:util");

/** Node's own definitions (lib/util.js before they were removed). */
export const LEGACY_UTIL_HELPERS: Readonly<Record<string, (arg: unknown) => boolean>> = {
  isArray: (arg) => Array.isArray(arg),
  isBoolean: (arg) => typeof arg === "boolean",
  isBuffer: (arg) => Buffer.isBuffer(arg),
  isDate: (arg) => util.types.isDate(arg),
  isError: (arg) => util.types.isNativeError(arg) || arg instanceof Error,
  isFunction: (arg) => typeof arg === "function",
  isNull: (arg) => arg === null,
  isNullOrUndefined: (arg) => arg === null || arg === undefined,
  isNumber: (arg) => typeof arg === "number",
  isObject: (arg) => arg !== null && typeof arg === "object",
  isPrimitive: (arg) => arg === null || (typeof arg !== "object" && typeof arg !== "function"),
  isRegExp: (arg) => util.types.isRegExp(arg),
  isString: (arg) => typeof arg === "string",
  isSymbol: (arg) => typeof arg === "symbol",
  isUndefined: (arg) => arg === undefined,
};

/** What restoreNodeUtilHelpers changed: names that were missing, and names whose deprecated version it replaced. */
export interface UtilShimResult {
  added: string[];
  replaced: string[];
}

/**
 * Sets every helper of LEGACY_UTIL_HELPERS on `target` (Node's `util` module unless a test passes
 * another object). Calling it again changes nothing. Reading a deprecated helper does not warn;
 * only calling it does, and this never calls one.
 */
export function restoreNodeUtilHelpers(target: Record<string, unknown> = util as unknown as Record<string, unknown>): UtilShimResult {
  const result: UtilShimResult = { added: [], replaced: [] };
  for (const [name, helper] of Object.entries(LEGACY_UTIL_HELPERS)) {
    const current = target[name];
    if (current === helper) continue;
    (current === undefined ? result.added : result.replaced).push(name);
    target[name] = helper;
  }
  return result;
}
