/**
 * Drawing one 32 × 32 stand-in picture of a deer, a frog or a truck, seeded. Each picture is a
 * scene (forest, meadow, pond or road, each class preferring its own but not always getting it)
 * with one animal or vehicle of random size, place, colour and pose, then lighting, blur and noise.
 * Even a clear picture can be ambiguous: a deer lying in the grass is a low brown blob much like a
 * brown frog, and frogs come brown almost as often as green.
 *
 * Some pictures are made hard on purpose, so that a network has something to be unsure about:
 *  - "far":     the object is tiny and faded into the scene;
 *  - "crop":    the object is so close that only a part of it is in the frame;
 *  - "camo":    the object takes the colours of its surroundings;
 *  - "dark":    the whole scene is dim and noisy.
 * The rest are "clear". `drawStandInPicture` says which kind it drew.
 */
import { Rng } from "../../random/rng";
import { Canvas, type Rgb } from "../raster";

export type StandInClass = "deer" | "frog" | "truck";
export type Scene = "forest" | "meadow" | "pond" | "road";
export type Difficulty = "clear" | "far" | "crop" | "camo" | "dark";

export const STAND_IN_CLASSES: readonly StandInClass[] = ["deer", "frog", "truck"];
export const DIFFICULTIES: readonly Difficulty[] = ["clear", "far", "crop", "camo", "dark"];

/**
 * Chance that a picture is drawn hard, and how the hard ones split between the four ways. Tuned so
 * that the chapter's CNN scores about what the course's nets score on real CIFAR-10 (0.88-0.91):
 * with a third drawn hard it reached 0.96, with half 0.91.
 */
export const HARD_SHARE = 0.5;
const HARD_KINDS: readonly Difficulty[] = ["far", "crop", "camo", "dark"];
const DEER_POSES: readonly DeerPose[] = ["standing", "lying", "head"];

/** Where each class is usually seen: probabilities of forest, meadow, pond, road. */
const SCENE_ODDS: Record<StandInClass, readonly number[]> = {
  deer: [0.42, 0.4, 0.06, 0.12],
  frog: [0.25, 0.3, 0.37, 0.08],
  truck: [0.15, 0.27, 0.05, 0.53],
};
const SCENES: readonly Scene[] = ["forest", "meadow", "pond", "road"];

const SIDE = 32;

function pickWeighted<T>(rng: Rng, items: readonly T[], odds: readonly number[]): T {
  let u = rng.unif();
  for (let i = 0; i < items.length; i++) {
    u -= odds[i];
    if (u <= 0) return items[i];
  }
  return items[items.length - 1];
}

function between(rng: Rng, a: number, b: number): number {
  return a + (b - a) * rng.unif();
}

