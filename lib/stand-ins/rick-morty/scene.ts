/**
 * One generated frame: a background, some other characters, and Rick and/or Morty when the frame
 * is meant to show them. Sizes run from a small full figure in a corner to a head filling half the
 * frame; positions, tilt, facing and pose vary; a colour cast and noise imitate lighting and
 * compression. Rick and Morty are drawn after the others so they are never hidden.
 */
import { Rng } from "../../random/rng";
import { Canvas, PixelBox } from "../raster";
import { Pen } from "./pen";
import { BACKGROUNDS, drawBackground } from "./backgrounds";
import { CharacterKind, FEET, TOP, drawCharacter, randomPose } from "./characters";

/** One character as drawn in a frame: who, and the box of the pixels it was painted on. */
export interface DrawnCharacter {
  kind: CharacterKind;
  /**
   * The box of every pixel the character touched, clipped to the frame. Parts of it may be covered
   * by a character drawn later (Rick and Morty are drawn last, the smaller of the two first).
   */
  box: PixelBox;
}

/** Who must be in the frame. Frames without Rick or Morty may still hold other characters. */
export interface FrameContent {
  rick: boolean;
  morty: boolean;
}

const OTHERS: readonly CharacterKind[] = ["girl", "woman", "polo", "alien", "alien"];

/** Pixels per head unit: log-uniform from a ~6 px head (full figure) to a head half the frame high. */
function drawScale(rng: Rng, height: number): number {
  const min = height / 15;
  const max = height / 1.9;
  return min * Math.exp(rng.unif() * Math.log(max / min));
}

interface Placed {
  kind: CharacterKind;
  x: number;
  y: number;
  scale: number;
}

/** A head position: feet on the "floor" when the whole figure fits, else the head in view. */
function place(rng: Rng, kind: CharacterKind, width: number, height: number, xRange: [number, number]): Placed {
  const scale = drawScale(rng, height);
  const x = width * (xRange[0] + rng.unif() * (xRange[1] - xRange[0]));
  const fullHeight = (FEET[kind] + TOP[kind]) * scale;
  let y: number;
  if (fullHeight < height * 0.95) {
    const lowest = height - FEET[kind] * scale;
    const highest = Math.min(lowest, TOP[kind] * scale + height * 0.2);
    y = highest + (lowest - highest) * Math.sqrt(rng.unif()); // mostly near the bottom
  } else {
    y = height * (0.3 + 0.35 * rng.unif());
  }
  return { kind, x, y, scale };
}

/** Draws one placed character and appends where it went to `cast` (when it landed in the frame). */
function draw(cv: Canvas, rng: Rng, p: Placed, cast: DrawnCharacter[]): void {
  const angle = Math.max(-0.35, Math.min(0.35, rng.normal() * 0.12));
  const pen = new Pen(cv, { x: p.x, y: p.y, scale: p.scale, angle, flip: rng.unif() < 0.5 });
  const box = cv.track(() => drawCharacter(p.kind, pen, rng, randomPose(rng)));
  if (box !== null) cast.push({ kind: p.kind, box });
}

/** How many others share the frame: often one or two, sometimes none, sometimes three. */
function othersCount(rng: Rng, content: FrameContent): number {
  const u = rng.unif();
  const n = u < 0.22 ? 0 : u < 0.58 ? 1 : u < 0.86 ? 2 : 3;
  // Frames without Rick or Morty: mostly at least one other character, rarely an empty scene.
  if (!content.rick && !content.morty && n === 0 && rng.unif() < 0.7) return 1;
  return n;
}

/** Draws one frame of the given size (the course's frames are 160 wide, 90 high). */
export function drawFrame(rng: Rng, content: FrameContent, width = 160, height = 90): Canvas {
  return drawFrameWithCast(rng, content, width, height).canvas;
}

/**
 * `drawFrame`, also returning who was drawn where, in drawing order. The pixels are the same as
 * `drawFrame`'s for the same generator state: recording the boxes draws no random numbers.
 */
export function drawFrameWithCast(rng: Rng, content: FrameContent, width = 160, height = 90): { canvas: Canvas; cast: DrawnCharacter[] } {
  const cv = new Canvas(width, height);
  const cast: DrawnCharacter[] = [];
  drawBackground(BACKGROUNDS[rng.index(BACKGROUNDS.length)], cv, rng);

  const others = Array.from({ length: othersCount(rng, content) }, () =>
    place(rng, OTHERS[rng.index(OTHERS.length)], width, height, [0.02, 0.98]));
  others.sort((a, b) => a.scale - b.scale); // far (small) ones first
  for (const p of others) draw(cv, rng, p, cast);

  const main: CharacterKind[] = [];
  if (content.rick) main.push("rick");
  if (content.morty) main.push("morty");
  if (rng.unif() < 0.5) main.reverse();
  // With two main characters, each gets its own side of the frame.
  const ranges: [number, number][] = main.length === 2 ? [[0.08, 0.5], [0.5, 0.92]] : [[0.08, 0.92]];
  const placed = main.map((kind, i) => place(rng, kind, width, height, ranges[i]));
  placed.sort((a, b) => a.scale - b.scale);
  for (const p of placed) draw(cv, rng, p, cast);

  // Lighting: a mild colour cast, sometimes a darker scene; then a little grain.
  const light = rng.unif() < 0.15 ? 0.6 + 0.2 * rng.unif() : 0.9 + 0.2 * rng.unif();
  cv.tint([light * (0.92 + 0.16 * rng.unif()), light * (0.92 + 0.16 * rng.unif()), light * (0.92 + 0.16 * rng.unif())]);
  cv.addNoise(rng, 4);
  return { canvas: cv, cast };
}
