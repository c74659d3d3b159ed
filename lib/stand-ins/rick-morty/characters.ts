/**
 * The cast of the generated frames, each drawn in its own units (see `Pen`): Rick (spiky
 * grey-blue hair, long face, white lab coat over a light-blue shirt), Morty (round head, brown
 * hair, yellow shirt), and the others that fill "not Rick" frames: a red-haired girl, a blonde
 * woman, a man in a polo shirt and aliens of any colour. Clothes of the others are sometimes
 * white, light blue or yellow on purpose, so no single colour gives Rick or Morty away.
 */
import { Rng } from "../../random/rng";
import { Rgb } from "../raster";
import { Pen } from "./pen";

export type CharacterKind = "rick" | "morty" | "girl" | "woman" | "polo" | "alien";

/** Where the limbs are and what the face does. Angles in radians, 0 = arm hanging down. */
export interface Pose {
  armFront: number;
  armBack: number;
  legSpread: number;
  mouthOpen: boolean;
  /** Pupils' sideways shift, -1..1. */
  look: number;
}

/** How far each character reaches below its head centre, in head units (for placing feet). */
export const FEET: Record<CharacterKind, number> = { rick: 3.75, morty: 2.7, girl: 3.3, woman: 3.6, polo: 3.7, alien: 2.6 };
/** How far the hair or antennae reach above the head centre, in head units. */
export const TOP: Record<CharacterKind, number> = { rick: 0.95, morty: 0.55, girl: 0.6, woman: 0.65, polo: 0.6, alien: 1.1 };

const OUTLINE: Rgb = [40, 38, 45];
const WHITE: Rgb = [245, 245, 242];
const LIGHT_BLUE: Rgb = [150, 205, 232];
const YELLOW: Rgb = [246, 222, 70];
const SKIN: Rgb = [240, 214, 186];

/** A colour with every channel nudged by up to ±`amount` (lighting, drawing style). */
export function jitter(rng: Rng, c: Rgb, amount = 14): Rgb {
  const n = (v: number): number => Math.min(255, Math.max(0, v + (rng.unif() * 2 - 1) * amount));
  return [n(c[0]), n(c[1]), n(c[2])];
}

/** A random saturated colour (hue anywhere), for aliens and props. */
export function randomHue(rng: Rng, saturation = 0.6, value = 0.8): Rgb {
  const h = rng.unif() * 6;
  const i = Math.floor(h);
  const f = h - i;
  const v = 255 * value;
  const p = v * (1 - saturation);
  const q = v * (1 - saturation * f);
  const t = v * (1 - saturation * (1 - f));
  const table: Rgb[] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]];
  return table[i % 6];
}

function pickColor(rng: Rng, options: readonly Rgb[]): Rgb {
  return jitter(rng, options[rng.index(options.length)]);
}

export function randomPose(rng: Rng): Pose {
  const arm = (): number => (rng.unif() < 0.6 ? (rng.unif() - 0.5) * 0.5 : (rng.unif() - 0.2) * 2.6);
  return {
    armFront: arm(),
    armBack: arm(),
    legSpread: 0.05 + rng.unif() * 0.3,
    mouthOpen: rng.unif() < 0.4,
    look: rng.unif() * 2 - 1,
  };
}

interface BodyStyle {
  shoulderV: number;
  hipV: number;
  footV: number;
  halfWidth: number;
  shirt: Rgb;
  sleeve: Rgb;
  legs: Rgb;
  shoes: Rgb;
  skin: Rgb;
}

