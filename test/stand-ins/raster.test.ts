import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Canvas } from "../../lib/stand-ins/raster";
import { Pen } from "../../lib/stand-ins/rick-morty/pen";
import { Rng } from "../../lib/random/rng";
import { drawFrame } from "../../lib/stand-ins/rick-morty/scene";

const at = (c: Canvas, x: number, y: number): number[] => Array.from(c.data.subarray((y * c.width + x) * 3, (y * c.width + x) * 3 + 3));

test("rectangles, ellipses and polygons cover the right pixels, with soft edges", () => {
  const c = new Canvas(10, 10, [0, 0, 0], 2);
  c.fillRect(2, 2, 5, 4, [255, 0, 0]);
  assert.deepEqual(at(c, 2, 2), [255, 0, 0]);
  assert.deepEqual(at(c, 4, 3), [255, 0, 0]);
  assert.deepEqual(at(c, 5, 3), [0, 0, 0]);
  c.fillRect(0, 6, 1.5, 7, [0, 200, 0]); // half a pixel: half the colour
  assert.deepEqual(at(c, 1, 6), [0, 100, 0]);

  const e = new Canvas(21, 21, [0, 0, 0], 4);
  e.fillEllipse(10.5, 10.5, 8, 3, [0, 0, 255]);
  assert.equal(at(e, 10, 10)[2], 255);
  assert.equal(at(e, 10, 2)[2], 0); // outside the short radius
  assert.equal(at(e, 3, 10)[2], 255);
  const turned = new Canvas(21, 21, [0, 0, 0], 4);
  turned.fillEllipse(10.5, 10.5, 8, 3, [0, 0, 255], Math.PI / 2);
  assert.equal(at(turned, 10, 3)[2], 255);
  assert.equal(at(turned, 3, 10)[2], 0);

  // A concave "L": the notch stays empty.
  const p = new Canvas(10, 10, [0, 0, 0], 1);
  p.fillPolygon([[0, 0], [4, 0], [4, 6], [8, 6], [8, 9], [0, 9]], [9, 9, 9]);
  assert.deepEqual(at(p, 1, 1), [9, 9, 9]);
  assert.deepEqual(at(p, 6, 2), [0, 0, 0]);
  assert.deepEqual(at(p, 6, 7), [9, 9, 9]);
  assert.throws(() => new Canvas(0, 5), /positive whole numbers/);
  assert.throws(() => new Canvas(5, 5, [0, 0, 0], 0), /samples/);
});

test("a pen mirrors and scales a character's own coordinates", () => {
  const c = new Canvas(40, 40);
  const pen = new Pen(c, { x: 20, y: 20, scale: 10, angle: 0, flip: false });
  assert.deepEqual(pen.map(1, 0.5), [30, 25]);
  const mirrored = new Pen(c, { x: 20, y: 20, scale: 10, angle: 0, flip: true });
  assert.deepEqual(mirrored.map(1, 0.5), [10, 25]);
  const [x, y] = new Pen(c, { x: 0, y: 0, scale: 2, angle: Math.PI / 2, flip: false }).map(1, 0);
  assert.ok(Math.abs(x) < 1e-9 && Math.abs(y - 2) < 1e-9);
});

test("frames are seeded: same seed, same pixels; and any size can be drawn", () => {
  const a = drawFrame(new Rng(1), { rick: true, morty: false }).toRgbBytes();
  const b = drawFrame(new Rng(1), { rick: true, morty: false }).toRgbBytes();
  const c = drawFrame(new Rng(2), { rick: true, morty: false }).toRgbBytes();
  assert.equal(a.length, 160 * 90 * 3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(drawFrame(new Rng(1), { rick: false, morty: false }, 225, 225).toRgbBytes().length, 225 * 225 * 3);
});
