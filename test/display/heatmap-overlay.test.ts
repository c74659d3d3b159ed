import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { colouredHeatmap, heatmapOverlay, heatmapPeakAt, markPoint, outlineBox, resizeHeatmap } from "../../lib/display/heatmap-overlay";

tf.enableProdMode();

/** Compares a flat RGB array with golden rows of [r, g, b], to 6 decimals. */
function assertPixels(actual: ArrayLike<number>, golden: number[][]): void {
  assert.equal(actual.length, golden.length * 3);
  golden.forEach((px, i) => px.forEach((g, c) => {
    const a = actual[i * 3 + c];
    assert.ok(Math.abs(a - g) < 1e-6, `pixel ${i} channel ${c}: ${a} instead of ${g}`);
  }));
}

test("resizing a 2×2 map to 4×4 (bilinear, pixel centres, edges held): values worked out by hand", () => {
  // Sample positions along each axis: -0.25 (held at 0), 0.25, 0.75, 1.25 (held at 1).
  assert.deepEqual(resizeHeatmap([[0, 1], [1, 0]], 4, 4), [
    [0, 0.25, 0.75, 1],
    [0.25, 0.375, 0.625, 0.75],
    [0.75, 0.625, 0.375, 0.25],
    [1, 0.75, 0.25, 0],
  ]);
  assert.deepEqual(resizeHeatmap([[0.3]], 2, 3), [[0.3, 0.3, 0.3], [0.3, 0.3, 0.3]]);
  assert.deepEqual(resizeHeatmap([[0, 1], [1, 0]], 2, 2), [[0, 1], [1, 0]]);
  assert.deepEqual(resizeHeatmap([[0, 1], [1, 0.5]], 4, 6, "nearest"), [
    [0, 0, 0, 1, 1, 1],
    [0, 0, 0, 1, 1, 1],
    [1, 1, 1, 0.5, 0.5, 0.5],
    [1, 1, 1, 0.5, 0.5, 0.5],
  ]);
});

test("overlay pixels, same size: alpha = opacity × value, viridis colour, blended over the picture", () => {
  const picture = [
    [[0.2, 0.4, 0.6], [1, 1, 1]],
    [[0, 0, 0], [0.5, 0.25, 0.75]],
  ];
  // Values 0, 0.5, 1 and 0.25 fall on viridis's table points 0, 4, 8 and 2:
  // (68, 1, 84), (33, 144, 141), (253, 231, 37), (59, 81, 139); alphas 0, 0.3, 0.6, 0.15.
  const out = heatmapOverlay(picture, [[0, 0.5], [1, 0.25]], { opacity: 0.6 });
  assert.deepEqual([out.height, out.width, out.channels], [2, 2, 3]);
  assertPixels(out.data, [
    [0.2, 0.4, 0.6], // value 0: the picture as it was
    [0.738824, 0.869412, 0.865882], // 0.7 · 1 + 0.3 · (33, 144, 141) / 255
    [0.595294, 0.543529, 0.087059], // 0.4 · 0 + 0.6 · (253, 231, 37) / 255
    [0.459706, 0.260147, 0.719265], // 0.85 · (0.5, 0.25, 0.75) + 0.15 · (59, 81, 139) / 255
  ]);
});

test("overlay pixels with resizing: a 1×2 map over a 1×4 grey picture (tensor input, opacity 1)", () => {
  const grey = tf.fill([1, 4, 1], 0.5);
  const before = tf.memory().numTensors;
  const out = heatmapOverlay(grey, [[0, 1]], { opacity: 1 });
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  grey.dispose();
  // Resized values 0, 0.25, 0.75, 1: table points 0, 2, 6, 8 → (68, 1, 84), (59, 81, 139), (92, 200, 99), (253, 231, 37).
  assertPixels(out.data, [
    [0.5, 0.5, 0.5],
    [0.432843, 0.454412, 0.511275],
    [0.395588, 0.713235, 0.416176],
    [0.992157, 0.905882, 0.145098],
  ]);
});