/** Arms, torso, legs: the part every human-shaped character shares. */
function drawBody(pen: Pen, b: BodyStyle, pose: Pose): void {
  const armLen = (b.hipV - b.shoulderV) * 0.95;
  const legW = b.halfWidth * 0.55;
  for (const side of [-1, 1]) {
    const hipU = side * b.halfWidth * 0.45;
    const footU = hipU + side * pose.legSpread;
    pen.line(hipU, b.hipV, footU, b.footV - 0.1, legW, b.legs);
    pen.ellipse(footU + side * 0.08, b.footV - 0.05, 0.2, 0.09, b.shoes);
  }
  // The back arm is drawn before the torso, the front arm after it.
  const arm = (side: number, angle: number): void => {
    const su = side * b.halfWidth * 0.92;
    const eu = su + side * Math.sin(angle) * armLen; // positive angles swing the arm outwards
    const ev = b.shoulderV + 0.1 + Math.cos(angle) * armLen;
    pen.line(su, b.shoulderV + 0.12, eu, ev, b.halfWidth * 0.36, b.sleeve);
    pen.ellipse(eu, ev, 0.12, 0.12, b.skin);
  };
  arm(1, pose.armBack);
  pen.poly([-b.halfWidth, b.shoulderV, b.halfWidth, b.shoulderV, b.halfWidth * 0.85, b.hipV + 0.05, -b.halfWidth * 0.85, b.hipV + 0.05], b.shirt);
  pen.rect(-0.12, 0.35, 0.12, b.shoulderV + 0.05, b.skin);
  arm(-1, pose.armFront);
}

function eyes(pen: Pen, pose: Pose, us: readonly number[], v: number, r: number, pupil = 0.045): void {
  for (const u of us) {
    pen.ellipse(u, v, r, r * 1.1, OUTLINE);
    pen.ellipse(u, v, r * 0.85, r * 0.95, WHITE);
    pen.ellipse(u + pose.look * r * 0.4, v, pupil, pupil, [15, 15, 20]);
  }
}

function mouth(pen: Pen, pose: Pose, u: number, v: number, w: number): void {
  if (pose.mouthOpen) pen.ellipse(u, v, w * 0.6, w * 0.35, [90, 30, 40]);
  else pen.line(u - w / 2, v, u + w / 2, v + 0.02, 0.04, OUTLINE);
}

function drawRick(pen: Pen, rng: Rng, pose: Pose): void {
  const hair = jitter(rng, [168, 204, 222], 10);
  const coat = jitter(rng, WHITE, 6);
  drawBody(pen, {
    shoulderV: 0.62, hipV: 2.15, footV: 3.75, halfWidth: 0.5,
    shirt: jitter(rng, LIGHT_BLUE, 8), sleeve: coat, legs: jitter(rng, [128, 96, 66]), shoes: [40, 36, 34], skin: SKIN,
  }, pose);
  // The lab coat: two long panels over the shirt, leaving a light-blue V at the front.
  pen.poly([-0.54, 0.6, -0.1, 0.6, -0.04, 1.35, -0.08, 2.6, -0.6, 2.6], coat);
  pen.poly([0.54, 0.6, 0.1, 0.6, 0.04, 1.35, 0.08, 2.6, 0.6, 2.6], coat);
  // Spiky hair behind the head, sweeping up and back (+u is the back of the head).
  const pts: number[] = [];
  const spikes = 7 + rng.index(3);
  for (let k = 0; k <= 2 * spikes; k++) {
    const a = Math.PI * (1.05 + (1.1 * k) / (2 * spikes));
    const r = k % 2 === 1 ? 0.82 + rng.unif() * 0.18 : 0.48;
    pts.push(0.1 + Math.cos(a) * r * 1.05, -0.12 + Math.sin(a) * r);
  }
  pts.push(0.45, 0.3, 0.1, 0.2);
  pen.poly(pts, hair);
  // Long face with an outline, a zig-zag unibrow, big eyes.
  pen.ellipse(-0.04, 0.05, 0.4, 0.6, OUTLINE);
  pen.ellipse(-0.04, 0.05, 0.36, 0.56, jitter(rng, SKIN, 6));
  eyes(pen, pose, [-0.22, 0.04], -0.05, 0.12);
  pen.poly([-0.38, -0.22, -0.22, -0.3, -0.1, -0.2, 0.02, -0.3, 0.18, -0.22, 0.18, -0.16, 0.02, -0.23, -0.1, -0.14, -0.22, -0.24, -0.38, -0.16], hair);
  pen.line(-0.12, 0.08, -0.2, 0.2, 0.05, OUTLINE);
  mouth(pen, pose, -0.1, 0.36, 0.26);
}

