/**
 * Showing arrays and tensors as pictures: one image, or a grid of images with captions
 * (video frames labelled "Rick" / "Not Rick", feature maps, filters).
 *
 * Accepted shapes: [h, w] and [h, w, 1] (single channel, drawn with a colour map), [h, w, 3] (RGB),
 * [h, w, 4] (RGBA), and any of these with a leading batch dimension of 1.
 */
import * as tf from "@tensorflow/tfjs";
import { applyColorMap, checkColorMap, ColorMapName } from "./colormap";
import { displayBundle } from "../kernel/mime";
import { encodePng } from "./png";
import { escapeXml, FONT_FAMILY, svgToPng } from "./svg";

/** Pixels already read into memory, e.g. one channel of a feature map. */
export interface PixelArray {
  data: ArrayLike<number>;
  height: number;
  width: number;
  channels: number;
}

/** A tensor, a nested array ([h][w] or [h][w][c]) or a PixelArray. */
export type ImageInput = tf.Tensor | number[][] | number[][][] | PixelArray;

/** How pixel values map to colours. */
export interface ImageOptions {
  /** "unit": values in [0, 1] (default); "byte": values in 0..255. Ignored with `normalize`. */
  range?: "unit" | "byte";
  /** Stretch each image's own min..max to the full range (feature maps, filters, gradients). */
  normalize?: boolean;
  /** Colour map for single-channel images: "grey" (default) or "viridis". */
  colorMap?: ColorMapName;
  /** Integer zoom factor (nearest neighbour); default: enough to make the long side ~192 px. */
  scale?: number;
}

/** Options for showing a single image. */
export interface ShowImageOptions extends ImageOptions {
  /** Text drawn under the image. */
  caption?: string;
}

/** Options for a grid of images. */
export interface ImageGridOptions extends ImageOptions {
  /** One caption per image (same length as the list). */
  captions?: string[];
  /** Images per row; default min(count, 4). */
  ncol?: number;
  /** Text drawn above the grid. */
  title?: string;
}

/** RGBA pixels after colour mapping and scaling, ready to encode. */
export interface RgbaImage {
  rgba: Uint8Array;
  width: number;
  height: number;
}

const TARGET_SIDE = 192;
// Values this far outside the declared range are rounding noise; further out is a usage error.
const RANGE_SLACK = 1e-3;

function isPixelArray(x: unknown): x is PixelArray {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof tf.Tensor) && "data" in x;
}

// Shape and flat values of a rectangular nested array, with errors that say where it is ragged.
function flattenNested(x: unknown[]): { shape: number[]; values: number[] } {
  const shape: number[] = [];
  let level: unknown = x;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) throw new Error("image: the array has an empty dimension");
    level = level[0];
  }
  const values: number[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== "number") throw new Error(`image: element ${path} is not a number`);
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new Error(`image: ragged array: ${path || "top level"} should have length ${shape[depth]}`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  walk(x, 0, "");
  return { shape, values };
}

/** Reads any accepted input into a flat array plus height, width, channels; checks the shape. */
export function toPixelArray(image: ImageInput): PixelArray {
  let shape: number[];
  let data: ArrayLike<number>;
  if (image instanceof tf.Tensor) {
    if (image.isDisposed) throw new Error("image: the tensor has been disposed");
    shape = image.shape.slice();
    data = image.dataSync(); // reads values; creates no tensor
  } else if (Array.isArray(image)) {
    ({ shape, values: data } = flattenNested(image));
  } else if (isPixelArray(image)) {
    const { height, width, channels } = image;
    for (const [name, v] of [["height", height], ["width", width], ["channels", channels]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`image: ${name} must be a positive integer, got ${v}`);
    }
    if (image.data.length !== height * width * channels) {
      throw new Error(`image: ${height}x${width}x${channels} needs ${height * width * channels} values, got ${image.data.length}`);
    }
    shape = [height, width, channels];
    data = image.data;
  } else {
    throw new Error("image: expected a tensor, a nested number array or {data, height, width, channels}");
  }
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length === 2) shape = [shape[0], shape[1], 1];
  if (shape.length !== 3) {
    const hint = shape.length === 4 ? ` (a batch of ${shape[0]}: pick one image, or use showImages)` : "";
    throw new Error(`image: expected shape [h, w] or [h, w, c], got [${shape.join(", ")}]${hint}`);
  }
  const [height, width, channels] = shape;
  if (![1, 3, 4].includes(channels)) {
    throw new Error(`image: the last dimension must be 1, 3 or 4 channels, got ${channels} (shape [${shape.join(", ")}])`);
  }
  if (height === 0 || width === 0) throw new Error(`image: empty image of shape [${shape.join(", ")}]`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(`image: value ${data[i]} at flat index ${i} is not finite (NaN or Infinity)`);
    }
  }
  return { data, height, width, channels };
}