function jitter(rng: Rng, c: Rgb, amount: number): Rgb {
  return [c[0] + between(rng, -amount, amount), c[1] + between(rng, -amount, amount), c[2] + between(rng, -amount, amount)];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function scale(c: Rgb, f: number): Rgb {
  return [c[0] * f, c[1] * f, c[2] * f];
}

/** Paints the scene and returns its dominant colour (what a camouflaged object takes on). */
function paintScene(cv: Canvas, scene: Scene, rng: Rng): Rgb {
  const horizon = between(rng, 7, 16);
  switch (scene) {
    case "forest": {
      const top = jitter(rng, [55, 85, 45], 20);
      const bottom = jitter(rng, [85, 75, 45], 20);
      cv.verticalGradient(0, SIDE, top, bottom);
      const trunks = 2 + rng.index(5);
      for (let i = 0; i < trunks; i++) {
        const x = between(rng, -2, SIDE);
        const w = between(rng, 1, 4);
        cv.fillRect(x, 0, x + w, SIDE, jitter(rng, [60, 45, 30], 15), between(rng, 0.6, 1));
      }
      for (let i = 0; i < 10; i++) {
        cv.fillEllipse(between(rng, 0, SIDE), between(rng, 0, SIDE * 0.7), between(rng, 2, 6), between(rng, 1.5, 4),
          jitter(rng, [60, 110, 45], 25), rng.unif() * Math.PI, between(rng, 0.3, 0.7));
      }
      return mix(top, bottom, 0.5);
    }
    case "meadow": {
      const sky = jitter(rng, [165, 195, 225], 25);
      const grass = jitter(rng, [105, 145, 60], 25);
      cv.verticalGradient(0, horizon, sky, mix(sky, [230, 230, 230], 0.3));
      cv.verticalGradient(horizon, SIDE, mix(grass, [150, 150, 90], 0.3), grass);
      for (let i = 0; i < 8; i++) {
        cv.fillEllipse(between(rng, 0, SIDE), between(rng, horizon, SIDE), between(rng, 1, 4), between(rng, 0.5, 2),
          jitter(rng, grass, 30), 0, 0.5);
      }
      return grass;
    }
    case "pond": {
      const water = jitter(rng, [50, 85, 80], 20);
      const mud = jitter(rng, [95, 85, 55], 20);
      cv.verticalGradient(0, SIDE, water, mix(water, mud, between(rng, 0.2, 0.9)));
      const pads = 2 + rng.index(5);
      for (let i = 0; i < pads; i++) {
        cv.fillEllipse(between(rng, 0, SIDE), between(rng, 0, SIDE), between(rng, 2, 6), between(rng, 1.5, 4),
          jitter(rng, [70, 125, 55], 25), rng.unif() * Math.PI, between(rng, 0.5, 0.9));
      }
      return mix(water, [70, 125, 55], 0.3);
    }
    case "road": {
      const sky = jitter(rng, [170, 185, 205], 30);
      const tarmac = jitter(rng, [100, 100, 100], 25);
      cv.verticalGradient(0, horizon, sky, mix(sky, [200, 200, 200], 0.4));
      const blocks = rng.index(4);
      for (let i = 0; i < blocks; i++) {
        const x = between(rng, -4, SIDE);
        const h = between(rng, 3, horizon);
        cv.fillRect(x, horizon - h, x + between(rng, 4, 10), horizon, jitter(rng, [140, 135, 130], 30));
      }
      cv.verticalGradient(horizon, SIDE, mix(tarmac, [150, 150, 150], 0.3), tarmac);
      if (rng.unif() < 0.5) cv.line(0, between(rng, horizon + 4, SIDE), SIDE, between(rng, horizon + 4, SIDE), 0.8, [220, 220, 200], 0.7);
      return tarmac;
    }
  }
}

interface Pose {
  cx: number;
  cy: number;
  /** Overall size in pixels (about the object's width). */
  s: number;
  /** +1 faces right, -1 left. */
  facing: number;
}

/** How a deer is drawn: standing side-on, lying in the grass (legs folded, a low blob much like a crouching frog), or only head and neck. */
type DeerPose = "standing" | "lying" | "head";

function paintDeer(cv: Canvas, p: Pose, coat: Rgb, rng: Rng, pose: DeerPose): void {
  const { cx, cy, s, facing } = p;
  const dark = scale(coat, 0.7);
  const antlers = rng.unif() < 0.5;
  const antler = jitter(rng, [95, 75, 55], 15);
  let hx: number, hy: number, hr: number;
  if (pose === "head") {
    hx = cx;
    hy = cy;
    hr = s * 0.22;
    cv.line(cx, cy + hr, cx - facing * s * 0.1, cy + s * 0.6, s * 0.22, coat);
  } else if (pose === "lying") {
    const by = cy + s * 0.12;
    cv.fillEllipse(cx, by, s * 0.3, s * 0.15, coat, between(rng, -0.05, 0.05));
    cv.line(cx - s * 0.22, by + s * 0.13, cx + s * 0.05, by + s * 0.15, Math.max(0.6, s * 0.05), dark);
    hx = cx + facing * s * 0.26;
    hy = by - s * 0.26;
    hr = s * 0.09;
    cv.line(cx + facing * s * 0.18, by - s * 0.02, hx, hy, s * 0.1, coat);
  } else {
    cv.fillEllipse(cx, cy, s * 0.32, s * 0.16, coat, between(rng, -0.1, 0.1));
    for (const dx of [-0.22, -0.12, 0.14, 0.24]) {
      const lx = cx + dx * s;
      cv.line(lx, cy + s * 0.08, lx + between(rng, -0.04, 0.04) * s, cy + s * 0.45, Math.max(0.6, s * 0.045), dark);
    }
    cv.fillEllipse(cx - facing * s * 0.31, cy - s * 0.06, s * 0.04, s * 0.04, [235, 230, 220]);
    hx = cx + facing * s * 0.36;
    hy = cy - s * 0.32;
    hr = s * 0.085;
    cv.line(cx + facing * s * 0.24, cy - s * 0.04, hx, hy, s * 0.1, coat);
  }
  cv.fillEllipse(hx, hy, hr * 1.1, hr * 0.8, coat, facing * 0.3);
  cv.fillEllipse(hx + facing * hr * 0.9, hy + hr * 0.3, hr * 0.55, hr * 0.4, dark);
  cv.fillEllipse(hx - facing * hr * 0.4, hy - hr * 0.9, hr * 0.45, hr * 0.25, coat, -facing * 0.6);
  cv.fillEllipse(hx + facing * hr * 0.3, hy - hr * 0.15, hr * 0.15, hr * 0.15, [25, 20, 15]);
  if (antlers) {
    const w = Math.max(0.5, hr * 0.18);
    for (const side of [-1, 1]) {
      const bx = hx + side * hr * 0.35;
      const by = hy - hr * 0.6;
      const tx = bx + side * hr * 1.0;
      const ty = by - hr * 2.0;
      cv.line(bx, by, tx, ty, w, antler);
      cv.line(bx + side * hr * 0.4, by - hr * 0.8, bx + side * hr * 1.4, by - hr * 1.0, w, antler);
      cv.line(tx, ty, tx - side * hr * 0.4, ty - hr * 0.6, w, antler);
    }
  }
}

function paintFrog(cv: Canvas, p: Pose, skin: Rgb, rng: Rng): void {
  const { cx, cy, s } = p;
  const dark = scale(skin, 0.6);
  const belly = mix(skin, [220, 215, 160], 0.45);
  for (const side of [-1, 1]) {
    cv.fillEllipse(cx + side * s * 0.3, cy + s * 0.1, s * 0.18, s * 0.09, dark, side * 0.5);
    cv.line(cx + side * s * 0.12, cy + s * 0.1, cx + side * s * 0.2, cy + s * 0.24, Math.max(0.6, s * 0.05), dark);
  }
  cv.fillEllipse(cx, cy, s * 0.3, s * 0.19, skin);
  cv.fillEllipse(cx, cy + s * 0.07, s * 0.2, s * 0.1, belly, 0, 0.7);
  const spots = rng.index(5);
  for (let i = 0; i < spots; i++) {
    cv.fillEllipse(cx + between(rng, -0.2, 0.2) * s, cy + between(rng, -0.12, 0.02) * s, s * 0.04, s * 0.03, dark);
  }
  const er = Math.max(0.7, s * 0.075);
  for (const side of [-1, 1]) {
    const ex = cx + side * s * 0.13;
    const ey = cy - s * 0.16;
    cv.fillEllipse(ex, ey, er, er, skin);
    cv.fillEllipse(ex, ey, er * 0.65, er * 0.65, jitter(rng, [200, 160, 40], 30));
    cv.fillEllipse(ex, ey, er * 0.35, er * 0.5, [15, 15, 10]);
  }
  cv.line(cx - s * 0.14, cy - s * 0.02, cx + s * 0.14, cy - s * 0.02, Math.max(0.4, s * 0.02), dark, 0.7);
}

const TRUCK_PAINT: readonly Rgb[] = [
  [235, 235, 230], [200, 40, 35], [40, 70, 160], [230, 190, 40], [130, 130, 135], [40, 110, 60], [120, 80, 50], [30, 30, 35],
];

function paintTruck(cv: Canvas, p: Pose, paint: Rgb, rng: Rng): void {
  const { cx, cy, s, facing } = p;
  const boxW = s * 0.62;
  const boxH = s * between(rng, 0.32, 0.45);
  const cabW = s * 0.26;
  const cabH = boxH * between(rng, 0.65, 0.85);
  const bottom = cy + boxH * 0.5;
  const boxX0 = cx - facing * s * 0.12 - boxW / 2;
  cv.fillRect(cx - s * 0.5, bottom + s * 0.06, cx + s * 0.5, bottom + s * 0.12, [40, 40, 40], 0.4);
  const boxColour = rng.unif() < 0.4 ? jitter(rng, [225, 225, 220], 20) : paint;
  cv.fillRect(boxX0, bottom - boxH, boxX0 + boxW, bottom, boxColour);
  cv.line(boxX0, bottom - boxH * 0.5, boxX0 + boxW, bottom - boxH * 0.5, Math.max(0.3, s * 0.01), scale(boxColour, 0.8), 0.6);
  const cabX0 = facing > 0 ? boxX0 + boxW + s * 0.01 : boxX0 - cabW - s * 0.01;
  cv.fillRect(cabX0, bottom - cabH, cabX0 + cabW, bottom, paint);
  const winX0 = facing > 0 ? cabX0 + cabW * 0.45 : cabX0 + cabW * 0.1;
  cv.fillRect(winX0, bottom - cabH * 0.9, winX0 + cabW * 0.45, bottom - cabH * 0.5, jitter(rng, [150, 190, 215], 25));
  cv.fillRect(boxX0 - s * 0.02, bottom - s * 0.02, cabX0 + cabW + s * 0.02, bottom + s * 0.02, [50, 50, 50]);
  const wr = Math.max(0.9, s * 0.075);
  const wheels = [boxX0 + boxW * 0.2, boxX0 + boxW * 0.75, cabX0 + cabW * 0.5];
  for (const wx of wheels) {
    cv.fillEllipse(wx, bottom + wr * 0.3, wr, wr, [25, 25, 25]);
    cv.fillEllipse(wx, bottom + wr * 0.3, wr * 0.45, wr * 0.45, [150, 150, 150]);
  }
}

/** Things that belong to no class: a bush or a stone (a blob like a crouching frog), a post or a crate (straight edges like a truck). */
function paintClutter(cv: Canvas, rng: Rng, sceneColour: Rgb): void {
  const n = rng.index(3);
  for (let i = 0; i < n; i++) {
    const x = between(rng, 0, SIDE);
    const y = between(rng, 8, SIDE);
    const r = between(rng, 2, 6);
    if (rng.unif() < 0.6) {
      const tone = rng.unif() < 0.5 ? jitter(rng, [110, 100, 80], 30) : jitter(rng, [70, 120, 50], 30);
      cv.fillEllipse(x, y, r * 1.3, r * 0.8, mix(tone, sceneColour, 0.3), between(rng, -0.3, 0.3), between(rng, 0.7, 1));
    } else {
      cv.fillRect(x, y - r, x + r * between(rng, 0.4, 1.5), y, mix(jitter(rng, [150, 130, 110], 50), sceneColour, 0.3), between(rng, 0.7, 1));
    }
  }
}

/** A light 3 × 3 box blur mixed in with weight `amount` (0 = none). */
function soften(cv: Canvas, amount: number): void {
  const d = cv.data;
  const src = Float32Array.from(d);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || yy >= SIDE || xx < 0 || xx >= SIDE) continue;
            sum += src[(yy * SIDE + xx) * 3 + c];
            n++;
          }
        }
        const i = (y * SIDE + x) * 3 + c;
        d[i] = (1 - amount) * src[i] + amount * (sum / n);
      }
    }
  }
}

