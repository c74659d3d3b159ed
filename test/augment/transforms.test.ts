import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng } from "../../lib/random/rng";
import { identity, rotationMatrix, aboutCentre, multiply, zoomMatrix } from "../../lib/augment/affine";
import { flipHorizontal, flipVertical } from "../../lib/augment/flip";
import { imageFromRows, imageToRows, makeImage } from "../../lib/augment/image";
import { fillIndex, resample } from "../../lib/augment/resample";
import { NO_TRANSFORM, applyTransform, drawTransform, zoomBounds } from "../../lib/augment/random-transform";

const A3 = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];
const A4 = [
  [1, 2, 3, 4],
  [5, 6, 7, 8],
  [9, 10, 11, 12],
  [13, 14, 15, 16],
];

const rotate = (rows: number[][], degrees: number, interpolation: "nearest" | "bilinear" = "bilinear") =>
  imageToRows(applyTransform(imageFromRows(rows), { ...NO_TRANSFORM, rotation: degrees }, { interpolation }));

test("the identity transform returns the input exactly (both interpolations, any fill)", () => {
  const img = makeImage(Array.from({ length: 5 * 7 * 3 }, (_, i) => Math.sin(i) * 100), 5, 7, 3);
  assert.deepEqual(applyTransform(img, NO_TRANSFORM).data, img.data);
  for (const interpolation of ["nearest", "bilinear"] as const) {
    for (const fillMode of ["nearest", "constant", "reflect", "wrap"] as const) {
      assert.deepEqual(resample(img, identity(), { interpolation, fillMode, cval: -1 }).data, img.data);
    }
  }
  // a full turn is the identity too, up to rounding, and snapped to whole pixels
  assert.deepEqual(rotate(A4, 360), A4);
});

test("a 90° turn is counter-clockwise as displayed (numpy's rot90), odd and even sizes", () => {
  assert.deepEqual(rotate(A3, 90), [
    [3, 6, 9],
    [2, 5, 8],
    [1, 4, 7],
  ]);
  assert.deepEqual(rotate(A3, -90), [
    [7, 4, 1],
    [8, 5, 2],
    [9, 6, 3],
  ]);
  assert.deepEqual(rotate(A4, 90, "nearest"), [
    [4, 8, 12, 16],
    [3, 7, 11, 15],
    [2, 6, 10, 14],
    [1, 5, 9, 13],
  ]);
  assert.deepEqual(rotate(A4, 180), A4.map((r) => [...r].reverse()).reverse());
});

