/**
 * A tiny RGB raster for drawing cartoon frames: filled rectangles, ellipses (rotated), polygons,
 * thick lines, gradients and noise. Every shape is painted through one routine that tests
 * `samples × samples` points per pixel, so edges are anti-aliased by coverage.
 */
import { Rng } from "../random/rng";

/** A colour as [red, green, blue], each 0..255. */
export type Rgb = readonly [number, number, number];

/** Points of a polygon as [x, y] pairs. */
export type Points = ReadonlyArray<readonly [number, number]>;

/**
 * A box of whole pixels: columns x0..x1-1 and rows y0..y1-1 (x1 and y1 are exclusive), in the
 * frame's pixel coordinates with (0, 0) at the top left.
 */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export class Canvas {
  /** `height × width × 3` colour values 0..255, row-major. */
  readonly data: Float32Array;
  /** While `track` runs: the box of the pixels painted so far (null until the first one). */
  private painted: PixelBox | null = null;
  private tracking = false;

  /**
   * @param samples points tested per pixel along each axis (2 → 4 points): 1 gives hard edges.
   */
  constructor(readonly width: number, readonly height: number, background: Rgb = [0, 0, 0], readonly samples = 2) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new Error(`Canvas: size must be positive whole numbers, got ${width}×${height}`);
    }
    if (!Number.isInteger(samples) || samples < 1 || samples > 8) {
      throw new Error(`Canvas: samples must be a whole number in 1..8, got ${samples}`);
    }
    this.data = new Float32Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /**
   * Runs `draw` and returns the box of every pixel it painted (any coverage at all), or null when
   * it painted nothing inside the frame. Only watches: the pixels are exactly what `draw` alone
   * would give. Calls do not nest.
   */
  track(draw: () => void): PixelBox | null {
    if (this.tracking) throw new Error("Canvas.track: already tracking (calls do not nest)");
    this.tracking = true;
    this.painted = null;
    try {
      draw();
      return this.painted;
    } finally {
      this.tracking = false;
      this.painted = null;
    }
  }

  private notePainted(x: number, y: number): void {
    const b = this.painted;
    if (b === null) this.painted = { x0: x, y0: y, x1: x + 1, y1: y + 1 };
    else {
      if (x < b.x0) b.x0 = x;
      if (x + 1 > b.x1) b.x1 = x + 1;
      if (y < b.y0) b.y0 = y;
      if (y + 1 > b.y1) b.y1 = y + 1;
    }
  }

  /** Mixes `color` into pixel (x, y) with weight `alpha` (0..1). */
  blend(x: number, y: number, color: Rgb, alpha: number): void {
    const i = (y * this.width + x) * 3;
    const d = this.data;
    d[i] += (color[0] - d[i]) * alpha;
    d[i + 1] += (color[1] - d[i + 1]) * alpha;
    d[i + 2] += (color[2] - d[i + 2]) * alpha;
  }

  /**
   * Paints the points of the box [x0, x1) × [y0, y1) for which `inside(x, y)` holds, weighting
   * each pixel by the share of its sample points inside. Coordinates are continuous: pixel (i, j)
   * covers [i, i+1) × [j, j+1).
   */
  fillShape(x0: number, y0: number, x1: number, y1: number, inside: (x: number, y: number) => boolean, color: Rgb, alpha = 1): void {
    const ix0 = Math.max(0, Math.floor(x0));
    const iy0 = Math.max(0, Math.floor(y0));
    const ix1 = Math.min(this.width, Math.ceil(x1));
    const iy1 = Math.min(this.height, Math.ceil(y1));
    const s = this.samples;
    const step = 1 / s;
    const total = s * s;
    for (let y = iy0; y < iy1; y++) {
      for (let x = ix0; x < ix1; x++) {
        let hits = 0;
        for (let sy = 0; sy < s; sy++) {
          const py = y + (sy + 0.5) * step;
          for (let sx = 0; sx < s; sx++) if (inside(x + (sx + 0.5) * step, py)) hits++;
        }
        if (hits > 0) {
          this.blend(x, y, color, (alpha * hits) / total);
          if (this.tracking) this.notePainted(x, y);
        }
      }
    }
  }

  fillRect(x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha = 1): void {
    const [ax, bx] = x0 <= x1 ? [x0, x1] : [x1, x0];
    const [ay, by] = y0 <= y1 ? [y0, y1] : [y1, y0];
    this.fillShape(ax, ay, bx, by, (x, y) => x >= ax && x < bx && y >= ay && y < by, color, alpha);
  }

  /** An ellipse centred at (cx, cy) with radii rx, ry, turned by `angle` radians. */
  fillEllipse(cx: number, cy: number, rx: number, ry: number, color: Rgb, angle = 0, alpha = 1): void {
    if (rx <= 0 || ry <= 0) return;
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const r = Math.max(rx, ry);
    this.fillShape(cx - r, cy - r, cx + r, cy + r, (x, y) => {
      const dx = x - cx;
      const dy = y - cy;
      const u = (dx * c + dy * s) / rx;
      const v = (dy * c - dx * s) / ry;
      return u * u + v * v <= 1;
    }, color, alpha);
  }

  /** A polygon (even-odd rule, so it may be concave). */
  fillPolygon(points: Points, color: Rgb, alpha = 1): void {
    if (points.length < 3) return;
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const n = points.length;
    this.fillShape(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), (x, y) => {
      let inside = false;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const yi = ys[i];
        const yj = ys[j];
        if (yi > y !== yj > y && x < ((xs[j] - xs[i]) * (y - yi)) / (yj - yi) + xs[i]) inside = !inside;
      }
      return inside;
    }, color, alpha);
  }

  /** A straight stroke of the given width with round ends. */
  line(x0: number, y0: number, x1: number, y1: number, width: number, color: Rgb, alpha = 1): void {
    const len = Math.hypot(x1 - x0, y1 - y0);
    const h = width / 2;
    if (len > 1e-9) {
      const nx = (-(y1 - y0) / len) * h;
      const ny = ((x1 - x0) / len) * h;
      this.fillPolygon([[x0 + nx, y0 + ny], [x1 + nx, y1 + ny], [x1 - nx, y1 - ny], [x0 - nx, y0 - ny]], color, alpha);
    }
    this.fillEllipse(x0, y0, h, h, color, 0, alpha);
    this.fillEllipse(x1, y1, h, h, color, 0, alpha);
  }

  /** Fills rows y0..y1 with a vertical blend from `top` to `bottom` (no anti-aliasing needed). */
  verticalGradient(y0: number, y1: number, top: Rgb, bottom: Rgb): void {
    const a = Math.max(0, Math.floor(y0));
    const b = Math.min(this.height, Math.ceil(y1));
    for (let y = a; y < b; y++) {
      const t = b - a > 1 ? (y - a) / (b - a - 1) : 0;
      const c: Rgb = [top[0] + (bottom[0] - top[0]) * t, top[1] + (bottom[1] - top[1]) * t, top[2] + (bottom[2] - top[2]) * t];
      for (let x = 0; x < this.width; x++) this.blend(x, y, c, 1);
    }
  }

  /** Adds independent uniform noise in [-amount, amount] to every value. */
  addNoise(rng: Rng, amount: number): void {
    const d = this.data;
    for (let i = 0; i < d.length; i++) d[i] += (rng.unif() * 2 - 1) * amount;
  }

  /** Multiplies each channel (a colour cast: lighting, dusk, a tinted room). */
  tint(factors: Rgb): void {
    const d = this.data;
    for (let i = 0; i < d.length; i += 3) {
      d[i] *= factors[0];
      d[i + 1] *= factors[1];
      d[i + 2] *= factors[2];
    }
  }

  /** The pixels as RGB bytes (rounded and clamped to 0..255). */
  toRgbBytes(): Uint8Array {
    const out = new Uint8Array(this.data.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(this.data[i])));
    return out;
  }
}
