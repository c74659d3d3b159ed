/** Mirror images: left-right (Keras's horizontal_flip) and upside down (vertical_flip). */
import type { PixelImage } from "./image";

export function flipHorizontal(img: PixelImage): PixelImage {
  const { height: h, width: w, channels: ch, data } = img;
  const out = new Float32Array(data.length);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      for (let k = 0; k < ch; k++) out[(r * w + c) * ch + k] = data[(r * w + (w - 1 - c)) * ch + k];
    }
  }
  return { ...img, data: out };
}

export function flipVertical(img: PixelImage): PixelImage {
  const { height: h, width: w, channels: ch, data } = img;
  const out = new Float32Array(data.length);
  const rowSize = w * ch;
  for (let r = 0; r < h; r++) out.set(data.subarray((h - 1 - r) * rowSize, (h - r) * rowSize), r * rowSize);
  return { ...img, data: out };
}
