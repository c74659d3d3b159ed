/**
 * What a JPEG's header says about its size, read before decoding: a header is a few bytes that can
 * claim any size, and a decoder allocates for the claim before it finds the data missing (a 9000×9000
 * claim in a 2 KB file cost 0.8 GB and 3 s). `checkJpegHeader` refuses such files from the header alone.
 */

export interface JpegFrameInfo {
  width: number;
  height: number;
  components: number;
  /** True for progressive JPEGs (SOF2, SOF6, SOF10, SOF14), whose data can be far smaller per pixel. */
  progressive: boolean;
}

/** The most pixels a frame may have: 50 megapixels (a 48 MP phone photo fits; a course frame is 0.014 MP). */
export const MAX_JPEG_PIXELS = 50_000_000;

/** The frame header (SOFn) of JPEG bytes, or null when the markers end before one. */
export function jpegFrameInfo(bytes: Uint8Array): JpegFrameInfo | null {
  let p = 2; // after FF D8
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return null;
    const marker = bytes[p + 1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2; // markers without a length
      continue;
    }
    const length = (bytes[p + 2] << 8) | bytes[p + 3];
    if (length < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (p + 10 > bytes.length) return null;
      return {
        height: (bytes[p + 5] << 8) | bytes[p + 6],
        width: (bytes[p + 7] << 8) | bytes[p + 8],
        components: bytes[p + 9],
        progressive: marker === 0xc2 || marker === 0xc6 || marker === 0xca || marker === 0xce,
      };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data or end before any frame header
    p += 2 + length;
  }
  return null;
}

/**
 * Throws, naming `source`, when the header claims more pixels than `maxPixels`, or more than a
 * baseline JPEG of this many bytes can hold: every 8×8 block of the first component costs at least
 * two bits (a DC code and an end-of-block code), so a file of n bytes holds at most 4n blocks.
 * Returns the header (null when there is none; the decoder then says what is wrong).
 */
export function checkJpegHeader(bytes: Uint8Array, source: string, maxPixels = MAX_JPEG_PIXELS): JpegFrameInfo | null {
  const info = jpegFrameInfo(bytes);
  if (info === null) return null;
  const size = `${info.width}×${info.height}`;
  if (info.width === 0 || info.height === 0) {
    throw new Error(`${source} is a damaged JPEG: its header says ${size} pixels. Replace or remove the file.`);
  }
  const pixels = info.width * info.height;
  if (pixels > maxPixels) {
    throw new Error(
      `${source}: its header says ${size} pixels (${(pixels / 1e6).toFixed(1)} MP), more than the ${maxPixels / 1e6} MP ` +
        `this loader decodes; it was not decoded. Shrink the picture, or remove the file.`,
    );
  }
  const blocks = Math.ceil(info.width / 8) * Math.ceil(info.height / 8);
  if (!info.progressive && blocks > 4 * bytes.length) {
    throw new Error(
      `${source} is truncated or damaged: its header says ${size} pixels, which needs at least ${Math.ceil(blocks / 4)} ` +
        `bytes of image data, but the file has ${bytes.length} bytes; it was not decoded. Replace or remove the file.`,
    );
  }
  return info;
}