test("flips mirror columns (horizontal) or rows (vertical), keeping channel order", () => {
  const img = imageFromRows([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(imageToRows(flipHorizontal(img)), [
    [3, 2, 1],
    [6, 5, 4],
  ]);
  assert.deepEqual(imageToRows(flipVertical(img)), [
    [4, 5, 6],
    [1, 2, 3],
  ]);
  const rgb = makeImage([1, 2, 3, 4, 5, 6], 1, 2, 3);
  assert.deepEqual(Array.from(flipHorizontal(rgb).data), [4, 5, 6, 1, 2, 3]);
  assert.deepEqual(applyTransform(img, { ...NO_TRANSFORM, flipHorizontal: true, flipVertical: true }).data, Float32Array.from([6, 5, 4, 3, 2, 1]));
});

test("a shift by whole pixels moves the content; 'nearest' repeats the edge, 'constant' fills cval", () => {
  const img = imageFromRows(A4);
  const down1 = imageToRows(applyTransform(img, { ...NO_TRANSFORM, shiftRows: 1 }));
  assert.deepEqual(down1, [A4[0], A4[0], A4[1], A4[2]]);
  const left2 = imageToRows(applyTransform(img, { ...NO_TRANSFORM, shiftCols: -2 }, { fillMode: "nearest" }));
  assert.deepEqual(left2, A4.map((r) => [r[2], r[3], r[3], r[3]]));
  const right1 = imageToRows(applyTransform(img, { ...NO_TRANSFORM, shiftCols: 1 }, { fillMode: "constant", cval: -1 }));
  assert.deepEqual(right1, A4.map((r) => [-1, r[0], r[1], r[2]]));
  // half a pixel with bilinear interpolation averages neighbours
  const half = imageToRows(applyTransform(img, { ...NO_TRANSFORM, shiftCols: 0.5 }));
  assert.deepEqual(half[0], [1, 1.5, 2.5, 3.5]);
});

test("fill modes map outside indices as Keras documents for 'abcd'", () => {
  const show = (mode: "nearest" | "reflect" | "wrap" | "constant") =>
    [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7].map((i) => fillIndex(i, 4, mode)).map((j) => (j < 0 ? "k" : "abcd"[j])).join("");
  assert.equal(show("nearest"), "aaaaabcddddd");
  assert.equal(show("reflect"), "dcbaabcddcba");
  assert.equal(show("wrap"), "abcdabcdabcd");
  assert.equal(show("constant"), "kkkkabcdkkkk");
  assert.throws(() => resample(imageFromRows(A3), identity(), { fillMode: "mirror" as never }), /unknown fillMode "mirror"/);
});

test("zoom follows Keras: a factor above 1 shrinks the content, below 1 enlarges it", () => {
  // a 2×2 bright square in the middle of a dark 6×6 image
  const rows = Array.from({ length: 6 }, (_, r) => Array.from({ length: 6 }, (_, c) => (r >= 2 && r <= 3 && c >= 2 && c <= 3 ? 1 : 0)));
  const bright = (m: number[][]) => m.flat().filter((v) => v > 0.5).length;
  const zoomOut = imageToRows(applyTransform(imageFromRows(rows), { ...NO_TRANSFORM, zoomRows: 2, zoomCols: 2 }, { interpolation: "nearest" }));
  const zoomIn = imageToRows(applyTransform(imageFromRows(rows), { ...NO_TRANSFORM, zoomRows: 0.5, zoomCols: 0.5 }, { interpolation: "nearest" }));
  assert.ok(bright(zoomOut) < 4, `zoom 2 leaves ${bright(zoomOut)} bright pixels`);
  assert.ok(bright(zoomIn) > 4, `zoom 0.5 gives ${bright(zoomIn)} bright pixels`);
  // matrices compose about the centre: the centre stays put
  const m = aboutCentre(multiply(rotationMatrix(33), zoomMatrix(1.3, 0.7)), 6, 6);
  assert.ok(Math.abs(m[0][0] * 2.5 + m[0][1] * 2.5 + m[0][2] - 2.5) < 1e-12);
  assert.throws(() => zoomMatrix(0, 1), /factors must be > 0/);
});

test("drawn parameters stay inside their ranges, and every flip outcome occurs", () => {
  const rng = new Rng(11);
  const ranges = { rotationRange: 90, widthShiftRange: 0.2, heightShiftRange: 3, shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true };
  const flips = new Set<boolean>();
  for (let i = 0; i < 200; i++) {
    const p = drawTransform(ranges, rng, 28, 20);
    assert.ok(Math.abs(p.rotation) <= 90);
    assert.ok(Math.abs(p.shiftCols) <= 0.2 * 20, "fractions are of the width");
    assert.ok(Math.abs(p.shiftRows) <= 3, "ranges >= 1 are pixels");
    assert.ok(Math.abs(p.shear) <= 0.2);
    assert.ok(p.zoomRows >= 0.8 && p.zoomRows <= 1.2 && p.zoomCols >= 0.8 && p.zoomCols <= 1.2);
    assert.equal(p.flipVertical, false);
    flips.add(p.flipHorizontal);
  }
  assert.equal(flips.size, 2);
  assert.deepEqual(drawTransform({}, new Rng(1), 5, 5), NO_TRANSFORM);
  assert.deepEqual(zoomBounds([0.5, 2]), [0.5, 2]);
  assert.throws(() => zoomBounds(1.5), /0 < lo <= hi/);
  assert.throws(() => zoomBounds([1.2, 0.8]), /0 < lo <= hi/);
});
