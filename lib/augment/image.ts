/**
 * One image as a flat array in height × width × channels order (the layout of a row of an NHWC
 * tensor), the unit the augmentation functions work on.
 */

export interface PixelImage {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

export function makeImage(data: ArrayLike<number>, height: number, width: number, channels = 1): PixelImage {
  for (const [what, v] of [["height", height], ["width", width], ["channels", channels]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`makeImage: ${what} must be a positive whole number, got ${v}`);
  }
  if (data.length !== height * width * channels) {
    throw new Error(`makeImage: ${data.length} values do not make a ${height}×${width}×${channels} image`);
  }
  return { data: Float32Array.from(data), height, width, channels };
}

/** A one-channel image from rows of numbers. */
export function imageFromRows(rows: number[][]): PixelImage {
  const height = rows.length;
  const width = height > 0 ? rows[0].length : 0;
  if (rows.some((r) => r.length !== width)) throw new Error("imageFromRows: rows differ in length");
  return makeImage(rows.flat(), height, width, 1);
}

/** The rows of a one-channel image. */
export function imageToRows(img: PixelImage): number[][] {
  if (img.channels !== 1) throw new Error(`imageToRows: the image has ${img.channels} channels, not 1`);
  return Array.from({ length: img.height }, (_, r) => Array.from(img.data.subarray(r * img.width, (r + 1) * img.width)));
}