function drawMorty(pen: Pen, rng: Rng, pose: Pose): void {
  drawBody(pen, {
    shoulderV: 0.58, hipV: 1.65, footV: 2.7, halfWidth: 0.42,
    shirt: jitter(rng, YELLOW, 10), sleeve: jitter(rng, YELLOW, 10), legs: jitter(rng, [66, 98, 168]), shoes: WHITE, skin: SKIN,
  }, pose);
  const hair = jitter(rng, [118, 74, 38], 10);
  pen.ellipse(0, 0, 0.55, 0.53, OUTLINE);
  pen.ellipse(0.02, -0.04, 0.52, 0.5, hair);
  pen.ellipse(-0.02, 0.08, 0.48, 0.42, jitter(rng, SKIN, 6));
  eyes(pen, pose, [-0.18, 0.1], 0.02, 0.12, 0.03);
  mouth(pen, pose, -0.06, 0.3, 0.2);
}

function drawGirl(pen: Pen, rng: Rng, pose: Pose): void {
  const hair = jitter(rng, [214, 88, 44], 14);
  pen.ellipse(0.08, 0.35, 0.55, 0.85, hair); // long hair behind
  drawBody(pen, {
    shoulderV: 0.6, hipV: 1.9, footV: 3.3, halfWidth: 0.4,
    shirt: pickColor(rng, [[236, 120, 160], WHITE, [220, 90, 120], LIGHT_BLUE, LIGHT_BLUE]),
    sleeve: pickColor(rng, [[236, 120, 160], SKIN]), legs: pickColor(rng, [[60, 70, 120], [210, 200, 170]]), shoes: WHITE, skin: SKIN,
  }, pose);
  pen.ellipse(-0.03, 0.05, 0.39, 0.5, OUTLINE);
  pen.ellipse(-0.03, 0.05, 0.35, 0.46, jitter(rng, SKIN, 6));
  pen.ellipse(0.05, -0.3, 0.44, 0.2, hair, -0.15); // fringe
  pen.line(-0.35, -0.3, 0.4, -0.38, 0.06, WHITE); // hair band
  eyes(pen, pose, [-0.18, 0.06], 0.0, 0.09);
  mouth(pen, pose, -0.06, 0.3, 0.16);
}

function drawWoman(pen: Pen, rng: Rng, pose: Pose): void {
  const hair = jitter(rng, [240, 214, 130], 12);
  pen.ellipse(0.1, 0.05, 0.55, 0.62, hair); // bob behind the face
  drawBody(pen, {
    shoulderV: 0.62, hipV: 2.0, footV: 3.6, halfWidth: 0.44,
    shirt: pickColor(rng, [[190, 52, 62], WHITE, LIGHT_BLUE, [120, 60, 140], YELLOW, LIGHT_BLUE]),
    sleeve: SKIN, legs: pickColor(rng, [[70, 70, 90], [230, 225, 210], [60, 90, 150], [128, 96, 66]]), shoes: [120, 40, 40], skin: SKIN,
  }, pose);
  pen.ellipse(-0.05, 0.06, 0.37, 0.5, OUTLINE);
  pen.ellipse(-0.05, 0.06, 0.33, 0.46, jitter(rng, SKIN, 6));
  pen.ellipse(0.06, -0.3, 0.48, 0.22, hair, 0.1);
  eyes(pen, pose, [-0.2, 0.04], 0.0, 0.09);
  mouth(pen, pose, -0.08, 0.3, 0.16);
}