function checkScale(scale: number | undefined, height: number, width: number): number {
  if (scale === undefined) return Math.max(1, Math.floor(TARGET_SIDE / Math.max(height, width)));
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) {
    throw new Error(`image: scale must be an integer from 1 to 64, got ${scale}`);
  }
  return scale;
}

/** Colour-maps and scales one image into RGBA bytes. */
export function toRgba(image: ImageInput, options: ImageOptions = {}): RgbaImage {
  const { data, height, width, channels } = toPixelArray(image);
  const range = options.range ?? "unit";
  if (range !== "unit" && range !== "byte") throw new Error(`image: range must be "unit" or "byte", got '${range}'`);
  const colorMap = checkColorMap(options.colorMap ?? "grey");
  if (options.colorMap !== undefined && channels !== 1) {
    throw new Error(`image: a colour map applies to single-channel images, this one has ${channels} channels`);
  }
  const scale = checkScale(options.scale, height, width);

  // Map values to [0, 1].
  let lo = 0;
  let span = range === "byte" ? 255 : 1;
  if (options.normalize) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      if (data[i] < min) min = data[i];
      if (data[i] > max) max = data[i];
    }
    lo = min;
    span = max > min ? max - min : 1; // a constant image becomes black rather than NaN
  } else {
    for (let i = 0; i < data.length; i++) {
      const v = data[i] / span;
      if (v < -RANGE_SLACK || v > 1 + RANGE_SLACK) {
        const fix = range === "unit" && data[i] <= 255 && data[i] >= 0 ? 'range: "byte" for 0..255 data, or ' : "";
        throw new Error(
          `image: value ${data[i]} is outside ${range === "unit" ? "[0, 1]" : "0..255"}; pass ${fix}normalize: true`,
        );
      }
    }
  }

  const small = new Uint8Array(height * width * 4);
  const unit = (v: number): number => (v - lo) / span;
  for (let p = 0; p < height * width; p++) {
    const o = p * 4;
    if (channels === 1) {
      applyColorMap(colorMap, unit(data[p]), small, o);
      small[o + 3] = 255;
    } else {
      for (let c = 0; c < channels; c++) {
        const v = unit(data[p * channels + c]);
        small[o + c] = Math.round((v <= 0 ? 0 : v >= 1 ? 1 : v) * 255);
      }
      if (channels === 3) small[o + 3] = 255;
    }
  }
  if (scale === 1) return { rgba: small, width, height };

  const W = width * scale;
  const H = height * scale;
  const big = new Uint8Array(W * H * 4);
  const src = new Uint32Array(small.buffer);
  const dst = new Uint32Array(big.buffer);
  for (let y = 0; y < H; y++) {
    const row = Math.floor(y / scale) * width;
    for (let x = 0; x < W; x++) dst[y * W + x] = src[row + Math.floor(x / scale)];
  }
  return { rgba: big, width: W, height: H };
}

/** PNG bytes of one image (no caption), e.g. to save with fs.writeFileSync. */
export function imageToPng(image: ImageInput, options: ImageOptions = {}): Buffer {
  const { rgba, width, height } = toRgba(image, options);
  return encodePng(rgba, width, height);
}

const CAPTION_SIZE = 14;
const GAP = 8;

/** Splits a batch tensor [n, h, w, c] (or [n, h, w]) into a list of images; other inputs pass through. */
function asList(images: ImageInput[] | tf.Tensor): ImageInput[] {
  if (images instanceof tf.Tensor) {
    if (images.rank !== 3 && images.rank !== 4) {
      throw new Error(`showImages: a tensor of images must have shape [n, h, w] or [n, h, w, c], got [${images.shape.join(", ")}]`);
    }
    const [n, h, w] = images.shape;
    const c = images.rank === 4 ? (images.shape[3] as number) : 1;
    const all = images.dataSync();
    return Array.from({ length: n }, (_, i) => ({
      data: all.subarray(i * h * w * c, (i + 1) * h * w * c),
      height: h,
      width: w,
      channels: c,
    }));
  }
  if (!Array.isArray(images)) throw new Error("showImages: expected a list of images or a batch tensor");
  return images;
}

