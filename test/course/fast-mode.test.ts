import { test } from "node:test";
import * as assert from "node:assert/strict";
import { fullOrFast, isFastMode } from "../../lib/course/fast-mode";

test("COURSE_FAST picks the fast value", () => {
  const saved = process.env.COURSE_FAST;
  try {
    process.env.COURSE_FAST = "1";
    assert.equal(isFastMode(), true);
    assert.equal(fullOrFast(100, 5), 5);
    for (const off of ["", "0", "false"]) {
      process.env.COURSE_FAST = off;
      assert.equal(fullOrFast(100, 5), 100);
    }
    delete process.env.COURSE_FAST;
    assert.equal(fullOrFast(100, 5), 100);
  } finally {
    if (saved === undefined) delete process.env.COURSE_FAST;
    else process.env.COURSE_FAST = saved;
  }
});