function drawPoloMan(pen: Pen, rng: Rng, pose: Pose): void {
  const polo = pickColor(rng, [[128, 170, 92], LIGHT_BLUE, LIGHT_BLUE, WHITE, [150, 150, 150], [200, 120, 60], YELLOW]);
  drawBody(pen, {
    shoulderV: 0.62, hipV: 2.1, footV: 3.7, halfWidth: 0.5,
    shirt: polo, sleeve: polo, legs: pickColor(rng, [[200, 180, 130], [70, 80, 110], [128, 96, 66]]), shoes: [70, 50, 40], skin: SKIN,
  }, pose);
  if (rng.unif() < 0.25) {
    // Sometimes an open white jacket over the shirt: Rick's colours, not Rick's head.
    const coat = jitter(rng, WHITE, 6);
    pen.poly([-0.54, 0.6, -0.16, 0.6, -0.1, 2.2, -0.58, 2.2], coat);
    pen.poly([0.54, 0.6, 0.16, 0.6, 0.1, 2.2, 0.58, 2.2], coat);
  }
  pen.poly([-0.25, 0.6, 0, 0.85, 0.25, 0.6, 0.1, 0.55, 0, 0.7, -0.1, 0.55], jitter(rng, polo, 30)); // collar
  pen.ellipse(-0.03, 0.05, 0.41, 0.55, OUTLINE);
  pen.ellipse(-0.03, 0.05, 0.37, 0.51, jitter(rng, SKIN, 6));
  pen.ellipse(0.04, -0.34, 0.4, 0.2, jitter(rng, [110, 80, 50], 14), 0.1);
  eyes(pen, pose, [-0.2, 0.05], -0.02, 0.09);
  mouth(pen, pose, -0.08, 0.3, 0.2);
}

function drawAlien(pen: Pen, rng: Rng, pose: Pose): void {
  // Any colour, Rick's grey-blue and Morty's yellow included.
  const skin = rng.unif() < 0.35 ? pickColor(rng, [[168, 204, 222], YELLOW, WHITE, [118, 74, 38]]) : randomHue(rng, 0.3 + rng.unif() * 0.6, 0.5 + rng.unif() * 0.5);
  const dark: Rgb = [skin[0] * 0.6, skin[1] * 0.6, skin[2] * 0.6];
  const legs = 2 + rng.index(4);
  for (let k = 0; k < legs; k++) {
    const u = -0.5 + (k + 0.5) / legs;
    pen.line(u * 0.8, 1.4, u * 1.3 + (rng.unif() - 0.5) * 0.3, 2.55, 0.16, dark);
  }
  pen.ellipse(0, 1.2, 0.55 + rng.unif() * 0.25, 0.75, skin); // body
  pen.line(-0.5, 0.9, -0.9, 0.9 + Math.cos(pose.armFront) * 0.6, 0.14, skin);
  pen.line(0.5, 0.9, 0.9, 0.9 + Math.cos(pose.armBack) * 0.6, 0.14, skin);
  const antennae = rng.index(3);
  for (let k = 0; k < antennae; k++) {
    const u = (k - (antennae - 1) / 2) * 0.4;
    pen.line(u, -0.3, u * 1.6, -1.0, 0.05, dark);
    pen.ellipse(u * 1.6, -1.0, 0.1, 0.1, randomHue(rng));
  }
  pen.ellipse(0, 0, 0.5 + rng.unif() * 0.2, 0.5, OUTLINE);
  pen.ellipse(0, 0, 0.46 + rng.unif() * 0.15, 0.46, skin);
  const n = 1 + rng.index(3);
  eyes(pen, pose, Array.from({ length: n }, (_, k) => (k - (n - 1) / 2) * 0.28), -0.05, 0.11);
  mouth(pen, pose, 0, 0.25, 0.3);
}

const DRAW: Record<CharacterKind, (pen: Pen, rng: Rng, pose: Pose) => void> = {
  rick: drawRick,
  morty: drawMorty,
  girl: drawGirl,
  woman: drawWoman,
  polo: drawPoloMan,
  alien: drawAlien,
};

/** Draws one character with the pen's placement. */
export function drawCharacter(kind: CharacterKind, pen: Pen, rng: Rng, pose: Pose): void {
  DRAW[kind](pen, rng, pose);
}
