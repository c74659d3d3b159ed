import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as jpeg from "jpeg-js";
import { encodeJpeg } from "../../../lib/data/images/codecs/jpeg-encode";
import { decodeJpeg } from "../../../lib/data/images/codecs/jpeg";
import { cropTopLeft, resizeBilinear } from "../../../lib/data/images/codecs/resize";

function pattern(w: number, h: number, channels: 3 | 4): Uint8Array {
  const px = new Uint8Array(w * h * channels);
  for (let i = 0; i < px.length; i++) px[i] = (i * 31 + (i >> 5)) % 256;
  if (channels === 4) for (let i = 3; i < px.length; i += 4) px[i] = 255;
  return px;
}

test("encodeJpeg gives exactly jpeg-js's bytes, reusing one encoder across calls and qualities", () => {
  const rgba = pattern(37, 21, 4);
  for (const q of [90, 50, 90]) {
    assert.ok(encodeJpeg(rgba, 37, 21, q).equals(jpeg.encode({ width: 37, height: 21, data: rgba }, q).data), `quality ${q}`);
  }
  // RGB input means the same picture as RGBA with opaque alpha.
  const rgb = new Uint8Array(37 * 21 * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) rgb.set(rgba.subarray(j, j + 3), i);
  assert.ok(encodeJpeg(rgb, 37, 21).equals(encodeJpeg(rgba, 37, 21)));
  const back = decodeJpeg(encodeJpeg(rgb, 37, 21, 100));
  assert.equal(back.width, 37);
  assert.equal(back.height, 21);
  assert.throws(() => encodeJpeg(rgb, 36, 21), /expected 2268 \(RGB\) or 3024 \(RGBA\) bytes/);
  assert.throws(() => encodeJpeg(rgb, 37, 21, 0), /quality must be/);
  assert.throws(() => encodeJpeg(rgb, -1, 21), /positive whole numbers/);
});

test("resizeBilinear keeps flat colours, is exact at the same size and averages on halving", () => {
  const flat = { width: 5, height: 3, data: new Uint8Array(45).fill(77) };
  assert.ok(resizeBilinear(flat, 7, 11).data.every((v) => v === 77));
  const img = { width: 4, height: 2, data: pattern(4, 2, 3) };
  assert.deepEqual(resizeBilinear(img, 2, 4).data, img.data);
  // Halving a 2×2 block samples its centre: the mean of the four pixels.
  const block = { width: 2, height: 2, data: new Uint8Array([0, 0, 0, 100, 100, 100, 200, 200, 200, 40, 40, 40]) };
  assert.deepEqual(Array.from(resizeBilinear(block, 1, 1).data), [85, 85, 85]);
  assert.throws(() => resizeBilinear(img, 0, 3), /positive whole numbers/);
});

test("cropTopLeft keeps the top-left corner like x[1:h, 1:w, ] in R", () => {
  const img = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i) };
  assert.deepEqual(Array.from(cropTopLeft(img, 1, 2).data), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(cropTopLeft(img, 2, 1).data), [0, 1, 2, 9, 10, 11]);
  assert.throws(() => cropTopLeft(img, 3, 1), /too small to crop/);
});
