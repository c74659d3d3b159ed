import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { pointInBox, scorePeaksInBoxes, type PeakBox } from "../../lib/interpret/peak-in-box";

tf.enableProdMode();

// ---------------------------------------------------------------------------------------------
// A hand-built model on 9 × 12 grey pictures. "c" is a 3 × 3 unpadded conv whose only non-zero
// weight is the centre, so its 7 × 10 map is the picture shifted: A[r][c] = x[r + 1][c + 1], and
// cell (r, c) sees the patch centred on pixel (row r + 1, column c + 1). Output 0 sums the map
// (gradient 1 everywhere), output 1 is minus that sum. So Grad-CAM of output 0 (or of output 1
// with sign -1) is relu(A) scaled, and its peak is the picture's brightest pixel, shifted by one.
// ---------------------------------------------------------------------------------------------
const H = 9;
const W = 12;
const MAP_H = H - 2;
const MAP_W = W - 2;

function shiftModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [H, W, 1], filters: 1, kernelSize: 3, useBias: false, name: "c" }));
  m.add(tf.layers.flatten({ name: "f" }));
  m.add(tf.layers.dense({ units: 2, useBias: false, name: "out" }));
  const centre = new Float32Array(9);
  centre[4] = 1;
  const readout = new Float32Array(MAP_H * MAP_W * 2);
  for (let i = 0; i < MAP_H * MAP_W; i++) {
    readout[i * 2] = 1;
    readout[i * 2 + 1] = -1;
  }
  const w = [tf.tensor4d(centre, [3, 3, 1, 1]), tf.tensor2d(readout, [MAP_H * MAP_W, 2])];
  m.setWeights(w);
  tf.dispose(w);
  return m;
}

/** Pictures that are 0 except for one pixel of 1 at each (row, column). */
function brightDots(dots: [number, number][]): tf.Tensor4D {
  const v = new Float32Array(dots.length * H * W);
  dots.forEach(([r, c], k) => {
    if (r >= 0) v[k * H * W + r * W + c] = 1;
  });
  return tf.tensor4d(v, [dots.length, H, W, 1]);
}

// Worked out by hand (pixel positions as {x: column, y: row}):
//  picture 0, dot at row 4, col 6: peak cell (3, 5), its patch centre (x 6, y 4). Stretched 7 × 10 → 9 × 12 with
//    half-pixel centres, pixel y samples the map at (y + 0.5)·7/9 − 0.5: y 4 → 3.0, the peak row; pixel x at
//    (x + 0.5)·10/12 − 0.5: x 6 → 4.92 (value 0.92), x 7 → 5.75 (0.25): the drawn peak is also (x 6, y 4).
//  picture 1, dot at row 1, col 1: peak cell (0, 0), patch centre (x 1, y 1); stretched, pixels 0 sample the map at
//    −0.08 and −0.11, held at cell 0 (value 1), pixels 1 at 0.75 and 0.67 (0.25, 0.33): drawn peak (x 0, y 0).
//  picture 2, dot at row 7, col 10: peak cell (6, 9), patch centre (x 10, y 7); stretched, the last pixels
//    (x 11 → 9.08, y 8 → 6.11) are held at the last cell (value 1): drawn peak (x 11, y 8).
//  picture 3: no dot (all zero); it only ever comes without a box.
const DOTS: [number, number][] = [[4, 6], [1, 1], [7, 10], [-1, -1]];
const BOX_A: PeakBox = { x0: 5, y0: 3, x1: 8, y1: 6 }; // 3 × 3 around (6, 4): both peaks of picture 0 inside
const BOX_B: PeakBox = { x0: 1, y0: 1, x1: 4, y1: 3 }; // 3 × 2: patch centre (1, 1) inside, drawn peak (0, 0) not
const BOX_C: PeakBox = { x0: 0, y0: 0, x1: 7, y1: 5 }; // 7 × 5: neither (10, 7) nor (11, 8), but picture 0's (6, 4)

test("hits, drawn hits, box share and the other-map control, against values worked out by hand", () => {
  const m = shiftModel();
  const x = brightDots(DOTS);
  const before = tf.memory().numTensors;
  // Rows 0, 1, 2 scored in the order 0, 1, 2 (row 3 has no box); each box is checked against the next
  // scored picture's patch-centre peak: box A vs (1, 1) no, box B vs (10, 7) no, box C vs (6, 4) yes.
  const s = scorePeaksInBoxes({ model: m, images: x, indices: [0, 3, 1, 2], boxes: [BOX_A, undefined, BOX_B, BOX_C], classIndex: 0 });
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  assert.equal(s.frames, 3);
  assert.equal(s.noBox, 1);
  assert.equal(s.hits, 2); // A and B
  assert.equal(s.drawnHits, 1); // A only
  assert.equal(s.otherMapHits, 1); // C, with picture 0's peak
  assert.ok(Math.abs(s.boxShare - (9 + 6 + 35) / (H * W) / 3) < 1e-12, `box share ${s.boxShare}`);
  tf.dispose([x]);
  m.dispose();
});