export interface StandInPicture {
  /** [32][32][3] RGB bytes, row-major. */
  rgb: Uint8Array;
  scene: Scene;
  difficulty: Difficulty;
}

/**
 * Draws one picture of class `cls` with the draws of `rng`; `difficulty` forces a kind (otherwise
 * HARD_SHARE of the pictures are hard, split evenly between the four kinds).
 */
export function drawStandInPicture(cls: StandInClass, rng: Rng, difficulty?: Difficulty): StandInPicture {
  const kind: Difficulty = difficulty ?? (rng.unif() < HARD_SHARE ? HARD_KINDS[rng.index(HARD_KINDS.length)] : "clear");
  const scene = pickWeighted(rng, SCENES, SCENE_ODDS[cls]);
  const cv = new Canvas(SIDE, SIDE, [0, 0, 0], 3);
  const sceneColour = paintScene(cv, scene, rng);
  const facing = rng.unif() < 0.5 ? -1 : 1;
  let s = between(rng, 12, 28);
  let cx = between(rng, 11, 21);
  let cy = between(rng, 13, 20);
  if (kind === "far") s = between(rng, 5, 8);
  if (kind === "crop") {
    s = between(rng, 45, 75);
    cx = SIDE / 2 + between(rng, -0.35, 0.35) * s;
    cy = SIDE / 2 + between(rng, -0.15, 0.25) * s;
  }
  let colour: Rgb;
  if (cls === "deer") colour = jitter(rng, [160, 115, 70], 22);
  else if (cls === "frog") colour = rng.unif() < 0.45 ? jitter(rng, [140, 110, 65], 22) : jitter(rng, [85, 145, 60], 25);
  else colour = jitter(rng, TRUCK_PAINT[rng.index(TRUCK_PAINT.length)], 20);
  if (kind === "camo") colour = mix(colour, sceneColour, between(rng, 0.7, 0.9));
  if (kind === "far") colour = mix(colour, sceneColour, between(rng, 0.45, 0.7));
  paintClutter(cv, rng, sceneColour);
  const pose: Pose = { cx, cy, s, facing };
  if (cls === "deer") paintDeer(cv, pose, colour, rng, pickWeighted(rng, DEER_POSES, kind === "far" ? [0.6, 0.4, 0] : [0.55, 0.3, 0.15]));
  else if (cls === "frog") paintFrog(cv, pose, colour, rng);
  else paintTruck(cv, pose, colour, rng);
  const light = between(rng, 0.75, 1.2);
  cv.tint(jitter(rng, [light, light, light], 0.08));
  if (kind === "dark") {
    cv.tint([0.22, 0.22, 0.26]);
    cv.addNoise(rng, 40);
  }
  soften(cv, between(rng, 0, 0.8));
  cv.addNoise(rng, between(rng, 4, 14));
  return { rgb: cv.toRgbBytes(), scene, difficulty: kind };
}
