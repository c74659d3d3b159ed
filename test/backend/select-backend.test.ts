import { test, afterEach } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BACKEND_ENV_VAR, listBackends, selectBackend } from "../../lib/backend/select-backend";

const envBefore = process.env[BACKEND_ENV_VAR];
afterEach(() => {
  if (envBefore === undefined) delete process.env[BACKEND_ENV_VAR];
  else process.env[BACKEND_ENV_VAR] = envBefore;
});

/** Whether @tensorflow/tfjs-node can be found (it normally is not installed here). */
function nativeInstalled(): boolean {
  try {
    require.resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

/** Runs `f` and returns what it printed with console.log. */
async function printed<T>(f: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    return { value: await f(), lines };
  } finally {
    console.log = log;
  }
}

test("COURSE_BACKEND=cpu forces cpu and prints one line", async () => {
  process.env[BACKEND_ENV_VAR] = "cpu";
  const { value, lines } = await printed(() => selectBackend());
  assert.equal(value.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.match(value.reason, /forced by COURSE_BACKEND=cpu/);
  assert.deepEqual(lines, [`Backend: cpu (${value.reason})`]);
});

test("COURSE_BACKEND=wasm forces wasm with the training kernels; calling again changes nothing", async () => {
  process.env[BACKEND_ENV_VAR] = "wasm";
  const first = await selectBackend({ quiet: true });
  assert.equal(first.name, "wasm");
  assert.equal(tf.getBackend(), "wasm");
  assert.match(first.reason, /wasm (SIMD|without SIMD).* with 3 training kernels added/);
  assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"));
  const kernels = tf.getKernelsForBackend("wasm").length;
  const second = await selectBackend({ quiet: true });
  assert.deepEqual(second, first);
  assert.equal(tf.getKernelsForBackend("wasm").length, kernels);
  // a conv layer can now compute its weight gradient on wasm
  const g = tf.tidy(() =>
    tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, "valid")))(
      tf.ones([3, 3, 1, 1]),
    ).arraySync(),
  );
  assert.deepEqual(g, Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => [[4]])));
});

test("an unknown COURSE_BACKEND is a clear error", async () => {
  process.env[BACKEND_ENV_VAR] = "gpu";
  await assert.rejects(selectBackend({ quiet: true }), /COURSE_BACKEND must be one of tensorflow, wasm, cpu; got 'gpu'/);
});

test("COURSE_BACKEND=tensorflow without tfjs-node is a clear error (and keeps a working backend)", async () => {
  process.env[BACKEND_ENV_VAR] = "tensorflow";
  if (nativeInstalled()) {
    const choice = await selectBackend({ quiet: true });
    assert.equal(choice.name, "tensorflow");
    return;
  }
  await tf.setBackend("cpu");
  await assert.rejects(
    selectBackend({ quiet: true }),
    /COURSE_BACKEND=tensorflow, but that backend is not available: tfjs-node not installed/,
  );
  assert.equal(tf.getBackend(), "cpu");
});

test("without COURSE_BACKEND the fastest working backend wins, and prefer reorders", async () => {
  delete process.env[BACKEND_ENV_VAR];
  const { value, lines } = await printed(() => selectBackend());
  assert.equal(lines.length, 1);
  if (nativeInstalled()) {
    assert.equal(value.name, "tensorflow");
  } else {
    assert.equal(value.name, "wasm");
    assert.match(lines[0], /^Backend: wasm \(tfjs-node not installed; wasm .* with 3 training kernels added\)$/);
  }
  const cpu = await selectBackend({ prefer: "cpu", quiet: true });
  assert.equal(cpu.name, "cpu");
  assert.match(cpu.reason, /^preferred; plain JavaScript/);
  assert.equal(tf.getBackend(), "cpu");
  await assert.rejects(
    selectBackend({ prefer: "webgl" as never, quiet: true }),
    /prefer must be one of tensorflow, wasm, cpu; got 'webgl'/,
  );
});

test("listBackends reports each backend and leaves the active one in place", async () => {
  delete process.env[BACKEND_ENV_VAR];
  await tf.setBackend("cpu");
  const list = await listBackends();
  assert.deepEqual(list.map((b) => b.name), ["tensorflow", "wasm", "cpu"]);
  assert.equal(list.find((b) => b.name === "wasm")?.available, true);
  assert.equal(list.find((b) => b.name === "cpu")?.available, true);
  assert.equal(list.find((b) => b.name === "tensorflow")?.available, nativeInstalled());
  assert.equal(tf.getBackend(), "cpu");
});
