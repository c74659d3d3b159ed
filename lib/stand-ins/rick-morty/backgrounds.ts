/**
 * Busy cartoon backgrounds: a living room, a garage lab, a spaceship, an alien landscape and a
 * suburban street, each with random colours, furniture, props and a little texture.
 */
import { Rng } from "../../random/rng";
import { Canvas, Rgb } from "../raster";
import { jitter, randomHue } from "./characters";

export type BackgroundKind = "room" | "garage" | "spaceship" | "alien" | "street";
export const BACKGROUNDS: readonly BackgroundKind[] = ["room", "garage", "spaceship", "alien", "street"];

function darker(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

function between(rng: Rng, a: number, b: number): number {
  return a + (b - a) * rng.unif();
}

/** Small rectangles of many colours on a shelf: bottles, books, boxes. */
function clutter(cv: Canvas, rng: Rng, x0: number, x1: number, baseY: number, maxH: number): void {
  let x = x0;
  while (x < x1) {
    const w = between(rng, 2, 7);
    const h = between(rng, maxH * 0.3, maxH);
    const c = randomHue(rng, 0.3 + rng.unif() * 0.6, 0.5 + rng.unif() * 0.5);
    if (rng.unif() < 0.5) cv.fillRect(x, baseY - h, x + w, baseY, c);
    else cv.fillEllipse(x + w / 2, baseY - h / 2, w / 2, h / 2, c);
    x += w + between(rng, 0.5, 4);
  }
}

function room(cv: Canvas, rng: Rng): void {
  const { width: W, height: H } = cv;
  const wall = pick(rng, [[226, 206, 160], [160, 200, 220], [200, 190, 225], [190, 215, 170], [240, 225, 120], [235, 235, 230]]);
  const floorY = between(rng, 0.55, 0.85) * H;
  cv.verticalGradient(0, floorY, wall, darker(wall, 0.85));
  if (rng.unif() < 0.5) {
    const stripe = jitter(rng, darker(wall, 0.9));
    const step = between(rng, 6, 16);
    for (let x = rng.unif() * step; x < W; x += step) cv.fillRect(x, 0, x + step / 3, floorY, stripe);
  }
  cv.verticalGradient(floorY, H, pick(rng, [[150, 110, 80], [120, 120, 130], [180, 150, 110], [110, 140, 120]]), [90, 70, 60]);
  for (let k = rng.index(3); k > 0; k--) {
    // A window with sky, or a picture frame.
    const x = between(rng, 0, W - 30);
    const y = between(rng, 4, floorY * 0.4);
    const w = between(rng, 15, 40);
    const h = between(rng, 12, floorY * 0.5);
    cv.fillRect(x - 2, y - 2, x + w + 2, y + h + 2, pick(rng, [[250, 250, 250], [120, 80, 50], [60, 60, 70]]));
    cv.fillRect(x, y, x + w, y + h, rng.unif() < 0.5 ? [150, 200, 240] : randomHue(rng, 0.5, 0.8));
  }
  if (rng.unif() < 0.7) {
    // A couch or a table.
    const x = between(rng, -20, W - 40);
    const w = between(rng, 40, 90);
    const top = floorY - between(rng, 10, 30);
    const c = randomHue(rng, 0.4, 0.6);
    cv.fillRect(x, top, x + w, floorY + 6, c);
    cv.fillEllipse(x, top + 6, 7, 10, darker(c, 0.85));
    cv.fillEllipse(x + w, top + 6, 7, 10, darker(c, 0.85));
  }
  if (rng.unif() < 0.5) clutter(cv, rng, between(rng, 0, W / 2), between(rng, W / 2, W), floorY * 0.45, 10);
}

function garage(cv: Canvas, rng: Rng): void {
  const { width: W, height: H } = cv;
  const wall = pick(rng, [[150, 160, 140], [170, 170, 160], [130, 150, 150], [180, 170, 150]]);
  cv.verticalGradient(0, H, wall, darker(wall, 0.7));
  const benchY = between(rng, 0.55, 0.75) * H;
  for (let k = 0; k < 2; k++) {
    const y = between(rng, 8, benchY - 12);
    cv.fillRect(0, y, W, y + 2.5, [110, 85, 60]);
    clutter(cv, rng, between(rng, 0, 40), W - between(rng, 0, 40), y, 12);
  }
  cv.fillRect(0, benchY, W, benchY + 5, [120, 90, 60]);
  cv.fillRect(0, benchY + 5, W, H, darker(wall, 0.55));
  for (let k = rng.index(5); k > 0; k--) {
    const x = between(rng, 0, W);
    cv.line(x, benchY - between(rng, 5, 20), x + between(rng, -10, 10), benchY, between(rng, 1, 3), randomHue(rng, 0.2, 0.6));
  }
  if (rng.unif() < 0.4) cv.fillEllipse(between(rng, 0, W), between(rng, 0, 20), 10, 6, [250, 245, 200], 0, 0.7); // a lamp
}

function spaceship(cv: Canvas, rng: Rng): void {
  const { width: W, height: H } = cv;
  const hull = pick(rng, [[60, 70, 90], [90, 90, 100], [40, 50, 60], [110, 100, 90]]);
  cv.verticalGradient(0, H, darker(hull, 1.3), hull);
  // A windscreen onto space, with stars.
  const wy = between(rng, 0, H * 0.3);
  const wh = between(rng, 15, H * 0.45);
  cv.fillPolygon([[W * 0.1, wy], [W * 0.9, wy], [W * 0.8, wy + wh], [W * 0.2, wy + wh]], [10, 12, 30]);
  for (let k = 0; k < 25; k++) {
    const x = between(rng, W * 0.2, W * 0.8);
    const y = between(rng, wy, wy + wh);
    cv.fillRect(x, y, x + 1, y + 1, [230, 230, 255], rng.unif());
  }
  if (rng.unif() < 0.5) cv.fillEllipse(between(rng, W * 0.3, W * 0.7), wy + wh / 2, 8, 8, randomHue(rng)); // a planet
  // Dashboard panels with lights.
  const dashY = between(rng, 0.6, 0.85) * H;
  cv.fillRect(0, dashY, W, H, darker(hull, 0.7));
  for (let k = 0; k < 8; k++) {
    const x = between(rng, 0, W);
    cv.fillRect(x, dashY + 2, x + between(rng, 6, 20), dashY + between(rng, 5, 12), darker(hull, 1.5));
    cv.fillEllipse(between(rng, 0, W), between(rng, dashY, H), 1.5, 1.5, randomHue(rng, 0.9, 1));
  }
}

function alienWorld(cv: Canvas, rng: Rng): void {
  const { width: W, height: H } = cv;
  const sky = randomHue(rng, 0.3 + rng.unif() * 0.5, 0.6 + rng.unif() * 0.4);
  cv.verticalGradient(0, H, sky, randomHue(rng, 0.5, 0.7));
  for (let k = rng.index(3); k > 0; k--) cv.fillEllipse(between(rng, 0, W), between(rng, 0, H / 3), between(rng, 4, 15), between(rng, 4, 15), randomHue(rng, 0.3, 0.95));
  const ground = randomHue(rng, 0.5, 0.5);
  for (let k = 0; k < 4; k++) {
    cv.fillEllipse(between(rng, -20, W + 20), between(rng, 0.6, 1.1) * H, between(rng, 30, 80), between(rng, 10, 30), jitter(rng, ground, 30));
  }
  for (let k = rng.index(7); k > 0; k--) {
    // Odd plants: a stalk and a blob.
    const x = between(rng, 0, W);
    const y = between(rng, 0.6, 1) * H;
    const h = between(rng, 8, 35);
    cv.line(x, y, x + between(rng, -6, 6), y - h, between(rng, 1, 3), randomHue(rng, 0.5, 0.5));
    cv.fillEllipse(x, y - h, between(rng, 3, 9), between(rng, 3, 9), randomHue(rng, 0.7, 0.9));
  }
}

function street(cv: Canvas, rng: Rng): void {
  const { width: W, height: H } = cv;
  const horizon = between(rng, 0.45, 0.7) * H;
  cv.verticalGradient(0, horizon, [120, 180, 235], [190, 220, 245]);
  cv.verticalGradient(horizon, H, [110, 170, 80], [80, 130, 60]);
  for (let k = 1 + rng.index(3); k > 0; k--) {
    const x = between(rng, -20, W - 20);
    const w = between(rng, 35, 70);
    const top = horizon - between(rng, 20, 40);
    const c = pick(rng, [[230, 220, 200], [200, 170, 140], [240, 240, 235], [180, 190, 200]]);
    cv.fillRect(x, top, x + w, horizon + 4, c);
    cv.fillPolygon([[x - 4, top], [x + w / 2, top - between(rng, 10, 20)], [x + w + 4, top]], pick(rng, [[150, 60, 50], [90, 90, 100]]));
    cv.fillRect(x + w * 0.4, horizon - 14, x + w * 0.55, horizon + 4, [120, 80, 50]);
  }
  for (let k = rng.index(4); k > 0; k--) {
    const x = between(rng, 0, W);
    cv.fillRect(x - 1.5, horizon - 15, x + 1.5, horizon + 3, [110, 80, 50]);
    cv.fillEllipse(x, horizon - 20, between(rng, 7, 14), between(rng, 7, 12), jitter(rng, [70, 140, 60], 25));
  }
  cv.fillRect(0, between(rng, 0.8, 0.95) * H, W, H, [150, 150, 150]);
}

function pick(rng: Rng, colours: readonly Rgb[]): Rgb {
  return jitter(rng, colours[rng.index(colours.length)]);
}

const DRAW: Record<BackgroundKind, (cv: Canvas, rng: Rng) => void> = {
  room,
  garage,
  spaceship,
  alien: alienWorld,
  street,
};

/** Paints a whole background of the given kind. */
export function drawBackground(kind: BackgroundKind, cv: Canvas, rng: Rng): void {
  DRAW[kind](cv, rng);
}
