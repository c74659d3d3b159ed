// Runs in its own process (node:test starts one per file): it breaks wasm's binary path on purpose.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BACKEND_ENV_VAR, selectBackend } from "../../lib/backend/select-backend";

test("when wasm cannot start, selectBackend falls back to the next backend, and forcing wasm is a clear error", async () => {
  const envBefore = process.env[BACKEND_ENV_VAR];
  // tf.setBackend('wasm') then resolves false instead of throwing: the case that must be checked.
  const wasm: { setWasmPaths(prefix: string): void } = require("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths("/nonexistent-wasm-dir/");
  const quietErrors = console.error;
  const quietWarn = console.warn;
  console.error = console.warn = () => undefined; // emscripten and tf report the failed load loudly
  try {
    delete process.env[BACKEND_ENV_VAR];
    const choice = await selectBackend({ prefer: "wasm", quiet: true });
    // the next one in the order that works: native TensorFlow where it is built, else cpu
    assert.notEqual(choice.name, "wasm");
    assert.match(choice.reason, /wasm failed to start/);
    assert.equal(tf.getBackend(), choice.name);

    process.env[BACKEND_ENV_VAR] = "wasm";
    await assert.rejects(selectBackend({ quiet: true }), /COURSE_BACKEND=wasm, but that backend is not available: wasm failed to start/);
    assert.equal(tf.getBackend(), choice.name, "a failed forced choice leaves the previous backend working");
    assert.deepEqual(tf.tidy(() => tf.add(1, 2).arraySync()), 3);
  } finally {
    console.error = quietErrors;
    console.warn = quietWarn;
    if (envBefore === undefined) delete process.env[BACKEND_ENV_VAR];
    else process.env[BACKEND_ENV_VAR] = envBefore;
  }
});