test("the order of indices decides which map is the 'other' one; sign -1 of the negated output gives the same map", () => {
  const m = shiftModel();
  const x = brightDots(DOTS);
  // Order 2, 0, 1: box C vs picture 0's peak (6, 4) yes, box A vs (1, 1) no, box B vs (10, 7) no; then
  // order 0, 2, 1: box A vs (10, 7) no, box C vs (1, 1) yes, box B vs (6, 4) no.
  const args = { model: m, images: x, indices: [2, 0, 1], boxes: [BOX_C, BOX_A, BOX_B] };
  const plus = scorePeaksInBoxes({ ...args, classIndex: 0 });
  const minus = scorePeaksInBoxes({ ...args, classIndex: 1, sign: -1 });
  assert.deepEqual(minus, plus);
  assert.equal(plus.otherMapHits, 1);
  const reordered = scorePeaksInBoxes({ model: m, images: x, indices: [0, 2, 1], boxes: [BOX_A, BOX_C, BOX_B], classIndex: 0 });
  assert.equal(reordered.otherMapHits, 1);
  assert.equal(reordered.hits, 2);
  // With the wrong sign the map is all zero, so every peak is cell (0, 0), patch centre (1, 1), which boxes C and B
  // hold; drawn, the flat map peaks at its first pixel (0, 0), which only box C holds.
  const wrongSign = scorePeaksInBoxes({ ...args, classIndex: 0, sign: -1 });
  assert.deepEqual([wrongSign.hits, wrongSign.otherMapHits, wrongSign.drawnHits], [2, 2, 1]);
  tf.dispose([x]);
  m.dispose();
});

test("no picture with a box: an all-zero score, and the model is not run", () => {
  const m = shiftModel();
  const x = brightDots(DOTS);
  const before = tf.memory().numTensors;
  const s = scorePeaksInBoxes({ model: m, images: x, indices: [0, 1], boxes: [undefined, undefined], classIndex: 5 });
  assert.deepEqual(s, { frames: 0, hits: 0, drawnHits: 0, boxShare: 0, otherMapHits: 0, noBox: 2 });
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x]);
  m.dispose();
});

test("pointInBox: x1 and y1 are outside the box", () => {
  const b: PeakBox = { x0: 2, y0: 3, x1: 5, y1: 4 };
  assert.equal(pointInBox({ x: 2, y: 3 }, b), true);
  assert.equal(pointInBox({ x: 4, y: 3 }, b), true);
  assert.equal(pointInBox({ x: 5, y: 3 }, b), false);
  assert.equal(pointInBox({ x: 2, y: 4 }, b), false);
  assert.equal(pointInBox({ x: 1, y: 3 }, b), false);
});

test("bad input: clear errors that name the function and file, and nothing left behind", () => {
  const m = shiftModel();
  const x = brightDots(DOTS);
  const before = tf.memory().numTensors;
  const base = { model: m, images: x, classIndex: 0 };
  assert.throws(() => scorePeaksInBoxes({ ...base, indices: [0, 1], boxes: [BOX_A] }),
    /scorePeaksInBoxes \(lib\/interpret\/peak-in-box\.ts\): 1 boxes for 2 indices/);
  assert.throws(() => scorePeaksInBoxes({ ...base, indices: [4], boxes: [BOX_A] }), /index 4 is outside 0\.\.3/);
  assert.throws(() => scorePeaksInBoxes({ ...base, indices: [0.5], boxes: [BOX_A] }), /index 0\.5 is outside/);
  assert.throws(() => scorePeaksInBoxes({ ...base, indices: [0], boxes: [{ x0: 3, y0: 0, x1: 3, y1: 2 }] }),
    /box 0 \{x0 3, y0 0, x1 3, y1 2\} is not a non-empty box inside the 9×12 picture/);
  assert.throws(() => scorePeaksInBoxes({ ...base, indices: [0], boxes: [{ x0: 0, y0: 0, x1: 13, y1: 2 }] }), /inside the 9×12 picture/);
  assert.throws(() => scorePeaksInBoxes({ ...base, indices: [0], boxes: [{ x0: 0, y0: NaN, x1: 2, y1: 2 }] }), /box 0/);
  const flat = x.reshape([4, H, W]) as unknown as tf.Tensor4D;
  assert.throws(() => scorePeaksInBoxes({ ...base, images: flat, indices: [0], boxes: [BOX_A] }),
    /expected images \[n, height, width, channels\], got shape \[4, 9, 12\]/);
  flat.dispose();
  // Errors from Grad-CAM itself come through, and leave no tensor behind either.
  assert.throws(() => scorePeaksInBoxes({ ...base, classIndex: 2, indices: [0], boxes: [BOX_A] }), /class index 2 is outside 0\.\.1/);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x]);
  m.dispose();
});
