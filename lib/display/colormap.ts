/**
 * Colour maps that turn one value in [0, 1] into an RGB colour, for single-channel images such as
 * feature maps and Grad-CAM heatmaps.
 */

export type ColorMapName = "grey" | "viridis";

export const COLOR_MAPS: readonly ColorMapName[] = ["grey", "viridis"];

// Viridis sampled at 9 evenly spaced points (matplotlib's published table); we interpolate
// linearly between them, which is visually indistinguishable at the sizes we show.
const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Checks a colour map name and gives a clear error for anything else. */
export function checkColorMap(name: string): ColorMapName {
  if (!(COLOR_MAPS as readonly string[]).includes(name)) {
    throw new Error(`unknown colour map '${name}'; choose one of ${COLOR_MAPS.join(", ")}`);
  }
  return name as ColorMapName;
}

/** Writes the colour of `v` (clamped to [0, 1]) into `out` at `offset` as 3 bytes. */
export function applyColorMap(name: ColorMapName, v: number, out: Uint8Array, offset: number): void {
  const t = v <= 0 ? 0 : v >= 1 ? 1 : v;
  if (name === "grey") {
    const g = Math.round(t * 255);
    out[offset] = g;
    out[offset + 1] = g;
    out[offset + 2] = g;
    return;
  }
  const pos = t * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(pos), VIRIDIS.length - 2);
  const f = pos - i;
  for (let c = 0; c < 3; c++) {
    out[offset + c] = Math.round(VIRIDIS[i][c] * (1 - f) + VIRIDIS[i + 1][c] * f);
  }
}
