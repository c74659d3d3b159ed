/**
 * A heatmap laid over a picture (a Grad-CAM map over the frame it explains): the map is resized to
 * the picture with bilinear interpolation, coloured with a colour map (viridis by default), and
 * alpha-blended over the picture with an opacity that rises with the value, so low values leave the
 * picture visible and high values cover it with the map's brightest colours.
 *
 * Per pixel, with v the resized map value in [0, 1], c its colour (0..1 per channel), p the picture
 * and `opacity` the largest alpha:  alpha = opacity · v,  out = (1 − alpha) · p + alpha · c.
 */
import { applyColorMap, checkColorMap, type ColorMapName } from "./colormap";
import { toPixelArray, type ImageInput, type PixelArray } from "./image";

export interface HeatmapOverlayOptions {
  /** Alpha where the map is 1 (default 0.6); 0 leaves the picture unchanged. */
  opacity?: number;
  /** Colour map for the heatmap (default "viridis"). */
  colorMap?: ColorMapName;
  /** The picture's value range: "unit" = [0, 1] (default), "byte" = 0..255. */
  range?: "unit" | "byte";
}

/**
 * Resampling of a 2-D map to `height × width`. "bilinear" (default) samples at pixel centres (like
 * `tf.image.resizeBilinear` with half-pixel centres): the map's cells are stretched smoothly over
 * the picture, edge cells held constant over the outer half-cell. "nearest" repeats each cell as a
 * block, to show the map's own resolution.
 */
export function resizeHeatmap(map: readonly (readonly number[])[], height: number, width: number,
  method: "bilinear" | "nearest" = "bilinear"): number[][] {
  const h0 = map.length;
  const w0 = h0 > 0 ? map[0].length : 0;
  if (h0 === 0 || w0 === 0) throw new Error("resizeHeatmap: the map is empty");
  if (map.some((r) => r.length !== w0)) throw new Error("resizeHeatmap: the map's rows differ in length");
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new Error(`resizeHeatmap: the size must be positive whole numbers, got ${height}×${width} (height×width)`);
  }
  const sy = h0 / height;
  const sx = w0 / width;
  if (method === "nearest") {
    const cols = Array.from({ length: width }, (_, x) => Math.min(w0 - 1, Math.floor((x + 0.5) * sx)));
    return Array.from({ length: height }, (_, y) => {
      const src = map[Math.min(h0 - 1, Math.floor((y + 0.5) * sy))];
      return cols.map((c) => src[c]);
    });
  }
  if (method !== "bilinear") throw new Error(`resizeHeatmap: method must be "bilinear" or "nearest", got ${String(method)}`);
  const xs = Array.from({ length: width }, (_, x) => {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w0 - 1);
    const x0 = Math.floor(fx);
    return { x0, x1: Math.min(x0 + 1, w0 - 1), t: fx - x0 };
  });
  return Array.from({ length: height }, (_, y) => {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h0 - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h0 - 1);
    const ty = fy - y0;
    return xs.map(({ x0, x1, t }) => {
      const top = map[y0][x0] + (map[y0][x1] - map[y0][x0]) * t;
      const bottom = map[y1][x0] + (map[y1][x1] - map[y1][x0]) * t;
      return top + (bottom - top) * ty;
    });
  });
}

/** Where `map` is largest once resized to `height × width` (what a viewer of the overlay sees as its peak). */
export function heatmapPeakAt(map: readonly (readonly number[])[], height: number, width: number): { x: number; y: number } {
  const big = resizeHeatmap(map, height, width);
  let best = -Infinity;
  let at = { x: 0, y: 0 };
  big.forEach((row, y) => row.forEach((v, x) => {
    if (v > best) {
      best = v;
      at = { x, y };
    }
  }));
  return at;
}

/**
 * The picture with the heatmap blended over it, as RGB values in [0, 1] (a `PixelArray` that
 * `showImage` / `showImages` accept). The picture may be [h, w, 3] or [h, w, 1] (grey), a tensor
 * (a batch of one is fine) or arrays; the map is any [rows][cols] array with values in [0, 1].
 */