/** A grid of images with optional captions and title, as PNG bytes. */
export function imageGridToPng(images: ImageInput[] | tf.Tensor, options: ImageGridOptions = {}): Buffer {
  const list = asList(images);
  if (list.length === 0) throw new Error("showImages: the list of images is empty");
  const captions = options.captions;
  if (captions !== undefined && (!Array.isArray(captions) || captions.length !== list.length)) {
    throw new Error(`showImages: got ${captions?.length} captions for ${list.length} images`);
  }
  const ncol = options.ncol ?? Math.min(list.length, 4);
  if (!Number.isInteger(ncol) || ncol < 1) throw new Error(`showImages: ncol must be a positive integer, got ${ncol}`);

  // Pick one scale for all tiles so they keep their relative sizes.
  const pixels = list.map(toPixelArray);
  const longest = Math.max(...pixels.map((p) => Math.max(p.height, p.width)));
  const scale = checkScale(options.scale ?? (longest <= TARGET_SIDE / 2 ? Math.floor(TARGET_SIDE / 2 / longest) : 1), 1, 1);
  const tiles = pixels.map((p) => toRgba(p, { ...options, scale }));
  const cellW = Math.max(...tiles.map((t) => t.width));
  const cellH = Math.max(...tiles.map((t) => t.height)) + (captions ? CAPTION_SIZE + 6 : 0);
  const nrow = Math.ceil(tiles.length / ncol);
  const top = options.title ? CAPTION_SIZE + 14 : 0;
  // Wide enough for the title too (about 9 px per character at this size).
  const W = Math.max(ncol * cellW + (ncol + 1) * GAP, options.title ? options.title.length * 9 + 2 * GAP : 0);
  const H = top + nrow * cellH + (nrow + 1) * GAP;

  const parts: string[] = [];
  if (options.title) {
    parts.push(`<text x="${W / 2}" y="${CAPTION_SIZE + 6}" text-anchor="middle" font-size="${CAPTION_SIZE + 2}" font-weight="bold">${escapeXml(options.title)}</text>`);
  }
  tiles.forEach((t, i) => {
    const x = Math.floor((W - ncol * cellW - (ncol - 1) * GAP) / 2) + (i % ncol) * (cellW + GAP);
    const y = top + GAP + Math.floor(i / ncol) * (cellH + GAP);
    const href = "data:image/png;base64," + encodePng(t.rgba, t.width, t.height).toString("base64");
    const dx = x + Math.floor((cellW - t.width) / 2);
    parts.push(`<image x="${dx}" y="${y}" width="${t.width}" height="${t.height}" image-rendering="optimizeSpeed" href="${href}"/>`);
    if (captions) {
      parts.push(`<text x="${x + cellW / 2}" y="${y + t.height + CAPTION_SIZE + 2}" text-anchor="middle" font-size="${CAPTION_SIZE}">${escapeXml(String(captions[i]))}</text>`);
    }
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="${FONT_FAMILY}">${parts.join("")}</svg>`;
  return svgToPng(svg);
}

function describe(p: PixelArray): string {
  return `${p.height}x${p.width}${p.channels === 1 ? "" : "x" + p.channels}`;
}

/** Shows one image in the notebook (PNG, with a text fallback). */
export function showImage(image: ImageInput, options: ShowImageOptions = {}): void {
  const p = toPixelArray(image);
  const scale = checkScale(options.scale, p.height, p.width);
  const caption = options.caption;
  const png = caption === undefined
    ? imageToPng(p, { ...options, scale })
    : imageGridToPng([p], { ...options, scale, captions: [caption], ncol: 1 });
  const text = `[image ${describe(p)}${caption === undefined ? "" : `: ${caption}`}]`;
  displayBundle({ "image/png": png, "text/plain": text });
}

/** Shows several images in a grid with optional captions and title. */
export function showImages(images: ImageInput[] | tf.Tensor, options: ImageGridOptions = {}): void {
  const list = asList(images);
  const png = imageGridToPng(list, options);
  const captions = options.captions ?? [];
  const text =
    `[${list.length} images${options.title ? `: ${options.title}` : ""}]` +
    (captions.length ? "\n" + captions.map((c, i) => `  ${i + 1}. ${c}`).join("\n") : "");
  displayBundle({ "image/png": png, "text/plain": text });
}

/**
 * One single-channel image per selected channel of a [h, w, c] (or [1, h, w, c]) tensor:
 * the input for showing feature maps as a grid. `channels` are 0-based; default all.
 */
export function splitChannels(t: tf.Tensor, channels?: number[]): PixelArray[] {
  const shape = t.rank === 4 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape;
  if (shape.length !== 3) {
    throw new Error(`splitChannels: expected shape [h, w, c] or [1, h, w, c], got [${t.shape.join(", ")}]`);
  }
  const [h, w, c] = shape;
  const pick = channels ?? Array.from({ length: c }, (_, i) => i);
  for (const k of pick) {
    if (!Number.isInteger(k) || k < 0 || k >= c) throw new Error(`splitChannels: channel ${k} is out of range 0..${c - 1}`);
  }
  const all = t.dataSync();
  return pick.map((k) => {
    const data = new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) data[p] = all[p * c + k];
    return { data, height: h, width: w, channels: 1 };
  });
}