test("a picture in bytes, opacity 0, and the peak of the resized map", () => {
  const bytes = { data: [51, 102, 153], height: 1, width: 1, channels: 3 };
  assertPixels(heatmapOverlay(bytes, [[1]], { range: "byte", opacity: 0 }).data, [[0.2, 0.4, 0.6]]);
  // A 2×3 map stretched over 90×160: its largest cell (row 1, col 2) covers the bottom-right corner.
  const peak = heatmapPeakAt([[0, 0.2, 0.1], [0.3, 0.4, 0.9]], 90, 160);
  assert.ok(peak.x >= 107 && peak.y >= 45, JSON.stringify(peak));
});

test("clear errors for maps outside [0, 1], bad options and odd pictures", () => {
  const pic = [[[0, 0, 0]]];
  assert.throws(() => heatmapOverlay(pic, [[1.5]]), /heatmap value 1\.5 at \[0\]\[0\] is outside \[0, 1\]; normalise the map first/);
  assert.throws(() => heatmapOverlay(pic, [[NaN]]), /heatmap value NaN/);
  assert.throws(() => heatmapOverlay(pic, [[0.5]], { opacity: 2 }), /opacity must be in \[0, 1\]/);
  assert.throws(() => heatmapOverlay(pic, [[0.5]], { colorMap: "jet" as "viridis" }), /unknown colour map 'jet'/);
  assert.throws(() => heatmapOverlay([[[0, 0, 0, 1]]], [[0.5]]), /1 \(grey\) or 3 \(RGB\) channels, it has 4/);
  assert.throws(() => resizeHeatmap([], 2, 2), /the map is empty/);
  assert.throws(() => resizeHeatmap([[0, 1], [1]], 2, 2), /rows differ in length/);
  assert.throws(() => resizeHeatmap([[0]], 0, 2), /positive whole numbers/);
});

test("outlineBox draws the box's edge pixels and markPoint a plus sign, on copies", () => {
  const black = { data: new Float32Array(5 * 4 * 3), height: 4, width: 5, channels: 3 };
  const boxed = outlineBox(black, { x0: 1, y0: 1, x1: 4, y1: 4 }, [1, 0, 0]);
  const red = (img: { data: ArrayLike<number>; width: number }, x: number, y: number): boolean => img.data[(y * img.width + x) * 3] === 1;
  const rows = [0, 1, 2, 3].map((y) => [0, 1, 2, 3, 4].map((x) => (red(boxed, x, y) ? "#" : ".")).join(""));
  assert.deepEqual(rows, [".....", ".###.", ".#.#.", ".###."]); // columns 1..3, rows 1..3; row 4 is outside the picture
  assert.ok(Array.from(black.data).every((v) => v === 0));
  const marked = markPoint(black, 0, 0, [1, 1, 1], 1);
  const lit = [0, 1, 2, 3].map((y) => [0, 1, 2, 3, 4].map((x) => (red(marked, x, y) ? "+" : ".")).join(""));
  assert.deepEqual(lit, ["++...", "+....", ".....", "....."]);
  assert.throws(() => outlineBox({ data: [0], height: 1, width: 1, channels: 1 }, { x0: 0, y0: 0, x1: 1, y1: 1 }), /expected an RGB picture/);
});

test("colouredHeatmap: viridis's end points and middle, at the map's own size", () => {
  const img = colouredHeatmap([[0, 0.5, 1]]);
  assert.deepEqual([img.height, img.width, img.channels], [1, 3, 3]);
  assertPixels(img.data, [[68 / 255, 1 / 255, 84 / 255], [33 / 255, 144 / 255, 141 / 255], [253 / 255, 231 / 255, 37 / 255]]);
  assertPixels(colouredHeatmap([[0.25]], "grey").data, [[64 / 255, 64 / 255, 64 / 255]]);
});
