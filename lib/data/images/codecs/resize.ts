/**
 * Changing an image's size: bilinear resampling and a top-left crop.
 */
import { RgbImage } from "./jpeg";

function checkSize(fn: string, height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new Error(`${fn}: the target size must be positive whole numbers, got ${height}×${width} (height×width)`);
  }
}

/**
 * Bilinear resampling to `height × width`, sampling at pixel centres (like
 * `tf.image.resizeBilinear(..., halfPixelCenters = true)`). A plain loop: deterministic, no tensors.
 */
export function resizeBilinear(img: RgbImage, height: number, width: number): RgbImage {
  checkSize("resizeBilinear", height, width);
  const { width: w0, height: h0, data: src } = img;
  const out = new Uint8Array(height * width * 3);
  const sy = h0 / height;
  const sx = w0 / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h0 - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h0 - 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w0 - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w0 - 1);
      const tx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = src[(y0 * w0 + x0) * 3 + c];
        const b = src[(y0 * w0 + x1) * 3 + c];
        const d = src[(y1 * w0 + x0) * 3 + c];
        const e = src[(y1 * w0 + x1) * 3 + c];
        const top = a + (b - a) * tx;
        const bottom = d + (e - d) * tx;
        out[(y * width + x) * 3 + c] = Math.round(top + (bottom - top) * ty);
      }
    }
  }
  return { width, height, data: out };
}

/**
 * The top-left `height × width` corner, which is what the course's R code does to an odd-sized
 * frame (`x[1:90, 1:160, 1:3]`). Throws if the image is smaller than that.
 */
export function cropTopLeft(img: RgbImage, height: number, width: number): RgbImage {
  checkSize("cropTopLeft", height, width);
  if (img.height < height || img.width < width) {
    throw new Error(`cropTopLeft: a ${img.height}×${img.width} image is too small to crop to ${height}×${width}`);
  }
  const out = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    const start = y * img.width * 3;
    out.set(img.data.subarray(start, start + width * 3), y * width * 3);
  }
  return { width, height, data: out };
}
