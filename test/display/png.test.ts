import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as zlib from "zlib";
import { crc32, encodePng } from "../../lib/display/png";
import { decodePng } from "./png-decode";

test("encodePng round-trips every pixel through a real inflate", () => {
  const w = 7;
  const h = 5;
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37 + 11) % 256;
  const png = encodePng(rgba, w, h);
  const back = decodePng(png);
  assert.equal(back.width, w);
  assert.equal(back.height, h);
  assert.deepEqual(back.rgba, rgba);
});

test("encodePng accepts a view into a larger buffer", () => {
  const big = new Uint8Array(100).map((_, i) => i);
  const view = big.subarray(20, 20 + 2 * 2 * 4);
  assert.deepEqual(decodePng(encodePng(view, 2, 2)).rgba, view);
});

test("crc32 agrees with Node's zlib.crc32", () => {
  for (const s of ["", "IEND", "hello world", "\u00ff\u0000abc"]) {
    const b = Buffer.from(s, "latin1");
    assert.equal(crc32(b), zlib.crc32(b));
  }
});

test("encodePng rejects wrong sizes with clear messages", () => {
  assert.throws(() => encodePng(new Uint8Array(15), 2, 2), /expected 16 bytes for 2x2 RGBA, got 15/);
  assert.throws(() => encodePng(new Uint8Array(0), 0, 0), /width must be a positive integer/);
  assert.throws(() => encodePng(new Uint8Array(8), 2, 1.5), /height must be a positive integer/);
  assert.throws(() => encodePng([1, 2, 3, 4] as unknown as Uint8Array, 1, 1), /Uint8Array/);
});
