/**
 * Drawing in a character's own coordinates. A character is designed once, in units of its head
 * height with the head centre at (0, 0) and y pointing down; a `Pen` places it in the frame:
 * moved to (x, y), scaled to `scale` pixels per unit, turned by `angle`, mirrored when `flip`.
 */
import { Canvas, Rgb } from "../raster";

export interface Placement {
  /** Frame position of the head centre, in pixels. */
  x: number;
  y: number;
  /** Pixels per unit (one head height). */
  scale: number;
  /** Turn in radians (a tilted pose). */
  angle: number;
  /** Mirror left-right (facing the other way). */
  flip: boolean;
}

export class Pen {
  private readonly c: number;
  private readonly s: number;
  private readonly f: number;

  constructor(readonly canvas: Canvas, readonly at: Placement) {
    this.c = Math.cos(at.angle);
    this.s = Math.sin(at.angle);
    this.f = at.flip ? -1 : 1;
  }

  /** Local (u, v) to frame pixels. */
  map(u: number, v: number): [number, number] {
    const { x, y, scale } = this.at;
    const fu = u * this.f;
    return [x + scale * (this.c * fu - this.s * v), y + scale * (this.s * fu + this.c * v)];
  }

  ellipse(u: number, v: number, ru: number, rv: number, color: Rgb, angle = 0): void {
    const [x, y] = this.map(u, v);
    const k = this.at.scale;
    this.canvas.fillEllipse(x, y, ru * k, rv * k, color, this.at.angle + angle * this.f);
  }

  /** A polygon given as flat local coordinates [u0, v0, u1, v1, ...]. */
  poly(uv: readonly number[], color: Rgb): void {
    const pts: [number, number][] = [];
    for (let i = 0; i + 1 < uv.length; i += 2) pts.push(this.map(uv[i], uv[i + 1]));
    this.canvas.fillPolygon(pts, color);
  }

  rect(u0: number, v0: number, u1: number, v1: number, color: Rgb): void {
    this.poly([u0, v0, u1, v0, u1, v1, u0, v1], color);
  }

  /** A limb or stroke from (u0, v0) to (u1, v1), `width` units thick, round ends. */
  line(u0: number, v0: number, u1: number, v1: number, width: number, color: Rgb): void {
    const [x0, y0] = this.map(u0, v0);
    const [x1, y1] = this.map(u1, v1);
    this.canvas.line(x0, y0, x1, y1, Math.max(0.6, width * this.at.scale), color);
  }
}
