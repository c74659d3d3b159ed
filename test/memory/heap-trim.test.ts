import { test } from "node:test";
import * as assert from "node:assert/strict";
import { trimHeapPeriodically } from "../../lib/memory/heap-trim";

// The timer never stops; that this file's process still ends shows it does not keep a script alive.
test("trimHeapPeriodically calls the trim on a timer, once per process however often it is started", async () => {
  let calls = 0;
  let others = 0;
  assert.equal(trimHeapPeriodically({ everyMs: 20, trim: () => calls++ }), true);
  assert.equal(trimHeapPeriodically({ everyMs: 20, trim: () => others++ }), true); // no second timer
  await new Promise((r) => setTimeout(r, 210));
  assert.ok(calls >= 5 && calls <= 12, `trimmed ${calls} times in 210 ms at one per 20 ms`);
  assert.equal(others, 0);
});

