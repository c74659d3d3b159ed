import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  DisplayMessage,
  displayBundle,
  insideKernel,
  newDisplayHandle,
  richOutput,
  setDisplaySink,
  setTextSink,
} from "../../lib/kernel/mime";

type Sent = { message: DisplayMessage; update: boolean };

function capture(run: () => void): Sent[] {
  const sent: Sent[] = [];
  setDisplaySink((message, update) => sent.push({ message, update }));
  try {
    run();
  } finally {
    setDisplaySink(null);
  }
  return sent;
}

function captureStdout(run: () => void): string {
  const original = process.stdout.write;
  let text = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    run();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

test("a bundle reaches the sink with bytes as base64 and objects untouched", () => {
  const spec = { mark: "point" };
  const sent = capture(() =>
    displayBundle({ "image/png": new Uint8Array([1, 2, 3]), "application/json": spec, "text/plain": "hi" }),
  );
  assert.equal(sent.length, 1);
  assert.equal(sent[0].update, false);
  assert.equal(sent[0].message.data["image/png"], Buffer.from([1, 2, 3]).toString("base64"));
  assert.equal(sent[0].message.data["application/json"], spec);
  assert.equal(sent[0].message.data["text/plain"], "hi");
  assert.deepEqual(sent[0].message.transient, {});
});

test("a display handle keeps one id: first display, then updates", () => {
  const handle = newDisplayHandle();
  const other = newDisplayHandle();
  assert.notEqual(handle.id, other.id);
  const sent = capture(() => {
    handle.show({ "text/plain": "1" });
    handle.show({ "text/plain": "2" });
    handle.show({ "text/plain": "3" }, { "image/png": { width: 10 } });
  });
  assert.deepEqual(sent.map((s) => s.update), [false, true, true]);
  assert.ok(sent.every((s) => s.message.transient.display_id === handle.id));
  assert.deepEqual(sent[2].message.metadata, { "image/png": { width: 10 } });
});

test("outside a kernel, text/plain goes to stdout and nothing crashes", () => {
  assert.equal(insideKernel(), false);
  assert.equal(richOutput(), false);
  const out = captureStdout(() => {
    displayBundle({ "image/png": new Uint8Array([0]), "text/plain": "[image 2x2]" });
    displayBundle({ "image/png": new Uint8Array([0]) });
    newDisplayHandle().show({ "text/plain": "epoch 1" });
  });
  assert.equal(out, "[image 2x2]\n[image/png]\nepoch 1\n");
});

test("inside tslab, messages go to the writer of the running cell", () => {
  // Stand in for tslab's dist/jupyter.js module, which the kernel loads through require.
  const key = "/fake/node_modules/tslab/dist/jupyter.js";
  const calls: Sent[] = [];
  const fake = { lastWriteDisplayData: (message: DisplayMessage, update: boolean) => calls.push({ message, update }) };
  require.cache[key] = { exports: fake } as unknown as NodeJS.Module;
  try {
    assert.equal(insideKernel(), true);
    const h = newDisplayHandle();
    h.show({ "text/plain": "a" });
    h.show({ "text/plain": "b" });
    assert.deepEqual(calls.map((c) => [c.update, c.message.transient.display_id, c.message.data["text/plain"]]), [
      [false, h.id, "a"],
      [true, h.id, "b"],
    ]);
    // Between cells tslab has no writer yet: fall back to stdout.
    (fake as { lastWriteDisplayData: unknown }).lastWriteDisplayData = null;
    assert.equal(insideKernel(), false);
    assert.equal(captureStdout(() => displayBundle({ "text/plain": "c" })), "c\n");
  } finally {
    delete require.cache[key];
  }
});

test("bad bundles give clear errors", () => {
  assert.throws(() => displayBundle({}), /empty/);
  assert.throws(() => displayBundle({ png: "x" }), /'png' is not a MIME type/);
  assert.throws(() => displayBundle({ "text/plain": 3 as unknown as string }), /must be a string, bytes or an object/);
  assert.throws(() => displayBundle(null as unknown as Record<string, string>), /must be an object/);
});

test("a text sink receives the plain-text fallback instead of stdout", () => {
  const lines: string[] = [];
  setTextSink((l) => lines.push(l));
  try {
    const out = captureStdout(() => displayBundle({ "text/plain": "x", "image/png": new Uint8Array([1]) }));
    assert.equal(out, "");
  } finally {
    setTextSink(null);
  }
  assert.deepEqual(lines, ["x"]);
});