export function heatmapOverlay(picture: ImageInput, heatmap: readonly (readonly number[])[], options: HeatmapOverlayOptions = {}): PixelArray {
  const opacity = options.opacity ?? 0.6;
  if (!(opacity >= 0 && opacity <= 1)) throw new Error(`heatmapOverlay: opacity must be in [0, 1], got ${opacity}`);
  const colorMap = checkColorMap(options.colorMap ?? "viridis");
  const range = options.range ?? "unit";
  if (range !== "unit" && range !== "byte") throw new Error(`heatmapOverlay: range must be "unit" or "byte", got ${String(range)}`);
  heatmap.forEach((row, r) => row.forEach((v, c) => {
    if (!(v >= -1e-6 && v <= 1 + 1e-6)) {
      throw new Error(`heatmapOverlay: heatmap value ${v} at [${r}][${c}] is outside [0, 1]; normalise the map first`);
    }
  }));
  const pic = toPixelArray(picture);
  if (pic.channels !== 1 && pic.channels !== 3) {
    throw new Error(`heatmapOverlay: the picture needs 1 (grey) or 3 (RGB) channels, it has ${pic.channels}`);
  }
  const { height, width } = pic;
  const big = resizeHeatmap(heatmap, height, width);
  const unit = range === "byte" ? 1 / 255 : 1;
  const out = new Float32Array(height * width * 3);
  const colour = new Uint8Array(3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.min(1, Math.max(0, big[y][x]));
      applyColorMap(colorMap, v, colour, 0);
      const alpha = opacity * v;
      const i = y * width + x;
      for (let c = 0; c < 3; c++) {
        const p = pic.data[i * pic.channels + (pic.channels === 1 ? 0 : c)] * unit;
        out[i * 3 + c] = (1 - alpha) * p + alpha * (colour[c] / 255);
      }
    }
  }
  return { data: out, height, width, channels: 3 };
}

/** A box of whole pixels: columns x0..x1-1, rows y0..y1-1 (the generator's `PixelBox`). */
export interface BoxOutline {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function checkRgbPicture(fn: string, image: PixelArray): void {
  if (image.channels !== 3) throw new Error(`${fn}: expected an RGB picture (3 channels), got ${image.channels}`);
}

/** A copy of an RGB picture (values in [0, 1]) with a one-pixel outline drawn along the box's edge pixels. */
export function outlineBox(image: PixelArray, box: BoxOutline, colour: readonly [number, number, number] = [1, 0.2, 0.2]): PixelArray {
  checkRgbPicture("outlineBox", image);
  const { width, height } = image;
  const out = Float32Array.from(image.data);
  const x0 = Math.max(0, box.x0);
  const y0 = Math.max(0, box.y0);
  const x1 = Math.min(width, box.x1) - 1; // last column inside
  const y1 = Math.min(height, box.y1) - 1;
  if (x1 < x0 || y1 < y0) return { data: out, height, width, channels: 3 };
  const paint = (x: number, y: number): void => {
    for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = colour[c];
  };
  for (let x = x0; x <= x1; x++) {
    paint(x, y0);
    paint(x, y1);
  }
  for (let y = y0; y <= y1; y++) {
    paint(x0, y);
    paint(x1, y);
  }
  return { data: out, height, width, channels: 3 };
}

/** A copy of an RGB picture with a small plus sign (arms of `arm` pixels) centred on pixel (x, y). */
export function markPoint(image: PixelArray, x: number, y: number, colour: readonly [number, number, number] = [1, 1, 1], arm = 2): PixelArray {
  checkRgbPicture("markPoint", image);
  const { width, height } = image;
  const out = Float32Array.from(image.data);
  for (let d = -arm; d <= arm; d++) {
    for (const [px, py] of [[x + d, y], [x, y + d]]) {
      if (px < 0 || py < 0 || px >= width || py >= height) continue;
      for (let c = 0; c < 3; c++) out[(py * width + px) * 3 + c] = colour[c];
    }
  }
  return { data: out, height, width, channels: 3 };
}

/** The map itself in colour, as RGB values in [0, 1] at its own size (to show beside a frame in one grid). */
export function colouredHeatmap(map: readonly (readonly number[])[], colorMap: ColorMapName = "viridis"): PixelArray {
  const name = checkColorMap(colorMap);
  const height = map.length;
  const width = height > 0 ? map[0].length : 0;
  if (height === 0 || width === 0) throw new Error("colouredHeatmap: the map is empty");
  const out = new Float32Array(height * width * 3);
  const colour = new Uint8Array(3);
  map.forEach((row, y) => {
    if (row.length !== width) throw new Error("colouredHeatmap: the map's rows differ in length");
    row.forEach((v, x) => {
      applyColorMap(name, v, colour, 0);
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = colour[c] / 255;
    });
  });
  return { data: out, height, width, channels: 3 };
}
